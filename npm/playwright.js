// impshim/playwright — test a checkout page that ships the real i'mport SDK tag, unchanged.
//
//   const imp = await impshim.install(page);   // before page.goto
//   await page.goto('/checkout'); await page.click('#buy');
//   await imp.approve();
//   const rsp = await imp.result();            // what the page's callback received
//
// install routes the real SDK URLs (https://cdn.iamport.kr/v1/iamport.js, …) and the files imp.js
// loads next to them to this package's dist/, in every page of the browser context (popups
// included). The page's callback is not touched: imp.js announces each answer as an
// `impshim:response` event, which a binding carries here.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { files, contentTypes, route as routeOf, sdkURLs, version } from './index.js';

const TAG = '[impshim]';
const RESULTS = ['paid', 'failed', 'cancelled'];
const BINDING = '__impshim_response';
const POLL_MS = 50;

/** An error of impshim/playwright; the message says what to do. */
export class ImpshimError extends Error {
  constructor(message) {
    super(`${TAG} ${message}`);
    this.name = 'ImpshimError';
  }
}

const installed = new WeakMap(); // BrowserContext → Sandbox
const fileCache = new Map();

async function file(name) {
  let p = fileCache.get(name);
  if (!p) {
    p = readFile(files[name]).catch((err) => {
      fileCache.delete(name);
      throw new ImpshimError(`the package's ${name} is missing (${err.code || err.message}): reinstall impshim`);
    });
    fileCache.set(name, p);
  }
  return p;
}

function isPage(t) { return t && typeof t.context === 'function' && typeof t.goto === 'function'; }
function isContext(t) { return t && typeof t.pages === 'function' && typeof t.newPage === 'function'; }

function checkOutcome(o, where) {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new ImpshimError(`${where} takes an object like {result: "paid"}`);
  if (!RESULTS.includes(o.result)) throw new ImpshimError(`${where}: result must be "paid", "failed" or "cancelled", not ${JSON.stringify(o.result)}`);
  for (const k of ['error_code', 'error_msg']) {
    if (o[k] !== undefined && typeof o[k] !== 'string') throw new ImpshimError(`${where}: ${k} must be a string`);
  }
  if (o.delay_ms !== undefined && !(typeof o.delay_ms === 'number' && Number.isFinite(o.delay_ms) && o.delay_ms >= 0)) {
    throw new ImpshimError(`${where}: delay_ms must be a finite number ≥ 0`);
  }
  return { ...o };
}

async function loadMerchant(m) {
  let cfg = m;
  if (typeof m === 'string') {
    let text;
    try { text = await readFile(m, 'utf8'); } catch (err) { throw new ImpshimError(`install: cannot read the merchant file ${m}: ${err.code || err.message}`); }
    try { cfg = JSON.parse(text); } catch (err) { throw new ImpshimError(`install: the merchant file ${m} is not JSON: ${err.message}`); }
  }
  if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) {
    throw new ImpshimError('install: merchant must be a merchant config {merchant_code, pg_settings: [...]} or the path of its JSON file');
  }
  if (typeof cfg.merchant_code !== 'string' || cfg.merchant_code === '') {
    throw new ImpshimError('install: merchant.merchant_code must be your merchant code ("imp" + digits), the one the page passes to IMP.init');
  }
  if (!Array.isArray(cfg.pg_settings)) throw new ImpshimError('install: merchant.pg_settings must be an array of PG settings');
  return cfg;
}

function checkServer(s) {
  let u;
  try { u = new URL(s); } catch { u = null; }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
    throw new ImpshimError(`install: server must be the URL of a running impshim server (make run prints it, e.g. "http://127.0.0.1:8080"), not ${JSON.stringify(s)}`);
  }
  return u;
}

