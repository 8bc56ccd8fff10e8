// A tiny fake browser (clock, DOM, EventSource, location, console) that runs
// the client inside a vm context. Only what the client uses.
import fs from 'node:fs';
import vm from 'node:vm';

// What devserve serves as /__hmr/client.js: errors.js, then devserve.js. Run
// under that URL, so stack traces name it as a browser's would.
const read = (files) => files.map((f) => fs.readFileSync(new URL(`../${f}`, import.meta.url), 'utf8')).join('');
const CLIENT = read(['errors.js', 'devserve.js']);
export const ORIGIN = 'http://localhost:8080';
const CLIENT_URL = `${ORIGIN}/__hmr/client.js`;

// ---- fake clock -----------------------------------------------------------

export class FakeClock {
  constructor(start = 1_000_000) { this.now = start; this.timers = new Map(); this.nextId = 1; }
  setTimeout = (fn, ms = 0) => this.#add(fn, ms, false);
  setInterval = (fn, ms = 0) => this.#add(fn, ms, true);
  clearTimeout = (id) => { this.timers.delete(id); };
  clearInterval = (id) => { this.timers.delete(id); };
  #add(fn, ms, repeat) {
    const id = this.nextId++;
    this.timers.set(id, { id, fn, at: this.now + Math.max(0, ms), ms: Math.max(1, ms), repeat });
    return id;
  }
  intervals() { return [...this.timers.values()].filter((t) => t.repeat); }
  timeouts() { return [...this.timers.values()].filter((t) => !t.repeat); }
  // Advance time, firing due timers in order (each at its scheduled time).
  advance(ms) {
    const end = this.now + ms;
    for (;;) {
      let next = null;
      for (const t of this.timers.values()) if (t.at <= end && (!next || t.at < next.at)) next = t;
      if (!next) break;
      this.now = next.at;
      if (next.repeat) next.at += next.ms; else this.timers.delete(next.id);
      next.fn();
    }
    this.now = end;
  }
}

// ---- fake DOM -------------------------------------------------------------

const decode = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&#39;/g, "'").replace(/&amp;/g, '&');

