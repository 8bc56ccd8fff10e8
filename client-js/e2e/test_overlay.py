"""The build-error overlay in a real browser: it appears, lists file:line:col, goes away on a fix,
greets a page opened while the build is broken, and never runs what a build prints."""
import os

from selenium.common.exceptions import NoAlertPresentException

from support import ARTIFACTS, BrowserTestCase, wait_for

# The overlay lives in the open shadow root of <devserve-overlay> (the page's CSS cannot reach it).
ROOT = "document.querySelector('devserve-overlay').shadowRoot"
OVERLAY_TEXT = ("var h = document.querySelector('devserve-overlay'); var o = h && h.shadowRoot.getElementById('devserve-overlay');"
                " return o ? o.innerText : null")

HOSTILE_BUILD = r"""#!/bin/sh
# Copies src/ to dist/, or fails with coloured, hostile output when src/ mentions FAIL.
set -eu
cd "$(dirname "$0")"
if grep -q FAIL src/index.html; then
  printf 'src/index.html:3:5: error: \033[31mred alert\033[0m <img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script>\n' >&2
  printf '\033[1;93mbold yellow\033[0m &amp; plain\n' >&2
  exit 2
fi
mkdir -p dist
cp -R src/. dist/
"""

STRICT_PAGE = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'">
<title>strict</title>
</head><body><h1>STATE</h1></body></html>
"""


class OverlayTests(BrowserTestCase):
    def build_project(self):
        project = self.project("build-project")
        os.makedirs(project.file("dist"))
        server = self.devserve([project.file("dist"), "--watch", project.path, "--build", "./build.sh"], project.path)
        wait_for("the first build", lambda: os.path.exists(project.file("dist/index.html")))
        return project, server

    def test_a_failing_build_shows_the_overlay_and_a_fix_removes_it(self):
        project, server = self.build_project()
        self.open(server.url)
        self.mark()
        project.edit("src/index.html", "<h1>devserve build demo</h1>", "<h1>BUILD_ERROR here</h1>")
        text = wait_for("the overlay with the build output", lambda: self.js(OVERLAY_TEXT))
        self.assertIn("Build failed (exit code 1)", text)
        self.assertIn("src/index.html:9:7 error: found BUILD_ERROR marker", text)  # the diagnostic line
        self.assertIn("src/index.html:9:7: error: found BUILD_ERROR marker", text)  # the raw output
        self.assertTrue(self.marked(), "a failed build reloaded the page")
        os.makedirs(ARTIFACTS, exist_ok=True)
        self.driver.save_screenshot(os.path.join(ARTIFACTS, "overlay.png"))

        # A page opened while the build is broken shows the overlay at once.
        self.open(server.url)
        self.assertIn("found BUILD_ERROR marker", self.js(OVERLAY_TEXT) or "", "no overlay on a page opened while broken")
        self.mark()

        project.edit("src/index.html", "BUILD_ERROR here", "fixed by the test")
        self.wait_reloaded("fixed by the test")
        self.wait_connected()
        self.assertIsNone(self.js(OVERLAY_TEXT))

    def test_the_overlay_shows_hostile_output_as_text_in_colour(self):
        project = self.project()
        project.write("build.sh", HOSTILE_BUILD)
        os.chmod(project.file("build.sh"), 0o755)
        project.write("src/index.html", STRICT_PAGE.replace("STATE", "good"))
        os.makedirs(project.file("dist"))
        server = self.devserve([project.file("dist"), "--watch", project.path, "--build", "./build.sh"], project.path)
        wait_for("the first build", lambda: os.path.exists(project.file("dist/index.html")))
        self.open(server.url)

        project.write("src/index.html", STRICT_PAGE.replace("STATE", "FAIL"))
        text = wait_for("the overlay", lambda: self.js(OVERLAY_TEXT))
        self.assertIn('red alert <img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script>', text)
        self.assertIn("bold yellow &amp; plain", text)
        self.assertNotIn("\x1b", text)
        self.assertEqual(self.js(f"return {ROOT}.querySelectorAll('#devserve-overlay img, #devserve-overlay script').length"), 0)
        self.assertIsNone(self.js("return window.__pwned === undefined ? null : window.__pwned"))
        with self.assertRaises(NoAlertPresentException):
            self.driver.switch_to.alert.text
        # ANSI colours are rendered, through the CSSOM, so even this page's strict CSP allows them.
        styles = self.js(f"""
            return Array.from({ROOT}.querySelectorAll('#devserve-overlay pre span')).map(function (s) {{
                var c = getComputedStyle(s); return [s.textContent, c.color, c.fontWeight];
            }});""")
        self.assertIn(["red alert", "rgb(255, 92, 87)", "400"], styles)
        self.assertIn(["bold yellow", "rgb(251, 255, 200)", "700"], styles)
        self.assertEqual([m for m in self.console() if "Content Security Policy" in m], [])

    def test_a_click_on_a_diagnostic_opens_it_in_the_editor(self):
        project = self.project("build-project")
        os.makedirs(project.file("dist"))
        log = project.file("editor.log")
        stub = project.file("stub-editor")
        with open(stub, "w") as f:
            f.write(f"#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{log}'\n")
        os.chmod(stub, 0o755)
        server = self.devserve(
            [project.file("dist"), "--watch", project.file("src"), "--build", "./build.sh",
             "--editor", stub + " {file} {line} {column}"], project.path)
        wait_for("the first build", lambda: os.path.exists(project.file("dist/index.html")))
        self.open(server.url)
        self.mark()
        project.edit("src/index.html", "<h1>devserve build demo</h1>", "<h1>BUILD_ERROR here</h1>")
        wait_for("the overlay", lambda: self.js(OVERLAY_TEXT))
        links = self.js(f"return Array.from({ROOT}.querySelectorAll('#devserve-overlay a[data-devserve-open]'))"
                        ".map(function (a) { return a.getAttribute('data-devserve-open'); })")
        # The diagnostic, and the first line of the raw output that names a file.
        self.assertEqual(links, ["src/index.html:9:7", "src/index.html:9:7"])
        self.js(f"{ROOT}.querySelector('#devserve-overlay a[data-devserve-open]').click()")
        opened = wait_for("the editor to be started",
                          lambda: os.path.exists(log) and open(log).read().split("\n")[:3])
        self.assertEqual(opened, [os.path.realpath(project.file("src/index.html")), "9", "7"])
        self.assertTrue(self.marked(), "the click navigated away")
        # A file outside the project: the page's own same-origin POST gets a one-line refusal.
        self.js("fetch('/__hmr/open', {method: 'POST', body: JSON.stringify({file: '../../etc/passwd', line: 1})})"
                ".then(function (r) { return r.text(); }).then(function (t) { window.__refused = t; });")
        refused = wait_for("the refusal", lambda: self.js("return window.__refused || null"))
        self.assertTrue(refused.startswith("devserve: no file ../../etc/passwd"), refused)
