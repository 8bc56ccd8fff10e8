"""3. Static serving: wrk (2 threads, 64 connections, 10 s) against devserve and against nginx
with Debian's default configuration serving the same folder, in the same run."""
import os
import re
import subprocess

from .processes import accepts, free_port, wait_until
from .servers import Devserve

NGINX_CONF = """# Debian's /etc/nginx/nginx.conf and sites-available/default, with the paths moved to a temp folder.
user www-data;
worker_processes auto;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
daemon off;
events {{
    worker_connections 768;
}}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {dir}/access.log;
    gzip on;
    server {{
        listen 127.0.0.1:{port} default_server;
        root {root};
        index index.html index.htm;
        server_name _;
        location / {{
            try_files $uri $uri/ =404;
        }}
    }}
}}
"""

CASES = [  # (label, path, target ratio to nginx)
    ("4 KiB file", "/files/4k.bin", 0.6),
    ("1 MiB file", "/files/1m.bin", 0.6),
    ("HTML page, client injected", "/page.html", 0.5),
]


def wrk(url, seconds):
    """Requests per second from `wrk -t2 -c64 -dNs URL`; raises if any response was not 2xx or
    a socket error happened."""
    result = subprocess.run(["wrk", "-t2", "-c64", f"-d{seconds}s", url], capture_output=True, text=True,
                            timeout=seconds + 30)
    out = result.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if result.returncode != 0 or not rate:
        raise RuntimeError(f"wrk failed on {url}: {result.stderr.strip() or out.strip()}")
    problems = re.findall(r"(Non-2xx or 3xx responses: \d+|Socket errors: [^\n]+)", out)
    errors = [p for p in problems if not p.startswith("Socket errors: connect 0, read 0, write 0, timeout 0")]
    return float(rate.group(1)), errors


def start_nginx(processes, workspace, root):
    folder = os.path.join(workspace.path, "nginx")
    os.makedirs(folder, exist_ok=True)
    port = free_port()
    conf = os.path.join(folder, "nginx.conf")
    with open(conf, "w") as f:
        f.write(NGINX_CONF.format(dir=folder, port=port, root=root))
    for path in (workspace.path, os.path.dirname(root), root):  # nginx's workers run as www-data
        os.chmod(path, 0o755)
    process = processes.start(["nginx", "-c", conf, "-e", os.path.join(folder, "error.log")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until("nginx to listen", lambda: accepts(port) or (process.poll() is not None and _dead(folder)), timeout=10)
    return process, port


def _dead(folder):
    with open(os.path.join(folder, "error.log")) as f:
        raise RuntimeError(f"nginx did not start: {f.read().strip()[-300:]}")


def run(report, processes, workspace, seconds=10):
    root = workspace.site("serving")
    nginx, nginx_port = start_nginx(processes, workspace, root)
    server = Devserve(processes, root)
    try:
        for label, path, target in CASES:
            ours, our_errors = wrk(f"http://127.0.0.1:{server.port}{path}", seconds)
            theirs, their_errors = wrk(f"http://127.0.0.1:{nginx_port}{path}", seconds)
            errors = our_errors + [f"nginx: {e}" for e in their_errors]
            report.figure(f"wrk {label}: devserve", ours, "req/s", note="; ".join(errors))
            report.figure(f"wrk {label}: nginx", theirs, "req/s")
            report.figure(f"wrk {label}: devserve / nginx", ours / theirs, "×", target, better="higher")
        # The floor: every middleware and a 404, no file read. No file can be served faster.
        floor, errors = wrk(f"http://127.0.0.1:{server.port}/no-such-file", seconds)
        report.figure("wrk 404 (every middleware, no file): devserve", floor, "req/s",
                      note="the ceiling for any file; " + "; ".join(e for e in errors if not e.startswith("Non-2xx")))
    finally:
        server.stop()
        processes.stop(nginx)
