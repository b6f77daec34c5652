#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The shield hands the clients it keeps refusing to Rampart's mitigation: an HTTP flood from the
# attacker's namespace (wrk, one address) earns 429s, the shield has the daemon (`rampart run`,
# nftables data plane) drop that address, and from then on the flood's packets are dropped in the
# kernel (the block's counter proves it) before the shield sees them, while a visitor from another
# address in the same namespace keeps getting the page. Twice: the shield as a process of its own
# (`rampart shield`, over the daemon's control socket), and inside the daemon ([shield] in
# `rampart run`'s configuration, handed over in-process).
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
MARKER="handoff-page-$$"
ip netns exec "$NS_V" "$PYTHON" "$HERE/shield_origin.py" 18081 "$MARKER" 0 >"$TMP/origin.log" 2>&1 &
BG_PIDS+=("$!")

# shield_toml [CONTROL_SOCKET]: the [shield] section both scenarios use.
shield_toml() {
  cat <<TOML
[shield]
listen = "$VICTIM:8080"
origins = ["127.0.0.1:18081"]
workers = 2
[shield.clients]
requests = 20
[shield.under_attack]
mode = "off"
[shield.mitigation]
${1:+control_socket = \"$1\"}
strikes = 200
window_seconds = 10
block_seconds = 60
TOML
}

# daemon_toml [EXTRA]: the daemon's configuration, the extra TOML appended.
daemon_toml() {
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

$1
TOML
}

# scenario NAME LOG: the flood and the visitor, then what the daemon did (the shield logs to LOG).
scenario() {
  local name=$1 log=$2 visitor_ok=0 visitor_n=0 flood list block dropped
  for _ in $(seq 100); do
    grep -q 'shield: listening on' "$log" && break
    sleep 0.05
  done
  grep -q 'shield: listening on' "$log" || fail "$name: the shield did not start: $(tail -5 "$log")"
  for _ in $(seq 50); do
    ip netns exec "$NS_A" curl -s --max-time 1 "http://$VICTIM:8080/" | grep -q "$MARKER" && break
    sleep 0.1
  done
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
  grep -q "$ATTACKER" <<<"$list" && grep -q "shield" <<<"$list" || fail "$name: no block for the attacker: $list; $(tail -5 "$log")"
  ip netns exec "$NS_V" nft list set inet rampart block4 | grep -q "$ATTACKER" || fail "$name: the attacker is not in the nftables set"
  block=$(grep -m1 "$ATTACKER" <<<"$list" | sed 's/^ *//')
  dropped=$(sed -n 's/.*dropped \([0-9]*\) packets.*/\1/p' <<<"$block")
  ((${dropped:-0} > 0)) || fail "$name: the block dropped nothing: $block"
  echo "ok   $name: the daemon drops $ATTACKER at the shield's request, in nftables: $block"
  echo "     wrk: $(grep -E 'requests in|Socket errors' "$TMP/wrk.log" | tr -s ' ' | tr '\n' ';')"
  ((visitor_ok * 100 >= visitor_n * 99)) || fail "$name: the visitor got $visitor_ok of $visitor_n pages"
  echo "ok   $name: the visitor from $VISITOR got $visitor_ok of $visitor_n pages during the flood"
}

# 1. `rampart shield` beside the daemon, over its control socket.
daemon_toml ""
start_daemon
shield_toml "$SOCK" >"$TMP/shield.toml"
ip netns exec "$NS_V" "$RAMPART" shield --config "$TMP/shield.toml" 2>"$TMP/shield.log" &
SHIELD=$!
BG_PIDS+=("$SHIELD")
scenario "rampart shield" "$TMP/shield.log"
kill -TERM "$SHIELD"
wait "$SHIELD" || true
stop_daemon "with a separate shield"

# 2. The shield inside `rampart run`.
daemon_toml "$(shield_toml)"
start_daemon
scenario "rampart run with [shield]" "$LOG"
stop_daemon "with the shield inside"
