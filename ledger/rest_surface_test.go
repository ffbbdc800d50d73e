package ledger

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/web/merchants"
)

// form sends a form body with a token.
func (f *fixture) form(method, path, token, body string) reply {
	f.t.Helper()
	return f.do(method, path, body, "Authorization", token, "Content-Type", "application/x-www-form-urlencoded")
}

// send is a JSON call with a token and any method.
func (f *fixture) send(method, path, token string, body any) reply {
	f.t.Helper()
	return f.do(method, path, body, "Authorization", token, "Content-Type", "application/json")
}

// hugeBody is a JSON object over the 1 MiB cap (10 MB), as a string.
func hugeBody() string { return `{"merchant_uid":"` + strings.Repeat("x", 10<<20) + `"}` }

func TestPrepare(t *testing.T) {
	f := newFixture(t, Options{})
	tok, other := f.token(DemoKeys), f.token(testMerchants["imp_other"])

	r := f.post("/payments/prepare", tok, map[string]any{"merchant_uid": "ord-p1", "amount": 12000})
	require.Equal(t, 0, code(r), r.Raw)
	assert.Equal(t, map[string]any{"merchant_uid": "ord-p1", "amount": float64(12000), "currency": nil}, resp(r))
	r = f.form("POST", "/payments/prepare", tok, "merchant_uid=ord-p2&amount=10.5&currency=USD")
	require.Equal(t, 0, code(r), r.Raw)
	assert.Equal(t, "USD", resp(r)["currency"])

	r = f.get("/payments/prepare/ord-p1", tok)
	assert.Equal(t, float64(12000), resp(r)["amount"])
	r = f.send("PUT", "/payments/prepare", tok, map[string]any{"merchant_uid": "ord-p1", "amount": "13000"})
	require.Equal(t, 0, code(r), r.Raw)
	assert.Equal(t, float64(13000), resp(f.get("/payments/prepare/ord-p1", tok))["amount"])

	tests := []struct {
		name, method, path string
		body               any
		status             int
		code               float64
		says               string
	}{
		{"again", "POST", "/payments/prepare", map[string]any{"merchant_uid": "ord-p1", "amount": 1}, 200, 1, "PUT /payments/prepare"},
		{"PUT of an unknown order", "PUT", "/payments/prepare", map[string]any{"merchant_uid": "nope", "amount": 1}, 404, -1, msgPrepareNotFound},
		{"GET of an unknown order", "GET", "/payments/prepare/nope", nil, 404, -1, msgPrepareNotFound},
		{"no amount", "POST", "/payments/prepare", map[string]any{"merchant_uid": "ord-x"}, 400, -1, "amount is required"},
		{"negative amount", "POST", "/payments/prepare", map[string]any{"merchant_uid": "ord-x", "amount": -1}, 400, -1, "non-negative"},
		{"NaN", "POST", "/payments/prepare", `{"merchant_uid":"ord-x","amount":NaN}`, 400, -1, "not a JSON object"},
		{"NaN as text", "POST", "/payments/prepare", map[string]any{"merchant_uid": "ord-x", "amount": "NaN"}, 400, -1, "amount must be"},
		{"huge exponent", "POST", "/payments/prepare", map[string]any{"merchant_uid": "ord-x", "amount": "1e400"}, 400, -1, "amount"},
		{"amount an object", "POST", "/payments/prepare", map[string]any{"merchant_uid": "ord-x", "amount": map[string]any{}}, 400, -1, "amount"},
		{"won with decimals", "POST", "/payments/prepare", map[string]any{"merchant_uid": "ord-x", "amount": 10.5, "currency": "KRW"}, 400, -1, "decimals"},
		{"merchant_uid too long", "POST", "/payments/prepare", map[string]any{"merchant_uid": strings.Repeat("가", 41), "amount": 1}, 400, -1, "40"},
		{"merchant_uid a number", "POST", "/payments/prepare", map[string]any{"merchant_uid": 5, "amount": 1}, 400, -1, "merchant_uid must be a string"},
		{"lowercase currency", "POST", "/payments/prepare", map[string]any{"merchant_uid": "ord-x", "amount": 1, "currency": "krw"}, 400, -1, "3-letter"},
		{"malformed JSON", "POST", "/payments/prepare", `{"merchant_uid":`, 400, -1, "not a JSON object"},
		{"malformed form", "FORM", "/payments/prepare", "merchant_uid=%zz&amount=1", 400, -1, "malformed"},
		{"10 MB", "POST", "/payments/prepare", hugeBody(), 413, -1, "over 1 MiB"},
		{"DELETE", "DELETE", "/payments/prepare", nil, 405, -1, "POST or PUT"},
	}
	before := f.prepared(DemoMerchant)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r reply
			if tt.method == "FORM" {
				r = f.form("POST", tt.path, tok, tt.body.(string))
			} else {
				r = f.send(tt.method, tt.path, tok, tt.body)
			}
			require.Equal(t, tt.status, r.Status, r.Raw)
			assert.Equal(t, tt.code, r.Body["code"])
			assert.Contains(t, said(r), tt.says)
			assert.Equal(t, before, f.prepared(DemoMerchant), "a refusal changes nothing")
		})
	}
	t.Run("another merchant's order is not there", func(t *testing.T) {
		r := f.get("/payments/prepare/ord-p1", other)
		assert.Equal(t, 404, r.Status)
		r = f.send("PUT", "/payments/prepare", other, map[string]any{"merchant_uid": "ord-p1", "amount": 1})
		assert.Equal(t, 404, r.Status)
		assert.Equal(t, before, f.prepared(DemoMerchant))
	})
	t.Run("no token", func(t *testing.T) {
		r := f.do("POST", "/payments/prepare", map[string]any{"merchant_uid": "ord-z", "amount": 1})
		assert.Equal(t, 401, r.Status)
		assert.Equal(t, msgUnauthorized, r.Body["message"])
	})
}

