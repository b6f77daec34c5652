#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Real floods, made by hping3 between two network namespaces that this test creates (a veth pair,
# addresses in 10.200.61.0/24 that exist only inside the namespaces), captured by tcpdump in the
# victim's namespace and analysed by `rampart analyze --json`:
#   a) SYN flood from random (spoofed) sources     b) SYN flood from the attacker's own address
#   c) UDP flood to port 53                          d) ICMP echo flood
#   e) ordinary traffic only (5 echo requests a second and a few HTTP requests) → no attack.
# Every flood and every capture is bounded by `timeout`; the trap always deletes the namespaces.
#
# Usage: netns_hping3_test.sh PATH_TO_RAMPART
# Exit: 0 pass, 1 fail, 77 skip (not root, no netns, no hping3/tcpdump) — but never skip when CI=true.
set -euo pipefail

RAMPART=${1:?usage: netns_hping3_test.sh PATH_TO_RAMPART}

readonly NS_PREFIX=rampart-hp
readonly ATTACKER=10.200.61.1
readonly VICTIM=10.200.61.2
# shellcheck source=netns_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/netns_lib.sh"

[[ -x "$RAMPART" ]] || fail "$RAMPART is not an executable"
require_root_and_tools ip hping3 tcpdump timeout python3

# The interpreter itself, not a wrapper such as a pyenv shim (which costs ~1 s a start).
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
readonly PYTHON

readonly FLOOD_SECONDS=3
# Default per-vector thresholds, as in src/detect/thresholds.cpp. A case runs with them when the
# flood reached at least twice the threshold; otherwise (a slow or busy machine) it passes a lower one.
declare -A DEFAULT_PPS=([syn-flood]=10000 [udp-flood]=30000 [icmp-flood]=5000)

TCPDUMP_PID=
CAPTURED=0
DROPPED=0

# start_capture FILE [tcpdump options...]: capture on the victim's veth, at most 30 s.
start_capture() {
  local file=$1
  shift
  : >"$TMP/tcpdump.err"
  timeout -s INT -k 2 30 ip netns exec "$NS_V" tcpdump -Z root -n -i veth-v -s 128 -w "$file" "$@" 2>"$TMP/tcpdump.err" &
  TCPDUMP_PID=$!
  BG_PIDS+=("$TCPDUMP_PID")
  local i
  for ((i = 0; i < 100; i++)); do
    grep -q "listening on" "$TMP/tcpdump.err" && return 0
    kill -0 "$TCPDUMP_PID" 2>/dev/null || fail "tcpdump did not start: $(cat "$TMP/tcpdump.err")"
    sleep 0.05
  done
  fail "tcpdump did not start listening within 5 s: $(cat "$TMP/tcpdump.err")"
}

# stop_capture: lets the last packets drain, stops tcpdump and sets CAPTURED and DROPPED (by the kernel).
stop_capture() {
  sleep 1
  kill -INT "$TCPDUMP_PID" 2>/dev/null || true
  local rc=0
  wait "$TCPDUMP_PID" || rc=$?
  [[ $rc -eq 0 ]] || fail "tcpdump ended with status $rc: $(cat "$TMP/tcpdump.err")"
  CAPTURED=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured$/\1/p' "$TMP/tcpdump.err")
  [[ -n "$CAPTURED" ]] || fail "no packet count from tcpdump: $(cat "$TMP/tcpdump.err")"
  DROPPED=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel$/\1/p' "$TMP/tcpdump.err")
}

# flood NAME VECTOR HPING3-ARGS...: one bounded flood from the attacker to the victim, captured in
# the victim's namespace. Only packets arriving at the victim are kept (-Q in): the victim's own
# answers (RSTs to SYNs, echo replies) are a flood towards the attacker of the same size, and with
# no protected networks configured Rampart rightly reports that too — a second target that is not
# what this test is about.
flood() {
  local name=$1 vector=$2
  shift 2
  local pcap=$TMP/$name.pcap
  start_capture "$pcap" -Q in
  local rc=0
  ip netns exec "$NS_A" timeout -k 2 "$FLOOD_SECONDS" hping3 "$@" "$VICTIM" >"$TMP/$name.hping3" 2>&1 || rc=$?
  # timeout's status is 124 when it ended the flood, as intended.
  [[ $rc -eq 0 || $rc -eq 124 ]] || fail "hping3 $* failed with status $rc: $(cat "$TMP/$name.hping3")"
  stop_capture
  local sent
  sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$TMP/$name.hping3")
  local pps=$((CAPTURED / FLOOD_SECONDS))
  echo "[$name] hping3 $* $VICTIM: sent ${sent:-?} packets in ${FLOOD_SECONDS} s, captured $CAPTURED, ${DROPPED:-?} dropped by the kernel (~$pps pps)"

  THRESHOLD_ARGS=()
  local default=${DEFAULT_PPS[$vector]}
  if ((pps < 2 * default)); then
    local lowered=$((pps / 4 > 100 ? pps / 4 : 100))
    THRESHOLD_ARGS=(--threshold "$vector=$lowered")
    echo "[$name] hping3 reached ~$pps pps here, under twice the default $vector threshold ($default pps):" \
      "analysing with --threshold $vector=$lowered"
  else
    echo "[$name] analysing with the default thresholds ($vector: $default pps)"
  fi
}

