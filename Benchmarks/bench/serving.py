"""3. Static serving: wrk (2 threads, 64 connections, 10 s) against devserve and against nginx
with Debian's default configuration serving the same folder, in the same run. Then what gzip
costs devserve per request: the same page and script asked for without and with
`Accept-Encoding: gzip`."""
import os
import re
import subprocess

from .processes import accepts, free_port, wait_until
from .servers import Devserve, write

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


# (label, path): text devserve gzips. The script is written by `run`.
COMPRESSED = [
    ("HTML page, client injected", "/page.html"),
    ("256 KiB script", "/files/bundle.js"),
]


def wrk(url, seconds, headers=()):
    """Requests per second from `wrk -t2 -c64 -dNs [-H HEADER]… URL`; raises if any response was
    not 2xx or a socket error happened."""
    extra = [part for header in headers for part in ("-H", header)]
    result = subprocess.run(["wrk", "-t2", "-c64", f"-d{seconds}s", *extra, url], capture_output=True, text=True,
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


def bundle_script(size):
    """About `size` bytes of script (it compresses about 10:1, better than a real bundle's
    4:1), with no imports, so devserve sends it as a file."""
    lines, total, index = [], 0, 0
    while total < size:
        line = f"function handler{index}(event) {{ return event.target.dataset.value{index % 97} + {index * 7919 % 10007}; }}\n"
        lines.append(line)
        total += len(line)
        index += 1
    return "".join(lines)


def run(report, processes, workspace, seconds=10):
    root = workspace.site("serving")
    write(os.path.join(root, "files", "bundle.js"), bundle_script(256 << 10))
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
        # What gzip costs per request: the time per request with it less the time without it.
        # The gzip bytes are cached by content, so this is the steady state of a reload loop
        # (a lookup and a larger or smaller write), not the compression of a changed file.
        for label, path in COMPRESSED:
            url = f"http://127.0.0.1:{server.port}{path}"
            plain, plain_errors = wrk(url, seconds)
            gzipped, gzip_errors = wrk(url, seconds, headers=["Accept-Encoding: gzip"])
            report.figure(f"wrk {label}, identity: devserve", plain, "req/s", note="; ".join(plain_errors))
            report.figure(f"wrk {label}, gzip: devserve", gzipped, "req/s", note="; ".join(gzip_errors))
            report.figure(f"gzip cost per request, {label}", (1 / gzipped - 1 / plain) * 1e6, "µs",
                          note="time per request with gzip less without; negative: gzip is cheaper (fewer bytes to write)")
    finally:
        server.stop()
        processes.stop(nginx)
