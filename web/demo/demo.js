/*
 * impshim sandbox demo page. Plain JS, no build step, no inline script: it runs under
 * Content-Security-Policy "script-src 'self' 'wasm-unsafe-eval'" like a strict merchant page.
 * It uses only the public SDK: IMP.sandbox.{ready, catalog, configure, resolve, version} and
 * IMP.request_pay — everything it shows, a merchant page can show too.
 *
 * Stable hooks for tests (ids unless said otherwise; none of them is renamed without notice):
 *   #sdk-status[data-state=loading|ready|failed]
 *   window.impshimDemo.ready        Promise: settles once the saved settings were applied (or the SDK failed)
 *   #merchant-code
 *   #setting-list > li[data-setting=<index in pg_settings>], in list order; inside each:
 *       [data-field=pg|mid|pay_type|default|label|channel_key]   the setting's inputs
 *       [data-error-for=<field>]    its inline config error (hidden when none; "row" for the rest)
 *       [data-action=up|down|remove]
 *   #add-setting #reset-settings #export-json #import-file #config-json #apply-json #import-error
 *   #config-status[data-state=pending|ok|error]  #config-errors  #config-warnings > li[data-code]
 *   #req-pg #req-amount #req-currency #req-pay-method #req-name #req-buyer-name #req-buyer-email
 *   #req-merchant-uid #new-merchant-uid #req-customer-uid #req-channel-key #req-redirect
 *   #req-language #req-popup #req-strict   [data-try-pg=<value>] quick-fill chips   #amount-note
 *   #preview-body[data-state=empty|ok|error][data-rule=R0..R3][data-index=<chosen index>]
 *       [data-preview=setting] [data-preview=rule]
 *       [data-preview=candidates] tr[data-index][data-status=chosen|rejected|unchecked]
 *       [data-preview=warnings] li[data-code]   [data-use-pg=<suggestion>] did-you-mean fix
 *   #pay  #pay-status
 *   #snippet (text: the IMP.request_pay call for the current form)  #copy-snippet
 *   #response[data-state=none|success|failure] (text: the last response as JSON)
 *   #history tbody tr[data-merchant-uid][data-success=true|false]  #reset-sandbox (IMP.sandbox.reset)
 *   #ledger-status (shown when the server keeps a ledger: /sdk/sandbox/backend.json says so)
 */
"use strict";

