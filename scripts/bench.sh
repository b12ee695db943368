#!/usr/bin/env bash
# Runs every benchmark on the release build, SQLite and PostgreSQL, and prints one table (Markdown): each figure
# beside an anchor measured in the same run, and their ratio. Progress goes to stderr.
#   GEODAE_BENCH_SIRENE_ROWS   rows of the synthetic StockUniteLegale file (default 5 000 000)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
# The release flags of `make run` (cargo-leptos adds `--cfg erase_components`: always-erase-components), so that
# the benchmarks and the server share one build.
export RUSTFLAGS="--cfg erase_components"
export GEODAE_BENCH_POSTGRES_URL="${GEODAE_BENCH_POSTGRES_URL:-$GEODAE_TEST_POSTGRES_URL}"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
cargo bench --locked --profile server-release -p server --bench sirene >>"$out"
cargo bench --locked --profile server-release -p server --bench dashboard >>"$out"
cargo bench --locked --profile server-release -p server --bench submit >>"$out"
cargo bench --locked --profile server-release -p server --bench dae >>"$out"

# The public pages in Chromium: the release build of `make run`, served on its own port from a new folder.
release_build >&2
site="$(mktemp -d)"
GEODAE_ADDR=127.0.0.1:3996 GEODAE_DATA_DIR="$site" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
  "$CARGO_TARGET_DIR/server-release/server" >"$site/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true; rm -rf "$out" "$site"' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:3996/api/v1/health/ready >/dev/null && break; sleep 0.2; done
node end2end/bench/browser.mjs http://127.0.0.1:3996 >>"$out"
# One header for both benchmarks' rows.
grep '^|' "$out" | awk '!seen[$0]++'
