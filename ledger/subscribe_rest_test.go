package ledger

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/web/merchants"
)

// subServer is a real server on loopback serving the seed merchant (its three settings, MID-b
// the subscription one) and a second merchant, with a webhook receiver beside it.
type subServer struct {
	t     *testing.T
	base  string
	api   *API
	clock *clock
	hooks *hookLog
	token string
}

// hookLog records the webhooks the ledger sends.
type hookLog struct {
	mu   sync.Mutex
	got  []webhookBody
	url  string
	seen chan struct{}
}

func (h *hookLog) list() []webhookBody {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]webhookBody(nil), h.got...)
}

// waitFor waits (bounded) until n webhooks have arrived.
func (h *hookLog) waitFor(t *testing.T, n int) []webhookBody {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		if got := h.list(); len(got) >= n {
			return got
		}
		select {
		case <-h.seen:
		case <-deadline:
			t.Fatalf("waited 5 s for %d webhooks, got %v", n, h.list())
		}
	}
}

func newSubServer(t *testing.T) *subServer {
	t.Helper()
	store, err := Open(":memory:")
	require.NoError(t, err)
	other, err := merchants.Parse("imp_other", []byte(`{"merchant_code": "imp_other", "imp_key": "other_key", "imp_secret": "other_secret",
		"pg_settings": [{"pg": "nice", "mid": "nice-1", "pay_type": "subscription", "default": true}]}`))
	require.NoError(t, err)
	cert, err := merchants.Parse("imp_cert", []byte(`{"merchant_code": "imp_cert", "imp_key": "cert_key", "imp_secret": "cert_secret",
		"pg_settings": [{"pg": "html5_inicis", "mid": "MID-a", "pay_type": "general", "default": true},
		{"pg": "danal", "mid": "CPID-1", "pay_type": "general", "type": "certification"}, {"pg": "inicis_unified", "mid": "CERT-2", "pay_type": "general", "type": "certification"}]}`))
	require.NoError(t, err)
	set := MerchantSetOf(merchants.Set{merchants.SeedCode: merchants.Seed(), "imp_other": other, "imp_cert": cert})
	c := &clock{t: time.Unix(t0, 0)}
	api := NewAPI(store, set, Options{Now: c.Now, WebhookBackoff: time.Millisecond})
	srv := httptest.NewServer(api)
	hooks := &hookLog{seen: make(chan struct{}, 100)}
	hookSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b webhookBody
		_ = json.NewDecoder(r.Body).Decode(&b)
		hooks.mu.Lock()
		hooks.got = append(hooks.got, b)
		hooks.mu.Unlock()
		select {
		case hooks.seen <- struct{}{}:
		default:
		}
	}))
	hooks.url = hookSrv.URL + "/iamport-webhook"
	t.Cleanup(func() {
		srv.Close()
		api.Close()
		hookSrv.Close()
		store.Close()
	})
	s := &subServer{t: t, base: srv.URL, api: api, clock: c, hooks: hooks}
	s.token = s.tokenFor(DemoKeys)
	return s
}

func (s *subServer) tokenFor(k Keys) string {
	s.t.Helper()
	r := s.call("POST", "/users/getToken", map[string]any{"imp_key": k.ImpKey, "imp_secret": k.ImpSecret})
	require.Equal(s.t, 200, r.status, r.raw)
	return r.response["access_token"].(string)
}

// answer is a REST answer over the wire.
type answer struct {
	status   int
	code     int
	message  any
	response map[string]any
	list     []any
	header   http.Header
	raw      string
}

