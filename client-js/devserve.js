/*
 * devserve browser client — injected into every HTML page as
 * <script src="/__hmr/client.js">. Follows the server's Server-Sent Events on
 * /__hmr and reloads the page, hot-swaps CSS and images, or shows a
 * build-error overlay. Plain classic script, no dependencies.
 *
 * All tabs of an origin share one event stream, because a browser allows only
 * about six HTTP/1.1 connections per host. Best first:
 *   1. a SharedWorker running this same file holds the stream for every tab;
 *   2. else one leader tab (a Web Lock) holds it and relays on a BroadcastChannel;
 *   3. else each tab has its own EventSource.
 *
 * Page API (documented in the README):
 *   devserve.on(type, fn) -> off()   type: connected, disconnected, building,
 *                                    built, error, or the NAME of a custom event
 *                                    the server published (fn gets its detail);
 *                                    fn(data, event)
 *   event.preventDefault()           skips the default (reload, CSS/image swap,
 *                                    overlay, indicator; custom events have none)
 *   devserve.connected()             is the event stream up?
 *   devserve.transport               'shared-worker' | 'broadcast-channel' | 'event-source'
 * Each is also a cancelable "devserve:TYPE" CustomEvent on window.
 *
 * In the overlay, each diagnostic's file:line[:col], and the first line of the
 * raw output naming one, is an <a data-devserve-open> link: a click asks the
 * server (POST /__hmr/open) to open it in the editor; a failure shows the
 * server's reason in [data-devserve-notice].
 *
 * The overlays live in the open shadow root of one <devserve-overlay> element
 * on <html>, so the page's CSS neither styles them nor is styled by them:
 * #devserve-overlay (a build error) and #devserve-runtime (page errors, from
 * client-js/errors.js, served in front of this file; hidden while a build
 * error shows).
 */
