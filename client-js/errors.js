/*
 * devserve page errors — served in front of devserve.js as one /__hmr/client.js.
 * Defines one global, __devserveErrors; nothing runs until devserve.js calls
 * install() in a page (never in the SharedWorker, which runs the same file).
 *
 * Once installed it catches the page's uncaught errors (window "error"), the
 * scripts that fail to load (their "error", seen in the capture phase),
 * unhandled rejections (failed import()s among them), and, with
 * --forward-console (hello's forwardConsole), console.error/console.warn. Each
 * error is shown in a "Runtime error" panel below any build-error overlay, and
 * reported to devserve:
 *   POST /__hmr/error {"kind", "message", "stack": [{"file", "line", "column"}], "page"}
 *   kind: error | rejection | module | console-error | console-warn
 * The answer, {"stack": [...]}, has the same frames mapped to their sources;
 * they replace the panel's frames, so its links open the original files.
 * At most 10 reports per 10 s, none repeated within 2 s, none about devserve's
 * own scripts (/__hmr/...), none from inside this code.
 */
var __devserveErrors = (function () {
  'use strict';
  var MAX_MESSAGE = 2000;       // characters of a message kept
  var MAX_FRAMES = 30;          // frames kept
  var MAX_BODY = 16000;         // bytes of a report (devserve takes 16 KiB)
  var MAX_REPORTS = 10;         // reports per WINDOW...
  var WINDOW = 10000;           // ...of this many ms
  var REPEAT = 2000;            // an identical report within this many ms is not sent
  var MAX_SHOWN = 20;           // distinct errors listed in the panel
  var MONO = 'font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;';
  var AMBER = '#ffb454';
  var LABEL = { error: 'Uncaught ', rejection: 'Unhandled rejection: ', module: '' };

  // ---- stack traces (pure) ----------------------------------------------------

  // V8: "    at fn (URL:L:C)", "    at URL:L:C", "    at async fn (URL:L:C)", and for
  // eval "    at eval (eval at fn (URL:L:C), <anonymous>:1:1)" (the eval's place).
  var V8_TAIL = /\(([^()]+):(\d+):(\d+)\)$/;
  var V8_ANY = /([^\s()<>]+):(\d+):(\d+)/;
  // Firefox and Safari: "fn@URL:L:C", "@URL:L:C"; a bare "URL:L:C".
  var AT = /^[^@]*@(.+):(\d+):(\d+)$/;
  var BARE = /^((?:[a-z][\w+.-]*:|\/)\S*):(\d+):(\d+)$/i;
  // Firefox's eval and Function code: "URL line 2 > eval" (the eval's line).
  var EVALED = /^(.*?) line (\d+) > /;
  // devserve's own scripts.
  var OWN = /^(?:[a-z][\w+.-]*:\/\/[^\/]*)?\/__hmr\//i;

  // The frames of an Error's `stack`, newest first: [{file, line, column}].
  // Lines that name no file (the message, "at Array.forEach (<anonymous>)",
  // "[native code]", Firefox's "self-hosted" and "debugger eval code") are skipped.
  function parseStack(stack) {
    var frames = [];
    String(stack || '').split('\n').forEach(function (text) {
      var line = text.trim();
      var m = line.slice(0, 3) === 'at ' ? V8_TAIL.exec(line) || V8_ANY.exec(line) : AT.exec(line) || BARE.exec(line);
      if (!m || !/[\/\\]/.test(m[1])) return;
      var evaled = EVALED.exec(m[1]);
      frames.push(evaled ? { file: evaled[1], line: +evaled[2], column: 1 } : { file: m[1], line: +m[2], column: +m[3] });
    });
    return frames;
  }

  // A short text for any value: an Error as "Name: message", an object as
  // JSON where that says something, else String(); never throws.
  function describe(value) {
    try {
      if (typeof value === 'string') return value;
      if (value && typeof value === 'object') {
        if (typeof value.message === 'string' && typeof value.name === 'string') {
          return value.name + (value.message ? ': ' + value.message : '');
        }
        var json = JSON.stringify(value);
        if (json && json !== '{}') return json.length > MAX_MESSAGE ? json.slice(0, MAX_MESSAGE) + '…' : json;
      }
      return String(value);
    } catch (e) {
      return Object.prototype.toString.call(value);
    }
  }

  function place(f) { return f.file + ':' + f.line + ':' + f.column; }

  // An upper bound of the UTF-8 size of a string JSON.stringify made (which
  // escapes lone surrogates): 3 bytes for each non-ASCII code unit.
  function size(text) { return text.length + 2 * (text.match(/[^\x00-\x7f]/g) || []).length; }

  // The report's body, at most MAX_BODY bytes: frames go from the end first,
  // then the message shortens. `count`: how many frames it kept.
  function encode(kind, message, frames, page) {
    var body = {
      kind: kind, message: message.slice(0, MAX_MESSAGE), page: page.slice(0, MAX_MESSAGE),
      stack: frames.slice(0, MAX_FRAMES).map(function (f) { return { file: String(f.file).slice(0, MAX_MESSAGE), line: f.line, column: f.column }; })
    };
    for (;;) {
      var text = JSON.stringify(body);
      if (size(text) <= MAX_BODY || (!body.stack.length && !body.message)) return { text: text, count: body.stack.length };
      if (body.stack.length) body.stack.pop(); else body.message = body.message.slice(0, body.message.length >> 1);
    }
  }

  // The frames the server mapped over the ones sent (the first `count`), or
  // null when its answer is not one mapped frame for each frame sent.
  function merge(frames, mapped, count) {
    if (!Array.isArray(mapped) || mapped.length !== count) return null;
    return frames.map(function (f, i) {
      var m = mapped[i];
      return i < count && m && typeof m.file === 'string' && isFinite(m.line) && isFinite(m.column)
        ? { file: m.file, line: m.line, column: m.column } : f;
    });
  }

  // ---- in a page ----------------------------------------------------------------

  // api: url (the /__hmr URL), root() (the overlays' shadow root, made when
  // needed), element(tag, css, text), link(file, line, column, labelled) (an
  // <a data-devserve-open>), release() (drops the root when it is empty),
  // log(text) (a "[devserve]" console line).
  // Returns {forwardConsole(on)}, for hello.
  function install(api) {
    var busy = false;             // in here: whatever happens now is not reported
    var forwarding = false;       // --forward-console
    var wrapped = {};             // console methods wrapped, by name
    var recent = [];              // Date.now() of each report in the last WINDOW
    var sent = {}, keys = 0;      // by key: {at, stack (the mapped frames, once known)}
    var dropped = 0;              // reports over the rate limit
    var complained = false;       // a failed report said so (once)
    var panel = null, title = null, entries = [], hidden = 0;

    function guard(fn) {
      if (busy) return;
      busy = true;
      try { fn(); } catch (e) { /* an error in here is never reported: no loops */ } finally { busy = false; }
    }

    // One error: shown (unless `shown` is false) and reported.
    function caught(kind, message, frames, shown) {
      frames = frames.slice(0, MAX_FRAMES);
      if (frames.length && OWN.test(frames[0].file)) return; // devserve's own
      message = message.slice(0, MAX_MESSAGE);
      var key = kind + '\n' + message + '\n' + (frames.length ? place(frames[0]) : '');
      var entry = null;
      if (shown) { try { entry = show(key, kind, message, (sent[key] && sent[key].stack) || frames); } catch (e) {} }
      report(key, kind, message, frames, entry);
    }

    function report(key, kind, message, frames, entry) {
      var now = Date.now(), last = sent[key];
      if (last && now - last.at < REPEAT) return;
      recent = recent.filter(function (t) { return now - t < WINDOW; });
      if (recent.length >= MAX_REPORTS) {
        if (!dropped++) api.log('over ' + MAX_REPORTS + ' page errors in ' + WINDOW / 1000 + ' s: the rest are shown here, not sent to devserve');
        return;
      }
      recent.push(now);
      if (++keys > 100) { sent = {}; keys = 1; }
      var record = sent[key] = { at: now, stack: last && last.stack };
      var u = new URL(location.href);
      var body = encode(kind, message, frames, u.pathname + u.search);
      try {
        fetch(api.url + '/error', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body.text })
          .then(function (r) {
            if (!r.ok) throw new Error('HTTP ' + r.status);
            return r.text();
          })
          .then(function (text) {
            var mapped = merge(frames, JSON.parse(text).stack, body.count);
            if (!mapped) return;
            record.stack = mapped;
            if (entry && entry.box.parentNode) { entry.frames.textContent = ''; listFrames(entry.frames, mapped); }
          })
          .catch(quiet);
      } catch (e) {
        quiet(e);
      }
    }

    function quiet(e) {
      if (complained) return;
      complained = true;
      try { console.debug('[devserve] could not report a page error: ' + ((e && e.message) || e)); } catch (x) {}
    }

    // ---- the panel: below the build-error overlay, one entry per distinct error ----

    function show(key, kind, message, frames) {
      var root = api.root();
      if (!panel) {
        panel = api.element('div', 'position:fixed;left:0;right:0;bottom:0;max-height:50vh;z-index:2147483646;' +
          'overflow:auto;background:rgba(32,26,18,.97);color:#eee;border-top:3px solid ' + AMBER + ';' +
          'padding:12px 24px;font:14px/1.5 system-ui,sans-serif;text-align:left');
        panel.setAttribute('id', 'devserve-runtime');
        var close = api.element('button', 'position:absolute;top:6px;right:16px;font-size:24px;background:none;' +
          'border:0;color:#eee;cursor:pointer', '×');
        close.setAttribute('title', 'Hide (until the next page error)');
        close.addEventListener('click', dismiss);
        panel.appendChild(close);
        title = panel.appendChild(api.element('div', 'font-size:16px;font-weight:bold;color:' + AMBER + ';margin-bottom:8px'));
      }
      root.appendChild(panel); // after the build overlay, which then hides it
      var entry = null;
      for (var i = 0; i < entries.length; i++) if (entries[i].key === key) entry = entries[i];
      if (entry) {
        entry.count++;
        if (!entry.badge) {
          entry.badge = entry.head.appendChild(api.element('span', 'margin-left:8px;padding:0 6px;border-radius:8px;' +
            'background:' + AMBER + ';color:#201a12;font-weight:bold'));
          entry.badge.setAttribute('class', 'devserve-count');
        }
        entry.badge.textContent = '×' + entry.count;
      } else if (entries.length >= MAX_SHOWN) {
        hidden++;
      } else {
        entry = { key: key, count: 1, badge: null, box: api.element('div', 'margin:0 0 10px') };
        entry.box.setAttribute('class', 'devserve-runtime-error');
        entry.head = entry.box.appendChild(api.element('div', MONO + 'white-space:pre-wrap;color:#ffd7a8'));
        entry.head.appendChild(api.element('span', '', (LABEL[kind] || '') + message));
        entry.frames = entry.box.appendChild(api.element('div', ''));
        listFrames(entry.frames, frames);
        panel.appendChild(entry.box);
        entries.push(entry);
      }
      var total = entries.length + hidden;
      title.textContent = total > 1 ? 'Runtime errors (' + total + (hidden ? ', ' + hidden + ' not listed' : '') + ')' : 'Runtime error';
      return entry;
    }

    function listFrames(into, frames) {
      frames.forEach(function (f) {
        var line = into.appendChild(api.element('div', MONO + 'margin:0 0 0 16px;color:#bbb', 'at '));
        line.setAttribute('class', 'devserve-frame');
        line.appendChild(api.link(f.file, f.line, f.column, true));
      });
    }

    function dismiss() {
      if (panel) panel.remove();
      panel = null;
      entries = [];
      hidden = 0;
      api.release();
    }

    // ---- what is caught -------------------------------------------------------------

    function onError(e) {
      var target = e.target;
      if (target && target.tagName) { // a resource that failed to load: scripts only
        if (!/^script$/i.test(target.tagName) || !target.src || OWN.test(target.src)) return;
        return caught('module', 'Failed to load ' + (/^module$/i.test(target.type) ? 'module script ' : 'script ') + target.src, [], true);
      }
      var error = e.error;
      var frames = error && typeof error.stack === 'string' ? parseStack(error.stack) : [];
      if (!frames.length && e.filename) frames = [{ file: e.filename, line: e.lineno || 1, column: e.colno || 1 }];
      caught('error', error != null ? describe(error) : String(e.message || 'Script error.').replace(/^Uncaught /, ''), frames, true);
    }

    function onRejection(e) {
      var reason = e.reason, message = describe(reason);
      var frames = reason && typeof reason.stack === 'string' ? parseStack(reason.stack) : [];
      // Chrome, Firefox, Safari: an import() whose module (or one it imports) did not load.
      var module = /dynamically imported module|Importing a module script failed/i.test(message);
      caught(module ? 'module' : 'rejection', message, frames, true);
    }

    function wrap(level) {
      var original = console[level];
      if (wrapped[level] || typeof original !== 'function') return;
      wrapped[level] = true;
      console[level] = function () {
        var result = original.apply(console, arguments); // first, always
        if (forwarding) {
          var args = arguments, stack = new Error().stack;
          guard(function () { forward(level, args, stack); });
        }
        return result;
      };
    }

    function forward(level, args, stack) {
      if (typeof args[0] === 'string' && args[0].indexOf('[devserve]') === 0) return;
      var frames = parseStack(stack);
      if (frames.length && OWN.test(frames[0].file)) frames.shift(); // the wrapper
      var message = Array.prototype.map.call(args, describe).join(' ');
      // A page's own fetch logging might tell of a report: that is no page error.
      if (message.indexOf('/__hmr/') !== -1) return;
      caught('console-' + level, message, frames, false);
    }

    window.addEventListener('error', function (e) { guard(function () { onError(e); }); }, true);
    window.addEventListener('unhandledrejection', function (e) { guard(function () { onRejection(e); }); });

    return {
      forwardConsole: function (on) {
        forwarding = on === true;
        if (forwarding) { wrap('error'); wrap('warn'); }
      }
    };
  }

  return { install: install, parseStack: parseStack };
})();
