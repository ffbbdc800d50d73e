package e2e

import (
	"strings"
	"testing"

	"github.com/impshim/impshim/e2e/imptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// badRequest is one request that must fail the checks of SPEC §5 with code.
type badRequest struct {
	name   string
	params map[string]any // overrides of order(); nil values delete the field
	js     string         // params as JavaScript instead, when JSON cannot express them
	raw    any            // params as they are, when they are not an object
	code   string
}

// TestRequestChecks: every check of SPEC §5 answers through the callback, opens no window, and a
// valid payment right after succeeds.
func TestRequestChecks(t *testing.T) {
	t.Parallel()
	long41 := strings.Repeat("x", 41)
	groups := map[string][]badRequest{
		"INVALID_PARAMS": {
			{name: "params a string", raw: "x", code: "INVALID_PARAMS"},
			{name: "params null", raw: nil, code: "INVALID_PARAMS"},
			{name: "params a number", raw: 12, code: "INVALID_PARAMS"},
			{name: "params an array", raw: []any{map[string]any{"amount": 1000}}, code: "INVALID_PARAMS"},
			{name: "custom_data a function", js: `{pg: "kakaopay", amount: 1000, custom_data: {f: () => 1}}`, code: "INVALID_PARAMS"},
			{name: "custom_data a BigInt", js: `{pg: "kakaopay", amount: 1000, custom_data: {n: 10n}}`, code: "INVALID_PARAMS"},
			{name: "custom_data cyclic", js: `(() => { const c = {}; c.me = c; return {pg: "kakaopay", amount: 1000, custom_data: c}; })()`, code: "INVALID_PARAMS"},
			{name: "m_redirect_url javascript:", params: map[string]any{"m_redirect_url": "javascript:alert(1)"}, code: "INVALID_PARAMS"},
			{name: "m_redirect_url ftp", params: map[string]any{"m_redirect_url": "ftp://example.com/done"}, code: "INVALID_PARAMS"},
			{name: "tax_free over amount", params: map[string]any{"tax_free": 2000}, code: "INVALID_PARAMS"},
			{name: "before the amount check", params: map[string]any{"m_redirect_url": "ftp://x", "amount": -1}, code: "INVALID_PARAMS"},
		},
		"INVALID_AMOUNT": {
			{name: "missing", params: map[string]any{"amount": nil}, code: "INVALID_AMOUNT"},
			{name: "NaN", js: `{pg: "kakaopay", amount: NaN}`, code: "INVALID_AMOUNT"},
			{name: "Infinity", js: `{pg: "kakaopay", amount: Infinity}`, code: "INVALID_AMOUNT"},
			{name: "negative", params: map[string]any{"amount": -1000}, code: "INVALID_AMOUNT"},
			{name: "string with letters", params: map[string]any{"amount": "10a"}, code: "INVALID_AMOUNT"},
			{name: "string with a decimal point", params: map[string]any{"amount": "1000.5"}, code: "INVALID_AMOUNT"},
			{name: "empty string", params: map[string]any{"amount": ""}, code: "INVALID_AMOUNT"},
			{name: "decimals in KRW", params: map[string]any{"amount": 1000.5}, code: "INVALID_AMOUNT"},
			{name: "zero without customer_uid", params: map[string]any{"amount": 0}, code: "INVALID_AMOUNT"},
			{name: "an object", params: map[string]any{"amount": map[string]any{}}, code: "INVALID_AMOUNT"},
			{name: "a boolean", params: map[string]any{"amount": true}, code: "INVALID_AMOUNT"},
			{name: "decimals in JPY", params: map[string]any{"pg": "paypal", "currency": "JPY", "amount": 1.5}, code: "INVALID_AMOUNT"},
			{name: "three decimals in USD", params: map[string]any{"pg": "paypal", "currency": "USD", "amount": 10.123}, code: "INVALID_AMOUNT"},
			{name: "before the merchant_uid check", params: map[string]any{"amount": -1, "merchant_uid": 7}, code: "INVALID_AMOUNT"},
		},
		"INVALID_MERCHANT_UID": {
			{name: "a number", params: map[string]any{"merchant_uid": 123}, code: "INVALID_MERCHANT_UID"},
			{name: "41 characters", params: map[string]any{"merchant_uid": long41}, code: "INVALID_MERCHANT_UID"},
			{name: "41 code points", params: map[string]any{"merchant_uid": strings.Repeat("😀", 41)}, code: "INVALID_MERCHANT_UID"},
			{name: "before the PG checks", params: map[string]any{"merchant_uid": long41, "currency": "EUR"}, code: "INVALID_MERCHANT_UID"},
		},
		"PG checks": {
			{name: "pay_method paypal on inicis", params: map[string]any{"pay_method": "paypal"}, code: "PAY_METHOD_NOT_SUPPORTED"},
			{name: "USD on inicis", params: map[string]any{"currency": "USD"}, code: "CURRENCY_NOT_SUPPORTED"},
			{name: "USD on kakaopay", params: map[string]any{"pg": "kakaopay", "currency": "USD"}, code: "CURRENCY_NOT_SUPPORTED"},
			{name: "a valid USD amount, but inicis takes KRW only", params: map[string]any{"currency": "USD", "amount": 10.5}, code: "CURRENCY_NOT_SUPPORTED"},
		},
	}
	for name, cases := range groups {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tb := shopTab(t, "")
			configure(tb, wideConfig())
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					tb.t = t
					var resp imptest.Response
					switch {
					case c.js != "":
						tb.do(imptest.PayJS(c.js))
						resp = run(tb, imptest.Result())
						assert.False(t, resp.Success)
						assert.False(t, run(tb, imptest.Visible()), "a window opened")
					case c.params == nil:
						resp = payRejected(tb, c.raw)
					default:
						resp = payRejected(tb, order(t, c.params))
					}
					assert.Equal(t, c.code, resp.ErrorCode, "error_msg: %s", resp.ErrorMsg)
					if uidParam, ok := c.params["merchant_uid"].(string); ok && c.code != "INVALID_MERCHANT_UID" {
						assert.Equal(t, uidParam, resp.MerchantUID, "the error response names the merchant_uid")
					}
					// The page keeps working.
					tb.do(imptest.SetOutcome(imptest.Outcome{Result: "paid", DelayMS: new(0)}))
					tb.do(imptest.Pay(order(t, nil)))
					ok := run(tb, imptest.Result())
					assert.True(t, ok.Success, "a valid payment right after %s failed: %+v", c.name, ok.Raw)
				})
			}
		})
	}
}

