package e2e

// The server-side half of a checkout (issue #8): the browser pays through the SDK served by
// `make run`'s server, and the merchant's own server — a plain Go HTTP client here — verifies the
// payment over the i'mport V1 REST API, cancels it, and hears both changes on its notice_url.

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/ledger"
)

// webhookSink is the merchant's notice_url: it keeps every JSON body posted to it.
type webhookSink struct {
	mu     sync.Mutex
	bodies []map[string]any
}

func (s *webhookSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body map[string]any
	if json.NewDecoder(r.Body).Decode(&body) == nil {
		s.mu.Lock()
		s.bodies = append(s.bodies, body)
		s.mu.Unlock()
	}
	w.WriteHeader(http.StatusOK)
}

func (s *webhookSink) statuses(impUID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, b := range s.bodies {
		if b["imp_uid"] == impUID {
			out = append(out, b["status"].(string))
		}
	}
	return out
}

// restCall sends one request to the V1 REST API and decodes its envelope's response.
func restCall(t *testing.T, method, url, token string, body any, into any) int {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequest(method, url, rd)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var env struct {
		Code     int             `json:"code"`
		Message  *string         `json:"message"`
		Response json.RawMessage `json:"response"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&env))
	if into != nil && env.Code == 0 {
		require.NoError(t, json.Unmarshal(env.Response, into))
	}
	return res.StatusCode
}

func TestLedgerVerifyCancelAndWebhooks(t *testing.T) {
	t.Parallel()
	srv := ledgerSite(t, ledger.Options{WebhookBackoff: 10 * time.Millisecond})
	sink := &webhookSink{}
	hook := httptest.NewServer(sink)
	t.Cleanup(hook.Close)

	// The browser: the demo merchant, whose settings the server holds, pays 1,500 won with Kakao Pay.
	tb := newTab(t)
	openDemo(tb, srv.URL+"/")
	merchantUID := "ledger-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	resp := eval[map[string]any](tb, `(async () => {
		IMP.sandbox.setOutcome({result: "paid", delay_ms: 0});
		return IMP.request_pay({pg: "kakaopay", amount: 1500, name: "Ledger order",
			merchant_uid: `+strconv.Quote(merchantUID)+`, notice_url: `+strconv.Quote(hook.URL)+`});
	})()`)
	require.Equal(t, true, resp["success"], "payment: %v", resp)
	impUID := resp["imp_uid"].(string)

	// The merchant's server: a token, then the payment by imp_uid, checked against the order.
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.Equal(t, http.StatusOK, restCall(t, "POST", srv.URL+"/users/getToken", "",
		map[string]string{"imp_key": ledger.DemoKeys.ImpKey, "imp_secret": ledger.DemoKeys.ImpSecret}, &tok))
	require.NotEmpty(t, tok.AccessToken)
	assert.Equal(t, http.StatusUnauthorized, restCall(t, "GET", srv.URL+"/payments/"+impUID, "", nil, nil),
		"a request without a token is refused")

	type payment struct {
		ImpUID       string  `json:"imp_uid"`
		MerchantUID  string  `json:"merchant_uid"`
		Amount       float64 `json:"amount"`
		CancelAmount float64 `json:"cancel_amount"`
		Status       string  `json:"status"`
		PGProvider   string  `json:"pg_provider"`
	}
	var got payment
	// The bridge records the payment without delaying the callback, so it lands a moment later.
	require.Eventually(t, func() bool {
		return restCall(t, "GET", srv.URL+"/payments/"+impUID, tok.AccessToken, nil, &got) == http.StatusOK
	}, 20*time.Second, 50*time.Millisecond, "the payment never reached the server's ledger")
	assert.Equal(t, payment{ImpUID: impUID, MerchantUID: merchantUID, Amount: 1500, Status: "paid", PGProvider: "kakaopay"}, got)

	var found payment
	require.Equal(t, http.StatusOK, restCall(t, "GET", srv.URL+"/payments/find/"+merchantUID, tok.AccessToken, nil, &found))
	assert.Equal(t, impUID, found.ImpUID)

	// A wrong checksum changes nothing (the real API's business refusal: HTTP 200, code 1, no
	// response); a full cancel with the right one does, and with enable_webhook it is announced.
	var refused payment
	require.Equal(t, http.StatusOK, restCall(t, "POST", srv.URL+"/payments/cancel", tok.AccessToken,
		map[string]any{"imp_uid": impUID, "amount": 500, "checksum": 999, "reason": "test"}, &refused))
	assert.Empty(t, refused.ImpUID)
	var cancelled payment
	require.Equal(t, http.StatusOK, restCall(t, "POST", srv.URL+"/payments/cancel", tok.AccessToken,
		map[string]any{"imp_uid": impUID, "checksum": 1500, "reason": "customer asked", "enable_webhook": true}, &cancelled))
	assert.Equal(t, "cancelled", cancelled.Status)
	assert.Equal(t, 1500.0, cancelled.CancelAmount)

	// The notice_url heard the payment and the cancel. Each webhook is delivered on its own, so, as with
	// the real service, their order is not promised: a merchant's handler re-reads the payment by imp_uid.
	require.Eventually(t, func() bool { return len(sink.statuses(impUID)) >= 2 }, 20*time.Second, 50*time.Millisecond,
		"webhooks: %v", sink.statuses(impUID))
	assert.ElementsMatch(t, []string{"paid", "cancelled"}, sink.statuses(impUID))
}
