package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/impshim/impshim/e2e/imptest"
)

// HeadlessResult is what a headless test suite lives with: payments completed per second in one
// tab with setOutcome({result: "paid", delay_ms: 0}), driven from Go through imptest (each step a
// DevTools round trip, Result polling the page), and the in-page request_pay → callback latency.
type HeadlessResult struct {
	PaymentsPerS float64 `json:"payments_per_s"`
	CallbackP50  float64 `json:"callback_p50_ms"`
	CallbackP95  float64 `json:"callback_p95_ms"`
	// InPagePerS: the same loop run inside the page (no DevTools round trips): the SDK's own ceiling.
	InPagePerS float64 `json:"in_page_payments_per_s"`
	Payments   int     `json:"payments"`
	Method     string  `json:"method"`
}

func (b *bench) headless(browser context.Context, res *Results) error {
	ctx, cancelTab := chromedp.NewContext(browser)
	defer cancelTab()
	url := b.base + "/r/" + "r" + strconv.FormatInt(b.runs.Add(1), 10) + "/dist/bench-page.html"
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return errors.New(url + ": " + err.Error())
	}
	tctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	n := max(b.o.payments, 1)
	h := &res.Headless
	h.Payments = n
	h.Method = fmt.Sprintf("%d payments one after the other in one tab, the seed config, html5_inicis card 1,000 KRW; "+
		"payments_per_s through imptest (SetOutcome, Pay, Result per payment, after 3 discarded); "+
		"callback ms in the page, request_pay → callback; no ledger behind the bench server", n)

	if _, err := chromedp.Run(tctx, imptest.Ready()); err != nil {
		return err
	}
	if _, err := chromedp.Run(tctx, imptest.Configure(seedConfig())); err != nil {
		return err
	}
	zero := 0
	pay := func(i int) error {
		if _, err := chromedp.Run(tctx, imptest.SetOutcome(imptest.Outcome{Result: "paid", DelayMS: &zero})); err != nil {
			return err
		}
		if _, err := chromedp.Run(tctx, imptest.Pay(map[string]any{"pg": "html5_inicis", "pay_method": "card",
			"merchant_uid": fmt.Sprintf("headless_go_%d_%d", time.Now().UnixNano(), i), "name": "bench order", "amount": 1000, "buyer_name": "Bench"})); err != nil {
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
		if err := pay(i); err != nil {
			return err
		}
	}
	t0 := time.Now()
	for i := range n {
		if err := pay(i); err != nil {
			return err
		}
	}
	h.PaymentsPerS = round2(float64(n) / time.Since(t0).Seconds())

	arg, _ := json.Marshal(map[string]any{"config": seedConfig(), "count": n})
	out, err := chromedp.Run(tctx, chromedp.Evaluate[struct {
		Samples []float64 `json:"samples"`
		TotalMS float64   `json:"total_ms"`
	}]("benchHeadless("+string(arg)+")", chromedp.EvalAwaitPromise))
	if err != nil {
		return err
	}
	if len(out.Samples) == 0 || out.TotalMS <= 0 {
		return errors.New("benchHeadless returned no samples")
	}
	h.CallbackP50, h.CallbackP95 = round2(percentile(out.Samples, 50)), round2(percentile(out.Samples, 95))
	h.InPagePerS = round2(float64(len(out.Samples)) / (out.TotalMS / 1000))
	return nil
}
