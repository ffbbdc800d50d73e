// Step 2: the request form — params for IMP.request_pay, the amount check, and the outcome controls.

import { $, fillSelect, setValue, showMessage } from "./dom.js";
import { state, save, changed, newMerchantUID } from "./state.js";
import { schedulePreview } from "./preview.js";

export const METHOD_NAMES = {
  card: "card — credit card",
  trans: "trans — bank transfer",
  vbank: "vbank — virtual account",
  phone: "phone — mobile phone bill",
  samsung: "samsung — Samsung Pay",
  cultureland: "cultureland — gift card",
  smartculture: "smartculture — gift card",
  happymoney: "happymoney — gift card",
  booknlife: "booknlife — gift card",
};

// The form's controls and the request field each one edits.
const FIELDS = {
  "#req-pg": "pg", "#req-amount": "amount", "#req-currency": "currency", "#req-pay-method": "pay_method",
  "#req-name": "name", "#req-buyer-name": "buyer_name", "#req-buyer-email": "buyer_email", "#req-buyer-tel": "buyer_tel",
  "#req-merchant-uid": "merchant_uid", "#req-customer-uid": "customer_uid", "#req-channel-key": "channelKey",
  "#req-redirect": "m_redirect_url", "#req-notice-url": "notice_url", "#req-custom-data": "custom_data",
  "#req-language": "language", "#req-popup": "popup",
};
const OUTCOME_FIELDS = { "#outcome-result": "result", "#outcome-code": "error_code", "#outcome-msg": "error_msg", "#outcome-delay": "delay_ms" };

// decimalsOf is how many decimals an amount may have in a currency. The SDK's rules() answer
// carries the resolver's table when it offers one; else the browser's ISO 4217 data, which agrees
// for the currencies the catalog's PGs take.
function decimalsOf(currency) {
  try {
    const rules = IMP.sandbox.rules ? IMP.sandbox.rules() : null;
    const d = rules && rules.currency_decimals && rules.currency_decimals[currency];
    if (typeof d === "number") return d;
  } catch {
    // Not ready, or no rules(): fall through.
  }
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits;
  } catch {
    return 2;
  }
}

// amountOf is what the form sends as amount (a number when it is one, else the text as typed, so
// the SDK's own INVALID_AMOUNT shows) and, when the SDK will refuse it, why.
export function amountOf(r) {
  const text = r.amount.trim();
  if (text === "") return { problem: "No amount: request_pay answers INVALID_AMOUNT. Pass the price, e.g. 1000." };
  if (!/^-?\d+(\.\d+)?$/.test(text)) {
    return { value: r.amount, problem: `Not a number: it is sent as the string “${r.amount}”, and request_pay answers INVALID_AMOUNT. Use digits only (no commas, signs or currency symbols).` };
  }
  const value = Number(text);
  const currency = r.currency || "KRW";
  const decimals = (text.split(".")[1] || "").replace(/0+$/, "").length;
  const allowed = decimalsOf(currency);
  let problem = "";
  if (value < 0) problem = `A negative amount is refused (INVALID_AMOUNT): pass the price.`;
  else if (decimals > allowed) {
    problem = allowed === 0
      ? `${currency} has no minor unit: ${text} is refused (INVALID_AMOUNT). Pass a whole number.`
      : `${currency} allows ${allowed} decimals: ${text} is refused (INVALID_AMOUNT). Round it.`;
  } else if (value === 0 && !r.customer_uid) {
    problem = "0 is refused (INVALID_AMOUNT) unless customer_uid is given (issuing a billing key).";
  }
  return { value, decimals, problem };
}

// formatAmount shows exactly the amount sent: every decimal typed, none rounded away.
export function formatAmount(value, currency, decimals = 0) {
  if (typeof value !== "number" || !isFinite(value)) return String(value ?? "");
  try {
    const f = new Intl.NumberFormat("en-US", { style: "currency", currency: currency || "KRW" });
    const min = Math.max(f.resolvedOptions().minimumFractionDigits, decimals);
    return new Intl.NumberFormat("en-US", { style: "currency", currency: currency || "KRW", minimumFractionDigits: min, maximumFractionDigits: Math.max(min, decimals) }).format(value);
  } catch {
    return `${value} ${currency}`;
  }
}

