"""1f. Hot module replacement in headless Chromium: the time from the write of a module to its new
version's code running in the page (no reload), and the cost of the module graph on a cold load
of a 500-module page, as a ratio of devserve with it (the default) to devserve with --no-hot, in
the same run."""
import os
import time

from .browser import script, start_chrome, wait, _quit
from .report import percentile
from .servers import Devserve, write

MODULES = 500
FAN_OUT = 20  # main.js imports 20 modules, each imports 24 more: 1 + 20 + 480 modules in all


def hot_page(root):
    os.makedirs(root)
    write(os.path.join(root, "index.html"),
          '<!doctype html><html><body><p>hot</p><script type="module" src="/main.js"></script></body></html>\n')
    write(os.path.join(root, "main.js"), module_source(0))


def module_source(n):
    return (f"window.__ran = {{ n: {n}, at: performance.timeOrigin + performance.now() }};\n"
            "import.meta.hot.accept();\n")


def tree_page(root):
    """index.html → main.js → 20 modules → 24 each (about 500), plain ES modules, no hot API."""
    os.makedirs(root)
    write(os.path.join(root, "index.html"),
          '<!doctype html><html><body><p>tree</p><script type="module" src="/main.js"></script></body></html>\n')
    branches = []
    count = 1
    for b in range(FAN_OUT):
        leaves = []
        for leaf in range((MODULES - 1 - FAN_OUT) // FAN_OUT):
            name = f"m{b}_{leaf}.js"
            write(os.path.join(root, name), f"export const v = {count}; // leaf\n" + "// filler line\n" * 20)
            leaves.append(name)
            count += 1
        imports = "".join(f"import {{ v as v{i} }} from './{name}';\n" for i, name in enumerate(leaves))
        total = " + ".join(f"v{i}" for i in range(len(leaves)))
        write(os.path.join(root, f"b{b}.js"), imports + f"export const sum = {total};\n")
        branches.append(f"b{b}.js")
        count += 1
    imports = "".join(f"import {{ sum as s{i} }} from './{name}';\n" for i, name in enumerate(branches))
    write(os.path.join(root, "main.js"), imports + "window.__total = " + " + ".join(f"s{i}" for i in range(len(branches))) + ";\n")
    return count + 1


def update_latency(driver, processes, workspace, trials, debounce_ms):
    root = os.path.join(workspace.path, f"hot-{debounce_ms}")
    hot_page(root)
    server = Devserve(processes, root, "--debounce", str(debounce_ms))
    latencies, missed, reloads = [], 0, 0
    try:
        driver.get(server.url)
        wait("the module to run", lambda: script(driver, "return window.__ran && window.__ran.n === 0"), 20)
        wait("the client to connect", lambda: script(driver, "return !!(window.devserve && devserve.connected())"), 20)
        script(driver, "window.__mark = true")
        for n in range(1, trials + 1):
            time.sleep(0.3)
            written = time.time() * 1000
            write(os.path.join(root, "main.js"), module_source(n))
            try:
                at = wait("the new version to run",
                          lambda: (r := script(driver, "return window.__ran && window.__ran.n === %d && window.__ran.at" % n)) and r, 10)
            except TimeoutError:
                missed += 1
                continue
            latencies.append(at - written)
        if not script(driver, "return window.__mark === true"):
            reloads += 1
    finally:
        server.stop()
    return latencies, missed, reloads


def cold_loads(driver, processes, workspace, trials):
    """Median load time of the 500-module page, devserve with and without the module graph."""
    root = os.path.join(workspace.path, "hot-tree")
    tree_page(root)
    servers = {"on": Devserve(processes, root), "off": Devserve(processes, root, "--no-hot")}
    times = {"on": [], "off": []}
    try:
        for _ in range(trials):
            for key in ("off", "on"):  # alternate, so drift hits both
                driver.execute_cdp_cmd("Network.clearBrowserCache", {})
                driver.get(servers[key].url)
                wait("the tree to run", lambda: script(driver, "return typeof window.__total === 'number'"), 30)
                load = script(driver, "const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd || n.duration")
                times[key].append(load)
    finally:
        for server in servers.values():
            server.stop()
    return times


def run(report, processes, workspace, trials):
    driver = start_chrome()
    try:
        driver.execute_cdp_cmd("Network.enable", {})
        for debounce_ms in (20, 0):
            latencies, missed, reloads = update_latency(driver, processes, workspace, trials, debounce_ms)
            if not latencies:
                report.failure(f"hot: debounce {debounce_ms}", f"no update in {trials} edits")
                continue
            report.figure(f"hot: write → new module running, p50 (debounce {debounce_ms} ms)", percentile(latencies, 50), "ms",
                          debounce_ms + 10, trials=trials, missed=missed, reloaded=reloads,
                          p90=round(percentile(latencies, 90), 3), max=round(max(latencies), 3))
        times = cold_loads(driver, processes, workspace, max(3, trials // 4))
        on, off = percentile(times["on"], 50), percentile(times["off"], 50)
        report.figure(f"hot: cold load of a {MODULES}-module page, p50 (module graph on)", on, "ms")
        report.figure(f"hot: cold load of a {MODULES}-module page, p50 (--no-hot)", off, "ms")
        report.figure(f"hot: {MODULES}-module cold load, graph on / off", on / off, "×", 1.1)
    finally:
        _quit(driver)
