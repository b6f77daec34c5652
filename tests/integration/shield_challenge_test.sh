#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Under-attack mode, switched on by configuration, in front of a real origin (shield_origin.py:
# every path answers a page holding MARKER):
#   a. headless Chromium (Debian's, driven by playwright-core) meets the challenge page, solves its
#      proof of work and lands on the real page it asked for, holding the pass cookie;
#   b. curl, which runs no JavaScript, gets the challenge (503) with its <noscript> refresh; the
#      no-JavaScript link is refused before its delay, and after it answers a redirect back and a
#      pass, with which curl gets the page;
#   c. a client that never solves never sees the page: no cookie, forged cookies, a pass taken to
#      another /24, a wrong nonce, a changed token (and the pass does work from its own /24);
#   d. /robots.txt and /.well-known/ pass unchallenged;
#   e. a listed crawler passes from its published networks only, and only with its user agent.
# Loopback only; needs no root; bounded to 55 s.
#
# Usage: shield_challenge_test.sh PATH_TO_RAMPART
# Exit: 0 pass, 1 fail, 77 skip (no chromium, node or tests/browser/node_modules: run
#       scripts/install-deps --test); under CI=true nothing is skipped, a missing tool fails.
set -euo pipefail

RAMPART=${1:?usage: shield_challenge_test.sh PATH_TO_RAMPART}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BROWSER_DIR=$(cd "$HERE/../browser" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rampart-challenge.XXXXXX")
PIDS=()
FAILED=0

# descendants PID: every process below PID (Chromium below node, sleep below the watchdog).
descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}
cleanup() {
  local all=() p i
  for p in "${PIDS[@]}"; do
    kill -0 "$p" 2>/dev/null || continue
    mapfile -t -O "${#all[@]}" all < <(echo "$p"; descendants "$p")
  done
  if ((${#all[@]})); then
    kill -TERM "${all[@]}" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do
      local alive=0
      for p in "${all[@]}"; do kill -0 "$p" 2>/dev/null && alive=1 && break; done
      ((alive)) || break
      sleep 0.1
    done
    kill -KILL "${all[@]}" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'echo "FAIL the test did not finish within 55 s"; exit 1' USR1
trap 'exit 143' TERM

ok() { echo "ok   $*"; }
bad() {
  echo "FAIL $*"
  FAILED=1
}
skip() {
  if [[ ${CI:-} == "true" ]]; then
    echo "FAIL $1 (CI=true: this test may not be skipped)"
    exit 1
  fi
  echo "SKIP $1"
  exit 77
}

[[ -x /usr/lib/chromium/chromium ]] || skip "Debian's chromium is not installed (scripts/install-deps --test)"
command -v node >/dev/null || skip "node is not installed (scripts/install-deps --test)"
[[ -d $BROWSER_DIR/node_modules/playwright-core ]] ||
  skip "playwright-core is not installed in tests/browser (scripts/install-deps --test)"
[[ -x $RAMPART ]] || { echo "FAIL '$RAMPART' is not an executable"; exit 1; }

(sleep 55 && kill -USR1 $$) &
PIDS+=("$!")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ORIGIN_PORT=$(free_port)
PORT=$(free_port)
MARKER="rampart-origin-page-$$"
URL=http://127.0.0.1:$PORT

python3 "$HERE/shield_origin.py" "$ORIGIN_PORT" "$MARKER" 0 >"$TMP/origin.log" 2>&1 &
PIDS+=("$!")
cat >"$TMP/shield.toml" <<TOML
[shield]
listen = "127.0.0.1:$PORT"
origins = ["127.0.0.1:$ORIGIN_PORT"]
[shield.under_attack]
mode = "on"
difficulty = 12
nojs_delay_seconds = 1
[[shield.under_attack.crawler]]
user_agent = "RampartTestBot"
networks = ["127.0.0.0/24"]
TOML
"$RAMPART" shield --config "$TMP/shield.toml" 2>"$TMP/shield.log" &
PIDS+=("$!")
for _ in $(seq 100); do
  grep -q 'shield: listening on' "$TMP/shield.log" 2>/dev/null && break
  sleep 0.1
done
if ! grep -q 'shield: listening on' "$TMP/shield.log"; then
  echo "FAIL the shield did not start: $(tail -c 600 "$TMP/shield.log")"
  exit 1
fi
for _ in $(seq 50); do
  curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$ORIGIN_PORT/" && break
  sleep 0.1
done

# status URL [CURL_ARGS...]: the HTTP status; the body goes to $TMP/body, the head to $TMP/head.
status() {
  local url=$1
  shift
  : >"$TMP/body"
  : >"$TMP/head"
  curl -s -o "$TMP/body" -D "$TMP/head" -w '%{http_code}' --max-time 3 "$@" "$url" || true
}
has_marker() { grep -q "$MARKER" "$TMP/body"; }
is_challenge() { grep -q '<meta name="rampart-challenge"' "$TMP/body" && ! has_marker; }

# --- a. Chromium --------------------------------------------------------------------------------
out=$(cd "$BROWSER_DIR" && timeout -k 5 30 node challenge.mjs "$URL/news/today?ref=x" "$MARKER") || true
if python3 - "$out" <<'PY'; then
import json, sys
r = json.loads(sys.argv[1] or "{}")
sys.exit(0 if r.get("ok") and r.get("saw_challenge") and r.get("cookie_set")
         and r.get("final_url", "").endswith("/news/today?ref=x") else 1)
PY
  ok "a. Chromium met the challenge, solved it and got the page: $out"
else
  bad "a. Chromium: ${out:-no output}"
fi

# --- b. curl, no JavaScript ----------------------------------------------------------------------
# Tokens count whole seconds: start early in one, so that "too early" below is still the same second.
python3 -c 'import time; f = time.time() % 1; time.sleep(0 if f < 0.5 else 1.02 - f)'
code=$(status "$URL/about?x=1")
cp "$TMP/body" "$TMP/page.html"
if [[ $code == 503 ]] && is_challenge && grep -qi '^cache-control: no-store' "$TMP/head"; then
  ok "b. without a pass: the challenge page (503, no-store), not the page"
else
  bad "b. without a pass: status $code, challenge page: $(is_challenge && echo yes || echo no)"
fi
refresh=$(grep -o '<meta http-equiv="refresh" content="[0-9]*;url=/\.rampart/challenge/nojs?t=[A-Za-z0-9_-]*">' \
  "$TMP/page.html" | head -1) || true
nojs=$(sed -n 's/.*;url=\([^"]*\)".*/\1/p' <<<"$refresh")
delay=$(sed -n 's/.*content="\([0-9]*\);.*/\1/p' <<<"$refresh")
token=${nojs#*\?t=}
if [[ -n $nojs && $delay == 1 ]]; then
  ok "b. its <noscript> refresh leads to the no-JavaScript link after $delay s"
else
  bad "b. no <noscript> refresh of 1 s in the challenge page: '$refresh'"
  nojs="/.rampart/challenge/nojs?t=missing" token=missing
fi
code=$(status "$URL$nojs")
[[ $code == 403 ]] && ok "b. the link is refused before its delay" || bad "b. the link before its delay gave $code"
sleep 1.1
code=$(status "$URL$nojs" -c "$TMP/jar")
location=$(sed -n 's/^[Ll]ocation: *\([^[:space:]]*\).*/\1/p' "$TMP/head")
if [[ $code == 302 && $location == "/about?x=1" ]] && grep -qi '^set-cookie: rampart_pass=' "$TMP/head"; then
  ok "b. after it: a pass and a redirect back to /about?x=1"
else
  bad "b. the link after its delay gave $code, Location '$location', cookie: $(grep -ci '^set-cookie' "$TMP/head")"
fi
code=$(status "$URL/about?x=1" -b "$TMP/jar")
[[ $code == 200 ]] && has_marker && ok "b. with its pass curl gets the page" || bad "b. with its pass: $code"
pass=$(awk '$6 == "rampart_pass" {print $7}' "$TMP/jar")

# --- c. never solving -----------------------------------------------------------------------------
seen=0 challenged=0
forged_pass=${pass:0:5}$([[ ${pass:5:1} == A ]] && echo B || echo A)${pass:6}
for cookie in "" "rampart_pass=garbage" "rampart_pass=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "rampart_pass=$forged_pass" \
  "other=1; rampart_pass=" "rampart_pass=$token" ""; do
  code=$(status "$URL/" -H "Cookie: $cookie")
  has_marker && seen=$((seen + 1))
  [[ $code == 503 ]] && is_challenge && challenged=$((challenged + 1))
done
((seen == 0 && challenged == 7)) && ok "c. no cookie or forged ones: challenged every time (7/7)" ||
  bad "c. no cookie or forged ones: saw the page $seen times, challenged $challenged/7"
code=$(status "$URL/" -b "$TMP/jar" --interface 127.0.2.1)
[[ $code == 503 ]] && ! has_marker && ok "c. the pass taken to another /24 (127.0.2.1) is challenged" ||
  bad "c. the pass from another /24 gave $code (page: $(has_marker && echo yes || echo no))"
code=$(status "$URL/" -b "$TMP/jar" --interface 127.0.0.99)
[[ $code == 200 ]] && has_marker && ok "c. ... and good for another host of its own /24 (127.0.0.99)" ||
  bad "c. the pass from another host of its /24 gave $code"
wrong=$(python3 - "$token" <<'PY'
import hashlib, sys
n = 0  # the first nonce that does not solve it (12 zero bits: most do not)
while int.from_bytes(hashlib.sha256(f"{sys.argv[1]}:{n}".encode()).digest()[:4], "big") >> 20 == 0:
    n += 1
print(n)
PY
)
code=$(status "$URL/.rampart/challenge/verify?t=$token&n=$wrong")
[[ $code == 403 ]] && ! grep -qi '^set-cookie' "$TMP/head" && ok "c. a wrong nonce is refused" ||
  bad "c. a wrong nonce gave $code"
changed=${token:0:8}$([[ ${token:8:1} == A ]] && echo B || echo A)${token:9}
code=$(status "$URL/.rampart/challenge/nojs?t=$changed" --interface 127.0.0.3)
[[ $code == 403 ]] && ok "c. a changed token is refused" || bad "c. a changed token gave $code"
code=$(status "$URL$nojs" --interface 127.0.2.1)
[[ $code == 403 ]] && ok "c. a token taken to another /24 is refused" || bad "c. a token from another /24 gave $code"

# --- d. exempt paths ------------------------------------------------------------------------------
for path in /robots.txt /.well-known/x; do
  code=$(status "$URL$path")
  [[ $code == 200 ]] && has_marker && ok "d. $path passes unchallenged" || bad "d. $path gave $code"
done

# --- e. a listed crawler: its user agent from its published networks, and only both ------------------
code=$(status "$URL/" -A "Mozilla/5.0 (compatible; RampartTestBot/1.0)")
[[ $code == 200 ]] && has_marker && ok "e. the listed crawler from its network passes unchallenged" || bad "e. the crawler got $code"
code=$(status "$URL/" -A "Mozilla/5.0 (compatible; RampartTestBot/1.0)" --interface 127.0.2.1)
[[ $code == 503 ]] && ok "e. its user agent from elsewhere is challenged" || bad "e. the forged crawler got $code"
code=$(status "$URL/" -A "Mozilla/5.0 (X11; Linux x86_64)")
[[ $code == 503 ]] && ok "e. another user agent from the crawler's network is challenged" || bad "e. got $code"

if ((FAILED)); then
  echo "FAIL shield_challenge; the shield's log ends with: $(tail -c 600 "$TMP/shield.log")"
else
  echo "PASS shield_challenge"
fi
exit $FAILED