// TestRequestChecksAccept: the edges that must pass.
func TestRequestChecksAccept(t *testing.T) {
	t.Parallel()
	tb := shopTab(t, "")
	configure(tb, wideConfig())
	for _, p := range []map[string]any{
		{"merchant_uid": strings.Repeat("😀", 40)},                              // 40 code points, 80 UTF-16 units
		{"merchant_uid": strings.Repeat("가", 40)},                              // 40 code points, 120 UTF-8 bytes
		{"amount": 0, "customer_uid": "cust_zero", "pg": "html5_inicis.MID-b"}, // billing key registration
		{"pg": "paypal", "currency": "USD", "amount": 10.25},
		{"amount": 1000, "tax_free": 1000, "vat_amount": 0},
		{"m_redirect_url": siteURL + "/shop/landing.html"}, // desktop: no redirect, the callback answers
		{"escrow": true, "notice_url": "https://example.com/hook", "language": "ko"},
	} {
		params := order(t, p)
		resp := payApproved(tb, params)
		assert.Equal(t, params["merchant_uid"], resp.MerchantUID)
	}
	// Nesting under the 32-level cap comes back whole.
	deep := any("bottom")
	for i := 0; i < 28; i++ {
		deep = []any{deep}
	}
	resp0 := payApproved(tb, order(t, map[string]any{"custom_data": deep}))
	assert.Equal(t, deep, resp0.CustomData)
	// Defaults: merchant_uid "nobody_<ms>", pay_method card, currency KRW.
	resp := payApproved(tb, map[string]any{"pg": "kakaopay", "amount": 500})
	assert.Regexp(t, `^nobody_\d{13}$`, resp.MerchantUID)
	assert.Equal(t, "card", resp.PayMethod)
	assert.Equal(t, "KRW", resp.Currency)
}

func TestNoSettingOfThePaymentType(t *testing.T) {
	t.Parallel()
	tb := shopTab(t, "")
	configure(tb, map[string]any{"merchant_code": "imp_cert", "pg_settings": []map[string]any{
		{"pg": "danal", "mid": "CERT-1", "pay_type": "general", "type": "certification"},
	}})
	r := payRejected(tb, order(t, map[string]any{"pg": "danal"}))
	assert.Equal(t, "F1001", r.ErrorCode)
}

