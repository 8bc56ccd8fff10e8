"""2. Fan-out: N SSE clients connected; from the write until the last of them has `built`; and the
server's memory per idle connected client."""
import os
import random
import time

from .fleet_client import Fleet
from .processes import rss_kib
from .report import percentile
from .servers import Devserve

DEBOUNCE_MS = 20


def run(report, processes, workspace, clients, rounds, target_ms):
    root = workspace.site(f"fanout-{clients}")
    server = Devserve(processes, root, "--debounce", str(DEBOUNCE_MS), "--max-clients", str(clients + 16))
    fleet = None
    try:
        time.sleep(1)  # let start-up allocations settle before the baseline
        before = rss_kib(server.pid)
        fleet = Fleet(processes, server.host, server.port, clients)
        time.sleep(2)
        after = rss_kib(server.pid)
        after_debounce, spread = [], []
        rng = random.Random(clients)
        target = os.path.join(root, "app.js")
        for i in range(rounds):
            time.sleep(rng.uniform(0.2, 0.5))
            start = time.monotonic_ns()
            with open(target, "w") as f:
                f.write(f"// round {i}\n")
            result = fleet.next_round(timeout=10)
            after_debounce.append((result["last_ns"] - start) / 1e6 - DEBOUNCE_MS)
            spread.append((result["last_ns"] - result["first_ns"]) / 1e6)
        loaded = rss_kib(server.pid)
    finally:
        if fleet:
            fleet.close()
        server.stop()
    report.figure(f"fan-out: last of {clients:,} clients, after the debounce (median)", percentile(after_debounce, 50), "ms",
                  target_ms, rounds=rounds, worst=round(max(after_debounce), 3),
                  note=f"write→last minus the {DEBOUNCE_MS} ms debounce")
    report.figure(f"fan-out: last of {clients:,} clients, after the debounce (worst of {rounds})", max(after_debounce), "ms", target_ms)
    report.figure(f"fan-out: first→last client spread ({clients:,} clients, median)", percentile(spread, 50), "ms")
    report.figure(f"RSS per idle client ({clients:,} clients)", (after - before) / clients, "KiB", 12,
                  rss_before_kib=before, rss_after_kib=after, rss_after_events_kib=loaded,
                  connect_seconds=fleet.connect_seconds)
