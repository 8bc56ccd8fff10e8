"""What the browser tests share: the real devserve binary on a free port, a temp copy of a
fixture, a headless Chromium driven by Selenium, and bounded waits that say what they waited for.

Environment: DEVSERVE_BIN (the binary, default .build/debug/devserve), CHROMEDRIVER
(default /usr/bin/chromedriver), DEVSERVE_ARTIFACTS (where screenshots go, default
.build/browser-artifacts).
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("DEVSERVE_BIN", os.path.join(REPO, ".build", "debug", "devserve"))
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", shutil.which("chromedriver") or "/usr/bin/chromedriver")
ARTIFACTS = os.environ.get("DEVSERVE_ARTIFACTS", os.path.join(REPO, ".build", "browser-artifacts"))


def wait_for(what, condition, timeout=10.0, interval=0.05):
    """Polls `condition` until it returns something truthy (and returns that), or fails naming `what`."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except WebDriverException as error:  # e.g. a script run while the page is reloading
            last_error = error
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}" + (f" (last error: {last_error.msg})" if last_error else ""))


class Project:
    """A temp copy of a fixture (or an empty folder), removed at cleanup."""

    def __init__(self, fixture=None):
        self.parent = tempfile.mkdtemp(prefix="devserve-e2e-")
        self.path = os.path.join(self.parent, fixture or "project")
        if fixture:
            shutil.copytree(os.path.join(REPO, "Fixtures", fixture), self.path)
        else:
            os.makedirs(self.path)

    def file(self, relative):
        return os.path.join(self.path, relative)

    def write(self, relative, content):
        path = self.file(relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb" if isinstance(content, bytes) else "w") as f:
            f.write(content)
        return path

    def read(self, relative):
        with open(self.file(relative)) as f:
            return f.read()

    def edit(self, relative, old, new):
        text = self.read(relative)
        assert old in text, f"{old!r} not in {relative}"
        self.write(relative, text.replace(old, new))

    def remove(self):
        shutil.rmtree(self.parent, ignore_errors=True)


class Devserve:
    """The real devserve binary, started with --json; `url` ends with a slash."""

    def __init__(self, args, cwd, port=0):
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen(
            [BINARY, *args, "--port", str(port), "--json"], cwd=cwd,
            stdout=subprocess.PIPE, stderr=self.stderr, text=True, start_new_session=True)
        line = self._first_line(timeout=20)
        first = json.loads(line)
        if first.get("type") != "listening":
            self.stop()
            raise AssertionError(f"devserve did not start: {line}")
        self.url = first["url"]
        self.port = int(self.url.rstrip("/").rsplit(":", 1)[1])
        self.lines = []
        # Drain the rest of stdout so devserve never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        # Kept (the --json lines), for tests that check what devserve printed.
        with self.process.stdout:
            for line in self.process.stdout:
                self.lines.append(line.rstrip("\n"))

    def events(self, kind):
        """The --json lines printed so far of one type, decoded."""
        found = []
        for line in list(self.lines):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if record.get("type") == kind:
                found.append(record)
        return found

    def _first_line(self, timeout):
        result = []
        reader = threading.Thread(target=lambda: result.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not result or not result[0]:
            self.stderr.seek(0)
            output = self.stderr.read()[-2000:]
            self.stop()
            raise AssertionError(f"devserve did not start within {timeout} s (exit code {self.process.poll()}): {output}")
        return result[0]

    def status(self):
        """GET /__hmr/status as a dict (clients: open event streams)."""
        with urllib.request.urlopen(self.url + "__hmr/status", timeout=5) as response:
            return json.load(response)

    def signal(self, number):
        self.process.send_signal(number)

    def stop(self):
        """SIGTERM, then SIGKILL after 10 s; also sweeps the process group (build commands)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.stderr.close()


class ConnectionCounter:
    """Listens on a port while devserve is down and answers every request with 503, counting the
    connections: a client in a tight reconnect loop shows up as hundreds of them."""

    def __init__(self, port):
        self.connections = 0
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("127.0.0.1", port))
        self.socket.listen(64)
        self.socket.settimeout(0.1)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except (socket.timeout, OSError):
                continue
            self.connections += 1
            with connection:
                connection.settimeout(1)
                try:
                    connection.recv(65536)
                    connection.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                except OSError:
                    pass

    def close(self):
        self.running = False
        self.thread.join(2)
        self.socket.close()


def start_chrome():
    """A headless Chromium with the page console captured (driver.get_log('browser'))."""
    options = Options()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1000,700", "--disable-background-timer-throttling",
                     "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(10)
    driver.set_page_load_timeout(20)
    return driver


class BrowserTestCase(unittest.TestCase):
    """One Chromium per test class; each test gets projects and servers cleaned up after it."""

    driver = None

    @classmethod
    def setUpClass(cls):
        cls.driver = start_chrome()

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()

    def setUp(self):
        # A single fresh tab (scripts added with hide_apis stay with their tab).
        old = self.driver.window_handles
        self.driver.switch_to.new_window("tab")
        fresh = self.driver.current_window_handle
        for handle in old:
            self.driver.switch_to.window(handle)
            self.driver.close()
        self.driver.switch_to.window(fresh)
        self.driver.get_log("browser")  # drop earlier messages

    def project(self, fixture=None):
        project = Project(fixture)
        self.addCleanup(project.remove)
        return project

    def devserve(self, args, cwd, port=0):
        server = Devserve(args, cwd, port)
        self.addCleanup(server.stop)
        return server

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def open(self, url, transport="shared-worker"):
        """Loads `url` and waits until the client is connected over `transport`."""
        self.driver.get(url)
        self.wait_connected(transport)

    def wait_connected(self, transport="shared-worker", timeout=10):
        wait_for(f"the client to connect ({transport})", lambda: self.js(
            "return !!window.devserve && devserve.connected() && devserve.transport") == transport, timeout)

    def mark(self):
        """Marks the page's window: a reload loses the mark."""
        self.js("window.__e2eMark = true")

    def marked(self):
        return self.js("return window.__e2eMark === true")

    def wait_reloaded(self, text=None, timeout=10):
        condition = "return window.__e2eMark !== true && document.readyState === 'complete'"
        if text:
            condition += " && document.documentElement.innerText.includes(arguments[0])"
        wait_for(f"the page to reload{' and show ' + repr(text) if text else ''}",
                 lambda: self.js(condition, text), timeout)

    def console(self):
        return [entry["message"] for entry in self.driver.get_log("browser")]

    def hide_apis(self, *names):
        """Makes new documents in the current tab see no window.NAME (a browser without it)."""
        source = "".join(f"delete window.{name};" for name in names)
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": source})
