/*
 * devserve hot runtime — served as /__hmr/hot.js, a plain ES module with no
 * dependencies. Gives each module that mentions import.meta.hot a
 * Vite-compatible hot context, and applies the `hot` part of a `built` event
 * without reloading the page when the modules involved accept it.
 *
 * How a module gets its context: devserve puts this in front of the first
 * line of every served module that mentions import.meta.hot (no newline is
 * added, so line numbers and source maps stay right):
 *   import { createHotContext as __devserve_hot } from "/__hmr/hot.js";import.meta.hot = __devserve_hot(import.meta.url);
 * Every version of a module that runs calls createHotContext(url) once.
 * Modules are known by their URL path: /src/a.js, /src/a.js?t=17 and
 * /src/a.js?x=1&t=17 are versions of the one module /src/a.js.
 *
 * Protocol: /__hmr/client.js (devserve.js) gets a `built` event with a `hot`
 * field, calls window.__devserveHot.update(hot) (set when this file first
 * loads) and waits for it:
 *   update(hot) -> Promise<null | string>   never rejects
 *     null     done: applied hot, or this tab uses none of the changed modules
 *     string   one line saying why the page must reload; the caller logs it
 *              and reloads (nothing of the update was applied, or it failed)
 *   hot = {version: 1733120000123,            the ?t= of this update's imports
 *          changed: ['/src/child.js'],        changed JS modules
 *          importers: {'/src/child.js': ['/src/parent.js'], ...},
 *                     for each changed module and each transitive importer of
 *                     one, who imports it (site-wide: may name modules this
 *                     tab never loaded; [] for a page's own script)
 *          pruned: ['/src/old.js']}           imported by nothing any more
 *
 * Each tab decides for itself, from what it has loaded:
 *   1. planUpdate (pure): from every changed module this tab uses, walk up
 *      the importers to the first module that accepts the change: the module
 *      itself (accept() / accept(cb)), or an importer that accepts it as a
 *      dependency (accept(dep, cb)). Reaching a module that nothing imports
 *      (the page's script) or one that called decline() means a reload.
 *      Either every change has its boundary or nothing at all is applied.
 *   2. apply: per boundary, run the dispose callbacks of the modules about to
 *      be replaced, import the accepted module again as path?t=version and
 *      hand the new namespace to the accept callbacks. Then the modules that
 *      called invalidate() are propagated to their importers, then the
 *      dispose and prune callbacks of the pruned modules run.
 *
 * Traps:
 *   - Stale children. import('/src/parent.js?t=V') makes a new module, but a
 *     plain `import './child.js'` in it would get the cached old child. The
 *     server writes ?t=V into the specifiers that import a changed module or
 *     an importer of one, so importing the boundary again loads a fresh copy
 *     of everything changed below it, and only that: this file only ever
 *     imports the boundary (or the accepted dependency). Those copies run
 *     again too, so their dispose callbacks run before the import.
 *   - Callbacks of the old version. The new version's createHotContext drops
 *     the accept/dispose/prune callbacks and on() listeners of the old one
 *     (it registers its own); `data` is kept. So accept callbacks are taken
 *     before anything is imported: the old version's callback gets the new
 *     module. A context whose version was replaced registers nothing more
 *     (an old timer calling accept() must not haunt the next update); its
 *     invalidate() and data still work.
 *   - Cycles and diamonds. Walks keep a visited set and never loop;
 *     boundaries are deduplicated, and a URL imported twice is the browser's
 *     one cached module (a diamond's bottom runs once per version).
 *   - Which modules this tab uses. Only modules mentioning import.meta.hot
 *     register here; the others are known from Resource Timing (one entry per
 *     fetched URL). Its buffer holds 250 entries by default: when it was full
 *     before this file loaded, every module counts as used (a needless reload
 *     beats stale code).
 *   - One update at a time: an update arriving while one is applied waits.
 *   - invalidate() outside an update, by a module never updated hot, is only
 *     a warning (a module calling it on load would otherwise reload forever).
 */

