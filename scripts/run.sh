#!/usr/bin/env bash
# Builds the release and serves it on http://127.0.0.1:3000 with SQLite and file mail (state under ./data).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
unset RUSTFLAGS
cargo leptos build --release
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
exec "$CARGO_TARGET_DIR/release/server"