(function () {
  'use strict';
  var NAME = 'devserve-2';      // worker / lock / channel name; bump when messages change
  var INITIAL_DELAY = 500;      // first reconnect delay (ms)
  var MAX_DELAY = 10000;        // backoff cap (ms), before jitter
  var JITTER = 0.3;             // up to +30% random extra delay
  var WATCHDOG_TICK = 1000;     // how often the watchdog looks (ms)

  // ---- the event stream: once per origin (worker or leader) or per tab ----

  // Follows /__hmr and passes each message to deliver({type, data}): hello,
  // building, built, error, custom ({id, name, detail}), heartbeat,
  // offline ({reason}) and log (a string).
  // current() is the last hello with the status kept up to date since, for
  // tabs that join later (null while disconnected).
  function stream(url, deliver) {
    var source = null;            // the one live EventSource (or null)
    var watchdog = null;          // the one watchdog interval (or null)
    var retryTimer = null;        // pending reconnect timeout (or null)
    var delay = INITIAL_DELAY;    // next reconnect delay (before jitter)
    var heartbeatMs = 5000;       // updated from each hello
    var lastActivity = 0;         // Date.now() of the last open/event
    var lastEventId = '';         // id of the last event seen, sent back on reconnect
    var offline = false;          // disconnect already logged?
    var current = null;

    function connect() {
      clearTimeout(retryTimer);
      retryTimer = null;
      if (source) source.close();
      // A new EventSource sends no Last-Event-ID, so pass it in the query: the
      // server then replays the events missed while disconnected.
      var es = source = new EventSource(lastEventId ? url + '?lastEventId=' + encodeURIComponent(lastEventId) : url);
      lastActivity = Date.now();

      // Every listener ignores events from a source that is no longer current.
      function on(type, handler) {
        es.addEventListener(type, function (e) {
          if (es !== source) return;
          lastActivity = Date.now();
          if (e.lastEventId) lastEventId = e.lastEventId;
          handler(e);
        });
      }
      on('open', function () {});
      ['hello', 'heartbeat', 'building', 'built', 'custom'].forEach(function (type) { on(type, relay); });
      on('shutdown', function () { fail('server shut down, waiting for it to come back…'); });
      // "error" is both our build-error event and EventSource's connection
      // error: only the build event is a MessageEvent carrying string data.
      on('error', function (e) {
        if (typeof e.data === 'string') relay(e);
        else fail('disconnected, retrying…');
      });

      clearInterval(watchdog);
      watchdog = setInterval(function () {
        if (Date.now() - lastActivity > 2 * heartbeatMs) fail('no heartbeat, reconnecting…');
      }, WATCHDOG_TICK);
    }

    // Drop the connection (cancelling the browser's own retry) and schedule a
    // reconnect with exponential backoff + jitter. Logs once per outage.
    function fail(reason) {
      if (!source) return;
      source.close();
      source = null;
      current = null;
      clearInterval(watchdog);
      watchdog = null;
      if (!offline) { offline = true; deliver({ type: 'log', data: reason }); deliver({ type: 'offline', data: { reason: reason } }); }
      var wait = Math.round(delay * (1 + Math.random() * JITTER));
      delay = Math.min(delay * 2, MAX_DELAY);
      retryTimer = setTimeout(connect, wait);
    }

    function relay(e) {
      var data;
      try { data = JSON.parse(e.data || '{}') || {}; } catch (err) { return deliver({ type: 'log', data: 'bad event data: ' + e.data }); }
      if (e.type === 'hello') {
        if (data.heartbeatMs > 0) heartbeatMs = data.heartbeatMs;
        delay = INITIAL_DELAY;
        offline = false;
        current = data;
        deliver({ type: 'log', data: 'connected' });
      } else if (current) {
        current.state = applying(current.state || {}, e.type, data);
      }
      deliver({ type: e.type, data: data });
    }

    connect();
    return { current: function () { return current; } };
  }

  // The status after an event (as GET /__hmr/status has it): only building,
  // built and error change it (not heartbeat, custom or any newer type).
  function applying(state, type, data) {
    if (type === 'building') return { status: 'building', changed: data.changed || [], error: state.error || null };
    if (type === 'built') return { status: 'idle', changed: [], error: null };
    if (type === 'error') return { status: 'error', changed: [], error: data };
    return state;
  }

  // ---- role 1: the SharedWorker, relaying one stream to every tab's port ----

  if (typeof SharedWorkerGlobalScope === 'function' && self instanceof SharedWorkerGlobalScope) {
    var ports = [];
    var shared = stream(new URL('/__hmr', location.href).href, function (msg) {
      ports.forEach(function (port) { port.postMessage(msg); });
    });
    self.onconnect = function (e) {
      var port = e.ports[0];
      ports.push(port);
      port.onmessage = function (m) { if (m.data === 'bye') ports.splice(ports.indexOf(port), 1); };
      if (shared.current()) port.postMessage({ type: 'hello', data: shared.current() });
    };
    return;
  }

  // ---- role 2: the page ----------------------------------------------------

  if (window.devserve && window.devserve.transport) return; // loaded twice (e.g. two script tags)
  var script = document.currentScript;
  var base = (script && script.src) || location.href;
  var url = new URL('/__hmr', base).href;
  var instance = null;          // server instance id from the first hello
  var online = false;           // between a hello and an offline
  var link = null;              // this tab's own stream (leader or per-tab), else null
  var overlay = null, indicator = null, notice = null;
  var host = null, shadow = null; // <devserve-overlay> and its shadow root, once needed

  function log(msg) { console.log('[devserve] ' + msg); }
  function parent() { return document.body || document.documentElement; }

  // Dispatches "devserve:TYPE" on window; false when a listener cancelled it.
  function emit(type, data) {
    return window.dispatchEvent(new CustomEvent('devserve:' + type, { detail: data, cancelable: true }));
  }

  var api = window.devserve = {
    transport: 'event-source',
    on: function (type, fn) {
      var listener = function (e) { fn(e.detail, e); };
      window.addEventListener('devserve:' + type, listener);
      return function () { window.removeEventListener('devserve:' + type, listener); };
    },
    connected: function () { return online; }
  };

  function receive(msg) {
    var data = msg.data;
    if (msg.type === 'log') log(data);
    else if (msg.type === 'hello') onHello(data);
    else if (msg.type === 'offline') { online = false; emit('disconnected', data); }
    else if (msg.type === 'building') { if (emit('building', data)) showIndicator(); }
    else if (msg.type === 'built') onBuilt(data);
    else if (msg.type === 'error') onBuildError(data);
    else if (msg.type === 'custom') emit(data.name, data.detail); // no default action
  }

  function viaWorker() {
    var worker;
    try { worker = new SharedWorker(new URL('/__hmr/client.js', base).href, { name: NAME }); } catch (e) { return false; }
    var heard = false;
    worker.port.onmessage = function (e) { heard = true; receive(e.data); };
    // A worker that cannot start (blocked by a CSP, say): fall back.
    worker.onerror = function () { if (!heard) { worker.port.close(); start(false); } };
    window.addEventListener('pagehide', function () { worker.port.postMessage('bye'); });
    return true;
  }

  function viaLeader() {
    if (typeof BroadcastChannel !== 'function' || !navigator.locks) return false;
    var channel = new BroadcastChannel(NAME);
    var me = String(Math.random());
    channel.onmessage = function (e) {
      var msg = e.data;
      if (msg.type === 'sync') {
        if (link && link.current()) channel.postMessage({ type: 'hello', data: link.current(), to: msg.from });
      } else if (!msg.to || msg.to === me) {
        receive(msg);
      }
    };
    navigator.locks.request(NAME, function () {
      link = stream(url, function (msg) { channel.postMessage(msg); receive(msg); });
      return new Promise(function () {}); // lead while this page lives
    });
    channel.postMessage({ type: 'sync', from: me });
    return true;
  }

  function start(worker) {
    if (worker && typeof SharedWorker === 'function' && viaWorker()) api.transport = 'shared-worker';
    else if (viaLeader()) api.transport = 'broadcast-channel';
    else { api.transport = 'event-source'; link = stream(url, receive); }
  }

  // ---- protocol events -------------------------------------------------

  function onHello(data) {
    if (instance !== null && data.instance !== instance) {
      log('server restarted, reloading');
      return location.reload();
    }
    instance = data.instance;
    online = true;
    if (errors) errors.forwardConsole(data.forwardConsole === true);
    if (!emit('connected', data)) return;
    var state = data.state || {};
    if (state.status === 'error' && state.error) showOverlay(state.error);
    else hideOverlay();
    if (state.status === 'building') showIndicator(); else hideIndicator();
  }

  function onBuilt(data) {
    if (!emit('built', data)) return;
    hideOverlay();
    hideIndicator();
    apply(data);
  }

  // A build that arrived while this tab was hidden (merged with any later
  // one): applied when the tab shows again, so a background tab neither
  // reloads nor runs updates nobody sees.
  var pending = null;

  function apply(data) {
    if (document.hidden) { pending = pending ? merge(pending, data) : data; return; }
    // `outputs` lists the served files whose content changed; without it,
    // fall back to the changed sources (and reload: anything may be used).
    var exact = Array.isArray(data.outputs);
    var files = exact ? data.outputs : (data.changed || []);
    if (exact && !files.length) return log('build changed no output, not reloading');
    if (exact) {
      var used = files.filter(usedHere);
      if (!used.length) return log('this page uses none of ' + files.join(', ') + ', not reloading');
      files = used;
    }
    var css = files.filter(function (p) { return /\.css$/i.test(stripQuery(p)); });
    var images = files.filter(function (p) { return /\.(png|jpe?g|gif|webp|avif|svg|ico|bmp)$/i.test(stripQuery(p)); });
    // ES modules go to the hot runtime (/__hmr/hot.js), when a module of this
    // page loaded it: it applies import.meta.hot updates, or says why not.
    var runtime = window.__devserveHot;
    var hot = data.hot && runtime ? data.hot : null;
    var modules = hot ? files.filter(function (p) { return hot.changed.indexOf(stripQuery(p)) !== -1; }) : [];
    var rest = files.filter(function (p) { return css.indexOf(p) === -1 && images.indexOf(p) === -1 && modules.indexOf(p) === -1; });
    if (!files.length || rest.length || (images.length && !swapImages(images))) {
      return reload(rest.length ? rest.join(', ') + ' changed' : 'the change could not be applied in place',
        data.hot && !runtime && rest.some(function (p) { return data.hot.changed.indexOf(stripQuery(p)) !== -1; })
          ? ' (no module of this page uses import.meta.hot)' : '');
    }
    if (css.length) swapCss(css);
    if (!modules.length) return;
    runtime.update(hot).then(function (reason) {
      if (reason) reload(reason, '');
    }, function (e) { reload('the hot update failed: ' + (e && e.message || e), ''); });
  }

  function merge(a, b) {
    var outputs = Array.isArray(a.outputs) && Array.isArray(b.outputs) ? union(a.outputs, b.outputs) : null;
    var hot = a.hot && b.hot ? {
      version: Math.max(a.hot.version, b.hot.version),
      changed: union(a.hot.changed, b.hot.changed),
      importers: Object.assign({}, a.hot.importers, b.hot.importers),
      pruned: union(a.hot.pruned || [], b.hot.pruned || [])
    } : (a.hot || b.hot);
    return { outputs: outputs, changed: union(a.changed || [], b.changed || []), hot: hot };
  }

  function union(a, b) { return a.concat(b.filter(function (x) { return a.indexOf(x) === -1; })); }

  if (typeof document.addEventListener === 'function') {
    document.addEventListener('visibilitychange', function () {
      if (document.hidden || !pending) return;
      var data = pending;
      pending = null;
      apply(data);
    });
  }

  // ---- what this page uses ---------------------------------------------

  // A change reloads (or swaps into) this tab only when the page uses it: its
  // own document, named by devserve in the page's Server-Timing header
  // (`devserve-page`), or any URL it fetched (Resource Timing lists scripts,
  // styles, images and fetch() calls, failed ones too). When either is
  // unknown (no header on an insecure origin, a listing or a proxied page;
  // the Resource Timing buffer filled before this script ran), everything
  // counts as used: a needless reload beats a stale page.
  var resourcesKnown = false;
  try {
    resourcesKnown = typeof performance.getEntriesByType === 'function' &&
      performance.getEntriesByType('resource').length < 250;
    if (performance.setResourceTimingBufferSize) performance.setResourceTimingBufferSize(100000);
    performance.addEventListener('resourcetimingbufferfull', function () { resourcesKnown = false; });
  } catch (e) { resourcesKnown = false; }

  function pageFile() {
    try {
      var nav = performance.getEntriesByType('navigation')[0];
      var entry = nav && (nav.serverTiming || []).filter(function (t) { return t.name === 'devserve-page'; })[0];
      return entry ? entry.description : null;
    } catch (e) { return null; }
  }

  function usedHere(output) {
    var path = stripQuery(output);
    var page = pageFile();
    if (page === null || path === page || !resourcesKnown) return true;
    return performance.getEntriesByType('resource').some(function (entry) {
      try {
        var u = new URL(entry.name);
        return u.origin === location.origin && decodeURIComponent(u.pathname) === path;
      } catch (e) { return false; }
    });
  }

  // ---- reloading, and the reader's place -------------------------------

  var SCROLL_KEY = 'devserve:scroll';

  // One console line says why; the scroll position is kept for the reloaded
  // page, for when the browser does not restore it itself.
  function reload(reason, note) {
    log('full reload: ' + reason + (note || ''));
    try {
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify({ page: location.pathname + location.search, x: scrollX, y: scrollY }));
    } catch (e) { /* storage off: the browser's own restoration only */ }
    location.reload();
  }

  function restoreScroll() {
    var saved;
    try {
      saved = JSON.parse(sessionStorage.getItem(SCROLL_KEY) || 'null');
      sessionStorage.removeItem(SCROLL_KEY);
    } catch (e) { return; }
    if (!saved || saved.page !== location.pathname + location.search) return;
    var put = function () { if (!scrollX && !scrollY && (saved.x || saved.y)) scrollTo(saved.x, saved.y); };
    if (document.readyState === 'complete') put(); else window.addEventListener('load', put);
  }

  function onBuildError(data) {
    console.error('[devserve] build failed (exit code ' + data.exitCode + ')');
    if (!emit('error', data)) return;
    hideIndicator();
    showOverlay(data);
  }

  // ---- CSS and image hot swap ------------------------------------------

  function stripQuery(p) { return String(p).split(/[?#]/)[0]; }
  function basename(p) { return stripQuery(p).split('/').pop().toLowerCase(); }
  function sameOrigin(href) { return new URL(href, location.href).origin === location.origin; }
  function bust(href) {
    var u = new URL(href, location.href);
    u.searchParams.set('devserve', String(Date.now()));
    return u.href;
  }
  function all(selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); }

  function swapCss(changed) {
    var names = changed.map(basename);
    var links = all('link[rel~="stylesheet"]').filter(function (link) {
      return !link.__devserveStale && link.href && sameOrigin(link.href);
    });
    var matched = links.filter(function (link) { return names.indexOf(basename(new URL(link.href).pathname)) !== -1; });
    (matched.length ? matched : links).forEach(refreshLink);
    log('css updated: ' + changed.join(', '));
  }

  // Insert a cache-busted copy after the old link; drop the old one once the
  // new stylesheet has loaded (or failed), so there is no unstyled flash.
  function refreshLink(link) {
    var copy = link.cloneNode(false);
    copy.setAttribute('href', bust(link.href));
    link.__devserveStale = true;
    var done = function () { if (link.parentNode) link.remove(); };
    copy.addEventListener('load', done);
    copy.addEventListener('error', done);
    link.parentNode.insertBefore(copy, link.nextSibling);
  }

  // Re-fetch the <img>s showing a changed image; false when none does (the
  // image is used elsewhere, in CSS say, so the caller reloads instead).
  function swapImages(changed) {
    var names = changed.map(basename);
    var matched = all('img').filter(function (img) {
      return img.src && sameOrigin(img.src) && names.indexOf(basename(new URL(img.src).pathname)) !== -1;
    });
    matched.forEach(function (img) {
      img.removeAttribute('srcset');
      img.src = bust(img.src);
    });
    if (matched.length) log('images updated: ' + changed.join(', '));
    return matched.length > 0;
  }

  // ---- building indicator ---------------------------------------------

  function showIndicator() {
    if (indicator) return;
    indicator = document.createElement('div');
    indicator.setAttribute('id', 'devserve-indicator');
    indicator.style.cssText = 'position:fixed;right:12px;bottom:12px;z-index:2147483646;' +
      'padding:4px 10px;border-radius:999px;background:rgba(20,20,20,.8);color:#fff;' +
      'font:12px/1.4 system-ui,sans-serif;pointer-events:none';
    indicator.textContent = '⟳ building…';
    parent().appendChild(indicator);
  }
  function hideIndicator() { if (indicator) { indicator.remove(); indicator = null; } }

  // ---- error overlay (built from text nodes only: nothing is parsed as HTML) ----

  var MONO = 'font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;';

  function element(tag, css, text) {
    var e = document.createElement(tag);
    e.style.cssText = css;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function showOverlay(err) {
    hideOverlay();
    overlay = element('div', 'position:fixed;inset:0;z-index:2147483647;overflow:auto;' +
      'background:rgba(24,24,24,.97);color:#eee;padding:24px;font:14px/1.5 system-ui,sans-serif');
    overlay.setAttribute('id', 'devserve-overlay');
    var close = element('button', 'position:absolute;top:12px;right:16px;font-size:24px;background:none;' +
      'border:0;color:#eee;cursor:pointer', '×');
    close.setAttribute('title', 'Hide (the error stays until the next successful build)');
    close.addEventListener('click', hideOverlay);
    overlay.appendChild(close);
    overlay.appendChild(element('div', 'font-size:18px;font-weight:bold;color:#ff6b6b;margin-bottom:12px',
      'Build failed (exit code ' + err.exitCode + ')'));
    (err.diagnostics || []).forEach(function (d) { overlay.appendChild(diagnosticLine(d)); });
    var pre = element('pre', MONO + 'white-space:pre-wrap;margin:0');
    appendAnsi(pre, err.output || '');
    overlay.appendChild(pre);
    var root = overlayRoot();
    root.insertBefore(overlay, root.firstChild); // first: the page-error panel after it stays hidden
  }
  function hideOverlay() { if (overlay) { overlay.remove(); overlay = null; releaseRoot(); } }

  // The overlays' shadow root, on a <devserve-overlay> at the end of <html>.
  // Styles stay CSP-safe: inline styles set through the CSSOM, and one
  // constructed stylesheet (a <style> only where there is none): the host
  // inherits nothing from the page, and a build error hides page errors.
  var ROOT_CSS = ':host{all:initial!important}#devserve-overlay~#devserve-runtime{display:none}';
  function overlayRoot() {
    if (!host) {
      host = document.createElement('devserve-overlay');
      shadow = host.attachShadow({ mode: 'open' });
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(ROOT_CSS);
        shadow.adoptedStyleSheets = [sheet];
      } catch (e) {
        shadow.appendChild(document.createElement('style')).textContent = ROOT_CSS;
      }
    }
    if (!host.isConnected) document.documentElement.appendChild(host);
    return shadow;
  }
  // Takes the host out of the page once no overlay is left in it.
  function releaseRoot() {
    if (host && !Array.prototype.some.call(shadow.childNodes, function (n) { return n.tagName === 'DIV'; })) host.remove();
  }
  // The overlay (or page-error panel) an element is in, or null.
  function panelOf(e) {
    while (e && e.parentNode !== shadow) e = e.parentNode;
    return e;
  }

  // One diagnostic above the raw output: "file:line:col severity: message",
  // its location a link to the editor.
  function diagnosticLine(d) {
    var line = element('div', MONO + 'margin:0 0 6px');
    line.setAttribute('class', 'devserve-diagnostic');
    line.appendChild(editorLink(d.file, d.line, d.column, true));
    line.appendChild(element('span', 'color:' + (d.severity === 'error' ? '#ff6b6b' : d.severity === 'warning' ? '#f3f99d' : '#9aedfe'),
      ' ' + d.severity + ': '));
    line.appendChild(document.createTextNode(d.message));
    return line;
  }

  // <a data-devserve-open="file:line[:column]">: a click asks the server to open
  // that place in the editor; what went wrong, if anything, becomes the notice.
  // `labelled`: the link shows its location, in bold (else the caller fills it).
  function editorLink(file, line, column, labelled) {
    var at = file + ':' + line + (column ? ':' + column : '');
    var a = element('a', 'color:inherit' + (labelled ? ';font-weight:bold' : ''), labelled ? at : undefined);
    a.href = '#';
    a.title = 'Open in editor';
    a.setAttribute('data-devserve-open', at);
    a.addEventListener('click', function (e) {
      e.preventDefault();
      fetch(url + '/open', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ file: file, line: line, column: column || undefined })
      }).then(function (r) {
        return r.ok ? '' : r.text().then(function (t) { return t.trim() || 'devserve: HTTP ' + r.status; });
      }).catch(function (err) {
        return 'devserve: ' + err.message;
      }).then(function (text) { showNotice(text, panelOf(a)); });
    });
    return a;
  }

  // One line of text at the foot of an overlay, replacing the last; '' clears.
  function showNotice(text, panel) {
    if (notice) notice.remove();
    notice = text && panel && panel.appendChild(element('div', 'position:fixed;bottom:12px;padding:4px 10px;background:#5c1f1f', text));
    if (notice) notice.setAttribute('data-devserve-notice', '');
  }

  var COLORS = ['#666', '#ff5c57', '#5af78e', '#f3f99d', '#57c7ff', '#ff6ac1', '#9aedfe', '#e0e0e0'];
  var BRIGHT = ['#999', '#ff8a85', '#8dffb0', '#fbffc8', '#8fdcff', '#ff9bd6', '#c4f5ff', '#ffffff'];
  // CSI sequences (group 1 = params, group 2 = final byte), OSC strings, or a lone ESC.
  var ESCAPES = /\x1b(?:\[([0-?]*)[ -\/]*([@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_]?)/g;
  // A file location in a line: path:line[:col] (gcc, clang, swiftc, esbuild, eslint)
  // or path(line,col) (tsc). The path, at the start of a word, has no spaces and a
  // slash or a .extension; "http://host:8080" is no location.
  var LOCATION = /(?:^|[\s'"(\[<])((?:[A-Za-z]:)?(?=[^\s:()'"<>]*(?:[\/\\]|\.[A-Za-z]))[^\s:()'"<>]+)(?::(\d+)(?::(\d+))?|\((\d+),(\d+)\))/;

  // Appends text to `pre`, coloured by its ANSI SGR codes (other escapes are
  // dropped); the first line naming a file location goes in an editor link.
  function appendAnsi(pre, text) {
    var color = '', bold = false, linked = false;
    text.split(/^/m).forEach(function (line) {
      var into = pre, from = 0, m, at = !linked && LOCATION.exec(line.replace(ESCAPES, ''));
      function flush(end) {
        var piece = line.slice(from, end);
        if (piece) into.appendChild(color || bold ? element('span', (color && 'color:' + color + ';') + (bold ? 'font-weight:bold' : ''), piece) : document.createTextNode(piece));
      }
      if (at) { linked = true; into = pre.appendChild(editorLink(at[1], +(at[2] || at[4]), +(at[3] || at[5]))); }
      ESCAPES.lastIndex = 0;
      while ((m = ESCAPES.exec(line))) {
        flush(m.index);
        from = ESCAPES.lastIndex;
        var codes = m[2] === 'm' ? (m[1] || '0').split(';') : [];
        for (var i = 0; i < codes.length; i++) {
          var n = Number(codes[i] || 0);
          if (n === 0) { color = ''; bold = false; }
          else if (n === 1) bold = true;
          else if (n === 22) bold = false;
          else if (n === 39) color = '';
          else if (n >= 30 && n <= 37) color = COLORS[n - 30];
          else if (n >= 90 && n <= 97) color = BRIGHT[n - 90];
          else if (n === 38 || n === 48) break; // 256/true colour: unsupported
        }
      }
      flush(line.length);
    });
  }

  // ---- start -------------------------------------------------------------

  // Page errors (client-js/errors.js): shown in their own panel and reported.
  var errors = typeof __devserveErrors === 'object' ? __devserveErrors.install({
    url: url, root: overlayRoot, element: element, link: editorLink, release: releaseRoot, log: log
  }) : null;

  // A page restored from the back-forward cache missed events: load it afresh.
  window.addEventListener('pageshow', function (e) { if (e.persisted) location.reload(); });
  restoreScroll();
  start(true);
})();
