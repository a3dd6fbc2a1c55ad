//! The lab's machines: a network namespace per node, with its address on its declared
//! interface, joined by one bridge per subnet inside a namespace of its own (the switch),
//! and a client namespace. Each node runs as one process tree in its own PID and mount
//! namespaces, seeing its own files from the tree over the machine's `/etc`; killing that
//! tree and taking its link down is the host failing. Everything made is removed when the
//! world is dropped, also after an interrupt.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use super::sys::{self, run};
use crate::emit::lab::plan::{Node, Plan, Service};

/// A running node: its `unshare` process and its PID namespace.
struct Running {
    child: Child,
    pid_namespace: Option<String>,
}

pub struct World {
    pub plan: Plan,
    tree: PathBuf,
    /// Namespace names start with this: `k8sc-lab-<pid>`.
    prefix: String,
    pub scratch: PathBuf,
    namespaces: Vec<String>,
    running: BTreeMap<String, Running>,
    /// The nodes the lab runs something on, by name.
    pub active: Vec<String>,
    /// LVS nodes run keepalived's VRRP only (this kernel has no IPVS).
    pub vrrp_only: bool,
    k8sc: PathBuf,
    /// Where to copy the nodes' logs before removing everything.
    pub keep_logs: Option<PathBuf>,
    /// How many veth pairs the switch has.
    ports: usize,
}

impl Drop for World {
    fn drop(&mut self) {
        for running in self.running.values_mut() {
            let _ = running.child.kill();
            let _ = running.child.wait();
        }
        if let Some(folder) = &self.keep_logs {
            for name in &self.active {
                let from = self.scratch.join("nodes").join(name);
                let to = folder.join(name);
                let _ = std::fs::create_dir_all(&to);
                for entry in std::fs::read_dir(&from).into_iter().flatten().flatten() {
                    if entry.path().extension().is_some_and(|ext| ext == "log") {
                        let _ = std::fs::copy(entry.path(), to.join(entry.file_name()));
                    }
                }
            }
        }
        for namespace in self.namespaces.iter().rev() {
            let _ = sys::attempt("ip", &["netns", "delete", namespace]);
        }
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// Removes what an earlier lab left when it could not clean up (killed with SIGKILL): the
/// processes, namespaces and scratch folders of a `k8sc-lab-<pid>` whose process is gone.
fn sweep_stale() {
    let stale = |name: &str| {
        let pid = name.strip_prefix("k8sc-lab-").and_then(|rest| rest.split('-').next());
        pid.and_then(|pid| pid.parse::<u32>().ok())
            .is_some_and(|pid| !Path::new(&format!("/proc/{pid}")).exists())
    };
    let (_, list) = sys::attempt("ip", &["netns", "list"]);
    for name in list.lines().filter_map(|line| line.split_whitespace().next()) {
        if stale(name) {
            let (_, pids) = sys::attempt("ip", &["netns", "pids", name]);
            for pid in pids.split_whitespace().filter_map(|pid| pid.parse().ok()) {
                sys::kill(pid);
            }
            let _ = sys::attempt("ip", &["netns", "delete", name]);
        }
    }
    for entry in std::fs::read_dir(std::env::temp_dir()).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if stale(&name) && entry.path().is_dir() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|err| format!("{}: {err}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|err| format!("{}: {err}", from.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_tree(&path, &target)?;
        } else {
            std::fs::copy(&path, &target).map_err(|err| format!("{}: {err}", path.display()))?;
        }
    }
    Ok(())
}

fn write(path: &Path, text: &str, mode: u32) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|err| format!("{}: {err}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|err| format!("{}: {err}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|err| err.to_string())
}

impl World {
    pub fn node(&self, name: &str) -> Option<&Node> {
        self.plan.nodes.iter().find(|node| node.name == name)
    }

    pub fn namespace(&self, node: &str) -> String {
        format!("{}-{node}", self.prefix)
    }

    pub fn client(&self) -> String {
        format!("{}-client", self.prefix)
    }

    fn has(&self, node: &str, file: &str) -> bool {
        self.tree.join("hosts").join(node).join(file).is_file()
    }