func (f *fixture) prepared(code string) []Prepared {
	f.t.Helper()
	rows, err := f.store.db.QueryContext(context.Background(), "SELECT merchant_uid FROM prepared WHERE merchant_code = ? ORDER BY merchant_uid", code)
	require.NoError(f.t, err)
	var uids []string
	for rows.Next() {
		var uid string
		require.NoError(f.t, rows.Scan(&uid))
		uids = append(uids, uid)
	}
	rows.Close() // one connection to :memory: — read the rows before the next query
	var out []Prepared
	for _, uid := range uids {
		p, _, err := f.store.PreparedFor(context.Background(), code, uid)
		require.NoError(f.t, err)
		out = append(out, p)
	}
	return out
}

// attempt is the bridge's POST {sdk}/sandbox/attempts body for a card payment.
func attemptOf(code, uid, merchantUID string, amount any) map[string]any {
	return map[string]any{
		"merchant_code": code, "imp_uid": uid, "merchant_uid": merchantUID, "amount": amount, "currency": "KRW",
		"request": map[string]any{"pg": "html5_inicis", "pay_method": "card", "merchant_uid": merchantUID, "amount": amount, "name": "주문"},
		"setting": map[string]any{"pg": "html5_inicis", "mid": "MID-a", "pay_type": "general"},
	}
}

func paidResponse(uid, merchantUID string, amount any) map[string]any {
	return map[string]any{"success": true, "imp_uid": uid, "merchant_uid": merchantUID, "pay_method": "card",
		"paid_amount": amount, "currency": "KRW", "status": "paid", "pg_provider": "html5_inicis", "pg_tid": "tid_" + uid,
		"card_name": "신한카드", "paid_at": t0}
}

const windowOriginURL = "http://" + testHost // the server's own pages

func (f *fixture) open(body map[string]any) reply {
	f.t.Helper()
	return f.do("POST", "/sdk/sandbox/attempts", body, "Content-Type", "application/json")
}

func (f *fixture) approve(code, uid, result string, headers ...string) reply {
	f.t.Helper()
	return f.do("POST", "/sdk/sandbox/attempts/"+uid+"/approval", map[string]any{"merchant_code": code, "result": result},
		append([]string{"Content-Type", "application/json"}, headers...)...)
}

func (f *fixture) outcome(code, uid string, response any) reply {
	f.t.Helper()
	return f.do("POST", "/sdk/sandbox/attempts/"+uid+"/outcome", map[string]any{"merchant_code": code, "response": response},
		"Content-Type", "application/json")
}

