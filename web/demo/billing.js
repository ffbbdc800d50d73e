// Billing keys, schedules and the sandbox clock, in "Your server": a payment with customer_uid
// on a subscription setting stores a billing key; the merchant's server charges it again or
// books charges, and this merchant's sandbox clock moves forward so booked charges fall due now.

import { $, el, setText } from "./dom.js";
import { state, newMerchantUID } from "./state.js";
import { formatAmount } from "./request.js";

// server.js hands over its REST call and its action runner (which redraws the ledger after).
let rest = null;
let act = null;

// customerUIDs are the billing keys this page knows of: its own requests' and the ledger's
// payments' customer_uid (the REST API lists keys by customer_uid only).
function customerUIDs(s) {
  const seen = new Set();
  for (const h of s.payments) if (h.ok && h.params.customer_uid) seen.add(h.params.customer_uid);
  for (const p of s.server.payments) if (p.customer_uid) seen.add(p.customer_uid);
  return [...seen].slice(0, 100);
}

export async function refreshBilling() {
  if (!rest) return;
  const uids = customerUIDs(state);
  try {
    state.server.clock = await rest("GET", "/sandbox/clock");
    state.server.clockError = "";
  } catch (err) {
    state.server.clock = null;
    state.server.clockError = "GET /sandbox/clock: " + err.message;
  }
  if (uids.length === 0) {
    state.server.keys = [];
  } else {
    const q = uids.map((u) => "customer_uid[]=" + encodeURIComponent(u)).join("&");
    try {
      const keys = await rest("GET", "/subscribe/customers?" + q);
      state.server.keys = Array.isArray(keys) ? keys : [];
    } catch {
      state.server.keys = []; // none stored under those customer_uids (yet)
    }
  }
}

function chargeAgain(uid) {
  const amount = Number(state.server.charge[uid] || 1000);
  return act("again " + uid, async () => {
    const p = await rest("POST", "/subscribe/payments/again", { customer_uid: uid, merchant_uid: newMerchantUID(), amount, name: "Charge again from the demo" });
    return `POST /subscribe/payments/again: ${p.imp_uid} is ${p.status} (${formatAmount(Number(p.amount), p.currency)}).`;
  });
}

function scheduleDay(uid) {
  const amount = Number(state.server.charge[uid] || 1000);
  const at = (state.server.clock ? state.server.clock.now : Math.floor(Date.now() / 1000)) + 86400;
  return act("schedule " + uid, async () => {
    const list = await rest("POST", "/subscribe/payments/schedule", { customer_uid: uid,
      schedules: [{ merchant_uid: newMerchantUID(), schedule_at: at, amount, name: "Booked from the demo" }] });
    const s = Array.isArray(list) ? list[0] : null;
    return `POST /subscribe/payments/schedule: ${s ? s.merchant_uid : "a charge"} booked for ${new Date(at * 1000).toLocaleString()} (sandbox time). Move the clock a day to run it.`;
  });
}

function moveClock(body, what) {
  return act("clock", async () => {
    const c = await rest("POST", "/sandbox/clock", body);
    // Tokens expire on the merchant's clock: the next call asks for a fresh one rather than
    // meet a 401 with this one.
    state.server.token = null;
    const ran = c.ran && c.ran.length ? ` ${c.ran.length} booked charge${c.ran.length === 1 ? "" : "s"} ran.` : "";
    return `POST /sandbox/clock ${JSON.stringify(body)}: ${what}; sandbox time is ${new Date(c.now * 1000).toLocaleString()}.${ran}`;
  });
}

let drawn = "";

export function renderBilling(s) {
  const c = s.server.clock;
  setText($("#clock-now"), c
    ? `Sandbox time for ${s.configure.merchant_code}: ${new Date(c.now * 1000).toLocaleString()}${c.offset_s ? ` (${Math.round(c.offset_s / 3600)} h ahead of real time)` : " (real time)"}.`
    : s.server.clockError || "");
  const key = JSON.stringify([s.server.keys, s.server.busy]);
  if (key === drawn) return;
  drawn = key;
  const busy = !!s.server.busy;
  $("#billing-keys tbody").replaceChildren(...s.server.keys.map((k) => el("tr", { data: { customerUid: k.customer_uid } },
    el("td", { class: "mono", text: k.customer_uid }),
    el("td", { text: [k.pg_provider, k.card_name, k.card_number].filter(Boolean).join(" · ") }),
    el("td", { text: k.inserted ? new Date(k.inserted * 1000).toLocaleString() : "" }),
    el("td", { class: "actions" },
      el("label", { class: "visually-hidden", for: `charge-${k.customer_uid}`, text: `Amount to charge ${k.customer_uid}` }),
      el("input", { id: `charge-${k.customer_uid}`, inputmode: "numeric", placeholder: "1000", value: s.server.charge[k.customer_uid] || "", data: { chargeFor: k.customer_uid } }),
      el("button", { type: "button", class: "btn btn-small", data: { billingAction: "again", customerUid: k.customer_uid }, disabled: busy, text: "Charge again" }),
      el("button", { type: "button", class: "btn btn-quiet btn-small", data: { billingAction: "schedule", customerUid: k.customer_uid }, disabled: busy, text: "Book in 1 day" })))));
  $("#billing-keys").hidden = s.server.keys.length === 0;
  $("#billing-keys-empty").hidden = s.server.keys.length > 0;
  for (const b of document.querySelectorAll("[data-clock]")) b.disabled = busy;
}

export function wireBilling(api) {
  ({ rest, act } = api);
  $("#billing-keys").addEventListener("click", (ev) => {
    const b = ev.target.closest("[data-billing-action]");
    if (!b) return;
    if (b.dataset.billingAction === "again") chargeAgain(b.dataset.customerUid);
    else scheduleDay(b.dataset.customerUid);
  });
  $("#billing-keys").addEventListener("input", (ev) => {
    const uid = ev.target.dataset.chargeFor;
    if (uid) state.server.charge[uid] = ev.target.value;
  });
  $("#clock-day").addEventListener("click", () => moveClock({ advance_s: 86400 }, "a day later"));
  $("#clock-month").addEventListener("click", () => moveClock({ advance_s: 30 * 86400 }, "30 days later"));
  $("#clock-reset").addEventListener("click", () => moveClock({ reset: true }, "back to real time"));
}
