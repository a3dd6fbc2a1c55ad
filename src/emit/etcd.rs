//! External etcd (`etcd = external`): what its members run with, and how their certificates
//! are made.
//!
//! - `hosts/<member>/etc/etcd/etcd.conf.yml`: the member's name, the initial cluster, peer
//!   and client URLs on the node's address (clients also on 127.0.0.1), a data dir, and
//!   TLS for clients and peers with client-certificate authentication, at the paths of
//!   kubeadm's external-etcd guide (`/etc/kubernetes/pki/etcd/`).
//! - `hosts/<member>/etc/systemd/system/etcd.service`: k8sc's own unit, which runs
//!   `/usr/local/bin/etcd` with that file as the `etcd` user. The etcd is the one the
//!   release's kubeadm deploys, or newer ([`version`]); the playbook installs the binary it
//!   is given and refuses an older one (Debian 12's etcd-server, 3.4.23, is older than
//!   every supported Kubernetes release needs).
//! - `etcd/make-certs.sh`: makes the etcd CA once and, signed by it, each member's server
//!   and peer certificates (its name and address as SANs) and the apiserver's client
//!   certificate, at the paths kubeadm's ClusterConfiguration names. It keeps what is still
//!   valid for 30 days with the same names, so a second run changes nothing. The playbook
//!   runs it on the first member, where the CA stays (`/var/lib/k8sc/etcd-pki`, outside the
//!   tree, which a rebuild replaces), and copies the results to the members and the control
//!   plane.

use serde::Serialize;

use super::{Files, Input, MODE_FILE, MODE_SCRIPT};
use crate::platform::names::k8s_name;
use crate::semantic::Model;
use crate::semantic::views::{EtcdTopology, NodeId, Role};

/// Where the members keep their data (owned by Debian's `etcd` user).
pub const DATA_DIR: &str = "/var/lib/etcd/default";
/// The folder of the etcd CA and the members' certificates on a member.
pub const PKI: &str = "/etc/kubernetes/pki/etcd";
pub const CLIENT_PORT: u16 = 2379;
pub const PEER_PORT: u16 = 2380;

