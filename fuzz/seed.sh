#!/usr/bin/env bash
# Seeds each target's corpus (fuzz/corpus/<target>/, not committed) from the examples,
# the standard library, the test cases and the regressions.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
for target in compile fmt lsp; do
    corpus="$root/fuzz/corpus/$target"
    mkdir -p "$corpus"
    find "$root/examples" "$root/stdlib" "$root/tests/cases" "$root/fuzz/regressions" -type f \
        \( -name '*.k8s' -o -name '*.bin' \) -print0 |
        while IFS= read -r -d '' file; do
            cp "$file" "$corpus/$(sha1sum "$file" | cut -c1-16)"
        done
done
echo "seeded $(ls "$root/fuzz/corpus/compile" | wc -l) inputs per target"
