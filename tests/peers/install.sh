#!/usr/bin/env bash
# The peer linters the suite runs over every example's manifests, pinned and cached:
# kube-score and kubeconform built from their Go modules, checkov from PyPI.
#
#   bash tests/peers/install.sh     # prints the folder that holds kube-score and kubeconform
#
# The Go binaries land in $K8SC_CACHE/peers/bin (K8SC_CACHE defaults to ~/.cache/k8sc);
# checkov is installed with pip when `checkov --version` does not print the pinned one.
set -euo pipefail

kube_score="v1.20.0"
kubeconform="v0.8.0"
checkov="3.3.30"
bin="${K8SC_CACHE:-$HOME/.cache/k8sc}/peers/bin"

command -v go >/dev/null 2>&1 || { echo "install.sh: Go is needed (go1.26 or newer)" >&2; exit 2; }
export GOFLAGS="-buildvcs=false"
export GOTOOLCHAIN=local
export CGO_ENABLED=0
mkdir -p "$bin"
exec 9>"$bin/.lock"
flock 9

install() { # name module version
  if [ -x "$bin/$1" ] && [ "$(cat "$bin/$1.version" 2>/dev/null)" = "$3" ]; then
    return
  fi
  echo "tests/peers/install.sh: building $1 $3" >&2
  GOBIN="$bin" go install "$2@$3" >&2
  echo "$3" > "$bin/$1.version"
}
install kube-score github.com/zegl/kube-score/cmd/kube-score "$kube_score"
install kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$kubeconform"

if [ "$(checkov --version 2>/dev/null)" != "$checkov" ]; then
  echo "tests/peers/install.sh: installing checkov $checkov" >&2
  python3 -m pip install --quiet --disable-pip-version-check "checkov==$checkov" >&2
fi
echo "$bin"
