#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The shield hands the clients it keeps refusing to Rampart's mitigation: an HTTP flood from the
# attacker's namespace (wrk, one address) earns 429s, the shield asks the daemon (`rampart run`,
# nftables data plane, its control socket) to drop that address, and from then on the flood's
# packets are dropped in the kernel (nftables counters prove it) before the shield sees them, while
# a visitor from another address in the same namespace keeps getting the page.
#
# Usage: shield_handoff_test.sh PATH_TO_RAMPART
# Exit: 0 pass, 1 fail, 77 skip (not root, a tool missing) — never skipped when CI=true.
set -euo pipefail

RAMPART=${1:?usage: shield_handoff_test.sh PATH_TO_RAMPART}
readonly NS_PREFIX=rampart-sh
readonly ATTACKER=10.200.68.1
readonly VISITOR=10.200.68.3
readonly VICTIM=10.200.68.2
# shellcheck source=netns_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/netns_lib.sh"
# shellcheck source=daemon_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"
require_rampart_and_tools ip nft wrk curl timeout
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

setup_namespaces
ip netns exec "$NS_A" ip addr add "$VISITOR/24" dev veth-a
readonly SOCK=$TMP/control.sock
cat >"$TMP/rampart.toml" <<TOML
[[group]]
name = "site"
networks = ["$VICTIM/32"]
pps = 1000000000      # the daemon's own detection stays out of this test
bps = 1000000000000

[[sensor]]
type = "af_packet"
interface = "veth-v"

[events]
file = "$EVENTS"

[control]
socket = "$SOCK"

[mitigation]
data_plane = "nftables"
TOML
start_daemon

MARKER="handoff-page-$$"
ip netns exec "$NS_V" "$PYTHON" "$HERE/shield_origin.py" 18081 "$MARKER" 0 >"$TMP/origin.log" 2>&1 &
BG_PIDS+=("$!")
cat >"$TMP/shield.toml" <<TOML
[shield]
listen = "$VICTIM:8080"
origins = ["127.0.0.1:18081"]
workers = 2
stats_file = "$TMP/shield-stats.json"
[shield.clients]
requests = 20
[shield.under_attack]
mode = "off"
[shield.mitigation]
control_socket = "$SOCK"
strikes = 200
window_seconds = 10
block_seconds = 60
TOML
ip netns exec "$NS_V" "$RAMPART" shield --config "$TMP/shield.toml" 2>"$TMP/shield.log" &
BG_PIDS+=("$!")
for _ in $(seq 100); do
  grep -q 'shield: listening on' "$TMP/shield.log" && break
  sleep 0.05
done
grep -q 'shield: listening on' "$TMP/shield.log" || fail "the shield did not start: $(cat "$TMP/shield.log")"
for _ in $(seq 50); do
  ip netns exec "$NS_A" curl -s --max-time 1 "http://$VICTIM:8080/" | grep -q "$MARKER" && break
  sleep 0.1
done

visitor_ok=0
visitor_n=0
ip netns exec "$NS_A" timeout -k 1 8 wrk -t1 -c20 -d6s "http://$VICTIM:8080/" >"$TMP/wrk.log" 2>&1 &
flood=$!
for _ in $(seq 40); do
  visitor_n=$((visitor_n + 1))
  ip netns exec "$NS_A" curl -s --interface "$VISITOR" --max-time 1 "http://$VICTIM:8080/" | grep -q "$MARKER" &&
    visitor_ok=$((visitor_ok + 1))
  sleep 0.15
done
wait "$flood" || true

list=$("$RAMPART" blocks --socket "$SOCK")
grep -q "$ATTACKER" <<<"$list" && grep -q "shield" <<<"$list" || fail "no block for the attacker: $list; $(tail -5 "$TMP/shield.log")"
set_elements=$(ip netns exec "$NS_V" nft list set inet rampart block4 | grep -c "$ATTACKER" || true)
((set_elements >= 1)) || fail "the attacker is not in the nftables block set"
block=$(grep -m1 "$ATTACKER" <<<"$list" | sed 's/^ *//')
dropped=$(sed -n 's/.*dropped \([0-9]*\) packets.*/\1/p' <<<"$block")
((${dropped:-0} > 0)) || fail "the block dropped nothing: $block"
echo "ok   the daemon drops $ATTACKER at the shield's request, in nftables: $block"
echo "     wrk: $(grep -E 'requests in|Socket errors' "$TMP/wrk.log" | tr -s ' ' | tr '\n' ';')"
grep 'handed to the mitigation' "$TMP/shield.log" | head -2 | sed 's/^/     /'
((visitor_ok * 100 >= visitor_n * 99)) || fail "the visitor got $visitor_ok of $visitor_n pages"
echo "ok   the visitor from $VISITOR got $visitor_ok of $visitor_n pages during the flood"
