package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/impshim/impshim/resolver"
)

type bench struct {
	base string
	srv  *benchServer
	o    options
	runs atomic.Int64
}

// pageResult is what the cold-start pages leave in window.benchResult.
type pageResult struct {
	Ms     float64          `json:"ms"`
	Phases map[string]Phase `json:"phases"`
	Error  string           `json:"error"`
}

// Phase is when one file's fetch started and ended, in ms after t0.
type Phase struct {
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

// load opens url path (under a fresh run prefix) in a new tab and waits for
// window.benchResult. It returns the run id so the caller can ask the server
// what that load fetched.
func (b *bench) load(browser context.Context, tree, page string) (pageResult, string, error) {
	run := "r" + strconv.FormatInt(b.runs.Add(1), 10)
	url := b.base + "/r/" + run + "/" + tree + "/" + page
	ctx, cancel := context.WithTimeout(browser, 60*time.Second)
	defer cancel()
	ctx, cancelTab := chromedp.NewContext(ctx)
	defer cancelTab()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return pageResult{}, run, errors.New(url + ": " + err.Error())
	}
	r, err := chromedp.Run(ctx, chromedp.Poll[pageResult]("window.benchResult", chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		return r, run, errors.New(url + ": no result within 30 s (" + err.Error() + ")")
	}
	if r.Error != "" {
		return r, run, errors.New(url + ": " + r.Error)
	}
	return r, run, nil
}

func (b *bench) coldStarts(browser context.Context, res *Results, withOpt bool) error {
	type variant struct {
		tree, page string
		samples    *[]float64
		phases     map[string][]Phase
	}
	c := &res.ColdStart
	variants := []*variant{{"dist", "bench-cold.html", &c.Samples, map[string][]Phase{}},
		{"floor", "bench-floor.html", &c.FloorRuns, map[string][]Phase{}}}
	if withOpt {
		variants = append(variants, &variant{"opt", "bench-cold.html", &c.OptRuns, map[string][]Phase{}})
	}
	c.Loads = b.o.loads
	c.Method = fmt.Sprintf("median of %d loads each, every load in a new tab under its own URL prefix "+
		"(cache-busting: no HTTP or compiled-WASM cache can be reused), variants interleaved, "+
		"after %d discarded warm-up loads each; t0 = inline script right before the tag, t1 = ready resolved", b.o.loads, b.o.warmups)
	for i := -b.o.warmups; i < b.o.loads; i++ {
		for _, v := range variants {
			r, run, err := b.load(browser, v.tree, v.page)
			if err != nil {
				return err
			}
			if i < 0 {
				continue
			}
			*v.samples = append(*v.samples, round2(r.Ms))
			for f, p := range r.Phases {
				v.phases[f] = append(v.phases[f], p)
			}
			if v.tree == "dist" {
				res.ReadyLoadBytes, _ = b.srv.served(run)
			}
		}
	}
	c.Impshim, c.Floor = median(c.Samples), median(c.FloorRuns)
	c.Phases = map[string]map[string]Phase{}
	for _, v := range variants {
		m := map[string]Phase{}
		for f, ps := range v.phases {
			var starts, ends []float64
			for _, p := range ps {
				starts, ends = append(starts, p.Start), append(ends, p.End)
			}
			m[f] = Phase{Start: round2(median(starts)), End: round2(median(ends))}
		}
		c.Phases[v.tree] = m
	}
	if withOpt {
		m := median(c.OptRuns)
		c.ImpshimOpt = &m
	}
	return nil
}

func (b *bench) firstLoad(browser context.Context, res *Results) error {
	run := "r" + strconv.FormatInt(b.runs.Add(1), 10)
	url := b.base + "/r/" + run + "/dist/bench-first.html"
	ctx, cancel := context.WithTimeout(browser, 60*time.Second)
	defer cancel()
	ctx, cancelTab := chromedp.NewContext(ctx)
	defer cancelTab()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return errors.New(url + ": " + err.Error())
	}
	type marked struct {
		Bytes int64            `json:"bytes"`
		Files map[string]int64 `json:"files"`
		Error string           `json:"error"`
	}
	m, err := chromedp.Run(ctx, chromedp.Poll[marked]("window.benchResult", chromedp.WithPollingTimeout(30*time.Second)))
	if err != nil {
		return errors.New(url + ": " + err.Error())
	}
	if m.Error != "" {
		return errors.New(url + ": " + m.Error)
	}
	res.FirstLoadBytes, res.FirstLoadFiles = m.Bytes, m.Files
	return nil
}

// Config mirrors docs/sdk.md §3's merchant JSON, for the configs the bench sends.
type benchConfig struct {
	MerchantCode string         `json:"merchant_code"`
	PGSettings   []benchSetting `json:"pg_settings"`
}

