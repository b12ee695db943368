#!/usr/bin/env bash
# The API fuzzed from its own OpenAPI document: the server binary on a new SQLite database, schemathesis (PyPI,
# installed by `scripts/setup.sh test`) with all its checks, on the public routes, then on the administrators'
# routes with a session and its CSRF token. Any failure fails the run.
#   scripts/contract.sh SERVER_BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
server_bin="$1"
st="${GEODAE_PYTHON:-$HOME/.cache/geodae-python}/bin/schemathesis"
work="$(mktemp -d)"
port="${GEODAE_CONTRACT_PORT:-3997}"
base="http://127.0.0.1:$port"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The flood limits far above the run's pace (the 429 answers are documented; here they would stop the fuzzing).
GEODAE_ADDR="127.0.0.1:$port" GEODAE_DATA_DIR="$work" GEODAE_MAIL_TRANSPORT=file RUST_LOG=warn \
  GEODAE_FLOOD_REGISTRATIONS=100000/min,100000/min GEODAE_FLOOD_RECOVERY=100000/min,100000/min \
  GEODAE_FLOOD_SIGN_IN=100000/min,100000/min GEODAE_MINISTRY_NOTICES=100000/min \
  GEODAE_SIRENE_RATE=100000 GEODAE_SIRENE_BURST=100000 \
  "$server_bin" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do curl -sf "$base/api/v1/health/ready" >/dev/null && break; sleep 0.2; done
curl -sf "$base/api/v1/health/ready" >/dev/null || { cat "$work/server.log"; echo "the server did not start" >&2; exit 1; }

run() {
  "$st" --config-file server/tests/contract/schemathesis.toml --no-color run "$base/api/v1/openapi.json" \
    --checks all --max-examples "${GEODAE_CONTRACT_EXAMPLES:-25}" --workers 1 --seed "${GEODAE_CONTRACT_SEED:-1}" \
    --suppress-health-check all "$@"
}

echo "== contract: public routes"
run --exclude-tag admin

# The first administrator's password is in the data folder; the session and its CSRF token come from signing in.
password="$(sed -n 's/^mot de passe : //p' "$work/premier-administrateur.txt")"
cookie="$(curl -sf -D - -o /dev/null -H 'content-type: application/json' \
  -d "{\"login\":\"admin\",\"password\":\"$password\"}" "$base/api/v1/admin/session" \
  | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p')"
csrf="$(curl -sf -H "Cookie: $cookie" "$base/api/v1/admin/session" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')"
[ -n "$cookie" ] && [ -n "$csrf" ] || { echo "cannot sign in as the first administrator" >&2; exit 1; }

echo "== contract: administrators' routes, signed in"
# Signing out and changing one's own password would end the run's session: they run last, on their own.
run --include-tag admin --exclude-path /api/v1/admin/session --exclude-path /api/v1/admin/session/password \
  -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf"
run --include-path /api/v1/admin/session --include-path /api/v1/admin/session/password \
  -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf"
