# SPDX-License-Identifier: Apache-2.0
"""HTTP/2 over raw sockets against the shield: frames written by hand, so that a test can send
what no well-behaved client library would (smuggling attempts across the HTTP/2 to HTTP/1.1
translation, rapid reset, streams held open).

  shield_h2.py vectors PORT LOG        h2c requests, legitimate and hostile; checks each answer and,
                                       from LOG (shield_smuggling.py's origin), what the origin saw
  shield_h2.py rapid-reset PORT SECS MAX [SOURCE]
                                       HEADERS then RST_STREAM at once, as fast as it can, over
                                       connection after connection, for SECS or MAX streams
  shield_h2.py slow-read PORT PATH SECS
                                       one stream with a 16-byte window never widened; reports
                                       whether and when the shield gave up on it
  shield_h2.py hold-streams PORT N SECS
                                       one connection opens N POST streams and never ends their
                                       bodies; reports how many were refused at once and how the
                                       rest ended
Exit 0 when every check holds; prints one summary line (key=value) or one line per vector.
"""
import json
import socket
import struct
import sys
import time

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE = 0, 1, 3, 4, 6, 7, 8
END_STREAM, END_HEADERS, ACK = 0x1, 0x4, 0x1
REFUSED_STREAM = 0x7


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def hpack_int(value, prefix_bits, first=0):
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([first | value])
    out = [first | limit]
    value -= limit
    while value >= 128:
        out.append(value % 128 + 128)
        value //= 128
    out.append(value)
    return bytes(out)


def hpack_str(s):
    return hpack_int(len(s), 7) + s


def block(fields):
    """A header block of literals without indexing, new names, no Huffman: exactly the bytes given."""
    return b"".join(b"\x00" + hpack_str(n) + hpack_str(v) for n, v in fields)


# HPACK's Huffman codes of the ten digits (RFC 7541 appendix B): enough to read a :status.
DIGITS = {(0b00000, 5): "0", (0b00001, 5): "1", (0b00010, 5): "2", (0b011001, 6): "3", (0b011010, 6): "4",
          (0b011011, 6): "5", (0b011100, 6): "6", (0b011101, 6): "7", (0b011110, 6): "8", (0b011111, 6): "9"}
STATIC_STATUS = {8: 200, 9: 204, 10: 206, 11: 304, 12: 400, 13: 404, 14: 500}


def status_of(header_block):
    """The :status of a response header block, which nghttp2 puts first."""
    b = header_block[0]
    if b & 0x80:
        return STATIC_STATUS.get(b & 0x7F)
    index = b & (0x3F if b & 0x40 else 0x0F)
    if index not in STATIC_STATUS:
        return None
    huffman, length = header_block[1] & 0x80, header_block[1] & 0x7F
    raw = header_block[2:2 + length]
    if not huffman:
        return int(raw)
    bits = "".join(f"{x:08b}" for x in raw)
    digits, at = "", 0
    while len(digits) < 3 and at < len(bits):
        for size in (5, 6):
            code = int(bits[at:at + size] or "0", 2)
            if (code, size) in DIGITS:
                digits += DIGITS[(code, size)]
                at += size
                break
        else:
            return None
    return int(digits)


