package e2e

// Issue 12's points that fixture pages alone do not reach: the SDK served by make run's server to
// a page of another origin, and documented requests the sandbox used to refuse.

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/impshim/impshim/e2e/imptest"
	"github.com/impshim/impshim/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFidelitySDKFromTheServerOnAnotherOrigin: a page loads imp.js from make run's server on
// another origin, as the README suggests, and IMP.init finds the server's merchant file.
func TestFidelitySDKFromTheServerOnAnotherOrigin(t *testing.T) {
	t.Parallel()
	payWithSDKFromServer(t, "imp10391932", "html5_inicis.MID-b", "MID-b")
}

// TestFidelityNoMerchantFileOnAnotherOrigin: the server's 404 for merchants/<code>.json must be
// readable cross-origin, or the page never falls back to the built-in sandbox merchant.
func TestFidelityNoMerchantFileOnAnotherOrigin(t *testing.T) {
	t.Parallel()
	payWithSDKFromServer(t, "imp_no_such_file", "kakaopay", "kakaopay_sandbox")
}

// payWithSDKFromServer pays on a page of the test site whose imp.js comes from a make run server
// (another origin), after IMP.init(code): the window must show the given MID.
func payWithSDKFromServer(t *testing.T, code, pg, mid string) {
	srv := httptest.NewServer(web.New(web.Options{Dist: distDir}))
	t.Cleanup(srv.Close)
	tb := newTab(t)
	tb.open("/shop/checkout.html?sdk=" + url.QueryEscape(srv.URL+"/sdk/"))
	eval[any](tb, `IMP.init(`+jsString(code)+`)`)
	tb.do(imptest.Pay(order(t, map[string]any{"pg": pg})))
	win := windowOrFail(tb)
	assert.Equal(t, mid, win.MID)
	tb.do(imptest.Approve())
	assert.True(t, run(tb, imptest.Result()).Success)
}

// windowOrFail waits for the window of the last imptest.Pay; an answer that comes instead (the
// request was refused) fails the test with that answer.
func windowOrFail(tb *tab) imptest.Window {
	tb.t.Helper()
	for deadline := time.Now().Add(tabTimeout); time.Now().Before(deadline); time.Sleep(pollEvery) {
		if callbackCount(tb) > 0 {
			resp := run(tb, imptest.Result())
			tb.t.Fatalf("refused instead of opening a window: %s: %s", resp.ErrorCode, resp.ErrorMsg)
		}
		if run(tb, imptest.Visible()) {
			return run(tb, imptest.WaitWindow())
		}
	}
	tb.t.Fatal("neither a window nor an answer")
	return imptest.Window{}
}

// TestFidelityDocumentedRequests: requests the PortOne V1 docs document, which the sandbox once
// refused (PAY_METHOD_NOT_SUPPORTED, CURRENCY_NOT_SUPPORTED), open the window and pay. Sources:
// payrq.mdx (the pay_method list, currency), toss-brandpay/readme.mdx, spb/readme.mdx and
// paypal.mdx (USD by default).
func TestFidelityDocumentedRequests(t *testing.T) {
	t.Parallel()
	tb := shopTab(t, "")
	configure(tb, map[string]any{"merchant_code": "imp_docs", "pg_settings": []map[string]any{
		{"pg": "html5_inicis", "mid": "INI-1", "pay_type": "general", "default": true},
		{"pg": "tosspayments", "mid": "TOSS-1", "pay_type": "general"},
		{"pg": "toss_brandpay", "mid": "BP-1", "pay_type": "general", "channel_key": "channel-key-brandpay"},
		{"pg": "paypal", "mid": "PP-1", "pay_type": "general"},
	}})
	cases := []struct {
		name     string
		params   map[string]any
		pg       string
		currency string
	}{
		// toss-brandpay/readme.mdx: channelKey, pay_method "toss_brandpay", customer_id.
		{"toss_brandpay", map[string]any{"pg": nil, "channelKey": "channel-key-brandpay", "pay_method": "toss_brandpay",
			"customer_id": "d005f081-830a-4b9c-b5e2-73e56fbe6ac3"}, "toss_brandpay", "KRW"},
		{"html5_inicis applepay", map[string]any{"pg": "html5_inicis", "pay_method": "applepay"}, "html5_inicis", "KRW"},
		{"html5_inicis naverpay", map[string]any{"pg": "html5_inicis", "pay_method": "naverpay"}, "html5_inicis", "KRW"},
		{"tosspayments samsungpay", map[string]any{"pg": "tosspayments", "pay_method": "samsungpay"}, "tosspayments", "KRW"},
		{"tosspayments applepay", map[string]any{"pg": "tosspayments", "pay_method": "applepay"}, "tosspayments", "KRW"},
		// paypal.mdx: PayPal without currency is USD.
		{"paypal without currency", map[string]any{"pg": "paypal", "pay_method": "paypal", "amount": 10}, "paypal", "USD"},
		{"currency krw", map[string]any{"pg": "html5_inicis", "currency": "krw"}, "html5_inicis", "KRW"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb.t = t
			params := order(t, c.params)
			tb.do(imptest.Pay(params))
			win := windowOrFail(tb)
			assert.Equal(t, c.pg, win.PG)
			tb.do(imptest.Approve())
			resp := run(tb, imptest.Result())
			require.True(t, resp.Success, "%+v", resp.Raw)
			assert.Equal(t, c.pg, resp.PGProvider)
			assert.Equal(t, c.currency, resp.Currency)
			if c.name == "currency krw" {
				tr := run(tb, imptest.LastTrace())
				require.NotNil(t, tr)
				assert.Contains(t, warningCodes(*tr), "CURRENCY_LOWER_CASE", "a lower-case currency is accepted with a warning")
			}
		})
	}
}

