package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// testHost is where the tests' requests go: the server as `make run` serves it.
const testHost = "127.0.0.1:8080"

const t0 = 1_800_000_000 // a fixed "now" for the tests, in unix seconds

// merchants of the tests: the demo one and a second whose payments must stay apart.
var testMerchants = MerchantSet{
	DemoMerchant: DemoKeys,
	"imp_other":  {ImpKey: "other_key", ImpSecret: "other_secret"},
	"imp_nokeys": {},
}

type fixture struct {
	t     testing.TB
	store *Store
	api   *API
	clock *clock
	// site, when set, is what requests go to instead of api (web in front of it).
	site http.Handler
}

func newFixture(t testing.TB, opts Options) *fixture {
	t.Helper()
	return newFixtureFor(t, opts, testMerchants)
}

// newFixtureFor is newFixture with other merchants.
func newFixtureFor(t testing.TB, opts Options, m Merchants) *fixture {
	t.Helper()
	store, err := Open(":memory:")
	require.NoError(t, err)
	c := &clock{t: time.Unix(t0, 0)}
	if opts.Now == nil {
		opts.Now = c.Now
	}
	if opts.WebhookBackoff == 0 {
		opts.WebhookBackoff = time.Millisecond
	}
	api := NewAPI(store, m, opts)
	t.Cleanup(func() {
		api.Close()
		store.Close()
	})
	return &fixture{t: t, store: store, api: api, clock: c}
}

// reply is a decoded answer.
type reply struct {
	Status int
	Body   map[string]any
	Raw    string
	// Explain is impshim's explanation of a refusal (X-Impshim-Explain).
	Explain string
}

// said is everything a refusal says: the envelope's message (the real API's words, or the
// bridge's error) and impshim's explanation.
func said(r reply) string {
	m, _ := r.Body["message"].(string)
	if m == "" {
		m, _ = r.Body["error"].(string)
	}
	return m + " | " + r.Explain
}

