#!/usr/bin/env bash
# Builds the real Kubernetes control plane from its Go modules, once per release, and
# caches it: kube-apiserver, kube-controller-manager, kube-scheduler, kubeadm and kubectl
# from k8s.io/kubernetes, etcd from go.etcd.io/etcd at the release that kubeadm pins, and
# kwok (sigs.k8s.io/kwok), which plays the kubelets.
#
#   bash tests/controlplane/build.sh            # prints the folder that holds the binaries
#
# The binaries land in $K8SC_CACHE/controlplane/<release>/bin (K8SC_CACHE defaults to
# ~/.cache/k8sc); Go's module and build caches stay where Go keeps them, so a second run
# rebuilds nothing and a run for another release reuses every shared module.
set -euo pipefail

release="${K8SC_KUBERNETES_RELEASE:-1.37.2}"
kwok_release="${K8SC_KWOK_RELEASE:-0.8.0}"
cache="${K8SC_CACHE:-$HOME/.cache/k8sc}/controlplane/v$release"
bin="$cache/bin"
minor="${release#*.}"; minor="${minor%%.*}"
staging="0.$minor.${release##*.}"

command -v go >/dev/null 2>&1 || { echo "build.sh: Go is needed (go1.26 or newer)" >&2; exit 2; }
export GOFLAGS="-buildvcs=false -mod=mod"
export GOTOOLCHAIN=local
export CGO_ENABLED=0

have() { [ -x "$bin/$1" ] && [ -f "$bin/$1.version" ] && [ "$(cat "$bin/$1.version")" = "$2" ]; }

mkdir -p "$bin" "$cache/src"
lock="$cache/.lock"
exec 9>"$lock"
flock 9

k8s_tools=(kube-apiserver kube-controller-manager kube-scheduler kubeadm kubectl)
need_k8s=0
for t in "${k8s_tools[@]}"; do have "$t" "v$release" || need_k8s=1; done

if [ "$need_k8s" = 1 ]; then
  mod="$cache/src/kubernetes"
  mkdir -p "$mod"
  # A wrapper module: k8s.io/kubernetes points its staging modules at local folders that
  # its module zip does not carry, so each is replaced by its published v0.<minor>.<patch>.
  {
    echo "module k8sc.test/controlplane"
    echo
    echo "go 1.26.0"
    echo
    echo "require k8s.io/kubernetes v$release"
    echo
    echo "replace ("
    for m in api apiextensions-apiserver apimachinery apiserver cli-runtime client-go \
             cloud-provider cluster-bootstrap code-generator component-base component-helpers \
             controller-manager cri-api cri-client cri-streaming csi-translation-lib \
             dynamic-resource-allocation endpointslice externaljwt kms kube-aggregator \
             kube-controller-manager kube-proxy kube-scheduler kubectl kubelet metrics \
             mount-utils pod-security-admission sample-apiserver sample-cli-plugin \
             sample-controller streaming; do
      echo "	k8s.io/$m => k8s.io/$m v$staging"
    done
    echo ")"
  } >"$mod/go.mod"
  cat >"$mod/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubeadm"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  (cd "$mod" && go mod tidy -e >/dev/null 2>&1 || true; cd "$mod" && go mod download k8s.io/kubernetes)
  stamp="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    stamp="$stamp -X $pkg.gitVersion=v$release -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    stamp="$stamp -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  for t in "${k8s_tools[@]}"; do
    have "$t" "v$release" && continue
    echo "build.sh: building $t v$release" >&2
    (cd "$mod" && go build -trimpath -tags tools -ldflags "$stamp" -o "$bin/$t.tmp" "k8s.io/kubernetes/cmd/$t")
    mv "$bin/$t.tmp" "$bin/$t"
    echo "v$release" >"$bin/$t.version"
  done
fi

# etcd at the release kubeadm pins for this Kubernetes (SupportedEtcdVersion), built from
# go.etcd.io/etcd's server module through a main of our own that calls its etcdmain.
etcd_release=$(sed -n 's/^[[:space:]]*DefaultEtcdVersion = "\([0-9.]*\)-[0-9]*"$/\1/p' \
  "$(cd "$cache/src/kubernetes" && go list -m -f '{{.Dir}}' k8s.io/kubernetes)/cmd/kubeadm/app/constants/constants.go")
[ -n "$etcd_release" ] || { echo "build.sh: kubeadm v$release names no etcd release" >&2; exit 1; }
if ! have etcd "v$etcd_release"; then
  mod="$cache/src/etcd"
  mkdir -p "$mod"
  printf 'module k8sc.test/etcd\n\ngo 1.26.0\n\nrequire go.etcd.io/etcd/server/v3 v%s\n' "$etcd_release" >"$mod/go.mod"
  cat >"$mod/main.go" <<'GO'
// etcd, as its own main package builds it: etcdmain with the process's arguments.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  echo "build.sh: building etcd v$etcd_release" >&2
  (cd "$mod" && go mod tidy >/dev/null && go build -trimpath -ldflags "-s -w" -o "$bin/etcd.tmp" .)
  mv "$bin/etcd.tmp" "$bin/etcd"
  echo "v$etcd_release" >"$bin/etcd.version"
fi

# kwok plays the kubelets: Node heartbeats, pods Running and Ready.
if ! have kwok "v$kwok_release"; then
  mod="$cache/src/kwok"
  mkdir -p "$mod"
  printf 'module k8sc.test/kwok\n\ngo 1.26.0\n\nrequire sigs.k8s.io/kwok v%s\n' "$kwok_release" >"$mod/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "sigs.k8s.io/kwok/cmd/kwok"\n' >"$mod/tools.go"
  echo "build.sh: building kwok v$kwok_release" >&2
  (cd "$mod" && go mod tidy >/dev/null && go build -trimpath -tags tools -ldflags "-s -w" -o "$bin/kwok.tmp" sigs.k8s.io/kwok/cmd/kwok)
  mv "$bin/kwok.tmp" "$bin/kwok"
  echo "v$kwok_release" >"$bin/kwok.version"
fi

echo "$bin"
