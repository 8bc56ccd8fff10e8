"""5. Idle cost: the server's CPU seconds over 60 s with 100 clients connected and no changes."""
import time

from .fleet_client import Fleet
from .processes import cpu_nanoseconds, cpu_seconds
from .servers import Devserve


def run(report, processes, workspace, seconds=60, clients=100):
    root = workspace.site("idle")
    server = Devserve(processes, root)
    fleet = None
    try:
        fleet = Fleet(processes, server.host, server.port, clients)
        time.sleep(2)
        before, before_ticks = cpu_nanoseconds(server.pid), cpu_seconds(server.pid)
        time.sleep(seconds)
        used = (cpu_nanoseconds(server.pid) - before) / 1e9
        ticks = cpu_seconds(server.pid) - before_ticks
    finally:
        if fleet:
            fleet.close()
        server.stop()
    report.figure(f"idle CPU over {seconds} s, {clients} clients", used, "s", 0.05,
                  stat_seconds=round(ticks, 3), note="heartbeats only; summed over the threads' schedstat")