func TestNotInitialized(t *testing.T) {
	t.Parallel()
	tb := shopTab(t, "")
	r := payRejected(tb, order(t, nil))
	assert.Equal(t, "NOT_INITIALIZED", r.ErrorCode)
	assert.Contains(t, r.ErrorMsg, "IMP.init", "the message says what to call")

	// IMP.init with a merchant file next to imp.js.
	eval[any](tb, `IMP.init("imp10391932")`)
	tb.do(imptest.Pay(order(t, map[string]any{"pg": "html5_inicis.MID-b"})))
	win := run(tb, imptest.WaitWindow())
	assert.Equal(t, "MID-b", win.MID, "the merchant file's settings are in force")
	tb.do(imptest.Approve())
	assert.True(t, run(tb, imptest.Result()).Success)

	// IMP.agency(code, tier) initialises as IMP.init does.
	tb2 := shopTab(t, "")
	eval[any](tb2, `IMP.agency("imp10391932", "tier_a")`)
	tb2.do(imptest.Pay(order(t, map[string]any{"pg": "kakaopay"})))
	assert.Equal(t, "MID-c", run(tb2, imptest.WaitWindow()).MID)
	tb2.do(imptest.Cancel())
}

// TestLoadsOnItsOwn: a page that never touches IMP still gets the module (imp.js fetches it when
// the page is idle), and ready settles.
func TestLoadsOnItsOwn(t *testing.T) {
	t.Parallel()
	tb := shopTab(t, "")
	require.Eventually(t, func() bool {
		return eval[bool](tb, `performance.getEntriesByType("resource").some(e => e.name.endsWith("/impshim.wasm"))`)
	}, tabTimeout, pollEvery, "impshim.wasm was never fetched")
	assert.Equal(t, "resolved", eval[string](tb, `IMP.sandbox.ready.then(() => "resolved", (e) => "rejected: " + e.message)`))
}

func TestMerchantFile(t *testing.T) {
	t.Parallel()
	t.Run("invalid JSON", func(t *testing.T) {
		t.Parallel()
		tb := shopTab(t, "")
		eval[any](tb, `IMP.init("imp_broken")`)
		r := payRejected(tb, order(t, nil))
		assert.Equal(t, "MERCHANT_CONFIG", r.ErrorCode)
		assert.Contains(t, r.ErrorMsg, "/static/impshim/merchants/imp_broken.json", "the message names the URL")
	})
	t.Run("two defaults", func(t *testing.T) {
		t.Parallel()
		tb := shopTab(t, "")
		eval[any](tb, `IMP.init("imp_twodefaults")`)
		r := payRejected(tb, order(t, nil))
		assert.Equal(t, "MERCHANT_CONFIG", r.ErrorCode)
		assert.Contains(t, r.ErrorMsg, "merchants/imp_twodefaults.json")
		assert.Contains(t, r.ErrorMsg, "default", "the message names the problem")
		// configure() fixes it.
		configure(tb, seedConfig("imp_twodefaults"))
		payApproved(tb, order(t, nil))
	})
	for _, code := range []string{"imp_nosuchfile", ""} {
		t.Run("sandbox merchant for "+code, func(t *testing.T) {
			t.Parallel()
			tb := shopTab(t, "")
			eval[any](tb, `IMP.init(`+jsString(code)+`)`)
			tb.do(imptest.Pay(order(t, map[string]any{"pg": "kakaopay"})))
			win := run(tb, imptest.WaitWindow())
			assert.Equal(t, "kakaopay_sandbox", win.MID)
			tb.do(imptest.Approve())
			assert.Equal(t, "kakaopay", run(tb, imptest.Result()).PGProvider)
			assert.True(t, consoleHas(tb, "console.warning: [impshim]"), "a console.warn says the sandbox merchant is in use: %v", tb.consoleLines())

			tb.do(imptest.Pay(order(t, map[string]any{"pg": nil})))
			win = run(tb, imptest.WaitWindow())
			assert.Equal(t, "html5_inicis", win.PG, "html5_inicis is the sandbox default")
			assert.Equal(t, "html5_inicis_sandbox", win.MID)
			tb.do(imptest.Cancel())
		})
	}
}