func TestAttemptIsPaidOnlyAfterTheWindowApproves(t *testing.T) {
	h := newHook(t, 200)
	f := newFixtureFor(t, Options{}, hookedMerchants(merchants.Webhook{URL: h.srv.URL}))
	tok := f.token(DemoKeys)
	uid := impUID()

	r := f.open(attemptOf(DemoMerchant, uid, "ord-a1", 5000))
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, true, r.Body["ok"])
	// The payment exists from the moment the window opens: a merchant server verifying at
	// callback time never gets 404.
	p := resp(f.get("/payments/"+uid, tok))
	assert.Equal(t, "ready", p["status"])
	assert.Equal(t, float64(5000), p["amount"])
	assert.Equal(t, float64(0), p["vbank_issued_at"])

	// A page's script cannot approve: no Origin, a page of another site (the bridge refuses it
	// anywhere), the merchant's page on this machine (the bridge takes it, the approval not), a
	// cross-site fetch.
	for _, headers := range [][]string{nil, {"Origin", "http://shop.example"}, {"Origin", "http://localhost:3000"},
		{"Origin", windowOriginURL, "Sec-Fetch-Site", "cross-site"}} {
		r := f.approve(DemoMerchant, uid, "paid", headers...)
		assert.Equal(t, 403, r.Status, "%v: %s", headers, r.Raw)
		assert.Contains(t, []any{"FORBIDDEN", "ORIGIN_NOT_TRUSTED"}, r.Body["error_code"])
	}
	// … nor record it paid without the approval, through the outcome or the older record path.
	r = f.outcome(DemoMerchant, uid, paidResponse(uid, "ord-a1", 5000))
	assert.Equal(t, 403, r.Status, r.Raw)
	assert.Equal(t, "NOT_APPROVED", r.Body["error_code"])
	legacy := paid(uid, "ord-a1", 5000)
	assert.Equal(t, 409, f.record(legacy).Status)
	assert.Equal(t, 409, f.do("POST", "/sdk/sandbox/deposit", map[string]any{"merchant_code": DemoMerchant, "imp_uid": uid},
		"Content-Type", "application/json").Status, "an open card window takes no deposit")
	assert.Equal(t, 400, f.post("/sandbox/trigger", tok, map[string]any{"event": "vbank.deposit", "imp_uid": uid}).Status)
	assert.Equal(t, "ready", resp(f.get("/payments/"+uid, tok))["status"])

	r = f.approve(DemoMerchant, uid, "paid", "Origin", windowOriginURL, "Sec-Fetch-Site", "same-origin")
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, 409, f.approve(DemoMerchant, uid, "failed", "Origin", windowOriginURL).Status, "a window answers once")
	r = f.outcome(DemoMerchant, uid, paidResponse(uid, "ord-a1", 5000))
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, "paid", r.Body["status"])
	p = resp(f.get("/payments/"+uid, tok))
	assert.Equal(t, "paid", p["status"])
	assert.Equal(t, "신한카드", p["card_name"])
	assert.Equal(t, float64(t0), p["started_at"])
	assert.Equal(t, 200, f.record(legacy).Status, "the older path reporting the same outcome is harmless")
	// The bridge retrying after a lost answer is harmless; another outcome is refused.
	assert.Equal(t, 200, f.outcome(DemoMerchant, uid, paidResponse(uid, "ord-a1", 5000)).Status)
	failedResp := map[string]any{"success": false, "imp_uid": uid, "merchant_uid": "ord-a1", "status": "failed", "error_code": "PG_FAILED"}
	assert.Equal(t, 409, f.outcome(DemoMerchant, uid, failedResp).Status)
	f.api.Wait()
	assert.Equal(t, []delivery{{uid, "ord-a1", "paid", ""}}, h.received())

	// F1002: the order is paid, in the ledger, whatever the page remembers.
	before := f.count(DemoMerchant)
	r = f.open(attemptOf(DemoMerchant, impUID(), "ord-a1", 5000))
	assert.Equal(t, false, r.Body["ok"])
	assert.Equal(t, "F1002", r.Body["error_code"])
	assert.Equal(t, msgAlreadyPaid, r.Body["error_msg"])
	assert.Equal(t, before, f.count(DemoMerchant), "a refused attempt records nothing")
}

func TestAttemptCancelledOrFailedIsFailed(t *testing.T) {
	h := newHook(t, 200)
	f := newFixtureFor(t, Options{}, hookedMerchants(merchants.Webhook{URL: h.srv.URL}))
	tok := f.token(DemoKeys)
	for _, tc := range []struct{ result, errorCode, errorMsg, reason string }{
		{"cancelled", "USER_CANCEL", "사용자가 결제를 취소하셨습니다", "[USER_CANCEL] 사용자가 결제를 취소하셨습니다"},
		{"failed", "F400", "한도초과", "[F400] 한도초과"},
	} {
		uid := impUID()
		require.Equal(t, 200, f.open(attemptOf(DemoMerchant, uid, "ord-"+tc.result, 700)).Status)
		require.Equal(t, 200, f.approve(DemoMerchant, uid, tc.result, "Origin", windowOriginURL).Status)
		r := f.outcome(DemoMerchant, uid, map[string]any{"success": false, "imp_uid": uid, "merchant_uid": "ord-" + tc.result,
			"status": "failed", "error_code": tc.errorCode, "error_msg": tc.errorMsg})
		require.Equal(t, 200, r.Status, r.Raw)
		p := resp(f.get("/payments/"+uid, tok))
		assert.Equal(t, "failed", p["status"], tc.result)
		assert.Equal(t, tc.reason, p["fail_reason"])
		assert.Equal(t, float64(t0), p["failed_at"])
		assert.Equal(t, float64(700), p["amount"])
	}
	f.api.Wait()
	assert.Empty(t, h.received(), "never a webhook on a failure")
}

func TestAttemptPreparedAmount(t *testing.T) {
	f := newFixture(t, Options{})
	tok := f.token(DemoKeys)
	require.Equal(t, 0, code(f.post("/payments/prepare", tok, map[string]any{"merchant_uid": "ord-prep", "amount": 12000, "currency": "KRW"})))
	before := f.count(DemoMerchant)
	r := f.open(attemptOf(DemoMerchant, impUID(), "ord-prep", 1200))
	assert.Equal(t, false, r.Body["ok"])
	assert.Equal(t, CodePreparedMismatch, r.Body["error_code"])
	assert.Contains(t, r.Body["error_msg"], "12000")
	assert.Equal(t, before, f.count(DemoMerchant))
	r = f.open(attemptOf(DemoMerchant, impUID(), "ord-prep", 12000))
	assert.Equal(t, true, r.Body["ok"], r.Raw)
	// The prepared amount is the merchant's: another merchant's same order is not checked by it.
	r = f.open(attemptOf("imp_other", impUID(), "ord-prep", 1))
	assert.Equal(t, true, r.Body["ok"], r.Raw)
}

