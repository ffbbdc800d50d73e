package ledger

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGetToken(t *testing.T) {
	f := newFixture(t, Options{})
	tests := []struct {
		name   string
		body   string
		ctype  string
		method string
		status int
		merch  string // whose token it is, when 200
		msg    string // part of the error message
	}{
		{"json", `{"imp_key":"imp_apikey","imp_secret":"sandbox_secret"}`, "application/json", "POST", 200, DemoMerchant, ""},
		{"form", `imp_key=imp_apikey&imp_secret=sandbox_secret`, "application/x-www-form-urlencoded", "POST", 200, DemoMerchant, ""},
		{"json without content type", `{"imp_key":"other_key","imp_secret":"other_secret"}`, "", "POST", 200, "imp_other", ""},
		{"the docs' public test keys", `{"imp_key":"imp_apikey","imp_secret":"ekKoeW8RyKuT0zgaZsUtXXTLQ4AhPFW3ZGseDA6bkA5lamv9OqDMnxyeB9wqOsuO9W3Mx9YSJ4dTqJ3f"}`, "application/json", "POST", 200, DemoMerchant, ""},
		{"the npm clients' default keys", `imp_key=imp_apiKey&imp_secret=ekKoeW8RyKuT0zgaZsUtXXTLQ4AhPFW3ZGseDA6bkA5lamv9OqDMnxyeB9wqOsuO9W3Mx9YSJ4dTqJ3f`, "application/x-www-form-urlencoded", "POST", 200, DemoMerchant, ""},
		{"a code without a merchant file", `{"imp_key":"imp55550000","imp_secret":"sandbox_secret"}`, "application/json", "POST", 200, "imp55550000", ""},
		{"wrong secret", `{"imp_key":"imp_apikey","imp_secret":"nope"}`, "application/json", "POST", 401, "", msgTokenKeysWrong + " | imp_key and imp_secret match no merchant"},
		{"another merchant's secret", `{"imp_key":"imp_apikey","imp_secret":"other_secret"}`, "application/json", "POST", 401, "", "match no merchant"},
		{"a filed merchant's code as the key", `{"imp_key":"imp_other","imp_secret":"sandbox_secret"}`, "application/json", "POST", 401, "", "match no merchant"},
		{"unknown key, wrong secret", `{"imp_key":"who","imp_secret":"nope"}`, "application/json", "POST", 401, "", "match no merchant"},
		{"public key, wrong secret", `{"imp_key":"imp_apiKey","imp_secret":"sandbox_secret"}`, "application/json", "POST", 401, "", "match no merchant"},
		{"missing secret", `{"imp_key":"imp_apikey"}`, "application/json", "POST", 400, "", msgTokenKeysMissing + " | imp_key and imp_secret are both required"},
		{"empty body", ``, "application/json", "POST", 400, "", "not a JSON object"},
		{"malformed json", `{"imp_key":`, "application/json", "POST", 400, "", "not a JSON object"},
		{"json array", `["imp_apikey"]`, "application/json", "POST", 400, "", "not a JSON object"},
		{"key not a string", `{"imp_key":1,"imp_secret":"sandbox_secret"}`, "application/json", "POST", 400, "", "imp_key must be a string"},
		{"other media type", `<xml/>`, "text/xml", "POST", 415, "", "application/json"},
		{"GET", ``, "", "GET", 405, "", "use POST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var headers []string
			if tt.ctype != "" {
				headers = []string{"Content-Type", tt.ctype}
			}
			var body any
			if tt.body != "" {
				body = tt.body
			}
			r := f.do(tt.method, "/users/getToken", body, headers...)
			require.Equal(t, tt.status, r.Status, r.Raw)
			if tt.status != 200 {
				assert.Equal(t, float64(-1), r.Body["code"])
				assert.Contains(t, said(r), tt.msg)
				assert.Nil(t, r.Body["response"])
				return
			}
			assert.Equal(t, float64(0), r.Body["code"])
			assert.Nil(t, r.Body["message"])
			tok := resp(r)
			assert.Equal(t, float64(t0), tok["now"])
			assert.Equal(t, float64(t0+1800), tok["expired_at"], "tokens live 30 minutes")
			assert.Len(t, tok["access_token"], 40)
			code, valid, err := f.store.TokenMerchant(t.Context(), tok["access_token"].(string), t0)
			require.NoError(t, err)
			assert.True(t, valid)
			assert.Equal(t, tt.merch, code)
		})
	}
}

