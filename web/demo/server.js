// "Your server": what a merchant's back end does after request_pay — a token, the verification
// call, the ledger's view of every attempt (cancel, partial cancel, deposit), the webhooks sent —
// all through the server's real V1 REST API and the SDK's sandbox endpoints, as your code would.

import { $, el, setText, setValue, showMessage } from "./dom.js";
import { state, changed, save } from "./state.js";
import { SDK_BASE, sandboxURL, serverSays } from "./ledger.js";
import { formatAmount } from "./request.js";
import { copyText } from "./snippet.js";
import { refreshBilling, renderBilling, wireBilling } from "./billing.js";

// The sandbox's documented test credentials: the demo merchant's (README, "Server-side sandbox
// API"), and those of a code the server has no merchant file for — the built-in sandbox merchant,
// imp_key the code itself (ledger.SandboxSecret; the server's 401 says the same). A merchant file's
// own keys never reach a browser: the merchant JSON served to pages leaves imp_key and imp_secret
// out, so for such a code a person types them here.
export const DEMO_MERCHANT = "imp10391932";
export const DEMO_KEYS = Object.freeze({ imp_key: "imp_apikey", imp_secret: "sandbox_secret" });
const SANDBOX_SECRET = "sandbox_secret";

const API = location.origin;

// keysFor says which credentials this panel uses, and where they come from: "demo", "builtin"
// (no merchant file), "file" (typed by a person), or "" while the file is being looked for.
function keysFor(s) {
  const code = s.configure.merchant_code;
  if (code === DEMO_MERCHANT) return { ...DEMO_KEYS, known: true, kind: "demo" };
  if (s.server.for === code && s.server.hasFile === false) return { imp_key: code, imp_secret: SANDBOX_SECRET, known: true, kind: "builtin" };
  return { imp_key: s.server.key, imp_secret: s.server.secret, known: false, kind: s.server.hasFile ? "file" : "" };
}

// hasMerchantFile asks where IMP.init looks (merchants/<code>.json next to imp.js): a file means
// the merchant's own keys; none means the built-in sandbox merchant.
async function hasMerchantFile(code) {
  try {
    const r = await fetch(new URL(`merchants/${encodeURIComponent(code)}.json`, SDK_BASE), { cache: "no-store" });
    return r.ok;
  } catch {
    return true; // unknown: ask a person for the keys rather than guess
  }
}

// rest calls the V1 REST API and opens its envelope: {code: 0, response} or {code ≠ 0, message}.
// A token the server no longer takes (expired — on the merchant's sandbox clock too) is replaced
// once, as a merchant's server would.
async function rest(method, path, body) {
  try {
    return await restOnce(method, path, body);
  } catch (err) {
    if (err.status !== 401 || path === "/users/getToken" || !state.server.token) throw err;
    if (!(await getToken())) throw err;
    return restOnce(method, path, body);
  }
}

// restCall is rest for the page's other panels, with a token fetched first when there is none.
export async function restCall(method, path, body) {
  if (!state.server.token && !(await getToken())) throw new Error(state.server.error || "no REST credentials for this merchant (see “Your server”)");
  return rest(method, path, body);
}

async function restOnce(method, path, body) {
  const headers = {};
  if (state.server.token) headers.Authorization = state.server.token;
  if (body) headers["Content-Type"] = "application/json";
  const r = await fetch(new URL(path, API), { method, headers, body: body ? JSON.stringify(body) : undefined, cache: "no-store" });
  let env = null;
  try {
    env = await r.json();
  } catch {
    // Not the envelope: said below.
  }
  if (!env || typeof env.code !== "number") throw new Error(`${method} ${path}: HTTP ${r.status}, not the REST envelope`);
  if (env.code !== 0) {
    const e = new Error(env.message || `${method} ${path} answered code ${env.code}`);
    e.status = r.status;
    throw e;
  }
  return env.response;
}

async function getToken() {
  const k = keysFor(state);
  state.server.token = null;
  state.server.tokenAnswer = null;
  if (!k.imp_key || !k.imp_secret) {
    state.server.error = "";
    changed();
    return false;
  }
  try {
    const res = await rest("POST", "/users/getToken", { imp_key: k.imp_key, imp_secret: k.imp_secret });
    state.server.token = res.access_token;
    state.server.tokenAnswer = res;
    state.server.error = "";
    return true;
  } catch (err) {
    state.server.error = "POST /users/getToken: " + err.message;
    return false;
  } finally {
    changed();
  }
}

