# SPDX-License-Identifier: Apache-2.0
"""Request-smuggling and malformed-request vectors against the shield, over raw sockets.

  shield_smuggling.py origin PORT LOG    an origin that writes each request it gets, as JSON, to LOG
  shield_smuggling.py attack PORT LOG    sends every vector to the shield on PORT, checks each answer
                                         and, from LOG, that the origin saw exactly the legitimate ones
Exit 0 when every check holds; prints one line per vector.
"""
import http.server
import json
import re
import socket
import socketserver
import sys
import time


class Origin(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except ConnectionError:
            self.close_connection = True

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with open(self.server.log, "a") as f:
            f.write(json.dumps({"line": self.requestline, "body": body.decode("latin-1"),
                                "headers": {k.lower(): v for k, v in self.headers.items()}}) + "\n")
        reply = b"origin-ok " + self.path.encode()
        if self.path == "/chunked-reply":  # a chunked answer, split over several chunks
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (reply[:4], reply[4:9], reply[9:]):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\n\r\n")
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    do_GET = do_POST = do_PUT = _serve

    def log_message(self, *args):
        pass


def origin(port, log):
    class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True
    s = Server(("127.0.0.1", port), Origin)
    s.log = log
    s.serve_forever()


def exchange(port, raw, wait=1.5):
    """Sends raw bytes, returns (everything received, whether the shield closed the connection)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=wait)
    s.sendall(raw)
    got = b""
    closed = False
    deadline = time.time() + wait
    while time.time() < deadline:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        except ConnectionResetError:
            closed = True
            break
        if not chunk:
            closed = True
            break
        got += chunk
    s.close()
    return got, closed


def status_codes(data):
    # Status lines wherever they start: a pipelined answer follows the previous body directly.
    return [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) ", data)]


H = b"Host: site.test\r\n"
REFUSED = [
    ("TE+CL (CL first)", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG", 400),
    ("TE+CL (TE first)", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\nG", 400),
    ("duplicate Content-Length", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
    ("Content-Length list", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: 5, 5\r\n\r\nhello", 400),
    ("signed Content-Length", b"POST / HTTP/1.1\r\n" + H + b"Content-Length: +5\r\n\r\nhello", 400),
    ("obs-fold", b"GET / HTTP/1.1\r\n" + H + b"X-Long: a\r\n b\r\n\r\n", 400),
    ("obs-fold of Transfer-Encoding", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", 400),
    ("bare LF line ends", b"GET / HTTP/1.1\n" + b"Host: site.test\n\n", 400),
    ("bare LF in one header", b"GET / HTTP/1.1\r\nHost: site.test\nX: y\r\n\r\n", 400),
    ("space before colon", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400),
    ("invalid header name", b"GET / HTTP/1.1\r\n" + H + b"Fo o: x\r\n\r\n", 400),
    ("NUL in a value", b"GET / HTTP/1.1\r\n" + H + b"X: a\x00b\r\n\r\n", 400),
    ("xchunked", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 501),
    ("chunked, identity", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 501),
    ("two Transfer-Encodings", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501),
    ("negative chunk size", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n-1\r\nx\r\n0\r\n\r\n", 400),
    ("0x chunk size", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", 400),
    ("17-digit chunk size", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n" + b"1" * 17 + b"\r\n", 400),
    ("space in chunk size", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n", 400),
    ("chunk data too long", b"POST / HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n", 400),
    ("h2c upgrade", b"GET / HTTP/1.1\r\n" + H + b"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n", 400),
    ("missing Host", b"GET / HTTP/1.1\r\nX: y\r\n\r\n", 400),
    ("two Hosts", b"GET / HTTP/1.1\r\n" + H + b"Host: other.test\r\n\r\n", 400),
    ("HTTP/1.2", b"GET / HTTP/1.2\r\n" + H + b"\r\n", 400),
    ("head too large", b"GET / HTTP/1.1\r\n" + H + b"X: " + b"a" * 20000 + b"\r\n\r\n", 431),
]


def attack(port, log):
    failures = 0

    def check(name, ok, detail=""):
        nonlocal failures
        print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
        failures += 0 if ok else 1

    for name, raw, want in REFUSED:
        got, closed = exchange(port, raw)
        codes = status_codes(got)
        check(f"refused {want}: {name}", codes == [want] and closed, f"answers {codes}, closed={closed}")

    # Legitimate requests the origin must see, exactly once each and framed as the shield read them.
    got, _ = exchange(port, b"GET /one HTTP/1.1\r\n" + H + b"\r\nGET /two HTTP/1.1\r\n" + H + b"\r\n", wait=1.0)
    check("pipelined: two answers, in order", status_codes(got) == [200, 200] and got.find(b"/one") < got.find(b"/two"),
          repr(got[:200]))
    body = b"GET /smuggled HTTP/1.1\r\nHost: site.test\r\n\r\n"
    got, _ = exchange(port, b"POST /form HTTP/1.1\r\n" + H + b"Content-Length: %d\r\n\r\n" % len(body) + body, wait=1.0)
    check("a request inside a body stays a body", status_codes(got) == [200], repr(got[:200]))
    # HTTP/2 with prior knowledge is a connection's first bytes only: after a request, the
    # preface is an HTTP/1 head like any other, refused, and the connection closed.
    got, closed = exchange(port, b"GET /before-preface HTTP/1.1\r\n" + H + b"\r\nPRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                           wait=1.0)
    check("an HTTP/2 preface after an HTTP/1.1 request is refused 400", status_codes(got) == [200, 400] and closed,
          repr(got[:300]))
    got, _ = exchange(port, b"POST /chunked HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n", wait=1.0)
    check("chunked body with an extension and a trailer", status_codes(got) == [200], repr(got[:200]))
    got, _ = exchange(port, b"GET /xff HTTP/1.1\r\n" + H + b"X-Forwarded-For: 6.6.6.6\r\nConnection: close, X-Drop\r\nX-Drop: 1\r\n\r\n", wait=1.0)
    check("Connection: close is honoured", status_codes(got) == [200], repr(got[:200]))

    # A chunked answer from the origin: passed on chunked to HTTP/1.1 (and the connection goes on),
    # decoded and ended by closing for HTTP/1.0.
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    bodies = []
    for _ in range(2):
        conn.request("GET", "/chunked-reply", headers={"Host": "site.test"})
        r = conn.getresponse()
        bodies.append((r.status, r.getheader("Transfer-Encoding"), r.read()))
    conn.close()
    check("a chunked answer reaches an HTTP/1.1 client chunked, twice on one connection",
          bodies == [(200, "chunked", b"origin-ok /chunked-reply")] * 2, repr(bodies))
    got, closed = exchange(port, b"GET /chunked-reply HTTP/1.0\r\n\r\n", wait=1.0)
    check("an HTTP/1.0 client gets it decoded, then the connection closes",
          got.endswith(b"\r\n\r\norigin-ok /chunked-reply") and b"transfer-encoding" not in got.lower() and closed, repr(got))

    time.sleep(0.3)
    seen = [json.loads(line) for line in open(log)]
    lines = [s["line"] for s in seen]
    want_lines = ["GET /one HTTP/1.1", "GET /two HTTP/1.1", "POST /form HTTP/1.1", "GET /before-preface HTTP/1.1", "POST /chunked HTTP/1.1",
                  "GET /xff HTTP/1.1"] + ["GET /chunked-reply HTTP/1.1"] * 3
    check("the origin saw the legitimate requests and nothing else", sorted(lines) == sorted(want_lines), repr(lines))
    by_line = {s["line"]: s for s in seen}
    form = by_line.get("POST /form HTTP/1.1", {})
    check("the body reached the origin intact", form.get("body") == body.decode(), repr(form.get("body")))
    chunked = by_line.get("POST /chunked HTTP/1.1", {})
    check("the chunked body was re-framed with its length", chunked.get("body") == "hello world"
          and chunked.get("headers", {}).get("content-length") == "11"
          and "transfer-encoding" not in chunked.get("headers", {}), repr(chunked))
    xff = by_line.get("GET /xff HTTP/1.1", {}).get("headers", {})
    check("X-Forwarded-For names the real peer, hop-by-hop headers are gone",
          xff.get("x-forwarded-for") == "127.0.0.1" and "x-drop" not in xff and "connection" not in xff
          and xff.get("forwarded") == "for=127.0.0.1;proto=http", repr(xff))
    print(f"smuggling: {len(REFUSED)} vectors sent, {failures} check(s) failed")
    return 1 if failures else 0


if __name__ == "__main__":
    mode, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if mode == "origin":
        origin(port, log)
    else:
        sys.exit(attack(port, log))
