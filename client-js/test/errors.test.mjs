// Tests for client-js/errors.js (page errors: caught, shown, reported), run in the
// fake browser of ../support/harness.mjs, which loads errors.js before devserve.js
// as devserve serves them. Run with: cd client-js && node --test
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { boot, bootWorker, fakeFetch, settle, ORIGIN } from '../support/harness.mjs';

// Stacks as Chromium 156 wrote them (captured from a page on 127.0.0.1:8765).
const CHROME = {
  sync: 'TypeError: boom\n    at boom (http://127.0.0.1:8765/app.js:1:25)\n    at run (http://127.0.0.1:8765/app.js:2:18)\n' +
    '    at capture (http://127.0.0.1:8765/app.js:6:9)\n    at http://127.0.0.1:8765/index.html:4:13',
  native: 'TypeError: boom\n    at boom (http://127.0.0.1:8765/app.js:1:25)\n    at run (http://127.0.0.1:8765/app.js:2:18)\n' +
    '    at each (http://127.0.0.1:8765/app.js:7:39)\n    at Array.forEach (<anonymous>)\n' +
    '    at capture (http://127.0.0.1:8765/app.js:7:13)\n    at http://127.0.0.1:8765/index.html:4:13',
  eval: 'TypeError: boom\n    at boom (http://127.0.0.1:8765/app.js:1:25)\n' +
    '    at eval (eval at capture (http://127.0.0.1:8765/app.js:8:9), <anonymous>:1:1)\n' +
    '    at capture (http://127.0.0.1:8765/app.js:8:9)\n    at http://127.0.0.1:8765/index.html:4:13',
  ctor: 'TypeError: boom\n    at boom (http://127.0.0.1:8765/app.js:1:25)\n    at new Widget (http://127.0.0.1:8765/app.js:10:34)\n' +
    '    at capture (http://127.0.0.1:8765/app.js:11:9)\n    at http://127.0.0.1:8765/index.html:4:13',
  alias: 'TypeError: boom\n    at boom (http://127.0.0.1:8765/app.js:1:25)\n    at Object.method [as go] (http://127.0.0.1:8765/app.js:12:26)\n' +
    '    at capture (http://127.0.0.1:8765/app.js:13:15)\n    at http://127.0.0.1:8765/index.html:4:13',
  async: 'TypeError: boom\n    at boom (http://127.0.0.1:8765/app.js:1:25)\n    at later (http://127.0.0.1:8765/app.js:3:45)\n' +
    '    at async http://127.0.0.1:8765/index.html:5:7',
  dynamicImport: 'TypeError: Failed to fetch dynamically imported module: http://127.0.0.1:8765/missing.js',
};

// The same page's errors in Firefox's format (as its documentation describes it:
// "fn@URL:line:column", async callers marked "async*", eval code "URL line N > eval").
const FIREFOX = {
  sync: 'boom@http://127.0.0.1:8765/app.js:1:25\nrun@http://127.0.0.1:8765/app.js:2:18\n' +
    'capture@http://127.0.0.1:8765/app.js:6:9\n@http://127.0.0.1:8765/index.html:4:13\n',
  native: 'boom@http://127.0.0.1:8765/app.js:1:25\nrun@http://127.0.0.1:8765/app.js:2:18\n' +
    'capture/each@http://127.0.0.1:8765/app.js:7:39\nforEach@self-hosted:4186:18\ncapture@http://127.0.0.1:8765/app.js:7:13\n',
  eval: 'boom@http://127.0.0.1:8765/app.js:1:25\n@http://127.0.0.1:8765/app.js line 8 > eval:1:1\n' +
    'capture@http://127.0.0.1:8765/app.js:8:9\n',
  fn: 'anonymous@http://127.0.0.1:8765/app.js line 9 > Function:3:12\ncapture@http://127.0.0.1:8765/app.js:9:42\n',
  async: 'boom@http://127.0.0.1:8765/app.js:1:25\nlater@http://127.0.0.1:8765/app.js:3:45\n' +
    'async*@http://127.0.0.1:8765/index.html:5:7\n',
  console: 'wrapper@debugger eval code:1:1\n@http://127.0.0.1:8765/index.html:4:13\n',
};

