package ledger

import (
	"strings"
	"testing"
	"time"

	"github.com/impshim/impshim/web/access"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBackendJSON(t *testing.T) {
	f := newFixture(t, Options{})
	r := f.do("GET", "/sdk/sandbox/backend.json", nil)
	require.Equal(t, 200, r.Status)
	assert.Equal(t, true, r.Body["ledger"])
	assert.Equal(t, 405, f.do("POST", "/sdk/sandbox/backend.json", nil).Status)
	assert.Equal(t, 404, f.do("GET", "/sdk/sandbox/nothing", nil).Status)
}

func TestRecordRefusals(t *testing.T) {
	keep, fresh := impUID(), impUID()

	edit := func(fn func(rec, req, resp map[string]any)) map[string]any {
		rec := paid(fresh, "order-new", 1000)
		fn(rec, rec["request"].(map[string]any), rec["response"].(map[string]any))
		return rec
	}
	tests := []struct {
		name   string
		body   any
		status int
		msg    string
	}{
		{"malformed JSON", `{"merchant_code":`, 400, "JSON object"},
		{"not an object", `[1,2]`, 400, "JSON object"},
		{"empty body", ``, 400, "JSON object"},
		{"no merchant_code", edit(func(rec, _, _ map[string]any) { delete(rec, "merchant_code") }), 400, "merchant_code is required"},
		{"merchant_code not a string", edit(func(rec, _, _ map[string]any) { rec["merchant_code"] = 7 }), 400, "merchant_code must be a string"},
		{"not a merchant code", edit(func(rec, _, _ map[string]any) { rec["merchant_code"] = "imp nobody/../x" }), 400, "is not a merchant code"},
		{"request missing", edit(func(rec, _, _ map[string]any) { delete(rec, "request") }), 400, "request must be an object"},
		{"response a string", edit(func(rec, _, _ map[string]any) { rec["response"] = "paid" }), 400, "response must be an object"},
		{"imp_uid of another shape", edit(func(_, _, resp map[string]any) { resp["imp_uid"] = "imp_123" }), 400, "not an impshim imp_uid"},
		{"imp_uid a number", edit(func(_, _, resp map[string]any) { resp["imp_uid"] = 123 }), 400, "imp_uid must be a string"},
		{"unknown status", edit(func(_, _, resp map[string]any) { resp["status"] = "done" }), 400, "response.status must be"},
		{"success but failed", edit(func(_, _, resp map[string]any) { resp["status"] = "failed" }), 400, "success is true"},
		{"paid without success", edit(func(_, _, resp map[string]any) { resp["success"] = false }), 400, "success is not true"},
		{"no amount", edit(func(_, req, resp map[string]any) { delete(resp, "paid_amount"); delete(req, "amount") }), 400, "no amount"},
		{"negative amount", edit(func(_, _, resp map[string]any) { resp["paid_amount"] = -1 }), 400, "non-negative"},
		{"amount NaN-ish string", edit(func(_, _, resp map[string]any) { resp["paid_amount"] = "NaN" }), 400, "non-negative"},
		{"no merchant_uid", edit(func(_, req, resp map[string]any) { delete(resp, "merchant_uid"); delete(req, "merchant_uid") }), 400, "merchant_uid is required"},
		{"merchant_uid too long", edit(func(_, _, resp map[string]any) { resp["merchant_uid"] = strings.Repeat("가", 41) }), 400, "over 40"},
		{"currency lower case", edit(func(_, _, resp map[string]any) { resp["currency"] = "krw" }), 400, "3-letter"},
		{"notice_url an object", edit(func(_, req, _ map[string]any) { req["notice_url"] = map[string]any{} }), 400, "notice_url must be"},
		{"eleven notice_urls", edit(func(_, req, _ map[string]any) {
			req["notice_url"] = strings.Split(strings.Repeat("http://x/,", 11), ",")[:11]
		}), 400, "at most 10"},
		{"over 1 MiB", `{"merchant_code":"imp10391932","pad":"` + strings.Repeat("x", MaxBodyBytes) + `"}`, 413, "1 MiB"},
		{"imp_uid of another merchant", edit(func(rec, _, resp map[string]any) { resp["imp_uid"] = keep; rec["merchant_code"] = "imp_other" }), 409, "another merchant"},
		{"paid payment cannot fail later", edit(func(_, _, resp map[string]any) {
			resp["imp_uid"], resp["success"], resp["status"] = keep, false, "failed"
		}), 409, "already paid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Options{}) // each case on its own ledger
			f.mustRecord(paid(keep, "order-keep", 1000))
			f.api.Wait()
			before := f.snapshot(DemoMerchant)
			sent, err := f.store.Attempts(t.Context(), DemoMerchant, 10)
			require.NoError(t, err)
			r := f.do("POST", "/sdk/sandbox/payments", tt.body, "Content-Type", "application/json")
			require.Equal(t, tt.status, r.Status, r.Raw)
			assert.Equal(t, false, r.Body["ok"])
			assert.Contains(t, r.Body["error"], tt.msg)
			assert.Equal(t, before, f.snapshot(DemoMerchant), "the ledger is unchanged")
			assert.Zero(t, f.count("imp_other"))
			f.api.Wait()
			after, err := f.store.Attempts(t.Context(), DemoMerchant, 10)
			require.NoError(t, err)
			assert.Equal(t, sent, after, "a refused record sends no webhook")
		})
	}
}

