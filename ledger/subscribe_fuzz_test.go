package ledger

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/impshim/impshim/web/merchants"
)

// subFuzzAPI is one API over an in-memory ledger with the seed merchant, and its token.
func subFuzzAPI(f *testing.F) (*API, *Store, string) {
	store, err := Open(":memory:")
	if err != nil {
		f.Fatal(err)
	}
	c := &clock{t: timeAt(t0)}
	api := NewAPI(store, MerchantSetOf(merchants.Set{merchants.SeedCode: merchants.Seed()}), Options{Now: c.Now})
	f.Cleanup(func() { api.Close(); store.Close() })
	tok, err := store.IssueToken(context.Background(), DemoMerchant, t0, 1<<30)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := store.IssueFromCard(context.Background(), DemoMerchant, midB("fuzz_1"), validCard, t0); err != nil {
		f.Fatal(err)
	}
	return api, store, tok.AccessToken
}

func countRows(t *testing.T, s *Store, table string) int {
	var n int
	if err := s.db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// envelopeOf checks an answer is the REST envelope, 2xx (code 0 only then, unless a refusal
// answers 200) or 4xx, never 5xx.
func envelopeOf(t *testing.T, w *httptest.ResponseRecorder, body string) (code int, response json.RawMessage) {
	var env struct {
		Code     *int            `json:"code"`
		Message  *string         `json:"message"`
		Response json.RawMessage `json:"response"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil || env.Code == nil {
		t.Fatalf("answer is not the envelope: %q", w.Body.String())
	}
	if w.Code >= 500 || (w.Code >= 300 && w.Code < 400) {
		t.Fatalf("status %d for %q: %s", w.Code, body, w.Body.String())
	}
	if *env.Code != 0 && (env.Message == nil || *env.Message == "") {
		t.Fatalf("a refusal without a message for %q: %s", body, w.Body.String())
	}
	return *env.Code, env.Response
}

// FuzzSchedule throws bodies (JSON and forms) at POST /subscribe/payments/schedule: every
// answer is the envelope, never a 5xx, and a request is all or nothing — code 0 books exactly
// the schedules it answers, a refusal books none (and issues no key).
func FuzzSchedule(f *testing.F) {
	for _, s := range []string{
		`{"customer_uid":"fuzz_1","schedules":[{"merchant_uid":"a","schedule_at":1800000100,"amount":1000,"name":"x"}]}`,
		`{"customer_uid":"fuzz_1","schedules":[{"merchant_uid":"a","schedule_at":1800000100,"amount":1000},{"merchant_uid":"a","schedule_at":1800000200,"amount":1}]}`,
		`{"customer_uid":"new_k","card_number":"4242424242424242","expiry":"2099-01","schedules":[{"merchant_uid":"b","schedule_at":"1800000100","amount":"5"}]}`,
		`{"customer_uid":"fuzz_1","schedules":[{"merchant_uid":"c","schedule_at":1,"amount":1}]}`,
		`{"customer_uid":"fuzz_1","schedules":[{"merchant_uid":"d","schedule_at":1800000100,"amount":0.5,"currency":"USD"}]}`,
		`{"customer_uid":"fuzz_1","schedules":{}}`, `{"schedules":[null]}`, `[]`, `{}`, ``, `null`,
		`customer_uid=fuzz_1&schedules[0][merchant_uid]=e&schedules[0][schedule_at]=1800000100&schedules[0][amount]=100`,
		`customer_uid=fuzz_1&schedules[x][merchant_uid]=e`, `schedules[0]=1`, `%zz`,
	} {
		f.Add(s)
	}
	api, store, tok := subFuzzAPI(f)
	f.Fuzz(func(t *testing.T, body string) {
		before, keys := countRows(t, store, "schedules"), countRows(t, store, "billing_keys")
		req := httptest.NewRequest("POST", "/subscribe/payments/schedule", strings.NewReader(body))
		req.Header.Set("Authorization", tok)
		if strings.HasPrefix(strings.TrimSpace(body), "{") || strings.HasPrefix(strings.TrimSpace(body), "[") {
			req.Header.Set("Content-Type", "application/json")
		} else {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		w := httptest.NewRecorder()
		api.ServeHTTP(w, req)
		code, response := envelopeOf(t, w, body)
		after := countRows(t, store, "schedules")
		if code != 0 {
			if after != before || countRows(t, store, "billing_keys") != keys {
				t.Fatalf("refused %q but wrote: schedules %d → %d", body, before, after)
			}
			return
		}
		var booked []Schedule
		if err := json.Unmarshal(response, &booked); err != nil {
			t.Fatalf("code 0 without a schedule list: %s", w.Body.String())
		}
		for _, sc := range booked {
			if sc.ScheduleStatus != ScheduleScheduled || sc.Amount <= 0 || sc.MerchantUID == "" || utf8.RuneCountInString(sc.MerchantUID) > 40 {
				t.Fatalf("booked a schedule that should have been refused: %+v", sc)
			}
		}
		// Booked anew or over a revoked one: never more rows than schedules answered.
		if after-before > len(booked) || len(booked) == 0 {
			t.Fatalf("answered %d schedules, rows %d → %d", len(booked), before, after)
		}
		if _, err := store.Unschedule(context.Background(), DemoMerchant, "", merchantUIDs(booked), t0); err != nil {
			t.Fatal(err) // keep the next input's merchant_uids free
		}
	})
}

func merchantUIDs(list []Schedule) []string {
	out := make([]string, len(list))
	for i, sc := range list {
		out[i] = sc.MerchantUID
	}
	return out
}

// FuzzCharge throws bodies at POST /subscribe/payments/again and /onetime: the envelope,
// never a 5xx; code 0 answers a payment that is in the ledger with the amount asked.
func FuzzCharge(f *testing.F) {
	for _, s := range []string{
		`{"customer_uid":"fuzz_1","merchant_uid":"o1","amount":8900}`,
		`{"customer_uid":"fuzz_1","merchant_uid":"o1","amount":"8900","notice_url":["http://127.0.0.1:1/"]}`,
		`{"customer_uid":"fuzz_1","merchant_uid":"o1","amount":{"total":8900}}`,
		`{"customer_uid":"fuzz_1","merchant_uid":"o1","amount":1e400}`,
		`{"merchant_uid":"o2","amount":100,"card_number":"4000-0000-0000-0002","expiry":"2099-01","pg":"kakaopay"}`,
		`{"merchant_uid":"o2","amount":100,"card_number":"4242424242424242","expiry":"209913","customer_uid":"kk"}`,
		`customer_uid=fuzz_1&merchant_uid=o3&amount=1&custom_data={"a":1}`, `{}`, ``,
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	api, store, tok := subFuzzAPI(f)
	f.Fuzz(func(t *testing.T, body string, again bool) {
		path := "/subscribe/payments/onetime"
		if again {
			path = "/subscribe/payments/again"
		}
		req := httptest.NewRequest("POST", path, strings.NewReader(body))
		req.Header.Set("Authorization", tok)
		w := httptest.NewRecorder()
		api.ServeHTTP(w, req)
		code, response := envelopeOf(t, w, body)
		if code != 0 {
			return
		}
		var p Payment
		if err := json.Unmarshal(response, &p); err != nil {
			t.Fatalf("code 0 without a payment: %s", w.Body.String())
		}
		stored, err := store.Payment(context.Background(), DemoMerchant, p.ImpUID)
		if err != nil || stored.Amount != p.Amount || p.Amount <= 0 {
			t.Fatalf("answered %+v, ledger has %+v (%v)", p, stored, err)
		}
	})
}

// FuzzCertificationBodies throws bodies at the bridge's certification endpoint and the OTP
// request: JSON answers, never a 5xx; a 200 from the bridge can be read back over REST.
func FuzzCertificationBodies(f *testing.F) {
	for _, s := range []string{
		`{"merchant_code":"imp10391932","imp_uid":"imps_123456789012","pg_provider":"danal","identity":{"name":"홍길동","phone":"01012345678","carrier":"SKT","birthday":"1990-01-01","gender":"male","foreigner":false}}`,
		`{"merchant_code":"imp10391932","imp_uid":"imps_123456789012","pg_provider":"danal","identity":{"name":"","phone":1,"birthday":"1990-02-30"}}`,
		`{"merchant_code":"imp10391932","identity":[]}`, `{"identity":null}`, `[]`, ``,
		`name=a&phone=01012345678&birth=900101&gender_digit=1&carrier=SKT`,
	} {
		f.Add(s)
	}
	api, _, tok := subFuzzAPI(f)
	f.Fuzz(func(t *testing.T, body string) {
		w := httptest.NewRecorder()
		api.ServeHTTP(w, httptest.NewRequest("POST", "/sdk/sandbox/certifications", strings.NewReader(body)))
		var ans map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil || w.Code >= 500 {
			t.Fatalf("status %d, answer %q for %q", w.Code, w.Body.String(), body)
		}
		if (w.Code == 200) != (ans["ok"] == true) {
			t.Fatalf("status %d with ok %v for %q", w.Code, ans["ok"], body)
		}
		if w.Code == 200 {
			c, _ := ans["certification"].(map[string]any)
			uid, _ := c["imp_uid"].(string)
			req := httptest.NewRequest("GET", "/certifications/"+uid, nil)
			req.Header.Set("Authorization", tok)
			w = httptest.NewRecorder()
			api.ServeHTTP(w, req)
			if w.Code != 200 {
				t.Fatalf("stored %s but GET answers %d", uid, w.Code)
			}
		}
		req := httptest.NewRequest("POST", "/certifications/otp/request", strings.NewReader(body))
		req.Header.Set("Authorization", tok)
		w = httptest.NewRecorder()
		api.ServeHTTP(w, req)
		envelopeOf(t, w, body)
	})
}

// FuzzExpiryAndCard checks the card readers never panic, and accept only what they promise.
func FuzzExpiryAndCard(f *testing.F) {
	for _, s := range []string{"2099-12", "209912", "2019-03", "12/99", "", "2099-1", "９９９９-１２", "2099-00"} {
		f.Add("4242-4242-4242-4242", s)
	}
	f.Add("4000 0000 0000 0002", "2099-01")
	f.Add("٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢", "2099-01")
	f.Fuzz(func(t *testing.T, number, expiry string) {
		y, m, ok := parseExpiry(expiry)
		if ok && (m < 1 || m > 12 || y < 2000 || y > 2100) {
			t.Fatalf("parseExpiry(%q) = %d, %d", expiry, y, m)
		}
		digits, err := checkCard(Card{Number: number, Expiry: expiry}, t0, failIssue)
		if err != nil {
			return
		}
		if len(digits) < 14 || len(digits) > 16 || strings.Trim(digits, "0123456789") != "" {
			t.Fatalf("checkCard(%q) accepted %q", number, digits)
		}
		if masked := maskCard(digits); len(masked) != len(digits) || masked[len(masked)-4:] != digits[len(digits)-4:] {
			t.Fatalf("maskCard(%q) = %q", digits, masked)
		}
	})
}

func timeAt(unix int64) time.Time { return time.Unix(unix, 0) }
