// The test shop's own code: what a merchant page does with IMP, nothing more.
// Tests set window.shop.params and click #pay (a real user gesture, so popups may open),
// then read window.shop.responses — every callback call, in order.
"use strict";
window.shop = {
  params: { pg: "html5_inicis", amount: 1000, name: "Sample order", buyer_name: "Buyer", buyer_email: "buyer@iamport.kr" },
  responses: [],
  // SPEC §2: window.IMP exists synchronously after the script tag.
  impAtLoad: typeof window.IMP === "object" && typeof window.IMP.request_pay === "function",
};

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("pay").addEventListener("click", () => {
    IMP.request_pay(window.shop.params, (rsp) => {
      window.shop.responses.push(rsp);
      document.getElementById("result").textContent = JSON.stringify(rsp, null, 2);
    });
  });
});
