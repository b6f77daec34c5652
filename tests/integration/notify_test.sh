#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Notifications: a bounded SYN flood into the victim's network namespace (created by this test)
# must reach a notification script (the attack event as JSON on its stdin) and an HTTP webhook (a
# small server on the namespace's loopback records what is POSTed), started and ended alike; a
# script that hangs is killed after its timeout and does not hold up the others.
#
# Usage: notify_test.sh PATH_TO_RAMPART
# Exit: 0 pass, 1 fail, 77 skip (not root, no netns, a tool missing) — never skipped when CI=true.
set -euo pipefail

RAMPART=${1:?usage: notify_test.sh PATH_TO_RAMPART}
readonly NS_PREFIX=rampart-nt
readonly ATTACKER=10.200.67.1
readonly VICTIM=10.200.67.2
# shellcheck source=netns_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/netns_lib.sh"
# shellcheck source=daemon_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/daemon_lib.sh"

require_rampart_and_tools ip hping3 timeout

setup_namespaces
cat >"$TMP/notify.sh" <<SH
#!/bin/sh
cat >>"$TMP/script.jsonl"
SH
cat >"$TMP/hang.sh" <<'SH'
#!/bin/sh
sleep 60
SH
chmod +x "$TMP/notify.sh" "$TMP/hang.sh"
cat >"$TMP/hook.py" <<'PY'
import http.server, sys
out = sys.argv[1]
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open(out, "ab") as f:
            f.write(self.headers.get("Content-Type", "").encode() + b" " + body + b"\n")
        self.send_response(204)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", 18080), Hook).serve_forever()
PY
ip netns exec "$NS_V" "$PYTHON" "$TMP/hook.py" "$TMP/webhook.log" &
BG_PIDS+=("$!")

write_config "$TMP/rampart.toml" "[[sensor]]
type = \"af_packet\"
interface = \"veth-v\"

[mitigation]
enabled = false

[[mitigation.notify]]
script = \"$TMP/hang.sh\"
timeout_seconds = 1

[[mitigation.notify]]
script = \"$TMP/notify.sh\"

[[mitigation.notify]]
webhook = \"http://127.0.0.1:18080/rampart\""
start_daemon
case_flood notify-syn syn-flood -S -p 80 --flood --rand-source
for ((i = 0; i < 100; i++)); do
  [[ $(grep -c '"ended"' "$TMP/script.jsonl" 2>/dev/null) -ge 1 && $(grep -c '"ended"' "$TMP/webhook.log" 2>/dev/null) -ge 1 ]] && break
  sleep 0.1
done
stop_daemon notify
"$PYTHON" - "$TMP/script.jsonl" "$TMP/webhook.log" "$VICTIM" <<'PY' || fail "notifications are wrong; log: $(tail -5 "$LOG")"
import json, sys
script = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
hooks = [l.split(" ", 1) for l in open(sys.argv[2]) if l.strip()]
victim = sys.argv[3]
for name, events in (("script", script), ("webhook", [json.loads(b) for _, b in hooks])):
    kinds = [e["event"] for e in events if e["schema"] == "rampart.event/1" and e["attack"]["target"] == victim]
    assert "started" in kinds and "ended" in kinds, (name, kinds)
    print(f"ok   {name}: got {', '.join(kinds)} for {victim}")
assert all(ct == "application/json" for ct, _ in hooks), [ct for ct, _ in hooks]
PY
grep -q "killed after 1 s" "$LOG" || fail "the hanging script was not killed after its timeout"
echo "ok   a hanging script is killed after its timeout and holds nothing up"
echo "notify: 3 passed, 0 failed"
