# SPDX-License-Identifier: Apache-2.0
# Shared by the shield's tests and benchmark: origins (nginx, and a deliberately weak Python one),
# the fronts compared with the shield (nginx with the DDoS recipe, plain nginx, haproxy), the shield
# itself, a legitimate client that measures what a real visitor gets, and bounded attacks.
# Everything listens on and sends to loopback only. Source this file (it works under
# `set -euo pipefail`); it sets TMP, BG_PIDS, PYTHON, MARKER and installs the cleanup traps.
#
# Servers run in the foreground of a background job (nginx `daemon off`, haproxy -db) so that their
# pid is ours to stop; every attack is bounded by `timeout` and by its own duration or count.
# Set ATTACK_NICE (default 10) to run attacks at a lower priority: the attacker would be on other
# machines, here it shares 2 cores with the defender, and must not win by starving it of CPU.
# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables the helpers set are read by the scripts that source it

SHIELD_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SHIELD_LIB_DIR
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rampart-shield.XXXXXX")
chmod 755 "$TMP" # nginx's workers run as nobody and read the origin's pages from here
BG_PIDS=()
readonly MARKER="rampart-origin-page-$$"
PYTHON=$(python3 -c 'import sys; print(sys.executable)')
readonly PYTHON
ATTACK_NICE=${ATTACK_NICE:-10}
SHIELD_ERROR="" # why start_shield failed
export LEGIT_COOKIES=$TMP/legit-cookies # the visitor keeps its pass, as a browser would
# The legitimate visitor has a /24 of its own: the shield also limits per /24, and a visitor that
# shared one with the attackers would be refused with them (the attacks use 127.0.0.1 and the flood
# sources below, never 127.0.1.0/24).
readonly LEGIT_IP=127.0.1.251
# FLOOD_SOURCES: where the many-source floods come from: "networks" (default; 127.0.2.1,
# 127.0.3.1 ... 127.0.250.1: 249 addresses, each in a /24 of its own, the hard case for per-network
# limits) or "hosts" (127.0.0.2-250: 249 addresses in one /24).
FLOOD_SOURCES=${FLOOD_SOURCES:-networks}
case $FLOOD_SOURCES in
  networks) FLOOD_FIRST=127.0.2.1 FLOOD_STEP=256 ;;
  hosts) FLOOD_FIRST=127.0.0.2 FLOOD_STEP=1 ;;
  *) echo "FLOOD_SOURCES must be networks or hosts, not $FLOOD_SOURCES" >&2 && exit 2 ;;
esac
readonly FLOOD_COUNT=249 FLOOD_FIRST FLOOD_STEP

# flood_address I: the I-th many-source flood address (0 <= I < FLOOD_COUNT).
flood_address() {
  local a b c d n
  IFS=. read -r a b c d <<<"$FLOOD_FIRST"
  n=$(((a << 24 | b << 16 | c << 8 | d) + $1 * FLOOD_STEP))
  echo "$((n >> 24 & 255)).$((n >> 16 & 255)).$((n >> 8 & 255)).$((n & 255))"
}

# --- checks: ok and bad print one line each; bad marks the test failed (it ends with exit "$FAILED")
FAILED=0
ok() { echo "ok   $*"; }
bad() {
  echo "FAIL $*"
  FAILED=1
}
# require_tools TOOL...: skip the test (exit 77) when one is missing; under CI=true, fail instead.
require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null && continue
    [[ "${CI:-}" == "true" ]] && { echo "FAIL $tool is missing (CI=true: no skipping)"; exit 1; }
    echo "SKIP $tool is missing"
    exit 77
  done
}

# descendants PID: every process below PID (nginx's workers, goldeneye's processes), parents first.
descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

