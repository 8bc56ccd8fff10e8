"""The runner's side of fleet.py: start a fleet, wait until every client is connected, and read
the rounds it reports."""
import json
import os
import select
import subprocess
import sys

FLEET = os.path.join(os.path.dirname(__file__), "fleet.py")


class Fleet:
    def __init__(self, processes, host, port, count, timeout=150):
        self.processes = processes
        self.count = count
        self.process = processes.start(
            [sys.executable, FLEET, host, str(port), str(count)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
        ready = self.read(timeout, f"{count:,} clients to connect")
        self.connect_seconds = ready["seconds"]

    def read(self, timeout, what):
        """The next JSON line from the fleet, or an error naming `what` (and the fleet's own)."""
        if not select.select([self.process.stdout], [], [], timeout)[0]:
            raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(timeout=5)
            raise RuntimeError(f"the fleet stopped while waiting for {what}: {self.process.stderr.read().decode().strip()[-300:]}")
        return json.loads(line)

    def next_round(self, timeout=10):
        """{"round", "first_ns", "last_ns"} once every client has the next `built` event."""
        return self.read(timeout, f"all {self.count:,} clients to get a built event")

    def close(self):
        self.processes.stop(self.process)
