package e2e

// The demo's "Your server" panel (issue 19, what a merchant developer wants next): the REST
// credentials and a token, verification snippets that really verify when pasted into a shell and
// into Node, and the ledger's view — cancel, partial cancel, deposit, webhooks — that survives a reload.

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/e2e/imptest"
)

// demoLedgerRow is one row of the ledger table: status and amount text, by imp_uid.
func demoLedgerRow(tb *tab, impUID string) map[string]string {
	tb.t.Helper()
	return eval[map[string]string](tb, `(() => {
		const tr = document.querySelector('#ledger-payments tr[data-imp-uid=`+jsString(impUID)+`]');
		return tr ? {status: tr.dataset.status, amount: tr.cells[3].textContent} : {};
	})()`)
}

// demoPay pays with the page's current request and approves the window; it returns the imp_uid.
func demoPay(tb *tab) string {
	tb.t.Helper()
	tb.do(chromedp.Click(chromedp.CSS("#pay")))
	tb.do(imptest.Approve())
	demoPoll(tb, "paid", `document.querySelector("#response").dataset.state === "success" && !document.querySelector("#pay").disabled`)
	rsp, err := imptest.DecodeResponse([]byte(demoText(tb, "#response")))
	require.NoError(tb.t, err)
	demoPoll(tb, "the ledger lists "+rsp.ImpUID, `!!document.querySelector('#ledger-payments tr[data-imp-uid=`+jsString(rsp.ImpUID)+`]')`)
	return rsp.ImpUID
}

