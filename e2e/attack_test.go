package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/impshim/impshim/e2e/imptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSDKLoadFailed: with impshim.wasm answering 404 every call still gets its answer.
func TestSDKLoadFailed(t *testing.T) {
	t.Parallel()
	tb := shopTab(t, "/nowasm")
	// Queued before the load fails, and made after it.
	eval[any](tb, `window.early = IMP.request_pay({pg: "kakaopay", amount: 1000}); null`)
	msg := eval[string](tb, `IMP.sandbox.ready.then(() => "resolved", (e) => "rejected: " + (e && e.message))`)
	assert.True(t, strings.HasPrefix(msg, "rejected: "), "ready: %s", msg)
	assert.Contains(t, msg, "impshim.wasm", "the message names what failed")
	early := eval[map[string]any](tb, `window.early`)
	assert.Equal(t, "SDK_LOAD_FAILED", early["error_code"], "%v", early)

	r := payRejected(tb, order(t, nil))
	assert.Equal(t, "SDK_LOAD_FAILED", r.ErrorCode)
	res := run(tb, imptest.Configure(seedConfig("imp_x")))
	assert.False(t, res.OK, "configure without a module")
	assert.NotEmpty(t, res.Errors)
	threw := eval[string](tb, `(() => { try { IMP.sandbox.resolve("kakaopay"); return "no" } catch (e) { return e.message } })()`)
	assert.Contains(t, threw, "impshim.wasm", "resolve throws an Error that says why")
	eval[any](tb, `IMP.init("imp10391932")`)

	// The shop's own button still gets an answer.
	tb.do(chromedp.Click(chromedp.CSS("#pay")))
	require.Eventually(t, func() bool { return eval[int](tb, `window.shop.responses.length`) == 1 }, tabTimeout, pollEvery)
	assert.Equal(t, "SDK_LOAD_FAILED", eval[string](tb, `window.shop.responses[0].error_code`))
	assert.Empty(t, tb.dialogsSeen(), "no alert()")
}

// TestCSPWithoutWasm: a policy that forbids compiling WebAssembly is a load failure like any other.
func TestCSPWithoutWasm(t *testing.T) {
	t.Parallel()
	tb := shopTab(t, "/csp-nowasm")
	msg := eval[string](tb, `IMP.sandbox.ready.then(() => "resolved", (e) => "rejected: " + (e && e.message))`)
	assert.True(t, strings.HasPrefix(msg, "rejected: "), "ready: %s", msg)
	r := payRejected(tb, order(t, nil))
	assert.Equal(t, "SDK_LOAD_FAILED", r.ErrorCode)
	// The message says what to change, not only what the browser refused.
	assert.Contains(t, r.ErrorMsg, "'wasm-unsafe-eval'", "the message should tell the merchant to allow 'wasm-unsafe-eval' in script-src")
	assert.Empty(t, tb.dialogsSeen())
}

func TestWrongMIMEType(t *testing.T) {
	t.Parallel()
	tb := shopTab(t, "/mime")
	configure(tb, seedConfig("imp_mime"))
	resp := payApproved(tb, order(t, map[string]any{"pg": "kakaopay"}))
	assert.Equal(t, "kakaopay", resp.PGProvider)
}

// TestCSP: the page, and the window page, under script-src 'self' 'wasm-unsafe-eval'.
func TestCSP(t *testing.T) {
	t.Parallel()
	tb := shopTab(t, "/csp")
	configure(tb, seedConfig("imp_csp"))
	resp := payApproved(tb, order(t, map[string]any{"pg": "html5_inicis.MID-b"}))
	assert.Equal(t, "html5_inicis", resp.PGProvider)
	resp = payApproved(tb, order(t, map[string]any{"pg": "kakaopay", "popup": true}))
	assert.Equal(t, "kakaopay", resp.PGProvider)
	for _, l := range tb.consoleLines() {
		assert.NotContains(t, l, "Content Security Policy", "CSP violation")
		assert.NotContains(t, l, "Refused to")
	}
	// The policy was in force: an inline script does not run.
	assert.False(t, eval[bool](tb, `(() => { const s = document.createElement("script"); s.textContent = "window.inline = true"; document.head.append(s); return !!window.inline; })()`),
		"the CSP header is not applied; this test would prove nothing")
}