    /// Makes the namespaces, the links and every node's files; starts nothing.
    pub fn create(tree: &Path, plan: Plan, vrrp_only: bool) -> Result<World, String> {
        let prefix = format!("k8sc-lab-{}", std::process::id());
        let scratch = std::env::temp_dir().join(&prefix);
        // Made fresh and private (0700): a link or folder planted under this name is
        // refused, never followed.
        let planted = std::fs::symlink_metadata(&scratch).is_ok();
        if planted {
            return Err(format!(
                "{} exists already (not made by this lab); remove it and run again",
                scratch.display()
            ));
        }
        std::os::unix::fs::DirBuilderExt::mode(&mut std::fs::DirBuilder::new(), 0o700)
            .create(&scratch)
            .map_err(|err| format!("{}: {err}", scratch.display()))?;
        if plan.nodes.is_empty() {
            return Err("the plan has no nodes".into());
        }
        sweep_stale();
        let mut world = World {
            plan,
            tree: tree.to_path_buf(),
            prefix,
            scratch,
            namespaces: Vec::new(),
            running: BTreeMap::new(),
            active: Vec::new(),
            vrrp_only,
            k8sc: std::env::current_exe().map_err(|err| err.to_string())?,
            keep_logs: None,
            ports: 0,
        };
        world.active = (world.plan.nodes.iter())
            .filter(|node| {
                !node.standins.is_empty()
                    || world.has(&node.name, "etc/keepalived/keepalived.conf")
                    || world.has(&node.name, "etc/haproxy/haproxy.cfg")
                    || world
                        .plan
                        .etcd
                        .as_ref()
                        .is_some_and(|etcd| etcd.members.contains(&node.name))
            })
            .map(|node| node.name.clone())
            .collect();
        world.network()?;
        world.files()?;
        Ok(world)
    }

    fn add_namespace(&mut self, name: &str) -> Result<(), String> {
        run("ip", &["netns", "add", name])?;
        self.namespaces.push(name.to_string());
        run("ip", &["-n", name, "link", "set", "lo", "up"])?;
        Ok(())
    }

    /// A veth from the switch's bridge for `net` (made on first use) into `namespace`.
    fn plug(
        &mut self,
        bridges: &mut Vec<ipnet::Ipv4Net>,
        namespace: &str,
        interface: &str,
        address: Ipv4Addr,
        prefix: u8,
    ) -> Result<(), String> {
        let switch = format!("{}-switch", self.prefix);
        let net = ipnet::Ipv4Net::new(address, prefix)
            .map_err(|err| err.to_string())?
            .trunc();
        let bridge = match bridges.iter().position(|known| *known == net) {
            Some(position) => format!("br{position}"),
            None => {
                let name = format!("br{}", bridges.len());
                run("ip", &["-n", &switch, "link", "add", &name, "type", "bridge"])?;
                run("ip", &["-n", &switch, "link", "set", &name, "up"])?;
                bridges.push(net);
                name
            }
        };
        self.ports += 1;
        let port = format!("p{}", self.ports);
        run(
            "ip",
            &[
                "-n", &switch, "link", "add", &port, "type", "veth", "peer", "name", interface, "netns", namespace,
            ],
        )?;
        run("ip", &["-n", &switch, "link", "set", &port, "master", &bridge, "up"])?;
        run(
            "ip",
            &[
                "-n",
                namespace,
                "addr",
                "add",
                &format!("{address}/{prefix}"),
                "dev",
                interface,
            ],
        )?;
        run("ip", &["-n", namespace, "link", "set", interface, "up"])?;
        Ok(())
    }

    /// The switch with a bridge per subnet, every active node on its subnet's bridge, and
    /// the client on every bridge, at the highest address nothing else uses.
    fn network(&mut self) -> Result<(), String> {
        self.add_namespace(&format!("{}-switch", self.prefix))?;
        let mut bridges: Vec<ipnet::Ipv4Net> = Vec::new();
        for name in self.active.clone() {
            let node = self.node(&name).cloned().ok_or("a node of the plan")?;
            let namespace = self.namespace(&name);
            self.add_namespace(&namespace)?;
            self.plug(&mut bridges, &namespace, &node.interface, node.address, node.prefix)?;
        }
        let client = self.client();
        self.add_namespace(&client)?;
        let used: Vec<Ipv4Addr> = (self.plan.nodes.iter().map(|node| node.address))
            .chain(self.plan.vips.iter().map(|vip| vip.address))
            .collect();
        for (index, net) in bridges.clone().into_iter().enumerate() {
            let address = (net.hosts().rev())
                .find(|address| !used.contains(address))
                .ok_or_else(|| format!("no free address for the lab's client in {net}"))?;
            self.plug(&mut bridges, &client, &format!("eth{index}"), address, net.prefix_len())?;
        }
        Ok(())
    }

