// Tests of the mock window's script (js/window.js) against a small fake DOM built from
// js/window.html's own elements. Run: node --test js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const SCRIPT = readFileSync(new URL('./window.js', import.meta.url), 'utf8');
const HTML = readFileSync(new URL('./window.html', import.meta.url), 'utf8');
const PARENT = 'https://shop.test';
const SELF = 'https://cdn.test'; // the SDK's (and so the window page's) origin
const NONCE = 'ab'.repeat(16);

// A small DOM built from js/window.html's own tags: a tree with classes, data-* attributes,
// hidden flags, listeners and focus — enough for window.js, which never writes HTML.
const VOID = new Set(['meta', 'link', 'br', 'input', 'img']);

function fakeElement(tag, attrs, doc) {
  const listeners = {};
  const el = {
    tag, attrs: { ...attrs }, children: [], parent: null, doc,
    className: attrs.class || '',
    dataset: Object.fromEntries(Object.entries(attrs).filter(([k]) => k.startsWith('data-')).map(([k, v]) => [k.slice(5).replace(/-(\w)/g, (_, c) => c.toUpperCase()), v])),
    hidden: 'hidden' in attrs,
    textContent: '', title: '', value: '', checked: false, type: attrs.type || '', name: '',
    tabIndex: tag === 'button' || tag === 'input' || tag === 'select' ? 0 : -1,
    disabled: false, focused: false,
    setAttribute(k, v) { this.attrs[k] = v; },
    getAttribute(k) { return k in this.attrs ? this.attrs[k] : null; },
    focus() { this.focused = true; doc.activeElement = this; },
    addEventListener(t, f) { (listeners[t] ||= []).push(f); },
    dispatch(t) { for (const f of listeners[t] || []) f({ target: this }); },
    click() {
      if (this.tag === 'input' && this.type === 'radio') {
        for (const r of doc.all().filter((e) => e.tag === 'input' && e.name === this.name)) r.checked = false;
        this.checked = true;
        this.dispatch('change');
      }
      this.dispatch('click');
    },
    appendChild(c) { c.parent = this; this.children.push(c); return c; },
    remove() { if (this.parent) { this.parent.children = this.parent.children.filter((x) => x !== this); this.parent = null; } },
    replaceWith(other) {
      const p = this.parent;
      p.children = p.children.map((x) => (x === this ? other : x));
      other.parent = p;
      this.parent = null;
    },
    get isConnected() { let x = this; while (x.parent) x = x.parent; return x.tag === 'body'; },
    append(...cs) { for (const c of cs) this.appendChild(c); },
    replaceChildren() { for (const c of this.children) c.parent = null; this.children = []; },
    descendants() { return this.children.flatMap((c) => [c, ...c.descendants()]); },
    querySelectorAll(sel) { return select(this.descendants(), sel); },
    querySelector(sel) { return this.querySelectorAll(sel)[0] || null; },
    contains(e) { for (let x = e; x; x = x.parent) if (x === this) return true; return false; },
    closest(sel) { for (let x = this; x; x = x.parent) if (select([x], sel).length) return x; return null; },
    // textContent of a container is its descendants' text, as in a browser.
    get text() { return this.children.length ? this.children.map((c) => c.text).join('') : this.textContent; },
  };
  return el;
}

