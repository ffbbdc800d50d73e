package e2e

import (
	"errors"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
	"github.com/chromedp/chromedp/kb"
	"github.com/impshim/impshim/e2e/imptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const pollEvery = 25 * time.Millisecond

// wideConfig is the seed merchant plus a PayPal setting, for currencies other than KRW.
func wideConfig() map[string]any {
	cfg := seedConfig("imp_wide")
	cfg["pg_settings"] = append(cfg["pg_settings"].([]map[string]any),
		map[string]any{"pg": "paypal", "mid": "PP-1", "pay_type": "general"})
	return cfg
}

// TestOutcomeInWindow: each way a person ends the window gives its response, once.
func TestOutcomeInWindow(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		end   func(tb *tab)
		code  string // "" for success
		popup bool
	}{
		{"approve button", func(tb *tab) { tb.do(imptest.Approve()) }, "", false},
		{"fail button", func(tb *tab) { tb.do(imptest.Fail()) }, "PG_FAILED", false},
		{"cancel button", func(tb *tab) { tb.do(imptest.Cancel()) }, "USER_CANCEL", false},
		{"Escape key", func(tb *tab) { tb.do(chromedp.KeyEvent(kb.Escape)) }, "USER_CANCEL", false},
		{"close button", func(tb *tab) {
			eval[any](tb, windowDocJS+`.querySelector(".close").click()`)
		}, "USER_CANCEL", false},
		{"IMP.close()", func(tb *tab) { eval[any](tb, `IMP.close()`) }, "USER_CANCEL", false},
		{"popup approve", func(tb *tab) { tb.do(imptest.Approve()) }, "", true},
		{"popup fail", func(tb *tab) { tb.do(imptest.Fail()) }, "PG_FAILED", true},
		{"popup Escape key", func(tb *tab) { inPopup(tb, chromedp.KeyEvent(kb.Escape)) }, "USER_CANCEL", true},
		{"popup close button", func(tb *tab) {
			inPopup(tb, chromedp.Evaluate[chromedp.Void](`document.querySelector(".close").click()`))
		}, "USER_CANCEL", true},
		{"popup closed by the user", func(tb *tab) {
			for _, p := range tb.popups() {
				_, err := chromedp.CallBrowser(tb.ctx, target.CloseTarget, target.CloseTargetParams{TargetID: p.TargetID})
				require.NoError(tb.t, err)
			}
		}, "USER_CANCEL", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tb := seedShop(t)
			params := order(t, map[string]any{"pg": "kakaopay"})
			if c.popup {
				params["popup"] = true
			}
			tb.do(imptest.Pay(params))
			win := run(tb, imptest.WaitWindow())
			require.Equal(t, "kakaopay", win.PG)
			c.end(tb)
			resp := run(tb, imptest.Result())
			if c.code == "" {
				assert.True(t, resp.Success, "response: %+v", resp.Raw)
				assert.Equal(t, "paid", resp.Status)
				assert.Equal(t, "kakaopay", resp.PGProvider)
			} else {
				assert.False(t, resp.Success, "response: %+v", resp.Raw)
				assert.False(t, resp.ImpSuccess)
				assert.Equal(t, c.code, resp.ErrorCode, "response: %+v", resp.Raw)
				assert.Equal(t, "failed", resp.Status)
				assert.NotEmpty(t, resp.ErrorMsg)
				assert.Regexp(t, `^imp_\d{12}$`, resp.ImpUID, "imp_uid is set once a window had opened")
			}
			assert.Equal(t, params["merchant_uid"], resp.MerchantUID)
			assert.False(t, run(tb, imptest.Visible()), "the window must disappear when the payment completes")
			// Another full payment later: had a second callback been queued, it has run by now.
			payApproved(tb, order(t, nil))
			assert.Equal(t, 1, eval[int](tb, `window.__imptest.runs[1].callbacks.length`), "callbacks of the first request")
		})
	}
}

