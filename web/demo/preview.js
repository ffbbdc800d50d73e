// "Which setting will it pick?": IMP.sandbox.resolve for the current request, drawn from state.preview.

import { $, $$, el } from "./dom.js";
import { state, changed, pgByCode, consoleOrder } from "./state.js";
import { buildParams, narrowTo } from "./request.js";

export const PAY_TYPES = [
  ["general", "General"],
  ["subscription", "Subscription"],
  ["simple", "Simple pay"],
];

const RULES = {
  R0: () => "channelKey matched a setting's channel key; it wins over pg.",
  R1: (t) => `“${t.code}.${t.mid}” names a PG and a MID: the first setting with both, in console order.`,
  R2: (t) => `“${t.code}” names a PG only: the first setting with that PG, in console order.`,
  R3: () => "Nothing matched, so the default PG takes the payment — i'mport's “policy to prevent loss of sales”. A typo here goes unnoticed in production; strict mode turns it into an error.",
};

function resolveNow(params) {
  try {
    return { trace: IMP.sandbox.resolve(params), error: "" };
  } catch (err) {
    return { trace: null, error: err && err.message ? err.message : String(err) };
  }
}

let timer = 0;

// schedulePreview resolves the request after delayMs (0: now). Every resolve also writes its
// warnings to the console, so typing resolves once per pause, not once per key.
export function schedulePreview(delayMs = 0) {
  clearTimeout(timer);
  state.preview.pending = true;
  if (delayMs > 0) timer = setTimeout(refreshPreview, delayMs);
  else refreshPreview();
}

// flushPreview resolves now if a typed edit is still waiting (Pay must describe what it sends).
export function flushPreview() {
  if (state.preview.pending) refreshPreview();
}

function refreshPreview() {
  clearTimeout(timer);
  if (state.sdk.status !== "ready") return;
  const before = buildParams();
  let res = resolveNow(before);
  let pg = res.trace && res.trace.setting ? pgByCode.get(res.trace.setting.pg) || null : null;
  // Narrowing may drop pay_method (PAY_METHOD_IGNORED depends on it): resolve again only then.
  if (narrowTo(pg)) {
    res = resolveNow(buildParams());
    pg = res.trace && res.trace.setting ? pgByCode.get(res.trace.setting.pg) || null : null;
  }
  state.preview = { trace: res.trace, error: res.error, pg, pending: false };
  changed();
}

export function settingSummary(s) {
  if (!s) return "";
  const bits = [`${s.pg}.${s.mid}`, (PAY_TYPES.find(([v]) => v === s.pay_type) || [0, s.pay_type])[1]];
  if (s.default) bits.push("default");
  return bits.join(" · ");
}

// oneLine is the verdict in a few words, for the sticky line under pg on small screens.
export function oneLine(s) {
  const t = s.preview.trace;
  if (s.preview.error) return "→ " + s.preview.error;
  if (!t) return "";
  if (!t.setting) return "→ no payment setting (F1001)";
  const pg = s.preview.pg;
  return `→ #${t.setting.index} ${pg ? pg.name : t.setting.pg} · ${t.setting.mid} (${t.rule}${t.fallback ? ", fallback" : ""})`;
}

let drawn = "";

export function renderPreview(s) {
  const body = $("#preview-body");
  const sticky = $("#pg-verdict");
  sticky.textContent = oneLine(s);
  sticky.dataset.state = s.preview.trace && s.preview.trace.fallback ? "fallback" : s.preview.trace && s.preview.trace.setting ? "ok" : "error";
  if (s.sdk.status !== "ready") return;
  if (s.preview.pending) body.dataset.pending = "true";
  else delete body.dataset.pending;
  // Redrawn only when what it shows changes, so a focused "Use …" button keeps the focus while
  // other panels update.
  const key = JSON.stringify([s.preview.trace, s.preview.error, s.configure.status, s.configure.applied, s.configure.result && s.configure.result.console_order, !!s.config.strict]);
  if (key === drawn) return;
  drawn = key;
  const { trace: t, error, pg } = s.preview;
  delete body.dataset.rule;
  delete body.dataset.index;
  if (error) {
    body.dataset.state = "error";
    body.replaceChildren(el("p", { class: "preview-error", text: error }));
    return;
  }
  if (!t) return;
  const settings = s.configure.applied || s.config.pg_settings;
  const nodes = [];
  if (s.configure.status === "error") {
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
      el("span", { class: "swatch", "aria-hidden": "true", data: { color: pg ? pg.color : "" } }),
      el("b", { text: `#${t.setting.index} ${pg ? pg.name : t.setting.pg}` }),
      " ", el("span", { class: "muted", text: settingSummary(t.setting) }),
      t.setting.label ? el("span", { class: "tag", text: t.setting.label }) : null)));
  nodes.push(el("p", { class: "rule", data: { preview: "rule" } },
    el("span", { class: "rule-badge" + (t.fallback ? " warn" : ""), text: t.rule }), " ",
    (RULES[t.rule] || (() => ""))(t)));
  if (s.config.strict && t.fallback) {
    nodes.push(el("p", { class: "strict-note", text: "Strict mode is on: paying this request fails with SANDBOX_STRICT." }));
  }

  // Every setting in console order: why each earlier one was passed over, which won, which were never reached.
  const considered = new Map((t.considered || []).map((c) => [c.index, c.why_not]));
  const rows = consoleOrder(settings, s.configure.result).map((i) => {
    const set = settings[i];
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
      statusText = set.type === "certification" ? "not a payment setting" : "not checked — an earlier setting matched";
    }
    return el("tr", { data: { index: String(i), status: st } },
      el("td", { text: `#${i}` }),
      el("td", {}, el("code", { text: set.pg }), set.mid ? "." : "", set.mid ? el("code", { text: set.mid }) : null),
      el("td", { text: set.pay_type }),
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
    // Only the SDK's structured suggestions (the whole corrected pg); a message is for people, not parsed.
    const fixes = Array.isArray(w.suggestions) ? w.suggestions.filter((x) => x && typeof x.pg === "string") : [];
    list.append(el("li", { data: { code: w.code } },
      el("code", { text: w.code }), " ", w.message,
      fixes.map((x) => el("button", { type: "button", class: "btn btn-small", data: { usePg: x.pg }, text: x.label || `Use “${x.pg}”` }))));
  }
  if (warnings.length) {
    nodes.push(el("h3", { text: `Warnings (${warnings.length}) — also printed to the console` }), list);
  } else {
    nodes.push(el("p", { class: "ok-note", data: { preview: "warnings" }, text: "No warnings: this pg is exact." }));
  }
  body.replaceChildren(...nodes);
  for (const sw of $$(".swatch", body)) sw.style.background = sw.dataset.color || "#888";
}
