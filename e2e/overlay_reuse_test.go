package e2e

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/impshim/impshim/e2e/imptest"
	"github.com/impshim/impshim/ledger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOverlayReusedBackToBack: the SDK keeps a finished overlay, hidden, for the next request
// (issue 17). Back-to-back payments — clicked, completed by setOutcome, cancelled from the page
// with IMP.close (which the window does not see coming) — each get a working window in the one
// iframe; between them no window shows, the iframe is hidden from sight and from assistive
// technology, and the merchant page's history has not grown (its Back button still leaves the
// page). With imp.js on the page's origin, on another origin, and on another site (the iframe
// then in its own process).
func TestOverlayReusedBackToBack(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{"", "/cdn", "/xsite"} {
		t.Run("sdk at "+prefix+"/", func(t *testing.T) {
			t.Parallel()
			tb := shopTab(t, prefix)
			configure(tb, seedConfig("imp_cdn"))
			history := eval[int](tb, `history.length`)
			between := func(what string) {
				t.Helper()
				assert.False(t, run(tb, imptest.Visible()), "%s: no window shows between payments", what)
				frames := eval[[]string](tb, `[...document.querySelectorAll("iframe")].map((f) => [getComputedStyle(f).display, f.getAttribute("aria-hidden"), f.tabIndex].join(" "))`)
				assert.Equal(t, []string{"none true -1"}, frames, "%s: one iframe, parked", what)
				assert.Equal(t, history, eval[int](tb, `history.length`), "%s: no history entry", what)
			}

			tb.do(imptest.Pay(order(t, nil)))
			first := run(tb, imptest.WaitWindow())
			assert.Equal(t, "iframe", first.Mode)
			tb.do(imptest.Approve())
			require.True(t, run(tb, imptest.Result()).Success)
			between("after a click")

			tb.do(imptest.SetOutcome(imptest.Outcome{Result: "paid", DelayMS: new(0)}), imptest.Pay(order(t, map[string]any{"pg": "kakaopay"})))
			resp := run(tb, imptest.Result())
			require.True(t, resp.Success, "%+v", resp.Raw)
			assert.Equal(t, "kakaopay", resp.PGProvider)
			between("after setOutcome")

			tb.do(imptest.Pay(order(t, map[string]any{"pg": "html5_inicis.MID-b", "amount": 2500})))
			win := run(tb, imptest.WaitWindow())
			assert.Equal(t, "MID-b", win.MID, "the reused window shows this request, not the last one")
			assert.Equal(t, "₩2,500", win.AmountText)
			_, err := chromedp.Run(tb.ctx, chromedp.Evaluate[chromedp.Void](`IMP.close()`))
			require.NoError(t, err)
			assert.Equal(t, "USER_CANCEL", run(tb, imptest.Result()).ErrorCode)
			between("after IMP.close")

			tb.do(imptest.Pay(order(t, nil)), imptest.Fail())
			assert.Equal(t, "PG_FAILED", run(tb, imptest.Result()).ErrorCode)
			between("after Fail")
		})
	}
}

// TestBridgeLedgerSandboxClock: a merchant moved its sandbox clock a month ahead (POST
// /sandbox/clock). A buyer pays in the window; the callback's paid_at and the REST answer's
// started_at and paid_at are all on that clock, the same second — not the browser's real time.
func TestBridgeLedgerSandboxClock(t *testing.T) {
	t.Parallel()
	base, token := ledgerServer(t)
	var moved struct {
		Now int64 `json:"now"`
	}
	require.Equal(t, http.StatusOK, restCall(t, "POST", base+"/sandbox/clock", token, map[string]any{"advance_s": 30 * 24 * 3600}, &moved))
	require.Greater(t, moved.Now, time.Now().Unix()+29*24*3600)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.Equal(t, http.StatusOK, restCall(t, "POST", base+"/users/getToken", "",
		map[string]string{"imp_key": ledger.DemoKeys.ImpKey, "imp_secret": ledger.DemoKeys.ImpSecret}, &tok))

	tb := newTab(t)
	openDemo(tb, base+"/")
	tb.do(imptest.SetOutcome(imptest.Outcome{Result: "paid", DelayMS: new(0)}),
		imptest.Pay(map[string]any{"pg": "kakaopay", "amount": 2500, "name": "Clock order", "merchant_uid": "clock-" + strconv.FormatInt(time.Now().UnixNano(), 36)}))
	resp := run(tb, imptest.Result())
	require.True(t, resp.Success, "%+v", resp.Raw)

	var p struct {
		StartedAt int64 `json:"started_at"`
		PaidAt    int64 `json:"paid_at"`
	}
	require.Equal(t, http.StatusOK, restCall(t, "GET", base+"/payments/"+resp.ImpUID, tok.AccessToken, nil, &p))
	assert.GreaterOrEqual(t, p.PaidAt, moved.Now, "paid_at on the moved clock")
	assert.GreaterOrEqual(t, p.StartedAt, moved.Now, "started_at on the moved clock")
	assert.Equal(t, p.PaidAt, resp.PaidAt, "the callback says what the merchant's server reads")
}