async function checkOptions(options) {
  const opts = {
    merchant: options.merchant === undefined ? null : await loadMerchant(options.merchant),
    strict: options.strict === undefined ? null : options.strict,
    outcome: options.outcome === undefined || options.outcome === null ? null : checkOutcome(options.outcome, 'install: outcome'),
    server: options.server === undefined || options.server === null ? null : checkServer(options.server),
    timeout: options.timeout === undefined ? 10000 : options.timeout,
  };
  if (opts.strict !== null && typeof opts.strict !== 'boolean') throw new ImpshimError('install: strict must be true or false');
  if (opts.strict && !opts.merchant && !opts.server) {
    throw new ImpshimError('install: strict needs the PG settings to be strict about: pass merchant (your merchants/<code>.json, or its object) or server');
  }
  if (!(typeof opts.timeout === 'number' && opts.timeout > 0 && Number.isFinite(opts.timeout))) throw new ImpshimError('install: timeout must be a number of milliseconds > 0');
  return opts;
}

/**
 * Routes the real i'mport SDK to impshim in the page's browser context. Call it once per context,
 * before the page loads.
 * @param {import('@playwright/test').Page | import('@playwright/test').BrowserContext} target
 * @param {import('./playwright').InstallOptions} [options]
 */
export async function install(target, options = {}) {
  let context, page = null;
  if (isPage(target)) { page = target; context = target.context(); }
  else if (isContext(target)) context = target;
  else throw new ImpshimError('install(target): target must be a Playwright Page or BrowserContext (the `page` or `context` fixture)');
  if (options === null || typeof options !== 'object') throw new ImpshimError('install(target, options): options must be an object');
  const known = ['merchant', 'strict', 'outcome', 'server', 'timeout'];
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw new ImpshimError(`install: unknown option ${JSON.stringify(k)}; the options are ${known.join(', ')}`);
  }
  if (installed.has(context)) {
    throw new ImpshimError('install was already called for this browser context (a page and its context count as one); ' +
      'call it once, before page.goto, and keep the object it returned');
  }
  installed.set(context, null); // claimed before any await: a second install racing this one fails too
  let opts;
  try {
    opts = await checkOptions(options);
  } catch (err) {
    installed.delete(context);
    throw err;
  }
  const sb = new Sandbox(context, page, opts);
  installed.set(context, sb);
  // The SDK explains itself on the page's console ("[impshim] PG_UNKNOWN_CODE: …"); a test
  // sees those lines in sb.console and in the errors below.
  context.on('console', (msg) => {
    const text = msg.text();
    if (!text.startsWith(TAG)) return;
    sb.console.push(text);
    if (sb.console.length > 100) sb.console.shift();
  });
  await context.exposeBinding(BINDING, (source, text) => sb._record(source, text));
  await context.route((url) => routeOf(url) !== null, (r) => sb._serve(r));
  return sb;
}

/**
 * The handle install returns. Methods that look at a page use the page given to install, or
 * else the latest page that loaded the SDK (pass {page} to choose).
 */
export class Sandbox {
  constructor(context, page, opts) {
    this.context = context;
    this._page = page;
    this._opts = opts;
    this._lastSDKPage = null;
    /** Every answer of request_pay in this context, in order: {response, redirect_url, page}. */
    this.responses = [];
    this._read = 0; // responses handed out by result()
    this._seen = 0; // responses a window action or waitWindow has accounted for
    this._waiters = new Set(); // woken by each answer (see _arrival)
    /** The SDK's console lines ("[impshim] …") in the context's pages, the latest 100. */
    this.console = [];
    /** Every request routed to impshim: {url, kind, status, note?}. */
    this.requests = [];
    this._notes = [];
  }

  // ---- routing ----------------------------------------------------------------------------------

  async _serve(r) {
    const req = r.request();
    const url = req.url();
    const what = routeOf(url);
    const log = { url, kind: what.kind, status: 0 };
    this.requests.push(log);
    try {
      await this._answer(r, req, what, log);
    } catch (err) {
      // The page or context closed while we answered: nothing is left to tell.
      if (!/closed|Target|has been/.test(String(err && err.message))) throw err;
    }
  }