func TestTokenLifetime(t *testing.T) {
	// While valid, the same token comes back (a merchant's servers share it); in its last
	// minute it is extended by 5 minutes; once expired a new one is issued.
	f := newFixture(t, Options{})
	issue := func() (string, float64) {
		r := f.do("POST", "/users/getToken", map[string]any{"imp_key": "imp_apikey", "imp_secret": "sandbox_secret"})
		require.Equal(t, 200, r.Status, r.Raw)
		assert.Equal(t, float64(f.clock.Now().Unix()), resp(r)["now"])
		return resp(r)["access_token"].(string), resp(r)["expired_at"].(float64)
	}
	first, exp := issue()
	assert.Equal(t, float64(t0+1800), exp)

	f.clock.Advance(10 * time.Minute)
	again, exp := issue()
	assert.Equal(t, first, again)
	assert.Equal(t, float64(t0+1800), exp, "reuse does not extend")

	other := f.token(testMerchants["imp_other"])
	assert.NotEqual(t, first, other, "each merchant has its own")

	f.clock.Advance(19*time.Minute + 30*time.Second) // 30 s left
	again, exp = issue()
	assert.Equal(t, first, again)
	assert.Equal(t, float64(t0+1800+300), exp, "asked in its last minute: 5 more minutes")

	f.clock.Advance(5*time.Minute + 31*time.Second)
	assert.Equal(t, 401, f.get("/payments/status/all", first).Status)
	fresh, exp := issue()
	assert.NotEqual(t, first, fresh)
	assert.Equal(t, float64(f.clock.Now().Unix()+1800), exp)
}

func TestGetTokenWithoutKeys(t *testing.T) {
	// imp_nokeys has a merchant file without imp_key: it records payments from the browser but
	// has no REST access — neither with empty keys nor through the built-in merchant's
	// credentials (imp_key = the code, SandboxSecret), which are for codes without a file.
	f := newFixture(t, Options{})
	keys, known := testMerchants.Keys("imp_nokeys")
	require.True(t, known)
	require.Equal(t, Keys{}, keys, "the fixture's merchant really has no keys")
	rec := paid(impUID(), "order-nokeys", 10)
	rec["merchant_code"] = "imp_nokeys"
	f.mustRecord(rec)
	for _, body := range []map[string]any{
		{"imp_key": "", "imp_secret": ""},
		{"imp_key": "imp_nokeys", "imp_secret": SandboxSecret},
		{"imp_key": "imp_nokeys", "imp_secret": ""},
	} {
		r := f.do("POST", "/users/getToken", body)
		assert.NotEqual(t, 200, r.Status, "%v: %s", body, r.Raw)
		assert.Nil(t, r.Body["response"], "no token for a merchant without keys: %v", body)
	}
	// The built-in path itself works for a code without a file.
	r := f.do("POST", "/users/getToken", map[string]any{"imp_key": "imp_filefree", "imp_secret": SandboxSecret})
	assert.Equal(t, 200, r.Status, r.Raw)
}

func TestAuthorization(t *testing.T) {
	f := newFixture(t, Options{})
	uid := impUID()
	f.mustRecord(paid(uid, "order-auth", 1000))
	tok := f.token(DemoKeys)
	other := f.token(testMerchants["imp_other"])
	path := "/payments/" + uid
	tests := []struct {
		name    string
		path    string
		headers []string
		status  int
	}{
		{"bare token", path, []string{"Authorization", tok}, 200},
		{"bearer token", path, []string{"Authorization", "Bearer " + tok}, 200},
		{"X-ImpTokenHeader", path, []string{"X-ImpTokenHeader", tok}, 200},
		{"query _token", path + "?_token=" + tok, nil, 200},
		{"no token", path, nil, 401},
		{"unknown token", path, []string{"Authorization", "0123456789abcdef"}, 401},
		{"another merchant's token sees nothing", path, []string{"Authorization", other}, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.do("GET", tt.path, nil, tt.headers...)
			require.Equal(t, tt.status, r.Status, r.Raw)
			if tt.status == 200 {
				assert.Equal(t, uid, resp(r)["imp_uid"])
			} else {
				assert.Equal(t, float64(-1), r.Body["code"])
				assert.NotEmpty(t, r.Body["message"])
			}
		})
	}
	t.Run("every payments endpoint wants a token", func(t *testing.T) {
		for _, p := range []struct{ method, path string }{
			{"GET", path}, {"GET", "/payments/find/order-auth"}, {"GET", "/payments/findAll/order-auth"},
			{"GET", "/payments/status/all"}, {"POST", "/payments/cancel"},
		} {
			r := f.do(p.method, p.path, nil)
			assert.Equal(t, 401, r.Status, "%s %s: %s", p.method, p.path, r.Raw)
		}
	})
	t.Run("expired after 30 minutes", func(t *testing.T) {
		f.clock.Advance(30*time.Minute - time.Second)
		assert.Equal(t, 200, f.get(path, tok).Status)
		f.clock.Advance(time.Second)
		r := f.get(path, tok)
		assert.Equal(t, 401, r.Status)
		assert.Contains(t, said(r), "expired")
	})
}

