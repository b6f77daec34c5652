#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The shield's HTTPS, against real clients (openssl s_client, curl, h2load):
#   - SNI picks each site's certificate (an exact name, a wildcard), unknown names get the default;
#   - a session ticket from one connection resumes the next;
#   - a client that drops the connection mid-response costs that connection only (the shield
#     lives on: no SIGPIPE);
#   - a TLS handshake flood (h2load, 2000 new connections from one address) is held to that
#     address's handshake rate while a visitor from another network keeps being served.
# Loopback only; needs no root.
#
# Usage: shield_tls_test.sh PATH_TO_RAMPART        Exit: 0 pass, 1 fail, 77 skip (a tool missing; never when CI=true)
set -euo pipefail

RAMPART=${1:?usage: shield_tls_test.sh PATH_TO_RAMPART}
# shellcheck source=shield_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/shield_lib.sh"
require_tools openssl curl h2load nginx

make_cert
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$TMP/other.key" -out "$TMP/other.pem" \
  -days 2 -subj /CN=other.test -addext "subjectAltName=DNS:other.test,DNS:*.other.test" 2>/dev/null
origin_port=$(free_port)
start_origin "$origin_port" || { echo "FAIL the origin did not start"; exit 1; }
port=$(free_port)
plain=$(free_port)
cat >"$TMP/shield.toml" <<TOML
[shield]
listen = "127.0.0.1:$plain"
origins = ["127.0.0.1:$origin_port"]
workers = 2
stats_file = "$TMP/stats.json"
[shield.clients]
tls_handshakes = 20
tls_handshakes_burst = 40
[shield.under_attack]
mode = "off"
[shield.tls]
listen = "127.0.0.1:$port"
[[shield.tls.certificate]]
cert = "$TMP/cert.pem"
key = "$TMP/key.pem"
[[shield.tls.certificate]]
cert = "$TMP/other.pem"
key = "$TMP/other.key"
TOML
"$RAMPART" shield --config "$TMP/shield.toml" 2>"$TMP/shield.log" &
SHIELD_PID=$!
BG_PIDS+=("$SHIELD_PID")
wait_http "$SHIELD_PID" "https://127.0.0.1:$port/" || { cat "$TMP/shield.log"; echo "FAIL the shield did not start"; exit 1; }
URL=https://127.0.0.1:$port

subject() { openssl s_client -connect "127.0.0.1:$port" -servername "$1" </dev/null 2>/dev/null | sed -n 's/^subject=.*CN = //p'; }
[[ $(subject site.test) == site.test && $(subject other.test) == other.test && $(subject www.other.test) == other.test &&
  $(subject unknown.example) == site.test ]] && ok "SNI: each name gets its certificate, unknown names the default" ||
  bad "SNI: site=$(subject site.test) other=$(subject other.test) www.other=$(subject www.other.test) unknown=$(subject unknown.example)"

# TLS 1.3 sends its ticket after the handshake: read a response so that it arrives.
printf 'GET / HTTP/1.1\r\nHost: site.test\r\nConnection: close\r\n\r\n' |
  openssl s_client -connect "127.0.0.1:$port" -servername site.test -sess_out "$TMP/session" -ign_eof >/dev/null 2>&1 || true
reused=$(printf 'GET / HTTP/1.1\r\nHost: site.test\r\nConnection: close\r\n\r\n' |
  openssl s_client -connect "127.0.0.1:$port" -servername site.test -sess_in "$TMP/session" -ign_eof 2>/dev/null | grep -c '^Reused' || true)
((reused >= 1)) && ok "a session ticket resumes the next connection" || bad "the session was not resumed"

curl -sk "$URL/" | grep -q "$MARKER" && ok "HTTPS serves the page" || bad "HTTPS did not serve the page"
for _ in 1 2 3 4 5; do curl -sk --max-time 0.05 -o /dev/null "$URL/big.bin" || true; done
sleep 0.2
kill -0 "$SHIELD_PID" 2>/dev/null && curl -sk "$URL/" | grep -q "$MARKER" &&
  ok "clients dropping mid-response cost the shield nothing (it serves on)" || bad "the shield died when clients left mid-response"

# handshake_flood URL: the visitor's line while h2load opens 2000 new TLS connections at 200/s
# from 127.0.0.1 (one request each); h2load's summary in $TMP/flood.txt.
handshake_flood() {
  legit_client "$1/" 6 >"$TMP/legit.txt" &
  local legit=$!
  sleep 0.5
  timeout -k 2 15 nice -n "$ATTACK_NICE" h2load --h1 -c2000 -n2000 -r200 --rate-period=1s "$1/" 2>&1 | tail -8 >"$TMP/flood.txt" || true
  wait "$legit" || true
  cat "$TMP/legit.txt"
}
line=$(handshake_flood "$URL")
sleep 1.2
refused=$(python3 -c "import json,sys; c=json.load(open(sys.argv[1]))[\"counters\"]; print(c[\"refused_handshake_rate\"], c[\"tls_handshakes\"], c[\"tls_resumed\"], {k: v for k, v in c.items() if k.startswith(\"refused\") and v})" "$TMP/stats.json")
echo "     handshake flood: $(grep -E 'requests:' "$TMP/flood.txt" | head -1 | sed 's/^ *//')"
echo "     shield: refused_handshake_rate tls_handshakes tls_resumed = $refused; visitor: $line"
success=$(field "$line" success)
read -r refused_n _ _ <<<"$refused"
((refused_n > 0)) && awk -v s="${success%\%}" 'BEGIN {exit !(s >= 99)}' &&
  ok "handshake flood held to the address's rate ($refused_n refused) while the visitor got $success" ||
  bad "handshake flood: refused=$refused_n visitor $success"

# The same flood against nginx with its DDoS recipe over TLS, for comparison (no assertion).
nginx_port=$(free_port)
if FRONT_TLS=1 start_nginx_limited "$nginx_port" "$origin_port"; then
  line=$(handshake_flood "https://127.0.0.1:$nginx_port")
  echo "     nginx-limited, the same flood: $(grep -E 'requests:' "$TMP/flood.txt" | head -1 | sed 's/^ *//')"
  echo "     nginx-limited: visitor: $line"
  stop_server "$FRONT_PID"
else
  bad "nginx with the DDoS recipe did not start over TLS"
fi
exit $FAILED