func TestDemoYourServerPanel(t *testing.T) {
	site := demoLedgerSite(t)
	sink := &webhookSink{}
	hook := httptest.NewServer(sink)
	t.Cleanup(hook.Close)
	tb := newTab(t)
	openDemo(tb, site+"/")
	demoPoll(tb, "a token is fetched", `document.querySelector("#server-token").textContent.includes("access_token")`)
	assert.Equal(t, "imp_apikey", demoText(tb, "#server-key-shown"))
	assert.Equal(t, "sandbox_secret", demoText(tb, "#server-secret-shown"))

	// The webhook URL typed in the panel goes with the next request_pay.
	demoType(tb, "#server-notice-url", hook.URL+"/iamport-webhook")
	assert.Equal(t, hook.URL+"/iamport-webhook", eval[string](tb, `document.querySelector("#req-notice-url").value`))
	demoType(tb, "#req-pg", "html5_inicis")
	demoType(tb, "#req-amount", "1000")
	card := demoPay(tb)
	assert.Equal(t, "paid", demoLedgerRow(tb, card)["status"])
	demoPoll(tb, "the webhook's answer is listed",
		`[...document.querySelectorAll('#ledger-webhooks tr[data-imp-uid=`+jsString(card)+`]')].some(tr => tr.textContent.includes("200 delivered"))`)
	assert.Contains(t, sink.statuses(card), "paid")

	t.Run("the snippets verify when pasted", func(t *testing.T) {
		tb.t = t
		curl := demoText(tb, "#verify-curl")
		assert.Contains(t, curl, card)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, "sh", "-c", curl).CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.Contains(t, string(out), `"imp_uid":"`+card+`"`)
		assert.Contains(t, string(out), `"status":"paid"`)
		node := demoText(tb, "#verify-node")
		out, err = exec.CommandContext(ctx, "node", "--input-type=module", "-e", node).CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.Equal(t, "verified "+card+" 1000", strings.TrimSpace(string(out)))
	})

	t.Run("partial cancel, then cancel", func(t *testing.T) {
		tb.t = t
		demoType(tb, `[data-partial-for=`+jsString(card)+`]`, "300")
		tb.do(chromedp.Click(chromedp.CSS(`tr[data-imp-uid=` + jsString(card) + `] [data-ledger-action=partial]`)))
		demoPoll(tb, "the partial cancel shows", `document.querySelector('#ledger-payments tr[data-imp-uid=`+jsString(card)+`]').cells[3].textContent.includes("−₩300")`)
		assert.Equal(t, "paid", demoLedgerRow(tb, card)["status"], "a partial cancel keeps it paid")
		assert.Contains(t, demoText(tb, "#server-notice"), "₩300 cancelled")
		tb.do(chromedp.Click(chromedp.CSS(`tr[data-imp-uid=` + jsString(card) + `] [data-ledger-action=cancel]`)))
		demoPoll(tb, "cancelled", `document.querySelector('#ledger-payments tr[data-imp-uid=`+jsString(card)+`]').dataset.status === "cancelled"`)
	})

	t.Run("a virtual account is deposited", func(t *testing.T) {
		tb.t = t
		eval[bool](tb, `(() => { const s = document.querySelector("#req-pay-method"); s.value = "vbank";
			return s.dispatchEvent(new Event("change", {bubbles: true})); })()`)
		vbank := demoPay(tb)
		assert.Equal(t, "ready", demoLedgerRow(tb, vbank)["status"])
		tb.do(chromedp.Click(chromedp.CSS(`tr[data-imp-uid=` + jsString(vbank) + `] [data-ledger-action=deposit]`)))
		demoPoll(tb, "deposited", `document.querySelector('#ledger-payments tr[data-imp-uid=`+jsString(vbank)+`]').dataset.status === "paid"`)
		require.Eventually(t, func() bool { return strings.Contains(strings.Join(sink.statuses(vbank), " "), "paid") },
			10*time.Second, 50*time.Millisecond, "the deposit's webhook")
	})

	t.Run("setOutcome from the page", func(t *testing.T) {
		tb.t = t
		eval[bool](tb, `(() => { const s = document.querySelector("#outcome-result"); s.value = "cancelled";
			return s.dispatchEvent(new Event("change", {bubbles: true})); })()`)
		demoType(tb, "#outcome-delay", "0")
		tb.do(chromedp.Click(chromedp.CSS("#pay")))
		demoPoll(tb, "the window ends by itself", `document.querySelector("#response").textContent.includes("USER_CANCEL")`)
	})

	t.Run("the view survives a reload, raw JSON opens a new tab", func(t *testing.T) {
		tb.t = t
		tb.do(chromedp.Reload())
		require.True(t, eval[bool](tb, `window.impshimDemo.ready.then(() => true)`))
		demoPoll(tb, "the ledger is listed again", `document.querySelectorAll("#ledger-payments tbody tr").length >= 2`)
		assert.Equal(t, "cancelled", demoLedgerRow(tb, card)["status"])
		link := eval[map[string]string](tb, `(() => { const a = document.querySelector('#ledger-payments tr[data-imp-uid=`+jsString(card)+`] a');
			return {href: a.href, target: a.target}; })()`)
		assert.Equal(t, "_blank", link["target"])
		assert.Contains(t, link["href"], "/payments/"+card+"?_token=")
		assert.Equal(t, "_blank", eval[string](tb, `document.querySelector("#ledger-raw").target`))
	})

	assertDemoConsoleClean(t, tb)

	// (The ledger may answer 404 for a merchant without a file, which the console shows.)
	t.Run("another merchant's keys", func(t *testing.T) {
		tb.t = t
		// No merchant file: the built-in sandbox merchant's documented keys, and they work.
		demoType(tb, "#merchant-code", "imp12345678")
		demoPoll(tb, "the new code is applied", `document.querySelector("#config-status").dataset.state === "ok"`)
		demoPoll(tb, "the built-in merchant's keys are shown", `document.querySelector("#server-key-shown").textContent === "imp12345678"`)
		assert.Contains(t, demoText(tb, "#server-keys-source"), "no merchant file for imp12345678")
		demoPoll(tb, "a token is fetched with them", `document.querySelector("#server-token").textContent.includes("access_token")`)
		eval[bool](tb, `(() => { const s = document.querySelector("#req-pay-method"); s.value = "card";
			return s.dispatchEvent(new Event("change", {bubbles: true})); })()`)
		other := demoPay(tb)
		assert.Equal(t, "paid", demoLedgerRow(tb, other)["status"])
		assert.Empty(t, demoLedgerRow(tb, card), "another merchant's ledger")
		demoType(tb, "#merchant-code", "imp10391932")
		demoPoll(tb, "back to the demo merchant's ledger", `!!document.querySelector('#ledger-payments tr[data-imp-uid=`+jsString(card)+`]')`)
	})
}

// A merchant file's own keys stay in the file: the page says where they are and takes them typed.
func TestDemoYourServerAsksForAFileMerchantsKeys(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "imp55550000.json"), []byte(`{"merchant_code": "imp55550000",
		"imp_key": "shop_key", "imp_secret": "shop_secret",
		"pg_settings": [{"pg": "kakaopay", "mid": "KP-1", "pay_type": "simple", "default": true}]}`), 0o644))
	site := demoLedgerSiteWith(t, dir)
	tb := newTab(t)
	openDemo(tb, site+"/")
	demoType(tb, "#merchant-code", "imp55550000")
	demoPoll(tb, "the panel says where the keys are", `!document.querySelector("#server-keys-unknown").hidden`)
	assert.Contains(t, demoText(tb, "#server-keys-unknown"), "imp55550000.json")
	assert.NotContains(t, eval[string](tb, `document.body.innerText`), "shop_secret", "the secret never reaches the page")
	demoType(tb, "#server-key", "shop_key")
	demoType(tb, "#server-secret", "shop_secret")
	tb.do(chromedp.Click(chromedp.CSS("#server-get-token")))
	demoPoll(tb, "a token is fetched with the typed keys", `document.querySelector("#server-token").textContent.includes("access_token")`)
}