(() => {
  const STORE_KEY = "impshim.demo.v1";

  // The guide's example ("Integrating Multiple PGs"), also served as /sdk/merchants/imp10391932.json.
  const EXAMPLE = {
    merchant_code: "imp10391932",
    pg_settings: [
      { pg: "html5_inicis", mid: "MID-a", pay_type: "general", default: true, label: "KG INICIS" },
      { pg: "html5_inicis", mid: "MID-b", pay_type: "subscription" },
      { pg: "kakaopay", mid: "MID-c", pay_type: "simple" },
    ],
  };

  const PAY_TYPES = [
    ["general", "General"],
    ["subscription", "Subscription"],
    ["simple", "Simple pay"],
  ];

  const METHOD_NAMES = {
    card: "card — credit card",
    trans: "trans — bank transfer",
    vbank: "vbank — virtual account",
    phone: "phone — mobile phone bill",
    paypal: "paypal",
    samsung: "samsung — Samsung Pay",
    kpay: "kpay",
    kakaopay: "kakaopay",
    payco: "payco",
    lpay: "lpay",
    ssgpay: "ssgpay",
    tosspay: "tosspay",
    cultureland: "cultureland — gift card",
    smartculture: "smartculture — gift card",
    happymoney: "happymoney — gift card",
    booknlife: "booknlife — gift card",
    point: "point",
    wechat: "wechat",
    alipay: "alipay",
    unionpay: "unionpay",
    tenpay: "tenpay",
  };

  const RULES = {
    R0: () => "channelKey matched a setting's channel key; it wins over pg.",
    R1: (t) => `“${t.code}.${t.mid}” names a PG and a MID: the first setting with both, in console order.`,
    R2: (t) => `“${t.code}” names a PG only: the first setting with that PG, in console order.`,
    R3: () => "Nothing matched, so the default PG takes the payment — i'mport's “policy to prevent loss of sales”. A typo here goes unnoticed in production; strict mode turns it into an error.",
  };

  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

  // el builds DOM; every string becomes text, never HTML, so nothing typed in the page can inject markup.
  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k === "data") Object.assign(node.dataset, v);
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k in node && typeof v !== "string") node[k] = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  // ---- state, persisted in localStorage so a reload keeps the work ----

  let state = loadState();
  let catalog = [];
  const pgByCode = new Map();
  let sdkReady = false;
  let configSeq = 0;
  let lastTrace = null;
  let appliedSettings = null; // the settings the SDK holds: the preview explains these, not the draft
  let draftApplied = true;
  let paying = false;
  let methodsFor = null; // the PG code whose methods the pay_method list shows
  const payments = []; // this session's, newest first

  function newMerchantUID() {
    return "order_" + Date.now().toString(36) + Math.floor(Math.random() * 1296).toString(36);
  }

  function defaultRequest() {
    return {
      pg: "", amount: "1000", currency: "KRW", pay_method: "card", name: "Sample order",
      buyer_name: "Buyer", buyer_email: "buyer@iamport.kr", merchant_uid: newMerchantUID(),
      customer_uid: "", channelKey: "", m_redirect_url: "", language: "", popup: false, strict: false,
    };
  }

  function clone(v) {
    return JSON.parse(JSON.stringify(v));
  }

  function loadState() {
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

  function saveState() {
    try {
      localStorage.setItem(STORE_KEY, JSON.stringify(state));
    } catch {
      // Storage full or disabled: the page still works, it just forgets on reload.
    }
  }

  // ---- SDK start ----

  const status = $("#sdk-status");
  let resolveDemoReady;
  window.impshimDemo = { ready: new Promise((r) => (resolveDemoReady = r)) };

  function sdkFailed(message) {
    status.dataset.state = "failed";
    status.textContent = message;
    $("#config-status").dataset.state = "error";
    $("#config-status").textContent = "The SDK did not load, so nothing can be applied.";
    $("#pay").disabled = true;
  }

  async function start() {
    renderRequestForm();
    renderSettings();
    if (!window.IMP || !window.IMP.sandbox) {
      sdkFailed("The SDK did not load from /sdk/imp.js. Build it with `make dist` (or start the server with `make run`) and reload.");
      return;
    }
    try {
      await IMP.sandbox.ready;
      catalog = IMP.sandbox.catalog();
    } catch (err) {
      sdkFailed("The SDK could not start: " + (err && err.message ? err.message : String(err)));
      return;
    }
    for (const pg of catalog) pgByCode.set(pg.code, pg);
    sdkReady = true;
    status.dataset.state = "ready";
    status.textContent = `SDK ready — ${catalog.length} PGs in the catalog. Every payment here is simulated.`;
    $("#sdk-version").textContent = IMP.sandbox.version ? "v" + IMP.sandbox.version : "";
    renderSettings();
    await applyConfig();
    showRedirectResult();
    probeLedger();
  }

  // probeLedger says whether the server also records payments (the sandbox REST API), the way
  // imp.js finds out: sandbox/backend.json next to the SDK.
  async function probeLedger() {
    const p = $("#ledger-status");
    try {
      const base = new URL("/sdk/", location.href);
      const r = await fetch(new URL("sandbox/backend.json", base), { cache: "no-store" });
      const info = r.ok ? await r.json() : null;
      if (!info || info.ledger !== true) return;
      const list = new URL("sandbox/payments", base);
      list.searchParams.set("merchant_code", state.config.merchant_code || "");
      p.replaceChildren("This server keeps a ledger too: payments made here are visible to the REST API (",
        el("code", { text: "/payments/{imp_uid}" }), ") — ", el("a", { href: list.href, text: "recorded payments as JSON" }), ".");
      p.hidden = false;
    } catch {
      // No ledger, or it did not answer: nothing to say beyond what imp.js logs.
    }
  }

  // showRedirectResult shows what a redirect-mode payment (m_redirect_url on a mobile browser)
  // brought back in the query string, then drops it from the address so a reload does not repeat it.
  function showRedirectResult() {
    const q = new URLSearchParams(location.search);
    if (!q.has("imp_success") && !q.has("imp_uid")) return;
    // Exactly the query's fields: in redirect mode this is all a merchant page gets.
    const query = {};
    for (const k of ["imp_uid", "merchant_uid", "imp_success", "error_code", "error_msg"]) {
      if (q.has(k)) query[k] = q.get(k);
    }
    const ok = query.imp_success === "true";
    showResponse(query, ok);
    $("#pay-status").textContent = "Back from m_redirect_url with this query: " + $("#pay-status").textContent;
    addHistory({ merchant_uid: query.merchant_uid }, query, ok);
    history.replaceState(null, "", location.pathname + location.hash);
  }

  // ---- PG settings ----

  function pgLabel(code) {
    const pg = pgByCode.get(code);
    return pg ? pg.name : code;
  }

  function effectiveDefault(settings) {
    const i = settings.findIndex((s) => s.default === true);
    return i >= 0 ? i : 0;
  }

  function pgSelect(setting, index) {
    const select = el("select", { id: `setting-${index}-pg`, data: { field: "pg" } });
    const groups = [
      ["Payment gateways", catalog.filter((p) => !p.simple_pay && !p.legacy)],
      ["Simple pay", catalog.filter((p) => p.simple_pay && !p.legacy)],
      ["Legacy codes", catalog.filter((p) => p.legacy)],
    ];
    if (setting.pg === "" || !pgByCode.has(setting.pg)) {
      const text = setting.pg === "" ? "Choose a PG…" : `${setting.pg} (not in the catalog)`;
      select.append(el("option", { value: setting.pg, text }));
    }
    for (const [label, pgs] of groups) {
      if (pgs.length === 0) continue;
      const group = el("optgroup", { label });
      for (const pg of pgs) {
        const ko = pg.name_ko && pg.name_ko !== pg.name ? ` (${pg.name_ko})` : "";
        group.append(el("option", { value: pg.code, text: `${pg.code} — ${pg.name}${ko}` }));
      }
      select.append(group);
    }
    select.value = setting.pg;
    return select;
  }

  function field(index, name, labelText, control) {
    control.id = control.id || `setting-${index}-${name}`;
    control.dataset.field = name;
    return el("div", { class: `sfield sfield-${name}` },
      el("label", { for: control.id, text: labelText }),
      control,
      el("p", { class: "field-error", data: { errorFor: name }, hidden: true }));
  }

  function renderSettings() {
    const list = $("#setting-list");
    const settings = state.config.pg_settings;
    const def = effectiveDefault(settings);
    list.replaceChildren();
    settings.forEach((s, i) => {
      const payType = el("select", {},
        PAY_TYPES.map(([v, t]) => el("option", { value: v, text: t })),
        PAY_TYPES.some(([v]) => v === s.pay_type) ? null : el("option", { value: s.pay_type || "", text: s.pay_type || "(none)" }));
      payType.value = s.pay_type || "";
      const pgSel = catalog.length ? pgSelect(s, i) : el("input", { value: s.pg, spellcheck: "false", autocomplete: "off" });
      // Direct children of the row are grid cells: a card on narrow screens, one table-like line on wide ones.
      const row = el("li", { class: "setting", data: { setting: String(i) } },
        el("div", { class: "setting-head" },
          el("span", { class: "setting-index", text: `#${i}` }),
          el("label", { class: "default-pick" },
            el("input", { type: "radio", name: "default-setting", checked: i === def, data: { field: "default" }, "aria-describedby": `setting-${i}-default-error`, "aria-label": `Setting #${i} is the default PG` }),
            el("span", { text: i === def ? "Default" : "Make default" })),
          el("p", { class: "field-error", id: `setting-${i}-default-error`, data: { errorFor: "default" }, hidden: true })),
        field(i, "pg", "PG", pgSel),
        field(i, "mid", "MID (PG merchant ID)", el("input", { value: s.mid || "", spellcheck: "false", autocomplete: "off", placeholder: "e.g. INIpayTest" })),
        field(i, "pay_type", "Pay type", payType),
        field(i, "label", "Label (optional)", el("input", { value: s.label || "", autocomplete: "off" })),
        field(i, "channel_key", "Channel key (optional)", el("input", { value: s.channel_key || "", spellcheck: "false", autocomplete: "off" })),
        el("span", { class: "setting-tools" },
          el("button", { type: "button", class: "icon-btn", data: { action: "up" }, disabled: i === 0, "aria-label": `Move setting #${i} up`, title: "Move up", text: "↑" }),
          el("button", { type: "button", class: "icon-btn", data: { action: "down" }, disabled: i === settings.length - 1, "aria-label": `Move setting #${i} down`, title: "Move down", text: "↓" }),
          el("button", { type: "button", class: "icon-btn danger", data: { action: "remove" }, "aria-label": `Remove setting #${i}`, title: "Remove", text: "✕" })),
        el("p", { class: "field-error row-error", data: { errorFor: "row" }, hidden: true }));
      list.append(row);
    });
    if (settings.length === 0) {
      list.append(el("li", { class: "setting-empty", text: "No PG settings. Add one, or reset to the guide's example." }));
    }
    renderConsoleOrder();
    $("#merchant-code").value = state.config.merchant_code || "";
    $("#req-strict").checked = !!state.config.strict;
    $("#config-json").value = JSON.stringify(configForSDK(), null, 2);
    renderDatalist();
  }

  function renderConsoleOrder() {
    const settings = state.config.pg_settings;
    if (settings.length === 0) {
      $("#console-order").textContent = "";
      return;
    }
    const def = effectiveDefault(settings);
    const order = [def, ...settings.map((_, i) => i).filter((i) => i !== def)];
    $("#console-order").textContent = "Console order (the order matching uses): " +
      order.map((i) => `#${i} ${settings[i].pg}${settings[i].mid ? "." + settings[i].mid : ""}`).join(" → ");
  }

  // configForSDK is the config as IMP.sandbox.configure and the -merchants files take it:
  // optional fields only when set, so an export reads like a hand-written file.
  function configForSDK() {
    const c = state.config;
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

  function onSettingInput(ev) {
    const row = ev.target.closest("li[data-setting]");
    const name = ev.target.dataset.field;
    if (!row || !name) return;
    const i = Number(row.dataset.setting);
    const s = state.config.pg_settings[i];
    if (name === "default") {
      state.config.pg_settings.forEach((o, j) => (o.default = j === i));
      renderSettings();
      $(`li[data-setting="${i}"] [data-field=default]`).focus();
    } else {
      s[name] = ev.target.value;
      if (name === "pg") {
        // Picking a simple-pay PG makes it a simple setting; leaving one makes it general again.
        const pg = pgByCode.get(s.pg);
        if (pg && pg.simple_pay) s.pay_type = "simple";
        else if (pg && s.pay_type === "simple") s.pay_type = "general";
        $("[data-field=pay_type]", row).value = s.pay_type;
      }
      renderConsoleOrder();
      renderDatalist();
      $("#config-json").value = JSON.stringify(configForSDK(), null, 2);
    }
    scheduleApply();
  }

  function onSettingAction(ev) {
    const btn = ev.target.closest("button[data-action]");
    if (!btn) return;
    const i = Number(btn.closest("li[data-setting]").dataset.setting);
    const settings = state.config.pg_settings;
    const action = btn.dataset.action;
    let focusIndex = i;
    if (action === "up" && i > 0) {
      [settings[i - 1], settings[i]] = [settings[i], settings[i - 1]];
      focusIndex = i - 1;
    } else if (action === "down" && i < settings.length - 1) {
      [settings[i + 1], settings[i]] = [settings[i], settings[i + 1]];
      focusIndex = i + 1;
    } else if (action === "remove") {
      settings.splice(i, 1);
      focusIndex = Math.min(i, settings.length - 1);
    }
    renderSettings();
    // Keep the keyboard where it was: the same button on the moved row, or the next row.
    const target = focusIndex >= 0 && $(`li[data-setting="${focusIndex}"] [data-action=${action === "remove" ? "remove" : action}]`);
    if (target && !target.disabled) target.focus();
    else if (focusIndex >= 0) $(`li[data-setting="${focusIndex}"] [data-field=pg]`).focus();
    else $("#add-setting").focus();
    applyConfig();
  }

  function addSetting() {
    const used = new Set(state.config.pg_settings.map((s) => s.pg));
    const pick = catalog.find((p) => !p.legacy && !used.has(p.code)) || catalog[0];
    state.config.pg_settings.push({ pg: pick ? pick.code : "", mid: "", pay_type: pick ? pick.pay_type : "general" });
    renderSettings();
    const i = state.config.pg_settings.length - 1;
    $(`li[data-setting="${i}"] [data-field=pg]`).focus();
    applyConfig();
  }

  function replaceConfig(cfg) {
    state.config = {
      merchant_code: typeof cfg.merchant_code === "string" ? cfg.merchant_code : "",
      strict: cfg.strict === true,
      pg_settings: cfg.pg_settings.map((s) => ({ ...s })),
    };
    renderSettings();
    applyConfig();
  }

  // parseImport accepts the -merchants file format (SPEC §3) and says what is wrong otherwise.
  function parseImport(text) {
    let cfg;
    try {
      cfg = JSON.parse(text);
    } catch (err) {
      throw new Error("This is not JSON: " + err.message);
    }
    if (!cfg || typeof cfg !== "object" || Array.isArray(cfg)) throw new Error("Expected an object like {\"merchant_code\": …, \"pg_settings\": [ … ]}.");
    if (!Array.isArray(cfg.pg_settings)) throw new Error("The object needs a \"pg_settings\" array.");
    for (const [i, s] of cfg.pg_settings.entries()) {
      if (!s || typeof s !== "object" || Array.isArray(s)) throw new Error(`pg_settings[${i}] must be an object with pg, mid and pay_type.`);
    }
    return cfg;
  }

  function showImportError(message) {
    const p = $("#import-error");
    p.textContent = message;
    p.hidden = !message;
  }

  let applyTimer = 0;
  let applyPending = false;
  function scheduleApply() {
    saveState();
    clearTimeout(applyTimer);
    applyPending = true;
    applyTimer = setTimeout(applyConfig, 150);
  }

  async function applyConfig() {
    clearTimeout(applyTimer);
    applyPending = false;
    saveState();
    if (!sdkReady) return;
    const seq = ++configSeq;
    const cfgStatus = $("#config-status");
    cfgStatus.dataset.state = "pending";
    cfgStatus.textContent = "Applying…";
    let result;
    try {
      result = await IMP.sandbox.configure(configForSDK());
    } catch (err) {
      // configure promises never to reject; if it does, that is an SDK bug worth seeing.
      result = { ok: false, errors: [{ index: -1, field: "", message: "IMP.sandbox.configure failed: " + (err && err.message) }] };
    }
    if (seq !== configSeq) return; // a newer edit is on its way
    showConfigResult(result);
    refreshRequest();
  }

  function showConfigResult(result) {
    for (const p of $$("#settings .field-error")) {
      p.hidden = true;
      p.textContent = "";
    }
    for (const c of $$("#settings [aria-invalid]")) c.removeAttribute("aria-invalid");
    const top = $("#config-errors");
    top.hidden = true;
    top.textContent = "";
    const cfgStatus = $("#config-status");
    const warnings = $("#config-warnings");
    warnings.replaceChildren();

    draftApplied = !!(result && result.ok);
    if (result && result.ok) {
      appliedSettings = clone(state.config.pg_settings);
      const settings = state.config.pg_settings;
      const def = settings[effectiveDefault(settings)];
      cfgStatus.dataset.state = "ok";
      cfgStatus.textContent = `✓ Applied: ${settings.length} setting${settings.length === 1 ? "" : "s"}` +
        (def ? `, default ${def.pg}.${def.mid}` : "") + (state.config.strict ? ", strict mode" : "") + ".";
      for (const w of result.warnings || []) {
        warnings.append(el("li", { data: { code: w.code || "" } }, el("code", { text: w.code || "warning" }), " ", w.message || ""));
      }
      return;
    }
    const errors = (result && result.errors) || [];
    cfgStatus.dataset.state = "error";
    cfgStatus.textContent = `✗ Not applied — ${errors.length} problem${errors.length === 1 ? "" : "s"} to fix. Until then the SDK keeps the last settings that were valid.`;
    const general = [];
    for (const e of errors) {
      const msg = e.message || String(e);
      if (e.field === "merchant_code") {
        const p = $("#merchant-code-error");
        p.textContent = msg;
        p.hidden = false;
        $("#merchant-code").setAttribute("aria-invalid", "true");
        continue;
      }
      const row = e.index >= 0 && $(`li[data-setting="${e.index}"]`);
      if (!row) {
        general.push(msg);
        continue;
      }
      const slot = $(`[data-error-for="${e.field}"]`, row) || $(`[data-error-for=row]`, row);
      slot.textContent = slot.textContent ? slot.textContent + " " + msg : msg;
      slot.hidden = false;
      const control = $(`[data-field="${e.field}"]`, row);
      if (control) {
        control.setAttribute("aria-invalid", "true");
        const errId = `setting-${e.index}-${e.field}-error`;
        slot.id = slot.id || errId;
        control.setAttribute("aria-describedby", slot.id);
      }
    }
    if (general.length) {
      top.textContent = general.join(" ");
      top.hidden = false;
    }
  }

  // ---- request form and live preview ----

  function renderRequestForm() {
    const r = state.request;
    $("#req-pg").value = r.pg;
    $("#req-amount").value = r.amount;
    $("#req-name").value = r.name;
    $("#req-buyer-name").value = r.buyer_name;
    $("#req-buyer-email").value = r.buyer_email;
    $("#req-merchant-uid").value = r.merchant_uid;
    $("#req-customer-uid").value = r.customer_uid;
    $("#req-channel-key").value = r.channelKey;
    $("#req-redirect").value = r.m_redirect_url;
    $("#req-language").value = r.language;
    $("#req-popup").checked = r.popup;
    $("#req-redirect").placeholder = location.origin + "/";
    if (r.customer_uid || r.channelKey || r.m_redirect_url || r.language || r.popup) $("#more-params").open = true;
    fillSelect($("#req-currency"), ["KRW", "USD", "JPY"].map((c) => [c, c]), r.currency);
    fillSelect($("#req-pay-method"), [["card", METHOD_NAMES.card]], r.pay_method);
  }

  function fillSelect(select, options, want) {
    const values = options.map(([v]) => v);
    select.replaceChildren(...options.map(([v, t]) => el("option", { value: v, text: t })));
    select.value = values.includes(want) ? want : values[0];
    return select.value;
  }

  function renderDatalist() {
    const seen = new Set();
    const opts = [];
    for (const s of state.config.pg_settings) {
      const label = `${pgLabel(s.pg)} · ${s.pay_type}${s.label ? " · " + s.label : ""}`;
      for (const v of [s.pg, s.mid ? `${s.pg}.${s.mid}` : ""]) {
        if (!v || seen.has(v)) continue;
        seen.add(v);
        opts.push(el("option", { value: v, label: v === s.pg ? `${pgLabel(s.pg)} — first ${s.pg} setting` : label }));
      }
    }
    $("#pg-suggestions").replaceChildren(...opts);
  }

  function readRequestForm() {
    const r = state.request;
    r.pg = $("#req-pg").value;
    r.amount = $("#req-amount").value;
    r.currency = $("#req-currency").value;
    r.pay_method = $("#req-pay-method").value;
    r.name = $("#req-name").value;
    r.buyer_name = $("#req-buyer-name").value;
    r.buyer_email = $("#req-buyer-email").value;
    r.merchant_uid = $("#req-merchant-uid").value;
    r.customer_uid = $("#req-customer-uid").value;
    r.channelKey = $("#req-channel-key").value;
    r.m_redirect_url = $("#req-redirect").value;
    r.language = $("#req-language").value;
    r.popup = $("#req-popup").checked;
  }

  // buildParams turns the form into request_pay params the way a merchant would write them:
  // empty fields are left out; a numeric amount is a number, anything else is sent as typed
  // so the SDK's own INVALID_AMOUNT message shows.
  function buildParams() {
    const r = state.request;
    const p = {};
    if (r.pg !== "") p.pg = r.pg;
    if (r.pay_method) p.pay_method = r.pay_method;
    if (r.merchant_uid) p.merchant_uid = r.merchant_uid;
    if (r.name) p.name = r.name;
    const amount = r.amount.trim();
    if (amount !== "") p.amount = /^-?\d+(\.\d+)?$/.test(amount) ? Number(amount) : r.amount;
    if (r.currency) p.currency = r.currency;
    if (r.buyer_name) p.buyer_name = r.buyer_name;
    if (r.buyer_email) p.buyer_email = r.buyer_email;
    if (r.customer_uid) p.customer_uid = r.customer_uid;
    if (r.channelKey) p.channelKey = r.channelKey;
    if (r.m_redirect_url) p.m_redirect_url = r.m_redirect_url;
    if (r.language) p.language = r.language;
    if (r.popup) p.popup = true;
    return p;
  }

  function resolveNow(params) {
    try {
      return { trace: IMP.sandbox.resolve(params) };
    } catch (err) {
      return { error: err && err.message ? err.message : String(err) };
    }
  }

  // refreshRequest re-resolves, narrows pay_method and currency to what the chosen PG offers,
  // and redraws the preview, the pay button and the snippet.
  function refreshRequest() {
    readRequestForm();
    if (sdkReady) {
      const before = buildParams();
      let res = resolveNow(before);
      const pg = res.trace && res.trace.setting ? pgByCode.get(res.trace.setting.pg) : null;
      narrowChoices(pg);
      readRequestForm();
      // Narrowing may drop pay_method (PAY_METHOD_IGNORED depends on it); resolve again only then,
      // since every resolve also writes its warnings to the console.
      const after = buildParams();
      if (JSON.stringify(after) !== JSON.stringify(before)) res = resolveNow(after);
      lastTrace = res.trace || null;
      renderPreview(res, pg);
    }
    saveState();
    renderPay();
    renderSnippet();
  }

  function narrowChoices(pg) {
    const r = state.request;
    const methods = pg && pg.methods && pg.methods.length ? pg.methods : ["card", "trans", "vbank", "phone"];
    const methodOpts = methods.map((m) => [m, METHOD_NAMES[m] || m]);
    if (pg && pg.simple_pay) methodOpts.unshift(["", `(left out — ${pg.name} picks the method)`]);
    // On a switch to a simple-pay PG, leave pay_method out as the guide's kakaopay example does;
    // a method picked by hand afterwards stays (and the preview warns PAY_METHOD_IGNORED).
    const code = pg ? pg.code : "";
    let wantMethod = r.pay_method;
    if (code !== methodsFor) wantMethod = pg && pg.simple_pay ? "" : r.pay_method || "card";
    methodsFor = code;
    fillSelect($("#req-pay-method"), methodOpts, wantMethod);
    const currencies = pg && pg.currencies && pg.currencies.length ? pg.currencies : ["KRW"];
    fillSelect($("#req-currency"), currencies.map((c) => [c, c]), r.currency);
  }

  function settingSummary(s) {
    if (!s) return "";
    const bits = [`${s.pg}.${s.mid}`, (PAY_TYPES.find(([v]) => v === s.pay_type) || [0, s.pay_type])[1]];
    if (s.default) bits.push("default");
    return bits.join(" · ");
  }

  function renderPreview(res, pg) {
    const body = $("#preview-body");
    delete body.dataset.rule;
    delete body.dataset.index;
    if (res.error) {
      body.dataset.state = "error";
      body.replaceChildren(el("p", { class: "preview-error", text: res.error }));
      return;
    }
    const t = res.trace;
    const settings = appliedSettings || state.config.pg_settings;
    const nodes = [];
    if (!draftApplied) {
      nodes.push(el("p", { class: "stale-note", text: "Your edits to the PG settings are not applied yet (see the errors there): this shows the last settings that were valid." }));
    }
    const input = t.input === undefined || t.input === null || t.input === "" ? "pg: (none)" : `pg: “${t.input}”`;
    if (!t.setting) {
      body.dataset.state = "error";
      const e = t.error || t.err || {};
      nodes.push(el("p", { class: "preview-error", data: { preview: "setting" } },
        el("code", { text: e.code || "F1001" }), " ", e.message || "No payment setting to pick from: add a PG setting of type payment."));
      body.replaceChildren(...nodes);
      return;
    }
    body.dataset.state = "ok";
    body.dataset.rule = t.rule;
    body.dataset.index = String(t.setting.index);
    nodes.push(el("div", { class: "verdict" + (t.fallback ? " fallback" : ""), data: { preview: "setting" } },
      el("span", { class: "verdict-input", text: input }),
      el("span", { class: "arrow", "aria-hidden": "true", text: "→" }),
      el("span", { class: "verdict-setting" },
        el("span", { class: "swatch", style: null, "aria-hidden": "true", data: { color: pg ? pg.color : "" } }),
        el("b", { text: `#${t.setting.index} ${pg ? pg.name : t.setting.pg}` }),
        " ", el("span", { class: "muted", text: settingSummary(t.setting) }),
        t.setting.label ? el("span", { class: "tag", text: t.setting.label }) : null)));
    nodes.push(el("p", { class: "rule", data: { preview: "rule" } },
      el("span", { class: "rule-badge" + (t.fallback ? " warn" : ""), text: t.rule }), " ",
      (RULES[t.rule] || (() => ""))(t)));
    if (state.config.strict && t.fallback) {
      nodes.push(el("p", { class: "strict-note", text: "Strict mode is on: paying this request fails with SANDBOX_STRICT." }));
    }

    // Every setting in console order: why each earlier one was passed over, which won, which were never reached.
    const considered = new Map((t.considered || []).map((c) => [c.index, c.why_not]));
    const def = effectiveDefault(settings);
    const order = [def, ...settings.map((_, i) => i).filter((i) => i !== def)];
    const rows = order.filter((i) => settings[i]).map((i) => {
      const s = settings[i];
      let statusText;
      let st;
      if (i === t.setting.index) {
        st = "chosen";
        statusText = t.fallback ? "✓ chosen — the default" : "✓ chosen";
      } else if (considered.has(i)) {
        st = "rejected";
        statusText = considered.get(i) || "no match";
      } else {
        st = "unchecked";
        statusText = s.type === "certification" ? "not a payment setting" : "not checked — an earlier setting matched";
      }
      return el("tr", { data: { index: String(i), status: st } },
        el("td", { text: `#${i}` }),
        el("td", {}, el("code", { text: s.pg }), s.mid ? "." : "", s.mid ? el("code", { text: s.mid }) : null),
        el("td", { text: s.pay_type }),
        el("td", { class: "why", text: statusText }));
    });
    nodes.push(el("table", { class: "candidates", data: { preview: "candidates" } },
      el("caption", { text: "Settings, in console order" }),
      el("thead", {}, el("tr", {},
        el("th", { scope: "col", text: "#" }), el("th", { scope: "col", text: "pg.mid" }),
        el("th", { scope: "col", text: "pay type" }), el("th", { scope: "col", text: "result" }))),
      el("tbody", {}, rows)));

    const warnings = t.warnings || [];
    const list = el("ul", { class: "warnings", data: { preview: "warnings" }, "aria-label": "Warnings" });
    for (const w of warnings) {
      const m = /did you mean "([^"]+)"/.exec(w.message || "");
      list.append(el("li", { data: { code: w.code } },
        el("code", { text: w.code }), " ", w.message,
        m ? el("button", { type: "button", class: "btn btn-small", data: { usePg: m[1] }, text: `Use “${m[1]}”` }) : null));
    }
    if (warnings.length) {
      nodes.push(el("h3", { text: `Warnings (${warnings.length}) — also printed to the console` }), list);
    } else {
      nodes.push(el("p", { class: "ok-note", data: { preview: "warnings" }, text: "No warnings: this pg is exact." }));
    }
    body.replaceChildren(...nodes);
    for (const sw of $$(".swatch", body)) sw.style.background = sw.dataset.color || "#888";
  }

  function formatAmount(params) {
    if (typeof params.amount !== "number" || !isFinite(params.amount)) return "";
    try {
      return new Intl.NumberFormat("en-US", { style: "currency", currency: params.currency || "KRW" }).format(params.amount);
    } catch {
      return String(params.amount);
    }
  }

  function renderPay() {
    const params = buildParams();
    const note = $("#amount-note");
    note.hidden = params.amount === undefined || typeof params.amount === "number";
    note.textContent = note.hidden ? "" : "Not a number: it is sent as the string you typed, and request_pay answers INVALID_AMOUNT.";
    if (params.amount === undefined) {
      note.hidden = false;
      note.textContent = "No amount: request_pay answers INVALID_AMOUNT (0 is allowed only with customer_uid).";
    }
    const btn = $("#pay");
    const amount = formatAmount(params);
    const t = lastTrace;
    const where = t && t.setting ? ` with ${pgLabel(t.setting.pg)}` : "";
    btn.textContent = paying ? "Waiting for the payment window…" : `Pay ${amount}${where}`.replace(/\s+/g, " ");
    btn.disabled = !sdkReady || paying;
  }

  function jsKey(k) {
    return /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k);
  }

  function renderSnippet() {
    const params = buildParams();
    const lines = Object.entries(params).map(([k, v]) => `  ${jsKey(k)}: ${JSON.stringify(v)},`);
    const code = [
      `IMP.init(${JSON.stringify(state.config.merchant_code || "")});`,
      "IMP.request_pay({",
      ...lines,
      "}, function (rsp) {",
      "  if (rsp.success) {",
      "    // Send rsp.imp_uid to your server and verify the paid amount there.",
      "  } else {",
      "    console.error(rsp.error_code, rsp.error_msg);",
      "  }",
      "});",
    ].join("\n");
    $("#snippet").textContent = code;
  }

  async function copySnippet() {
    const text = $("#snippet").textContent;
    const btn = $("#copy-snippet");
    try {
      await navigator.clipboard.writeText(text);
      btn.textContent = "Copied";
    } catch {
      // No clipboard permission (plain http on another host): select it for Ctrl-C instead.
      const range = document.createRange();
      range.selectNodeContents($("#snippet"));
      const sel = getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      btn.textContent = "Selected — press Ctrl-C";
    }
    setTimeout(() => (btn.textContent = "Copy"), 2000);
  }

  // ---- paying ----

  // pay calls IMP.request_pay synchronously inside the click, so that the user gesture still
  // holds when the SDK opens a popup. A settings edit still waiting for its debounce is sent
  // first, without awaiting: request_pay runs after a configure called before it.
  async function pay() {
    if (paying || !sdkReady) return;
    if (applyPending) applyConfig();
    readRequestForm();
    const params = buildParams();
    paying = true;
    renderPay();
    $("#pay-status").textContent = params.language === "en"
      ? "The mock payment window is open: approve, fail or cancel it."
      : "The mock payment window is open: 결제 승인 approves, 결제 실패 fails, 취소 cancels.";
    let rsp;
    try {
      rsp = await new Promise((resolve) => {
        const p = IMP.request_pay(params, resolve);
        if (p && typeof p.then === "function") p.then(resolve);
      });
    } catch (err) {
      rsp = { success: false, error_code: "INTERNAL", error_msg: "IMP.request_pay threw: " + (err && err.message) };
    }
    paying = false;
    showResponse(rsp);
    addHistory(params, rsp);
    if (rsp && rsp.success) {
      // This order is paid now; a second payment of it would get F1002.
      $("#req-merchant-uid").value = newMerchantUID();
    }
    refreshRequest();
  }

  function showResponse(rsp, ok = !!(rsp && rsp.success)) {
    const out = $("#response");
    out.dataset.state = ok ? "success" : "failure";
    out.textContent = JSON.stringify(rsp, null, 2);
    const st = $("#pay-status");
    st.textContent = ok
      ? `Paid: ${rsp.imp_uid}${rsp.status === "ready" ? " (virtual account issued, waiting for the deposit)" : ""}.`
      : `Not paid: ${rsp && rsp.error_code} — ${rsp && rsp.error_msg}`;
    st.dataset.state = out.dataset.state;
  }

  function addHistory(params, rsp, ok = !!rsp.success) {
    payments.unshift({ at: new Date(), params, rsp });
    const tbody = $("#history tbody");
    const h = payments[0];
    const row = el("tr", { data: { merchantUid: rsp.merchant_uid || params.merchant_uid || "", success: String(ok) } },
      el("td", { text: h.at.toLocaleTimeString() }),
      el("td", {}, el("button", { type: "button", class: "link-btn", text: rsp.merchant_uid || "(none)", "aria-label": `Show the response for ${rsp.merchant_uid || "this payment"}`, onclick: () => showResponse(rsp, ok) })),
      el("td", { text: rsp.pg_provider || (lastTrace && lastTrace.setting ? lastTrace.setting.pg : "—") }),
      el("td", { text: formatAmount(params) || String(params.amount ?? "—") }),
      el("td", { class: ok ? "ok" : "bad", text: ok ? (rsp.status || "paid") : rsp.error_code || "failed" }));
    tbody.prepend(row);
    $("#history-empty").hidden = true;
  }

  // ---- wiring ----

  const list = $("#setting-list");
  // Text fields on every keystroke; selects and the default radio once, on change.
  const picked = (t) => t.tagName === "SELECT" || t.type === "radio";
  list.addEventListener("input", (ev) => {
    if (!picked(ev.target)) onSettingInput(ev);
  });
  list.addEventListener("change", (ev) => {
    if (picked(ev.target)) onSettingInput(ev);
  });
  list.addEventListener("click", onSettingAction);
  $("#add-setting").addEventListener("click", addSetting);
  $("#reset-settings").addEventListener("click", () => {
    showImportError("");
    replaceConfig(clone(EXAMPLE));
  });
  $("#merchant-code").addEventListener("input", (ev) => {
    state.config.merchant_code = ev.target.value;
    $("#config-json").value = JSON.stringify(configForSDK(), null, 2);
    renderSnippet();
    scheduleApply();
  });
  $("#req-strict").addEventListener("change", (ev) => {
    state.config.strict = ev.target.checked;
    $("#config-json").value = JSON.stringify(configForSDK(), null, 2);
    applyConfig();
  });
  $("#export-json").addEventListener("click", () => {
    const blob = new Blob([JSON.stringify(configForSDK(), null, 2) + "\n"], { type: "application/json" });
    const a = el("a", { href: URL.createObjectURL(blob), download: `${state.config.merchant_code || "merchant"}.json` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
  $("#import-file").addEventListener("change", async (ev) => {
    const file = ev.target.files && ev.target.files[0];
    ev.target.value = "";
    if (!file) return;
    try {
      replaceConfig(parseImport(await file.text()));
      showImportError("");
    } catch (err) {
      $("#json-details").open = true;
      showImportError(`${file.name}: ${err.message}`);
    }
  });
  $("#apply-json").addEventListener("click", () => {
    try {
      replaceConfig(parseImport($("#config-json").value));
      showImportError("");
    } catch (err) {
      showImportError(err.message);
    }
  });

  const form = $("#request-form");
  form.addEventListener("input", (ev) => {
    if (ev.target.id !== "req-strict") refreshRequest();
  });
  form.addEventListener("change", (ev) => {
    if (ev.target.tagName === "SELECT" || ev.target.type === "checkbox") refreshRequest();
  });
  form.addEventListener("submit", (ev) => ev.preventDefault());
  form.addEventListener("click", (ev) => {
    const chip = ev.target.closest("[data-try-pg]");
    if (!chip) return;
    $("#req-pg").value = chip.dataset.tryPg;
    refreshRequest();
    $("#req-pg").focus();
  });
  $("#new-merchant-uid").addEventListener("click", () => {
    $("#req-merchant-uid").value = newMerchantUID();
    refreshRequest();
  });
  $("#preview-body").addEventListener("click", (ev) => {
    const fix = ev.target.closest("[data-use-pg]");
    if (!fix) return;
    $("#req-pg").value = fix.dataset.usePg;
    refreshRequest();
    $("#req-pg").focus();
  });
  $("#pay").addEventListener("click", pay);
  $("#copy-snippet").addEventListener("click", copySnippet);
  $("#reset-sandbox").addEventListener("click", async () => {
    if (!sdkReady) return;
    await IMP.sandbox.reset();
    $("#pay-status").textContent = "The sandbox forgot its paid merchant_uids: any of them can be paid again.";
    $("#pay-status").dataset.state = "";
  });

  // impshimDemo.ready settles whatever happens, so a test reads the page's state instead of timing out.
  start()
    .catch((err) => {
      console.error("[impshim demo]", err);
      sdkFailed("The demo page itself failed: " + (err && err.message ? err.message : String(err)) + " — please report it.");
    })
    .finally(resolveDemoReady);
})();