// TestConfigErrors: every configuration error of SPEC §3 comes back in the error list, and the
// previous config stays in force.
func TestConfigErrors(t *testing.T) {
	t.Parallel()
	tb := shopTab(t, "")
	configure(tb, seedConfig("imp10391932"))
	set := func(s ...map[string]any) map[string]any {
		return map[string]any{"merchant_code": "imp_bad", "pg_settings": s}
	}
	ok := func(pg, mid string, extra ...any) map[string]any {
		m := map[string]any{"pg": pg, "mid": mid, "pay_type": "general"}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i].(string)] = extra[i+1]
		}
		return m
	}
	cases := []struct {
		name   string
		config any
		index  int
		fields []string // any of these; nil: don't care
	}{
		{"empty list", set(), -1, nil},
		{"no pg_settings", map[string]any{"merchant_code": "imp_bad"}, -1, nil},
		{"not an object", "x", -1, nil},
		{"second default", set(ok("html5_inicis", "A", "default", true), ok("kakaopay", "B", "default", true)), 1, []string{"default"}},
		{"unknown pay_type", set(ok("html5_inicis", "A", "pay_type", "monthly")), 0, []string{"pay_type"}},
		{"unknown type", set(ok("html5_inicis", "A"), ok("danal", "B", "type", "refund")), 1, []string{"type"}},
		{"empty pg", set(ok("", "A")), 0, []string{"pg"}},
		{"pg with a dot", set(ok("html5_inicis.x", "A")), 0, []string{"pg"}},
		{"pg with a space", set(ok("kakao pay", "A")), 0, []string{"pg"}},
		{"empty mid", set(ok("html5_inicis", "")), 0, []string{"mid"}},
		{"mid with a space", set(ok("html5_inicis", "MID a")), 0, []string{"mid"}},
		{"duplicate pg+mid", set(ok("html5_inicis", "A"), ok("kakaopay", "C"), ok("html5_inicis", "A")), 2, []string{"pg", "mid"}},
		{"duplicate channel_key", set(ok("html5_inicis", "A", "channel_key", "ck"), ok("kakaopay", "C", "channel_key", "ck")), 1, []string{"channel_key"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb.t = t
			res := run(tb, imptest.Configure(c.config))
			require.False(t, res.OK, "the config was accepted")
			require.NotEmpty(t, res.Errors, "ok:false without errors")
			e := res.Errors[0]
			assert.Equal(t, c.index, e.Index, "errors: %+v", res.Errors)
			if c.fields != nil {
				assert.Contains(t, c.fields, e.Field, "errors: %+v", res.Errors)
			}
			assert.NotEmpty(t, e.Message)
			tr := run(tb, imptest.Resolve("html5_inicis.MID-b"))
			assert.Equal(t, "MID-b", tr.Setting.MID, "a rejected config must leave the previous one in force")
			// The page keeps working.
			tb.do(imptest.SetOutcome(imptest.Outcome{Result: "paid", DelayMS: new(0)}))
			tb.do(imptest.Pay(order(t, map[string]any{"pg": "html5_inicis.MID-b"})))
			paid := run(tb, imptest.Result())
			assert.True(t, paid.Success, "a valid payment after the rejected config failed: %+v", paid.Raw)
		})
	}
	t.Run("accepted with a warning", func(t *testing.T) {
		tb.t = t
		res := run(tb, imptest.Configure(set(ok("mypg", "M1", "default", true), ok("html5_inicis", "MID.v2"))))
		require.True(t, res.OK, "%+v", res.Errors)
		require.NotEmpty(t, res.Warnings, "a PG code missing from the catalog warns")
		assert.Contains(t, res.Warnings[0].Message, "mypg")
		// mid may contain "." — pg splits at the first one.
		tr := run(tb, imptest.Resolve("html5_inicis.MID.v2"))
		assert.Equal(t, "R1", tr.Rule)
		assert.Equal(t, 1, tr.Setting.Index)
		tb.do(imptest.SetOutcome(imptest.Outcome{Result: "paid", DelayMS: new(0)}))
		tb.do(imptest.Pay(order(t, map[string]any{"pg": "html5_inicis.MID.v2"})))
		assert.True(t, run(tb, imptest.Result()).Success)
	})
}

