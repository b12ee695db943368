#!/usr/bin/env bash
# Copies the parts of the DSFR (npm @gouvfr/dsfr) the application uses into public/dsfr.
set -euo pipefail
cd "$(dirname "$0")/.."
src=node_modules/@gouvfr/dsfr/dist
out=public/dsfr
[ -d "$src" ] || { echo "npm packages missing: run 'npm ci --ignore-scripts'" >&2; exit 1; }
components="button form input select header footer logo link alert table modal skiplink badge checkbox search navigation password"
stamp="$out/.version"
version="$(node -p "require('./node_modules/@gouvfr/dsfr/package.json').version") $components"
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ] && exit 0
rm -rf "$out"
mkdir -p "$out/css" "$out/fonts" "$out/icons"
{
  cat "$src/core/core.min.css"
  for component in $components; do
    # Components refer to icons two levels up; here they sit beside css/.
    sed 's#\.\./\.\./icons/#../icons/#g' "$src/component/$component/$component.min.css"
  done
} > "$out/css/dsfr.min.css"
cp "$src"/fonts/Marianne-*.woff2 "$src"/fonts/Spectral-*.woff2 "$out/fonts/" 2>/dev/null || cp "$src"/fonts/Marianne-*.woff2 "$out/fonts/"
cp -r "$src/icons/system" "$out/icons/"
echo "$version" > "$stamp"
echo "DSFR $version copied to $out"
