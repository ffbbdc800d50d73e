// The server half: whether the server behind the SDK keeps a ledger (sandbox/backend.json next
// to imp.js, as imp.js finds out) and what it recorded for this merchant.

import { $, el } from "./dom.js";
import { state, changed } from "./state.js";

export const SDK_BASE = new URL("/sdk/", location.href);

export async function probeLedger() {
  try {
    const r = await fetch(new URL("sandbox/backend.json", SDK_BASE), { cache: "no-store" });
    const info = r.ok ? await r.json() : null;
    state.ledger.info = info;
    state.ledger.on = !!(info && info.ledger === true);
  } catch {
    // No ledger, or it did not answer: nothing to say beyond what imp.js logs.
    state.ledger.on = false;
  }
  state.ledger.probed = true;
  changed();
}

export function renderLedger(s) {
  const p = $("#ledger-status");
  p.hidden = !s.ledger.on;
  if (!s.ledger.on) return;
  const list = new URL("sandbox/payments", SDK_BASE);
  list.searchParams.set("merchant_code", s.config.merchant_code || "");
  const a = p.querySelector("a");
  if (a && a.href === list.href) return;
  p.replaceChildren("This server keeps a ledger too: payments made here are visible to the REST API (",
    el("code", { text: "/payments/{imp_uid}" }), ") — ", el("a", { href: list.href, text: "recorded payments as JSON" }), ".");
}
