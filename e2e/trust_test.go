package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/ledger"
	"github.com/impshim/impshim/web"
)

// TestCrossSitePageCannotUseTheBridge (issue 16, point 1; docs/trust.md): a page of another
// site, in a real Chromium, can neither read the ledger through the bridge, nor record a paid
// payment, nor reset it — and a page of the developer's own machine (another port) can. The
// browser of this test maps *.untrusted.test to 127.0.0.1, so the other site is a loopback
// server the browser knows only by a public-looking name, as a site on the web would be.
func TestCrossSitePageCannotUseTheBridge(t *testing.T) {
	store, err := ledger.Open(":memory:")
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	api := ledger.NewAPI(store, nil, ledger.Options{})
	t.Cleanup(api.Close)
	sandbox := httptest.NewServer(web.New(web.Options{Dist: distDir, Backend: api}))
	t.Cleanup(sandbox.Close)
	seed := `{"merchant_code":"imp10391932","request":{"pg":"kakaopay","merchant_uid":"order-private","amount":1000,"buyer_email":"hong@example.com"},
		"response":{"success":true,"imp_uid":"imps_000000000001","merchant_uid":"order-private","status":"paid","paid_amount":1000}}`
	res, err := http.Post(sandbox.URL+"/sdk/sandbox/payments", "application/json", strings.NewReader(seed))
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, 200, res.StatusCode)

	// The page tries what a cross-site attacker would, and says what it could do.
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>a site</title><script>
const S = %q;
const forged = JSON.stringify({merchant_code: "imp10391932", request: {merchant_uid: "order-forged", amount: 1},
  response: {success: true, imp_uid: "imps_000000000002", merchant_uid: "order-forged", status: "paid", paid_amount: 1}});
async function attempt(what, run) { try { return what + ": " + await run(); } catch (e) { return what + ": blocked"; } }
// One after the other: a reset running beside the read would race it.
window.results = (async () => { const out = []; for (const [what, run] of [
  ["read", async () => { const r = await fetch(S + "/sdk/sandbox/payments?merchant_code=imp10391932"); return r.status + " " + (await r.text()).includes("order-private"); }],
  ["record", async () => (await fetch(S + "/sdk/sandbox/payments", {method: "POST", headers: {"Content-Type": "application/json"}, body: forged})).status],
  ["record-plain", async () => { await fetch(S + "/sdk/sandbox/payments", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body: forged}); return "sent"; }],
  ["reset", async () => (await fetch(S + "/sdk/sandbox/reset", {method: "POST", headers: {"Content-Type": "application/json"}, body: '{"merchant_code":"imp10391932"}'})).status],
  ["reset-plain", async () => { await fetch(S + "/sdk/sandbox/reset", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body: '{"merchant_code":"imp10391932"}'}); return "sent"; }],
  ]) out.push(await attempt(what, run)); return out.join("\n"); })();
</script>`, sandbox.URL)
	}))
	t.Cleanup(page.Close)
	port := page.URL[strings.LastIndex(page.URL, ":"):]

	exe, err := findBrowser()
	require.NoError(t, err)
	opts := append(browserOptions(exe), chromedp.Flag("host-resolver-rules", "MAP *.untrusted.test 127.0.0.1"))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	require.NoError(t, chromedp.Do(browser))

	run := func(url string) string {
		t.Helper()
		ctx, cancel := chromedp.NewContext(browser)
		defer cancel()
		ctx, cancelTimeout := context.WithTimeout(ctx, 30*time.Second)
		defer cancelTimeout()
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(url)))
		out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.results`, chromedp.EvalAwaitPromise))
		require.NoError(t, err)
		return out
	}

	got := run("http://shop.untrusted.test" + port + "/")
	assert.Equal(t, "read: blocked\nrecord: blocked\nrecord-plain: sent\nreset: blocked\nreset-plain: sent", got)
	list, total, err := store.List(t.Context(), ledger.DemoMerchant, ledger.ListQuery{Status: "all", Page: 1, Limit: 10})
	require.NoError(t, err)
	require.Equal(t, 1, total, "nothing recorded, nothing reset")
	assert.Equal(t, "order-private", list[0].MerchantUID)

	// The same page on the developer's own machine, another port: the bridge is its to use.
	got = run("http://localhost" + port + "/")
	assert.Contains(t, got, "read: 200 true")
	assert.Contains(t, got, "record: 200")
	assert.Contains(t, got, "reset: 200")

	// DNS rebinding: the other site's name resolving to the sandbox itself gets no page at all.
	ctx, cancel := chromedp.NewContext(browser)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 30*time.Second)
	defer cancelTimeout()
	sandboxPort := sandbox.URL[strings.LastIndex(sandbox.URL, ":"):]
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("http://rebind.untrusted.test"+sandboxPort+"/")))
	body, err := chromedp.Run(ctx, chromedp.Text("body"))
	require.NoError(t, err)
	assert.Contains(t, body, "BAD_HOST")
}