// TestPopupBlocked: popup: true outside a user gesture gets POPUP_BLOCKED, never an alert.
func TestPopupBlocked(t *testing.T) {
	t.Parallel()
	tb := seedShop(t)
	resp := eval[map[string]any](tb, `IMP.request_pay({pg: "kakaopay", amount: 1000, popup: true})`)
	assert.Equal(t, "POPUP_BLOCKED", resp["error_code"], "%v", resp)
	assert.Contains(t, resp["error_msg"], "click", "the message says to call request_pay from a click handler")
	assert.Empty(t, tb.dialogsSeen())
	assert.Empty(t, tb.popups())
	// From a real click it opens.
	eval[any](tb, `window.shop.params = {pg: "kakaopay", amount: 1000, popup: true}`)
	tb.do(chromedp.Click(chromedp.CSS("#pay")))
	win := run(tb, imptest.WaitWindow())
	assert.Equal(t, "popup", win.Mode)
	tb.do(imptest.Approve())
	require.Eventually(t, func() bool { return eval[int](tb, `window.shop.responses.length`) == 1 }, tabTimeout, pollEvery)
	assert.True(t, eval[bool](tb, `window.shop.responses[0].success`))

	// Opened at the click, then closed again when the checks fail.
	eval[any](tb, `window.shop.params = {pg: "kakaopay", amount: -1, popup: true}`)
	tb.do(chromedp.Click(chromedp.CSS("#pay")))
	require.Eventually(t, func() bool { return eval[int](tb, `window.shop.responses.length`) == 2 }, tabTimeout, pollEvery)
	assert.Equal(t, "INVALID_AMOUNT", eval[string](tb, `window.shop.responses[1].error_code`))
	require.Eventually(t, func() bool { return len(tb.popups()) == 0 }, tabTimeout, pollEvery, "the popup stayed open after a failed check")
}

// TestXSS: merchant strings are text in the window, never markup; no dialog opens.
func TestXSS(t *testing.T) {
	t.Parallel()
	tb := seedShop(t)
	name := `<img src=x onerror="top.xss=1;alert('name')">`
	buyer := `<script>alert('buyer')</script><b id=bold>bold</b>`
	custom := map[string]any{"html": `<svg onload=alert(3)>`, "quote": `"'><iframe src=javascript:alert(4)>`}
	params := order(t, map[string]any{"name": name, "buyer_name": buyer, "custom_data": custom, "pg": `<img src=y onerror=alert(5)>`})
	tb.do(imptest.Pay(params))
	win := run(tb, imptest.WaitWindow())
	assert.Contains(t, win.Text, name, "the order name appears as text")
	assert.Contains(t, win.Text, "<script>alert('buyer')</script>", "the buyer appears as text")
	injected := eval[int](tb, `(() => { const d = `+windowDocJS+`;
		return d.querySelectorAll("img[src=x], img[src=y], #bold, [data-impshim=window] script, svg[onload]").length; })()`)
	assert.Zero(t, injected, "merchant strings became elements in the window")
	tb.snapshot("xss-window")
	tb.do(imptest.Approve())
	resp := run(tb, imptest.Result())
	require.True(t, resp.Success, "%+v", resp.Raw)
	assert.Equal(t, name, resp.Name)
	assert.Equal(t, buyer, resp.BuyerName)
	assert.Equal(t, custom, resp.CustomData)
	assert.False(t, eval[bool](tb, `!!window.xss`), "an onerror handler ran")
	assert.Empty(t, tb.dialogsSeen(), "a dialog opened")
}

