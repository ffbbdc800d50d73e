// Step 3: the Pay button, the response the callback got, and this page's payments.

import { $, el, setText } from "./dom.js";
import { state, changed, save, newMerchantUID, pgName } from "./state.js";
import { amountOf, buildParams, formatAmount, outcomeForSDK } from "./request.js";
import { flushPreview } from "./preview.js";
import { applyIfPending } from "./settings.js";

// payVerdict is what Pay will do, in words, and how the button looks: "ok", "fallback" (the
// default PG takes it) or "refused" (the SDK answers an error without opening a window).
export function payVerdict(s) {
  const params = buildParams(s.request);
  const a = amountOf(s.request);
  const shown = typeof params.amount === "number" ? formatAmount(params.amount, params.currency, a.decimals) : params.amount === undefined ? "" : `“${params.amount}”`;
  const t = s.preview.trace;
  if (s.sdk.status !== "ready") return { state: "off", label: `Pay ${shown}`.trim(), note: "" };
  if (s.config.pg_settings.length === 0) {
    return { state: "off", label: `Pay ${shown}`.trim(), note: "No PG settings: add one in step 1 (or reset to the guide's example). The SDK refuses an empty list." };
  }
  const v = verdictFor(s, t, shown, a);
  if (s.configure.status === "error" && v.state !== "off") {
    v.note = (v.note ? v.note + " " : "") + "Your edits in step 1 are not applied (see the errors there): this pays with the last settings that were valid.";
  }
  return v;
}

function verdictFor(s, t, shown, a) {
  if (!t || !t.setting) {
    const why = s.preview.error || (t && t.error && t.error.message) || "";
    return { state: "off", label: `Pay ${shown}`.trim(), note: `No payment setting to pay with: add one in step 1 (PG settings). ${why}`.trim() };
  }
  const where = `#${t.setting.index} ${pgName(t.setting.pg)} · ${t.setting.mid}`;
  if (a.problem) return { state: "refused", label: `Pay ${shown || "(no amount)"} — refused: INVALID_AMOUNT`, note: a.problem };
  if (s.config.strict && t.fallback) {
    return { state: "refused", label: `Pay ${shown} — strict mode refuses the fallback`, note: `pg matches no setting: strict mode answers SANDBOX_STRICT instead of paying with ${where}.` };
  }
  if (t.fallback) {
    const none = t.input === undefined || t.input === null || t.input === "";
    return { state: "fallback", label: `Pay ${shown} with ${where} (fallback)`, note: none
      ? "No pg, so the default PG gets the payment. Fine if you mean the default; name it to be sure (strict mode refuses a missing pg)."
      : "pg matches no setting, so the default PG gets the payment — the real service does this silently." };
  }
  return { state: "ok", label: `Pay ${shown} with ${where}`, note: "" };
}

export function renderPay(s) {
  const btn = $("#pay");
  const v = payVerdict(s);
  setText(btn, s.paying ? "Waiting for the payment window…" : v.label);
  btn.dataset.verdict = v.state;
  btn.disabled = s.sdk.status !== "ready" || s.paying || v.state === "off";
  const note = $("#pay-note");
  setText(note, v.note);
  note.hidden = !v.note;
  note.dataset.verdict = v.state;
  const st = $("#pay-status");
  setText(st, s.payStatus.text);
  st.dataset.state = s.payStatus.state;
  renderResponse(s);
  renderHistory(s);
}

function when(unix) {
  return unix ? new Date(unix * 1000).toLocaleString() : "";
}

// summary says in words what the response means; a virtual account that is only issued is not paid.
function summary(rsp, ok) {
  if (!rsp) return [];
  if (!ok) return [el("b", { text: "Not paid" }), `: ${rsp.error_code || "failed"} — ${rsp.error_msg || ""}`];
  if (rsp.status === "ready") {
    const bits = [rsp.vbank_name, rsp.vbank_num, rsp.vbank_holder].filter(Boolean).join(" ");
    return [el("b", { text: "Virtual account issued — not paid yet" }),
      `: the buyer still has to deposit${bits ? " into " + bits : ""}${rsp.vbank_date ? ", due " + when(rsp.vbank_date) : ""}. paid_at means nothing until the deposit (the webhook says status: paid).`];
  }
  const paidAt = rsp.paid_at ? `, paid at ${when(rsp.paid_at)}` : "";
  return [el("b", { text: "Paid" }), `: ${rsp.imp_uid || ""}${paidAt}. Verify it on your server (“Your server” below) before you ship the order.`];
}