  async _answer(r, req, what, log) {
    const headers = { 'access-control-allow-origin': '*', 'cache-control': 'no-cache' };
    const fulfill = (status, body, type) => {
      log.status = status;
      return r.fulfill({ status, body, headers: { ...headers, 'content-type': type } });
    };
    const json = (status, v) => fulfill(status, JSON.stringify(v), contentTypes['.json']);
    switch (what.kind) {
      case 'sdk': {
        try { const f = req.frame(); if (f) this._lastSDKPage = f.page(); } catch { /* a worker's request */ }
        const body = Buffer.concat([await file('imp.js'), Buffer.from(this._suffix())]);
        return fulfill(200, body, contentTypes['.js']);
      }
      case 'file':
        return fulfill(200, await file(what.file), contentTypes[extname(what.file)]);
      case 'merchant':
        return this._merchant(r, what, json, log);
      case 'sandbox':
        if (this._opts.server) return this._proxy(r, req, what.rest, log);
        if (what.rest === 'sandbox/backend.json') return json(200, { ledger: false });
        return json(404, { ok: false, error: 'no impshim server behind this test: pass server to impshim.install for the ledger' });
      default:
        log.note = 'not an impshim file';
        return fulfill(404, `${TAG} ${req.url()} is not a file of impshim ${version}; the page's SDK script and the files it loads are routed, nothing else`, 'text/plain; charset=utf-8');
    }
  }

  async _merchant(r, what, json, log) {
    const m = this._opts.merchant;
    let cfg = null;
    if (m && m.merchant_code === what.code) cfg = m;
    else if (this._opts.server) {
      const res = await this._fetch(r, `merchants/${encodeURIComponent(what.code)}.json`);
      if (res === null) return json(502, { error: `the impshim server at ${this._opts.server.origin} did not answer` });
      if (res.status() === 200) {
        try { cfg = await res.json(); } catch { cfg = null; }
      }
      if (!cfg) {
        log.status = res.status();
        return r.fulfill({ response: res, headers: { ...res.headers(), 'access-control-allow-origin': '*' } });
      }
    }
    if (!cfg) {
      if (m) {
        const note = `the page called IMP.init("${what.code}") but install's merchant is "${m.merchant_code}": the page got the built-in sandbox merchant`;
        if (!this._notes.includes(note)) console.warn(`${TAG} ${note}`); // a likely mistake in the test: say it at once
        this._note(note);
      }
      log.note = 'no such merchant: the SDK uses its built-in sandbox merchant';
      return json(404, { error: `no merchant ${what.code} in this test` });
    }
    const body = this._opts.strict === null ? cfg : { ...cfg, strict: this._opts.strict };
    return json(200, body);
  }

  // _fetch asks the server for {sdk}/rest, as from the server's own origin (its window endpoints
  // refuse other origins, and here the window's origin is the CDN's); null when it cannot be reached.
  async _fetch(r, rest, req) {
    const url = new URL(`sdk/${rest}`, new URL('/', this._opts.server)).href + (req ? new URL(req.url()).search : '');
    const headers = req ? { ...req.headers(), origin: this._opts.server.origin } : {};
    try {
      return await r.fetch({ url, headers, maxRedirects: 0 });
    } catch (err) {
      this._note(`could not reach the impshim server at ${this._opts.server.origin} (${String(err && err.message).split('\n')[0]}): is it running (make run)?`);
      return null;
    }
  }

  async _proxy(r, req, rest, log) {
    const res = await this._fetch(r, rest, req);
    if (res === null) {
      log.status = 502;
      return r.fulfill({ status: 502, contentType: contentTypes['.json'], headers: { 'access-control-allow-origin': '*' },
        body: JSON.stringify({ ok: false, error: `the impshim server at ${this._opts.server.origin} did not answer` }) });
    }
    log.status = res.status();
    return r.fulfill({ response: res, headers: { ...res.headers(), 'access-control-allow-origin': '*' } });
  }