// customData is custom_data as sent: parsed JSON when it is JSON, else the text.
function customData(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// buildParams turns the form into request_pay params the way a merchant writes them: empty fields left out.
export function buildParams(r = state.request) {
  const p = {};
  if (r.pg !== "") p.pg = r.pg;
  if (r.pay_method) p.pay_method = r.pay_method;
  if (r.merchant_uid) p.merchant_uid = r.merchant_uid;
  if (r.name) p.name = r.name;
  const a = amountOf(r);
  if (a.value !== undefined) p.amount = a.value;
  if (r.currency) p.currency = r.currency;
  for (const k of ["buyer_name", "buyer_email", "buyer_tel", "customer_uid", "channelKey", "m_redirect_url", "notice_url", "language"]) {
    if (r[k]) p[k] = r[k];
  }
  if (r.custom_data.trim()) p.custom_data = customData(r.custom_data);
  if (r.popup) p.popup = true;
  return p;
}

// customDataProblem says why custom_data is sent as a plain string, when it does not parse.
function customDataProblem(text) {
  if (!text.trim()) return "";
  try {
    JSON.parse(text);
    return "";
  } catch {
    return "Not JSON, so it is sent as a string (the real SDK accepts both; your server reads it back as a string).";
  }
}

export function outcomeForSDK(o = state.outcome) {
  if (!o.result) return null;
  const out = { result: o.result };
  if (o.result === "failed" && o.error_code) out.error_code = o.error_code;
  if (o.result === "failed" && o.error_msg) out.error_msg = o.error_msg;
  if (o.delay_ms !== "" && isFinite(Number(o.delay_ms)) && Number(o.delay_ms) >= 0) out.delay_ms = Number(o.delay_ms);
  return out;
}

export function methodOptions(pg) {
  const methods = pg && pg.methods && pg.methods.length ? pg.methods : ["card", "trans", "vbank", "phone"];
  const opts = methods.map((m) => [m, METHOD_NAMES[m] || m]);
  if (pg && pg.simple_pay) opts.unshift(["", `(left out — ${pg.name} picks the method)`]);
  return opts;
}

export function currencyOptions(pg) {
  const list = pg && pg.currencies && pg.currencies.length ? pg.currencies : state.sdk.status === "ready" ? ["KRW"] : ["KRW", "USD", "JPY"];
  return list.map((c) => [c, c]);
}

// narrowTo makes pay_method and currency ones the chosen PG offers. On a switch to a simple-pay
// PG pay_method is left out, as the guide's kakaopay example does; a method picked by hand
// afterwards stays (the preview warns PAY_METHOD_IGNORED). It reports whether the request changed.
export function narrowTo(pg) {
  const r = state.request;
  const before = r.pay_method + "\n" + r.currency;
  const code = pg ? pg.code : "";
  if (code !== state.methodsFor) r.pay_method = pg && pg.simple_pay ? "" : r.pay_method || "card";
  state.methodsFor = code;
  const methods = methodOptions(pg).map(([v]) => v);
  if (!methods.includes(r.pay_method)) r.pay_method = methods[0];
  const currencies = currencyOptions(pg).map(([v]) => v);
  if (!currencies.includes(r.currency)) r.currency = currencies[0];
  return before !== r.pay_method + "\n" + r.currency;
}

export function renderRequest(s) {
  const r = s.request;
  for (const [sel, key] of Object.entries(FIELDS)) {
    const c = $(sel);
    if (c.tagName !== "SELECT") setValue(c, r[key]);
  }
  fillSelect($("#req-pay-method"), methodOptions(s.preview.pg), r.pay_method);
  fillSelect($("#req-currency"), currencyOptions(s.preview.pg), r.currency);
  setValue($("#req-language"), r.language);
  setValue($("#req-strict"), !!s.config.strict);
  $("#req-redirect").placeholder = location.origin + "/";

  const a = amountOf(r);
  const amount = $("#req-amount");
  showMessage($("#amount-note"), a.problem);
  if (a.problem) amount.setAttribute("aria-invalid", "true");
  else amount.removeAttribute("aria-invalid");
  showMessage($("#custom-data-note"), customDataProblem(r.custom_data));

  for (const [sel, key] of Object.entries(OUTCOME_FIELDS)) setValue($(sel), s.outcome[key]);
  const failing = s.outcome.result === "failed";
  for (const sel of ["#outcome-code", "#outcome-msg"]) $(sel).disabled = !failing;
  $("#outcome-delay").disabled = !s.outcome.result;
}

export function wireRequest() {
  const form = $("#request-form");
  const onEdit = (ev) => {
    const t = ev.target;
    const sel = "#" + t.id;
    if (t.id === "req-strict") return; // the strict box belongs to the config (settings.js)
    if (FIELDS[sel]) {
      state.request[FIELDS[sel]] = t.type === "checkbox" ? t.checked : t.value;
      save();
      // Typing waits for a pause before the preview resolves (each resolve also logs its warnings);
      // a pick from a list is resolved at once.
      schedulePreview(ev.type === "input" && t.tagName === "INPUT" && t.type !== "checkbox" ? 250 : 0);
    } else if (OUTCOME_FIELDS[sel]) {
      state.outcome[OUTCOME_FIELDS[sel]] = t.value;
    } else {
      return;
    }
    changed();
  };
  form.addEventListener("input", onEdit);
  form.addEventListener("change", (ev) => {
    if (ev.target.tagName === "SELECT" || ev.target.type === "checkbox") onEdit(ev);
  });
  form.addEventListener("submit", (ev) => ev.preventDefault());
  form.addEventListener("click", (ev) => {
    const chip = ev.target.closest("[data-try-pg]");
    if (!chip) return;
    usePg(chip.dataset.tryPg);
  });
  $("#preview-body").addEventListener("click", (ev) => {
    const fix = ev.target.closest("[data-use-pg]");
    if (fix) usePg(fix.dataset.usePg);
  });
  $("#new-merchant-uid").addEventListener("click", () => {
    state.request.merchant_uid = newMerchantUID();
    save();
    schedulePreview(0);
    changed();
  });
  const r = state.request;
  if (["customer_uid", "channelKey", "m_redirect_url", "notice_url", "custom_data", "buyer_tel", "language", "popup"].some((k) => r[k])) {
    $("#more-params").open = true;
  }
}

// usePg sets pg (a chip, a did-you-mean button) and puts the keyboard back in the pg field.
export function usePg(pg) {
  state.request.pg = pg;
  save();
  schedulePreview(0);
  changed();
  $("#req-pg").focus();
}
