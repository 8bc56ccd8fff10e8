"""The benchmark runner: python3 -m bench [--only NAMES] [--quick] [--json FILE] (run from
Benchmarks/, or through Benchmarks/run, which installs what it needs and builds devserve in
release mode first)."""
import argparse
import os
import platform
import subprocess
import sys

from . import bigtree, browser, client_weight, fanout, hot, idle, latency, serving
from .processes import Processes, raise_file_limit
from .report import Report
from .servers import BINARY, REPO, Workspace

BENCHMARKS = ["latency", "browser", "hot", "fanout", "serving", "tree", "idle", "client"]


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return {"machine": True, "cores": os.cpu_count(), "cpu": model, "kernel": platform.release(),
            "memory_gib": round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1),
            "commit": commit, "binary": BINARY}


def main():
    parser = argparse.ArgumentParser(prog="Benchmarks/run", description=__doc__)
    parser.add_argument("--only", default=",".join(BENCHMARKS), help=f"comma-separated: {', '.join(BENCHMARKS)}")
    parser.add_argument("--quick", action="store_true", help="fewer trials and shorter runs (a smoke test, not figures)")
    parser.add_argument("--no-peers", action="store_true", help="measure devserve alone in the browser")
    parser.add_argument("--json", help="also write the JSON lines to this file")
    options = parser.parse_args()
    chosen = [name.strip() for name in options.only.split(",") if name.strip()]
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark {', '.join(sorted(unknown))}; choose from {', '.join(BENCHMARKS)}")
    if not os.access(BINARY, os.X_OK):
        sys.exit(f"bench: no devserve binary at {BINARY}; run Benchmarks/run, or swift build -c release first")
    quick = options.quick
    files = raise_file_limit(20_500)
    report = Report(options.json)
    info = machine()
    info["file_limit"] = files
    report.note(info)
    processes = Processes()
    workspace = Workspace()
    plan = {
        "latency": lambda: [
            latency.run(report, processes, workspace, 20 if quick else 200, debounce_ms=20),
            latency.run(report, processes, workspace, 20 if quick else 200, debounce_ms=0),
            latency.run(report, processes, workspace, 20 if quick else 200, debounce_ms=20, clients=1000),
            latency.run(report, processes, workspace, 20 if quick else 200, debounce_ms=0, clients=1000),
        ],
        "browser": lambda: browser.run(report, processes, workspace, 5 if quick else 50, include_peers=not options.no_peers),
        "hot": lambda: hot.run(report, processes, workspace, 5 if quick else 50),
        "fanout": lambda: [
            fanout.run(report, processes, workspace, 1000, 5 if quick else 30, 20),
            fanout.run(report, processes, workspace, 10_000, 3 if quick else 20, 150),
        ],
        "serving": lambda: serving.run(report, processes, workspace, 3 if quick else 10),
        "tree": lambda: bigtree.run(report, processes, workspace),
        "idle": lambda: idle.run(report, processes, workspace, 10 if quick else 60),
        "client": lambda: client_weight.run(report),
    }
    try:
        for name in chosen:
            try:
                plan[name]()
            except Exception as error:
                report.failure(name, f"{type(error).__name__}: {error}")
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
    finally:
        processes.stop_all()
        workspace.remove()
    report.table()
    return 0 if all("error" not in f and f.get("met") is not False for f in report.figures) else 1


if __name__ == "__main__":
    sys.exit(main())
