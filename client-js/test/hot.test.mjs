// Tests for client-js/hot.js (the import.meta.hot runtime), against a fake
// module graph (see ../support/hot-page.mjs). Run with: cd client-js && node --test test/
import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { loadHot, FakePage, fakeDevserve, settle, sleep, ORIGIN } from '../support/hot-page.mjs';

afterEach(() => { delete globalThis.window; });

// A page: index.html loads /src/main.js, which imports /src/parent.js, which imports /src/child.js.
async function chain(child, parent, main) {
  const hot = await loadHot();
  return new FakePage(hot, {
    '/src/main.js': { imports: ['/src/parent.js'], run: main },
    '/src/parent.js': { imports: ['/src/child.js'], run: parent },
    '/src/child.js': { run: child },
  }, ['/src/main.js']).start();
}

describe('loading', () => {
  test('loads without a window; with one it sets window.__devserveHot = {update}', async () => {
    const bare = await loadHot();
    assert.equal(typeof bare.createHotContext, 'function');
    assert.equal(typeof bare.update, 'function');
    globalThis.window = {};
    const hot = await loadHot();
    assert.equal(globalThis.window.__devserveHot.update, hot.update);
    assert.deepEqual(Object.keys(globalThis.window.__devserveHot), ['update']);
  });

  test('a module is its URL path: versions with ?t= or &t= share data; each version resets the callbacks', async () => {
    const hot = await loadHot();
    const a = hot.createHotContext(`${ORIGIN}/src/a.js`);
    a.data.n = 1;
    a.accept();
    a.dispose(() => {});
    const b = hot.createHotContext(`${ORIGIN}/src/a.js?x=1&t=5#frag`);
    assert.equal(b.data, a.data);
    const record = hot.__registry.get('/src/a.js');
    assert.equal(record.version, '5');
    assert.deepEqual(record.accepts, []);
    assert.deepEqual(record.disposers, []);
    assert.equal(hot.__registry.size, 1);
    // The replaced version's context registers nothing more (an old timer, say).
    a.accept();
    a.dispose(() => {});
    assert.deepEqual(record.accepts, []);
    assert.deepEqual(record.disposers, []);
    b.accept();
    assert.equal(record.accepts.length, 1);
  });

  test('accept() rejects what it does not understand', async () => {
    const hot = await loadHot();
    const ctx = hot.createHotContext(`${ORIGIN}/src/a.js`);
    assert.throws(() => ctx.accept(42), TypeError);
  });
});

describe('self-accepting modules', () => {
  test('dispose and data carry state across several updates; the old version\'s callback gets the new module', async () => {
    const events = [];
    const counter = (label) => (hot) => {
      const count = hot.data.count ?? 0;
      events.push(`${label} runs with count ${count}`);
      hot.dispose((data) => { data.count = count + 1; events.push(`${label} disposed`); });
      hot.accept((mod) => events.push(`${label} accepted ${mod.label}`));
      return { label, count };
    };
    const page = await chain(counter('v1'), () => ({}), () => ({}));
    const data = page.hot.__registry.get('/src/child.js').data;
    for (const label of ['v2', 'v3', 'v4']) {
      page.edit('/src/child.js', counter(label));
      assert.equal(await page.update(['/src/child.js']), null);
    }
    assert.deepEqual(events, [
      'v1 runs with count 0',
      'v1 disposed', 'v2 runs with count 1', 'v1 accepted v2',
      'v2 disposed', 'v3 runs with count 2', 'v2 accepted v3',
      'v3 disposed', 'v4 runs with count 3', 'v3 accepted v4',
    ]);
    assert.equal(page.hot.__registry.get('/src/child.js').data, data, 'one data object for all versions');
    const [v1, v2, v3] = page.payloads.map((p) => p.version);
    assert.deepEqual(page.imports, [`/src/child.js?t=${v1}`, `/src/child.js?t=${v2}`, `/src/child.js?t=${v3}`]);
    assert.equal(page.ran('/src/parent.js').length, 1, 'the importers did not run again');
    assert.equal(page.ran('/src/main.js').length, 1);
    assert.deepEqual(page.logs, ['hot updated: /src/child.js', 'hot updated: /src/child.js', 'hot updated: /src/child.js']);
  });

  test('accept() without a callback swaps the module in silently', async () => {
    const page = await chain((hot) => { hot.accept(); return { n: 1 }; }, () => ({}), () => ({}));
    page.edit('/src/child.js', (hot) => { hot.accept(); return { n: 2 }; });
    assert.equal(await page.update(['/src/child.js']), null);
    assert.equal(page.ran('/src/child.js').length, 2);
  });
});

