"""An HTTP linter (REDbot, from PyPI) over the real server: a page, a stylesheet, a folder (its
redirect and its page) and /__hmr/status must draw no BAD and no WARN note. (What it still says,
at the INFO level, is right for a development server: the redirect's Location is relative, which
RFC 9110 allows, and assets may be stored but are revalidated on every use.)"""
import json
import shutil
import subprocess
import unittest

from support import Devserve, Project

PATHS = ["", "style.css", "about", "about/", "__hmr/status"]


def redbot():
    """The redbot command, or None."""
    return shutil.which("redbot")


class HTTPLintTests(unittest.TestCase):
    def test_redbot_reports_no_error(self):
        command = redbot()
        self.assertIsNotNone(command, "redbot is not installed; run scripts/install-deps")
        site = Project("site")
        self.addCleanup(site.remove)
        server = Devserve([site.path], site.parent)
        self.addCleanup(server.stop)
        bad = []
        for path in PATHS:
            url = server.url + path
            run = subprocess.run([command, "-o", "har", url], capture_output=True, text=True, timeout=120)
            self.assertEqual(run.returncode, 0, f"redbot failed on {url}: {run.stderr[-500:]}")
            entries = json.loads(run.stdout)["log"]["entries"]
            for entry in entries:
                for note in entry.get("_red_messages", []):
                    if note["level"] in ("BAD", "WARN"):
                        bad.append(f"{note['level']} /{path}: {note['note_id']}: {note['summary']}")
        self.assertEqual(bad, [], "redbot reports problems")


if __name__ == "__main__":
    unittest.main()
