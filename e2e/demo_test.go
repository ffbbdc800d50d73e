package e2e

// The sandbox demo page of `make run` (package web), driven the way a newcomer uses it: add a PG
// setting, type a pg, read the live preview, pay, approve, read the response. The page is served
// by web.New itself (not the test site), so the server's CSP and routes are what the test sees.
// The tests are long flows of many small steps, so they run before the parallel ones, uncontended.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/e2e/imptest"
	"github.com/impshim/impshim/web"
)

// demoSite serves the demo page and the SDK under test exactly as `make run` does.
func demoSite(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(web.New(web.Options{Dist: distDir}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// openDemo opens the page and waits until it has applied its settings through the SDK.
func openDemo(tb *tab, url string) {
	tb.t.Helper()
	tb.open(url)
	require.True(tb.t, eval[bool](tb, `window.impshimDemo.ready.then(() => true)`), "the demo page did not get ready")
	require.Equal(tb.t, "ready", eval[string](tb, `document.querySelector("#sdk-status").dataset.state`),
		"the demo page says: %s", eval[string](tb, `document.querySelector("#sdk-status").textContent`))
}

// demoPoll waits until a JavaScript expression in the page is truthy.
func demoPoll(tb *tab, what, js string) {
	tb.t.Helper()
	_, err := chromedp.Run(tb.ctx, chromedp.Poll[bool](js))
	require.NoError(tb.t, err, "waiting until %s (%s)", what, js)
}

// demoType replaces an input's text with real key presses, so the page sees input events, and
// waits until the preview has caught up (it resolves once typing pauses).
func demoType(tb *tab, selector, text string) {
	tb.t.Helper()
	eval[bool](tb, `(() => { const e = document.querySelector(`+strconv.Quote(selector)+`); e.value = "";
		return e.dispatchEvent(new Event("input", {bubbles: true})); })()`)
	tb.do(chromedp.SendKeys(chromedp.CSS(selector), text))
	demoPoll(tb, "the preview caught up", `!document.querySelector("#preview-body").dataset.pending`)
}

func TestDemoAddSettingPreviewAndPay(t *testing.T) {
	url := demoSite(t)
	tb := newTab(t)
	openDemo(tb, url+"/")

	assert.Equal(t, "ready", eval[string](tb, `document.querySelector("#sdk-status").dataset.state`))
	assert.Equal(t, "ok", eval[string](tb, `document.querySelector("#config-status").dataset.state`))
	require.Equal(t, []string{"html5_inicis.MID-a", "html5_inicis.MID-b", "kakaopay.MID-c"}, eval[[]string](tb,
		`[...document.querySelectorAll("#setting-list > li[data-setting]")].map(li =>
			li.querySelector("[data-field=pg]").value + "." + li.querySelector("[data-field=mid]").value)`))
	// The PG dropdown offers the catalog with display names.
	assert.Contains(t, eval[string](tb, `document.querySelector('li[data-setting="2"] [data-field=pg] option:checked').textContent`), "Kakao")

	// Add a setting: it starts without a MID, and the SDK's error shows next to that field.
	tb.do(chromedp.Click(chromedp.CSS("#add-setting")))
	demoPoll(tb, "the empty MID is reported inline",
		`(() => { const p = document.querySelector('li[data-setting="3"] [data-error-for=mid]');
			return p && !p.hidden && p.textContent.includes("mid is empty"); })()`)
	assert.Equal(t, "error", eval[string](tb, `document.querySelector("#config-status").dataset.state`))
	demoScreenshot(tb, "config-error", 1440, true)

	eval[bool](tb, `(() => { const s = document.querySelector('li[data-setting="3"] [data-field=pg]');
		s.value = "nice"; return s.dispatchEvent(new Event("change", {bubbles: true})); })()`)
	demoType(tb, `li[data-setting="3"] [data-field=mid]`, "MID-d")
	demoPoll(tb, "the four settings are applied",
		`document.querySelector("#config-status").dataset.state === "ok" && document.querySelector("#config-status").textContent.includes("4 settings")`)
	assert.Contains(t, eval[[]string](tb, `[...document.querySelectorAll("#pg-suggestions option")].map(o => o.value)`), "nice.MID-d")

	// The seed's typo: an unknown code, a did-you-mean, and a fallback to the default.
	demoType(tb, "#req-pg", "html_inicis")
	demoPoll(tb, "the preview shows the R3 fallback",
		`document.querySelector("#preview-body").dataset.rule === "R3" && document.querySelector("#preview-body").dataset.index === "0"`)
	warning := eval[string](tb, `document.querySelector('[data-preview=warnings] li[data-code=PG_UNKNOWN_CODE]').textContent`)
	assert.Contains(t, warning, `did you mean "html5_inicis"?`)
	assert.Equal(t, "chosen", eval[string](tb,
		`document.querySelector('[data-preview=candidates] tr[data-index="0"]').dataset.status`))
	demoScreenshot(tb, "did-you-mean", 1440, true)
	// The fix buttons are exactly the SDK's structured suggestions (none are made up from the message).
	assert.Equal(t, []string{"html5_inicis"}, eval[[]string](tb, `[...document.querySelectorAll("[data-use-pg]")].map(b => b.dataset.usePg)`))
	tb.do(chromedp.Click(chromedp.CSS(`[data-use-pg="html5_inicis"]`)))
	demoPoll(tb, "the suggestion was taken", `document.querySelector("#preview-body").dataset.rule === "R2"`)
	assert.Equal(t, "html5_inicis", eval[string](tb, `document.querySelector("#req-pg").value`))

	// The new setting, by its code alone: R2 picks it.
	demoType(tb, "#req-pg", "nice")
	demoPoll(tb, "the preview picks the new setting",
		`document.querySelector("#preview-body").dataset.rule === "R2" && document.querySelector("#preview-body").dataset.index === "3"`)
	statuses := eval[map[string]string](tb, `Object.fromEntries([...document.querySelectorAll('[data-preview=candidates] tr[data-index]')]
		.map(tr => [tr.dataset.index, tr.dataset.status]))`)
	assert.Equal(t, map[string]string{"0": "rejected", "1": "rejected", "2": "rejected", "3": "chosen"}, statuses)
	snippet := eval[string](tb, `document.querySelector("#snippet").textContent`)
	assert.Contains(t, snippet, `IMP.init("imp10391932");`)
	assert.Contains(t, snippet, `pg: "nice",`)
	assert.Contains(t, snippet, `amount: 1000,`)
	tb.do(chromedp.Click(chromedp.CSS("#copy-snippet")))
	demoPoll(tb, "the copy button answers", `["Copied", "Selected — press Ctrl-C"].includes(document.querySelector("#copy-snippet").textContent)`)
	merchantUID := eval[string](tb, `document.querySelector("#req-merchant-uid").value`)

	// Pay with a real click, approve in the mock window, read the response.
	tb.do(chromedp.Click(chromedp.CSS("#pay")))
	win := run(tb, imptest.WaitWindow())
	assert.Equal(t, "nice", win.PG)
	assert.Equal(t, "MID-d", win.MID)
	assert.Equal(t, 1000.0, win.Amount)
	demoScreenshot(tb, "window-open", 1440, false)
	tb.do(imptest.Approve())
	demoPoll(tb, "the response is shown", `document.querySelector("#response").dataset.state === "success"`)
	rsp, err := imptest.DecodeResponse([]byte(eval[string](tb, `document.querySelector("#response").textContent`)))
	require.NoError(t, err)
	assert.True(t, rsp.Success)
	assert.Equal(t, "nice", rsp.PGProvider)
	assert.Equal(t, merchantUID, rsp.MerchantUID)
	assert.Equal(t, 1000.0, rsp.PaidAmount)
	assert.Regexp(t, `^imp_\d{12}$`, rsp.ImpUID)
	assert.Equal(t, []string{merchantUID + " true"}, eval[[]string](tb,
		`[...document.querySelectorAll("#history tbody tr")].map(tr => tr.dataset.merchantUid + " " + tr.dataset.success)`))
	assert.NotEqual(t, merchantUID, eval[string](tb, `document.querySelector("#req-merchant-uid").value`),
		"a paid merchant_uid is replaced, so the next payment is not F1002")
	demoScreenshot(tb, "paid", 1440, true)
	demoScreenshot(tb, "paid", 375, true)

	// Readable at a phone's and a desktop's width: nothing makes the page scroll sideways.
	for _, width := range []int64{375, 1440} {
		tb.do(chromedp.EmulateViewport(width, 900))
		assert.LessOrEqual(t, eval[int](tb, `document.documentElement.scrollWidth`), int(width), "page wider than %d px", width)
	}
	tb.do(chromedp.EmulateViewport(1280, 900))

	// The settings survive a reload (localStorage).
	tb.do(chromedp.Reload())
	require.True(t, eval[bool](tb, `window.impshimDemo.ready.then(() => true)`))
	assert.Equal(t, "MID-d", eval[string](tb, `document.querySelector('li[data-setting="3"] [data-field=mid]').value`))
	assert.Equal(t, "ok", eval[string](tb, `document.querySelector("#config-status").dataset.state`))
	assertDemoConsoleClean(t, tb)
}

// assertDemoConsoleClean fails on page exceptions and on anything the browser blocked (CSP, 404s):
// the demo is the first page people see, and its console is where they look for answers.
func assertDemoConsoleClean(t *testing.T, tb *tab) {
	t.Helper()
	for _, line := range tb.consoleLines() {
		assert.NotContains(t, line, "exception:")
		assert.NotContains(t, line, "Content Security Policy")
		assert.NotContains(t, line, "Failed to load resource")
	}
}

func TestDemoFailedPaymentAndStrictMode(t *testing.T) {
	url := demoSite(t)
	tb := newTab(t)
	openDemo(tb, url+"/")

	// Strict mode turns the fallback into an error before any window opens.
	tb.do(chromedp.Click(chromedp.CSS("#req-strict")))
	demoType(tb, "#req-pg", "nicepay")
	demoPoll(tb, "the preview warns about strict mode", `!!document.querySelector(".strict-note")`)
	demoPoll(tb, "strict mode is applied", `document.querySelector("#config-status").textContent.includes("strict mode")`)
	tb.do(chromedp.Click(chromedp.CSS("#pay")))
	demoPoll(tb, "the refusal is shown", `document.querySelector("#response").dataset.state === "failure"`)
	assert.True(t, eval[bool](tb, `document.querySelector("#amount-note").hidden`), "1000 is a number")
	rsp, err := imptest.DecodeResponse([]byte(eval[string](tb, `document.querySelector("#response").textContent`)))
	require.NoError(t, err)
	assert.Equal(t, "SANDBOX_STRICT", rsp.ErrorCode)
	assert.Empty(t, rsp.ImpUID)

	demoType(tb, "#req-amount", "1,000")
	demoPoll(tb, "the amount note shows", `!document.querySelector("#amount-note").hidden`)
	assert.Contains(t, eval[string](tb, `document.querySelector("#amount-note").textContent`), "INVALID_AMOUNT")
	demoType(tb, "#req-amount", "1000")

	// Back to a matching pg: the window opens, "Fail" gives PG_FAILED in the page.
	demoType(tb, "#req-pg", "kakaopay")
	demoPoll(tb, "the preview picks kakaopay", `document.querySelector("#preview-body").dataset.index === "2"`)
	assert.Equal(t, "", eval[string](tb, `document.querySelector("#req-pay-method").value`),
		"a simple-pay PG picks the method itself, so pay_method is left out")
	tb.do(chromedp.Click(chromedp.CSS("#pay")))
	tb.do(imptest.Fail())
	demoPoll(tb, "the failure is shown", `document.querySelector("#history tbody tr[data-success=false]:first-child") &&
		document.querySelector("#response").textContent.includes("PG_FAILED")`)
	assert.Equal(t, 2, eval[int](tb, `document.querySelectorAll("#history tbody tr").length`))
	assertDemoConsoleClean(t, tb)
}

func TestDemoReorderImportAndPopup(t *testing.T) {
	url := demoSite(t)
	tb := newTab(t)
	openDemo(tb, url+"/")
	settingsJS := `[...document.querySelectorAll("#setting-list > li[data-setting]")].map(li =>
		li.querySelector("[data-field=pg]").value + "." + li.querySelector("[data-field=mid]").value)`

	// Reorder, then make kakaopay the default: an empty pg now falls back to it.
	tb.do(chromedp.Click(chromedp.CSS(`li[data-setting="2"] [data-action=up]`)))
	assert.Equal(t, []string{"html5_inicis.MID-a", "kakaopay.MID-c", "html5_inicis.MID-b"}, eval[[]string](tb, settingsJS))
	tb.do(chromedp.Click(chromedp.CSS(`li[data-setting="1"] [data-field=default]`)))
	demoPoll(tb, "the new default is applied", `document.querySelector("#config-status").textContent.includes("default kakaopay.MID-c")`)
	assert.Contains(t, eval[string](tb, `document.querySelector("#console-order").textContent`),
		"#1 kakaopay.MID-c → #0 html5_inicis.MID-a → #2 html5_inicis.MID-b")
	demoType(tb, "#req-pg", "nope")
	demoPoll(tb, "an unknown pg falls back to the new default",
		`document.querySelector("#preview-body").dataset.rule === "R3" && document.querySelector("#preview-body").dataset.index === "1"`)

	// Import: broken JSON is refused with a message; a valid file replaces the settings.
	tb.do(chromedp.Click(chromedp.CSS("#json-details summary")))
	eval[bool](tb, `(document.querySelector("#config-json").value = "{") === "{"`)
	tb.do(chromedp.Click(chromedp.CSS("#apply-json")))
	assert.Contains(t, eval[string](tb, `document.querySelector("#import-error").textContent`), "not JSON")
	assert.Len(t, eval[[]string](tb, settingsJS), 3, "a refused import changes nothing")
	eval[bool](tb, `(document.querySelector("#config-json").value = JSON.stringify({merchant_code: "imp777",
		pg_settings: [{pg: "paypal_v2", mid: "pp-1", pay_type: "general"}]})) !== ""`)
	tb.do(chromedp.Click(chromedp.CSS("#apply-json")))
	demoPoll(tb, "the imported settings are applied", `document.querySelector("#config-status").textContent.includes("1 setting, default paypal_v2.pp-1")`)
	assert.True(t, eval[bool](tb, `document.querySelector("#import-error").hidden`))
	assert.Equal(t, "imp777", eval[string](tb, `document.querySelector("#merchant-code").value`))
	demoType(tb, "#req-pg", "paypal_v2")
	demoPoll(tb, "the preview picks paypal_v2", `document.querySelector("#preview-body").dataset.rule === "R2"`)
	currencies := eval[[]string](tb, `[...document.querySelectorAll("#req-currency option")].map(o => o.value)`)
	assert.Contains(t, currencies, "USD")
	assert.NotContains(t, currencies, "KRW", "only the chosen PG's currencies are offered")

	// A popup opens from the click on Pay (the user gesture holds) and pays.
	tb.do(chromedp.Click(chromedp.CSS("#more-params summary")), chromedp.Click(chromedp.CSS("#req-popup")))
	tb.do(chromedp.Click(chromedp.CSS("#pay")))
	win := run(tb, imptest.WaitWindow())
	assert.Equal(t, "popup", win.Mode)
	assert.Equal(t, "paypal_v2", win.PG)
	tb.do(imptest.Approve())
	demoPoll(tb, "the popup payment is shown", `document.querySelector("#response").dataset.state === "success"`)
	rsp, err := imptest.DecodeResponse([]byte(eval[string](tb, `document.querySelector("#response").textContent`)))
	require.NoError(t, err)
	assert.Equal(t, "paypal_v2", rsp.PGProvider)
	assert.Equal(t, currencies[0], rsp.Raw["currency"])

	// Every control has a label, and the list works from the keyboard: Enter on "remove" removes
	// the row and leaves the focus in the list.
	assert.Empty(t, eval[[]string](tb, `[...document.querySelectorAll("input, select, textarea, button")]
		.filter(e => e.type !== "hidden" && !(e.labels && e.labels.length) && !e.getAttribute("aria-label") && !e.textContent.trim())
		.map(e => e.outerHTML.slice(0, 80))`), "controls without a label")
	tb.do(chromedp.Click(chromedp.CSS("#add-setting")))
	demoPoll(tb, "a second setting is listed", `document.querySelectorAll("#setting-list > li[data-setting]").length === 2`)
	tb.do(chromedp.Focus(chromedp.CSS(`li[data-setting="1"] [data-action=remove]`)), chromedp.KeyEvent(kb.Enter))
	demoPoll(tb, "the setting is removed", `document.querySelectorAll("#setting-list > li[data-setting]").length === 1`)
	assert.True(t, eval[bool](tb, `document.querySelector("#setting-list").contains(document.activeElement)`),
		"the focus stays in the list after a removal")

	// Back to the guide's example.
	tb.do(chromedp.Click(chromedp.CSS("#reset-settings")))
	demoPoll(tb, "the example is applied", `document.querySelector("#config-status").textContent.includes("3 settings, default html5_inicis.MID-a")`)
	assert.Equal(t, []string{"html5_inicis.MID-a", "html5_inicis.MID-b", "kakaopay.MID-c"}, eval[[]string](tb, settingsJS))
	assertDemoConsoleClean(t, tb)
}

func TestDemoRedirectModeComesBackWithTheResult(t *testing.T) {
	url := demoSite(t)
	tb := newTab(t)
	tb.do(chromedp.Emulate(device.IPhone13))
	openDemo(tb, url+"/")
	demoType(tb, "#req-pg", "kakaopay")
	tb.do(chromedp.Click(chromedp.CSS("#more-params summary")))
	demoType(tb, "#req-redirect", url+"/")
	merchantUID := eval[string](tb, `document.querySelector("#req-merchant-uid").value`)
	tb.do(chromedp.Click(chromedp.CSS("#pay")))
	win := run(tb, imptest.WaitWindow())
	assert.Equal(t, "kakaopay", win.PG)
	demoScreenshot(tb, "window-open", 375, false)
	tb.do(imptest.Approve())

	// The page navigates to m_redirect_url (the demo again), which shows the query it got.
	var shown string
	require.Eventually(t, func() bool {
		v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](`(() => {
			const r = document.querySelector("#response");
			return r && r.dataset.state === "success" && location.search === "" ? r.textContent : "";
		})()`))
		shown = v
		return err == nil && v != ""
	}, 30*time.Second, 100*time.Millisecond, "the demo did not show the redirect's result")
	got := map[string]any{}
	require.NoError(t, json.Unmarshal([]byte(shown), &got))
	assert.Equal(t, "true", got["imp_success"])
	assert.Equal(t, merchantUID, got["merchant_uid"])
	assert.Regexp(t, `^imp_\d{12}$`, got["imp_uid"])
	assert.Equal(t, []string{merchantUID + " true"}, eval[[]string](tb,
		`[...document.querySelectorAll("#history tbody tr")].map(tr => tr.dataset.merchantUid + " " + tr.dataset.success)`))
	// On a phone the response card is thousands of pixels down: the result is said at the top.
	assert.False(t, eval[bool](tb, `document.querySelector("#redirect-banner").hidden`))
	assert.Contains(t, eval[string](tb, `document.querySelector("#redirect-banner").textContent`), "Paid")
	assert.Less(t, eval[float64](tb, `document.querySelector("#redirect-banner").getBoundingClientRect().top + scrollY`), 500.0)
	demoScreenshot(tb, "redirect-result", 390, false)
}

func TestDemoWithABackendReachesIt(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	backend := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path+" "+string(body))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/sdk/sandbox/backend.json" {
			io.WriteString(w, `{"ledger": true}`)
			return
		}
		io.WriteString(w, `{"ok": true}`)
	})
	srv := httptest.NewServer(web.New(web.Options{Dist: distDir, Backend: web.At{Handler: backend, Patterns: []string{"/sdk/sandbox/"}}}))
	t.Cleanup(srv.Close)
	tb := newTab(t)
	openDemo(tb, srv.URL+"/")
	demoPoll(tb, "the page tells about the ledger", `!document.querySelector("#ledger-status").hidden`)
	assert.Contains(t, eval[string](tb, `document.querySelector("#ledger-status a").href`), "/sdk/sandbox/payments?merchant_code=imp10391932")

	demoType(tb, "#req-pg", "kakaopay")
	merchantUID := eval[string](tb, `document.querySelector("#req-merchant-uid").value`)
	tb.do(chromedp.Click(chromedp.CSS("#pay")))
	tb.do(imptest.Approve())
	demoPoll(tb, "the payment is shown", `document.querySelector("#response").dataset.state === "success"`)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, s := range seen {
			// The attempt's outcome (CONTRACTS C2.3), or the older record-after-success POST.
			recorded := strings.HasPrefix(s, "POST /sdk/sandbox/payments ") ||
				(strings.HasPrefix(s, "POST /sdk/sandbox/attempts/") && strings.Contains(s, "/outcome "))
			if recorded && strings.Contains(s, merchantUID) {
				return true
			}
		}
		return false
	}, 20*time.Second, 50*time.Millisecond, "the bridge did not record the payment through web's backend route")
}

