# SPDX-License-Identifier: Apache-2.0
# Shared by the `rampart run` tests: a configuration that protects the victim alone, a daemon
# started inside the victim's namespace, and bounded floods whose events are awaited and timed.
# Source netns_lib.sh first, set RAMPART and VICTIM, then call require_rampart_and_tools.
# shellcheck shell=bash

# require_rampart_and_tools TOOL...: RAMPART is runnable, and root with every tool (python3 always);
# sets PYTHON.
require_rampart_and_tools() {
  [[ -x "$RAMPART" ]] || fail "$RAMPART is not an executable"
  require_root_and_tools python3 "$@"
  PYTHON=$(python3 -c 'import sys; print(sys.executable)')
  readonly PYTHON
}

readonly EVENTS=$TMP/events.jsonl
readonly LOG=$TMP/rampart.log
readonly STATS=$TMP/stats.json

write_config() {  # write_config FILE [SENSOR-TOML]: the victim alone is protected, 2 s hold-down
  local sensor=${2:-$'[[sensor]]\ntype = "af_packet"\ninterface = "veth-v"'}
  cat >"$1" <<TOML
[detection]
hold_down_seconds = 2

[[group]]
name = "lab"
networks = ["$VICTIM/32"]

$sensor

[events]
file = "$EVENTS"

[stats]
file = "$STATS"
TOML
}

now_ns() { date +%s%N; }

# wait_for EVENT VECTOR SINCE_NS TIMEOUT_S: prints the event's time_ns once the stream holds an
# EVENT for the victim (incoming) naming VECTOR, at or after SINCE_NS.
wait_for() {
  local deadline=$((SECONDS + $4))
  while ((SECONDS < deadline)); do
    if "$PYTHON" - "$EVENTS" "$1" "$2" "$3" "$VICTIM" <<'PY'; then return 0; fi
import json, sys
path, kind, vector, since, victim = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
for line in open(path):
    e = json.loads(line)
    a = e["attack"]
    if (e["event"] == kind and e["time_ns"] >= since and a["target"] == victim and a["direction"] == "incoming"
            and vector in [v["name"] for v in a["vectors"]]):
        print(e["time_ns"])
        sys.exit(0)
sys.exit(1)
PY
    sleep 0.1
  done
  return 1
}

# Packets the victim's veth received so far (the kernel's count: the flood's true rate).
victim_rx_packets() { ip netns exec "$NS_V" cat /sys/class/net/veth-v/statistics/rx_packets; }

# count_started SINCE_NS: incoming attacks started on the victim at or after SINCE_NS (its replies
# to a single-source flood may be an outgoing one, rightly).
count_started() {
  "$PYTHON" - "$EVENTS" "$1" "$VICTIM" <<'PY'
import json, sys
path, since, victim = sys.argv[1], int(sys.argv[2]), sys.argv[3]
print(sum(1 for line in open(path) for e in [json.loads(line)]
          if e["event"] == "started" and e["time_ns"] >= since and e["attack"]["target"] == victim
          and e["attack"]["direction"] == "incoming"))
PY
}

# stop_daemon WHAT: SIGTERM, and a clean exit.
stop_daemon() {
  kill -TERM "$DAEMON"
  wait "$DAEMON" || fail "rampart run ($1) did not stop cleanly"
}

# case_flood NAME VECTOR HPING3-ARGS...: one bounded flood, then the events it must cause.
# MAX_LATENCY_MS (default 2000) bounds the time from the flood's start to the "started" event.
# Sets FLOOD_PPS to the flood's mean rate as the victim's interface counted it.
case_flood() {
  local name=$1 vector=$2 max_latency=${MAX_LATENCY_MS:-2000}
  shift 2
  local start end started ended rx0 rx1
  rx0=$(victim_rx_packets)
  start=$(now_ns)
  timeout -s INT 3 ip netns exec "$NS_A" hping3 -q "$@" "$VICTIM" >/dev/null 2>&1 || true
  end=$(now_ns)
  rx1=$(victim_rx_packets)
  FLOOD_PPS=$(((rx1 - rx0) * 1000000000 / (end - start)))
  started=$(wait_for started "$vector" "$start" 5) || fail "$name: no 'started' event naming $vector (log: $(tail -5 "$LOG"))"
  ended=$(wait_for ended "$vector" "$end" 10) || fail "$name: no 'ended' event after the flood stopped"
  local latency_ms=$(((started - start) / 1000000)) attacks
  attacks=$(count_started "$start")
  printf 'ok   %-22s detected %5d ms after the flood started, ended %5d ms after it stopped (%d attack, %d pps)\n' \
    "$name" "$latency_ms" $(((ended - end) / 1000000)) "$attacks" "$FLOOD_PPS"
  ((latency_ms <= max_latency)) || fail "$name: detection took $latency_ms ms (> $max_latency)"
  ((attacks == 1)) || fail "$name: one flood was reported as $attacks attacks"
  sleep 1
}

start_daemon() {
  : >"$LOG"
  ip netns exec "$NS_V" "$RAMPART" run -c "$TMP/rampart.toml" --geoip-dir "$TMP" >"$LOG" 2>&1 &
  DAEMON=$!
  BG_PIDS+=("$DAEMON")
  for ((i = 0; i < 100; i++)); do
    grep -q "rampart running" "$LOG" && return 0
    kill -0 "$DAEMON" 2>/dev/null || fail "rampart run exited: $(cat "$LOG")"
    sleep 0.05
  done
  fail "rampart run did not start: $(cat "$LOG")"
}

