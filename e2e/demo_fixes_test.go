package e2e

// Issue 19's "bugs that mislead" on the demo page, each driven in Chromium the way a person meets
// it: the did-you-mean writes a whole pg, the amount field refuses what the SDK refuses, the Pay
// button names the setting, the two reset buttons do what they say, another merchant code is
// told whether the server records it, a virtual account is not shown as paid, and the smaller ones.

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/e2e/imptest"
	"github.com/impshim/impshim/ledger"
	"github.com/impshim/impshim/web"
	"github.com/impshim/impshim/web/merchants"
)

// demoLedgerSite serves the demo with a real ledger behind it, as `make run` does.
func demoLedgerSite(t *testing.T) string {
	t.Helper()
	return demoLedgerSiteWith(t, "")
}

// demoLedgerSiteWith is demoLedgerSite with `-merchants dir` ("": the seed merchant only), wired
// as web/cmd/impshim wires it.
func demoLedgerSiteWith(t *testing.T, dir string) string {
	t.Helper()
	files, err := merchants.Load(dir)
	require.NoError(t, err)
	store, err := ledger.Open(":memory:")
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	api := ledger.NewAPI(store, ledger.MerchantSetOf(files), ledger.Options{WebhookBackoff: 10 * time.Millisecond})
	t.Cleanup(func() { api.Close() })
	srv := httptest.NewServer(web.New(web.Options{Dist: distDir, Merchants: files, Backend: api}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// sandboxPayments is what the ledger answers for a merchant's payments (status, and the list when 200).
func sandboxPayments(t *testing.T, site, code string) (int, []map[string]any) {
	t.Helper()
	res, err := http.Get(site + "/sdk/sandbox/payments?merchant_code=" + code)
	require.NoError(t, err)
	defer res.Body.Close()
	var body struct {
		Payments []map[string]any `json:"payments"`
	}
	if res.StatusCode == http.StatusOK {
		require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	}
	return res.StatusCode, body.Payments
}

func demoText(tb *tab, selector string) string {
	tb.t.Helper()
	return eval[string](tb, `document.querySelector(`+jsString(selector)+`).textContent`)
}

func demoHidden(tb *tab, selector string) bool {
	tb.t.Helper()
	return eval[bool](tb, `document.querySelector(`+jsString(selector)+`).hidden`)
}

// demoApplyJSON replaces the settings through the page's JSON editor.
func demoApplyJSON(tb *tab, config string) {
	tb.t.Helper()
	eval[bool](tb, `(() => { document.querySelector("#json-details").open = true;
		document.querySelector("#config-json").value = `+jsString(config)+`; return true; })()`)
	tb.do(chromedp.Click(chromedp.CSS("#apply-json")))
	demoPoll(tb, "the JSON was applied", `document.querySelector("#config-status").dataset.state !== "pending"`)
}

func TestDemoDidYouMeanWritesTheWholePG(t *testing.T) {
	url := demoSite(t)
	tb := newTab(t)
	openDemo(tb, url+"/")
	tests := []struct {
		typed, fix string // fix "": no button (the SDK suggests nothing)
		index      string
	}{
		{"kakaopay.MID-x", "kakaopay.MID-c", "2"},
		{"html5_inicis.mid-b", "html5_inicis.MID-b", "1"},
		{"html_inicis.MID-b", "html5_inicis.MID-b", "1"},
		{"html_inicis", "html5_inicis", "0"},
		{"nice", "", ""}, // PG_NOT_CONFIGURED: a real code no setting has
	}
	for _, tc := range tests {
		t.Run(tc.typed, func(t *testing.T) {
			tb.t = t
			demoType(tb, "#req-pg", tc.typed)
			demoPoll(tb, "the fallback is previewed", `document.querySelector("#preview-body").dataset.rule === "R3"`)
			fixes := eval[[]string](tb, `[...document.querySelectorAll("[data-use-pg]")].map(b => b.dataset.usePg)`)
			if tc.fix == "" {
				assert.Empty(t, fixes, "no suggestion, no button")
				return
			}
			require.NotEmpty(t, fixes)
			assert.Equal(t, tc.fix, fixes[0])
			// A keyboard user on the button keeps it while other panels redraw.
			eval[bool](tb, `(document.querySelector("[data-use-pg]").focus(), true)`)
			eval[bool](tb, `(() => { const s = document.querySelector("#outcome-delay"); s.value = "10";
				return s.dispatchEvent(new Event("input", {bubbles: true})); })()`)
			assert.Equal(t, tc.fix, eval[string](tb, `document.activeElement.dataset.usePg || ""`), "the focus was lost")
			tb.do(chromedp.Click(chromedp.CSS(`[data-use-pg=` + jsString(tc.fix) + `]`)))
			demoPoll(tb, "the fix is applied", `document.querySelector("#preview-body").dataset.rule !== "R3"`)
			assert.Equal(t, tc.fix, eval[string](tb, `document.querySelector("#req-pg").value`), "the whole corrected pg is written")
			assert.Equal(t, tc.index, eval[string](tb, `document.querySelector("#preview-body").dataset.index`))
			assert.Equal(t, "req-pg", eval[string](tb, `document.activeElement.id`), "the keyboard is back in pg")
		})
	}
}

func TestDemoAmountFieldRefusesWhatTheSDKRefuses(t *testing.T) {
	url := demoSite(t)
	tb := newTab(t)
	openDemo(tb, url+"/")
	demoType(tb, "#req-pg", "html5_inicis.MID-b")
	tests := []struct {
		amount, customerUID string
		note                string // "" : accepted
		shown               string // what the Pay button says is sent
	}{
		{"12.5", "", "no minor unit", "₩12.5"},
		{"-5", "", "negative", "-₩5"},
		{"0", "", "0 is refused", "₩0"},
		{"1,000", "", "Not a number", "“1,000”"},
		{"", "", "No amount", "(no amount)"},
		{"0", "cust_1", "", "₩0"},
		{"1500", "", "", "₩1,500"},
	}
	for _, tc := range tests {
		t.Run(tc.amount+" "+tc.customerUID, func(t *testing.T) {
			tb.t = t
			eval[bool](tb, `(document.querySelector("#more-params").open = true)`)
			demoType(tb, "#req-customer-uid", tc.customerUID)
			demoType(tb, "#req-amount", tc.amount)
			assert.Contains(t, demoText(tb, "#pay"), tc.shown)
			if tc.note == "" {
				assert.True(t, demoHidden(tb, "#amount-note"))
				assert.Equal(t, "", eval[string](tb, `document.querySelector("#req-amount").getAttribute("aria-invalid") || ""`))
				assert.Equal(t, "ok", eval[string](tb, `document.querySelector("#pay").dataset.verdict`))
				return
			}
			assert.False(t, demoHidden(tb, "#amount-note"), "the reason shows under the field")
			assert.Contains(t, demoText(tb, "#amount-note"), tc.note)
			assert.Equal(t, "true", eval[string](tb, `document.querySelector("#req-amount").getAttribute("aria-invalid")`))
			assert.Equal(t, "refused", eval[string](tb, `document.querySelector("#pay").dataset.verdict`))
			// The SDK agrees: Pay answers INVALID_AMOUNT without a window.
			tb.do(chromedp.Click(chromedp.CSS("#pay")))
			demoPoll(tb, "the refusal is shown", `document.querySelector("#response").dataset.state === "failure" && !document.querySelector("#pay").disabled`)
			rsp, err := imptest.DecodeResponse([]byte(demoText(tb, "#response")))
			require.NoError(t, err)
			assert.Equal(t, "INVALID_AMOUNT", rsp.ErrorCode)
		})
	}
}

func TestDemoPayButtonNamesTheSetting(t *testing.T) {
	url := demoSite(t)
	tb := newTab(t)
	openDemo(tb, url+"/")
	tests := []struct {
		pg      string
		strict  bool
		verdict string
		label   []string
	}{
		{"html5_inicis.MID-a", false, "ok", []string{"#0 KG INICIS · MID-a"}},
		{"html5_inicis.MID-b", false, "ok", []string{"#1 KG INICIS · MID-b"}},
		{"kakaopay", false, "ok", []string{"Kakao", "MID-c"}},
		{"nope", false, "fallback", []string{"#0 KG INICIS · MID-a", "fallback"}},
		{"nope", true, "refused", []string{"strict mode refuses"}},
	}
	for _, tc := range tests {
		t.Run(tc.pg, func(t *testing.T) {
			tb.t = t
			if eval[bool](tb, `document.querySelector("#req-strict").checked`) != tc.strict {
				tb.do(chromedp.Click(chromedp.CSS("#req-strict")))
				demoPoll(tb, "strict mode applied", `document.querySelector("#config-status").dataset.state === "ok"`)
			}
			demoType(tb, "#req-pg", tc.pg)
			demoPoll(tb, "the button follows", `document.querySelector("#pay").dataset.verdict === `+jsString(tc.verdict))
			for _, l := range tc.label {
				assert.Contains(t, demoText(tb, "#pay"), l)
			}
			assert.False(t, eval[bool](tb, `document.querySelector("#pay").disabled`))
			if tc.verdict != "ok" {
				assert.False(t, demoHidden(tb, "#pay-note"), "the button's look is explained in words")
			}
		})
	}
	t.Run("no settings", func(t *testing.T) {
		tb.t = t
		for eval[int](tb, `document.querySelectorAll("#setting-list > li[data-setting]").length`) > 0 {
			tb.do(chromedp.Click(chromedp.CSS(`li[data-setting="0"] [data-action=remove]`)))
		}
		demoPoll(tb, "Pay is off", `document.querySelector("#pay").disabled && document.querySelector("#pay").dataset.verdict === "off"`)
		assert.NotContains(t, demoText(tb, "#pay"), "Kakao")
		assert.Contains(t, demoText(tb, "#pay-note"), "add one in step 1")
		tb.do(chromedp.Click(chromedp.CSS("#reset-settings")))
		demoPoll(tb, "Pay is on again", `!document.querySelector("#pay").disabled`)
	})
}

func TestDemoVirtualAccountIsNotShownAsPaid(t *testing.T) {
	url := demoSite(t)
	tb := newTab(t)
	openDemo(tb, url+"/")
	demoType(tb, "#req-pg", "html5_inicis")
	eval[bool](tb, `(() => { const s = document.querySelector("#req-pay-method"); s.value = "vbank";
		return s.dispatchEvent(new Event("change", {bubbles: true})); })()`)
	tb.do(chromedp.Click(chromedp.CSS("#pay")))
	tb.do(imptest.Approve())
	demoPoll(tb, "the response is shown", `document.querySelector("#response").dataset.state === "success"`)
	rsp, err := imptest.DecodeResponse([]byte(demoText(tb, "#response")))
	require.NoError(t, err)
	require.Equal(t, "ready", rsp.Status)
	summary := demoText(tb, "#response-summary")
	assert.Contains(t, summary, "not paid yet")
	assert.NotContains(t, summary, "paid at", "a virtual account waiting for its deposit has no paid time")
	assert.Contains(t, demoText(tb, "#history tbody tr"), "awaiting deposit")
}

func TestDemoSmallerFixes(t *testing.T) {
	url := demoSite(t)
	tb := newTab(t)
	openDemo(tb, url+"/")

	t.Run("a new row is a payment PG", func(t *testing.T) {
		tb.t = t
		tb.do(chromedp.Click(chromedp.CSS("#add-setting")))
		pg := eval[string](tb, `document.querySelector('li[data-setting="3"] [data-field=pg]').value`)
		assert.False(t, eval[bool](tb, `IMP.sandbox.catalog().find(p => p.code === `+jsString(pg)+`).certification`), "%s is an identity-verification PG", pg)
		tb.do(chromedp.Click(chromedp.CSS(`li[data-setting="3"] [data-action=remove]`)))
		demoPoll(tb, "three settings again", `document.querySelector("#config-status").textContent.includes("3 settings")`)
	})

	t.Run("the merchant code is checked", func(t *testing.T) {
		tb.t = t
		demoType(tb, "#merchant-code", "not a code!")
		demoPoll(tb, "the code is refused", `!document.querySelector("#merchant-code-error").hidden`)
		assert.Contains(t, demoText(tb, "#merchant-code-error"), "“imp” followed by digits")
		assert.Equal(t, "error", eval[string](tb, `document.querySelector("#config-status").dataset.state`))
		assert.NotContains(t, demoText(tb, "#config-status"), "Applied")
		demoType(tb, "#merchant-code", "imp10391932")
		demoPoll(tb, "the code is taken", `document.querySelector("#config-status").dataset.state === "ok"`)
		assert.True(t, demoHidden(tb, "#merchant-code-error"))
	})

	t.Run("two defaults get a readable error", func(t *testing.T) {
		tb.t = t
		tb.do(chromedp.EmulateViewport(1400, 900))
		demoApplyJSON(tb, `{"merchant_code": "imp10391932", "pg_settings": [
			{"pg": "html5_inicis", "mid": "MID-a", "pay_type": "general", "default": true},
			{"pg": "kakaopay", "mid": "MID-c", "pay_type": "simple", "default": true}]}`)
		demoPoll(tb, "the error shows", `!document.querySelector('li[data-setting="1"] [data-error-for=row]').hidden`)
		assert.Contains(t, demoText(tb, `li[data-setting="1"] [data-error-for=row]`), "second default")
		assert.Greater(t, eval[float64](tb, `document.querySelector('li[data-setting="1"] [data-error-for=row]').getBoundingClientRect().width`), 600.0,
			"the message has the row's width, not a narrow column")
	})

	t.Run("reset to the example can be undone", func(t *testing.T) {
		tb.t = t
		demoApplyJSON(tb, `{"merchant_code": "imp777", "pg_settings": [{"pg": "paypal_v2", "mid": "pp-1", "pay_type": "general"}]}`)
		demoPoll(tb, "one setting", `document.querySelector("#config-status").textContent.includes("1 setting")`)
		tb.do(chromedp.Click(chromedp.CSS("#reset-settings")))
		demoPoll(tb, "the example", `document.querySelector("#config-status").textContent.includes("3 settings")`)
		assert.False(t, demoHidden(tb, "#undo-reset"))
		assert.Equal(t, "undo-reset-btn", eval[string](tb, `document.activeElement.id`))
		tb.do(chromedp.Click(chromedp.CSS("#undo-reset-btn")))
		demoPoll(tb, "the settings are back", `document.querySelector("#config-status").textContent.includes("1 setting, default paypal_v2.pp-1")`)
		assert.Equal(t, "imp777", eval[string](tb, `document.querySelector("#merchant-code").value`))
		assert.True(t, demoHidden(tb, "#undo-reset"))
		tb.do(chromedp.Click(chromedp.CSS("#reset-settings")))
		demoPoll(tb, "the example again", `document.querySelector("#config-status").textContent.includes("3 settings")`)
	})

	t.Run("typing logs a warning once per pause", func(t *testing.T) {
		tb.t = t
		before := len(tb.consoleLines())
		demoType(tb, "#req-pg", "html_inicisx")
		time.Sleep(100 * time.Millisecond)
		n := 0
		for _, line := range tb.consoleLines()[before:] {
			if strings.Contains(line, "PG_UNKNOWN_CODE") {
				n++
			}
		}
		assert.LessOrEqual(t, n, 2, "one warning per keystroke is what the issue saw (12 here)")
		assert.GreaterOrEqual(t, n, 1, "the settled value's warning is still logged")
	})

	t.Run("a long error_msg wraps", func(t *testing.T) {
		tb.t = t
		demoType(tb, "#req-pg", "kakaopay")
		eval[bool](tb, `(() => { const s = document.querySelector("#outcome-result"); s.value = "failed";
			return s.dispatchEvent(new Event("change", {bubbles: true})); })()`)
		demoType(tb, "#outcome-code", "F400")
		demoType(tb, "#outcome-msg", strings.Repeat("한도초과_카드사_응답_", 12))
		tb.do(chromedp.Click(chromedp.CSS("#pay")))
		demoPoll(tb, "the failure is shown", `document.querySelector("#response").textContent.includes("F400")`)
		assert.LessOrEqual(t, eval[int](tb, `document.querySelector("#response").scrollWidth - document.querySelector("#response").clientWidth`), 1,
			"the response scrolls sideways")
	})
}

func TestDemoPhoneKeepsTheVerdictUnderPG(t *testing.T) {
	url := demoSite(t)
	tb := newTab(t)
	tb.do(chromedp.Emulate(device.IPhone13))
	openDemo(tb, url+"/")
	demoType(tb, "#req-pg", "html5_inicis.MID-b")
	line := `document.querySelector("#pg-verdict")`
	assert.Contains(t, eval[string](tb, line+`.textContent`), "→ #1 KG INICIS · MID-b (R1)")
	// Right under the pg field, and still in view while the person scrolls through the form.
	gap := eval[float64](tb, line+`.getBoundingClientRect().top - document.querySelector("#req-pg").getBoundingClientRect().bottom`)
	assert.Less(t, gap, 40.0)
	eval[bool](tb, `(document.querySelector("#req-merchant-uid").scrollIntoView({block: "start"}), true)`)
	top := eval[float64](tb, line+`.getBoundingClientRect().top`)
	assert.InDelta(t, 0, top, 2, "the verdict line sticks to the top of the screen")
	demoScreenshot(tb, "sticky-verdict", 390, false)
}

func TestDemoResetButtonsDoWhatTheySay(t *testing.T) {
	site := demoLedgerSite(t)
	tb := newTab(t)
	openDemo(tb, site+"/")
	demoPoll(tb, "the ledger is found", `document.querySelector("#ledger-status").dataset.state === "ok"`)
	demoType(tb, "#req-pg", "kakaopay")
	tb.do(chromedp.Click(chromedp.CSS("#pay")))
	tb.do(imptest.Approve())
	demoPoll(tb, "paid", `document.querySelector("#response").dataset.state === "success"`)
	require.Eventually(t, func() bool { _, p := sandboxPayments(t, site, "imp10391932"); return len(p) == 1 },
		10*time.Second, 50*time.Millisecond, "the server records the payment")

	// Forgetting this page's list leaves the server's ledger alone.
	tb.do(chromedp.Click(chromedp.CSS("#forget-page")))
	assert.Equal(t, 0, eval[int](tb, `document.querySelectorAll("#history tbody tr").length`))
	_, p := sandboxPayments(t, site, "imp10391932")
	assert.Len(t, p, 1)

	// Clearing the server's ledger asks first; "Keep them" keeps them.
	assert.Contains(t, demoText(tb, "#reset-sandbox"), "Clear imp10391932's server ledger")
	tb.do(chromedp.Click(chromedp.CSS("#reset-sandbox")))
	assert.False(t, demoHidden(tb, "#reset-confirm"))
	assert.Contains(t, demoText(tb, "#reset-confirm"), "cannot be undone")
	tb.do(chromedp.Click(chromedp.CSS("#reset-confirm-no")))
	assert.True(t, demoHidden(tb, "#reset-confirm"))
	time.Sleep(200 * time.Millisecond)
	_, p = sandboxPayments(t, site, "imp10391932")
	assert.Len(t, p, 1, "nothing deleted without the confirmation")

	tb.do(chromedp.Click(chromedp.CSS("#reset-sandbox")), chromedp.Click(chromedp.CSS("#reset-confirm-yes")))
	require.Eventually(t, func() bool { _, p := sandboxPayments(t, site, "imp10391932"); return len(p) == 0 },
		10*time.Second, 50*time.Millisecond, "the confirmed clear empties the server's ledger")
	assert.Contains(t, demoText(tb, "#pay-status"), "deleted imp10391932's payments")
	assertDemoConsoleClean(t, tb)
}

func TestDemoOtherMerchantCodeSaysWhatTheServerRecords(t *testing.T) {
	site := demoLedgerSite(t)
	tb := newTab(t)
	openDemo(tb, site+"/")
	demoType(tb, "#merchant-code", "imp12345678")
	demoPoll(tb, "the new code is applied", `document.querySelector("#config-status").dataset.state === "ok"`)
	demoPoll(tb, "the page says what the server records for it",
		`["ok", "error"].includes(document.querySelector("#ledger-status").dataset.state) && document.querySelector("#ledger-status").textContent.includes("imp12345678")`)
	demoType(tb, "#req-pg", "kakaopay")
	tb.do(chromedp.Click(chromedp.CSS("#pay")))
	tb.do(imptest.Approve())
	demoPoll(tb, "paid", `document.querySelector("#response").dataset.state === "success"`)

	// Whatever the server does with an unknown merchant, the page says the same.
	status, payments := sandboxPayments(t, site, "imp12345678")
	if status == http.StatusOK {
		require.Eventually(t, func() bool { _, p := sandboxPayments(t, site, "imp12345678"); return len(p) == 1 },
			10*time.Second, 50*time.Millisecond, "the server answers for imp12345678, so it records the payment")
		demoPoll(tb, "the page says it is recorded", `document.querySelector("#ledger-status").textContent.includes("(1 so far)")`)
		assert.Equal(t, "ok", eval[string](tb, `document.querySelector("#ledger-status").dataset.state`))
		return
	}
	assert.Empty(t, payments)
	assert.Equal(t, "error", eval[string](tb, `document.querySelector("#ledger-status").dataset.state`))
	text := demoText(tb, "#ledger-status")
	assert.Contains(t, text, "does not record imp12345678's payments")
	assert.Contains(t, text, "-merchants DIR", "it says what to do")
	assert.Equal(t, "rgb(180, 35, 24)", eval[string](tb, `getComputedStyle(document.querySelector("#ledger-status")).color`), "in red")
}