func TestAttemptBadInput(t *testing.T) {
	f := newFixture(t, Options{})
	uid := impUID()
	require.Equal(t, 200, f.open(attemptOf(DemoMerchant, uid, "ord-bad", 100)).Status)
	edit := func(change func(b map[string]any)) map[string]any {
		b := attemptOf(DemoMerchant, impUID(), "ord-new", 100)
		change(b)
		return b
	}
	tests := []struct {
		name   string
		body   any
		status int
		says   string
	}{
		{"malformed JSON", `{"merchant_code":`, 400, "JSON object"},
		{"an array", `[]`, 400, "JSON object"},
		{"10 MB", `{"merchant_code":"` + strings.Repeat("x", 10<<20) + `"}`, 413, "1 MiB"},
		{"no merchant", edit(func(b map[string]any) { delete(b, "merchant_code") }), 400, "merchant_code is required"},
		{"merchant code a number", edit(func(b map[string]any) { b["merchant_code"] = 7 }), 400, "merchant_code must be a string"},
		{"imp_uid of another shape", edit(func(b map[string]any) { b["imp_uid"] = "imp_12" }), 400, "not an imp_uid"},
		{"imp_uid taken", edit(func(b map[string]any) { b["imp_uid"] = uid }), 409, "already in the ledger"},
		{"merchant_uid too long", edit(func(b map[string]any) { b["merchant_uid"] = strings.Repeat("m", 41) }), 400, "40"},
		{"negative amount", edit(func(b map[string]any) { b["amount"] = -1 }), 400, "amount"},
		{"NaN amount", edit(func(b map[string]any) { b["amount"] = "NaN" }), 400, "amount"},
		{"won with decimals", edit(func(b map[string]any) { b["amount"] = 0.5 }), 400, "decimals"},
		{"no amount", edit(func(b map[string]any) { delete(b, "amount") }), 400, "amount"},
		{"no currency", edit(func(b map[string]any) { delete(b, "currency") }), 400, "3-letter"},
		{"request not an object", edit(func(b map[string]any) { b["request"] = "params" }), 400, "request must be"},
		{"no setting", edit(func(b map[string]any) { delete(b, "setting") }), 400, "setting must be"},
		{"setting a string", edit(func(b map[string]any) { b["setting"] = "html5_inicis" }), 400, "setting must be"},
	}
	before := f.snapshot(DemoMerchant)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.do("POST", "/sdk/sandbox/attempts", tt.body, "Content-Type", "application/json")
			require.Equal(t, tt.status, r.Status, r.Raw)
			assert.Equal(t, false, r.Body["ok"])
			assert.Contains(t, said(r), tt.says)
			assert.Equal(t, before, f.snapshot(DemoMerchant), "nothing changes")
		})
	}
	t.Run("approval and outcome", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			r      func() reply
			status int
		}{
			{"unknown attempt", func() reply { return f.approve(DemoMerchant, "imp_999999999999", "paid", "Origin", windowOriginURL) }, 404},
			{"another merchant's attempt", func() reply { return f.approve("imp_other", uid, "paid", "Origin", windowOriginURL) }, 404},
			{"unknown result", func() reply { return f.approve(DemoMerchant, uid, "approved", "Origin", windowOriginURL) }, 400},
			{"outcome not an object", func() reply { return f.outcome(DemoMerchant, uid, "paid") }, 400},
			{"outcome for another imp_uid", func() reply { return f.outcome(DemoMerchant, uid, paidResponse(impUID(), "ord-bad", 100)) }, 400},
			{"outcome of an unknown attempt", func() reply {
				return f.outcome(DemoMerchant, "imp_999999999999", paidResponse("imp_999999999999", "x", 1))
			}, 404},
			{"outcome with a wrong merchant_uid", func() reply {
				f.approve(DemoMerchant, uid, "paid", "Origin", windowOriginURL)
				return f.outcome(DemoMerchant, uid, paidResponse(uid, "ord-other", 100))
			}, 400},
		} {
			r := tc.r()
			assert.Equal(t, tc.status, r.Status, "%s: %s", tc.name, r.Raw)
		}
		assert.Equal(t, before, f.snapshot(DemoMerchant))
	})
}

func TestEveryMerchantCodeHasALedger(t *testing.T) {
	// A drop-in page's merchant code has no file: the built-in sandbox merchant keeps its
	// ledger, and its REST keys are the code and SandboxSecret.
	f := newFixture(t, Options{})
	code, uid := "imp12345678", impUID()
	require.Equal(t, 200, f.open(attemptOf(code, uid, "ord-dropin", 1000)).Status)
	require.Equal(t, 200, f.approve(code, uid, "paid", "Origin", windowOriginURL).Status)
	require.Equal(t, 200, f.outcome(code, uid, paidResponse(uid, "ord-dropin", 1000)).Status)
	tok := f.token(Keys{ImpKey: code, ImpSecret: SandboxSecret})
	assert.Equal(t, "paid", resp(f.get("/payments/"+uid, tok))["status"])
	assert.Equal(t, 404, f.get("/payments/"+uid, f.token(DemoKeys)).Status, "its payments are its own")
}