// TestSetOutcome: automation completes the next window without a click, with the given result.
func TestSetOutcome(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		outcome imptest.Outcome
		code    string
		msg     string
	}{
		{"paid", imptest.Outcome{Result: "paid"}, "", ""},
		{"failed with its own code", imptest.Outcome{Result: "failed", ErrorCode: "F400", ErrorMsg: "카드 한도 초과"}, "F400", "카드 한도 초과"},
		{"failed without a code", imptest.Outcome{Result: "failed"}, "PG_FAILED", ""},
		{"cancelled", imptest.Outcome{Result: "cancelled", DelayMS: new(10)}, "USER_CANCEL", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tb := seedShop(t)
			tb.do(imptest.SetOutcome(c.outcome))
			// A request that fails its checks must not use the outcome up.
			r := payRejected(tb, order(t, map[string]any{"amount": -1}))
			assert.Equal(t, "INVALID_AMOUNT", r.ErrorCode)

			tb.do(imptest.Pay(order(t, map[string]any{"pg": "html5_inicis.MID-b"})))
			resp := run(tb, imptest.Result())
			if c.code == "" {
				assert.True(t, resp.Success, "response: %+v", resp.Raw)
				assert.Equal(t, "html5_inicis", resp.PGProvider)
			} else {
				assert.False(t, resp.Success, "response: %+v", resp.Raw)
				assert.Equal(t, c.code, resp.ErrorCode)
				if c.msg != "" {
					assert.Equal(t, c.msg, resp.ErrorMsg)
				} else {
					assert.NotEmpty(t, resp.ErrorMsg)
				}
			}
			assert.Equal(t, 1, callbackCount(tb))
			// The outcome is used up: the next window waits for a click.
			tb.do(imptest.Pay(order(t, nil)))
			run(tb, imptest.WaitWindow())
			assert.Nil(t, promiseResult(tb), "a second window completed by itself")
			tb.do(imptest.Approve())
			assert.True(t, run(tb, imptest.Result()).Success)
		})
	}
}

func TestVbankReady(t *testing.T) {
	t.Parallel()
	tb := seedShop(t)
	resp := payApproved(tb, order(t, map[string]any{"pay_method": "vbank"}))
	assert.Equal(t, "ready", resp.Status, "vbank is ready until the deposit: %+v", resp.Raw)
	assert.Equal(t, "vbank", resp.PayMethod)
	assert.NotEmpty(t, resp.VbankNum, "vbank_num")
	assert.NotEmpty(t, resp.VbankName, "vbank_name")
	assert.NotEmpty(t, resp.VbankHolder, "vbank_holder")
	assert.NotEmpty(t, resp.Raw["vbank_date"], "vbank_date")
}

func TestBillingKey(t *testing.T) {
	t.Parallel()
	tb := seedShop(t)
	resp := payApproved(tb, order(t, map[string]any{"pg": "html5_inicis.MID-b", "customer_uid": "cust_0001", "amount": 0}))
	assert.Equal(t, "cust_0001", resp.CustomerUID, "customer_uid is echoed")
	assert.Equal(t, "html5_inicis", resp.PGProvider)
	tr := run(tb, imptest.LastTrace())
	require.NotNil(t, tr)
	assert.NotContains(t, warningCodes(*tr), "BILLING_KEY_ON_NON_SUBSCRIPTION")

	// customer_uid on the general setting: accepted, with a warning.
	resp = payApproved(tb, order(t, map[string]any{"pg": "html5_inicis.MID-a", "customer_uid": "cust_0002"}))
	assert.Equal(t, "cust_0002", resp.CustomerUID)
	tr = run(tb, imptest.LastTrace())
	require.NotNil(t, tr)
	assert.Contains(t, warningCodes(*tr), "BILLING_KEY_ON_NON_SUBSCRIPTION")
}

func TestCustomDataRoundTrip(t *testing.T) {
	t.Parallel()
	tb := seedShop(t)
	data := map[string]any{
		"order": map[string]any{"items": []any{map[string]any{"sku": "A-1", "qty": float64(2)}, "gift", nil, true}},
		"note":  "한글 ✓ \"quotes\" \\ </script>",
		"ratio": 1.5,
		"empty": map[string]any{},
	}
	resp := payApproved(tb, order(t, map[string]any{"custom_data": data}))
	assert.Equal(t, data, resp.CustomData, "custom_data must come back deep-equal")
	// A string custom_data (the real SDK allows it) comes back as the same string.
	resp = payApproved(tb, order(t, map[string]any{"custom_data": `{"raw":"text"}`}))
	assert.Equal(t, `{"raw":"text"}`, resp.CustomData)
}

