// Tests for client-js/devserve.js, run against a fake browser (see ../support/harness.mjs).
// Run with: cd client-js && node --test
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { boot, bootWorker, fakeFetch, fakeTabs, settle, ORIGIN } from '../support/harness.mjs';

// Gaps (ms) between each EventSource being closed and the next one being created.
function reconnectGaps(b) {
  const gaps = [];
  for (let i = 1; i < b.sources.length; i++) gaps.push(b.sources[i].createdAt - b.sources[i - 1].closedAt);
  return gaps;
}

// Invariants that must hold at every moment: at most one live EventSource;
// while connected exactly one watchdog, while disconnected exactly one
// pending reconnect and no watchdog.
function assertSingleConnection(b) {
  assert.ok(b.openSources().length <= 1, `open EventSources: ${b.openSources().length}`);
  assert.ok(b.clock.intervals().length <= 1, `intervals: ${b.clock.intervals().length}`);
  if (b.openSources().length === 1) {
    assert.equal(b.clock.intervals().length, 1, 'connected without a watchdog');
  } else {
    // Waiting to reconnect: no watchdog, exactly one pending reconnect.
    assert.equal(b.clock.intervals().length, 0, 'watchdog left running while disconnected');
    assert.equal(b.clock.timeouts().length, 1, 'not exactly one pending reconnect');
  }
}

// Simulate a server that is down: every connection attempt fails at once.
function deadServer(b, ms, step = 50) {
  for (let t = 0; t < ms; t += step) {
    for (const s of b.openSources()) s.connError();
    assertSingleConnection(b);
    b.clock.advance(step);
  }
}

const ESC = '\u001b';