    /// Each node's `/etc` layer (its tree files, the etcd certificates, the stand-ins'
    /// certificate) and its boot script.
    fn files(&mut self) -> Result<(), String> {
        let pki = self.scratch.join("etcd-pki");
        let external = self.plan.etcd.as_ref().is_some_and(|etcd| etcd.external);
        if external {
            let script = self.tree.join("etcd/make-certs.sh");
            run("sh", &[&script.to_string_lossy(), &pki.to_string_lossy()])?;
        }
        std::fs::create_dir_all(self.scratch.join("drbd/down")).map_err(|err| err.to_string())?;
        for pair in &self.plan.drbd {
            for node in &pair.nodes {
                write(
                    &self.scratch.join(format!("drbd/{}/{node}", pair.resource)),
                    "Secondary\n",
                    0o644,
                )?;
            }
        }
        write(&self.scratch.join("bin/drbdadm"), DRBDADM, 0o755)?;
        write(&self.scratch.join("bin/systemctl"), SYSTEMCTL, 0o755)?;
        write(&self.scratch.join("bin/mount"), MOUNT, 0o755)?;
        write(&self.scratch.join("bin/umount"), UMOUNT, 0o755)?;
        write(&self.scratch.join("bin/mountpoint"), MOUNTPOINT, 0o755)?;
        write(&self.scratch.join("bin/exportfs"), "#!/bin/sh\nexit 0\n", 0o755)?;
        for name in self.active.clone() {
            let node = self.node(&name).cloned().ok_or("a node of the plan")?;
            let dir = self.scratch.join("nodes").join(&name);
            let etc = dir.join("etc");
            let own = self.tree.join("hosts").join(&name).join("etc");
            if own.is_dir() {
                copy_tree(&own, &etc)?;
            } else {
                std::fs::create_dir_all(&etc).map_err(|err| err.to_string())?;
            }
            for folder in ["upper", "work", "varlib-upper", "varlib-work"] {
                std::fs::create_dir_all(dir.join(folder)).map_err(|err| err.to_string())?;
            }
            let member = self.plan.etcd.as_ref().is_some_and(|etcd| etcd.members.contains(&name));
            if member && external {
                let target = etc.join("kubernetes/pki/etcd");
                std::fs::create_dir_all(&target).map_err(|err| err.to_string())?;
                std::fs::copy(pki.join("ca.crt"), target.join("ca.crt")).map_err(|err| err.to_string())?;
                for file in ["server.crt", "server.key", "peer.crt", "peer.key"] {
                    std::fs::copy(pki.join(&name).join(file), target.join(file)).map_err(|err| err.to_string())?;
                }
            } else if member {
                write(&etc.join("etcd/lab-stacked.yml"), &self.stacked_etcd(&node), 0o644)?;
            }
            if !node.standins.is_empty() {
                run(
                    "openssl",
                    &[
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-days",
                        "2",
                        "-subj",
                        &format!("/CN={name}"),
                        "-keyout",
                        &dir.join("standin.key").to_string_lossy(),
                        "-out",
                        &dir.join("standin.crt").to_string_lossy(),
                    ],
                )?;
            }
            let boot = self.boot_script(&node, &dir, member, external);
            write(&dir.join("boot.sh"), &boot, 0o755)?;
        }
        Ok(())
    }

    /// Stacked etcd runs in kubeadm's static pods, which the lab cannot run: the control
    /// plane gets the same membership over plain HTTP.
    fn stacked_etcd(&self, node: &Node) -> String {
        let members = self
            .plan
            .etcd
            .as_ref()
            .map(|etcd| etcd.members.clone())
            .unwrap_or_default();
        let cluster: Vec<String> = (members.iter())
            .filter_map(|name| self.node(name))
            .map(|member| format!("{}=http://{}:2380", member.name, member.address))
            .collect();
        let address = node.address;
        format!(
            "# The lab's stand-in for kubeadm's stacked etcd member.\nname: {}\ndata-dir: /var/lib/etcd/default\n\
             listen-peer-urls: http://{address}:2380\nlisten-client-urls: http://{address}:2379,http://127.0.0.1:2379\n\
             initial-advertise-peer-urls: http://{address}:2380\nadvertise-client-urls: http://{address}:2379\n\
             initial-cluster: {}\ninitial-cluster-token: k8sc-lab\ninitial-cluster-state: new\n",
            node.name,
            cluster.join(",")
        )
    }

