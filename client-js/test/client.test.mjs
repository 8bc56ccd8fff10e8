// Tests for client-js/devserve.js, run against a fake browser (see ../support/harness.mjs).
// Run with: cd client-js && node --test
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { boot, ORIGIN } from '../support/harness.mjs';

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
    assert.equal(typeof b.api.reconnectDelay, 'function');
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
    assert.equal(b.api.reconnectDelay(), 10_000);

    // A successful hello resets the backoff, and the new connection has a
    // working watchdog of its own.
    const es = b.hello();
    assert.equal(b.api.reconnectDelay(), 500);
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
    assert.equal(b.api.reconnectDelay(), 500);
    assertSingleConnection(b);
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
    assert.equal(overlay.parentNode, b.document.body);
    assert.match(overlay.textContent, /Build failed \(exit code 1\)/);
    const pre = overlay.find((e) => e.tagName === 'PRE');
    const html = pre.innerHTML;
    // Only our own spans are markup; the build output's tags are text.
    const tags = html.match(/<\/?[a-z][^>]*>/gi) ?? [];
    assert.ok(tags.length > 0);
    for (const tag of tags) assert.match(tag, /^<(span style="[^"<>]*"|\/span)>$/, `unexpected markup ${tag}`);
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;'));
    assert.match(html, /<span style="color:#[0-9a-f]+;">red<\/span> plain /);
    assert.match(html, /<span style="color:#[0-9a-f]+;font-weight:bold;">bold-blue<\/span><span style="font-weight:bold;"> still-bold<\/span> cleared done$/);
    assert.ok(!html.includes(ESC) && !html.includes('\u0007'), 'escape sequence left in output');
    assert.equal(pre.textContent,
      'src/a.js:1:2: error: <img src=x onerror=alert(1)> & "q"\nred plain bold-blue still-bold cleared done');

    const close = overlay.find((e) => e.tagName === 'BUTTON');
    close.dispatchEvent('click');
    assert.equal(b.overlay(), null);

    b.es.emit('error', { id: 8, durationMs: 1, exitCode: 2, output: 'again', changed: [] });
    assert.match(b.overlay().textContent, /exit code 2/);
    assert.equal(b.document.body.descendants().filter((e) => e.id === 'devserve-overlay').length, 1);
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
    assert.equal(b.overlay().parentNode, b.document.documentElement);
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