describe('connection', () => {
  test('connects to /__hmr on the script origin, and only once', () => {
    const b = boot({ scriptSrc: 'http://127.0.0.1:9000/__hmr/client.js' });
    assert.equal(b.sources.length, 1);
    assert.equal(b.es.url, 'http://127.0.0.1:9000/__hmr');
    assert.equal(b.api.transport, 'event-source');
    b.run(); // loaded a second time: must not open another connection
    assert.equal(b.sources.length, 1);
  });

  test('falls back to location.href without document.currentScript', () => {
    const b = boot({ scriptSrc: null, href: 'http://localhost:3000/about/index.html' });
    assert.equal(b.es.url, 'http://localhost:3000/__hmr');
  });

  test('reconnects on heartbeat timeout with growing, capped, resettable backoff', () => {
    const b = boot(); // Math.random() = 0: no jitter, delays are exact
    b.hello();
    assertSingleConnection(b);

    // Heartbeats keep the connection alive.
    for (let i = 0; i < 5; i++) { b.clock.advance(5000); b.es.emit('heartbeat'); }
    assert.equal(b.sources.length, 1);
    assert.equal(b.es.closed, false);

    // Silence for 2×heartbeat is still fine; a bit more is not.
    b.clock.advance(10_000);
    assert.equal(b.sources[0].closed, false);
    b.clock.advance(1000);
    assert.equal(b.sources[0].closed, true, 'stale connection not closed');
    assert.equal(b.sources.length, 1, 'reconnected without a delay');
    assertSingleConnection(b);
    b.clock.advance(500);
    assert.equal(b.sources.length, 2);
    assert.equal(b.es.closed, false);

    // The server accepts connections but never says anything: each attempt
    // times out in turn, and the delays between attempts grow to the cap.
    for (let i = 0; i < 8; i++) { b.clock.advance(11_000 + 10_000); assertSingleConnection(b); }
    const gaps = reconnectGaps(b);
    assert.ok(gaps.length >= 7, `only ${gaps.length} reconnects`);
    assert.deepEqual(gaps.slice(0, 7), [500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    assert.ok(gaps[1] > gaps[0]);

    // A successful hello resets the backoff, and the new connection has a
    // working watchdog of its own.
    const es = b.hello();
    assertSingleConnection(b);
    const count = b.sources.length;
    b.clock.advance(11_000);
    assert.equal(es.closed, true, 'watchdog not re-armed after reconnect');
    b.clock.advance(500);
    assert.equal(b.sources.length, count + 1);
    assert.equal(reconnectGaps(b).at(-1), 500, 'backoff not reset after hello');
  });

  test('uses the heartbeat interval announced in hello', () => {
    const b = boot();
    b.hello({ heartbeatMs: 1000 });
    b.clock.advance(1900);
    assert.equal(b.es.closed, false);
    b.clock.advance(1200);
    assert.equal(b.sources[0].closed, true);
  });

  test('times out a connection that never opens', () => {
    const b = boot();
    b.clock.advance(10_000);
    assert.equal(b.sources[0].closed, false);
    b.clock.advance(1000);
    assert.equal(b.sources[0].closed, true);
  });

  test('jitter adds at most 30%', () => {
    const b = boot({ random: 0.999 });
    b.hello();
    b.es.connError();
    b.clock.advance(649);
    assert.equal(b.sources.length, 1);
    b.clock.advance(1);
    assert.equal(b.sources.length, 2);
    const gap = reconnectGaps(b)[0];
    assert.ok(gap > 500 && gap <= 650, `gap ${gap}`);
  });

  test('reconnects on connection error with backoff, no tight loop', () => {
    const b = boot();
    b.hello();
    b.es.connError();
    assert.equal(b.sources[0].closed, true, 'browser retry not cancelled');
    assert.equal(b.sources.length, 1);
    deadServer(b, 60_000);
    assert.ok(b.sources.length <= 15, `${b.sources.length} connection attempts in 60 s`);
    assert.ok(b.sources.length >= 5, `only ${b.sources.length} attempts in 60 s`);
    const gaps = reconnectGaps(b);
    for (let i = 1; i < gaps.length; i++) assert.ok(gaps[i] >= gaps[i - 1], `gaps ${gaps}`);
    assert.ok(Math.max(...gaps) <= 13_000, `gaps ${gaps}`);
    // Server comes back: the next attempt succeeds and the backoff resets.
    while (b.openSources().length === 0) b.clock.advance(100);
    b.hello();
    assertSingleConnection(b);
    b.es.connError();
    b.clock.advance(500);
    assert.equal(reconnectGaps(b).at(-1), 500, 'backoff not reset after hello');
  });

  test('shutdown closes and reconnects with backoff', () => {
    const b = boot();
    b.hello();
    b.es.emit('shutdown');
    assert.equal(b.sources[0].closed, true);
    b.clock.advance(499);
    assert.equal(b.sources.length, 1);
    b.clock.advance(1);
    assert.equal(b.sources.length, 2);
    assert.equal(b.location.reloads, 0);
  });

  test('ignores events from a connection that was replaced', () => {
    const b = boot();
    b.hello();
    const old = b.es;
    old.connError();
    b.clock.advance(500);
    old.emit('built', { id: 1, durationMs: 1, changed: ['src/app.js'] });
    old.emit('error', { id: 2, exitCode: 1, output: 'x', changed: [] });
    assert.equal(b.location.reloads, 0);
    assert.equal(b.overlay(), null);
    assert.equal(b.sources.length, 2);
  });
});

describe('hello', () => {
  test('state error shows the overlay at once; idle hides it', () => {
    const b = boot();
    b.hello({ state: { status: 'error', changed: [], error: { id: 3, durationMs: 5, exitCode: 2, output: 'boom', changed: [] } } });
    const overlay = b.overlay();
    assert.ok(overlay, 'no overlay');
    assert.match(overlay.textContent, /Build failed \(exit code 2\)/);
    assert.match(overlay.textContent, /boom/);
    b.es.connError();
    b.clock.advance(500);
    b.hello(); // same instance, status idle
    assert.equal(b.overlay(), null);
    assert.equal(b.location.reloads, 0);
  });

  test('state building shows the indicator', () => {
    const b = boot();
    b.hello({ state: { status: 'building', changed: ['a.js'], error: null } });
    assert.ok(b.indicator());
  });

  test('a different instance after reconnect reloads; the same one does not', () => {
    const b = boot();
    b.hello({ instance: 'one' });
    b.es.connError();
    b.clock.advance(500);
    b.hello({ instance: 'one' });
    assert.equal(b.location.reloads, 0);
    b.es.emit('shutdown');
    b.clock.advance(500);
    b.hello({ instance: 'two' });
    assert.equal(b.location.reloads, 1);
  });
});

describe('builds', () => {
  test('building shows an indicator, built/error remove it', () => {
    const b = boot();
    b.hello();
    b.es.emit('building', { id: 1, changed: ['src/style.css'] });
    const ind = b.indicator();
    assert.ok(ind);
    assert.match(ind.textContent, /building/);
    assert.equal(ind.parentNode, b.document.body);
    b.es.emit('built', { id: 1, durationMs: 3, changed: ['src/style.css'] });
    assert.equal(b.indicator(), null);
    b.es.emit('building', { id: 2, changed: ['src/a.js'] });
    assert.ok(b.indicator());
    b.es.emit('error', { id: 2, durationMs: 3, exitCode: 1, output: 'x', changed: ['src/a.js'] });
    assert.equal(b.indicator(), null);
  });

  test('built with a non-CSS change reloads', () => {
    for (const changed of [['src/app.js'], ['src/style.css', 'src/index.html'], []]) {
      const b = boot();
      b.hello();
      b.es.emit('built', { id: 1, durationMs: 3, changed });
      assert.equal(b.location.reloads, 1, `changed ${JSON.stringify(changed)}`);
    }
  });

  test('a hidden tab keeps the changes and applies them when it is shown', () => {
    const b = boot();
    b.hello();
    b.document.setHidden(true);
    b.es.emit('built', { id: 1, durationMs: 3, changed: ['src/a.js'], outputs: ['/a.js'] });
    b.es.emit('built', { id: 2, durationMs: 3, changed: ['src/b.js'], outputs: ['/b.js'] });
    assert.equal(b.location.reloads, 0, 'a hidden tab does not reload');
    b.document.setHidden(false);
    assert.equal(b.location.reloads, 1, 'shown again, it applies what it missed, once');
    assert.ok(b.logs.some((l) => /full reload: \/a\.js, \/b\.js changed/.test(l.text)), JSON.stringify(b.logs));
  });

  test('a tab acts only on the outputs its page uses', () => {
    const performance = {
      getEntriesByType: (type) => type === 'navigation'
        ? [{ serverTiming: [{ name: 'devserve-page', description: '/index.html' }] }]
        : type === 'resource' ? [{ name: `${ORIGIN}/app.js?v=1` }, { name: 'https://cdn.example/other.js' }] : [],
      setResourceTimingBufferSize() {},
      addEventListener() {},
    };
    const b = boot({ globals: { performance } });
    b.hello();
    b.es.emit('built', { id: 1, durationMs: 3, changed: [], outputs: ['/other.js', '/about/index.html'] });
    assert.equal(b.location.reloads, 0, 'nothing this page uses changed');
    assert.ok(b.logs.some((l) => /this page uses none of/.test(l.text)));
    b.es.emit('built', { id: 2, durationMs: 3, changed: [], outputs: ['/app.js'] });
    assert.equal(b.location.reloads, 1, 'a script it loaded');
    b.es.emit('built', { id: 3, durationMs: 3, changed: [], outputs: ['/index.html'] });
    assert.equal(b.location.reloads, 2, 'its own document');
    const unknown = boot();  // no page header, no Resource Timing: everything counts
    unknown.hello();
    unknown.es.emit('built', { id: 1, durationMs: 3, changed: [], outputs: ['/other.js'] });
    assert.equal(unknown.location.reloads, 1);
  });

  test('a reload keeps the scroll position for the reloaded page', () => {
    const store = new Map();
    const sessionStorage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v), removeItem: (k) => store.delete(k) };
    const first = boot({ globals: { sessionStorage, scrollX: 0, scrollY: 640 } });
    first.hello();
    first.es.emit('built', { id: 1, durationMs: 3, changed: [], outputs: ['/index.html'] });
    assert.equal(first.location.reloads, 1);
    const scrolled = [];
    const second = boot({ globals: { sessionStorage, scrollX: 0, scrollY: 0, scrollTo: (x, y) => scrolled.push([x, y]) } });
    assert.deepEqual(scrolled, [], 'not before the page has loaded');
    second.context.dispatchEvent(new Event('load'));
    assert.deepEqual(scrolled, [[0, 640]]);
    assert.equal(store.size, 0, 'used once');
  });

  test('built with an empty outputs list does not reload; outputs win over changed', () => {
    const b = boot();
    const style = b.document.addStylesheet('/style.css');
    b.hello();
    b.es.emit('built', { id: 1, durationMs: 3, changed: ['src/app.js'], outputs: [] });
    assert.equal(b.location.reloads, 0, 'nothing served changed');
    assert.ok(b.logs.some((l) => /changed no output/.test(l.text)));
    b.es.emit('built', { id: 2, durationMs: 3, changed: ['src/theme.scss'], outputs: ['/style.css'] });
    assert.equal(b.location.reloads, 0, 'only a stylesheet changed');
    assert.equal(b.document.stylesheets()[1].href, `${ORIGIN}/style.css?devserve=${b.clock.now}`);
    assert.equal(b.document.stylesheets()[0], style);
    b.es.emit('built', { id: 3, durationMs: 3, changed: ['src/style.css'], outputs: ['/style.css', '/index.html'] });
    assert.equal(b.location.reloads, 1);
  });

  test('built with only CSS changes swaps the matching stylesheet without reload', () => {
    const b = boot();
    const style = b.document.addStylesheet('/style.css');
    const other = b.document.addStylesheet('css/other.css?v=1');
    const cdn = b.document.addStylesheet('https://cdn.example.com/style.css');
    b.hello();
    b.clock.advance(1234);
    b.es.emit('built', { id: 1, durationMs: 3, changed: ['src/STYLE.CSS?x=1'] });
    assert.equal(b.location.reloads, 0);

    // New link right after the old one, both present until the new one loads.
    const links = b.document.stylesheets();
    assert.equal(links.length, 4);
    const fresh = links[1];
    assert.equal(links[0], style);
    assert.equal(fresh.href, `${ORIGIN}/style.css?devserve=${b.clock.now}`);
    assert.equal(fresh.getAttribute('rel'), 'stylesheet');
    assert.equal(other.href, `${ORIGIN}/css/other.css?v=1`);
    assert.equal(cdn.href, 'https://cdn.example.com/style.css');
    fresh.dispatchEvent('load');
    assert.deepEqual(b.document.stylesheets(), [fresh, other, cdn]);

    // Again: the devserve param is replaced, not appended; a failed load also
    // removes the old link.
    b.clock.advance(1000);
    b.es.emit('built', { id: 2, durationMs: 3, changed: ['src/style.css'] });
    const fresh2 = b.document.stylesheets()[1];
    assert.equal(fresh2.href, `${ORIGIN}/style.css?devserve=${b.clock.now}`);
    fresh2.dispatchEvent('error');
    assert.deepEqual(b.document.stylesheets(), [fresh2, other, cdn]);
    assert.equal(b.location.reloads, 0);
  });

  test('CSS change matching no link refreshes all same-origin stylesheets', () => {
    const b = boot();
    b.document.addStylesheet('/style.css');
    b.document.addStylesheet('/theme.css?v=2&devserve=123');
    const cdn = b.document.addStylesheet('https://cdn.example.com/x.css');
    b.hello();
    b.es.emit('built', { id: 1, durationMs: 3, changed: ['src/partials/_vars.css'] });
    assert.equal(b.location.reloads, 0);
    for (const l of b.document.stylesheets()) l.dispatchEvent('load');
    const hrefs = b.document.stylesheets().map((l) => l.href);
    assert.deepEqual(hrefs, [
      `${ORIGIN}/style.css?devserve=${b.clock.now}`,
      `${ORIGIN}/theme.css?v=2&devserve=${b.clock.now}`,
      cdn.href,
    ]);
  });

  test('error shows an escaped, colourised overlay; close hides it; built removes it', () => {
    const b = boot();
    b.hello();
    const output = `src/a.js:1:2: error: <img src=x onerror=alert(1)> & "q"\n${ESC}[31mred${ESC}[0m plain ` +
      `${ESC}[1;94mbold-blue${ESC}[39m still-bold${ESC}[22m ${ESC}[2Kcleared${ESC}]0;title\u0007 done`;
    b.es.emit('error', { id: 7, durationMs: 12, exitCode: 1, output, changed: ['src/a.js'] });
    assert.equal(b.sources[0].closed, false, 'build error treated as connection error');

    const overlay = b.overlay();
    assert.ok(overlay, 'no overlay');
    // In the open shadow root of <devserve-overlay>, the last element of <html>.
    assert.equal(overlay.parentNode, b.shadow());
    assert.equal(b.shadow().host.parentNode, b.document.documentElement);
    assert.equal(b.shadow().host.nextSibling, null);
    assert.equal(b.shadow().mode, 'open');
    assert.equal(b.document.body.find((e) => e.id === 'devserve-overlay'), null, 'the overlay is in the page itself');
    assert.match(overlay.textContent, /Build failed \(exit code 1\)/);
    const pre = overlay.find((e) => e.tagName === 'PRE');
    // Text nodes and coloured spans only, nothing parsed as HTML: the build's tags stay text.
    assert.ok(overlay.descendants().every((e) => e.innerHTML === ''), 'innerHTML used');
    const pieces = (nodes) => nodes.map((n) => [n.tagName, n.style.cssText ?? '', n.textContent]);
    // The first line names a file location: it is an editor link around the same pieces.
    const [link, ...rest] = pre.childNodes;
    assert.equal(link.tagName, 'A');
    assert.equal(link.getAttribute('data-devserve-open'), 'src/a.js:1:2');
    assert.deepEqual(pieces(link.childNodes), [['#TEXT', '', 'src/a.js:1:2: error: <img src=x onerror=alert(1)> & "q"\n']]);
    assert.deepEqual(pieces(rest), [
      ['SPAN', 'color:#ff5c57;', 'red'],
      ['#TEXT', '', ' plain '],
      ['SPAN', 'color:#8fdcff;font-weight:bold', 'bold-blue'],
      ['SPAN', 'font-weight:bold', ' still-bold'],
      ['#TEXT', '', ' '],
      ['#TEXT', '', 'cleared'],
      ['#TEXT', '', ' done'],
    ]);
    assert.equal(pre.textContent,
      'src/a.js:1:2: error: <img src=x onerror=alert(1)> & "q"\nred plain bold-blue still-bold cleared done');

    const close = overlay.find((e) => e.tagName === 'BUTTON');
    close.dispatchEvent('click');
    assert.equal(b.overlay(), null);
    assert.equal(b.shadow(), null, 'the empty host stayed in the page');

    b.es.emit('error', { id: 8, durationMs: 1, exitCode: 2, output: 'again', changed: [] });
    assert.match(b.overlay().textContent, /exit code 2/);
    b.es.emit('error', { id: 8, durationMs: 1, exitCode: 3, output: 'and again', changed: [] });
    assert.equal(b.shadow().descendants().filter((e) => e.id === 'devserve-overlay').length, 1);
    assert.equal(b.document.documentElement.childNodes.filter((e) => e.tagName === 'DEVSERVE-OVERLAY').length, 1);
    b.es.emit('built', { id: 9, durationMs: 1, changed: ['src/style.css'] });
    assert.equal(b.overlay(), null);
    assert.equal(b.location.reloads, 0);
    b.es.emit('error', { id: 10, durationMs: 1, exitCode: 1, output: 'x', changed: [] });
    b.es.emit('built', { id: 11, durationMs: 1, changed: ['src/app.js'] });
    assert.equal(b.overlay(), null);
    assert.equal(b.location.reloads, 1);
  });

  test('diagnostics are listed above the output, as text, with their location', () => {
    const b = boot();
    b.hello();
    const diagnostics = [
      { file: 'src/a.ts', line: 3, column: 7, severity: 'error', message: 'Type <img src=x onerror=alert(1)> is wrong' },
      { file: 'src/b.ts', line: 9, severity: 'warning', message: 'unused' },
    ];
    b.es.emit('error', { id: 1, durationMs: 1, exitCode: 2, output: 'raw output', changed: [], diagnostics });
    const overlay = b.overlay();
    const lines = overlay.descendants().filter((e) => e.getAttribute('class') === 'devserve-diagnostic');
    assert.deepEqual(lines.map((l) => l.textContent), [
      'src/a.ts:3:7 error: Type <img src=x onerror=alert(1)> is wrong',
      'src/b.ts:9 warning: unused',
    ]);
    assert.ok(lines.every((l) => l.descendants().every((e) => e.innerHTML === '')), 'diagnostics must not be markup');
    const children = overlay.childNodes;
    assert.ok(children.indexOf(lines[1]) < children.indexOf(overlay.find((e) => e.tagName === 'PRE')));
  });

  test('overlay goes on documentElement when there is no body', () => {
    const b = boot({ withBody: false });
    b.hello();
    b.es.emit('error', { id: 1, durationMs: 1, exitCode: 1, output: 'x', changed: [] });
    assert.equal(b.overlay().parentNode, b.shadow());
    assert.equal(b.shadow().host.parentNode, b.document.documentElement);
  });

  test('the overlays are styled from inside their shadow root, CSP-safe', () => {
    const b = boot();
    b.hello();
    b.es.emit('error', { id: 1, durationMs: 1, exitCode: 1, output: 'x', changed: [] });
    // One constructed stylesheet (no <style>, no markup): the host inherits nothing from the page.
    const [sheet] = b.shadow().adoptedStyleSheets;
    assert.match(sheet.text, /:host\{all:initial!important\}/);
    assert.equal(b.shadow().find((e) => e.tagName === 'STYLE'), null);
    assert.match(b.overlay().style.cssText, /position:fixed;inset:0;z-index:2147483647/);
    // The page removed the host (a framework re-rendering <html>, say): the next overlay puts it back.
    b.shadow().host.remove();
    b.es.emit('error', { id: 2, durationMs: 1, exitCode: 1, output: 'y', changed: [] });
    assert.match(b.overlay().textContent, /y/);
    assert.equal(b.shadow().host.parentNode, b.document.documentElement);
  });

  test('build error event and connection error are told apart', () => {
    const b = boot();
    b.hello();
    b.es.emit('error', { id: 1, durationMs: 1, exitCode: 1, output: 'x', changed: [] });
    assert.ok(b.overlay());
    assert.equal(b.es.closed, false);
    b.clock.advance(5000);
    assert.equal(b.sources.length, 1);

    b.es.connError();
    assert.equal(b.sources[0].closed, true);
    assert.ok(b.overlay(), 'connection error must not touch the overlay');
    b.clock.advance(500);
    assert.equal(b.sources.length, 2);
  });
});