const LOG_PREFIX = '[devserve] ';
const RESOURCE_BUFFER = 250;              // browsers' default Resource Timing buffer size

const registry = new Map();               // path -> record (see newRecord)
let importer = (url) => import(url);      // loads one module version; replaceable for tests
let isLoadedHook = null;                  // (path) -> bool; replaces Resource Timing for tests
let reloadHook = (reason) => { log('full reload: ' + reason); win()?.location?.reload(); };
let logHook = (line) => console.log(LOG_PREFIX + line);
let queue = Promise.resolve();            // updates run one after another
let current = null;                       // the update being applied: {hot, invalidations, invalidated, updated}
let lastHot = null;                       // the last payload handed to update()
const seenVersions = new Set();           // versions update() was given

function win() { return typeof window !== 'undefined' ? window : undefined; }
function log(line) { logHook(line); }
function q(path) { return '"' + path + '"'; }
function oneLine(text) { return String(text).replace(/\s*[\r\n]+\s*/g, ' ').trim(); }
function messageOf(error) { return oneLine(error && error.message ? error.message : String(error)); }

// ---- the hot context of each module version ------------------------------

function newRecord(path) {
  return {
    path,
    url: '',
    version: null,        // the ?t= this version was loaded with, a string (null: none)
    hotUpdated: false,    // some version ran during an update
    generation: 0,        // bumped by each version: older contexts are stale
    data: {},             // kept across versions, handed to dispose and prune
    accepts: [],          // {deps: [path], fn, form: 'self' | 'one' | 'many'}
    disposers: [],
    pruners: [],
    declined: false,
    listeners: [],        // {event, fn, off}
  };
}

// Called by every version of a module as it runs (see the header).
export function createHotContext(url) {
  const parsed = new URL(url);
  const path = parsed.pathname;
  let record = registry.get(path);
  if (!record) registry.set(path, (record = newRecord(path)));
  // A new version: the old one's callbacks and listeners go, data stays.
  record.listeners.forEach(detach);
  record.listeners = [];
  record.accepts = [];
  record.disposers = [];
  record.pruners = [];
  record.declined = false;
  record.url = parsed.href;
  record.version = parsed.searchParams.get('t');
  if (current) record.hotUpdated = true;
  const generation = ++record.generation;
  const live = () => record.generation === generation && registry.get(path) === record;
  const resolve = (dep) => new URL(dep, parsed).pathname;

  return {
    get data() { return record.data; },

    accept(deps, fn) {
      if (!live()) return;
      if (typeof deps === 'function' || deps === undefined || deps === null) {
        record.accepts.push({ deps: [path], fn: deps || undefined, form: 'self' });
      } else if (typeof deps === 'string') {
        record.accepts.push({ deps: [resolve(deps)], fn, form: 'one' });
      } else if (Array.isArray(deps)) {
        record.accepts.push({ deps: deps.map(resolve), fn, form: 'many' });
      } else {
        throw new TypeError('import.meta.hot.accept(): expected a callback, a specifier or an array of specifiers');
      }
    },
    dispose(fn) { if (live()) record.disposers.push(fn); },
    prune(fn) { if (live()) record.pruners.push(fn); },
    decline() { if (live()) record.declined = true; },
    invalidate(message) { invalidate(record, message); },

    on(event, fn) {
      if (!live()) return;
      const listener = { event, fn, off: null };
      record.listeners.push(listener);
      attach(listener);
    },
    off(event, fn) {
      const i = record.listeners.findIndex((l) => l.event === event && l.fn === fn);
      if (i !== -1) detach(record.listeners.splice(i, 1)[0]);
    },
    send(event) {
      log('import.meta.hot.send(' + JSON.stringify(String(event)) + '): devserve has no channel from pages to the server, ignored');
    },
  };
}

// ---- on()/off(): devserve.js's page API, window.devserve.on(type, fn) -> off() ----

const pending = new Set();                // listeners waiting for window.devserve
let pollTimer = null;
let pollDelay = 50;