func TestGetPayment(t *testing.T) {
	f := newFixture(t, Options{})
	uid := impUID()
	f.mustRecord(paid(uid, "order-1", 1000))
	tok := f.token(DemoKeys)

	r := f.get("/payments/"+uid, tok)
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, float64(0), r.Body["code"])
	p := resp(r)
	want := map[string]any{
		"imp_uid": uid, "merchant_uid": "order-1", "pay_method": "card", "channel": "pc",
		"pg_provider": "html5_inicis", "pg_tid": "tid_" + uid, "amount": float64(1000), "cancel_amount": float64(0),
		"currency": "KRW", "name": "Order 1", "status": "paid", "paid_at": float64(t0 - 5), "failed_at": float64(0),
		"cancelled_at": float64(0), "started_at": float64(t0), "fail_reason": nil, "cancel_reason": nil,
		"buyer_name": "Hong Gildong", "buyer_email": "hong@example.com", "buyer_tel": nil,
		"custom_data": `{"cart":[1,2]}`, "customer_uid": nil, "card_name": "Sandbox Card", "apply_num": "12345678",
		"receipt_url": "https://sandbox.invalid/receipt/" + uid, "vbank_num": nil, "escrow": false,
		"cancel_history": []any{}, "cancel_receipt_urls": []any{},
	}
	for k, v := range want {
		assert.Equal(t, v, p[k], "field %s", k)
	}

	t.Run("unknown imp_uid", func(t *testing.T) {
		r := f.get("/payments/imps_999999999999", tok)
		assert.Equal(t, 404, r.Status)
		assert.Contains(t, said(r), "imps_999999999999")
	})
	t.Run("POST is not GET", func(t *testing.T) {
		r := f.do("POST", "/payments/"+uid, nil, "Authorization", tok)
		assert.Equal(t, 405, r.Status)
	})
	t.Run("unknown API", func(t *testing.T) {
		assert.Equal(t, 404, f.get("/payments/a/b/c/d", tok).Status)
		assert.Equal(t, 404, f.get("/users/whoami", tok).Status)
	})
}

func TestFindByMerchantUID(t *testing.T) {
	f := newFixture(t, Options{})
	first, second := impUID(), impUID()
	f.mustRecord(failed(first, "order/7", 5000))
	f.clock.Advance(time.Minute)
	f.mustRecord(paid(second, "order/7", 5000))
	tok := f.token(DemoKeys)
	esc := "order%2F7" // a merchant_uid may hold a slash
	tests := []struct {
		path   string
		status int
		uid    string
	}{
		{"/payments/find/" + esc, 200, second},
		{"/payments/find/" + esc + "/paid", 200, second},
		{"/payments/find/" + esc + "/failed", 200, first},
		{"/payments/find/" + esc + "/cancelled", 404, ""},
		{"/payments/find/" + esc + "/bogus", 400, ""},
		{"/payments/find/no-such-order", 404, ""},
	}
	for _, tt := range tests {
		r := f.get(tt.path, tok)
		require.Equal(t, tt.status, r.Status, "%s: %s", tt.path, r.Raw)
		if tt.uid != "" {
			assert.Equal(t, tt.uid, resp(r)["imp_uid"], tt.path)
		}
	}
	r := f.get("/payments/findAll/"+esc, tok)
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, float64(2), resp(r)["total"])
	list := resp(r)["list"].([]any)
	assert.Equal(t, second, list[0].(map[string]any)["imp_uid"], "newest first")
	r = f.get("/payments/findAll/"+esc+"/failed", tok)
	assert.Equal(t, float64(1), resp(r)["total"])
	assert.Equal(t, 404, f.get("/payments/findAll/nothing", tok).Status)
	assert.Equal(t, 404, f.get("/payments/find/order%2F7", f.token(testMerchants["imp_other"])).Status, "another merchant's order is invisible")
}

