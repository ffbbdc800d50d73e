// m_redirect_url target: parses the query string the SDK appended, as a merchant's landing page does.
"use strict";
window.landing = Object.fromEntries(new URLSearchParams(location.search));
document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("params").textContent = JSON.stringify(window.landing, null, 2);
});
