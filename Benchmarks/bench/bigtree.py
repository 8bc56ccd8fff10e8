"""4. A big tree: 10,000 folders and 100,000 files. From the start of the process until devserve
listens, and until a change deep in the tree reaches an SSE client; the server's RSS."""
import os
import time

from .processes import rss_kib
from .servers import Devserve
from .sse import SSEClient


def generate(root, top=10, middle=10, leaves=100, files=10):
    """top × middle × leaves leaf folders (10,000), `files` files in each (100,000), plus the
    top and middle folders (110 more)."""
    folders = 0
    for a in range(top):
        for b in range(middle):
            for c in range(leaves):
                leaf = os.path.join(root, f"d{a}", f"d{b}", f"d{c}")
                os.makedirs(leaf)
                folders += 1
                for f in range(files):
                    with open(os.path.join(leaf, f"f{f}.txt"), "w") as out:
                        out.write("x\n")
    return folders, folders * files


def run(report, processes, workspace):
    root = os.path.join(workspace.path, "tree")
    leaves, files = generate(root)
    deep = os.path.join(root, "d9", "d9", "d99", "f9.txt")
    started = time.monotonic_ns()
    server = Devserve(processes, root)
    try:
        client = SSEClient(server.host, server.port)
        listening_ms = (server.ready_ns - started) / 1e6
        with open(deep, "w") as f:
            f.write("changed\n")
        seen, message = client.message(b"built", timeout=10)
        seen_ms = (seen - started) / 1e6
        if "d9/d9/d99/f9.txt" not in message:
            raise RuntimeError(f"the built event did not name the deep file: {message[:200]}")
        rss = rss_kib(server.pid)
        client.close()
    finally:
        server.stop()
    note = f"{leaves + 110:,} folders, {files:,} files"
    report.figure("big tree: start → listening", listening_ms, "ms", note=note)
    report.figure("big tree: start → deep change seen by a client", seen_ms, "ms", 1000, note=note)
    report.figure("big tree: RSS", rss / 1024, "MiB", 64, note=note)
