// "The code for this request": the exact IMP.request_pay call for the form, ready to copy.

import { $, setText } from "./dom.js";
import { buildParams } from "./request.js";

function jsKey(k) {
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k);
}

export function snippetFor(s) {
  const params = buildParams(s.request);
  const lines = Object.entries(params).map(([k, v]) => `  ${jsKey(k)}: ${JSON.stringify(v)},`);
  return [
    `IMP.init(${JSON.stringify(s.config.merchant_code || "")});`,
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
}

export function renderSnippet(s) {
  setText($("#snippet"), snippetFor(s));
}

// copyText copies a <code>'s text, or selects it for Ctrl-C when the clipboard is not allowed
// (plain http on another host).
export async function copyText(code, btn) {
  const label = btn.textContent;
  try {
    await navigator.clipboard.writeText(code.textContent);
    btn.textContent = "Copied";
  } catch {
    const range = document.createRange();
    range.selectNodeContents(code);
    const sel = getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    btn.textContent = "Selected — press Ctrl-C";
  }
  setTimeout(() => (btn.textContent = label), 2000);
}

export function wireSnippet() {
  $("#copy-snippet").addEventListener("click", () => copyText($("#snippet"), $("#copy-snippet")));
}
