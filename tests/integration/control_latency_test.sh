#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The daemon's control socket must not slow detection down, nor be held by bad clients. `rampart
# run` watches the victim's veth inside a network namespace this test creates, with [control]
# socket set. A bounded hping3 SYN flood (3 s) is detected once with nobody on the socket (the quiet
# latency: flood start to the "started" event), then again while control_load.py keeps IDLE
# connections that never send a byte and SLOW ones that send a space every 200 ms and never a
# newline, reopening each as the daemon closes it, for the whole flood. Under that load:
#   - detection stays within the quiet latency + SLACK_MS (300) and within MAX_LATENCY_MS (2000):
#     a control client must never stall the detection thread. Measured here (2 shared cores):
#     83-131 ms over nine quiet floods (early start: a flood over a per-second limit is reported
#     at the first 50 ms fold that shows it), the two floods of one run within 40 ms of each
#     other with nothing on the socket. 300 ms is room for a busy machine, and still far below
#     the stall of a server that waits for clients (a second per idle one, forever for a slow one);
#   - a good client's {"command":"status"} is answered within STATUS_MS (1000), each of 4 tries
#     during the flood: the server serves it while the bad ones idle.
#   - the daemon is still running once the bad clients have gone (one that leaves before its
#     answer is written must not take the daemon with it: SIGPIPE).
# Both latencies and every status time are printed.
#
# Usage: control_latency_test.sh PATH_TO_RAMPART
# Exit: 0 pass, 1 fail, 77 skip (not root, no netns, no hping3) — never skipped when CI=true.
# CONTROL_IDLE (20) and CONTROL_SLOW (10) set the bad clients' numbers.
set -euo pipefail

RAMPART=${1:?usage: control_latency_test.sh PATH_TO_RAMPART}
readonly NS_PREFIX=rampart-cl
readonly ATTACKER=10.200.69.1
readonly VICTIM=10.200.69.2
# shellcheck source=netns_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/netns_lib.sh"
# shellcheck source=daemon_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SOCK=$TMP/control.sock
readonly IDLE=${CONTROL_IDLE:-20} SLOW=${CONTROL_SLOW:-10}
readonly SLACK_MS=300 MAX_LATENCY_MS=2000 STATUS_MS=1000
readonly FLOOD_SECONDS=3
passed=0

require_rampart_and_tools ip hping3 timeout
setup_namespaces
write_config "$TMP/rampart.toml" $'[[sensor]]\ntype = "af_packet"\ninterface = "veth-v"\n\n[control]\nsocket = "'"$SOCK"'"'
start_daemon
for ((i = 0; i < 50; i++)); do [[ -S $SOCK ]] && break; sleep 0.1; done
[[ -S $SOCK ]] || fail "no control socket at $SOCK: $(tail -3 "$LOG")"

# status_ms: one status request, bounded by STATUS_MS; prints its time in ms, or fails the caller.
status_ms() {
  local out
  out=$("$PYTHON" "$HERE/control_load.py" status "$SOCK" "$STATUS_MS") || {
    echo "$out"
    return 1
  }
  echo "${out%% *}"
}

t=$(status_ms) || fail "status with nobody else on the socket: $t"
echo "ok   status answered in $t ms with nobody else on the socket"
passed=$((passed + 1))

# flood_start: a bounded SYN flood in the background; sets FLOOD (its pid) and FLOOD_START (ns).
flood_start() {
  FLOOD_START=$(now_ns)
  timeout -s INT "$FLOOD_SECONDS" ip netns exec "$NS_A" hping3 -q -S -p 80 --flood --rand-source "$VICTIM" \
    >/dev/null 2>&1 &
  FLOOD=$!
  BG_PIDS+=("$FLOOD")
}

