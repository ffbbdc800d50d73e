// A merchant's checkout, unchanged from what it does with the real i'mport SDK.
"use strict";
IMP.init("imp10391932");
document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("buy").addEventListener("click", () => {
    IMP.request_pay({
      pg: "kakaopay", amount: 12000, name: "Green tea", merchant_uid: "order-1001",
      buyer_name: "Kim", buyer_email: "kim@example.com",
    }, (rsp) => {
      document.getElementById("status").textContent = rsp.success
        ? `Paid: ${rsp.merchant_uid} (${rsp.pg_provider})`
        : `Failed: ${rsp.error_msg}`;
    });
  });
});