// TestResponseShape: every field of SPEC §7 for a card payment, with the buyer and amounts echoed.
func TestResponseShape(t *testing.T) {
	t.Parallel()
	tb := seedShop(t)
	params := order(t, map[string]any{
		"pg": "kakaopay", "amount": 12000, "name": "Green tea", "buyer_name": "홍길동", "buyer_email": "gildong@example.com",
		"buyer_tel": "010-1234-5678", "buyer_addr": "Seoul", "buyer_postcode": "04524",
	})
	tb.do(imptest.Pay(params))
	win := run(tb, imptest.WaitWindow())
	assert.Equal(t, "₩12,000", win.AmountText)
	assert.Equal(t, float64(12000), win.Amount)
	assert.Contains(t, win.Text, "Green tea", "the window shows the order name")
	assert.Contains(t, win.Text, "홍길동", "the window shows the buyer")
	tb.do(imptest.Approve())
	resp := run(tb, imptest.Result())
	require.True(t, resp.Success, "%+v", resp.Raw)
	for _, f := range []string{"success", "imp_success", "imp_uid", "merchant_uid", "pay_method", "paid_amount", "currency", "status",
		"name", "pg_provider", "pg_type", "pg_tid", "apply_num", "buyer_name", "buyer_email", "buyer_tel", "buyer_addr",
		"buyer_postcode", "paid_at", "receipt_url", "card_name", "card_number", "card_quota"} {
		assert.Contains(t, resp.Raw, f, "response field %s", f)
	}
	assert.Equal(t, params["merchant_uid"], resp.MerchantUID)
	assert.Equal(t, float64(12000), resp.PaidAmount)
	assert.Equal(t, "Green tea", resp.Name)
	assert.Equal(t, "홍길동", resp.BuyerName)
	assert.Equal(t, "010-1234-5678", resp.BuyerTel)
	assert.Equal(t, "04524", resp.BuyerPostcode)
	assert.Equal(t, "payment", resp.PGType)
	assert.Greater(t, resp.PaidAt, int64(1_600_000_000), "paid_at is unix seconds")
	assert.Less(t, resp.PaidAt, int64(10_000_000_000), "paid_at is unix seconds, not milliseconds")
	assert.Equal(t, promiseResult(tb), resp.Raw, "the Promise and the callback get the same response")
}

func TestUSDAmountAndLanguage(t *testing.T) {
	t.Parallel()
	tb := shopTab(t, "")
	configure(tb, wideConfig())
	tb.do(imptest.Pay(order(t, map[string]any{"pg": "paypal", "amount": 10, "currency": "USD", "language": "en"})))
	win := run(tb, imptest.WaitWindow())
	assert.Equal(t, "$10.00", win.AmountText)
	assert.Contains(t, win.Text, "Approve", "English with language: en")
	assert.NotRegexp(t, `\p{Hangul}`, win.Text, "no Korean with language: en")
	tb.snapshot("paypal-en")
	tb.do(imptest.Approve())
	resp := run(tb, imptest.Result())
	assert.True(t, resp.Success, "%+v", resp.Raw)
	assert.Equal(t, "USD", resp.Currency)
	assert.Equal(t, "paypal", resp.PGProvider)

	// Korean by default.
	tb.do(imptest.Pay(order(t, nil)))
	win = run(tb, imptest.WaitWindow())
	assert.Regexp(t, `\p{Hangul}`, win.Text, "Korean text by default")
	assert.Contains(t, win.Text, "SANDBOX")
	tb.do(imptest.Cancel())
}

func TestDuplicateMerchantUID(t *testing.T) {
	t.Parallel()
	tb := seedShop(t)
	params := order(t, nil)
	payApproved(tb, params)
	r := payRejected(tb, params)
	assert.Equal(t, "F1002", r.ErrorCode)
	assert.Equal(t, params["merchant_uid"], r.MerchantUID)

	// A failed payment does not count as paid.
	failed := order(t, nil)
	tb.do(imptest.Pay(failed), imptest.Fail())
	assert.Equal(t, "PG_FAILED", run(tb, imptest.Result()).ErrorCode)
	payApproved(tb, failed)

	// reset() forgets the paid merchant_uids.
	eval[any](tb, `IMP.sandbox.reset()`)
	payApproved(tb, params)
}

