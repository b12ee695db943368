#!/usr/bin/env bash
# The lint gate of `make test` and `make check`: formatting, then clippy with every warning an error, on the
# server and its tests and benchmarks, and on the WebAssembly front end.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
cargo fmt --all -- --check
cargo clippy --workspace --tests --benches --locked -- -D warnings
# Both bundles: the public pages' islands, and the account and administrators' application.
cargo clippy --locked -p app --features islands --target wasm32-unknown-unknown -- -D warnings
cargo clippy --locked -p app --features hydrate --target wasm32-unknown-unknown -- -D warnings
