package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/impshim/impshim/e2e/imptest"
	"github.com/impshim/impshim/ledger"
	"github.com/impshim/impshim/web"
)

// HeadlessResult is what a headless test suite lives with: payments completed per second in one
// tab with setOutcome({result: "paid", delay_ms: 0}), driven from Go through imptest (each step a
// DevTools round trip, Result waiting in the page for the callback), and the in-page
// request_pay → callback latency. The Ledger* figures are the same loops against `make run`'s
// server with its ledger, where each payment also makes the three ledger calls of contract C2
// (attempt, the window's approval, outcome) before its callback.
type HeadlessResult struct {
	PaymentsPerS float64 `json:"payments_per_s"`
	CallbackP50  float64 `json:"callback_p50_ms"`
	CallbackP95  float64 `json:"callback_p95_ms"`
	// InPagePerS: the same loop run inside the page (no DevTools round trips): the SDK's own ceiling.
	InPagePerS float64 `json:"in_page_payments_per_s"`

	LedgerPaymentsPerS float64 `json:"ledger_payments_per_s"`
	LedgerCallbackP50  float64 `json:"ledger_callback_p50_ms"`
	LedgerCallbackP95  float64 `json:"ledger_callback_p95_ms"`
	LedgerInPagePerS   float64 `json:"ledger_in_page_payments_per_s"`

	Payments int    `json:"payments"`
	Method   string `json:"method"`
}

// headlessFigures are one loop's figures.
type headlessFigures struct {
	perS, p50, p95, inPage float64
}

func (b *bench) headless(browser context.Context, res *Results) error {
	n := max(b.o.payments, 1)
	h := &res.Headless
	h.Payments = n
	h.Method = fmt.Sprintf("%d payments one after the other in one tab, the seed config, html5_inicis card 1,000 KRW; "+
		"payments_per_s through imptest (SetOutcome, Pay, Result per payment, after 3 discarded); "+
		"callback ms in the page, request_pay → callback; first with no ledger behind the bench server, "+
		"then (ledger_*) against make run's server with an in-memory ledger", n)

	url := b.base + "/r/" + "r" + strconv.FormatInt(b.runs.Add(1), 10) + "/dist/bench-page.html"
	f, err := headlessLoops(browser, url, n)
	if err != nil {
		return err
	}
	h.PaymentsPerS, h.CallbackP50, h.CallbackP95, h.InPagePerS = f.perS, f.p50, f.p95, f.inPage

	site, done, err := ledgerSite(b.o.dist)
	if err != nil {
		return err
	}
	defer done()
	f, err = headlessLoops(browser, site+"/sdk/bench-page.html", n)
	if err != nil {
		return fmt.Errorf("with the ledger: %w", err)
	}
	h.LedgerPaymentsPerS, h.LedgerCallbackP50, h.LedgerCallbackP95, h.LedgerInPagePerS = f.perS, f.p50, f.p95, f.inPage
	return nil
}

// ledgerSite is `make run`'s server (web in front of an in-memory ledger) with the bench pages
// beside the SDK, at /sdk/bench-*, so that they load imp.js from /sdk/ as a merchant page does
// and the SDK finds the ledger there.
func ledgerSite(dist string) (string, func(), error) {
	store, err := ledger.Open(":memory:")
	if err != nil {
		return "", nil, err
	}
	api := ledger.NewAPI(store, nil, ledger.Options{})
	site := web.New(web.Options{Dist: dist, Backend: api})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if file, ok := strings.CutPrefix(r.URL.Path, "/sdk/bench-"); ok {
			data, err := fs.ReadFile(pages, "pages/bench-"+file)
			if err != nil {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Cache-Control", "no-store")
			setType(w, file)
			w.Write(data)
			return
		}
		site.ServeHTTP(w, r)
	}))
	return srv.URL, func() { srv.Close(); api.Close(); store.Close() }, nil
}

// headlessLoops opens url (a bench page) in a new tab and runs both loops there.
func headlessLoops(browser context.Context, url string, n int) (headlessFigures, error) {
	var f headlessFigures
	ctx, cancelTab := chromedp.NewContext(browser)
	defer cancelTab()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return f, errors.New(url + ": " + err.Error())
	}
	tctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if _, err := chromedp.Run(tctx, imptest.Ready()); err != nil {
		return f, err
	}
	if _, err := chromedp.Run(tctx, imptest.Configure(seedConfig())); err != nil {
		return f, err
	}
	zero := 0
	run := time.Now().UnixNano()
	pay := func(i int) error {
		if _, err := chromedp.Run(tctx, imptest.SetOutcome(imptest.Outcome{Result: "paid", DelayMS: &zero})); err != nil {
			return err
		}
		if _, err := chromedp.Run(tctx, imptest.Pay(map[string]any{"pg": "html5_inicis", "pay_method": "card",
			"merchant_uid": fmt.Sprintf("headless_go_%d_%d", run, i), "name": "bench order", "amount": 1000, "buyer_name": "Bench"})); err != nil {
			return err
		}
		r, err := chromedp.Run(tctx, imptest.Result())
		if err != nil {
			return err
		}
		if !r.Success {
			return fmt.Errorf("payment %d through imptest did not succeed: %v", i, r.Raw)
		}
		return nil
	}
	for i := range 3 {
		if err := pay(-1 - i); err != nil {
			return f, err
		}
	}
	t0 := time.Now()
	for i := range n {
		if err := pay(i); err != nil {
			return f, err
		}
	}
	f.perS = round2(float64(n) / time.Since(t0).Seconds())

	arg, _ := json.Marshal(map[string]any{"config": seedConfig(), "count": n})
	out, err := chromedp.Run(tctx, chromedp.Evaluate[struct {
		Samples []float64 `json:"samples"`
		TotalMS float64   `json:"total_ms"`
	}]("benchHeadless("+string(arg)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		return f, err
	}
	if len(out.Samples) == 0 || out.TotalMS <= 0 {
		return f, errors.New("benchHeadless returned no samples")
	}
	f.p50, f.p95 = round2(percentile(out.Samples, 50)), round2(percentile(out.Samples, 95))
	f.inPage = round2(float64(len(out.Samples)) / (out.TotalMS / 1000))
	return f, nil
}