// TestPromiseAndCallback: request_pay answers through both, the same object, the callback once.
func TestPromiseAndCallback(t *testing.T) {
	t.Parallel()
	tb := seedShop(t)
	// Promise only, no callback.
	eval[any](tb, `window.p1 = IMP.request_pay({pg: "kakaopay", amount: 1000, merchant_uid: "promise_only_`+uid(t)+`"}); null`)
	tb.do(imptest.Approve())
	only := eval[map[string]any](tb, `window.p1`)
	assert.Equal(t, true, only["success"], "%v", only)

	// Callback and Promise together, for a success and for a failure before any window.
	for _, params := range []map[string]any{order(t, nil), order(t, map[string]any{"amount": "abc"})} {
		tb.do(imptest.Pay(params))
		if params["amount"] == 1000 {
			tb.do(imptest.Approve())
		}
		resp := run(tb, imptest.Result())
		require.Eventually(t, func() bool { return promiseResult(tb) != nil }, tabTimeout, pollEvery, "the Promise never settled")
		assert.Equal(t, resp.Raw, promiseResult(tb))
	}
	payApproved(tb, order(t, nil))
	assert.Equal(t, []int{1, 1, 1}, eval[[]int](tb, `Object.values(window.__imptest.runs).map(r => r.callbacks.length)`),
		"each callback ran exactly once")

	// A callback that throws does not break the SDK.
	eval[any](tb, `IMP.request_pay({pg: "kakaopay", amount: 1000}, () => { throw new Error("merchant bug") }).then(r => window.p2 = r); null`)
	tb.do(imptest.Approve())
	require.Eventually(t, func() bool { return eval[bool](tb, `!!window.p2`) }, tabTimeout, pollEvery)
	payApproved(tb, order(t, nil))
}

func TestWindowBusy(t *testing.T) {
	t.Parallel()
	tb := seedShop(t)
	first := order(t, nil)
	tb.do(imptest.Pay(first))
	run(tb, imptest.WaitWindow())
	second := payRejectedWhileOpen(tb, order(t, nil))
	assert.Equal(t, "WINDOW_BUSY", second.ErrorCode)
	third := payRejectedWhileOpen(tb, order(t, map[string]any{"popup": true}))
	assert.Equal(t, "WINDOW_BUSY", third.ErrorCode)
	assert.Empty(t, tb.popups(), "a busy request opened a popup")
	eval[any](tb, `window.__imptest.last = 1`) // back to the first request
	tb.do(imptest.Approve())
	resp := run(tb, imptest.Result())
	assert.True(t, resp.Success, "the open window goes on: %+v", resp.Raw)
	assert.Equal(t, first["merchant_uid"], resp.MerchantUID)
}

// payRejectedWhileOpen is payRejected for when a window is already open.
func payRejectedWhileOpen(tb *tab, params any) imptest.Response {
	tb.t.Helper()
	tb.do(imptest.Pay(params))
	resp := run(tb, imptest.Result())
	assert.False(tb.t, resp.Success, "%+v", resp.Raw)
	assert.Nil(tb.t, resp.Raw["imp_uid"])
	return resp
}

// TestRedirectOutcomes: on a phone every outcome, failed checks included, lands on m_redirect_url
// with the result in its query, and the callback is not called.
func TestRedirectOutcomes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		params map[string]any
		end    func(tb *tab)
		code   string
		impUID bool
	}{
		{"failed check", map[string]any{"amount": -1}, nil, "INVALID_AMOUNT", false},
		{"cancel button", nil, func(tb *tab) { tb.do(imptest.Cancel()) }, "USER_CANCEL", true},
		{"fail button", nil, func(tb *tab) { tb.do(imptest.Fail()) }, "PG_FAILED", true},
		{"redirect wins over popup", map[string]any{"popup": true}, func(tb *tab) {
			win := run(tb, imptest.WaitWindow())
			assert.Equal(tb.t, "iframe", win.Mode)
			tb.do(imptest.Approve())
		}, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tb := newTab(t)
			tb.do(chromedp.Emulate(device.IPhone13))
			tb.open("/shop/checkout.html")
			configure(tb, seedConfig("imp10391932"))
			params := order(t, c.params)
			params["m_redirect_url"] = siteURL + "/shop/landing.html?step=2&from=shop"
			// The callback leaves a mark that survives the navigation, should it ever run.
			eval[any](tb, `sessionStorage.clear(); IMP.request_pay(`+string(mustJSON(params))+`, () => sessionStorage.setItem("callback", "called")); null`)
			if c.end != nil {
				c.end(tb)
			}
			q := landing(tb)
			assert.Equal(t, "2", q.Get("step"), "the landing URL's own query is kept")
			assert.Equal(t, params["merchant_uid"], q.Get("merchant_uid"))
			if c.code == "" {
				assert.Equal(t, "true", q.Get("imp_success"))
			} else {
				assert.Equal(t, "false", q.Get("imp_success"))
				assert.Equal(t, c.code, q.Get("error_code"))
				assert.NotEmpty(t, q.Get("error_msg"))
			}
			if c.impUID {
				assert.Regexp(t, `^imp_\d{12}$`, q.Get("imp_uid"))
			} else {
				assert.Empty(t, q.Get("imp_uid"), "no window opened, so no imp_uid")
			}
			assert.Empty(t, tb.popups(), "no popup in redirect mode")
			assert.Equal(t, "", eval[string](tb, `sessionStorage.getItem("callback") || ""`), "the callback ran in redirect mode")
		})
	}
}