func TestVbanksOverREST(t *testing.T) {
	h := newHook(t, 200)
	f := newFixtureFor(t, Options{}, hookedMerchants(merchants.Webhook{URL: h.srv.URL}))
	tok := f.token(DemoKeys)
	due := int64(t0 + 86400)

	r := f.post("/vbanks", tok, map[string]any{"merchant_uid": "ord-v1", "amount": 30000, "vbank_code": "004", "vbank_due": due,
		"vbank_holder": "임프심", "buyer_name": "홍길동", "custom_data": map[string]any{"k": 1}})
	require.Equal(t, 0, code(r), r.Raw)
	v := resp(r)
	uid := v["imp_uid"].(string)
	assert.Equal(t, "ready", v["status"])
	assert.Equal(t, "vbank", v["pay_method"])
	assert.Equal(t, "KB국민은행", v["vbank_name"])
	assert.Equal(t, "임프심", v["vbank_holder"])
	assert.Equal(t, float64(due), v["vbank_date"])
	assert.Len(t, v["vbank_num"], 14)
	assert.Equal(t, `{"k":1}`, v["custom_data"])
	assert.Equal(t, "html5_inicis", v["pg_provider"], "the merchant's default setting")

	r = f.form("PUT", "/vbanks/"+uid, tok, "amount=35000&vbank_due="+itoa(due+3600))
	require.Equal(t, 0, code(r), r.Raw)
	assert.Equal(t, float64(35000), resp(r)["amount"])
	assert.Equal(t, float64(due+3600), resp(r)["vbank_date"])

	// The bank: the buyer pays in; the merchant's console hears it.
	r = f.post("/sandbox/trigger", tok, map[string]any{"event": "vbank.deposit", "imp_uid": uid})
	require.Equal(t, 0, code(r), r.Raw)
	assert.Equal(t, "paid", resp(r)["status"])
	assert.Equal(t, 400, f.send("DELETE", "/vbanks/"+uid, tok, nil).Status, "a paid account cannot be closed")
	assert.Equal(t, float64(1), f.post("/vbanks", tok, map[string]any{"merchant_uid": "ord-v1", "amount": 1, "vbank_code": "004", "vbank_due": due}).Body["code"],
		"a paid order gets no new account")

	// Another account: closed (말소) before anyone pays; an expired one takes no deposit.
	r = f.form("POST", "/vbanks", tok, "merchant_uid=ord-v2&amount=1000&vbank_code=088&vbank_due="+itoa(due)+"&notice_url[]="+h.srv.URL+"/n")
	require.Equal(t, 0, code(r), r.Raw)
	closed := resp(r)["imp_uid"].(string)
	r = f.send("DELETE", "/vbanks/"+closed, tok, nil)
	require.Equal(t, 0, code(r), r.Raw)
	assert.Equal(t, "cancelled", resp(r)["status"])
	assert.Equal(t, 400, f.send("DELETE", "/vbanks/"+closed, tok, nil).Status)
	r = f.post("/vbanks", tok, map[string]any{"merchant_uid": "ord-v3", "amount": 1000, "vbank_code": "020", "vbank_due": due})
	expired := resp(r)["imp_uid"].(string)
	require.Equal(t, 0, code(f.post("/sandbox/trigger", tok, map[string]any{"event": "vbank.expire", "imp_uid": expired})))
	r = f.post("/sandbox/trigger", tok, map[string]any{"event": "vbank.deposit", "imp_uid": expired})
	assert.Equal(t, 409, r.Status, r.Raw)
	assert.Equal(t, "입금기한이 지난 가상계좌입니다.", r.Body["message"])
	assert.Equal(t, "ready", resp(f.get("/payments/"+expired, tok))["status"])
	f.api.Wait()
	assert.ElementsMatch(t, []delivery{{uid, "ord-v1", "ready", ""}, {uid, "ord-v1", "paid", ""}, {closed, "ord-v2", "ready", ""},
		{expired, "ord-v3", "ready", ""}}, h.received())

	before := f.snapshot(DemoMerchant)
	card := impUID()
	f.mustRecord(paid(card, "ord-card", 100))
	before = f.snapshot(DemoMerchant)
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		says               string
	}{
		{"no vbank_code", "POST", "/vbanks", map[string]any{"merchant_uid": "x1", "amount": 1, "vbank_due": due}, 400, "bank code"},
		{"unknown bank", "POST", "/vbanks", map[string]any{"merchant_uid": "x1", "amount": 1, "vbank_code": "999", "vbank_due": due}, 400, "GET /banks"},
		{"due in the past", "POST", "/vbanks", map[string]any{"merchant_uid": "x1", "amount": 1, "vbank_code": "004", "vbank_due": t0 - 1}, 400, "past"},
		{"due a fraction", "POST", "/vbanks", map[string]any{"merchant_uid": "x1", "amount": 1, "vbank_code": "004", "vbank_due": 1.5e9 + 0.5}, 400, "whole number"},
		{"negative amount", "POST", "/vbanks", map[string]any{"merchant_uid": "x1", "amount": -1, "vbank_code": "004", "vbank_due": due}, 400, "amount"},
		{"zero amount", "POST", "/vbanks", map[string]any{"merchant_uid": "x1", "amount": 0, "vbank_code": "004", "vbank_due": due}, 400, "more than 0"},
		{"notice_url not http", "POST", "/vbanks", map[string]any{"merchant_uid": "x1", "amount": 1, "vbank_code": "004", "vbank_due": due, "notice_url": "ftp://x"}, 400, "http(s)"},
		{"10 MB", "POST", "/vbanks", hugeBody(), 413, "1 MiB"},
		{"PUT of a card payment", "PUT", "/vbanks/" + card, map[string]any{"amount": 1}, 400, "not into a virtual account"},
		{"PUT of nothing", "PUT", "/vbanks/" + closed, map[string]any{}, 400, "give amount"},
		{"PUT of an unknown one", "PUT", "/vbanks/imp_000000000000", map[string]any{"amount": 1}, 404, msgPaymentNotFound},
		{"DELETE of an unknown one", "DELETE", "/vbanks/imp_000000000000", nil, 404, msgPaymentNotFound},
		{"GET /vbanks", "GET", "/vbanks", nil, 405, "use POST"},
	} {
		r := f.send(tc.method, tc.path, tok, tc.body)
		assert.Equal(t, tc.status, r.Status, "%s: %s", tc.name, r.Raw)
		assert.Contains(t, said(r), tc.says, tc.name)
	}
	assert.Equal(t, before, f.snapshot(DemoMerchant), "refusals change nothing")
	other := f.token(testMerchants["imp_other"])
	assert.Equal(t, 404, f.send("DELETE", "/vbanks/"+expired, other, nil).Status, "another merchant's account")
}