// TestFidelitySaysWhatTheRealServiceHides: each request the real service takes in silence but
// that is likely a mistake warns, with its code, and is refused with SANDBOX_STRICT in strict
// mode (payrq.mdx; galaxia.mdx for customer_id; the vat_amount PGs of payrq.mdx).
func TestFidelitySaysWhatTheRealServiceHides(t *testing.T) {
	t.Parallel()
	settings := []map[string]any{
		{"pg": "html5_inicis", "mid": "INI-1", "pay_type": "general", "default": true},
		{"pg": "danal_tpay", "mid": "DT-1", "pay_type": "general"},
		{"pg": "galaxia", "mid": "GX-1", "pay_type": "subscription"},
	}
	cases := []struct {
		name   string
		params map[string]any
		code   string
	}{
		{"misspelled m_redirect_uri", map[string]any{"m_redirect_uri": "https://shop.example/done"}, "PARAM_MISSPELLED"},
		{"misspelled noticeUrl", map[string]any{"noticeUrl": "https://shop.example/hook"}, "PARAM_MISSPELLED"},
		{"name over 40 characters", map[string]any{"name": strings.Repeat("가", 41)}, "NAME_TOO_LONG"},
		{"phone without digital", map[string]any{"pay_method": "phone"}, "DIGITAL_MISSING"},
		{"danal vbank without biz_num", map[string]any{"pg": "danal_tpay", "pay_method": "vbank"}, "BIZ_NUM_MISSING"},
		{"galaxia billing without customer_id", map[string]any{"pg": "galaxia", "customer_uid": "cust_1", "amount": 0}, "CUSTOMER_ID_MISSING"},
		{"vat_amount on a PG that ignores it", map[string]any{"vat_amount": 90}, "VAT_AMOUNT_IGNORED"},
	}
	lenient := shopTab(t, "")
	configure(lenient, map[string]any{"merchant_code": "imp_hides", "pg_settings": settings})
	strict := shopTab(t, "")
	configure(strict, map[string]any{"merchant_code": "imp_hides_strict", "strict": true, "pg_settings": settings})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lenient.t, strict.t = t, t
			lenient.do(imptest.SetOutcome(imptest.Outcome{Result: "paid", DelayMS: new(0)}), imptest.Pay(order(t, c.params)))
			resp := run(lenient, imptest.Result())
			require.True(t, resp.Success, "accepted without strict: %s %s", resp.ErrorCode, resp.ErrorMsg)
			tr := run(lenient, imptest.LastTrace())
			require.NotNil(t, tr)
			var warning *imptest.Warning
			for i, w := range tr.Warnings {
				if w.Code == c.code {
					warning = &tr.Warnings[i]
				}
			}
			require.NotNil(t, warning, "no %s among %+v", c.code, tr.Warnings)

			r := payRejected(strict, order(t, c.params))
			assert.Equal(t, "SANDBOX_STRICT", r.ErrorCode)
			assert.Equal(t, "strict mode: "+warning.Message, r.ErrorMsg, "the strict refusal says what the warning says")
		})
	}
}

