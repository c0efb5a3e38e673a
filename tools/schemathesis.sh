#!/usr/bin/env bash
# Fuzzes a running `palisade serve` against its own OpenAPI document with Schemathesis (PyPI):
# starts a server on loopback with a fresh SQLite database, creates a user, a token and a model,
# then runs Schemathesis with a bounded number of examples and time. Fails on any 5xx and on any
# response that does not match /api/openapi.json (status code, content type, headers, schema).
#
# Usage: tools/schemathesis.sh [path/to/palisade]   (default: target/debug/palisade)
set -euo pipefail
cd "$(dirname "$0")/.."

palisade=${1:-target/debug/palisade}
max_examples=${SCHEMATHESIS_MAX_EXAMPLES:-25}
max_time=${SCHEMATHESIS_MAX_TIME:-240}

if ! python3 -c 'import schemathesis' >/dev/null 2>&1; then
  python3 -m pip install --quiet --disable-pip-version-check schemathesis
fi
schemathesis() { python3 -m schemathesis.cli "$@"; }

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

db="$work/palisade.db"
printf 'schemathesis-password\n' | "$palisade" admin create-user --db "$db" --name fuzz
token=$("$palisade" admin create-token --db "$db" --user fuzz --scope write 2>/dev/null)

# Rate limits off: the fuzzer sends bursts from one address, and 429s would hide real answers.
PALISADE_LOG=warn "$palisade" serve --db "$db" --bind 127.0.0.1:0 --rate-limit 0 \
  >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q 'listening on' "$work/serve.out" 2>/dev/null && break
  sleep 0.1
done
url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/serve.out")
[ -n "$url" ] || { echo "the server did not start:"; cat "$work/serve.err"; exit 1; }

# A model with threats to find, so that routes under /api/models/{id} reach their logic.
python3 -c 'import json; print(json.dumps({"model": open("examples/shop.yaml").read(),
  "specs": {"openapi/shop.yaml": open("examples/openapi/shop.yaml").read()}}))' >"$work/shop.json"
created=$(curl -sS -f -X POST "$url/api/models" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' --data-binary @"$work/shop.json")
model=$(printf '%s' "$created" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
threat=$(curl -sS -f "$url/api/models/$model/analysis" -H "Authorization: Bearer $token" \
  | python3 -c 'import json,sys; t=json.load(sys.stdin)["threats"]; print(t[0]["id"])')
cat >"$work/schemathesis.toml" <<TOML
[parameters]
"path.id" = "$model"
"path.threat_id" = "$threat"
"path.version" = 1
"path.user" = "fuzz"
TOML

# Two passes: everything but the operations that destroy what the others need (the fuzzer would
# otherwise revoke its own token or delete the model early, and test nothing but 401 and 404),
# then those.
destructive=(--operation-id revoke_token --operation-id delete_model --operation-id remove_role)
status=0
fuzz() {
  # From the scratch folder, so that Schemathesis's own files stay out of the repository.
  (cd "$work" && schemathesis --config-file "$work/schemathesis.toml" run "$url/api/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing \
    --max-examples "$max_examples" \
    --request-timeout 30 \
    --seed 1 \
    --no-color \
    "$@") || status=$?
}
fuzz --max-time "$max_time" "${destructive[@]/#--operation-id/--exclude-operation-id}"
fuzz --max-time 60 "${destructive[@]/#--operation-id/--include-operation-id}"

if grep -q 'panicked' "$work/serve.err"; then
  echo "the server panicked:"; grep -A3 'panicked' "$work/serve.err"; status=1
fi
exit "$status"
