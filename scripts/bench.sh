#!/usr/bin/env bash
# Runs every benchmark on the release build, SQLite and PostgreSQL, and prints one table (Markdown): each figure
# beside an anchor measured in the same run, and their ratio. Progress goes to stderr.
#   GEODAE_BENCH_SIRENE_ROWS   rows of the synthetic StockUniteLegale file (default 5 000 000)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
# The release flags of `make run`, so that both share one build.
unset RUSTFLAGS
export GEODAE_BENCH_POSTGRES_URL="${GEODAE_BENCH_POSTGRES_URL:-postgres://root@127.0.0.1:5432/test}"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
cargo bench --locked -p server --bench sirene >>"$out"
cargo bench --locked -p server --bench dashboard >>"$out"
# One header for both benchmarks' rows.
grep '^|' "$out" | awk '!seen[$0]++'
