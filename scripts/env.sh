# Environment shared by the build and test scripts (sourced).
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
# A target directory outside the clone survives between CI runs on one machine.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/geodae-target}"
# The flags cargo-leptos uses for debug builds: plain cargo commands with the same ones reuse its build.
export RUSTFLAGS="${RUSTFLAGS:---cfg erase_components}"
export LEPTOS_OUTPUT_NAME=geodae
