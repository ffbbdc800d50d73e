// Package imptest drives the impshim mock payment window from a chromedp test.
//
// Every function returns a chromedp action, so the steps compose with the
// merchant's own:
//
//	err := chromedp.Do(ctx,
//		chromedp.Navigate(shopURL),
//		chromedp.Click(chromedp.CSS("#buy")), // the shop calls IMP.request_pay
//		imptest.Approve(),
//	)
//
// The window is found wherever impshim shows it: in the overlay iframe of the
// page (the default) — also when imp.js comes from another origin or site, so
// the iframe is one the page's scripts cannot read — in a popup (`popup: true`),
// or in the page itself. Clicks are real mouse events at the button's place.
//
// Pay and Result are for tests that call IMP.request_pay themselves:
//
//	err := chromedp.Do(ctx, imptest.Pay(params), imptest.Approve())
//	resp, err := chromedp.Run(ctx, imptest.Result())
package imptest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Window is what the mock payment window shows.
type Window struct {
	// Where the window is: "iframe" (the overlay), "popup" or "page".
	Mode string
	// PG is the PG code ("html5_inicis"), PGName its display name ("KG이니시스";
	// "KG INICIS" with language: "en").
	PG, PGName string
	MID        string
	// Amount is the number, AmountText what the window prints ("₩1,000").
	Amount     float64
	AmountText string
	// Text is all the text of the window, for checks of wording and language.
	Text string
}

// Response is the object that IMP.request_pay passes to its callback (SPEC §7).
type Response struct {
	Success       bool    `json:"success"`
	ImpSuccess    bool    `json:"imp_success"`
	ImpUID        string  `json:"imp_uid"` // "" when it was null
	MerchantUID   string  `json:"merchant_uid"`
	ErrorCode     string  `json:"error_code"`
	ErrorMsg      string  `json:"error_msg"`
	Status        string  `json:"status"`
	PayMethod     string  `json:"pay_method"`
	PaidAmount    float64 `json:"paid_amount"`
	Currency      string  `json:"currency"`
	Name          string  `json:"name"`
	PGProvider    string  `json:"pg_provider"`
	PGType        string  `json:"pg_type"`
	PGTID         string  `json:"pg_tid"`
	ApplyNum      string  `json:"apply_num"`
	BuyerName     string  `json:"buyer_name"`
	BuyerEmail    string  `json:"buyer_email"`
	BuyerTel      string  `json:"buyer_tel"`
	BuyerAddr     string  `json:"buyer_addr"`
	BuyerPostcode string  `json:"buyer_postcode"`
	CustomData    any     `json:"custom_data"`
	PaidAt        int64   `json:"paid_at"`
	ReceiptURL    string  `json:"receipt_url"`
	CardName      string  `json:"card_name"`
	CardNumber    string  `json:"card_number"`
	CustomerUID   string  `json:"customer_uid"`
	VbankNum      string  `json:"vbank_num"`
	VbankName     string  `json:"vbank_name"`
	VbankHolder   string  `json:"vbank_holder"`

	// Raw holds every field as sent, including the ones without a Go field
	// above (card_quota, vbank_date, …) whose JSON type varies between PGs.
	Raw map[string]any `json:"-"`
}

// Trace is IMP.sandbox.lastTrace() / IMP.sandbox.resolve(): why a setting was chosen (SPEC §4).
type Trace struct {
	Input      string       `json:"input"`
	Code       string       `json:"code"`
	MID        string       `json:"mid"`
	Rule       string       `json:"rule"`
	Fallback   bool         `json:"fallback"`
	Setting    Setting      `json:"setting"`
	Considered []Considered `json:"considered"`
	Warnings   []Warning    `json:"warnings"`
}

// Setting is one entry of the merchant's pg_settings.
type Setting struct {
	Index      int    `json:"index"`
	PG         string `json:"pg"`
	MID        string `json:"mid"`
	PayType    string `json:"pay_type"`
	Type       string `json:"type,omitempty"`
	ChannelKey string `json:"channel_key,omitempty"`
	Default    bool   `json:"default,omitempty"`
	Label      string `json:"label,omitempty"`
}

// Considered is a setting that resolution looked at and passed over.
type Considered struct {
	Index  int    `json:"index"`
	WhyNot string `json:"why_not"`
}

// Warning is a diagnostic with a stable code (PG_UNKNOWN_CODE, FELL_BACK_TO_DEFAULT, …).
type Warning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Config is what IMP.sandbox.configure takes (SPEC §3).
type Config struct {
	MerchantCode string    `json:"merchant_code"`
	PGSettings   []Setting `json:"pg_settings"`
	Strict       bool      `json:"strict,omitempty"`
}

