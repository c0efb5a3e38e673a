#!/usr/bin/env bash
# End-to-end test of the web pages in a real browser: builds `palisade`, starts `palisade serve`
# on a fresh SQLite database and a free loopback port, creates two users, uploads the payments
# example with its OpenAPI document and gives the second user the editor role, then drives
# Debian's chromium with playwright-core (tests/e2e/web.mjs). Screenshots go to target/e2e/.
#
# Needs /usr/bin/chromium (Debian's `chromium`; installed here with apt when missing and run as
# root) and node with npm (playwright-core is pinned in package-lock.json and installed with
# `npm ci`).
#
# Usage: tests/e2e/run.sh [path/to/palisade]   (default: builds target/debug/palisade)
set -euo pipefail
cd "$(dirname "$0")/../.."

palisade=${1:-}
if [ -z "$palisade" ]; then
  cargo build --quiet --package palisade
  palisade=target/debug/palisade
fi
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! cmp -s tests/e2e/package-lock.json tests/e2e/node_modules/.package-lock.json 2>/dev/null; then
  (cd tests/e2e && npm ci --no-audit --no-fund --silent)
fi

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

db="$work/palisade.db"
printf 'alice-e2e-password\n' | "$palisade" admin create-user --db "$db" --name alice >/dev/null
printf 'bob-e2e-password\n' | "$palisade" admin create-user --db "$db" --name bob >/dev/null
token=$("$palisade" admin create-token --db "$db" --user alice --scope write 2>/dev/null)

PALISADE_LOG=warn "$palisade" serve --db "$db" --bind 127.0.0.1:0 \
  >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q 'listening on' "$work/serve.out" 2>/dev/null && break
  sleep 0.1
done
url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/serve.out")
[ -n "$url" ] || { echo "the server did not start:"; cat "$work/serve.err"; exit 1; }
url=${url%/}
url=${url%/api}

python3 -c 'import json; print(json.dumps({"model": open("examples/payments.yaml").read(),
  "specs": {"openapi/payments.yaml": open("examples/openapi/payments.yaml").read()},
  "message": "the payments example"}))' >"$work/payments.json"
created=$(curl -sS -f -X POST "$url/api/models" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' --data-binary @"$work/payments.json")
model=$(printf '%s' "$created" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -sS -f -o /dev/null -X PUT "$url/api/models/$model/roles/bob" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' --data '{"role":"editor"}'

rm -rf target/e2e
mkdir -p target/e2e
status=0
PALISADE_URL=$url E2E_OUT=target/e2e node tests/e2e/web.mjs || status=$?
if [ "$status" -ne 0 ]; then
  echo "server log:"; tail -n 40 "$work/serve.err"
fi
exit "$status"