function pageApi() {
  const api = win()?.devserve;
  return api && typeof api.on === 'function' ? api : null;
}

function attach(listener) {
  const api = pageApi();
  if (api) { listener.off = api.on(listener.event, listener.fn); return; }
  // devserve.js is a classic script and normally runs first; if not, wait for it.
  pending.add(listener);
  if (pollTimer === null) poll();
}

function poll() {
  pollTimer = setTimeout(() => {
    pollTimer = null;
    if (!pending.size) return;
    if (pageApi()) {
      const waiting = [...pending];
      pending.clear();
      pollDelay = 50;
      waiting.forEach(attach);
    } else {
      pollDelay = Math.min(pollDelay * 2, 1000);
      poll();
    }
  }, pollDelay);
}

function detach(listener) {
  pending.delete(listener);
  if (listener.off) listener.off();
  listener.off = null;
  if (!pending.size && pollTimer !== null) { clearTimeout(pollTimer); pollTimer = null; pollDelay = 50; }
}

// ---- which modules this tab uses -----------------------------------------

const fetched = new Set();                // paths of same-origin resources seen
let timingComplete = true;                // false: the buffer overflowed before we looked
let observer = null;

function noteEntries(entries) {
  const origin = win()?.location?.origin;
  for (const entry of entries) {
    try {
      const u = new URL(entry.name);
      if (!origin || u.origin === origin) fetched.add(u.pathname);
    } catch (e) { /* not a URL */ }
  }
}

function watchResources() {
  const w = win();
  const perf = w?.performance;
  if (!perf || typeof perf.getEntriesByType !== 'function') return;
  const entries = perf.getEntriesByType('resource');
  if (entries.length >= RESOURCE_BUFFER) timingComplete = false;
  noteEntries(entries);
  // The observer sees every later fetch, even once the buffer is full.
  if (typeof w.PerformanceObserver === 'function') {
    try {
      observer = new w.PerformanceObserver((list) => noteEntries(list.getEntries()));
      observer.observe({ type: 'resource', buffered: true });
    } catch (e) { observer = null; }
  }
}

function refreshResources() {
  const perf = win()?.performance;
  if (observer && typeof observer.takeRecords === 'function') noteEntries(observer.takeRecords());
  if (perf && typeof perf.getEntriesByType === 'function') noteEntries(perf.getEntriesByType('resource'));
}

function isLoaded(path) {
  if (isLoadedHook) return isLoadedHook(path);
  return !timingComplete || fetched.has(path);
}

// ---- planning (pure) -----------------------------------------------------

function accepts(record, dep) {
  return !!record && record.accepts.some((a) => a.deps.includes(dep));
}

