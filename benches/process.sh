#!/usr/bin/env bash
# Whole-process benchmark: `k8sc check` and `k8sc build` on W(100), W(1k), W(10k), W(100k),
# the median wall time and peak RSS of several runs each, and the time to merely copy the
# produced tree (`cp -r`), the physical floor of writing it.
#   bash benches/process.sh            # all sizes, 5 runs each
#   RUNS=3 SIZES="1000 10000" bash benches/process.sh
#   TMPDIR=/dev/shm bash benches/process.sh   # the tree on tmpfs: without the disk's cost
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
SIZES=${SIZES:-"100 1000 10000 100000"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --bin k8sc --example gen_workload
k8sc=target/release/k8sc
export K8SC_API_VRRP_PASS=bench123 K8SC_INGRESS_VRRP_PASS=bench123
# The examples' kubeadm bootstrap secrets, for benchmarks only (examples/pki/README.md).
K8SC_BOOTSTRAP_TOKEN=$(cat examples/pki/bootstrap-token)
K8SC_CERTIFICATE_KEY=$(cat examples/pki/certificate-key)
K8SC_CA_CERTIFICATE=$(cat examples/pki/ca.crt)
K8SC_CA_KEY=$(cat examples/pki/ca.key)
export K8SC_BOOTSTRAP_TOKEN K8SC_CERTIFICATE_KEY K8SC_CA_CERTIFICATE K8SC_CA_KEY

# Median of the runs of a command: prints "seconds kilobytes" (wall time to the
# millisecond; the peak RSS of the median run).
measure() {
  local samples=()
  for _ in $(seq "$RUNS"); do
    local start end
    start=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$work/time" "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    samples+=("$(awk -v ns="$((end - start))" 'BEGIN { printf "%.3f", ns / 1e9 }') $(cat "$work/time")")
  done
  printf '%s\n' "${samples[@]}" | sort -n | awk -v n="$RUNS" 'NR == int((n + 1) / 2) { print }'
}

printf '%-8s %-8s %10s %12s   (work folder %s)\n' "N" "command" "wall (s)" "peak RSS" "$work"
for n in $SIZES; do
  target/release/examples/gen_workload "$n" > "$work/w.k8s"
  read -r seconds kb < <(measure "$k8sc" check "$work/w.k8s")
  printf '%-8s %-8s %10s %9s MiB\n' "$n" check "$seconds" "$((kb / 1024))"
  read -r seconds kb < <(measure "$k8sc" build "$work/w.k8s" -o "$work/out")
  printf '%-8s %-8s %10s %9s MiB\n' "$n" build "$seconds" "$((kb / 1024))"
  read -r seconds kb < <(measure bash -c "rm -rf '$work/copy' && cp -r '$work/out' '$work/copy'")
  files=$(find "$work/out" -type f | wc -l)
  printf '%-8s %-8s %10s %9s MiB   (%s files, %s)\n' "$n" "cp -r" "$seconds" "$((kb / 1024))" "$files" "$(du -sh "$work/out" | cut -f1)"
done
