"""Hot module replacement in a real browser: import.meta.hot on native ES modules, served by the
real devserve. Each test edits a module and checks what the page then runs, and whether it kept
its state (a reload loses the test's mark on the window)."""
from support import BrowserTestCase, wait_for

PAGE = """<!doctype html><html><head><meta charset="utf-8">{head}</head>
<body><p id="out">loading</p><script type="module" src="/{entry}"></script></body></html>
"""


class HotModuleTests(BrowserTestCase):
    def app(self, files, entry="main.js", head=""):
        """A project of `files` (name -> text) with an index.html that loads `entry`; opened."""
        project = self.project()
        project.write("index.html", PAGE.format(entry=entry, head=head))
        for name, text in files.items():
            project.write(name, text)
        server = self.devserve([project.path], project.parent)
        self.open(server.url)
        self.url = server.url
        return project

    def value(self, name):
        return self.js(f"return window.{name}")

    def wait_value(self, name, expected, timeout=20):
        wait_for(f"window.{name} == {expected!r} (it is {self.value(name)!r})",
                 lambda: self.value(name) == expected, timeout)

    def assert_kept_state(self):
        self.assertTrue(self.marked(), "the page reloaded instead of updating in place")

    def test_a_self_accepting_module_keeps_its_data_across_updates(self):
        counter = """const data = import.meta.hot.data;
data.runs = (data.runs || 0) + 1;
window.version = 'VERSION';
window.runs = data.runs;
import.meta.hot.dispose((d) => { window.disposed = (window.disposed || 0) + 1; d.lastVersion = 'VERSION'; });
import.meta.hot.accept();
"""
        project = self.app({"main.js": counter.replace("VERSION", "v1")})
        self.wait_value("version", "v1")
        self.mark()
        for number in (2, 3, 4):
            project.write("main.js", counter.replace("VERSION", f"v{number}"))
            self.wait_value("version", f"v{number}")
            self.wait_value("runs", number)
            self.wait_value("disposed", number - 1)
        self.assert_kept_state()

    def test_accepting_a_dependency_gets_its_new_version(self):
        project = self.app({
            "main.js": """import { value } from './dep.js';
window.got = value;
import.meta.hot.accept('./dep.js', (dep) => { window.got = dep.value; window.calls = (window.calls || 0) + 1; });
""",
            "dep.js": "export const value = 'one';\n",
        })
        self.wait_value("got", "one")
        self.mark()
        project.write("dep.js", "export const value = 'two';\n")
        self.wait_value("got", "two")
        project.write("dep.js", "export const value = 'three';\n")
        self.wait_value("got", "three")
        self.wait_value("calls", 2)
        self.assert_kept_state()

    def test_a_change_bubbles_to_a_self_accepting_importer_which_sees_the_new_child(self):
        project = self.app({
            "main.js": "import './parent.js';\n",
            "parent.js": "import { value } from './child.js';\nwindow.seen = value;\nimport.meta.hot.accept();\n",
            "child.js": "export const value = 'old child';\n",
        })
        self.wait_value("seen", "old child")
        self.mark()
        project.write("child.js", "export const value = 'new child';\n")
        self.wait_value("seen", "new child")
        self.assert_kept_state()

    def test_a_diamond_imports_the_changed_module_once(self):
        project = self.app({
            "main.js": "import './top.js';\n",
            "top.js": "import { left } from './left.js';\nimport { right } from './right.js';\n"
                      "window.pair = left + '/' + right;\nimport.meta.hot.accept();\n",
            "left.js": "import { shared } from './shared.js';\nexport const left = 'L' + shared;\n",
            "right.js": "import { shared } from './shared.js';\nexport const right = 'R' + shared;\n",
            "shared.js": "window.sharedRuns = (window.sharedRuns || 0) + 1;\nexport const shared = 1;\n",
        })
        self.wait_value("pair", "L1/R1")
        self.mark()
        project.write("shared.js", "window.sharedRuns = (window.sharedRuns || 0) + 1;\nexport const shared = 2;\n")
        self.wait_value("pair", "L2/R2")
        self.assertEqual(self.value("sharedRuns"), 2, "the changed module ran once for both paths")
        self.assert_kept_state()

    def test_a_cycle_updates_without_looping(self):
        project = self.app({
            "main.js": "import './a.js';\n",
            "a.js": "import { b } from './b.js';\nexport const a = 'a';\nwindow.cycle = 'a+' + b;\nimport.meta.hot.accept();\n",
            "b.js": "import { a } from './a.js';\nexport const b = 'b1';\nexport function both() { return a + b; }\n",
        })
        self.wait_value("cycle", "a+b1")
        self.mark()
        project.write("b.js", "import { a } from './a.js';\nexport const b = 'b2';\nexport function both() { return a + b; }\n")
        self.wait_value("cycle", "a+b2")
        self.assert_kept_state()

    def test_two_tabs_on_one_stream_both_update(self):
        module = "window.version = 'VERSION';\nimport.meta.hot.accept();\n"
        project = self.app({"main.js": module.replace("VERSION", "v1")})
        first = self.driver.current_window_handle
        self.mark()
        self.driver.switch_to.new_window("tab")
        self.open(self.url)
        self.mark()
        second = self.driver.current_window_handle
        project.write("main.js", module.replace("VERSION", "v2"))
        for handle in (first, second):
            self.driver.switch_to.window(handle)
            self.wait_value("version", "v2")
            self.assert_kept_state()

    def test_invalidate_reaching_the_top_reloads(self):
        project = self.app({
            "main.js": "import { ok } from './mod.js';\nwindow.ok = ok;\n",
            "mod.js": "export const ok = true;\nimport.meta.hot.accept((m) => { if (!m.ok) import.meta.hot.invalidate('not ok'); });\n",
        })
        self.wait_value("ok", True)
        self.mark()
        project.write("mod.js", "export const ok = false;\nimport.meta.hot.accept((m) => { if (!m.ok) import.meta.hot.invalidate('not ok'); });\n")
        self.wait_reloaded(timeout=20)
        self.wait_value("ok", False)

    def test_a_new_version_that_throws_reloads(self):
        project = self.app({"main.js": "window.version = 'v1';\nimport.meta.hot.accept();\n"})
        self.wait_value("version", "v1")
        self.mark()
        project.write("main.js", "window.version = 'v2';\nthrow new Error('broken on purpose');\nimport.meta.hot.accept();\n")
        self.wait_reloaded(timeout=20)

    def test_a_module_nobody_accepts_reloads(self):
        project = self.app({
            "main.js": "import { value } from './dep.js';\nwindow.got = value;\n",
            "dep.js": "export const value = 'one';\n",
        })
        self.wait_value("got", "one")
        self.mark()
        # The page's console is gone after the reload: keep its lines in sessionStorage.
        self.js("const log = console.log; console.log = (...a) => {"
                " sessionStorage.setItem('log', (sessionStorage.getItem('log') || '') + a.join(' ') + '\\n'); log(...a); }")
        project.write("dep.js", "export const value = 'two';\n")
        self.wait_reloaded(timeout=20)
        self.wait_value("got", "two")
        lines = (self.js("return sessionStorage.getItem('log')") or "").splitlines()
        reasons = [line for line in lines if "full reload" in line]
        self.assertEqual(len(reasons), 1, f"one console line says why: {reasons}")
        self.assertIn("/dep.js", reasons[0])

    def test_a_page_with_a_strict_content_security_policy_updates(self):
        csp = """<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self'; connect-src 'self'">"""
        module = "window.version = 'VERSION';\nimport.meta.hot.accept();\n"
        project = self.app({"main.js": module.replace("VERSION", "v1")}, head=csp)
        self.wait_value("version", "v1")
        self.mark()
        project.write("main.js", module.replace("VERSION", "v2"))
        self.wait_value("version", "v2")
        self.assert_kept_state()

    def test_the_demo_keeps_its_count_and_typed_text_across_an_edit(self):
        project = self.project("hmr-app")
        server = self.devserve([project.path], project.parent)
        self.open(server.url)
        for _ in range(3):
            self.js("document.getElementById('more').click()")
        self.js("document.getElementById('note').value = 'typed'")
        wait_for("the count", lambda: self.js("return document.getElementById('count').textContent") == "Clicked 3 times")
        self.mark()
        project.edit("view.js", "`Clicked ${state.count} times`", "`Pressed ${state.count} times`")
        wait_for("the new view", lambda: self.js("return document.getElementById('count').textContent") == "Pressed 3 times", 20)
        self.assertEqual(self.js("return document.getElementById('note').value"), "typed")
        project.edit("store.js", "{ count: 0 }", "{ count: 100 }")
        self.js("document.getElementById('more').click()")
        wait_for("the kept count", lambda: self.js("return document.getElementById('count').textContent") == "Pressed 4 times", 20)
        self.assert_kept_state()
