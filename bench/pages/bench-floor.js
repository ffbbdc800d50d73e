// Loads the hello-world the way a minimal Go WASM page does: streaming
// instantiate, then go.run. Its Go main calls floorStarted() once running.
"use strict";
window.floorReady = new Promise((resolve, reject) => {
  window.floorStarted = resolve;
  const go = new Go();
  const url = new URL("floor.wasm", document.currentScript.src);
  WebAssembly.instantiateStreaming(fetch(url), go.importObject)
    .then((r) => { go.run(r.instance); })
    .catch(reject);
});
