"""1. Change → event: from the write() of a watched file to the `built` event at an SSE client."""
import os
import random
import time

from .fleet_client import Fleet
from .report import percentile
from .servers import Devserve
from .sse import SSEClient


def trials(root, count, client):
    """`count` writes, each followed by a wait for `built`, spread out by 50–250 ms gaps."""
    target = os.path.join(root, "app.js")
    rng = random.Random(6)
    results = []
    for i in range(count):
        time.sleep(rng.uniform(0.05, 0.25))
        client.drain()
        text = f"// version {i + 1} {rng.random()}\n"
        start = time.monotonic_ns()
        with open(target, "w") as f:
            f.write(text)
        arrived = client.wait_for(b"event: built", timeout=5)
        results.append((arrived - start) / 1e6)
    return results


def run(report, processes, workspace, count, debounce_ms=20, clients=0):
    label = f"debounce {debounce_ms} ms" + (f", {clients:,} clients" if clients else "")
    root = workspace.site(f"latency-{debounce_ms}-{clients}")
    arguments = ["--debounce", str(debounce_ms)]
    if clients:
        arguments += ["--max-clients", str(clients + 16)]
    server = Devserve(processes, root, *arguments)
    fleet = None
    try:
        if clients:
            fleet = Fleet(processes, server.host, server.port, clients)
        client = SSEClient(server.host, server.port)
        times = trials(root, count, client)
        client.close()
    finally:
        if fleet:
            fleet.close()
        server.stop()
    p50_target = 3 if debounce_ms == 0 else debounce_ms + 3
    p99_target = None if debounce_ms == 0 else debounce_ms + 10
    report.figure(f"change→event p50 ({label})", percentile(times, 50), "ms", p50_target,
                  trials=count, min=round(min(times), 3), max=round(max(times), 3))
    report.figure(f"change→event p99 ({label})", percentile(times, 99), "ms", p99_target, trials=count)
    return times
