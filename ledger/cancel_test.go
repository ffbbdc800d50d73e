package ledger

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCancelRefusals(t *testing.T) {
	card, fail, vb, vbReady := impUID(), impUID(), impUID(), impUID()
	// ledger is a fresh one per case, with a payment of each kind a cancel can meet: one bug
	// fails the cases it concerns, not every case after it.
	ledger := func(t *testing.T) (f *fixture, tok string, before []Payment) {
		f = newFixture(t, Options{})
		f.mustRecord(paid(card, "order-c", 1000))
		f.mustRecord(failed(fail, "order-f", 1000))
		vbPaid := vbank(vb, "order-vb", 3000)
		vbPaid["response"].(map[string]any)["status"] = "paid"
		f.mustRecord(vbPaid)
		f.mustRecord(vbank(vbReady, "order-vr", 3000))
		return f, f.token(DemoKeys), f.snapshot(DemoMerchant)
	}

	// Business refusals are HTTP 200 with code 1 and the real API's message, as the published
	// clients' tests against the real API see them; malformed requests are a 400 with code -1.
	tests := []struct {
		name   string
		body   any
		status int
		code   float64
		msg    string
	}{
		{"no uid", map[string]any{"reason": "x"}, 200, 1, "지정해주셔야합니다."},
		{"unknown imp_uid", map[string]any{"imp_uid": "imps_000000000000"}, 200, 1, msgCancelNotFound + " | no payment with imp_uid"},
		{"unknown merchant_uid", map[string]any{"merchant_uid": "nope"}, 200, 1, `merchant_uid "nope"`},
		{"checksum mismatch", map[string]any{"imp_uid": card, "amount": 100, "checksum": 900}, 200, 1, "cancellable amount 1000"},
		{"more than paid", map[string]any{"imp_uid": card, "amount": 1001}, 200, 1, "more than the 1000"},
		{"negative amount", map[string]any{"imp_uid": card, "amount": -5}, 400, -1, "amount must be a non-negative"},
		{"amount not a number", map[string]any{"imp_uid": card, "amount": "lots"}, 400, -1, "amount must be"},
		{"amount NaN", map[string]any{"imp_uid": card, "amount": "NaN"}, 400, -1, "amount must be"},
		{"too many decimals", map[string]any{"imp_uid": card, "amount": 0.001}, 400, -1, "at most 2 decimals"},
		{"tax_free above amount", map[string]any{"imp_uid": card, "amount": 100, "tax_free": 200}, 200, 1, "tax_free 200"},
		{"imp_uid not a string", map[string]any{"imp_uid": 12}, 400, -1, "imp_uid must be a string"},
		{"enable_webhook not a boolean", map[string]any{"imp_uid": card, "enable_webhook": "maybe"}, 400, -1, "enable_webhook must be true or false"},
		{"failed payment", map[string]any{"imp_uid": fail}, 200, 1, msgCancelNotFound + " | payment " + fail + " failed"},
		{"paid vbank without refund account", map[string]any{"imp_uid": vb}, 200, 1, "refund_holder, refund_bank, refund_account"},
		{"paid vbank without refund_bank", map[string]any{"imp_uid": vb, "refund_holder": "Hong", "refund_account": "123"}, 200, 1, "refund_bank"},
		{"partial cancel of an unpaid vbank", map[string]any{"imp_uid": vbReady, "amount": 100}, 200, 1, "only be cancelled in full"},
		{"malformed JSON", `{"imp_uid":`, 400, -1, "not a JSON object"},
		{"GET", nil, 405, -1, "use POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, tok, before := ledger(t)
			var r reply
			if tt.name == "GET" {
				r = f.do("GET", "/payments/cancel", nil, "Authorization", tok)
			} else {
				r = f.post("/payments/cancel", tok, tt.body)
			}
			require.Equal(t, tt.status, r.Status, r.Raw)
			assert.Equal(t, tt.code, r.Body["code"])
			assert.Contains(t, said(r), tt.msg)
			assert.Nil(t, r.Body["response"])
			assert.Equal(t, before, f.snapshot(DemoMerchant), "a refused cancellation leaves the ledger unchanged")
		})
	}
	t.Run("another merchant cannot cancel", func(t *testing.T) {
		f, _, before := ledger(t)
		r := f.post("/payments/cancel", f.token(testMerchants["imp_other"]), map[string]any{"imp_uid": card})
		assert.Equal(t, 200, r.Status)
		assert.Equal(t, msgCancelNotFound, r.Body["message"])
		assert.Equal(t, before, f.snapshot(DemoMerchant))
	})
}