// call sends body as JSON (a string as a form) with the server's token.
func (s *subServer) call(method, path string, body any) answer {
	s.t.Helper()
	var rd io.Reader
	ct := "application/json"
	switch b := body.(type) {
	case nil:
	case string:
		rd, ct = strings.NewReader(b), "application/x-www-form-urlencoded"
	default:
		data, err := json.Marshal(b)
		require.NoError(s.t, err)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	require.NoError(s.t, err)
	if rd != nil {
		req.Header.Set("Content-Type", ct)
	}
	if s.token != "" {
		req.Header.Set("Authorization", s.token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err)
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	a := answer{status: res.StatusCode, header: res.Header, raw: string(data)}
	var env struct {
		Code     int             `json:"code"`
		Message  any             `json:"message"`
		Response json.RawMessage `json:"response"`
	}
	require.NoError(s.t, json.Unmarshal(data, &env), "%s %s answered %s", method, path, data)
	a.code, a.message = env.Code, env.Message
	_ = json.Unmarshal(env.Response, &a.response)
	_ = json.Unmarshal(env.Response, &a.list)
	return a
}

// ok asserts a success and returns it.
func (s *subServer) ok(method, path string, body any) answer {
	s.t.Helper()
	a := s.call(method, path, body)
	require.Equal(s.t, 200, a.status, "%s %s: %s", method, path, a.raw)
	require.Equal(s.t, 0, a.code, "%s %s: %s", method, path, a.raw)
	return a
}

// refusedWith asserts the real API's refusal: status, code and Korean message, with the
// sandbox's explanation beside it.
func (s *subServer) refusedWith(a answer, status, code int, msg string) {
	s.t.Helper()
	assert.Equal(s.t, status, a.status, a.raw)
	assert.Equal(s.t, code, a.code, a.raw)
	assert.Equal(s.t, msg, a.message, a.raw)
	assert.NotEmpty(s.t, a.header.Get("X-Impshim-Explain"), "the sandbox says what to change: %s", a.raw)
}

func cardBody(pg string) map[string]any {
	return map[string]any{"pg": pg, "card_number": "4242-4242-4242-4242", "expiry": "2099-12", "birth": "900101",
		"pwd_2digit": "00", "customer_name": "홍길동", "customer_email": "gildong@example.com"}
}

// TestSubscriptionChainOverREST is issue 13's chain: issue a key on MID-b → again → verify +
// cancel → schedule three → advance the clock past two → two payments with webhooks, one still
// scheduled → unschedule it.
func TestSubscriptionChainOverREST(t *testing.T) {
	s := newSubServer(t)

	k := s.ok("POST", "/subscribe/customers/gildong_0001_1234", cardBody("html5_inicis.MID-b"))
	assert.Equal(t, "gildong_0001_1234", k.response["customer_uid"])
	assert.Equal(t, "html5_inicis", k.response["pg_provider"])
	assert.Equal(t, "MID-b", k.response["pg_id"])
	assert.Equal(t, "42424242****4242", k.response["card_number"])
	assert.Equal(t, "홍길동", k.response["customer_name"])
	assert.Equal(t, true, k.response["sandbox"])
	assert.Contains(t, k.header.Get("X-Impshim-Trace"), "rule=R1; setting=1; pg=html5_inicis.MID-b; pay_type=subscription")
	got := s.ok("GET", "/subscribe/customers/gildong_0001_1234", nil)
	assert.Equal(t, k.response, got.response)

	// again: a payment like any other — verify it, cancel it, hear both webhooks.
	pay := s.ok("POST", "/subscribe/payments/again", map[string]any{"customer_uid": "gildong_0001_1234",
		"merchant_uid": "order_again_1", "amount": 8900, "name": "월간 이용권", "notice_url": s.hooks.url})
	impUID := pay.response["imp_uid"].(string)
	assert.Equal(t, "paid", pay.response["status"])
	assert.Equal(t, "api", pay.response["channel"])
	assert.Equal(t, "gildong_0001_1234", pay.response["customer_uid"])
	assert.Equal(t, "payment", pay.response["customer_uid_usage"])
	v := s.ok("GET", "/payments/"+impUID, nil)
	assert.Equal(t, float64(8900), v.response["amount"])
	assert.Equal(t, "MID-b", v.response["pg_id"])
	c := s.ok("POST", "/payments/cancel", map[string]any{"imp_uid": impUID, "reason": "test", "checksum": 8900, "enable_webhook": true})
	assert.Equal(t, "cancelled", c.response["status"])
	hooks := s.hooks.waitFor(t, 2)
	assert.ElementsMatch(t, []webhookBody{{impUID, "order_again_1", "paid"}, {impUID, "order_again_1", "cancelled"}}, hooks)

	// Schedule three on the merchant's clock; advance past two.
	now := int64(s.ok("GET", "/sandbox/clock", nil).response["now"].(float64))
	assert.Equal(t, int64(t0), now, "without a move, the clock is real time")
	day := int64(24 * 3600)
	var schedules []map[string]any
	for i := 1; i <= 3; i++ {
		schedules = append(schedules, map[string]any{"merchant_uid": "order_monthly_000" + strconv.Itoa(i), "schedule_at": now + int64(i)*30*day,
			"amount": 8900, "name": "월간 이용권 정기결제", "buyer_name": "홍길동", "notice_url": s.hooks.url})
	}
	booked := s.ok("POST", "/subscribe/payments/schedule", map[string]any{"customer_uid": "gildong_0001_1234", "schedules": schedules})
	require.Len(t, booked.list, 3)
	first := booked.list[0].(map[string]any)
	assert.Equal(t, "scheduled", first["schedule_status"])
	assert.Nil(t, first["imp_uid"])
	assert.Nil(t, first["payment_status"])

	moved := s.ok("POST", "/sandbox/clock", map[string]any{"advance_s": 65 * day})
	assert.Equal(t, float64(now+65*day), moved.response["now"])
	// 65 days on, the token has expired on the same clock: the merchant's server asks again.
	assert.Equal(t, 401, s.call("GET", "/sandbox/clock", nil).status)
	s.token = s.tokenFor(DemoKeys)
	ran := moved.response["ran"].([]any)
	require.Len(t, ran, 2, "the two schedules now due ran at once")
	hooks = s.hooks.waitFor(t, 4)
	var scheduledHooks []webhookBody
	for _, h := range hooks[2:] {
		scheduledHooks = append(scheduledHooks, webhookBody{MerchantUID: h.MerchantUID, Status: h.Status})
	}
	assert.ElementsMatch(t, []webhookBody{{"", "order_monthly_0001", "paid"}, {"", "order_monthly_0002", "paid"}}, scheduledHooks)
	for _, mu := range []string{"order_monthly_0001", "order_monthly_0002"} {
		sc := s.ok("GET", "/subscribe/payments/schedule/"+mu, nil)
		assert.Equal(t, "executed", sc.response["schedule_status"])
		assert.Equal(t, "paid", sc.response["payment_status"])
		p := s.ok("GET", "/payments/"+sc.response["imp_uid"].(string), nil)
		assert.Equal(t, "payment.scheduled", p.response["customer_uid_usage"])
		assert.Equal(t, sc.response["executed_at"], p.response["paid_at"], "paid at clock time")
	}
	third := s.ok("GET", "/subscribe/payments/schedule/order_monthly_0003", nil)
	assert.Equal(t, "scheduled", third.response["schedule_status"])

	// The listings: by range, by customer, by status.
	q := "?schedule_from=" + strconv.FormatInt(now, 10) + "&schedule_to=" + strconv.FormatInt(now+100*day, 10)
	all := s.ok("GET", "/subscribe/payments/schedule"+q, nil)
	assert.Equal(t, float64(3), all.response["total"])
	still := s.ok("GET", "/subscribe/customers/gildong_0001_1234/schedules?from="+strconv.FormatInt(now, 10)+"&to="+
		strconv.FormatInt(now+100*day, 10)+"&schedule-status=scheduled", nil)
	assert.Equal(t, float64(1), still.response["total"])
	alias := s.ok("GET", "/subscribe/payments/schedule/customers/gildong_0001_1234?from="+strconv.FormatInt(now, 10)+"&to="+
		strconv.FormatInt(now+100*day, 10)+"&schedule_status=executed", nil)
	assert.Equal(t, float64(2), alias.response["total"])
	payments := s.ok("GET", "/subscribe/customers/gildong_0001_1234/payments", nil)
	assert.Equal(t, float64(3), payments.response["total"], "again + two scheduled")

	un := s.ok("POST", "/subscribe/payments/unschedule", map[string]any{"customer_uid": "gildong_0001_1234", "merchant_uid": []string{"order_monthly_0003"}})
	require.Len(t, un.list, 1)
	assert.Equal(t, "revoked", un.list[0].(map[string]any)["schedule_status"])
	s.ok("POST", "/sandbox/clock", map[string]any{"advance_s": 60 * day})
	s.token = s.tokenFor(DemoKeys)
	third = s.ok("GET", "/subscribe/payments/schedule/order_monthly_0003", nil)
	assert.Equal(t, "revoked", third.response["schedule_status"], "a revoked schedule never runs")
	s.api.Wait()
	assert.Len(t, s.hooks.list(), 4)

	del := s.ok("DELETE", "/subscribe/customers/gildong_0001_1234", nil)
	assert.Equal(t, "gildong_0001_1234", del.response["customer_uid"])
	s.refusedWith(s.call("GET", "/subscribe/customers/gildong_0001_1234", nil), 404, 1,
		"요청하신 customer_uid(gildong_0001_1234)로 등록된 정보를 찾을 수 없습니다.")
}

func TestSubscribeBadInputOverREST(t *testing.T) {
	s := newSubServer(t)
	s.ok("POST", "/subscribe/customers/sub_1", cardBody("html5_inicis.MID-b"))
	s.ok("POST", "/subscribe/customers/gone_1", cardBody("html5_inicis.MID-b"))
	s.ok("DELETE", "/subscribe/customers/gone_1", nil)
	charge := func(uid string, amount any) map[string]any {
		return map[string]any{"customer_uid": uid, "merchant_uid": "o_" + uid, "amount": amount, "name": "x"}
	}
	cases := []struct {
		name   string
		path   string
		body   any
		status int
		code   int
		msg    string
	}{
		{"unknown customer_uid", "/subscribe/payments/again", charge("nobody", 1000), 200, 1, "등록된 고객정보가 없습니다."},
		{"deleted key", "/subscribe/payments/again", charge("gone_1", 1000), 200, 1, "등록된 고객정보가 없습니다."},
		{"amount a word", "/subscribe/payments/again", charge("sub_1", "천원"), 400, -1, "결제금액(amount)이 올바르지 않습니다."},
		{"amount a boolean", "/subscribe/payments/again", charge("sub_1", true), 400, -1, "결제금액(amount)이 올바르지 않습니다."},
		{"amount an object", "/subscribe/payments/again", charge("sub_1", map[string]any{"total": 8900}), 400, -1, "amount 값이 올바르지 않습니다."},
		{"amount negative", "/subscribe/payments/again", charge("sub_1", -5), 400, -1, "결제금액(amount)이 올바르지 않습니다."},
		{"amount decimals in KRW", "/subscribe/payments/again", charge("sub_1", 0.5), 400, -1, "결제금액(amount)이 올바르지 않습니다."},
		{"amount zero", "/subscribe/payments/again", charge("sub_1", 0), 400, -1, "결제금액(amount)은 0보다 커야 합니다."},
		{"amount missing", "/subscribe/payments/again", map[string]any{"customer_uid": "sub_1", "merchant_uid": "m"}, 400, -1, "결제금액(amount)은 필수입력입니다."},
		{"no customer_uid", "/subscribe/payments/again", map[string]any{"merchant_uid": "m", "amount": 1}, 400, -1, "customer_uid는 필수입력입니다."},
		{"unknown key schedule", "/subscribe/payments/schedule", map[string]any{"customer_uid": "nobody",
			"schedules": []any{map[string]any{"merchant_uid": "s1", "schedule_at": t0 + 100, "amount": 1000, "name": "x"}}}, 200, 1, "등록된 고객정보가 없습니다."},
		{"schedule in the past", "/subscribe/payments/schedule", map[string]any{"customer_uid": "sub_1", "schedules": []any{
			map[string]any{"merchant_uid": "s1", "schedule_at": t0 + 100, "amount": 1000, "name": "x"},
			map[string]any{"merchant_uid": "s2", "schedule_at": t0 - 1, "amount": 1000, "name": "x"}}}, 200, 1, "결제예약 시각(schedule_at)은 현재 시각 이후여야 합니다."},
		{"duplicate merchant_uids", "/subscribe/payments/schedule", map[string]any{"customer_uid": "sub_1", "schedules": []any{
			map[string]any{"merchant_uid": "s1", "schedule_at": t0 + 100, "amount": 1000, "name": "x"},
			map[string]any{"merchant_uid": "s1", "schedule_at": t0 + 200, "amount": 1000, "name": "x"}}}, 200, 1, "중복된 merchant_uid(s1)가 있습니다."},
		{"schedule amount a string of words", "/subscribe/payments/schedule", map[string]any{"customer_uid": "sub_1", "schedules": []any{
			map[string]any{"merchant_uid": "s1", "schedule_at": t0 + 100, "amount": 1000, "name": "x"},
			map[string]any{"merchant_uid": "s3", "schedule_at": t0 + 100, "amount": "lots", "name": "x"}}}, 400, -1, "결제금액(amount)이 올바르지 않습니다."},
		{"schedule_at a word", "/subscribe/payments/schedule", map[string]any{"customer_uid": "sub_1", "schedules": []any{
			map[string]any{"merchant_uid": "s1", "schedule_at": "tomorrow", "amount": 1000, "name": "x"}}}, 400, -1, "schedule_at 값이 올바르지 않습니다."},
		{"schedules not an array", "/subscribe/payments/schedule", map[string]any{"customer_uid": "sub_1", "schedules": "s1"}, 400, -1, "schedules 파라메터가 올바르지 않습니다."},
		{"unschedule nothing", "/subscribe/payments/unschedule", map[string]any{"customer_uid": "sub_1", "merchant_uid": "never"}, 200, 1, "취소할 예약결제 기록이 존재하지 않습니다."},
		{"unknown schedule", "/subscribe/payments/schedule/never", nil, 404, 1, "요청하신 merchant_uid(never)로 예약된 결제건이 존재하지 않습니다."},
		{"unknown key GET", "/subscribe/customers/nobody", nil, 404, 1, "요청하신 customer_uid(nobody)로 등록된 정보를 찾을 수 없습니다."},
		{"bad card", "/subscribe/customers/new_1", map[string]any{"card_number": "1234", "expiry": "2099-01"}, 200, -1, "카드정보 인증 및 빌키 발급에 실패하였습니다. [카드번호 오류]"},
		{"listing without range", "/subscribe/payments/schedule", nil, 400, -1, "schedule_from 파라메터가 누락되었습니다.; schedule_to 파라메터가 누락되었습니다."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method := "POST"
			if c.body == nil {
				method = "GET"
			}
			s.refusedWith(s.call(method, c.path, c.body), c.status, c.code, c.msg)
		})
	}
	// Nothing half-written: no schedule and no payment from any of it.
	list := s.ok("GET", "/subscribe/payments/schedule?schedule_from=0&schedule_to="+strconv.Itoa(t0+1000), nil)
	assert.Equal(t, float64(0), list.response["total"])
	all := s.ok("GET", "/payments/status/all", nil)
	assert.Equal(t, float64(0), all.response["total"])
	s.refusedWith(s.call("GET", "/subscribe/customers/new_1", nil), 404, 1, "요청하신 customer_uid(new_1)로 등록된 정보를 찾을 수 없습니다.")

	// Another merchant's token sees none of it.
	s.token = s.tokenFor(Keys{ImpKey: "other_key", ImpSecret: "other_secret"})
	s.refusedWith(s.call("GET", "/subscribe/customers/sub_1", nil), 404, 1, "요청하신 customer_uid(sub_1)로 등록된 정보를 찾을 수 없습니다.")
}

func TestSubscribeMagicAndRoutingOverREST(t *testing.T) {
	s := newSubServer(t)
	// pg falls back as in the real API, and the sandbox says so.
	k := s.ok("POST", "/subscribe/customers/fallback_1", cardBody("nice"))
	assert.Equal(t, "MID-a", k.response["pg_id"], "an unconfigured pg silently takes the default")
	trace := k.header.Get("X-Impshim-Trace")
	assert.Contains(t, trace, "rule=R3")
	assert.Contains(t, trace, "warning=PG_NOT_CONFIGURED")
	assert.Contains(t, trace, "warning=BILLING_KEY_ON_NON_SUBSCRIPTION")
	k = s.ok("POST", "/subscribe/customers/kakao_1", cardBody("kakaopay"))
	assert.Equal(t, "MID-c", k.response["pg_id"])
	assert.Contains(t, k.header.Get("X-Impshim-Trace"), "rule=R2")

	magic := []struct {
		card, status, reason string
	}{
		{"4000-0000-0000-0002", "failed", "[sandbox] 카드사 승인 거절 (거래거절 카드)"},
		{"4000-0000-0000-9995", "failed", "[sandbox] 잔액부족 또는 한도초과"},
		{"4242-4242-4242-4242", "paid", ""},
	}
	for i, m := range magic {
		body := cardBody("html5_inicis.MID-b")
		body["card_number"] = m.card
		uid := "magic_" + strconv.Itoa(i)
		s.ok("POST", "/subscribe/customers/"+uid, body)
		a := s.ok("POST", "/subscribe/payments/again", map[string]any{"customer_uid": uid, "merchant_uid": "again_" + uid, "amount": 1000})
		assert.Equal(t, m.status, a.response["status"], m.card)
		if m.reason == "" {
			assert.Nil(t, a.response["fail_reason"])
		} else {
			assert.Equal(t, m.reason, a.response["fail_reason"], "a decline is code 0 with status failed, as the real API answers")
		}
		// onetime with the same card ends the same way.
		body["merchant_uid"], body["amount"] = "onetime_"+uid, 1000
		o := s.ok("POST", "/subscribe/payments/onetime", body)
		assert.Equal(t, m.status, o.response["status"], m.card)
		assert.Nil(t, o.response["customer_uid"], "no customer_uid: the card is not kept")
	}
	// A PG failure answers code -1 and no response, and still records the failed attempt.
	body := cardBody("html5_inicis.MID-b")
	delete(body, "card_number")
	s.ok("POST", "/subscribe/customers/down_pg_failure", cardBody("html5_inicis.MID-b"))
	a := s.call("POST", "/subscribe/payments/again", map[string]any{"customer_uid": "down_pg_failure", "merchant_uid": "pgf_1", "amount": 1000})
	s.refusedWith(a, 200, -1, "[sandbox] PG사 통신 장애로 결제요청에 실패했습니다")
	assert.Nil(t, a.response)
	f := s.ok("GET", "/payments/find/pgf_1", nil)
	assert.Equal(t, "failed", f.response["status"])

	// A scheduled charge of a magic key fails, and its webhook says so.
	s.ok("POST", "/subscribe/customers/broke_insufficient", cardBody("html5_inicis.MID-b"))
	s.ok("POST", "/subscribe/payments/schedule", map[string]any{"customer_uid": "broke_insufficient", "schedules": []any{
		map[string]any{"merchant_uid": "sched_broke", "schedule_at": t0 + 60, "amount": 1000, "name": "x", "notice_url": s.hooks.url}}})
	s.ok("POST", "/sandbox/clock", map[string]any{"now": t0 + 61})
	hooks := s.hooks.waitFor(t, 1)
	assert.Equal(t, "failed", hooks[0].Status)
	sc := s.ok("GET", "/subscribe/payments/schedule/sched_broke", nil)
	assert.Equal(t, "failed", sc.response["payment_status"])
	assert.Equal(t, "[sandbox] 잔액부족 또는 한도초과", sc.response["fail_reason"])

	// onetime with customer_uid keeps the card as a key.
	body = cardBody("html5_inicis.MID-b")
	body["merchant_uid"], body["amount"], body["customer_uid"] = "keep_1", 500, "kept_1"
	o := s.ok("POST", "/subscribe/payments/onetime", body)
	assert.Equal(t, "kept_1", o.response["customer_uid"])
	s.ok("GET", "/subscribe/customers/kept_1", nil)
	multi := s.call("GET", "/subscribe/customers?customer_uid[]=kept_1&customer_uid[]=nobody", nil)
	assert.Equal(t, 207, multi.status, "the real API's 207 when some are missing")
	require.Len(t, multi.list, 1)
	both := s.ok("GET", "/subscribe/customers?customer_uid[]=kept_1&customer_uid[]=kakao_1", nil)
	assert.Len(t, both.list, 2)
}

func TestScheduleFormAndIssueOnSchedule(t *testing.T) {
	s := newSubServer(t)
	// A form, as PHP and jQuery send arrays, with card fields: the key is issued, then booked.
	form := url.Values{
		"customer_uid": {"form_1"}, "card_number": {"4242424242424242"}, "expiry": {"2099-01"}, "birth": {"900101"},
		"schedules[0][merchant_uid]": {"f1"}, "schedules[0][schedule_at]": {strconv.Itoa(t0 + 100)}, "schedules[0][amount]": {"3000"},
		"schedules[0][name]":         {"정기결제"},
		"schedules[1][merchant_uid]": {"f2"}, "schedules[1][schedule_at]": {strconv.Itoa(t0 + 200)}, "schedules[1][amount]": {"3000"},
	}
	a := s.ok("POST", "/subscribe/payments/schedule", form.Encode())
	require.Len(t, a.list, 2)
	assert.Equal(t, "f1", a.list[0].(map[string]any)["merchant_uid"])
	assert.Equal(t, float64(3000), a.list[1].(map[string]any)["amount"])
	k := s.ok("GET", "/subscribe/customers/form_1", nil)
	assert.Equal(t, "MID-a", k.response["pg_id"], "no channel_key: the default setting issues it")

	// The real-time pass runs due schedules too, without a clock move.
	s.clock.Advance(150 * time.Second)
	s.api.wakeScheduler()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if sc := s.ok("GET", "/subscribe/payments/schedule/f1", nil); sc.response["schedule_status"] == "executed" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	assert.Equal(t, "executed", s.ok("GET", "/subscribe/payments/schedule/f1", nil).response["schedule_status"])
	assert.Equal(t, "scheduled", s.ok("GET", "/subscribe/payments/schedule/f2", nil).response["schedule_status"])
}

func TestClockExpiresTokens(t *testing.T) {
	s := newSubServer(t)
	other := s.tokenFor(Keys{ImpKey: "other_key", ImpSecret: "other_secret"})
	s.ok("POST", "/sandbox/clock", map[string]any{"advance_s": 31 * 60})
	expired := s.call("GET", "/sandbox/clock", nil)
	assert.Equal(t, 401, expired.status, "the token expired on the merchant's clock: %s", expired.raw)
	assert.Equal(t, -1, expired.code)
	s.token = s.tokenFor(DemoKeys)
	c := s.ok("GET", "/sandbox/clock", nil)
	assert.Equal(t, float64(t0+31*60), c.response["now"])
	assert.Equal(t, float64(31*60), c.response["offset_s"])
	s.token = other
	c = s.ok("GET", "/sandbox/clock", nil)
	assert.Equal(t, float64(t0), c.response["now"], "another merchant's clock did not move, nor its token expire")

	s.token = s.tokenFor(DemoKeys)
	for _, bad := range []map[string]any{{}, {"advance_s": -1}, {"now": t0}, {"advance_s": 1, "now": t0 + 5}, {"advance_s": "soon"}} {
		a := s.call("POST", "/sandbox/clock", bad)
		assert.Equal(t, 400, a.status, "%v: %s", bad, a.raw)
		assert.Equal(t, -1, a.code)
	}
	r := s.ok("POST", "/sandbox/clock", map[string]any{"reset": true})
	assert.Equal(t, float64(t0), r.response["now"])
}

func TestScheduleMoveRebookRetryOverREST(t *testing.T) {
	s := newSubServer(t)
	s.ok("POST", "/subscribe/customers/sub_1", cardBody("html5_inicis.MID-b"))
	s.ok("POST", "/subscribe/customers/broke_insufficient", cardBody("html5_inicis.MID-b"))
	s.ok("POST", "/subscribe/payments/schedule", map[string]any{"customer_uid": "sub_1", "schedules": []any{
		map[string]any{"merchant_uid": "mv_1", "schedule_at": t0 + 100, "amount": 1000, "name": "x"}}})
	s.ok("POST", "/subscribe/payments/schedule", map[string]any{"customer_uid": "broke_insufficient", "schedules": []any{
		map[string]any{"merchant_uid": "fail_1", "schedule_at": t0 + 100, "amount": 1000, "name": "x", "notice_url": s.hooks.url}}})

	moved := s.ok("PUT", "/subscribe/payments/schedule/mv_1", map[string]any{"schedule_at": t0 + 500})
	assert.Equal(t, float64(t0+500), moved.response["schedule_at"])
	s.refusedWith(s.call("PUT", "/subscribe/payments/schedule/mv_1", map[string]any{"schedule_at": t0 - 1}), 400, -1, "결제예약 시각(schedule_at)은 현재 시각 이후여야 합니다.")
	s.refusedWith(s.call("PUT", "/subscribe/payments/schedule/nope", map[string]any{"schedule_at": t0 + 9}), 404, 1, "요청하신 merchant_uid(nope)로 예약된 결제건이 존재하지 않습니다.")
	s.refusedWith(s.call("POST", "/subscribe/payments/schedule/mv_1/retry", nil), 400, -1, "결제 실패한 결제예약만 재시도할 수 있습니다.")

	s.ok("POST", "/sandbox/clock", map[string]any{"advance_s": 200})
	assert.Equal(t, "scheduled", s.ok("GET", "/subscribe/payments/schedule/mv_1", nil).response["schedule_status"], "moved past the jump")
	failed := s.ok("GET", "/subscribe/payments/schedule/fail_1", nil)
	assert.Equal(t, "failed", failed.response["payment_status"])
	s.refusedWith(s.call("PUT", "/subscribe/payments/schedule/fail_1", map[string]any{"schedule_at": t0 + 900}), 400, -1, "이미 실행 혹은 취소된 결제예약입니다.")

	// The buyer topped up: make the key a good card, retry now.
	s.ok("POST", "/subscribe/customers/broke_insufficient", cardBody("html5_inicis.MID-b"))
	// …the suffix still forces insufficient funds, so the retry fails again, recorded.
	r := s.ok("POST", "/subscribe/payments/schedule/fail_1/retry", nil)
	assert.Equal(t, "failed", r.response["status"])
	// Rebook it for later and run it there.
	rb := s.ok("POST", "/subscribe/payments/schedule/fail_1/reschedule", map[string]any{"schedule_at": t0 + 1000})
	assert.Equal(t, "scheduled", rb.response["schedule_status"])
	assert.Nil(t, rb.response["imp_uid"])
	s.refusedWith(s.call("POST", "/subscribe/payments/schedule/mv_1/reschedule", map[string]any{"schedule_at": t0 + 1000}), 400, -1, "결제 실패한 결제예약만 재예약할 수 있습니다.")
	s.ok("POST", "/sandbox/clock", map[string]any{"now": t0 + 1001})
	after := s.ok("GET", "/subscribe/payments/schedule/fail_1", nil)
	assert.Equal(t, "executed", after.response["schedule_status"])
	all := s.ok("GET", "/payments/findAll/fail_1", nil)
	assert.Equal(t, float64(3), all.response["total"], "each attempt is a payment: the run, the retry, the rebooked run")
}

// TestWindowIssuesKey: a window approved with customer_uid on the subscription setting, as
// the bridge records it, stores the key; the same on the general setting does not.
func TestWindowIssuesKey(t *testing.T) {
	s := newSubServer(t)
	record := func(uid, pg, customerUID string) {
		t.Helper()
		rec := paid(uid, "issue_"+uid, 0)
		rec["request"].(map[string]any)["pg"] = pg
		rec["request"].(map[string]any)["customer_uid"] = customerUID
		rec["response"].(map[string]any)["customer_uid"] = customerUID
		tok := s.token
		s.token = ""
		r := s.call("POST", "/sdk/sandbox/payments", rec)
		s.token = tok
		require.Equal(t, 200, r.status, r.raw)
	}
	record("imps_400000000001", "html5_inicis.MID-b", "window_1")
	k := s.ok("GET", "/subscribe/customers/window_1", nil)
	assert.Equal(t, "MID-b", k.response["pg_id"])
	assert.Equal(t, "Hong Gildong", k.response["customer_name"], "the buyer is the card holder")
	assert.Equal(t, "4092********1234", k.response["card_number"], "the card the window showed")
	issuing := s.ok("GET", "/payments/imps_400000000001", nil)
	assert.Equal(t, "issue", issuing.response["customer_uid_usage"], "the window's payment issued the key")
	p := s.ok("POST", "/subscribe/payments/again", map[string]any{"customer_uid": "window_1", "merchant_uid": "after_window", "amount": 1000})
	assert.Equal(t, "paid", p.response["status"])

	record("imps_400000000002", "html5_inicis", "window_2") // MID-a: general
	assert.Nil(t, s.ok("GET", "/payments/imps_400000000002", nil).response["customer_uid_usage"])
	s.refusedWith(s.call("GET", "/subscribe/customers/window_2", nil), 404, 1, "요청하신 customer_uid(window_2)로 등록된 정보를 찾을 수 없습니다.")
}

// TestBridgeViewOfSubscriptions: what the demo page reads and does without a token.
func TestBridgeViewOfSubscriptions(t *testing.T) {
	s := newSubServer(t)
	s.ok("POST", "/subscribe/customers/v_1", cardBody("html5_inicis.MID-b"))
	s.ok("POST", "/subscribe/payments/schedule", map[string]any{"customer_uid": "v_1", "schedules": []any{
		map[string]any{"merchant_uid": "v_m1", "schedule_at": t0 + 100, "amount": 100, "name": "x"},
		map[string]any{"merchant_uid": "v_m2", "schedule_at": t0 + 200, "amount": 100, "name": "x"}}})
	s.token = ""
	get := func(path string) map[string]any {
		t.Helper()
		res, err := http.Get(s.base + path)
		require.NoError(t, err)
		defer res.Body.Close()
		var m map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&m))
		require.Equal(t, 200, res.StatusCode, "%v", m)
		require.Equal(t, true, m["ok"])
		return m
	}
	keys := get("/sdk/sandbox/billing_keys?merchant_code=" + DemoMerchant)["billing_keys"].([]any)
	require.Len(t, keys, 1)
	assert.Equal(t, "v_1", keys[0].(map[string]any)["customer_uid"])
	sched := get("/sdk/sandbox/schedules?merchant_code=" + DemoMerchant)
	assert.Equal(t, float64(2), sched["total"])
	assert.Equal(t, float64(t0), get("/sdk/sandbox/clock?merchant_code=" + DemoMerchant)["now"])

	post := func(body map[string]any) (int, map[string]any) {
		t.Helper()
		data, _ := json.Marshal(body)
		res, err := http.Post(s.base+"/sdk/sandbox/clock", "application/json", bytes.NewReader(data))
		require.NoError(t, err)
		defer res.Body.Close()
		var m map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&m))
		return res.StatusCode, m
	}
	status, moved := post(map[string]any{"merchant_code": DemoMerchant, "advance_s": 150})
	require.Equal(t, 200, status, "%v", moved)
	assert.Len(t, moved["ran"], 1)
	status, bad := post(map[string]any{"merchant_code": DemoMerchant})
	assert.Equal(t, 400, status, "%v", bad)
	status, _ = post(map[string]any{"merchant_code": "not a code!", "advance_s": 1})
	assert.Equal(t, 400, status)
	res, err := http.Get(s.base + "/sdk/sandbox/schedules?merchant_code=" + url.QueryEscape("not a code!"))
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, 400, res.StatusCode)
}

