"""A raw Server-Sent Events client over one socket: it stamps the moment an event arrives, with
nothing between the socket and the clock (no HTTP library, no threads)."""
import select
import socket
import time


def request_bytes(host, port, path="/__hmr"):
    return (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n"
            f"Cache-Control: no-cache\r\n\r\n").encode()


class SSEClient:
    def __init__(self, host, port, path="/__hmr", timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(request_bytes(host, port, path))
        self.buffer = b""
        self.last_read_ns = 0
        self.wait_for(b"event: hello", timeout)
        head = self.before.split(b"\r\n", 1)[0]
        if b" 200 " not in head + b" ":
            raise RuntimeError(f"/__hmr answered {head!r}")

    def drain(self):
        """Throws away whatever has arrived (heartbeats, older events)."""
        self.sock.setblocking(False)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise ConnectionError("the server closed the event stream")
        except BlockingIOError:
            pass
        finally:
            self.sock.setblocking(True)
        self.buffer = b""

    def wait_for(self, marker, timeout):
        """Reads until `marker` (e.g. b"event: built") arrives; returns time.monotonic_ns() of the
        read that brought it; what came before it is in `self.before`. Raises TimeoutError after
        `timeout` s."""
        deadline = time.monotonic() + timeout
        while marker not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                raise TimeoutError(f"no {marker.decode()} within {timeout:g} s")
            chunk = self.sock.recv(65536)
            self.last_read_ns = time.monotonic_ns()
            if not chunk:
                raise ConnectionError("the server closed the event stream")
            self.buffer += chunk
        self.before, _, self.buffer = self.buffer.partition(marker)
        return self.last_read_ns

    def message(self, name, timeout):
        """Waits for the event `name` (e.g. b"built") and returns (arrival in monotonic ns, the
        rest of its message as text)."""
        arrived = self.wait_for(b"event: " + name, timeout)
        self.wait_for(b"\n\n", timeout)
        return arrived, self.before.decode(errors="replace")

    def close(self):
        self.sock.close()