describe('accepting a dependency', () => {
  test('accept(dep, cb): the dependency is disposed and imported again, its importer is not', async () => {
    const events = [];
    const page = await chain(
      (hot) => { hot.dispose(() => events.push('child v1 disposed')); return { v: 1 }; },
      (hot, deps) => {
        let child = deps['/src/child.js'];
        hot.accept('./child.js', (mod) => { events.push(`parent got v${mod.v} (had v${child.v})`); child = mod; });
        return {};
      },
      () => ({}));
    page.edit('/src/child.js', () => ({ v: 2 }));
    assert.equal(await page.update(['/src/child.js']), null);
    assert.deepEqual(events, ['child v1 disposed', 'parent got v2 (had v1)']);
    assert.deepEqual(page.imports, [`/src/child.js?t=${page.payloads[0].version}`]);
    assert.equal(page.ran('/src/parent.js').length, 1);
  });

  test('accept([deps], cb) gets an array: the new module at its index, undefined elsewhere', async () => {
    const hot = await loadHot();
    const got = [];
    const page = new FakePage(hot, {
      '/src/main.js': { imports: ['/src/a.js', '/lib/b.js'], run: (h) => { h.accept(['./a.js', '../lib/b.js'], (mods) => got.push(mods)); } },
      '/src/a.js': { run: () => ({ name: 'a1' }) },
      '/lib/b.js': { run: () => ({ name: 'b1' }) },
    }, ['/src/main.js']).start();
    page.edit('/lib/b.js', () => ({ name: 'b2' }));
    assert.equal(await page.update(['/lib/b.js']), null);
    assert.equal(got.length, 1);
    assert.equal(got[0].length, 2);
    assert.equal(got[0][0], undefined);
    assert.equal(got[0][1].name, 'b2');
    // Both changed at once: one call per dependency.
    page.edit('/src/a.js', () => ({ name: 'a3' }));
    page.edit('/lib/b.js', () => ({ name: 'b3' }));
    assert.equal(await page.update(['/src/a.js', '/lib/b.js']), null);
    assert.deepEqual(got.slice(1).map((mods) => mods.map((m) => m?.name)), [['a3', undefined], [undefined, 'b3']]);
  });
});

