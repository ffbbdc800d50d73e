package e2e

// The bridge's fidelity to the real V1 SDK object (issue 12): window.IMP as a plain global, every
// function of the real IMP present, and a quiet console on a page with no merchant file.

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
	"github.com/impshim/impshim/e2e/imptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// addScript runs text as a classic script of the page (not through eval, whose declarations are
// not global lexical bindings): the way a merchant's inline <script> runs.
const addScript = `(text) => new Promise((resolve) => {
  const err = [];
  const onErr = (e) => err.push(String(e.message));
  window.addEventListener('error', onErr);
  const s = document.createElement('script');
  s.textContent = text;
  document.head.appendChild(s);
  window.removeEventListener('error', onErr);
  resolve(err.join('; '));
})`

func TestBridgeGlobalIMPIsPlain(t *testing.T) {
	t.Parallel()
	tb := newTab(t)
	tb.open("/shop/checkout.html")
	// A top-level const in a classic script throws "Identifier 'IMP' has already been declared"
	// when window.IMP is non-configurable.
	errs := eval[string](tb, `(`+addScript+`)("const IMP = window.IMP; window.constSeen = typeof IMP.request_pay;")`)
	assert.Empty(t, errs)
	assert.Equal(t, "function", eval[string](tb, `window.constSeen`))
	// var on another page: a page has one or the other (after the const above, var would clash).
	tb.open("/shop/checkout.html")
	errs = eval[string](tb, `(`+addScript+`)("var IMP = window.IMP; window.varSeen = IMP === window.IMP;")`)
	assert.Empty(t, errs)
	assert.True(t, eval[bool](tb, `window.varSeen`))
	assert.True(t, eval[bool](tb, `Object.getOwnPropertyDescriptor(window, 'IMP').writable`))

	// Loaded twice: the first copy stays and the console says to drop the second tag.
	require.True(t, eval[bool](tb, `(async () => {
	  const first = window.IMP;
	  await new Promise((res, rej) => { const s = document.createElement('script'); s.src = '../static/impshim/imp.js?again'; s.onload = res; s.onerror = rej; document.head.appendChild(s); });
	  return window.IMP === first;
	})()`))
	assert.True(t, waitLine(tb, "imp.js was loaded twice; keeping the first copy"))
}

func TestBridgeUnsimulatedFunctions(t *testing.T) {
	t.Parallel()
	tb := newTab(t)
	tb.open("/shop/checkout.html")
	names := eval[[]string](tb, `['init','agency','request_pay','certification','close','communicate','loadUI','updateLoadUIRequest','loadModule','naver_zzim'].filter((n) => typeof IMP[n] !== 'function')`)
	assert.Empty(t, names, "functions of the real IMP object missing")

	rsp := eval[map[string]any](tb, `new Promise((resolve) => IMP.loadUI('paypal-spb', {pg: 'paypal_v2', merchant_uid: 'pp_1', amount: 1, currency: 'USD'}, resolve))`)
	assert.Equal(t, false, rsp["success"])
	assert.Equal(t, "NOT_SIMULATED", rsp["error_code"])
	assert.Equal(t, "pp_1", rsp["merchant_uid"])
	assert.Contains(t, rsp["error_msg"], "IMP.loadUI is not simulated")
	msg := eval[string](tb, `IMP.loadModule('paypal', {userCode: 'imp1'}).then(() => 'resolved', (e) => e.message)`)
	assert.Contains(t, msg, "IMP.loadModule is not simulated")
	// The rest of the page's script runs on.
	assert.Equal(t, "ran", eval[string](tb, `IMP.communicate({result: 'process'}); IMP.updateLoadUIRequest('paypal-spb', {}); IMP.naver_zzim({naverProducts: []}); 'ran'`))
	for _, name := range []string{"loadUI", "loadModule", "communicate", "updateLoadUIRequest", "naver_zzim"} {
		assert.True(t, waitLine(tb, "[impshim] IMP."+name+" is not simulated"), name)
	}
}

func TestBridgeNoMerchantFileOneConsoleLine(t *testing.T) {
	t.Parallel()
	tb := newTab(t)
	tb.open("/shop/checkout.html")
	eval[bool](tb, `IMP.init('imp00000404'), IMP.sandbox.ready.then(() => true)`)
	require.True(t, waitLine(tb, "using the built-in sandbox merchant"))
	var ours []string
	for _, l := range tb.consoleLines() {
		if strings.Contains(l, "[impshim]") {
			ours = append(ours, l)
		}
	}
	require.Len(t, ours, 1, "the console: %q", ours)
	assert.Contains(t, ours[0], "using the built-in sandbox merchant")
	assert.Contains(t, ours[0], "/static/impshim/merchants/imp00000404.json")
	assert.NotContains(t, ours[0], "LEGACY_PG_CODE")
}

// waitLine waits (bounded) for a console line containing sub: console events reach the test
// over the DevTools connection, after the evaluation that caused them may have returned.
func waitLine(tb *tab, sub string) bool {
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, l := range tb.consoleLines() {
			if strings.Contains(l, sub) {
				return true
			}
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A relative m_redirect_url (issue 12): on a desktop it is never used and the payment goes on; on
// a phone the page navigates to it, resolved against the page's URL as a browser would.
func TestBridgeRelativeRedirectURL(t *testing.T) {
	t.Parallel()
	t.Run("desktop", func(t *testing.T) {
		t.Parallel()
		tb := newTab(t)
		tb.open("/shop/checkout.html")
		configure(tb, seedConfig("imp10391932"))
		tb.do(imptest.Pay(order(t, map[string]any{"m_redirect_url": "landing.html?step=2"})))
		win := run(tb, imptest.WaitWindow())
		assert.Equal(t, "iframe", win.Mode)
		tb.do(imptest.Approve())
		assert.True(t, run(tb, imptest.Result()).Success)
	})
	t.Run("phone", func(t *testing.T) {
		t.Parallel()
		tb := newTab(t)
		tb.do(chromedp.Emulate(device.IPhone13))
		tb.open("/shop/checkout.html")
		configure(tb, seedConfig("imp10391932"))
		params := order(t, map[string]any{"m_redirect_url": "landing.html?step=2"})
		eval[any](tb, `IMP.request_pay(`+string(mustJSON(params))+`); null`)
		tb.do(imptest.Approve())
		q := landing(tb)
		assert.Equal(t, "2", q.Get("step"))
		assert.Equal(t, "true", q.Get("imp_success"))
		assert.Equal(t, params["merchant_uid"], q.Get("merchant_uid"))
		assert.Equal(t, siteURL+"/shop/landing.html", eval[string](tb, `location.origin + location.pathname`))
	})
}
