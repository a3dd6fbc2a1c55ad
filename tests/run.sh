#!/usr/bin/env bash
# The whole test suite, on a fresh machine or an old one: installs the real programs the
# tests drive when they are missing (quietly), then runs every check and test.
# `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# Snapshots never update themselves here: a changed snapshot is a failure to review.
export INSTA_UPDATE=no
export CARGO_TERM_COLOR=never

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)

# Debian packages: Graphviz renders `k8sc graph`; haproxy, keepalived and exportfs check
# every emitted config; Neovim is the real editor of the language-server test; Ansible
# (ansible-core, ansible-lint) checks the deployment playbook; containerd reads every
# runtime configuration; curl and jq run harbor/apply.sh against a stand-in on loopback;
# drbdadm (drbd-utils) parses every DRBD resource file; openssl makes the stand-in
# apiserver's certificate for the apiserver check drill and the etcd certificates; etcd
# (etcd-server, etcd-client) forms the external etcd clusters of `k8sc lab`'s drills.
missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v keepalived >/dev/null 2>&1 || [ -x /usr/sbin/keepalived ] || missing+=(keepalived)
command -v exportfs >/dev/null 2>&1 || [ -x /usr/sbin/exportfs ] || missing+=(nfs-kernel-server)
command -v unshare >/dev/null 2>&1 || missing+=(util-linux)
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || missing+=(iproute2)
command -v nvim >/dev/null 2>&1 || missing+=(neovim)
command -v ansible-playbook >/dev/null 2>&1 || missing+=(ansible-core)
command -v ansible-lint >/dev/null 2>&1 || missing+=(ansible-lint)
command -v containerd >/dev/null 2>&1 || missing+=(containerd)
command -v jq >/dev/null 2>&1 || missing+=(jq)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v drbdadm >/dev/null 2>&1 || [ -x /usr/sbin/drbdadm ] || missing+=(drbd-utils)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
command -v etcd >/dev/null 2>&1 || missing+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || missing+=(etcd-client)
if [ ${#missing[@]} -gt 0 ]; then
  echo "tests/run.sh: installing ${missing[*]}"
  "${as_root[@]}" apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Python packages: the Kubernetes JSON schemas (kubernetes-validate) and jsonschema.
if ! python3 -c 'import kubernetes_validate, jsonschema, yaml' >/dev/null 2>&1; then
  echo "tests/run.sh: installing kubernetes-validate"
  python3 -m pip install --quiet --disable-pip-version-check kubernetes-validate
fi
export PATH="$PATH:/usr/sbin:/sbin"

# The real control plane (kube-apiserver, kube-controller-manager, kube-scheduler, kubeadm,
# kubectl, etcd, kwok), built from their Go modules once per release and cached; a run
# with the cache warm rebuilds nothing.
export PATH="$PATH:/usr/local/go/bin"
# Each platform is admitted by the apiserver of its own minor: 1.36 (the examples on
# Calico) and 1.37, the newest, which also runs kubeadm, kubectl and the drills.
K8SC_KUBERNETES_RELEASE=1.36.3 bash tests/controlplane/build.sh >/dev/null
K8SC_CONTROLPLANE_BIN=$(bash tests/controlplane/build.sh)
export K8SC_CONTROLPLANE_BIN
# First on PATH: the lab's etcd members run etcd 3.7.0, the release kubeadm pins (Debian
# 12's 3.4.23 is older than current Kubernetes supports; its etcdctl still serves), and
# kubectl is of the release the platforms run.
export PATH="$K8SC_CONTROLPLANE_BIN:$PATH"

# The peer linters (kube-score, kubeconform, checkov), pinned and cached the same way.
K8SC_PEERS_BIN=$(bash tests/peers/install.sh)
export K8SC_PEERS_BIN

cargo fmt --all -- --check
cargo clippy --all-targets --locked --quiet -- -D warnings
cargo test --locked