describe('bubbling', () => {
  test('a change reaches a self-accepting importer, which then sees the new child (no stale child)', async () => {
    const events = [];
    const parent = (label) => (hot, deps) => {
      events.push(`parent ${label} sees child ${deps['/src/child.js'].v}`);
      hot.dispose(() => events.push(`parent ${label} disposed`));
      hot.accept((mod) => events.push(`parent ${label} accepted ${mod.label}`));
      return { label };
    };
    const page = await chain(
      (hot) => { hot.dispose(() => events.push('child v1 disposed')); return { v: 1 }; },
      parent('p1'),
      () => ({}));
    page.edit('/src/child.js', () => ({ v: 2 }));
    page.edit('/src/parent.js', parent('p2'));
    assert.equal(await page.update(['/src/child.js']), null);
    assert.deepEqual(events, [
      'parent p1 sees child 1',
      'parent p1 disposed', 'child v1 disposed',
      'parent p2 sees child 2', 'parent p1 accepted p2',
    ]);
    const v = page.payloads[0].version;
    assert.deepEqual(page.imports, [`/src/parent.js?t=${v}`]);
    assert.deepEqual(page.runs.slice(-2), [`/src/child.js?t=${v}`, `/src/parent.js?t=${v}`]);
    assert.equal(page.ran('/src/main.js').length, 1);
  });

  test('an importer that accepts the module in between is a boundary too', async () => {
    const got = [];
    const page = await chain(() => ({ v: 1 }), () => ({ p: 1 }),
      (hot) => { hot.accept('./parent.js', (mod) => got.push(mod)); });
    page.edit('/src/child.js', () => ({ v: 2 }));
    page.edit('/src/parent.js', (hot, deps) => ({ p: 2, child: deps['/src/child.js'].v }));
    assert.equal(await page.update(['/src/child.js']), null);
    assert.deepEqual(got.map((m) => ({ ...m })), [{ p: 2, child: 2 }]);
    assert.deepEqual(page.imports, [`/src/parent.js?t=${page.payloads[0].version}`]);
  });

  test('a diamond: two ways up to one boundary, which is imported once; the shared module runs once', async () => {
    const hot = await loadHot();
    let accepted = 0;
    const app = (h, deps) => { h.accept(() => accepted++); return { left: deps['/src/left.js'].v, right: deps['/src/right.js'].v }; };
    const page = new FakePage(hot, {
      '/src/main.js': { imports: ['/src/app.js'], run: () => ({}) },
      '/src/app.js': { imports: ['/src/left.js', '/src/right.js'], run: app },
      '/src/left.js': { imports: ['/src/shared.js'], run: (h, deps) => ({ v: deps['/src/shared.js'].v }) },
      '/src/right.js': { imports: ['/src/shared.js'], run: (h, deps) => ({ v: deps['/src/shared.js'].v }) },
      '/src/shared.js': { run: () => ({ v: 1 }) },
    }, ['/src/main.js']).start();
    page.edit('/src/shared.js', () => ({ v: 2 }));
    assert.equal(await page.update(['/src/shared.js']), null);
    const v = page.payloads[0].version;
    assert.deepEqual(page.imports, [`/src/app.js?t=${v}`]);
    assert.equal(accepted, 1);
    assert.equal(page.ran('/src/shared.js').length, 2, 'one run per version');
    const fresh = page.cache.get(`/src/app.js?t=${v}`).ns;
    assert.deepEqual({ ...fresh }, { left: 2, right: 2 });
  });

  test('a cycle with a self-accepting module in it: the walk ends, the cycle runs again once', async () => {
    const hot = await loadHot();
    let accepted = 0;
    const page = new FakePage(hot, {
      '/src/main.js': { imports: ['/src/a.js'], run: () => ({}) },
      '/src/a.js': { imports: ['/src/b.js'], run: (h) => { h.accept(() => accepted++); return {}; } },
      '/src/b.js': { imports: ['/src/a.js'], run: () => ({ v: 1 }) },
    }, ['/src/main.js']).start();
    page.edit('/src/b.js', () => ({ v: 2 }));
    assert.equal(await page.update(['/src/b.js']), null);
    const v = page.payloads[0].version;
    assert.deepEqual(page.imports, [`/src/a.js?t=${v}`]);
    assert.equal(accepted, 1);
    assert.deepEqual(page.runs.slice(-2), [`/src/b.js?t=${v}`, `/src/a.js?t=${v}`]);
  });

  test('a cycle nobody accepts: the walk ends at the top, and the page reloads', async () => {
    const hot = await loadHot();
    const page = new FakePage(hot, {
      '/src/main.js': { imports: ['/src/a.js'], run: () => ({}) },
      '/src/a.js': { imports: ['/src/b.js'], run: (h) => ({}) },
      '/src/b.js': { imports: ['/src/c.js'], run: (h) => ({}) },
      '/src/c.js': { imports: ['/src/a.js'], run: (h) => ({}) },
    }, ['/src/main.js']).start();
    assert.equal(await page.update(['/src/b.js']), '"/src/main.js" has no import.meta.hot.accept for "/src/b.js"');
    assert.deepEqual(page.imports, []);
  });
});