// TestAttemptIssuesKey is C2.5 through the attempts flow the bridge uses: open, the window's
// approval from the server's own origin, the outcome; the key is there before the answer.
func TestAttemptIssuesKey(t *testing.T) {
	s := newSubServer(t)
	tok := s.token
	s.token = ""
	send := func(path string, body map[string]any, origin string) answerBridge {
		t.Helper()
		data, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", s.base+path, bytes.NewReader(data))
		req.Header.Set("Content-Type", "application/json")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		var m map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&m))
		return answerBridge{res.StatusCode, m}
	}
	for _, c := range []struct {
		impUID, customerUID, mid, payType string
		issued                            bool
	}{
		{"imps_500000000001", "att_1", "MID-b", "subscription", true},
		{"imps_500000000002", "att_2", "MID-a", "general", false},
	} {
		request := map[string]any{"pg": "html5_inicis." + c.mid, "pay_method": "card", "merchant_uid": "att_" + c.impUID, "amount": 0,
			"name": "카드 등록", "customer_uid": c.customerUID, "customer_id": "member_9", "buyer_name": "홍길동"}
		a := send("/sdk/sandbox/attempts", map[string]any{"merchant_code": DemoMerchant, "imp_uid": c.impUID, "merchant_uid": "att_" + c.impUID,
			"request": request, "setting": map[string]any{"pg": "html5_inicis", "mid": c.mid, "pay_type": c.payType}, "amount": 0, "currency": "KRW"}, "")
		require.Equal(t, 200, a.status, "%v", a.body)
		ap := send("/sdk/sandbox/attempts/"+c.impUID+"/approval", map[string]any{"merchant_code": DemoMerchant, "result": "paid"}, s.base)
		require.Equal(t, 200, ap.status, "%v", ap.body)
		out := send("/sdk/sandbox/attempts/"+c.impUID+"/outcome", map[string]any{"merchant_code": DemoMerchant, "response": map[string]any{
			"success": true, "imp_uid": c.impUID, "merchant_uid": "att_" + c.impUID, "status": "paid", "paid_amount": 0, "currency": "KRW",
			"pg_provider": "html5_inicis", "customer_uid": c.customerUID, "card_name": "샌드박스카드", "card_number": "412345******6789"}}, "")
		require.Equal(t, 200, out.status, "%v", out.body)
		s.token = tok
		if c.issued {
			k := s.ok("GET", "/subscribe/customers/"+c.customerUID, nil)
			assert.Equal(t, "MID-b", k.response["pg_id"])
			assert.Equal(t, "member_9", k.response["customer_id"], "from the request snapshot")
			assert.Equal(t, "412345******6789", k.response["card_number"])
			assert.Equal(t, "issue", s.ok("GET", "/payments/"+c.impUID, nil).response["customer_uid_usage"])
		} else {
			assert.Equal(t, 404, s.call("GET", "/subscribe/customers/"+c.customerUID, nil).status, "a general setting issues no key")
		}
		s.token = ""
	}
}

type answerBridge struct {
	status int
	body   map[string]any
}

func TestScheduleInMillisecondsIsBookedWithAWarning(t *testing.T) {
	s := newSubServer(t)
	s.ok("POST", "/subscribe/customers/ms_1", cardBody("html5_inicis.MID-b"))
	a := s.ok("POST", "/subscribe/payments/schedule", map[string]any{"customer_uid": "ms_1", "schedules": []any{
		map[string]any{"merchant_uid": "ms_ok", "schedule_at": t0 + 60, "amount": 100, "name": "x"},
		map[string]any{"merchant_uid": "ms_m1", "schedule_at": (t0 + 60) * 1000, "amount": 100, "name": "x"}}})
	require.Len(t, a.list, 2, "booked, as the real API books it")
	w := a.header.Values("X-Impshim-Warning")
	require.Len(t, w, 1)
	assert.Contains(t, w[0], "schedules[1].schedule_at")
	assert.Contains(t, w[0], "milliseconds")
}
