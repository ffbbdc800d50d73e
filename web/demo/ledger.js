// The server half: whether the server behind the SDK keeps a ledger (sandbox/backend.json next
// to imp.js, as imp.js finds out), and whether it records this merchant's payments — in the
// server's own words, so the page never claims what the server does not do.

import { $, el, setText } from "./dom.js";
import { state, changed } from "./state.js";

export const SDK_BASE = new URL("/sdk/", location.href);

export function sandboxURL(path, query = {}) {
  const u = new URL("sandbox/" + path, SDK_BASE);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u;
}

// serverSays reads an answer's error text, whichever envelope it came in.
export async function serverSays(r) {
  let body = null;
  try {
    body = await r.json();
  } catch {
    // Not JSON: the status says enough.
  }
  // The bridge's envelope: error (with the sandbox's explanation), error_msg; REST's: message.
  const e = body && ((typeof body.error === "string" && body.error) || body.error_msg || body.message || body.error);
  const text = typeof e === "string" ? e : e && typeof e.message === "string" ? e.message : "";
  return { body, text: text || `HTTP ${r.status}` };
}

export async function probeLedger() {
  try {
    const r = await fetch(sandboxURL("backend.json"), { cache: "no-store" });
    const info = r.ok ? await r.json() : null;
    state.ledger.info = info;
    state.ledger.on = !!(info && info.ledger === true);
  } catch {
    state.ledger.on = false; // no server behind the SDK (static hosting): imp.js says the same
  }
  state.ledger.probed = true;
  changed();
  if (state.ledger.on) await checkMerchant();
}

let checking = 0;

// checkMerchant asks the ledger for this merchant's payments: an answer means it records them.
export async function checkMerchant() {
  if (!state.ledger.on) return;
  const code = state.configure.merchant_code || "";
  const mine = ++checking;
  let merchant;
  try {
    const r = await fetch(sandboxURL("payments", { merchant_code: code }), { cache: "no-store" });
    if (r.ok) {
      const body = await r.json();
      merchant = { code, ok: true, total: typeof body.total === "number" ? body.total : (body.payments || []).length, payments: body.payments || [] };
    } else {
      merchant = { code, ok: false, error: (await serverSays(r)).text };
    }
  } catch (err) {
    merchant = { code, ok: false, error: "the server did not answer: " + (err && err.message) };
  }
  if (mine !== checking) return;
  state.ledger.merchant = merchant;
  changed();
}

export function renderLedger(s) {
  const p = $("#ledger-status");
  const m = s.ledger.merchant;
  p.hidden = !s.ledger.probed;
  if (!s.ledger.probed) return;
  if (!s.ledger.on) {
    p.dataset.state = "none";
    setText(p, "This server keeps no ledger (sandbox/backend.json says so): payments live in this page and the SDK only, and no REST API can find them. `make run` serves one.");
    return;
  }
  if (!m) return;
  const list = sandboxURL("payments", { merchant_code: m.code });
  const key = JSON.stringify([m, list.href]);
  if (p.dataset.key === key) return;
  p.dataset.key = key;
  if (m.ok) {
    p.dataset.state = "ok";
    p.replaceChildren(`This server records ${m.code}'s payments (${m.total} so far): your server finds them over the REST API (`,
      el("code", { text: "/payments/{imp_uid}" }), ") — ",
      el("a", { href: list.href, target: "_blank", rel: "noopener", text: "recorded payments as JSON" }), " (opens a new tab).");
    return;
  }
  p.dataset.state = "error";
  p.replaceChildren(
    el("b", { text: `This server does not record ${m.code || "this merchant"}'s payments.` }),
    ` It answered: “${m.error}”. Payments made here still reach your callback, but your server will not find them over the REST API. `,
    "To record them, use ", el("code", { text: "imp10391932" }), " (the server's demo merchant), or start the server with ",
    el("code", { text: "-merchants DIR" }), " holding ", el("code", { text: `${m.code || "<code>"}.json` }), " (with its imp_key and imp_secret).");
}