function parseHTML(doc) {
  const body = fakeElement('body', {}, doc);
  let cur = body;
  for (const m of HTML.matchAll(/<(\/?)([a-z0-9]+)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*>/g)) {
    const [, close, tag, rest] = m;
    if (['html', 'head', 'body'].includes(tag)) continue;
    if (close) { if (cur.parent && cur.tag === tag) cur = cur.parent; continue; }
    const attrs = {};
    for (const a of rest.matchAll(/([a-z-]+)(?:="([^"]*)")?/g)) attrs[a[1]] = a[2] ?? '';
    const el = fakeElement(tag, attrs, doc);
    cur.appendChild(el);
    if (!VOID.has(tag)) cur = el;
  }
  return body;
}

function matches(e, one) {
  let m = /^\[data-([a-z-]+)(?:=([^\]]+))?\]$/.exec(one);
  if (m) {
    const key = m[1].replace(/-(\w)/g, (_, c) => c.toUpperCase());
    return key in e.dataset && (m[2] === undefined || e.dataset[key] === m[2]);
  }
  if (one === '[hidden]') return e.hidden;
  if (one === '[tabindex]') return 'tabindex' in e.attrs;
  m = /^((?:\.[a-z-]+)+)$/.exec(one);
  if (m) return m[1].split('.').filter(Boolean).every((c) => e.className.split(/\s+/).includes(c));
  if (/^[a-z]+$/.test(one)) return e.tag === one;
  throw new Error(`fake DOM cannot select ${one}`);
}

function select(els, sel) {
  const parts = sel.split(',').map((x) => x.trim());
  return els.filter((e) => parts.some((p) => matches(e, p)));
}

function openWindow({ hash = `n=${NONCE}&o=${encodeURIComponent(PARENT)}&m=iframe`, mode = 'iframe' } = {}) {
  const doc = { activeElement: null };
  const fetches = [];
  const warnings = [];
  const ledger = { answer: async () => ({ ok: true, status: 200 }) };
  const body = parseHTML(doc);
  doc.all = () => body.descendants();
  const sheetPay = select(body.descendants(), '.sheet.pay')[0];
  const sheetCert = select(body.descendants(), '.sheet.cert')[0];
  const sent = [];
  const listeners = { message: [], keydown: [] };
  const host = { postMessage: (data, origin) => sent.push({ data, origin }) };
  const rootStyle = {};
  const documentElement = { dataset: {}, lang: 'ko', style: { setProperty: (k, v) => { rootStyle[k] = v; }, removeProperty: (k) => { delete rootStyle[k]; } } };
  const ctx = {
    location: { hash: `#${hash}`, href: `${SELF}/sdk/window.html`, origin: SELF },
    // The ledger: fetches are recorded and answered by w.answer (default: 200 {"ok":true}).
    fetch: async (url, init) => {
      fetches.push({ url: String(url), init, body: JSON.parse(init.body) });
      return ledger.answer(String(url), init);
    },
    console: { ...console, warn: (...a) => warnings.push(a.join(' ')) },
    AbortController, URL, JSON, setTimeout, clearTimeout,
    document: {
      get activeElement() { return doc.activeElement; },
      documentElement,
      title: '',
      querySelector: (s) => select(doc.all(), s)[0] || null,
      querySelectorAll: (s) => select(doc.all(), s),
      createElement: (tag) => fakeElement(tag, {}, doc),
      addEventListener: (t, f) => (listeners[t] ||= []).push(f),
    },
    addEventListener: (t, f) => (listeners[t] ||= []).push(f),
    URLSearchParams, Intl, Number, String, Object, Array,
    clearInterval: () => {},
    setInterval: () => 1,
  };
  ctx.window = ctx;
  if (mode === 'popup') ctx.opener = host; else ctx.parent = host;
  vm.createContext(ctx);
  vm.runInContext(SCRIPT, ctx);
  const $ = (s) => select(doc.all(), s)[0];
  $.root = sheetPay;
  $.cert = sheetCert;

  $.in = (sheet, sel) => sheet.querySelector(sel);
  return {
    ctx, host, sent, $, rootStyle, documentElement, fetches, warnings, ledger,
    deliver(data, { origin = PARENT, source = host } = {}) {
      for (const f of listeners.message) f({ data, origin, source });
    },
    key(k, shiftKey = false) {
      const ev = { key: k, shiftKey, prevented: false, preventDefault() { this.prevented = true; } };
      for (const f of listeners.keydown) f(ev);
      return ev;
    },
    focusWindow() { for (const f of listeners.focus || []) f({}); },
    active: () => doc.activeElement,
    // navigate changes the hash as imp.js does to reuse or park the overlay.
    navigate(hash) { ctx.location.hash = `#${hash}`; for (const f of listeners.hashchange || []) f({}); },
    messages: (type) => sent.filter((s) => s.data.type === type),
  };
}