    fn boot_script(&self, node: &Node, dir: &Path, member: bool, external: bool) -> String {
        let dir = dir.display();
        let scratch = self.scratch.display();
        let k8sc = self.k8sc.display();
        let name = &node.name;
        let mut script = format!(
            "#!/bin/sh\n# k8sc lab: node {name}, PID 1 of its own namespaces.\nset -e\n\
             mount -t tmpfs tmpfs /run\nmkdir -p /run/haproxy /run/keepalived\n\
             mount -t overlay overlay -o lowerdir={dir}/etc:/etc,upperdir={dir}/upper,workdir={dir}/work /etc\n\
             mount -t overlay overlay -o lowerdir=/var/lib,upperdir={dir}/varlib-upper,workdir={dir}/varlib-work /var/lib\n\
             for file in {dir}/etc/sysctl.d/*.conf; do [ -f \"$file\" ] && sysctl -q -p \"$file\"; done\n\
             export PATH={scratch}/bin:$PATH K8SC_LAB_NODE={name} K8SC_LAB_STATE={scratch}/drbd K8SC_LAB_K8SC={k8sc}\n\
             set +e\n"
        );
        for standin in &node.standins {
            let port = standin.port;
            let _ = match standin.service {
                Service::Apiserver => writeln!(
                    script,
                    "openssl s_server -quiet -4 -accept {port} -cert {dir}/standin.crt -key {dir}/standin.key -www >> {dir}/apiserver.log 2>&1 &"
                ),
                Service::Ingress | Service::Nfs => writeln!(
                    script,
                    "{k8sc} lab-standin --name {name} --port {port} >> {dir}/standin-{port}.log 2>&1 &"
                ),
            };
        }
        if member {
            let config = if external {
                "/etc/etcd/etcd.conf.yml"
            } else {
                "/etc/etcd/lab-stacked.yml"
            };
            let _ = writeln!(script, "etcd --config-file {config} >> {dir}/etcd.log 2>&1 &");
        }
        if self.has(name, "etc/haproxy/haproxy.cfg") {
            // The sandbox may cap open files below maxconn's need; -n lowers maxconn for
            // the lab only.
            let _ = writeln!(
                script,
                "haproxy -W -db -n 4000 -f /etc/haproxy/haproxy.cfg >> {dir}/haproxy.log 2>&1 &"
            );
        }
        if self.has(name, "etc/keepalived/keepalived.conf") {
            let vrrp_only = if self.vrrp_only && self.has(name, "etc/modules-load.d/k8sc-ipvs.conf") {
                " --vrrp"
            } else {
                ""
            };
            let _ = writeln!(
                script,
                "keepalived --dont-fork --log-console --log-detail{vrrp_only} -f /etc/keepalived/keepalived.conf \
                 -p /run/keepalived.pid -r /run/keepalived-vrrp.pid -c /run/keepalived-checkers.pid >> {dir}/keepalived.log 2>&1 &"
            );
        }
        script.push_str("wait\n");
        script
    }

    /// Starts a node: its link up, its processes from boot.
    pub fn start(&mut self, name: &str) -> Result<(), String> {
        let node = self.node(name).cloned().ok_or("a node of the plan")?;
        let namespace = self.namespace(name);
        run("ip", &["-n", &namespace, "link", "set", &node.interface, "up"])?;
        let _ = std::fs::remove_file(self.scratch.join("drbd/down").join(name));
        // A DRBD node comes back Secondary.
        for pair in self.plan.drbd.iter().filter(|pair| pair.nodes.contains(&node.name)) {
            write(
                &self.scratch.join(format!("drbd/{}/{name}", pair.resource)),
                "Secondary\n",
                0o644,
            )?;
        }
        let boot = self.scratch.join("nodes").join(name).join("boot.sh");
        let child = Command::new("ip")
            .args([
                "netns",
                "exec",
                &namespace,
                "unshare",
                "--mount",
                "--pid",
                "--fork",
                "--kill-child",
                "--mount-proc",
            ])
            .args(["--propagation", "private", "/bin/sh"])
            .arg(&boot)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|err| format!("starting node {name}: {err}"))?;
        let pid = child.id();
        self.running.insert(
            name.to_string(),
            Running {
                child,
                pid_namespace: None,
            },
        );
        // Its init appears once unshare has forked: give a loaded machine 10 s.
        for _ in 0..1000 {
            if let Some(namespace) = sys::child_pid_namespace(pid) {
                if let Some(running) = self.running.get_mut(name) {
                    running.pid_namespace = Some(namespace);
                }
                return Ok(());
            }
            sys::pause(std::time::Duration::from_millis(10))?;
        }
        Err(format!("node {name} did not start"))
    }

    pub fn start_all(&mut self) -> Result<(), String> {
        for name in self.active.clone() {
            self.start(&name)?;
        }
        Ok(())
    }

    pub fn is_running(&self, name: &str) -> bool {
        self.running.contains_key(name)
    }

    /// The node fails as a host does: every process at once, and its link.
    pub fn fail(&mut self, name: &str) {
        if let Some(mut running) = self.running.remove(name) {
            let _ = running.child.kill();
            let _ = running.child.wait();
        }
        if let Some(node) = self.node(name).cloned() {
            let _ = sys::attempt(
                "ip",
                &["-n", &self.namespace(name), "link", "set", &node.interface, "down"],
            );
        }
        let _ = write(&self.scratch.join("drbd/down").join(name), "", 0o644);
    }

    /// Kills one program on a running node (the service keepalived tracks): the processes
    /// of that command whose command line holds `with`.
    pub fn kill_program(&self, name: &str, program: &str, with: &str) -> usize {
        let Some(namespace) = self.running.get(name).and_then(|running| running.pid_namespace.clone()) else {
            return 0;
        };
        let pids = sys::processes_in(&namespace, program, with);
        for pid in &pids {
            sys::kill(*pid);
        }
        pids.len()
    }

    /// Where a node's logs are.
    pub fn logs(&self, name: &str) -> PathBuf {
        self.scratch.join("nodes").join(name)
    }

    pub fn etcd_pki(&self) -> PathBuf {
        self.scratch.join("etcd-pki")
    }

    pub fn k8sc(&self) -> &Path {
        &self.k8sc
    }
}