// refreshServer reloads the ledger's view: the merchant's latest attempts and webhooks. It runs on
// load too, so the view survives a reload (the ledger is the server's, not the page's).
export async function refreshServer() {
  if (!state.ledger.on) return;
  const code = state.configure.merchant_code;
  if (state.server.for !== code) {
    state.server.for = code;
    state.server.token = null;
    state.server.tokenAnswer = null;
    state.server.payments = [];
    state.server.webhooks = [];
    state.server.hasFile = code === DEMO_MERCHANT ? true : null;
    changed();
    if (code !== DEMO_MERCHANT) state.server.hasFile = await hasMerchantFile(code);
  }
  if (!state.server.token && !(await getToken())) return;
  try {
    const page = await rest("GET", "/payments/status/all?limit=20&sorting=-started");
    state.server.payments = page.list || [];
    state.server.total = page.total || 0;
    state.server.error = "";
  } catch (err) {
    state.server.error = "GET /payments/status/all: " + err.message;
  }
  try {
    const r = await fetch(sandboxURL("webhooks", { merchant_code: code }), { cache: "no-store" });
    state.server.webhooks = r.ok ? (await r.json()).webhooks || [] : [];
    if (!r.ok) state.server.webhookError = (await serverSays(r)).text;
    else state.server.webhookError = "";
  } catch (err) {
    state.server.webhookError = err.message;
  }
  await refreshBilling();
  changed();
}

async function act(what, run) {
  state.server.busy = what;
  state.server.notice = "";
  changed();
  try {
    state.server.notice = await run();
    state.server.error = "";
  } catch (err) {
    state.server.error = err.message;
  }
  state.server.busy = "";
  await refreshServer();
}

function cancel(p, amount) {
  const left = Number(p.amount) - Number(p.cancel_amount || 0);
  const body = { imp_uid: p.imp_uid, reason: amount ? "partial refund from the demo page" : "cancelled from the demo page" };
  if (amount) {
    body.amount = Number(amount);
    body.checksum = left; // what you believe is still cancellable: the API refuses a stale one
  }
  return act("cancel " + p.imp_uid, async () => {
    const res = await rest("POST", "/payments/cancel", body);
    return `POST /payments/cancel: ${res.imp_uid} is ${res.status}, ${formatAmount(Number(res.cancel_amount), res.currency)} cancelled in all.`;
  });
}

function deposit(p) {
  return act("deposit " + p.imp_uid, async () => {
    const r = await fetch(sandboxURL("deposit"), { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ merchant_code: state.configure.merchant_code, imp_uid: p.imp_uid }) });
    if (!r.ok) throw new Error("POST /sdk/sandbox/deposit: " + (await serverSays(r)).text);
    return `The bank paid ${p.imp_uid}'s virtual account: it is paid now, and its webhook is on its way.`;
  });
}

// ---- drawing ----

function lastPaid(s) {
  const h = s.payments.find((x) => x.ok && x.rsp && x.rsp.imp_uid);
  if (h) return { imp_uid: h.rsp.imp_uid, amount: typeof h.params.amount === "number" ? h.params.amount : Number(h.rsp.paid_amount) || 1000 };
  const p = s.server.payments.find((x) => x.status === "paid" || x.status === "ready");
  return p ? { imp_uid: p.imp_uid, amount: Number(p.amount) } : { imp_uid: "imps_000000000000", amount: 1000, placeholder: true };
}

export function verifySnippets(s) {
  const k = keysFor(s);
  const key = k.imp_key || "YOUR_IMP_KEY";
  const secret = k.imp_secret || "YOUR_IMP_SECRET";
  const { imp_uid, amount } = lastPaid(s);
  const curl = [
    `API=${API}`,
    `TOKEN=$(curl -s -X POST $API/users/getToken -H 'Content-Type: application/json' \\`,
    `  -d '{"imp_key": "${key}", "imp_secret": "${secret}"}' | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')`,
    `curl -s $API/payments/${imp_uid} -H "Authorization: $TOKEN"`,
    `# check: response.status is "paid" and response.amount is ${amount}, the amount of your order`,
  ].join("\n");
  const node = [
    `// Node 18+: verify what the browser's callback says before you ship the order.`,
    `const API = "${API}"; // https://api.iamport.kr in production`,
    `async function verify(impUID, orderAmount) {`,
    `  const auth = await fetch(API + "/users/getToken", { method: "POST", headers: { "Content-Type": "application/json" },`,
    `    body: JSON.stringify({ imp_key: "${key}", imp_secret: "${secret}" }) }).then((r) => r.json());`,
    `  const { response: payment } = await fetch(API + "/payments/" + impUID,`,
    `    { headers: { Authorization: auth.response.access_token } }).then((r) => r.json());`,
    `  if (!payment || payment.status !== "paid" || payment.amount !== orderAmount) throw new Error("not paid as ordered");`,
    `  return payment;`,
    `}`,
    `verify("${imp_uid}", ${amount}).then((p) => console.log("verified", p.imp_uid, p.amount));`,
  ].join("\n");
  return { curl, node };
}