func TestDemoSaysWhenTheSDKCannotLoad(t *testing.T) {
	onlyBridge := t.TempDir()
	for _, name := range []string{"imp.js", "wasm_exec.js"} {
		data, err := os.ReadFile(filepath.Join(distDir, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(onlyBridge, name), data, 0o644))
	}
	tests := []struct {
		name, dist, want string
	}{
		{"no SDK at all", t.TempDir(), "make dist"},
		{"no wasm module", onlyBridge, "The SDK could not start"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(web.New(web.Options{Dist: tc.dist}))
			t.Cleanup(srv.Close)
			tb := newTab(t)
			tb.open(srv.URL + "/")
			demoPoll(tb, "the page reports the failure", `document.querySelector("#sdk-status").dataset.state === "failed"`)
			status := eval[string](tb, `document.querySelector("#sdk-status").textContent`)
			t.Log(status)
			assert.Contains(t, status, tc.want)
			assert.True(t, eval[bool](tb, `document.querySelector("#pay").disabled`))
			assert.Len(t, eval[[]string](tb, `[...document.querySelectorAll("#setting-list > li[data-setting]")].map(li => li.dataset.setting)`), 3,
				"the saved settings are still shown, to be applied once the SDK loads")
		})
	}
}

// demoScreenshot keeps a screenshot of the demo at a given width when IMPSHIM_ARTIFACTS is set
// (full page, or just the viewport when something is overlaid on it).
func demoScreenshot(tb *tab, name string, width int64, full bool) {
	tb.t.Helper()
	if os.Getenv("IMPSHIM_ARTIFACTS") == "" {
		return
	}
	dir := filepath.Join(artifactsRoot(), unsafeName.ReplaceAllString(tb.t.Name(), "_"))
	require.NoError(tb.t, os.MkdirAll(dir, 0o755))
	tb.do(chromedp.EmulateViewport(width, 900))
	var png []byte
	if full {
		png = run(tb, chromedp.FullScreenshot(100))
	} else {
		png = run(tb, chromedp.CaptureScreenshot())
	}
	require.NoError(tb.t, os.WriteFile(filepath.Join(dir, name+"-"+strconv.FormatInt(width, 10)+".png"), png, 0o644))
	tb.do(chromedp.EmulateViewport(1280, 900))
}
