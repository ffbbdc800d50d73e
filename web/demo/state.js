// The demo's one state object. Every panel is drawn from it (render.js); events change it and
// call changed(). Nothing is read back from the DOM: an input's event carries its new value in.
// config and request are kept in localStorage so a reload keeps the work.

const STORE_KEY = "impshim.demo.v1";

// The guide's example ("Integrating Multiple PGs"), also served as /sdk/merchants/imp10391932.json.
export const EXAMPLE = Object.freeze({
  merchant_code: "imp10391932",
  pg_settings: [
    { pg: "html5_inicis", mid: "MID-a", pay_type: "general", default: true, label: "KG INICIS" },
    { pg: "html5_inicis", mid: "MID-b", pay_type: "subscription" },
    { pg: "kakaopay", mid: "MID-c", pay_type: "simple" },
  ],
});

export function clone(v) {
  return JSON.parse(JSON.stringify(v));
}

export function newMerchantUID() {
  return "order_" + Date.now().toString(36) + Math.floor(Math.random() * 1296).toString(36);
}

export function defaultRequest() {
  return {
    pg: "", amount: "1000", currency: "KRW", pay_method: "card", name: "Sample order",
    buyer_name: "Buyer", buyer_email: "buyer@iamport.kr", buyer_tel: "", merchant_uid: newMerchantUID(),
    customer_uid: "", channelKey: "", m_redirect_url: "", notice_url: "", custom_data: "", language: "", popup: false,
  };
}

// outcome is what IMP.sandbox.setOutcome is told before the next payment ("" result: a person clicks).
export function defaultOutcome() {
  return { result: "", error_code: "", error_msg: "", delay_ms: "" };
}

function load() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORE_KEY) || "null");
    if (saved && saved.config && Array.isArray(saved.config.pg_settings) && saved.request) {
      // Whatever was saved, the page only ever renders objects; the SDK judges their fields.
      saved.config.pg_settings = saved.config.pg_settings.filter((s) => s && typeof s === "object" && !Array.isArray(s));
      return { config: saved.config, request: { ...defaultRequest(), ...saved.request } };
    }
  } catch {
    // Unreadable storage (private mode, corrupt entry): start from the example.
  }
  return { config: clone(EXAMPLE), request: defaultRequest() };
}

const saved = load();

export const state = {
  config: saved.config, // the draft the settings panel edits (persisted)
  request: saved.request, // the request form (persisted)
  outcome: defaultOutcome(),
  sdk: { status: "loading", message: "", catalog: [], version: "" },
  // What IMP.sandbox.configure last answered, and the settings the SDK holds: the preview
  // explains these, not a draft with errors.
  configure: { status: "pending", result: null, applied: null, merchant_code: "", localErrors: [] },
  undo: null, // {config, text}: what "Reset to the guide's example" or an import replaced
  preview: { trace: null, error: "", pg: null, pending: true },
  methodsFor: null, // the PG code whose pay methods the request offers
  paying: false,
  payStatus: { text: "", state: "" },
  response: null, // {value, ok, redirect}
  payments: [], // this page's, newest first
  confirmClear: false, // the "clear the server ledger" question is open
  redirected: false, // this load came back from m_redirect_url
  importError: "",
  jsonDraft: null, // the settings JSON as a person is editing it, until applied
  certify: { min_age: "", busy: false, response: null, server: null }, // IMP.certification and GET /certifications
  ledger: { probed: false, on: false, info: null, merchant: null },
  // "Your server": REST credentials typed for a merchant other than the demo one (this tab only,
  // never saved), the token, and the ledger's view.
  server: { key: "", secret: "", token: null, tokenAnswer: null, for: "", payments: [], total: 0, webhooks: [],
    error: "", webhookError: "", notice: "", busy: "", partial: {},
    clock: null, clockError: "", keys: [], charge: {} },
};

export function save() {
  try {
    localStorage.setItem(STORE_KEY, JSON.stringify({ config: state.config, request: state.request }));
  } catch {
    // Storage full or disabled: the page still works, it just forgets on reload.
  }
}

const listeners = [];
export function onChange(fn) {
  listeners.push(fn);
}

// changed redraws the page from state (synchronously: a handler that moves focus after it
// finds the new DOM in place).
export function changed() {
  for (const fn of listeners) fn(state);
}

export const pgByCode = new Map();

export function effectiveDefault(settings) {
  const i = settings.findIndex((s) => s.default === true);
  return i >= 0 ? i : 0;
}

// consoleOrder is the order settings are matched in: the default first, then list order. The
// SDK's configure answer carries it (console_order) once it does; until then it is derived here.
export function consoleOrder(settings, answer) {
  if (answer && Array.isArray(answer.console_order)) return answer.console_order.filter((i) => settings[i]);
  const def = effectiveDefault(settings);
  return settings.length ? [def, ...settings.map((_, i) => i).filter((i) => i !== def)] : [];
}

// configForSDK is the config as IMP.sandbox.configure and the -merchants files take it:
// optional fields only when set, so an export reads like a hand-written file.
export function configForSDK(c = state.config) {
  const out = { merchant_code: c.merchant_code, pg_settings: c.pg_settings.map((s) => {
    const o = { pg: s.pg, mid: s.mid, pay_type: s.pay_type };
    if (s.type) o.type = s.type;
    if (s.default) o.default = true;
    if (s.label) o.label = s.label;
    if (s.channel_key) o.channel_key = s.channel_key;
    return o;
  }) };
  if (c.strict) out.strict = true;
  return out;
}

export function pgName(code) {
  const pg = pgByCode.get(code);
  return pg ? pg.name : code;
}
