package e2e

// payments/prepare in a browser (issue 18): an amount registered by the merchant's server is
// checked before the window opens — another amount gets no window, the registered one pays.

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/impshim/impshim/e2e/imptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLedgerPreparedAmountStopsTheWindow(t *testing.T) {
	t.Parallel()
	base, token := ledgerServer(t)
	merchantUID := "prep-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	var prepared struct {
		MerchantUID string  `json:"merchant_uid"`
		Amount      float64 `json:"amount"`
	}
	require.Equal(t, http.StatusOK, restCall(t, "POST", base+"/payments/prepare", token,
		map[string]any{"merchant_uid": merchantUID, "amount": 12000}, &prepared))
	require.Equal(t, 12000.0, prepared.Amount)

	tb := newTab(t)
	openDemo(tb, base+"/")
	// A tampered amount: refused by the server before any window, as the real service stops the PG window.
	tb.do(imptest.Pay(map[string]any{"pg": "html5_inicis", "amount": 1200, "merchant_uid": merchantUID}))
	refused := run(tb, imptest.Result())
	assert.False(t, refused.Success)
	assert.Equal(t, "PREPARED_AMOUNT_MISMATCH", refused.ErrorCode, "%v", refused.Raw)
	assert.Contains(t, refused.ErrorMsg, "12000")
	assert.Empty(t, refused.ImpUID)
	assert.False(t, run(tb, imptest.Visible()), "no window for a refused attempt")
	var none ledgerPayment
	assert.Equal(t, http.StatusNotFound, restCall(t, "GET", base+"/payments/find/"+merchantUID, token, nil, &none),
		"nothing is recorded for the refused attempt")

	// The registered amount opens the window and pays.
	tb.do(imptest.Pay(map[string]any{"pg": "html5_inicis", "amount": 12000, "merchant_uid": merchantUID}))
	run(tb, imptest.WaitWindow())
	tb.do(imptest.Approve())
	paid := run(tb, imptest.Result())
	require.True(t, paid.Success, "%v", paid.Raw)
	var got ledgerPayment
	require.Equal(t, http.StatusOK, restCall(t, "GET", base+"/payments/"+paid.ImpUID, token, nil, &got))
	assert.Equal(t, ledgerPayment{ImpUID: paid.ImpUID, MerchantUID: merchantUID, Amount: 12000, Status: "paid"}, got)
}
