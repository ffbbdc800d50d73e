// Tests of the bridge's own logic (snapshot, queue, load failure, messaging, modes, ledger seam)
// with the browser and the Go module replaced by small fakes. Run: node --test js/
// The real module and a real browser are covered by wasm/ and e2e/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const SOURCE = readFileSync(new URL('./imp.js', import.meta.url), 'utf8');
const SDK = 'https://cdn.test/sdk/';
const PAGE = 'https://shop.test';

// fakeCore stands in for Go's __impshim object and records every call.
function fakeCore(over = {}) {
  const calls = [];
  let next = 0;
  const core = {
    version: '0.1.0',
    calls,
    lastRequest: null,
    configure(text) {
      calls.push(['configure', text]);
      const cfg = JSON.parse(text.replace(/\bNaN\b|-?Infinity\b/g, 'null'));
      if (!cfg || !Array.isArray(cfg.pg_settings) || cfg.pg_settings.length === 0) {
        return JSON.stringify({ ok: false, errors: [{ index: -1, field: 'pg_settings', message: 'pg_settings is empty' }] });
      }
      core.cfg = cfg;
      return JSON.stringify({ ok: true, warnings: [], config: cfg, console_order: cfg.pg_settings.map((_, i) => i) });
    },
    // The real built-in merchant carries warnings about its own legacy catalog settings.
    sandbox(code) { calls.push(['sandbox', code]); return JSON.stringify({ ok: true, warnings: [{ code: 'LEGACY_PG_CODE', message: 'pg_settings[3]: "kakao" is a legacy PG code' }], config: { merchant_code: code } }); },
    // The mode rule as Go has it (resolver.Request.WindowMode), so the fake answers like the module.
    modeOf(text, env, kind) {
      let p = {};
      try { p = JSON.parse(text.replace(/\bNaN\b|-?Infinity\b/g, 'null')) || {}; } catch { /* iframe */ }
      const ua = env ? JSON.parse(env).user_agent || '' : '';
      const mobile = /Mobi|Android|iPhone|iPad/.test(ua);
      if (typeof p.m_redirect_url === 'string' && /^https?:\/\//.test(p.m_redirect_url) && mobile) return { mode: 'redirect', redirect_url: p.m_redirect_url };
      if (kind === 'certification' && !mobile) return { mode: 'popup' }; // forced on a PC
      const popup = p.popup === true;
      return { mode: popup ? 'popup' : 'iframe' };
    },
    mode(text, env, kind) { calls.push(['mode', text, env, kind]); return JSON.stringify({ ok: true, ...core.modeOf(text, env, kind) }); },
    request(text, env) {
      calls.push(['request', text, env]);
      core.lastRequest = text;
      core.lastEnv = env;
      const uid = (/"merchant_uid":"([^"]*)"/.exec(text) || [])[1] || 'nobody_1';
      const mode = core.modeOf(text, env);
      if (text.includes('"fail_check"')) {
        return JSON.stringify({ ok: false, response: { success: false, imp_success: false, imp_uid: null, merchant_uid: uid, error_code: 'INVALID_AMOUNT', error_msg: 'x', status: 'failed' }, trace: null, ...mode });
      }
      next++;
      return JSON.stringify({ ok: true, id: next, imp_uid: `imps_00000000000${next}`, merchant_uid: uid, ...mode, window: { pg: { code: 'html5_inicis' } }, trace: { rule: 'R2', warnings: [{ code: 'PG_MISSING', message: 'pg is missing' }] } });
    },
    rules() { return JSON.stringify({ version: '0.1.0', outcome_results: core.results || ['paid', 'failed', 'cancelled'], payment_statuses: ['ready', 'paid', 'cancelled', 'failed'], carriers: ['SKT', 'KTF', 'LGT', 'MVNO'] }); },
    certification(text, env) {
      calls.push(['certification', text, env]);
      core.lastRequest = text;
      const uid = (/"merchant_uid":"([^"]*)"/.exec(text) || [])[1] || 'nobody_1';
      const mode = core.modeOf(text, env, 'certification');
      if (text.includes('"fail_check"')) {
        return JSON.stringify({ ok: false, response: { success: false, imp_uid: null, merchant_uid: uid, pg_provider: 'inicis_unified', pg_type: 'certification', error_code: 'INVALID_PARAMS', error_msg: 'min_age' }, ...mode });
      }
      next++;
      core.certs = { ...(core.certs || {}), [next]: true };
      return JSON.stringify({ ok: true, id: next, imp_uid: `imp_00000000000${next}`, merchant_uid: uid, ...mode,
        window: { kind: 'certification', pg: 'inicis_unified', identities: [{ name: 'A', carrier: 'SKT' }, { name: 'B', carrier: 'KTF' }, { name: 'C', carrier: 'LGT' }], language: 'ko' },
        trace: { rule: 'R2', warnings: [] } });
    },
    complete(id, outcome) {
      calls.push(['complete', id, outcome]);
      const o = JSON.parse(outcome);
      if (core.certs && core.certs[id]) {
        const ok = o.result === 'paid';
        const who = [{ name: 'A', carrier: 'SKT' }, { name: 'B', carrier: 'KTF' }, { name: 'C', carrier: 'LGT' }][o.identity || 0];
        if (!who) return JSON.stringify({ error: { code: 'INTERNAL', message: 'identity out of range' } });
        return JSON.stringify({ response: { success: ok, imp_uid: `imp_00000000000${id}`, merchant_uid: 'c', pg_provider: 'inicis_unified', pg_type: 'certification', error_code: ok ? null : 'USER_CANCEL', error_msg: ok ? null : 'cancelled' }, ...(ok ? { identity: who } : {}) });
      }
      const ok = o.result === 'paid';
      return JSON.stringify({ response: { success: ok, imp_success: ok, imp_uid: `imps_00000000000${id}`, merchant_uid: 'm', status: ok ? 'paid' : 'failed', ...(ok ? {} : { error_code: o.error_code || (o.result === 'cancelled' ? 'USER_CANCEL' : 'PG_FAILED'), error_msg: o.error_msg || 'e' }) } });
    },
    abandon(id) { calls.push(['abandon', id]); return '{"ok":true}'; },
    reset() { calls.push(['reset']); return '{"ok":true}'; },
    catalog() { return '{"catalog":[{"code":"html5_inicis"}]}'; },
    config() { return JSON.stringify({ config: core.cfg || null }); },
    resolve() { return '{"trace":{}}'; },
    ...over,
  };
  return core;
}

// makePage builds a fake browser around imp.js. files maps URLs (relative to the SDK) to
// {status, body, type}; anything else answers 404.
// fakeExports stands in for the instance's //go:wasmexport functions behind IMP.sandbox.resolve:
// the query is read from and the answer written to mem as imp.js expects; answer(query) gives the
// answer object.
function fakeExports(answer = (q) => ({ trace: { input: JSON.parse(q), rule: 'R2', warnings: [] } })) {
  const mem = { buffer: new ArrayBuffer(1 << 20) };
  const IN = 16, OUT = 1 << 19;
  const reply = (q) => {
    const out = new TextEncoder().encode(JSON.stringify(answer(q)));
    new Uint8Array(mem.buffer, OUT, out.length).set(out);
    return out.length;
  };
  return {
    mem,
    impshim_input: (max) => (max < OUT - IN ? IN : 0),
    impshim_resolve: (n) => reply(new TextDecoder().decode(new Uint8Array(mem.buffer, IN, n))),
    // a pg string crosses as itself: the answer is the one for its JSON text
    impshim_resolve_pg: (n) => reply(JSON.stringify(new TextDecoder().decode(new Uint8Array(mem.buffer, IN, n)))),
    impshim_output: () => OUT,
  };
}

