package e2e

import (
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/impshim/impshim/e2e/imptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Helpers shared by the suite's tests: a checkout page with the seed merchant, and payments
// through imptest.

// shopTab opens the fixture checkout page under a site mode prefix ("" for the plain site).
func shopTab(t *testing.T, prefix string) *tab {
	tb := newTab(t)
	tb.open(prefix + "/shop/checkout.html")
	return tb
}

// seedShop is a checkout page configured with the seed's three settings.
func seedShop(t *testing.T) *tab {
	tb := shopTab(t, "")
	configure(tb, seedConfig("imp10391932"))
	return tb
}

var uidSeq atomic.Int64

// uid returns a merchant_uid no other payment of this run uses.
func uid(t *testing.T) string {
	return fmt.Sprintf("e2e_%d_%d", uidSeq.Add(1), len(t.Name()))
}

// order is a valid request of the seed's examples; extra fields override or add.
func order(t *testing.T, extra map[string]any) map[string]any {
	p := map[string]any{
		"pg": "html5_inicis", "amount": 1000, "name": "Sample order",
		"buyer_name": "Buyer", "buyer_email": "buyer@iamport.kr", "merchant_uid": uid(t),
	}
	for k, v := range extra {
		if v == nil {
			delete(p, k)
		} else {
			p[k] = v
		}
	}
	return p
}

// payRejected makes a request that must fail its checks: the response comes without a window.
func payRejected(tb *tab, params any) imptest.Response {
	tb.t.Helper()
	tb.do(imptest.Pay(params))
	resp := run(tb, imptest.Result())
	assert.False(tb.t, resp.Success, "expected an error response, got %+v", resp.Raw)
	assert.False(tb.t, resp.ImpSuccess)
	assert.Equal(tb.t, "failed", resp.Status, "status of %+v", resp.Raw)
	assert.Nil(tb.t, resp.Raw["imp_uid"], "imp_uid must be null when no window opened: %+v", resp.Raw)
	assert.NotEmpty(tb.t, resp.ErrorMsg, "error_msg must say what to change: %+v", resp.Raw)
	assert.False(tb.t, run(tb, imptest.Visible()), "a window opened for a request that failed its checks")
	return resp
}

// payApproved pays and approves in the window, requiring success.
func payApproved(tb *tab, params any) imptest.Response {
	tb.t.Helper()
	tb.do(imptest.Pay(params), imptest.Approve())
	resp := run(tb, imptest.Result())
	require.True(tb.t, resp.Success, "payment failed: %+v", resp.Raw)
	return resp
}

// callbackCount is how many times the callback of the last imptest.Pay ran.
func callbackCount(tb *tab) int {
	tb.t.Helper()
	return eval[int](tb, `window.__imptest.runs[window.__imptest.last].callbacks.length`)
}

// promiseResult is what the Promise of the last imptest.Pay resolved to (null while pending).
func promiseResult(tb *tab) map[string]any {
	tb.t.Helper()
	raw := eval[[]byte](tb, `window.__imptest.runs[window.__imptest.last].result`)
	var m map[string]any
	require.NoError(tb.t, json.Unmarshal(raw, &m))
	return m
}

// warningCodes lists the codes of a trace's warnings, in order.
func warningCodes(tr imptest.Trace) []string {
	var codes []string
	for _, w := range tr.Warnings {
		codes = append(codes, w.Code)
	}
	return codes
}

// mustJSON is JSON text for embedding Go values in page scripts.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string { return string(mustJSON(s)) }

// windowDocJS is a JavaScript expression for the document of the overlay that shows a payment
// (the SDK may keep a hidden spare overlay beside it), or null.
const windowDocJS = `[...document.querySelectorAll("iframe")].map((f) => f.contentDocument)
	.find((d) => d && d.querySelector("[data-impshim=window]:not([hidden])"))`
