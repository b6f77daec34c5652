#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The same capture, two ways: replayed live with tcpreplay into a veth inside network namespaces
# this test creates, while `rampart run` captures on the victim's end (AF_PACKET), and read by
# `rampart analyze --json`. Both must find the same attacks: the same targets, the same vector
# names and the same fingerprint (protocol, ports, TCP flags, IP length, TTL, fragments). Both read
# the same configuration (its [[group]]s protect the captures' destinations), so groups and
# thresholds agree.
#
# Captures: each CAPTURE given (CMake passes the README's sample capture: a spoofed SYN flood, NTP
# amplification and carpet bombing of a /24, over ordinary web traffic), then one this test writes
# with python3 (an ICMP flood, an IPv4 fragment flood and an IPv6 RST flood, at once on three hosts).
# tcpreplay keeps each capture's own timing (multiplier 1, at most 110 kpps), so rates stay near
# what analyze saw and above every threshold; each replay is bounded by `timeout`. Trap: tcpreplay's
# default timer sleeps between packets and reaches only ~7 kpps here at multiplier 1 (the sample's
# first 7 s took 17.6 s); --timer=gtod busy-waits and keeps time, falling behind when the 2 cores
# are busy (the 110 kpps carpet bombing came out at 55-74 kpps peak, the 12 kpps floods at 7.5-10).
#
# Usage: replay_vs_analyze_test.sh PATH_TO_RAMPART [CAPTURE...]
# Exit: 0 pass, 1 fail, 77 skip (not root, no netns, no tcpreplay/hping3) — never skipped when CI=true.
set -euo pipefail

RAMPART=${1:?usage: replay_vs_analyze_test.sh PATH_TO_RAMPART [CAPTURE...]}
shift
CAPTURES=("$@")
readonly NS_PREFIX=rampart-rva
readonly ATTACKER=10.200.71.1
readonly VICTIM=10.200.71.2
# shellcheck source=netns_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/netns_lib.sh"
# shellcheck source=daemon_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"

# Checked first for its own install hint (the shared one names the hping3 tests' packages).
[[ $(id -u) -ne 0 ]] || command -v tcpreplay >/dev/null 2>&1 ||
  unavailable "tcpreplay is not installed (Debian: apt-get install tcpreplay)"
require_rampart_and_tools ip hping3 tcpreplay timeout
for capture in "${CAPTURES[@]}"; do
  [[ -f "$capture" ]] || fail "no capture $capture (build the target sample_capture)"
done

# The protected networks: every destination of the captures. Limits are lowered to about a quarter
# of each flood's rate (the carpet bombing's /24 has a group of its own: 30 kpps for a 110 kpps
# flood, instead of 100 kpps), so a replay that loses speed on a busy machine still crosses them;
# analyze reads the same file, so both sides judge by the same limits. The captures' background
# (under 500 pps) stays far below every one.
write_replay_config() {
  cat >"$1" <<TOML
[detection]
hold_down_seconds = 2

[[group]]
name = "servers"
networks = ["192.0.2.0/24", "2001:db8::/64"]

[group.vectors]
syn-flood = 7000
ntp-amplification = 4000
icmp-flood = 3000
fragment-flood = 3000
rst-flood = 3000

[[group]]
name = "carpet"
networks = ["198.18.7.0/24"]

[group.prefix]
pps = 30000

[[sensor]]
type = "af_packet"
interface = "veth-v"

[events]
file = "$EVENTS"

[stats]
file = "$STATS"
TOML
}

# write_flood_capture FILE: three floods at once for 2 s, each 12 kpps from spoofed sources, frames
# cut to 128 bytes as a short snap length would (the pcap header keeps the wire length; Rampart
# counts sizes from the IP header, so both sides see the full length). Fixed seed.
write_flood_capture() {
  "$PYTHON" - "$1" <<'PY'
import random, struct, sys

rng = random.Random(7)
T0, SECONDS, PPS, SNAP = 1_700_000_000, 2.0, 12_000, 128
MACS = bytes.fromhex("020000000002" "020000000001")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, body, ttl=64, frag=0):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), rng.getrandbits(16), frag, ttl, proto, 0, src, dst)
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return MACS + b"\x08\x00" + h + body


def ipv6(src, dst, proto, body, hlim=64):
    return MACS + b"\x86\xdd" + struct.pack("!IHBB16s16s", 0x60000000, len(body), proto, hlim, src, dst) + body


def spoofed_v4():
    while True:
        a = rng.getrandbits(32)
        if (a >> 24) not in (0, 10, 127) and (a >> 24) < 224:
            return struct.pack("!I", a)


