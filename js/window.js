// impshim's mock payment window. It runs inside the overlay iframe or the popup opened by imp.js,
// learns what to show from the bridge by postMessage (never from its own URL, which a page could
// forge), and reports which button was pressed. Every merchant string goes in as textContent.
(() => {
  'use strict';

  // The 30 pay_method codes of the V1 request parameters, with the docs' own Korean names
  // (portone-io/developers.portone.io, src/routes/(root)/sdk/ko/v1-sdk/javascript-sdk/payrq.mdx).
  const METHODS_KO = {
    card: '신용카드', trans: '실시간계좌이체', vbank: '가상계좌', phone: '휴대폰소액결제', applepay: '애플페이',
    naverpay: '네이버페이', samsungpay: '삼성페이', kpay: 'KPay앱', kakaopay: '카카오페이', payco: '페이코',
    lpay: 'LPAY', ssgpay: 'SSG페이', tosspay: '토스페이', cultureland: '컬쳐랜드', smartculture: '스마트문상',
    culturegift: '문화상품권', booknlife: '도서문화상품권', point: '베네피아 포인트 / OK캐시백 포인트',
    wechat: '위쳇페이', alipay: '알리페이', unionpay: '유니온페이', pinpay: '핀페이', ssgpay_bank: 'SSG 은행계좌',
    skpay: '11Pay (구.SKPay)', naverpay_card: '네이버페이 - 카드', naverpay_point: '네이버페이 - 포인트',
    paypal: '페이팔', toss_brandpay: '토스페이먼츠 브랜드페이', tosspay_card: '토스페이 - 카드',
    tosspay_money: '토스페이 - 머니',
  };
  const METHODS_EN = {
    card: 'Credit card', trans: 'Real-time bank transfer', vbank: 'Virtual account', phone: 'Mobile phone billing',
    applepay: 'Apple Pay', naverpay: 'Naver Pay', samsungpay: 'Samsung Pay', kpay: 'KPay app', kakaopay: 'Kakao Pay',
    payco: 'PAYCO', lpay: 'LPAY', ssgpay: 'SSG Pay', tosspay: 'Toss Pay', cultureland: 'Cultureland gift card',
    smartculture: 'Smart Culture gift card', culturegift: 'Culture gift card', booknlife: 'Book & Life gift card',
    point: 'Benepia / OK Cashbag points', wechat: 'WeChat Pay', alipay: 'Alipay', unionpay: 'UnionPay',
    pinpay: 'PinPay', ssgpay_bank: 'SSG bank account', skpay: '11Pay (formerly SK Pay)',
    naverpay_card: 'Naver Pay – card', naverpay_point: 'Naver Pay – points', paypal: 'PayPal',
    toss_brandpay: 'Toss Payments Brandpay', tosspay_card: 'Toss Pay – card', tosspay_money: 'Toss Pay – money',
  };

  const TEXT = {
    ko: {
      subtitle: '테스트 결제창 · 실제로 결제되지 않습니다',
      amount: '결제금액', order: '주문명', method: '결제수단', paytype: '결제 유형', mid: '가맹점 MID (상점아이디)',
      customer: '고객 식별키 (customer_uid)', buyer: '구매자',
      approve: '결제 승인', fail: '결제 실패', cancel: '취소', close: '닫기',
      approveBilling: '빌링키 발급', approveVbank: '가상계좌 발급',
      billing: '정기결제용 카드 등록입니다. 승인하면 이 customer_uid로 빌링키가 발급됩니다.',
      vbank: '승인하면 가상계좌가 발급되고 결제 상태는 입금대기(ready)가 됩니다.',
      footer: 'impshim 샌드박스 · Esc 키를 누르면 결제가 취소됩니다',
      payType: { general: '일반결제', subscription: '정기결제', simple: '간편결제' },
      payMethod: METHODS_KO,
      simplePay: (name) => `${name}에서 선택 (간편결제)`,
      quota: '할부', lumpSum: '일시불', months: (n) => `${n}개월`,
      certSubtitle: '테스트 본인인증 · 실제 본인확인은 하지 않습니다', certTitle: '본인인증',
      identity: '인증할 사람 (샌드박스 신원)', carrier: '통신사', certApprove: '인증하기', certFail: '인증 실패',
      certFooter: 'impshim 샌드박스 · Esc 키를 누르면 인증이 취소됩니다',
      minAge: (n) => `만 ${n}세 이상만 인증할 수 있습니다.`, company: (c) => `${c}에서 요청한 본인인증입니다.`,
      foreigner: '외국인', gender: { male: '남', female: '여' },
      carriers: { SKT: 'SKT', KTF: 'KT', LGT: 'LG U+', MVNO: '알뜰폰' },
      none: '—',
    },
    en: {
      subtitle: 'Test payment window · no real money moves',
      amount: 'Amount', order: 'Order', method: 'Payment method', paytype: 'Pay type', mid: 'Merchant ID (MID)',
      customer: 'Customer UID', buyer: 'Buyer',
      approve: 'Approve', fail: 'Fail', cancel: 'Cancel', close: 'Close',
      approveBilling: 'Issue billing key', approveVbank: 'Issue account',
      billing: 'Card registration for recurring payments. Approving issues a billing key for this customer_uid.',
      vbank: 'Approving issues a virtual account; the payment status becomes "ready" until the buyer deposits.',
      footer: 'impshim sandbox · press Esc to cancel',
      payType: { general: 'General', subscription: 'Subscription', simple: 'Simple pay' },
      payMethod: METHODS_EN,
      simplePay: (name) => `Chosen in ${name} (simple pay)`,
      quota: 'Installments', lumpSum: 'Pay in full', months: (n) => `${n} months`,
      certSubtitle: 'Test identity verification · no real identity is checked', certTitle: 'Identity verification',
      identity: 'Who verifies (sandbox identities)', carrier: 'Mobile carrier', certApprove: 'Verify', certFail: 'Fail',
      certFooter: 'impshim sandbox · press Esc to cancel',
      minAge: (n) => `Only people aged ${n} or over can be verified.`, company: (c) => `Verification requested by ${c}.`,
      foreigner: 'foreigner', gender: { male: 'male', female: 'female' },
      carriers: { SKT: 'SKT', KTF: 'KT', LGT: 'LG U+', MVNO: 'MVNO (budget carrier)' },
      none: '—',
    },
  };

  const $ = (sel) => document.querySelector(sel);
  // Two sheets, one per kind of window; root is the one in use. A sheet carries
  // data-impshim=window only while it shows a request (set in render), so a page still loading, a
  // spare overlay or a finished window never matches that selector.
  const sheets = { payment: $('.sheet.pay'), certification: $('.sheet.cert') };
  let root = sheets.payment;
  // Only the sheet in use is in the document, so `[data-impshim=approve]` and the other stable
  // selectors each match one element for automation that queries the whole window.
  sheets.certification.remove();
  const inSheets = (sel) => [...sheets.payment.querySelectorAll(sel), ...sheets.certification.querySelectorAll(sel)];
  const P = (sel) => sheets.payment.querySelector(sel);
  const C = (sel) => sheets.certification.querySelector(sel);
  const primary = () => root.querySelector('[data-impshim=approve]');

  // The request this page serves comes from its URL hash. imp.js may load the overlay ahead of
  // time with no nonce (a spare) and later give it a request by changing only the hash (no reload).
  let nonce = '';
  let parentOrigin = '';
  let host = null;
  let shown = false;
  let finished = false;
  let hello = 0;
  // With a ledger, {url, merchant_code}: the window approves through the server before it answers
  // the bridge, the way a real PG window talks to the real service (CONTRACTS C2.2).
  let approval = null;
  const APPROVAL_MS = 3000;

  const send = (type, extra) => {
    try {
      host.postMessage({ impshim: 1, nonce, type, ...extra }, parentOrigin);
    } catch {
      // The opener navigated away or was closed: nobody is left to tell.
    }
  };

  function start() {
    const hash = new URLSearchParams(location.hash.slice(1));
    const mode = hash.get('m') === 'popup' ? 'popup' : 'iframe';
    nonce = hash.get('n') || '';
    parentOrigin = hash.get('o') || '';
    host = mode === 'popup' ? window.opener : (window.parent !== window ? window.parent : null);
    document.documentElement.dataset.mode = mode;
    clearInterval(hello);
    shown = false;
    finished = false;
    approval = null;
    takeDown();
    // Opened by hand, not by imp.js: say what this page is. A spare overlay (no nonce yet) waits.
    $('.orphan').hidden = Boolean(parentOrigin && host);
    if (!nonce || !parentOrigin || !host) return;
    // The bridge may not be listening yet (a popup opens before the request's checks have run),
    // so keep saying hello until it answers.
    hello = setInterval(() => send('hello'), 150);
    send('hello');
  }

  // takeDown hides the window and drops its selector, so automation sees it gone.
  function takeDown() {
    for (const sheet of Object.values(sheets)) {
      sheet.hidden = true;
      delete sheet.dataset.impshim;
    }
  }

  start();
  window.addEventListener('hashchange', start);

  window.addEventListener('message', (ev) => {
    if (shown || !nonce || ev.source !== host) return;
    if (parentOrigin !== '*' && ev.origin !== parentOrigin) return;
    const d = ev.data;
    if (!d || typeof d !== 'object' || d.impshim !== 1 || d.nonce !== nonce || d.type !== 'show') return;
    if (!d.data || typeof d.data !== 'object') return;
    shown = true;
    clearInterval(hello);
    approval = approvalOf(d.approval);
    if (d.data.kind === 'certification') renderCertification(d.data);
    else render(d.data);
  });

  // IMP.sandbox.setOutcome completes the window as its button would (the bridge says which).
  window.addEventListener('message', (ev) => {
    if (!shown || finished || ev.source !== host) return;
    if (parentOrigin !== '*' && ev.origin !== parentOrigin) return;
    const d = ev.data;
    if (!d || typeof d !== 'object' || d.impshim !== 1 || d.nonce !== nonce || d.type !== 'complete') return;
    if (typeof d.result === 'string') finish(d.result, 'setOutcome');
  });

  // approvalOf accepts only an endpoint on this page's own origin: the window talks to the server
  // it was served from, never to a URL a page could choose.
  function approvalOf(a) {
    if (!a || typeof a !== 'object' || typeof a.url !== 'string' || typeof a.merchant_code !== 'string') return null;
    try {
      const u = new URL(a.url, location.href);
      return u.origin === location.origin ? { url: u.href, merchant_code: a.merchant_code } : null;
    } catch {
      return null;
    }
  }

  // approve tells the ledger what the buyer chose; a failure is a console warning, never a hang.
  async function approve(result, via) {
    const ctl = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = setTimeout(() => { if (ctl) ctl.abort(); }, APPROVAL_MS);
    try {
      const res = await fetch(approval.url, {
        method: 'POST', headers: { 'content-type': 'application/json' }, credentials: 'same-origin',
        body: JSON.stringify({ merchant_code: approval.merchant_code, result, via }), signal: ctl ? ctl.signal : undefined,
      });
      if (!res.ok) console.warn(`[impshim] the sandbox ledger at ${approval.url} answered HTTP ${res.status}; the payment goes on in the browser`);
    } catch (err) {
      console.warn(`[impshim] could not reach the sandbox ledger at ${approval.url}: ${err && err.name === 'AbortError' ? `no answer within ${APPROVAL_MS / 1000} s` : err && err.message}; the payment goes on in the browser`);
    } finally {
      clearTimeout(timer);
    }
  }

  for (const b of inSheets('[data-action]')) {
    b.addEventListener('click', () => finish(b.dataset.action === 'cancel' ? 'cancelled' : b.dataset.action));
  }
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && shown) { ev.preventDefault(); finish('cancelled'); return; }
    if (ev.key === 'Tab' && shown && !finished) trapTab(ev);
  });

  // The window is modal (role=dialog, aria-modal): Tab and Shift+Tab cycle through its own
  // controls instead of leaving for the dimmed merchant page behind it.
  function focusables() {
    return Array.from(root.querySelectorAll('button, input, select, textarea, [tabindex]'))
      .filter((el) => !el.disabled && el.tabIndex >= 0 && !el.closest('[hidden]'));
  }
  function trapTab(ev) {
    const list = focusables();
    if (!list.length) return;
    const i = list.indexOf(document.activeElement);
    const next = ev.shiftKey ? (i <= 0 ? list.length - 1 : i - 1) : (i < 0 || i === list.length - 1 ? 0 : i + 1);
    ev.preventDefault();
    list[next].focus();
  }
  // Focus that arrives at the frame itself (imp.js focuses the iframe) goes to a control.
  window.addEventListener('focus', () => {
    if (shown && !finished && !root.contains(document.activeElement)) primary().focus();
  });

  function str(v) {
    return typeof v === 'string' ? v : (typeof v === 'number' && Number.isFinite(v) ? String(v) : '');
  }

  function formatAmount(amount, currency) {
    try {
      return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount);
    } catch {
      return `${amount} ${currency}`;
    }
  }

  // Text on the brand colour must stay readable whatever the catalog says.
  function onColor(hex) {
    const n = parseInt(hex.slice(1), 16);
    const lin = (c) => { const x = c / 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; };
    const l = 0.2126 * lin(n >> 16) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
    return l > 0.45 ? '#16181d' : '#ffffff';
  }

  // brand sets the PG's colour and the texts of a language, for either sheet.
  function brand(lang, color) {
    document.documentElement.lang = lang;
    const rootStyle = document.documentElement.style;
    if (/^#[0-9a-fA-F]{6}$/.test(color)) {
      rootStyle.setProperty('--brand', color);
      rootStyle.setProperty('--on-brand', onColor(color));
    } else {
      rootStyle.removeProperty('--brand');
      rootStyle.removeProperty('--on-brand');
    }
  }

  function fillTexts(t) {
    for (const el of inSheets('[data-text]')) el.textContent = t[el.dataset.text] || '';
    for (const close of inSheets('.close')) {
      close.setAttribute('aria-label', t.close);
      close.title = t.close;
    }
  }

  function logoText(name, code) {
    const words = (name || code).split(/[\s_()]+/).filter((w) => /^[A-Za-z0-9]/.test(w));
    return words.length && /^[A-Z0-9]{2,3}$/.test(words[0])
      ? words[0]
      : words.slice(0, 2).map((w) => w[0].toUpperCase()).join('');
  }

  // reveal shows the sheet once it is filled in and its handlers are live: automation that waits
  // for the window can click at once.
  function reveal(sheet) {
    if (!sheet.isConnected) root.replaceWith(sheet);
    root = sheet;
    sheet.dataset.impshim = 'window';
    sheet.hidden = false;
    primary().focus();
    send('shown');
  }

  function render(d) {
    const lang = d.language === 'en' ? 'en' : 'ko';
    const t = TEXT[lang];
    const pg = d.pg && typeof d.pg === 'object' ? d.pg : {};
    const code = str(pg.code);
    brand(lang, str(pg.color));
    // A reused window starts from the page's defaults.
    for (const sel of ['[data-role=customer]', '[data-role=billing]', '[data-role=vbank]']) P(sel).hidden = true;

    fillTexts(t);

    const pgName = P('[data-impshim=pg]');
    pgName.textContent = (lang === 'ko' ? str(pg.name_ko) : '') || str(pg.name) || code;
    pgName.dataset.code = code;
    P('[data-impshim=mid]').textContent = str(d.mid);
    P('.logo').textContent = logoText(str(pg.name), code);
    document.title = `${pgName.textContent} — impshim sandbox`;

    const currency = str(d.currency) || 'KRW';
    const amount = typeof d.amount === 'number' ? d.amount : Number(d.amount);
    const amountEl = P('[data-impshim=amount]');
    amountEl.textContent = formatAmount(amount, currency);
    amountEl.dataset.value = String(amount);

    const field = (name, text) => { P(`[data-field=${name}]`).textContent = text || t.none; };
    field('name', str(d.name));
    const method = str(d.pay_method);
    // A simple-pay PG picks the method in its own app: say where, not a method it will not use.
    const known = Object.hasOwn(t.payMethod, method) ? t.payMethod[method] : '';
    field('pay_method', pg.simple_pay
      ? t.simplePay(str(pg.name_ko && lang === 'ko' ? pg.name_ko : pg.name) || code)
      : (known ? `${known} (${method})` : method));
    const payType = str(d.pay_type);
    const label = str(d.label) ? ` · ${str(d.label)}` : '';
    field('pay_type', (t.payType[payType] ? `${t.payType[payType]} (${payType})` : payType) + label);

    const buyerLines = [str(d.buyer_name), str(d.buyer_email), str(d.buyer_tel)].filter(Boolean);
    field('buyer', buyerLines.join('\n'));

    const customerUID = str(d.customer_uid);
    if (customerUID) {
      P('[data-role=customer]').hidden = false;
      field('customer_uid', customerUID);
      const n = P('[data-role=billing]');
      n.textContent = t.billing;
      n.hidden = false;
      P('[data-impshim=approve]').textContent = t.approveBilling;
    } else if (d.vbank === true || method === 'vbank') {
      const n = P('[data-role=vbank]');
      n.textContent = t.vbank;
      n.hidden = false;
      P('[data-impshim=approve]').textContent = t.approveVbank;
    }

    // Installments (display.card_quota; the module offers them from 50,000 KRW, by card).
    const quotas = Array.isArray(d.card_quota) ? d.card_quota.filter((n) => Number.isInteger(n) && n > 0) : [];
    const quotaRow = P('[data-role=quota]');
    const quotaSelect = P('[data-impshim=card_quota]');
    quotaSelect.replaceChildren();
    quotaRow.hidden = quotas.length === 0;
    for (const n of [0, ...quotas]) {
      const o = document.createElement('option');
      o.value = String(n);
      o.textContent = n === 0 ? t.lumpSum : t.months(n);
      quotaSelect.appendChild(o);
    }
    quotaSelect.value = '0';

    reveal(sheets.payment);
  }

  // renderCertification fills the identity-verification sheet: the merchant's sandbox identities
  // (the first chosen), a carrier, and min_age / company when given.
  function renderCertification(d) {
    const lang = d.language === 'en' ? 'en' : 'ko';
    const t = TEXT[lang];
    const code = str(d.pg);
    brand(lang, str(d.color));
    fillTexts(t);
    const pgName = C('[data-impshim=pg]');
    pgName.textContent = (lang === 'ko' ? str(d.name_ko) : '') || str(d.name) || code;
    pgName.dataset.code = code;
    C('.logo').textContent = logoText(str(d.name), code);
    C('[data-impshim=mid]').textContent = str(d.mid);
    document.title = `${pgName.textContent} — impshim sandbox`;

    const minAge = C('[data-role=min-age]');
    minAge.hidden = !(typeof d.min_age === 'number' && d.min_age > 0);
    minAge.textContent = minAge.hidden ? '' : t.minAge(d.min_age);
    const company = C('[data-role=company]');
    company.hidden = !str(d.company);
    company.textContent = company.hidden ? '' : t.company(str(d.company));

    const people = Array.isArray(d.identities) ? d.identities.filter((p) => p && typeof p === 'object') : [];
    const list = C('[data-role=identities]');
    list.replaceChildren();
    people.forEach((p, i) => {
      const label = document.createElement('label');
      label.className = 'identity';
      const input = document.createElement('input');
      input.type = 'radio';
      input.name = 'identity';
      input.value = String(i);
      input.dataset.impshim = 'identity';
      input.dataset.index = String(i);
      input.checked = i === 0;
      input.addEventListener('change', () => { carrierOf(p); });
      const text = document.createElement('span');
      const who = document.createElement('span');
      who.className = 'who';
      who.textContent = str(p.name);
      const what = document.createElement('span');
      what.className = 'what';
      what.textContent = [str(p.birthday), str(p.phone), carrierName(t, str(p.carrier)), p.foreigner === true ? t.foreigner : '', t.gender[str(p.gender)] || ''].filter(Boolean).join(' · ');
      text.append(who, what);
      label.append(input, text);
      list.appendChild(label);
    });

    const select = C('[data-impshim=carrier]');
    select.replaceChildren();
    // The carrier codes are the module's (rules().carriers, passed by imp.js); this page only names them.
    const codes = Array.isArray(d.carriers) ? d.carriers.filter((c) => typeof c === 'string' && c) : Object.keys(t.carriers);
    for (const c of codes) {
      const o = document.createElement('option');
      o.value = c;
      o.textContent = carrierName(t, c);
      select.appendChild(o);
    }
    const prefill = d.prefill && typeof d.prefill === 'object' ? str(d.prefill.carrier) : '';
    function carrierOf(p) { select.value = str(p && p.carrier) || prefill || 'SKT'; }
    if (prefill && codes.includes(prefill)) select.value = prefill;
    else carrierOf(people[0]);

    reveal(sheets.certification);
  }

  function carrierName(t, c) {
    return Object.hasOwn(t.carriers, c) ? t.carriers[c] : c;
  }

  // extras is what the sheet in use adds to its result: the chosen identity and carrier, or the
  // chosen installment plan.
  function extras() {
    if (root === sheets.certification) {
      const chosen = Array.from(root.querySelectorAll('[data-impshim=identity]')).find((i) => i.checked);
      return { identity: chosen ? Number(chosen.value) : 0, carrier: C('[data-impshim=carrier]').value };
    }
    if (P('[data-role=quota]').hidden) return {};
    return { card_quota: Number(P('[data-impshim=card_quota]').value) || 0 };
  }

  async function finish(result, via = 'click') {
    if (!shown || finished) return;
    finished = true;
    // Hidden at once; the selector goes when imp.js parks the window, after the merchant's
    // callback, so automation that waits for it to go never races the callback.
    const extra = extras();
    root.hidden = true;
    if (!approval) { send('result', { result, ...extra }); return; }
    const request = nonce;
    await approve(result, via);
    // imp.js parks a finished window and gives it the next request by a new hash: an approval
    // still under way when this request ended (IMP.close, the load timeout) must not answer that one.
    if (nonce === request) send('result', { result, ...extra });
  }
})();