  // _suffix runs right after imp.js in the page: it hands each answer to the binding, and keeps
  // install's outcome armed for every window (setOutcome is used up by the window it completes).
  _suffix() {
    return `
;(() => { // added by impshim/playwright: not part of imp.js
  const mark = Symbol.for('impshim.playwright');
  if (globalThis[mark] || !globalThis.IMP || !IMP.sandbox) return;
  globalThis[mark] = true;
  const outcome = ${JSON.stringify(this._opts.outcome)};
  if (outcome) IMP.sandbox.setOutcome(outcome);
  addEventListener('impshim:response', (e) => {
    if (outcome && e.detail && e.detail.response && e.detail.response.imp_uid != null) IMP.sandbox.setOutcome(outcome);
    const send = globalThis[${JSON.stringify(BINDING)}];
    if (typeof send === 'function') send(JSON.stringify(e.detail)).catch(() => {});
  });
})();
`;
  }

  _record(source, text) {
    let d;
    try { d = JSON.parse(text); } catch { return; }
    if (!d || typeof d !== 'object') return;
    this.responses.push({ response: d.response, redirect_url: d.redirect_url ?? null, page: source.page });
    for (const wake of this._waiters) wake();
    this._waiters.clear();
  }

  // _arrival resolves when the next answer arrives or after ms, whichever comes first: a wait for
  // an answer hears of it at once instead of on its next poll (a suite pays that poll on every
  // payment), and still wakes to check its deadline.
  _arrival(ms) {
    return new Promise((resolve) => {
      const wake = () => { clearTimeout(timer); this._waiters.delete(wake); resolve(); };
      const timer = setTimeout(wake, ms);
      this._waiters.add(wake);
    });
  }

  _note(s) {
    if (!this._notes.includes(s)) this._notes.push(s);
  }

  // ---- reading the page ---------------------------------------------------------------------------

  _pageFor(opts) {
    if (opts && opts.page) return opts.page;
    const p = this._page || this._lastSDKPage || this.context.pages().find((x) => !x.isClosed()) || null;
    if (!p) throw new ImpshimError('no page: open one (context.newPage()) and load your checkout before using the sandbox');
    return p;
  }

  _timeout(opts) {
    const t = opts && opts.timeout !== undefined ? opts.timeout : this._opts.timeout;
    if (!(typeof t === 'number' && t > 0)) throw new ImpshimError('timeout must be a number of milliseconds > 0');
    return t;
  }

  // _find looks for a visible window in the page's frames (the overlay iframe, or the page itself in
  // redirect mode) and in the other pages of the context (popups).
  async _find(page) {
    const pages = [page, ...this.context.pages().filter((p) => p !== page && !p.isClosed())];
    for (const p of pages) {
      for (const f of p.frames()) {
        if (!isWindowURL(f.url())) continue;
        let info = null;
        try { info = await f.evaluate(WINDOW_JS); } catch { continue; } // navigating or detached
        if (!info) continue;
        const mode = p !== page ? 'popup' : (f === p.mainFrame() ? 'page' : 'iframe');
        return { ...info, mode, frame: f, page: p };
      }
    }
    return null;
  }

  // _state is what the page knows: is IMP there, did the SDK load.
  async _state(page) {
    try {
      return await page.evaluate(STATE_JS);
    } catch (err) {
      return { imp: false, scripts: [], error: String(err && err.message).split('\n')[0] };
    }
  }

  _sdkRequested() {
    return this.requests.some((r) => r.kind === 'sdk');
  }

