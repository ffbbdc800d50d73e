// Step 1: the PG settings, as the admin console lists them, applied through IMP.sandbox.configure.

import { $, el, setValue, setText, showMessage } from "./dom.js";
import { state, save, changed, clone, EXAMPLE, pgByCode, effectiveDefault, consoleOrder, configForSDK } from "./state.js";
import { PAY_TYPES, schedulePreview } from "./preview.js";

// A merchant code is "imp" and digits (가맹점 식별코드, admin console › 내 정보).
const MERCHANT_CODE = /^imp\d+$/;

export function merchantCodeProblem(code) {
  if (MERCHANT_CODE.test(code)) return "";
  const shown = code === "" ? "It is empty" : `“${code}” is not one`;
  return `${shown}: a merchant code is “imp” followed by digits, like imp10391932 (admin console › 내 정보 › 가맹점 식별코드).`;
}

// ---- drawing ----

function pgSelect(setting, index) {
  const catalog = state.sdk.catalog;
  const select = el("select", { id: `setting-${index}-pg` });
  const groups = [
    ["Payment gateways", catalog.filter((p) => !p.simple_pay && !p.legacy && !p.certification)],
    ["Simple pay", catalog.filter((p) => p.simple_pay && !p.legacy)],
    ["Identity verification (IMP.certification)", catalog.filter((p) => p.certification && !p.legacy)],
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
  return select;
}

function field(index, name, labelText, control) {
  control.id = control.id || `setting-${index}-${name}`;
  control.dataset.field = name;
  return el("div", { class: `sfield sfield-${name}` },
    el("label", { for: control.id, text: labelText }),
    control,
    el("p", { class: "field-error", id: `setting-${index}-${name}-error`, data: { errorFor: name }, hidden: true }));
}

function buildRow(s, i) {
  const payType = el("select", {},
    PAY_TYPES.map(([v, t]) => el("option", { value: v, text: t })),
    PAY_TYPES.some(([v]) => v === s.pay_type) ? null : el("option", { value: s.pay_type || "", text: s.pay_type || "(none)" }));
  const pgSel = state.sdk.catalog.length ? pgSelect(s, i) : el("input", { spellcheck: "false", autocomplete: "off" });
  // Direct children of the row are grid cells: a card on narrow screens, one table-like line on wide ones.
  return el("li", { class: "setting", data: { setting: String(i) } },
    el("div", { class: "setting-head" },
      el("span", { class: "setting-index", text: `#${i}` }),
      el("label", { class: "default-pick" },
        el("input", { type: "radio", name: "default-setting", data: { field: "default" }, "aria-describedby": `setting-${i}-row-error`, "aria-label": `Setting #${i} is the default PG` }),
        el("span", { class: "default-text" })),
      el("span", { class: "tag type-tag", text: "identity verification" })),
    field(i, "pg", "PG", pgSel),
    field(i, "mid", "MID (PG merchant ID)", el("input", { spellcheck: "false", autocomplete: "off", placeholder: "e.g. INIpayTest" })),
    field(i, "pay_type", "Pay type", payType),
    field(i, "label", "Label (optional)", el("input", { autocomplete: "off" })),
    field(i, "channel_key", "Channel key (optional)", el("input", { spellcheck: "false", autocomplete: "off" })),
    el("span", { class: "setting-tools" },
      el("button", { type: "button", class: "icon-btn", data: { action: "up" }, "aria-label": `Move setting #${i} up`, title: "Move up", text: "↑" }),
      el("button", { type: "button", class: "icon-btn", data: { action: "down" }, "aria-label": `Move setting #${i} down`, title: "Move down", text: "↓" }),
      el("button", { type: "button", class: "icon-btn danger", data: { action: "remove" }, "aria-label": `Remove setting #${i}`, title: "Remove", text: "✕" })),
    // Errors about the whole row (a second default, …) get the row's full width.
    el("p", { class: "field-error row-error", id: `setting-${i}-row-error`, data: { errorFor: "row" }, hidden: true }));
}

// shape is what the rows' DOM depends on beyond values: rebuilt only when it changes, so a
// keystroke in a field does not replace the field.
function shape(s) {
  return JSON.stringify([s.sdk.catalog.length, s.config.pg_settings.map((x) => [pgByCode.has(x.pg) ? "" : x.pg,
    PAY_TYPES.some(([v]) => v === x.pay_type) ? "" : x.pay_type || "?"])]);
}

let drawnShape = "";

// errorsByRow groups the configure errors (and the page's own merchant-code check) by where they show.
function errorsOf(s) {
  const res = s.configure.result;
  const errors = [...s.configure.localErrors, ...(res && !res.ok ? res.errors || [] : [])];
  const merchant = [];
  const general = [];
  const rows = new Map(); // index -> {field -> [messages]}
  for (const e of errors) {
    const msg = e.message || String(e);
    if (e.field === "merchant_code") merchant.push(msg);
    else if (typeof e.index === "number" && e.index >= 0 && e.index < s.config.pg_settings.length) {
      const known = ["pg", "mid", "pay_type", "label", "channel_key"].includes(e.field);
      const f = known ? e.field : "row";
      if (!rows.has(e.index)) rows.set(e.index, {});
      const m = rows.get(e.index);
      (m[f] = m[f] || []).push(known ? msg : `${e.field ? e.field + ": " : ""}${msg}`);
    } else general.push(msg);
  }
  return { errors, merchant, general, rows };
}

export function renderSettings(s) {
  const list = $("#setting-list");
  const settings = s.config.pg_settings;
  const key = shape(s);
  if (key !== drawnShape) {
    drawnShape = key;
    list.replaceChildren(...settings.map(buildRow));
    if (settings.length === 0) {
      list.append(el("li", { class: "setting-empty", text: "No PG settings. Add one, or reset to the guide's example." }));
    }
  }
  const def = effectiveDefault(settings);
  const { errors, merchant, general, rows } = errorsOf(s);
  settings.forEach((set, i) => {
    const row = $(`li[data-setting="${i}"]`, list);
    const errs = rows.get(i) || {};
    for (const f of ["pg", "mid", "pay_type", "label", "channel_key"]) {
      const c = $(`[data-field="${f}"]`, row);
      setValue(c, set[f] || "");
      const slot = $(`[data-error-for="${f}"]`, row);
      showMessage(slot, (errs[f] || []).join(" "));
      if (errs[f]) {
        c.setAttribute("aria-invalid", "true");
        c.setAttribute("aria-describedby", slot.id);
      } else {
        c.removeAttribute("aria-invalid");
        c.removeAttribute("aria-describedby");
      }
    }
    showMessage($("[data-error-for=row]", row), (errs.row || []).join(" "));
    const radio = $("[data-field=default]", row);
    setValue(radio, i === def);
    setText($(".default-text", row), i === def ? "Default" : "Make default");
    $(".type-tag", row).hidden = set.type !== "certification";
    $("[data-action=up]", row).disabled = i === 0;
    $("[data-action=down]", row).disabled = i === settings.length - 1;
  });

  const order = consoleOrder(settings, s.configure.result);
  setText($("#console-order"), settings.length === 0 ? "" : "Console order (the order matching uses): " +
    order.map((i) => `#${i} ${settings[i].pg}${settings[i].mid ? "." + settings[i].mid : ""}`).join(" → "));

  const code = $("#merchant-code");
  setValue(code, s.config.merchant_code || "");
  showMessage($("#merchant-code-error"), merchant.join(" "));
  if (merchant.length) code.setAttribute("aria-invalid", "true");
  else code.removeAttribute("aria-invalid");
  showMessage($("#config-errors"), general.join(" "));

  // A person's unapplied edit of the JSON stays until they apply it or edit the list.
  if (s.jsonDraft === null) setValue($("#config-json"), JSON.stringify(configForSDK(), null, 2));
  showMessage($("#import-error"), s.importError);
  if (s.importError) $("#json-details").open = true;

  const st = $("#config-status");
  const res = s.configure.result;
  if (s.sdk.status === "failed") {
    st.dataset.state = "error";
    setText(st, "The SDK did not load, so nothing can be applied.");
  } else if (s.configure.status === "pending") {
    st.dataset.state = "pending";
    setText(st, s.sdk.status === "ready" ? "Applying…" : "Waiting for the SDK…");
  } else if (s.configure.status === "ok") {
    const applied = s.configure.applied;
    const d = applied[effectiveDefault(applied)];
    st.dataset.state = "ok";
    setText(st, `✓ Applied: ${applied.length} setting${applied.length === 1 ? "" : "s"}` +
      (d ? `, default ${d.pg}.${d.mid}` : "") + (s.config.strict ? ", strict mode" : "") + ".");
  } else {
    st.dataset.state = "error";
    setText(st, `✗ Not applied — ${errors.length} problem${errors.length === 1 ? "" : "s"} to fix. Until then the SDK keeps the last settings that were valid.`);
  }
  const warnings = $("#config-warnings");
  warnings.replaceChildren(...(s.configure.status === "ok" && res ? res.warnings || [] : []).map((w) =>
    el("li", { data: { code: w.code || "" } }, el("code", { text: w.code || "warning" }), " ", w.message || "")));

  const undo = $("#undo-reset");
  undo.hidden = !s.undo;
  if (s.undo) setText($("#undo-text"), s.undo.text);

  renderDatalist(s);
}

function renderDatalist(s) {
  const seen = new Set();
  const opts = [];
  for (const set of s.config.pg_settings) {
    const name = pgByCode.get(set.pg) ? pgByCode.get(set.pg).name : set.pg;
    const label = `${name} · ${set.pay_type}${set.label ? " · " + set.label : ""}`;
    for (const v of [set.pg, set.mid ? `${set.pg}.${set.mid}` : ""]) {
      if (!v || seen.has(v)) continue;
      seen.add(v);
      opts.push([v, v === set.pg ? `${name} — first ${set.pg} setting` : label]);
    }
  }
  const dl = $("#pg-suggestions");
  const key = JSON.stringify(opts);
  if (dl.dataset.key !== key) {
    dl.dataset.key = key;
    dl.replaceChildren(...opts.map(([value, label]) => el("option", { value, label })));
  }
}

// ---- applying ----

let applyTimer = 0;
let applyPending = false;
let seq = 0;

export function scheduleApply() {
  save();
  clearTimeout(applyTimer);
  applyPending = true;
  applyTimer = setTimeout(applyConfig, 150);
}

// applyIfPending sends a settings edit still waiting for its debounce, without awaiting: a
// request_pay called after it runs after it.
export function applyIfPending() {
  if (applyPending) applyConfig();
}

export async function applyConfig() {
  clearTimeout(applyTimer);
  applyPending = false;
  save();
  const problem = merchantCodeProblem(state.config.merchant_code || "");
  state.configure.localErrors = problem ? [{ index: -1, field: "merchant_code", message: problem }] : [];
  if (state.sdk.status !== "ready") return;
  if (problem) {
    // The SDK would take any string; the real service would not know it. Keep the last valid settings.
    state.configure.status = "error";
    state.configure.result = null;
    changed();
    return;
  }
  const mine = ++seq;
  state.configure.status = "pending";
  changed();
  let result;
  try {
    result = await IMP.sandbox.configure(configForSDK());
  } catch (err) {
    // configure promises never to reject; if it does, that is an SDK bug worth seeing.
    result = { ok: false, errors: [{ index: -1, field: "", message: "IMP.sandbox.configure failed: " + (err && err.message) }] };
  }
  if (mine !== seq) return; // a newer edit is on its way
  state.configure.result = result;
  state.configure.status = result && result.ok ? "ok" : "error";
  if (result && result.ok) {
    state.configure.applied = clone(state.config.pg_settings);
    state.configure.merchant_code = state.config.merchant_code; // the code the SDK (and its ledger calls) now use
  }
  schedulePreview(0);
  changed();
  document.dispatchEvent(new CustomEvent("impshim-demo:configured"));
}

// ---- editing ----

function edit(ev) {
  const t = ev.target;
  const row = t.closest("li[data-setting]");
  const name = t.dataset.field;
  if (!row || !name) return;
  const i = Number(row.dataset.setting);
  const settings = state.config.pg_settings;
  if (name === "default") {
    settings.forEach((o, j) => (o.default = j === i));
  } else {
    const s = settings[i];
    s[name] = t.value;
    if (name === "pg") {
      // Picking a simple-pay PG makes it a simple setting; leaving one makes it general again.
      const pg = pgByCode.get(s.pg);
      if (pg && pg.simple_pay) s.pay_type = "simple";
      else if (pg && s.pay_type === "simple") s.pay_type = "general";
      // An identity-verification PG makes a certification setting (IMP.certification uses it).
      if (pg && pg.certification) s.type = "certification";
      else if (pg) delete s.type;
    }
  }
  state.undo = null;
  state.jsonDraft = null;
  changed();
  if (name === "default") $(`li[data-setting="${i}"] [data-field=default]`).focus();
  scheduleApply();
}

function act(ev) {
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
  state.undo = null;
  state.jsonDraft = null;
  drawnShape = ""; // rows moved: their ids and labels name new positions
  changed();
  // Keep the keyboard where it was: the same button on the moved row, or the next row.
  const target = focusIndex >= 0 && $(`li[data-setting="${focusIndex}"] [data-action=${action}]`);
  if (target && !target.disabled) target.focus();
  else if (focusIndex >= 0) $(`li[data-setting="${focusIndex}"] [data-field=pg]`).focus();
  else $("#add-setting").focus();
  applyConfig();
}

// addSetting starts a row as a payment PG the list does not have yet (never an identity-verification
// or legacy one), as the console's "add" does.
function addSetting() {
  const used = new Set(state.config.pg_settings.map((s) => s.pg));
  const payment = state.sdk.catalog.filter((p) => !p.legacy && !p.certification);
  const pick = payment.find((p) => !used.has(p.code)) || payment[0];
  state.config.pg_settings.push({ pg: pick ? pick.code : "", mid: "", pay_type: pick ? pick.pay_type : "general" });
  state.undo = null;
  state.jsonDraft = null;
  changed();
  $(`li[data-setting="${state.config.pg_settings.length - 1}"] [data-field=pg]`).focus();
  applyConfig();
}

// replaceConfig swaps the whole config (reset, import); undoText offers the old one back.
export function replaceConfig(cfg, undoText) {
  const before = clone(state.config);
  state.config = {
    merchant_code: typeof cfg.merchant_code === "string" ? cfg.merchant_code : "",
    strict: cfg.strict === true,
    pg_settings: cfg.pg_settings.map((s) => ({ ...s })),
  };
  state.undo = undoText ? { config: before, text: undoText } : null;
  state.importError = "";
  state.jsonDraft = null;
  changed();
  applyConfig();
}

// parseImport accepts the -merchants file format and says what is wrong otherwise.
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

export function wireSettings() {
  const list = $("#setting-list");
  // Text fields on every keystroke; selects and the default radio once, on change.
  const picked = (t) => t.tagName === "SELECT" || t.type === "radio";
  list.addEventListener("input", (ev) => {
    if (!picked(ev.target)) edit(ev);
  });
  list.addEventListener("change", (ev) => {
    if (picked(ev.target)) edit(ev);
  });
  list.addEventListener("click", act);
  $("#add-setting").addEventListener("click", addSetting);
  $("#reset-settings").addEventListener("click", () => {
    const same = JSON.stringify(configForSDK()) === JSON.stringify(configForSDK({ ...EXAMPLE, strict: state.config.strict }));
    replaceConfig(clone({ ...EXAMPLE, strict: state.config.strict }), same ? "" : "The settings are back to the guide's example.");
    if (!same) $("#undo-reset-btn").focus();
  });
  $("#undo-reset-btn").addEventListener("click", () => {
    if (!state.undo) return;
    replaceConfig(state.undo.config, "");
    $("#reset-settings").focus();
  });
  $("#config-json").addEventListener("input", (ev) => (state.jsonDraft = ev.target.value));
  $("#merchant-code").addEventListener("input", (ev) => {
    state.config.merchant_code = ev.target.value.trim();
    state.undo = null;
    state.jsonDraft = null;
    changed();
    scheduleApply();
  });
  $("#req-strict").addEventListener("change", (ev) => {
    state.config.strict = ev.target.checked;
    state.jsonDraft = null;
    changed();
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
      replaceConfig(parseImport(await file.text()), `Imported ${file.name}.`);
    } catch (err) {
      state.importError = `${file.name}: ${err.message}`;
      changed();
    }
  });
  $("#apply-json").addEventListener("click", () => {
    state.jsonDraft = $("#config-json").value; // what is applied is what the person typed
    try {
      replaceConfig(parseImport(state.jsonDraft), "Applied the JSON.");
    } catch (err) {
      state.importError = err.message;
      changed();
    }
  });
}
