/*
 * impshim sandbox demo page: ES modules around one state object (state.js), no build step, no
 * inline script — it runs under Content-Security-Policy "script-src 'self' 'wasm-unsafe-eval'"
 * like a strict merchant page. It uses only the public SDK (IMP.sandbox.*, IMP.request_pay) and
 * the server's public endpoints: everything it shows, a merchant page can show too.
 *
 *   state.js     the state object, persistence, the config as the SDK takes it
 *   settings.js  step 1, PG settings → IMP.sandbox.configure
 *   request.js   step 2, the request form → params; the amount check; setOutcome controls
 *   preview.js   "Which setting will it pick?" ← IMP.sandbox.resolve
 *   pay.js       step 3, Pay → IMP.request_pay; the response and this page's payments
 *   ledger.js    whether the server keeps a ledger, and records this merchant
 *   server.js    "Your server": credentials, token, verification snippets, the ledger's view
 *   billing.js   billing keys, booked charges and the sandbox clock, in "Your server"
 *   certify.js   IMP.certification, and GET /certifications/{imp_uid} as the server reads it
 *
 * Stable hooks for tests (ids unless said otherwise; none of them is renamed without notice):
 *   #sdk-status[data-state=loading|ready|failed]
 *   window.impshimDemo.ready        Promise: settles once the saved settings were applied (or the SDK failed)
 *   #merchant-code #merchant-code-error
 *   #setting-list > li[data-setting=<index in pg_settings>], in list order; inside each:
 *       [data-field=pg|mid|pay_type|default|label|channel_key]   the setting's inputs
 *       [data-error-for=<field>]    its inline config error (hidden when none; "row" for the rest)
 *       [data-action=up|down|remove]
 *   #add-setting #reset-settings #undo-reset (#undo-reset-btn) #export-json #import-file
 *   #config-json #apply-json #import-error
 *   #config-status[data-state=pending|ok|error]  #config-errors  #config-warnings > li[data-code]
 *   #req-pg #pg-verdict (one line: the preview's verdict) #req-amount #amount-note #req-currency
 *   #req-pay-method #req-name #req-buyer-name #req-buyer-email #req-buyer-tel #req-merchant-uid
 *   #new-merchant-uid #req-customer-uid #req-channel-key #req-redirect #req-notice-url
 *   #req-custom-data #req-language #req-popup #req-strict   [data-try-pg=<value>] quick-fill chips
 *   #outcome-result #outcome-code #outcome-msg #outcome-delay   (IMP.sandbox.setOutcome before Pay)
 *   #preview-body[data-state=empty|ok|error][data-rule=R0..R3][data-index=<chosen index>]
 *       [data-pending=true] while a typed edit waits for its pause before it is resolved
 *       [data-preview=setting] [data-preview=rule]
 *       [data-preview=candidates] tr[data-index][data-status=chosen|rejected|unchecked]
 *       [data-preview=warnings] li[data-code]   [data-use-pg=<suggestion>] did-you-mean fix
 *   #pay[data-verdict=ok|fallback|refused|off]  #pay-note  #pay-status
 *   #certify-btn #cert-min-age #cert-min-age-note #cert-none (#add-cert-setting)
 *   #cert-response[data-state=none|success|failure]  #cert-server (GET /certifications/{imp_uid})
 *   #snippet (text: the IMP.request_pay call for the current form)  #copy-snippet
 *   #response[data-state=none|success|failure] (text: the last response as JSON)  #response-summary
 *   #history tbody tr[data-merchant-uid][data-success=true|false]  #forget-page (this page's list only)
 *   #reset-sandbox (IMP.sandbox.reset(); with a ledger it clears the server's, after
 *       #reset-confirm asks: #reset-confirm-yes / #reset-confirm-no)
 *   #redirect-banner[data-state=success|failure] (top of the page, after a redirect came back)
 *   #ledger-status[data-state=none|ok|error] what the server records for this merchant code
 *   #server[data-state=on|off]  #server-key #server-secret (other merchants)  #server-get-token
 *       #server-token  #verify-curl #verify-node #copy-curl #copy-node  #server-refresh
 *       #server-error #server-notice  #server-notice-url (= #req-notice-url)  #ledger-raw #webhooks-raw
 *       #ledger-payments tbody tr[data-imp-uid][data-status] [data-ledger-action=cancel|partial|deposit]
 *       [data-partial-for=<imp_uid>]   #ledger-webhooks tbody tr[data-imp-uid]
 *       #billing-keys tbody tr[data-customer-uid] [data-billing-action=again|schedule]
 *       [data-charge-for=<customer_uid>]  #clock-day #clock-month #clock-reset  #clock-now
 */