const at = (file, line, column) => ({ file: `http://127.0.0.1:8765/${file}`, line, column });
const APP_STACK = [at('app.js', 1, 25), at('app.js', 2, 18), at('app.js', 6, 9), at('index.html', 4, 13)];

describe('parseStack', () => {
  const { parseStack } = boot().context.__devserveErrors;
  const parse = (stack) => JSON.parse(JSON.stringify(parseStack(stack))); // plain objects of this realm

  test('reads Chrome (V8) stacks: named, anonymous, async, eval, constructors, aliases; skips native frames', () => {
    assert.deepEqual(parse(CHROME.sync), APP_STACK);
    assert.deepEqual(parse(CHROME.native), [at('app.js', 1, 25), at('app.js', 2, 18), at('app.js', 7, 39), at('app.js', 7, 13), at('index.html', 4, 13)]);
    assert.deepEqual(parse(CHROME.eval), [at('app.js', 1, 25), at('app.js', 8, 9), at('app.js', 8, 9), at('index.html', 4, 13)]);
    assert.deepEqual(parse(CHROME.ctor), [at('app.js', 1, 25), at('app.js', 10, 34), at('app.js', 11, 9), at('index.html', 4, 13)]);
    assert.deepEqual(parse(CHROME.alias), [at('app.js', 1, 25), at('app.js', 12, 26), at('app.js', 13, 15), at('index.html', 4, 13)]);
    assert.deepEqual(parse(CHROME.async), [at('app.js', 1, 25), at('app.js', 3, 45), at('index.html', 5, 7)]);
    assert.deepEqual(parse(CHROME.dynamicImport), [], 'the message names a URL but no place');
  });

  test('reads Firefox and Safari stacks', () => {
    assert.deepEqual(parse(FIREFOX.sync), APP_STACK);
    assert.deepEqual(parse(FIREFOX.native), [at('app.js', 1, 25), at('app.js', 2, 18), at('app.js', 7, 39), at('app.js', 7, 13)]);
    assert.deepEqual(parse(FIREFOX.eval), [at('app.js', 1, 25), at('app.js', 8, 1), at('app.js', 8, 9)]);
    assert.deepEqual(parse(FIREFOX.fn), [at('app.js', 9, 1), at('app.js', 9, 42)]);
    assert.deepEqual(parse(FIREFOX.async), [at('app.js', 1, 25), at('app.js', 3, 45), at('index.html', 5, 7)]);
    assert.deepEqual(parse(FIREFOX.console), [at('index.html', 4, 13)]);
    const safari = 'boom@http://127.0.0.1:8765/app.js:1:34\nforEach@[native code]\nmodule code@http://127.0.0.1:8765/index.html:4:21';
    assert.deepEqual(parse(safari), [at('app.js', 1, 34), at('index.html', 4, 21)]);
  });

  test('ports, paths with spaces, query strings; nothing from text that names no place', () => {
    assert.deepEqual(parse('Error: x\n    at f (http://localhost:8080/js/a b.js?v=2:10:3)\n    at http://localhost:8080/m.js:1:1'),
      [{ file: 'http://localhost:8080/js/a b.js?v=2', line: 10, column: 3 }, { file: 'http://localhost:8080/m.js', line: 1, column: 1 }]);
    assert.deepEqual(parse('f@http://localhost:8080/a.js:3:4'), [{ file: 'http://localhost:8080/a.js', line: 3, column: 4 }]);
    assert.deepEqual(parse('http://localhost:8080/a.js:3:4'), [{ file: 'http://localhost:8080/a.js', line: 3, column: 4 }]);
    for (const stack of [undefined, null, '', 'Error', 'TypeError: a is 1:2:3', '    at <anonymous>:1:1', '    at foo (<anonymous>:5:6)', 42]) {
      assert.deepEqual(parse(stack), [], String(stack));
    }
  });
});