func TestCancelPartialThenFull(t *testing.T) {
	f := newFixture(t, Options{})
	uid := impUID()
	f.mustRecord(paid(uid, "order-p", 10000))
	tok := f.token(DemoKeys)

	steps := []struct {
		body         map[string]any
		cancelAmount float64
		status       string
		history      int
	}{
		{map[string]any{"imp_uid": uid, "amount": 3000, "checksum": 10000, "reason": "one item back"}, 3000, "paid", 1},
		{map[string]any{"imp_uid": uid, "amount": "2000", "checksum": "7000", "reason": "another"}, 5000, "paid", 2},
		// No amount: everything that remains.
		{map[string]any{"merchant_uid": "order-p", "checksum": 5000, "reason": "all of it"}, 10000, "cancelled", 3},
	}
	for i, s := range steps {
		f.clock.Advance(time.Minute)
		r := f.post("/payments/cancel", tok, s.body)
		require.Equal(t, 200, r.Status, "step %d: %s", i, r.Raw)
		p := resp(r)
		assert.Equal(t, s.cancelAmount, p["cancel_amount"], "step %d", i)
		assert.Equal(t, s.status, p["status"], "step %d", i)
		assert.Equal(t, s.body["reason"], p["cancel_reason"], "step %d", i)
		assert.Equal(t, float64(f.clock.Now().Unix()), p["cancelled_at"], "step %d", i)
		hist := p["cancel_history"].([]any)
		require.Len(t, hist, s.history, "step %d", i)
		last := hist[len(hist)-1].(map[string]any)
		assert.Equal(t, s.body["reason"], last["reason"])
		assert.Equal(t, "tid_"+uid, last["pg_tid"])
		got := f.get("/payments/"+uid, tok)
		assert.Equal(t, p, resp(got), "GET shows what cancel answered")
	}
	r := f.post("/payments/cancel", tok, map[string]any{"imp_uid": uid})
	assert.Equal(t, 200, r.Status)
	assert.Equal(t, float64(1), r.Body["code"])
	assert.Equal(t, msgCancelAlreadyFull, r.Body["message"])
	assert.Contains(t, said(r), "already fully cancelled")
}

func TestCancelForms(t *testing.T) {
	tests := []struct {
		name   string
		rec    map[string]any
		body   string
		ctype  string
		status string
		cancel float64
	}{
		{"form body", paid("imps_100000000001", "f1", 1000), "imp_uid=imps_100000000001&amount=400&checksum=1000&reason=r",
			"application/x-www-form-urlencoded", "paid", 400},
		{"usd cents", usd(paid("imps_100000000002", "f2", 10.5)), `{"imp_uid":"imps_100000000002","amount":0.25,"checksum":10.5}`,
			"application/json", "paid", 0.25},
		{"paid vbank with refund account", paidVbank("imps_100000000004", "f4", 3000),
			`{"imp_uid":"imps_100000000004","refund_holder":"Hong","refund_bank":"088","refund_account":"110123456789"}`,
			"application/json", "cancelled", 3000},
		{"unpaid vbank cancelled whole without account", vbank("imps_100000000005", "f5", 3000), `{"imp_uid":"imps_100000000005"}`,
			"application/json", "cancelled", 3000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Options{})
			f.mustRecord(tt.rec)
			r := f.do("POST", "/payments/cancel", tt.body, "Authorization", f.token(DemoKeys), "Content-Type", tt.ctype)
			require.Equal(t, 200, r.Status, r.Raw)
			assert.Equal(t, tt.status, resp(r)["status"])
			assert.Equal(t, tt.cancel, resp(r)["cancel_amount"])
		})
	}
}

