#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# `rampart run` live, on AF_PACKET: the daemon watches the victim's veth inside a network namespace
# this test creates while hping3 floods it from another (SYN with and without --rand-source, UDP,
# ICMP; each bounded to 3 s). For each flood the daemon's JSON-lines event stream must say
# "started" for the victim with the right vector within 2 s of the flood's start (measured and
# printed) and "ended" after the flood stops. Then: SIGHUP with a broken configuration changes
# nothing, SIGHUP with a good one reloads, SIGTERM stops cleanly. Last, the same daemon fed only by
# sFlow from a real exporter (pmacct's sfprobe at 1:10, inside the victim's namespace, sending to
# its loopback) must see a SYN flood too, at its true rate; and fed only by NetFlow v9 and IPFIX
# from softflowd (2 s active timeout), a UDP flood.
#
# Usage: run_daemon_test.sh PATH_TO_RAMPART
# Exit: 0 pass, 1 fail, 77 skip (not root, no netns, no hping3) — never skipped when CI=true.
set -euo pipefail

RAMPART=${1:?usage: run_daemon_test.sh PATH_TO_RAMPART}
readonly NS_PREFIX=rampart-rd
readonly ATTACKER=10.200.62.1
readonly VICTIM=10.200.62.2
# shellcheck source=netns_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/netns_lib.sh"

[[ -x "$RAMPART" ]] || fail "$RAMPART is not an executable"
require_root_and_tools ip hping3 timeout python3
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
readonly PYTHON
readonly EVENTS=$TMP/events.jsonl
readonly LOG=$TMP/rampart.log

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

# case_flood NAME VECTOR HPING3-ARGS...: one bounded flood, then the events it must cause.
# MAX_LATENCY_MS (default 2000) bounds the time from the flood's start to the "started" event.
case_flood() {
  local name=$1 vector=$2 max_latency=${MAX_LATENCY_MS:-2000}
  shift 2
  local start end started ended
  start=$(now_ns)
  timeout -s INT 3 ip netns exec "$NS_A" hping3 -q "$@" "$VICTIM" >/dev/null 2>&1 || true
  end=$(now_ns)
  started=$(wait_for started "$vector" "$start" 5) || fail "$name: no 'started' event naming $vector (log: $(tail -5 "$LOG"))"
  ended=$(wait_for ended "$vector" "$end" 10) || fail "$name: no 'ended' event after the flood stopped"
  local latency_ms=$(((started - start) / 1000000))
  printf 'ok   %-22s detected %5d ms after the flood started, ended %5d ms after it stopped\n' \
    "$name" "$latency_ms" $(((ended - end) / 1000000))
  ((latency_ms <= max_latency)) || fail "$name: detection took $latency_ms ms (> $max_latency)"
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

setup_namespaces
write_config "$TMP/rampart.toml"
start_daemon

case_flood syn-spoofed syn-flood -S -p 80 --flood --rand-source
case_flood syn-single-source syn-flood -S -p 80 --flood
case_flood udp udp-flood -2 -p 53 -d 64 --flood
case_flood icmp icmp-flood -1 --flood

# A broken configuration is refused with its line, and the daemon carries on.
printf '[detection]\nhold_down = 2\n' >"$TMP/rampart.toml"
kill -HUP "$DAEMON"
for ((i = 0; i < 50; i++)); do grep -q "reload refused" "$LOG" && break; sleep 0.1; done
grep -q "reload refused.*rampart.toml:2: unknown key 'detection.hold_down'" "$LOG" || fail "broken reload not reported: $(tail -3 "$LOG")"
kill -0 "$DAEMON" || fail "the daemon died on a broken reload"
echo "ok   broken reload refused, daemon still running"
write_config "$TMP/rampart.toml"
kill -HUP "$DAEMON"
for ((i = 0; i < 50; i++)); do grep -q "configuration reloaded" "$LOG" && break; sleep 0.1; done
grep -q "configuration reloaded" "$LOG" || fail "good reload not reported"
echo "ok   reload"

kill -TERM "$DAEMON"
rc=0
wait "$DAEMON" || rc=$?
[[ $rc -eq 0 ]] || fail "rampart run exited $rc after SIGTERM: $(tail -5 "$LOG")"
grep -q "stopping" "$LOG" || fail "no clean stop in the log"
echo "ok   SIGTERM: clean stop"

# sFlow from a real agent: pmacct's sfprobe samples the victim's veth 1 in 10 and exports to the
# daemon on the namespace's loopback; the daemon has no capture of its own.
write_config "$TMP/rampart.toml" $'[[sensor]]\ntype = "sflow"\nlisten = "127.0.0.1:16343"'
cat >"$TMP/pmacctd.conf" <<CONF
daemonize: false
pcap_interface: veth-v
plugins: sfprobe[s]
sfprobe_receiver[s]: 127.0.0.1:16343
sfprobe_agentip[s]: $VICTIM
sampling_rate[s]: 10
CONF
start_daemon
timeout -k 2 60 ip netns exec "$NS_V" pmacctd -f "$TMP/pmacctd.conf" >"$TMP/pmacctd.log" 2>&1 &
BG_PIDS+=("$!")
for ((i = 0; i < 100; i++)); do grep -q "Exporting flows" "$TMP/pmacctd.log" && break; sleep 0.1; done
grep -q "Exporting flows" "$TMP/pmacctd.log" || fail "pmacctd did not start: $(cat "$TMP/pmacctd.log")"
sleep 2.5  # pmacctd opens its capture a moment after it says it exports
case_flood sflow-syn-spoofed syn-flood -S -p 80 --flood --rand-source
"$PYTHON" - "$EVENTS" "$VICTIM" <<'PY' || fail "sFlow-fed attack record is wrong"
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
a = [e["attack"] for e in events if e["event"] == "ended" and e["attack"]["target"] == sys.argv[2]][-1]
assert a["peak_pps"] >= 20000, a["peak_pps"]  # samples scaled back by the 1:10 rate
assert a["fingerprint"]["dst_port"] == 80 and a["fingerprint"]["tcp_flags"] == 2, a["fingerprint"]
print(f"     sFlow 1:10 from pmacct: peak {a['peak_pps']} pps, fingerprint {a['fingerprint']['summary']}")
PY
kill -TERM "$DAEMON"
wait "$DAEMON" || fail "rampart run (sFlow) did not stop cleanly"

# NetFlow v9 and IPFIX from softflowd. A flow is exported when it expires (maxlife 2 s), so
# detection waits for the first export (up to 3 s) and the next window: allowed up to 6 s here.
for version in 9 10; do
  write_config "$TMP/rampart.toml" $'[[sensor]]\ntype = "netflow"\nlisten = "127.0.0.1:12055"'
  start_daemon
  timeout -k 2 60 ip netns exec "$NS_V" softflowd -d -i veth-v -n 127.0.0.1:12055 -v "$version" \
    -t maxlife=2 -t expint=1 >"$TMP/softflowd.log" 2>&1 &
  BG_PIDS+=("$!")
  sleep 1
  MAX_LATENCY_MS=6000 case_flood "netflow-v$version-udp" udp-flood -2 -p 53 -s 40000 -k -d 64 --flood
  kill -TERM "$DAEMON"
  wait "$DAEMON" || fail "rampart run (NetFlow v$version) did not stop cleanly"
  pkill -f "softflowd -d -i veth-v -n 127.0.0.1:12055" || true
done
echo "run_daemon: 10 passed, 0 failed"
