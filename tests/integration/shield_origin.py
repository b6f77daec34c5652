# SPDX-License-Identifier: Apache-2.0
"""A deliberately weak "real" origin for the shield tests: Python's ThreadingHTTPServer (one thread
per connection, HTTP/1.1 keep-alive) that spends COST_MS of CPU on every page, as an application
rendering it would. The cost holds the GIL, so pages are made one at a time: capacity is about
1000 / (COST_MS + ~0.06) pages per second whatever the concurrency (≈1.7 k/s at 0.5 ms here,
where nginx serves ~50 k/s), so a flood that a front lets through is felt at once.

  GET /        the page: <meta charset="utf-8"> and MARKER
  GET /slow    the page after 1 s (a slow application endpoint)
  GET /big     1 MiB (the resource a slow-read attack asks for)
  POST *       reads the body (Content-Length), answers the page

Usage: shield_origin.py PORT MARKER [COST_MS, default 0.5]   (listens on 127.0.0.1 only; stops on SIGTERM)
"""
import http.server
import signal
import sys
import time

port, marker = int(sys.argv[1]), sys.argv[2]
cost = (float(sys.argv[3]) if len(sys.argv) > 3 else 0.5) / 1000
PAGE = ('<!doctype html><html><head><meta charset="utf-8"><title>origin</title></head>'
        f'<body><p>{marker}</p></body></html>\n').encode()
BIG = b"x" * (1 << 20)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "py-origin"
    # One write per answer, sent at once: with an unbuffered socket file the head and the body go
    # out as two segments and Nagle's algorithm against the client's delayed ACK adds 40 ms to each.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    def _send(self, body, ctype="text/html; charset=utf-8"):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _render(self):  # the application's CPU time for one page
        end = time.perf_counter() + cost
        while time.perf_counter() < end:
            pass

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path == "/big":
            self._send(BIG, "application/octet-stream")
            return
        if path == "/slow":
            time.sleep(1)
        self._render()
        self._send(PAGE)

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        while length > 0:
            chunk = self.rfile.read(min(length, 65536))
            if not chunk:
                return
            length -= len(chunk)
        self._render()
        self._send(PAGE)

    def log_message(self, *args):  # no access log: it would cost more than the requests
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def handle_error(self, request, client_address):  # resets by flooders are expected
        pass


server = Server(("127.0.0.1", port), Handler)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print(f"py-origin: listening on 127.0.0.1:{port}", file=sys.stderr, flush=True)
server.serve_forever()