func TestVbankHolder(t *testing.T) {
	f := newFixture(t, Options{})
	tok := f.token(DemoKeys)
	a := resp(f.get("/vbanks/holder?bank_code=004&bank_num=123-456-789012", tok))
	b := resp(f.get("/vbanks/holder?bank_code=004&bank_num=123456789012", tok))
	assert.NotEmpty(t, a["bank_holder"])
	assert.Equal(t, a, b, "the same account has the same holder, however it is written")
	for _, tc := range []struct {
		query  string
		status int
	}{{"", 400}, {"?bank_code=004", 400}, {"?bank_code=999&bank_num=123456", 404}, {"?bank_code=004&bank_num=1230000", 404}, {"?bank_code=004&bank_num=12", 404}} {
		r := f.get("/vbanks/holder"+tc.query, tok)
		assert.Equal(t, tc.status, r.Status, tc.query)
		assert.Equal(t, float64(-1), r.Body["code"])
	}
}

func TestEscrowLogis(t *testing.T) {
	f := newFixture(t, Options{})
	tok := f.token(DemoKeys)
	uid, plain := impUID(), impUID()
	rec := paid(uid, "ord-escrow", 1000)
	rec["request"].(map[string]any)["escrow"] = true
	f.mustRecord(rec)
	f.mustRecord(paid(plain, "ord-plain", 1000))
	ship := map[string]any{"sender": map[string]any{"name": "임프심", "tel": "02", "addr": "서울", "postcode": "06236"},
		"receiver": map[string]any{"name": "홍길동", "tel": "010", "addr": "부산", "postcode": "48000"},
		"logis":    map[string]any{"company": "cjgls", "invoice": "1234", "sent_at": t0}}

	r := f.get("/escrows/logis/"+uid, tok)
	assert.Equal(t, 409, r.Status, "nothing registered yet: %s", r.Raw)
	assert.Equal(t, 409, f.send("PUT", "/escrows/logis/"+uid, tok, ship).Status, "nothing to change yet")
	r = f.post("/escrows/logis/"+uid, tok, ship)
	require.Equal(t, 0, code(r), r.Raw)
	assert.Equal(t, map[string]any{"company": "CJGLS", "invoice": "1234", "sent_at": float64(t0), "applied_at": float64(t0)}, resp(r))
	assert.Equal(t, 409, f.post("/escrows/logis/"+uid, tok, ship).Status, "registered once")
	r = f.form("PUT", "/escrows/logis/"+uid, tok, "logis[company]=NOSUCH&logis[invoice]=99&logis[sent_at]="+itoa(t0+60)+"&sender[name]=a")
	require.Equal(t, 0, code(r), r.Raw)
	assert.Equal(t, "ETC", resp(r)["company"], "an unknown courier is ETC (택배사 코드 page)")
	assert.Equal(t, resp(r), resp(f.get("/escrows/logis/"+uid, tok)))

	for _, tc := range []struct {
		name, path string
		body       any
		status     int
	}{
		{"not escrow", "/escrows/logis/" + plain, ship, 400},
		{"unknown payment", "/escrows/logis/imp_000000000000", ship, 404},
		{"no logis", "/escrows/logis/" + uid, map[string]any{"sender": ship["sender"]}, 400},
		{"logis a string", "/escrows/logis/" + uid, map[string]any{"logis": "CJ"}, 400},
		{"sender.name a number", "/escrows/logis/" + uid, map[string]any{"sender": map[string]any{"name": 1}, "logis": ship["logis"]}, 400},
		{"no invoice", "/escrows/logis/" + uid, map[string]any{"logis": map[string]any{"company": "CJGLS", "sent_at": t0}}, 400},
		{"10 MB", "/escrows/logis/" + uid, hugeBody(), 413},
	} {
		r := f.send("PUT", tc.path, tok, tc.body)
		assert.Equal(t, tc.status, r.Status, "%s: %s", tc.name, r.Raw)
	}
	assert.Equal(t, 404, f.get("/escrows/logis/"+uid, f.token(testMerchants["imp_other"])).Status)
}