function when(unix) {
  return unix ? new Date(unix * 1000).toLocaleTimeString() : "—";
}

// partialDefault is the amount a partial cancel offers: half of what is left, in whole units.
function partialDefault(p) {
  const left = Number(p.amount) - Number(p.cancel_amount || 0);
  return String(Math.floor(left / 2) || left);
}

function paymentRow(p, s) {
  const left = Number(p.amount) - Number(p.cancel_amount || 0);
  const busy = !!s.server.busy;
  const raw = new URL("/payments/" + encodeURIComponent(p.imp_uid), API);
  if (s.server.token) raw.searchParams.set("_token", s.server.token);
  const actions = [];
  if (p.status === "paid" && left > 0) {
    actions.push(el("button", { type: "button", class: "btn btn-small", data: { ledgerAction: "cancel", impUid: p.imp_uid }, disabled: busy, text: "Cancel" }));
    actions.push(el("span", { class: "partial" },
      el("label", { class: "visually-hidden", for: `partial-${p.imp_uid}`, text: `Amount to cancel of ${p.imp_uid}` }),
      el("input", { id: `partial-${p.imp_uid}`, inputmode: "decimal", placeholder: partialDefault(p), value: s.server.partial[p.imp_uid] || "", data: { partialFor: p.imp_uid } }),
      el("button", { type: "button", class: "btn btn-quiet btn-small", data: { ledgerAction: "partial", impUid: p.imp_uid }, disabled: busy, text: "Partial cancel" })));
  }
  if (p.status === "ready" && p.pay_method === "vbank") {
    actions.push(el("button", { type: "button", class: "btn btn-small", data: { ledgerAction: "deposit", impUid: p.imp_uid }, disabled: busy, text: "Deposit" }));
    actions.push(el("button", { type: "button", class: "btn btn-quiet btn-small", data: { ledgerAction: "cancel", impUid: p.imp_uid }, disabled: busy, text: "Cancel" }));
  }
  return el("tr", { data: { impUid: p.imp_uid, status: p.status } },
    el("td", {}, el("a", { href: raw.href, target: "_blank", rel: "noopener", class: "mono", text: p.imp_uid, title: "The REST answer as JSON, in a new tab" })),
    el("td", { class: "mono", text: p.merchant_uid }),
    el("td", { text: `${p.pg_provider || ""}${p.pay_method ? " · " + p.pay_method : ""}` }),
    el("td", { text: formatAmount(Number(p.amount), p.currency) + (Number(p.cancel_amount) ? ` (−${formatAmount(Number(p.cancel_amount), p.currency)})` : "") }),
    el("td", { class: "st st-" + p.status, text: p.status + (p.status === "failed" && p.fail_reason ? ": " + p.fail_reason : "") }),
    el("td", { class: "actions" }, actions));
}

function webhookRow(w) {
  const ok = !w.error && w.http_status >= 200 && w.http_status < 300;
  return el("tr", { data: { impUid: w.imp_uid } },
    el("td", { text: when(w.at) }),
    el("td", { class: "mono", text: w.imp_uid }),
    el("td", { text: w.status }),
    el("td", { class: "mono url", text: w.url }),
    el("td", { text: String(w.attempt) }),
    el("td", { class: ok ? "ok" : "bad", text: ok ? `${w.http_status} delivered` : `${w.http_status || "no answer"}${w.error ? ": " + w.error : ""}${w.final ? " — gave up" : ""}` }));
}

let drawnKey = "";