import { $ } from "./dom.js";
import { state, changed, onChange, pgByCode } from "./state.js";
import { renderSettings, wireSettings, applyConfig } from "./settings.js";
import { renderRequest, wireRequest } from "./request.js";
import { renderPreview, schedulePreview } from "./preview.js";
import { renderPay, renderResetControls, wirePay, showRedirectResult } from "./pay.js";
import { renderSnippet, wireSnippet } from "./snippet.js";
import { probeLedger, renderLedger, checkMerchant } from "./ledger.js";
import { renderServer, wireServer, refreshServer } from "./server.js";
import { renderCertify, wireCertify } from "./certify.js";

function renderSDK(s) {
  const st = $("#sdk-status");
  st.dataset.state = s.sdk.status;
  if (s.sdk.message) st.textContent = s.sdk.message;
  $("#sdk-version").textContent = s.sdk.version ? "v" + s.sdk.version : "";
}

onChange(renderSDK);
onChange(renderSettings);
onChange(renderRequest);
onChange(renderPreview);
onChange(renderPay);
onChange(renderResetControls);
onChange(renderSnippet);
onChange(renderLedger);
onChange(renderServer);
onChange(renderCertify);

function sdkFailed(message) {
  state.sdk.status = "failed";
  state.sdk.message = message;
  changed();
}

async function start() {
  wireSettings();
  wireRequest();
  wirePay();
  wireSnippet();
  wireServer();
  wireCertify();
  changed();
  if (!window.IMP || !window.IMP.sandbox) {
    sdkFailed("The SDK did not load from /sdk/imp.js. Build it with `make dist` (or start the server with `make run`) and reload.");
    return;
  }
  try {
    await IMP.sandbox.ready;
    state.sdk.catalog = IMP.sandbox.catalog();
  } catch (err) {
    sdkFailed("The SDK could not start: " + (err && err.message ? err.message : String(err)));
    return;
  }
  for (const pg of state.sdk.catalog) pgByCode.set(pg.code, pg);
  state.sdk.status = "ready";
  state.sdk.version = IMP.sandbox.version || "";
  state.sdk.message = `SDK ready — ${state.sdk.catalog.length} PGs in the catalog. Every payment here is simulated.`;
  changed();
  await applyConfig();
  schedulePreview(0);
  showRedirectResult();
  changed();
  await probeLedger();
  await refreshServer();
  // A payment, or another merchant code, may change what the server holds.
  const reread = () => {
    checkMerchant();
    refreshServer();
  };
  document.addEventListener("impshim-demo:configured", reread);
  document.addEventListener("impshim-demo:paid", () => setTimeout(reread, 300));
}

let resolveDemoReady;
window.impshimDemo = { ready: new Promise((r) => (resolveDemoReady = r)), state };

// impshimDemo.ready settles whatever happens, so a test reads the page's state instead of timing out.
start()
  .catch((err) => {
    console.error("[impshim demo]", err);
    sdkFailed("The demo page itself failed: " + (err && err.message ? err.message : String(err)) + " — please report it.");
  })
  .finally(resolveDemoReady);