  // _why says why no window shows, and what to do; null while waiting still makes sense.
  async _why(page, final) {
    const fresh = this.responses.slice(this._seen);
    const noWindow = fresh.find((x) => x.response && x.response.imp_uid == null);
    if (noWindow) {
      const r = noWindow.response;
      this._seen = this.responses.length;
      if (r.error_code === 'SDK_LOAD_FAILED') return `the SDK failed to load: ${r.error_msg}`;
      return `IMP.request_pay answered without opening a window: ${r.error_code}: ${r.error_msg}`;
    }
    const st = await this._state(page);
    if (st.imp && st.ready && st.ready.state === 'failed') return `the SDK failed to load: ${st.ready.message}`;
    if (st.imp === 'foreign') return 'window.IMP on this page is not impshim\'s (no IMP.sandbox): is another copy of the SDK loaded from a URL impshim does not route? ' + `Routed: ${sdkURLs.join(', ')}`;
    if (!final) return null;
    const said = this.console.slice(-3).map((t) => t.slice(TAG.length + 1));
    const notes = [...this._notes, ...(said.length ? [`the SDK said: ${said.join(' | ')}`] : [])];
    const notesText = notes.length ? ` (${notes.join('; ')})` : '';
    const tag = st.scripts.find((u) => { const w = routeOf(u); return w !== null && w.kind === 'sdk'; });
    if (tag && !this._sdkRequested()) {
      return `the page has the SDK tag (${tag}) but loaded it before impshim.install routed it: call install before page.goto, or reload the page${notesText}`;
    }
    if (!this._sdkRequested() && !st.imp) {
      const scripts = st.scripts.length ? st.scripts.join(', ') : 'none with a src';
      return `the page loaded no i'mport SDK: none of ${sdkURLs.join(', ')} was requested, and window.IMP is not defined. ` +
        `Add the SDK's <script> tag to the page (a component that adds it must have mounted); scripts on the page: ${scripts}${notesText}`;
    }
    if (!st.imp) return `the SDK was requested but window.IMP is not defined on ${page.url()}: did the page navigate away?${notesText}`;
    if (st.ready && st.ready.state === 'pending') return `the SDK is still loading${notesText}`;
    return `no payment window opened: did the page call IMP.request_pay (was the pay button clicked)?${notesText}`;
  }

  /**
   * Waits until the payment window shows and takes clicks, and returns what it shows.
   * @param {{timeout?: number, page?: import('@playwright/test').Page}} [opts]
   */
  async waitWindow(opts) {
    const page = this._pageFor(opts);
    const end = Date.now() + this._timeout(opts);
    for (let i = 0; ; i++) {
      const w = await this._find(page);
      if (w) return w;
      // The page's own state is read every few polls: it is a round trip per read.
      if (i % 4 === 0 || Date.now() >= end) {
        const why = await this._why(page, Date.now() >= end);
        if (why) throw new ImpshimError(`waitWindow: ${why}`);
      }
      // A window usually shows within milliseconds of the click: the first looks come quickly.
      await sleep(i < 4 ? 5 << i : POLL_MS);
    }
  }

  /** Clicks Approve in the window and waits for the SDK's answer. */
  approve(opts) { return this._press('approve', opts); }
  /** Clicks Fail in the window (PG_FAILED) and waits for the SDK's answer. */
  fail(opts) { return this._press('fail', opts); }
  /** Clicks Cancel in the window (USER_CANCEL) and waits for the SDK's answer. */
  cancel(opts) { return this._press('cancel', opts); }

  async _press(button, opts) {
    let w;
    try {
      w = await this.waitWindow(opts);
    } catch (err) {
      if (err instanceof ImpshimError) throw new ImpshimError(`${button}: no payment window is open: ${err.message.replace(`${TAG} waitWindow: `, '')}`);
      throw err;
    }
    const before = this.responses.length;
    const end = Date.now() + this._timeout(opts);
    // The SDK removes the window (the iframe, the popup) in the click's own task, which can leave
    // the click hanging or failing although it landed: the answer is what counts.
    let clickError = null, failedAt = 0;
    w.frame.locator(`[data-impshim=${button}]`).click({ timeout: this._timeout(opts), noWaitAfter: true })
      .catch((err) => { clickError = err; failedAt = Date.now(); });
    while (this.responses.length === before) {
      if (clickError && Date.now() - failedAt > 1000) throw clickError;
      if (Date.now() >= end) throw new ImpshimError(`${button}: clicked, but the SDK gave no answer within ${this._timeout(opts)} ms`);
      await this._arrival(POLL_MS);
    }
    this._seen = this.responses.length;
    return this.responses[before].response;
  }

