#!/usr/bin/env bash
# Copies the parts of the DSFR (npm @gouvfr/dsfr) the application uses into public/dsfr, with the Marianne
# fonts cut down to the characters French pages use (pyftsubset, from fonttools in the Python environment
# that scripts/setup.sh prepares): each weight goes from ~59 KB to ~20 KB.
set -euo pipefail
cd "$(dirname "$0")/.."
src=node_modules/@gouvfr/dsfr/dist
out=public/dsfr
[ -d "$src" ] || { echo "npm packages missing: run 'npm ci --ignore-scripts'" >&2; exit 1; }
components="button form input select header footer logo link alert table modal skiplink badge checkbox search navigation password"
# Basic Latin, Latin-1 (accented capitals, « », nbsp), Œ œ Ÿ, the typographic quotes, dashes, ellipsis and
# narrow spaces of French punctuation, €, ™ and the arrows of links.
unicodes="U+0020-007E,U+00A0-00FF,U+0152-0153,U+0178,U+02C6,U+02DC,U+2000-206F,U+20AC,U+2122,U+2190-2193"
python="${GEODAE_PYTHON:-$HOME/.cache/geodae-python}"
stamp="$out/.version"
version="$(node -p "require('./node_modules/@gouvfr/dsfr/package.json').version") $components $unicodes"
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
for font in "$src"/fonts/Marianne-*.woff2 "$src"/fonts/Spectral-*.woff2; do
  [ -f "$font" ] || continue
  "$python/bin/pyftsubset" "$font" --unicodes="$unicodes" --layout-features='*' --no-hinting --drop-tables+=FFTM \
    --flavor=woff2 --output-file="$out/fonts/$(basename "$font")"
done
cp -r "$src/icons/system" "$out/icons/"
echo "$version" > "$stamp"
echo "DSFR $version copied to $out"
