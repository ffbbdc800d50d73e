package ledger

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzRecord throws arbitrary bodies at the bridge's record endpoint: every answer is JSON,
// 200 or a 4xx (never a 500 or a panic), and a 200 that recorded something can be read back.
func FuzzRecord(f *testing.F) {
	for _, rec := range []map[string]any{paid("imps_000000000001", "o1", 1000), failed("imps_000000000002", "o2", "5"),
		vbank("imps_000000000003", "o3", 10.5), withNotice(paid("imps_000000000004", "o4", 1), []string{"http://127.0.0.1:1/"})} {
		b, _ := json.Marshal(rec)
		f.Add(string(b))
	}
	for _, s := range []string{``, `{}`, `null`, `[]`, `{"merchant_code":"imp10391932","request":{},"response":{}}`,
		`{"merchant_code":"imp10391932","request":{"amount":1e400},"response":{"imp_uid":"imps_000000000009","status":"failed"}}`,
		`{"merchant_code":"imp10391932","request":{},"response":{"imp_uid":"imps_000000000009","success":true,"status":"paid","paid_amount":"1e999999999","merchant_uid":"x"}}`} {
		f.Add(s)
	}
	fx := newFixture(f, Options{})
	tok := fx.token(DemoKeys)
	f.Fuzz(func(t *testing.T, body string) {
		w := httptest.NewRecorder()
		fx.api.ServeHTTP(w, httptest.NewRequest("POST", "/sdk/sandbox/payments", strings.NewReader(body)))
		var ans map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil {
			t.Fatalf("answer is not JSON: %q", w.Body.String())
		}
		if w.Code != 200 && (w.Code < 400 || w.Code >= 500) {
			t.Fatalf("status %d for %q: %s", w.Code, body, w.Body.String())
		}
		if w.Code == 200 && ans["recorded"] == true {
			uid, _ := ans["imp_uid"].(string)
			w = httptest.NewRecorder()
			req := httptest.NewRequest("GET", "/payments/"+uid, nil)
			req.Header.Set("Authorization", tok)
			fx.api.ServeHTTP(w, req)
			if w.Code != 200 {
				t.Fatalf("recorded %s but GET answers %d: %s", uid, w.Code, w.Body.String())
			}
		}
	})
}