function renderResponse(s) {
  const out = $("#response");
  const sum = $("#response-summary");
  if (!s.response) {
    out.dataset.state = "none";
    setText(out, "No payment yet.");
    sum.hidden = true;
    return;
  }
  const { value, ok } = s.response;
  out.dataset.state = ok ? "success" : "failure";
  setText(out, JSON.stringify(value, null, 2));
  sum.hidden = false;
  sum.dataset.state = out.dataset.state;
  sum.replaceChildren(...summary(value, ok));
}

let drawnPayments = null;
function renderHistory(s) {
  if (drawnPayments === s.payments && drawnPayments.length === $("#history tbody").childElementCount) return;
  drawnPayments = s.payments;
  $("#history tbody").replaceChildren(...s.payments.map((h) => {
    const { rsp, ok, params } = h;
    const uid = rsp.merchant_uid || params.merchant_uid || "";
    return el("tr", { data: { merchantUid: uid, success: String(ok) } },
      el("td", { text: h.at.toLocaleTimeString() }),
      el("td", {}, el("button", { type: "button", class: "link-btn", text: uid || "(none)", "aria-label": `Show the response for ${uid || "this payment"}`,
        onclick: () => { state.response = { value: rsp, ok }; changed(); } })),
      el("td", { text: rsp.pg_provider || h.pg || "—" }),
      el("td", { text: typeof params.amount === "number" ? formatAmount(params.amount, params.currency, amountOf({ ...h.request }).decimals) : String(params.amount ?? "—") }),
      el("td", { class: ok ? (rsp.status === "ready" ? "wait" : "ok") : "bad", text: ok ? (rsp.status === "ready" ? "ready (awaiting deposit)" : rsp.status || "paid") : rsp.error_code || "failed" }));
  }));
  $("#history-empty").hidden = s.payments.length > 0;
}

export function statusFor(rsp, ok) {
  return ok
    ? `Paid: ${rsp.imp_uid}${rsp.status === "ready" ? " (virtual account issued, waiting for the deposit)" : ""}.`
    : `Not paid: ${rsp && rsp.error_code} — ${rsp && rsp.error_msg}`;
}

export function recordResult(params, rsp, ok, extra = {}) {
  state.response = { value: rsp, ok };
  state.payStatus = { text: (extra.prefix || "") + statusFor(rsp, ok), state: ok ? "success" : "failure" };
  state.payments = [{ at: new Date(), params, request: { ...state.request }, rsp, ok, pg: extra.pg || "" }, ...state.payments];
  document.dispatchEvent(new CustomEvent("impshim-demo:paid", { detail: { rsp, ok } }));
}

// pay calls IMP.request_pay synchronously inside the click, so that the user gesture still
// holds when the SDK opens a popup. A settings edit still waiting for its debounce is sent
// first, without awaiting: request_pay runs after a configure called before it.
async function pay() {
  if (state.paying || state.sdk.status !== "ready") return;
  applyIfPending();
  flushPreview();
  const params = buildParams();
  const outcome = outcomeForSDK();
  try {
    if (outcome) IMP.sandbox.setOutcome(outcome);
  } catch (err) {
    state.payStatus = { text: "setOutcome refused the outcome: " + err.message, state: "failure" };
    changed();
    return;
  }
  const t = state.preview.trace;
  const pg = t && t.setting ? t.setting.pg : "";
  state.paying = true;
  state.payStatus = {
    text: params.language === "en"
      ? "The mock payment window is open: approve, fail or cancel it."
      : "The mock payment window is open: 결제 승인 approves, 결제 실패 fails, 취소 cancels.",
    state: "",
  };
  changed();
  let rsp;
  try {
    rsp = await new Promise((resolve) => {
      const p = IMP.request_pay(params, resolve);
      if (p && typeof p.then === "function") p.then(resolve);
    });
  } catch (err) {
    rsp = { success: false, error_code: "INTERNAL", error_msg: "IMP.request_pay threw: " + (err && err.message) };
  }
  state.paying = false;
  const ok = !!(rsp && rsp.success);
  recordResult(params, rsp, ok, { pg });
  if (ok) {
    // This order is paid now; a second payment of it would get F1002.
    state.request.merchant_uid = newMerchantUID();
    save();
  }
  changed();
  $("#pay").focus();
}

