#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Mitigation end to end, in network namespaces this test creates: a web server in the victim's
# namespace, a real client fetching its page from the attacker's side, and a bounded hping3 SYN
# flood from spoofed sources at the same port. `rampart run` in the victim's namespace detects the
# flood and drops it surgically by its fingerprint (the client's SYNs, with TCP options, do not
# match): the flood's packets are dropped (the data plane's counters prove it), the client keeps
# getting its page (success rate and latency printed), and after the flood the rule is withdrawn.
# Twice: with the XDP data plane (sensing through the program's own sampling, since dropped
# packets never reach AF_PACKET) and with nftables (sensing with AF_PACKET, which sees packets
# before netfilter).
#
# Usage: mitigation_test.sh PATH_TO_RAMPART
# Exit: 0 pass, 1 fail, 77 skip (not root, no netns, a tool missing) — never skipped when CI=true.
set -euo pipefail

RAMPART=${1:?usage: mitigation_test.sh PATH_TO_RAMPART}
readonly NS_PREFIX=rampart-mt
readonly ATTACKER=10.200.64.1
readonly VICTIM=10.200.64.2
# shellcheck source=netns_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/netns_lib.sh"
# shellcheck source=daemon_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"

require_rampart_and_tools ip hping3 timeout curl nft
readonly PORT=8080
passed=0

setup_namespaces
mkdir -p "$TMP/www"
printf '<!doctype html><meta charset="utf-8"><title>campaign</title><p>Vote on Thursday.</p>\n' >"$TMP/www/index.html"
ip netns exec "$NS_V" "$PYTHON" -m http.server "$PORT" --bind "$VICTIM" --directory "$TMP/www" \
  >"$TMP/http.log" 2>&1 &
BG_PIDS+=("$!")
for ((i = 0; i < 50; i++)); do
  ip netns exec "$NS_A" curl -s -o /dev/null "http://$VICTIM:$PORT/" && break
  sleep 0.1
done

# client_loop SECONDS: fetches the page every 100 ms from the attacker's namespace (the real
# client's address is not spoofed); writes one line per request: "ok SECONDS" or "fail".
client_loop() {
  local until=$((SECONDS + $1))
  while ((SECONDS < until)); do
    if t=$(ip netns exec "$NS_A" curl -s -o /dev/null -m 2 -w '%{time_total}' "http://$VICTIM:$PORT/"); then
      echo "ok $t"
    else
      echo "fail"
    fi
    sleep 0.1
  done
}

# mitigation_case NAME DATA_PLANE SENSOR-TOML
mitigation_case() {
  local name=$1 plane=$2 sensor=$3
  write_config "$TMP/rampart.toml" "$sensor

[mitigation]
data_plane = \"$plane\"
xdp_interfaces = [\"veth-v\"]
hold_seconds = 2
drop_sources = false
state_file = \"$TMP/mitigation-$plane.json\""
  : >"$EVENTS"
  start_daemon
  client_loop 9 >"$TMP/client-$plane.log" &
  local client=$!
  sleep 1
  local start end
  start=$(now_ns)
  timeout -s INT 5 ip netns exec "$NS_A" hping3 -q -S -p "$PORT" --flood --rand-source "$VICTIM" >/dev/null 2>&1 || true
  end=$(now_ns)
  if [[ $plane == nftables ]]; then
    ip netns exec "$NS_V" nft list table inet rampart >"$TMP/nft-after-flood.txt" 2>&1 || true
  fi
  wait "$client"
  # The rule goes once the attack has ended and the hold time (2 s) has passed.
  for ((i = 0; i < 100; i++)); do grep -q '"event":"withdraw"' "$EVENTS" && break; sleep 0.1; done
  stop_daemon "$name"
  "$PYTHON" - "$EVENTS" "$TMP/client-$plane.log" "$VICTIM" "$PORT" "$start" "$end" "$name" <<'PY' || fail "$name: $(tail -5 "$LOG")"
import json, sys
events, client, victim, port, start, end, name = sys.argv[1:8]
start, end = int(start), int(end)
lines = [json.loads(l) for l in open(events)]
attacks = [e for e in lines if e.get("schema") == "rampart.event/1" and e["event"] == "started"
           and e["attack"]["target"] == victim and e["attack"]["direction"] == "incoming"]
assert attacks, "no attack on the victim"
mit = [e for e in lines if e.get("schema") == "rampart.mitigation/1"]
installs = [e for e in mit if e["event"] == "install" and e["action"]["kind"] == "drop-fingerprint"]
assert installs, f"no fingerprint drop installed: {mit}"
rule = installs[0]["action"]["rule"]
assert rule["destination"] == victim + "/32" and rule.get("dst_port") == int(port) and rule.get("tcp_flags") == 2, rule
assert installs[0]["outcome"] == "done", installs[0]
withdrawn = [e for e in mit if e["event"] == "withdraw" and e["action"]["id"] == installs[0]["action"]["id"]]
assert withdrawn, "the rule was not withdrawn after the flood"
assert withdrawn[0]["time_ns"] > end, "withdrawn before the flood ended"
dropped = withdrawn[0].get("dropped", {}).get("packets", 0)
assert dropped > 100000, f"the data plane dropped only {dropped} packets"
install_ms = (installs[0]["time_ns"] - start) / 1e6
results = [l.split() for l in open(client)]
ok = [float(r[1]) for r in results if r[0] == "ok"]
rate = len(ok) / len(results)
ok.sort()
p99 = ok[int(0.99 * (len(ok) - 1))] if ok else float("nan")
print(f"ok   {name:12s} rule installed {install_ms:5.0f} ms after the flood started ({rule['summary']}), "
      f"dropped {dropped} packets, withdrawn {(withdrawn[0]['time_ns'] - end) / 1e6:.0f} ms after it stopped")
print(f"     client: {len(ok)}/{len(results)} requests served ({100 * rate:.1f} %), p99 latency {1000 * p99:.0f} ms")
assert rate >= 0.95, f"the real client got only {100 * rate:.1f} % of its requests through"
PY
  passed=$((passed + 1))
}

mitigation_case xdp xdp $'[[sensor]]\ntype = "xdp"\ninterface = "veth-v"\nsample_one_in = 16'
mitigation_case nftables nftables $'[[sensor]]\ntype = "af_packet"\ninterface = "veth-v"'
grep -q "drop" "$TMP/nft-after-flood.txt" || fail "nftables: no rule in table inet rampart: $(cat "$TMP/nft-after-flood.txt")"
echo "mitigation: $passed passed, 0 failed"