export function renderServer(s) {
  const card = $("#server");
  const code = s.configure.merchant_code || s.config.merchant_code;
  const k = keysFor(s);
  $("#server-off").hidden = s.ledger.on || !s.ledger.probed;
  $("#server-on").hidden = !s.ledger.on;
  card.dataset.state = s.ledger.on ? "on" : "off";
  if (!s.ledger.on) return;

  setText($("#server-code"), code);
  $("#server-keys-known").hidden = !k.known;
  $("#server-keys-unknown").hidden = k.known;
  setText($("#server-keys-source"), k.kind === "builtin"
    ? `The server has no merchant file for ${code}, so the built-in sandbox merchant answers for it: imp_key is the code itself, imp_secret “${SANDBOX_SECRET}”.`
    : "The demo merchant's documented sandbox test credentials. A real secret never goes into a page.");
  setText($("#server-keys-where"), `${code}.json`);
  setValue($("#server-key"), s.server.key);
  setValue($("#server-secret"), s.server.secret);
  setText($("#server-key-shown"), k.known ? k.imp_key : "");
  setText($("#server-secret-shown"), k.known ? k.imp_secret : "");
  const t = s.server.tokenAnswer;
  setText($("#server-token"), t ? JSON.stringify({ code: 0, message: null, response: t }, null, 2) : "No token yet.");
  showMessage($("#server-error"), s.server.error);
  showMessage($("#server-notice"), s.server.notice);
  const { curl, node } = verifySnippets(s);
  setText($("#verify-curl"), curl);
  setText($("#verify-node"), node);
  const last = lastPaid(s);
  setText($("#verify-for"), last.placeholder ? "No payment yet: pay in step 3 and these fill in its imp_uid and amount." : `Filled in with the last payment: ${last.imp_uid}, amount ${last.amount}.`);
  setValue($("#server-notice-url"), s.request.notice_url);

  renderBilling(s);
  const key = JSON.stringify([s.server.payments, s.server.webhooks, s.server.busy, !!s.server.token]);
  if (key === drawnKey) return;
  drawnKey = key;
  $("#ledger-payments tbody").replaceChildren(...s.server.payments.map((p) => paymentRow(p, s)));
  $("#ledger-payments-empty").hidden = s.server.payments.length > 0;
  $("#ledger-payments").hidden = s.server.payments.length === 0;
  setText($("#ledger-total"), s.server.payments.length ? `latest ${s.server.payments.length} of ${s.server.total}` : "");
  $("#ledger-webhooks tbody").replaceChildren(...s.server.webhooks.slice(0, 30).map(webhookRow));
  $("#ledger-webhooks-empty").hidden = s.server.webhooks.length > 0;
  $("#ledger-webhooks").hidden = s.server.webhooks.length === 0;
  const all = sandboxURL("payments", { merchant_code: code });
  $("#ledger-raw").href = all.href;
  $("#webhooks-raw").href = sandboxURL("webhooks", { merchant_code: code }).href;
}

export function wireServer() {
  wireBilling({ rest, act });
  $("#server-refresh").addEventListener("click", refreshServer);
  $("#server-get-token").addEventListener("click", async () => {
    await getToken();
    await refreshServer();
  });
  for (const [sel, field] of [["#server-key", "key"], ["#server-secret", "secret"]]) {
    $(sel).addEventListener("input", (ev) => {
      state.server[field] = ev.target.value;
      state.server.token = null;
      changed();
    });
  }
  $("#server-notice-url").addEventListener("input", (ev) => {
    state.request.notice_url = ev.target.value;
    save();
    changed();
  });
  $("#ledger-payments").addEventListener("click", (ev) => {
    const b = ev.target.closest("[data-ledger-action]");
    if (!b) return;
    const p = state.server.payments.find((x) => x.imp_uid === b.dataset.impUid);
    if (!p) return;
    if (b.dataset.ledgerAction === "deposit") deposit(p);
    else if (b.dataset.ledgerAction === "cancel") cancel(p, 0);
    else cancel(p, (state.server.partial[p.imp_uid] || "").trim() || partialDefault(p));
  });
  $("#ledger-payments").addEventListener("input", (ev) => {
    const id = ev.target.dataset.partialFor;
    if (id) state.server.partial[id] = ev.target.value;
  });
  $("#copy-curl").addEventListener("click", () => copyText($("#verify-curl"), $("#copy-curl")));
  $("#copy-node").addEventListener("click", () => copyText($("#verify-node"), $("#copy-node")));
}