func TestRecordKinds(t *testing.T) {
	// Each case on its own ledger: one bug fails the cases it concerns, not the rest.
	fresh := func(t *testing.T) (*fixture, string) {
		f := newFixture(t, Options{})
		return f, f.token(DemoKeys)
	}

	t.Run("check failed before a window: nothing to keep", func(t *testing.T) {
		f, _ := fresh(t)
		rec := failed("", "order-x", 1000)
		rec["response"].(map[string]any)["imp_uid"] = nil
		r := f.record(rec)
		require.Equal(t, 200, r.Status, r.Raw)
		assert.Equal(t, true, r.Body["ok"])
		assert.Equal(t, false, r.Body["recorded"])
		assert.Zero(t, f.count(DemoMerchant))
	})
	t.Run("failed in the window", func(t *testing.T) {
		f, tok := fresh(t)
		uid := impUID()
		f.mustRecord(failed(uid, "order-f", "1000"))
		p := resp(f.get("/payments/"+uid, tok))
		assert.Equal(t, "failed", p["status"])
		assert.Equal(t, float64(t0), p["failed_at"])
		assert.Equal(t, float64(0), p["paid_at"])
		assert.Equal(t, "[USER_CANCEL] the buyer closed the window", p["fail_reason"])
		assert.Equal(t, float64(1000), p["amount"], "from request.amount, a digit string")
		assert.Equal(t, "kakaopay", p["pg_provider"], "from request.pg when the response has none")
		assert.Equal(t, "KRW", p["currency"])
		assert.Equal(t, "card", p["pay_method"])
	})
	t.Run("vbank issued, then paid through the bridge", func(t *testing.T) {
		f, tok := fresh(t)
		uid := impUID()
		f.mustRecord(vbank(uid, "order-vb-bridge", 3000))
		require.Equal(t, "ready", resp(f.get("/payments/"+uid, tok))["status"])
		f.clock.Advance(time.Hour)
		deposited := paidVbank(uid, "order-vb-bridge", 3000)
		deposited["response"].(map[string]any)["paid_at"] = t0 + 3600
		f.mustRecord(deposited)
		tok = f.token(DemoKeys) // the hour outlived the first token
		p := resp(f.get("/payments/"+uid, tok))
		assert.Equal(t, "paid", p["status"], "ready → paid: the deposit the bridge saw")
		assert.Equal(t, float64(t0+3600), p["paid_at"])
		assert.Equal(t, "5678901234", p["vbank_num"], "the virtual account stays as issued")
		assert.Equal(t, 1, f.count(DemoMerchant), "the same payment, not a second one")
		r := f.record(vbank(uid, "order-vb-bridge", 3000))
		assert.Equal(t, 409, r.Status, "a paid payment cannot go back to ready: %s", r.Raw)
	})
	t.Run("paid_at in milliseconds is kept in seconds", func(t *testing.T) {
		f, tok := fresh(t)
		for _, tc := range []struct {
			sent any
			want float64
		}{{int64(t0-5) * 1000, t0 - 5}, {t0 - 5, t0 - 5}, {nil, t0}} {
			uid := impUID()
			rec := paid(uid, "order-ms", 10)
			rec["response"].(map[string]any)["paid_at"] = tc.sent
			f.mustRecord(rec)
			assert.Equal(t, tc.want, resp(f.get("/payments/"+uid, tok))["paid_at"], "paid_at %v", tc.sent)
		}
	})
	t.Run("vbank issued, then deposited", func(t *testing.T) {
		f, tok := fresh(t)
		uid := impUID()
		f.mustRecord(vbank(uid, "order-v", 3000))
		p := resp(f.get("/payments/"+uid, tok))
		assert.Equal(t, "ready", p["status"])
		assert.Equal(t, "5678901234", p["vbank_num"])
		assert.Equal(t, float64(1800025199), p["vbank_date"], "2027-01-15 23:59:59 KST")
		assert.Equal(t, float64(t0), p["vbank_issued_at"])

		r := f.do("POST", "/sdk/sandbox/deposit", map[string]any{"merchant_code": DemoMerchant, "imp_uid": uid})
		require.Equal(t, 200, r.Status, r.Raw)
		p = resp(f.get("/payments/"+uid, tok))
		assert.Equal(t, "paid", p["status"])
		assert.Equal(t, float64(t0), p["paid_at"])

		r = f.do("POST", "/sdk/sandbox/deposit", map[string]any{"merchant_code": DemoMerchant, "imp_uid": uid})
		assert.Equal(t, 409, r.Status, "a paid payment takes no second deposit")
		r = f.do("POST", "/sdk/sandbox/deposit", map[string]any{"merchant_code": DemoMerchant, "imp_uid": "imps_000000000000"})
		assert.Equal(t, 404, r.Status)
	})
	t.Run("the same record twice is one payment", func(t *testing.T) {
		f, _ := fresh(t)
		uid := impUID()
		n := f.count(DemoMerchant)
		f.mustRecord(paid(uid, "order-twice", 10))
		f.mustRecord(paid(uid, "order-twice", 10))
		assert.Equal(t, n+1, f.count(DemoMerchant))
	})
	t.Run("numbers where strings belong are kept as text", func(t *testing.T) {
		f, tok := fresh(t)
		uid := impUID()
		rec := paid(uid, "order-num", 10)
		rec["request"].(map[string]any)["buyer_tel"] = 1012345678
		rec["response"].(map[string]any)["name"] = 42
		f.mustRecord(rec)
		p := resp(f.get("/payments/"+uid, tok))
		assert.Equal(t, "1012345678", p["buyer_tel"])
		assert.Equal(t, "42", p["name"])
	})
	t.Run("a merchant without REST keys still records", func(t *testing.T) {
		f, _ := fresh(t)
		rec := paid(impUID(), "order-nokeys", 10)
		rec["merchant_code"] = "imp_nokeys"
		f.mustRecord(rec)
		assert.Equal(t, 1, f.count("imp_nokeys"))
	})
	t.Run("channel follows the buyer's browser", func(t *testing.T) {
		f, tok := fresh(t)
		for ua, want := range map[string]string{
			"Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0":                               "pc",
			"Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148":       "mobile",
			"Mozilla/5.0 (Linux; Android 15; Pixel 9) Chrome/140.0 Mobile Safari/537.36": "mobile",
		} {
			uid := impUID()
			r := f.do("POST", "/sdk/sandbox/payments", paid(uid, "order-ua", 10), "User-Agent", ua)
			require.Equal(t, 200, r.Status, r.Raw)
			p := resp(f.get("/payments/"+uid, tok))
			assert.Equal(t, want, p["channel"], ua)
			assert.Equal(t, ua, p["user_agent"])
		}
	})
	t.Run("every wrong field is named at once", func(t *testing.T) {
		f, _ := fresh(t)
		rec := paid(impUID(), "order-many", 10)
		rec["response"].(map[string]any)["status"] = "done"
		rec["response"].(map[string]any)["currency"] = "won"
		r := f.record(rec)
		require.Equal(t, 400, r.Status)
		assert.Contains(t, r.Body["error"], "response.status must be")
		assert.Contains(t, r.Body["error"], "3-letter")
	})
	t.Run("the bridge can list what it recorded", func(t *testing.T) {
		f, _ := fresh(t)
		f.mustRecord(paid(impUID(), "order-twice", 10))
		f.mustRecord(failed(impUID(), "order-f", 10))
		r := f.do("GET", "/sdk/sandbox/payments?merchant_code="+DemoMerchant, nil)
		require.Equal(t, 200, r.Status)
		assert.Equal(t, float64(f.count(DemoMerchant)), r.Body["total"])
		assert.Equal(t, 400, f.do("GET", "/sdk/sandbox/payments?merchant_code=imp%20nobody", nil).Status)
		// A code without a merchant file has a ledger of its own (the built-in sandbox merchant's).
		assert.Equal(t, 200, f.do("GET", "/sdk/sandbox/payments?merchant_code=imp_nobody", nil).Status)
		assert.Equal(t, 400, f.do("GET", "/sdk/sandbox/payments", nil).Status)
		r = f.do("GET", "/sdk/sandbox/payments?merchant_code="+DemoMerchant+"&merchant_uid=order-twice&status=paid", nil)
		require.Equal(t, 200, r.Status)
		assert.Equal(t, float64(1), r.Body["total"], "is this order paid already?")
		r = f.do("GET", "/sdk/sandbox/payments?merchant_code="+DemoMerchant+"&merchant_uid=order-f&status=paid", nil)
		assert.Equal(t, float64(0), r.Body["total"])
		assert.Equal(t, 400, f.do("GET", "/sdk/sandbox/payments?merchant_code="+DemoMerchant+"&status=done", nil).Status)
	})
}