describe('console', () => {
  test('messages are prefixed and a long outage logs once', () => {
    const b = boot();
    b.hello();
    assert.ok(b.logs.some((l) => /connected/.test(l.text)));
    const before = b.logs.length;
    b.es.connError();
    deadServer(b, 5 * 60_000, 200);
    const during = b.logs.slice(before);
    assert.equal(during.length, 1, `logged: ${JSON.stringify(during)}`);
    assert.match(during[0].text, /disconnected/);
    // Also a mix of timeouts and errors stays quiet.
    b.clock.advance(60_000);
    assert.equal(b.logs.length, before + 1);
    while (b.openSources().length === 0) b.clock.advance(100);
    b.hello();
    assert.match(b.logs.at(-1).text, /connected/);
    b.es.emit('error', { id: 1, durationMs: 1, exitCode: 3, output: 'x', changed: [] });
    for (const l of b.logs) assert.match(l.text, /^\[devserve\] /);
  });
});

describe('catching up after a reconnect', () => {
  test('passes the last event id back, so the server replays what was missed', () => {
    const b = boot({ scriptSrc: 'http://127.0.0.1:9000/__hmr/client.js' });
    b.hello();
    b.es.dispatch('building', { data: JSON.stringify({ id: 7, changed: ['a.css'] }), lastEventId: 'inst-7' });
    b.es.connError();
    b.clock.advance(1000); // the first reconnect delay is 500 ms
    assert.equal(b.sources.length, 2);
    assert.equal(b.es.url, 'http://127.0.0.1:9000/__hmr?lastEventId=inst-7');
  });

  test('the first connection asks for no replay', () => {
    const b = boot({ scriptSrc: 'http://127.0.0.1:9000/__hmr/client.js' });
    assert.equal(b.es.url, 'http://127.0.0.1:9000/__hmr');
  });
});

