#!/usr/bin/env bash
# Runs the tests against real services (PostgreSQL, maildev's SMTP server, Chromium):
#   scripts/test.sh            unit and integration tests (SQLite and PostgreSQL), the API contract run
#                              (schemathesis), then the browser journeys
#   scripts/test.sh quick      the same without the browser journeys
set -euo pipefail
mode="${1:-}"
cd "$(dirname "$0")/.."
source scripts/env.sh

work="$(mktemp -d)"
maildev_pid=""
cleanup() {
  [ -n "$maildev_pid" ] && kill "$maildev_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

export GEODAE_TEST_SMTP_PORT=1025 GEODAE_TEST_MAILDEV_URL=http://127.0.0.1:1080

mkdir -p "$work/maildev"
maildev --smtp 1025 --web 1080 --ip 127.0.0.1 --web-ip 127.0.0.1 --mail-directory "$work/maildev" >"$work/maildev.log" 2>&1 &
maildev_pid=$!
for _ in $(seq 60); do curl -sf "$GEODAE_TEST_MAILDEV_URL/api/email" >/dev/null && break; sleep 0.5; done
curl -sf "$GEODAE_TEST_MAILDEV_URL/api/email" >/dev/null || { cat "$work/maildev.log"; echo "maildev did not start" >&2; exit 1; }

# Databases left by earlier runs of the integration tests.
psql -q -h 127.0.0.1 -d test -At -c "SELECT datname FROM pg_database WHERE datname LIKE 'geodae_test_%'" |
  while read -r db; do psql -q -h 127.0.0.1 -d test -c "DROP DATABASE IF EXISTS \"$db\"" || true; done

# Formatting and lints first: a warning fails the run.
scripts/lint.sh
cargo test --workspace --locked
# The API fuzzed from its OpenAPI document (the server binary the integration tests built).
scripts/contract.sh "$CARGO_TARGET_DIR/debug/server"

[ "$mode" = quick ] && exit 0
# Compressed copies left by a release build would be served instead of the debug build's files.
for site in target/site target/site-back-office; do
  [ -d "$site" ] && find "$site" \( -name '*.br' -o -name '*.gz' \) -delete
done
# The DSFR's CSS purged against the current sources (nothing to do when they have not changed).
scripts/dsfr-assets.sh
cargo leptos build --split
export GEODAE_E2E_DIR="$work/e2e"
mkdir -p "$GEODAE_E2E_DIR"
npx playwright test --config end2end/playwright.config.ts
# Both bundles, release build, compressed as served: one over its budget fails the run.
scripts/size-budget.sh
