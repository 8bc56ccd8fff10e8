// A fake page for client-js/hot.js: a module graph that runs like the
// browser's module map (one module per URL, children first, cycles allowed),
// served like devserve serves it (after an update, the imports of changed
// modules and of their importers carry ?t=VERSION), and the server's `hot`
// payload for each update. Only what hot.js needs.
import fs from 'node:fs';

const HOT = fs.readFileSync(new URL('../hot.js', import.meta.url), 'utf8');
export const ORIGIN = 'http://localhost:8080';
let instances = 0;

// A fresh copy of hot.js (its own registry), loaded as an ES module from a
// data: URL (client-js has no package.json saying "type": "module"). The
// global `window` is what it sees as the page (set it before loading).
export async function loadHot() {
  const source = HOT + `\n// instance ${++instances}\n`;
  return import('data:text/javascript;charset=utf-8,' + encodeURIComponent(source));
}

// A minimal window.devserve: on(type, fn) -> off(), emit(type, data).
export function fakeDevserve() {
  const listeners = [];
  return {
    listeners,
    on(type, fn) {
      const entry = { type, fn };
      listeners.push(entry);
      return () => { const i = listeners.indexOf(entry); if (i !== -1) listeners.splice(i, 1); };
    },
    emit(type, data) { for (const l of listeners.slice()) if (l.type === type) l.fn(data, { type }); },
  };
}

export const settle = () => new Promise((resolve) => setImmediate(resolve));
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// modules: {path: {imports: [path], run(hot, deps, page) -> exports}}; a
// module whose run is missing exports nothing and has no hot context (it
// does not mention import.meta.hot). deps maps each imported path to its
// namespace. entries: the page's <script type="module"> tags.
export class FakePage {
  constructor(hot, modules, entries, { version = 1733120000000 } = {}) {
    this.hot = hot;
    this.modules = {};
    for (const [path, m] of Object.entries(modules)) this.modules[path] = { imports: [], ...m };
    this.entries = entries;
    this.clock = version;
    this.versions = {};           // path -> the version its importers ask for
    this.cache = new Map();       // url -> {ns, error}
    this.runs = [];               // urls in the order they ran
    this.imports = [];            // urls hot.js imported
    this.payloads = [];
    this.reloads = [];            // reasons given to the reload hook
    this.logs = [];
    hot.__configure({
      importer: async (url) => { this.imports.push(url); return this.load(url); },
      isLoaded: (path) => this.loaded().has(path),
      reload: (reason) => this.reloads.push(reason),
      log: (line) => this.logs.push(line),
    });
  }

  start() { for (const path of this.entries) this.load(path); return this; }

  loaded() { return new Set(this.runs.map((url) => url.split('?')[0])); }
  ran(path) { return this.runs.filter((url) => url.split('?')[0] === path); }

  // The specifier devserve would have written for an import of `path`.
  specifier(path) { return this.versions[path] ? `${path}?t=${this.versions[path]}` : path; }

  // Runs the module at url (a path with an optional query) unless it ran
  // already; throws what it threw.
  load(url) {
    const cached = this.cache.get(url);
    if (cached) { if (cached.error) throw cached.error; return cached.ns; }
    const path = url.split('?')[0];
    const module = this.modules[path];
    if (!module) throw new TypeError(`Failed to fetch dynamically imported module: ${ORIGIN}${url}`);
    const entry = { ns: {}, error: null };
    this.cache.set(url, entry); // before the children: a cycle gets this (unfinished) namespace
    try {
      const deps = {};
      for (const dep of module.imports) deps[dep] = this.load(this.specifier(dep));
      const context = module.run ? this.hot.createHotContext(ORIGIN + url) : undefined;
      const exports = module.run ? module.run(context, deps, this) : undefined;
      Object.assign(entry.ns, exports || {});
      this.runs.push(url);
      return entry.ns;
    } catch (error) {
      entry.error = error;
      throw error;
    }
  }

  // New code (and optionally new imports) for a module; takes effect at the next update.
  edit(path, run, imports) {
    const module = (this.modules[path] ??= { imports: [] });
    module.run = run;
    if (imports) module.imports = imports;
  }

  importersOf(path) {
    return Object.keys(this.modules).filter((p) => this.modules[p].imports.includes(path));
  }

  // The server's side of an update: bump the version of the changed modules
  // and their transitive importers, then hand hot.js the payload.
  payload(changed, { pruned = [] } = {}) {
    const version = ++this.clock;
    const importers = {};
    const todo = [...changed];
    while (todo.length) {
      const path = todo.shift();
      if (path in importers) continue;
      importers[path] = this.importersOf(path);
      todo.push(...importers[path]);
    }
    for (const path of Object.keys(importers)) this.versions[path] = version;
    const hot = { version, changed, importers, pruned };
    this.payloads.push(hot);
    return hot;
  }

  update(changed, options) { return this.hot.update(this.payload(changed, options)); }
}