/// The external members: every node with the etcd role, when etcd is external.
pub fn members(model: &Model) -> Vec<NodeId> {
    let external = (model.clusters().next()).is_some_and(|cluster| cluster.etcd() == EtcdTopology::External);
    if !external {
        return Vec::new();
    }
    (model.nodes())
        .filter(|node| node.roles().contains(&Role::Etcd))
        .map(|node| node.id())
        .collect()
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Config {
    name: String,
    data_dir: &'static str,
    listen_peer_urls: String,
    listen_client_urls: String,
    initial_advertise_peer_urls: String,
    advertise_client_urls: String,
    initial_cluster: String,
    initial_cluster_token: String,
    initial_cluster_state: &'static str,
    listen_metrics_urls: &'static str,
    client_transport_security: Security,
    peer_transport_security: Security,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Security {
    cert_file: String,
    key_file: String,
    client_cert_auth: bool,
    trusted_ca_file: String,
}

fn security(kind: &str) -> Security {
    Security {
        cert_file: format!("{PKI}/{kind}.crt"),
        key_file: format!("{PKI}/{kind}.key"),
        client_cert_auth: true,
        trusted_ca_file: format!("{PKI}/ca.crt"),
    }
}

struct Member {
    /// The node's name, as the tree's folders spell it.
    node: String,
    /// The member's name: the node's as a DNS label.
    name: String,
    address: String,
}

pub fn emit(input: &Input<'_>, output: &mut Files<'_>) {
    let model = input.model;
    let members: Vec<Member> = (members(model).into_iter())
        .filter_map(|id| {
            let node = model.node(id);
            Some(Member {
                node: node.name().to_string(),
                name: k8s_name(node.name()),
                address: node.address()?.to_string(),
            })
        })
        .collect();
    if members.is_empty() {
        return;
    }
    let cluster_name = (model.clusters().next()).map_or_else(|| "k8sc".to_string(), |cluster| k8s_name(cluster.name()));
    let initial_cluster = (members.iter())
        .map(|member| format!("{}=https://{}:{PEER_PORT}", member.name, member.address))
        .collect::<Vec<_>>()
        .join(",");
    for member in &members {
        let config = Config {
            name: member.name.clone(),
            data_dir: DATA_DIR,
            listen_peer_urls: format!("https://{}:{PEER_PORT}", member.address),
            listen_client_urls: format!(
                "https://{}:{CLIENT_PORT},https://127.0.0.1:{CLIENT_PORT}",
                member.address
            ),
            initial_advertise_peer_urls: format!("https://{}:{PEER_PORT}", member.address),
            advertise_client_urls: format!("https://{}:{CLIENT_PORT}", member.address),
            initial_cluster: initial_cluster.clone(),
            initial_cluster_token: format!("{cluster_name}-etcd"),
            initial_cluster_state: "new",
            listen_metrics_urls: "http://127.0.0.1:2381",
            client_transport_security: security("server"),
            peer_transport_security: security("peer"),
        };
        let node = &member.node;
        let text = format!(
            "# Generated by k8sc from {} for the external etcd member {node}; do not edit by hand.\n\
             # Certificates: etcd/make-certs.sh (the playbook runs it and copies them here).\n{}",
            input.source,
            super::yaml_stream::to_yaml(&config)
        );
        output.add(format!("hosts/{node}/etc/etcd/etcd.conf.yml"), text, MODE_FILE);
        output.add(
            format!("hosts/{node}/etc/systemd/system/etcd.service"),
            unit(&input.source, node, version(model)),
            MODE_FILE,
        );
    }
    output.add("etcd/make-certs.sh", make_certs(&input.source, &members), MODE_SCRIPT);
}

/// The least etcd the external members run: what the cluster's release's kubeadm deploys
/// (`check::release`), or 3.5.0 for a release whose pin k8sc does not know.
pub fn version(model: &Model) -> &'static str {
    (model.clusters().next())
        .and_then(|cluster| cluster.version())
        .and_then(|version| crate::platform::bootstrap::minor(version).ok())
        .and_then(crate::platform::release::of)
        .and_then(|release| release.etcd)
        .unwrap_or("3.5.0")
}

/// The member's systemd unit: etcd from `/usr/local/bin` with its configuration file, as
/// the `etcd` user, restarted when it fails.
fn unit(source: &str, node: &str, version: &str) -> String {
    format!(
        "# Generated by k8sc from {source} for the external etcd member {node}; do not edit by hand.\n\
         [Unit]\n\
         Description=etcd {version} or newer, external etcd member {node} (k8sc)\n\
         Documentation=https://etcd.io/docs/\n\
         Wants=network-online.target\n\
         After=network-online.target\n\
         \n\
         [Service]\n\
         Type=notify\n\
         User=etcd\n\
         Group=etcd\n\
         ExecStart=/usr/local/bin/etcd --config-file=/etc/etcd/etcd.conf.yml\n\
         Restart=on-failure\n\
         RestartSec=5\n\
         LimitNOFILE=65536\n\
         \n\
         [Install]\n\
         WantedBy=multi-user.target\n"
    )
}

/// The certificate script: the etcd CA, then per member `server` and `peer` (serving and
/// client use, SANs of its name and address) and the apiserver's client certificate.
fn make_certs(source: &str, members: &[Member]) -> String {
    let mut text = format!(
        r#"#!/bin/sh
# Generated by k8sc from {source}: the certificates of the external etcd cluster.
#   etcd/make-certs.sh [OUT]        (OUT defaults to etcd/pki beside this script)
# OUT/ca.{{crt,key}}                            the etcd CA, made once
# OUT/<node>/{{server,peer}}.{{crt,key}}          each member's, for {PKI}/ on it
# OUT/apiserver-etcd-client.{{crt,key}}         the apiservers', for /etc/kubernetes/pki/
# A certificate still valid for 30 days with the same names is kept; every one made is
# printed as "issued PATH".
set -eu
out=${{1:-$(dirname "$0")/pki}}
umask 077
mkdir -p "$out"
if [ ! -s "$out/ca.key" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj /CN=etcd-ca \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
        -keyout "$out/ca.key" -out "$out/ca.crt" 2>/dev/null
    echo "issued $out/ca.crt"
fi
# issue PATH COMMON-NAME EXTENDED-KEY-USAGE [SUBJECT-ALT-NAMES]
issue() {{
    path=$out/$1
    want="$2 $3 ${{4:-}}"
    if [ -s "$path.crt" ] && [ "$(cat "$path.names" 2>/dev/null)" = "$want" ] \
        && openssl verify -CAfile "$out/ca.crt" "$path.crt" >/dev/null 2>&1 \
        && openssl x509 -checkend 2592000 -noout -in "$path.crt" >/dev/null; then
        return 0
    fi
    mkdir -p "$(dirname "$path")"
    {{
        echo "basicConstraints=critical,CA:FALSE"
        echo "keyUsage=critical,digitalSignature,keyEncipherment"
        echo "extendedKeyUsage=$3"
        if [ -n "${{4:-}}" ]; then echo "subjectAltName=$4"; fi
    }} > "$path.ext"
    openssl req -new -newkey rsa:2048 -nodes -subj "/CN=$2" -keyout "$path.key" -out "$path.csr" 2>/dev/null
    openssl x509 -req -sha256 -days 365 -in "$path.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" \
        -set_serial "0x$(openssl rand -hex 16)" -extfile "$path.ext" -out "$path.crt" 2>/dev/null
    rm -f "$path.csr" "$path.ext"
    echo "$want" > "$path.names"
    echo "issued $path.crt"
}}
"#
    );
    let issue = |text: &mut String, words: [String; 4]| {
        text.push_str("issue");
        for word in &words {
            text.push(' ');
            text.push_str(&super::shell::quote(word));
        }
        text.push('\n');
    };
    for member in members {
        let (node, name, address) = (&member.node, &member.name, &member.address);
        issue(
            &mut text,
            [
                format!("{node}/server"),
                name.clone(),
                "serverAuth,clientAuth".into(),
                format!("DNS:{name},DNS:localhost,IP:{address},IP:127.0.0.1"),
            ],
        );
        issue(
            &mut text,
            [
                format!("{node}/peer"),
                name.clone(),
                "serverAuth,clientAuth".into(),
                format!("DNS:{name},IP:{address}"),
            ],
        );
    }
    text.push_str("issue apiserver-etcd-client kube-apiserver-etcd-client clientAuth\n");
    text
}