type benchSetting struct {
	PG      string `json:"pg"`
	MID     string `json:"mid"`
	PayType string `json:"pay_type"`
	Default bool   `json:"default,omitempty"`
	Label   string `json:"label,omitempty"`
}

// seedConfig is the seed page's three settings (docs/sdk.md §3).
func seedConfig() benchConfig {
	return benchConfig{MerchantCode: "imp10391932", PGSettings: []benchSetting{
		{PG: "html5_inicis", MID: "MID-a", PayType: "general", Default: true, Label: "KG INICIS"},
		{PG: "html5_inicis", MID: "MID-b", PayType: "subscription"},
		{PG: "kakaopay", MID: "MID-c", PayType: "simple"},
	}}
}

// seedInputs are the seed's resolution examples, plus its own typo.
var seedInputs = []string{"kakaopay", "html5_inicis", "html5_inicis.MID-a", "html5_inicis.MID-b",
	"nice", "kakaopay.MID-x", "", "html_inicis"}

// largeConfig has n settings cycling through the catalog, each with its own
// MID, the first the default: the console of a big multi-brand merchant.
func largeConfig(n int, catalog []resolver.PG) benchConfig {
	cfg := benchConfig{MerchantCode: "imp_bench_large"}
	for i := range n {
		pg := catalog[i%len(catalog)]
		cfg.PGSettings = append(cfg.PGSettings, benchSetting{PG: pg.Code, MID: fmt.Sprintf("MID-%03d", i), PayType: pg.PayType, Default: i == 0})
	}
	return cfg
}

// largeInputs spans every rule and the worst cases: a match at the end of the
// list, unknown codes (did-you-mean against the catalog) and unknown mids
// (every setting considered).
func largeInputs(cfg benchConfig) []string {
	s := cfg.PGSettings
	last, mid := s[len(s)-1], s[len(s)/2]
	return []string{
		last.PG + "." + last.MID, // R1 at the end
		mid.PG + "." + mid.MID,   // R1 in the middle
		"html5_inicis",           // R2
		s[7%len(s)].PG,           // R2
		"html_inicis",            // R3, did-you-mean
		"kakaopay.MID-x",         // R3, unknown mid
		"",                       // R3, pg missing
		"totally_unknown_pg",     // R3, no suggestion
	}
}

type resolveOut struct {
	Mismatches []struct {
		Input string `json:"input"`
		Go    struct {
			Index int    `json:"index"`
			Rule  string `json:"rule"`
		} `json:"go"`
		JS struct {
			Index int    `json:"index"`
			Rule  string `json:"rule"`
		} `json:"js"`
	} `json:"mismatches"`
	WarningDiffs []resolveDiff `json:"warningDiffs"`
	PerInput     []InputTiming `json:"perInput"`
	GoUS         float64       `json:"go_us"`
	JSUS         float64       `json:"js_us"`
	ColdUS       float64       `json:"cold_us"`
	ColdMeanUS   float64       `json:"cold_mean_us"`
	ColdIsolated bool          `json:"cold_isolated"`
}

