"""The browser talks back: errors of the page in its overlay (mapped to the sources through a
source map), in devserve's terminal and on /__hmr; reports from other origins refused; the
overlay untouched by the page's CSS; a change reloads only the tabs that use it."""
import http.client
import json
import shutil
import subprocess
import threading
import urllib.request

from support import BrowserTestCase, wait_for

APP_TS = """// The page's code, in TypeScript: the test finds its error by this file's line numbers.
export function greet(name: string): string {
  return `hello ${name}`;
}

export function boom(): never {
  throw new Error("boom from the source");
}

(window as any).boom = boom;
(window as any).reject = () => Promise.reject(new Error("nobody catches me"));
document.getElementById("out")!.textContent = greet("page");
"""
BOOM_LINE = 7  # the throw, 1-based
BOOM_COLUMN = 9


def shadow(script):
    """JS that runs `script` with `root` the overlay's shadow root (null when there is none)."""
    return "const host = document.querySelector('devserve-overlay'); const root = host && host.shadowRoot; " + script


class PageErrorTests(BrowserTestCase):
    def built_app(self, head=""):
        """src/app.ts bundled by the real esbuild into public/app.js with a source map; served."""
        esbuild = shutil.which("esbuild")
        self.assertIsNotNone(esbuild, "esbuild is not installed; run scripts/install-deps")
        project = self.project()
        project.write("src/app.ts", APP_TS)
        project.write("public/index.html",
                      f'<!doctype html><html><head><meta charset="utf-8">{head}</head>'
                      '<body><p id="out">loading</p><script src="/app.js"></script></body></html>\n')
        subprocess.run([esbuild, "src/app.ts", "--bundle", "--sourcemap", "--outfile=public/app.js"],
                       cwd=project.path, check=True, capture_output=True)
        server = self.devserve(["public"], project.path)
        self.open(server.url)
        wait_for("the page's script", lambda: self.js("return document.getElementById('out').textContent") == "hello page")
        return project, server

    def overlay_text(self):
        return self.js(shadow("return root ? root.textContent : ''")) or ""

    def test_an_uncaught_error_is_shown_printed_and_mapped_to_its_source(self):
        project, server = self.built_app()
        self.js("setTimeout(() => window.boom(), 0)")
        wait_for("the error in the overlay", lambda: "boom from the source" in self.overlay_text(), 20)
        place = f"src/app.ts:{BOOM_LINE}:{BOOM_COLUMN}"
        wait_for(f"the overlay to name {place} (mapped through app.js.map)", lambda: place in self.overlay_text(), 20)
        link = self.js(shadow("return [...root.querySelectorAll('[data-devserve-open]')].map(a => a.textContent).join(' | ')"))
        self.assertIn(place, link, "the frame is a link that opens the source")
        printed = wait_for("a browser-error line from devserve", lambda: server.events("browser-error"), 20)
        frame = printed[0]["stack"][0]
        self.assertEqual((frame["file"], frame["line"], frame["column"]), ("src/app.ts", BOOM_LINE, BOOM_COLUMN))
        self.assertEqual(printed[0]["kind"], "error")
        self.assertEqual(printed[0]["page"], "/")
        self.assertIn("boom from the source", printed[0]["message"])

    def test_an_unhandled_rejection_is_shown_and_printed(self):
        project, server = self.built_app()
        self.js("window.reject()")
        wait_for("the rejection in the overlay", lambda: "nobody catches me" in self.overlay_text(), 20)
        printed = wait_for("a browser-error line", lambda: server.events("browser-error"), 20)
        self.assertEqual(printed[0]["kind"], "rejection")

    def test_a_report_reaches_the_event_stream(self):
        project, server = self.built_app()
        received = []

        def follow():
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            connection.request("GET", "/__hmr", headers={"Accept": "text/event-stream"})
            response = connection.getresponse()
            event = None
            while True:
                line = response.fp.readline().decode()
                if not line:
                    return
                if line.startswith("event: "):
                    event = line[7:].strip()
                elif line.startswith("data: ") and event == "browser-error":
                    received.append(json.loads(line[6:]))
                    return

        thread = threading.Thread(target=follow, daemon=True)
        thread.start()
        wait_for("the test's stream to connect", lambda: server.status()["clients"] >= 2, 20)
        self.js("setTimeout(() => window.boom(), 0)")
        wait_for("a browser-error event on /__hmr", lambda: received, 20)
        self.assertEqual(received[0]["stack"][0]["file"], "src/app.ts")

    def test_a_report_from_another_origin_is_refused(self):
        project, server = self.built_app()
        body = json.dumps({"kind": "error", "message": "forged", "stack": [], "page": "/"}).encode()
        request = urllib.request.Request(server.url + "__hmr/error", data=body, method="POST",
                                         headers={"Content-Type": "application/json", "Origin": "http://evil.example"})
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        self.assertEqual(refused.exception.code, 403)
        self.assertEqual(server.events("browser-error"), [], "a forged report was published")

    def test_the_pages_css_does_not_restyle_the_overlay(self):
        hostile = ("<style>pre, div, button, a, p, span { color: rgb(255, 0, 0) !important; font-size: 40px !important;"
                   " background: rgb(0, 255, 0) !important; display: inline !important; }</style>")
        looks = []
        for head in ("", hostile):
            project, server = self.built_app(head)
            self.js("setTimeout(() => window.boom(), 0)")
            wait_for("the error in the overlay", lambda: "boom from the source" in self.overlay_text(), 20)
            looks.append(self.js(shadow(
                "return [...root.querySelectorAll('pre, div, button, a')].slice(0, 12).map(e => {"
                " const s = getComputedStyle(e); return [e.tagName, s.color, s.fontSize, s.backgroundColor, s.display].join(' '); })")))
        self.assertTrue(looks[0], "the overlay has elements")
        self.assertEqual(looks[0], looks[1], "the page's CSS changed the overlay")

    def test_a_change_reloads_only_the_tab_that_uses_it(self):
        project = self.project()
        for name in ("a", "b"):
            project.write(f"{name}.html", f'<!doctype html><html><body><p>{name}</p><script src="/{name}.js"></script></body></html>\n')
            project.write(f"{name}.js", f"window.version = '{name}1';\n")
        server = self.devserve([project.path], project.parent)
        self.open(server.url + "a.html")
        self.mark()
        tab_a = self.driver.current_window_handle
        self.driver.switch_to.new_window("tab")
        self.open(server.url + "b.html")
        self.mark()
        self.js("window.__built = 0; devserve.on('built', () => { window.__built += 1; })")
        tab_b = self.driver.current_window_handle
        project.write("a.js", "window.version = 'a2';\n")
        self.driver.switch_to.window(tab_a)
        wait_for("tab a to reload with the new a.js", lambda: self.js("return window.__e2eMark !== true && window.version") == "a2", 20)
        self.driver.switch_to.window(tab_b)
        wait_for("tab b to get the build", lambda: self.js("return window.__built") == 1, 20)
        self.assertTrue(self.marked(), "tab b reloaded for a script only tab a uses")
