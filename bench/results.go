package main

import (
	"fmt"
	"io"
	"math"
	"path"
	"sort"
	"strings"
	"text/tabwriter"
)

// Results is bench/out/results.json. The first five fields are docs/sdk.md §8's keys;
// the rest add context (ratios, spreads, environment).
type Results struct {
	Size           SizeResults   `json:"size_bytes"`
	ColdStart      ColdStart     `json:"cold_start_ms"`
	Resolve        ResolveResult `json:"resolve_us"`
	Window         WindowResult  `json:"window_visible_ms"`
	FirstLoadBytes int64         `json:"first_load_bytes"`

	Headless HeadlessResult `json:"headless"`

	FirstLoadFiles map[string]int64   `json:"first_load_files,omitempty"`
	ReadyLoadBytes int64              `json:"ready_load_bytes"`
	Ratios         map[string]float64 `json:"ratios"`
	Code           CodeSize           `json:"code_size"`
	GoBench        []GoBench          `json:"go_bench"`
	Env            Env                `json:"env"`
	// RestRPS and LedgerGrowth are the server half (rest.go).
	RestRPS      map[string]float64 `json:"rest_rps,omitempty"`
	LedgerGrowth map[string]float64 `json:"ledger_growth,omitempty"`
	Notes        []string           `json:"notes,omitempty"`
	Errors       []string           `json:"errors,omitempty"`
}

type SizeResults struct {
	Wasm         Sizes  `json:"wasm"`
	Floor        Sizes  `json:"floor"`
	WasmOpt      *Sizes `json:"wasm_opt,omitempty"`
	WasmOptLevel string `json:"wasm_opt_level,omitempty"`
}

type ColdStart struct {
	Impshim    float64   `json:"impshim"`
	Floor      float64   `json:"floor"`
	ImpshimOpt *float64  `json:"impshim_wasm_opt,omitempty"`
	Loads      int       `json:"loads"`
	Method     string    `json:"method"`
	Samples    []float64 `json:"impshim_samples,omitempty"`
	FloorRuns  []float64 `json:"floor_samples,omitempty"`
	OptRuns    []float64 `json:"impshim_wasm_opt_samples,omitempty"`
	// Phases: per variant (dist, floor, opt), per file, the median fetch start and end.
	Phases map[string]map[string]Phase `json:"phases,omitempty"`
}

type ResolveResult struct {
	Go3   float64 `json:"go_3"`
	Go200 float64 `json:"go_200"`
	JS3   float64 `json:"js_3"`
	JS200 float64 `json:"js_200"`
	// Cold: the first call per input under a config (configure empties every answer cache);
	// the fields above are warm, the same inputs over and over. Like them, the median round
	// (a configure, then each input once); _mean is the mean over every round, the rounds that
	// the machine's other work or a garbage collection interrupted included.
	Go3Cold       float64       `json:"go_3_cold"`
	Go200Cold     float64       `json:"go_200_cold"`
	Go3ColdMean   float64       `json:"go_3_cold_mean"`
	Go200ColdMean float64       `json:"go_200_cold_mean"`
	ColdRounds    int           `json:"cold_rounds"`
	Calls         int           `json:"calls_per_round"`
	Rounds        int           `json:"rounds"`
	Inputs3       []string      `json:"inputs_3"`
	Inputs200     []string      `json:"inputs_200"`
	Checked       int           `json:"inputs_checked"`
	WarnDiff      []resolveDiff `json:"warning_code_differences,omitempty"`
	PerInput      []InputTiming `json:"per_input,omitempty"`
}

// InputTiming is one input's µs per call, timed on its own.
type InputTiming struct {
	Settings string  `json:"settings"`
	Input    string  `json:"input"`
	GoUS     float64 `json:"go"`
	JSUS     float64 `json:"js"`
}

type resolveDiff struct {
	Input string `json:"input"`
	Go    string `json:"go"`
	JS    string `json:"js"`
}