/// `drbdadm` as the notify and check scripts call it: the pair's roles are files, and a
/// peer that is down is not connected. Promotion fails while the connected peer is Primary.
const DRBDADM: &str = r#"#!/bin/sh
# k8sc lab stand-in for drbdadm: role, status, primary, secondary.
state=$K8SC_LAB_STATE
me=$K8SC_LAB_NODE
resource=$2
peer_role() {
    for file in "$state/$resource"/*; do
        peer=$(basename "$file")
        [ "$peer" = "$me" ] && continue
        if [ -e "$state/down/$peer" ]; then echo Unknown; else cat "$file"; fi
    done
}
case "$1" in
    role) cat "$state/$resource/$me" ;;
    status) echo "$resource role:$(cat "$state/$resource/$me")"; echo "  peer role:$(peer_role)" ;;
    primary)
        if [ "$(peer_role)" = Primary ]; then
            echo "$resource: State change failed: (-1) Multiple primaries not allowed by config" 1>&2
            exit 11
        fi
        echo Primary > "$state/$resource/$me" ;;
    secondary) echo Secondary > "$state/$resource/$me" ;;
    *) echo "drbdadm stand-in: $*" 1>&2; exit 1 ;;
esac
"#;

/// `systemctl start|stop|is-active nfs-server`: the NFS stand-in on port 2049.
const SYSTEMCTL: &str = r#"#!/bin/sh
# k8sc lab stand-in for systemctl, for nfs-server.
[ "$2" = --quiet ] && set -- "$1" "$3"
pidfile=/run/k8sc-lab-$2.pid
# A killed server may linger as a zombie of the node's init: it is not running.
running() {
    [ -s "$pidfile" ] || return 1
    state=$(cut -d' ' -f3 "/proc/$(cat "$pidfile")/stat" 2>/dev/null)
    [ -n "$state" ] && [ "$state" != Z ]
}
case "$1" in
    start)
        running && exit 0
        "$K8SC_LAB_K8SC" lab-standin --name "$K8SC_LAB_NODE" --port 2049 > /dev/null 2>&1 &
        echo $! > "$pidfile" ;;
    stop)
        [ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
        rm -f "$pidfile" ;;
    is-active) running ;;
    *) exit 0 ;;
esac
"#;

const MOUNT: &str = "#!/bin/sh\n# k8sc lab stand-in for mount DEVICE DIR.\necho \"$2\" >> /run/k8sc-lab-mounts\n";
const UMOUNT: &str = "#!/bin/sh\n# k8sc lab stand-in for umount DIR.\n[ -f /run/k8sc-lab-mounts ] && grep -vxF \"$1\" /run/k8sc-lab-mounts > /run/k8sc-lab-mounts.new; mv -f /run/k8sc-lab-mounts.new /run/k8sc-lab-mounts 2>/dev/null; exit 0\n";
const MOUNTPOINT: &str = "#!/bin/sh\n# k8sc lab stand-in for mountpoint -q DIR.\n[ \"$1\" = -q ] && shift\ngrep -qxF \"$1\" /run/k8sc-lab-mounts 2>/dev/null\n";