# flood_end WHAT STARTED_TIMEOUT_S: waits for the flood and its events; sets LATENCY_MS. Returns 1
# with the reason in FLOOD_PROBLEM when an event is missing or the flood counts as several attacks.
flood_end() {
  local what=$1 started ended end attacks
  wait "$FLOOD" || true
  end=$(now_ns)
  LATENCY_MS=-1 FLOOD_PROBLEM=""
  if ! started=$(wait_for started syn-flood "$FLOOD_START" "$2"); then
    FLOOD_PROBLEM="$what: no 'started' event within $2 s of the flood's end (log: $(tail -3 "$LOG"))"
    return 1
  fi
  LATENCY_MS=$(((started - FLOOD_START) / 1000000))
  if ! ended=$(wait_for ended syn-flood "$end" 10); then
    FLOOD_PROBLEM="$what: no 'ended' event after the flood stopped"
    return 1
  fi
  attacks=$(count_started "$FLOOD_START")
  printf 'ok   %-26s detected %5d ms after the flood started, ended %5d ms after it stopped (%d attack)\n' \
    "$what:" "$LATENCY_MS" $(((ended - end) / 1000000)) "$attacks"
  ((attacks == 1)) || { FLOOD_PROBLEM="$what: one flood was reported as $attacks attacks"; return 1; }
}

# 1. Nobody on the socket.
flood_start
flood_end "quiet socket" 5 || fail "$FLOOD_PROBLEM"
quiet_ms=$LATENCY_MS
passed=$((passed + 1))

# 2. The bad clients hold the socket from before the flood until after it, and the same flood.
"$PYTHON" "$HERE/control_load.py" load "$SOCK" "$((FLOOD_SECONDS + 2))" "$IDLE" "$SLOW" "$TMP/load.ready" \
  >"$TMP/load.out" 2>&1 &
LOAD=$!
BG_PIDS+=("$LOAD")
for ((i = 0; i < 30; i++)); do [[ -f $TMP/load.ready ]] && break; sleep 0.1; done
[[ -f $TMP/load.ready ]] || fail "the bad clients did not start: $(cat "$TMP/load.out")"
echo "     bad clients: $IDLE idle, $SLOW slow; $(cat "$TMP/load.ready")"
flood_start
status_times=() status_failures=()
for ((i = 0; i < 4; i++)); do
  sleep 0.3 # spreads the tries over the flood; each is bounded by STATUS_MS
  if t=$(status_ms); then status_times+=("$t"); else status_failures+=("$t"); fi
done
# On a server that blocks, the event comes only once the bad clients give up: allow for that to be
# measured (the load ends 2 s after the flood) rather than reported as no event at all.
problems=()
flood_end "bad clients on the socket" 8 || problems+=("$FLOOD_PROBLEM")
loaded_ms=$LATENCY_MS
wait "$LOAD" || true
if ! kill -0 "$DAEMON" 2>/dev/null; then
  rc=0
  wait "$DAEMON" || rc=$?
  why=""
  ((rc != 141)) || why=" (SIGPIPE: it wrote to a client that had gone)"
  problems+=("the daemon died during the load, exit status $rc$why; its log ends: $(tail -1 "$LOG")")
fi
echo "     bad clients did: $(cat "$TMP/load.out")"
echo "     status during the flood: ${status_times[*]:-none answered} ms${status_failures:+; failed: ${status_failures[*]}}"
bound_ms=$((quiet_ms + SLACK_MS < MAX_LATENCY_MS ? quiet_ms + SLACK_MS : MAX_LATENCY_MS))
echo "     detection latency: quiet ${quiet_ms} ms; with $IDLE idle and $SLOW slow clients $( ((loaded_ms >= 0)) && echo "$loaded_ms ms" || echo "no event") (bound ${bound_ms} ms)"

((loaded_ms < 0 || loaded_ms <= quiet_ms + SLACK_MS)) ||
  problems+=("detection took ${loaded_ms} ms with bad clients on the control socket, ${quiet_ms} ms without (> +${SLACK_MS} ms): the control server stalls detection")
((loaded_ms < 0 || loaded_ms <= MAX_LATENCY_MS)) || problems+=("detection took ${loaded_ms} ms (> ${MAX_LATENCY_MS}) with bad clients on the control socket")
((${#status_failures[@]} == 0)) ||
  problems+=("${#status_failures[@]} of 4 status requests got no answer within ${STATUS_MS} ms while bad clients held the socket")
for t in "${status_times[@]}"; do
  [[ ${t%.*} -le $STATUS_MS ]] || problems+=("a status request took $t ms (> ${STATUS_MS})")
done
if ((${#problems[@]})); then
  for p in "${problems[@]}"; do echo "FAIL: $p" >&2; done
  exit 1
fi
echo "ok   detection within ${SLACK_MS} ms of the quiet latency and status within ${STATUS_MS} ms, with bad clients on the socket"
passed=$((passed + 2))
stop_daemon "control latency"
echo "control_latency: $passed passed, 0 failed"
