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