func (b *bench) resolve(browser context.Context, res *Results) error {
	type refPG struct {
		Code   string `json:"code"`
		Legacy bool   `json:"legacy"`
	}
	cat := resolver.Catalog()
	if len(cat) == 0 {
		return errors.New("resolver.Catalog() is empty")
	}
	var catalog []refPG
	for _, pg := range cat {
		catalog = append(catalog, refPG{pg.Code, pg.Legacy})
	}
	large := largeConfig(200, cat)
	res.Resolve.Inputs3, res.Resolve.Inputs200 = seedInputs, largeInputs(large)
	res.Resolve.Calls, res.Resolve.Rounds = b.o.calls, b.o.rounds

	ctx, cancelTab := chromedp.NewContext(browser)
	defer cancelTab()
	url := b.base + "/r/" + "r" + strconv.FormatInt(b.runs.Add(1), 10) + "/dist/bench-resolve.html"
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return errors.New(url + ": " + err.Error())
	}
	measure := func(cfg benchConfig, inputs []string, coldRounds int) (resolveOut, error) {
		arg, _ := json.Marshal(map[string]any{"config": cfg, "catalog": catalog, "inputs": inputs, "calls": b.o.calls, "rounds": b.o.rounds,
			"coldRounds": coldRounds})
		tctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		out, err := chromedp.Run(tctx, chromedp.Evaluate[resolveOut]("benchResolve("+string(arg)+")", chromedp.EvalAwaitPromise))
		if err != nil {
			return out, err
		}
		res.Resolve.Checked += len(inputs)
		res.Resolve.WarnDiff = append(res.Resolve.WarnDiff, out.WarningDiffs...)
		if len(out.Mismatches) > 0 {
			var msg []string
			for _, m := range out.Mismatches {
				msg = append(msg, fmt.Sprintf("%q: Go chose index %d by %s, the JS reference index %d by %s",
					m.Input, m.Go.Index, m.Go.Rule, m.JS.Index, m.JS.Rule))
			}
			return out, errors.New("the JS reference disagrees with IMP.sandbox.resolve, so timing them side by side would not be honest:\n  " +
				strings.Join(msg, "\n  "))
		}
		return out, nil
	}
	// Cold rounds each configure the merchant again (to empty the answer caches): fewer for the
	// big config, whose configure costs more.
	small, err := measure(seedConfig(), seedInputs, max(b.o.coldRounds, 1))
	if err != nil {
		return err
	}
	big, err := measure(large, res.Resolve.Inputs200, max(b.o.coldRounds/3, 1))
	if err != nil {
		return err
	}
	for _, set := range []struct {
		name string
		out  resolveOut
	}{{"3", small}, {"200", big}} {
		for _, t := range set.out.PerInput {
			res.Resolve.PerInput = append(res.Resolve.PerInput, InputTiming{Settings: set.name, Input: t.Input, GoUS: round2(t.GoUS), JSUS: round2(t.JSUS)})
		}
	}
	res.Resolve.Go3, res.Resolve.JS3 = round3(small.GoUS), round3(small.JSUS)
	res.Resolve.Go200, res.Resolve.JS200 = round3(big.GoUS), round3(big.JSUS)
	if !small.ColdIsolated || !big.ColdIsolated {
		return errors.New(url + " is not cross-origin isolated, so its timer cannot time one cold round: the median round would be a guess")
	}
	res.Resolve.Go3Cold, res.Resolve.Go200Cold = round3(small.ColdUS), round3(big.ColdUS)
	res.Resolve.Go3ColdMean, res.Resolve.Go200ColdMean = round3(small.ColdMeanUS), round3(big.ColdMeanUS)
	res.Resolve.ColdRounds = b.o.coldRounds
	return nil
}

func (b *bench) window(browser context.Context, res *Results) error {
	ctx, cancelTab := chromedp.NewContext(browser)
	defer cancelTab()
	url := b.base + "/r/" + "r" + strconv.FormatInt(b.runs.Add(1), 10) + "/dist/bench-page.html"
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return errors.New(url + ": " + err.Error())
	}
	// delay_ms keeps each window up for many frames, so the per-frame
	// visibility check cannot miss it even when a loaded machine drops frames.
	arg, _ := json.Marshal(map[string]any{"config": seedConfig(), "count": b.o.windows, "delayMs": 500})
	tctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	out, err := chromedp.Run(tctx, chromedp.Evaluate[struct {
		Samples []float64          `json:"samples"`
		Fetched []map[string]Phase `json:"fetched"`
		Missed  int                `json:"missed"`
	}]("benchWindow("+string(arg)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		return err
	}
	if len(out.Samples) == 0 {
		return errors.New("benchWindow returned no samples")
	}
	// One more window, held open, photographed: what the figures above measured.
	if b.o.shot != "" {
		if err := b.screenshot(tctx, b.o.shot); err != nil {
			return errors.New("screenshot: " + err.Error())
		}
	}
	w := &res.Window
	for _, s := range out.Samples {
		w.Samples = append(w.Samples, round2(s))
	}
	w.Requests = len(out.Samples)
	w.Missed = out.Missed
	// Per window file: on how many requests it was fetched, and the median fetch end.
	ends := map[string][]float64{}
	for _, f := range out.Fetched {
		for file, p := range f {
			ends[file] = append(ends[file], p.End)
		}
	}
	w.Fetches = map[string]FileFetch{}
	for file, e := range ends {
		w.Fetches[file] = FileFetch{Requests: len(e), MedianEnd: round2(median(e))}
	}
	w.P50, w.P95 = percentile(w.Samples, 50), percentile(w.Samples, 95)
	w.First, w.Max = w.Samples[0], percentile(w.Samples, 100)
	return nil
}

func (b *bench) screenshot(ctx context.Context, file string) error {
	_, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`IMP.sandbox.setOutcome({result: "cancelled", delay_ms: 3000});
		IMP.request_pay({pg: "kakaopay", merchant_uid: "bench_shot_" + Date.now(), name: "bench order", amount: 1000, buyer_name: "Bench"});`))
	if err != nil {
		return err
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool]("mockWindow() !== null", chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		return err
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	return os.WriteFile(file, png, 0o644)
}

func round2(v float64) float64 { return float64(int64(v*100+0.5)) / 100 }
func round3(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }
