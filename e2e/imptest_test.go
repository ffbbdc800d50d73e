package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/impshim/impshim/e2e/imptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestImptestDiagnostics: when the helper cannot do what it is asked, its error says why.
func TestImptestDiagnostics(t *testing.T) {
	t.Parallel()
	tb := seedShop(t)

	short, cancel := context.WithTimeout(tb.ctx, 500*time.Millisecond)
	_, err := chromedp.Run(short, imptest.WaitWindow())
	cancel()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no visible [data-impshim=window]")
	assert.ErrorIs(t, err, context.DeadlineExceeded, "a merchant's test can tell a timeout from a failure")

	_, err = chromedp.Run(tb.ctx, imptest.Result())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "without a Pay")

	// A page element on top of the overlay: a person could not click either.
	tb.do(imptest.Pay(order(t, nil)))
	run(tb, imptest.WaitWindow())
	eval[any](tb, `(() => { const d = document.createElement("div"); d.id = "cookie-banner";
		d.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(0,0,0,.1)"; document.body.append(d); })()`)
	err = chromedp.Do(tb.ctx, imptest.Approve())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "covered by <div>")
	assert.Equal(t, 0, callbackCount(tb), "nothing was clicked")

	eval[any](tb, `document.getElementById("cookie-banner").remove()`)
	tb.do(imptest.Approve())
	assert.True(t, run(tb, imptest.Result()).Success)
}

// TestImptestSetOutcomeSends: what SetOutcome hands to IMP.sandbox.setOutcome, read by a stand-in
// IMP on a page without the SDK. DelayMS nil leaves the SDK's default; new(0) must arrive as 0
// ("at once"), not be dropped as an empty field.
func TestImptestSetOutcomeSends(t *testing.T) {
	t.Parallel()
	tb := newTab(t)
	tb.open("/shop/landing.html")
	eval[any](tb, `window.IMP = {sandbox: {setOutcome(o) { window.sent = JSON.stringify(o); }}}; null`)
	cases := []struct {
		outcome imptest.Outcome
		want    string
	}{
		{imptest.Outcome{Result: "paid"}, `{"result":"paid"}`},
		{imptest.Outcome{Result: "paid", DelayMS: new(0)}, `{"result":"paid","delay_ms":0}`},
		{imptest.Outcome{Result: "failed", ErrorCode: "F400", ErrorMsg: "한도초과", DelayMS: new(1500)},
			`{"result":"failed","error_code":"F400","error_msg":"한도초과","delay_ms":1500}`},
		{imptest.Outcome{Result: "paid", Identity: new(0), CardQuota: new(3)}, `{"result":"paid","identity":0,"card_quota":3}`},
	}
	for _, c := range cases {
		tb.do(imptest.SetOutcome(c.outcome))
		assert.JSONEq(t, c.want, eval[string](tb, `window.sent`), "%+v", c.outcome)
	}
}
