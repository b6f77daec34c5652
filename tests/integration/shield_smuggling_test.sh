#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The shield in front of a real origin (Python's http.server, started here) refuses every
# request-smuggling and malformed-request vector in shield_smuggling.py with the right status and
# closes the connection, and the origin sees the legitimate requests only, each exactly once and
# framed as the shield read it. Loopback only; needs no root.
#
# Usage: shield_smuggling_test.sh PATH_TO_RAMPART        Exit: 0 pass, 1 fail
set -euo pipefail

RAMPART=${1:?usage: shield_smuggling_test.sh PATH_TO_RAMPART}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rampart-smuggling.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ORIGIN_PORT=$(free_port)
SHIELD_PORT=$(free_port)

python3 "$HERE/shield_smuggling.py" origin "$ORIGIN_PORT" "$TMP/origin.jsonl" &
PIDS+=("$!")
cat >"$TMP/shield.toml" <<TOML
[shield]
listen = "127.0.0.1:$SHIELD_PORT"
origins = ["127.0.0.1:$ORIGIN_PORT"]
workers = 2
TOML
"$RAMPART" shield --config "$TMP/shield.toml" 2>"$TMP/shield.log" &
PIDS+=("$!")
for _ in $(seq 50); do
  grep -q 'shield: listening on' "$TMP/shield.log" 2>/dev/null && break
  sleep 0.1
done
grep -q 'shield: listening on' "$TMP/shield.log" || { cat "$TMP/shield.log"; echo "FAIL the shield did not start"; exit 1; }
touch "$TMP/origin.jsonl"
python3 "$HERE/shield_smuggling.py" attack "$SHIELD_PORT" "$TMP/origin.jsonl"