func TestDemoYourServerBillingKeysAndClock(t *testing.T) {
	site := demoLedgerSite(t)
	tb := newTab(t)
	openDemo(tb, site+"/")
	demoPoll(tb, "the sandbox clock is shown", `document.querySelector("#clock-now").textContent.includes("real time")`)

	// Issue a key in the window: customer_uid on the subscription MID, amount 0.
	eval[bool](tb, `(document.querySelector("#more-params").open = true)`)
	demoType(tb, "#req-pg", "html5_inicis.MID-b")
	demoType(tb, "#req-customer-uid", "cust_demo_1")
	demoType(tb, "#req-amount", "0")
	demoPay(tb)
	demoPoll(tb, "the key is listed", `!!document.querySelector('#billing-keys tr[data-customer-uid="cust_demo_1"]')`)
	row := `#billing-keys tr[data-customer-uid="cust_demo_1"]`
	payments := func() int { return eval[int](tb, `document.querySelectorAll("#ledger-payments tbody tr").length`) }
	before := payments()

	demoType(tb, row+" [data-charge-for]", "1500")
	tb.do(chromedp.Click(chromedp.CSS(row + " [data-billing-action=again]")))
	demoPoll(tb, "charged again", `document.querySelector("#server-notice").textContent.includes("/subscribe/payments/again")`)
	assert.Contains(t, demoText(tb, "#server-notice"), "paid (₩1,500)")
	demoPoll(tb, "the charge is in the ledger", `document.querySelectorAll("#ledger-payments tbody tr").length === `+jsInt(before+1))

	tb.do(chromedp.Click(chromedp.CSS(row + " [data-billing-action=schedule]")))
	demoPoll(tb, "booked", `document.querySelector("#server-notice").textContent.includes("booked for")`)
	tb.do(chromedp.Click(chromedp.CSS("#clock-day")))
	demoPoll(tb, "the clock ran it", `document.querySelector("#server-notice").textContent.includes("1 booked charge ran")`)
	demoPoll(tb, "the booked charge is in the ledger", `document.querySelectorAll("#ledger-payments tbody tr").length === `+jsInt(before+2))
	assert.Contains(t, demoText(tb, "#clock-now"), "24 h ahead")
	tb.do(chromedp.Click(chromedp.CSS("#clock-reset")))
	demoPoll(tb, "back to real time", `document.querySelector("#clock-now").textContent.includes("(real time)")`)
	assertDemoConsoleClean(t, tb)
}

func jsInt(n int) string { return strconv.Itoa(n) }

func TestDemoIdentityVerification(t *testing.T) {
	site := demoLedgerSite(t)
	tb := newTab(t)
	openDemo(tb, site+"/")
	// The guide's settings have no identity-verification setting: the page says so and adds one.
	demoPoll(tb, "the missing setting is explained", `!document.querySelector("#cert-none").hidden`)
	assert.True(t, eval[bool](tb, `document.querySelector("#certify-btn").disabled`))
	tb.do(chromedp.Click(chromedp.CSS("#add-cert-setting")))
	demoPoll(tb, "the setting is applied", `document.querySelector("#config-status").textContent.includes("4 settings") && !document.querySelector("#certify-btn").disabled`)
	assert.False(t, eval[bool](tb, `document.querySelector('li[data-setting="3"] .type-tag').hidden`), "the row says it is for identity verification")
	assert.Contains(t, demoText(tb, "#certify-btn"), "inicis_unified")

	demoType(tb, "#cert-min-age", "19")
	tb.do(chromedp.Click(chromedp.CSS("#certify-btn")))
	win := run(tb, imptest.WaitWindow())
	assert.Equal(t, "popup", win.Mode, "on a PC the real SDK verifies in a popup")
	tb.do(imptest.Approve())
	demoPoll(tb, "verified", `document.querySelector("#cert-response").dataset.state === "success"`)
	demoPoll(tb, "the server's view is shown", `!document.querySelector("#cert-server").hidden`)
	server := demoText(tb, "#cert-server")
	assert.Contains(t, server, `"certified": true`)
	assert.Contains(t, server, "unique_key")
	assertDemoConsoleClean(t, tb)
}