describe('reloads', () => {
  test('a module nobody accepts: a reload naming the top and the change; nothing runs', async () => {
    let disposed = 0;
    const page = await chain((hot) => { hot.dispose(() => disposed++); }, () => ({}), () => ({}));
    assert.equal(await page.update(['/src/child.js']), '"/src/main.js" has no import.meta.hot.accept for "/src/child.js"');
    assert.deepEqual(page.imports, []);
    assert.equal(disposed, 0);
  });

  test('a changed page script without accept()', async () => {
    const page = await chain(() => ({}), () => ({}), () => ({}));
    assert.equal(await page.update(['/src/main.js']), '"/src/main.js" changed and has no import.meta.hot.accept()');
  });

  test('all or nothing: one change without a boundary means nothing is applied', async () => {
    const hot = await loadHot();
    let accepted = 0;
    const page = new FakePage(hot, {
      '/src/main.js': { imports: ['/src/a.js', '/src/b.js'], run: () => ({}) },
      '/src/a.js': { run: (h) => { h.accept(() => accepted++); } },
      '/src/b.js': { run: () => ({}) },
    }, ['/src/main.js']).start();
    assert.match(await page.update(['/src/a.js', '/src/b.js']), /"\/src\/main.js" has no import.meta.hot.accept for "\/src\/b.js"/);
    assert.equal(accepted, 0);
    assert.deepEqual(page.imports, []);
  });

  test('an exception in the new version: a reload with the reason; later boundaries are left alone', async () => {
    const hot = await loadHot();
    const accepted = [];
    const page = new FakePage(hot, {
      '/src/main.js': { imports: ['/src/a.js', '/src/b.js'], run: () => ({}) },
      '/src/a.js': { run: (h) => { h.accept(() => accepted.push('a')); } },
      '/src/b.js': { run: (h) => { h.accept(() => accepted.push('b')); } },
    }, ['/src/main.js']).start();
    page.edit('/src/a.js', () => { throw new Error('boom\n  at a.js:3'); });
    assert.equal(await page.update(['/src/a.js', '/src/b.js']), 'an update of /src/a.js failed: boom at a.js:3');
    assert.deepEqual(page.imports.map((u) => u.split('?')[0]), ['/src/a.js']);
    assert.deepEqual(accepted, []);
  });

  test('a syntax error (the import rejects): a reload with the reason', async () => {
    const page = await chain((hot) => { hot.accept(); }, () => ({}), () => ({}));
    page.hot.__configure({ importer: () => Promise.reject(new SyntaxError("Unexpected token '}'")) });
    assert.equal(await page.update(['/src/child.js']), "an update of /src/child.js failed: Unexpected token '}'");
  });

  test('a throwing accept or dispose callback is a failed update too', async () => {
    const page = await chain((hot) => { hot.accept(() => { throw new Error('bad callback'); }); }, () => ({}), () => ({}));
    page.edit('/src/child.js', (hot) => { hot.dispose(() => { throw new Error('bad dispose'); }); hot.accept(); });
    assert.equal(await page.update(['/src/child.js']), 'an update of /src/child.js failed: bad callback');
    assert.equal(await page.update(['/src/child.js']), 'an update of /src/child.js failed: bad dispose');
  });

  test('decline() makes an update that reaches the module a reload', async () => {
    const page = await chain(() => ({}), (hot) => { hot.decline(); }, (hot) => { hot.accept(); });
    assert.equal(await page.update(['/src/child.js']),
      '"/src/parent.js" declines hot updates (import.meta.hot.decline()), needed for "/src/child.js"');
  });
});