describe('images', () => {
  test('only images changed: the matching <img>s are re-fetched without a reload', () => {
    const b = boot();
    const logo = b.document.addImage('img/logo.png', { srcset: 'img/logo@2x.png 2x' });
    const other = b.document.addImage('/img/photo.jpg');
    b.document.addStylesheet('/style.css');
    b.hello();
    b.es.emit('built', { id: 1, durationMs: 1, changed: ['src/logo.png'], outputs: ['/img/logo.png', '/style.css'] });
    assert.equal(b.location.reloads, 0);
    assert.equal(logo.src, `${ORIGIN}/img/logo.png?devserve=${b.clock.now}`);
    assert.equal(logo.getAttribute('srcset'), null, 'a srcset would win over the fresh src');
    assert.equal(other.src, `${ORIGIN}/img/photo.jpg`);
    assert.equal(b.document.stylesheets().length, 2, 'the stylesheet is swapped too');
  });

  test('an image no <img> shows (a CSS background, say) reloads the page', () => {
    const b = boot();
    b.document.addImage('/img/photo.jpg');
    b.hello();
    b.es.emit('built', { id: 1, durationMs: 1, changed: [], outputs: ['/img/background.webp'] });
    assert.equal(b.location.reloads, 1);
  });
});

describe('window.devserve', () => {
  test('on() hands listeners the event data; preventDefault() skips the default; off() unsubscribes', () => {
    const b = boot();
    const seen = [];
    const off = b.api.on('built', (data, event) => { seen.push(data.outputs); event.preventDefault(); });
    b.api.on('connected', (data) => seen.push(data.instance));
    b.hello();
    b.es.emit('built', { id: 1, durationMs: 1, changed: ['src/app.js'], outputs: ['/app.js'] });
    assert.equal(JSON.stringify(seen), '["A",["/app.js"]]');
    assert.equal(b.location.reloads, 0, 'the page handled the change itself');
    off();
    b.es.emit('built', { id: 2, durationMs: 1, changed: ['src/app.js'], outputs: ['/app.js'] });
    assert.equal(seen.length, 2);
    assert.equal(b.location.reloads, 1);
  });

  test('building and error can be taken over too; disconnected is announced', () => {
    const b = boot();
    const events = [];
    for (const type of ['building', 'error', 'disconnected']) {
      b.api.on(type, (data, event) => { events.push(type); event.preventDefault(); });
    }
    b.hello();
    b.es.emit('building', { id: 1, changed: ['a.js'] });
    assert.equal(b.indicator(), null);
    b.es.emit('error', { id: 2, durationMs: 1, exitCode: 1, output: 'x', changed: [] });
    assert.equal(b.overlay(), null);
    assert.equal(b.api.connected(), true);
    b.es.connError();
    assert.equal(b.api.connected(), false);
    assert.deepEqual(events, ['building', 'error', 'disconnected']);
  });
});

