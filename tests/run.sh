#!/usr/bin/env bash
# The whole test suite, on a fresh machine or an old one: installs what the tests need
# when it is missing, then runs every test. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# Snapshots never update themselves here: a changed snapshot is a failure to review.
export INSTA_UPDATE=no
export CARGO_TERM_COLOR=never

cargo fmt --all -- --check
cargo clippy --all-targets --locked --quiet -- -D warnings
cargo test --release --locked
