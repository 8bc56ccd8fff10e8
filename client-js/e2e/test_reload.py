"""Live reload in a real browser: HTML reloads, CSS and images swap in place, odd pages, the page API."""
import struct
import zlib

from support import BrowserTestCase, wait_for


def png(width, height, rgb):
    """A solid-colour PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


class ReloadTests(BrowserTestCase):
    def site(self):
        site = self.project("site")
        return site, self.devserve([site.path], site.parent)

    def test_editing_html_reloads_the_page_with_the_new_content(self):
        site, server = self.site()
        self.open(server.url)
        self.mark()
        site.edit("index.html", "<h1>devserve demo</h1>", "<h1>edited by the test</h1>")
        self.wait_reloaded("edited by the test")
        self.wait_connected()

    def test_editing_only_css_swaps_it_without_a_reload(self):
        site, server = self.site()
        self.open(server.url)
        self.mark()
        site.write("style.css", site.read("style.css") + "\nbody { background-color: rgb(1, 2, 3); }\n")
        wait_for("the new background colour", lambda: self.js(
            "return getComputedStyle(document.body).backgroundColor") == "rgb(1, 2, 3)")
        self.assertTrue(self.marked(), "the CSS change reloaded the page")
        wait_for("the old <link> to be removed", lambda: self.js(
            "return document.querySelectorAll('link[rel=stylesheet]').length") == 1)
        self.assertIn("[devserve] css updated: /style.css", "\n".join(self.console()))

    def test_changing_only_an_image_refreshes_it_without_a_reload(self):
        site, server = self.site()
        self.open(server.url)
        wait_for("the logo to load", lambda: self.js("return document.querySelector('img').naturalWidth") == 32)
        self.mark()
        site.write("img/logo.png", png(48, 24, (200, 30, 30)))
        wait_for("the new logo (48×24)", lambda: self.js(
            "var i = document.querySelector('img'); return [i.naturalWidth, i.naturalHeight]") == [48, 24])
        self.assertTrue(self.marked(), "the image change reloaded the page")

    def test_a_page_in_a_sub_folder_reloads(self):
        site, server = self.site()
        self.open(server.url + "about/")
        self.mark()
        site.edit("about/index.html", "</h1>", " (edited)</h1>")
        self.wait_reloaded("(edited)")

    def test_pages_without_a_body_tag_reload(self):
        site, server = self.site()
        site.write("fragment.html", "<p>just a fragment, no html, head or body tags</p>\n")
        for page, file, old in [("nobody.html", "nobody.html", "This page"), ("fragment.html", "fragment.html", "just")]:
            with self.subTest(page=page):
                self.open(server.url + page)
                self.mark()
                site.edit(file, old, "CHANGED " + old)
                self.wait_reloaded("CHANGED")

    def test_a_page_with_a_strict_content_security_policy_still_reloads(self):
        site, server = self.site()
        site.write("csp.html", """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'">
<link rel="stylesheet" href="style.css">
</head><body><h1>strict page</h1></body></html>
""")
        self.open(server.url + "csp.html")
        self.mark()
        site.write("style.css", site.read("style.css") + "\nh1 { color: rgb(4, 5, 6); }\n")
        wait_for("the CSS swap under the CSP", lambda: self.js(
            "return getComputedStyle(document.querySelector('h1')).color") == "rgb(4, 5, 6)")
        self.assertTrue(self.marked())
        site.edit("csp.html", "strict page", "strict page, edited")
        self.wait_reloaded("strict page, edited")
        violations = [m for m in self.console() if "Content Security Policy" in m]
        self.assertEqual(violations, [])


class PageAPITests(BrowserTestCase):
    def test_a_page_can_take_over_a_change_and_cancel_the_reload(self):
        site = self.project("site")
        server = self.devserve([site.path], site.parent)
        self.open(server.url)
        self.mark()
        self.js("""
            window.__seen = [];
            devserve.on('building', function (data) { __seen.push('building'); });
            devserve.on('built', function (data, event) {
                __seen.push(data.outputs.join(','));
                event.preventDefault();
            });
        """)
        site.write("app.js", site.read("app.js") + "\n// hot-swapped by the page\n")
        wait_for("the page's own handler", lambda: self.js("return __seen") == ["building", "/app.js"])
        self.assertTrue(self.marked(), "the default reload ran although the page cancelled it")