// TestCancelByMerchantUID: a merchant_uid names an order of the caller's merchant only, and of
// an order's attempts the paid one is what a cancel takes back.
func TestCancelByMerchantUID(t *testing.T) {
	other := func(rec map[string]any) map[string]any { rec["merchant_code"] = "imp_other"; return rec }
	t.Run("the caller's order, not another merchant's of the same merchant_uid", func(t *testing.T) {
		f := newFixture(t, Options{})
		mine, theirs := impUID(), impUID()
		f.mustRecord(other(paid(mine, "order-shared", 700)))
		f.mustRecord(paid(theirs, "order-shared", 1000)) // the newer of the two
		r := f.post("/payments/cancel", f.token(testMerchants["imp_other"]), map[string]any{"merchant_uid": "order-shared"})
		require.Equal(t, float64(0), r.Body["code"], r.Raw)
		assert.Equal(t, mine, resp(r)["imp_uid"])
		assert.Equal(t, "paid", resp(f.get("/payments/"+theirs, f.token(DemoKeys)))["status"], "the demo merchant's order is untouched")
	})
	t.Run("another merchant's order alone is not found", func(t *testing.T) {
		f := newFixture(t, Options{})
		theirs := impUID()
		f.mustRecord(paid(theirs, "order-theirs", 1000))
		before := f.snapshot(DemoMerchant)
		r := f.post("/payments/cancel", f.token(testMerchants["imp_other"]), map[string]any{"merchant_uid": "order-theirs"})
		assert.Equal(t, msgCancelNotFound, r.Body["message"], r.Raw)
		assert.Equal(t, before, f.snapshot(DemoMerchant))
	})
	t.Run("the paid attempt, not a later failed one", func(t *testing.T) {
		f := newFixture(t, Options{})
		paidUID, failedUID := impUID(), impUID()
		f.mustRecord(failed(impUID(), "order-tries", 1000)) // an earlier failed try
		f.mustRecord(paid(paidUID, "order-tries", 1000))
		f.mustRecord(failed(failedUID, "order-tries", 1000)) // the buyer came back and gave up
		r := f.post("/payments/cancel", f.token(DemoKeys), map[string]any{"merchant_uid": "order-tries"})
		require.Equal(t, float64(0), r.Body["code"], r.Raw)
		assert.Equal(t, paidUID, resp(r)["imp_uid"])
		assert.Equal(t, "cancelled", resp(r)["status"])
	})
}

func TestCancelConcurrent(t *testing.T) {
	// 150 buyers' refunds of 1 each race on a payment of 100: exactly 100 succeed, nothing is
	// cancelled twice, and the payment ends cancelled.
	f := newFixture(t, Options{})
	uid := impUID()
	f.mustRecord(paid(uid, "order-race", 100))
	tok := f.token(DemoKeys)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{} // envelope code → how many
	for range 150 {
		wg.Go(func() {
			r := f.post("/payments/cancel", tok, map[string]any{"imp_uid": uid, "amount": 1})
			mu.Lock()
			codes[code(r)]++
			mu.Unlock()
		})
	}
	wg.Wait()
	assert.Equal(t, map[int]int{0: 100, 1: 50}, codes, "the 50 late ones: 이미 전액취소된 주문입니다")
	p := resp(f.get("/payments/"+uid, tok))
	assert.Equal(t, float64(100), p["cancel_amount"])
	assert.Equal(t, "cancelled", p["status"])
	assert.Len(t, p["cancel_history"], 100)
}

func usd(rec map[string]any) map[string]any {
	rec["request"].(map[string]any)["currency"] = "USD"
	rec["response"].(map[string]any)["currency"] = "USD"
	return rec
}

func paidVbank(uid, merchantUID string, amount any) map[string]any {
	rec := vbank(uid, merchantUID, amount)
	rec["response"].(map[string]any)["status"] = "paid"
	return rec
}