class Conn:
    def __init__(self, port, source=None, timeout=2.0, settings=b"", window=1 << 30):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if source:
            self.sock.bind((source, 0))
        self.sock.settimeout(timeout)
        self.sock.connect(("127.0.0.1", port))
        self.buf = b""
        self.goaway = None
        self.closed = False
        # Settings first, and (by default) a large connection window so answers are never held
        # back by it.
        self.sock.sendall(PREFACE + frame(SETTINGS, 0, 0, settings) +
                          (frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", window)) if window else b""))

    def send(self, data):
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            self.closed = True
            return False

    def frames(self, seconds):
        """Frames received within `seconds` (or until the connection ends)."""
        out = []
        deadline = time.time() + seconds
        while time.time() < deadline and not self.closed:
            while len(self.buf) >= 9:
                length = int.from_bytes(self.buf[:3], "big")
                if len(self.buf) < 9 + length:
                    break
                kind, flags = self.buf[3], self.buf[4]
                stream = int.from_bytes(self.buf[5:9], "big") & 0x7FFFFFFF
                payload = self.buf[9:9 + length]
                self.buf = self.buf[9 + length:]
                if kind == SETTINGS and not flags & ACK:
                    self.send(frame(SETTINGS, ACK, 0))
                if kind == GOAWAY:
                    self.goaway = int.from_bytes(payload[4:8], "big")
                out.append((kind, flags, stream, payload))
            try:
                self.sock.settimeout(max(0.01, deadline - time.time()))
                chunk = self.sock.recv(65536)
            except socket.timeout:
                break
            except OSError:
                self.closed = True
                break
            if not chunk:
                self.closed = True
                break
            self.buf += chunk
        return out

    def close(self):
        self.sock.close()


def request_fields(method, path, extra=(), authority=b"site.test"):
    fields = [(b":method", method), (b":scheme", b"http"), (b":path", path)]
    if authority is not None:
        fields.append((b":authority", authority))
    return fields + list(extra)


def exchange(port, stream_frames, seconds=1.5):
    """One connection, the given frames on stream 1; returns (status or None, reset code or None,
    goaway code or None, body)."""
    c = Conn(port)
    c.send(stream_frames)
    status = reset = None
    body = b""
    deadline = time.time() + seconds
    while time.time() < deadline:
        got = c.frames(deadline - time.time())
        for kind, flags, stream, payload in got:
            if stream == 1 and kind == HEADERS and status is None:
                status = status_of(payload)
            if stream == 1 and kind == DATA:
                body += payload
            if stream == 1 and kind == RST_STREAM:
                reset = int.from_bytes(payload[:4], "big")
            if stream == 1 and (kind in (HEADERS, DATA) and flags & END_STREAM or kind == RST_STREAM):
                deadline = 0
        if c.closed or not got:
            break
    goaway = c.goaway
    c.close()
    return status, reset, goaway, body


def vectors(port, log):
    failures = 0

    def check(name, ok, detail=""):
        nonlocal failures
        print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
        failures += 0 if ok else 1

    def get(path, extra=(), authority=b"site.test"):
        return frame(HEADERS, END_STREAM | END_HEADERS, 1, block(request_fields(b"GET", path, extra, authority)))

    # Legitimate: what the origin must see, translated faithfully.
    status, _, _, body = exchange(port, get(b"/h2-get?x=1", [(b"cookie", b"a=1"), (b"cookie", b"b=2"),
                                                            (b"x-forwarded-for", b"6.6.6.6")]))
    check("h2c GET answered 200 with the origin's page", status == 200 and body == b"origin-ok /h2-get?x=1",
          f"{status} {body[:80]!r}")
    post = (frame(HEADERS, END_HEADERS, 1, block(request_fields(b"POST", b"/h2-post"))) +
            frame(DATA, 0, 1, b"hello") + frame(DATA, END_STREAM, 1, b" world"))
    status, _, _, _ = exchange(port, post)
    check("h2c POST with its body in two DATA frames answered 200", status == 200, str(status))

    # Hostile: each would smuggle a second request, or a different one, through a naive
    # HTTP/2-to-HTTP/1.1 translation. Refused means: a reset, a GOAWAY or an error status, and the
    # origin never sees it (checked below from its log).
    smuggled = b"GET /smuggled HTTP/1.1\r\nHost: site.test\r\n\r\n"
    hostile = [
        ("H2.CL: content-length 0 and a request in the body",
         frame(HEADERS, END_HEADERS, 1, block(request_fields(b"POST", b"/h2cl", [(b"content-length", b"0")]))) +
         frame(DATA, END_STREAM, 1, smuggled)),
        ("H2.TE: transfer-encoding chunked", get(b"/h2te", [(b"transfer-encoding", b"chunked")])),
        ("CRLF in a header value", get(b"/crlf-value", [(b"x-a", b"1\r\nTransfer-Encoding: chunked")])),
        ("CRLF in :path", get(b"/crlf-path HTTP/1.1\r\nHost: x\r\n\r\nGET /smuggled")),
        ("space in :path", get(b"/space path")),
        ("upper-case header name", get(b"/upper", [(b"X-Upper", b"1")])),
        ("colon in a header name", get(b"/colon", [(b"x:y", b"1")])),
        ("space in :method", frame(HEADERS, END_STREAM | END_HEADERS, 1,
                                   block(request_fields(b"GET /smuggled", b"/method")))),
        ("connection header", get(b"/connection", [(b"connection", b"keep-alive")])),
        ("upgrade header", get(b"/upgrade", [(b"upgrade", b"h2c")])),
        ("te other than trailers", get(b"/te", [(b"te", b"gzip")])),
        ("no :authority and no host", get(b"/noauthority", authority=None)),
        ("DATA longer than content-length",
         frame(HEADERS, END_HEADERS, 1, block(request_fields(b"POST", b"/cl-short", [(b"content-length", b"2")]))) +
         frame(DATA, END_STREAM, 1, b"hello")),
    ]
    for name, raw in hostile:
        status, reset, goaway, _ = exchange(port, raw)
        refused = reset is not None or goaway is not None or (status is not None and status >= 400)
        check(f"refused: {name}", refused, f"status={status} reset={reset} goaway={goaway}")

    time.sleep(0.3)
    seen = [json.loads(line) for line in open(log)]
    lines = [s["line"] for s in seen]
    check("the origin saw the legitimate requests and nothing else",
          sorted(lines) == ["GET /h2-get?x=1 HTTP/1.1", "POST /h2-post HTTP/1.1"], repr(lines))
    by_line = {s["line"]: s for s in seen}
    got = by_line.get("GET /h2-get?x=1 HTTP/1.1", {}).get("headers", {})
    check("split cookies reached the origin as one header, X-Forwarded-For names the real peer",
          got.get("cookie") == "a=1; b=2" and got.get("x-forwarded-for") == "127.0.0.1"
          and got.get("host") == "site.test", repr(got))
    posted = by_line.get("POST /h2-post HTTP/1.1", {})
    check("the body reached the origin whole, framed with its length",
          posted.get("body") == "hello world" and posted.get("headers", {}).get("content-length") == "11"
          and "transfer-encoding" not in posted.get("headers", {}), repr(posted))
    print(f"h2 vectors: {len(hostile)} hostile, {failures} check(s) failed")
    return 1 if failures else 0


def rapid_reset(port, seconds, most, source=None):
    """CVE-2023-44487: each stream is opened and cancelled at once, in batches of 100."""
    sent = conns = goaways = 0
    end = time.time() + seconds
    hdr = block(request_fields(b"GET", b"/"))
    while time.time() < end and sent < most:
        try:
            c = Conn(port, source, timeout=1.0)
        except OSError:
            time.sleep(0.05)  # refused at accept (the shield's admission): try again
            continue
        conns += 1
        stream = 1
        while time.time() < end and sent < most and not c.closed and c.goaway is None:
            batch = b""
            for _ in range(100):
                batch += frame(HEADERS, END_STREAM | END_HEADERS, stream, hdr)
                batch += frame(RST_STREAM, 0, stream, struct.pack(">I", 0x8))  # CANCEL
                stream += 2
            if not c.send(batch):
                break
            sent += 100
            c.frames(0.001)  # read what came (GOAWAY), without waiting
        c.frames(0.05)
        goaways += c.goaway is not None
        c.close()
    print(f"rapid_reset: load={sent / seconds:.0f} streams/s streams={sent} connections={conns} goaways={goaways}")
    return 0


def hold_streams(port, n, seconds):
    c = Conn(port)
    time.sleep(0.2)
    c.frames(0.2)  # the server's SETTINGS, acknowledged
    raw = b"".join(frame(HEADERS, END_HEADERS, 1 + 2 * i, block(request_fields(b"POST", b"/held")))
                   for i in range(n))
    c.send(raw)
    refused = reset_later = answered = 0
    started = time.time()
    ended = set()
    while time.time() - started < seconds and not c.closed:
        for kind, flags, stream, payload in c.frames(0.2):
            if stream in ended or stream == 0:
                continue
            if kind == RST_STREAM:
                code = int.from_bytes(payload[:4], "big")
                if code == REFUSED_STREAM:
                    refused += 1
                else:
                    reset_later += 1
                ended.add(stream)
            elif kind == HEADERS:
                answered += 1
                if flags & END_STREAM:
                    ended.add(stream)
            elif kind == DATA and flags & END_STREAM:
                ended.add(stream)
    print(f"hold_streams: streams={n} refused={refused} answered={answered} reset={reset_later} "
          f"open_at_end={n - len(ended)} goaway={c.goaway} closed={int(c.closed)}")
    c.close()
    return 0


def slow_read(port, path, seconds):
    """Slow read by flow control: a 16-byte stream window, never opened wider, so the answer can
    only trickle out; reports how long the shield let the stream live."""
    c = Conn(port, settings=struct.pack(">HI", 0x4, 16), window=0)
    c.send(frame(HEADERS, END_STREAM | END_HEADERS, 1, block(request_fields(b"GET", path.encode()))))
    started = time.time()
    got = 0
    ended = None
    while time.time() - started < seconds and ended is None and not c.closed:
        for kind, flags, stream, payload in c.frames(0.2):
            if stream != 1:
                continue
            if kind == DATA:
                got += len(payload)
                if flags & END_STREAM:
                    ended = "complete"
            elif kind == RST_STREAM:
                ended = f"reset:{int.from_bytes(payload[:4], 'big')}"
    print(f"slow_read: ended={ended or ('closed' if c.closed else 'open')} after={time.time() - started:.1f}s "
          f"bytes={got}")
    c.close()
    return 0


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "vectors":
        sys.exit(vectors(int(sys.argv[2]), sys.argv[3]))
    if mode == "rapid-reset":
        sys.exit(rapid_reset(int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]),
                             sys.argv[5] if len(sys.argv) > 5 else None))
    if mode == "slow-read":
        sys.exit(slow_read(int(sys.argv[2]), sys.argv[3], float(sys.argv[4])))
    if mode == "hold-streams":
        sys.exit(hold_streams(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])))
    sys.exit(f"unknown mode {mode}")
