# SPDX-License-Identifier: Apache-2.0
"""Bad and good clients of the daemon's control socket (a Unix stream socket: one JSON request on one
line, one JSON answer on one line), for control_latency_test.sh.

  control_load.py load SOCKET SECONDS IDLE SLOW READY_FILE
      For SECONDS, keeps IDLE connections that never send a byte and SLOW ones that send a space
      every 200 ms and never a newline. A connection the server closes (or answers) is opened
      again at once; a connect refused because the listen backlog is full is retried every 50 ms.
      Once every connection has been opened (or after 1 s of trying), writes "connected=N of M"
      to READY_FILE. At the end prints what it did: connects, closes by the server, bytes sent.
  control_load.py status SOCKET TIMEOUT_MS
      One {"command": "status"} request, all of it (connect, send, answer) within TIMEOUT_MS.
      Prints "MS ANSWER" and exits 0, or prints why and exits 1.
"""
import json
import os
import selectors
import signal
import socket
import sys
import time

SLOW_EVERY_S = 0.2


def status(path, timeout):
    start = time.monotonic()
    deadline = start + timeout
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    data = b""
    try:
        s.settimeout(timeout)
        while True:  # a full listen backlog refuses at once (EAGAIN): wait as a blocking client would
            try:
                s.connect(path)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TimeoutError()
                time.sleep(0.01)
        s.sendall(b'{"command":"status"}\n')
        while b"\n" not in data:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError()
            s.settimeout(left)
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except (TimeoutError, socket.timeout):
        print(f"no answer within {1000 * timeout:.0f} ms (got {len(data)} bytes)")
        return 1
    except OSError as e:
        print(f"{e.__class__.__name__}: {e} after {1000 * (time.monotonic() - start):.0f} ms")
        return 1
    finally:
        s.close()
    ms = 1000 * (time.monotonic() - start)
    line = data.split(b"\n", 1)[0].decode(errors="replace")
    try:
        answer = json.loads(line)
    except ValueError:
        print(f"{ms:.0f} not JSON: {line!r}")
        return 1
    if not answer.get("ok"):
        print(f"{ms:.0f} refused: {line}")
        return 1
    print(f"{ms:.1f} {line}")
    return 0


class Slot:
    def __init__(self, slow):
        self.slow = slow
        self.sock = None
        self.next_try = 0.0    # when to try connecting again
        self.next_byte = 0.0   # slow: when to send the next space


def load(path, seconds, idle, slow, ready_file):
    stop = time.monotonic() + seconds
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sel = selectors.DefaultSelector()
    # Interleaved, so that a server that accepts a few at a time meets both kinds early.
    slots = []
    for i in range(max(idle, slow)):
        slots += [Slot(False)] * (i < idle) + [Slot(True)] * (i < slow)
    stats = {"connects": 0, "refused": 0, "closed_by_server": 0, "answers": 0, "bytes_sent": 0}
    ready_at = time.monotonic() + 1.0
    ready = False

    def drop(slot, now):
        sel.unregister(slot.sock)
        slot.sock.close()
        slot.sock = None
        slot.next_try = now

    def connect(slot, now):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_NONBLOCK)
        try:
            s.connect(path)
        except (BlockingIOError, InterruptedError, ConnectionRefusedError, FileNotFoundError):
            # EAGAIN: the listen backlog is full (the server is not accepting); try again soon.
            s.close()
            stats["refused"] += 1
            slot.next_try = now + 0.05
            return
        slot.sock = s
        slot.next_byte = now + SLOW_EVERY_S
        sel.register(s, selectors.EVENT_READ, slot)
        stats["connects"] += 1

    try:
        while True:
            now = time.monotonic()
            if now >= stop:
                break
            for slot in slots:
                if slot.sock is None and now >= slot.next_try:
                    connect(slot, now)
                elif slot.sock is not None and slot.slow and now >= slot.next_byte:
                    try:
                        stats["bytes_sent"] += slot.sock.send(b" ")
                    except (BlockingIOError, InterruptedError):
                        pass
                    except OSError:
                        stats["closed_by_server"] += 1
                        drop(slot, now)
                        continue
                    slot.next_byte = now + SLOW_EVERY_S
            if not ready and (all(s.sock is not None for s in slots) or now >= ready_at):
                ready = True
                connected = sum(1 for s in slots if s.sock is not None)
                with open(ready_file + ".tmp", "w") as f:
                    f.write(f"connected={connected} of {len(slots)}\n")
                os.rename(ready_file + ".tmp", ready_file)
            for key, _ in sel.select(timeout=0.05):
                slot = key.data
                try:
                    data = slot.sock.recv(4096)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    data = b""
                if data:
                    stats["answers"] += 1  # the server's error answer; its close follows
                    continue
                stats["closed_by_server"] += 1
                drop(slot, time.monotonic())
    finally:
        for slot in slots:
            if slot.sock is not None:
                slot.sock.close()
        print(" ".join(f"{k}={v}" for k, v in stats.items()), flush=True)
    return 0


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "status" and len(sys.argv) == 4:
        sys.exit(status(sys.argv[2], float(sys.argv[3]) / 1000))
    if mode == "load" and len(sys.argv) == 7:
        sys.exit(load(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
