#!/usr/bin/env bash
# Copies the parts of the DSFR (npm @gouvfr/dsfr) the application uses into public/dsfr:
# - the Marianne fonts cut down to the characters French pages use (pyftsubset, from fonttools in the Python
#   environment that scripts/setup.sh prepares): each weight goes from ~59 KB to ~18 KB;
# - the CSS of the core and of the components used, then only the rules whose classes appear in app/src
#   (scripts/purge-css.mjs). Run again when a page starts using another DSFR class: the build scripts do, it
#   costs nothing when the sources have not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
src=node_modules/@gouvfr/dsfr/dist
out=public/dsfr
[ -d "$src" ] || { echo "npm packages missing: run 'npm ci --ignore-scripts'" >&2; exit 1; }
components="button form input select header footer logo link alert table modal skiplink badge checkbox search navigation"
# Basic Latin, Latin-1 (accented capitals, « », nbsp), Œ œ Ÿ, the typographic quotes, dashes, ellipsis and
# narrow spaces of French punctuation, €, ™ and the arrows of links.
unicodes="U+0020-007E,U+00A0-00FF,U+0152-0153,U+0178,U+02C6,U+02DC,U+2000-206F,U+20AC,U+2122,U+2190-2193"
python="${GEODAE_PYTHON:-$HOME/.cache/geodae-python}"
stamp="$out/.version"
version="$(node -p "require('./node_modules/@gouvfr/dsfr/package.json').version") $components $unicodes"
full=target/dsfr-full.min.css
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$version" ] || [ ! -f "$full" ]; then
  rm -rf "$out"
  mkdir -p "$out/css" "$out/fonts" "$out/icons" target
  {
    cat "$src/core/core.min.css"
    for component in $components; do
      # Components refer to icons two levels up; here they sit beside css/.
      sed 's#\.\./\.\./icons/#../icons/#g' "$src/component/$component/$component.min.css"
    done
  } > "$full"
  for font in "$src"/fonts/Marianne-*.woff2 "$src"/fonts/Spectral-*.woff2; do
    [ -f "$font" ] || continue
    "$python/bin/pyftsubset" "$font" --unicodes="$unicodes" --layout-features='*' --no-hinting --drop-tables+=FFTM \
      --flavor=woff2 --output-file="$out/fonts/$(basename "$font")"
  done
  cp -r "$src/icons/system" "$out/icons/"
  echo "$version" > "$stamp"
  echo "DSFR $version copied to $out"
fi

# The CSS, purged again whenever the sources that name classes change.
sources="$(cat "$full" scripts/purge-css.mjs style/main.css $(find app/src -name '*.rs' | sort) | sha256sum | cut -c1-16)"
[ -f target/dsfr-css.sources ] && [ "$(cat target/dsfr-css.sources)" = "$sources" ] && [ -f "$out/css/dsfr.min.css" ] && exit 0
node scripts/purge-css.mjs "$full" "$out/css/dsfr.min.css"
echo "$sources" > target/dsfr-css.sources
echo "DSFR CSS purged: $(stat -c %s "$full") -> $(stat -c %s "$out/css/dsfr.min.css") bytes"