// TestForgedMessages: junk and forgeries of the window↔bridge protocol, from the page itself and
// from a frame of another origin (which even knows the nonce), change nothing.
func TestForgedMessages(t *testing.T) {
	t.Parallel()
	tb := seedShop(t)
	params := order(t, map[string]any{"pg": "html5_inicis.MID-b"})
	tb.do(imptest.Pay(params))
	before := run(tb, imptest.WaitWindow())
	nonce := eval[string](tb, `(() => { const f = [...document.querySelectorAll("iframe")].find((f) => f.contentDocument === `+windowDocJS+`);
		return new URLSearchParams(new URL(f.src).hash.slice(1)).get("n") || "unknown"; })()`)

	// From the merchant page itself: right nonce, wrong source.
	eval[any](tb, `(() => {
		const n = `+jsString(nonce)+`;
		for (const m of ["x", null, 1, {}, {impshim: 1, nonce: n, type: "result", result: "paid"},
			{impshim: 1, nonce: "wrong", type: "result", result: "failed"}, {impshim: 1, nonce: n, type: "shown"}])
			window.postMessage(m, "*");
	})()`)
	// From another origin, to the page and to the window's frame.
	eval[any](tb, `(() => {
		window.addEventListener("message", (e) => { if (e.data && e.data.evil === "done") window.evilDone = e.data.sent; });
		const f = document.createElement("iframe");
		f.src = `+jsString(evilURL+"/evil.html#")+` + encodeURIComponent(`+jsString(nonce)+`);
		f.style.cssText = "width:10px;height:10px";
		document.body.append(f);
	})()`)
	require.Eventually(t, func() bool { return eval[int](tb, `window.evilDone || 0`) > 0 }, tabTimeout, pollEvery,
		"the frame of another origin never ran")
	assert.Greater(t, eval[int](tb, `window.evilDone`), 60, "messages the other origin posted")

	after := run(tb, imptest.WaitWindow())
	assert.Equal(t, before, after, "a forged message changed the window")
	assert.Equal(t, 0, callbackCount(tb), "a forged message completed the payment")
	tb.do(imptest.Approve())
	resp := run(tb, imptest.Result())
	assert.True(t, resp.Success, "%+v", resp.Raw)
	assert.Equal(t, float64(1000), resp.PaidAmount)
	assert.Equal(t, 1, callbackCount(tb))
	payApproved(tb, order(t, nil))
	for _, l := range tb.consoleLines() {
		assert.NotContains(t, l, "exception", "a message made a script throw")
	}
}

