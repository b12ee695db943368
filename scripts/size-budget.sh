#!/usr/bin/env bash
# The two bundles' sizes as served (brotli, as every current browser takes it), each against its own budget:
# - the public pages' bundle: the release WebAssembly main module of the islands (the registration form; the
#   follow page and the company search are chunks loaded when shown), its JavaScript glue and chunk loader;
# - the account and administrators' bundle: its main module (each page is a chunk), glue and chunk loader;
# each with the CSS every page loads. Above a budget, fails with the figures. Sizes are deterministic for a
# given source and toolchain, so this is a test, not a benchmark.
#   scripts/size-budget.sh            builds both release front ends (precompressed) and checks them
# A budget goes down when a change makes its bundle smaller, and up only for a feature that needs the room (its
# commit says how much and why). Each stands ~0.3 % above its bundle: the same sources have come out a few
# hundred bytes apart, brotli, from one build to the next (the public bundle 198,696–199,328 B).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
unset RUSTFLAGS
public_budget=199600
back_office_budget=205800
scripts/dsfr-assets.sh
release_build --frontend-only

# The built file of `pattern` in `dir` (its name holds its hash), without the compressed copies.
built() {
  find "$1" -maxdepth 1 -type f -name "$2" ! -name '*.br' ! -name '*.gz' | head -n 1
}

# check <label> <pkg dir> <budget>
check() {
  local label="$1" pkg="$2" budget="$3" total=0 file raw served chunks
  for file in "$(built "$pkg" 'geodae.*.wasm')" "$(built "$pkg" 'geodae.*.js')" "$(built "$pkg" '__wasm_split.*.js')" \
    "$(built target/site/pkg 'geodae.*.css')" target/site/dsfr/css/dsfr.min.css; do
    [ -n "$file" ] && [ -f "$file.br" ] || { echo "missing ${file:-a file of $pkg}.br: the release build did not precompress" >&2; exit 1; }
    raw=$(stat -c %s "$file")
    served=$(stat -c %s "$file.br")
    printf '%-66s %9d B raw %9d B brotli\n' "$file" "$raw" "$served"
    total=$((total + served))
  done
  chunks=$(find "$pkg" -maxdepth 1 -name '*.wasm.br' ! -name 'geodae.*' -printf '%s\n' | awk '{ n++; s += $1 } END { print n + 0, s + 0 }')
  printf '%-66s %29s B brotli (loaded when shown)\n' "  its lazily loaded chunks: ${chunks% *} files" "${chunks#* }"
  printf '%-66s %29d B brotli (budget %d B)\n' "$label" "$total" "$budget"
  if [ "$total" -gt "$budget" ]; then
    echo "$label is over its budget by $((total - budget)) B" >&2
    failed=1
  fi
}

failed=0
check "public pages' bundle" target/site/pkg "$public_budget"
check "account and administrators' bundle" target/site-back-office/pkg/back-office "$back_office_budget"
exit "$failed"
