#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The mitigation's safety rules on a real data plane (nftables, inside the victim's network
# namespace this test creates), driven through `rampart run`'s control socket with the real CLI:
#   - manual control: `rampart block`, `rampart blocks`, `rampart unblock`;
#   - a cap: with max_sources = 3, the fourth and fifth blocks are refused and the set holds three;
#   - the whitelist: a whitelisted source cannot be blocked by hand, and a flood on a whitelisted
#     destination is detected but gets no rule;
#   - dry run: a flood gets its rule in the record only — the table stays empty;
#   - a restart re-applies exactly what was in force (same numbers, no duplicates).
#
# Usage: mitigation_safety_test.sh PATH_TO_RAMPART
# Exit: 0 pass, 1 fail, 77 skip (not root, no netns, a tool missing) — never skipped when CI=true.
set -euo pipefail

RAMPART=${1:?usage: mitigation_safety_test.sh PATH_TO_RAMPART}
readonly NS_PREFIX=rampart-ms
readonly ATTACKER=10.200.65.1
readonly VICTIM=10.200.65.2
# shellcheck source=netns_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/netns_lib.sh"
# shellcheck source=daemon_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"

require_rampart_and_tools ip hping3 timeout nft
readonly SOCK=$TMP/control.sock
readonly STATE=$TMP/mitigation.json
passed=0
ok() {
  echo "ok   $*"
  passed=$((passed + 1))
}

config() { # config EXTRA-MITIGATION-TOML
  write_config "$TMP/rampart.toml" "[[sensor]]
type = \"af_packet\"
interface = \"veth-v\"

[control]
socket = \"$SOCK\"

[mitigation]
data_plane = \"nftables\"
hold_seconds = 1
max_sources = 3
state_file = \"$STATE\"
whitelist = [\"198.51.100.53/32\"]
$1"
}
ctl() { ip netns exec "$NS_V" "$RAMPART" "$@" --socket "$SOCK"; }
set_elements() { ip netns exec "$NS_V" nft -j list set inet rampart block4 | "$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
print(sum(len(i["set"].get("elem", [])) for i in d["nftables"] if "set" in i))'; }
# mitigation_events OP: one line per recorded mitigation event OP: "dry_run=... outcome=... note=...".
mitigation_events() {
  "$PYTHON" - "$EVENTS" "$1" <<'PY'
import json, sys
for e in map(json.loads, open(sys.argv[1])):
    if e.get("schema") == "rampart.mitigation/1" and e["event"] == sys.argv[2]:
        print(f"dry_run={e['action']['dry_run']} outcome={e['outcome']} note={e.get('note', '')}")
PY
}
rules() { ip netns exec "$NS_V" nft list chain inet rampart rules | grep -c " drop" || true; }

setup_namespaces
config ""
start_daemon

# Manual control and the cap.
for i in 1 2 3; do ctl block --source "203.0.113.$i" --duration 600 --reason "test $i" >/dev/null; done
out=$(ctl block --source 203.0.113.4 2>&1) && fail "a fourth source was blocked past max_sources = 3: $out"
[[ $out == *"max_sources (3) reached"* ]] || fail "the refusal does not name the cap: $out"
[[ $(set_elements) == 3 ]] || fail "the nftables set holds $(set_elements) sources, not 3"
ok "cap: three sources blocked, the fourth refused ($out)"
list=$(ctl blocks)
[[ $(grep -c "drop-source" <<<"$list") == 3 && $list == *"test 2"* ]] || fail "rampart blocks: $list"
ctl unblock 2 >/dev/null
[[ $(set_elements) == 2 ]] || fail "unblock 2 left $(set_elements) elements"
out=$(ctl unblock 2 2>&1) && fail "unblocking twice succeeded"
ctl block --source 203.0.113.9 --duration 600 >/dev/null
ok "manual: block, blocks, unblock (and a second unblock refused: $out)"

# The whitelist, by hand.
out=$(ctl block --source 198.51.100.53 2>&1) && fail "a whitelisted source was blocked"
[[ $out == *whitelisted* ]] || fail "the refusal does not say whitelisted: $out"
out=$(ctl block --source 198.51.100.0/24 2>&1) && fail "a network holding a whitelisted source was blocked"
ok "whitelist: a whitelisted source cannot be blocked, nor a network that holds it"

# A restart: what was in force comes back, the same, once.
before=$(ctl blocks --json | "$PYTHON" -c 'import json,sys; print(sorted(a["id"] for a in json.load(sys.stdin)))')
stop_daemon "before restart"
ip netns exec "$NS_V" nft list table inet rampart >/dev/null 2>&1 && fail "the nftables table outlived the daemon"
start_daemon
after=$(ctl blocks --json | "$PYTHON" -c 'import json,sys; print(sorted(a["id"] for a in json.load(sys.stdin)))')
[[ $before == "$after" ]] || fail "after a restart $after, before $before"
[[ $(set_elements) == 3 ]] || fail "after a restart the set holds $(set_elements), not 3"
ok "restart: the same blocks $after are in force again, and only once"
stop_daemon "after restart"

# A flood on a whitelisted destination: detected, never mitigated.
rm -f "$STATE"
write_config "$TMP/rampart.toml" "[[sensor]]
type = \"af_packet\"
interface = \"veth-v\"

[mitigation]
data_plane = \"nftables\"
hold_seconds = 1
whitelist = [\"$VICTIM/32\"]"
: >"$EVENTS"
start_daemon
timeout -s INT 3 ip netns exec "$NS_A" hping3 -q -S -p 80 --flood --rand-source "$VICTIM" >/dev/null 2>&1 || true
wait_for started syn-flood 0 5 >/dev/null || fail "the flood on the whitelisted victim was not detected"
[[ $(rules) == 0 ]] || fail "a rule was installed for a whitelisted destination"
mitigation_events refused | grep -q "destination is whitelisted" || fail "no refusal was recorded"
stop_daemon whitelist
ok "whitelist: a flood on a whitelisted destination is detected, and refused a rule"

# Dry run: the rule is recorded, the table stays empty.
write_config "$TMP/rampart.toml" "[[sensor]]
type = \"af_packet\"
interface = \"veth-v\"

[mitigation]
data_plane = \"nftables\"
dry_run = true
hold_seconds = 1"
: >"$EVENTS"
start_daemon
timeout -s INT 3 ip netns exec "$NS_A" hping3 -q -S -p 80 --flood --rand-source "$VICTIM" >/dev/null 2>&1 &
flood=$!
for ((i = 0; i < 50; i++)); do grep -q '"event":"install"' "$EVENTS" && break; sleep 0.1; done
[[ $(rules) == 0 ]] || fail "dry run: a rule is in the table"
wait "$flood" || true
mitigation_events install | grep -q "dry_run=True outcome=dry run: nothing done" ||
  fail "dry run: no recorded would-be install: $(mitigation_events install)"
stop_daemon "dry run"
ok "dry run: the would-be rule is recorded, nothing reaches the table"
echo "mitigation_safety: $passed passed, 0 failed"