# analyze NAME EXPECTED_EXIT [rampart options...]: runs rampart on NAME.pcap, JSON into NAME.json.
analyze() {
  local name=$1 expected=$2
  shift 2
  local rc=0 start=${EPOCHREALTIME//[.,]/} ms
  "$RAMPART" analyze --json "$@" "$TMP/$name.pcap" >"$TMP/$name.json" 2>"$TMP/$name.stderr" || rc=$?
  ms=$(((${EPOCHREALTIME//[.,]/} - start) / 1000))
  echo "[$name] rampart analyze --json${*:+ $*} → exit $rc in $ms ms"
  if [[ $rc -ne $expected ]]; then
    cat "$TMP/$name.stderr" >&2
    head -c 4000 "$TMP/$name.json" >&2
    fail "[$name] rampart analyze exited $rc, expected $expected"
  fi
}

# check CASE NAME: the assertions on NAME.json, in python3.
check() {
  "$PYTHON" - "$1" "$TMP/$2.json" "$VICTIM" "$ATTACKER" "$CAPTURED" <<'PY'
import json
import sys

case, path, victim, attacker, captured = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
with open(path) as f:
    report = json.load(f)
attacks = report["attacks"]
failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)


def describe(a):
    fp = a["fingerprint"]
    return (f"target {a['target']} ({a['target_kind']}, {a['direction']}) vectors "
            f"{[v['name'] for v in a['vectors']]} peak {a['peak_pps']} pps, {a['distinct_sources']} sources, "
            f"spoofing_likely {a['spoofing_likely']}, top sources "
            f"{[(s['address'], round(s['share'], 4)) for s in a['top_sources'][:3]]}, top ports "
            f"{[(p['port'], round(p['share'], 4)) for p in a['top_destination_ports'][:3]]}\n"
            f"    fingerprint: {fp['summary']} | protocol {fp['protocol']} src_port {fp['src_port']} "
            f"dst_port {fp['dst_port']} tcp_flags {fp['tcp_flags']} ip_length {fp['ip_length']} "
            f"coverage {fp['coverage']}\n    bpf: {fp['bpf']}")


print(f"[{case}] {report['summary']['packets']} packets read, {len(attacks)} attack(s)")
for a in attacks:
    print(f"[{case}] {describe(a)}")

expect(report["summary"]["packets"] == captured,
       f"summary.packets {report['summary']['packets']} != {captured} packets captured by tcpdump")

if case == "ordinary":
    expect(attacks == [], "no attack expected in ordinary traffic")
else:
    expect(len(attacks) == 1, f"exactly one attack expected, got {len(attacks)}")
    a = next((x for x in attacks if x["target"] == victim), None)
    expect(a is not None, f"no attack on the victim {victim}")
    if a is not None:
        names = [v["name"] for v in a["vectors"]]
        fp = a["fingerprint"]
        top = a["top_sources"][0] if a["top_sources"] else {"address": None, "share": 0}
        expect(a["target_kind"] == "host", f"target_kind {a['target_kind']}, expected host")
        expect(a["direction"] == "incoming", f"direction {a['direction']}, expected incoming")
        if case in ("syn-spoofed", "syn-direct"):
            expect("syn-flood" in names, f"vectors {names} lack syn-flood")
            expect(fp["protocol"] == 6, f"fingerprint protocol {fp['protocol']}, expected 6")
            expect(fp["dst_port"] == 80, f"fingerprint dst_port {fp['dst_port']}, expected 80")
            expect(fp["tcp_flags"] == 2, f"fingerprint tcp_flags {fp['tcp_flags']}, expected 2 (SYN)")
        if case == "syn-spoofed":
            expect(a["spoofing_likely"] is True, "spoofing_likely should be true for --rand-source")
            expect(a["distinct_sources"] >= max(1000, a["packets"] // 2),
                   f"distinct_sources {a['distinct_sources']} too small for {a['packets']} random-source packets")
            expect(top["share"] < 0.01, f"top source share {top['share']} too large for random sources")
        if case in ("syn-direct", "udp", "icmp"):
            expect(top["address"] == attacker and top["share"] > 0.9,
                   f"top source {top}, expected {attacker} with share > 0.9")
            expect(a["spoofing_likely"] is False, "spoofing_likely should be false for one real source")
        if case == "udp":
            expect("udp-flood" in names, f"vectors {names} lack udp-flood")
            # Queries to port 53 are not amplification (that is answers from port 53).
            expect("dns-amplification" not in names, f"vectors {names}: a flood to port 53 is not amplification")
            expect(fp["protocol"] == 17, f"fingerprint protocol {fp['protocol']}, expected 17")
            expect(fp["dst_port"] == 53, f"fingerprint dst_port {fp['dst_port']}, expected 53")
            # hping3 increments the source port with every packet: no single source port.
            expect(fp["src_port"] is None, f"fingerprint src_port {fp['src_port']}, expected none (it varies)")
            expect(fp["ip_length"] == {"min": 92, "max": 92},
                   f"fingerprint ip_length {fp['ip_length']}, expected 92 (20 IP + 8 UDP + 64 data)")
        if case == "icmp":
            expect("icmp-flood" in names, f"vectors {names} lack icmp-flood")
            expect(fp["protocol"] == 1, f"fingerprint protocol {fp['protocol']}, expected 1")
            expect(fp["dst_port"] == 0x0800, f"fingerprint dst_port {fp['dst_port']}, expected 2048 (echo request)")

for f in failures:
    print(f"[{case}] FAIL: {f}", file=sys.stderr)
sys.exit(1 if failures else 0)
PY
}

# Ordinary traffic, both directions: 20 echo requests 0.2 s apart (and their replies) beside a few
# HTTP requests to a small server in the victim's namespace.
ordinary_traffic() {
  local pcap=$TMP/ordinary.pcap
  mkdir -p "$TMP/www"
  echo "hello" >"$TMP/www/index.html"
  ip netns exec "$NS_V" timeout -k 2 20 "$PYTHON" -m http.server 8080 --bind "$VICTIM" --directory "$TMP/www" \
    >"$TMP/http.log" 2>&1 &
  local server=$!
  BG_PIDS+=("$server")
  start_capture "$pcap"
  ip netns exec "$NS_A" timeout -k 2 10 hping3 -1 -c 20 -i u200000 "$VICTIM" >"$TMP/ordinary.hping3" 2>&1 &
  local pinger=$!
  BG_PIDS+=("$pinger")
  # No proxy: the server is only reachable inside the namespaces anyway.
  ip netns exec "$NS_A" timeout -k 2 10 "$PYTHON" - "$VICTIM" <<'PY' || fail "HTTP requests failed: $(cat "$TMP/http.log")"
import sys, time, urllib.error, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
url = f"http://{sys.argv[1]}:8080/index.html"
done = 0
deadline = time.monotonic() + 8
while done < 10 and time.monotonic() < deadline:
    try:
        with opener.open(url, timeout=2) as r:
            r.read()
        done += 1
    except (urllib.error.URLError, ConnectionError):
        pass  # the server may not be listening yet
    time.sleep(0.3)
print(f"[ordinary] {done} HTTP requests answered")
sys.exit(0 if done == 10 else 1)
PY
  local rc=0
  wait "$pinger" || rc=$?
  [[ $rc -eq 0 ]] || fail "hping3 -1 -c 20 failed with status $rc: $(cat "$TMP/ordinary.hping3")"
  stop_capture
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  echo "[ordinary] $(grep -c "icmp_seq=" "$TMP/ordinary.hping3" || true) echo replies, captured $CAPTURED packets (both directions)"
}

started=$SECONDS
setup_namespaces
echo "namespaces $NS_A ($ATTACKER) → $NS_V ($VICTIM) ready"

flood syn-spoofed syn-flood -S -p 80 --flood --rand-source
analyze syn-spoofed 1 "${THRESHOLD_ARGS[@]}"
check syn-spoofed syn-spoofed
rm -f "$TMP/syn-spoofed.pcap"

flood syn-direct syn-flood -S -p 80 --flood
analyze syn-direct 1 "${THRESHOLD_ARGS[@]}"
check syn-direct syn-direct
rm -f "$TMP/syn-direct.pcap"

flood udp udp-flood -2 -p 53 --flood -d 64
analyze udp 1 "${THRESHOLD_ARGS[@]}"
check udp udp
rm -f "$TMP/udp.pcap"

flood icmp icmp-flood -1 --flood
analyze icmp 1 "${THRESHOLD_ARGS[@]}"
check icmp icmp
rm -f "$TMP/icmp.pcap"

ordinary_traffic
analyze ordinary 0
check ordinary ordinary
# Still calm with thresholds a hundred times lower than the defaults: ordinary traffic here is ~10 pps.
analyze ordinary 0 --threshold-pps 500 --threshold syn-flood=100 --threshold udp-flood=300 --threshold icmp-flood=50
check ordinary ordinary

echo "PASS: all cases in $((SECONDS - started)) s"
