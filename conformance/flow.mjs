// A merchant's server, written three times: once with each published i'mport V1 REST client from
// npm, exactly as their READMEs show, pointed at a running impshim instead of api.iamport.kr.
// conformance_test.go installs the clients (package-lock.json) and runs this file; every call
// prints one JSON line {client, call, ok, detail} and the Go test reads them.
//
// The browser half of each payment — what imp.js and the mock window do — is played here through
// the sandbox endpoints the real bridge calls (POST {sdk}/sandbox/attempts, …/approval with the
// window's Origin, …/outcome), so that the REST half has real payments to verify and cancel.

import { createRequire } from 'node:module';
import { randomInt } from 'node:crypto';

const require = createRequire(process.env.CONFORMANCE_MODULES + '/');
const BASE = process.env.IMPSHIM_URL.replace(/\/$/, '');
const ORIGIN = new URL(BASE).origin;
const MERCHANT = 'imp10391932';
// The public test credentials of imp10391932: the docs spell the key imp_apikey, the npm
// clients' defaults imp_apiKey; both reach the demo merchant.
const DOC_KEY = 'imp_apikey';
const DOC_SECRET = 'ekKoeW8RyKuT0zgaZsUtXXTLQ4AhPFW3ZGseDA6bkA5lamv9OqDMnxyeB9wqOsuO9W3Mx9YSJ4dTqJ3f';
const RUN = process.env.CONFORMANCE_RUN || String(Date.now());

const counts = {};

function report(client, call, ok, detail) {
  counts[client] = (counts[client] || 0) + 1;
  console.log(JSON.stringify({ client, call, ok, detail: detail === undefined ? '' : String(detail) }));
}

async function check(client, call, fn) {
  try {
    report(client, call, true, await fn());
  } catch (e) {
    report(client, call, false, e && e.stack ? e.stack.split('\n').slice(0, 3).join(' | ') : JSON.stringify(e));
  }
}

function expect(cond, what) {
  if (!cond) throw new Error('expected ' + what);
}

