"""Starting devserve (the release binary) as a separate process, and a project folder for it."""
import json
import os
import shutil
import tempfile
import time

from .processes import wait_until

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("DEVSERVE_BIN", os.path.join(REPO, ".build", "release", "devserve"))

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>bench</title><link rel="stylesheet" href="style.css"></head>
<body>
<h1>Benchmark page</h1>
{filler}
<script src="app.js"></script>
</body>
</html>
"""


class Workspace:
    """A temp folder removed at the end; `site()` makes a small web project in it."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="devserve-bench-")

    def site(self, name="site"):
        root = os.path.join(self.path, name)
        os.makedirs(os.path.join(root, "files"))
        write(os.path.join(root, "index.html"), PAGE.format(filler=paragraphs(2)))
        write(os.path.join(root, "page.html"), PAGE.format(filler=paragraphs(40)))
        write(os.path.join(root, "style.css"), "body { font-family: sans-serif; }\n")
        write(os.path.join(root, "app.js"), "// version 0\n")
        with open(os.path.join(root, "files", "4k.bin"), "wb") as f:
            f.write(os.urandom(4096))
        with open(os.path.join(root, "files", "1m.bin"), "wb") as f:
            f.write(os.urandom(1 << 20))
        return root

    def remove(self):
        shutil.rmtree(self.path, ignore_errors=True)


def paragraphs(n):
    return "\n".join(f"<p>Paragraph {i}: lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>" for i in range(n))


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


class Devserve:
    """`devserve ROOT --port 0 --json …` with its output in a log file (never a pipe that could
    fill up and stall the server)."""

    def __init__(self, processes, root, *arguments, log_dir=None):
        self.processes = processes
        self.log_path = os.path.join(log_dir or os.path.dirname(root), f"devserve-{time.monotonic_ns()}.log")
        self.log = open(self.log_path, "w")
        self.started_ns = time.monotonic_ns()
        self.process = processes.start(
            [BINARY, root, "--port", "0", "--json", "--no-open", *arguments], stdout=self.log, stderr=self.log)
        listening = wait_until("devserve to listen", self._listening, timeout=60)
        self.ready_ns = time.monotonic_ns()
        self.url = listening["url"]
        self.host, port = self.url.split("//", 1)[1].rstrip("/").rsplit(":", 1)
        self.port = int(port)

    @property
    def pid(self):
        return self.process.pid

    def _listening(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"devserve exited with {self.process.returncode}: {self.output()[-500:]}")
        for line in self.output().splitlines():
            if line.startswith("{") and '"listening"' in line:
                return json.loads(line)
        return None

    def output(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        self.processes.stop(self.process)
        self.log.close()
