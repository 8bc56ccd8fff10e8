"""1b. In a real browser: headless Chromium shows the page; the time from the write of its source
to the start of the reloaded document (the new page's performance.timeOrigin minus the write's
wall-clock time). devserve and its peers, side by side in the same run."""
import atexit
import os
import random
import sys
import time

from selenium.common.exceptions import WebDriverException

from . import peers
from .processes import wait_until
from .report import percentile
from .servers import REPO

sys.path.insert(0, os.path.join(REPO, "client-js", "e2e"))
import support as e2e_support  # noqa: E402  (the browser suite's Chromium setup)


def start_chrome():
    """The browser suite's headless Chromium (client-js/e2e/support.py), quit at exit too."""
    driver = e2e_support.start_chrome()
    atexit.register(_quit, driver)
    return driver


def _quit(driver):
    try:
        driver.quit()
    except Exception:
        pass


def script(driver, source):
    """Runs `source`, or returns None while the page is between documents."""
    try:
        return driver.execute_script(source)
    except WebDriverException:
        return None


def wait(what, condition, timeout):
    return wait_until(what, condition, timeout, interval=0.002)


def settle(driver, served):
    wait("the page to load", lambda: script(driver, "return document.readyState") == "complete", 20)
    if served.ready_script:
        wait(f"{served.name}'s page to connect", lambda: script(driver, served.ready_script), 10)
    else:
        time.sleep(1.0)  # the peers' clients give no sign of being connected


def measure(driver, served, trials):
    """Latencies in ms of `trials` reloads, and how many edits brought no reload within 10 s."""
    driver.get(served.url)
    settle(driver, served)
    rng = random.Random(served.name)
    latencies, missed = [], 0
    for n in range(1, trials + 1):
        time.sleep(rng.uniform(*served.gap))
        before = script(driver, "return performance.timeOrigin")
        written = time.time() * 1000
        served.edit(n)
        try:
            origin = wait("a reload", lambda: (o := script(driver, "return performance.timeOrigin")) and o != before and o, 10)
        except TimeoutError:
            missed += 1
            driver.get(served.url)
        else:
            latencies.append(origin - written)
        settle(driver, served)
    return latencies, missed


def run(report, processes, workspace, trials, include_peers=True):
    contenders = [
        ("devserve-20", lambda: peers.start_devserve(processes, workspace, 20), 23),
        ("devserve-0", lambda: peers.start_devserve(processes, workspace, 0), 3),
    ]
    if include_peers:
        contenders += [
            ("livereload-inotify", lambda: peers.start_livereload(processes, workspace, "inotify"), None),
            ("livereload-polling", lambda: peers.start_livereload(processes, workspace, "polling"), None),
            ("hugo", lambda: peers.start_hugo(processes, workspace), None),
            ("mkdocs", lambda: peers.start_mkdocs(processes, workspace), None),
        ]
    driver = start_chrome()
    medians = {}
    try:
        for key, start, target in contenders:
            try:
                served = start()
            except Exception as error:
                report.failure(f"browser: {key}", error)
                continue
            try:
                latencies, missed = measure(driver, served, trials)
            except Exception as error:
                report.failure(f"browser: {served.name}", error)
                continue
            finally:
                served.stop()
            if not latencies:
                report.failure(f"browser: {served.name}", f"no reload in {trials} edits")
                continue
            medians[key] = percentile(latencies, 50)
            report.figure(f"browser: write → reloaded page, p50 ({served.name})", medians[key], "ms", target,
                          trials=trials, missed=missed, p90=round(percentile(latencies, 90), 3),
                          min=round(min(latencies), 3), max=round(max(latencies), 3))
    finally:
        _quit(driver)
    ours = medians.get("devserve-20")
    if ours:
        for key, value in medians.items():
            if not key.startswith("devserve"):
                report.figure(f"browser: {key} p50 / devserve (debounce 20 ms) p50", value / ours, "×")
    return medians
