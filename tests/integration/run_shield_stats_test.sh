#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The shield's counters ([shield] stats_file, schema rampart.shield.stats/1, rewritten every second)
# must be written whichever command runs the shield. One configuration, loopback only: an sFlow
# sensor on 127.0.0.1 port 0 (the daemon needs a sensor; this one needs no root and receives
# nothing), a [shield] in front of a small origin (shield_origin.py), stats_file set. Run first
# under `rampart shield` (the reference: proves the requests and the polling are right), then under
# `rampart run`, which starts the same shield in its own process. Each time: a few requests through
# the shield with curl, then (bounded polls) the stats file appears and counts them, and after more
# requests it is rewritten with the new count. The counts and the time each took are printed.
#
# Usage: run_shield_stats_test.sh PATH_TO_RAMPART
# Exit: 0 pass, 1 fail, 77 skip (curl or python3 missing) — never skipped when CI=true. No root.
set -euo pipefail

RAMPART=${1:?usage: run_shield_stats_test.sh PATH_TO_RAMPART}
# shellcheck source=shield_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/shield_lib.sh"
require_tools curl
[[ -x "$RAMPART" ]] || { echo "FAIL $RAMPART is not an executable"; exit 1; }

ORIGIN_PORT=$(free_port)
start_py_origin "$ORIGIN_PORT" 0 || { echo "FAIL the origin did not start"; exit 1; }
SHIELD_PORT=$(free_port)
readonly URL=http://127.0.0.1:$SHIELD_PORT
readonly SHIELD_STATS=$TMP/shield-stats.json
cat >"$TMP/rampart.toml" <<TOML
[[sensor]]
type = "sflow"
listen = "127.0.0.1:0"

[events]
file = "$TMP/events.jsonl"

[stats]
file = "$TMP/daemon-stats.json"

[shield]
listen = "127.0.0.1:$SHIELD_PORT"
origins = ["127.0.0.1:$ORIGIN_PORT"]
workers = 1
stats_file = "$SHIELD_STATS"

[shield.under_attack]
mode = "off"
TOML
"$RAMPART" check-config "$TMP/rampart.toml" >"$TMP/check.log" 2>&1 ||
  { echo "FAIL the configuration is refused: $(cat "$TMP/check.log")"; exit 1; }

# requests N: N pages through the shield; each must be the origin's.
requests() {
  local i
  for ((i = 0; i < $1; i++)); do
    curl -s --max-time 2 "$URL/?n=$RANDOM" | grep -q "$MARKER" || return 1
  done
}

# stats_requests: the shield's counters.requests in the stats file; -1 while there is none.
stats_requests() {
  "$PYTHON" - "$SHIELD_STATS" <<'PY'
import json, sys
try:
    doc = json.load(open(sys.argv[1]))
    assert doc["schema"] == "rampart.shield.stats/1", doc.get("schema")
    print(int(doc["counters"]["requests"]))
except (OSError, ValueError, KeyError, AssertionError):
    print(-1)
PY
}

# wait_requests AT_LEAST SECONDS: until the stats file counts AT_LEAST requests; prints the count and
# the milliseconds it took, or returns 1 with the last count seen.
wait_requests() {
  local t0 n deadline=$((SECONDS + $2))
  t0=$(date +%s%N)
  while :; do
    n=$(stats_requests)
    if ((n >= $1)); then
      echo "$n $((($(date +%s%N) - t0) / 1000000))"
      return 0
    fi
    ((SECONDS < deadline)) || { echo "$n"; return 1; }
    sleep 0.1
  done
}

# stats_case NAME COMMAND...: runs COMMAND (a rampart that starts the shield), checks the stats file.
stats_case() {
  local name=$1 log=$TMP/$1.log pid got first
  shift
  rm -f "$SHIELD_STATS"
  "$@" >"$log" 2>&1 &
  pid=$!
  BG_PIDS+=("$pid")
  wait_http "$pid" "$URL/" 10 || { bad "$name: the shield did not start: $(tail -3 "$log")"; stop_server "$pid"; return; }
  requests 3 || { bad "$name: a request through the shield failed"; stop_server "$pid"; return; }
  # wait_http's probe is a request too: at least 3 + 1 by now.
  if ! got=$(wait_requests 4 5); then
    bad "$name: after 4 requests and 5 s, the shield's stats file $( [[ -e $SHIELD_STATS ]] && echo "counts $got requests" || echo "was never written")"
    stop_server "$pid"
    return
  fi
  first=$(cat "$SHIELD_STATS")
  ok "$name: the shield's stats file counts ${got% *} requests, ${got#* } ms after the 4th"
  requests 5 || { bad "$name: a request through the shield failed"; stop_server "$pid"; return; }
  if ! got=$(wait_requests 9 5); then
    bad "$name: after 5 more requests the stats file still counts $got (not rewritten within 5 s)"
  elif [[ $(cat "$SHIELD_STATS") == "$first" ]]; then
    bad "$name: the stats file did not change"
  else
    ok "$name: rewritten: ${got% *} requests, ${got#* } ms after the 9th"
  fi
  kill -0 "$pid" 2>/dev/null || bad "$name: exited early: $(tail -3 "$log")"
  stop_server "$pid"
}

stats_case "rampart shield" "$RAMPART" shield -c "$TMP/rampart.toml"
stats_case "rampart run" "$RAMPART" run -c "$TMP/rampart.toml" --geoip-dir "$TMP"
((FAILED == 0)) || exit 1
echo "run_shield_stats: 4 passed, 0 failed"
