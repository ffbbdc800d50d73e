package ledger

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const day = 24 * 3600

// windowPayment takes one payment through the window's three calls (attempt, the window's
// approval, the bridge's outcome) and answers the outcome's reply.
func (f *fixture) windowPayment(t *testing.T, uid, merchantUID string, open, response map[string]any) reply {
	t.Helper()
	r := f.open(open)
	require.Equal(t, 200, r.Status, r.Raw)
	r = f.approve(DemoMerchant, uid, "paid", "Origin", windowOriginURL, "Sec-Fetch-Site", "same-origin")
	require.Equal(t, 200, r.Status, r.Raw)
	r = f.outcome(DemoMerchant, uid, response)
	require.Equal(t, 200, r.Status, r.Raw)
	return r
}

// TestWindowPaymentsFollowTheSandboxClock: a merchant who moved its sandbox clock (to test a
// subscription's next month, a virtual account's deadline) reads the payments its buyers make
// in the window stamped with that clock, as REST reads and schedules are — not with real time,
// and not with the buyer's browser's clock that the SDK's paid_at carries.
func TestWindowPaymentsFollowTheSandboxClock(t *testing.T) {
	f := newFixture(t, Options{})
	moved := f.post("/sandbox/clock", f.token(DemoKeys), map[string]any{"advance_s": 30 * day})
	require.Equal(t, 200, moved.Status, moved.Raw)
	now := float64(t0 + 30*day)
	tok := f.token(DemoKeys) // the first token expired on the moved clock
	clockNow := func() float64 { return float64(f.clock.Now().Unix() + 30*day) }

	t.Run("through the window", func(t *testing.T) {
		uid := impUID()
		out := f.windowPayment(t, uid, "clock-w1", attemptOf(DemoMerchant, uid, "clock-w1", 5000), paidResponse(uid, "clock-w1", 5000))
		assert.Equal(t, now, out.Body["paid_at"], "the outcome's answer gives the bridge the ledger's paid_at, for the callback")
		p := resp(f.get("/payments/"+uid, tok))
		assert.Equal(t, "paid", p["status"])
		assert.Equal(t, now, p["started_at"], "started_at: the merchant's clock when the window opened")
		assert.Equal(t, now, p["paid_at"], "paid_at: the merchant's clock when the ledger recorded the approval, not the browser's paid_at")

		f.clock.Advance(5e9)
		again := f.outcome(DemoMerchant, uid, paidResponse(uid, "clock-w1", 5000))
		require.Equal(t, 200, again.Status, again.Raw)
		assert.Equal(t, now, again.Body["paid_at"], "a retried outcome answers the first one's stamp")
	})
	t.Run("a window that failed", func(t *testing.T) {
		uid := impUID()
		f.windowPayment(t, uid, "clock-w2", attemptOf(DemoMerchant, uid, "clock-w2", 5000), map[string]any{
			"success": false, "imp_uid": uid, "merchant_uid": "clock-w2", "status": "failed", "error_code": "PG_FAILED", "error_msg": "x"})
		p := resp(f.get("/payments/"+uid, tok))
		assert.Equal(t, "failed", p["status"])
		assert.Equal(t, clockNow(), p["started_at"])
		assert.Equal(t, clockNow(), p["failed_at"])
	})
	t.Run("the older record-after-success path", func(t *testing.T) {
		uid := impUID()
		rec := paid(uid, "clock-r1", 1000)
		delete(rec["response"].(map[string]any), "paid_at")
		f.mustRecord(rec)
		p := resp(f.get("/payments/"+uid, tok))
		assert.Equal(t, clockNow(), p["started_at"])
		assert.Equal(t, clockNow(), p["paid_at"])
	})
	t.Run("the clock read back through the bridge's listing", func(t *testing.T) {
		r := f.do("GET", "/sdk/sandbox/payments?merchant_code="+DemoMerchant+"&merchant_uid=clock-w1", nil)
		require.Equal(t, 200, r.Status, r.Raw)
		list := r.Body["payments"].([]any)
		require.Len(t, list, 1)
		assert.Equal(t, now, list[0].(map[string]any)["paid_at"])
	})
}

// TestWindowVbankIsNotPaidUntilTheDeposit: a virtual account issued in the window is ready, and
// a ready payment has paid_at 0 — "결제완료시점 UNIX timestamp, 결제완료가 아닐 경우 0" (V1 OpenAPI,
// portone-io/developers.portone.io src/schema/v1.openapi.json, PaymentAnnotation.paid_at) — whatever
// paid_at the SDK's response carried; the deposit stamps it.
func TestWindowVbankIsNotPaidUntilTheDeposit(t *testing.T) {
	f := newFixture(t, Options{})
	tok := f.token(DemoKeys)
	uid := impUID()
	open := attemptOf(DemoMerchant, uid, "vb-ready", 3000)
	open["request"].(map[string]any)["pay_method"] = "vbank"
	response := paidResponse(uid, "vb-ready", 3000)
	response["pay_method"], response["status"] = "vbank", "ready"
	response["vbank_num"], response["vbank_name"], response["vbank_holder"], response["vbank_date"] = "5678901234", "Sandbox Bank", "impshim sandbox", t0+3*day
	delete(response, "card_name")
	f.windowPayment(t, uid, "vb-ready", open, response) // the SDK's paid_at: t0

	p := resp(f.get("/payments/"+uid, tok))
	assert.Equal(t, "ready", p["status"])
	assert.Equal(t, float64(0), p["paid_at"], "issued, not deposited: not paid")
	assert.Equal(t, float64(t0), p["vbank_issued_at"])
	assert.Equal(t, float64(t0+3*day), p["vbank_date"])

	f.clock.Advance(3600 * 1e9)
	tok = f.token(DemoKeys)
	r := f.do("POST", "/sdk/sandbox/deposit", map[string]any{"merchant_code": DemoMerchant, "imp_uid": uid}, "Content-Type", "application/json")
	require.Equal(t, 200, r.Status, r.Raw)
	p = resp(f.get("/payments/"+uid, tok))
	assert.Equal(t, "paid", p["status"])
	assert.Equal(t, float64(t0+3600), p["paid_at"], "paid when the money arrived")
}
