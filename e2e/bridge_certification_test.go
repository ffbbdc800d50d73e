package e2e

// IMP.certification in the browser (issue 14): a sign-up page verifies an adult in the mock
// window, the merchant's server reads the person over REST at callback time; a minor is refused;
// a phone redirects with success in the query.

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
	"github.com/impshim/impshim/e2e/imptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// certConfig is the demo merchant with an identity-verification setting beside its payment ones.
func certConfig() map[string]any {
	cfg := seedConfig("imp10391932")
	cfg["pg_settings"] = append(cfg["pg_settings"].([]map[string]any),
		map[string]any{"pg": "inicis_unified", "mid": "MIIiasTest", "pay_type": "general", "type": "certification"})
	return cfg
}

// certify calls IMP.certification as a click handler would (a user gesture, so the popup may
// open) and keeps its answer in window.__cert; certResult waits for it.
func certify(tb *tab, params map[string]any) {
	tb.t.Helper()
	js := `(() => { window.__cert = null; IMP.certification(` + string(mustJSON(params)) + `, (r) => { window.__cert = r; }); return 1; })()`
	_, err := chromedp.Run(tb.ctx, chromedp.Evaluate[int](js, func(p *runtime.EvaluateParams) { p.UserGesture = new(true) }))
	require.NoError(tb.t, err)
}

func certResult(tb *tab) map[string]any {
	tb.t.Helper()
	return run(tb, chromedp.Poll[map[string]any](`window.__cert`, chromedp.WithPollingTimeout(20*time.Second)))
}

func TestBridgeCertificationSignUp(t *testing.T) {
	t.Parallel()
	base, token := ledgerServer(t)
	tb := newTab(t)
	openDemo(tb, base+"/")
	configure(tb, certConfig())

	// The adult (the first identity, chosen by default), verified by a click in the popup.
	uid := "signup-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	certify(tb, map[string]any{"merchant_uid": uid, "min_age": 19})
	win := run(tb, imptest.WaitWindow())
	assert.Equal(t, "popup", win.Mode, "on a PC the real SDK opens certification in a popup")
	assert.Equal(t, "inicis_unified", win.PG)
	assert.Contains(t, win.Text, "홍길동")
	assert.Contains(t, win.Text, "만 19세 이상")
	tb.snapshot("certification-window")
	tb.do(imptest.Approve())
	rsp := certResult(tb)
	require.Equal(t, true, rsp["success"], "%v", rsp)
	assert.Equal(t, "certification", rsp["pg_type"])
	assert.Equal(t, uid, rsp["merchant_uid"])
	impUID := rsp["imp_uid"].(string)

	// The merchant's server reads the person at callback time, no waiting.
	var person struct {
		Name      string `json:"name"`
		Birthday  string `json:"birthday"`
		Certified bool   `json:"certified"`
		UniqueKey string `json:"unique_key"`
	}
	require.Equal(t, http.StatusOK, restCall(t, "GET", base+"/certifications/"+impUID, token, nil, &person))
	assert.Equal(t, "홍길동", person.Name)
	assert.Equal(t, "1990-01-01", person.Birthday)
	assert.True(t, person.Certified)
	assert.NotEmpty(t, person.UniqueKey)

	// The minor (identity 1), chosen by setOutcome: refused by min_age, as the real window does.
	eval[bool](tb, `IMP.sandbox.setOutcome({result: 'paid', identity: 1, delay_ms: 0}), true`)
	certify(tb, map[string]any{"merchant_uid": uid + "-minor", "min_age": 19})
	minor := certResult(tb)
	assert.Equal(t, false, minor["success"], "%v", minor)
	assert.NotEmpty(t, minor["error_code"])
	assert.NotEmpty(t, minor["error_msg"])

	// popup: false on a PC: the in-page overlay (docs/sdk.md §9), the same selectors.
	certify(tb, map[string]any{"merchant_uid": uid + "-overlay", "popup": false})
	overlay := run(tb, imptest.WaitWindow())
	assert.Equal(t, "iframe", overlay.Mode, "popup: false keeps the verification in the page")
	tb.snapshot("certification-overlay")
	tb.do(imptest.Approve())
	assert.Equal(t, true, certResult(tb)["success"])

	// English with language "en".
	certify(tb, map[string]any{"merchant_uid": uid + "-en", "language": "en"})
	en := run(tb, imptest.WaitWindow())
	assert.Contains(t, en.Text, "Identity verification")
	tb.snapshot("certification-window-en")
	tb.do(imptest.Cancel())
	assert.Equal(t, false, certResult(tb)["success"])
}

func TestBridgeCertificationPopupBlockedAndPhoneRedirect(t *testing.T) {
	t.Parallel()
	t.Run("no user gesture", func(t *testing.T) {
		t.Parallel()
		tb := newTab(t)
		tb.open("/shop/checkout.html")
		configure(tb, certConfig())
		rsp := eval[map[string]any](tb, `IMP.certification({merchant_uid: 'nogesture'})`)
		assert.Equal(t, "POPUP_BLOCKED", rsp["error_code"])
		assert.Contains(t, rsp["error_msg"], "click handler")
	})
	t.Run("phone", func(t *testing.T) {
		t.Parallel()
		tb := newTab(t)
		tb.do(chromedp.Emulate(device.IPhone13))
		tb.open("/shop/checkout.html")
		configure(tb, certConfig())
		eval[any](tb, `IMP.certification({merchant_uid: 'phone-cert', m_redirect_url: 'landing.html?step=verify'}); null`)
		win := run(tb, imptest.WaitWindow())
		assert.Equal(t, "iframe", win.Mode)
		tb.snapshot("certification-phone")
		tb.do(imptest.Approve())
		q := landing(tb)
		assert.Equal(t, "verify", q.Get("step"))
		assert.Equal(t, "true", q.Get("success"))
		assert.Equal(t, "phone-cert", q.Get("merchant_uid"))
		assert.Regexp(t, `^imps?_\d{12}$`, q.Get("imp_uid"))
	})
}

// The verification window under the CSP the SDK promises to work under (SPEC §2): no inline
// script or style is needed to build the identity list.
func TestBridgeCertificationUnderCSP(t *testing.T) {
	t.Parallel()
	tb := newTab(t)
	tb.do(chromedp.Emulate(device.IPhone13)) // the overlay, inside this page's frame tree
	tb.open("/csp/shop/checkout.html")
	configure(tb, certConfig())
	certify(tb, map[string]any{"merchant_uid": "csp-cert-" + strconv.FormatInt(time.Now().UnixNano(), 36)})
	win := run(tb, imptest.WaitWindow())
	assert.Equal(t, "iframe", win.Mode)
	assert.Contains(t, win.Text, "John Smith")
	tb.do(imptest.Cancel())
	assert.Equal(t, false, certResult(tb)["success"])
	for _, l := range tb.consoleLines() {
		assert.NotContains(t, l, "Content Security Policy")
	}
}