// do sends body (a string is sent as is, anything else as JSON with its Content-Type) with
// the headers given as name, value pairs.
func (f *fixture) do(method, path string, body any, headers ...string) reply {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	default:
		data, err := json.Marshal(b)
		require.NoError(f.t, err)
		rd = bytes.NewReader(data)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Host = testHost
	if _, isText := body.(string); body != nil && !isText {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	if f.site != nil {
		f.site.ServeHTTP(w, req)
	} else {
		f.api.ServeHTTP(w, req)
	}
	r := reply{Status: w.Code, Raw: w.Body.String(), Explain: w.Header().Get("X-Impshim-Explain")}
	require.Equal(f.t, "application/json; charset=utf-8", w.Header().Get("Content-Type"), "every answer is JSON: %s %s", method, path)
	require.NoError(f.t, json.Unmarshal(w.Body.Bytes(), &r.Body), "answer of %s %s: %s", method, path, r.Raw)
	return r
}

// token gets an access token for the merchant with those keys.
func (f *fixture) token(k Keys) string {
	f.t.Helper()
	r := f.do("POST", "/users/getToken", map[string]any{"imp_key": k.ImpKey, "imp_secret": k.ImpSecret})
	require.Equal(f.t, 200, r.Status, r.Raw)
	return r.Body["response"].(map[string]any)["access_token"].(string)
}

// get calls the REST API with a token.
func (f *fixture) get(path, token string) reply {
	f.t.Helper()
	return f.do("GET", path, nil, "Authorization", token)
}

func (f *fixture) post(path, token string, body any) reply {
	f.t.Helper()
	return f.do("POST", path, body, "Authorization", token, "Content-Type", "application/json")
}

var uidSeq int

// impUID returns a fresh imp_uid of the SDK's shape.
func impUID() string {
	uidSeq++
	s := strconv.Itoa(uidSeq)
	for len(s) < 12 {
		s = "0" + s
	}
	return "imps_" + s
}

// paid is the bridge's record of a paid card payment; edit the maps before sending.
func paid(uid, merchantUID string, amount any) map[string]any {
	return map[string]any{
		"merchant_code": DemoMerchant,
		"request": map[string]any{
			"pg": "html5_inicis", "pay_method": "card", "merchant_uid": merchantUID, "name": "Order 1",
			"amount": amount, "buyer_name": "Hong Gildong", "buyer_email": "hong@example.com",
			"custom_data": map[string]any{"cart": []any{1, 2}},
		},
		"response": map[string]any{
			"success": true, "imp_success": true, "imp_uid": uid, "merchant_uid": merchantUID,
			"pay_method": "card", "paid_amount": amount, "currency": "KRW", "status": "paid",
			"name": "Order 1", "pg_provider": "html5_inicis", "pg_type": "payment", "pg_tid": "tid_" + uid,
			"apply_num": "12345678", "buyer_name": "Hong Gildong", "buyer_email": "hong@example.com",
			"custom_data": map[string]any{"cart": []any{1, 2}}, "paid_at": t0 - 5,
			"receipt_url": "https://sandbox.invalid/receipt/" + uid, "card_name": "Sandbox Card",
			"card_number": "4092********1234", "card_quota": 0,
		},
	}
}

// failed is the bridge's record of a payment the buyer gave up in the window.
func failed(uid, merchantUID string, amount any) map[string]any {
	return map[string]any{
		"merchant_code": DemoMerchant,
		"request":       map[string]any{"pg": "kakaopay", "merchant_uid": merchantUID, "amount": amount},
		"response": map[string]any{
			"success": false, "imp_success": false, "imp_uid": uid, "merchant_uid": merchantUID,
			"status": "failed", "error_code": "USER_CANCEL", "error_msg": "the buyer closed the window",
		},
	}
}

// vbank is the bridge's record of an issued, not yet paid, virtual account.
func vbank(uid, merchantUID string, amount any) map[string]any {
	rec := paid(uid, merchantUID, amount)
	req, resp := rec["request"].(map[string]any), rec["response"].(map[string]any)
	req["pay_method"], resp["pay_method"], resp["status"] = "vbank", "vbank", "ready"
	resp["vbank_num"], resp["vbank_name"], resp["vbank_holder"], resp["vbank_date"] = "5678901234", "Sandbox Bank", "impshim", "2027-01-15 23:59:59"
	delete(resp, "paid_at")
	return rec
}

func (f *fixture) record(rec map[string]any) reply {
	f.t.Helper()
	return f.do("POST", "/sdk/sandbox/payments", rec, "Content-Type", "application/json")
}

// mustRecord records and fails the test unless the ledger took it.
func (f *fixture) mustRecord(rec map[string]any) {
	f.t.Helper()
	r := f.record(rec)
	require.Equal(f.t, 200, r.Status, r.Raw)
	require.Equal(f.t, true, r.Body["recorded"], r.Raw)
}

// count is how many payments the merchant has in the ledger.
func (f *fixture) count(code string) int {
	f.t.Helper()
	_, total, err := f.store.List(context.Background(), code, ListQuery{Status: "all", Page: 1, Limit: 1})
	require.NoError(f.t, err)
	return total
}

// snapshot is every payment of the merchant, for "unchanged" assertions.
func (f *fixture) snapshot(code string) []Payment {
	f.t.Helper()
	list, _, err := f.store.List(context.Background(), code, ListQuery{Status: "all", Page: 1, Limit: 100, Sorting: "started"})
	require.NoError(f.t, err)
	return list
}

func resp(r reply) map[string]any {
	m, _ := r.Body["response"].(map[string]any)
	return m
}

func newRecorder(f *fixture, method, path string, headers ...string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	var h http.Handler = f.api
	if f.site != nil {
		h = f.site
	}
	req := httptest.NewRequest(method, path, nil)
	req.Host = testHost
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	h.ServeHTTP(w, req)
	return w
}

// newLoopback serves h on a loopback port and returns its base URL.
func newLoopback(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

func httptestRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