describe('what this tab uses', () => {
  test('a changed module this tab never loaded is ignored, even if the page script is above it', async () => {
    const hot = await loadHot();
    const page = new FakePage(hot, {
      '/src/main.js': { imports: ['/src/a.js'], run: () => ({}) },
      '/src/a.js': { run: () => ({}) },
      '/other/page.js': { imports: ['/src/widget.js'], run: () => ({}) }, // another page's script
      '/src/widget.js': { run: () => ({}) },
    }, ['/src/main.js']).start();
    assert.equal(await page.update(['/src/widget.js']), null);
    assert.deepEqual(page.imports, []);
    assert.deepEqual(page.logs, []);
  });

  test('importers this tab never loaded are not ways up', async () => {
    const hot = await loadHot();
    const page = new FakePage(hot, {
      '/src/main.js': { imports: ['/src/shared.js'], run: (h) => { h.accept('./shared.js', () => {}); } },
      '/other/page.js': { imports: ['/src/shared.js'], run: () => ({}) }, // does not accept, not loaded here
      '/src/shared.js': { run: () => ({}) },
    }, ['/src/main.js']).start();
    assert.equal(await page.update(['/src/shared.js']), null);
    assert.equal(page.imports.length, 1);
  });

  test('without a test hook, Resource Timing says which modules were fetched (same origin only)', async () => {
    const entries = ['/index.html', '/src/main.js?t=3', '/src/a.js'].map((p) => ({ name: ORIGIN + p }))
      .concat({ name: 'http://cdn.example/src/b.js' });
    globalThis.window = { location: { origin: ORIGIN }, performance: { getEntriesByType: () => entries } };
    const hot = await loadHot();
    hot.__configure({ log: () => {} });
    const hotFor = (changed) => ({ version: 9, changed, importers: { '/src/a.js': ['/src/main.js'], '/src/b.js': ['/src/main.js'], '/src/main.js': [] }, pruned: [] });
    assert.equal(await hot.update(hotFor(['/src/b.js'])), null, 'not fetched here (another origin)');
    assert.equal(await hot.update({ ...hotFor(['/src/a.js']), version: 10 }),
      '"/src/main.js" has no import.meta.hot.accept for "/src/a.js"');
  });

  test('when the Resource Timing buffer was full before hot.js loaded, every module counts as used', async () => {
    const entries = Array.from({ length: 250 }, (_, i) => ({ name: `${ORIGIN}/img/${i}.png` }));
    globalThis.window = { location: { origin: ORIGIN }, performance: { getEntriesByType: () => entries } };
    const hot = await loadHot();
    const payload = { version: 1, changed: ['/src/a.js'], importers: { '/src/a.js': [] }, pruned: [] };
    assert.equal(await hot.update(payload), '"/src/a.js" changed and has no import.meta.hot.accept()');
  });
});

