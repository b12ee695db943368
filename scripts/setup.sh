#!/usr/bin/env bash
# Installs what a fresh machine lacks, idempotently: `setup.sh run` for serving, `setup.sh test` for the tests,
# `setup.sh bench` for the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"
source scripts/env.sh

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

packages=()
command -v cc >/dev/null || packages+=(build-essential)
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
python3 -c "import venv, ensurepip" 2>/dev/null || packages+=(python3-venv)
if [ "$mode" = test ]; then
  [ -x "$GEODAE_CHROMIUM" ] || packages+=(chromium)
fi
if [ "$mode" = test ] || [ "$mode" = bench ]; then
  command -v psql >/dev/null || packages+=(postgresql postgresql-client)
fi
if [ "$mode" = bench ]; then
  command -v sqlite3 >/dev/null || packages+=(sqlite3)
  [ -x "$GEODAE_CHROMIUM" ] || packages+=(chromium)
fi
if [ "${#packages[@]}" -gt 0 ]; then
  echo "Installing Debian packages: ${packages[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}"
fi

# Tools build in target directories of their own: installing them never waits on, nor rebuilds, the project's.
tools_target="${CARGO_TARGET_DIR}-tools"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
jobs=()
# The CLI must equal the wasm-bindgen crate pinned in Cargo.toml, byte for byte.
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]; then
  CARGO_TARGET_DIR="$tools_target/wasm-bindgen" RUSTFLAGS= \
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force &
  jobs+=($!)
fi
if [ "$(cargo leptos --version 2>/dev/null)" != "cargo-leptos $CARGO_LEPTOS_VERSION" ]; then
  # Its own profile asks for fat LTO in one codegen unit (~28 minutes on two cores); a build tool needs neither.
  # Most of it (a JavaScript minifier, a project generator, a dev server) does little in a build: compiled
  # without optimisation, but for the crates that work on the build's files, megabytes each time (brotli and
  # gzip, the WebAssembly splitting, the hashes).
  optimised=(brotli brotli-decompressor alloc-no-stdlib alloc-stdlib flate2 miniz_oxide libflate libflate_lz77 adler2
    adler32 crc32fast dary_heap core2 wasm_split_cli_support wasmparser wasm-encoder gimli md-5 seahash)
  profile=(--config profile.release.opt-level=0)
  for crate in "${optimised[@]}"; do profile+=(--config "profile.release.package.$crate.opt-level=3"); done
  CARGO_TARGET_DIR="$tools_target/cargo-leptos" RUSTFLAGS= CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo "${profile[@]}" install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --force &
  jobs+=($!)
fi
# On a first run the tools are most of the wait, and their builds leave a core idle for long stretches (a link,
# a long single-crate compile): the project's own build, which needs no tool, runs beside them — the server's
# release build for `run` (with the flags and output name cargo-leptos gives it, so that its build finds it
# done), the tests' build for `test`. Its failure is not this script's: the real build says it again.
prebuild=""
if [ "${#jobs[@]}" -gt 0 ] && [ "$mode" != bench ]; then
  prebuild="$(mktemp)"
  if [ "$mode" = run ]; then
    cargo build --locked --package=server --bin=server --profile=server-release >"$prebuild" 2>&1 &
  else
    cargo test --workspace --locked --no-run >"$prebuild" 2>&1 &
  fi
  prebuild_pid=$!
fi
for job in "${jobs[@]}"; do wait "$job"; done
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # --ignore-scripts: the DSFR's install script expects a project generator we do not use.
  npm ci --ignore-scripts --no-audit --no-fund
fi
# A Python environment of its own (PyPI): fonttools to subset the fonts; schemathesis for the contract run.
python="${GEODAE_PYTHON:-$HOME/.cache/geodae-python}"
[ -x "$python/bin/python" ] || python3 -m venv "$python"
if [ "$("$python/bin/python" -c 'import brotli, fontTools; print(fontTools.version)' 2>/dev/null)" != 4.68.0 ]; then
  "$python/bin/pip" install -q --disable-pip-version-check "fonttools==4.68.0" "brotli==1.2.1"
fi
scripts/dsfr-assets.sh

if [ "$mode" = test ]; then
  if [ "$("$python/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version 4.32.5" ]; then
    "$python/bin/pip" install -q --disable-pip-version-check "schemathesis==4.32.5"
  fi
fi

if [ "$mode" = test ] || [ "$mode" = bench ]; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
fi

if [ -n "$prebuild" ]; then
  wait "$prebuild_pid" || { echo "the build run beside the tools' installs failed (the build itself will say why):" >&2; tail -n 20 "$prebuild" >&2; }
  rm -f "$prebuild"
fi
