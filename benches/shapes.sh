#!/usr/bin/env bash
# The pathological shapes of issue 13, each at N and 10N, counted in instructions by
# callgrind (the counts repeat exactly on a noisy machine; wall times do not). Prints one
# Markdown row per shape: the two counts and their ratio, which must stay at most about 12
# for a linear shape.
#
#   bash benches/shapes.sh                 # every shape
#   SHAPES="hosts deep" bash benches/shapes.sh
#   K8SC=/path/to/k8sc bash benches/shapes.sh   # another binary (a before/after)
#
# Needs valgrind (`apt-get install valgrind`). Builds the release binary and the generator.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo build --release --locked --quiet --example gen_shapes
if [ -z "${K8SC:-}" ]; then
    cargo build --release --locked --quiet
    K8SC="$root/target/release/k8sc"
fi
gen="$root/target/release/examples/gen_shapes"
command -v valgrind >/dev/null || { echo "valgrind is needed: apt-get install valgrind" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r examples/pki "$work/pki"
export K8SC_BENCH_VRRP_PASS=bench123

# shape, N, the k8sc arguments (the file is appended), what it measures
shapes=(
    "deep|12|fmt --check|fmt of a value nested N levels deep (N < 128, the nesting limit)"
    "nested|2500|check|N unclosed \`[\` (E0006 at 128 levels)"
    "hosts|3000|check|N physical hosts with a worker each, ten apps over them (production)"
    "warnings|1000|check|N apps with a warning each, terminal output"
    "misspelt|2000|check --format json|N misspelt references among N namespaces"
    "chain|2000|check|N apps, each depending on the one before"
)

# Instructions of one run (the program's own exit status does not matter here).
count() {
    local out="$work/callgrind.out"
    (cd "$work" && valgrind --tool=callgrind --callgrind-out-file="$out" "$@" >/dev/null 2>"$work/vg.log") || true
    grep -o 'Collected : [0-9]*' "$work/vg.log" | grep -o '[0-9]*$'
}

echo "| shape | N | instructions at N | at 10N | ratio |"
echo "| --- | --- | --- | --- | --- |"
for entry in "${shapes[@]}"; do
    IFS='|' read -r shape size args what <<<"$entry"
    if [ -n "${SHAPES:-}" ] && [[ " $SHAPES " != *" $shape "* ]]; then
        continue
    fi
    small="$work/$shape-small.k8s"
    large="$work/$shape-large.k8s"
    "$gen" "$shape" "$size" >"$small"
    "$gen" "$shape" "$((size * 10))" >"$large"
    # shellcheck disable=SC2086
    a=$(count "$K8SC" $args "$small")
    # shellcheck disable=SC2086
    b=$(count "$K8SC" $args "$large")
    ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.1f", b / a }')
    printf '| %s | %s | %s | %s | %s |\n' "$what" "$size" \
        "$(awk -v n="$a" 'BEGIN { printf "%.1f M", n / 1e6 }')" \
        "$(awk -v n="$b" 'BEGIN { printf "%.1f M", n / 1e6 }')" "$ratio"
done
