//! What the lab looks at: who holds each VIP, where a client's connection to a route
//! lands, and whether etcd accepts a write. Probes run in the client namespace.

use super::sys;
use super::world::World;
use crate::emit::lab::plan::{Route, Service, Vip};

/// The running members that hold the VIP.
pub fn holders(world: &World, vip: &Vip) -> Vec<String> {
    let needle = format!(" {}/", vip.address);
    vip.members
        .iter()
        .filter(|member| world.is_running(member))
        .filter(|member| {
            let (_, text) = sys::attempt("ip", &["-n", &world.namespace(member), "-o", "-4", "addr", "show"]);
            text.contains(&needle)
        })
        .cloned()
        .collect()
}

/// Which node answered one connection to `target`, if any did.
fn answer(world: &World, service: Service, target: &str) -> Option<String> {
    let client = world.client();
    match service {
        Service::Apiserver => {
            let (_, text) = sys::attempt(
                "ip",
                &[
                    "netns",
                    "exec",
                    &client,
                    "timeout",
                    "8",
                    "openssl",
                    "s_client",
                    "-connect",
                    target,
                    "-servername",
                    "k8sc-lab",
                ],
            );
            text.lines()
                .find_map(|line| line.strip_prefix("subject="))
                .and_then(|subject| subject.rsplit('=').next())
                .map(|name| name.trim().to_string())
        }
        Service::Ingress | Service::Nfs => {
            let k8sc = world.k8sc().to_string_lossy().into_owned();
            let (ok, text) = sys::attempt(
                "ip",
                &["netns", "exec", &client, &k8sc, "lab-standin", "--probe", target],
            );
            ok.then(|| text.trim().to_string()).filter(|name| !name.is_empty())
        }
    }
}

/// Where a route's connections landed.
#[derive(Debug, Clone)]
pub struct Landing {
    /// One entry per connection: the node that answered, or `None` for a failure.
    pub answers: Vec<Option<String>>,
}

impl Landing {
    /// Every connection reached one of `live`.
    pub fn only_live(&self, live: &[String]) -> bool {
        !self.answers.is_empty()
            && (self.answers.iter()).all(|answer| answer.as_ref().is_some_and(|node| live.contains(node)))
    }

    pub fn describe(&self) -> String {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for answer in &self.answers {
            let name = answer.clone().unwrap_or_else(|| "no answer".into());
            match counts.iter_mut().find(|(known, _)| *known == name) {
                Some((_, count)) => *count += 1,
                None => counts.push((name, 1)),
            }
        }
        (counts.iter())
            .map(|(name, count)| format!("{name} x{count}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Four connections to each of the route's targets that is up (enough for round robin to
/// visit every backend of a three-node frontend); none when no target is up.
pub fn land(world: &World, route: &Route) -> Landing {
    let mut answers = Vec::new();
    let up = (route.targets.iter()).filter(|target| target.node.as_ref().is_none_or(|node| world.is_running(node)));
    for target in up {
        for _ in 0..4 {
            answers.push(answer(world, route.service, &target.address));
        }
    }
    Landing { answers }
}

/// Whether etcd commits a write, with etcdctl's words when it does not.
pub fn etcd_write(world: &World, round: usize) -> (bool, String) {
    let Some(etcd) = &world.plan.etcd else {
        return (true, String::new());
    };
    let scheme = if etcd.external { "https" } else { "http" };
    let endpoints: Vec<String> = (etcd.members.iter())
        .filter_map(|member| world.node(member))
        .map(|member| format!("{scheme}://{}:2379", member.address))
        .collect();
    let pki = world.etcd_pki();
    let mut args: Vec<String> = ["netns", "exec", &world.client(), "etcdctl"]
        .map(str::to_string)
        .to_vec();
    args.push(format!("--endpoints={}", endpoints.join(",")));
    if etcd.external {
        args.push(format!("--cacert={}", pki.join("ca.crt").display()));
        args.push(format!("--cert={}", pki.join("apiserver-etcd-client.crt").display()));
        args.push(format!("--key={}", pki.join("apiserver-etcd-client.key").display()));
    }
    args.extend(["--dial-timeout=2s", "--command-timeout=4s", "put", "k8sc-lab"].map(str::to_string));
    args.push(format!("round-{round}"));
    let borrowed: Vec<&str> = args.iter().map(String::as_str).collect();
    match sys::run("ip", &borrowed) {
        Ok(_) => (true, "accepts writes".into()),
        Err(err) => (false, err.lines().last().unwrap_or("no answer").to_string()),
    }
}