func TestStrictMode(t *testing.T) {
	t.Parallel()
	tb := shopTab(t, "")
	cfg := seedConfig("imp_strict")
	cfg["strict"] = true
	configure(tb, cfg)
	for _, p := range []map[string]any{
		{"pg": "nice"},
		{"pg": nil},
		{"pg": "html_inicis"},
		{"pg": "kakaopay.MID-x"},
		{"amount": "1000"},
		{"pg": "nice", "currency": "EUR"}, // strict comes before the PG checks
	} {
		r := payRejected(tb, order(t, p))
		assert.Equal(t, "SANDBOX_STRICT", r.ErrorCode, "params %v", p)
	}
	tr := run(tb, imptest.LastTrace())
	require.NotNil(t, tr, "a strict failure still reached resolution")
	assert.Equal(t, "R3", tr.Rule)
	payApproved(tb, order(t, map[string]any{"pg": "html5_inicis.MID-b"}))

	// Not strict: a string amount is accepted with a warning.
	configure(tb, seedConfig("imp_lenient"))
	resp := payApproved(tb, order(t, map[string]any{"amount": "1000"}))
	assert.Equal(t, float64(1000), resp.PaidAmount)
	tr = run(tb, imptest.LastTrace())
	require.NotNil(t, tr)
	assert.Contains(t, warningCodes(*tr), "AMOUNT_AS_STRING")
}

// TestTraceWarnings: the warnings of SPEC §4 that the seed examples do not reach.
func TestTraceWarnings(t *testing.T) {
	t.Parallel()
	tb := shopTab(t, "")
	cfg := seedConfig("imp_warn")
	cfg["pg_settings"] = append(cfg["pg_settings"].([]map[string]any),
		map[string]any{"pg": "kakao", "mid": "OLD-1", "pay_type": "simple"},
		map[string]any{"pg": "html5_inicis", "mid": "MID-ck", "pay_type": "general", "channel_key": "channel-key-1"})
	configure(tb, cfg)
	cases := []struct {
		params map[string]any
		rule   string
		index  int
		warn   string
	}{
		{map[string]any{"pg": "kakao"}, "R2", 3, "LEGACY_PG_CODE"},
		{map[string]any{"pg": "jtnet"}, "R3", 0, "LEGACY_PG_CODE"}, // requested, not chosen
		{map[string]any{"pg": "kakaopay", "pay_method": "card"}, "R2", 2, "PAY_METHOD_IGNORED"},
		{map[string]any{"pg": "kakaopay", "channelKey": "channel-key-1"}, "R0", 4, ""},
		{map[string]any{"pg": "kakaopay", "channelKey": "nope"}, "R2", 2, "CHANNEL_KEY_NOT_FOUND"},
		{map[string]any{"pg": 12}, "R3", 0, "PG_MISSING"},
	}
	for _, c := range cases {
		// Through request_pay, so the window and the trace agree.
		tb.do(imptest.Pay(order(t, c.params)))
		win := run(tb, imptest.WaitWindow())
		tr := run(tb, imptest.LastTrace())
		require.NotNil(t, tr)
		assert.Equal(t, c.rule, tr.Rule, "params %v", c.params)
		assert.Equal(t, c.index, tr.Setting.Index, "params %v", c.params)
		assert.Equal(t, tr.Setting.MID, win.MID)
		if c.warn != "" {
			assert.Contains(t, warningCodes(*tr), c.warn, "params %v", c.params)
		} else {
			assert.Empty(t, tr.Warnings, "params %v", c.params)
		}
		tb.do(imptest.Cancel())
		assert.Equal(t, "USER_CANCEL", run(tb, imptest.Result()).ErrorCode)
	}
}

