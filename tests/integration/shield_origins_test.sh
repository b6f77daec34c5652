#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The shield in front of two real origins (Python's http.server) with active health checks: both
# serve in turn; when one dies the checks take it out and every request is still answered (no
# 502), and when it comes back it serves again. Also: the workers run under SCHED_BATCH unless
# `scheduling = "normal"`. Loopback only; needs no root.
#
# Usage: shield_origins_test.sh PATH_TO_RAMPART        Exit: 0 pass, 1 fail
set -euo pipefail

RAMPART=${1:?usage: shield_origins_test.sh PATH_TO_RAMPART}
# shellcheck source=shield_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/shield_lib.sh" # TMP, BG_PIDS, free_port and the cleanup
HERE=$SHIELD_LIB_DIR
A=$(free_port)
B=$(free_port)
PORT=$(free_port)
python3 "$HERE/shield_origin.py" "$A" origin-a 0 >/dev/null 2>&1 &
PID_A=$!
BG_PIDS+=("$PID_A")
python3 "$HERE/shield_origin.py" "$B" origin-b 0 >/dev/null 2>&1 &
BG_PIDS+=("$!")
for port in "$A" "$B"; do # both listening before the shield tries them
  for _ in $(seq 50); do
    curl -s --max-time 1 "http://127.0.0.1:$port/" >/dev/null && break
    sleep 0.1
  done
done
cat >"$TMP/shield.toml" <<TOML
[shield]
listen = "127.0.0.1:$PORT"
origins = ["127.0.0.1:$A", "127.0.0.1:$B"]
workers = 1
health_path = "/"
health_interval_ms = 200
health_timeout_ms = 300
stats_file = "$TMP/stats.json"
[shield.cache]
enabled = false
[shield.under_attack]
mode = "off"
TOML
"$RAMPART" shield --config "$TMP/shield.toml" 2>"$TMP/shield.log" &
SHIELD_PID=$!
BG_PIDS+=("$SHIELD_PID")
for _ in $(seq 50); do
  curl -s --max-time 1 "http://127.0.0.1:$PORT/" >/dev/null && break
  sleep 0.1
done
sleep 0.5
# batch_threads PID: how many of PID's threads run under SCHED_BATCH (policy 3, the 41st field of
# /proc/PID/task/TID/stat, counted from the end of the command name, which may hold spaces).
batch_threads() {
  local n=0 f stat
  for f in /proc/"$1"/task/*/stat; do
    stat=$(<"$f")
    read -ra fields <<<"${stat##*) }"
    [[ ${fields[38]} == 3 ]] && n=$((n + 1))
  done
  echo "$n"
}
n=$(batch_threads "$SHIELD_PID")
[[ $n == 1 ]] && ok "the one worker runs under SCHED_BATCH, the other threads do not" ||
  bad "$n threads under SCHED_BATCH, expected the 1 worker"
NORMAL_PORT=$(free_port)
sed 's/^workers = 1$/workers = 2\nscheduling = "normal"/; s/^listen = .*/listen = "127.0.0.1:'"$NORMAL_PORT"'"/; /^stats_file/d' \
  "$TMP/shield.toml" >"$TMP/normal.toml"
"$RAMPART" shield --config "$TMP/normal.toml" 2>"$TMP/normal.log" &
NORMAL_PID=$!
BG_PIDS+=("$NORMAL_PID")
wait_http "$NORMAL_PID" "http://127.0.0.1:$NORMAL_PORT/" || bad "the shield with scheduling = normal did not start"
n=$(batch_threads "$NORMAL_PID")
[[ $n == 0 ]] && ok "with scheduling = \"normal\", no thread runs under SCHED_BATCH" ||
  bad "scheduling = normal: $n threads under SCHED_BATCH"
stop_server "$NORMAL_PID"
# tally N: which origin answered each of N requests, and how many were not 200.
tally() {
  local a=0 b=0 other=0 body i
  for ((i = 0; i < $1; i++)); do
    body=$(curl -s --max-time 2 -w ' %{http_code}' "http://127.0.0.1:$PORT/?$i" || true)
    case $body in *origin-a*" 200") a=$((a + 1)) ;; *origin-b*" 200") b=$((b + 1)) ;; *) other=$((other + 1)) ;; esac
  done
  echo "$a $b $other"
}
read -r a b other <<<"$(tally 20)"
((a > 0 && b > 0 && other == 0)) && ok "both origins serve in turn ($a and $b of 20)" || bad "in turn: a=$a b=$b failed=$other"
kill "$PID_A"
wait "$PID_A" 2>/dev/null || true
sleep 0.8
read -r a b other <<<"$(tally 20)"
# The stats file is rewritten every second: wait for the one that follows the checks' verdict.
for _ in $(seq 30); do
  down=$(python3 -c 'import json,sys; print(",".join(json.load(open(sys.argv[1]))["origins_down"]))' "$TMP/stats.json")
  [[ -n $down ]] && break
  sleep 0.1
