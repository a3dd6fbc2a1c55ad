//! The host layer beyond keepalived and haproxy: the external etcd members' configurations
//! and the script that makes their certificates, run for real with openssl.

use std::path::Path;
use std::process::Command;

use serde_yaml::Value;

fn built(example: &str) -> std::path::PathBuf {
    let (_, out) = crate::build::built_examples(&format!("hosts-{example}"))
        .into_iter()
        .find(|(path, _)| path.to_string_lossy().contains(example))
        .expect("the example");
    out
}

fn yaml(path: &Path) -> Value {
    serde_yaml::from_str(&std::fs::read_to_string(path).expect("readable")).expect("YAML")
}

fn openssl(args: &[&str]) -> (bool, String) {
    let output = Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl (tests/run.sh installs it)");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr),
    )
}

/// Every external member's configuration names the whole initial cluster, its own URLs on
/// its own address and TLS for clients and peers at kubeadm's external-etcd paths.
#[test]
fn every_external_etcd_member_gets_its_configuration() {
    let out = built("003-minimal-production");
    let inventory = yaml(&out.join("ansible/inventory.yaml"));
    let members: Vec<String> = (inventory["all"]["children"]["etcd"]["hosts"].as_mapping())
        .expect("an etcd group")
        .keys()
        .filter_map(|key| key.as_str().map(str::to_string))
        .collect();
    assert_eq!(members, ["etcd1", "etcd2", "etcd3"]);
    for member in &members {
        let address = inventory["all"]["hosts"][member.as_str()]["ansible_host"]
            .as_str()
            .expect("an address");
        let config = yaml(&out.join(format!("hosts/{member}/etc/etcd/etcd.conf.yml")));
        assert_eq!(config["name"], member.as_str());
        assert_eq!(
            config["advertise-client-urls"],
            format!("https://{address}:2379").as_str()
        );
        assert_eq!(
            config["initial-advertise-peer-urls"],
            format!("https://{address}:2380").as_str()
        );
        let cluster = config["initial-cluster"].as_str().expect("the initial cluster");
        for other in &members {
            let other_address = inventory["all"]["hosts"][other.as_str()]["ansible_host"]
                .as_str()
                .expect("an address");
            assert!(
                cluster.contains(&format!("{other}=https://{other_address}:2380")),
                "{cluster}"
            );
        }
        for side in ["client-transport-security", "peer-transport-security"] {
            assert_eq!(config[side]["client-cert-auth"], true, "{member} {side}");
            assert_eq!(config[side]["trusted-ca-file"], "/etc/kubernetes/pki/etcd/ca.crt");
        }
        let unit = std::fs::read_to_string(out.join(format!("hosts/{member}/etc/systemd/system/etcd.service")))
            .expect("readable");
        assert!(
            unit.contains("ExecStart=/usr/local/bin/etcd --config-file=/etc/etcd/etcd.conf.yml\n"),
            "{unit}"
        );
        assert!(unit.contains("User=etcd\n") && unit.contains("Type=notify\n"), "{unit}");
        // systemd's own parser reads it (with a binary this machine has in etcd's place).
        let copy = crate::build::scratch_dir(&format!("etcd-unit-{member}")).join("etcd.service");
        std::fs::write(&copy, unit.replace("/usr/local/bin/etcd", "/bin/true")).expect("write");
        let verified = Command::new("systemd-analyze")
            .arg("verify")
            .arg(&copy)
            .output()
            .expect("systemd-analyze");
        assert!(
            verified.status.success() && verified.stderr.is_empty(),
            "{member}: {}",
            String::from_utf8_lossy(&verified.stderr)
        );
    }
    // The apiservers' client certificate is where kubeadm's ClusterConfiguration looks.
    let kubeadm = std::fs::read_to_string(out.join("kubeadm/kubeadm-config.yaml")).expect("readable");
    assert!(
        kubeadm.contains("/etc/kubernetes/pki/apiserver-etcd-client.crt"),
        "{kubeadm}"
    );
    // A stacked cluster has none of this.
    let stacked = built("004-three-masters");
    assert!(!stacked.join("etcd").exists());
}

/// `etcd/make-certs.sh` makes the CA once and every certificate the members and the
/// apiservers need, signed by it with the member's names; a second run keeps them all.
#[test]
fn the_etcd_certificate_script_makes_what_the_members_need_and_keeps_it() {
    let out = built("003-minimal-production");
    let pki = crate::build::scratch_dir("etcd-pki").join("pki");
    let script = out.join("etcd/make-certs.sh");
    let run = || {
        let output = Command::new("sh").arg(&script).arg(&pki).output().expect("sh");
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let first = run();
    assert_eq!(
        first.lines().count(),
        8,
        "the CA, two per member, the apiservers': {first}"
    );
    assert_eq!(run(), "", "a second run issues nothing");
    let ca = pki.join("ca.crt");
    for (member, address) in [
        ("etcd1", "10.30.0.31"),
        ("etcd2", "10.30.0.32"),
        ("etcd3", "10.30.0.33"),
    ] {
        for kind in ["server", "peer"] {
            let crt = pki.join(format!("{member}/{kind}.crt"));
            let (verified, text) = openssl(&[
                "verify",
                "-CAfile",
                ca.to_str().expect("utf-8"),
                crt.to_str().expect("utf-8"),
            ]);
            assert!(verified, "{text}");
            let (_, text) = openssl(&[
                "x509",
                "-noout",
                "-ext",
                "subjectAltName,extendedKeyUsage",
                "-in",
                crt.to_str().expect("utf-8"),
            ]);
            assert!(
                text.contains(&format!("IP Address:{address}")) && text.contains("TLS Web Client Authentication"),
                "{text}"
            );
        }
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(pki.join(format!("{member}/server.key")))
                .expect("a key")
                .permissions(),
        );
        assert_eq!(mode & 0o077, 0, "keys are private");
    }
    let (verified, text) = openssl(&[
        "verify",
        "-CAfile",
        ca.to_str().expect("utf-8"),
        pki.join("apiserver-etcd-client.crt").to_str().expect("utf-8"),
    ]);
    assert!(verified, "{text}");
}
