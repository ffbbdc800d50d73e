// impshim — a sandbox of the i'mport (PortOne V1) browser SDK.
//
// This file is the only script a merchant page loads. It defines window.IMP at once and loads the
// Go resolver (impshim.wasm, run by Go's wasm_exec.js) from next to itself. Go never reads live
// page objects: everything handed to it is first copied here into plain, size-capped data and sent
// as JSON text (a throwing getter inside Go's js.Value.Get would unwind past Go's recover).
(() => {
  'use strict';

  const VERSION = '0.1.0';
  const TAG = '[impshim]';
  const MAX_STRING = 64 * 1024; // UTF-8 bytes
  const MAX_DEPTH = 32;
  const MAX_TOTAL = 1024 * 1024; // about the JSON text of one snapshot; Go refuses more than 1 MiB
  const WINDOW_LOAD_MS = 15000;

  // window.IMP is a plain writable property, as the real SDK's (a page's top-level
  // `const IMP = window.IMP;` must not collide with it), so "loaded twice" is told by a marker of
  // our own that a page's script does not touch.
  const LOADED = Symbol.for('impshim.loaded');
  if (globalThis[LOADED]) {
    console.warn(`${TAG} imp.js was loaded twice; keeping the first copy. Remove the second <script> tag.`);
    return;
  }
  Object.defineProperty(globalThis, LOADED, { value: true });

  // Siblings (wasm, window page, merchant files) are found relative to this script's own URL, so
  // dist/ can live under any path of any server.
  const BASE = (() => {
    const cur = document.currentScript;
    if (cur && cur.src) return new URL('.', cur.src);
    const all = document.getElementsByTagName('script');
    for (let i = all.length - 1; i >= 0; i--) {
      if (/(^|\/)imp\.js([?#]|$)/.test(all[i].src)) return new URL('.', all[i].src);
    }
    return new URL('.', location.href);
  })();
  const WINDOW_ORIGIN = BASE.origin;

  const warn = (msg) => console.warn(`${TAG} ${msg}`);
  // A stalled server must not stall the queue: merchant files and the backend probe give up.
  const FETCH_MS = 10000;
  // The ledger answers from the same machine in milliseconds; a payment waits for it no longer
  // than this, then goes on with a console warning.
  const LEDGER_MS = 3000;
  const deadline = () => (typeof AbortSignal === 'function' && typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(FETCH_MS) : undefined);
  const noop = () => {};
  const report = (err) => {
    if (typeof reportError === 'function') reportError(err);
    else setTimeout(() => { throw err; });
  };

  // ---- snapshot: live params → plain data + JSON text -------------------------------------------

  class SnapshotError extends Error {}

  // utf8Length is exact; it only runs on strings longer than a third of the cap, because one UTF-16
  // code unit never takes more than 3 UTF-8 bytes.
  function utf8Length(s) {
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) { n += 4; i++; }
      else n += 3;
    }
    return n;
  }

  function describe(v) {
    if (v === null) return 'null';
    if (Array.isArray(v)) return 'an array';
    if (typeof v === 'bigint') return 'a BigInt';
    if (typeof v === 'symbol') return 'a Symbol';
    if (typeof v === 'function') return 'a function';
    if (typeof v === 'undefined') return 'undefined';
    return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
  }

  // copyPlain copies v into plain JSON-shaped data. strictPaths are the paths under which a value
  // that JSON cannot carry is an error instead of being dropped (custom_data must come back
  // deep-equal to what was sent). Non-finite numbers are kept: the JSON text carries them as
  // NaN/Infinity tokens so that Go can say "amount is NaN" instead of "amount is missing".
  function copyPlain(root, rootName, strictKeys) {
    const ancestors = [];
    let total = 0;
    const fail = (path, msg) => { throw new SnapshotError(`${path} ${msg}`); };

    // Getters and Proxy traps are merchant code that may throw; the message names where.
    const threw = (path, err) => fail(path, `could not be read: it threw "${err && err.message ? err.message : String(err)}"; pass plain data`);
    function read(obj, key, path) {
      try { return obj[key]; } catch (err) { return threw(path, err); }
    }
    function readKeys(obj, path) {
      try { return Object.keys(obj); } catch (err) { return threw(path, err); }
    }

    function walk(v, path, depth, strict) {
      if (depth > MAX_DEPTH) fail(path, `is nested deeper than ${MAX_DEPTH} levels; flatten it`);
      switch (typeof v) {
        case 'string': {
          if (v.length > MAX_STRING / 3 && utf8Length(v) > MAX_STRING) {
            fail(path, `is longer than 64 KiB; send a shorter value`);
          }
          total += v.length + 2;
          if (total > MAX_TOTAL) fail(rootName, 'is larger than 1 MiB as JSON; send less data');
          return v;
        }
        case 'number': total += 8; return v;
        case 'boolean': total += 5; return v;
        case 'undefined': return undefined;
        case 'bigint':
          fail(path, `is a BigInt, which JSON cannot carry; pass a Number or a string`);
          break;
        case 'function':
        case 'symbol':
          if (strict) fail(path, `is ${describe(v)}, which JSON cannot carry; ${strict} must be JSON-serializable`);
          return undefined;
      }
      if (v === null) { total += 4; return null; }
      if (ancestors.includes(v)) fail(path, 'refers back to itself (a cycle); JSON cannot carry it');
      // Honour toJSON (Date and friends), as JSON.stringify and the real SDK do.
      if (typeof read(v, 'toJSON', path) === 'function') {
        let j;
        try { j = v.toJSON(); } catch (err) { threw(path, err); }
        if (j !== v) {
          ancestors.push(v);
          try { return walk(j, path, depth, strict); } finally { ancestors.pop(); }
        }
      }
      ancestors.push(v);
      try {
        if (Array.isArray(v)) {
          const out = [];
          const n = read(v, 'length', path);
          for (let i = 0; i < n; i++) {
            const x = walk(read(v, i, `${path}[${i}]`), `${path}[${i}]`, depth + 1, strict);
            out.push(x === undefined ? null : x);
          }
          return out;
        }
        const out = {};
        for (const k of readKeys(v, path)) {
          if (k.length > MAX_STRING) fail(path, 'has a key longer than 64 KiB');
          const childStrict = strict || (depth === 0 && strictKeys.includes(k) ? `${rootName}.${k}` : '');
          const x = walk(read(v, k, `${path}.${k}`), `${path}.${k}`, depth + 1, childStrict);
          if (x !== undefined) { out[k] = x; total += k.length + 4; }
        }
        return out;
      } finally {
        ancestors.pop();
      }
    }
    return walk(root, rootName, 0, '');
  }

  // toJSONText writes plain data as JSON, with NaN, Infinity and -Infinity as bare tokens.
  function toJSONText(v) {
    if (typeof v === 'number') {
      if (Number.isFinite(v)) return JSON.stringify(v);
      return Number.isNaN(v) ? 'NaN' : (v > 0 ? 'Infinity' : '-Infinity');
    }
    if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
    if (Array.isArray(v)) return `[${v.map(toJSONText).join(',')}]`;
    return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${toJSONText(v[k])}`).join(',')}}`;
  }

  // snapshot never throws: a throwing getter, a Proxy trap, a cycle or an oversized value become
  // {ok: false, message}, which request_pay answers with INVALID_PARAMS.
  function snapshot(value, rootName, strictKeys = []) {
    try {
      const copy = copyPlain(value, rootName, strictKeys);
      return { ok: true, value: copy === undefined ? null : copy, text: toJSONText(copy === undefined ? null : copy) };
    } catch (err) {
      if (err instanceof SnapshotError) return { ok: false, message: err.message };
      const what = err && typeof err.message === 'string' ? err.message : String(err);
      return { ok: false, message: `${rootName} could not be read: a getter or proxy threw "${what}"; pass plain data` };
    }
  }

  // ---- responses built on this side (the Go side builds every other one) -------------------------

  function errorResponse(code, message, merchantUID = null, impUID = null) {
    return {
      success: false, imp_success: false, imp_uid: impUID, merchant_uid: merchantUID,
      error_code: code, error_msg: message, status: 'failed',
    };
  }

  // ---- loading ----------------------------------------------------------------------------------

  const st = {
    core: null, // the object Go publishes: see wasm/ for the protocol
    exports: null, // the instance's exports: mem and the //go:wasmexport functions
    loadError: null,
    configured: false, // a merchant config is in force in Go
    viaConfigure: false,
    initCode: null, // merchant code of the last IMP.init without configure
    merchantCode: '',
    tier: '',
    configError: null, // MERCHANT_CONFIG message
    lastTrace: null,
    outcome: null,
    session: null,
    catalog: null,
    backend: null, // Promise<boolean>: the server keeps a ledger
    rules: null, // the module's rules() answer
  };

  let loadStarted = false;
  let settleLoad;
  const loaded = new Promise((r) => { settleLoad = r; });
  let resolveReady, rejectReady;
  const ready = new Promise((res, rej) => { resolveReady = res; rejectReady = rej; });
  ready.catch(noop); // a page that never looks at ready must not see an unhandled rejection
  let tail = loaded; // every IMP call runs in order after the module has loaded (or failed to)

  function loadScript(url) {
    return new Promise((res, rej) => {
      const s = document.createElement('script');
      s.src = url;
      s.onload = () => res();
      s.onerror = () => rej(new Error(`could not load ${url} (missing file, wrong path, or blocked by the page's Content-Security-Policy)`));
      (document.head || document.documentElement).appendChild(s);
    });
  }

  // compile fetches and compiles the module; it starts before wasm_exec.js has even loaded, so the
  // biggest download and its compilation overlap everything else.
  async function compile() {
    const url = new URL('impshim.wasm', BASE).href;
    let res;
    try {
      res = await fetch(url, { credentials: 'same-origin' });
    } catch (err) {
      throw new Error(`could not fetch ${url}: ${err && err.message}`);
    }
    if (!res.ok) throw new Error(`could not fetch ${url}: HTTP ${res.status}; copy impshim.wasm next to imp.js`);
    const mime = (res.headers.get('content-type') || '').split(';')[0].trim().toLowerCase();
    // compileStreaming insists on application/wasm; many static hosts send something else.
    try {
      if (mime === 'application/wasm' && typeof WebAssembly.compileStreaming === 'function') {
        return await WebAssembly.compileStreaming(res);
      }
      return await WebAssembly.compile(await res.arrayBuffer());
    } catch (err) {
      throw explainCompileError(err);
    }
  }

  // The browser's CSP refusal names the policy but not the fix; the merchant needs the fix.
  function explainCompileError(err) {
    const text = String(err && err.message);
    if (!/Refused|unsafe-eval|Content Security Policy/i.test(text)) return err;
    return new Error(`${text} — the page's Content-Security-Policy forbids compiling WebAssembly: add 'wasm-unsafe-eval' to its script-src`);
  }

  async function boot() {
    if (typeof WebAssembly !== 'object') throw new Error('this browser has no WebAssembly');
    const compiled = compile();
    compiled.catch(noop); // awaited below; a wasm_exec.js failure must not leave it unhandled
    if (typeof globalThis.Go !== 'function') await loadScript(new URL('wasm_exec.js', BASE).href);
    if (typeof globalThis.Go !== 'function') throw new Error('wasm_exec.js did not define Go');
    const go = new globalThis.Go();
    const instance = await WebAssembly.instantiate(await compiled, go.importObject);
    // run() returns only when Go's main exits; main publishes its object and then waits forever.
    go.run(instance).then(() => {
      st.core = null;
      st.loadError = st.loadError || new Error('the Go module exited');
    }, noop);
    const core = globalThis.__impshim;
    if (!core || typeof core.request !== 'function') throw new Error('impshim.wasm started but did not publish its functions (mismatched wasm_exec.js?)');
    if (core.version !== VERSION) warn(`imp.js is version ${VERSION} but impshim.wasm is ${core.version}; copy both from the same dist/`);
    st.core = core;
    st.exports = instance.exports;
  }

  // moduleRules are the constants this file checks its own API with (setOutcome's results, …):
  // the module owns them (wasm/doc.go: rules). Asked for on first use rather than before ready,
  // which waits for nothing it does not need (issue 17: cold start).
  function moduleRules() {
    if (!st.rules && st.core) {
      const rules = call('rules');
      st.rules = rules.error ? null : rules;
    }
    return st.rules;
  }

  function load() {
    if (loadStarted) return;
    loadStarted = true;
    boot().then(() => {
      settleLoad();
      // ready resolves after the calls queued before it ran, so a configure queued before ready is in
      // force once `await IMP.sandbox.ready` returns.
      run(() => resolveReady());
    }, (err) => {
      const msg = `${TAG} could not load the payment sandbox from ${BASE.href}: ${err && err.message}`;
      st.loadError = new Error(msg);
      settleLoad();
      run(() => rejectReady(st.loadError));
    });
  }

  // Fetching the module waits for an idle moment so the merchant page paints first; any use of IMP
  // (or reading IMP.sandbox.ready) starts it at once.
  if (typeof requestIdleCallback === 'function') requestIdleCallback(load, { timeout: 1000 });
  else setTimeout(load, 50);

  function run(task) {
    load();
    const p = tail.then(async () => {
      try {
        return await task();
      } catch (err) {
        report(err);
        return undefined;
      }
    });
    tail = p;
    return p;
  }

  // call invokes one of Go's functions and parses its JSON answer. A Go panic comes back as
  // {"error": {...}} from Go's guard; anything else unexpected becomes the same shape here.
  function call(name, ...args) {
    if (!st.core) return { error: { code: 'SDK_LOAD_FAILED', message: st.loadError ? st.loadError.message : `${TAG} the payment sandbox is not loaded` } };
    try {
      const text = st.core[name](...args);
      return JSON.parse(text);
    } catch (err) {
      return { error: { code: 'INTERNAL', message: `${TAG} internal error in ${name}: ${err && err.message}; please report it` } };
    }
  }

  // ---- merchant configuration ------------------------------------------------------------------

  function warnAll(list) {
    if (!Array.isArray(list)) return;
    for (const w of list) {
      if (w && typeof w.message === 'string') warn(w.code ? `${w.code}: ${w.message}` : w.message);
    }
  }

  function configErrorText(errors) {
    return errors.map((e) => {
      const where = e.index >= 0 ? `pg_settings[${e.index}]${e.field ? '.' + e.field : ''}` : (e.field || 'config');
      return `${where}: ${e.message}`;
    }).join('; ');
  }

  function applyConfig(answer, code) {
    resolveWarned.clear();
    traces.clear();
    st.configured = true;
    st.configError = null;
    st.merchantCode = code;
    warnAll(answer.warnings);
  }

  function useSandboxMerchant(code, why) {
    const ans = call('sandbox', code || '');
    if (ans.error || !ans.ok) {
      st.configError = `${TAG} the built-in sandbox merchant failed: ${ans.error ? ans.error.message : configErrorText(ans.errors || [])}`;
      return;
    }
    // The answer's warnings are about impshim's own built-in settings (legacy catalog codes among
    // them), not about the merchant's: one line says what happened and how to configure yours.
    applyConfig({ warnings: [] }, code || '');
    warn(`${why}: using the built-in sandbox merchant (one setting per catalog PG, html5_inicis the default). ` +
      `To test your own PG settings, put {"merchant_code": …, "pg_settings": [...]} in ` +
      `${new URL(`merchants/${code ? encodeURIComponent(code) : '<code>'}.json`, BASE).href} or call IMP.sandbox.configure(config).`);
  }

  async function initTask(code) {
    probeBackend();
    if (st.viaConfigure) { st.merchantCode = code || st.merchantCode; return; }
    if (st.initCode === code && (st.configured || st.configError)) return;
    st.initCode = code;
    st.configured = false;
    st.configError = null;
    if (!st.core) return;
    if (!code) { useSandboxMerchant('', 'IMP.init was called with an empty merchant code'); return; }
    const url = new URL(`merchants/${encodeURIComponent(code)}.json`, BASE).href;
    let res, text;
    try {
      res = await fetch(url, { credentials: 'same-origin', cache: 'no-cache', signal: deadline() });
      if (res.status === 404) { useSandboxMerchant(code, `no merchant file at ${url}`); return; }
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      text = await res.text();
    } catch (err) {
      st.configError = `${TAG} could not read the merchant file ${url}: ${err && err.message}`;
      warn(st.configError.slice(TAG.length + 1));
      return;
    }
    if (st.viaConfigure) return; // a configure() that ran meanwhile wins
    const ans = call('configure', text);
    if (ans.error) { st.configError = ans.error.message; return; }
    if (!ans.ok) {
      st.configError = `${TAG} the merchant file ${url} is invalid: ${configErrorText(ans.errors || [])}. Fix the file or call IMP.sandbox.configure(config).`;
      warn(st.configError.slice(TAG.length + 1));
      return;
    }
    applyConfig(ans, code);
  }

  async function configureTask(snap) {
    if (st.loadError) return { ok: false, errors: [{ index: -1, field: '', message: st.loadError.message }] };
    if (!snap.ok) return { ok: false, errors: [{ index: -1, field: '', message: snap.message }] };
    const ans = call('configure', snap.text);
    if (ans.error) return { ok: false, errors: [{ index: -1, field: '', message: ans.error.message }] };
    if (!ans.ok) {
      const errors = Array.isArray(ans.errors) ? ans.errors : [];
      warn(`configure rejected (the previous config stays in force): ${configErrorText(errors)}`);
      return { ok: false, errors };
    }
    const code = snap.value && typeof snap.value.merchant_code === 'string' ? snap.value.merchant_code : '';
    st.viaConfigure = true;
    applyConfig(ans, code);
    probeBackend();
    return { ok: true, warnings: Array.isArray(ans.warnings) ? ans.warnings : [], console_order: Array.isArray(ans.console_order) ? ans.console_order : [] };
  }

  // ---- the server-side ledger seam ---------------------------------------------------------------

  function probeBackend() {
    if (st.backend) return;
    const url = new URL('sandbox/backend.json', BASE).href;
    st.backend = fetch(url, { cache: 'no-store', signal: deadline() })
      .then((r) => (r.ok ? r.json() : null))
      .then((j) => !!(j && j.ledger === true), () => false);
  }

  // ledgerOn is whether the server behind the SDK keeps a ledger (sandbox/backend.json).
  async function ledgerOn() {
    return st.backend ? st.backend : false;
  }

  // ledgerCall POSTs body to the ledger and answers {ok: true, …}, a refusal {ok: false,
  // error_code, error_msg}, or null when the ledger could not be reached or did not answer within
  // LEDGER_MS (with a console warning naming the URL): the payment then goes on in the browser —
  // never a hang (wasm/doc.go's neighbour, CONTRACTS C2).
  async function ledgerCall(path, body) {
    const url = new URL(path, BASE).href;
    let text;
    try { text = JSON.stringify(body); } catch (err) { warn(`could not send to the sandbox ledger at ${url}: ${err.message}`); return null; }
    const ctl = typeof AbortController === 'function' ? new AbortController() : null;
    let timer;
    const LATE = {};
    const late = new Promise((res) => { timer = setTimeout(() => res(LATE), LEDGER_MS); });
    const ask = (async () => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text, signal: ctl ? ctl.signal : undefined });
      let j = null;
      try { j = await res.json(); } catch { j = null; }
      return { res, j };
    })();
    try {
      const got = await Promise.race([ask, late]);
      if (got === LATE) {
        if (ctl) ctl.abort();
        ask.catch(noop);
        warn(`the sandbox ledger at ${url} did not answer within ${LEDGER_MS / 1000} s; going on without it`);
        return null;
      }
      const { res, j } = got;
      // A server from before the attempts endpoints (404, no such endpoint): the old
      // record-after-success POST still works.
      if (res.status === 404 && path === 'sandbox/attempts' && (!j || typeof j !== 'object' || !j.error_code || j.error_code === 'NOT_FOUND')) {
        return { ok: true, legacy: true };
      }
      if (j && typeof j === 'object' && j.ok === true) return j;
      if (j && typeof j === 'object' && j.ok === false && typeof j.error_code === 'string') return j;
      warn(`the sandbox ledger at ${url} answered HTTP ${res.status}${j && j.error_msg ? `: ${j.error_msg}` : ''}; going on without it`);
      return null;
    } catch (err) {
      warn(`could not reach the sandbox ledger at ${url}: ${err && err.message}; going on without it`);
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  function post(path, body) {
    if (!st.backend) return;
    st.backend.then((on) => {
      if (!on) return;
      const url = new URL(path, BASE).href;
      let text;
      try { text = JSON.stringify(body); } catch (err) { warn(`could not send to ${url}: ${err.message}`); return; }
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text, keepalive: text.length < 60000 })
        .then((r) => { if (!r.ok) warn(`the sandbox ledger at ${url} answered HTTP ${r.status}`); },
          (err) => warn(`could not reach the sandbox ledger at ${url}: ${err && err.message}`));
    });
  }

  // ---- the mock payment window -------------------------------------------------------------------

  function randomNonce() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  }

  function windowURL(nonce, mode) {
    const u = new URL('window.html', BASE);
    const origin = location.origin === 'null' ? '*' : location.origin;
    u.hash = new URLSearchParams(nonce ? { n: nonce, o: origin, m: mode } : { o: origin, m: mode }).toString();
    return u.href;
  }

  // A hidden overlay iframe whose window page is loaded and waiting, for the next request: the
  // window of the last request, parked when it completed (see removeSession). The next request
  // gives it its nonce by a new hash, which takes the page load out of the window's latency.
  let spare = null;

  // navigate points an overlay iframe at url. Between requests only the hash changes, so the
  // loaded page stays (a same-document navigation, no reload); replace() so that no history entry
  // is added: the merchant page's Back button must not step through old windows.
  function navigate(f, url) {
    const w = f.contentWindow;
    if (w) {
      try { w.location.replace(url); return; } catch { /* fall back to src */ }
    }
    f.src = url;
  }

  // overlayFrame adds the full-viewport iframe the window page dims the merchant page in.
  function overlayFrame(url, display) {
    const f = document.createElement('iframe');
    f.src = url;
    f.title = 'impshim sandbox payment window';
    Object.assign(f.style, {
      position: 'fixed', inset: '0', width: '100%', height: '100%', border: '0', margin: '0',
      padding: '0', zIndex: '2147483647', background: 'transparent', colorScheme: 'normal', display,
    });
    if (display === 'none') {
      f.tabIndex = -1;
      f.setAttribute('aria-hidden', 'true');
    }
    (document.body || document.documentElement).appendChild(f);
    return f;
  }

  function onKey(ev) {
    if (ev.key === 'Escape' && st.session) finishSession(st.session, { result: 'cancelled' });
  }

  // The overlay is modal: focus that lands on the merchant page behind it (a click on the dimmed
  // page, a script's focus()) goes back into the window.
  function onFocusIn(ev) {
    const s = st.session;
    if (s && s.frame && ev.target !== s.frame && s.frame.isConnected) s.frame.focus();
  }

  // focusedElement is what had focus when the window was asked for (the Pay button), to give it
  // back when the window closes.
  function focusedElement() {
    const el = document.activeElement;
    return el && el !== document.body && el !== document.documentElement && typeof el.focus === 'function' ? el : null;
  }

  // speak says the outcome in a polite live region of the merchant page, for a screen reader
  // whose user just saw the window close; the whole error_msg, never cut.
  const SPOKEN = {
    ko: { paid: '테스트 결제가 승인되었습니다.', ready: '테스트 가상계좌가 발급되었습니다. 입금 대기 중입니다.', cancelled: '결제가 취소되었습니다.', failed: '결제에 실패했습니다: ' },
    en: { paid: 'Sandbox payment approved.', ready: 'Sandbox virtual account issued; awaiting deposit.', cancelled: 'Payment cancelled.', failed: 'Payment failed: ' },
  };
  const SPOKEN_CERT = {
    ko: { paid: '테스트 본인인증이 완료되었습니다.', ready: '테스트 본인인증이 완료되었습니다.', cancelled: '본인인증이 취소되었습니다.', failed: '본인인증에 실패했습니다: ' },
    en: { paid: 'Sandbox identity verified.', ready: 'Sandbox identity verified.', cancelled: 'Identity verification cancelled.', failed: 'Identity verification failed: ' },
  };
  let liveRegion = null;
  function speak(text) {
    if (!liveRegion || !liveRegion.isConnected) {
      liveRegion = document.createElement('div');
      liveRegion.setAttribute('role', 'status');
      liveRegion.setAttribute('aria-live', 'polite');
      liveRegion.dataset.impshim = 'status';
      // Visually hidden, still read: the usual clip pattern.
      Object.assign(liveRegion.style, {
        position: 'absolute', width: '1px', height: '1px', margin: '-1px', padding: '0', border: '0',
        overflow: 'hidden', clip: 'rect(0 0 0 0)', clipPath: 'inset(50%)', whiteSpace: 'nowrap',
      });
      (document.body || document.documentElement).appendChild(liveRegion);
    }
    liveRegion.textContent = text;
  }
  function resultText(resp, language, kind) {
    const t = (kind === 'certification' ? SPOKEN_CERT : SPOKEN)[language === 'en' ? 'en' : 'ko'];
    if (resp && resp.success) return resp.status === 'ready' ? t.ready : t.paid;
    if (resp && resp.error_code === 'USER_CANCEL') return t.cancelled;
    return t.failed + String((resp && (resp.error_msg || resp.error_code)) || '');
  }

  function openSession(req, id, answer) {
    // The verification window offers the carriers the module knows (rules()), not a copy of its own.
    const rules = req.kind === 'certification' && answer.window ? moduleRules() : null;
    const data = rules && Array.isArray(rules.carriers) ? { ...answer.window, carriers: rules.carriers } : answer.window;
    const s = {
      id, req, nonce: req.nonce, data, popup: req.popup, frame: null,
      done: false, timers: [], hello: false, impUID: answer.imp_uid || null,
      auto: st.outcome, pendingAuto: null,
      // With a ledger the window page approves through the server before it answers (C2.2).
      approval: req.ledger === 'attempts' ? { url: new URL(`sandbox/attempts/${encodeURIComponent(answer.imp_uid)}/approval`, BASE).href, merchant_code: st.merchantCode } : null,
    };
    st.outcome = null;
    st.session = s;
    // The buyer closing the popup, or the page's own code removing the overlay (a single-page app
    // re-rendering its body), ends the payment as cancelled instead of leaving it open forever.
    s.timers.push(setInterval(() => {
      if (s.popup ? s.popup.closed : !s.frame.isConnected) finishSession(s, { result: 'cancelled' });
    }, 250));
    if (!s.popup) {
      let f = spare && spare.isConnected ? spare : null;
      spare = null;
      if (f) {
        navigate(f, windowURL(s.nonce, 'iframe'));
        f.style.display = 'block';
        f.removeAttribute('aria-hidden');
        f.removeAttribute('tabindex');
      } else {
        f = overlayFrame(windowURL(s.nonce, 'iframe'), 'block');
      }
      s.frame = f;
      document.addEventListener('keydown', onKey, true);
      document.addEventListener('focusin', onFocusIn, true);
    }
    // A window page that never answers (missing window.html, blocked by a CSP frame-src) must not
    // leave the merchant waiting forever.
    s.timers.push(setTimeout(() => {
      if (!s.hello) {
        finishSession(s, {
          result: 'failed', error_code: 'INTERNAL',
          error_msg: `${TAG} the mock payment window did not load from ${new URL('window.html', BASE).href}; copy window.html, window.js and window.css next to imp.js`,
        });
      }
    }, WINDOW_LOAD_MS));
  }

  function target(s) {
    return s.popup || (s.frame && s.frame.contentWindow);
  }

  window.addEventListener('message', (ev) => {
    const s = st.session;
    if (!s || s.done) return;
    const d = ev.data;
    if (!d || typeof d !== 'object' || d.impshim !== 1 || d.nonce !== s.nonce || typeof d.type !== 'string') return;
    if (ev.origin !== WINDOW_ORIGIN || ev.source !== target(s)) return;
    const win = target(s);
    switch (d.type) {
      case 'hello':
        s.hello = true;
        win.postMessage({ impshim: 1, nonce: s.nonce, type: 'show', data: s.data, approval: s.approval }, WINDOW_ORIGIN === 'null' ? '*' : WINDOW_ORIGIN);
        break;
      case 'shown':
        if (s.frame) s.frame.focus();
        if (s.auto) {
          const o = s.auto;
          s.auto = null;
          s.timers.push(setTimeout(() => {
            if (!s.approval) { finishSession(s, o); return; }
            // The window approves through the ledger as a click would, then answers 'result'.
            s.pendingAuto = o;
            win.postMessage({ impshim: 1, nonce: s.nonce, type: 'complete', result: o.result }, WINDOW_ORIGIN === 'null' ? '*' : WINDOW_ORIGIN);
          }, o.delay_ms));
        }
        break;
      case 'result': {
        if (!outcomeResults().includes(d.result)) break;
        // What the buyer chose in the window: an installment plan, or an identity and carrier.
        const chosen = { result: d.result };
        if (Number.isInteger(d.card_quota) && d.card_quota >= 0) chosen.card_quota = d.card_quota;
        if (Number.isInteger(d.identity) && d.identity >= 0) chosen.identity = d.identity;
        if (typeof d.carrier === 'string' && d.carrier.length <= 16) chosen.carrier = d.carrier;
        // setOutcome's own error_code/error_msg (and choices) go with the result the window approved for it.
        finishSession(s, s.pendingAuto && s.pendingAuto.result === d.result ? { ...chosen, ...s.pendingAuto } : chosen);
        break;
      }
    }
  });

  // hideSession takes the window out of sight and out of the keyboard's way at once; removeSession
  // takes it down in the same task as the callback (after the ledger answered), so automation that
  // waits for the iframe to go knows the callback has run.
  function hideSession(s) {
    for (const t of s.timers) { clearTimeout(t); clearInterval(t); }
    s.timers = [];
    if (s.frame) {
      s.frame.style.display = 'none';
      s.frame.setAttribute('aria-hidden', 'true');
      document.removeEventListener('keydown', onKey, true);
      document.removeEventListener('focusin', onFocusIn, true);
      // Back to what had focus before the window, unless something else took it meanwhile.
      const back = s.req.returnFocus;
      const now = document.activeElement;
      // The hidden iframe may still count as focused until the browser's focus fixup runs.
      if (back && back.isConnected && (!now || now === document.body || now === document.documentElement || now === s.frame)) {
        try { back.focus({ preventScroll: true }); } catch { /* a detached or odd element: leave focus where it is */ }
      }
    }
  }

  function removeSession(s) {
    if (s.frame) {
      // A window that worked (it said hello) stays, hidden, as the spare: its page parks without a
      // nonce (window.js drops [data-impshim=window] and waits), and back-to-back payments skip
      // loading it again. hideSession has already taken it out of sight and out of focus.
      if (s.hello && s.frame.isConnected && !(spare && spare.isConnected)) {
        s.frame.style.display = 'none';
        s.frame.setAttribute('aria-hidden', 'true');
        s.frame.setAttribute('tabindex', '-1');
        navigate(s.frame, windowURL('', 'iframe'));
        spare = s.frame;
      } else {
        s.frame.remove();
      }
    }
    if (s.popup && !s.popup.closed) s.popup.close();
  }

  function closeSession(s) {
    hideSession(s);
    removeSession(s);
  }

  // finishSession ends a window: Go's complete builds the response, the ledger records it (when
  // there is one: the callback waits for it, bounded by LEDGER_MS), then the callback or redirect.
  // The session stays current until then, so a request_pay meanwhile gets WINDOW_BUSY.
  function finishSession(s, outcome) {
    if (s.done) return;
    s.done = true;
    endSession(s, outcome).catch((err) => {
      // A bug here must still answer the merchant and free the window.
      if (st.session === s) st.session = null;
      removeSession(s);
      s.req.finish(errorResponse('INTERNAL', `${TAG} internal error while finishing the window: ${err && err.message}; please report it`, s.req.merchantUID, s.impUID));
      report(err);
    });
  }

  async function endSession(s, outcome) {
    hideSession(s);
    const ans = call('complete', s.id, JSON.stringify({
      result: outcome.result, error_code: outcome.error_code || '', error_msg: outcome.error_msg || '',
      identity: Number.isInteger(outcome.identity) ? outcome.identity : undefined,
      card_quota: Number.isInteger(outcome.card_quota) ? outcome.card_quota : undefined,
    }));
    if (ans.error) call('abandon', s.id); // Go keeps a window it refused to complete open
    let resp = ans.error ? errorResponse(ans.error.code, ans.error.message, s.req.merchantUID, s.impUID) : ans.response;
    // With "response": "minimal" the callback's object lacks success and status; Go sends the
    // whole response beside it as record, for the ledger and the announcement.
    let full = (!ans.error && ans.record) || resp;
    if (s.req.ledger === 'legacy' && full && full.success) {
      post('sandbox/payments', { merchant_code: st.merchantCode, request: s.req.snap.value, response: full });
    } else if (s.req.kind === 'certification' && resp && resp.success && ans.identity && await ledgerOn()) {
      // The verified person, for GET /certifications/{imp_uid} (C2.4) — before the callback, so a
      // server that reads it at callback time finds it.
      const identity = { ...ans.identity, ...(outcome.carrier ? { carrier: outcome.carrier } : {}) };
      const a = await ledgerCall('sandbox/certifications', {
        merchant_code: st.merchantCode, imp_uid: resp.imp_uid, merchant_uid: resp.merchant_uid,
        pg_provider: resp.pg_provider, ...(typeof resp.pg_tid === 'string' ? { pg_tid: resp.pg_tid } : {}), identity,
      });
      if (a && a.ok === false) warn(`the sandbox ledger refused the certification ${s.impUID}: ${a.error_code}: ${a.error_msg}`);
    } else if (s.req.ledger === 'attempts' && s.impUID) {
      const path = `sandbox/attempts/${encodeURIComponent(s.impUID)}/outcome`;
      const a = await ledgerCall(path, { merchant_code: st.merchantCode, response: full });
      // The server is the authority: a refused outcome (a paid result the window never approved)
      // is what the merchant's callback hears, as its server will.
      if (a && a.ok === false) {
        warn(`the sandbox ledger refused the outcome of ${s.impUID}: ${a.error_code}: ${a.error_msg}`);
        resp = errorResponse(a.error_code, a.error_msg, resp && resp.merchant_uid != null ? resp.merchant_uid : s.req.merchantUID, s.impUID);
        full = resp;
      } else if (a && Number.isInteger(a.paid_at)) {
        // The ledger's paid_at is on the merchant's sandbox clock: the callback says what the
        // merchant's server will read from GET /payments/{imp_uid}, not this browser's time.
        for (const r of [resp, full]) if (r && typeof r === 'object' && 'paid_at' in r) r.paid_at = a.paid_at;
      }
    }
    if (st.session === s) st.session = null;
    removeSession(s);
    if (!s.req.redirect) speak(resultText(full, s.data && s.data.language, s.req.kind));
    s.req.finish(resp);
  }

  // ---- request_pay -------------------------------------------------------------------------------

  // resolveRedirectURL makes a string m_redirect_url absolute against document.baseURI, as a
  // browser navigation would (an unparseable one goes to Go as given, which refuses it), and keeps
  // a minimal snapshot for modeOnly when the params could not be copied. It returns the copy's
  // top level ({} when there is none).
  function resolveRedirectURL(snap, params) {
    if (!snap.ok) {
      let url, popup;
      try { url = params && typeof params === 'object' ? params.m_redirect_url : undefined; } catch { url = undefined; }
      try { popup = params && typeof params === 'object' ? params.popup : undefined; } catch { popup = undefined; }
      snap.partial = JSON.stringify({ m_redirect_url: typeof url === 'string' ? absoluteURL(url) : undefined, popup: popup === true ? true : undefined });
      return {};
    }
    const top = snap.value && typeof snap.value === 'object' && !Array.isArray(snap.value) ? snap.value : {};
    if (typeof top.m_redirect_url === 'string') {
      const abs = absoluteURL(top.m_redirect_url);
      if (abs !== top.m_redirect_url) {
        top.m_redirect_url = abs;
        snap.text = toJSONText(snap.value);
      }
    }
    return top;
  }

  function absoluteURL(s) {
    if (s.trim() === '') return s; // "" means no m_redirect_url, not "this page"
    try {
      return new URL(s, document.baseURI || location.href).href;
    } catch {
      return s;
    }
  }

  // mayBePopup is whether a popup must be opened now, inside the user gesture.
  function mayBePopup(req, top) {
    if (st.core && req.snap.ok) {
      const ans = call('mode', req.snap.text, browserEnv(), req.kind);
      if (!ans.error) return ans.mode === 'popup';
    }
    return top.popup === true || (req.kind === 'certification' && top.popup !== false);
  }

  // redirectTo navigates to m_redirect_url with the result in its query: imp_success for a
  // payment, success for a certification (docs/sdk.md §6, §9).
  function redirectTo(base, resp, kind) {
    const u = new URL(base);
    u.searchParams.append('imp_uid', resp.imp_uid == null ? '' : String(resp.imp_uid));
    u.searchParams.append('merchant_uid', resp.merchant_uid == null ? '' : String(resp.merchant_uid));
    u.searchParams.append(kind === 'certification' ? 'success' : 'imp_success', resp.success ? 'true' : 'false');
    if (!resp.success) {
      u.searchParams.append('error_code', resp.error_code || '');
      u.searchParams.append('error_msg', resp.error_msg || '');
    }
    location.assign(u.href);
  }

  // Every answer is also told to the page as an `impshim:response` event (a copy), before the
  // callback or the redirect: test tools (impshim/playwright, imptest) read it there, so a page that
  // keeps its callback to itself is tested unchanged.
  function announce(resp, redirect, kind) {
    if (typeof CustomEvent !== 'function' || typeof window.dispatchEvent !== 'function') return;
    const detail = { response: clone(resp), redirect_url: redirect || null, kind };
    window.dispatchEvent(new CustomEvent('impshim:response', { detail }));
  }

  // browserEnv is what Go needs to know about this page to decide the window mode (wasm/doc.go).
  function browserEnv() {
    return JSON.stringify({ user_agent: String(navigator.userAgent || ''), now_ms: Date.now() });
  }

  // takeMode records Go's decision for a request: redirect (to redirect_url), popup or iframe.
  function takeMode(req, ans) {
    req.mode = typeof ans.mode === 'string' ? ans.mode : 'iframe';
    req.redirect = req.mode === 'redirect' && typeof ans.redirect_url === 'string' ? ans.redirect_url : null;
  }

  // modeOnly asks Go for the mode of an answer given here, without a request reaching Go; without
  // the module nobody can decide, and the callback is called.
  function modeOnly(req) {
    if (!st.core) return;
    const ans = call('mode', req.snap.ok ? req.snap.text : req.snap.partial, browserEnv(), req.kind);
    if (!ans.error) takeMode(req, ans);
  }

  // requestTask runs one IMP.request_pay or IMP.certification (req.kind) in the queue: the
  // bridge's own checks, Go's, the ledger's attempt (payments), then the window.
  async function requestTask(req) {
    const api = req.kind === 'certification' ? 'IMP.certification' : 'IMP.request_pay';
    const fail = (code, msg, trace) => {
      modeOnly(req);
      if (req.popup && !req.popup.closed) req.popup.close();
      if (trace !== undefined) st.lastTrace = trace;
      req.finish(errorResponse(code, msg, req.merchantUID));
    };
    if (st.session) {
      return fail('WINDOW_BUSY', `${TAG} ${st.session.req.kind === 'certification' ? 'an identity-verification' : 'a payment'} window is already open; wait for its callback (or call IMP.close()) before calling ${api} again`);
    }
    if (st.loadError) return fail('SDK_LOAD_FAILED', st.loadError.message);
    if (st.configError) return fail('MERCHANT_CONFIG', st.configError);
    if (!st.configured) return fail('NOT_INITIALIZED', `${TAG} call IMP.init("your merchant code") (or IMP.sandbox.configure(config)) before ${api}`);
    if (!req.snap.ok) return fail('INVALID_PARAMS', `${TAG} ${req.snap.message}`);
    const bad = badOutcome();
    if (bad) return fail('INVALID_PARAMS', bad);

    const ans = call(req.kind === 'certification' ? 'certification' : 'request', req.snap.text, browserEnv());
    if (ans.error) return fail(ans.error.code || 'INTERNAL', ans.error.message);
    takeMode(req, ans);
    if (!ans.ok) {
      if (ans.trace) {
        st.lastTrace = ans.trace;
        warnAll(ans.trace.warnings);
      }
      if (req.popup && !req.popup.closed) req.popup.close();
      req.finish(ans.response);
      return;
    }
    st.lastTrace = ans.trace || null;
    if (typeof ans.merchant_uid === 'string') req.merchantUID = ans.merchant_uid;
    if (req.mode !== 'popup') {
      if (req.popup && !req.popup.closed) req.popup.close();
      req.popup = null;
      req.popupBlocked = false;
    }
    if (req.popupBlocked) {
      if (ans.trace) warnAll(ans.trace.warnings);
      call('abandon', ans.id);
      req.finish(errorResponse('POPUP_BLOCKED', req.kind === 'certification'
        ? `${TAG} the browser blocked the identity-verification popup (on a PC it opens in a popup, as with the real SDK; popup: false shows it in the page instead); call IMP.certification directly from a click handler`
        : `${TAG} the browser blocked the payment popup; call IMP.request_pay directly from a click handler (or drop popup: true to use the in-page window)`, req.merchantUID));
      return;
    }
    if (req.kind === 'payment' && await ledgerOn()) {
      // The attempt exists in the ledger (status ready) before the window opens; the server checks
      // F1002 and a prepared amount against it (C2.1).
      const w = ans.window || {};
      const set = (ans.trace && ans.trace.setting) || {};
      const a = await ledgerCall('sandbox/attempts', {
        merchant_code: st.merchantCode, imp_uid: ans.imp_uid, merchant_uid: ans.merchant_uid, request: req.snap.value,
        setting: { pg: set.pg, mid: set.mid, pay_type: set.pay_type }, amount: w.amount, currency: w.currency,
      });
      if (a && a.ok === false) {
        if (ans.trace) warnAll(ans.trace.warnings);
        call('abandon', ans.id);
        if (req.popup && !req.popup.closed) req.popup.close();
        req.finish(errorResponse(a.error_code, a.error_msg, req.merchantUID));
        return;
      }
      req.ledger = a ? (a.legacy ? 'legacy' : 'attempts') : '';
    }
    openSession(req, ans.id, ans);
    // After the window has started loading: console.warn is slow with DevTools attached.
    if (ans.trace) warnAll(ans.trace.warnings);
  }

  function request_pay(params, callback) {
    return startRequest('payment', params, callback);
  }

  function certification(params, callback) {
    return startRequest('certification', params, callback);
  }

  // startRequest is IMP.request_pay and IMP.certification: the callback is called exactly once
  // (or the page navigates, in redirect mode) and the Promise resolves with the same response.
  function startRequest(kind, params, callback) {
    load();
    let settle;
    const promise = new Promise((r) => { settle = r; });
    const cb = typeof callback === 'function' ? callback : null;
    const api = kind === 'certification' ? 'IMP.certification' : 'IMP.request_pay';
    const snap = params !== null && typeof params === 'object' && !Array.isArray(params)
      ? snapshot(params, 'params', kind === 'payment' ? ['custom_data'] : [])
      : { ok: false, message: `${api}(params, callback): params must be an object like ${kind === 'payment' ? '{pg, amount, name, …}' : '{pg, merchant_uid, min_age, …}'}, got ${describe(params)}` };
    const top = resolveRedirectURL(snap, params);
    let done = false;
    const req = {
      kind, snap, mode: 'iframe', redirect: null, nonce: randomNonce(), popup: null, popupBlocked: false, returnFocus: focusedElement(),
      merchantUID: typeof top.merchant_uid === 'string' ? top.merchant_uid : null,
      finish(resp) {
        if (done) return;
        done = true;
        const redirect = req.redirect;
        announce(resp, redirect, kind);
        if (redirect) { redirectTo(redirect, resp, kind); return; }
        settle(resp);
        if (cb) {
          try { cb(resp); } catch (err) { report(err); }
        }
      },
    };
    // The popup must open now, while the click's user gesture still holds. Go decides the mode;
    // once the module is loaded it is asked here and now, else a popup opens on the chance (a
    // payment with popup: true, a certification on a PC unless popup: false) and is closed if Go says otherwise.
    if (!st.session && mayBePopup(req, top)) {
      let w = null;
      try { w = window.open(windowURL(req.nonce, 'popup'), `impshim_${req.nonce}`, 'popup,width=480,height=760'); } catch { w = null; }
      if (w) req.popup = w; else req.popupBlocked = true;
    }
    run(async () => {
      try {
        await requestTask(req);
      } catch (err) {
        // A bug here must still answer the merchant, and must not leave a window marked open.
        const s = st.session;
        if (s && s.req === req) { s.done = true; st.session = null; closeSession(s); }
        if (req.popup && !req.popup.closed) req.popup.close();
        req.finish(errorResponse('INTERNAL', `${TAG} internal error in ${api}: ${err && err.message}; please report it`, req.merchantUID));
        report(err);
      }
    });
    return promise;
  }

  // ---- IMP.sandbox.resolve: the hot path through //go:wasmexport -------------------------------

  const encoder = new TextEncoder();
  const resolveWarned = new Set();
  const decoder = new TextDecoder();

  function notReady(what) {
    if (st.loadError) return new Error(`${st.loadError.message}; ${what} is unavailable`);
    return new Error(`${TAG} ${what} is not ready yet: await IMP.sandbox.ready first`);
  }

  // traces remembers resolve's answers under the config in force, so a repeated query (the demo
  // on every pause, a test or benchmark loop) never crosses into WASM: resolution is a pure function
  // of (merchant config, query), and applyConfig empties it whenever Go's merchant changes. The
  // traces are deeply frozen because one object is handed to every caller of that query (docs/sdk.md
  // §4: traces are read-only). Bounded: at most TRACES_MAX entries per kind of query and
  // TRACES_BYTES of answer text in all; queries longer than TRACE_QUERY_MAX are not kept; the
  // oldest entry goes first.
  const TRACES_MAX = 256;
  const TRACES_BYTES = 1 << 20;
  const TRACE_QUERY_MAX = 1024;
  const traces = {
    byPG: new Map(), // a pg string → {trace, bytes}
    byParams: new Map(), // a params snapshot's JSON text → {trace, bytes}
    bytes: 0,
    clear() { this.byPG.clear(); this.byParams.clear(); this.bytes = 0; },
    put(map, key, trace, bytes) {
      if (key.length > TRACE_QUERY_MAX || bytes > TRACES_BYTES / 8) return;
      while (map.size >= TRACES_MAX || (this.bytes + bytes > TRACES_BYTES && (this.byPG.size || this.byParams.size))) {
        const from = map.size ? map : (this.byPG.size ? this.byPG : this.byParams);
        const [oldest, entry] = from.entries().next().value;
        from.delete(oldest);
        this.bytes -= entry.bytes;
      }
      map.set(key, { trace, bytes });
      this.bytes += bytes;
    },
  };

  // deepFreeze freezes a JSON.parse result and everything in it (Object.keys over for…in: a
  // third cheaper on a trace).
  function deepFreeze(v) {
    if (v === null || typeof v !== 'object') return v;
    for (const k of Object.keys(v)) {
      const x = v[k];
      if (x !== null && typeof x === 'object') deepFreeze(x);
    }
    return Object.freeze(v);
  }

  function resolve(pgOrParams) {
    load();
    if (!st.core) throw notReady('IMP.sandbox.resolve');
    // A pg string crosses as itself (impshim_resolve_pg), not as its JSON text: neither side
    // encodes or parses it (wasm/doc.go).
    let text, map, key, asPG = false;
    if (typeof pgOrParams === 'string') {
      map = traces.byPG;
      key = text = pgOrParams;
      const hit = map.get(key);
      if (hit) return hit.trace;
      asPG = true;
    } else {
      const snap = snapshot(pgOrParams, 'params');
      if (!snap.ok) throw new TypeError(`${TAG} ${snap.message}`);
      map = traces.byParams;
      key = text = snap.text;
      const hit = map.get(key);
      if (hit) return hit.trace;
    }
    const ex = st.exports;
    const max = text.length * 3;
    const ptr = ex.impshim_input(max);
    if (!ptr) throw new TypeError(`${TAG} IMP.sandbox.resolve: the query is too large`);
    // Memory may have grown (and its buffer been replaced) inside any call into Go.
    const n = encoder.encodeInto(text, new Uint8Array(ex.mem.buffer, ptr, max)).written;
    const len = asPG ? ex.impshim_resolve_pg(n) : ex.impshim_resolve(n);
    const out = ex.impshim_output();
    const ans = JSON.parse(decoder.decode(new Uint8Array(ex.mem.buffer, out, len)));
    if (ans.error) throw new Error(ans.error.message);
    const trace = deepFreeze(ans.trace);
    const ws = trace && trace.warnings;
    // resolve runs in loops (demo page, tests, benchmarks) and console.warn is slow with DevTools
    // attached, so each distinct warning is written once per config; request_pay writes every time.
    // A remembered trace's warnings were written when it was first answered.
    if (ws && ws.length) {
      for (const w of ws) {
        const key = `${w.code}\n${w.message}`;
        if (resolveWarned.has(key)) continue;
        if (resolveWarned.size > 1000) resolveWarned.clear();
        resolveWarned.add(key);
        warnAll([w]);
      }
    }
    if (trace) traces.put(map, key, trace, len);
    return trace;
  }

  // ---- the public object ---------------------------------------------------------------------------

  function setOutcome(o) {
    if (o === null || o === undefined) { st.outcome = null; return; }
    const snap = snapshot(o, 'outcome');
    if (!snap.ok) throw new TypeError(`${TAG} IMP.sandbox.setOutcome: ${snap.message}`);
    const v = snap.value;
    if (typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`${TAG} IMP.sandbox.setOutcome takes an object like {result: "paid"}, not ${describe(o)}`);
    // The results are the module's (rules()); before it is ready the check waits for it, and a
    // bad result then fails the next request_pay instead of being thrown here.
    if (moduleRules() && !outcomeResults().includes(v.result)) throw new TypeError(resultError(v.result));
    for (const k of ['error_code', 'error_msg']) {
      if (v[k] !== undefined && typeof v[k] !== 'string') throw new TypeError(`${TAG} IMP.sandbox.setOutcome: ${k} must be a string`);
    }
    let delay = 250;
    if (v.delay_ms !== undefined) {
      if (typeof v.delay_ms !== 'number' || !Number.isFinite(v.delay_ms) || v.delay_ms < 0) {
        throw new TypeError(`${TAG} IMP.sandbox.setOutcome: delay_ms must be a finite number ≥ 0`);
      }
      delay = v.delay_ms;
    }
    const choice = {};
    for (const k of ['identity', 'card_quota']) {
      if (v[k] === undefined) continue;
      if (!Number.isInteger(v[k]) || v[k] < 0) throw new TypeError(`${TAG} IMP.sandbox.setOutcome: ${k} must be a whole number ≥ 0 (${k === 'identity' ? 'an index into the sandbox identities' : 'months of installments, 0 = 일시불'})`);
      choice[k] = v[k];
    }
    st.outcome = { result: v.result, error_code: v.error_code || '', error_msg: v.error_msg || '', delay_ms: delay, ...choice };
  }

  function outcomeResults() {
    const rules = moduleRules();
    return rules && Array.isArray(rules.outcome_results) ? rules.outcome_results : [];
  }

  function resultError(result) {
    return `${TAG} IMP.sandbox.setOutcome: result must be ${outcomeResults().map((r) => JSON.stringify(r)).join(', ')}, not ${JSON.stringify(result) ?? 'undefined'}`;
  }

  // badOutcome is the error of an outcome set before the module was ready, if any; it is used up.
  function badOutcome() {
    const o = st.outcome;
    if (!o || outcomeResults().includes(o.result)) return '';
    st.outcome = null;
    return `${resultError(o.result)} (set before IMP.sandbox.ready; this request did not open a window)`;
  }

  function clone(v) {
    return v == null ? null : JSON.parse(JSON.stringify(v));
  }

  const sandbox = Object.freeze({
    get ready() { load(); return ready; },
    version: VERSION,
    configure(config) {
      const snap = snapshot(config, 'config');
      return run(() => configureTask(snap)).then((r) => r || { ok: false, errors: [{ index: -1, field: '', message: `${TAG} internal error in configure; please report it` }] });
    },
    resolve,
    lastTrace() { return clone(st.lastTrace); },
    setOutcome,
    reset() {
      st.outcome = null;
      st.lastTrace = null;
      const code = st.merchantCode;
      run(() => {
        if (st.core) call('reset');
        st.lastTrace = null;
        post('sandbox/reset', { merchant_code: code });
      });
    },
    catalog() {
      load();
      if (!st.core) throw notReady('IMP.sandbox.catalog');
      if (!st.catalog) {
        const ans = call('catalog');
        if (ans.error) throw new Error(ans.error.message);
        st.catalog = ans.catalog;
      }
      return clone(st.catalog);
    },
    rules() {
      load();
      if (!st.core || !moduleRules()) throw notReady('IMP.sandbox.rules');
      return clone(st.rules);
    },
    config() {
      load();
      if (!st.core || !st.configured) return null;
      const ans = call('config');
      return ans.error ? null : clone(ans.config);
    },
  });

  // ---- functions of the real IMP object that impshim does not simulate -------------------------

  const notSimulatedWarned = new Set();
  function notSimulated(name, why) {
    if (!notSimulatedWarned.has(name)) {
      notSimulatedWarned.add(name);
      warn(`IMP.${name} is not simulated: ${why}`);
    }
    return `${TAG} IMP.${name} is not simulated by impshim (${why})`;
  }

  // merchantUIDOf reads params.merchant_uid for an error response; a page's getter may throw.
  function merchantUIDOf(params) {
    try {
      const v = params && typeof params === 'object' ? params.merchant_uid : undefined;
      return typeof v === 'string' ? v : null;
    } catch {
      return null;
    }
  }

  // later calls cb(resp) after the current task, as the real SDK's callbacks come; a throwing
  // callback is reported, never thrown into impshim.
  function later(cb, resp) {
    if (typeof cb !== 'function') return;
    Promise.resolve().then(() => {
      try { cb(resp); } catch (err) { report(err); }
    });
  }

  // Signatures from the V1 SDK docs and guides (portone-io/developers.portone.io):
  // loadUI(uiType, params, callback) and updateLoadUIRequest(uiType, params) — PayPal smart
  // buttons (opi/ko/integration/pg/v1/paypal); loadModule(moduleType, {userCode, tierCode},
  // options) → Promise<module> (sdk/ko/v1-sdk/javascript-sdk/load-module.mdx); naver_zzim(params)
  // — Naver Pay's wishlist button; communicate(data) — a mobile app's WebView passing a PG app's
  // result back to the SDK.
  const unsimulated = {
    communicate(data) {
      void data;
      notSimulated('communicate', "it passes a PG app's result from a mobile app's WebView; impshim's mock windows need no app bridge");
    },
    loadUI(uiType, params, callback) {
      const msg = notSimulated('loadUI', `the "${typeof uiType === 'string' ? uiType : String(uiType)}" UI (PayPal smart buttons) is not rendered; use IMP.request_pay to test the payment`);
      later(callback, errorResponse('NOT_SIMULATED', `${msg}; use IMP.request_pay to test the payment`, merchantUIDOf(params)));
    },
    updateLoadUIRequest(uiType, params) {
      void uiType; void params;
      notSimulated('updateLoadUIRequest', 'IMP.loadUI renders nothing in impshim, so there is no request to update');
    },
    loadModule(moduleType, userInfo, options) {
      void userInfo; void options;
      const msg = notSimulated('loadModule', `PG module "${typeof moduleType === 'string' ? moduleType : String(moduleType)}" is not available in the sandbox`);
      return Promise.reject(new Error(msg));
    },
    naver_zzim(params) {
      void params;
      notSimulated('naver_zzim', "Naver Pay's wishlist (찜) button does nothing in the sandbox");
    },
  };

  const IMP = Object.freeze({
    init(code) {
      const c = typeof code === 'string' ? code.trim() : '';
      if (code !== undefined && code !== null && typeof code !== 'string') warn(`IMP.init expects the merchant code as a string, got ${describe(code)}`);
      run(() => initTask(c));
    },
    agency(code, tier) {
      // The tier only changes billing at the real service; it is kept so agency() stays a drop-in.
      if (typeof tier === 'string') st.tier = tier;
      IMP.init(code);
    },
    request_pay,
    certification,
    ...unsimulated,
    close() {
      const s = st.session;
      if (s) finishSession(s, { result: 'cancelled' });
    },
    sandbox,
  });

  // A plain assignment, as the real SDK makes: writable and configurable, so a page's top-level
  // `const IMP = window.IMP;` or `var IMP = window.IMP;` works.
  globalThis.IMP = IMP;
})();
