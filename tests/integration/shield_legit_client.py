# SPDX-License-Identifier: Apache-2.0
"""The legitimate visitor of the shield tests: from its own source address, one fresh connection
and one GET every INTERVAL seconds for SECONDS, on a fixed schedule (open loop: a slow answer does
not delay the next request, so a stalled front cannot hide failures by slowing the client down).

A request is ok when the answer is HTTP 200 within TIMEOUT seconds and the body holds MARKER.
Prints one line:  requests=N ok=M success=P% p50=Xms p99=Yms
Percentiles are over every request, a failed one counted as TIMEOUT (a failure is as bad as the
longest wait), so p99 reaches the timeout as soon as more than 1 % fail.

Like a browser, it meets the shield's under-attack challenge by solving its proof of work (the
time that takes counts in that request's latency) and then sends its pass cookie, which it keeps
in the file LEGIT_COOKIES (when set) so that one visitor keeps its pass across runs.

Usage: shield_legit_client.py URL SECONDS SOURCE_IP MARKER [INTERVAL] [TIMEOUT]
"""
import hashlib
import http.client
import os
import re
import sys
import threading
import time
import urllib.parse

url, seconds, source, marker = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4].encode()
interval = float(sys.argv[5]) if len(sys.argv) > 5 else 0.1
timeout = float(sys.argv[6]) if len(sys.argv) > 6 else 1.0
parts = urllib.parse.urlsplit(url)
path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
conn_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
extra = {}
if parts.scheme == "https":
    import ssl
    extra["context"] = ssl._create_unverified_context()  # the tests' certificates are self-signed

results = []  # (ok, seconds); list.append is atomic under the GIL
failures = {}
jar_path = os.environ.get("LEGIT_COOKIES", "")
cookie = open(jar_path).read().strip() if jar_path and os.path.exists(jar_path) else ""
solved = [0]
solving = threading.Lock()  # one puzzle at a time, as one browser would: the others wait for its pass


def solve_challenge(conn, page):
    """Does what the challenge page's script does; returns the pass cookie or ""."""
    token = re.search(rb'data-token="([A-Za-z0-9_.-]+)"', page)
    bits = re.search(rb'data-difficulty="(\d+)"', page)
    if not token or not bits:
        return ""
    token, bits = token.group(1).decode(), int(bits.group(1))
    prefix = hashlib.sha256(f"{token}:".encode())
    n = 0
    while True:
        h = prefix.copy()
        h.update(str(n).encode())
        if not int.from_bytes(h.digest()[:8], "big") >> (64 - bits):
            break
        n += 1
    conn.request("GET", f"/.rampart/challenge/verify?t={token}&n={n}", headers={"User-Agent": "Mozilla/5.0 (legit-client)"})
    resp = conn.getresponse()
    resp.read()
    solved[0] += 1
    return (resp.getheader("Set-Cookie") or "").split(";")[0]


def fetch():
    start = time.monotonic()
    ok, why = False, ""
    conn = conn_class(parts.hostname, parts.port, timeout=timeout, source_address=(source, 0), **extra)
    global cookie
    try:
        headers = {"User-Agent": "Mozilla/5.0 (legit-client)", "Accept": "text/html"}
        if cookie:
            headers["Cookie"] = cookie
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        if resp.status == 503 and b'name="rampart-challenge"' in body:
            with solving:
                got = cookie if cookie and cookie != headers.get("Cookie") else solve_challenge(conn, body)
            if got:
                cookie = got
                headers["Cookie"] = cookie
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                body = resp.read()
        elapsed = time.monotonic() - start
        ok = resp.status == 200 and marker in body and elapsed <= timeout
        why = "" if ok else (f"status {resp.status}" if resp.status != 200 else
                             "slow" if elapsed > timeout else "no marker")
    except Exception as e:  # refused, reset, timed out: all count as failures
        why = type(e).__name__
    finally:
        conn.close()
    elapsed = time.monotonic() - start
    results.append((ok, elapsed if ok else max(elapsed, timeout)))
    if not ok:
        failures[why] = failures.get(why, 0) + 1


threads = []
t0 = time.monotonic()
n = 0
while True:
    due = t0 + n * interval
    if due - t0 >= seconds:
        break
    delay = due - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    th = threading.Thread(target=fetch, daemon=True)
    th.start()
    threads.append(th)
    n += 1
for th in threads:
    th.join(timeout + 2)
hung = len(threads) - len(results)  # a thread still blocked past its timeout: a failure too
if hung:
    results.extend([(False, timeout)] * hung)
    failures["hung"] = hung

lat = sorted(ms for _, ms in results)
total = len(threads)
ok = sum(1 for good, _ in results if good)


def pct(p):
    if not lat:
        return float("nan")
    return lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000


if jar_path and cookie:
    with open(jar_path, "w") as f:
        f.write(cookie)
why = ",".join(f"{k}:{v}" for k, v in sorted(failures.items()))
print(f"requests={total} ok={ok} success={100 * ok / total if total else 0:.1f}% "
      f"p50={pct(50):.1f}ms p99={pct(99):.1f}ms" + (f" solved={solved[0]}" if solved[0] else "") +
      (f" failures={why}" if why else ""), flush=True)
