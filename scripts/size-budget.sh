#!/usr/bin/env bash
# The public bundle's size as served (brotli, as every current browser takes it): the release WebAssembly main
# module (the applicants' pages; the account and administrators' pages are chunks loaded when shown), its
# JavaScript glue and chunk loader, and the CSS of the pages. Above the budget, fails with the figures. Sizes
# are deterministic for a given source and toolchain, so this is a test, not a benchmark.
#   scripts/size-budget.sh            builds the release front end (precompressed) and checks it
# The budget only goes down: lower it when a change makes the bundle smaller (the target is a first visit of
# /inscription under 250 KB on the wire, fonts and HTML included).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
unset RUSTFLAGS
budget_bytes=259700
scripts/dsfr-assets.sh
cargo leptos build --release --split --frontend-only --precompress
total=0
for file in target/site/pkg/geodae.wasm target/site/pkg/geodae.js target/site/pkg/__wasm_split.*.js \
  target/site/pkg/geodae.css target/site/dsfr/css/dsfr.min.css; do
  [ -f "$file.br" ] || { echo "missing $file.br: the release build did not precompress" >&2; exit 1; }
  raw=$(stat -c %s "$file")
  served=$(stat -c %s "$file.br")
  printf '%-52s %9d B raw %9d B brotli\n' "$file" "$raw" "$served"
  total=$((total + served))
done
chunks=$(find target/site/pkg -name '*.wasm.br' ! -name geodae.wasm.br -printf '%s\n' | awk '{ n++; s += $1 } END { print n + 0, s + 0 }')
printf '%-52s %29s B brotli (not in the public bundle)\n' "lazily loaded chunks: ${chunks% *} files" "${chunks#* }"
printf '%-52s %29d B brotli (budget %d B)\n' "public bundle" "$total" "$budget_bytes"
if [ "$total" -gt "$budget_bytes" ]; then
  echo "the public bundle is over its budget by $((total - budget_bytes)) B" >&2
  exit 1
fi
