/*
 * devserve browser client — injected into every HTML page as
 * <script src="/__hmr/client.js">. Listens to the server's Server-Sent Events
 * on /__hmr and reloads the page, hot-swaps CSS, or shows a build-error
 * overlay. Plain classic script, no dependencies.
 */
(function () {
  'use strict';
  if (window.__devserve) return; // loaded twice (e.g. two script tags)

  var INITIAL_DELAY = 500;      // first reconnect delay (ms)
  var MAX_DELAY = 10000;        // backoff cap (ms), before jitter
  var JITTER = 0.3;             // up to +30% random extra delay
  var WATCHDOG_TICK = 1000;     // how often the watchdog looks (ms)

  var script = document.currentScript;
  var url = new URL('/__hmr', (script && script.src) || location.href).href;

  var source = null;            // the one live EventSource (or null)
  var watchdog = null;          // the one watchdog interval (or null)
  var retryTimer = null;        // pending reconnect timeout (or null)
  var delay = INITIAL_DELAY;    // next reconnect delay (before jitter)
  var heartbeatMs = 5000;       // updated from each hello
  var lastActivity = 0;         // Date.now() of the last open/event
  var instance = null;          // server instance id from the last hello
  var lastEventId = '';         // id of the last event seen, sent back on reconnect
  var offline = false;          // disconnect already logged?
  var overlay = null, indicator = null;

  function log(msg) { console.log('[devserve] ' + msg); }
  function parent() { return document.body || document.documentElement; }

  // ---- connection management ------------------------------------------

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
    on('heartbeat', function () {});
    on('hello', json(onHello));
    on('building', json(onBuilding));
    on('built', json(onBuilt));
    on('shutdown', function () { fail('server shut down, waiting for it to come back…'); });
    // "error" is both our build-error event and EventSource's connection
    // error: only the build event is a MessageEvent carrying string data.
    on('error', function (e) {
      if (typeof e.data === 'string') json(onBuildError)(e);
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
    clearInterval(watchdog);
    watchdog = null;
    if (!offline) { offline = true; log(reason); }
    var wait = Math.round(delay * (1 + Math.random() * JITTER));
    delay = Math.min(delay * 2, MAX_DELAY);
    retryTimer = setTimeout(connect, wait);
  }

  // Wrap a handler so it receives the parsed JSON payload.
  function json(handler) {
    return function (e) {
      var data;
      try { data = JSON.parse(e.data || '{}'); } catch (err) { return log('bad event data: ' + e.data); }
      handler(data || {});
    };
  }

  // ---- protocol events -------------------------------------------------

  function onHello(data) {
    if (instance !== null && data.instance !== instance) {
      log('server restarted, reloading');
      return location.reload();
    }
    instance = data.instance;
    if (data.heartbeatMs > 0) heartbeatMs = data.heartbeatMs;
    delay = INITIAL_DELAY;
    offline = false;
    log('connected');
    var state = data.state || {};
    if (state.status === 'error' && state.error) showOverlay(state.error);
    else hideOverlay();
    if (state.status === 'building') showIndicator(); else hideIndicator();
  }

  function onBuilding() { showIndicator(); }

  function onBuilt(data) {
    hideOverlay();
    hideIndicator();
    // `outputs` lists the served files whose content changed; without it,
    // fall back to the changed sources.
    var exact = Array.isArray(data.outputs);
    var files = exact ? data.outputs : (data.changed || []);
    if (exact && !files.length) return log('build changed no output, not reloading');
    if (files.length && files.every(function (p) { return /\.css$/i.test(stripQuery(p)); })) {
      swapCss(files);
    } else {
      location.reload();
    }
  }

  function onBuildError(data) {
    hideIndicator();
    console.error('[devserve] build failed (exit code ' + data.exitCode + ')');
    showOverlay(data);
  }

  // ---- CSS hot swap ----------------------------------------------------

  function stripQuery(p) { return String(p).split(/[?#]/)[0]; }
  function basename(p) { return stripQuery(p).split('/').pop().toLowerCase(); }

  function swapCss(changed) {
    var names = changed.map(basename);
    var links = Array.prototype.slice.call(document.querySelectorAll('link[rel~="stylesheet"]'))
      .filter(function (link) {
        return !link.__devserveStale && link.href && new URL(link.href, location.href).origin === location.origin;
      });
    var matched = links.filter(function (link) {
      return names.indexOf(basename(new URL(link.href, location.href).pathname)) !== -1;
    });
    (matched.length ? matched : links).forEach(refreshLink);
    log('css updated: ' + changed.join(', '));
  }

  // Insert a cache-busted copy after the old link; drop the old one once the
  // new stylesheet has loaded (or failed), so there is no unstyled flash.
  function refreshLink(link) {
    var u = new URL(link.href, location.href);
    u.searchParams.set('devserve', String(Date.now()));
    var copy = link.cloneNode(false);
    copy.setAttribute('href', u.href);
    link.__devserveStale = true;
    var done = function () { if (link.parentNode) link.remove(); };
    copy.addEventListener('load', done);
    copy.addEventListener('error', done);
    link.parentNode.insertBefore(copy, link.nextSibling);
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

  // ---- error overlay ---------------------------------------------------

  function showOverlay(err) {
    hideOverlay();
    overlay = document.createElement('div');
    overlay.setAttribute('id', 'devserve-overlay');
    overlay.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;' +
      'background:rgba(24,24,24,.97);color:#eee;padding:24px;font:14px/1.5 system-ui,sans-serif';
    var close = document.createElement('button');
    close.textContent = '×';
    close.setAttribute('title', 'Hide (the error stays until the next successful build)');
    close.style.cssText = 'position:absolute;top:12px;right:16px;font-size:24px;background:none;' +
      'border:0;color:#eee;cursor:pointer';
    close.addEventListener('click', hideOverlay);
    var title = document.createElement('div');
    title.textContent = 'Build failed (exit code ' + err.exitCode + ')';
    title.style.cssText = 'font-size:18px;font-weight:bold;color:#ff6b6b;margin-bottom:12px';
    var pre = document.createElement('pre');
    pre.style.cssText = 'font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;white-space:pre-wrap;margin:0';
    pre.innerHTML = ansiToHtml(escapeHtml(err.output || '')); // escaped first
    overlay.appendChild(close);
    overlay.appendChild(title);
    (err.diagnostics || []).forEach(function (d) { overlay.appendChild(diagnosticLine(d)); });
    overlay.appendChild(pre);
    parent().appendChild(overlay);
  }
  function hideOverlay() { if (overlay) { overlay.remove(); overlay = null; } }

  // One diagnostic above the raw output: "file:line:col  severity  message" (text only).
  function diagnosticLine(d) {
    var line = document.createElement('div');
    line.setAttribute('class', 'devserve-diagnostic');
    line.style.cssText = 'font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;margin:0 0 6px';
    var where = document.createElement('b');
    where.textContent = d.file + ':' + d.line + (d.column ? ':' + d.column : '');
    var what = document.createElement('span');
    what.style.color = d.severity === 'error' ? '#ff6b6b' : d.severity === 'warning' ? '#f3f99d' : '#9aedfe';
    what.textContent = ' ' + d.severity + ': ';
    line.appendChild(where);
    line.appendChild(what);
    line.appendChild(document.createTextNode(d.message));
    return line;
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  var COLORS = ['#666', '#ff5c57', '#5af78e', '#f3f99d', '#57c7ff', '#ff6ac1', '#9aedfe', '#e0e0e0'];
  var BRIGHT = ['#999', '#ff8a85', '#8dffb0', '#fbffc8', '#8fdcff', '#ff9bd6', '#c4f5ff', '#ffffff'];
  // CSI sequences (group 1 = params, group 2 = final byte), OSC strings, or a lone ESC.
  var ESCAPES = /\x1b(?:\[([0-?]*)[ -\/]*([@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_]?)/g;

  // Input must already be HTML-escaped: escapes contain no &<>"' so they survive.
  function ansiToHtml(text) {
    var color = null, bold = false, open = false;
    var html = text.replace(ESCAPES, function (seq, params, final) {
      if (final !== 'm') return ''; // not SGR: strip
      var codes = (params || '0').split(';');
      for (var i = 0; i < codes.length; i++) {
        var n = Number(codes[i] || 0);
        if (n === 0) { color = null; bold = false; }
        else if (n === 1) bold = true;
        else if (n === 22) bold = false;
        else if (n === 39) color = null;
        else if (n >= 30 && n <= 37) color = COLORS[n - 30];
        else if (n >= 90 && n <= 97) color = BRIGHT[n - 90];
        else if (n === 38 || n === 48) break; // 256/true colour: unsupported
      }
      var out = open ? '</span>' : '';
      open = !!(color || bold);
      if (open) {
        out += '<span style="' + (color ? 'color:' + color + ';' : '') + (bold ? 'font-weight:bold;' : '') + '">';
      }
      return out;
    });
    return open ? html + '</span>' : html;
  }

  // ---- debug hook & start ----------------------------------------------

  window.__devserve = {
    reconnectDelay: function () { return delay; }, // next backoff delay (before jitter)
    connected: function () { return !!source && !offline; }
  };
  connect();
})();
