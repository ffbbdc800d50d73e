// A frame from another origin inside the merchant page: it posts junk and forgeries of impshim's
// window↔bridge protocol to every window it can reach, then tells the page it is done.
// The location hash carries the real nonce, as if it had leaked, to test the origin check too.
"use strict";
(() => {
  const nonce = decodeURIComponent(location.hash.slice(1)) || "unknown";
  const forged = (n) => [
    { impshim: 1, nonce: n, type: "result", result: "paid" },
    { impshim: 1, nonce: n, type: "result", result: "failed" },
    { impshim: 1, nonce: n, type: "hello" },
    { impshim: 1, nonce: n, type: "shown" },
    { impshim: 1, nonce: n, type: "show", data: { pg: { code: "evil", name: "EVIL PG" }, mid: "EVIL-MID", amount: 1, currency: "KRW", name: "<b>forged</b>" } },
    { impshim: "1", nonce: n, type: "result", result: "paid" },
    { impshim: 1, nonce: [n], type: "result", result: "paid" },
  ];
  const junk = [
    "x", "", "{\"impshim\":1,\"type\":\"result\",\"result\":\"paid\"}", null, undefined, 0, NaN, 42, true,
    [], [1, 2, 3], {}, { impshim: 1 }, { type: "result", result: "paid" }, { impshim: 1, type: "result", result: "paid" },
    { impshim: 1, nonce: null, type: null }, { impshim: 1, nonce: "wrong", type: "result", result: "paid" },
    { impshim: 1, nonce: "wrong", type: "__proto__" }, { constructor: { prototype: { polluted: true } } },
    new ArrayBuffer(8), new Date(0), /re/, new Map([[1, 2]]), { deep: JSON.parse("[".repeat(200) + "]".repeat(200)) },
    ...forged("wrong-nonce"), ...forged(nonce),
  ];
  const targets = [window.parent, window.top];
  for (let i = 0; i < window.parent.frames.length; i++) targets.push(window.parent.frames[i]);
  let sent = 0;
  for (const w of targets) {
    if (w === window) continue;
    for (const m of junk) {
      try { w.postMessage(m, "*"); sent++; } catch (e) { /* uncloneable: skip */ }
    }
  }
  window.parent.postMessage({ evil: "done", sent }, "*");
})();