func TestCodesAndUnknownPaths(t *testing.T) {
	f := newFixture(t, Options{})
	tok := f.token(DemoKeys)
	cards := f.get("/cards", tok).Body["response"].([]any)
	assert.Len(t, cards, len(cardCodes))
	assert.Equal(t, map[string]any{"code": "366", "name": "신한카드"}, resp(f.get("/cards/366", tok)))
	assert.Equal(t, map[string]any{"code": "088", "name": "신한은행"}, resp(f.get("/banks/088", tok)))
	for i := 1; i < len(bankCodes); i++ {
		assert.Less(t, bankCodes[i-1].Code, bankCodes[i].Code, "banks in code order")
	}
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/cards/999", 404}, {"GET", "/banks/999", 404}, {"POST", "/cards", 405}, {"GET", "/receipts/imp_1", 404},
		{"GET", "/kcpquick/members/x", 404}, {"GET", "/sandbox/nothing", 404}, {"GET", "/payments/" + impUID() + "/naver/product-orders", 404},
		{"GET", "/payments/imp_000000000000/balance", 404}, {"GET", "/payments/imp_000000000000/receipt", 404},
	} {
		r := f.do(tc.method, tc.path, nil, "Authorization", tok)
		assert.Equal(t, tc.status, r.Status, "%s %s: %s", tc.method, tc.path, r.Raw)
		assert.Equal(t, float64(-1), r.Body["code"], "the REST envelope: %s", tc.path)
	}
	assert.Equal(t, 401, f.do("GET", "/cards", nil).Status)
}

func TestFindWithTrailingStatusAndLimits(t *testing.T) {
	f := newFixture(t, Options{})
	tok := f.token(DemoKeys)
	uid := impUID()
	f.mustRecord(paid(uid, "ord-find", 1000))
	assert.Equal(t, uid, resp(f.get("/payments/find/ord-find/", tok))["imp_uid"])
	f.clock.Advance(60e9)
	later := impUID()
	f.mustRecord(failed(later, "ord-find", 1000))
	assert.Equal(t, later, resp(f.get("/payments/find/ord-find", tok))["imp_uid"], "-started: the latest")
	assert.Equal(t, uid, resp(f.get("/payments/find/ord-find?sorting=started", tok))["imp_uid"], "started: the first")
	assert.Equal(t, uid, resp(f.get("/payments/find/ord-find/paid", tok))["imp_uid"])
	assert.Equal(t, 400, f.get("/payments/find/ord-find?sorting=amount", tok).Status)
	r := f.get("/payments/findAll/ord-find/", tok)
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, float64(2), resp(r)["total"])
	assert.Equal(t, 200, f.get("/payments/status/all?limit=1000&sorting=paid", tok).Status)
	r = f.get("/payments/findAll/nothing/", tok)
	assert.Equal(t, 404, r.Status)
	assert.Equal(t, msgPaymentNotFound, r.Body["message"])
	r = f.get("/payments/status/bogus", tok)
	assert.Equal(t, 400, r.Status)
	assert.Equal(t, msgUnsupportedStatus, r.Body["message"])
	assert.Equal(t, 400, f.get("/payments/"+uid+"?include_sandbox=yes", tok).Status)
	assert.Equal(t, 200, f.get("/payments/"+uid+"?include_sandbox=true", tok).Status)
}

func TestBalance(t *testing.T) {
	f := newFixture(t, Options{})
	tok := f.token(DemoKeys)
	uid := impUID()
	f.mustRecord(paid(uid, "ord-bal", 11000))
	b := resp(f.get("/payments/"+uid+"/balance", tok))
	assert.Equal(t, map[string]any{"tax_free": float64(0), "supply": float64(10000), "vat": float64(1000), "service": float64(0)}, b["primary"])
	require.Equal(t, 0, code(f.post("/payments/cancel", tok, map[string]any{"imp_uid": uid, "amount": 1100})))
	b = resp(f.get("/payments/"+uid+"/balance", tok))
	assert.Equal(t, float64(11000), b["amount"])
	assert.Equal(t, float64(9000), b["primary"].(map[string]any)["supply"])
	hist := b["histories"].([]any)
	require.Len(t, hist, 2)
	assert.Equal(t, float64(-1000), hist[1].(map[string]any)["primary"].(map[string]any)["supply"])
}