// What to do with one update, from the payload, the registry
// (Map path -> {accepts: [{deps: [path]}], declined?, version?: the ?t= string}) and
// isLoaded(path). Returns {reload: string} or {reload: null, boundaries:
// [{owner, accepted, dispose: [path]}]}: import `accepted` again and call the
// accept callbacks of `owner` for it (owner === accepted: self-accepting),
// after the dispose callbacks of the `dispose` modules (those that run again).
// `invalidated` ([{path, message}]) plans the propagation of invalidate()
// instead of hot.changed: the walk starts at their importers.
export function planUpdate(hot, registry, isLoaded, invalidated) {
  const version = hot.version;
  const importers = hot.importers || {};
  const used = (path) => registry.has(path) || !!isLoaded(path);
  const starts = invalidated
    ? invalidated.map((i) => ({ path: i.path, invalidated: true, message: i.message }))
    : (hot.changed || []).map((path) => ({ path, invalidated: false }));
  const boundaries = [];
  const keys = new Set();

  function add(owner, accepted) {
    const key = owner + '\n' + accepted;
    if (!keys.has(key)) { keys.add(key); boundaries.push({ owner, accepted, dispose: [] }); }
  }

  for (const start of starts) {
    if (!used(start.path)) continue;      // another page's module: nothing to do here
    const visited = new Set();
    let found = 0;
    const label = start.invalidated
      ? q(start.path) + ' invalidated its update' + (start.message ? ' (' + oneLine(start.message) + ')' : '')
      : q(start.path) + ' changed';

    // Returns a reload reason, or null when every way up found a boundary.
    const walk = (path, self) => {
      if (visited.has(path)) return null;   // a cycle, or a diamond seen already
      visited.add(path);
      const record = registry.get(path);
      if (record && record.declined) {
        return path === start.path
          ? label + ' and declines hot updates (import.meta.hot.decline())'
          : q(path) + ' declines hot updates (import.meta.hot.decline()), needed for ' + q(start.path);
      }
      if (self && accepts(record, path)) { add(path, path); found++; return null; }
      const ups = [...new Set(importers[path] || [])].filter(used);
      if (!ups.length) {
        if (path !== start.path) {
          return start.invalidated
            ? label + ' and ' + q(path) + ' has no import.meta.hot.accept for it'
            : q(path) + ' has no import.meta.hot.accept for ' + q(start.path);
        }
        return start.invalidated ? label + ' and no module imports it' : label + ' and has no import.meta.hot.accept()';
      }
      for (const up of ups) {
        if (accepts(registry.get(up), path)) { add(up, path); found++; continue; }
        const reason = walk(up, true);
        if (reason) return reason;
      }
      return null;
    };

    const reason = walk(start.path, !start.invalidated);
    if (reason) return { reload: reason, boundaries: [] };
    if (!found) return { reload: label + ' and no module accepts it (a cycle nothing outside imports)', boundaries: [] };
  }

  // Which modules run again, per boundary: the accepted module and what it
  // imports that carries the new version (changed modules and their
  // importers), each disposed once, before the first import that runs it.
  const affected = new Set([...(hot.changed || []), ...Object.keys(importers)]);
  const imports = {};
  for (const [child, ups] of Object.entries(importers)) {
    for (const up of ups) (imports[up] ||= []).push(child);
  }
  const disposed = new Set();
  for (const boundary of boundaries) {
    const seen = new Set();
    const stack = [boundary.accepted];
    while (stack.length) {
      const path = stack.pop();
      if (seen.has(path)) continue;
      seen.add(path);
      const record = registry.get(path);
      // A module already running this version (see invalidate) is not run again.
      if (record && record.version !== String(version) && !disposed.has(path)) {
        disposed.add(path);
        boundary.dispose.push(path);
      }
      for (const child of (imports[path] || []).slice().reverse()) if (affected.has(child)) stack.push(child);
    }
  }
  return { reload: null, boundaries };
}

// ---- applying ------------------------------------------------------------

// Called by devserve.js with the `hot` field of a `built` event (see the header).
export function update(hot) {
  const run = queue.then(() => applyUpdate(hot)).catch((e) => 'the hot update failed: ' + messageOf(e));
  queue = run;
  return run;
}

async function applyUpdate(hot) {
  if (!hot || typeof hot !== 'object' || !Array.isArray(hot.changed)) return 'the hot update payload is not understood';
  if (seenVersions.has(hot.version)) return null; // the same event again (a replay)
  seenVersions.add(hot.version);
  lastHot = hot;
  if (!isLoadedHook) refreshResources();
  const plan = planUpdate(hot, registry, isLoaded);
  if (plan.reload) return plan.reload;
  for (const path of hot.pruned || []) fetched.delete(path); // not used here any more
  const pruned = (hot.pruned || []).filter((path) => registry.has(path));
  if (!plan.boundaries.length && !pruned.length) return null;

  current = { hot, invalidations: [], invalidated: new Set(), updated: [] };
  try {
    const reason = (await applyBoundaries(plan.boundaries, hot.version)) || (await applyInvalidations());
    if (reason) return reason;
    for (const path of pruned) {
      const record = registry.get(path);
      try {
        for (const fn of record.disposers) await fn(record.data);
        for (const fn of record.pruners) await fn(record.data);
      } catch (e) {
        return 'pruning ' + path + ' failed: ' + messageOf(e);
      } finally {
        record.listeners.forEach(detach);
        registry.delete(path);
      }
    }
    if (current.updated.length) log('hot updated: ' + [...new Set(current.updated)].join(', '));
    return null;
  } finally {
    current = null;
  }
}