describe('invalidate', () => {
  test('from an accept callback: the importers are asked; a self-accepting importer runs again', async () => {
    const events = [];
    const page = await chain(
      (hot) => { hot.accept((mod) => { if (mod.breaking) hot.invalidate('exports changed'); }); return {}; },
      (hot, deps) => { events.push(`parent runs, child breaking: ${!!deps['/src/child.js'].breaking}`); hot.accept(() => events.push('parent accepted')); },
      () => ({}));
    page.edit('/src/child.js', (hot) => { hot.accept(); return { breaking: true }; });
    assert.equal(await page.update(['/src/child.js']), null);
    const v = page.payloads[0].version;
    assert.deepEqual(page.imports, [`/src/child.js?t=${v}`, `/src/parent.js?t=${v}`]);
    assert.deepEqual(events, ['parent runs, child breaking: false', 'parent runs, child breaking: true', 'parent accepted']);
    assert.equal(page.ran('/src/child.js').length, 2, 'the new child ran once');
    assert.ok(page.logs.includes('invalidate /src/child.js: exports changed'));
  });

  test('reaching the top: a reload with the message', async () => {
    const page = await chain((hot) => { hot.accept(() => hot.invalidate('cannot swap the router')); }, () => ({}), () => ({}));
    assert.equal(await page.update(['/src/child.js']),
      '"/src/child.js" invalidated its update (cannot swap the router) and "/src/main.js" has no import.meta.hot.accept for it');
  });

  test('from the new version while it runs', async () => {
    let parentAccepted = 0;
    const page = await chain((hot) => { hot.accept(); }, (hot) => { hot.accept(() => parentAccepted++); }, () => ({}));
    page.edit('/src/child.js', (hot) => { hot.accept(); hot.invalidate(); });
    assert.equal(await page.update(['/src/child.js']), null);
    assert.equal(parentAccepted, 1);
  });

  test('an importer that already ran the new version is up to date: nothing runs twice', async () => {
    const hot = await loadHot();
    let parentAccepted = 0;
    const page = new FakePage(hot, {
      '/src/main.js': { imports: ['/src/parent.js'], run: () => ({}) },
      '/src/parent.js': { imports: ['/src/child.js'], run: (h) => { h.accept(() => parentAccepted++); } },
      '/src/child.js': { run: (h) => { h.accept(() => h.invalidate()); } },
    }, ['/src/main.js']).start();
    // Both changed: the child's boundary, then the parent's (which imports the new child).
    assert.equal(await page.update(['/src/child.js', '/src/parent.js']), null);
    assert.equal(parentAccepted, 1);
    assert.equal(page.ran('/src/parent.js').length, 2);
    assert.equal(page.ran('/src/child.js').length, 2);
  });

  test('on first load it is ignored (no reload loop); after an update, later, it reloads through the hook', async () => {
    let later;
    const page = await chain((hot) => { hot.invalidate(); hot.accept(() => { later = () => hot.invalidate('late'); }); }, () => ({}), () => ({}));
    assert.ok(page.logs.includes('/src/child.js called import.meta.hot.invalidate() outside a hot update, ignored'));
    page.edit('/src/child.js', (hot) => { hot.accept(); });
    assert.equal(await page.update(['/src/child.js']), null);
    later();
    await settle();
    assert.deepEqual(page.reloads, ['"/src/child.js" invalidated its update (late) and "/src/main.js" has no import.meta.hot.accept for it']);
  });
});

describe('prune', () => {
  test('pruned modules run their dispose and prune callbacks with their data, and are forgotten', async () => {
    const events = [];
    const hot = await loadHot();
    const page = new FakePage(hot, {
      '/src/main.js': { imports: ['/src/old.js'], run: (h) => { h.accept(); } },
      '/src/old.js': { run: (h) => { h.data.timer = 'T'; h.dispose((d) => events.push(`dispose ${d.timer}`)); h.prune((d) => events.push(`prune ${d.timer}`)); } },
    }, ['/src/main.js']).start();
    page.edit('/src/main.js', (h) => { h.accept(); }, []);
    assert.equal(await page.update(['/src/main.js'], { pruned: ['/src/old.js', '/src/never-loaded.js'] }), null);
    assert.deepEqual(events, ['dispose T', 'prune T']);
    assert.equal(hot.__registry.has('/src/old.js'), false);
    assert.deepEqual(hot.createHotContext(`${ORIGIN}/src/old.js`).data, {}, 'imported again later: a fresh module');
  });
});

describe('updates in a row', () => {
  test('run one after another; the same payload twice is applied once', async () => {
    const events = [];
    const page = await chain((hot) => { hot.accept(() => events.push('accepted')); }, () => ({}), () => ({}));
    let release;
    const gate = new Promise((resolve) => { release = resolve; });
    const load = page.load.bind(page);
    page.hot.__configure({ importer: async (url) => { events.push(`import ${url.split('?')[0]}`); await gate; return load(url); } });
    page.edit('/src/child.js', (hot) => { hot.accept(() => events.push('accepted')); });
    const first = page.payload(['/src/child.js']);
    const one = page.hot.update(first);
    const two = page.update(['/src/child.js']);
    const three = page.hot.update(first);
    await settle();
    assert.deepEqual(events, ['import /src/child.js'], 'the second waits for the first');
    release();
    assert.deepEqual(await Promise.all([one, two, three]), [null, null, null]);
    assert.deepEqual(events, ['import /src/child.js', 'accepted', 'import /src/child.js', 'accepted']);
  });

  test('a bad payload is a reload, never a rejection', async () => {
    const hot = await loadHot();
    assert.equal(await hot.update(null), 'the hot update payload is not understood');
    assert.equal(await hot.update({ version: 1 }), 'the hot update payload is not understood');
  });
});

