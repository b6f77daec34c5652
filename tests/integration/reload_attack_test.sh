#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# A configuration reload must not end the attacks in progress. `rampart run` watches the victim's
# veth inside a network namespace this test creates; a bounded hping3 SYN flood (8 s, spoofed
# sources) hits the victim; once the daemon has reported it "started" (and 2.5 s into the flood,
# with whole windows of it counted), the daemon gets SIGHUP with a valid configuration that
# differs a little (hold-down 3 s instead of 2, and a second [[group]] that does not cover the
# victim). Then:
#   - the log says the configuration was reloaded (while the flood still runs);
#   - no "ended" event for the victim before the flood stops, and no second "started" one;
#   - after the flood stops, exactly one "ended" event for the victim, with the attack id of the
#     "started" one (attack.id in the event stream: it is one attack, reload or not), whose record
#     begins where that one did (attack.start_ns: ids alone could restart with a new detector).
# The reload's moment, the events' times and the attack's record are printed.
#
# Usage: reload_attack_test.sh PATH_TO_RAMPART
# Exit: 0 pass, 1 fail, 77 skip (not root, no netns, no hping3) — never skipped when CI=true.
set -euo pipefail

RAMPART=${1:?usage: reload_attack_test.sh PATH_TO_RAMPART}
readonly NS_PREFIX=rampart-ra
readonly ATTACKER=10.200.70.1
readonly VICTIM=10.200.70.2
# shellcheck source=netns_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/netns_lib.sh"
# shellcheck source=daemon_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"
readonly FLOOD_SECONDS=8

require_rampart_and_tools ip hping3 timeout
setup_namespaces
write_config "$TMP/rampart.toml"
start_daemon

start=$(now_ns)
timeout -s INT "$FLOOD_SECONDS" ip netns exec "$NS_A" hping3 -q -S -p 80 --flood --rand-source "$VICTIM" \
  >/dev/null 2>&1 &
FLOOD=$!
BG_PIDS+=("$FLOOD")
started=$(wait_for started syn-flood "$start" 5) || fail "no 'started' event for the flood (log: $(tail -3 "$LOG"))"
echo "ok   flood detected $(((started - start) / 1000000)) ms after it started"

# Mid-attack: a few whole windows into the flood, with the attack's record well under way.
while (($(now_ns) < start + 2500000000)); do sleep 0.1; done

# The same protection of the victim, with a longer hold-down and a group beside it.
write_config "$TMP/rampart.toml"
sed -i 's/^hold_down_seconds = 2$/hold_down_seconds = 3/' "$TMP/rampart.toml"
cat >>"$TMP/rampart.toml" <<'TOML'

[[group]]
name = "spare"
networks = ["192.0.2.0/24"]
TOML
"$RAMPART" check-config "$TMP/rampart.toml" >"$TMP/check.log" 2>&1 || fail "the new configuration is refused: $(cat "$TMP/check.log")"
kill -0 "$FLOOD" 2>/dev/null || fail "the flood ended before the reload (detection too slow for an ${FLOOD_SECONDS} s flood)"
reload=$(now_ns)
kill -HUP "$DAEMON"
for ((i = 0; i < 50; i++)); do grep -q "configuration reloaded" "$LOG" && break; sleep 0.1; done
grep -q "configuration reloaded" "$LOG" || fail "no reload in the log: $(tail -3 "$LOG")"
kill -0 "$FLOOD" 2>/dev/null || fail "the flood ended before the reload was done (make it longer)"
echo "ok   reloaded $(((reload - start) / 1000000)) ms into the ${FLOOD_SECONDS} s flood: $(grep -m1 "configuration reloaded" "$LOG" | cut -d' ' -f3-)"

wait "$FLOOD" || true
end=$(now_ns)
ended=$(wait_for ended syn-flood "$end" 10) || true # judged below, with everything else
kill -0 "$DAEMON" || fail "the daemon died: $(tail -3 "$LOG")"

"$PYTHON" - "$EVENTS" "$VICTIM" "$start" "$reload" "$end" <<'PY' || fail "the reload broke the attack in progress (log: $(grep -E 'attack #|reloaded' "$LOG" | cut -d' ' -f2- | tr '\n' ';'))"
import json, sys
path, victim = sys.argv[1], sys.argv[2]
start, reload, end = map(int, sys.argv[3:6])
ms = lambda t: (t - start) / 1e6  # noqa: E731
events = [e for e in map(json.loads, open(path))
          if e.get("schema") == "rampart.event/1" and e["time_ns"] >= start and e["attack"]["target"] == victim
          and e["attack"]["direction"] == "incoming"]
for e in events:
    a = e["attack"]
    print(f"     {ms(e['time_ns']):7.0f} ms  {e['event']:8s} attack #{a['id']}: peak {a['peak_pps']} pps, "
          f"{a['packets']} packets, {a['duration_s']:.1f} s")
print(f"     (flood 0 .. {ms(end):.0f} ms, reload at {ms(reload):.0f} ms)")
problems = []
started = [e for e in events if e["event"] == "started"]
ended = [e for e in events if e["event"] == "ended"]
early = [e for e in ended if e["time_ns"] < end]
if len(started) != 1:
    problems.append(f"{len(started)} 'started' events for one flood (ids {[e['attack']['id'] for e in started]})")
for e in early:
    problems.append(f"attack #{e['attack']['id']} reported ended at {ms(e['time_ns']):.0f} ms, "
                    f"{(e['time_ns'] - reload) / 1e6:.0f} ms after the reload, while the flood went on until {ms(end):.0f} ms")
late = [e for e in ended if e["time_ns"] >= end]
if len(late) != 1:
    problems.append(f"{len(late)} 'ended' events after the flood stopped, not 1")
elif started and late[0]["attack"]["id"] != started[0]["attack"]["id"]:
    problems.append(f"the flood started as attack #{started[0]['attack']['id']} and ended as #{late[0]['attack']['id']}")
elif started and late[0]["attack"]["start_ns"] > started[0]["time_ns"]:
    # Ids may restart with a new detector; the record's start (its first window's) cannot.
    problems.append(f"the attack that ended began at {ms(late[0]['attack']['start_ns']):.0f} ms, after it was reported "
                    f"started at {ms(started[0]['time_ns']):.0f} ms: its record does not hold the flood before the reload")
for p in problems:
    print(f"FAIL: {p}", file=sys.stderr)
if problems:
    sys.exit(1)
a = late[0]["attack"]
print(f"ok   one attack, #{a['id']}, across the reload: started at {ms(started[0]['time_ns']):.0f} ms, "
      f"ended {(late[0]['time_ns'] - end) / 1e6:.0f} ms after the flood stopped; {a['duration_s']:.1f} s, "
      f"{a['packets']} packets, peak {a['peak_pps']} pps")
PY
[[ -n $ended ]] || fail "no 'ended' event after the flood"
stop_daemon "after the reload"
echo "reload_attack: 4 passed, 0 failed"
