// A plain-JS reference of docs/sdk.md §4's resolution rules, used only by `make bench`
// as the yardstick for IMP.sandbox.resolve. It builds the same trace (rule,
// chosen setting, considered list, warning codes with did-you-mean) so that the
// Go resolver is compared with equal work, and bench-driver.js checks that it
// picks the same setting and rule as Go for every input before timing it.
"use strict";

class RefResolver {
  // catalog: [{code, legacy}] from resolver.Catalog(), so both sides know the same codes.
  constructor(config, catalog, type = "payment") {
    const all = config.pg_settings.map((s, index) => ({ ...s, index }));
    const ofType = all.filter((s) => (s.type || "payment") === type);
    const flagged = all.find((s) => s.default === true);
    const consoleOrder = flagged ? [flagged, ...all.filter((s) => s !== flagged)] : all;
    this.settings = consoleOrder.filter((s) => (s.type || "payment") === type);
    this.def = flagged && ofType.includes(flagged) ? flagged : this.settings[0] || null;
    this.catalog = new Map(catalog.map((pg) => [pg.code, pg]));
    this.codes = catalog.map((pg) => pg.code);
    this.configured = new Set(this.settings.map((s) => s.pg));
  }

  resolve(input) {
    const trace = { input: typeof input === "string" ? input : "", code: "", mid: "", rule: "", fallback: false,
      setting: null, considered: [], warnings: [] };
    if (!this.def) {
      trace.error = { code: "F1001" };
      return trace;
    }
    if (typeof input !== "string" || input === "") {
      trace.warnings.push({ code: "PG_MISSING", message: "pg is missing: the default setting is used" });
      return this.fallBack(trace, "pg is missing");
    }
    const dot = input.indexOf(".");
    trace.code = dot < 0 ? input : input.slice(0, dot);
    trace.mid = dot < 0 ? "" : input.slice(dot + 1);
    const { code, mid } = trace;

    for (const s of this.settings) {
      if (s.pg === code && (mid === "" || s.mid === mid)) {
        trace.rule = mid === "" ? "R2" : "R1";
        trace.setting = s;
        return this.afterChoice(trace);
      }
      trace.considered.push({ index: s.index, why_not: s.pg !== code ? `pg is ${s.pg}, not ${code}` : `mid is ${s.mid}, not ${mid}` });
    }

    if (this.configured.has(code)) {
      const mids = this.settings.filter((s) => s.pg === code).map((s) => `"${s.mid}"`);
      trace.warnings.push({ code: "MID_NOT_FOUND",
        message: `no ${code} setting has mid "${mid}" (configured mids for ${code}: ${mids.join(", ")})` });
    } else if (this.catalog.has(code)) {
      trace.warnings.push({ code: "PG_NOT_CONFIGURED",
        message: `no setting has pg "${code}"; add a ${code} setting, or use a configured code: ${[...this.configured].join(", ")}` });
    } else {
      const near = this.didYouMean(code);
      trace.warnings.push({ code: "PG_UNKNOWN_CODE",
        message: `unknown PG code "${code}"` + (near ? `: did you mean "${near}"?` : "") });
    }
    return this.fallBack(trace, `pg ${input} not found`);
  }

  fallBack(trace, why) {
    trace.rule = "R3";
    trace.fallback = true;
    trace.setting = this.def;
    if (trace.considered.length === 0) {
      trace.considered = this.settings.map((s) => ({ index: s.index, why_not: why }));
    }
    trace.warnings.push({ code: "FELL_BACK_TO_DEFAULT",
      message: `${why}, so the default setting #${this.def.index} (${this.def.pg}.${this.def.mid}) was used; fix pg so it names a configured setting` });
    return this.afterChoice(trace);
  }

  // afterChoice warns about legacy codes: the chosen one, and the requested one when different.
  afterChoice(trace) {
    const chosen = trace.setting.pg;
    if (this.catalog.get(chosen)?.legacy) {
      trace.warnings.push({ code: "LEGACY_PG_CODE", message: `${chosen} is a legacy PG code` });
    }
    if (trace.code !== chosen && this.catalog.get(trace.code)?.legacy) {
      trace.warnings.push({ code: "LEGACY_PG_CODE", message: `${trace.code} is a legacy PG code` });
    }
    return trace;
  }

  didYouMean(code) {
    const lower = code.toLowerCase();
    let best = "", bestDist = 3;
    for (const c of [...this.configured, ...this.codes]) {
      if (c.toLowerCase() === lower) return c;
      const d = editDistance(code, c, bestDist);
      if (d < bestDist) { best = c; bestDist = d; }
    }
    return best;
  }
}

// Levenshtein distance, giving up (returning limit) once it cannot be below limit.
function editDistance(a, b, limit) {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  let cur = new Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (cur[j] < rowMin) rowMin = cur[j];
    }
    if (rowMin >= limit) return limit;
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[b.length], limit);
}

window.RefResolver = RefResolver;