describe('on/off', () => {
  test('delegate to window.devserve.on; off() and a new version remove the listeners', async () => {
    const devserve = fakeDevserve();
    globalThis.window = { devserve };
    const hot = await loadHot();
    const seen = [];
    const v1 = hot.createHotContext(`${ORIGIN}/src/a.js`);
    const onBuilt = (data) => seen.push(`built ${data.id}`);
    v1.on('built', onBuilt);
    v1.on('my-event', (detail) => seen.push(`custom ${detail.x}`));
    devserve.emit('built', { id: 1 });
    devserve.emit('my-event', { x: 'y' });
    v1.off('built', onBuilt);
    devserve.emit('built', { id: 2 });
    assert.deepEqual(seen, ['built 1', 'custom y']);
    hot.createHotContext(`${ORIGIN}/src/a.js?t=2`); // the new version: the old listeners go
    assert.equal(devserve.listeners.length, 0);
    v1.on('built', onBuilt); // from the replaced version: ignored
    assert.equal(devserve.listeners.length, 0);
  });

  test('wait for window.devserve when it is not there yet', async () => {
    globalThis.window = {};
    const hot = await loadHot();
    const seen = [];
    const ctx = hot.createHotContext(`${ORIGIN}/src/a.js`);
    ctx.on('building', (data) => seen.push(data.changed));
    const gone = () => seen.push('never');
    ctx.on('building', gone);
    ctx.off('building', gone);
    const devserve = fakeDevserve();
    globalThis.window.devserve = devserve;
    await sleep(80);
    devserve.emit('building', { changed: ['a.js'] });
    assert.deepEqual(seen, [['a.js']]);
    assert.equal(devserve.listeners.length, 1);
  });
});

describe('planUpdate', () => {
  const self = (path) => ({ accepts: [{ deps: [path] }] });
  const none = () => ({ accepts: [] });

  test('boundaries, deduplicated, with the modules to dispose before each import', () => {
    return loadHot().then(({ planUpdate }) => {
      const registry = new Map([
        ['/app.js', self('/app.js')], ['/left.js', none()], ['/right.js', none()], ['/shared.js', none()],
      ]);
      const hot = {
        version: 7, changed: ['/shared.js'],
        importers: { '/shared.js': ['/left.js', '/right.js'], '/left.js': ['/app.js'], '/right.js': ['/app.js'], '/app.js': ['/main.js'] },
      };
      const plan = planUpdate(hot, registry, (p) => p === '/main.js');
      assert.deepEqual(plan, { reload: null, boundaries: [{ owner: '/app.js', accepted: '/app.js', dispose: ['/app.js', '/left.js', '/shared.js', '/right.js'] }] });
    });
  });

  test('missing importer information is a top (reload), never a silent skip', async () => {
    const { planUpdate } = await loadHot();
    const plan = planUpdate({ version: 1, changed: ['/a.js'], importers: {} }, new Map([['/a.js', none()]]), () => false);
    assert.equal(plan.reload, '"/a.js" changed and has no import.meta.hot.accept()');
  });

  test('a cycle with no way out of it is a reload', async () => {
    const { planUpdate } = await loadHot();
    const registry = new Map([['/a.js', none()], ['/b.js', none()]]);
    const plan = planUpdate({ version: 1, changed: ['/a.js'], importers: { '/a.js': ['/b.js'], '/b.js': ['/a.js'] } }, registry, () => false);
    assert.match(plan.reload, /no module accepts it/);
  });
});