// FuzzRESTBodies throws arbitrary bodies, JSON and forms, at the new REST endpoints: every
// answer is the REST envelope with a 200, 207 or 4xx, never a 500 or a panic.
func FuzzRESTBodies(f *testing.F) {
	for _, s := range []string{``, `{}`, `null`, `[]`, `{"merchant_uid":"a","amount":1}`, `{"merchant_uid":"a","amount":"1e999"}`,
		`{"merchant_uid":"b","amount":1,"vbank_code":"004","vbank_due":1900000000,"notice_url":["http://127.0.0.1:1/"]}`,
		`{"logis":{"company":"CJGLS","invoice":"1","sent_at":1},"sender":{"name":"a"}}`, `logis[company]=x&logis[invoice]=1&logis[sent_at]=2`,
		`merchant_uid=%zz`, `{"event":"vbank.deposit","imp_uid":"imp_000000000001"}`, `{"imp_uid":"imps_000000000001","enable_webhook":"1"}`} {
		f.Add(s, true)
		f.Add(s, false)
	}
	fx := newFixture(f, Options{})
	tok := fx.token(DemoKeys)
	uid := "imps_000000000001"
	rec := paid(uid, "fuzz-order", 1000)
	rec["request"].(map[string]any)["escrow"] = true
	fx.mustRecord(rec)
	targets := [][2]string{{"POST", "/payments/prepare"}, {"PUT", "/payments/prepare"}, {"POST", "/vbanks"}, {"PUT", "/vbanks/" + uid},
		{"POST", "/escrows/logis/" + uid}, {"PUT", "/escrows/logis/" + uid}, {"POST", "/sandbox/trigger"}, {"POST", "/payments/cancel"}}
	f.Fuzz(func(t *testing.T, body string, asJSON bool) {
		for _, target := range targets {
			req := httptest.NewRequest(target[0], target[1], strings.NewReader(body))
			req.Header.Set("Authorization", tok)
			if asJSON {
				req.Header.Set("Content-Type", "application/json")
			} else {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			w := httptest.NewRecorder()
			fx.api.ServeHTTP(w, req)
			if w.Code >= 500 || (w.Code != 200 && w.Code != 207 && w.Code < 400) {
				t.Fatalf("%s %s: status %d for %q: %s", target[0], target[1], w.Code, body, w.Body.String())
			}
			if !strings.HasPrefix(w.Body.String(), `{"code":`) {
				t.Fatalf("%s %s: not the REST envelope: %s", target[0], target[1], w.Body.String())
			}
		}
	})
}

// FuzzAttempt throws arbitrary bodies at the attempt endpoints: JSON answers, no 500, and an
// accepted attempt's payment is in the ledger as ready.
func FuzzAttempt(f *testing.F) {
	f.Add(`{"merchant_code":"imp10391932","imp_uid":"imp_000000000001","merchant_uid":"o","amount":1,"currency":"KRW","request":{},"setting":{"pg":"x"}}`)
	f.Add(`{"merchant_code":"imp10391932","imp_uid":"imp_000000000002","merchant_uid":"o","amount":"1e9999","currency":"KRW","request":{"notice_url":[1]},"setting":{"pg":"x"}}`)
	f.Add(`{"merchant_code":"imp10391932","response":{"success":true,"status":"paid","paid_amount":-1}}`)
	f.Add(`{`)
	fx := newFixture(f, Options{})
	tok := fx.token(DemoKeys)
	f.Fuzz(func(t *testing.T, body string) {
		for _, path := range []string{"/sdk/sandbox/attempts", "/sdk/sandbox/attempts/imp_000000000001/outcome", "/sdk/sandbox/attempts/imp_000000000001/approval"} {
			req := httptest.NewRequest("POST", path, strings.NewReader(body))
			req.Header.Set("Origin", windowOriginURL)
			w := httptest.NewRecorder()
			fx.api.ServeHTTP(w, req)
			if w.Code >= 500 || !strings.HasPrefix(w.Body.String(), `{"ok":`) {
				t.Fatalf("%s: %d for %q: %s", path, w.Code, body, w.Body.String())
			}
			if path == "/sdk/sandbox/attempts" && w.Code == 200 {
				var ans struct {
					ImpUID string `json:"imp_uid"`
				}
				var sent struct {
					MerchantCode string `json:"merchant_code"`
				}
				_ = json.Unmarshal(w.Body.Bytes(), &ans)
				_ = json.Unmarshal([]byte(body), &sent)
				if sent.MerchantCode != DemoMerchant {
					continue
				}
				g := httptest.NewRecorder()
				get := httptest.NewRequest("GET", "/payments/"+ans.ImpUID, nil)
				get.Header.Set("Authorization", tok)
				fx.api.ServeHTTP(g, get)
				if g.Code != 200 || !strings.Contains(g.Body.String(), `"status":"ready"`) {
					t.Fatalf("accepted %s but GET answers %d: %s", ans.ImpUID, g.Code, g.Body.String())
				}
			}
		}
	})
}