type WindowResult struct {
	P50      float64 `json:"p50"`
	P95      float64 `json:"p95"`
	First    float64 `json:"first"`
	Max      float64 `json:"max"`
	Requests int     `json:"requests"`
	// Missed: requests that completed before any check saw their window (not samples).
	Missed  int       `json:"missed,omitempty"`
	Samples []float64 `json:"samples,omitempty"`
	// Fetches: per window file, on how many requests the page fetched or
	// revalidated it between request_pay and the window showing, and when
	// (median ms after request_pay) that fetch ended.
	Fetches map[string]FileFetch `json:"fetches,omitempty"`
}

type FileFetch struct {
	Requests  int     `json:"requests"`
	MedianEnd float64 `json:"median_end_ms"`
}

type CodeSize struct {
	CodeBytes      int           `json:"code_section_bytes"`
	DataBytes      int           `json:"data_section_bytes"`
	FloorCodeBytes int           `json:"floor_code_section_bytes"`
	FloorDataBytes int           `json:"floor_data_section_bytes"`
	Packages       []PackageCode `json:"top_packages"`
}

type Env struct {
	GoVersion string `json:"go"`
	Browser   string `json:"browser"`
	CPUs      int    `json:"cpus"`
	WasmFlags string `json:"wasm_flags"`
	Dist      string `json:"dist"`
	Date      string `json:"date"`
	// 1-minute load average before and after the run.
	LoadBefore string `json:"load_before"`
	LoadAfter  string `json:"load_after"`
}

// median of xs (the lower middle for an even count); NaN when empty.
func median(xs []float64) float64 {
	return percentile(xs, 50)
}

// percentile by nearest rank: the smallest sample with at least p% of the
// samples at or below it.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

func ratio(a, b float64) float64 {
	if b == 0 || math.IsNaN(a) || math.IsNaN(b) {
		return 0
	}
	return math.Round(a/b*1000) / 1000
}

func (r *Results) computeRatios() {
	r.Ratios = map[string]float64{
		"size_raw":         ratio(float64(r.Size.Wasm.Raw), float64(r.Size.Floor.Raw)),
		"size_gzip":        ratio(float64(r.Size.Wasm.Gzip), float64(r.Size.Floor.Gzip)),
		"size_brotli":      ratio(float64(r.Size.Wasm.Brotli), float64(r.Size.Floor.Brotli)),
		"cold_start":       ratio(r.ColdStart.Impshim, r.ColdStart.Floor),
		"resolve_3":        ratio(r.Resolve.Go3, r.Resolve.JS3),
		"resolve_200":      ratio(r.Resolve.Go200, r.Resolve.JS200),
		"resolve_3_cold":   ratio(r.Resolve.Go3Cold, r.Resolve.JS3),
		"resolve_200_cold": ratio(r.Resolve.Go200Cold, r.Resolve.JS200),
	}
}