// TestQueuedBeforeReady: calls made while impshim.wasm is still on its way are answered in order,
// and a configure queued among them is in force for the calls after it.
func TestQueuedBeforeReady(t *testing.T) {
	t.Parallel()
	prefix, release := newGate(t)
	tb := newTab(t)
	tb.open(prefix + "/shop/checkout.html")
	eval[any](tb, `(() => {
		window.order = [];
		window.readyState = "pending";
		IMP.sandbox.ready.then(() => { window.readyState = "resolved" }, () => { window.readyState = "rejected" });
		const pay = (i, p) => IMP.request_pay(p, (r) => window.order.push([i, r.error_code || "ok", r.merchant_uid]));
		pay(1, {pg: "kakaopay", amount: 1000, merchant_uid: "q1"});        // before any config
		IMP.sandbox.configure(`+string(mustJSON(seedConfig("imp_queue")))+`).then((r) => { window.configured = r.ok; });
		pay(3, {pg: "kakaopay", amount: -5, merchant_uid: "q3"});
		IMP.sandbox.setOutcome({result: "paid", delay_ms: 1});
		pay(4, {pg: "html5_inicis.MID-b", amount: 1000, merchant_uid: "q4"});
		return null;
	})()`)
	assert.Equal(t, "pending", eval[string](tb, `window.readyState`), "ready settled while impshim.wasm was held back")
	threw := eval[string](tb, `(() => { try { IMP.sandbox.resolve("kakaopay"); return "did not throw"; } catch (e) { return e.constructor.name + ": " + e.message; } })()`)
	assert.Regexp(t, `^Error: .*IMP\.sandbox\.ready`, threw, "resolve before ready throws an Error that says to await IMP.sandbox.ready")
	assert.Equal(t, 0, eval[int](tb, `window.order.length`), "a call was answered before the module was ready")
	release()
	require.Eventually(t, func() bool { return eval[int](tb, `window.order.length`) == 3 }, tabTimeout, pollEvery,
		"queued calls were not all answered")
	// Request 1 ran before the configure queued after it, 3 and 4 after it.
	assert.Equal(t, [][]string{{"1", "NOT_INITIALIZED", "q1"}, {"3", "INVALID_AMOUNT", "q3"}, {"4", "ok", "q4"}},
		eval[[][]string](tb, `window.order.map(e => e.map(String))`))
	assert.True(t, eval[bool](tb, `window.configured === true`), "the queued configure was not accepted")
	assert.Equal(t, "resolved", eval[string](tb, `window.readyState`))
	tr := run(tb, imptest.LastTrace())
	require.NotNil(t, tr)
	assert.Equal(t, "MID-b", tr.Setting.MID)
}

// TestConsoleOrder: the default comes first in console order, the first setting is the default
// when none is flagged, and settings of another type never take part (SPEC §3, §4).
func TestConsoleOrder(t *testing.T) {
	t.Parallel()
	tb := shopTab(t, "")
	cases := []struct {
		name     string
		settings []map[string]any
		pg       any
		index    int
		rule     string
	}{
		{"flagged default listed last wins R2", []map[string]any{
			{"pg": "kakaopay", "mid": "MID-c", "pay_type": "simple"},
			{"pg": "html5_inicis", "mid": "MID-b", "pay_type": "subscription"},
			{"pg": "html5_inicis", "mid": "MID-a", "pay_type": "general", "default": true},
		}, "html5_inicis", 2, "R2"},
		{"flagged default listed last is the fallback", []map[string]any{
			{"pg": "kakaopay", "mid": "MID-c", "pay_type": "simple"},
			{"pg": "html5_inicis", "mid": "MID-a", "pay_type": "general", "default": true},
		}, "nice", 1, "R3"},
		{"no flag: the first is the default", []map[string]any{
			{"pg": "kakaopay", "mid": "MID-c", "pay_type": "simple"},
			{"pg": "html5_inicis", "mid": "MID-a", "pay_type": "general"},
		}, nil, 0, "R3"},
		{"a certification default does not count", []map[string]any{
			{"pg": "danal", "mid": "CERT-1", "pay_type": "general", "type": "certification", "default": true},
			{"pg": "html5_inicis", "mid": "MID-a", "pay_type": "general"},
			{"pg": "kakaopay", "mid": "MID-c", "pay_type": "simple"},
		}, nil, 1, "R3"},
		{"a certification setting is never picked", []map[string]any{
			{"pg": "danal", "mid": "CERT-1", "pay_type": "general", "type": "certification"},
			{"pg": "html5_inicis", "mid": "MID-a", "pay_type": "general"},
		}, "danal.CERT-1", 1, "R3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb.t = t
			configure(tb, map[string]any{"merchant_code": "imp_order", "pg_settings": c.settings})
			params := order(t, map[string]any{"pg": c.pg})
			tb.do(imptest.Pay(params))
			win := run(tb, imptest.WaitWindow())
			assert.Equal(t, c.settings[c.index]["mid"], win.MID)
			tr := run(tb, imptest.LastTrace())
			require.NotNil(t, tr)
			assert.Equal(t, c.index, tr.Setting.Index)
			assert.Equal(t, c.rule, tr.Rule)
			for _, cons := range tr.Considered {
				assert.NotEqual(t, "certification", c.settings[cons.Index]["type"], "a setting of another type was considered: %+v", tr.Considered)
			}
			tb.do(imptest.Cancel())
			assert.Equal(t, "USER_CANCEL", run(tb, imptest.Result()).ErrorCode)
		})
	}
}