func TestReset(t *testing.T) {
	f := newFixture(t, Options{})
	uid := impUID()
	f.mustRecord(paid(uid, "order-r", 1000))
	f.mustRecord(paid(impUID(), "order-r2", 1000))
	other := paid(impUID(), "order-o", 1000)
	other["merchant_code"] = "imp_other"
	f.mustRecord(other)

	for _, bad := range []struct {
		body   any
		status int
	}{
		{`{`, 400}, {`[]`, 400}, {map[string]any{}, 400}, {map[string]any{"merchant_code": "imp nobody"}, 400},
		{map[string]any{"merchant_code": true}, 400},
	} {
		r := f.do("POST", "/sdk/sandbox/reset", bad.body, "Content-Type", "application/json")
		assert.Equal(t, bad.status, r.Status, r.Raw)
		assert.Equal(t, false, r.Body["ok"])
	}
	assert.Equal(t, 2, f.count(DemoMerchant), "refused resets forget nothing")
	assert.Equal(t, 405, f.do("GET", "/sdk/sandbox/reset", nil).Status)

	r := f.do("POST", "/sdk/sandbox/reset", map[string]any{"merchant_code": DemoMerchant})
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, float64(2), r.Body["forgotten"])
	assert.Zero(t, f.count(DemoMerchant))
	assert.Equal(t, 1, f.count("imp_other"), "other merchants keep their payments")
	assert.Equal(t, 404, f.get("/payments/"+uid, f.token(DemoKeys)).Status)
	// After a reset the same merchant_uid can be paid again, as in a fresh sandbox.
	f.mustRecord(paid(impUID(), "order-r", 1000))
}