// rejection runs fn and returns what it rejected with; a fulfilment is a failure.
async function rejection(fn) {
  let value;
  try {
    value = await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection, got ' + JSON.stringify(value && (value.data ?? value)));
}

// --- the browser half: what imp.js and the window send ---------------------------------------

function newImpUID() {
  let digits = '';
  for (let i = 0; i < 12; i++) digits += randomInt(10);
  return 'imp_' + digits;
}

async function post(path, body, headers = {}) {
  const res = await fetch(BASE + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, body: json };
}

// attempt is the bridge's call before the window opens; it answers the server's {ok, error_*}.
async function attempt(merchantUid, amount, extra = {}) {
  const impUid = newImpUID();
  const request = { pg: 'html5_inicis', pay_method: 'card', merchant_uid: merchantUid, amount, name: 'conformance order',
    buyer_name: '홍길동', buyer_email: 'buyer@example.com', buyer_tel: '010-1234-5678', ...extra };
  const res = await post('/sdk/sandbox/attempts', {
    merchant_code: MERCHANT, imp_uid: impUid, merchant_uid: merchantUid, request,
    setting: { pg: 'html5_inicis', mid: 'MID-a', pay_type: 'general' }, amount, currency: 'KRW',
  });
  return { impUid, request, ...res };
}

// pay plays a whole approved payment: attempt, the window's approval, the bridge's outcome.
async function pay(merchantUid, amount, extra = {}) {
  const a = await attempt(merchantUid, amount, extra);
  expect(a.status === 200 && a.body.ok === true, `attempt accepted, got ${a.status} ${JSON.stringify(a.body)}`);
  const vbank = a.request.pay_method === 'vbank';
  const approval = await post(`/sdk/sandbox/attempts/${a.impUid}/approval`, { merchant_code: MERCHANT, result: 'paid' },
    { Origin: ORIGIN });
  expect(approval.body.ok === true, `approval accepted, got ${JSON.stringify(approval.body)}`);
  const now = Math.floor(Date.now() / 1000);
  const response = {
    success: true, imp_success: true, imp_uid: a.impUid, merchant_uid: merchantUid, pay_method: a.request.pay_method,
    paid_amount: amount, currency: 'KRW', status: vbank ? 'ready' : 'paid', name: a.request.name,
    pg_provider: 'html5_inicis', pg_type: 'payment', pg_tid: 'sandbox_' + a.impUid, apply_num: vbank ? '' : '30012345',
    buyer_name: a.request.buyer_name, buyer_email: a.request.buyer_email, buyer_tel: a.request.buyer_tel,
    paid_at: vbank ? 0 : now, receipt_url: BASE + '/sdk/receipt/' + a.impUid,
    ...(vbank ? { vbank_num: '56211234567890', vbank_name: '국민은행', vbank_holder: '(주)임프심', vbank_date: now + 86400 }
      : { card_name: '신한카드', card_number: '536148******1234', card_quota: 0 }),
  };
  const outcome = await post(`/sdk/sandbox/attempts/${a.impUid}/outcome`, { merchant_code: MERCHANT, response });
  expect(outcome.body.ok === true, `outcome accepted, got ${JSON.stringify(outcome.body)}`);
  return a.impUid;
}

// trigger is the sandbox's own event endpoint (the bank's deposit, an expiry, a console cancel).
async function trigger(token, body) {
  const res = await post('/sandbox/trigger', body, { Authorization: token });
  expect(res.status === 200 && res.body.code === 0, `trigger ${body.event} accepted, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.response;
}

async function tokenOf(key, secret) {
  const res = await post('/users/getToken', { imp_key: key, imp_secret: secret });
  expect(res.body.code === 0, 'a token');
  return res.body.response.access_token;
}

function uid(client, what) {
  return `cf_${client}_${what}_${RUN}`.slice(0, 40);
}

// --- npm "iamport" (0.3.4): bluebird promises, errors as Error with code IAMPORT_n / HTTP_n -----

async function viaIamport() {
  const C = 'iamport';
  const Iamport = require('iamport');
  Iamport.DEFAULT_HOST = BASE; // the client's only knob for its host
  const iamport = new Iamport(); // its default credentials: the public test keys
  const order = uid(C, 'order');
  let impUid;

  await check(C, 'prepare', async () => {
    const r = await iamport.payment.prepare({ merchant_uid: order, amount: 12000 });
    expect(r.merchant_uid === order && r.amount === 12000, `prepared ${order} 12000, got ${JSON.stringify(r)}`);
  });
  await check(C, 'getPrepare', async () => {
    const r = await iamport.payment.getPrepare({ merchant_uid: order });
    expect(r.amount === 12000, `amount 12000, got ${JSON.stringify(r)}`);
  });
  await check(C, 'prepared amount differs: attempt refused', async () => {
    const a = await attempt(order, 1200);
    expect(a.body.ok === false && a.body.error_code, `a refusal, got ${JSON.stringify(a.body)}`);
    return a.body.error_code + ' ' + a.body.error_msg;
  });
  await check(C, 'pay (attempt, approval, outcome)', async () => {
    impUid = await pay(order, 12000);
    return impUid;
  });
  await check(C, 'getByImpUid', async () => {
    const p = await iamport.payment.getByImpUid({ imp_uid: impUid });
    expect(p.status === 'paid' && p.amount === 12000 && p.merchant_uid === order, `paid 12000, got ${JSON.stringify(p)}`);
  });
  await check(C, 'getByMerchant', async () => {
    const p = await iamport.payment.getByMerchant({ merchant_uid: order });
    expect(p.imp_uid === impUid, `imp_uid ${impUid}, got ${p.imp_uid}`);
  });
  await check(C, 'getByStatus limit 1000', async () => {
    const r = await iamport.payment.getByStatus({ payment_status: 'paid', limit: 1000, sorting: '-started' });
    expect(r.list.some((p) => p.imp_uid === impUid), 'the payment in the paid list');
  });
  await check(C, 'F1002: the paid merchant_uid again', async () => {
    const a = await attempt(order, 12000);
    expect(a.body.ok === false && a.body.error_code === 'F1002', `F1002, got ${JSON.stringify(a.body)}`);
    return a.body.error_msg;
  });
  await check(C, 'partial cancel', async () => {
    const p = await iamport.payment.cancel({ imp_uid: impUid, amount: 2000, checksum: 12000, reason: '부분 반품' });
    expect(p.status === 'paid' && p.cancel_amount === 2000 && p.cancel_history.length === 1, `cancel_amount 2000, got ${JSON.stringify(p)}`);
  });
  await check(C, 'full cancel', async () => {
    const p = await iamport.payment.cancel({ merchant_uid: order, reason: '주문 취소' });
    expect(p.status === 'cancelled' && p.cancel_amount === 12000, `cancelled, got ${JSON.stringify(p)}`);
  });
  await check(C, 'refused cancel (already cancelled)', async () => {
    const e = await rejection(() => iamport.payment.cancel({ imp_uid: impUid }));
    expect(e instanceof Error && e.code === 'IAMPORT_1' && e.message === '이미 전액취소된 주문입니다.', `IAMPORT_1, got ${e.code} ${e.message}`);
    return e.code + ' ' + e.message;
  });
  await check(C, 'refused cancel (unknown payment)', async () => {
    const e = await rejection(() => iamport.payment.cancel({ imp_uid: 'imp_000000000000' }));
    expect(e.code === 'IAMPORT_1' && e.message === '취소할 결제건이 존재하지 않습니다.', `IAMPORT_1, got ${e.code} ${e.message}`);
    return e.message;
  });
  await check(C, 'getByImpUid unknown: HTTP 404', async () => {
    const e = await rejection(() => iamport.payment.getByImpUid({ imp_uid: 'imp_000000000000' }));
    expect(e.code === 'HTTP_404', `HTTP_404, got ${e.code}`);
  });
  let vbankUid;
  const vorder = uid(C, 'vbank');
  await check(C, 'vbank.create', async () => {
    const p = await iamport.vbank.create({ merchant_uid: vorder, amount: 30000, vbank_code: '004',
      vbank_due: Math.floor(Date.now() / 1000) + 3 * 86400, vbank_holder: '임프심' });
    expect(p.status === 'ready' && p.pay_method === 'vbank' && p.vbank_num && p.vbank_code === '004', `ready vbank, got ${JSON.stringify(p)}`);
    vbankUid = p.imp_uid;
    return vbankUid;
  });
  await check(C, 'vbank deposit (sandbox trigger), then verify', async () => {
    await trigger(await tokenOf(DOC_KEY, DOC_SECRET), { event: 'vbank.deposit', imp_uid: vbankUid });
    const p = await iamport.payment.getByImpUid({ imp_uid: vbankUid });
    expect(p.status === 'paid' && p.paid_at > 0, `paid, got ${p.status}`);
  });
  await check(C, 'vbank cancel with refund account', async () => {
    const p = await iamport.payment.cancel({ imp_uid: vbankUid, reason: '환불', refund_holder: '홍길동', refund_bank: '088', refund_account: '110123456789' });
    expect(p.status === 'cancelled', `cancelled, got ${p.status}`);
  });
  await check(C, 'wrong credentials: HTTP 401', async () => {
    const bad = new Iamport({ impKey: 'imp_wrong', impSecret: 'wrong' });
    const e = await rejection(() => bad.payment.getByImpUid({ imp_uid: impUid }));
    expect(e.code === 'HTTP_401', `HTTP_401, got ${e.code}`);
  });
}

// --- npm "iamporter" (1.4.2): axios; resolves {status, message, data, raw}; IamporterError ------

async function viaIamporter() {
  const C = 'iamporter';
  const { Iamporter, IamporterError } = require('iamporter');
  const iamporter = new Iamporter({ host: BASE }); // default apiKey/secret: the public test keys
  const order = uid(C, 'order');
  let impUid;

  await check(C, 'getToken', async () => {
    const r = await iamporter.getToken();
    expect(r.status === 200 && typeof r.data.access_token === 'string' && r.data.expired_at > r.data.now, `a token, got ${JSON.stringify(r.raw)}`);
  });
  await check(C, 'createPreparedPayment', async () => {
    const r = await iamporter.createPreparedPayment({ merchant_uid: order, amount: 5500 });
    expect(r.data.amount === 5500, `5500, got ${JSON.stringify(r.raw)}`);
  });
  await check(C, 'getPreparedPayment', async () => {
    const r = await iamporter.getPreparedPayment(order);
    expect(r.data.merchant_uid === order && r.data.amount === 5500, `prepared, got ${JSON.stringify(r.raw)}`);
  });
  await check(C, 'getPreparedPayment unknown: 404 with the real message', async () => {
    const r = await iamporter.getPreparedPayment(uid(C, 'nothing'));
    expect(r.status === 404 && r.data === null && r.message === '사전등록된 결제정보가 존재하지 않습니다.', `404, got ${r.status} ${JSON.stringify(r.raw)}`);
  });
  await check(C, 'pay (attempt, approval, outcome)', async () => {
    impUid = await pay(order, 5500);
    return impUid;
  });
  await check(C, 'findByImpUid', async () => {
    const r = await iamporter.findByImpUid(impUid);
    expect(r.data.status === 'paid' && r.data.amount === 5500, `paid 5500, got ${JSON.stringify(r.raw)}`);
  });
  await check(C, 'findByImpUid unknown: 404 with the real message', async () => {
    const r = await iamporter.findByImpUid('imp_000000000000');
    expect(r.status === 404 && r.data === null && r.message === '존재하지 않는 결제정보입니다.', `404, got ${r.status} ${JSON.stringify(r.raw)}`);
  });
  await check(C, 'findByMerchantUid', async () => {
    const r = await iamporter.findByMerchantUid(order);
    expect(r.data.imp_uid === impUid, `imp_uid ${impUid}, got ${JSON.stringify(r.raw)}`);
  });
  await check(C, 'findAllByMerchantUid (trailing empty status)', async () => {
    const r = await iamporter.findAllByMerchantUid(order);
    expect(r.data.total === 1 && r.data.list[0].imp_uid === impUid, `one payment, got ${JSON.stringify(r.raw)}`);
  });
  await check(C, 'findAllByStatus', async () => {
    const r = await iamporter.findAllByStatus('paid', { limit: 1000, sorting: 'started' });
    expect(r.data.list.some((p) => p.imp_uid === impUid), 'the payment in the list');
  });
  await check(C, 'findAllByStatus bad status: IamporterError', async () => {
    const e = await rejection(() => iamporter.findAllByStatus('iamporter-test-status'));
    expect(e instanceof IamporterError && e.message === '지원되지 않는 상태값입니다.', `IamporterError, got ${e.message}`);
  });
  await check(C, 'cancelByImpUid partial', async () => {
    const r = await iamporter.cancelByImpUid(impUid, { amount: 500, checksum: 5500, reason: 'partial' });
    expect(r.data.status === 'paid' && r.data.cancel_amount === 500, `cancel_amount 500, got ${JSON.stringify(r.raw)}`);
  });
  await check(C, 'cancelByImpUid wrong checksum: IamporterError, nothing changes', async () => {
    const e = await rejection(() => iamporter.cancelByImpUid(impUid, { amount: 500, checksum: 5500 }));
    expect(e instanceof IamporterError, `IamporterError, got ${e}`);
    const r = await iamporter.findByImpUid(impUid);
    expect(r.data.cancel_amount === 500, `cancel_amount still 500, got ${r.data.cancel_amount}`);
    return e.message;
  });
  await check(C, 'cancelByMerchantUid full', async () => {
    const r = await iamporter.cancelByMerchantUid(order, { reason: 'full' });
    expect(r.data.status === 'cancelled' && r.data.cancel_amount === 5500, `cancelled, got ${JSON.stringify(r.raw)}`);
  });
  await check(C, 'cancelByImpUid unknown: IamporterError, not a success', async () => {
    const e = await rejection(() => iamporter.cancelByImpUid('iamporter-test-imp-uid'));
    expect(e instanceof IamporterError && /취소할 결제건이 존재하지 않습니다./.test(e.message), `IamporterError, got ${e.message}`);
    return e.message;
  });
  await check(C, 'cancel without any uid: IamporterError', async () => {
    const e = await rejection(() => iamporter.cancel());
    expect(e instanceof IamporterError && /지정해주셔야합니다./.test(e.message), `IamporterError, got ${e.message}`);
    return e.message;
  });
  let vbankUid;
  await check(C, 'createVbank', async () => {
    const r = await iamporter.createVbank({ merchant_uid: uid(C, 'vbank'), amount: 42000, vbank_code: '088',
      vbank_due: Math.floor(Date.now() / 1000) + 86400, vbank_holder: '임프심', buyer_name: '홍길동' });
    expect(r.data.status === 'ready' && r.data.vbank_code === '088' && r.data.vbank_holder === '임프심', `ready, got ${JSON.stringify(r.raw)}`);
    vbankUid = r.data.imp_uid;
  });
  await check(C, 'unpaid vbank: cancel in full', async () => {
    const r = await iamporter.cancelByImpUid(vbankUid, { reason: 'no deposit' });
    expect(r.data.status === 'cancelled', `cancelled, got ${JSON.stringify(r.raw)}`);
  });
  await check(C, 'invalid token: IamporterError (401)', async () => {
    const other = new Iamporter({ host: BASE });
    other.token = 'invalid-token';
    other.expireAt = Math.floor(Date.now() / 1000) + 5000;
    const e = await rejection(() => other.findByImpUid(impUid));
    expect(e instanceof IamporterError && e.status === 401, `IamporterError 401, got ${e.status} ${e.message}`);
  });
}

// --- npm "iamport-rest-client-nodejs" (0.9.12): request objects; Item/List/Collection answers -----

async function viaRestClient() {
  const C = 'rest-client-nodejs';
  const { Iamport, Request } = require('iamport-rest-client-nodejs');
  const { Authenticate, Payments, Prepare, Vbanks, Escrows, Banks, Cards } = Request;
  const iamport = new Iamport({ apiKey: DOC_KEY, apiSecret: DOC_SECRET, baseUrl: BASE });
  const order = uid('rc', 'order');
  let impUid;

  await check(C, 'Authenticate.getToken', async () => {
    const r = await Authenticate.getToken({ imp_key: DOC_KEY, imp_secret: DOC_SECRET }).request(iamport);
    expect(r.data.code === 0 && typeof r.data.response.access_token === 'string', `a token, got ${JSON.stringify(r.data)}`);
  });
  await check(C, 'Prepare.postAmount', async () => {
    const r = await Prepare.postAmount({ merchant_uid: order, amount: 8800 }).request(iamport);
    expect(r.data.response.amount === 8800, `8800, got ${JSON.stringify(r.data)}`);
  });
  await check(C, 'Prepare.getAmount', async () => {
    const r = await Prepare.getAmount({ merchant_uid: order }).request(iamport);
    expect(r.data.response.merchant_uid === order && r.data.response.amount === 8800, `prepared, got ${JSON.stringify(r.data)}`);
  });
  await check(C, 'pay (attempt, approval, outcome), escrow', async () => {
    impUid = await pay(order, 8800, { escrow: true });
    return impUid;
  });
  await check(C, 'Payments.getByImpUid', async () => {
    const r = await Payments.getByImpUid({ imp_uid: impUid }).request(iamport);
    const p = r.data.response;
    expect(p.status === 'paid' && p.amount === 8800 && p.escrow === true && p.paid_at instanceof Date, `paid escrow, got ${JSON.stringify(p)}`);
  });
  await check(C, 'Payments.getByImpUids with an unknown one: 207, failed listed', async () => {
    const r = await Payments.getByImpUids({ imp_uid: [impUid, 'imp_000000000000'] }).request(iamport);
    expect(r.status === 207 && r.data.response.length === 1 && r.data.failed.length === 1 && r.data.failed[0] === 'imp_000000000000',
      `207, got ${r.status} ${JSON.stringify(r.data)}`);
  });
  await check(C, 'Payments.getByMerchantUid (status paid)', async () => {
    const r = await Payments.getByMerchantUid({ merchant_uid: order, status: 'paid', sorting: '-started' }).request(iamport);
    expect(r.data.response.imp_uid === impUid, `imp_uid ${impUid}, got ${JSON.stringify(r.data)}`);
  });
  await check(C, 'Payments.getByMerchantUids (status "")', async () => {
    const r = await Payments.getByMerchantUids({ merchant_uid: order, status: '', page: 1, sorting: '-started' }).request(iamport);
    expect(r.data.response.total === 1 && r.data.response.list[0].imp_uid === impUid, `one, got ${JSON.stringify(r.data)}`);
  });
  await check(C, 'Payments.getByStatus all, limit 1000, sorting started', async () => {
    const r = await Payments.getByStatus({ status: 'all', page: 1, limit: 1000, sorting: 'started' }).request(iamport);
    const list = r.data.response.list;
    expect(list.some((p) => p.imp_uid === impUid), 'the payment in the list');
    for (let i = 1; i < list.length; i++) expect(list[i - 1].started_at <= list[i].started_at, 'ascending started_at');
    return `${list.length} of ${r.data.response.total}`;
  });
  await check(C, 'Payments.getAmountByImpUid (balance)', async () => {
    const r = await Payments.getAmountByImpUid({ imp_uid: impUid }).request(iamport);
    const b = r.data.response;
    expect(b.amount === 8800 && Array.isArray(b.histories) && b.primary.supply + b.primary.vat + b.primary.tax_free === 8800,
      `a balance of 8800, got ${JSON.stringify(b)}`);
  });
  await check(C, 'Escrows.postEscrow', async () => {
    const sentAt = Math.floor(Date.now() / 1000);
    const r = await Escrows.postEscrow({ imp_uid: impUid,
      sender: { name: '임프심', tel: '02-1234-5678', addr: '서울시 강남구', postcode: '06236' },
      receiver: { name: '홍길동', tel: '010-1234-5678', addr: '서울시 종로구', postcode: '03154' },
      logis: { company: 'CJGLS', invoice: '123456789012', sent_at: sentAt } }).request(iamport);
    const l = r.data.response;
    expect(l.company === 'CJGLS' && l.invoice === '123456789012' && l.sent_at instanceof Date && l.applied_at instanceof Date, `logis, got ${JSON.stringify(l)}`);
  });
  await check(C, 'Escrows.putEscrow', async () => {
    const r = await Escrows.putEscrow({ imp_uid: impUid,
      sender: { name: '임프심', tel: '02-1234-5678', addr: '서울시 강남구', postcode: '06236' },
      receiver: { name: '홍길동', tel: '010-1234-5678', addr: '서울시 종로구', postcode: '03154' },
      logis: { company: 'HANJIN', invoice: '999', sent_at: Math.floor(Date.now() / 1000) } }).request(iamport);
    expect(r.data.response.company === 'HANJIN' && r.data.response.invoice === '999', `updated, got ${JSON.stringify(r.data)}`);
  });
  await check(C, 'Payments.cancel partial then full', async () => {
    let r = await Payments.cancel({ imp_uid: impUid, amount: 800, checksum: 8800, reason: 'partial' }).request(iamport);
    expect(r.data.response.cancel_amount === 800 && r.data.response.status === 'paid', `partial, got ${JSON.stringify(r.data)}`);
    r = await Payments.cancel({ imp_uid: impUid, reason: 'rest' }).request(iamport);
    expect(r.data.response.status === 'cancelled' && r.data.response.cancel_amount === 8800, `cancelled, got ${JSON.stringify(r.data)}`);
  });
  await check(C, 'Payments.cancel refused: rejected with {response: {data: {code}}}', async () => {
    const e = await rejection(() => Payments.cancel({ imp_uid: impUid, reason: 'again' }).request(iamport));
    expect(e.response && e.response.data.code === 1 && e.response.data.message === '이미 전액취소된 주문입니다.', `code 1, got ${JSON.stringify(e.response && e.response.data)}`);
    return e.response.data.message;
  });
  let vbankUid;
  await check(C, 'Vbanks.post', async () => {
    const r = await Vbanks.post({ merchant_uid: uid('rc', 'vbank'), amount: 20000, vbank_code: '020',
      vbank_due: Math.floor(Date.now() / 1000) + 86400, vbank_holder: '임프심', pg: 'html5_inicis' }).request(iamport);
    const p = r.data.response;
    expect(p.status === 'ready' && p.vbank_code === '020' && p.vbank_date instanceof Date, `ready, got ${JSON.stringify(p)}`);
    vbankUid = p.imp_uid;
  });
  await check(C, 'Vbanks.put (amount, due)', async () => {
    const due = Math.floor(Date.now() / 1000) + 2 * 86400;
    const r = await Vbanks.put({ imp_uid: vbankUid, amount: 25000, vbank_due: due }).request(iamport);
    expect(r.data.response.amount === 25000 && r.data.response.vbank_date.getTime() === due * 1000, `updated, got ${JSON.stringify(r.data)}`);
  });
  await check(C, 'Vbanks.delete', async () => {
    const r = await Vbanks.delete({ imp_uid: vbankUid }).request(iamport);
    expect(r.data.response.status === 'cancelled', `cancelled, got ${JSON.stringify(r.data)}`);
  });
  await check(C, 'Vbanks.delete again: refused', async () => {
    const e = await rejection(() => Vbanks.delete({ imp_uid: vbankUid }).request(iamport));
    expect(e.response && (e.response.status === 400 || e.response.data.code !== 0), `a refusal, got ${JSON.stringify(e.response && e.response.data)}`);
  });
  await check(C, 'Vbanks.getHolder', async () => {
    const r = await Vbanks.getHolder({ bank_code: '004', bank_num: '123-456-789012' }).request(iamport);
    expect(typeof r.data.response.bank_holder === 'string' && r.data.response.bank_holder !== '', `a holder, got ${JSON.stringify(r.data)}`);
  });
  await check(C, 'Banks.getBanks, Banks.getBank', async () => {
    const all = await Banks.getBanks().request(iamport);
    expect(all.data.response.some((b) => b.code === '004'), 'KB in the bank list');
    const one = await Banks.getBank({ code: '088' }).request(iamport);
    expect(one.data.response.code === '088' && /신한/.test(one.data.response.name), `신한, got ${JSON.stringify(one.data)}`);
  });
  await check(C, 'Cards.getCards, Cards.getCard', async () => {
    const all = await Cards.getCards().request(iamport);
    expect(all.data.response.length >= 15, 'the card list');
    const one = await Cards.getCard({ code: '361' }).request(iamport);
    expect(one.data.response.code === '361' && /BC/.test(one.data.response.name), `BC, got ${JSON.stringify(one.data)}`);
  });
  await check(C, 'another merchant\'s imp_uid is invisible', async () => {
    const e = await rejection(() => Payments.getByImpUid({ imp_uid: process.env.CONFORMANCE_OTHER_IMP_UID }).request(iamport));
    expect(e.response && e.response.status === 404, `404, got ${e.response && e.response.status}`);
  });
}


// --- billing keys and schedules (/subscribe/…), each client's own calls ----------------------
// The card fields are the sandbox's test cards (docs/subscribe.md): 4242… is approved,
// 4000-0000-0000-0002 declined (code 0, status failed, as the real API answers a decline).

const CARD = { card_number: '4242-4242-4242-4242', expiry: '2099-12', birth: '900101', pwd_2digit: '00' };
const DECLINE = { ...CARD, card_number: '4000-0000-0000-0002' };

async function billingViaIamport() {
  const C = 'iamport';
  const Iamport = require('iamport');
  Iamport.DEFAULT_HOST = BASE;
  const iamport = new Iamport();
  const cuid = uid('ip', 'key');
  await check(C, 'subscribe_customer.create (pg code.MID)', async () => {
    const k = await iamport.subscribe_customer.create({ customer_uid: cuid, pg: 'html5_inicis.MID-b', ...CARD });
    expect(k.customer_uid === cuid && k.pg_id === 'MID-b' && k.card_number === '42424242****4242', `a key on MID-b, got ${JSON.stringify(k)}`);
  });
  await check(C, 'subscribe_customer.get', async () => {
    const k = await iamport.subscribe_customer.get({ customer_uid: cuid });
    expect(k.customer_uid === cuid && k.pg_provider === 'html5_inicis', `the key, got ${JSON.stringify(k)}`);
  });
  let paidUid;
  await check(C, 'subscribe.again', async () => {
    const p = await iamport.subscribe.again({ customer_uid: cuid, merchant_uid: uid('ip', 'again'), amount: 8900, name: '월간 이용권' });
    expect(p.status === 'paid' && p.amount === 8900 && p.customer_uid === cuid, `paid 8900, got ${JSON.stringify(p)}`);
    paidUid = p.imp_uid;
  });
  await check(C, 'payment.cancel of a billing-key charge', async () => {
    const p = await iamport.payment.cancel({ imp_uid: paidUid, reason: 'conformance' });
    expect(p.status === 'cancelled', `cancelled, got ${JSON.stringify(p)}`);
  });
  await check(C, 'subscribe.again unknown customer_uid: IAMPORT_1', async () => {
    const e = await rejection(() => iamport.subscribe.again({ customer_uid: uid('ip', 'nobody'), merchant_uid: uid('ip', 'again2'), amount: 100 }));
    expect(e.code === 'IAMPORT_1' && e.message === '등록된 고객정보가 없습니다.', `IAMPORT_1, got ${e.code} ${e.message}`);
    return e.message;
  });
  await check(C, 'subscribe.onetime declined: status failed', async () => {
    const p = await iamport.subscribe.onetime({ merchant_uid: uid('ip', 'once'), amount: 1000, ...DECLINE });
    expect(p.status === 'failed' && /거절/.test(p.fail_reason), `failed, got ${JSON.stringify(p)}`);
  });
  const at = Math.floor(Date.now() / 1000) + 30 * 86400;
  await check(C, 'subscribe.schedule', async () => {
    const list = await iamport.subscribe.schedule({ customer_uid: cuid, schedules: [
      { merchant_uid: uid('ip', 's1'), schedule_at: at, amount: 8900, name: '정기결제' },
      { merchant_uid: uid('ip', 's2'), schedule_at: at + 30 * 86400, amount: 8900, name: '정기결제' }] });
    expect(Array.isArray(list) && list.length === 2 && list[0].schedule_status === 'scheduled', `two scheduled, got ${JSON.stringify(list)}`);
  });
  await check(C, 'subscribe.schedule duplicate merchant_uid: IAMPORT_1, nothing booked', async () => {
    const e = await rejection(() => iamport.subscribe.schedule({ customer_uid: cuid, schedules: [
      { merchant_uid: uid('ip', 's3'), schedule_at: at, amount: 1, name: 'x' }, { merchant_uid: uid('ip', 's3'), schedule_at: at + 1, amount: 1, name: 'x' }] }));
    expect(e.code === 'IAMPORT_1', `IAMPORT_1, got ${e.code} ${e.message}`);
    return e.message;
  });
  await check(C, 'subscribe.unschedule', async () => {
    const list = await iamport.subscribe.unschedule({ customer_uid: cuid, merchant_uid: uid('ip', 's2') });
    expect(list.length === 1 && list[0].schedule_status === 'revoked', `revoked, got ${JSON.stringify(list)}`);
  });
  await check(C, 'subscribe_customer.delete, then get: HTTP 404', async () => {
    const k = await iamport.subscribe_customer.delete({ customer_uid: cuid });
    expect(k.customer_uid === cuid, `the deleted key, got ${JSON.stringify(k)}`);
    const e = await rejection(() => iamport.subscribe_customer.get({ customer_uid: cuid }));
    expect(e.code === 'HTTP_404', `HTTP_404, got ${e.code}`);
  });
}

async function billingViaIamporter() {
  const C = 'iamporter';
  const { Iamporter } = require('iamporter');
  const iamporter = new Iamporter({ host: BASE });
  const cuid = uid('ir', 'key');
  await check(C, 'createSubscription', async () => {
    const r = await iamporter.createSubscription({ customer_uid: cuid, pg: 'html5_inicis.MID-b', ...CARD });
    expect(r.status === 200 && r.data.customer_uid === cuid && r.data.pg_id === 'MID-b', `a key, got ${JSON.stringify(r.raw)}`);
  });
  await check(C, 'getSubscription', async () => {
    const r = await iamporter.getSubscription(cuid);
    expect(r.data.customer_uid === cuid, `the key, got ${JSON.stringify(r.raw)}`);
  });
  await check(C, 'paySubscription (again, amount checked by the client)', async () => {
    const r = await iamporter.paySubscription({ customer_uid: cuid, merchant_uid: uid('ir', 'again'), amount: 4900, name: '월간' });
    expect(r.data.status === 'paid' && r.data.amount === 4900, `paid, got ${JSON.stringify(r.raw)}`);
  });
  await check(C, 'payOnetime', async () => {
    const r = await iamporter.payOnetime({ merchant_uid: uid('ir', 'once'), amount: 1200, ...CARD });
    expect(r.data.status === 'paid' && r.data.amount === 1200, `paid, got ${JSON.stringify(r.raw)}`);
  });
  await check(C, 'deleteSubscription, then getSubscription: 404 resolves (the client\'s way)', async () => {
    const d = await iamporter.deleteSubscription(cuid);
    expect(d.data.customer_uid === cuid, `deleted, got ${JSON.stringify(d.raw)}`);
    const r = await iamporter.getSubscription(cuid);
    expect(r.status === 404 && r.raw.code === 1, `404 code 1, got ${r.status} ${JSON.stringify(r.raw)}`);
    return r.message;
  });
}

async function billingViaRestClient() {
  const C = 'rest-client-nodejs';
  const { Iamport, Request } = require('iamport-rest-client-nodejs');
  const { Customers, Subscribe } = Request;
  const iamport = new Iamport({ apiKey: DOC_KEY, apiSecret: DOC_SECRET, baseUrl: BASE });
  const cuid = uid('rb', 'key');
  await check(C, 'Customers.postBillingKey', async () => {
    const r = await Customers.postBillingKey({ customer_uid: cuid, pg: 'html5_inicis.MID-b', ...CARD }).request(iamport);
    // The client's Customer keeps the card fields and dates (inserted as a Date), not pg_id.
    const k = r.data.response;
    expect(k.customer_uid === cuid && k.card_number === '42424242****4242' && k.inserted instanceof Date, `a key, got ${JSON.stringify(r.data)}`);
  });
  await check(C, 'Customers.getBillingKey, getBillingKeys', async () => {
    const one = await Customers.getBillingKey({ customer_uid: cuid }).request(iamport);
    expect(one.data.response.customer_uid === cuid, `the key, got ${JSON.stringify(one.data)}`);
    const many = await Customers.getBillingKeys({ customer_uid: [cuid] }).request(iamport);
    expect(many.data.response.length === 1, `a list of one, got ${JSON.stringify(many.data)}`);
  });
  await check(C, 'Subscribe.again', async () => {
    const r = await Subscribe.again({ customer_uid: cuid, merchant_uid: uid('rb', 'again'), amount: 3300, name: '월간' }).request(iamport);
    expect(r.data.response.status === 'paid' && r.data.response.amount === 3300, `paid, got ${JSON.stringify(r.data)}`);
  });
  const at = Math.floor(Date.now() / 1000) + 7 * 86400;
  const mu = uid('rb', 's1');
  await check(C, 'Subscribe.schedule, getScheduled', async () => {
    await Subscribe.schedule({ customer_uid: cuid, schedules: [{ merchant_uid: mu, schedule_at: at, amount: 3300, name: '정기' }] }).request(iamport);
    const r = await Subscribe.getScheduled({ merchant_uid: mu }).request(iamport);
    expect(r.data.response.merchant_uid === mu && r.data.response.schedule_status === 'scheduled', `scheduled, got ${JSON.stringify(r.data)}`);
  });
  await check(C, 'Subscribe.getScheduleds, Customers.getScheduleds (collections)', async () => {
    const range = { customer_uid: cuid, from: at - 10, to: at + 10, page: 1 };
    const a = await Subscribe.getScheduleds(range).request(iamport);
    expect(a.data.response.total === 1 && a.data.response.list[0].merchant_uid === mu, `one, got ${JSON.stringify(a.data)}`);
    const b = await Customers.getScheduleds(range).request(iamport);
    expect(b.data.response.total === 1, `one, got ${JSON.stringify(b.data)}`);
  });
  await check(C, 'Customers.getPayments', async () => {
    const r = await Customers.getPayments({ customer_uid: cuid, page: 1 }).request(iamport);
    expect(r.data.response.total === 1 && r.data.response.list[0].customer_uid === cuid, `one payment, got ${JSON.stringify(r.data)}`);
  });
  await check(C, 'Subscribe.unschedule', async () => {
    const r = await Subscribe.unschedule({ customer_uid: cuid, merchant_uid: [mu] }).request(iamport);
    expect(r.data.code === 0, `unscheduled, got ${JSON.stringify(r.data)}`);
  });
  await check(C, 'Subscribe.schedule in the past: rejected with code 1', async () => {
    const e = await rejection(() => Subscribe.schedule({ customer_uid: cuid,
      schedules: [{ merchant_uid: uid('rb', 'past'), schedule_at: 1500000000, amount: 1, name: 'x' }] }).request(iamport));
    expect(e.response ? e.response.data.code === 1 : e.code === 1 || /현재 시각/.test(JSON.stringify(e)), `code 1, got ${JSON.stringify(e.response ? e.response.data : e)}`);
  });
  await check(C, 'Customers.deleteBillingKey', async () => {
    const r = await Customers.deleteBillingKey({ customer_uid: cuid }).request(iamport);
    expect(r.data.response.customer_uid === cuid, `deleted, got ${JSON.stringify(r.data)}`);
  });
}

const only = process.argv[2];
for (const [name, ...runs] of [['iamport', viaIamport, billingViaIamport], ['iamporter', viaIamporter, billingViaIamporter],
  ['rest-client-nodejs', viaRestClient, billingViaRestClient]]) {
  if (!only || only === name) {
    for (const run of runs) {
      try {
        await run();
      } catch (e) {
        report(name, 'client loads and runs', false, e && e.stack);
      }
    }
    console.log(JSON.stringify({ client: name, done: true, calls: counts[name] || 0 }));
  }
}
