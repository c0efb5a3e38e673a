#!/usr/bin/env bash
# Validates SARIF files with Microsoft's SARIF Multitool, including GitHub's ingestion rules
# ("Sarif;Gh"). The Multitool exits 0 even when it finds errors, so this script reads its output
# log and fails (exit 1) on any error result, printing each one.
#
# usage: tools/validate-sarif.sh FILE.sarif...
# The Multitool is installed from npm into target/sarif-tools (cached across runs).
set -euo pipefail
cd "$(dirname "$0")/.."
tools=target/sarif-tools
multitool="$tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$multitool" ]; then
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund @microsoft/sarif-multitool-linux >/dev/null
  chmod u+x "$multitool"
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1
status=0
for file in "$@"; do
  out="$(mktemp --suffix=.sarif)"
  "$multitool" validate "$file" --rule-kind "Sarif;Gh" -o "$out" --log ForceOverwrite >/dev/null
  if ! python3 - "$file" "$out" <<'PY'
import json, sys
name, log = sys.argv[1], sys.argv[2]
errors = [
    r for run in json.load(open(log)).get("runs", [])
    for r in run.get("results", [])
    if r.get("level", "warning") == "error"
]
for r in errors:
    msg = r.get("message", {})
    print(f"{name}: {r.get('ruleId')}: {msg.get('text') or msg.get('id')} {msg.get('arguments', '')}")
print(f"{name}: {len(errors)} SARIF validation error(s)")
sys.exit(1 if errors else 0)
PY
  then
    status=1
  fi
  rm -f "$out"
done
exit $status
