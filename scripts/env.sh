# Environment shared by the build and test scripts (sourced).
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
# A target directory outside the clone survives between CI runs on one machine.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/geodae-target}"
# The flags cargo-leptos uses for debug builds: plain cargo commands with the same ones reuse its build.
export RUSTFLAGS="${RUSTFLAGS:---cfg erase_components}"
export LEPTOS_OUTPUT_NAME=geodae

# What the scripts and the tests take from the machine, said once.
# The wasm-bindgen CLI must equal the crate pinned in Cargo.toml, byte for byte: its version is read there.
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\(.*\)"$/\1/p' Cargo.toml)"
CARGO_LEPTOS_VERSION=0.3.10
# Debian's Chromium (never a browser Playwright downloads): the journeys, the benchmarks, the screenshots.
export GEODAE_CHROMIUM=/usr/bin/chromium
# The local PostgreSQL of the tests and benchmarks (trust authentication, database test).
export GEODAE_TEST_POSTGRES_URL="${GEODAE_TEST_POSTGRES_URL:-postgres://root@127.0.0.1:5432/test}"

# A release build of both front ends (and of the server, unless `--frontend-only` is given): `release_build
# [--frontend-only]`, without the debug flags. cargo-leptos 0.3.10 optimises a build's WebAssembly files with
# wasm-opt two at a time, and once failed on a chunk of the back office's split it had just listed ("Failed
# opening …/chunk_68.wasm"; the same build passed when run again, nothing changed): a failed build is run once
# more before failing.
release_build() {
  env -u RUSTFLAGS cargo leptos build --release --split --precompress "$@" ||
    { echo "the release build failed; running it once more" >&2; env -u RUSTFLAGS cargo leptos build --release --split --precompress "$@"; }
}