// TestReset: IMP.sandbox.reset() forgets the pending outcome and the last trace too.
func TestReset(t *testing.T) {
	t.Parallel()
	tb := seedShop(t)
	payApproved(tb, order(t, nil))
	require.NotNil(t, run(tb, imptest.LastTrace()))
	tb.do(imptest.SetOutcome(imptest.Outcome{Result: "failed", DelayMS: new(0)}))
	eval[any](tb, `IMP.sandbox.reset()`)
	require.Eventually(t, func() bool { return eval[bool](tb, `IMP.sandbox.lastTrace() === null`) }, tabTimeout, pollEvery,
		"lastTrace() after reset()")
	tb.do(imptest.Pay(order(t, nil)))
	run(tb, imptest.WaitWindow())
	assert.Nil(t, promiseResult(tb), "the outcome set before reset() completed the window")
	tb.do(imptest.Approve())
	assert.True(t, run(tb, imptest.Result()).Success)
	assert.NotEmpty(t, eval[string](tb, `IMP.sandbox.version`), "IMP.sandbox.version")
}

// TestCompletionRace: ends of one window that come in the same moment. The first end that reaches
// the bridge decides, once; every later one is ignored. The window's answer travels by
// postMessage, so an end the page makes in the same task as the click (IMP.close(), Escape on the
// page) reaches the bridge first; one the page makes while that message is being delivered (in a
// listener after the bridge's) comes after it.
func TestCompletionRace(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		race string // JavaScript run in the page with d, the window's document
		code string // "" for success
	}{
		{"the page ends it in the click's task", `
			d.querySelector("[data-impshim=approve]").click();
			d.querySelector("[data-impshim=fail]").click();
			IMP.close();
			document.dispatchEvent(new KeyboardEvent("keydown", {key: "Escape", bubbles: true}));
			IMP.close();`, "USER_CANCEL"},
		{"Escape in the click's task", `
			d.querySelector("[data-impshim=fail]").click();
			document.dispatchEvent(new KeyboardEvent("keydown", {key: "Escape", bubbles: true}));`, "USER_CANCEL"},
		{"the page ends it while the window's answer is delivered", `
			window.addEventListener("message", (e) => {
				if (e.data && e.data.type === "result") {
					IMP.close();
					document.dispatchEvent(new KeyboardEvent("keydown", {key: "Escape", bubbles: true}));
				}
			});
			d.querySelector("[data-impshim=approve]").click();`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tb := seedShop(t)
			tb.do(imptest.Pay(order(t, nil)))
			run(tb, imptest.WaitWindow())
			// Every message the window sends, seen by the page after the bridge has seen it.
			eval[any](tb, `(() => {
				window.windowAnswers = 0;
				window.addEventListener("message", (e) => { if (e.data && e.data.type === "result") window.windowAnswers++; });
				const d = `+windowDocJS+`;
				`+c.race+`
			})()`)
			resp := run(tb, imptest.Result())
			if c.code == "" {
				assert.True(t, resp.Success, "%+v", resp.Raw)
			} else {
				assert.Equal(t, c.code, resp.ErrorCode, "%+v", resp.Raw)
			}
			// The window's own answer comes after the page's end in the first cases: wait until it
			// has arrived, then nothing may have changed.
			require.Eventually(t, func() bool { return eval[int](tb, `window.windowAnswers`) == 1 }, tabTimeout, pollEvery,
				"the window never sent its answer")
			assert.False(t, run(tb, imptest.Visible()))
			assert.Equal(t, 1, callbackCount(tb), "callbacks of the raced request")
			assert.Equal(t, resp.Raw, promiseResult(tb), "the Promise got the same answer")
			payApproved(tb, order(t, nil))
		})
	}
}

// inPopup runs an action in the popup the tab opened.
func inPopup(tb *tab, a chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	popups := tb.popups()
	require.Len(tb.t, popups, 1, "popups of the tab")
	// Detach on cancel: closing the popup would cancel the payment by itself.
	ctx, cancel := chromedp.NewContext(tb.ctx, chromedp.WithTargetID(popups[0].TargetID), chromedp.WithDetachOnCancel())
	defer cancel()
	err := chromedp.Do(ctx, a)
	// An action that ends the payment closes the popup, and the window page may close itself before
	// the action's last protocol step (Escape's key-up) reaches it.
	if errors.Is(err, chromedp.ErrTargetDetached) {
		return
	}
	require.NoError(tb.t, err)
}