# stop_pids PID...: SIGTERM to each and its descendants, up to 3 s to go, then SIGKILL.
stop_pids() {
  local pids=() pid i
  for pid in "$@"; do
    kill -0 "$pid" 2>/dev/null || continue
    mapfile -t -O "${#pids[@]}" pids < <(echo "$pid"; descendants "$pid")
  done
  ((${#pids[@]})) || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for ((i = 0; i < 30; i++)); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1 && break; done
    ((alive)) || break
    sleep 0.1
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
}

shield_cleanup() {
  trap '' INT TERM # a second signal must not cut the cleanup short
  ((${#BG_PIDS[@]})) && stop_pids "${BG_PIDS[@]}"
  wait 2>/dev/null || true
  rm -rf "$TMP"
}
trap shield_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# free_port: a TCP port nothing listens on now, on 127.0.0.1.
free_port() {
  "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http PID URL [SECONDS]: until URL answers at all (any status), while PID lives; default 10 s.
wait_http() {
  local pid=$1 url=$2 deadline=$((SECONDS + ${3:-10}))
  while ((SECONDS < deadline)); do
    kill -0 "$pid" 2>/dev/null || return 1
    curl -sk -o /dev/null --max-time 1 "$url" && return 0
    sleep 0.05
  done
  return 1
}

# FRONT_TLS=1: the fronts (nginx, haproxy, shield) listen with TLS, on one ECDSA P-256
# certificate made by make_cert, and offer h2 and http/1.1 by ALPN. front_scheme: http or https accordingly.
front_scheme() { [[ -n ${FRONT_TLS:-} ]] && echo https || echo http; }
make_cert() {
  [[ -f $TMP/cert.pem ]] && return 0
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$TMP/key.pem" \
    -out "$TMP/cert.pem" -days 2 -subj /CN=site.test -addext "subjectAltName=DNS:site.test,IP:127.0.0.1" 2>/dev/null
  cat "$TMP/cert.pem" "$TMP/key.pem" >"$TMP/both.pem"
  chmod 644 "$TMP"/*.pem # nginx's workers read them as nobody
}

# forget_pid PID: drops a finished job from BG_PIDS (so cleanup never signals a reused pid).
forget_pid() {
  local kept=() pid
  for pid in "${BG_PIDS[@]}"; do [[ $pid == "$1" ]] || kept+=("$pid"); done
  BG_PIDS=("${kept[@]}")
}

# stop_server PID: stops a server started here and forgets it (the fronts come and go per case).
stop_server() {
  stop_pids "$1"
  wait "$1" 2>/dev/null || true
  forget_pid "$1"
}

# --- origins ------------------------------------------------------------------------------------

# nginx_common DIR WORKERS: the main context and the start of `http {` shared by every nginx here:
# its own prefix, pid, logs and temp paths under DIR, no access log, 8192 connections per worker
# (the fd limit here is 20,000).
nginx_common() {
  local dir=$1 workers=$2
  mkdir -p "$dir/tmp"
  cat <<NGINX
daemon off;
master_process on;
worker_processes $workers;
worker_rlimit_nofile 20000;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  default_type application/octet-stream;
NGINX
}

# run_nginx NAME DIR PORT: starts nginx with DIR/nginx.conf; waits for PORT. Sets SERVER_PID.
# LAUNCH, when set, prefixes the command (e.g. `chrt -b 0`; it must exec what follows), here and in
# start_haproxy.
run_nginx() {
  local name=$1 dir=$2 port=$3
  nginx -t -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" 2>"$dir/conf-check.log" ||
    { echo "$name: bad nginx configuration: $(cat "$dir/conf-check.log")" >&2; return 1; }
  # shellcheck disable=SC2086 # LAUNCH is words
  ${LAUNCH:-} nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/stdout.log" 2>&1 &
  SERVER_PID=$!
  BG_PIDS+=("$SERVER_PID")
  wait_http "$SERVER_PID" "$(front_scheme)://127.0.0.1:$port/" ||
    { echo "$name: nginx did not start on $port: $(tail -3 "$dir/error.log" 2>/dev/null)" >&2; return 1; }
}

# write_pages DIR: the origin's content: index.html (the marker), big.bin (1 MiB), slow.html (8 KiB).
write_pages() {
  mkdir -p "$1"
  printf '<!doctype html><html><head><meta charset="utf-8"><title>origin</title></head><body><p>%s</p></body></html>\n' \
    "$MARKER" >"$1/index.html"
  head -c 1048576 /dev/zero >"$1/big.bin"
  head -c 8192 /dev/zero | tr '\0' 'x' >"$1/slow.html"
}

# start_origin PORT: nginx as the origin, 1 worker: GET / is a small page holding MARKER, /big is
# 1 MiB, /slow is 8 KiB sent at 4 KiB/s (~2 s). Serves ~110-150 k req/s alone here (wrk -t2 -c50,
# which shares the 2 cores).
# Sets ORIGIN_PID.
start_origin() {
  local port=$1 dir=$TMP/origin-$1
  mkdir -p "$dir"
  write_pages "$dir/www"
  {
    nginx_common "$dir" 1
    cat <<NGINX
  server {
    listen 127.0.0.1:$port backlog=4096;
    root $dir/www;
    keepalive_requests 100000;
    location = /big { try_files /big.bin =404; }
    location = /slow { limit_rate 4k; try_files /slow.html =404; }
  }
}
NGINX
  } >"$dir/nginx.conf"
  run_nginx origin "$dir" "$port" || return 1
  ORIGIN_PID=$SERVER_PID
}

# start_py_origin PORT [COST_MS]: the weak "real application" origin (shield_origin.py): every page
# costs COST_MS (default 0.5) of CPU under Python's GIL, so it serves ~1.5-1.7 k pages/s at most,
# whatever the concurrency. Same paths as start_origin (/slow waits 1 s). Sets ORIGIN_PID.
start_py_origin() {
  local port=$1 cost=${2:-0.5}
  "$PYTHON" "$SHIELD_LIB_DIR/shield_origin.py" "$port" "$MARKER" "$cost" >"$TMP/py-origin-$port.log" 2>&1 &
  ORIGIN_PID=$!
  BG_PIDS+=("$ORIGIN_PID")
  wait_http "$ORIGIN_PID" "http://127.0.0.1:$port/" ||
    { echo "py-origin: did not start on $port: $(cat "$TMP/py-origin-$port.log")" >&2; return 1; }
}

# --- fronts --------------------------------------------------------------------------------------

# nginx_proxy_location: proxying to the upstream `origin` over its keep-alive pool.
nginx_proxy_location() {
  cat <<'NGINX'
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
NGINX
}

# start_nginx_limited PORT ORIGIN_PORT: nginx in front of the origin with the DDoS recipe of
# https://www.nginx.com/blog/mitigating-ddos-attacks-with-nginx-and-nginx-plus/ (open-source parts):
# requests per client address limited (10 r/s, burst 20, nodelay: the excess gets 503 at once),
# 10 connections per address, 5 s to send the header and between body reads; 2 workers with a
# keep-alive pool to the origin. With NGINX_H2C_PORT, the same server also speaks h2c (prior
# knowledge) there: nginx 1.22 cannot serve HTTP/1.1 and h2c on one cleartext port. FRONT_TLS as
# for the others. Sets FRONT_PID.
start_nginx_limited() {
  local port=$1 origin=$2 dir=$TMP/nginx-limited-$1
  mkdir -p "$dir"
  [[ -z ${FRONT_TLS:-} ]] || make_cert
  {
    nginx_common "$dir" 2
    cat <<NGINX
  limit_req_zone \$binary_remote_addr zone=perip:10m rate=10r/s;
  limit_conn_zone \$binary_remote_addr zone=addr:10m;
  client_body_timeout 5s;
  client_header_timeout 5s;
  upstream origin {
    server 127.0.0.1:$origin;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$port ${FRONT_TLS:+ssl http2} backlog=4096;${NGINX_H2C_PORT:+
    listen 127.0.0.1:$NGINX_H2C_PORT backlog=4096 http2;}
    ${FRONT_TLS:+ssl_certificate $TMP/cert.pem; ssl_certificate_key $TMP/key.pem;}
    location / {
      limit_req zone=perip burst=20 nodelay;
      limit_conn addr 10;
$(nginx_proxy_location)
    }
  }
}
NGINX
  } >"$dir/nginx.conf"
  run_nginx nginx-limited "$dir" "$port" || return 1
  FRONT_PID=$SERVER_PID
}

# start_nginx_plain PORT ORIGIN_PORT: nginx as a plain reverse proxy (2 workers, keep-alive pool,
# no limits). Sets FRONT_PID.
start_nginx_plain() {
  local port=$1 origin=$2 dir=$TMP/nginx-plain-$1
  mkdir -p "$dir"
  {
    nginx_common "$dir" 2
    cat <<NGINX
  upstream origin {
    server 127.0.0.1:$origin;
    keepalive 64;
  }
  server {
    listen 127.0.0.1:$port ${FRONT_TLS:+ssl http2} backlog=4096;
    ${FRONT_TLS:+ssl_certificate $TMP/cert.pem; ssl_certificate_key $TMP/key.pem;}
    keepalive_requests 100000;
    location / {
$(nginx_proxy_location)
    }
  }
}
NGINX
  } >"$dir/nginx.conf"
  [[ -z ${FRONT_TLS:-} ]] || make_cert
  run_nginx nginx-plain "$dir" "$port" || return 1
  FRONT_PID=$SERVER_PID
}

# start_haproxy PORT ORIGIN_PORT: haproxy as a plain reverse proxy: 2 threads, server-side
# connection reuse, keep-alive both sides, the usual timeouts. Sets FRONT_PID.
start_haproxy() {
  local port=$1 origin=$2 dir=$TMP/haproxy-$1
  mkdir -p "$dir"
  [[ -z ${FRONT_TLS:-} ]] || make_cert
  cat >"$dir/haproxy.cfg" <<HAPROXY
global
  nbthread 2
  maxconn 8000
defaults
  mode http
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  timeout http-request 5s
  timeout http-keep-alive 15s
frontend front
  bind 127.0.0.1:$port ${FRONT_TLS:+ssl crt $TMP/both.pem alpn h2,http/1.1}
  default_backend origin
backend origin
  server origin 127.0.0.1:$origin
HAPROXY
  haproxy -c -q -f "$dir/haproxy.cfg" >"$dir/check.log" 2>&1 ||
    { echo "haproxy: bad configuration: $(cat "$dir/check.log")" >&2; return 1; }
  # shellcheck disable=SC2086 # LAUNCH is words
  ${LAUNCH:-} haproxy -db -f "$dir/haproxy.cfg" >"$dir/haproxy.log" 2>&1 &
  FRONT_PID=$!
  BG_PIDS+=("$FRONT_PID")
  wait_http "$FRONT_PID" "$(front_scheme)://127.0.0.1:$port/" ||
    { echo "haproxy: did not start on $port: $(tail -3 "$dir/haproxy.log")" >&2; return 1; }
}

# start_shield PORT ORIGIN_PORT [EXTRA_TOML_LINE...]: `$RAMPART shield --config FILE` with
# listen, origins and 2 workers, the extra lines appended after them; waits up to 10 s for
# "shield: listening on" on its stderr. Sets FRONT_PID; on failure returns 1 with the reason in
# SHIELD_ERROR (a missing or failing shield is an expected state until it exists: no exit here).
start_shield() {
  local port=$1 origin=$2 dir=$TMP/shield-$1 i
  shift 2
  mkdir -p "$dir"
  SHIELD_ERROR=""
  {
    if [[ -n ${FRONT_TLS:-} ]]; then # HTTPS on PORT; the plain listener elsewhere
      make_cert
      printf '[shield]\nlisten = "127.0.0.1:%s"\norigins = ["127.0.0.1:%s"]\nworkers = 2\n' "$(free_port)" "$origin"
      local line
      for line in "$@"; do printf '%s\n' "$line"; done
      printf '[shield.tls]\nlisten = "127.0.0.1:%s"\n[[shield.tls.certificate]]\ncert = "%s"\nkey = "%s"\n' \
        "$port" "$TMP/cert.pem" "$TMP/key.pem"
    else
      printf '[shield]\nlisten = "127.0.0.1:%s"\norigins = ["127.0.0.1:%s"]\nworkers = 2\n' "$port" "$origin"
      local line
      for line in "$@"; do printf '%s\n' "$line"; done
    fi
  } >"$dir/shield.toml"
  if [[ -z ${RAMPART:-} || ! -x $RAMPART ]]; then
    SHIELD_ERROR="'${RAMPART:-}' is not an executable"
    return 1
  fi
  "$RAMPART" shield --config "$dir/shield.toml" >"$dir/stdout.log" 2>"$dir/stderr.log" &
  FRONT_PID=$!
  BG_PIDS+=("$FRONT_PID")
  for ((i = 0; i < 200; i++)); do
    grep -q 'shield: listening on' "$dir/stderr.log" && return 0
    if ! kill -0 "$FRONT_PID" 2>/dev/null; then
      local rc=0
      wait "$FRONT_PID" || rc=$?
      SHIELD_ERROR="exited with status $rc: $(tail -c 300 "$dir/stderr.log" | tr '\n' ' ')"
      return 1
    fi
    sleep 0.05
  done
  SHIELD_ERROR="no 'shield: listening on' within 10 s: $(tail -c 300 "$dir/stderr.log" | tr '\n' ' ')"
  stop_server "$FRONT_PID"
  return 1
}

# --- the legitimate visitor ---------------------------------------------------------------------

# legit_client URL SECONDS [SOURCE_IP]: one fresh connection and GET every 100 ms for SECONDS from
# SOURCE_IP (default LEGIT_IP), on a fixed schedule; ok = HTTP 200 within 1 s holding MARKER.
# Prints: requests=N ok=M success=P% p50=Xms p99=Yms [failures=why:count,...]
legit_client() {
  timeout $(($2 + 10)) "$PYTHON" "$SHIELD_LIB_DIR/shield_legit_client.py" "$1" "$2" "${3:-$LEGIT_IP}" "$MARKER" 0.1 1 ||
    echo "requests=0 ok=0 success=0.0% p50=nan p99=nan failures=client-error"
}

# field LINE KEY: the value of KEY=VALUE in a summary line.
field() { sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1"; }

# --- attacks: each prints one line "NAME: load=VALUE UNIT ..." (load: what the attack achieved) ---

# flood_wrk URL SECONDS [CONNECTIONS]: wrk from 127.0.0.1 (one source), 2 threads, default 200
# keep-alive connections; load is answers per second of any status.
flood_wrk() {
  local out
  out=$(timeout -k 2 $(($2 + 5)) nice -n "$ATTACK_NICE" wrk -t2 -c"${3:-200}" -d"$2"s --timeout 2s "$1" 2>&1) || true
  wrk_summary flood_wrk "$out"
}

# flood_h2load URL SECONDS [CONNECTIONS]: h2load over HTTP/2 (h2c with prior knowledge for http://),
# 2 threads, default 100 connections x 10 concurrent streams, from 127.0.0.1 (one source).
flood_h2load() {
  local out
  out=$(timeout -k 2 $(($2 + 5)) nice -n "$ATTACK_NICE" h2load -t2 -c"${3:-100}" -m10 -D"$2" "$1" 2>&1) || true
  h2load_summary flood_h2load "$out" "$2"
}

# h2load_summary NAME OUTPUT SECONDS: "NAME: load=R req/s requests=N non2xx=K errors=E", where load
# counts the requests answered (any status) per second; errors, those that got no answer (refused
# connections, resets, time-outs).
h2load_summary() {
  local out=$2 done ok errors
  done=$(awk '/^requests:/ {print $6}' <<<"$out")
  errors=$(awk '/^requests:/ {print $12 + $14}' <<<"$out")
  ok=$(awk '/^status codes:/ {print $3}' <<<"$out")
  echo "$1: load=$((${done:-0} / $3)) req/s requests=${done:-0} non2xx=$((${done:-0} - ${ok:-0})) errors=${errors:-0}"
}

# wrk_summary NAME OUTPUT: "NAME: load=R req/s requests=N non2xx=K errors=E".
wrk_summary() {
  local out=$2 rate requests non2xx errors
  rate=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
  errors=$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")
  echo "$1: load=${rate:-0} req/s requests=${requests:-0} non2xx=${non2xx:-0} errors=${errors:-0}"
}

# in_own_netns: true when this shell runs in the network namespace the test made for itself: the
# test re-runs itself under `unshare -n` with SHIELD_OUTER_NETNS set to the namespace it left
# (readlink /proc/self/ns/net). Only there may nft rules be added.
in_own_netns() {
  [[ -n ${SHIELD_OUTER_NETNS:-} && $(readlink /proc/self/ns/net) != "$SHIELD_OUTER_NETNS" ]]
}

# spread_sources PORT: inside the test's own network namespace, an nft rule rewrites the source of
# each new connection from 127.0.0.1 to PORT to the next flood address (numgen), until
# gather_sources; the legitimate client and the fronts' connections to their origins are untouched.
spread_sources() {
  local map i
  map=$(for ((i = 0; i < FLOOD_COUNT; i++)); do printf ', %d : %s' "$i" "$(flood_address "$i")"; done)
  map=${map#, }
  nft -f - <<NFT
table ip rampart_shield_flood {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr 127.0.0.1 ip daddr 127.0.0.1 tcp dport $1 snat to numgen inc mod $FLOOD_COUNT map { ${map} }
  }
}
NFT
}
gather_sources() { nft delete table ip rampart_shield_flood || true; }

# url_port URL: the port of http://host:port/...
url_port() {
  local port=${1#*://*:}
  echo "${port%%/*}"
}

# flood_wrk_many URL SECONDS [CONNECTIONS]: wrk at full speed from the 249 flood addresses
# (spread_sources). Default 249 connections: one per address, so per-address limits see one
# connection each.
flood_wrk_many() {
  local url=$1 secs=$2 conns=${3:-249} out
  in_own_netns || { echo "flood_wrk_many: load=n/a (needs the test's own network namespace)"; return 0; }
  spread_sources "$(url_port "$url")" || { echo "flood_wrk_many: load=n/a (nft failed)"; return 0; }
  out=$(timeout -k 2 $((secs + 5)) nice -n "$ATTACK_NICE" wrk -t2 -c"$conns" -d"$secs"s --timeout 2s "$url" 2>&1) || true
  gather_sources
  wrk_summary flood_wrk_many "$out"
}

# flood_h2load_many URL SECONDS [CONNECTIONS]: h2load over HTTP/2 (h2c for http://) from the 249
# flood addresses, one connection each by default, 10 concurrent streams per connection.
flood_h2load_many() {
  local url=$1 secs=$2 conns=${3:-249} out
  in_own_netns || { echo "flood_h2load_many: load=n/a (needs the test's own network namespace)"; return 0; }
  spread_sources "$(url_port "$url")" || { echo "flood_h2load_many: load=n/a (nft failed)"; return 0; }
  out=$(timeout -k 2 $((secs + 5)) nice -n "$ATTACK_NICE" h2load -t2 -c"$conns" -m10 -D"$secs" "$url" 2>&1) || true
  gather_sources
  h2load_summary flood_h2load_many "$out" "$secs"
}

# attack_rapid_reset URL SECONDS: HTTP/2 rapid reset (CVE-2023-44487) from 127.0.0.1: streams opened
# and cancelled at once, batches of 100, connection after connection (shield_h2.py); load is
# streams per second.
attack_rapid_reset() {
  local out
  out=$(timeout -k 2 $(($2 + 5)) nice -n "$ATTACK_NICE" "$PYTHON" "$SHIELD_LIB_DIR/shield_h2.py" rapid-reset \
    "$(url_port "$1")" "$2" $(($2 * 200000)) 2>&1 | tail -1) || true
  echo "${out:-rapid_reset: load=0 streams/s (no output)}"
}

# flood_many_py URL SECONDS [CONNECTIONS]: shield_flood.py, a keep-alive GET flood from the 249
# flood addresses (default 498 connections: two per address) without nft; slower than wrk. Bounded
# by SECONDS and by 100,000 answers per second of it.
flood_many_py() {
  local out
  out=$(timeout -k 2 $(($2 + 5)) nice -n "$ATTACK_NICE" "$PYTHON" "$SHIELD_LIB_DIR/shield_flood.py" \
    "$1" "$2" "${3:-498}" "$FLOOD_FIRST" "$FLOOD_COUNT" "$FLOOD_STEP" $(($2 * 100000)) 2>&1) || true
  local rate
  rate=$(field "$out" rate)
  echo "flood_many_py: load=${rate%/s} req/s $out"
}

# attack_slow MODE NAME URL SECONDS EXTRA...: one slowhttptest run, 1000 connections opened at
# up to 1000/s, for SECONDS (it ends ~1 s after -l, so `timeout` leaves 2 s more). Its status lines
# reach a pipe only once, so the figures come from its per-second CSV (-g): load is the most
# connections held at once; "probe down" counts the seconds its own probe found no service.
attack_slow() {
  local mode=$1 name=$2 url=$3 secs=$4 stats=$TMP/$2-$$-$RANDOM
  shift 4
  timeout -k 2 $((secs + 2)) nice -n "$ATTACK_NICE" slowhttptest "$mode" -c 1000 -r 1000 -l "$secs" -u "$url" -p 2 \
    -g -o "$stats" "$@" >"$stats.log" 2>&1 || true
  awk -F, -v n="$name" 'NR > 1 {if ($4 > max) max = $4; if ($5 == 0) down++}
    END {printf "%s: load=%d conns (most held at once) probe_down=%ds\n", n, max, down}' "$stats.csv" 2>/dev/null ||
    echo "$name: load=0 conns (no statistics: $(tail -1 "$stats.log"))"
}

# attack_slowloris URL [SECONDS]: slowhttptest -H (headers never finished: a line every 10 s).
attack_slowloris() { attack_slow -H slowloris "$1" "${2:-3}" -i 10 -x 24; }

# attack_slowloris_many URL [SECONDS]: slowloris from the 249 flood addresses (spread_sources): about
# 4 connections per address, below any per-address limit, so only the header deadline can end them.
attack_slowloris_many() {
  in_own_netns || { echo "slowloris_many: load=n/a (needs the test's own network namespace)"; return 0; }
  spread_sources "$(url_port "$1")" || { echo "slowloris_many: load=n/a (nft failed)"; return 0; }
  local line
  line=$(attack_slow -H slowloris_many "$1" "${2:-3}" -i 10 -x 24)
  gather_sources
  echo "$line"
}

# attack_slowpost URL [SECONDS]: slowhttptest -B (a POST announcing 8 KiB, its body sent 10 s apart).
attack_slowpost() { attack_slow -B slowpost "$1" "${2:-3}" -i 10 -x 24 -s 8192; }

# attack_slowread URL [SECONDS]: slowhttptest -X (answers read 32 bytes every 5 s through a tiny
# receive window, 3 pipelined requests per connection); point URL at a large resource (/big).
attack_slowread() { attack_slow -X slowread "$1" "${2:-3}" -k 3 -w 512 -y 1024 -n 5 -z 32; }

# attack_goldeneye URL SECONDS: GoldenEye, 4 workers x 100 sockets (random query strings, headers,
# keep-alive and no-cache: every request a cache miss). Debian's copy fails every request on
# Python 3, so a fixed copy is made in TMP. It prints its count only every (workers x 1 s) and at
# SIGINT, so it is stopped with SIGINT. load is answers per second (its "strikes hit"); its
# "failed" also counts its own errors, such as reusing connections the server has closed.
attack_goldeneye() {
  local url=$1 secs=$2 out last hits failed
  [[ -f $TMP/goldeneye ]] || sed 's|len(acceptEncoding)/2|len(acceptEncoding)//2|' /usr/bin/goldeneye >"$TMP/goldeneye"
  out=$(timeout -s INT -k 3 "$secs" nice -n "$ATTACK_NICE" "$PYTHON" -u "$TMP/goldeneye" "$url" -w 4 -s 100 -m get 2>&1) || true
  last=$(grep 'strikes hit' <<<"$out" | tail -1) || true
  hits=$(awk '{print $1 + 0}' <<<"${last:-0}")
  failed=$(awk '{gsub(/[()]/, ""); print $5 + 0}' <<<"${last:-0}")
  echo "goldeneye: load=$((hits / secs)) req/s hits=$hits failed=$failed"
}

# attack_tls_handshake URL: new TLS connections at 200/s, 2000 in all (h2load -c2000 -n2000 -r200
# --rate-period=1s: one request each); for https:// fronts only. load is handshakes per second.
attack_tls_handshake() {
  local out finished secs
  out=$(timeout -k 2 20 nice -n "$ATTACK_NICE" h2load -c2000 -n2000 -r200 --rate-period=1s "$1" 2>&1) || true
  finished=$(awk '/^requests:/ {print $8}' <<<"$out")
  secs=$(awk '/^finished in/ {print $3 + 0}' <<<"$out")
  echo "tls_handshake: load=$(awk -v d="${finished:-0}" -v s="${secs:-0}" 'BEGIN {printf "%.0f", (s > 0 ? d / s : 0)}') conn/s done=${finished:-0} seconds=${secs:-0}"
}