function makePage({ files = {}, core = fakeCore(), exports = fakeExports(), ua = 'Mozilla/5.0 (X11; Linux x86_64)', popup = 'open' } = {}) {
  const listeners = { message: [], keydown: [] };
  const warnings = [];
  const fetches = [];
  const frames = [];
  const popups = [];
  const assigned = [];
  const timers = []; // the delay of every setTimeout imp.js made, in order
  const pending = new Set(); // imp.js's timeouts and intervals not yet fired or cleared
  const allFiles = {
    'wasm_exec.js': { status: 200, body: '' },
    'impshim.wasm': { status: 200, body: 'wasm', type: 'application/wasm' },
    ...files,
  };
  // Focus is modelled: focus() makes an element document.activeElement; removing it gives focus
  // back to the body, as a browser does.
  // An iframe's window navigates by location.replace (no history entry); replaced counts those.
  const el = (tag) => {
    const node = {
      tag, style: {}, dataset: {}, attrs: {}, textContent: '', isConnected: false, replaced: 0,
      remove() { this.removed = true; this.isConnected = false; if (ctx.document.activeElement === this) ctx.document.activeElement = parent; },
      focus() { ctx.document.activeElement = this; },
      setAttribute(k, v) { this.attrs[k] = String(v); }, removeAttribute(k) { delete this.attrs[k]; },
      contentWindow: null,
    };
    if (tag === 'iframe') {
      node.contentWindow = {
        postMessage(data, origin) { this.sent.push({ data, origin }); }, sent: [],
        location: { replace(u) { node.src = String(u); node.replaced++; } },
      };
    }
    return node;
  };
  const appended = [];
  const parent = {
    tag: 'body',
    appendChild(node) {
      if (node.tag === 'script') {
        // Loading wasm_exec.js defines Go, whose run() publishes the fake core.
        setTimeout(() => {
          if (allFiles['wasm_exec.js'].status !== 200) { node.onerror(); return; }
          ctx.Go = class { constructor() { this.importObject = {}; } run() { ctx.__impshim = core; return new Promise(() => {}); } };
          node.onload();
        }, 0);
      }
      if (node.tag === 'iframe') frames.push(node);
      node.isConnected = true;
      appended.push(node);
    },
  };
  const ctx = {
    console: { ...console, warn: (...a) => warnings.push(a.join(' ')), error() {} },
    document: {
      currentScript: { src: `${SDK}imp.js` },
      createElement: el,
      getElementsByTagName: () => [],
      head: parent, body: parent, documentElement: parent, activeElement: parent, baseURI: `${PAGE}/shop/checkout`,
      addEventListener: (t, f) => (listeners[t] ||= []).push(f),
      removeEventListener: (t, f) => { listeners[t] = (listeners[t] || []).filter((x) => x !== f); },
    },
    location: { href: `${PAGE}/checkout`, origin: PAGE, assign: (u) => assigned.push(u) },
    navigator: { userAgent: ua },
    addEventListener: (t, f) => (listeners[t] ||= []).push(f),
    open(url, name) {
      if (popup === 'blocked') return null;
      const w = { url, name, closed: false, close() { this.closed = true; }, postMessage(data, origin) { this.sent.push({ data, origin }); }, sent: [] };
      popups.push(w);
      return w;
    },
    fetch: async (url, init = {}) => {
      fetches.push({ url: String(url), init });
      const rel = String(url).startsWith(SDK) ? String(url).slice(SDK.length) : String(url);
      const f = allFiles[rel] || { status: 404, body: 'not found' };
      return {
        ok: f.status >= 200 && f.status < 300, status: f.status,
        headers: { get: (h) => (h.toLowerCase() === 'content-type' ? f.type || 'application/json' : null) },
        text: async () => f.body, json: async () => JSON.parse(f.body), arrayBuffer: async () => new ArrayBuffer(4),
      };
    },
    WebAssembly: {
      compileStreaming: async () => 'module',
      compile: async () => 'module',
      instantiate: async (m) => { assert.equal(m, 'module'); return { exports }; },
    },
    crypto: globalThis.crypto,
    TextEncoder, TextDecoder, URL, URLSearchParams, Promise, AbortController,
    // Unref'd so a test that leaves a window open does not keep node alive for its load timeout.
    setTimeout: (f, ms) => {
      const t = setTimeout(() => { pending.delete(t); f(); }, ms);
      if (ms >= 1000) t.unref();
      timers.push(ms);
      pending.add(t);
      return t;
    },
    setInterval: (f, ms) => { const t = setInterval(f, ms); pending.add(t); return t; },
    clearTimeout: (t) => { pending.delete(t); clearTimeout(t); },
    clearInterval: (t) => { pending.delete(t); clearInterval(t); },
    reportError: (e) => { throw e; },
  };
  ctx.window = ctx;
  ctx.globalThis = ctx;
  vm.createContext(ctx);
  vm.runInContext(SOURCE, ctx);
  const page = {
    ctx, IMP: ctx.IMP, core, warnings, fetches, frames, popups, assigned, appended, el, timers,
    pendingTimers: () => pending.size,
    // focusin delivers a focus change on the merchant page, as the browser does.
    focusIn(target) { ctx.document.activeElement = target; for (const f of listeners.focusin || []) f({ target }); },
    // post delivers a message event to imp.js as the browser would.
    post(data, { origin = new URL(SDK).origin, source } = {}) {
      for (const f of listeners.message) f({ data, origin, source });
    },
    key(k) { for (const f of listeners.keydown || []) f({ key: k }); },
    session() {
      // The window of the open request: the newest iframe or popup.
      const frame = frames.filter((f) => !f.removed && f.style.display !== 'none').at(-1);
      if (frame) return { win: frame.contentWindow, nonce: new URLSearchParams(new URL(frame.src).hash.slice(1)).get('n') };
      const p = popups.filter((w) => !w.closed).at(-1);
      return p ? { win: p, nonce: new URLSearchParams(new URL(p.url).hash.slice(1)).get('n') } : null;
    },
  };
  return page;
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
async function until(cond, what) {
  for (let i = 0; i < 200; i++) {
    if (cond()) return;
    await tick(5);
  }
  assert.fail(`timed out waiting for ${what}`);
}
// settled waits for the end of the flow: no timer of imp.js pending and no fetch or promise
// callback left to run. A check that nothing happened comes after it, never after a fixed sleep
// (which passes when the thing happens a little later).
async function settled(page) {
  for (let i = 0; i < 400; i++) {
    await new Promise((r) => setImmediate(r));
    if (page.pendingTimers() === 0) return;
    await tick(5);
  }
  assert.fail(`imp.js still has ${page.pendingTimers()} timers pending`);
}
const seed = { merchant_code: 'imp1', pg_settings: [{ pg: 'html5_inicis', mid: 'MID-a', pay_type: 'general' }] };

// nonceOf is the request an overlay iframe serves (null: none, a parked spare).
const nonceOf = (frame) => new URLSearchParams(new URL(frame.src).hash.slice(1)).get('n');
// parked: a finished window kept as the spare — in the page, out of sight and of the keyboard,
// its page told (by a hash without nonce, replaced in place) that no request is open.
const parked = (frame) => !frame.removed && frame.isConnected && frame.style.display === 'none' &&
  frame.attrs['aria-hidden'] === 'true' && frame.attrs.tabindex === '-1' && nonceOf(frame) === null;

// plain converts a value from the page's realm so deepStrictEqual compares data, not prototypes.
const plain = (v) => JSON.parse(JSON.stringify(v));

test('IMP exists synchronously and is frozen', () => {
  const { IMP } = makePage();
  assert.equal(typeof IMP.request_pay, 'function');
  assert.equal(IMP.sandbox.version, '0.1.0');
  assert.ok(Object.isFrozen(IMP));
  assert.throws(() => IMP.sandbox.resolve('kakaopay'), /await IMP\.sandbox\.ready/);
});

test('window.IMP is a plain writable global: a page script may declare const IMP = window.IMP', () => {
  const page = makePage();
  const d = Object.getOwnPropertyDescriptor(page.ctx, 'IMP');
  assert.equal(d.writable, true);
  assert.equal(d.configurable, true);
  assert.equal(d.enumerable, true);
  // A classic script's top-level const, as merchant pages write it (a SyntaxError when window.IMP
  // is non-configurable).
  vm.runInContext('const IMP = window.IMP; globalThis.seen = typeof IMP.request_pay;', page.ctx);
  assert.equal(page.ctx.seen, 'function');
  const other = makePage();
  vm.runInContext('var IMP = window.IMP; globalThis.seen = IMP === window.IMP;', other.ctx);
  assert.equal(other.ctx.seen, true);
});

test('loaded twice: the first copy stays, even after the page reassigned window.IMP', () => {
  const page = makePage();
  const first = page.IMP;
  vm.runInContext(SOURCE, page.ctx);
  assert.equal(page.ctx.IMP, first);
  assert.ok(page.warnings.some((w) => /loaded twice; keeping the first copy/.test(w)));
  const alias = page.ctx.IMP;
  page.ctx.IMP = { mine: true }; // a page's own variable of that name
  vm.runInContext(SOURCE, page.ctx);
  assert.deepEqual(plain(page.ctx.IMP), { mine: true }, 'the second copy does not take window.IMP over');
  assert.equal(page.warnings.filter((w) => /loaded twice/.test(w)).length, 2);
  assert.equal(typeof alias.request_pay, 'function');
});

test('every function of the real IMP object exists; the unsimulated ones warn once and answer NOT_SIMULATED', async () => {
  const page = makePage();
  const { IMP } = page;
  for (const name of ['init', 'agency', 'request_pay', 'certification', 'close', 'communicate', 'loadUI', 'updateLoadUIRequest', 'loadModule', 'naver_zzim']) {
    assert.equal(typeof IMP[name], 'function', name);
  }
  const got = [];
  assert.equal(IMP.loadUI('paypal-spb', { merchant_uid: 'pp1', amount: 1 }, (r) => got.push(r)), undefined);
  IMP.loadUI('paypal-spb', { get merchant_uid() { throw new Error('getter'); } }, (r) => got.push(r));
  IMP.loadUI('paypal-spb', {}); // no callback: nothing to call, nothing thrown
  await until(() => got.length === 2, 'the loadUI callbacks');
  assert.equal(got[0].success, false);
  assert.equal(got[0].error_code, 'NOT_SIMULATED');
  assert.equal(got[0].merchant_uid, 'pp1');
  assert.equal(got[0].imp_uid, null);
  assert.match(got[0].error_msg, /IMP\.loadUI is not simulated.*IMP\.request_pay/);
  assert.equal(got[1].merchant_uid, null);
  IMP.updateLoadUIRequest('paypal-spb', {});
  IMP.communicate({ result: 'process' });
  IMP.naver_zzim({ naverProducts: [] });
  await assert.rejects(IMP.loadModule('toss', { userCode: 'imp1' }), /IMP\.loadModule is not simulated/);
  for (const name of ['loadUI', 'updateLoadUIRequest', 'communicate', 'naver_zzim', 'loadModule']) {
    const lines = page.warnings.filter((w) => w.startsWith(`[impshim] IMP.${name} is not simulated`));
    assert.equal(lines.length, 1, `${name}: one warning, however often it is called`);
  }
  // A throwing callback is the page's bug: reported, not thrown into the caller.
  const reported = [];
  page.ctx.reportError = (e) => reported.push(e);
  IMP.loadUI('paypal-spb', {}, () => { throw new Error('page bug'); });
  await until(() => reported.length === 1, 'the report');
});

test('no merchant file: one console line about the built-in merchant, none about its own settings', async () => {
  const page = makePage();
  page.IMP.init('imp777');
  await page.IMP.sandbox.ready;
  assert.equal(page.warnings.length, 1, page.warnings.join('\n'));
  assert.match(page.warnings[0], /^\[impshim\] no merchant file at https:\/\/cdn\.test\/sdk\/merchants\/imp777\.json: using the built-in sandbox merchant/);
  assert.match(page.warnings[0], /put \{"merchant_code": …, "pg_settings": \[\.\.\.\]\} in https:\/\/cdn\.test\/sdk\/merchants\/imp777\.json or call IMP\.sandbox\.configure/);
});

test('a module that cannot load fails every request with SDK_LOAD_FAILED, and ready rejects', async () => {
  const page = makePage({ files: { 'impshim.wasm': { status: 404, body: '' } } });
  const { IMP } = page;
  const calls = [];
  IMP.init('imp1');
  const early = IMP.request_pay({ amount: 1000, merchant_uid: 'a' }, (r) => calls.push(r));
  await assert.rejects(IMP.sandbox.ready, (err) => {
    assert.match(err.message, /impshim\.wasm: HTTP 404/);
    assert.match(err.message, /cdn\.test\/sdk\//);
    return true;
  });
  const r1 = await early;
  const r2 = await IMP.request_pay({ amount: 1000 });
  assert.equal(r1.error_code, 'SDK_LOAD_FAILED');
  assert.equal(r1.merchant_uid, 'a');
  assert.equal(r2.error_code, 'SDK_LOAD_FAILED');
  assert.equal(calls.length, 1, 'callback exactly once');
  const conf = await IMP.sandbox.configure(seed);
  assert.equal(conf.ok, false);
  assert.match(conf.errors[0].message, /could not load/);
});

test('a missing wasm_exec.js rejects ready with the file name', async () => {
  const { IMP } = makePage({ files: { 'wasm_exec.js': { status: 404 } } });
  await assert.rejects(IMP.sandbox.ready, /wasm_exec\.js/);
});

test('the wrong MIME type falls back to instantiate from bytes', async () => {
  const page = makePage({ files: { 'impshim.wasm': { status: 200, body: 'x', type: 'application/octet-stream' } } });
  let streamed = false;
  page.ctx.WebAssembly.compileStreaming = async () => { streamed = true; throw new TypeError('bad MIME'); };
  await page.IMP.sandbox.ready;
  assert.equal(streamed, false);
});

test('calls queued before ready run in order; configure queued first is in force', async () => {
  const page = makePage();
  const { IMP, core } = page;
  IMP.sandbox.setOutcome({ result: 'paid', delay_ms: 0 });
  const conf = IMP.sandbox.configure(seed);
  const pay = IMP.request_pay({ amount: 1000, merchant_uid: 'q1' });
  await IMP.sandbox.ready;
  assert.deepEqual(plain(await conf), { ok: true, warnings: [], console_order: [0] });
  assert.deepEqual(core.calls.slice(0, 2).map((c) => c[0]), ['configure', 'request']);
  assert.equal(IMP.sandbox.config().merchant_code, 'imp1');
  await until(() => page.frames.length === 1, 'the iframe');
  const { win, nonce } = page.session();
  page.post({ impshim: 1, nonce, type: 'hello' }, { source: win });
  assert.equal(win.sent[0].data.type, 'show');
  page.post({ impshim: 1, nonce, type: 'shown' }, { source: win });
  const r = await pay;
  assert.equal(r.success, true);
  assert.ok(parked(page.frames[0]), 'the window goes away on completion (parked as the spare)');
  assert.ok(page.warnings.some((w) => w.startsWith('[impshim] PG_MISSING')), 'trace warnings reach console.warn');
});

test('request_pay without init answers NOT_INITIALIZED', async () => {
  const { IMP } = makePage();
  const r = await IMP.request_pay({ amount: 1000 });
  assert.equal(r.error_code, 'NOT_INITIALIZED');
  assert.equal(r.imp_uid, null);
  assert.match(r.error_msg, /IMP\.init/);
});

test('snapshot: JSON text Go receives', async () => {
  const shared = { k: 1 };
  const cases = [
    ['NaN amount', { amount: NaN }, '"amount":NaN'],
    ['Infinity', { amount: Infinity }, '"amount":Infinity'],
    ['-Infinity', { amount: -Infinity }, '"amount":-Infinity'],
    ['undefined dropped, array hole null', { amount: 1, x: undefined, a: [1, undefined, () => 1] }, '{"amount":1,"a":[1,null,null]}'],
    ['function outside custom_data dropped', { amount: 1, f() {} }, '{"amount":1}'],
    ['Date via toJSON', { amount: 1, custom_data: { d: new Date(0) } }, '"custom_data":{"d":"1970-01-01T00:00:00.000Z"}'],
    ['shared reference is not a cycle', { amount: 1, custom_data: { a: shared, b: shared } }, '"custom_data":{"a":{"k":1},"b":{"k":1}}'],
    ['unicode and escapes', { name: '주문 "1"\n<b>' }, '"name":"주문 \\"1\\"\\n<b>"'],
  ];
  for (const [name, params, want] of cases) {
    const page = makePage();
    page.IMP.sandbox.configure(seed);
    page.IMP.request_pay(params);
    await until(() => page.core.lastRequest, name);
    assert.ok(page.core.lastRequest.includes(want), `${name}: ${page.core.lastRequest} lacks ${want}`);
  }
});

test('snapshot: INVALID_PARAMS with a precise message, before Go sees anything', async () => {
  const cyclic = { amount: 1 };
  cyclic.custom_data = { me: null };
  cyclic.custom_data.me = cyclic.custom_data;
  let deep = { amount: 1 };
  const root = deep;
  for (let i = 0; i < 33; i++) { deep.x = {}; deep = deep.x; }
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  const cases = [
    ['throwing getter', { amount: 1, get name() { throw new Error('boom'); } }, /params\.name could not be read: it threw "boom"/],
    ['proxy ownKeys trap', new Proxy({}, { ownKeys() { throw new Error('trap'); } }), /params could not be read: it threw "trap"/],
    ['revoked proxy', { amount: 1, custom_data: revoked.proxy }, /params/],
    ['cycle', cyclic, /params\.custom_data\.me refers back to itself/],
    ['too deep', root, /nested deeper than 32 levels/],
    ['string over 64 KiB in UTF-8', { amount: 1, name: '가'.repeat(22000) }, /params\.name is longer than 64 KiB/],
    ['BigInt', { amount: 10n }, /params\.amount is a BigInt/],
    ['function in custom_data', { amount: 1, custom_data: { f() {} } }, /params\.custom_data\.f is a function.*JSON-serializable/],
    ['symbol in custom_data', { amount: 1, custom_data: [Symbol('s')] }, /params\.custom_data\[0\] is a Symbol/],
    ['function as custom_data', { amount: 1, custom_data: () => 1 }, /params\.custom_data is a function/],
    ['not an object', 'pay', /params must be an object.*got a string/],
    ['undefined', undefined, /got undefined/],
    ['array', [1], /got an array/],
  ];
  for (const [name, params, want] of cases) {
    const page = makePage();
    page.IMP.sandbox.configure(seed);
    let calls = 0;
    const r = await page.IMP.request_pay(params, () => calls++);
    assert.equal(r.error_code, 'INVALID_PARAMS', name);
    assert.match(r.error_msg, want, name);
    assert.equal(calls, 1, name);
    assert.equal(page.core.lastRequest, null, `${name}: Go never saw it`);
  }
  const page = makePage();
  page.IMP.sandbox.configure(seed);
  page.IMP.request_pay({ amount: 1, name: '가'.repeat(21000) });
  await until(() => page.core.lastRequest, 'a 63 KB string passes');
});

test('forged messages are ignored; the right one completes exactly once', async () => {
  const page = makePage();
  const { IMP } = page;
  IMP.sandbox.configure(seed);
  let calls = 0;
  const pay = IMP.request_pay({ amount: 1000 }, () => calls++);
  await until(() => page.frames.length === 1, 'the iframe');
  const { win, nonce } = page.session();
  const bogus = [
    'junk', null, 42, [], { impshim: 1 },
    { impshim: 1, nonce: 'wrong', type: 'result', result: 'paid' },
    { impshim: 1, nonce, type: 'result', result: 'stolen' },
    { impshim: 1, nonce, type: { toString() { throw new Error('x'); } } },
  ];
  for (const d of bogus) page.post(d, { source: win });
  page.post({ impshim: 1, nonce, type: 'result', result: 'paid' }, { source: win, origin: 'https://evil.test' });
  page.post({ impshim: 1, nonce, type: 'result', result: 'paid' }, { source: {} });
  assert.equal(calls, 0);
  assert.equal(page.frames[0].removed, undefined, 'still open');
  // Had a forgery been taken, even late, it would be the answer: the real one comes after them all.
  page.post({ impshim: 1, nonce, type: 'result', result: 'failed' }, { source: win });
  page.post({ impshim: 1, nonce, type: 'result', result: 'paid' }, { source: win });
  IMP.close();
  const r = await pay;
  await settled(page);
  assert.equal(r.error_code, 'PG_FAILED');
  assert.equal(calls, 1);
});

test('WINDOW_BUSY while open; Escape and IMP.close cancel', async () => {
  const page = makePage();
  const { IMP } = page;
  IMP.sandbox.configure(seed);
  const first = IMP.request_pay({ amount: 1000, merchant_uid: 'a' });
  const second = await IMP.request_pay({ amount: 1000, merchant_uid: 'b' });
  assert.equal(second.error_code, 'WINDOW_BUSY');
  assert.equal(second.merchant_uid, 'b');
  page.key('Escape');
  assert.equal((await first).error_code, 'USER_CANCEL');
  const third = IMP.request_pay({ amount: 1000 });
  await until(() => page.frames.length === 2, 'the second iframe');
  IMP.close();
  assert.equal((await third).error_code, 'USER_CANCEL');
});

test('setOutcome: validated, used by the next window only, not by failed checks', async () => {
  const page = makePage();
  const { IMP } = page;
  assert.throws(() => IMP.sandbox.setOutcome({ result: 'paid', delay_ms: -1 }), /delay_ms/);
  assert.throws(() => IMP.sandbox.setOutcome('paid'), /takes an object/);
  // Before ready the module's results are not known yet: a bad result fails the next request.
  IMP.sandbox.setOutcome({ result: 'ok' });
  IMP.sandbox.configure(seed);
  const early = await IMP.request_pay({ amount: 1000 });
  assert.equal(early.error_code, 'INVALID_PARAMS');
  assert.match(early.error_msg, /setOutcome: result must be "paid", "failed", "cancelled", not "ok" \(set before IMP\.sandbox\.ready/);
  assert.equal(page.frames.length, 0, 'no window for it');
  // Once ready, the module's list is checked at once.
  assert.throws(() => IMP.sandbox.setOutcome({ result: 'ok' }), /result must be "paid", "failed", "cancelled", not "ok"/);
  const other = makePage({ core: Object.assign(fakeCore(), { results: ['paid', 'failed', 'cancelled', 'refunded'] }) });
  await other.IMP.sandbox.ready;
  assert.throws(() => other.IMP.sandbox.setOutcome({ result: 'ok' }), /result must be "paid", "failed", "cancelled", "refunded", not "ok"/, "the module's list, not a copy");
  IMP.sandbox.setOutcome({ result: 'failed', error_code: 'CARD_LIMIT', error_msg: 'limit', delay_ms: 0 });
  assert.equal((await IMP.request_pay({ amount: 'fail_check' })).error_code, 'INVALID_AMOUNT');
  const pay = IMP.request_pay({ amount: 1000 });
  await until(() => page.frames.length === 1, 'the iframe');
  const { win, nonce } = page.session();
  page.post({ impshim: 1, nonce, type: 'hello' }, { source: win });
  page.post({ impshim: 1, nonce, type: 'shown' }, { source: win });
  const r = await pay;
  assert.equal(r.error_code, 'CARD_LIMIT');
  assert.equal(r.error_msg, 'limit');
});

test('popup: opened synchronously, closed when a check fails, POPUP_BLOCKED when blocked', async () => {
  let page = makePage();
  page.IMP.sandbox.configure(seed);
  const bad = page.IMP.request_pay({ amount: 'fail_check', popup: true });
  assert.equal(page.popups.length, 1, 'opened inside the call');
  assert.match(page.popups[0].url, /^https:\/\/cdn\.test\/sdk\/window\.html#n=[0-9a-f]{32}&o=https%3A%2F%2Fshop\.test&m=popup$/);
  assert.equal((await bad).error_code, 'INVALID_AMOUNT');
  assert.equal(page.popups[0].closed, true);

  const good = page.IMP.request_pay({ amount: 1000, popup: true });
  await until(() => page.core.calls.some((c) => c[0] === 'request' && c[1].includes('1000')), 'the request');
  page.popups[1].closed = true; // the user closes it
  assert.equal((await good).error_code, 'USER_CANCEL');

  page = makePage({ popup: 'blocked' });
  page.IMP.sandbox.configure(seed);
  const r = await page.IMP.request_pay({ amount: 1000, popup: true, merchant_uid: 'p1' });
  assert.equal(r.error_code, 'POPUP_BLOCKED');
  assert.match(r.error_msg, /click handler/);
  assert.equal(r.merchant_uid, 'p1');
  assert.ok(page.core.calls.some((c) => c[0] === 'abandon'));
});

test('redirect mode: mobile UA + m_redirect_url navigates with the result, keeps its query, no callback', async () => {
  const page = makePage({ ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile' });
  const { IMP } = page;
  let calls = 0;
  // A failed check navigates too.
  IMP.request_pay({ amount: 1000, merchant_uid: 'r1', m_redirect_url: 'https://shop.test/done?order=7' }, () => calls++);
  await until(() => page.assigned.length === 1, 'navigation');
  const u = new URL(page.assigned[0]);
  assert.equal(u.searchParams.get('order'), '7');
  assert.equal(u.searchParams.get('imp_success'), 'false');
  assert.equal(u.searchParams.get('error_code'), 'NOT_INITIALIZED');
  assert.equal(u.searchParams.get('merchant_uid'), 'r1');
  assert.equal(u.searchParams.get('imp_uid'), '');

  IMP.sandbox.configure(seed);
  IMP.sandbox.setOutcome({ result: 'paid', delay_ms: 0 });
  IMP.request_pay({ amount: 1000, merchant_uid: 'r2', popup: true, m_redirect_url: 'https://shop.test/done' }, () => calls++);
  await until(() => page.frames.length === 1, 'the overlay (redirect wins over popup)');
  assert.equal(page.popups.length, 0, 'the loaded module is asked inside the click: redirect, so no popup');
  assert.ok(page.core.calls.some((c) => c[0] === 'mode'));
  const { win, nonce } = page.session();
  page.post({ impshim: 1, nonce, type: 'hello' }, { source: win });
  page.post({ impshim: 1, nonce, type: 'shown' }, { source: win });
  await until(() => page.assigned.length === 2, 'second navigation');
  const v = new URL(page.assigned[1]);
  assert.equal(v.searchParams.get('imp_success'), 'true');
  assert.equal(v.searchParams.get('imp_uid'), 'imps_000000000001');
  assert.equal(v.searchParams.has('error_code'), false);
  assert.equal(calls, 0);
});

test('IMP.init: 404 → sandbox merchant with a warning; invalid file → MERCHANT_CONFIG naming the URL', async () => {
  let page = makePage();
  page.IMP.init('imp777');
  await page.IMP.sandbox.ready;
  assert.deepEqual(page.core.calls.find((c) => c[0] === 'sandbox'), ['sandbox', 'imp777']);
  assert.ok(page.warnings.some((w) => w.startsWith('[impshim] no merchant file at https://cdn.test/sdk/merchants/imp777.json') && w.includes('IMP.sandbox.configure')));

  page = makePage({ files: { 'merchants/imp9.json': { status: 200, body: '{"merchant_code":"imp9","pg_settings":[]}' } } });
  page.IMP.init('imp9');
  const r = await page.IMP.request_pay({ amount: 1000 });
  assert.equal(r.error_code, 'MERCHANT_CONFIG');
  assert.match(r.error_msg, /https:\/\/cdn\.test\/sdk\/merchants\/imp9\.json is invalid: pg_settings: pg_settings is empty/);

  page = makePage({ files: { 'merchants/imp8.json': { status: 500, body: '' } } });
  page.IMP.init('imp8');
  assert.match((await page.IMP.request_pay({ amount: 1000 })).error_msg, /imp8\.json: HTTP 500/);

  page = makePage({ files: { 'merchants/imp5.json': { status: 200, body: JSON.stringify(seed) } } });
  page.IMP.init('imp5');
  await page.IMP.sandbox.ready;
  assert.equal(page.IMP.sandbox.config().merchant_code, 'imp1');
});

// ledgerPage is a page whose SDK server keeps a ledger; answer(path, body) plays the server for
// each POST under sandbox/ and returns {status, body} (or a Promise of it, or throws).
function ledgerPage(answer, opts = {}) {
  const core = fakeCore();
  const request = core.request;
  core.request = (text, env) => {
    const a = JSON.parse(request(text, env));
    if (a.ok) {
      a.window = { ...a.window, amount: 1000, currency: 'KRW', pay_method: 'card' };
      a.trace = { ...a.trace, setting: { index: 0, pg: 'html5_inicis', mid: 'MID-a', pay_type: 'general', default: true } };
    }
    return JSON.stringify(a);
  };
  const page = makePage({ core, files: { 'sandbox/backend.json': { status: 200, body: '{"ledger":true}' } }, ...opts });
  const base = page.ctx.fetch;
  page.posts = [];
  page.ctx.fetch = async (url, init = {}) => {
    const rel = String(url).slice(SDK.length);
    if (init.method !== 'POST' || !rel.startsWith('sandbox/')) return base(url, init);
    const body = JSON.parse(init.body);
    page.posts.push({ path: rel, body, init });
    const r = await answer(rel, body, init);
    return { ok: r.status >= 200 && r.status < 300, status: r.status, json: async () => JSON.parse(r.body) };
  };
  return page;
}

const okBody = { status: 200, body: '{"ok":true}' };

test('ledger (C2): attempt before the window, approval URL to the window, outcome before the callback', async () => {
  let releaseOutcome;
  const outcomeAnswered = new Promise((r) => { releaseOutcome = r; });
  const page = ledgerPage(async (path) => {
    if (path === 'sandbox/attempts/imps_000000000001/outcome') await outcomeAnswered;
    return okBody;
  });
  const { IMP } = page;
  IMP.sandbox.configure(seed);
  let calls = 0;
  const pay = IMP.request_pay({ amount: 1000, merchant_uid: 'L1', custom_data: { x: 1 } }, () => calls++);
  await until(() => page.frames.length === 1, 'the iframe');
  assert.equal(page.posts.length, 1, 'the attempt is recorded before the window opens');
  assert.equal(page.posts[0].path, 'sandbox/attempts');
  assert.equal(page.posts[0].init.headers['content-type'], 'application/json');
  assert.deepEqual(plain(page.posts[0].body), {
    merchant_code: 'imp1', imp_uid: 'imps_000000000001', merchant_uid: 'L1',
    request: { amount: 1000, merchant_uid: 'L1', custom_data: { x: 1 } },
    setting: { pg: 'html5_inicis', mid: 'MID-a', pay_type: 'general' }, amount: 1000, currency: 'KRW',
  });
  const { win, nonce } = page.session();
  page.post({ impshim: 1, nonce, type: 'hello' }, { source: win });
  const show = win.sent.find((m) => m.data.type === 'show').data;
  assert.deepEqual(plain(show.approval), { url: 'https://cdn.test/sdk/sandbox/attempts/imps_000000000001/approval', merchant_code: 'imp1' });
  page.post({ impshim: 1, nonce, type: 'shown' }, { source: win });
  page.post({ impshim: 1, nonce, type: 'result', result: 'paid' }, { source: win });
  await until(() => page.posts.length === 2, 'the outcome POST');
  assert.equal(page.posts[1].path, 'sandbox/attempts/imps_000000000001/outcome');
  assert.equal(page.posts[1].body.merchant_code, 'imp1');
  assert.equal(page.posts[1].body.response.success, true);
  assert.equal(page.posts[1].body.response.imp_uid, 'imps_000000000001');
  // The fetch is pending and only its answer can lead to the callback: nothing yet.
  assert.equal(calls, 0, 'no callback before the ledger answered');
  assert.ok(!page.frames[0].removed && nonceOf(page.frames[0]) !== null, 'the iframe parks with the callback, not before');
  assert.equal(page.frames[0].style.display, 'none', 'but it is out of sight at once');
  assert.equal((await IMP.request_pay({ amount: 1000 })).error_code, 'WINDOW_BUSY', 'the window is not over until the ledger answered');
  releaseOutcome();
  const r = await pay;
  assert.equal(r.success, true);
  assert.equal(calls, 1);
  assert.ok(parked(page.frames[0]));

  IMP.sandbox.reset();
  await until(() => page.posts.some((p) => p.path === 'sandbox/reset'), 'the reset');
  assert.deepEqual(plain(page.posts.find((p) => p.path === 'sandbox/reset').body), { merchant_code: 'imp1' });
  assert.equal(IMP.sandbox.lastTrace(), null);
});

test("ledger (C2): the callback's paid_at is the ledger's (the merchant's sandbox clock), not the browser's", async () => {
  const moved = 1_802_592_000;
  const page = ledgerPage((path) => (path.endsWith('/outcome')
    ? { status: 200, body: JSON.stringify({ ok: true, imp_uid: 'x', status: 'paid', paid_at: moved }) } : okBody));
  page.core.complete = (id, outcome) => {
    const ok = JSON.parse(outcome).result === 'paid';
    return JSON.stringify({ response: ok
      ? { success: true, imp_uid: `imps_00000000000${id}`, merchant_uid: 'm', status: 'paid', paid_at: 1_700_000_000 }
      : { success: false, imp_uid: `imps_00000000000${id}`, merchant_uid: 'm', status: 'failed', error_code: 'PG_FAILED', error_msg: 'e' } });
  };
  const { IMP } = page;
  IMP.sandbox.configure(seed);
  let heard = null;
  const pay = IMP.request_pay({ amount: 1000, merchant_uid: 'C1' }, (r) => { heard = r; });
  await showWindow(page, 1);
  const one = page.session();
  page.post({ impshim: 1, nonce: one.nonce, type: 'result', result: 'paid' }, { source: one.win });
  assert.equal((await pay).paid_at, moved);
  assert.equal(heard.paid_at, moved, 'the callback hears it too');

  const failed = IMP.request_pay({ amount: 1000, merchant_uid: 'C2' });
  await showWindow(page, 2);
  const two = page.session();
  page.post({ impshim: 1, nonce: two.nonce, type: 'result', result: 'failed' }, { source: two.win });
  assert.equal('paid_at' in (await failed), false, 'a response without paid_at gets none');
});

test('ledger (C2): a refused attempt is the answer — imp_uid null, no window; redirect on a phone', async () => {
  const refuse = (path) => (path === 'sandbox/attempts'
    ? { status: 200, body: JSON.stringify({ ok: false, error_code: 'F1002', error_msg: '이미 결제가 완료된 주문번호입니다.' }) }
    : okBody);
  const page = ledgerPage(refuse);
  page.IMP.sandbox.configure(seed);
  let calls = 0;
  const r = await page.IMP.request_pay({ amount: 1000, merchant_uid: 'dup', popup: true }, () => calls++);
  assert.equal(r.error_code, 'F1002');
  assert.equal(r.error_msg, '이미 결제가 완료된 주문번호입니다.');
  assert.equal(r.imp_uid, null);
  assert.equal(r.merchant_uid, 'dup');
  assert.equal(calls, 1);
  assert.equal(page.frames.length, 0, 'no window');
  assert.equal(page.popups[0].closed, true, 'the popup opened in the click is closed');
  assert.ok(page.core.calls.some((c) => c[0] === 'abandon'));

  const phone = ledgerPage(refuse, { ua: IPHONE });
  phone.IMP.sandbox.configure(seed);
  phone.IMP.request_pay({ amount: 1000, merchant_uid: 'dup', m_redirect_url: '/done' });
  await until(() => phone.assigned.length === 1, 'the navigation');
  assert.equal(new URL(phone.assigned[0]).searchParams.get('error_code'), 'F1002');
});

test('ledger (C2): unreachable, silent or confused — a warning naming the URL, the payment goes on', async () => {
  for (const [name, answer, warning] of [
    ['unreachable', () => { throw new TypeError('Failed to fetch'); }, /could not reach the sandbox ledger at https:\/\/cdn\.test\/sdk\/sandbox\/attempts: Failed to fetch/],
    ['silent', (path, body, init) => new Promise((res, rej) => init.signal.addEventListener('abort', () => rej(new Error('aborted')))), /the sandbox ledger at https:\/\/cdn\.test\/sdk\/sandbox\/attempts did not answer within 3 s/],
    ['HTTP 500', () => ({ status: 500, body: 'oops' }), /the sandbox ledger at https:\/\/cdn\.test\/sdk\/sandbox\/attempts answered HTTP 500/],
  ]) {
    const page = ledgerPage(answer);
    const realSetTimeout = page.ctx.setTimeout;
    page.ctx.setTimeout = (f, ms) => realSetTimeout(f, ms === 3000 ? 1 : ms);
    page.IMP.sandbox.configure(seed);
    page.IMP.sandbox.setOutcome({ result: 'paid', delay_ms: 0 });
    const pay = page.IMP.request_pay({ amount: 1000 });
    await showWindow(page, 1);
    const r = await pay;
    assert.equal(r.success, true, name);
    assert.ok(page.warnings.some((w) => warning.test(w)), `${name}: ${page.warnings.join(' | ')}`);
    assert.equal(page.posts.length, 1, `${name}: no outcome POST to a ledger that did not take the attempt`);
    const show = page.session() === null ? null : page.session();
    assert.equal(show, null);
  }
});

test('ledger (C2): setOutcome completes through the window, which approves first; a refused outcome is the answer', async () => {
  const page = ledgerPage((path) => (path.endsWith('/outcome')
    ? { status: 200, body: JSON.stringify({ ok: false, error_code: 'F0000', error_msg: 'the window never approved this payment' }) }
    : okBody));
  const { IMP } = page;
  IMP.sandbox.configure(seed);
  IMP.sandbox.setOutcome({ result: 'failed', error_code: 'F400', error_msg: '한도초과', delay_ms: 0 });
  const pay = IMP.request_pay({ amount: 1000, merchant_uid: 'auto1' });
  await showWindow(page, 1);
  const { win, nonce } = page.session();
  await until(() => win.sent.some((m) => m.data.type === 'complete'), 'the complete message');
  assert.deepEqual(plain(win.sent.find((m) => m.data.type === 'complete').data), { impshim: 1, nonce, type: 'complete', result: 'failed' });
  assert.equal(page.posts.length, 1, 'the bridge waits for the window');
  page.post({ impshim: 1, nonce, type: 'result', result: 'failed' }, { source: win });
  await until(() => page.posts.length === 2, 'the outcome');
  assert.equal(page.posts[1].body.response.error_code, 'F400', "setOutcome's own code goes with the window's result");
  const r = await pay;
  assert.equal(r.error_code, 'F0000', 'the server is the authority');
  assert.equal(r.imp_uid, 'imps_000000000001');
  assert.equal(r.merchant_uid, 'm');
  assert.ok(page.warnings.some((w) => /refused the outcome of imps_000000000001: F0000/.test(w)));
});

test('no backend (404): nothing is POSTed', async () => {
  const page = makePage();
  page.IMP.sandbox.configure(seed);
  page.IMP.sandbox.reset();
  await page.IMP.sandbox.ready;
  await until(() => page.fetches.some((f) => f.url.endsWith('sandbox/backend.json')), 'the backend probe');
  await settled(page);
  assert.equal(page.fetches.filter((f) => f.init.method === 'POST').length, 0);
});

test('a window that never loads ends the request instead of hanging', async () => {
  const page = makePage();
  const { IMP } = page;
  const realSetTimeout = page.ctx.setTimeout;
  page.ctx.setTimeout = (f, ms) => realSetTimeout(f, ms >= 15000 ? 1 : ms);
  IMP.sandbox.configure(seed);
  const r = await IMP.request_pay({ amount: 1000 });
  assert.equal(r.error_code, 'INTERNAL');
  assert.match(r.error_msg, /window\.html/);
});

test('a bug while opening the window answers INTERNAL and leaves no window marked open', async () => {
  const page = makePage();
  const { IMP } = page;
  IMP.sandbox.configure(seed);
  await IMP.sandbox.ready;
  const body = page.ctx.document.body;
  const append = body.appendChild;
  body.appendChild = () => { throw new Error('no DOM'); };
  page.ctx.reportError = () => {};
  const r = await IMP.request_pay({ amount: 1000 });
  assert.equal(r.error_code, 'INTERNAL');
  assert.match(r.error_msg, /no DOM/);
  body.appendChild = append;
  const next = IMP.request_pay({ amount: 1000 });
  await until(() => page.frames.length === 1, 'a window for the next request');
  IMP.close();
  assert.equal((await next).error_code, 'USER_CANCEL');
});

test('imp.js and the Go module carry the same version', () => {
  const goSource = readFileSync(new URL('../wasm/bridge.go', import.meta.url), 'utf8');
  const goVersion = /const Version = "([^"]+)"/.exec(goSource)[1];
  assert.equal(makePage().IMP.sandbox.version, goVersion);
});

test('a finished window is parked as the spare for the next request; a window that never loaded is removed', async () => {
  const page = makePage();
  const { IMP } = page;
  IMP.sandbox.configure(seed);
  const first = IMP.request_pay({ amount: 1000 });
  await until(() => page.frames.length === 1, 'the iframe');
  const frame = page.frames[0];
  const one = page.session();
  page.post({ impshim: 1, nonce: one.nonce, type: 'hello' }, { source: one.win });
  page.post({ impshim: 1, nonce: one.nonce, type: 'shown' }, { source: one.win });
  assert.equal(page.frames.length, 1, 'no second iframe loads beside the open window');
  page.post({ impshim: 1, nonce: one.nonce, type: 'result', result: 'paid' }, { source: one.win });
  assert.equal((await first).success, true);
  assert.ok(parked(frame), 'the used iframe is parked with the callback');
  assert.equal(frame.replaced, 1, 'by location.replace: no history entry');

  let calls = 0;
  const second = IMP.request_pay({ amount: 1000 }, () => calls++);
  await until(() => frame.style.display === 'block', 'the spare shown');
  assert.equal(page.frames.length, 1, 'no new iframe');
  assert.equal(frame.replaced, 2, 'the next nonce is a hash replaced in place, no reload');
  assert.equal(frame.attrs['aria-hidden'], undefined);
  assert.equal(frame.attrs.tabindex, undefined);
  const two = page.session();
  assert.notEqual(two.nonce, one.nonce);
  page.post({ impshim: 1, nonce: one.nonce, type: 'result', result: 'paid' }, { source: two.win });
  assert.equal(calls, 0, "the last request's nonce no longer counts");
  IMP.close(); // it never said hello
  assert.equal((await second).error_code, 'USER_CANCEL', "the last request's nonce did not complete it, even late");
  assert.equal(frame.removed, true, 'a window that never said hello is not kept');
  await settled(page);
  assert.equal(page.frames.length, 1, 'no spare after a window that never loaded');

  const third = IMP.request_pay({ amount: 1000 });
  await until(() => page.frames.length === 2, 'a new iframe');
  assert.equal(page.frames[1].replaced, 0, 'loaded by its src');
  IMP.close();
  await third;
});

test('an overlay removed by the page cancels the payment instead of leaving it open', async () => {
  const page = makePage();
  const { IMP } = page;
  IMP.sandbox.configure(seed);
  let calls = 0;
  const pay = IMP.request_pay({ amount: 1000 }, () => calls++);
  await until(() => page.frames.length === 1, 'the iframe');
  page.frames[0].remove(); // e.g. a single-page app replacing document.body
  const r = await pay;
  assert.equal(r.error_code, 'USER_CANCEL');
  assert.equal(calls, 1);
  const next = IMP.request_pay({ amount: 1000 });
  await until(() => page.frames.length === 2, 'a new window, not WINDOW_BUSY');
  IMP.close();
  await next;
});

test('overlay focus: into the window on show, kept there, back to the Pay button on close; the result is announced', async () => {
  const page = makePage();
  const { IMP } = page;
  IMP.sandbox.configure(seed);
  const pay = page.el('button');
  pay.isConnected = true;
  pay.focus();
  const long = `한도 초과 ${'x'.repeat(600)} 끝`;
  IMP.sandbox.setOutcome({ result: 'failed', error_code: 'F400', error_msg: long, delay_ms: 0 });
  const done = IMP.request_pay({ amount: 1000 });
  await until(() => page.frames.length === 1, 'the iframe');
  const frame = page.frames[0];
  const { win, nonce } = page.session();
  page.post({ impshim: 1, nonce, type: 'hello' }, { source: win });
  page.post({ impshim: 1, nonce, type: 'shown' }, { source: win });
  assert.equal(page.ctx.document.activeElement, frame, 'the window has focus once shown');
  const other = page.el('a');
  page.focusIn(other); // a click on the dimmed page behind
  assert.equal(page.ctx.document.activeElement, frame, 'focus goes back into the window');
  const r = await done;
  assert.equal(r.error_code, 'F400');
  assert.equal(page.ctx.document.activeElement, pay, 'focus returns to what had it');
  const live = page.appended.find((n) => n.dataset.impshim === 'status');
  assert.ok(live, 'a live region on the page');
  assert.equal(live.attrs.role, 'status');
  assert.equal(live.attrs['aria-live'], 'polite');
  assert.equal(live.textContent, `결제에 실패했습니다: ${long}`, 'the whole error_msg');
  page.focusIn(other);
  assert.equal(page.ctx.document.activeElement, other, 'no trap once the window is gone');

  // The next result reuses the region; a cancel says so.
  const again = IMP.request_pay({ amount: 1000 });
  await until(() => page.frames.filter((f) => f.style.display !== 'none' && !f.removed).length === 1, 'the second window');
  page.key('Escape');
  assert.equal((await again).error_code, 'USER_CANCEL');
  assert.equal(page.appended.filter((n) => n.dataset.impshim === 'status').length, 1);
  assert.equal(live.textContent, '결제가 취소되었습니다.');
});

test('announcements follow the window language; success and vbank say what happened', async () => {
  for (const [extra, outcome, want] of [
    [{ language: 'en' }, { result: 'paid' }, 'Sandbox payment approved.'],
    [{ language: 'en' }, { result: 'cancelled' }, 'Payment cancelled.'],
    [{}, { result: 'paid' }, '테스트 결제가 승인되었습니다.'],
  ]) {
    const core = fakeCore();
    const request = core.request;
    core.request = (text) => { const a = JSON.parse(request(text)); if (a.window) Object.assign(a.window, extra); return JSON.stringify(a); };
    const page = makePage({ core });
    page.IMP.sandbox.configure(seed);
    page.IMP.sandbox.setOutcome({ ...outcome, delay_ms: 0 });
    const done = page.IMP.request_pay({ amount: 1000 });
    await until(() => page.frames.length === 1, 'the iframe');
    const { win, nonce } = page.session();
    page.post({ impshim: 1, nonce, type: 'hello' }, { source: win });
    page.post({ impshim: 1, nonce, type: 'shown' }, { source: win });
    await done;
    assert.equal(page.appended.find((n) => n.dataset.impshim === 'status').textContent, want);
  }
});

// showWindow plays the window page: hello, then shown, for the request that opened a window
// (the n-th of this page).
async function showWindow(page, n) {
  await until(() => page.core.calls.filter((c) => c[0] === 'request').length === n && page.session(), `window ${n}`);
  const { win, nonce } = page.session();
  page.post({ impshim: 1, nonce, type: 'hello' }, { source: win });
  page.post({ impshim: 1, nonce, type: 'shown' }, { source: win });
}

test('m_redirect_url redirects on a mobile user agent only; elsewhere the callback answers', async () => {
  const desktop = [
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15',
  ];
  const mobile = [
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36',
    'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)',
  ];
  for (const ua of [...desktop, ...mobile]) {
    const page = makePage({ ua });
    const { IMP } = page;
    IMP.sandbox.configure(seed);
    IMP.sandbox.setOutcome({ result: 'paid', delay_ms: 0 });
    const calls = [];
    const pay = IMP.request_pay({ amount: 1000, merchant_uid: 'm1', m_redirect_url: 'https://shop.test/done' }, (r) => calls.push(r));
    await showWindow(page, 1);
    if (mobile.includes(ua)) {
      await until(() => page.assigned.length === 1, `navigation on ${ua}`);
      assert.match(page.assigned[0], /^https:\/\/shop\.test\/done\?imp_uid=imps_000000000001&merchant_uid=/, ua);
      await settled(page);
      assert.equal(calls.length, 0, `no callback in redirect mode: ${ua}`);
    } else {
      const r = await pay;
      assert.equal(r.success, true, ua);
      await settled(page);
      assert.equal(calls.length, 1, `the callback answers on ${ua}`);
      assert.deepEqual(page.assigned, [], `no navigation on ${ua}`);
    }
  }
});

test('setOutcome completes the window 250 ms after it shows unless delay_ms says otherwise', async () => {
  for (const [outcome, want] of [[{ result: 'paid' }, 250], [{ result: 'paid', delay_ms: 0 }, 0], [{ result: 'failed', delay_ms: 40 }, 40]]) {
    const page = makePage();
    const { IMP } = page;
    IMP.sandbox.configure(seed);
    IMP.sandbox.setOutcome(outcome);
    const pay = IMP.request_pay({ amount: 1000 });
    await until(() => page.frames.length === 1, 'the iframe');
    const { win, nonce } = page.session();
    page.post({ impshim: 1, nonce, type: 'hello' }, { source: win });
    const before = page.timers.length;
    page.post({ impshim: 1, nonce, type: 'shown' }, { source: win });
    assert.deepEqual(page.timers.slice(before), [want], `timers set when the window showed, for ${JSON.stringify(outcome)}`);
    assert.equal((await pay).success, outcome.result === 'paid');
  }
});

// countingExports wraps fakeExports so a test sees how many queries crossed into "Go".
function countingExports(answer) {
  const ex = fakeExports(answer);
  ex.crossings = 0;
  for (const name of ['impshim_resolve', 'impshim_resolve_pg']) {
    const inner = ex[name];
    ex[name] = (n) => { ex.crossings++; return inner(n); };
  }
  return ex;
}

test('resolve answers a repeated query from a JS-side cache with the same deeply frozen trace; configure empties it', async () => {
  const exports = countingExports((q) => ({ trace: { input: JSON.parse(q), rule: 'R3', setting: { index: 0, pg: 'html5_inicis' },
    considered: [{ index: 0, why_not: 'x' }], warnings: [{ code: 'PG_MISSING', message: 'm', suggestions: [{ pg: 'a', label: 'b' }] }] } }));
  const page = makePage({ exports });
  const { IMP } = page;
  await IMP.sandbox.configure(seed);
  const first = IMP.sandbox.resolve('nice');
  assert.equal(exports.crossings, 1);
  const again = IMP.sandbox.resolve('nice');
  assert.equal(again, first, 'a hit is the same object');
  assert.equal(exports.crossings, 1, 'a hit does not cross into WASM');
  for (const o of [first, first.setting, first.considered, first.considered[0], first.warnings, first.warnings[0], first.warnings[0].suggestions[0]]) {
    assert.ok(Object.isFrozen(o), `frozen: ${JSON.stringify(o)}`);
  }
  // This module is strict: writing to a trace throws and changes nothing the next caller sees.
  assert.throws(() => { first.rule = 'R1'; }, TypeError);
  assert.throws(() => { first.setting.pg = 'kakaopay'; }, TypeError);
  assert.throws(() => { first.warnings.push({ code: 'X' }); }, { name: 'TypeError' }); // the page realm's push
  assert.throws(() => { delete first.considered[0].why_not; }, TypeError);
  // Sloppy-mode code (a page script without "use strict") does nothing instead.
  vm.runInContext('(t) => { t.rule = "R1"; t.setting.pg = "kakaopay"; }', vm.createContext({}))(first);
  assert.equal(IMP.sandbox.resolve('nice').rule, 'R3');
  assert.equal(IMP.sandbox.resolve('nice').setting.pg, 'html5_inicis');

  // A params object is keyed by its snapshot: an equal object is a hit, a string of the same text is not.
  const p1 = IMP.sandbox.resolve({ pg: 'kakaopay', amount: 1000 });
  assert.equal(IMP.sandbox.resolve({ pg: 'kakaopay', amount: 1000 }), p1);
  assert.deepEqual(plain(p1.input), { pg: 'kakaopay', amount: 1000 });
  const asText = IMP.sandbox.resolve('{"pg":"kakaopay","amount":1000}');
  assert.notEqual(asText, p1);
  assert.equal(asText.input, '{"pg":"kakaopay","amount":1000}');
  assert.equal(exports.crossings, 3);

  await IMP.sandbox.configure(seed);
  const after = IMP.sandbox.resolve('nice');
  assert.notEqual(after, first, 'a new config answers afresh');
  assert.equal(exports.crossings, 4);
  IMP.sandbox.resolve({ pg: 'kakaopay', amount: 1000 });
  assert.equal(exports.crossings, 5, 'configure empties the params cache too');
});

test('the resolve cache is bounded in entries, in answer bytes and in query length; errors are not kept', async () => {
  let pad = '';
  const exports = countingExports((q) => (q === '"boom"' ? { error: { code: 'INTERNAL', message: 'boom' } } : { trace: { input: JSON.parse(q), rule: 'R2', warnings: [], pad } }));
  const { IMP } = makePage({ exports });
  await IMP.sandbox.configure(seed);
  for (let i = 0; i < 300; i++) IMP.sandbox.resolve(`pg${i}`);
  assert.equal(exports.crossings, 300);
  for (let i = 300 - 256; i < 300; i++) IMP.sandbox.resolve(`pg${i}`);
  assert.equal(exports.crossings, 300, 'the newest 256 are kept');
  IMP.sandbox.resolve('pg0');
  assert.equal(exports.crossings, 301, 'the oldest went first');

  const long = 'x'.repeat(2000);
  IMP.sandbox.resolve(long);
  IMP.sandbox.resolve(long);
  assert.equal(exports.crossings, 303, 'a long query is not kept');

  assert.throws(() => IMP.sandbox.resolve('boom'), /boom/);
  assert.throws(() => IMP.sandbox.resolve('boom'), /boom/);
  assert.equal(exports.crossings, 305, 'an error answer is not kept');

  // About 100 KB answers: at most ten fit in the cache's MiB.
  await IMP.sandbox.configure(seed);
  pad = 'p'.repeat(100_000);
  const base = exports.crossings;
  for (let i = 0; i < 20; i++) IMP.sandbox.resolve(`big${i}`);
  for (let i = 19; i >= 0; i--) IMP.sandbox.resolve(`big${i}`);
  const kept = 40 - (exports.crossings - base);
  assert.ok(kept >= 1 && kept <= 10, `${kept} big answers were kept`);
  // An answer above an eighth of the budget is never kept.
  pad = 'p'.repeat(200_000);
  IMP.sandbox.resolve('huge');
  IMP.sandbox.resolve('huge');
  assert.equal(exports.crossings - base, 40 - kept + 2);
});

test("resolve writes each distinct warning once per config; request_pay writes its warnings every time", async () => {
  const fallback = { code: 'FELL_BACK_TO_DEFAULT', message: 'fell back to the default setting' };
  const warns = {
    '"nice"': [{ code: 'PG_NOT_CONFIGURED', message: 'no setting has nice' }, fallback],
    '"html_inicis"': [{ code: 'PG_UNKNOWN_CODE', message: 'html_inicis is not a PG code' }, fallback],
  };
  const page = makePage({ exports: fakeExports((q) => ({ trace: { input: JSON.parse(q), rule: warns[q] ? 'R3' : 'R2', warnings: warns[q] || [] } })) });
  const { IMP } = page;
  await IMP.sandbox.configure(seed);
  const lines = () => page.warnings.filter((w) => /PG_NOT_CONFIGURED|PG_UNKNOWN_CODE|FELL_BACK_TO_DEFAULT/.test(w));
  assert.equal(IMP.sandbox.resolve('nice').rule, 'R3');
  assert.deepEqual(lines(), ['[impshim] PG_NOT_CONFIGURED: no setting has nice', '[impshim] FELL_BACK_TO_DEFAULT: fell back to the default setting']);
  IMP.sandbox.resolve('nice');
  IMP.sandbox.resolve('kakaopay');
  assert.equal(lines().length, 2, 'the same warnings again are not written again');
  IMP.sandbox.resolve('html_inicis');
  assert.deepEqual(lines().slice(2), ['[impshim] PG_UNKNOWN_CODE: html_inicis is not a PG code'], 'only the new warning');
  await IMP.sandbox.configure(seed);
  IMP.sandbox.resolve('nice');
  assert.equal(lines().length, 5, 'a new config writes them again');

  // request_pay: the fake core's trace carries PG_MISSING on every request.
  const missing = () => page.warnings.filter((w) => w.startsWith('[impshim] PG_MISSING')).length;
  for (const n of [1, 2]) {
    IMP.sandbox.setOutcome({ result: 'paid', delay_ms: 0 });
    const pay = IMP.request_pay({ amount: 1000 });
    await showWindow(page, n);
    await pay;
    assert.equal(missing(), n, `request ${n} writes its warning`);
  }
});

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile';

test("Go decides the mode: request sends the page's env; rules come from the module", async () => {
  const page = makePage({ ua: IPHONE });
  const { IMP } = page;
  IMP.sandbox.configure(seed);
  IMP.request_pay({ amount: 1000 });
  await until(() => page.core.lastEnv, 'the request');
  const env = JSON.parse(page.core.lastEnv);
  assert.equal(env.user_agent, IPHONE);
  assert.equal(typeof env.now_ms, 'number');
  assert.ok(Math.abs(env.now_ms - Date.now()) < 60000);
  assert.deepEqual(plain(IMP.sandbox.rules()).outcome_results, ['paid', 'failed', 'cancelled']);
  assert.throws(() => makePage().IMP.sandbox.rules(), /await IMP\.sandbox\.ready/);
  // No copy of the rule here: a desktop answer that says redirect is followed.
  assert.doesNotMatch(SOURCE, /Mobi\|Android/);
});

test('a relative m_redirect_url is resolved against document.baseURI before Go sees it', async () => {
  for (const [given, sent] of [
    ['/order/complete?x=1', 'https://shop.test/order/complete?x=1'],
    ['done', 'https://shop.test/shop/done'],
    ['https://other.test/r', 'https://other.test/r'],
    ['', ''],
    ['javascript:alert(1)', 'javascript:alert(1)'],
    ['http://[::1', 'http://[::1'], // unparseable: as given, Go refuses it
  ]) {
    const page = makePage();
    page.IMP.sandbox.configure(seed);
    page.IMP.request_pay({ amount: 1000, m_redirect_url: given });
    await until(() => page.core.lastRequest, given);
    assert.equal(JSON.parse(page.core.lastRequest).m_redirect_url, sent, given);
  }
  // On a phone the navigation goes to the resolved URL.
  const page = makePage({ ua: IPHONE });
  page.IMP.sandbox.configure(seed);
  page.IMP.sandbox.setOutcome({ result: 'paid', delay_ms: 0 });
  page.IMP.request_pay({ amount: 1000, merchant_uid: 'rel1', m_redirect_url: '/order/complete' });
  await until(() => page.frames.length === 1, 'the window');
  const { win, nonce } = page.session();
  page.post({ impshim: 1, nonce, type: 'hello' }, { source: win });
  page.post({ impshim: 1, nonce, type: 'shown' }, { source: win });
  await until(() => page.assigned.length === 1, 'the navigation');
  const u = new URL(page.assigned[0]);
  assert.equal(`${u.origin}${u.pathname}`, 'https://shop.test/order/complete');
  assert.equal(u.searchParams.get('imp_success'), 'true');
});

test('answers given before Go sees the request still redirect on a phone: WINDOW_BUSY, uncopyable params, MERCHANT_CONFIG', async () => {
  const page = makePage({ ua: IPHONE });
  const { IMP } = page;
  IMP.sandbox.configure(seed);
  const open = IMP.request_pay({ amount: 1000 }); // a window stays open (no m_redirect_url: overlay)
  await until(() => page.frames.length === 1, 'the first window');
  IMP.request_pay({ amount: 1000, merchant_uid: 'busy', m_redirect_url: '/busy' });
  await until(() => page.assigned.length === 1, 'WINDOW_BUSY navigates');
  assert.equal(new URL(page.assigned[0]).searchParams.get('error_code'), 'WINDOW_BUSY');
  assert.equal(new URL(page.assigned[0]).pathname, '/busy');
  IMP.close();
  await open;
  IMP.request_pay({ amount: 1000, m_redirect_url: 'https://shop.test/bad', get name() { throw new Error('boom'); } });
  await until(() => page.assigned.length === 2, 'INVALID_PARAMS navigates');
  assert.equal(new URL(page.assigned[1]).searchParams.get('error_code'), 'INVALID_PARAMS');
  assert.match(new URL(page.assigned[1]).searchParams.get('error_msg'), /params\.name could not be read/);

  const bad = makePage({ ua: IPHONE, files: { 'merchants/imp9.json': { status: 200, body: '{"merchant_code":"imp9","pg_settings":[]}' } } });
  bad.IMP.init('imp9');
  bad.IMP.request_pay({ amount: 1000, m_redirect_url: '/after' });
  await until(() => bad.assigned.length === 1, 'MERCHANT_CONFIG navigates');
  assert.equal(new URL(bad.assigned[0]).searchParams.get('error_code'), 'MERCHANT_CONFIG');
  // Without the module nobody can decide: the callback is called.
  const gone = makePage({ ua: IPHONE, files: { 'impshim.wasm': { status: 404, body: '' } } });
  const r = await gone.IMP.request_pay({ amount: 1000, m_redirect_url: '/after' });
  assert.equal(r.error_code, 'SDK_LOAD_FAILED');
  assert.equal(gone.assigned.length, 0);
});

test('a popup opened in the click is closed when Go answers another mode', async () => {
  const core = fakeCore();
  core.modeOf = () => ({ mode: 'iframe' }); // Go's word, whatever params.popup says
  const page = makePage({ core });
  page.IMP.sandbox.configure(seed);
  const done = page.IMP.request_pay({ amount: 1000, popup: true });
  assert.equal(page.popups.length, 1);
  await until(() => page.frames.length === 1, 'the overlay instead');
  assert.equal(page.popups[0].closed, true);
  page.IMP.close();
  assert.equal((await done).error_code, 'USER_CANCEL');
});

test('ledger (C2): a server without the attempts endpoint (404) gets the old record-after-success POST, quietly', async () => {
  const page = ledgerPage((path) => (path === 'sandbox/attempts' ? { status: 404, body: '{"ok":false,"error_code":"NOT_FOUND","error_msg":"no such sandbox endpoint: /sdk/sandbox/attempts"}' } : okBody));
  page.IMP.sandbox.configure(seed);
  page.IMP.sandbox.setOutcome({ result: 'paid', delay_ms: 0 });
  const pay = page.IMP.request_pay({ amount: 1000, merchant_uid: 'old1' });
  await showWindow(page, 1);
  const { win } = page.session();
  assert.equal(win.sent.find((m) => m.data.type === 'show').data.approval, null, 'no approval endpoint to call');
  assert.equal((await pay).success, true);
  await until(() => page.posts.some((p) => p.path === 'sandbox/payments'), 'the old POST');
  const body = page.posts.find((p) => p.path === 'sandbox/payments').body;
  assert.equal(body.merchant_code, 'imp1');
  assert.equal(body.response.success, true);
  assert.equal(body.request.merchant_uid, 'old1');
  assert.equal(page.warnings.filter((w) => /ledger/.test(w)).length, 0);
});

test('IMP.certification on a PC: a popup inside the click, the chosen identity to Go, callback and Promise, the person to the ledger first', async () => {
  const page = ledgerPage(() => okBody);
  const { IMP } = page;
  IMP.sandbox.configure(seed);
  await IMP.sandbox.ready;
  let calls = 0;
  const done = IMP.certification({ merchant_uid: 'cert1', min_age: 19 }, () => calls++);
  assert.equal(page.popups.length, 1, 'a popup on a PC by default, opened inside the call');
  assert.match(page.popups[0].url, /window\.html#n=[0-9a-f]{32}&o=https%3A%2F%2Fshop\.test&m=popup$/);
  await until(() => page.core.calls.some((c) => c[0] === 'certification'), 'the certification');
  const { win, nonce } = page.session();
  page.post({ impshim: 1, nonce, type: 'hello' }, { source: win });
  assert.equal(win.sent[0].data.data.kind, 'certification');
  assert.deepEqual(plain(win.sent[0].data.data.carriers), ['SKT', 'KTF', 'LGT', 'MVNO'], "rules()'s carriers go to the window");
  assert.equal(win.sent[0].data.approval, null, 'certifications have no payment approval');
  page.post({ impshim: 1, nonce, type: 'shown' }, { source: win });
  page.post({ impshim: 1, nonce, type: 'result', result: 'paid', identity: 1, carrier: 'MVNO' }, { source: win });
  const r = await done;
  assert.equal(r.success, true);
  assert.equal(r.pg_type, 'certification');
  assert.equal(r.identity, undefined, "the person is the server's, not the callback's");
  assert.equal(calls, 1);
  assert.equal(JSON.parse(page.core.calls.find((c) => c[0] === 'complete')[2]).identity, 1);
  const post = page.posts.find((p) => p.path === 'sandbox/certifications');
  assert.ok(post, 'the verified person went to the ledger');
  assert.deepEqual(plain(post.body), { merchant_code: 'imp1', imp_uid: 'imp_000000000001', merchant_uid: 'c', pg_provider: 'inicis_unified', identity: { name: 'B', carrier: 'MVNO' } });
  assert.equal(page.popups[0].closed, true);
  assert.equal(page.appended.find((n) => n.dataset.impshim === 'status').textContent, '테스트 본인인증이 완료되었습니다.');
});

test('IMP.certification: POPUP_BLOCKED, a failed check closes the popup, not an object, redirect with success on a phone', async () => {
  let page = makePage({ popup: 'blocked' });
  page.IMP.sandbox.configure(seed);
  const blocked = await page.IMP.certification({ merchant_uid: 'b1' });
  assert.equal(blocked.error_code, 'POPUP_BLOCKED');
  assert.match(blocked.error_msg, /IMP\.certification directly from a click handler/);
  assert.ok(page.core.calls.some((c) => c[0] === 'abandon'));

  page = makePage();
  page.IMP.sandbox.configure(seed);
  const bad = await page.IMP.certification({ min_age: 'fail_check' });
  assert.equal(bad.error_code, 'INVALID_PARAMS');
  assert.equal(page.popups[0].closed, true);
  const notObject = await page.IMP.certification('me');
  assert.equal(notObject.error_code, 'INVALID_PARAMS');
  assert.match(notObject.error_msg, /IMP\.certification\(params, callback\): params must be an object/);

  page = makePage({ ua: IPHONE });
  page.IMP.sandbox.configure(seed);
  await page.IMP.sandbox.ready; // loaded: Go is asked inside the click, so no popup flashes on a phone
  page.IMP.sandbox.setOutcome({ result: 'paid', identity: 2, delay_ms: 0 });
  page.IMP.certification({ merchant_uid: 'm1', m_redirect_url: '/signup/done' });
  await until(() => page.frames.length === 1, 'the overlay before the redirect');
  assert.equal(page.popups.length, 0);
  const { win, nonce } = page.session();
  page.post({ impshim: 1, nonce, type: 'hello' }, { source: win });
  page.post({ impshim: 1, nonce, type: 'shown' }, { source: win });
  await until(() => page.assigned.length === 1, 'the navigation');
  const u = new URL(page.assigned[0]);
  assert.equal(u.pathname, '/signup/done');
  assert.equal(u.searchParams.get('success'), 'true');
  assert.equal(u.searchParams.has('imp_success'), false);
  assert.equal(u.searchParams.get('imp_uid'), 'imp_000000000001');
  assert.equal(JSON.parse(page.core.calls.find((c) => c[0] === 'complete')[2]).identity, 2, "setOutcome's identity");
});

test('setOutcome: identity and card_quota are whole numbers; a bad identity answers the error instead of hanging', async () => {
  const page = makePage();
  const { IMP } = page;
  assert.throws(() => IMP.sandbox.setOutcome({ result: 'paid', identity: -1 }), /identity must be a whole number/);
  assert.throws(() => IMP.sandbox.setOutcome({ result: 'paid', card_quota: 1.5 }), /card_quota must be a whole number/);
  IMP.sandbox.configure(seed);
  IMP.sandbox.setOutcome({ result: 'paid', identity: 9, delay_ms: 0 });
  const done = IMP.certification({ merchant_uid: 'x' });
  await until(() => page.core.calls.some((c) => c[0] === 'certification'), 'the certification');
  const { win, nonce } = page.session();
  page.post({ impshim: 1, nonce, type: 'hello' }, { source: win });
  page.post({ impshim: 1, nonce, type: 'shown' }, { source: win });
  const r = await done;
  assert.equal(r.error_code, 'INTERNAL');
  assert.match(r.error_msg, /identity out of range/);
  assert.ok(page.core.calls.some((c) => c[0] === 'abandon'), "Go's window is let go");
});
