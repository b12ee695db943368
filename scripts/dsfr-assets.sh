#!/usr/bin/env bash
# Copies the parts of the DSFR (npm @gouvfr/dsfr) the application uses into public/dsfr:
# - the Marianne fonts cut down to the characters French pages use (pyftsubset, from fonttools in the Python
#   environment that scripts/setup.sh prepares): each weight goes from ~59 KB to ~10.5 KB, and ~7 KB more for
#   the rest of Latin-1, fetched only by a page that needs it;
# - the CSS of the core and of the components used, then only the rules whose classes appear in app/src
#   (scripts/purge-css.mjs). Run again when a page starts using another DSFR class: the build scripts do, it
#   costs nothing when the sources have not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
src=node_modules/@gouvfr/dsfr/dist
out=public/dsfr
[ -d "$src" ] || { echo "npm packages missing: run 'npm ci --ignore-scripts'" >&2; exit 1; }
components="button form input select header footer logo link alert table modal skiplink badge checkbox search navigation"
# Each font in two files, each declared with its `unicode-range` (scripts/purge-css.mjs): the browser fetches
# the second only for a page that shows one of its characters.
# - French: Basic Latin, the letters of French (à â æ ç é è ê ë î ï ô ù û ü ÿ œ and their capitals), « » °,
#   nbsp and the narrow nbsp, the typographic quotes, dashes and ellipsis, €, and the arrows of links.
export GEODAE_FONT_FRENCH="U+0020-007E,U+00A0,U+00AB,U+00B0,U+00BB,U+00C0,U+00C2,U+00C6-00CB,U+00CE-00CF,U+00D4,U+00D9,U+00DB-00DC,U+00E0,U+00E2,U+00E6-00EB,U+00EE-00EF,U+00F4,U+00F9,U+00FB-00FC,U+00FF,U+0152-0153,U+0178,U+2013-2014,U+2018-2019,U+201C-201D,U+2026,U+202F,U+20AC,U+2190-2193"
# - The rest of Latin-1 (names such as Muñoz or Søren, © ± ×…), the other punctuation of U+2000-206F, ˆ ˜ ™.
export GEODAE_FONT_LATIN="U+00A1-00AA,U+00AC-00AF,U+00B1-00BA,U+00BC-00BF,U+00C1,U+00C3-00C5,U+00CC-00CD,U+00D0-00D3,U+00D5-00D8,U+00DA,U+00DD-00DF,U+00E1,U+00E3-00E5,U+00EC-00ED,U+00F0-00F3,U+00F5-00F8,U+00FA,U+00FD-00FE,U+02C6,U+02DC,U+2000-2012,U+2015-2017,U+201A-201B,U+201E-2025,U+2027-202E,U+2030-206F,U+2122"
unicodes="$GEODAE_FONT_FRENCH $GEODAE_FONT_LATIN"
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
  # The OpenType features browsers apply by themselves (fonttools' default list: kerning, ligatures, accents'
  # placement…); the DSFR asks for no other.
  for font in "$src"/fonts/Marianne-*.woff2 "$src"/fonts/Spectral-*.woff2; do
    [ -f "$font" ] || continue
    name="$(basename "$font" .woff2)"
    "$python/bin/pyftsubset" "$font" --unicodes="$GEODAE_FONT_FRENCH" --no-hinting --drop-tables+=FFTM \
      --flavor=woff2 --output-file="$out/fonts/$name.woff2"
    "$python/bin/pyftsubset" "$font" --unicodes="$GEODAE_FONT_LATIN" --no-hinting --drop-tables+=FFTM \
      --flavor=woff2 --output-file="$out/fonts/$name-latin.woff2"
  done
  cp -r "$src/icons/system" "$out/icons/"
  echo "$version" > "$stamp"
  echo "DSFR $version copied to $out"
fi

# The CSS, purged again whenever the sources that name classes change.
sources="$(cat "$full" scripts/dsfr-assets.sh scripts/purge-css.mjs style/main.css $(find app/src -name '*.rs' | sort) | sha256sum | cut -c1-16)"
[ -f target/dsfr-css.sources ] && [ "$(cat target/dsfr-css.sources)" = "$sources" ] && [ -f "$out/css/dsfr.min.css" ] && exit 0
node scripts/purge-css.mjs "$full" "$out/css/dsfr.min.css"
# Each font's and icon's address carries the digest of its content (`?v=` and the first 8 hexadecimal digits
# of its SHA-256, as the server computes it for the files it names: server/src/http/assets.rs): browsers keep
# them for good, and a changed file has another address.
for url in $(grep -o 'url(\.\./[^)?]*)' "$out/css/dsfr.min.css" | sort -u); do
  file="${url#url(../}"
  file="${file%)}"
  # A rule of a variant the pages never use may name a file that is not copied.
  [ -f "$out/$file" ] || continue
  digest="$(sha256sum "$out/$file" | cut -c1-8)"
  sed -i "s#url(\.\./$file)#url(../$file?v=$digest)#g" "$out/css/dsfr.min.css"
done
echo "$sources" > target/dsfr-css.sources
echo "DSFR CSS purged: $(stat -c %s "$full") -> $(stat -c %s "$out/css/dsfr.min.css") bytes"
