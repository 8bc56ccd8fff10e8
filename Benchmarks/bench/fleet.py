"""A fleet of SSE clients in one process (python3 fleet.py HOST PORT COUNT): one epoll loop over
every socket, so a thousand or ten thousand clients cost the machine little.

It prints JSON lines: {"ready": COUNT, "seconds": S} once every client has its `hello`, then
{"round": K, "first_ns": …, "last_ns": …} when every client has received its K-th `built` event
(times are time.monotonic_ns(), the clock the runner uses too, stamped when epoll reported the
data). It exits when its stdin closes, or after an hour at most.
"""
import errno
import json
import select
import socket
import sys
import time

MARKER = b"event: built"
HELLO = b"event: hello"
IN_FLIGHT = 200  # connections being set up at once
LIFETIME = 3600.0


def say(**fields):
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def main():
    host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    started = time.monotonic()
    request = (f"GET /__hmr HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n").encode()
    epoll = select.epoll()
    sockets = {}
    tails = {}       # fd -> last bytes seen (a marker may straddle two reads)
    seen = {}        # fd -> built events received
    hello = set()
    pending = 0
    opened = 0
    deadline = started + 120

    def open_one():
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        code = sock.connect_ex((host, port))
        if code not in (0, errno.EINPROGRESS):
            raise OSError(code, f"connect: {errno.errorcode.get(code, code)}")
        fd = sock.fileno()
        sockets[fd] = sock
        tails[fd] = b""
        seen[fd] = 0
        epoll.register(fd, select.EPOLLOUT)

    # Set up every connection, IN_FLIGHT at a time, until each has its hello.
    while len(hello) < count:
        while opened < count and pending < IN_FLIGHT:
            open_one()
            opened += 1
            pending += 1
        if time.monotonic() > deadline:
            raise SystemExit(f"fleet: only {len(hello)} of {count} clients connected within 120 s")
        for fd, mask in epoll.poll(1.0, 1024):
            sock = sockets[fd]
            if mask & select.EPOLLOUT:
                error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if error:
                    raise SystemExit(f"fleet: connect failed after {len(hello)} clients: {errno.errorcode.get(error, error)}")
                sock.send(request)
                epoll.modify(fd, select.EPOLLIN)
                continue
            data = sock.recv(65536)
            if not data:
                raise SystemExit(f"fleet: the server closed a stream after {len(hello)} clients")
            tails[fd] += data
            if HELLO in tails[fd]:
                status = tails[fd].split(b"\r\n", 1)[0]
                if b" 200 " not in status + b" ":
                    raise SystemExit(f"fleet: /__hmr answered {status!r}")
                hello.add(fd)
                pending -= 1
                tails[fd] = b""
    say(ready=count, seconds=round(time.monotonic() - started, 3))

    # Follow the events.
    epoll.register(sys.stdin.fileno(), select.EPOLLIN)
    rounds = {}  # K -> [done, first_ns, last_ns]
    keep = len(MARKER) - 1
    while time.monotonic() - started < LIFETIME:
        events = epoll.poll(5.0, 4096)
        stamp = time.monotonic_ns()
        for fd, mask in events:
            if fd == sys.stdin.fileno():
                if not sys.stdin.buffer.raw.read(4096):
                    return
                continue
            data = sockets[fd].recv(65536)
            if not data:
                raise SystemExit("fleet: the server closed an event stream")
            text = tails[fd] + data
            found = text.count(MARKER)
            tails[fd] = text[-keep:]
            for _ in range(found):
                seen[fd] += 1
                entry = rounds.setdefault(seen[fd], [0, stamp, stamp])
                entry[0] += 1
                entry[2] = stamp
                if entry[0] == count:
                    say(round=seen[fd], first_ns=entry[1], last_ns=entry[2])
                    del rounds[seen[fd]]


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
