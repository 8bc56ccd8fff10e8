"""Ten tabs on one origin share one event stream (HTTP/1.1 allows about six connections per
host), so they all reload on a change and can still load everything else. Counted on the server."""
from support import BrowserTestCase, wait_for

TABS = 10


class SharedConnectionTests(BrowserTestCase):
    def open_tabs(self, url, transport, hide=()):
        """Opens TABS tabs on `url` (in browsers without `hide`); returns their window handles."""
        handles = []
        for index in range(TABS):
            if index:
                self.driver.switch_to.new_window("tab")
            if hide:
                self.hide_apis(*hide)
            self.open(url, transport)
            handles.append(self.driver.current_window_handle)
        return handles

    def each_tab(self, handles, action):
        results = []
        for handle in handles:
            self.driver.switch_to.window(handle)
            results.append(action())
        return results

    def check_ten_tabs(self, transport, hide=()):
        site = self.project("site")
        server = self.devserve([site.path], site.parent)
        handles = self.open_tabs(server.url, transport, hide)
        wait_for("one event stream for all tabs", lambda: server.status()["clients"] == 1)

        # Every tab can still load other resources: nothing hangs behind a held connection.
        loaded = self.each_tab(handles, lambda: self.driver.execute_async_script("""
            var done = arguments[arguments.length - 1];
            Promise.all([fetch('/style.css?tab=' + Math.random()), fetch('/app.js?tab=' + Math.random())])
                .then(function (r) { done(r.map(function (x) { return x.status; })); },
                      function (e) { done(String(e)); });"""))
        self.assertEqual(loaded, [[200, 200]] * TABS)

        self.each_tab(handles, self.mark)
        site.edit("index.html", "<h1>devserve demo</h1>", "<h1>seen by every tab</h1>")
        for number, handle in enumerate(handles, 1):
            self.driver.switch_to.window(handle)
            self.wait_reloaded("seen by every tab")
            self.wait_connected(transport)
        wait_for("one event stream after the reload", lambda: server.status()["clients"] == 1)

    def test_ten_tabs_share_one_stream_through_a_shared_worker(self):
        self.check_ten_tabs("shared-worker")

    def test_without_shared_workers_a_leader_tab_relays_on_a_broadcast_channel(self):
        self.check_ten_tabs("broadcast-channel", hide=("SharedWorker",))

    def test_without_either_each_tab_has_its_own_stream(self):
        site = self.project("site")
        server = self.devserve([site.path], site.parent)
        handles = []
        for index in range(2):
            if index:
                self.driver.switch_to.new_window("tab")
            self.hide_apis("SharedWorker", "BroadcastChannel")
            self.open(server.url, "event-source")
            handles.append(self.driver.current_window_handle)
        wait_for("one stream per tab", lambda: server.status()["clients"] == 2)
        self.each_tab(handles, self.mark)
        site.edit("index.html", "<h1>devserve demo</h1>", "<h1>seen by both</h1>")
        for handle in handles:
            self.driver.switch_to.window(handle)
            self.wait_reloaded("seen by both")