describe('shared stream', () => {
  test('the worker opens one stream for every tab and brings a late tab up to date', () => {
    const w = bootWorker();
    const first = w.connect();
    const second = w.connect();
    assert.equal(w.sources.length, 1);
    assert.equal(w.es.url, `${ORIGIN}/__hmr`);
    w.es.emit('hello', { instance: 'A', heartbeatMs: 5000, state: { status: 'idle', changed: [], error: null } });
    w.es.emit('building', { id: 1, changed: ['a.js'] });
    w.es.emit('error', { id: 2, durationMs: 1, exitCode: 1, output: 'boom', changed: ['a.js'] });
    for (const port of [first, second]) {
      assert.deepEqual(port.received.filter((m) => m.type !== 'log').map((m) => m.type), ['hello', 'building', 'error']);
    }
    second.send('bye');
    const late = w.connect();
    w.es.emit('heartbeat', {});
    assert.equal(second.received.length, 4, 'a tab that said bye still gets messages');
    assert.equal(late.received[0].type, 'hello');
    assert.deepEqual(late.received[0].data.state, {
      status: 'error', changed: [],
      error: { id: 2, durationMs: 1, exitCode: 1, output: 'boom', changed: ['a.js'] },
    });
    // A build after the failed one: still the error, until a build succeeds.
    w.es.emit('building', { id: 3, changed: ['b.js'] });
    const state = w.connect().received[0].data.state;
    assert.equal(state.status, 'building');
    assert.deepEqual([...state.changed], ['b.js']);
    assert.equal(state.error.id, 2);
    w.es.emit('built', { id: 4, durationMs: 1, changed: ['b.js'], outputs: [] });
    assert.equal(w.connect().received[0].data.state.status, 'idle');
    // While the server is away, a new tab gets no stale hello.
    w.es.connError();
    assert.equal(w.connect().received.length, 0);
    assert.ok(first.received.some((m) => m.type === 'offline'));
  });

  test('a page uses the SharedWorker when there is one, and falls back when it cannot start', () => {
    const workers = [];
    class FakeSharedWorker {
      constructor(url, options) {
        this.url = url; this.options = options; this.onerror = null;
        this.port = { onmessage: null, sent: [], postMessage(m) { this.sent.push(m); }, close() { this.closed = true; } };
        workers.push(this);
      }
    }
    const b = boot({ scriptSrc: 'http://127.0.0.1:9000/__hmr/client.js', globals: { SharedWorker: FakeSharedWorker } });
    assert.equal(b.api.transport, 'shared-worker');
    assert.equal(b.sources.length, 0, 'the page opened a stream of its own');
    assert.equal(workers[0].url, 'http://127.0.0.1:9000/__hmr/client.js');
    assert.equal(workers[0].options.name, 'devserve-2');
    const message = (type, data) => workers[0].port.onmessage({ data: { type, data } });
    message('hello', { instance: 'A', heartbeatMs: 5000, state: { status: 'idle', changed: [], error: null } });
    message('built', { id: 1, durationMs: 1, changed: [], outputs: ['/index.html'] });
    assert.equal(b.location.reloads, 1);
    b.context.dispatchEvent(new Event('pagehide'));
    assert.deepEqual(workers[0].port.sent, ['bye']);

    const blocked = boot({ globals: { SharedWorker: FakeSharedWorker } });
    workers[1].onerror();
    assert.equal(blocked.api.transport, 'event-source');
    assert.equal(blocked.sources.length, 1);
    assert.ok(workers[1].port.closed);
  });
});

