#!/usr/bin/env bash
# Builds the release and serves it on http://127.0.0.1:3000 with SQLite and file mail (state under ./data).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
unset RUSTFLAGS
# --precompress: brotli and gzip copies of the static files, served to the browsers that take them.
release_build
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
exec "$CARGO_TARGET_DIR/server-release/server"
