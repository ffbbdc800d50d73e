// Identity verification: IMP.certification from the page, and what the merchant's server then
// reads over REST (GET /certifications/{imp_uid}) — the person is never taken from the browser.

import { $, setText, setValue, showMessage } from "./dom.js";
import { state, changed } from "./state.js";
import { restCall } from "./server.js";
import { applyConfig } from "./settings.js";

export function certificationSettings(s) {
  return (s.configure.applied || []).filter((x) => x.type === "certification");
}

function minAgeOf(text) {
  const t = text.trim();
  if (t === "") return { value: undefined, problem: "" };
  if (!/^\d+$/.test(t)) return { value: t, problem: "min_age is a whole number of years (e.g. 19); this is sent as typed and refused." };
  return { value: Number(t), problem: "" };
}

// certify calls IMP.certification inside the click, so the popup the SDK opens on a PC is allowed.
async function certify() {
  if (state.sdk.status !== "ready" || state.certify.busy) return;
  const params = {};
  const age = minAgeOf(state.certify.min_age);
  if (age.value !== undefined) params.min_age = age.value;
  if (state.request.language) params.language = state.request.language;
  state.certify.busy = true;
  state.certify.server = null;
  changed();
  let rsp;
  try {
    rsp = await IMP.certification(params);
  } catch (err) {
    rsp = { success: false, error_code: "INTERNAL", error_msg: "IMP.certification threw: " + (err && err.message) };
  }
  state.certify.busy = false;
  state.certify.response = rsp;
  changed();
  $("#certify-btn").focus();
  if (rsp && rsp.success && rsp.imp_uid && state.ledger.on) {
    try {
      state.certify.server = { ok: true, value: await restCall("GET", "/certifications/" + encodeURIComponent(rsp.imp_uid)) };
    } catch (err) {
      state.certify.server = { ok: false, value: err.message };
    }
    changed();
  }
}

function addSetting() {
  const pg = state.sdk.catalog.find((p) => p.certification && !p.legacy);
  if (!pg) return;
  state.config.pg_settings.push({ pg: pg.code, mid: "MIIiasTest", pay_type: "general", type: "certification" });
  changed();
  applyConfig();
}

export function renderCertify(s) {
  const settings = certificationSettings(s);
  const ready = s.sdk.status === "ready";
  $("#cert-none").hidden = !ready || settings.length > 0;
  const btn = $("#certify-btn");
  btn.disabled = !ready || s.certify.busy || settings.length === 0;
  setText(btn, s.certify.busy ? "Waiting for the verification window…" : settings.length
    ? `Verify identity with ${settings[0].pg} · ${settings[0].mid}` : "Verify identity");
  setValue($("#cert-min-age"), s.certify.min_age);
  const age = minAgeOf(s.certify.min_age);
  showMessage($("#cert-min-age-note"), age.problem);
  const out = $("#cert-response");
  const r = s.certify.response;
  out.dataset.state = r ? (r.success ? "success" : "failure") : "none";
  setText(out, r ? JSON.stringify(r, null, 2) : "Not verified yet.");
  const sv = $("#cert-server");
  sv.hidden = !s.certify.server;
  if (s.certify.server) {
    sv.dataset.state = s.certify.server.ok ? "success" : "failure";
    setText(sv, s.certify.server.ok ? JSON.stringify(s.certify.server.value, null, 2) : "GET /certifications: " + s.certify.server.value);
  }
  $("#cert-server-h").hidden = !s.certify.server;
}

export function wireCertify() {
  $("#certify-btn").addEventListener("click", certify);
  $("#add-cert-setting").addEventListener("click", addSetting);
  $("#cert-min-age").addEventListener("input", (ev) => {
    state.certify.min_age = ev.target.value;
    changed();
  });
}