const data = {
  pg: { code: 'html5_inicis', name: 'KG INICIS', name_ko: 'KG이니시스', color: '#1a4a9c', simple_pay: false },
  mid: 'MID-b', pay_type: 'subscription', label: '', pay_method: 'card', name: '<img src=x onerror=alert(1)>',
  amount: 1000, currency: 'KRW', buyer_name: '홍길동', buyer_email: 'b@x.kr', buyer_tel: '', customer_uid: '', vbank: false, language: 'ko',
};
const show = (extra = {}) => ({ impshim: 1, nonce: NONCE, type: 'show', data: { ...data, ...extra } });

test('without a nonce the page explains itself and says nothing', () => {
  const w = openWindow({ hash: '' });
  assert.equal(w.$('.orphan').hidden, false);
  assert.equal(w.sent.length, 0);
});

test('says hello to its host, with the nonce, to the origin from its URL only', () => {
  for (const mode of ['iframe', 'popup']) {
    const w = openWindow({ mode, hash: `n=${NONCE}&o=${encodeURIComponent(PARENT)}&m=${mode}` });
    assert.equal(w.documentElement.dataset.mode, mode);
    assert.deepEqual(JSON.parse(JSON.stringify(w.sent[0])), { data: { impshim: 1, nonce: NONCE, type: 'hello' }, origin: PARENT });
  }
});

test('ignores every message but a show from its host, origin and nonce', () => {
  const w = openWindow();
  const bogus = [
    [show(), { origin: 'https://evil.test' }],
    [show(), { source: {} }],
    [{ ...show(), nonce: 'x' }],
    [{ ...show(), type: 'result' }],
    [{ ...show(), data: 'not an object' }],
    ['junk'], [null], [42], [[]],
  ];
  for (const [d, opt] of bogus) w.deliver(d, opt);
  assert.equal(w.$.root.hidden, true);
  assert.equal(w.$('[data-impshim=window]'), undefined, 'no selector before a show');
  assert.equal(w.messages('shown').length, 0);
});

test('renders the payment as text and shows itself once clickable', () => {
  const w = openWindow();
  w.deliver(show());
  const root = w.$('[data-impshim=window]');
  assert.equal(root.hidden, false);
  assert.equal(w.$('[data-impshim=pg]').textContent, 'KG이니시스');
  assert.equal(w.$('[data-impshim=pg]').dataset.code, 'html5_inicis');
  assert.equal(w.$('[data-impshim=mid]').textContent, 'MID-b');
  assert.equal(w.$('[data-impshim=amount]').textContent, '₩1,000');
  assert.equal(w.$('[data-impshim=amount]').dataset.value, '1000');
  assert.equal(w.$('[data-field=name]').textContent, '<img src=x onerror=alert(1)>');
  assert.equal(w.$('[data-field=pay_type]').textContent, '정기결제 (subscription)');
  assert.equal(w.$('[data-field=buyer]').textContent, '홍길동\nb@x.kr');
  assert.equal(w.$('[data-impshim=approve]').textContent, '결제 승인');
  assert.equal(w.$('[data-impshim=approve]').focused, true);
  assert.equal(w.rootStyle['--brand'], '#1a4a9c');
  assert.equal(w.messages('shown').length, 1);
  w.deliver(show({ mid: 'OTHER' }));
  assert.equal(w.$('[data-impshim=mid]').textContent, 'MID-b', 'a second show is ignored');
});