// showRedirectResult shows what a redirect-mode payment (m_redirect_url on a mobile browser)
// brought back in the query string, then drops it from the address so a reload does not repeat it.
export function showRedirectResult() {
  const q = new URLSearchParams(location.search);
  if (!q.has("imp_success") && !q.has("imp_uid")) return false;
  // Exactly the query's fields: in redirect mode this is all a merchant page gets.
  const query = {};
  for (const k of ["imp_uid", "merchant_uid", "imp_success", "error_code", "error_msg"]) {
    if (q.has(k)) query[k] = q.get(k);
  }
  const ok = query.imp_success === "true";
  recordResult({ merchant_uid: query.merchant_uid }, query, ok, { prefix: "Back from m_redirect_url — " });
  state.redirected = true;
  history.replaceState(null, "", location.pathname + location.hash);
  return true;
}

// forgetHere forgets this page's list of payments; the SDK and the server keep what they know.
function forgetHere() {
  state.payments = [];
  state.response = null;
  state.payStatus = { text: "This page forgot its list. The SDK and the server still know which orders were paid.", state: "" };
  changed();
}

// resetSandbox is IMP.sandbox.reset(): the SDK forgets its paid merchant_uids and, when the server
// keeps a ledger, the server deletes the merchant's payments and webhook history — so with a
// ledger it is asked first.
async function resetSandbox(confirmed) {
  if (state.sdk.status !== "ready") return;
  if (state.ledger.on && !confirmed) {
    state.confirmClear = true;
    changed();
    $("#reset-confirm-no").focus();
    return;
  }
  state.confirmClear = false;
  const code = state.configure.merchant_code;
  await IMP.sandbox.reset();
  state.payStatus = {
    text: state.ledger.on
      ? `Cleared: the server deleted ${code}'s payments and webhook history, and the SDK forgot its paid merchant_uids.`
      : "The SDK forgot its paid merchant_uids: any of them can be paid again.",
    state: "",
  };
  changed();
  $("#reset-sandbox").focus();
  document.dispatchEvent(new CustomEvent("impshim-demo:paid", { detail: {} }));
}

export function renderResetControls(s) {
  const code = s.configure.merchant_code || s.config.merchant_code;
  setText($("#reset-sandbox-label"), s.ledger.on ? `Clear ${code}'s server ledger…` : "Forget paid orders");
  const box = $("#reset-confirm");
  box.hidden = !s.confirmClear;
  setText($("#reset-confirm-text"), `Delete every payment and webhook record of ${code} on this server? Your server will no longer find them over REST. This cannot be undone.`);
  const banner = $("#redirect-banner");
  banner.hidden = !(s.redirected && s.response);
  if (s.redirected && s.response) {
    banner.dataset.state = s.response.ok ? "success" : "failure";
    setText($("#redirect-banner-text"), s.payStatus.text);
  }
}

export function wirePay() {
  $("#pay").addEventListener("click", pay);
  $("#forget-page").addEventListener("click", forgetHere);
  $("#reset-sandbox").addEventListener("click", () => resetSandbox(false));
  $("#reset-confirm-yes").addEventListener("click", () => resetSandbox(true));
  $("#reset-confirm-no").addEventListener("click", () => {
    state.confirmClear = false;
    changed();
    $("#reset-sandbox").focus();
  });
}
