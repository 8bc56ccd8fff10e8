"""6. Client weight: client-js/devserve.js minified with terser and gzipped (scripts/client-size)."""
import json
import os
import subprocess

from .servers import REPO


def run(report):
    result = subprocess.run([os.path.join(REPO, "scripts", "client-size")], capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        raise RuntimeError(f"scripts/client-size failed: {result.stderr.strip()}")
    sizes = json.loads(result.stdout.strip().splitlines()[-1])
    report.figure("client: minified + gzipped", sizes["minifiedGzipBytes"] / 1024, "KiB", 4,
                  bytes=sizes["minifiedGzipBytes"], served_bytes=sizes["bytes"], gzip_bytes=sizes["gzipBytes"])