// Builds an error event's overlay, with a fake fetch answering respond(call).
function overlayWith(error, respond) {
  const fetch = fakeFetch(respond);
  const b = boot({ globals: { fetch } });
  b.hello();
  b.es.emit('error', { id: 1, durationMs: 1, exitCode: 1, output: '', changed: [], ...error });
  const links = b.overlay().descendants().filter((e) => e.getAttribute('data-devserve-open') !== null);
  const notices = () => b.overlay().descendants().filter((e) => e.getAttribute('data-devserve-notice') !== null);
  return { b, fetch, links, notices };
}

describe('open in editor', () => {
  test('each diagnostic location is a link that POSTs it to /__hmr/open', async () => {
    const diagnostics = [
      { file: 'src/a.ts', line: 3, column: 7, severity: 'error', message: 'bad' },
      { file: 'src/b.ts', line: 9, column: null, severity: 'warning', message: 'unused' },
    ];
    const { b, fetch, links, notices } = overlayWith({ diagnostics, output: 'no location here' });
    assert.deepEqual(links.map((a) => [a.tagName, a.getAttribute('href'), a.getAttribute('data-devserve-open'), a.textContent]), [
      ['A', '#', 'src/a.ts:3:7', 'src/a.ts:3:7'],
      ['A', '#', 'src/b.ts:9', 'src/b.ts:9'],
    ]);
    assert.equal(links[0].parentNode.getAttribute('class'), 'devserve-diagnostic');

    assert.equal(links[0].click().defaultPrevented, true, 'the link navigated to #');
    links[1].click();
    assert.deepEqual(fetch.calls.map((c) => [c.url, c.method, c.headers['Content-Type'], c.json]), [
      [`${ORIGIN}/__hmr/open`, 'POST', 'application/json', { file: 'src/a.ts', line: 3, column: 7 }],
      [`${ORIGIN}/__hmr/open`, 'POST', 'application/json', { file: 'src/b.ts', line: 9 }],
    ]);
    await settle();
    assert.deepEqual(notices(), [], 'a launched editor needs no notice');
    assert.equal(b.location.reloads, 0);
  });

  test('the first raw-output line naming a file location is a link, colours kept; URLs are not', async () => {
    const output = [
      `${ESC}[1mCompiling${ESC}[0m 3 files at 10:30:45`,
      'listening on http://localhost:8080 and 127.0.0.1:9000 (see https://example.com/app.js:3)',
      `${ESC}[1m${ESC}[31msrc/app.ts${ESC}[0m(12,5): error TS2322: <b>nope</b>`,
      'src/other.ts:1:1: error: second',
    ].join('\n');
    const { fetch, links } = overlayWith({ output });
    assert.equal(links.length, 1);
    const [link] = links;
    assert.equal(link.getAttribute('data-devserve-open'), 'src/app.ts:12:5');
    assert.equal(link.getAttribute('href'), '#');
    assert.equal(link.parentNode.tagName, 'PRE');
    assert.deepEqual(link.childNodes.map((n) => [n.tagName, n.style.cssText ?? '', n.textContent]), [
      ['SPAN', 'color:#ff5c57;font-weight:bold', 'src/app.ts'],
      ['#TEXT', '', '(12,5): error TS2322: <b>nope</b>\n'],
    ]);
    assert.equal(link.parentNode.textContent, output.replace(/\u001b\[[0-9;]*m/g, ''), 'the raw output text changed');
    assert.equal(link.click().defaultPrevented, true);
    assert.deepEqual(fetch.calls.map((c) => c.json), [{ file: 'src/app.ts', line: 12, column: 5 }]);
  });

  test('which raw-output lines name a file location', () => {
    const cases = [
      ['/Users/me/App/Sources/App/main.swift:12:5: error: cannot find x', '/Users/me/App/Sources/App/main.swift:12:5'],
      ['src/a.c:3: warning: implicit declaration', 'src/a.c:3'],
      ['    src/app.js:2:3:', 'src/app.js:2:3'], // esbuild
      ['src/a.ts:2:3 - error TS1005', 'src/a.ts:2:3'], // tsc --pretty
      ['src\\a.ts(4,2): error TS1005', 'src\\a.ts:4:2'],
      ['C:\\proj\\a.ts(4,2): error TS1005', 'C:\\proj\\a.ts:4:2'],
      ['  --> src/main.rs:2:3', 'src/main.rs:2:3'],
      ['    at run (/app/src/x.mjs:10:5)', '/app/src/x.mjs:10:5'],
      ["Error in 'index.html:9'", 'index.html:9'],
      ['listening on http://localhost:8080', null],
      ['fetch https://example.com/src/app.js:3:4 failed', null],
      ['localhost:8080 and 127.0.0.1:9000 up at 10:30:45', null],
      ['Makefile:12: *** missing separator', null], // neither a slash nor an extension
      ['make: *** [all] Error 2', null],
    ];
    for (const [line, location] of cases) {
      const { links } = overlayWith({ output: `${line}\nmore` });
      assert.equal(links[0]?.getAttribute('data-devserve-open') ?? null, location, line);
    }
  });

  test('a failed open shows the reason as one notice, as text; a success clears it', async () => {
    let answer = { status: 500, body: 'devserve: no editor configured (set $EDITOR) <i>x</i>\n' };
    const diagnostics = [{ file: 'src/a.ts', line: 3, column: 7, severity: 'error', message: 'bad' }];
    const { b, links, notices } = overlayWith({ diagnostics }, () => answer);
    links[0].click();
    await settle();
    assert.deepEqual(notices().map((n) => n.textContent), ['devserve: no editor configured (set $EDITOR) <i>x</i>']);
    assert.equal(notices()[0].innerHTML, '', 'the notice must be text');
    assert.equal(notices()[0].childNodes.filter((n) => n.tagName !== '#TEXT').length, 0);

    answer = new TypeError('Failed to fetch');
    links[0].click();
    await settle();
    assert.equal(notices().length, 1, 'the old notice stayed');
    assert.match(notices()[0].textContent, /^devserve: .*Failed to fetch/);

    answer = { status: 404, body: '' };
    links[0].click();
    await settle();
    assert.deepEqual(notices().map((n) => n.textContent), ['devserve: HTTP 404']);

    answer = { status: 204 };
    links[0].click();
    await settle();
    assert.deepEqual(notices(), []);
    assert.ok(b.overlay(), 'the overlay stays');
  });
});

describe('custom events', () => {
  const CUSTOM = { id: 5, name: 'db-seeded', detail: { rows: [1, 2], note: 'x' } };

  // Records what devserve.on(name) and a devserve:name window listener receive.
  function listen(b, name) {
    const seen = [];
    b.api.on(name, (detail, event) => seen.push(['on', detail, event.type]));
    b.context.addEventListener(`devserve:${name}`, (event) => seen.push(['window', event.detail, event.type]));
    return seen;
  }

  test('reach devserve.on(name) and devserve:name with their detail (per-tab EventSource)', () => {
    const b = boot();
    const seen = listen(b, 'db-seeded');
    b.hello();
    b.es.dispatch('custom', { data: JSON.stringify(CUSTOM), lastEventId: 'A-5' });
    assert.equal(JSON.stringify(seen), JSON.stringify([
      ['on', CUSTOM.detail, 'devserve:db-seeded'], ['window', CUSTOM.detail, 'devserve:db-seeded'],
    ]));
    assert.equal(b.location.reloads, 0);
    assert.equal(b.overlay(), null);
    assert.equal(b.indicator(), null);
    // Their id counts for the replay after a reconnect.
    b.es.connError();
    b.clock.advance(500);
    assert.equal(b.es.url, `${ORIGIN}/__hmr?lastEventId=A-5`);
  });

  test('are relayed by the SharedWorker to every tab', () => {
    const w = bootWorker();
    const port = w.connect();
    w.es.emit('hello', { instance: 'A', heartbeatMs: 5000, state: { status: 'idle', changed: [], error: null } });
    w.es.dispatch('custom', { data: JSON.stringify(CUSTOM), lastEventId: 'A-5' });
    assert.deepEqual(port.received.at(-1), { type: 'custom', data: CUSTOM });

    // The page at the other end of the port.
    let tab = null;
    class FakeSharedWorker { constructor() { tab = this; this.port = { postMessage() {} }; } }
    const b = boot({ globals: { SharedWorker: FakeSharedWorker } });
    const seen = listen(b, 'db-seeded');
    for (const message of port.received) tab.port.onmessage({ data: message });
    assert.equal(b.api.transport, 'shared-worker');
    assert.equal(JSON.stringify(seen.map((s) => s[1])), JSON.stringify([CUSTOM.detail, CUSTOM.detail]));
  });

  test('leave the state a late tab gets from the worker alone', () => {
    const w = bootWorker();
    w.connect();
    w.es.emit('hello', { instance: 'A', heartbeatMs: 5000, state: { status: 'idle', changed: [], error: null } });
    w.es.emit('custom', CUSTOM);
    assert.deepEqual(w.connect().received[0].data.state, { status: 'idle', changed: [], error: null });
    const error = { id: 6, durationMs: 1, exitCode: 1, output: 'boom', changed: ['a.js'] };
    w.es.emit('error', error);
    w.es.emit('custom', { ...CUSTOM, id: 7 });
    assert.deepEqual(w.connect().received[0].data.state, { status: 'error', changed: [], error });
    w.es.emit('building', { id: 8, changed: ['b.js'] });
    w.es.emit('custom', { ...CUSTOM, id: 9 });
    assert.deepEqual(w.connect().received[0].data.state, { status: 'building', changed: ['b.js'], error });
  });

  test('are relayed by the leader tab on the BroadcastChannel', () => {
    const globals = fakeTabs();
    const leader = boot({ globals });
    const follower = boot({ globals });
    assert.deepEqual([leader.api.transport, follower.api.transport], ['broadcast-channel', 'broadcast-channel']);
    assert.deepEqual([leader.sources.length, follower.sources.length], [1, 0]);
    const seen = [listen(leader, 'db-seeded'), listen(follower, 'db-seeded')];
    leader.hello({ state: { status: 'error', changed: [], error: { id: 4, exitCode: 1, output: 'x', changed: [] } } });
    leader.es.emit('custom', CUSTOM);
    for (const s of seen) assert.equal(JSON.stringify(s.map((e) => e[1])), JSON.stringify([CUSTOM.detail, CUSTOM.detail]));
    // A tab opened later is told the state, which the custom event left alone.
    const late = boot({ globals });
    assert.ok(late.overlay(), 'the late tab shows no overlay');
    assert.equal(late.api.connected(), true);
  });
});
