#!/usr/bin/env bash
# Measures `palisade serve` read throughput and latency with wrk (Debian's `wrk`): a fresh
# SQLite database with the shop example uploaded, 64 connections on loopback, each read
# endpoint for DURATION seconds. The rate limiter stays in the path, set far above the load.
#
# Usage: tools/bench-server.sh [path/to/palisade] [--db URL]   (default: target/release/palisade)
set -euo pipefail
cd "$(dirname "$0")/.."
palisade=${1:-target/release/palisade}
db=${2:-}
duration=${DURATION:-20}
command -v wrk >/dev/null 2>&1 || { apt-get install -y -qq wrk >/dev/null; }

work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
db=${db:-$work/palisade.db}

printf 'benchmark-password\n' | "$palisade" admin create-user --db "$db" --name bench 2>/dev/null
token=$("$palisade" admin create-token --db "$db" --user bench --scope read 2>/dev/null)
writer=$("$palisade" admin create-token --db "$db" --user bench --scope write 2>/dev/null)
PALISADE_LOG=warn "$palisade" serve --db "$db" --bind 127.0.0.1:0 \
  --rate-limit 1000000000 --rate-burst 1000000000 >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/serve.out")

python3 -c 'import json; print(json.dumps({"model": open("examples/shop.yaml").read(),
  "specs": {"openapi/shop.yaml": open("examples/openapi/shop.yaml").read()}}))' >"$work/shop.json"
id=$(curl -sS -f -X POST "$url/api/models" -H "Authorization: Bearer $writer" \
  -H 'Content-Type: application/json' --data-binary @"$work/shop.json" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

echo "palisade serve at $url, model $id, ${duration}s per endpoint, 64 connections, 2 wrk threads"
for path in /api/health /api/models "/api/models/$id" "/api/models/$id/analysis"; do
  echo
  echo "== GET $path"
  wrk -t2 -c64 -d"${duration}s" --latency -H "Authorization: Bearer $token" "$url$path" \
    | grep -E 'Requests/sec|Transfer/sec|99%|50%|Non-2xx|Socket errors|requests in'
done