export class FakeElement {
  constructor(tagName, doc) {
    this.tagName = tagName.toUpperCase();
    this.ownerDocument = doc;
    this.childNodes = [];
    this.parentNode = null;
    this.attributes = {};
    this.style = {};
    this.listeners = {};
    this._text = '';
    this._html = null; // raw string last assigned to innerHTML
  }
  appendChild(child) { return this.insertBefore(child, null); }
  insertBefore(child, ref) {
    if (child.parentNode) child.remove();
    const i = ref ? this.childNodes.indexOf(ref) : -1;
    if (ref && i < 0) throw new Error('insertBefore: ref is not a child');
    this.childNodes.splice(i < 0 ? this.childNodes.length : i, 0, child);
    child.parentNode = this;
    return child;
  }
  remove() {
    if (!this.parentNode) return;
    const siblings = this.parentNode.childNodes;
    siblings.splice(siblings.indexOf(this), 1);
    this.parentNode = null;
  }
  get nextSibling() {
    if (!this.parentNode) return null;
    const s = this.parentNode.childNodes;
    return s[s.indexOf(this) + 1] ?? null;
  }
  setAttribute(name, value) { this.attributes[name] = String(value); }
  getAttribute(name) { return name in this.attributes ? this.attributes[name] : null; }
  // Like the real DOM, .href is the attribute resolved against the page URL.
  get href() {
    const raw = this.getAttribute('href');
    return raw === null ? '' : new URL(raw, this.ownerDocument.location.href).href;
  }
  set href(v) { this.setAttribute('href', v); }
  get src() {
    const raw = this.getAttribute('src');
    return raw === null ? '' : new URL(raw, this.ownerDocument.location.href).href;
  }
  set src(v) { this.setAttribute('src', v); }
  removeAttribute(name) { delete this.attributes[name]; }
  get id() { return this.getAttribute('id') ?? ''; }
  get firstChild() { return this.childNodes[0] ?? null; }
  // In the document, or in a shadow root whose host is.
  get isConnected() {
    let node = this;
    while (node.parentNode || node.host) node = node.parentNode ?? node.host;
    return node === this.ownerDocument.documentElement;
  }
  attachShadow({ mode }) {
    if (this.shadow) throw new Error('attachShadow: already has a shadow root');
    this.shadow = new FakeShadowRoot(this, mode);
    return this.shadow;
  }
  get shadowRoot() { return this.shadow?.mode === 'open' ? this.shadow : null; }
  set textContent(v) { this.childNodes = []; this._html = null; this._text = String(v); }
  get textContent() {
    if (this._html !== null) return decode(this._html.replace(/<[^>]*>/g, ''));
    return this._text + this.childNodes.map((c) => c.textContent).join('');
  }
  set innerHTML(v) { this.childNodes = []; this._text = ''; this._html = String(v); }
  get innerHTML() { return this._html ?? ''; }
  addEventListener(type, fn) { (this.listeners[type] ??= []).push(fn); }
  // Fires `type` at this element's listeners; returns the event (see .defaultPrevented).
  dispatchEvent(type) {
    const event = { type, target: this, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    for (const fn of this.listeners[type] ?? []) fn(event);
    return event;
  }
  click() { return this.dispatchEvent('click'); }
  cloneNode() {
    const c = new FakeElement(this.tagName, this.ownerDocument);
    c.attributes = { ...this.attributes };
    return c;
  }
  // Test helpers (not used by the client).
  descendants() { return this.childNodes.flatMap((c) => [c, ...c.descendants()]); }
  find(pred) { return this.descendants().find(pred) ?? null; }
}

// A shadow root: children like an element's, outside its host's descendants().
export class FakeShadowRoot extends FakeElement {
  constructor(host, mode) {
    super('#shadow-root', host.ownerDocument);
    this.host = host;
    this.mode = mode;
    this.adoptedStyleSheets = [];
  }
  getElementById(id) { return this.find((e) => e.id === id); }
}

// new CSSStyleSheet() + replaceSync(text), as shadow roots adopt them.
export class FakeCSSStyleSheet {
  replaceSync(text) { this.text = String(text); }
}

export class FakeDocument {
  constructor(location, { withBody = true, scriptSrc = `${ORIGIN}/__hmr/client.js` } = {}) {
    this.location = location;
    this.documentElement = new FakeElement('html', this);
    this.head = this.documentElement.appendChild(new FakeElement('head', this));
    this.body = withBody ? this.documentElement.appendChild(new FakeElement('body', this)) : null;
    this.currentScript = scriptSrc ? { src: scriptSrc } : null;
    this.hidden = false;
    this.listeners = {};
  }
  addEventListener(type, fn) { (this.listeners[type] ??= []).push(fn); }
  // Shows or hides the tab, as the browser does, with its visibilitychange event.
  setHidden(hidden) {
    this.hidden = hidden;
    for (const fn of this.listeners.visibilitychange ?? []) fn({ type: 'visibilitychange' });
  }
  createElement(tag) { return new FakeElement(tag, this); }
  createTextNode(text) { const node = new FakeElement('#text', this); node.textContent = text; return node; }
  querySelectorAll(selector) {
    if (selector === 'img') return this.documentElement.descendants().filter((e) => e.tagName === 'IMG');
    if (!/^link\[rel~?=["']?stylesheet["']?\]$/.test(selector)) throw new Error(`unsupported selector ${selector}`);
    return this.documentElement.descendants().filter((e) =>
      e.tagName === 'LINK' && (e.getAttribute('rel') ?? '').split(/\s+/).includes('stylesheet'));
  }
  addStylesheet(href) {
    const link = this.createElement('link');
    link.setAttribute('rel', 'stylesheet');
    link.setAttribute('href', href);
    return this.head.appendChild(link);
  }
  addImage(src, attributes = {}) {
    const img = this.createElement('img');
    img.setAttribute('src', src);
    for (const [name, value] of Object.entries(attributes)) img.setAttribute(name, value);
    return this.body.appendChild(img);
  }
  stylesheets() { return this.querySelectorAll('link[rel~="stylesheet"]'); }
}

// ---- fake EventSource -------------------------------------------------------

export function makeEventSourceClass(instances, now = () => 0) {
  return class FakeEventSource {
    constructor(url) {
      this.url = String(url); this.closed = false; this.listeners = {};
      this.createdAt = now(); this.closedAt = null;
      instances.push(this);
    }
    addEventListener(type, fn) { (this.listeners[type] ??= []).push(fn); }
    close() { if (!this.closed) { this.closed = true; this.closedAt = now(); } }
    dispatch(type, event = {}) { for (const fn of this.listeners[type] ?? []) fn({ type, ...event }); }
    open() { this.dispatch('open'); }
    // A named server event with a JSON payload (a MessageEvent in browsers).
    emit(type, payload = {}) { this.dispatch(type, { data: JSON.stringify(payload) }); }
    // EventSource's own connection error: a plain Event without data.
    connError() { this.dispatch('error'); }
  };
}

// ---- fake fetch ---------------------------------------------------------------

// A fetch() that records each call ({url, method, headers, body, json}) and
// answers with respond(call): {status, body}, or an Error for a network failure.
export function fakeFetch(respond = () => ({ status: 204, body: '' })) {
  const calls = [];
  const fetch = async (url, init = {}) => {
    const call = { url: String(url), method: init.method ?? 'GET', headers: { ...init.headers }, body: init.body };
    call.json = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push(call);
    const answer = respond(call);
    if (answer instanceof Error) throw answer;
    return { ok: answer.status >= 200 && answer.status < 300, status: answer.status, text: async () => answer.body ?? '' };
  };
  return Object.assign(fetch, { calls });
}

// Lets pending promise callbacks (a fetch's .then chain, say) run.
export const settle = () => new Promise((resolve) => setImmediate(resolve));

// ---- fake BroadcastChannel + Web Locks, shared by the tabs given the same one ----

export function fakeTabs() {
  const channels = [];
  class BroadcastChannel {
    constructor(name) { this.name = name; this.onmessage = null; channels.push(this); }
    postMessage(message) {
      for (const c of channels) if (c !== this && c.name === this.name) c.onmessage?.({ data: structuredClone(message) });
    }
  }
  const held = new Set();
  const locks = { request(name, fn) { if (!held.has(name)) { held.add(name); fn(); } return new Promise(() => {}); } };
  return { BroadcastChannel, navigator: { locks } };
}

// ---- the whole fake browser -------------------------------------------------

// `globals` adds to (or overrides) what the page sees, e.g. a fake SharedWorker;
// `files`, the client files run (by default errors.js then devserve.js).
export function boot({ withBody = true, random = 0, scriptSrc, href = `${ORIGIN}/index.html`, globals = {}, files } = {}) {
  const clock = new FakeClock();
  const sources = [];
  const logs = [];
  const url = new URL(href);
  const location = { href, origin: url.origin, pathname: url.pathname, search: url.search, reloads: 0, reload() { this.reloads++; } };
  const document = new FakeDocument(location, { withBody, scriptSrc });
  // Like a real console, printing any argument never throws.
  const print = (value) => { try { return String(value); } catch { return Object.prototype.toString.call(value); } };
  const record = (level) => (...args) => logs.push({ level, text: args.map(print).join(' ') });
  const context = {
    document,
    location,
    EventSource: makeEventSourceClass(sources, () => clock.now),
    URL,
    console: { log: record('log'), info: record('info'), warn: record('warn'), error: record('error'), debug: record('debug') },
    ...timeGlobals(clock, random),
    CustomEvent,
    CSSStyleSheet: FakeCSSStyleSheet,
    navigator: {},
    ...windowEvents(),
    ...globals,
  };
  context.window = context;
  const source = files ? read(files) : CLIENT;
  const run = () => vm.runInNewContext(source, context, { filename: CLIENT_URL });
  run();
  return {
    clock, sources, logs, location, document, context, run,
    get es() { return sources[sources.length - 1]; },
    get api() { return context.devserve; },
    openSources() { return sources.filter((s) => !s.closed); },
    hello(extra = {}) {
      const es = sources[sources.length - 1];
      es.open();
      es.emit('hello', { instance: 'A', heartbeatMs: 5000, state: { status: 'idle', changed: [], error: null }, ...extra });
      return es;
    },
    // The overlays' shadow root (on <devserve-overlay>), or null while none shows.
    shadow() { return document.documentElement.find((e) => e.tagName === 'DEVSERVE-OVERLAY')?.shadowRoot ?? null; },
    overlay() { return this.shadow()?.getElementById('devserve-overlay') ?? null; },
    runtime() { return this.shadow()?.getElementById('devserve-runtime') ?? null; },
    indicator() { return document.documentElement.find((e) => e.id === 'devserve-indicator'); },
  };
}

// Timers, Date.now() and Math.random() driven by the fake clock (`random`: a value or a function).
function timeGlobals(clock, random) {
  return {
    setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
    setInterval: clock.setInterval, clearInterval: clock.clearInterval,
    Date: { now: () => clock.now },
    Math: Object.assign(Object.create(Math), { random: () => (typeof random === 'function' ? random() : random) }),
  };
}

// addEventListener / removeEventListener / dispatchEvent for the fake window.
function windowEvents() {
  const target = new EventTarget();
  return {
    addEventListener: target.addEventListener.bind(target),
    removeEventListener: target.removeEventListener.bind(target),
    dispatchEvent: target.dispatchEvent.bind(target),
  };
}

// ---- the client as a SharedWorker -----------------------------------------------

// A port as the worker sees it: records what it is sent (structured-cloned).
export class FakePort {
  constructor() { this.received = []; this.onmessage = null; }
  postMessage(message) { this.received.push(structuredClone(message)); }
  send(message) { this.onmessage?.({ data: message }); } // from the page
}

// Runs the client in a fake SharedWorkerGlobalScope; connect() attaches a tab.
export function bootWorker() {
  class SharedWorkerGlobalScope {}
  const clock = new FakeClock();
  const sources = [];
  const context = {
    SharedWorkerGlobalScope,
    location: { href: `${ORIGIN}/__hmr/client.js` },
    EventSource: makeEventSourceClass(sources, () => clock.now),
    URL,
    ...timeGlobals(clock, 0),
    self: new SharedWorkerGlobalScope(), // where the client sets onconnect
  };
  vm.runInNewContext(CLIENT, context, { filename: CLIENT_URL });
  return {
    clock, sources, context,
    get es() { return sources[sources.length - 1]; },
    connect() {
      const port = new FakePort();
      context.self.onconnect({ ports: [port] });
      return port;
    },
  };
}
