package e2e

// Issue 13 end to end: the buyer registers a card in the browser (request_pay with
// customer_uid on the seed's subscription MID, html5_inicis.MID-b), and the merchant's server —
// a plain Go HTTP client here — finds the billing key, charges it, verifies and cancels the
// charge, books three monthly charges, moves the sandbox clock past two, hears both on its
// notice_url, and takes the third back.

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/ledger"
)

func TestBillingKeyIssuedInTheBrowserThenChargedAndScheduled(t *testing.T) {
	t.Parallel()
	srv := ledgerSite(t, ledger.Options{WebhookBackoff: 10 * time.Millisecond})
	sink := &webhookSink{}
	hook := httptest.NewServer(sink)
	t.Cleanup(hook.Close)

	// The browser: the seed merchant's page registers a card, amount 0 (issue only).
	tb := newTab(t)
	openDemo(tb, srv.URL+"/")
	stamp := strconv.FormatInt(time.Now().UnixNano(), 36)
	customerUID := "gildong_" + stamp
	resp := eval[map[string]any](tb, `(async () => {
		IMP.sandbox.setOutcome({result: "paid", delay_ms: 0});
		return IMP.request_pay({pg: "html5_inicis.MID-b", pay_method: "card", amount: 0, name: "정기결제 카드 등록",
			merchant_uid: "issue_`+stamp+`", customer_uid: `+strconv.Quote(customerUID)+`,
			buyer_name: "홍길동", buyer_email: "gildong@example.com", buyer_tel: "010-1234-5678"});
	})()`)
	require.Equal(t, true, resp["success"], "registering the card: %v", resp)
	assert.Equal(t, customerUID, resp["customer_uid"])
	trace := eval[map[string]any](tb, `IMP.sandbox.lastTrace()`)
	assert.Equal(t, "R1", trace["rule"], "html5_inicis.MID-b picks the subscription setting: %v", trace)

	// The merchant's server.
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.Equal(t, http.StatusOK, restCall(t, "POST", srv.URL+"/users/getToken", "",
		map[string]string{"imp_key": ledger.DemoKeys.ImpKey, "imp_secret": ledger.DemoKeys.ImpSecret}, &tok))
	token := tok.AccessToken

	var key struct {
		CustomerUID  string `json:"customer_uid"`
		PGProvider   string `json:"pg_provider"`
		PGID         string `json:"pg_id"`
		CardNumber   string `json:"card_number"`
		CustomerName string `json:"customer_name"`
	}
	require.Eventually(t, func() bool {
		return restCall(t, "GET", srv.URL+"/subscribe/customers/"+customerUID, token, nil, &key) == http.StatusOK
	}, 20*time.Second, 50*time.Millisecond, "the billing key never reached the server")
	assert.Equal(t, "MID-b", key.PGID)
	assert.Equal(t, "html5_inicis", key.PGProvider)
	assert.Equal(t, "홍길동", key.CustomerName)
	assert.NotEmpty(t, key.CardNumber)

	type payment struct {
		ImpUID      string  `json:"imp_uid"`
		MerchantUID string  `json:"merchant_uid"`
		Amount      float64 `json:"amount"`
		Status      string  `json:"status"`
		PGID        string  `json:"pg_id"`
		CustomerUID string  `json:"customer_uid"`
	}
	// Charge it now; verify and cancel the charge like any payment.
	var charged payment
	require.Equal(t, http.StatusOK, restCall(t, "POST", srv.URL+"/subscribe/payments/again", token, map[string]any{
		"customer_uid": customerUID, "merchant_uid": "again_" + stamp, "amount": 8900, "name": "월간 이용권", "notice_url": hook.URL}, &charged))
	require.Equal(t, "paid", charged.Status)
	var verified payment
	require.Equal(t, http.StatusOK, restCall(t, "GET", srv.URL+"/payments/"+charged.ImpUID, token, nil, &verified))
	assert.Equal(t, payment{ImpUID: charged.ImpUID, MerchantUID: "again_" + stamp, Amount: 8900, Status: "paid", PGID: "MID-b", CustomerUID: customerUID}, verified)
	var cancelled payment
	require.Equal(t, http.StatusOK, restCall(t, "POST", srv.URL+"/payments/cancel", token,
		map[string]any{"imp_uid": charged.ImpUID, "checksum": 8900, "reason": "first month free"}, &cancelled))
	assert.Equal(t, "cancelled", cancelled.Status)

	// Book three monthly charges on the merchant's clock; move it past two.
	var clock struct {
		Now int64 `json:"now"`
	}
	require.Equal(t, http.StatusOK, restCall(t, "GET", srv.URL+"/sandbox/clock", token, nil, &clock))
	const month = 30 * 24 * 3600
	var schedules []map[string]any
	for i := 1; i <= 3; i++ {
		schedules = append(schedules, map[string]any{"merchant_uid": "monthly_" + stamp + "_" + strconv.Itoa(i),
			"schedule_at": clock.Now + int64(i)*month, "amount": 8900, "name": "월간 이용권 정기결제", "notice_url": hook.URL})
	}
	var booked []map[string]any
	require.Equal(t, http.StatusOK, restCall(t, "POST", srv.URL+"/subscribe/payments/schedule", token,
		map[string]any{"customer_uid": customerUID, "schedules": schedules}, &booked))
	require.Len(t, booked, 3)
	var moved struct {
		Now int64            `json:"now"`
		Ran []map[string]any `json:"ran"`
	}
	require.Equal(t, http.StatusOK, restCall(t, "POST", srv.URL+"/sandbox/clock", token, map[string]any{"advance_s": 2*month + 3600}, &moved))
	require.Len(t, moved.Ran, 2, "two schedules fell due")
	require.Equal(t, http.StatusOK, restCall(t, "POST", srv.URL+"/users/getToken", "",
		map[string]string{"imp_key": ledger.DemoKeys.ImpKey, "imp_secret": ledger.DemoKeys.ImpSecret}, &tok))
	token = tok.AccessToken // the old one expired on the same clock

	for i, ran := range moved.Ran {
		impUID := ran["imp_uid"].(string)
		var p payment
		require.Equal(t, http.StatusOK, restCall(t, "GET", srv.URL+"/payments/"+impUID, token, nil, &p))
		assert.Equal(t, "paid", p.Status, "scheduled charge %d", i+1)
		assert.Equal(t, "monthly_"+stamp+"_"+strconv.Itoa(i+1), p.MerchantUID)
		require.Eventually(t, func() bool { return len(sink.statuses(impUID)) >= 1 }, 20*time.Second, 50*time.Millisecond,
			"the webhook of %s", impUID)
		assert.Equal(t, []string{"paid"}, sink.statuses(impUID))
	}
	var third map[string]any
	require.Equal(t, http.StatusOK, restCall(t, "GET", srv.URL+"/subscribe/payments/schedule/monthly_"+stamp+"_3", token, nil, &third))
	assert.Equal(t, "scheduled", third["schedule_status"])

	var revoked []map[string]any
	require.Equal(t, http.StatusOK, restCall(t, "POST", srv.URL+"/subscribe/payments/unschedule", token,
		map[string]any{"customer_uid": customerUID, "merchant_uid": []string{"monthly_" + stamp + "_3"}}, &revoked))
	require.Len(t, revoked, 1)
	assert.Equal(t, "revoked", revoked[0]["schedule_status"])
}