  /**
   * The next answer of IMP.request_pay not yet returned by result() — the response the page's
   * callback received (or, in redirect mode, the one the page was redirected with) — waiting for it.
   * @param {{timeout?: number, page?: import('@playwright/test').Page}} [opts]
   */
  async result(opts) {
    const end = Date.now() + this._timeout(opts);
    while (this._read >= this.responses.length) {
      if (Date.now() >= end) {
        const page = this._pageFor(opts);
        const w = await this._find(page);
        if (w) throw new ImpshimError(`result: a payment window is open (${w.pg} ${w.mid}, ${w.mode}): approve(), fail() or cancel() it first`);
        const why = await this._why(page, true);
        throw new ImpshimError(`result: no answer from IMP.request_pay within ${this._timeout(opts)} ms: ${why}`);
      }
      await this._arrival(POLL_MS);
    }
    const r = this.responses[this._read++];
    this._seen = Math.max(this._seen, this._read);
    return r.redirect_url ? { ...r.response, redirect_url: r.redirect_url } : r.response;
  }

  /** IMP.sandbox.lastTrace() of the page: why the last request_pay chose its PG setting, or null. */
  async lastTrace(opts) {
    const page = this._pageFor(opts);
    return this._inPage(page, 'lastTrace', () => IMP.sandbox.lastTrace());
  }

  /**
   * The next window completes by itself with this outcome (IMP.sandbox.setOutcome); null clears it.
   * @param {import('./playwright').Outcome | null} outcome
   */
  async setOutcome(outcome, opts) {
    const o = outcome === null ? null : checkOutcome(outcome, 'setOutcome');
    const page = this._pageFor(opts);
    const w = await this._find(page);
    if (w) throw new ImpshimError(`setOutcome: a payment window is already open (${w.pg} ${w.mid}); the outcome is for the next one — approve(), fail() or cancel() this one`);
    await this._inPage(page, 'setOutcome', (x) => IMP.sandbox.setOutcome(x), o);
  }

  async _inPage(page, what, fn, arg) {
    const st = await this._state(page);
    if (!st.imp) throw new ImpshimError(`${what}: window.IMP is not defined on ${page.url()}: load the page (with its SDK tag) first`);
    if (st.imp === 'foreign') throw new ImpshimError(`${what}: window.IMP on this page is not impshim's`);
    return page.evaluate(fn, arg);
  }
}

function isWindowURL(u) {
  const w = routeOf(u.split('#')[0]);
  return w !== null && w.kind === 'file' && w.file === 'window.html';
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// WINDOW_JS reports what a visible [data-impshim=window] shows, or null.
const WINDOW_JS = `(() => {
  const w = document.querySelector('[data-impshim=window]');
  if (!w) return null;
  const r = w.getBoundingClientRect();
  if (!(r.width > 0 && r.height > 0) || (w.checkVisibility && !w.checkVisibility({ checkOpacity: true, visibilityProperty: true }))) return null;
  const q = (n) => document.querySelector('[data-impshim=' + n + ']');
  const text = (el) => (el ? el.textContent.trim() : '');
  const pg = q('pg'), amount = q('amount');
  return {
    pg: pg ? pg.getAttribute('data-code') || '' : '', pgName: text(pg), mid: text(q('mid')),
    amount: amount ? Number(amount.getAttribute('data-value')) || 0 : 0, amountText: text(amount),
    text: w.innerText.trim(),
  };
})()`;

// STATE_JS reads, without waiting, whether the page has impshim's IMP and whether it loaded.
const STATE_JS = `(() => {
  const scripts = Array.from(document.scripts, (s) => s.src).filter(Boolean);
  const imp = globalThis.IMP;
  if (!imp) return { imp: false, scripts };
  if (!imp.sandbox) return { imp: 'foreign', scripts };
  const key = Symbol.for('impshim.playwright.ready');
  if (!globalThis[key]) {
    const st = globalThis[key] = { state: 'pending' };
    imp.sandbox.ready.then(() => { st.state = 'ok'; }, (e) => { st.state = 'failed'; st.message = String(e && e.message || e); });
  }
  return { imp: true, scripts, ready: { ...globalThis[key] } };
})()`;

export default { install, Sandbox, ImpshimError };