// TestFidelityResponse: what a merchant's code reads from the callback — imp_uid in the real shape
// (imp_ + 12 digits), the installment the buyer chose (display.card_quota, from
// 50,000 KRW) or card.direct fixed, and only four fields with response: "minimal" (payrt.mdx).
func TestFidelityResponse(t *testing.T) {
	t.Parallel()
	tb := seedShop(t)
	tb.do(imptest.Pay(order(t, map[string]any{"amount": 64900, "display": map[string]any{"card_quota": []int{2, 3, 6}}})))
	run(tb, imptest.WaitWindow())
	choices := eval[[]string](tb, `[...`+windowDocJS+`.querySelectorAll("[data-impshim=card_quota] option")].map((o) => o.value)`)
	assert.Equal(t, []string{"0", "2", "3", "6"}, choices, "lump sum and the offered months")
	eval[any](tb, `(() => { const s = `+windowDocJS+`.querySelector("[data-impshim=card_quota]"); s.value = "3"; s.dispatchEvent(new Event("change", {bubbles: true})); })()`)
	tb.do(imptest.Approve())
	resp := run(tb, imptest.Result())
	require.True(t, resp.Success, "%+v", resp.Raw)
	assert.Regexp(t, `^imp_\d{12}$`, resp.ImpUID)
	assert.Equal(t, float64(3), resp.Raw["card_quota"], "the installment chosen in the window")

	// card.direct opens the card company's module with fixed months: the response says them.
	tb.do(imptest.SetOutcome(imptest.Outcome{Result: "paid", DelayMS: new(0)}),
		imptest.Pay(order(t, map[string]any{"amount": 64900, "card": map[string]any{"direct": map[string]any{"code": "366", "quota": 6}}})))
	direct := run(tb, imptest.Result())
	require.True(t, direct.Success, "%+v", direct.Raw)
	assert.Equal(t, float64(6), direct.Raw["card_quota"], "card.direct's quota")

	// Under 50,000 KRW no installment is offered.
	tb.do(imptest.Pay(order(t, map[string]any{"amount": 49000, "display": map[string]any{"card_quota": []int{2, 3}}})))
	run(tb, imptest.WaitWindow())
	assert.False(t, eval[bool](tb, `(() => { const s = `+windowDocJS+`.querySelector("[data-impshim=card_quota]"); return !!s && s.getClientRects().length > 0; })()`),
		"an installment choice under 50,000 KRW")
	tb.do(imptest.Cancel())
	run(tb, imptest.Result())

	cfg := seedConfig("imp_minimal")
	cfg["response"] = "minimal"
	configure(tb, cfg)
	tb.do(imptest.SetOutcome(imptest.Outcome{Result: "paid", DelayMS: new(0)}), imptest.Pay(order(t, nil)))
	minimal := run(tb, imptest.Result())
	keys := []string{}
	for k := range minimal.Raw {
		keys = append(keys, k)
	}
	assert.ElementsMatch(t, []string{"imp_uid", "merchant_uid", "error_code", "error_msg"}, keys, "%+v", minimal.Raw)
}

// TestFidelityEmbPGProvider: an easy-pay method opened in a PG's own window comes back with
// emb_pg_provider (issue 12; the V1 OpenAPI's Payment model, nice-v2/payment-caution.mdx's sample
// callback); a card payment has none.
func TestFidelityEmbPGProvider(t *testing.T) {
	t.Parallel()
	tb := seedShop(t)
	for _, c := range []struct{ method, want string }{{"samsungpay", "samsungpay"}, {"kakaopay", "kakaopay"}, {"card", ""}} {
		tb.do(imptest.SetOutcome(imptest.Outcome{Result: "paid", DelayMS: new(0)}), imptest.Pay(order(t, map[string]any{"pay_method": c.method})))
		resp := run(tb, imptest.Result())
		require.True(t, resp.Success, "%s: %+v", c.method, resp.Raw)
		if c.want == "" {
			assert.NotContains(t, resp.Raw, "emb_pg_provider", c.method)
		} else {
			assert.Equal(t, c.want, resp.Raw["emb_pg_provider"], c.method)
		}
	}
}