func printTable(w io.Writer, r *Results) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	row := func(cells ...string) { fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t") }
	kb := func(n int) string { return fmt.Sprintf("%d (%.0f KiB)", n, float64(n)/1024) }
	x := func(v float64) string {
		if v == 0 {
			return "—"
		}
		return fmt.Sprintf("%.2f×", v)
	}
	ms := func(v float64) string { return fmt.Sprintf("%.1f ms", v) }
	us := func(v float64) string { return fmt.Sprintf("%.2f µs", v) }
	target := func(ok bool, t string) string {
		if ok {
			return "meets " + t
		}
		return "misses " + t
	}

	fmt.Fprintf(w, "impshim benchmark — %s, %s, %d CPUs (load avg %s → %s), flags %s\n\n",
		r.Env.GoVersion, r.Env.Browser, r.Env.CPUs, r.Env.LoadBefore, r.Env.LoadAfter, r.Env.WasmFlags)
	row("measure", "impshim", "baseline", "ratio", "target")
	row("-------", "-------", "--------", "-----", "------")
	s := r.Size
	row("wasm raw bytes", kb(s.Wasm.Raw), kb(s.Floor.Raw)+" hello-world", x(r.Ratios["size_raw"]), "")
	row("wasm gzip -9 bytes", kb(s.Wasm.Gzip), kb(s.Floor.Gzip)+" hello-world", x(r.Ratios["size_gzip"]), "")
	row("wasm brotli -q 11 bytes", kb(s.Wasm.Brotli), kb(s.Floor.Brotli)+" hello-world", x(r.Ratios["size_brotli"]),
		target(r.Ratios["size_brotli"] <= 1.10, "≤ 1.10×"))
	if s.WasmOpt != nil {
		row("  after wasm-opt "+s.WasmOptLevel+" raw/brotli", fmt.Sprintf("%d / %d", s.WasmOpt.Raw, s.WasmOpt.Brotli),
			fmt.Sprintf("%d / %d impshim", s.Wasm.Raw, s.Wasm.Brotli),
			x(ratio(float64(s.WasmOpt.Brotli), float64(s.Floor.Brotli))), "brotli vs hello-world")
	}
	c := r.ColdStart
	row(fmt.Sprintf("cold start, median of %d", c.Loads), ms(c.Impshim), ms(c.Floor)+" hello-world", x(r.Ratios["cold_start"]),
		target(r.Ratios["cold_start"] <= 1.3, "≤ 1.3×"))
	if c.ImpshimOpt != nil {
		row("  after wasm-opt "+s.WasmOptLevel, ms(*c.ImpshimOpt), ms(c.Floor)+" hello-world", x(ratio(*c.ImpshimOpt, c.Floor)), "")
	}
	v := r.Resolve
	row("resolve, 3 settings", us(v.Go3)+"/call", us(v.JS3)+"/call plain JS", x(r.Ratios["resolve_3"]), target(v.Go3 > 0 && v.Go3 <= 10 && r.Ratios["resolve_3"] <= 1, "≤ 10 µs, ≤ 1.0× JS"))
	row("resolve, 200 settings", us(v.Go200)+"/call", us(v.JS200)+"/call plain JS", x(r.Ratios["resolve_200"]), target(v.Go200 > 0 && v.Go200 <= 40 && r.Ratios["resolve_200"] <= 1, "≤ 40 µs, ≤ 1.0× JS"))
	row("resolve cold (first call per input), 3", us(v.Go3Cold)+"/call", us(v.JS3)+"/call plain JS", x(r.Ratios["resolve_3_cold"]), target(v.Go3Cold > 0 && v.Go3Cold <= 10, "≤ 10 µs"))
	row("  mean of every cold round, 3", us(v.Go3ColdMean)+"/call", "", "", "")
	row("resolve cold (first call per input), 200", us(v.Go200Cold)+"/call", us(v.JS200)+"/call plain JS", x(r.Ratios["resolve_200_cold"]), "")
	row("  mean of every cold round, 200", us(v.Go200ColdMean)+"/call", "", "", "")
	wv := r.Window
	row(fmt.Sprintf("request_pay → window visible, %d reqs", wv.Requests), "p50 "+ms(wv.P50), "p95 "+ms(wv.P95)+", first "+ms(wv.First), "",
		target(wv.P50 > 0 && wv.P50 <= 50, "p50 ≤ 50 ms"))
	h := r.Headless
	row(fmt.Sprintf("headless payments (delay_ms 0), %d", h.Payments), fmt.Sprintf("%.1f/s via imptest", h.PaymentsPerS),
		fmt.Sprintf("%.1f/s in the page", h.InPagePerS), "", "")
	row("  request_pay → callback", "p50 "+ms(h.CallbackP50), "p95 "+ms(h.CallbackP95), "", "")
	row("  with the ledger (make run's server)", fmt.Sprintf("%.1f/s via imptest", h.LedgerPaymentsPerS),
		fmt.Sprintf("%.1f/s in the page", h.LedgerInPagePerS), "", "")
	row("  request_pay → callback, with the ledger", "p50 "+ms(h.LedgerCallbackP50), "p95 "+ms(h.LedgerCallbackP95), "", "")
	row("dist/ bytes before first IMP call", fmt.Sprint(r.FirstLoadBytes), fmt.Sprintf("%d until ready", r.ReadyLoadBytes), "", "")
	tw.Flush()

	if len(r.Code.Packages) > 0 {
		cs := r.Code
		fmt.Fprintf(w, "\nwhat impshim.wasm adds over the hello-world (non-stripped builds): code section %d vs %d bytes (+%d), data section %d vs %d (+%d); biggest additions:\n",
			cs.CodeBytes, cs.FloorCodeBytes, cs.CodeBytes-cs.FloorCodeBytes, cs.DataBytes, cs.FloorDataBytes, cs.DataBytes-cs.FloorDataBytes)
		tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		for _, p := range cs.Packages {
			fmt.Fprintf(tw, "  %s\t+%d\t(%d in impshim, %d in hello-world)\t%d funcs\t\n", p.Package, p.Bytes-p.FloorBytes, p.Bytes, p.FloorBytes, p.Funcs)
		}
		tw.Flush()
	}
	if len(r.GoBench) > 0 {
		fmt.Fprintln(w, "\ngo test -run '^$' -bench . -benchmem ./resolver/ ./bench/ (native Go, no WASM boundary):")
		tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		for _, g := range r.GoBench {
			fmt.Fprintf(tw, "  %s %s\t%.0f ns/op\t%d B/op\t%d allocs/op\t\n", path.Base(g.Package), g.Name, g.NsPerOp, g.BytesPerOp, g.AllocsPerOp)
		}
		tw.Flush()
	}
	if len(v.PerInput) > 0 {
		fmt.Fprintln(w, "\nresolve per input (µs/call, Go vs plain JS, each timed alone):")
		tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		for _, t := range v.PerInput {
			fmt.Fprintf(tw, "  %s settings\t%q\t%.2f\t%.2f\t\n", t.Settings, t.Input, t.GoUS, t.JSUS)
		}
		tw.Flush()
	}
	if len(v.WarnDiff) > 0 {
		fmt.Fprintf(w, "\nnote: warning codes differ between Go and the JS reference for %d inputs (chosen setting and rule agree):\n", len(v.WarnDiff))
		for _, d := range v.WarnDiff {
			fmt.Fprintf(w, "  %q: go [%s] js [%s]\n", d.Input, d.Go, d.JS)
		}
	}
	fmt.Fprintf(w, "\ncold start: %s\n", c.Method)
	for _, v := range []struct {
		tree, name string
		ready      float64
	}{
		{"dist", "impshim", c.Impshim}, {"floor", "hello-world", c.Floor}} {
		ph := c.Phases[v.tree]
		if len(ph) == 0 {
			continue
		}
		files := make([]string, 0, len(ph))
		for f := range ph {
			files = append(files, f)
		}
		sort.Slice(files, func(i, j int) bool { return ph[files[i]].Start < ph[files[j]].Start })
		var parts []string
		for _, f := range files {
			parts = append(parts, fmt.Sprintf("%s %.1f→%.1f", f, ph[f].Start, ph[f].End))
		}
		fmt.Fprintf(w, "  %s fetches (median ms after t0, start→end): %s; ready at %.1f\n", v.name, strings.Join(parts, ", "), v.ready)
	}
	if wv.Missed > 0 {
		fmt.Fprintf(w, "window: %d request(s) completed before a check saw the window (busy machine); not counted\n", wv.Missed)
	}
	if len(wv.Fetches) > 0 {
		files := make([]string, 0, len(wv.Fetches))
		for f := range wv.Fetches {
			files = append(files, f)
		}
		sort.Strings(files)
		var parts []string
		for _, f := range files {
			parts = append(parts, fmt.Sprintf("%s on %d/%d requests (median done at %.1f ms)", f, wv.Fetches[f].Requests, wv.Requests, wv.Fetches[f].MedianEnd))
		}
		fmt.Fprintf(w, "window: fetched between request_pay and the window showing: %s\n", strings.Join(parts, ", "))
	}
	for _, n := range r.Notes {
		fmt.Fprintln(w, "note:", n)
	}
	for _, e := range r.Errors {
		fmt.Fprintln(w, "ERROR:", e)
	}
}
