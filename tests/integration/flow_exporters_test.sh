#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# `rampart run` fed only by flow telemetry from real exporters. Each exporter watches the victim's
# veth inside a network namespace this test creates and sends to the daemon on that namespace's
# loopback, while hping3 floods the victim from another namespace (3 s, bounded):
#   - pmacct's sfprobe: sFlow v5, sampling 1 in 10;
#   - softflowd: NetFlow v5, v9 and IPFIX (2 s active timeout);
#   - pmacct's nfprobe: NetFlow v9 and IPFIX (2 s active timeout).
# For each, the event stream must start an attack on the victim with the right vector, report one
# attack for the one flood (flow records are spread over their duration, so an exporter's bursts do
# not split it), at a peak near the flood's true rate (the victim's interface counter), and end it
# after the flood stops.
#
# Usage: flow_exporters_test.sh PATH_TO_RAMPART
# Exit: 0 pass, 1 fail, 77 skip (not root, no netns, a tool missing) — never skipped when CI=true.
set -euo pipefail

RAMPART=${1:?usage: flow_exporters_test.sh PATH_TO_RAMPART}
readonly NS_PREFIX=rampart-fx
readonly ATTACKER=10.200.63.1
readonly VICTIM=10.200.63.2
readonly PORT=12055
# shellcheck source=netns_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/netns_lib.sh"
# shellcheck source=daemon_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"

require_rampart_and_tools ip hping3 timeout softflowd pmacctd
passed=0

# check_record NAME MIN_PEAK_SHARE MAX_PEAK_SHARE DST_PORT: the last ended attack on the victim has a
# peak within these shares of FLOOD_PPS and a fingerprint naming the flood's destination port.
check_record() {
  "$PYTHON" - "$EVENTS" "$VICTIM" "$FLOOD_PPS" "$2" "$3" "$4" <<'PY' || fail "$1: attack record is wrong"
import json, sys
path, victim, true_pps, low, high, port = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
a = [e["attack"] for e in map(json.loads, open(path)) if e["event"] == "ended" and e["attack"]["target"] == victim][-1]
peak = a["peak_pps"]
assert low * true_pps <= peak <= high * true_pps, f"peak {peak} pps, flood {true_pps} pps"
assert a["fingerprint"]["dst_port"] == port, a["fingerprint"]
print(f"     peak {peak} pps for a {true_pps} pps flood ({peak / true_pps:.2f}x), fingerprint {a['fingerprint']['summary']}")
PY
  passed=$((passed + 1))
}

# wait_log FILE TEXT WHAT: until an exporter's log says it runs.
wait_log() {
  for ((i = 0; i < 100; i++)); do grep -q "$2" "$1" && return 0; sleep 0.1; done
  fail "$3 did not start: $(cat "$1")"
}

setup_namespaces

# sFlow from pmacct's sfprobe at 1:10: samples arrive as packets pass, scaled back by the rate.
write_config "$TMP/rampart.toml" $'[[sensor]]\ntype = "sflow"\nlisten = "127.0.0.1:16343"'
cat >"$TMP/sfprobe.conf" <<CONF
daemonize: false
pcap_interface: veth-v
plugins: sfprobe[s]
sfprobe_receiver[s]: 127.0.0.1:16343
sfprobe_agentip[s]: $VICTIM
sampling_rate[s]: 10
CONF
start_daemon
timeout -k 2 60 ip netns exec "$NS_V" pmacctd -f "$TMP/sfprobe.conf" >"$TMP/pmacctd.log" 2>&1 &
BG_PIDS+=("$!")
wait_log "$TMP/pmacctd.log" "Exporting flows" "pmacctd (sfprobe)"
sleep 2.5 # pmacctd opens its capture a moment after it says it exports
case_flood sflow-syn-spoofed syn-flood -S -p 80 --flood --rand-source
check_record sflow 0.5 1.6 80
stop_daemon sFlow
# The statistics document: the agent with its datagrams, nothing malformed, and the interface
# counters pmacct's sfprobe exports (when it sent any).
"$PYTHON" - "$STATS" "$VICTIM" <<'PY' || fail "sFlow statistics are wrong: $(cat "$STATS")"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["schema"] == "rampart.stats/1"
s = doc["flow_sensors"][0]
assert s["type"] == "sflow" and s["datagrams"] > 100, s
assert set(s["results"]) == {"ok"} and s["results"]["ok"] == s["datagrams"], s["results"]
agents = [a for a in s["agents"] if a["agent"] == sys.argv[2]]
assert agents and agents[0]["datagrams"] == s["datagrams"], s["agents"]
print(f"     stats: {s['datagrams']} datagrams from agent {sys.argv[2]}, {agents[0]['lost_datagrams']} lost, "
      f"{s['counter_samples']} counter samples, {len(s['interfaces'])} interface(s)")
PY
pkill -f "pmacctd -f $TMP/sfprobe.conf" || true

# NetFlow/IPFIX: a flow is exported when it has lived 2 s (maxlife), so detection waits for the
# first export and is allowed up to 6 s. One UDP flow (fixed source port) carries the flood.
readonly UDP_FLOOD=(-2 -p 53 -s 40000 -k -d 64 --flood)
for version in 5 9 10; do
  write_config "$TMP/rampart.toml" $'[[sensor]]\ntype = "netflow"\nlisten = "127.0.0.1:'$PORT'"'
  start_daemon
  timeout -k 2 60 ip netns exec "$NS_V" softflowd -d -i veth-v -n 127.0.0.1:$PORT -v "$version" \
    -t maxlife=2 -t expint=1 >"$TMP/softflowd.log" 2>&1 &
  BG_PIDS+=("$!")
  sleep 1
  MAX_LATENCY_MS=6000 case_flood "softflowd-v$version-udp" udp-flood "${UDP_FLOOD[@]}"
  check_record "softflowd v$version" 0.5 1.6 53
  stop_daemon "softflowd v$version"
  pkill -f "softflowd -d -i veth-v -n 127.0.0.1:$PORT" || true
done

for version in 9 10; do
  write_config "$TMP/rampart.toml" $'[[sensor]]\ntype = "netflow"\nlisten = "127.0.0.1:'$PORT'"'
  cat >"$TMP/nfprobe.conf" <<CONF
daemonize: false
pcap_interface: veth-v
plugins: nfprobe[n]
nfprobe_receiver[n]: 127.0.0.1:$PORT
nfprobe_version[n]: $version
nfprobe_timeouts[n]: maxlife=2:expint=1
CONF
  start_daemon
  timeout -k 2 60 ip netns exec "$NS_V" pmacctd -f "$TMP/nfprobe.conf" >"$TMP/nfprobe.log" 2>&1 &
  BG_PIDS+=("$!")
  wait_log "$TMP/nfprobe.log" "Exporting flows" "pmacctd (nfprobe v$version)"
  sleep 2.5
  MAX_LATENCY_MS=6000 case_flood "nfprobe-v$version-udp" udp-flood "${UDP_FLOOD[@]}"
  check_record "nfprobe v$version" 0.5 1.6 53
  stop_daemon "nfprobe v$version"
  pkill -f "pmacctd -f $TMP/nfprobe.conf" || true
done
echo "flow_exporters: $passed passed, 0 failed"
