"""Losing the server: the page notices within the heartbeat timeout, backs off while the server is
down (counted), keeps the console quiet, and reloads when a new instance comes up on the port."""
import signal
import time

from support import BrowserTestCase, ConnectionCounter, wait_for

HEARTBEAT = 1  # seconds; the client gives up on a silent stream after two


class ReconnectTests(BrowserTestCase):
    def test_a_restarted_server_is_found_again_with_backoff_and_the_page_reloads(self):
        site = self.project("site")
        server = self.devserve([site.path, "--heartbeat", str(HEARTBEAT)], site.parent)
        self.open(server.url)
        self.mark()
        self.console()

        # A server that hangs (stopped, so the socket stays open but silent) is noticed by the
        # heartbeat watchdog: without it the page would stay connected for good. How soon
        # (2 heartbeats) is checked on the fake clock of client-js/test, not here.
        server.signal(signal.SIGSTOP)
        wait_for("the page to notice the silent server", lambda: not self.js("return devserve.connected()"),
                 timeout=60)

        # Down for good: something else answers 503 on the port and counts the attempts.
        server.signal(signal.SIGKILL)
        server.process.wait(30)
        counter = ConnectionCounter(server.port)
        try:
            time.sleep(8)  # the outage being measured, not a wait for an event
            in_outage = counter.connections
            # The client keeps trying (its backoff delay is at most 10 s + 30 %).
            wait_for("the client to try to reconnect twice while the server is down",
                     lambda: counter.connections >= 2, timeout=60)
        finally:
            counter.close()
        # But it backs off: from 0.5 s doubling (with jitter), about 4 attempts in 8 s; a tight
        # loop makes hundreds. A loaded machine only makes fewer, so this cap holds on any.
        self.assertLessEqual(in_outage, 6, f"{in_outage} connection attempts in 8 s")
        outage_console = self.console()
        self.assertLessEqual(len(outage_console), 3, f"console flooded during the outage: {outage_console}")
        self.assertTrue(self.marked())

        # A new devserve on the same port: the client reconnects by itself and reloads, because
        # the instance changed. The backoff is at most 10 s (+30% jitter).
        self.devserve([site.path, "--heartbeat", str(HEARTBEAT)], site.parent, port=server.port)
        self.wait_reloaded(timeout=60)
        self.wait_connected(timeout=30)
        self.assertTrue(any("server restarted, reloading" in m for m in self.console()))