// Runs the boundaries in order; returns null, or a reload reason when a
// dispose callback, an import or an accept callback failed.
async function applyBoundaries(boundaries, version) {
  // The accept callbacks now, before any import replaces them with the new version's.
  const jobs = boundaries.map((b) => ({
    ...b,
    callbacks: (registry.get(b.owner)?.accepts || []).filter((a) => a.deps.includes(b.accepted)),
  }));
  for (const job of jobs) {
    try {
      for (const path of job.dispose) {
        const record = registry.get(path);
        if (record) for (const fn of record.disposers) await fn(record.data);
      }
      const module = await importer(job.accepted + '?t=' + version);
      for (const { fn, deps, form } of job.callbacks) {
        if (!fn) continue;
        fn(form === 'many' ? deps.map((d) => (d === job.accepted ? module : undefined)) : module);
      }
    } catch (e) {
      return 'an update of ' + job.accepted + ' failed: ' + messageOf(e);
    }
    current.updated.push(job.accepted);
  }
  return null;
}

// Propagates the invalidate() calls of the current update (those made while
// its modules ran or its callbacks did, and those made by the boundaries
// this finds in turn). Returns null, or a reload reason.
async function applyInvalidations() {
  const hot = current.hot;
  while (current.invalidations.length) {
    const batch = current.invalidations.splice(0);
    for (const i of batch) {
      if (current.invalidated.has(i.path)) return q(i.path) + ' invalidated its update twice';
      current.invalidated.add(i.path);
    }
    const plan = planUpdate(hot, registry, isLoaded, batch);
    if (plan.reload) return plan.reload;
    // A self-accepting module that already ran this version imported the new
    // version of the invalidated module then (?t= again): it is up to date
    // (and importing it again would only give the cached module).
    const todo = plan.boundaries.filter((b) => !(b.owner === b.accepted && registry.get(b.owner)?.version === String(hot.version)));
    const reason = await applyBoundaries(todo, hot.version);
    if (reason) return reason;
  }
  return null;
}

// import.meta.hot.invalidate(message): this module cannot take the update it
// is in; its importers are asked instead, as if it had changed without accepting.
function invalidate(record, message) {
  log('invalidate ' + record.path + (message ? ': ' + oneLine(message) : ''));
  if (current) { current.invalidations.push({ path: record.path, message }); return; }
  if (!record.hotUpdated || !lastHot) {
    log(record.path + ' called import.meta.hot.invalidate() outside a hot update, ignored');
    return;
  }
  // Later (from an async accept callback, say): propagate with the last
  // payload, and reload here since no caller waits for the answer.
  const hot = lastHot;
  const run = queue.then(async () => {
    current = { hot, invalidations: [{ path: record.path, message }], invalidated: new Set(), updated: [] };
    try {
      const reason = await applyInvalidations();
      if (!reason && current.updated.length) log('hot updated: ' + [...new Set(current.updated)].join(', '));
      return reason;
    } finally {
      current = null;
    }
  }).catch((e) => 'the invalidation failed: ' + messageOf(e));
  queue = run;
  run.then((reason) => { if (reason) reloadHook(reason); });
}

// ---- test hooks (not used in the page) -----------------------------------

// Replaces how modules are imported ((url) -> Promise<namespace>), how a tab
// knows it uses a module ((path) -> bool), how the page reloads itself
// ((reason) -> void, for invalidate() outside an update) and logs ((line) -> void).
export function __configure(options) {
  if (options.importer) importer = options.importer;
  if (options.isLoaded) isLoadedHook = options.isLoaded;
  if (options.reload) reloadHook = options.reload;
  if (options.log) logHook = options.log;
}
export const __registry = registry;

// ---- start ----------------------------------------------------------------

if (win() && !win().__devserveHot) {
  win().__devserveHot = { update };
  watchResources();
}
