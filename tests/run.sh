#!/usr/bin/env bash
# The whole test suite, on a fresh machine or an old one: installs what the tests need
# when it is missing (quietly), then runs every check and test. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# Snapshots never update themselves here: a changed snapshot is a failure to review.
export INSTA_UPDATE=no
export CARGO_TERM_COLOR=never

# Debian packages the tests drive: Graphviz renders `k8sc graph`.
missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
if [ ${#missing[@]} -gt 0 ]; then
  echo "tests/run.sh: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cargo fmt --all -- --check
cargo clippy --all-targets --locked --quiet -- -D warnings
cargo test --locked