// ---- in a page ---------------------------------------------------------------

// A page whose reports devserve answers with respond(call) (by default: the frames as sent).
function page({ respond, forwardConsole } = {}) {
  const fetch = fakeFetch(respond ?? ((call) => call.url.endsWith('/__hmr/error')
    ? { status: 200, body: JSON.stringify({ stack: call.json.stack }) } : { status: 202, body: '' }));
  const b = boot({ globals: { fetch }, href: `${ORIGIN}/shop/cart.html?item=3` });
  b.hello(forwardConsole === undefined ? {} : { forwardConsole });
  const reports = () => fetch.calls.filter((c) => c.url === `${ORIGIN}/__hmr/error`);
  return { b, fetch, reports };
}

// An Error whose stack is `stack`, thrown uncaught (window "error", as an ErrorEvent).
function uncaught(b, message, stack, extra = {}) {
  const error = message === null ? null : Object.assign(new TypeError(message), { stack });
  const event = Object.assign(new Event('error'), { error, message: `Uncaught TypeError: ${message}`, filename: '', lineno: 0, colno: 0, ...extra });
  b.context.dispatchEvent(event);
}

function rejected(b, reason) {
  b.context.dispatchEvent(Object.assign(new Event('unhandledrejection'), { reason }));
}

// A script element's load error, as the capture phase on window sees it.
function failedScript(b, src, type) {
  const script = b.document.createElement('script');
  script.setAttribute('src', src);
  if (type) script.type = type;
  b.document.head.appendChild(script);
  const event = new Event('error');
  Object.defineProperty(event, 'target', { value: script });
  b.context.dispatchEvent(event);
}

const entries = (b) => b.runtime()?.descendants().filter((e) => e.getAttribute('class') === 'devserve-runtime-error') ?? [];
const links = (e) => e.descendants().filter((n) => n.getAttribute('data-devserve-open') !== null).map((n) => n.getAttribute('data-devserve-open'));
const count = (e) => e.find((n) => n.getAttribute('class') === 'devserve-count')?.textContent ?? null;
const stackOf = (frames) => frames.map((f) => `    at f (${f.file}:${f.line}:${f.column})`).join('\n');
const CART = stackOf([{ file: `${ORIGIN}/cart.js`, line: 3, column: 9 }, { file: `${ORIGIN}/main.js`, line: 20, column: 1 }]);

