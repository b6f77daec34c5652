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
# shellcheck source=shield_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/shield_lib.sh" # TMP, BG_PIDS, free_port and the cleanup
HERE=$SHIELD_LIB_DIR
ORIGIN_PORT=$(free_port)
SHIELD_PORT=$(free_port)

python3 "$HERE/shield_smuggling.py" origin "$ORIGIN_PORT" "$TMP/origin.jsonl" &
BG_PIDS+=("$!")
cat >"$TMP/shield.toml" <<TOML
[shield]
listen = "127.0.0.1:$SHIELD_PORT"
origins = ["127.0.0.1:$ORIGIN_PORT"]
workers = 2
TOML
"$RAMPART" shield --config "$TMP/shield.toml" 2>"$TMP/shield.log" &
BG_PIDS+=("$!")
for _ in $(seq 50); do
  grep -q 'shield: listening on' "$TMP/shield.log" 2>/dev/null && break
  sleep 0.1
done
grep -q 'shield: listening on' "$TMP/shield.log" || { cat "$TMP/shield.log"; echo "FAIL the shield did not start"; exit 1; }
touch "$TMP/origin.jsonl"
python3 "$HERE/shield_smuggling.py" attack "$SHIELD_PORT" "$TMP/origin.jsonl"