def icmp_echo():  # to 192.0.2.10: echo request, 56 bytes of data (IP length 84)
    body = struct.pack("!BBHHH", 8, 0, 0, rng.getrandbits(16), 1) + bytes(range(56))
    body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
    return ipv4(spoofed_v4(), bytes([192, 0, 2, 10]), 1, body, ttl=57)


def fragment():  # to 192.0.2.11: non-first UDP fragments, MF set, offset 185 (IP length 1020)
    return ipv4(spoofed_v4(), bytes([192, 0, 2, 11]), 17, bytes(1000), ttl=61, frag=0x2000 | 185)


def rst_v6():  # to 2001:db8::12 port 80: RST from random sources and ports (IPv6 payload 20)
    src = bytes.fromhex("20010db8ba0d") + rng.getrandbits(80).to_bytes(10, "big")
    dst = bytes.fromhex("20010db8000000000000000000000012")
    tcp = struct.pack("!HHIIBBHHH", 1024 + rng.randrange(64000), 80, rng.getrandbits(32), 0, 5 << 4, 0x04, 0, 0, 0)
    pseudo = src + dst + struct.pack("!IxxxB", len(tcp), 6)
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    return ipv6(src, dst, 6, tcp, hlim=60)


n = int(SECONDS * PPS)
with open(sys.argv[1], "wb") as out:
    out.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, SNAP, 1))  # pcap, ns timestamps, Ethernet
    for i in range(n):
        ts = T0 * 10**9 + i * 10**9 // PPS
        for j, make in enumerate((icmp_echo, fragment, rst_v6)):
            frame = make()
            t = ts + j * 1000
            out.write(struct.pack("<IIII", t // 10**9, t % 10**9, min(len(frame), SNAP), len(frame)))
            out.write(frame[:SNAP])
print(f"wrote {3 * n} packets to {sys.argv[1]}")
PY
}

# replay_and_compare CAPTURE: analyze it, replay it, and compare the attacks of both.
replay_and_compare() {
  local capture=$1 name rc=0 since rx0 rx1 sent_line rated_line
  name=$(basename "$capture")
  "$RAMPART" analyze --json -c "$TMP/rampart.toml" --geoip-dir "$TMP" "$capture" >"$TMP/analyze.json" \
    2>"$TMP/analyze.err" || rc=$?
  ((rc == 1)) || fail "$name: rampart analyze exited $rc, not 1 (attacks found): $(tail -3 "$TMP/analyze.err")"

  since=$(now_ns)
  rx0=$(victim_rx_packets)
  timeout 40 ip netns exec "$NS_A" tcpreplay -i veth-a --timer=gtod -K --no-flow-stats "$capture" \
    >"$TMP/tcpreplay.out" 2>&1 || fail "$name: tcpreplay failed: $(tail -5 "$TMP/tcpreplay.out")"
  rx1=$(victim_rx_packets)
  sent_line=$(grep -m1 'Actual:' "$TMP/tcpreplay.out" | sed 's/^ *//')
  rated_line=$(grep -m1 'Rated:' "$TMP/tcpreplay.out" | sed 's/^ *//')
  echo "     $name: tcpreplay $sent_line; $rated_line; veth-v received $((rx1 - rx0)) frames"

  # Each attack analyze found must end in the event stream (hold-down 2 s after its last window).
  local deadline=$((SECONDS + 20))
  local missing
  while missing=$("$PYTHON" - "$TMP/analyze.json" "$EVENTS" "$since" <<'PY'
import collections, json, sys
analyzed = collections.Counter((a["target"], a["direction"]) for a in json.load(open(sys.argv[1]))["attacks"])
since = int(sys.argv[3])
ended = collections.Counter((e["attack"]["target"], e["attack"]["direction"]) for e in map(json.loads, open(sys.argv[2]))
                            if e["event"] == "ended" and e["time_ns"] >= since)
print(" ".join(f"{t} ({d})" for (t, d), n in analyzed.items() if ended[(t, d)] < n))
PY
  ) && [[ -n "$missing" ]]; do
    ((SECONDS < deadline)) || fail "$name: no 'ended' event within 20 s for what analyze found on $missing" \
      "(log: $(tail -3 "$LOG"))"
    sleep 0.2
  done
  "$PYTHON" - "$TMP/analyze.json" "$EVENTS" "$since" "$name" <<'PY' || fail "$name: rampart run and rampart analyze disagree"
import json, sys

analyzed = json.load(open(sys.argv[1]))["attacks"]
since, name = int(sys.argv[3]), sys.argv[4]
events = [e for e in map(json.loads, open(sys.argv[2])) if e["time_ns"] >= since]


def key(attack):
    return attack["target"], attack["direction"]


# Attacks are paired in order per target: analyze's, and the daemon's "ended" records (the last,
# whole record of each). One flood must be one attack on both sides.
live, started = {}, {}
for e in events:
    if e["event"] == "ended":
        live.setdefault(key(e["attack"]), []).append(e["attack"])
    elif e["event"] == "started":
        started[key(e["attack"])] = started.get(key(e["attack"]), 0) + 1
from_file = {}
for a in analyzed:
    from_file.setdefault(key(a), []).append(a)

# Fields that do not depend on timing, which must be equal (peak_hosts: every host of the /24 is
# in the busiest window at any rate above the limit). What legitimately differs, printed but not
# compared: start, end and duration (wall clock against capture time); peak and mean pps and bps
# (tcpreplay falls behind the captures' own rates on 2 busy cores, 21-30 kpps on average measured
# against 31-36 kpps, and the daemon's one-second windows of wall time cut the floods elsewhere
# than analyze's windows of capture time, which begin exactly with each flood); packets and bytes
# (a flood that begins late in a window may leave that window under the limit and outside the
# attack: 208474-216816 of the carpet bombing's 220000, 54802 of the SYN flood's 60000, 19003 of
# 24000 for the 2 s floods, with no kernel drops); distinct_sources (a HyperLogLog estimate, +-2.3 %, over those different
# windows: equal for the 408 and 2044 reflectors, 1-5 % apart for spoofed floods); top sources and
# ports, fingerprint coverage and sample_size (a random reservoir sample of 1024 packets per
# target); ids. Vector names are compared as sets: they are listed by packet count, a timing.
FINGERPRINT = ("protocol", "src_port", "dst_port", "tcp_flags", "ip_length", "ttl", "fragments_only", "summary", "bpf")
ATTACK = ("target_kind", "group", "spoofing_likely", "peak_hosts")
problems = []
for k in sorted(started.keys() | from_file.keys()):
    n_file, n_live = len(from_file.get(k, [])), started.get(k, 0)
    if n_file != n_live:
        problems.append(f"{k[0]} ({k[1]}): {n_file} attack(s) in the file, {n_live} started live")
pairs = [(a, b) for k, attacks in from_file.items() for a, b in zip(attacks, live[k])]
for a, b in pairs:
    names_a = [v["name"] for v in a["vectors"]]
    names_b = [v["name"] for v in b["vectors"]]
    fa, fb = a["fingerprint"], b["fingerprint"]
    print(f"     {a['target']} ({a['direction']}, {a['group']}):")
    for side, x, names, f in (("analyze", a, names_a, fa), ("run", b, names_b, fb)):
        pk = " ".join(f"{v['name']}={v['packets']}" for v in x["vectors"])
        print(f"       {side:8} vectors {'+'.join(names):34} fingerprint {f['summary']!r} (covers {f['coverage']:.3f}"
              f" of {f['sample_size']}); peak {x['peak_pps']} pps, {x['duration_s']} s, {x['packets']} packets"
              f" [{pk}], {x['distinct_sources']} sources, spoofed {x['spoofing_likely']}"
              + (f", {x['peak_hosts']} hosts" if x["target_kind"] == "prefix" else ""))
    if sorted(names_a) != sorted(names_b):
        problems.append(f"{a['target']}: vectors {names_a} (analyze) != {names_b} (run)")
    for k in FINGERPRINT:
        if fa.get(k) != fb.get(k):
            problems.append(f"{a['target']}: fingerprint.{k} {fa.get(k)!r} (analyze) != {fb.get(k)!r} (run)")
    for k in ATTACK:
        if a.get(k) != b.get(k):
            problems.append(f"{a['target']}: {k} {a.get(k)!r} (analyze) != {b.get(k)!r} (run)")
for p in problems:
    print(f"     MISMATCH {p}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"ok   {name}: {len(pairs)} attacks, the same targets, vectors and fingerprints live and from the file")
PY
}

setup_namespaces
write_replay_config "$TMP/rampart.toml"
"$RAMPART" check-config "$TMP/rampart.toml" >/dev/null || fail "the test's configuration is refused"
write_flood_capture "$TMP/floods.pcap" >/dev/null
CAPTURES+=("$TMP/floods.pcap")
start_daemon

for capture in "${CAPTURES[@]}"; do replay_and_compare "$capture"; done
stop_daemon "replay"
if [[ -f "$STATS" ]]; then
  "$PYTHON" - "$STATS" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])).get("capture", {})
print(f"     daemon: {c.get('packets')} packets captured, {c.get('drops')} kernel drops")
PY
fi
echo "replay_vs_analyze: ${#CAPTURES[@]} captures passed"
