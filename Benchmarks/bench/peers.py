"""The peers measured side by side with devserve in the browser: python-livereload (with its
inotify watcher and with polling), Hugo's server and mkdocs serve, each from Debian. Each
`start_*` returns a `Served`: the page URL, the file whose edit reloads it, the gap to leave
between trials, and how to tell the page is connected."""
import os
import random
import subprocess

from .processes import accepts, free_port, wait_until
from .servers import Devserve, PAGE, paragraphs, write

DEBIAN_PYTHON = "/usr/bin/python3"  # Debian's python3-livereload, python3-pyinotify and mkdocs live here

LIVERELOAD = """import sys
from livereload import Server
from livereload.watcher import Watcher
root, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
server = Server(watcher=Watcher() if mode == "polling" else None)
print(type(server.watcher).__name__, flush=True)
server.watch(root)
server.serve(root=root, host="127.0.0.1", port=port, restart_delay=0)
"""


class Served:
    def __init__(self, name, process, url, edit_path, gap, ready_script=None, stop=None):
        self.name = name
        self.process = process
        self.url = url
        self.edit_path = edit_path
        self.gap = gap                      # (min, max) seconds between trials
        self.ready_script = ready_script    # JS returning true once the page follows changes; None: settle 1 s
        self._stop = stop

    def edit(self, n):
        """Rewrites the watched page source so it differs from every earlier version."""
        with open(self.edit_path) as f:
            text = f.read()
        marker = "<!-- edit -->"
        head, _, _ = text.partition(marker)
        with open(self.edit_path, "w") as f:
            f.write(f"{head}{marker}<p>edit {n} {random.random()}</p>\n")

    def stop(self):
        self._stop()


def page_with_marker():
    return PAGE.format(filler=paragraphs(2) + "\n<!-- edit --><p>edit 0</p>")


def start_devserve(processes, workspace, debounce_ms):
    root = workspace.site(f"browser-devserve-{debounce_ms}")
    write(os.path.join(root, "index.html"), page_with_marker())
    server = Devserve(processes, root, "--debounce", str(debounce_ms))
    return Served(f"devserve (debounce {debounce_ms} ms)", server.process, server.url, os.path.join(root, "index.html"),
                  (0.2, 0.6), "return !!(window.devserve && window.devserve.connected())", server.stop)


def _start(processes, workspace, name, argv, port, **options):
    log = open(os.path.join(workspace.path, f"{name}.log"), "w")
    process = processes.start(argv, stdout=log, stderr=subprocess.STDOUT, **options)

    def alive_and_listening():
        if process.poll() is not None:
            with open(log.name) as f:
                raise RuntimeError(f"{name} exited: {f.read().strip()[-400:]}")
        return accepts(port)

    wait_until(f"{name} to listen", alive_and_listening, timeout=30, interval=0.05)

    def stop():
        processes.stop(process)
        log.close()

    return process, stop


def start_livereload(processes, workspace, mode):
    root = workspace.site(f"browser-livereload-{mode}")
    write(os.path.join(root, "index.html"), page_with_marker())
    script = os.path.join(workspace.path, "livereload_server.py")
    write(script, LIVERELOAD)
    port = free_port()
    process, stop = _start(processes, workspace, f"livereload-{mode}", [DEBIAN_PYTHON, script, root, str(port), mode], port)
    # It ignores any change within 3 s of its last reload, so trials are 3.5–4 s apart.
    return Served(f"python-livereload ({mode})", process, f"http://127.0.0.1:{port}/", os.path.join(root, "index.html"),
                  (3.5, 4.0), stop=stop)


def start_hugo(processes, workspace):
    site = os.path.join(workspace.path, "browser-hugo")
    os.makedirs(os.path.join(site, "layouts"))
    os.makedirs(os.path.join(site, "content"))
    write(os.path.join(site, "config.toml"),
          'baseURL = "http://127.0.0.1/"\ntitle = "bench"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "404"]\n')
    write(os.path.join(site, "layouts", "index.html"), page_with_marker())
    port = free_port()
    process, stop = _start(processes, workspace, "hugo", ["hugo", "server", "--source", site, "--bind", "127.0.0.1",
                                                          "--port", str(port), "--disableFastRender"], port)
    return Served("Hugo server", process, f"http://127.0.0.1:{port}/", os.path.join(site, "layouts", "index.html"),
                  (0.8, 1.2), stop=stop)


def start_mkdocs(processes, workspace):
    site = os.path.join(workspace.path, "browser-mkdocs")
    os.makedirs(os.path.join(site, "docs"))
    write(os.path.join(site, "mkdocs.yml"), "site_name: bench\n")
    write(os.path.join(site, "docs", "index.md"), "# Benchmark page\n\n" + paragraphs(2) + "\n<!-- edit --><p>edit 0</p>\n")
    port = free_port()
    process, stop = _start(processes, workspace, "mkdocs", ["mkdocs", "serve", "-f", os.path.join(site, "mkdocs.yml"),
                                                            "-a", f"127.0.0.1:{port}"], port, cwd=site)
    return Served("mkdocs serve", process, f"http://127.0.0.1:{port}/", os.path.join(site, "docs", "index.md"),
                  (0.8, 1.2), stop=stop)
