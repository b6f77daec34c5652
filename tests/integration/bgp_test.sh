#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# BGP mitigation with two real daemons on a loopback this test owns (the victim's network
# namespace): `rampart run` drives its own ExaBGP (AS 65001, 127.0.0.1), which peers with gobgpd
# standing in for the upstream router (AS 65000, 127.0.0.2). A spoofed NTP-style flood hits the
# victim; the upstream must see the blackhole route with community 65535:666 and the Flowspec
# rule made from the attack's fingerprint, and see both withdrawn after the flood. Then a manual
# blackhole survives a restart of Rampart: announced again, exactly once.
#
# Usage: bgp_test.sh PATH_TO_RAMPART
# Exit: 0 pass, 1 fail, 77 skip (not root, no netns, a tool missing) — never skipped when CI=true.
set -euo pipefail

RAMPART=${1:?usage: bgp_test.sh PATH_TO_RAMPART}
readonly NS_PREFIX=rampart-bgp
readonly ATTACKER=10.200.66.1
readonly VICTIM=10.200.66.2
# shellcheck source=netns_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/netns_lib.sh"
# shellcheck source=daemon_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"

require_rampart_and_tools ip hping3 timeout gobgpd gobgp exabgp
readonly API=127.0.0.1:50161
readonly SOCK=$TMP/control.sock
passed=0

setup_namespaces
cat >"$TMP/gobgpd.toml" <<TOML
[global.config]
  as = 65000
  router-id = "127.0.0.2"
  port = 179
  local-address-list = ["127.0.0.2"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "127.0.0.1"
    peer-as = 65001
  [neighbors.transport.config]
    local-address = "127.0.0.2"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-flowspec"
TOML
ip netns exec "$NS_V" gobgpd -f "$TMP/gobgpd.toml" --api-hosts "$API" --pprof-disable >"$TMP/gobgpd.log" 2>&1 &
BG_PIDS+=("$!")

write_config "$TMP/rampart.toml" "[[sensor]]
type = \"af_packet\"
interface = \"veth-v\"

[control]
socket = \"$SOCK\"

[mitigation]
data_plane = \"none\"
drop_sources = false
flowspec = true
blackhole = true
hold_seconds = 2
state_file = \"$TMP/mitigation.json\"

[mitigation.bgp]
local_address = \"127.0.0.1\"
local_as = 65001
peer_address = \"127.0.0.2\"
peer_as = 65000
next_hop = \"192.0.2.1\"
work_dir = \"$TMP/exabgp\""

gobgp() { ip netns exec "$NS_V" gobgp -u "${API%:*}" -p "${API#*:}" "$@"; }
established() {
  for ((i = 0; i < 300; i++)); do
    gobgp neighbor 2>/dev/null | grep -q "^127.0.0.1 .* Establ" && return 0
    sleep 0.1
  done
  fail "the BGP session did not come up: $(gobgp neighbor 2>&1 | tail -2); exabgp: $(tail -5 "$TMP/exabgp/exabgp.log")"
}
# rib FAMILY: the upstream's table as JSON.
rib() { gobgp global rib -a "$1" -j 2>/dev/null || echo "{}"; }

start_daemon
established
echo "ok   BGP session up between ExaBGP (AS 65001) and gobgpd (AS 65000)"

timeout -s INT 4 ip netns exec "$NS_A" hping3 -q -2 -s 123 -k -p 4444 -d 440 --flood --rand-source "$VICTIM" \
  >/dev/null 2>&1 &
flood=$!
seen=""
for ((i = 0; i < 60; i++)); do
  if "$PYTHON" - "$(rib ipv4)" "$(rib ipv4-flowspec)" "$VICTIM" <<'PY'; then seen=1 && break; fi
import json, sys
unicast, flow, victim = json.loads(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3]
paths = unicast.get(victim + "/32", [])
blackhole = any(c == 65535 * 65536 + 666 for p in paths for a in p["attrs"] if a.get("type") == 8
                for c in a.get("communities", []))
rules = [k for k in flow if k.startswith(f"[destination: {victim}/32]")]
ok = blackhole and any("[protocol: ==udp]" in k and "[source-port: ==123]" in k for k in rules)
if ok:
    print(f"ok   upstream sees the blackhole {victim}/32 community 65535:666, next hop "
          f"{[a['nexthop'] for p in paths for a in p['attrs'] if a.get('type') == 3][0]}, and the Flowspec rule {rules[0]}")
sys.exit(0 if ok else 1)
PY
  sleep 0.1
done
[[ -n $seen ]] || fail "the upstream did not get both routes: unicast $(rib ipv4) flowspec $(rib ipv4-flowspec); log: $(tail -5 "$LOG")"
passed=$((passed + 1))
wait "$flood" || true
end=$(now_ns)
gone=""
for ((i = 0; i < 150; i++)); do
  if [[ $(rib ipv4) == "{}" && $(rib ipv4-flowspec) == "{}" ]]; then gone=1 && break; fi
  sleep 0.1
done
[[ -n $gone ]] || fail "the routes were not withdrawn after the flood: $(rib ipv4) $(rib ipv4-flowspec)"
echo "ok   both withdrawn $((($(now_ns) - end) / 1000000)) ms after the flood stopped (hold time 2 s)"
passed=$((passed + 1))

# A manual blackhole survives a restart, announced once.
ip netns exec "$NS_V" "$RAMPART" block --socket "$SOCK" --kind blackhole --destination 10.200.66.9/32 \
  --reason "test: restart" >/dev/null
count_paths() { "$PYTHON" -c 'import json,sys; print(len(json.loads(sys.argv[1]).get("10.200.66.9/32", [])))' "$(rib ipv4)"; }
for ((i = 0; i < 50; i++)); do [[ $(count_paths) == 1 ]] && break; sleep 0.1; done
[[ $(count_paths) == 1 ]] || fail "the manual blackhole did not reach the upstream"
stop_daemon "before restart"
for ((i = 0; i < 100; i++)); do [[ $(count_paths) == 0 ]] && break; sleep 0.1; done
[[ $(count_paths) == 0 ]] || fail "the route outlived the daemon (its ExaBGP should have gone with it)"
start_daemon
established
for ((i = 0; i < 100; i++)); do [[ $(count_paths) == 1 ]] && break; sleep 0.1; done
[[ $(count_paths) == 1 ]] || fail "after a restart the upstream holds $(count_paths) paths for 10.200.66.9/32, not 1"
sleep 2
[[ $(count_paths) == 1 ]] || fail "a duplicate announcement arrived after the restart"
echo "ok   restart: the manual blackhole went with the daemon and came back with it, exactly once"
passed=$((passed + 1))
stop_daemon "after restart"
echo "bgp: $passed passed, 0 failed"