func TestPaymentsByStatus(t *testing.T) {
	f := newFixture(t, Options{})
	var paidUIDs []string
	for i := range 5 {
		uid := impUID()
		paidUIDs = append(paidUIDs, uid)
		f.mustRecord(paid(uid, "order-s-"+string(rune('a'+i)), 1000*(i+1)))
		f.clock.Advance(time.Minute)
	}
	f.mustRecord(failed(impUID(), "order-f", 100))
	f.mustRecord(vbank(impUID(), "order-v", 300))
	other := paid(impUID(), "order-o", 1)
	other["merchant_code"] = "imp_other"
	f.mustRecord(other)
	tok := f.token(DemoKeys)

	tests := []struct {
		query          string
		status         int
		total          int
		n              int
		previous, next int
		first          string
	}{
		{"/payments/status/all", 200, 7, 7, 0, 0, ""},
		{"/payments/status/paid", 200, 5, 5, 0, 0, paidUIDs[4]},
		{"/payments/status/paid?sorting=started", 200, 5, 5, 0, 0, paidUIDs[0]},
		{"/payments/status/paid?limit=2", 200, 5, 2, 0, 2, paidUIDs[4]},
		{"/payments/status/paid?limit=2&page=2", 200, 5, 2, 1, 3, paidUIDs[2]},
		{"/payments/status/paid?limit=2&page=3", 200, 5, 1, 2, 0, paidUIDs[0]},
		{"/payments/status/paid?from=" + itoa(t0+60) + "&to=" + itoa(t0+180), 200, 3, 3, 0, 0, paidUIDs[3]},
		{"/payments/status/failed", 200, 1, 1, 0, 0, ""},
		{"/payments/status/ready", 200, 1, 1, 0, 0, ""},
		{"/payments/status/cancelled", 200, 0, 0, 0, 0, ""},
		{"/payments/status/refunded", 400, 0, 0, 0, 0, ""},
		{"/payments/status/paid?limit=0", 400, 0, 0, 0, 0, ""},
		{"/payments/status/paid?limit=1001", 400, 0, 0, 0, 0, ""},
		{"/payments/status/paid?page=x", 400, 0, 0, 0, 0, ""},
		{"/payments/status/paid?sorting=amount", 400, 0, 0, 0, 0, ""},
	}
	for _, tt := range tests {
		r := f.get(tt.query, tok)
		require.Equal(t, tt.status, r.Status, "%s: %s", tt.query, r.Raw)
		if tt.status != 200 {
			assert.NotEmpty(t, r.Body["message"], tt.query)
			continue
		}
		page := resp(r)
		assert.Equal(t, float64(tt.total), page["total"], tt.query)
		assert.Len(t, page["list"], tt.n, tt.query)
		assert.Equal(t, float64(tt.previous), page["previous"], tt.query)
		assert.Equal(t, float64(tt.next), page["next"], tt.query)
		if tt.first != "" {
			assert.Equal(t, tt.first, page["list"].([]any)[0].(map[string]any)["imp_uid"], tt.query)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestGetPayments(t *testing.T) {
	f := newFixture(t, Options{})
	a, b := impUID(), impUID()
	f.mustRecord(paid(a, "m-a", 1))
	f.mustRecord(paid(b, "m-b", 2))
	tok := f.token(DemoKeys)
	tests := []struct {
		query  string
		status int
		want   []string
	}{
		{"?imp_uid[]=" + b + "&imp_uid[]=" + a, 200, []string{b, a}},
		{"?imp_uid[]=" + a + "&imp_uid[]=imps_000000000000", 207, []string{a}},
		{"?imp_uid=" + a, 200, []string{a}},
		{"?merchant_uid[]=m-b&imp_uid[]=" + a, 200, []string{a, b}},
		{"?merchant_uid[]=m-b&merchant_uid[]=nope", 207, []string{b}},
		{"?imp_uid[]=imps_000000000000&merchant_uid[]=nope", 404, nil},
		{"?imp_uid[]=" + a + "&include_sandbox=true", 200, []string{a}},
		{"?imp_uid[]=" + a + "&include_sandbox=maybe", 400, nil},
		{"", 400, nil},
		{"?imp_uid[]=" + strings.TrimSuffix(strings.Repeat(a+"&imp_uid[]=", 101), "&imp_uid[]="), 400, nil},
	}
	for _, tt := range tests {
		r := f.get("/payments"+tt.query, tok)
		require.Equal(t, tt.status, r.Status, "%s: %s", tt.query, r.Raw)
		if tt.status >= 400 {
			assert.Equal(t, float64(-1), r.Body["code"])
			continue
		}
		var got []string
		for _, p := range r.Body["response"].([]any) {
			got = append(got, p.(map[string]any)["imp_uid"].(string))
		}
		assert.Equal(t, tt.want, got, tt.query)
	}
	assert.Equal(t, 401, f.do("GET", "/payments?imp_uid[]="+a, nil).Status)
}