done
((a == 0 && b == 20 && other == 0)) && [[ $down == "127.0.0.1:$A" ]] &&
  ok "a dead origin is taken out by the checks: 20 of 20 answered by the other, none failed (down: $down)" ||
  bad "after origin a died: a=$a b=$b failed=$other down='$down'"
python3 "$HERE/shield_origin.py" "$A" origin-a 0 >/dev/null 2>&1 &
BG_PIDS+=("$!")
sleep 1
read -r a b other <<<"$(tally 20)"
((a > 0 && b > 0 && other == 0)) && ok "back, it serves again ($a and $b of 20)" || bad "after a came back: a=$a b=$b failed=$other"

# Coalescing with clients that give up: ten identical HTTP/2 requests for a page that takes the origin
# 1 s wait for one fetch; five of them leave after 0.3 s. The fetch's answer must reach the five
# that stayed and nothing else (those that left are gone: touching them would be a use after free,
# which the ASan build of this test reports), and the shield serves on.
CPORT=$(free_port)
cat >"$TMP/cached.toml" <<TOML
[shield]
listen = "127.0.0.1:$CPORT"
origins = ["127.0.0.1:$B"]
workers = 1
stats_file = "$TMP/cached.json"
[shield.under_attack]
mode = "off"
TOML
"$RAMPART" shield --config "$TMP/cached.toml" 2>"$TMP/cached.log" &
CACHED_PID=$!
BG_PIDS+=("$CACHED_PID")
wait_http "$CACHED_PID" "http://127.0.0.1:$CPORT/" || bad "the caching shield did not start"
curls=()
for i in 1 2 3 4 5 6 7 8 9 10; do
  wait_for=2
  ((i % 2)) && wait_for=0.3
  curl -s --http2-prior-knowledge --max-time "$wait_for" -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$CPORT/slow" >"$TMP/slow-$i" 2>/dev/null &
  curls+=("$!")
done
wait "${curls[@]}" 2>/dev/null || true
stayed=$(cat "$TMP"/slow-2 "$TMP"/slow-4 "$TMP"/slow-6 "$TMP"/slow-8 "$TMP"/slow-10 | grep -c '^200$' || true)
sleep 1.2
coalesced=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counters"]["cache_coalesced"])' "$TMP/cached.json")
((stayed == 5 && coalesced >= 5)) && kill -0 "$CACHED_PID" 2>/dev/null &&
  curl -s --max-time 2 "http://127.0.0.1:$CPORT/" | grep -q origin-b &&
  ok "coalesced requests: the five that stayed got the one fetch's answer ($coalesced waited), the shield serves on" ||
  bad "coalescing with clients leaving: $stayed of 5 answered, $coalesced coalesced, alive=$(kill -0 "$CACHED_PID" 2>/dev/null && echo yes || echo no)"
exit $FAILED
