#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# `rampart run` live, on AF_PACKET: the daemon watches the victim's veth inside a network namespace
# this test creates while hping3 floods it from another (SYN, UDP and ICMP, each with and without
# --rand-source; each bounded to 3 s). For each flood the daemon's JSON-lines event stream must say
# "started" for the victim with the right vector within 2 s of the flood's start (measured and
# printed) and "ended" after the flood stops. Then: SIGHUP with a broken configuration changes
# nothing, SIGHUP with a good one reloads, SIGTERM stops cleanly. Flow telemetry from real exporters
# is flow_exporters_test.sh.
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
# shellcheck source=daemon_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"

require_rampart_and_tools ip hping3 timeout
setup_namespaces
write_config "$TMP/rampart.toml"
start_daemon

case_flood syn-spoofed syn-flood -S -p 80 --flood --rand-source
case_flood syn-single-source syn-flood -S -p 80 --flood
case_flood udp udp-flood -2 -p 53 -d 64 --flood
case_flood udp-spoofed udp-flood -2 -p 53 -d 64 --flood --rand-source
case_flood icmp icmp-flood -1 --flood
case_flood icmp-spoofed icmp-flood -1 --flood --rand-source

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

# Two capture workers: the kernel's fanout spreads the flood's flows over both rings, and the
# shards folded together must give the whole flood: its rate, its many sources, its fingerprint.
write_config "$TMP/rampart.toml" $'[capture]\nworkers = 2\n\n[[sensor]]\ntype = "af_packet"\ninterface = "veth-v"'
start_daemon
grep -q "2 worker(s)" "$LOG" || fail "two capture workers not started: $(head -3 "$LOG")"
case_flood two-workers-syn syn-flood -S -p 80 --flood --rand-source
"$PYTHON" - "$EVENTS" "$VICTIM" "$FLOOD_PPS" <<'PY' || fail "two workers: attack record is wrong"
import json, sys
path, victim, true_pps = sys.argv[1], sys.argv[2], int(sys.argv[3])
a = [e["attack"] for e in map(json.loads, open(path)) if e["event"] == "ended" and e["attack"]["target"] == victim
     and e["attack"]["direction"] == "incoming"][-1]
assert 0.8 * true_pps <= a["peak_pps"] <= 1.25 * true_pps, f"peak {a['peak_pps']} pps, flood {true_pps} pps"
assert a["distinct_sources"] > 100000 and a["spoofing_likely"], (a["distinct_sources"], a["spoofing_likely"])
assert a["fingerprint"]["dst_port"] == 80 and a["fingerprint"]["tcp_flags"] == 2, a["fingerprint"]
print(f"     two workers: peak {a['peak_pps']} pps for a {true_pps} pps flood, {a['distinct_sources']} sources, "
      f"fingerprint {a['fingerprint']['summary']}")
PY
stop_daemon "two workers"
echo "run_daemon: 10 passed, 0 failed"
