# SPDX-License-Identifier: Apache-2.0
"""An HTTP GET flood from many loopback source addresses (wrk and h2load cannot bind one): CONNS
keep-alive connections, connection i bound to source address i mod COUNT, the addresses being
FIRST, FIRST+STEP, FIRST+2*STEP ... (STEP 1: one /24; STEP 256: each in a /24 of its own), each
sending one GET after another (no pipelining), reconnecting whenever the front closes or refuses.
Bounded twice: it stops after SECONDS, or after MAX_REQUESTS answers, whichever comes first.

Prints one line:  requests=N rate=R/s sources=S statuses=200:a,503:b connect_errors=E
(requests counts complete answers of any status: the rate the front had to answer.)

Usage: shield_flood.py URL SECONDS CONNS FIRST_IP COUNT STEP [MAX_REQUESTS]
"""
import asyncio
import ipaddress
import sys
import time
import urllib.parse

url, seconds, conns = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
first, count, step = int(ipaddress.IPv4Address(sys.argv[4])), int(sys.argv[5]), int(sys.argv[6])
max_requests = int(sys.argv[7]) if len(sys.argv) > 7 else 10_000_000
addresses = [str(ipaddress.IPv4Address(first + i * step)) for i in range(count)]
parts = urllib.parse.urlsplit(url)
host, port = parts.hostname, parts.port or 80
for a in (host, addresses[0], addresses[-1]):  # loopback only, always
    if not ipaddress.IPv4Address(a).is_loopback:
        sys.exit(f"shield_flood: {a} is not a loopback address")
path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: flood\r\nAccept: */*\r\n\r\n").encode()
statuses = {}
state = {"requests": 0, "connect_errors": 0}


async def one(source, deadline):
    while time.monotonic() < deadline and state["requests"] < max_requests:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(host, port, local_addr=(source, 0)), 2)
        except (OSError, asyncio.TimeoutError):
            state["connect_errors"] += 1
            await asyncio.sleep(0.01)
            continue
        try:
            while time.monotonic() < deadline and state["requests"] < max_requests:
                writer.write(request)
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 2)
                status = int(head[9:12])
                length, close = 0, False
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    name = name.strip().lower()
                    if name == b"content-length":
                        length = int(value)
                    elif name == b"connection" and b"close" in value.lower():
                        close = True
                if length:
                    await asyncio.wait_for(reader.readexactly(length), 2)
                state["requests"] += 1
                statuses[status] = statuses.get(status, 0) + 1
                if close:
                    break
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            writer.close()


async def main():
    start = time.monotonic()
    deadline = start + seconds
    sources = [addresses[i % count] for i in range(conns)]
    await asyncio.gather(*(one(s, deadline) for s in sources))
    elapsed = time.monotonic() - start
    st = ",".join(f"{k}:{v}" for k, v in sorted(statuses.items()))
    print(f"requests={state['requests']} rate={state['requests'] / elapsed:.0f}/s sources={min(count, conns)} "
          f"statuses={st or '-'} connect_errors={state['connect_errors']}", flush=True)


asyncio.run(main())
