package e2e

// The window approves through the server (CONTRACTS C2, issue 18): the attempt is in the ledger
// before the window opens, the window page approves from the server's own origin, and the
// callback comes only after the ledger recorded the outcome — so a merchant's server that verifies
// at callback time finds the payment.

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/impshim/impshim/e2e/imptest"
	"github.com/impshim/impshim/ledger"
	"github.com/impshim/impshim/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type ledgerPayment struct {
	ImpUID      string  `json:"imp_uid"`
	MerchantUID string  `json:"merchant_uid"`
	Amount      float64 `json:"amount"`
	Status      string  `json:"status"`
	FailReason  *string `json:"fail_reason"`
}

// ledgerSite is make run's server in-process: the demo page, dist/ and an in-memory ledger.
func ledgerSite(t *testing.T, opts ledger.Options) *httptest.Server {
	t.Helper()
	store, err := ledger.Open(":memory:")
	require.NoError(t, err)
	api := ledger.NewAPI(store, nil, opts)
	t.Cleanup(func() { api.Close(); store.Close() })
	srv := httptest.NewServer(web.New(web.Options{Dist: distDir, Backend: api}))
	t.Cleanup(srv.Close)
	return srv
}

// ledgerServer is `make run`'s server with an in-memory ledger, and a REST token for the demo merchant.
func ledgerServer(t *testing.T) (url, token string) {
	t.Helper()
	srv := ledgerSite(t, ledger.Options{})
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.Equal(t, http.StatusOK, restCall(t, "POST", srv.URL+"/users/getToken", "",
		map[string]string{"imp_key": ledger.DemoKeys.ImpKey, "imp_secret": ledger.DemoKeys.ImpSecret}, &tok))
	return srv.URL, tok.AccessToken
}

func TestBridgeLedgerWindowApprovesThroughTheServer(t *testing.T) {
	t.Parallel()
	base, token := ledgerServer(t)
	tb := newTab(t)
	openDemo(tb, base+"/")
	merchantUID := "bridge-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	params := map[string]any{"pg": "kakaopay", "amount": 2500, "name": "Ledger order", "merchant_uid": merchantUID}

	tb.do(imptest.Pay(params))
	win := run(tb, imptest.WaitWindow())
	require.NotEmpty(t, win.PG)
	// While the window is open the attempt exists, as ready.
	var found ledgerPayment
	require.Equal(t, http.StatusOK, restCall(t, "GET", base+"/payments/find/"+merchantUID+"/", token, nil, &found))
	assert.Equal(t, "ready", found.Status, "the attempt is in the ledger before anyone clicks")

	tb.do(imptest.Approve())
	resp := run(tb, imptest.Result())
	require.True(t, resp.Success, "%v", resp.Raw)
	assert.Equal(t, found.ImpUID, resp.ImpUID)
	// At callback time, no waiting: the server already has it as paid.
	var got ledgerPayment
	require.Equal(t, http.StatusOK, restCall(t, "GET", base+"/payments/"+resp.ImpUID, token, nil, &got))
	assert.Equal(t, ledgerPayment{ImpUID: resp.ImpUID, MerchantUID: merchantUID, Amount: 2500, Status: "paid"}, got)
	for _, l := range tb.consoleLines() {
		assert.NotContains(t, l, "sandbox ledger", "no ledger warning on the happy path")
	}

	// A reload forgets the page, not the ledger: the same merchant_uid is refused before any window.
	openDemo(tb, base+"/")
	tb.do(imptest.Pay(params))
	again := run(tb, imptest.Result())
	assert.Equal(t, "F1002", again.ErrorCode, "%v", again.Raw)
	assert.Empty(t, again.ImpUID)
	assert.False(t, run(tb, imptest.Visible()), "no window for a refused attempt")
}

func TestBridgeLedgerCancelledAndAutomatedAttempts(t *testing.T) {
	t.Parallel()
	base, token := ledgerServer(t)
	tb := newTab(t)
	openDemo(tb, base+"/")

	// A buyer who cancels: the attempt is failed over REST, with the cancel as its reason.
	cancelled := "bridge-c-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	tb.do(imptest.Pay(map[string]any{"amount": 1000, "merchant_uid": cancelled}))
	run(tb, imptest.WaitWindow())
	tb.do(imptest.Cancel())
	resp := run(tb, imptest.Result())
	assert.Equal(t, "USER_CANCEL", resp.ErrorCode)
	var got ledgerPayment
	require.Equal(t, http.StatusOK, restCall(t, "GET", base+"/payments/"+resp.ImpUID, token, nil, &got))
	assert.Equal(t, "failed", got.Status)
	if assert.NotNil(t, got.FailReason) {
		assert.NotEmpty(t, *got.FailReason)
	}

	// setOutcome completes through the window, which approves as a click would: paid on the server.
	auto := "bridge-a-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	tb.do(imptest.SetOutcome(imptest.Outcome{Result: "paid", DelayMS: new(0)}))
	tb.do(imptest.Pay(map[string]any{"amount": 3000, "merchant_uid": auto}))
	paid := run(tb, imptest.Result())
	require.True(t, paid.Success, "%v", paid.Raw)
	require.Equal(t, http.StatusOK, restCall(t, "GET", base+"/payments/"+paid.ImpUID, token, nil, &got))
	assert.Equal(t, "paid", got.Status)
	assert.Equal(t, 3000.0, got.Amount)
}

// imptest.IssueBillingKey registers a card in the page, and the key is on the server when it
// returns (issue 13: "imptest can issue a billing key in a test").
func TestImptestIssueBillingKey(t *testing.T) {
	t.Parallel()
	base, token := ledgerServer(t)
	tb := newTab(t)
	openDemo(tb, base+"/")
	customerUID := "imptest_" + strconv.FormatInt(time.Now().UnixNano(), 36)

	rsp := run(tb, imptest.IssueBillingKey(imptest.BillingKey{PG: "html5_inicis.MID-b", CustomerUID: customerUID,
		Params: map[string]any{"buyer_name": "홍길동"}}))
	assert.Equal(t, customerUID, rsp.CustomerUID)
	var key struct {
		PGID         string `json:"pg_id"`
		CustomerName string `json:"customer_name"`
	}
	require.Equal(t, http.StatusOK, restCall(t, "GET", base+"/subscribe/customers/"+customerUID, token, nil, &key),
		"the key is on the server when IssueBillingKey returns")
	assert.Equal(t, "MID-b", key.PGID)
	assert.Equal(t, "홍길동", key.CustomerName)

	// A refusal comes back as an error that names the code.
	_, err := chromedp.Run(tb.ctx, imptest.IssueBillingKey(imptest.BillingKey{PG: "html5_inicis.MID-b", CustomerUID: customerUID,
		Params: map[string]any{"merchant_uid": 12}}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "INVALID_MERCHANT_UID")
	_, err = chromedp.Run(tb.ctx, imptest.IssueBillingKey(imptest.BillingKey{PG: "html5_inicis.MID-b"}))
	assert.ErrorContains(t, err, "needs a CustomerUID")
}
