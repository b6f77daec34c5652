#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Under-attack mode (switched on by configuration) in front of a real origin:
#   - headless Chromium (Debian's, driven by playwright-core) meets the challenge, solves the proof
#     of work and lands on the real page, with a pass cookie;
#   - curl, which runs no JavaScript, follows the page's <noscript> refresh after its delay, gets
#     its pass and then the page; too early, the same link is refused;
#   - a client that never solves (no cookie, a forged one, a wrong nonce) never sees the page;
#   - /robots.txt and /.well-known/ pass unchallenged.
# Loopback only; needs no root.
#
# Usage: shield_challenge_test.sh PATH_TO_RAMPART
# Exit: 0 pass, 1 fail, 77 skip (chromium or tests/browser/node_modules missing) — never skipped when CI=true.
set -euo pipefail

RAMPART=${1:?usage: shield_challenge_test.sh PATH_TO_RAMPART}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BROWSER_DIR=$HERE/../browser
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rampart-challenge.XXXXXX")
PIDS=()
FAILED=0
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
ok() { echo "ok   $*"; }
bad() {
  echo "FAIL $*"
  FAILED=1
}
skip() {
  if [[ "${CI:-}" == "true" ]]; then
    echo "FAIL $1 (CI=true: this test may not be skipped)"
    exit 1
  fi
  echo "SKIP $1"
  exit 77
}

[[ -x /usr/lib/chromium/chromium ]] || skip "Debian's chromium is not installed (scripts/install-deps --test)"
[[ -d $BROWSER_DIR/node_modules/playwright-core ]] || skip "playwright-core is not installed in tests/browser (scripts/install-deps --test)"
command -v node >/dev/null || skip "node is not installed"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ORIGIN_PORT=$(free_port)
PORT=$(free_port)
MARKER="real-page-$$"
python3 "$HERE/shield_origin.py" "$ORIGIN_PORT" "$MARKER" 0 &
PIDS+=("$!")
cat >"$TMP/shield.toml" <<TOML
[shield]
listen = "127.0.0.1:$PORT"
origins = ["127.0.0.1:$ORIGIN_PORT"]
workers = 2
stats_file = "$TMP/stats.json"
[shield.under_attack]
mode = "on"
difficulty = 16
nojs_delay_seconds = 1
TOML
"$RAMPART" shield --config "$TMP/shield.toml" 2>"$TMP/shield.log" &
PIDS+=("$!")
for _ in $(seq 50); do
  grep -q 'shield: listening on' "$TMP/shield.log" 2>/dev/null && break
  sleep 0.1
done
grep -q 'shield: listening on' "$TMP/shield.log" || {
  cat "$TMP/shield.log"
  bad "the shield did not start"
  exit 1
}
URL=http://127.0.0.1:$PORT

# 1. Chromium: challenge, proof of work, pass, page.
if out=$(cd "$BROWSER_DIR" && timeout 40 node challenge.mjs "$URL/news/today?ref=x" "$MARKER" 20000); then
  python3 - "$out" <<'PY' && ok "chromium solved the challenge: $out" || bad "chromium: $out"
import json, sys
r = json.loads(sys.argv[1])
sys.exit(0 if r["ok"] and r["saw_challenge"] and r["cookie_set"] and r["final_url"].endswith("/news/today?ref=x") else 1)
PY
else
  bad "chromium did not reach the page: $out"
fi

# 2. curl, no JavaScript: the <noscript> refresh, too early then after its delay.
code=$(curl -s -o "$TMP/page.html" -w '%{http_code}' --max-time 2 "$URL/about")
[[ $code == 503 ]] && ! grep -q "$MARKER" "$TMP/page.html" && ok "without a pass: the challenge page (503), not the page" ||
  bad "without a pass got $code"
nojs=$(grep -o 'url=/.rampart/challenge/nojs?t=[A-Za-z0-9_.-]*' "$TMP/page.html" | head -1 | sed 's/^url=//')
[[ -n $nojs ]] || bad "the challenge page has no <noscript> refresh"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL$nojs")
[[ $code == 403 ]] && ok "the no-JavaScript link is refused before its delay" || bad "the no-JavaScript link too early gave $code"
sleep 1.2
code=$(curl -s -c "$TMP/jar" -o /dev/null -w '%{http_code} %{redirect_url}' --max-time 2 "$URL$nojs")
[[ $code == "302 $URL/about" ]] && ok "after the delay: a pass and a redirect back" || bad "the no-JavaScript link gave '$code'"
curl -s -b "$TMP/jar" --max-time 2 "$URL/about" | grep -q "$MARKER" && ok "curl with its pass gets the page" ||
  bad "curl with its pass did not get the page"

# 3. Never solving: no cookie, forged cookies, a wrong nonce.
seen=0
for cookie in "" "rampart_pass=9999999999.AAAAAAAAAAAAAAAAAAAAAA" "rampart_pass=garbage" "other=1"; do
  curl -s -H "Cookie: $cookie" --max-time 2 "$URL/" | grep -q "$MARKER" && seen=1
done
token=$(grep -o 'data-token="[^"]*"' "$TMP/page.html" | head -1 | cut -d'"' -f2)
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL/.rampart/challenge/verify?t=$token&n=1")
((seen == 0)) && [[ $code == 403 ]] && ok "a client that never solves never sees the page (wrong nonce: $code)" ||
  bad "an unsolved client saw the page (seen=$seen, wrong nonce gave $code)"

# 4. Exempt paths.
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL/robots.txt")
code2=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL/.well-known/security.txt")
[[ $code != 503 && $code2 != 503 ]] && ok "/robots.txt ($code) and /.well-known/ ($code2) pass unchallenged" ||
  bad "exempt paths were challenged ($code, $code2)"

sleep 1.1
python3 - "$TMP/stats.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))["counters"]
print("     shield: challenged=%d passes_issued=%d challenge_failed=%d passed_with_pass=%d exempt=%d" % (
    c["challenged"], c["passes_issued"], c["challenge_failed"], c["passed_with_pass"], c["exempt_paths"]))
PY
exit $FAILED