// ConfigResult is what IMP.sandbox.configure answers.
type ConfigResult struct {
	OK       bool          `json:"ok"`
	Errors   []ConfigError `json:"errors"`
	Warnings []Warning     `json:"warnings"`
}

// ConfigError names the pg_settings entry (Index, -1 for the whole config) and field at fault.
type ConfigError struct {
	Index   int    `json:"index"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Outcome completes the next window without a click (IMP.sandbox.setOutcome).
type Outcome struct {
	Result    string `json:"result"` // "paid", "failed" or "cancelled"; for IMP.certification "paid" is verified
	ErrorCode string `json:"error_code,omitempty"`
	ErrorMsg  string `json:"error_msg,omitempty"`
	// Identity picks the sandbox identity that verifies in IMP.certification's window (an index
	// into the merchant's identities; nil: the first). CardQuota is the installment plan a payment
	// window chooses among those it offers (display.card_quota; new(0): lump sum).
	Identity  *int `json:"identity,omitempty"`
	CardQuota *int `json:"card_quota,omitempty"`
	// DelayMS is how long after the window shows it completes: nil for the SDK's default
	// (250 ms, so a person watching sees it), new(0) for at once.
	DelayMS *int `json:"delay_ms,omitempty"`
}

// Ready waits until IMP.sandbox.ready settles, and fails with its message when the SDK could not load.
func Ready() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[chromedp.Void](`(async () => {
			if (!window.IMP || !IMP.sandbox) throw new Error("window.IMP.sandbox is missing: is imp.js loaded on this page?");
			await IMP.sandbox.ready; })()`, chromedp.EvalAwaitPromise)(ctx, t)
		return wrap("IMP.sandbox.ready", err)
	})
}

// Configure calls IMP.sandbox.configure(cfg). cfg is a Config or anything that marshals to the same JSON.
// A rejected config is not an error of the action: read ConfigResult.Errors.
func Configure(cfg any) chromedp.Action[ConfigResult] {
	return func(ctx context.Context, t *chromedp.Target) (ConfigResult, error) {
		js, err := json.Marshal(cfg)
		if err != nil {
			return ConfigResult{}, err
		}
		raw, err := chromedp.Evaluate[[]byte](`IMP.sandbox.configure(`+string(js)+`)`, chromedp.EvalAwaitPromise)(ctx, t)
		if err != nil {
			return ConfigResult{}, wrap("IMP.sandbox.configure", err)
		}
		var res ConfigResult
		return res, json.Unmarshal(raw, &res)
	}
}

// SetOutcome makes the next window that opens complete by itself.
func SetOutcome(o Outcome) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		js, err := json.Marshal(o)
		if err != nil {
			return err
		}
		_, err = chromedp.Evaluate[chromedp.Void](`void IMP.sandbox.setOutcome(`+string(js)+`)`)(ctx, t)
		return wrap("IMP.sandbox.setOutcome", err)
	})
}

// Resolve returns the trace for a pg value (a string, or a params object) without opening a window.
func Resolve(pg any) chromedp.Action[Trace] {
	return func(ctx context.Context, t *chromedp.Target) (Trace, error) {
		js, err := json.Marshal(pg)
		if err != nil {
			return Trace{}, err
		}
		raw, err := chromedp.Evaluate[[]byte](`(async () => { await IMP.sandbox.ready; return IMP.sandbox.resolve(`+string(js)+`) })()`,
			chromedp.EvalAwaitPromise)(ctx, t)
		if err != nil {
			return Trace{}, wrap("IMP.sandbox.resolve", err)
		}
		var tr Trace
		return tr, json.Unmarshal(raw, &tr)
	}
}

// LastTrace returns IMP.sandbox.lastTrace(): the trace of the last request_pay that reached
// resolution, or nil.
func LastTrace() chromedp.Action[*Trace] {
	return func(ctx context.Context, t *chromedp.Target) (*Trace, error) {
		raw, err := chromedp.Evaluate[[]byte](`IMP.sandbox.lastTrace()`)(ctx, t)
		if err != nil {
			return nil, wrap("IMP.sandbox.lastTrace", err)
		}
		if string(raw) == "null" || len(raw) == 0 {
			return nil, nil
		}
		var tr Trace
		return &tr, json.Unmarshal(raw, &tr)
	}
}

// Pay calls IMP.request_pay(params) in the page, as if from a click (so a popup may open),
// and returns without waiting for the payment. Read the answer with Result.
// params is marshalled to JSON.
func Pay(params any) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		js, err := json.Marshal(params)
		if err != nil {
			return err
		}
		_, err = chromedp.Evaluate[int](payJS(string(js)), userGesture)(ctx, t)
		return wrap("IMP.request_pay", err)
	})
}

// PayJS is Pay with params written as a JavaScript expression, for params that JSON cannot
// express: functions, cycles, throwing getters, NaN.
func PayJS(params string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[int](payJS(params), userGesture)(ctx, t)
		return wrap("IMP.request_pay", err)
	})
}

// payJS records the callback calls and the Promise of one request_pay, so that Result can read them.
func payJS(params string) string {
	return `(() => {
		const s = (window.__imptest ??= {seq: 0, runs: {}});
		let wake;
		const run = {callbacks: [], settled: false, result: null, error: null, changed: new Promise((r) => { wake = r; })};
		const id = ++s.seq;
		s.runs[id] = run; s.last = id;
		try {
			const p = IMP.request_pay(` + params + `, (r) => { run.callbacks.push(r); wake(); });
			Promise.resolve(p).then((r) => { run.result = r; run.settled = true; wake(); },
				(e) => { run.error = "request_pay's Promise rejected: " + e; run.settled = true; wake(); });
		} catch (e) { run.error = "request_pay threw: " + e; run.settled = true; wake(); }
		return id;
	})()`
}

func userGesture(p *runtime.EvaluateParams) { p.UserGesture = new(true) }

// resultJS answers the last Pay's state; while there is no answer yet it waits in the page for
// one, up to resultWaitMS, so that Result hears of the callback at once instead of on its next
// poll (a test suite pays that poll on every payment), and a page that never answers still gives
// Go back control to check its context.
const resultJS = `(async () => {
	const s = window.__imptest; const run = s && s.runs[s.last];
	if (!run) return {missing: true};
	const state = () => run.error ? {error: run.error} : run.callbacks.length ? {response: run.callbacks[0]} :
		run.settled ? {response: run.result} : null;
	let now = state();
	if (!now) {
		let timer;
		await Promise.race([run.changed, new Promise((r) => { timer = setTimeout(r, ` + resultWaitMS + `); })]);
		clearTimeout(timer);
		now = state();
	}
	return now || {};
})()`

const resultWaitMS = "250"

// Result waits for the callback of the last Pay and returns its response.
// It fails when request_pay threw or its Promise rejected, which SPEC §5 rules out.
func Result() chromedp.Action[Response] {
	return func(ctx context.Context, t *chromedp.Target) (Response, error) {
		for retried := false; ; {
			raw, err := chromedp.Evaluate[[]byte](resultJS, chromedp.EvalAwaitPromise)(ctx, t)
			if err != nil {
				if ctx.Err() != nil {
					return Response{}, fmt.Errorf("imptest: no response to request_pay yet: %w", ctx.Err())
				}
				// The page navigated while the answer was awaited in it (its context went with it):
				// the next look says so, in the page it navigated to.
				if !retried {
					retried = true
					continue
				}
				return Response{}, wrap("reading the response", err)
			}
			var st struct {
				Missing  bool            `json:"missing"`
				Error    string          `json:"error"`
				Response json.RawMessage `json:"response"`
			}
			if err := json.Unmarshal(raw, &st); err != nil {
				return Response{}, err
			}
			switch {
			case st.Missing:
				return Response{}, errors.New("imptest: Result without a Pay on this page (did the page navigate?)")
			case st.Error != "":
				return Response{}, errors.New("imptest: " + st.Error)
			case st.Response != nil:
				return DecodeResponse(st.Response)
			}
			// Waited in the page and nothing came yet: ask again while the context lasts.
			if err := ctx.Err(); err != nil {
				return Response{}, fmt.Errorf("imptest: no response to request_pay yet: %w", err)
			}
		}
	}
}

// DecodeResponse decodes a response object from its JSON text, keeping every field in Raw.
func DecodeResponse(raw []byte) (Response, error) {
	var r Response
	if string(raw) == "null" {
		return r, errors.New("imptest: the response is null")
	}
	// Raw keeps what the struct cannot: nulls (imp_uid before a window opened) and extra fields.
	if err := json.Unmarshal(raw, &r.Raw); err != nil {
		return r, fmt.Errorf("imptest: the response is not an object: %w", err)
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return r, fmt.Errorf("imptest: decoding the response: %w", err)
	}
	return r, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("imptest: %s: %w", what, err)
}