// TestMalformedCalls: calls no merchant should make never kill the runtime: each gets an answer
// through its normal channel, and a valid payment works afterwards.
func TestMalformedCalls(t *testing.T) {
	t.Parallel()
	tb := seedShop(t)
	pays := []struct {
		js   string
		code string
	}{
		{`{pg: "kakaopay", amount: {}}`, "INVALID_AMOUNT"},
		{`{pg: "kakaopay", amount: [1000]}`, "INVALID_AMOUNT"},
		{`{pg: "kakaopay", amount: 10n ** 30n}`, "INVALID_PARAMS"},
		{`"x"`, "INVALID_PARAMS"},
		{`undefined`, "INVALID_PARAMS"},
		{`{get amount() { throw new Error("getter boom") }}`, "INVALID_PARAMS"},
		{`new Proxy({}, {ownKeys() { throw new Error("trap boom") }})`, "INVALID_PARAMS"},
		{`{pg: "kakaopay", amount: 1000, name: "x".repeat(70000)}`, "INVALID_PARAMS"},
		{`{pg: "kakaopay", amount: 1000, custom_data: JSON.parse("[".repeat(40) + "]".repeat(40))}`, "INVALID_PARAMS"},
		{`{pg: "kakaopay", amount: 1000, custom_data: {s: Symbol("s")}}`, "INVALID_PARAMS"},
		{`{pg: "kakaopay", amount: 1000, merchant_uid: {toString() { return "m" }}}`, "INVALID_MERCHANT_UID"},
		{`Object.assign(Object.create(null), {pg: "kakaopay", amount: -1})`, "INVALID_AMOUNT"},
		// These reach a window: the outcome set before each cancels it.
		{`{pg: 12, amount: 1000}`, "USER_CANCEL"},
		{`{pg: {toString() { return "kakaopay" }}, amount: 1000}`, "USER_CANCEL"},
		{`{pg: "kakaopay", amount: 1000, customer_uid: 5}`, "INVALID_PARAMS"},
		{`{pg: "kakaopay", amount: 1000, channelKey: 7, pay_method: null, popup: "yes", language: {}}`, "USER_CANCEL"},
	}
	for _, p := range pays {
		tb.do(imptest.SetOutcome(imptest.Outcome{Result: "cancelled", DelayMS: new(0)}))
		tb.do(imptest.PayJS(p.js))
		resp := run(tb, imptest.Result())
		assert.Equal(t, p.code, resp.ErrorCode, "request_pay(%s): %s", p.js, resp.ErrorMsg)
		assert.False(t, run(tb, imptest.Visible()), "request_pay(%s) left a window open", p.js)
	}
	eval[any](tb, `IMP.sandbox.setOutcome(null)`)

	// Calls that must not throw, and their answers where they have one.
	noThrow := []string{
		`IMP.request_pay({pg: "kakaopay", amount: -1}, "not a function")`,
		`IMP.init(123)`, `IMP.init({})`, `IMP.init(null)`, `IMP.agency(12, {})`,
		`IMP.sandbox.configure("x")`, `IMP.sandbox.configure(null)`, `IMP.sandbox.configure({pg_settings: "x"})`,
		`(() => { const c = {merchant_code: "c"}; c.pg_settings = [c]; return IMP.sandbox.configure(c); })()`,
		`IMP.sandbox.configure({get pg_settings() { throw new Error("boom") }})`,
		`IMP.close()`, `IMP.sandbox.lastTrace()`, `IMP.sandbox.reset()`,
	}
	for _, js := range noThrow {
		got := eval[string](tb, `(async () => { try { const r = await (`+js+`); return "ok " + JSON.stringify(r === undefined ? null : r); } catch (e) { return "threw " + e; } })()`)
		assert.True(t, strings.HasPrefix(got, "ok "), "%s: %s", js, got)
		if strings.Contains(js, "configure") {
			assert.Contains(t, got, `"ok":false`, "%s must be rejected", js)
		}
	}
	// resolve: a pg string, a params object or null is resolved (an odd one by R3, with the warning
	// that names the cause); any other argument throws an Error that says what it takes.
	const takes = "threw: IMP.sandbox.resolve takes a pg string or a params object, got "
	for _, c := range []struct{ js, want string }{
		{`IMP.sandbox.resolve(null)`, "R3 PG_MISSING,FELL_BACK_TO_DEFAULT"},
		{`IMP.sandbox.resolve()`, "R3 PG_MISSING,FELL_BACK_TO_DEFAULT"},
		{`IMP.sandbox.resolve({pg: {}})`, "R3 PG_MISSING,FELL_BACK_TO_DEFAULT"},
		{`IMP.sandbox.resolve("x".repeat(100000))`, "R3 PG_UNKNOWN_CODE,FELL_BACK_TO_DEFAULT"},
		{`IMP.sandbox.resolve(12)`, takes + "a number"},
		{`IMP.sandbox.resolve(true)`, takes + "a boolean"},
		{`IMP.sandbox.resolve([1])`, takes + "an array"},
	} {
		got := eval[string](tb, `(() => { try { const r = `+c.js+`; return r.rule + " " + r.warnings.map((w) => w.code).join(); }
			catch (e) { return (e instanceof Error ? "threw: " : "threw a non-Error: ") + e.message; } })()`)
		assert.Equal(t, c.want, got, "%s", c.js)
	}

	// The runtime is alive: configure (the seed config was replaced by nothing), resolve, pay.
	configure(tb, seedConfig("imp_alive"))
	assert.Equal(t, "MID-c", run(tb, imptest.Resolve("kakaopay")).Setting.MID)
	payApproved(tb, order(t, map[string]any{"pg": "kakaopay"}))
	for _, l := range tb.consoleLines() {
		assert.NotContains(t, l, "panic", "a Go panic reached the console")
		assert.NotContains(t, l, "exception", "an uncaught exception")
	}
}

// TestSDKOnAnotherOrigin: imp.js from a CDN-like host. The overlay is then a frame of another
// origin (or, under another site name, of another process) that the page's scripts cannot read:
// payments still work, and imptest still finds and clicks the window.
func TestSDKOnAnotherOrigin(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"cdn", "xsite"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			tb := shopTab(t, "/"+mode)
			configure(tb, seedConfig("imp_cdn"))
			tb.do(imptest.Pay(order(t, map[string]any{"pg": "html5_inicis.MID-b"})))
			win := run(tb, imptest.WaitWindow())
			assert.Equal(t, "iframe", win.Mode)
			assert.Equal(t, "MID-b", win.MID)
			assert.Equal(t, "₩1,000", win.AmountText)
			tb.do(imptest.Approve())
			resp := run(tb, imptest.Result())
			assert.True(t, resp.Success, "%+v", resp.Raw)
			assert.Equal(t, "html5_inicis", resp.PGProvider)
			tb.do(imptest.Pay(order(t, map[string]any{"pg": "kakaopay"})), imptest.Cancel())
			assert.Equal(t, "USER_CANCEL", run(tb, imptest.Result()).ErrorCode)
		})
	}
}