// TestBridgeTrust: who may call the bridge's endpoints, which need no token (issue 16, point 1;
// docs/trust.md). The fixture's server is 127.0.0.1:8080.
func TestBridgeTrust(t *testing.T) {
	ledger := func(t *testing.T) *fixture { // each case on its own ledger
		f := newFixture(t, Options{Access: &access.Policy{Origins: []string{"https://shop.test"}}})
		f.mustRecord(paid(impUID(), "order-t", 1000))
		return f
	}
	reset := map[string]any{"merchant_code": DemoMerchant}

	t.Run("preflight", func(t *testing.T) {
		f := ledger(t)
		for origin, trusted := range map[string]bool{
			"http://localhost:3000": true, "http://127.0.0.1:5173": true, "https://shop.test": true,
			"https://evil.example": false, "null": false,
		} {
			w := newRecorder(f, "OPTIONS", "/sdk/sandbox/payments", "Origin", origin, "Access-Control-Request-Method", "POST",
				"Access-Control-Request-Headers", "content-type")
			if trusted {
				assert.Equal(t, 204, w.Code, origin)
				assert.Equal(t, origin, w.Header().Get("Access-Control-Allow-Origin"), origin)
				assert.Contains(t, w.Header().Get("Access-Control-Allow-Headers"), "Content-Type")
			} else {
				assert.Equal(t, 403, w.Code, origin)
				assert.Empty(t, w.Header().Get("Access-Control-Allow-Origin"), "the browser never sends the request: %s", origin)
			}
		}
	})
	t.Run("an untrusted page can neither read, record nor reset", func(t *testing.T) {
		f := ledger(t)
		evil := []string{"Origin", "https://evil.example"}
		r := f.do("GET", "/sdk/sandbox/payments?merchant_code="+DemoMerchant, nil, evil...)
		assert.Equal(t, 403, r.Status, r.Raw)
		assert.Equal(t, "ORIGIN_NOT_TRUSTED", r.Body["error_code"])
		assert.NotContains(t, r.Raw, "order-t", "no payment leaks")
		r = f.do("POST", "/sdk/sandbox/payments", paid(impUID(), "order-evil", 1), evil...)
		assert.Equal(t, 403, r.Status, r.Raw)
		r = f.do("POST", "/sdk/sandbox/reset", reset, evil...)
		assert.Equal(t, 403, r.Status, r.Raw)
		r = f.do("GET", "/sdk/sandbox/webhooks?merchant_code="+DemoMerchant, nil, evil...)
		assert.Equal(t, 403, r.Status, r.Raw)
		assert.Equal(t, 1, f.count(DemoMerchant))
	})
	t.Run("a text/plain or form POST is refused whatever its origin", func(t *testing.T) {
		f := ledger(t)
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
			r := f.do("POST", "/sdk/sandbox/reset", `{"merchant_code":"imp10391932"}`, "Content-Type", ct)
			assert.Equal(t, 415, r.Status, "%q: %s", ct, r.Raw)
			assert.Equal(t, false, r.Body["ok"])
		}
		assert.Equal(t, 1, f.count(DemoMerchant), "nothing was reset")
	})
	t.Run("trusted pages, and callers without an Origin, are answered", func(t *testing.T) {
		f := ledger(t)
		for _, origin := range []string{"http://localhost:3000", "http://127.0.0.1:8080", "https://shop.test", ""} {
			r := f.do("GET", "/sdk/sandbox/payments?merchant_code="+DemoMerchant, nil, "Origin", origin)
			require.Equal(t, 200, r.Status, "%s: %s", origin, r.Raw)
			assert.Equal(t, float64(1), r.Body["total"])
			w := newRecorder(f, "GET", "/sdk/sandbox/backend.json", "Origin", origin)
			if origin != "" {
				assert.Equal(t, origin, w.Header().Get("Access-Control-Allow-Origin"))
				assert.Contains(t, w.Header().Values("Vary"), "Origin")
			}
		}
		r := f.do("POST", "/sdk/sandbox/reset", reset, "Origin", "http://localhost:3000", "Content-Type", "application/json; charset=utf-8")
		require.Equal(t, 200, r.Status, r.Raw)
		assert.Zero(t, f.count(DemoMerchant))
	})
}