test('never writes HTML', () => {
  assert.doesNotMatch(SCRIPT, /innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
});

test('English, other currencies, billing key, vbank, and a colour that is not a colour', () => {
  const cases = [
    [{ language: 'en' }, (w) => {
      assert.equal(w.documentElement.lang, 'en');
      assert.equal(w.$('[data-impshim=pg]').textContent, 'KG INICIS');
      assert.equal(w.$('[data-impshim=approve]').textContent, 'Approve');
      assert.equal(w.$('[data-impshim=cancel]').textContent, 'Cancel');
    }],
    [{ amount: 10.5, currency: 'USD' }, (w) => assert.equal(w.$('[data-impshim=amount]').textContent, '$10.50')],
    [{ amount: 500, currency: 'JPY' }, (w) => assert.equal(w.$('[data-impshim=amount]').textContent, '¥500')],
    [{ amount: 5, currency: 'NOT A CODE' }, (w) => assert.equal(w.$('[data-impshim=amount]').textContent, '5 NOT A CODE')],
    [{ customer_uid: 'cust_1' }, (w) => {
      assert.equal(w.$('[data-role=billing]').hidden, false);
      assert.equal(w.$('[data-field=customer_uid]').textContent, 'cust_1');
      assert.equal(w.$('[data-impshim=approve]').textContent, '빌링키 발급');
    }],
    [{ pay_method: 'vbank', vbank: true }, (w) => {
      assert.equal(w.$('[data-role=vbank]').hidden, false);
      assert.equal(w.$('[data-impshim=approve]').textContent, '가상계좌 발급');
    }],
    [{ pg: { ...data.pg, color: 'red; background: url(x)' } }, (w) => assert.equal(w.rootStyle['--brand'], undefined)],
  ];
  for (const [extra, check] of cases) {
    const w = openWindow();
    w.deliver(show(extra));
    check(w);
  }
});

test('each button reports its result once and hides the window; Escape cancels', () => {
  for (const [act, want] of [['approve', 'paid'], ['fail', 'failed'], ['cancel', 'cancelled'], ['close', 'cancelled'], ['Escape', 'cancelled']]) {
    const w = openWindow();
    w.deliver(show());
    if (act === 'Escape') w.key('Escape');
    else if (act === 'close') w.$('.close').click();
    else w.$(`[data-impshim=${act}]`).click();
    w.$('[data-impshim=approve]').click();
    w.key('Escape');
    const results = w.messages('result');
    assert.equal(results.length, 1, act);
    assert.equal(results[0].data.result, want, act);
    assert.equal(results[0].data.nonce, NONCE);
    assert.equal(results[0].origin, PARENT);
    assert.equal(w.$('[data-impshim=window]').hidden, true, act);
  }
});

test('a spare overlay waits silently, then serves the request its new hash names', () => {
  const w = openWindow({ hash: `o=${encodeURIComponent(PARENT)}&m=iframe` });
  assert.equal(w.$('.orphan').hidden, true, 'a spare is not an orphan page');
  assert.equal(w.sent.length, 0, 'a spare says nothing');
  w.deliver(show()); // no nonce yet: nothing to show
  assert.equal(w.$('[data-impshim=window]'), undefined);

  w.navigate(`n=${NONCE}&o=${encodeURIComponent(PARENT)}&m=iframe`);
  assert.equal(w.sent.at(-1).data.type, 'hello');
  assert.equal(w.sent.at(-1).data.nonce, NONCE);
  w.deliver({ ...show(), nonce: 'ef'.repeat(16) });
  assert.equal(w.$('[data-impshim=window]'), undefined, 'another nonce is ignored');
  w.deliver(show({ pg: { ...data.pg, color: 'nope' } }));
  assert.equal(w.$('[data-impshim=window]').hidden, false);
  assert.equal(w.rootStyle['--brand'], undefined);
  w.$('[data-impshim=fail]').click();
  assert.ok(w.$('[data-impshim=window]'), 'the selector stays until imp.js parks the iframe, after the callback');
  assert.deepEqual(w.messages('result').map((r) => [r.data.nonce, r.data.result]), [[NONCE, 'failed']]);
});

test('a new hash after a payment starts over from a clean slate', () => {
  const w = openWindow();
  w.deliver(show({ customer_uid: 'cust_1', pg: { ...data.pg, color: '#ffe600' } }));
  w.$('[data-impshim=approve]').click();
  const next = 'cd'.repeat(16);
  w.navigate(`n=${next}&o=${encodeURIComponent(PARENT)}&m=iframe`);
  assert.equal(w.$('[data-impshim=window]'), undefined);
  w.deliver({ ...show({ pg: { ...data.pg, color: 'nope' } }), nonce: next });
  assert.equal(w.$('[data-role=billing]').hidden, true, 'the previous billing notice is gone');
  assert.equal(w.$('[data-impshim=approve]').textContent, '결제 승인');
  assert.equal(w.rootStyle['--brand'], undefined, 'the previous brand colour is gone');
  w.$('[data-impshim=cancel]').click();
  assert.deepEqual(w.messages('result').map((r) => [r.data.nonce, r.data.result]), [[NONCE, 'paid'], [next, 'cancelled']], 'one result per request');
});

test('the page itself never matches [data-impshim=window] before a payment shows', () => {
  assert.doesNotMatch(HTML, /data-impshim="?window/);
  const w = openWindow({ hash: `o=${encodeURIComponent(PARENT)}&m=iframe` });
  assert.equal(w.$('[data-impshim=window]'), undefined);
});

test('modal: the primary button has focus; Tab and Shift+Tab cycle inside the window', () => {
  const w = openWindow();
  w.deliver(show());
  const approve = w.$('[data-impshim=approve]');
  assert.equal(w.active(), approve, 'focus on the primary button at once');
  const order = [];
  for (let i = 0; i < 5; i++) {
    const ev = w.key('Tab');
    assert.equal(ev.prevented, true, 'Tab never leaves for the page behind');
    order.push(w.active().dataset.impshim || w.active().className);
  }
  // DOM order: close (×), cancel, fail, approve — then around again.
  assert.deepEqual(order, ['close', 'cancel', 'fail', 'approve', 'close']);
  w.key('Tab', true);
  assert.equal(w.active(), approve, 'Shift+Tab from the first goes to the last');
  w.key('Tab', true);
  assert.equal(w.active().dataset.impshim, 'fail');
  // Focus arriving at the frame (imp.js focuses the iframe) with nothing inside focused.
  const ctxDoc = w.ctx.document;
  w.active().focused = false;
  Object.defineProperty(ctxDoc, 'activeElement', { value: null, configurable: true });
  w.focusWindow();
  assert.equal(approve.focused, true);
});

test('dialog semantics in window.html: role=dialog, aria-modal, a label', () => {
  assert.match(HTML, /<section class="sheet pay" role="dialog" aria-modal="true" aria-labelledby="pg-name"/);
  assert.match(HTML, /<section class="sheet cert" role="dialog" aria-modal="true" aria-labelledby="cert-pg-name"/);
});

test('the payment-method line: documented names in both languages, simple pay says where it is chosen', () => {
  const cases = [
    [{ pay_method: 'trans' }, '실시간계좌이체 (trans)'],
    [{ pay_method: 'applepay' }, '애플페이 (applepay)'],
    [{ pay_method: 'toss_brandpay', language: 'en' }, 'Toss Payments Brandpay (toss_brandpay)'],
    [{ pay_method: 'samsungpay', language: 'en' }, 'Samsung Pay (samsungpay)'],
    [{ pay_method: 'not_a_method' }, 'not_a_method'],
    [{ pay_method: 'constructor' }, 'constructor'],
    [{ pay_method: 'card', pg: { code: 'kakaopay', name: 'Kakao Pay', name_ko: '카카오페이', color: '#ffe600', simple_pay: true } }, '카카오페이에서 선택 (간편결제)'],
    [{ pay_method: '', language: 'en', pg: { code: 'kakaopay', name: 'Kakao Pay', name_ko: '카카오페이', color: '#ffe600', simple_pay: true } }, 'Chosen in Kakao Pay (simple pay)'],
  ];
  for (const [extra, want] of cases) {
    const w = openWindow();
    w.deliver(show(extra));
    assert.equal(w.$('[data-field=pay_method]').textContent, want, JSON.stringify(extra));
  }
});

const approval = { url: `${SELF}/sdk/sandbox/attempts/imp_123456789012/approval`, merchant_code: 'imp1' };
const flush = () => new Promise((r) => setTimeout(r, 0));

test('with a ledger, the window approves through the server before it answers the bridge', async () => {
  const w = openWindow();
  let release;
  w.ledger.answer = () => new Promise((r) => { release = () => r({ ok: true, status: 200 }); });
  w.deliver({ ...show(), approval });
  w.$('[data-impshim=approve]').click();
  await flush();
  assert.equal(w.fetches.length, 1);
  assert.equal(w.fetches[0].url, approval.url);
  assert.equal(w.fetches[0].init.method, 'POST');
  assert.equal(w.fetches[0].init.headers['content-type'], 'application/json');
  assert.deepEqual(w.fetches[0].body, { merchant_code: 'imp1', result: 'paid', via: 'click' });
  assert.equal(w.messages('result').length, 0, 'the bridge hears nothing before the ledger answered');
  release();
  await flush();
  assert.deepEqual(w.messages('result').map((m) => m.data.result), ['paid']);
});

test('an approval still under way when imp.js parks the window and hands it the next request answers neither', async () => {
  const w = openWindow();
  let release;
  w.ledger.answer = () => new Promise((r) => { release = () => r({ ok: true, status: 200 }); });
  w.deliver({ ...show(), approval });
  w.$('[data-impshim=approve]').click();
  await flush();
  assert.equal(w.fetches.length, 1, 'the approval is under way');
  // The request ended meanwhile (IMP.close, the load timeout): parked, then given the next one.
  w.navigate(`o=${encodeURIComponent(PARENT)}&m=iframe`);
  const next = 'cd'.repeat(16);
  w.navigate(`n=${next}&o=${encodeURIComponent(PARENT)}&m=iframe`);
  release();
  await flush();
  assert.deepEqual(w.messages('result'), [], "the old request's approval says nothing, under the new nonce least of all");
  w.deliver({ ...show(), nonce: next });
  w.$('[data-impshim=cancel]').click();
  await flush();
  assert.deepEqual(w.messages('result').map((r) => [r.data.nonce, r.data.result]), [[next, 'cancelled']]);
});

test("setOutcome's complete message finishes the window as its button would; others are ignored", async () => {
  const w = openWindow();
  w.deliver({ ...show(), approval });
  w.deliver({ impshim: 1, nonce: 'x', type: 'complete', result: 'paid' });
  w.deliver({ impshim: 1, nonce: NONCE, type: 'complete', result: 'paid' }, { source: {} });
  w.deliver({ impshim: 1, nonce: NONCE, type: 'complete', result: 'paid' }, { origin: 'https://evil.test' });
  await flush();
  assert.equal(w.fetches.length, 0);
  w.deliver({ impshim: 1, nonce: NONCE, type: 'complete', result: 'cancelled' });
  await flush();
  assert.deepEqual(w.fetches.map((f) => f.body), [{ merchant_code: 'imp1', result: 'cancelled', via: 'setOutcome' }]);
  assert.deepEqual(w.messages('result').map((m) => m.data.result), ['cancelled']);
});

test('a ledger that fails or answers an error: a console warning naming the URL, the result still goes out', async () => {
  for (const [name, answer, want] of [
    ['down', async () => { throw new TypeError('Failed to fetch'); }, /could not reach the sandbox ledger at https:\/\/cdn\.test\/sdk\/sandbox\/attempts\/imp_123456789012\/approval: Failed to fetch/],
    ['refused', async () => ({ ok: false, status: 403 }), /the sandbox ledger at https:\/\/cdn\.test\/.*approval answered HTTP 403/],
  ]) {
    const w = openWindow();
    w.ledger.answer = answer;
    w.deliver({ ...show(), approval });
    w.$('[data-impshim=fail]').click();
    await flush();
    assert.ok(w.warnings.some((x) => want.test(x)), `${name}: ${w.warnings.join(' | ')}`);
    assert.deepEqual(w.messages('result').map((m) => m.data.result), ['failed'], name);
  }
});

test('an approval URL on another origin is never called; without one nothing is fetched', async () => {
  for (const a of [{ ...approval, url: 'https://evil.test/steal' }, { url: 5 }, null, undefined]) {
    const w = openWindow();
    w.deliver({ ...show(), approval: a });
    w.$('[data-impshim=approve]').click();
    await flush();
    assert.equal(w.fetches.length, 0, JSON.stringify(a));
    assert.deepEqual(w.messages('result').map((m) => m.data.result), ['paid']);
  }
});

const certData = {
  kind: 'certification', pg: 'inicis_unified', name: 'KG INICIS identity verification', name_ko: 'KG이니시스 통합인증', mid: 'MIIiasTest', label: '',
  color: '#1a4a9c', imp_uid: 'imp_123456789012', merchant_uid: 'cert_1', min_age: 19, language: 'ko', company: '테스트상점',
  identities: [
    { name: '홍길동', phone: '01012345678', carrier: 'SKT', birthday: '1990-01-01', gender: 'male', foreigner: false },
    { name: '김민지', phone: '01023456789', carrier: 'KTF', birthday: '2015-06-15', gender: 'female', foreigner: false },
    { name: 'John Smith', phone: '01034567890', carrier: 'LGT', birthday: '1985-03-20', gender: 'male', foreigner: true },
  ],
  prefill: { name: '', phone: '', carrier: '' },
  carriers: ['SKT', 'KTF', 'LGT', 'MVNO', 'NEWCO'],
};
const showCert = (extra = {}) => ({ impshim: 1, nonce: NONCE, type: 'show', data: { ...certData, ...extra } });

test('certification: its own sheet, the identities as a choice with the first chosen, a carrier, min_age and company', () => {
  const w = openWindow();
  w.deliver(showCert());
  const sheet = w.$('[data-impshim=window]');
  assert.equal(sheet, w.$.cert, 'the certification sheet is the window');
  assert.equal(w.$.root.hidden, true, 'the payment sheet stays hidden');
  for (const sel of ['[data-impshim=approve]', '[data-impshim=cancel]', '[data-impshim=pg]', '[data-impshim=mid]']) {
    assert.equal(w.ctx.document.querySelectorAll(sel).length, 1, `${sel} matches one element in the document`);
  }
  assert.equal(w.$.in(sheet, '[data-impshim=pg]').textContent, 'KG이니시스 통합인증');
  assert.equal(w.$.in(sheet, '[data-impshim=pg]').dataset.code, 'inicis_unified');
  assert.equal(w.$.in(sheet, '[data-impshim=mid]').textContent, 'MIIiasTest');
  const ids = sheet.querySelectorAll('[data-impshim=identity]');
  assert.equal(ids.length, 3);
  assert.deepEqual(ids.map((i) => i.checked), [true, false, false], 'a default is chosen');
  assert.equal(ids[2].parent.parent.text.includes('John Smith'), true);
  assert.match(ids[2].parent.parent.text, /외국인/);
  assert.equal(w.$.in(sheet, '[data-impshim=carrier]').value, 'SKT', "the first identity's carrier");
  assert.deepEqual(w.$.in(sheet, '[data-impshim=carrier]').children.map((o) => [o.value, o.textContent]),
    [['SKT', 'SKT'], ['KTF', 'KT'], ['LGT', 'LG U+'], ['MVNO', '알뜰폰'], ['NEWCO', 'NEWCO']], "the module's carriers, named where the page knows them");
  assert.equal(w.$.in(sheet, '[data-role=min-age]').textContent, '만 19세 이상만 인증할 수 있습니다.');
  assert.equal(w.$.in(sheet, '[data-role=company]').textContent, '테스트상점에서 요청한 본인인증입니다.');
  assert.equal(w.$.in(sheet, '[data-impshim=approve]').textContent, '인증하기');
  assert.equal(w.active(), w.$.in(sheet, '[data-impshim=approve]'), 'focus on the primary button');
  // Choose the minor: the carrier follows; the result carries the choice.
  ids[1].click();
  assert.equal(w.$.in(sheet, '[data-impshim=carrier]').value, 'KTF');
  w.$.in(sheet, '[data-impshim=approve]').click();
  assert.deepEqual(plainMsg(w.messages('result')), [{ result: 'paid', identity: 1, carrier: 'KTF' }]);
});

test('certification: English, no min_age, a prefilled carrier, cancel and Escape', () => {
  const w = openWindow();
  w.deliver(showCert({ language: 'en', min_age: null, company: '', prefill: { name: '', phone: '', carrier: 'MVNO' } }));
  const sheet = w.$.cert;
  assert.equal(w.documentElement.lang, 'en');
  assert.equal(w.$.in(sheet, '[data-impshim=pg]').textContent, 'KG INICIS identity verification');
  assert.equal(w.$.in(sheet, '[data-impshim=approve]').textContent, 'Verify');
  assert.equal(w.$.in(sheet, '[data-role=min-age]').hidden, true);
  assert.equal(w.$.in(sheet, '[data-role=company]').hidden, true);
  assert.equal(w.$.in(sheet, '[data-impshim=carrier]').value, 'MVNO', 'the params carrier wins');
  w.key('Escape');
  assert.deepEqual(plainMsg(w.messages('result')), [{ result: 'cancelled', identity: 0, carrier: 'MVNO' }]);
});

test('a payment after a certification in the same (spare) window starts clean, and the other way round', () => {
  const w = openWindow();
  w.deliver(showCert());
  w.$.in(w.$.cert, '[data-impshim=cancel]').click();
  const next = 'cd'.repeat(16);
  w.navigate(`n=${next}&o=${encodeURIComponent(PARENT)}&m=iframe`);
  assert.equal(w.$('[data-impshim=window]'), undefined);
  assert.equal(w.$.cert.hidden, true);
  w.deliver({ ...show(), nonce: next });
  assert.equal(w.$('[data-impshim=window]'), w.$.root);
  assert.equal(w.$.cert.hidden, true);
  w.$('[data-impshim=approve]').click();
  assert.deepEqual(w.messages('result').map((m) => m.data.result), ['cancelled', 'paid']);
});

test('installments: display.card_quota offers 일시불 and each plan; the choice goes with the result', () => {
  const w = openWindow();
  w.deliver(show({ amount: 60000, card_quota: [3, 6] }));
  const row = w.$('[data-role=quota]');
  assert.equal(row.hidden, false);
  const sel = w.$('[data-impshim=card_quota]');
  assert.deepEqual(sel.children.map((o) => [o.value, o.textContent]), [['0', '일시불'], ['3', '3개월'], ['6', '6개월']]);
  assert.equal(sel.value, '0');
  sel.value = '6';
  w.$('[data-impshim=approve]').click();
  assert.deepEqual(plainMsg(w.messages('result')), [{ result: 'paid', card_quota: 6 }]);

  const none = openWindow();
  none.deliver(show({ card_quota: [] }));
  assert.equal(none.$('[data-role=quota]').hidden, true);
  none.$('[data-impshim=approve]').click();
  assert.deepEqual(plainMsg(none.messages('result')), [{ result: 'paid' }], 'no card_quota without a choice');
});

function plainMsg(list) {
  return list.map((m) => { const { impshim, nonce, type, ...rest } = m.data; return JSON.parse(JSON.stringify(rest)); });
}