describe('the page-error panel', () => {
  test('shows an uncaught error: message, then each frame a link to the editor', async () => {
    const { b, fetch } = page({ respond: (call) => call.url.endsWith('/open') ? { status: 202 } : { status: 500, body: 'no' } });
    assert.equal(b.runtime(), null, 'a panel before any error');
    uncaught(b, 'cart is <b>undefined</b>', `TypeError: cart is <b>undefined</b>\n${CART}`);
    const panel = b.runtime();
    assert.ok(panel, 'no panel');
    assert.equal(panel.parentNode, b.shadow(), 'the panel is not in the overlays\' shadow root');
    assert.match(panel.textContent, /^×Runtime error/);
    const [entry] = entries(b);
    assert.match(entry.textContent, /^Uncaught TypeError: cart is <b>undefined<\/b>at /);
    assert.ok(panel.descendants().every((e) => e.innerHTML === ''), 'markup in the panel');
    assert.deepEqual(links(entry), [`${ORIGIN}/cart.js:3:9`, `${ORIGIN}/main.js:20:1`]);
    const link = entry.find((n) => n.tagName === 'A');
    assert.equal(link.click().defaultPrevented, true);
    assert.deepEqual(fetch.calls.at(-1).json, { file: `${ORIGIN}/cart.js`, line: 3, column: 9 });
    assert.equal(b.overlay(), null, 'a page error showed the build overlay');
    // No stack: the event's own place.
    uncaught(b, 'late', 'TypeError: late', { filename: `${ORIGIN}/late.js`, lineno: 7, colno: 2 });
    assert.deepEqual(links(entries(b)[1]), [`${ORIGIN}/late.js:7:2`]);
    assert.match(panel.textContent, /Runtime errors \(2\)/);
  });

  test('a failed open says why in the panel', async () => {
    const { b } = page({ respond: (call) => call.url.endsWith('/open') ? { status: 404, body: 'devserve: no file x' } : { status: 500 } });
    uncaught(b, 'x', `TypeError: x\n${CART}`);
    entries(b)[0].find((n) => n.tagName === 'A').click();
    await settle();
    const notice = b.runtime().find((n) => n.getAttribute('data-devserve-notice') !== null);
    assert.equal(notice?.textContent, 'devserve: no file x');
  });

  test('collapses repeats (same message, same first frame) into ×N', () => {
    const { b } = page();
    for (let i = 0; i < 3; i++) uncaught(b, 'again', `TypeError: again\n${CART}`);
    uncaught(b, 'again', `TypeError: again\n    at g (${ORIGIN}/other.js:1:1)`); // elsewhere: its own entry
    uncaught(b, 'other', `TypeError: other\n${CART}`);
    assert.deepEqual(entries(b).map(count), ['×3', null, null]);
    assert.match(b.runtime().textContent, /Runtime errors \(3\)/);
  });

  test('lists 20 distinct errors and counts the rest', () => {
    const { b } = page();
    for (let i = 0; i < 25; i++) uncaught(b, `error ${i}`, `TypeError: error ${i}\n${CART}`);
    assert.equal(entries(b).length, 20);
    assert.match(b.runtime().textContent, /Runtime errors \(25, 5 not listed\)/);
  });

  test('× dismisses it; the next error shows a fresh one', () => {
    const { b } = page();
    uncaught(b, 'one', `TypeError: one\n${CART}`);
    uncaught(b, 'one', `TypeError: one\n${CART}`);
    b.runtime().find((e) => e.tagName === 'BUTTON').click();
    assert.equal(b.runtime(), null);
    assert.equal(b.shadow(), null, 'the empty host stayed in the page');
    uncaught(b, 'one', `TypeError: one\n${CART}`);
    assert.deepEqual(entries(b).map(count), [null]);
  });

  test('never hides a build error: it stays first, on top, and page errors wait below it', () => {
    const { b } = page();
    uncaught(b, 'before', `TypeError: before\n${CART}`);
    b.es.emit('error', { id: 1, durationMs: 1, exitCode: 1, output: 'src/a.ts:1:1: error: x', changed: [] });
    uncaught(b, 'during', `TypeError: during\n${CART}`);
    const [first, second] = b.shadow().childNodes;
    assert.equal(first, b.overlay());
    assert.equal(second, b.runtime());
    assert.equal(entries(b).length, 2);
    assert.match(b.overlay().textContent, /Build failed/);
    // The shadow root's stylesheet hides a panel after the build overlay; z-index puts the overlay on top anyway.
    assert.match(b.shadow().adoptedStyleSheets[0].text, /#devserve-overlay~#devserve-runtime\{display:none\}/);
    assert.match(b.overlay().style.cssText, /z-index:2147483647/);
    assert.match(b.runtime().style.cssText, /z-index:2147483646/);
    // Dismissing the page errors leaves the build error; hiding the build error shows the page errors.
    b.runtime().find((e) => e.tagName === 'BUTTON').click();
    assert.ok(b.overlay());
    uncaught(b, 'after', `TypeError: after\n${CART}`);
    b.overlay().find((e) => e.tagName === 'BUTTON').click();
    assert.equal(b.overlay(), null);
    assert.deepEqual(b.shadow().childNodes, [b.runtime()]);
    // A later build error goes in front of the panel again.
    b.es.emit('error', { id: 2, durationMs: 1, exitCode: 1, output: 'x', changed: [] });
    assert.deepEqual(b.shadow().childNodes, [b.overlay(), b.runtime()]);
  });
});

describe('reports', () => {
  test('each error is POSTed to /__hmr/error with its kind, message, frames and page', () => {
    const { b, reports } = page();
    uncaught(b, 'boom', CHROME.sync);
    rejected(b, Object.assign(new Error('nobody catches me'), { stack: FIREFOX.async }));
    rejected(b, 'a plain string');
    rejected(b, { code: 7 });
    rejected(b, Object.assign(new TypeError('Failed to fetch dynamically imported module: http://127.0.0.1:8765/missing.js'), { stack: CHROME.dynamicImport }));
    failedScript(b, '/gone.js', 'module');
    failedScript(b, 'https://cdn.example.com/lib.js');
    uncaught(b, null, undefined, { message: 'Script error.' }); // a cross-origin script's error: no details
    const calls = reports();
    assert.deepEqual(calls.map((c) => [c.method, c.headers['Content-Type']]), Array(8).fill(['POST', 'application/json']));
    assert.deepEqual(calls.map((c) => c.json), [
      { kind: 'error', message: 'TypeError: boom', page: '/shop/cart.html?item=3', stack: APP_STACK },
      { kind: 'rejection', message: 'Error: nobody catches me', page: '/shop/cart.html?item=3', stack: [at('app.js', 1, 25), at('app.js', 3, 45), at('index.html', 5, 7)] },
      { kind: 'rejection', message: 'a plain string', page: '/shop/cart.html?item=3', stack: [] },
      { kind: 'rejection', message: '{"code":7}', page: '/shop/cart.html?item=3', stack: [] },
      { kind: 'module', message: 'TypeError: Failed to fetch dynamically imported module: http://127.0.0.1:8765/missing.js', page: '/shop/cart.html?item=3', stack: [] },
      { kind: 'module', message: `Failed to load module script ${ORIGIN}/gone.js`, page: '/shop/cart.html?item=3', stack: [] },
      { kind: 'module', message: 'Failed to load script https://cdn.example.com/lib.js', page: '/shop/cart.html?item=3', stack: [] },
      { kind: 'error', message: 'Script error.', page: '/shop/cart.html?item=3', stack: [] },
    ]);
    assert.equal(entries(b).length, 8, 'each is shown too');
    assert.match(entries(b)[1].textContent, /^Unhandled rejection: Error: nobody catches me/);
    // Other resources failing to load are not page errors.
    const img = b.document.createElement('img');
    const event = new Event('error');
    Object.defineProperty(event, 'target', { value: img });
    b.context.dispatchEvent(event);
    assert.equal(reports().length, 8);
  });

  test('at most 10 in 10 s; the rest are dropped, said once in the console', () => {
    const { b, reports } = page();
    for (let i = 0; i < 25; i++) { uncaught(b, `e${i}`, `TypeError: e${i}\n${CART}`); b.clock.advance(100); }
    assert.equal(reports().length, 10);
    assert.equal(entries(b).length, 20, 'dropped reports are still shown');
    const said = b.logs.filter((l) => /not sent to devserve/.test(l.text));
    assert.equal(said.length, 1);
    assert.match(said[0].text, /^\[devserve\] over 10 page errors in 10 s/);
    b.clock.advance(10_000);
    for (let i = 0; i < 25; i++) uncaught(b, `f${i}`, `TypeError: f${i}\n${CART}`);
    assert.equal(reports().length, 20);
    assert.equal(b.logs.filter((l) => /not sent to devserve/.test(l.text)).length, 1, 'said twice');
  });

  test('an identical repeat within 2 s is not sent again', () => {
    const { b, reports } = page();
    uncaught(b, 'loop', `TypeError: loop\n${CART}`);
    b.clock.advance(1000);
    uncaught(b, 'loop', `TypeError: loop\n${CART}`);
    uncaught(b, 'loop', `TypeError: loop\n    at g (${ORIGIN}/elsewhere.js:1:1)`); // not identical
    rejected(b, Object.assign(new TypeError('loop'), { stack: `TypeError: loop\n${CART}` })); // another kind
    assert.equal(reports().length, 3);
    b.clock.advance(1000);
    uncaught(b, 'loop', `TypeError: loop\n${CART}`);
    assert.equal(reports().length, 4);
    assert.equal(count(entries(b)[0]), '×3');
  });

  test("the server's mapped frames replace the panel's: the links open the sources", async () => {
    const mapped = [{ file: 'src/cart.ts', line: 2, column: 5 }, { file: `${ORIGIN}/main.js`, line: 20, column: 1 }];
    const { b, fetch } = page({ respond: (call) => call.url.endsWith('/error') ? { status: 200, body: JSON.stringify({ stack: mapped }) } : { status: 202 } });
    uncaught(b, 'mapped', `TypeError: mapped\n${CART}`);
    assert.deepEqual(links(entries(b)[0]), [`${ORIGIN}/cart.js:3:9`, `${ORIGIN}/main.js:20:1`]);
    await settle();
    assert.deepEqual(links(entries(b)[0]), ['src/cart.ts:2:5', `${ORIGIN}/main.js:20:1`]);
    entries(b)[0].find((n) => n.tagName === 'A').click();
    assert.deepEqual(fetch.calls.at(-1).json, { file: 'src/cart.ts', line: 2, column: 5 });
    // Dismissed, then again within 2 s: not sent, yet shown mapped at once.
    b.runtime().find((e) => e.tagName === 'BUTTON').click();
    uncaught(b, 'mapped', `TypeError: mapped\n${CART}`);
    assert.deepEqual(links(entries(b)[0]), ['src/cart.ts:2:5', `${ORIGIN}/main.js:20:1`]);
  });

  test('an answer that is not one frame per frame sent changes nothing; a failed report is quiet', async () => {
    for (const answer of [{ status: 200, body: '{"stack":[{"file":"a.ts","line":1,"column":1}]}' }, { status: 200, body: 'not json' },
      { status: 429, body: 'too many' }, { status: 404, body: '' }, new TypeError('Failed to fetch')]) {
      const { b } = page({ respond: () => answer });
      uncaught(b, 'x', `TypeError: x\n${CART}`);
      uncaught(b, 'y', `TypeError: y\n${CART}`);
      await settle();
      assert.deepEqual(links(entries(b)[0]), [`${ORIGIN}/cart.js:3:9`, `${ORIGIN}/main.js:20:1`]);
      const debug = b.logs.filter((l) => l.level === 'debug');
      assert.ok(debug.length <= 1, JSON.stringify(debug));
      assert.ok(b.logs.every((l) => l.text.startsWith('[devserve] ')), JSON.stringify(b.logs));
      assert.equal(b.logs.filter((l) => l.level === 'error' || l.level === 'warn').length, 0);
    }
    const { b } = page({ respond: () => ({ status: 500, body: '' }) });
    uncaught(b, 'x', `TypeError: x\n${CART}`);
    await settle();
    assert.match(b.logs.find((l) => l.level === 'debug').text, /^\[devserve\] could not report a page error: HTTP 500/);
  });

  test('a report stays under 16 KiB: the message at 2,000 characters, at most 30 frames', () => {
    const { b, reports } = page();
    const many = Array.from({ length: 50 }, (_, i) => ({ file: `${ORIGIN}/f${i}.js`, line: i + 1, column: 1 }));
    uncaught(b, 'x'.repeat(5000), `TypeError: ${'x'.repeat(5000)}\n${stackOf(many)}`);
    const [first] = reports();
    assert.equal(first.json.message.length, 2000);
    assert.deepEqual(first.json.stack, many.slice(0, 30));
    assert.equal(entries(b)[0].descendants().filter((n) => n.getAttribute('class') === 'devserve-frame').length, 30);
    // Long file names and a message of wide characters: frames go first, then the message shortens.
    const long = Array.from({ length: 30 }, (_, i) => ({ file: `${ORIGIN}/${'d'.repeat(1500)}${i}.js`, line: 1, column: 1 }));
    uncaught(b, '字'.repeat(3000), `TypeError: ${'字'.repeat(3000)}\n${stackOf(long)}`);
    const body = reports()[1].body;
    assert.ok(Buffer.byteLength(body) <= 16 * 1024, `${Buffer.byteLength(body)} bytes`);
    assert.ok(reports()[1].json.stack.length > 0 && reports()[1].json.stack.length < 30);
  });

  test("devserve's own errors are neither shown nor reported", () => {
    const { b, reports } = page();
    uncaught(b, 'bug in devserve', `TypeError: bug\n    at receive (${ORIGIN}/__hmr/client.js:300:5)\n${CART}`);
    uncaught(b, 'bug in hot.js', `TypeError: bug\n    at update (${ORIGIN}/__hmr/hot.js:1:1)`);
    uncaught(b, 'no stack', 'TypeError: no stack', { filename: `${ORIGIN}/__hmr/client.js`, lineno: 1, colno: 1 });
    failedScript(b, '/__hmr/hot.js', 'module');
    assert.equal(reports().length, 0);
    assert.equal(b.runtime(), null);
    // A page's own code called by devserve (a devserve.on listener) is the page's.
    uncaught(b, 'in a listener', `TypeError: x\n    at onBuilt (${ORIGIN}/app.js:5:5)\n    at receive (${ORIGIN}/__hmr/client.js:300:5)`);
    assert.equal(reports().length, 1);
  });

  test('no loops: errors in the reporter, or raised while reporting, are not reported', () => {
    let calls = 0;
    let b;
    const fetch = () => {
      calls++;
      b.context.console.error('fetch wrapper: something failed');
      uncaught(b, 'thrown while reporting', `TypeError: t\n${CART}`);
      throw new TypeError('fetch is broken');
    };
    b = boot({ globals: { fetch } });
    b.hello({ forwardConsole: true });
    uncaught(b, 'first', `TypeError: first\n${CART}`);
    assert.equal(calls, 1);
    assert.equal(entries(b).length, 1, 'what happened while reporting was shown');
    assert.equal(b.logs.filter((l) => l.level === 'error').length, 1, 'the console line is still logged');
    assert.equal(b.logs.filter((l) => l.level === 'debug').length, 1);
    // A rejection of the report itself is caught, not an unhandled rejection.
    const rejecting = page({ respond: () => new TypeError('offline') });
    rejecting.b.context.addEventListener('unhandledrejection', () => assert.fail('an unhandled rejection'));
    uncaught(rejecting.b, 'z', `TypeError: z\n${CART}`);
    return settle();
  });
});

describe('--forward-console', () => {
  test('off (or not said): console.error and console.warn are left alone', () => {
    for (const forwardConsole of [undefined, false]) {
      const { b, reports } = page({ forwardConsole });
      const original = b.context.console.error;
      b.context.console.error('oops');
      b.context.console.warn('hmm');
      assert.equal(reports().length, 0);
      assert.equal(b.context.console.error, original, 'wrapped without --forward-console');
    }
  });

  test('on: each console.error/warn is logged first, then reported from where it was called', () => {
    const { b, reports } = page({ forwardConsole: true });
    b.context.console.error('cart total', 3, { id: 7 }, [1, 2], null, new RangeError('too big'));
    b.context.console.warn('low stock');
    assert.deepEqual(b.logs.slice(-2).map((l) => [l.level, l.text]), [
      ['error', 'cart total 3 [object Object] 1,2 null RangeError: too big'], ['warn', 'low stock'],
    ]);
    const [error, warn] = reports().map((c) => c.json);
    assert.equal(error.kind, 'console-error');
    assert.equal(error.message, 'cart total 3 {"id":7} [1,2] null RangeError: too big');
    assert.equal(warn.kind, 'console-warn');
    assert.equal(warn.message, 'low stock');
    assert.equal(warn.page, '/shop/cart.html?item=3');
    // The first frame is this test's line, not the wrapper inside devserve's client.
    assert.match(error.stack[0].file, /errors\.test\.mjs$/);
    assert.ok(error.stack.every((f) => !f.file.includes('/__hmr/')));
    assert.equal(b.runtime(), null, 'console lines are not page errors: no panel');
  });

  test("objects that cannot be shown as JSON, and devserve's own lines, are handled", () => {
    const { b, reports } = page({ forwardConsole: true });
    const cyclic = {}; cyclic.self = cyclic;
    const hostile = { toJSON() { throw new Error('no'); }, toString() { throw new Error('no'); } };
    b.context.console.error(cyclic, hostile, Object.create(null), Symbol('s'));
    assert.equal(reports()[0].json.message, '[object Object] [object Object] [object Object] Symbol(s)');
    b.context.console.error('[devserve] build failed (exit code 1)');
    b.es.emit('error', { id: 1, durationMs: 1, exitCode: 2, output: 'x', changed: [] }); // devserve logs it with console.error
    vm.runInContext("console.warn('a warning from devserve code')", b.context, { filename: `${ORIGIN}/__hmr/hot.js` });
    b.context.console.warn(`POST ${ORIGIN}/__hmr/error failed`);
    assert.equal(reports().length, 1);
    assert.ok(b.logs.some((l) => l.text === 'a warning from devserve code'), 'the original console was not called');
  });

  test('an identical console line repeated within 2 s is sent once; the rate limit holds', () => {
    const { b, reports } = page({ forwardConsole: true });
    const log = () => b.context.console.warn('same'); // one call site
    for (let i = 0; i < 5; i++) log();
    assert.equal(reports().length, 1);
    for (let i = 0; i < 30; i++) b.context.console.warn(`w${i}`);
    assert.equal(reports().length, 10);
  });

  test('hello turns it on once; a second hello does not wrap the wrapper', () => {
    const { b, reports } = page({ forwardConsole: true });
    const wrapped = b.context.console.error;
    b.es.connError();
    b.clock.advance(500);
    b.hello({ forwardConsole: true });
    assert.equal(b.context.console.error, wrapped);
    b.context.console.error('once');
    assert.equal(reports().length, 1);
    assert.equal(b.logs.filter((l) => l.text === 'once').length, 1);
  });
});

describe('errors.js itself', () => {
  test('defines one global and does nothing in the SharedWorker', () => {
    const w = bootWorker();
    assert.equal(typeof w.context.__devserveErrors.install, 'function');
    const port = w.connect();
    w.es.emit('hello', { instance: 'A', heartbeatMs: 5000, forwardConsole: true, state: { status: 'idle', changed: [], error: null } });
    assert.equal(port.received.find((m) => m.type === 'hello').data.forwardConsole, true, 'the worker dropped forwardConsole');
  });

  test('devserve.js alone (without errors.js in front) still works, without page errors', () => {
    const fetch = fakeFetch();
    const b = boot({ files: ['devserve.js'], globals: { fetch } });
    b.hello({ forwardConsole: true });
    uncaught(b, 'x', `TypeError: x\n${CART}`);
    b.es.emit('error', { id: 1, durationMs: 1, exitCode: 1, output: 'x', changed: [] });
    assert.ok(b.overlay());
    assert.equal(b.runtime(), null);
    assert.equal(fetch.calls.length, 0);
  });
});
