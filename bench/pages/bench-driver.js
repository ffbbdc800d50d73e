// The in-page half of `make bench`: bench/main.go calls these through chromedp
// and gets plain JSON back. Only the public IMP API is used.
"use strict";

// Timers here are coarsened to ~0.1 ms (the page is not cross-origin
// isolated), so every timed loop runs for at least minLoopMs.
const minLoopMs = 25;

// timeLoop runs fn(i) in blocks of n calls until minLoopMs have passed and
// returns µs per call.
function timeLoop(n, fn) {
  let calls = 0;
  const t0 = performance.now();
  let t = t0;
  do {
    for (let i = 0; i < n; i++) fn(i);
    calls += n;
    t = performance.now();
  } while (t - t0 < minLoopMs);
  return ((t - t0) * 1000) / calls;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function warningCodes(trace) {
  return (trace.warnings || []).map((w) => w.code).sort().join(",");
}

// benchResolve times IMP.sandbox.resolve against RefResolver on the same
// inputs, after checking that both pick the same setting by the same rule.
async function benchResolve({ config, catalog, inputs, calls, rounds, coldRounds }) {
  await IMP.sandbox.ready;
  const conf = await IMP.sandbox.configure(config);
  if (!conf || !conf.ok) {
    throw new Error("IMP.sandbox.configure rejected the bench config: " + JSON.stringify(conf));
  }
  const ref = new RefResolver(config, catalog);

  const mismatches = [];
  const warningDiffs = [];
  for (const input of inputs) {
    const g = IMP.sandbox.resolve(input);
    const j = ref.resolve(input);
    const gi = g && g.setting ? g.setting.index : -1;
    const ji = j.setting ? j.setting.index : -1;
    if (gi !== ji || (g && g.rule) !== j.rule) {
      mismatches.push({ input, go: { index: gi, rule: g && g.rule }, js: { index: ji, rule: j.rule } });
    }
    if (warningCodes(g) !== warningCodes(j)) {
      warningDiffs.push({ input, go: warningCodes(g), js: warningCodes(j) });
    }
  }
  if (mismatches.length > 0) {
    return { mismatches, warningDiffs };
  }

  // Every warning also goes to console.warn (docs/sdk.md §4); muted while timing so
  // both sides are measured doing resolution, not console I/O.
  const warn = console.warn;
  console.warn = () => {};
  let sink = 0;
  const goRounds = [];
  const jsRounds = [];
  const perInput = [];
  let cold = { median: 0, mean: 0, isolated: false };
  try {
    const k = inputs.length;
    const goCall = (i) => { const t = IMP.sandbox.resolve(inputs[i % k]); sink += t.setting ? t.setting.index : -1; };
    const jsCall = (i) => { const t = ref.resolve(inputs[i % k]); sink += t.setting ? t.setting.index : -1; };
    timeLoop(2000, goCall); // warm-up: JIT and Go-side buffers
    timeLoop(2000, jsCall);
    for (let r = 0; r < rounds; r++) {
      goRounds.push(timeLoop(calls, goCall));
      jsRounds.push(timeLoop(calls, jsCall));
    }
    // Per input (median of short rounds), so a slow rule or diagnostic stands out.
    for (const input of inputs) {
      const go = [], js = [];
      for (let r = 0; r < rounds; r++) {
        go.push(timeLoop(200, () => { const t = IMP.sandbox.resolve(input); sink += t.setting ? t.setting.index : -1; }));
        js.push(timeLoop(200, () => { const t = ref.resolve(input); sink += t.setting ? t.setting.index : -1; }));
      }
      perInput.push({ input, go: median(go), js: median(js) });
    }
    cold = await coldResolve(config, inputs, coldRounds, (t) => { sink += t.setting ? t.setting.index : -1; });
  } finally {
    console.warn = warn;
  }
  return { mismatches, warningDiffs, go_us: median(goRounds), js_us: median(jsRounds), cold_us: cold.median, cold_mean_us: cold.mean,
    cold_isolated: cold.isolated, goRounds, jsRounds, perInput, sink };
}

// coldResolve times the first call of each input under a config: configure (which empties every
// answer cache, JS and Go), then each input once, timed as a block, rounds times. It answers µs per
// call two ways: the median round (as the warm figures take the median round; a round that the
// machine's other work or a garbage collection interrupted does not move it), and the mean over
// every round (the sum of the blocks: those interruptions included). The median needs a timer
// finer than one block: bench-resolve.html is cross-origin isolated for it; elsewhere the timer is
// coarsened to ~0.1 ms and the median is only the mean.
async function coldResolve(config, inputs, rounds, use) {
  const blocks = [];
  for (let r = 0; r < rounds; r++) {
    const conf = await IMP.sandbox.configure(config);
    if (!conf || !conf.ok) throw new Error("IMP.sandbox.configure failed between cold rounds: " + JSON.stringify(conf));
    const t0 = performance.now();
    for (const input of inputs) use(IMP.sandbox.resolve(input));
    blocks.push((performance.now() - t0) * 1000 / inputs.length);
  }
  const mean = blocks.reduce((a, b) => a + b, 0) / blocks.length;
  return { median: crossOriginIsolated ? median(blocks) : mean, mean, isolated: crossOriginIsolated };
}

// frames lists the iframes of the page, including those inside open shadow roots.
function frames(root, out = []) {
  for (const f of root.querySelectorAll("iframe")) out.push(f);
  for (const el of root.querySelectorAll("*")) if (el.shadowRoot) frames(el.shadowRoot, out);
  return out;
}

function shown(el) {
  if (!el.isConnected) return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
}

// mockWindow returns the visible [data-impshim=window] in a same-origin frame, or null.
function mockWindow() {
  for (const f of frames(document)) {
    let doc = null;
    try { doc = f.contentDocument; } catch { doc = null; }
    const el = doc && doc.querySelector("[data-impshim=window]");
    if (el && shown(f) && shown(el)) return el;
  }
  return null;
}

// describeFrames says what the page's frames hold, for error messages.
function describeFrames() {
  return JSON.stringify(frames(document).map((f) => {
    let doc = null;
    try { doc = f.contentDocument; } catch { doc = null; }
    const el = doc && doc.querySelector("[data-impshim=window]");
    return { src: f.src.replace(/#.*/, "#…"), frameShown: shown(f), window: el ? (shown(el) ? "shown" : "hidden") : "absent" };
  }));
}

// benchWindow opens count mock windows one after the other and returns, for
// each, ms from request_pay to the first animation frame in which the window
// is visible — the frame it is first painted in.
async function benchWindow({ config, count, delayMs }) {
  await IMP.sandbox.ready;
  const conf = await IMP.sandbox.configure(config);
  if (!conf || !conf.ok) {
    throw new Error("IMP.sandbox.configure rejected the bench config: " + JSON.stringify(conf));
  }
  const run = Date.now();
  const samples = [];
  const fetched = [];
  const missed = [];
  performance.setResourceTimingBufferSize(10000);
  for (let i = 0; i < count; i++) {
    IMP.sandbox.setOutcome({ result: "paid", delay_ms: delayMs });
    const t0 = performance.now();
    const done = IMP.request_pay({
      pg: "html5_inicis", pay_method: "card", merchant_uid: `bench_${run}_${i}`,
      name: "bench order", amount: 1000, buyer_name: "Bench",
    });
    let settled = null;
    done.then((r) => { settled = r; });
    // Checked on every animation frame (the frame the window is painted in) and, because a
    // busy machine can starve frames, on a 5 ms timer too; the earlier sighting counts.
    const visibleAt = await new Promise((resolve, reject) => {
      let over = false;
      const check = () => {
        if (over) return;
        const t = performance.now();
        if (mockWindow()) { over = true; return resolve(t); }
        if (settled && settled.success !== true) {
          over = true;
          return reject(new Error(`request ${i} failed before its window was seen: ${JSON.stringify(settled)}`));
        }
        if (settled) { over = true; return resolve(null); }
        if (t - t0 > 10000) {
          over = true;
          return reject(new Error(`request ${i}: no visible [data-impshim=window] in a same-origin iframe within 10 s; frames: ${describeFrames()}`));
        }
      };
      const frame = () => { check(); if (!over) requestAnimationFrame(frame); };
      const timer = () => { check(); if (!over) setTimeout(timer, 5); };
      requestAnimationFrame(frame);
      setTimeout(timer, 5);
    });
    if (visibleAt === null) {
      // Completed before any check saw it: the machine was too busy to look. Not a sample.
      missed.push({ request: i, frames: describeFrames() });
      if (missed.length > count / 10) {
        throw new Error(`${missed.length} of ${i + 1} requests completed before their window was seen: ${JSON.stringify(missed.slice(0, 3))}`);
      }
      await done;
      continue;
    }
    const resp = await done;
    if (!resp || resp.success !== true) {
      throw new Error(`request ${i} did not succeed: ${JSON.stringify(resp)}`);
    }
    samples.push(visibleAt - t0);
    // Which window files were fetched (or revalidated) between request_pay and the window
    // showing — on its critical path; a spare window preloaded for the next request is not.
    const got = {};
    for (const e of performance.getEntriesByType("resource")) {
      const file = new URL(e.name).pathname.split("/").pop();
      if (e.startTime >= t0 && e.responseEnd <= visibleAt && /^window\./.test(file)) {
        got[file] = { start: e.startTime - t0, end: e.responseEnd - t0 };
      }
    }
    fetched.push(got);
  }
  document.getElementById("status").textContent = `done: ${count} windows`;
  return { samples, fetched, missed: missed.length };
}

window.benchResolve = benchResolve;
window.benchWindow = benchWindow;

// benchHeadless completes count payments one after the other, as a headless test does with
// setOutcome({result: "paid", delay_ms: 0}), and returns ms from request_pay to its callback for
// each, and the whole loop's ms.
async function benchHeadless({ config, count }) {
  await IMP.sandbox.ready;
  const conf = await IMP.sandbox.configure(config);
  if (!conf || !conf.ok) {
    throw new Error("IMP.sandbox.configure rejected the bench config: " + JSON.stringify(conf));
  }
  const run = Date.now();
  const samples = [];
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    IMP.sandbox.setOutcome({ result: "paid", delay_ms: 0 });
    const start = performance.now();
    const resp = await new Promise((resolve) => {
      IMP.request_pay({
        pg: "html5_inicis", pay_method: "card", merchant_uid: `headless_${run}_${i}`,
        name: "bench order", amount: 1000, buyer_name: "Bench",
      }, resolve);
    });
    samples.push(performance.now() - start);
    if (!resp || resp.success !== true) throw new Error(`payment ${i} did not succeed: ${JSON.stringify(resp)}`);
  }
  return { samples, total_ms: performance.now() - t0 };
}

window.benchHeadless = benchHeadless;
