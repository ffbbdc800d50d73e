package ledger

import (
	"encoding/json"
	"testing"

	"github.com/impshim/impshim/resolver"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRecordsWhatTheSDKAnswers feeds the ledger responses built by the resolver itself, the
// code behind the SDK's callback, so that the two cannot drift apart unnoticed.
func TestRecordsWhatTheSDKAnswers(t *testing.T) {
	cfg, errs := resolver.ParseConfig([]byte(`{"merchant_code": "imp10391932", "pg_settings": [
		{"pg": "html5_inicis", "mid": "MID-a", "pay_type": "general", "default": true},
		{"pg": "kakaopay", "mid": "MID-c", "pay_type": "simple"},
		{"pg": "paypal_v2", "mid": "MID-p", "pay_type": "general"}]}`))
	require.Empty(t, errs)
	merchant, errs, _ := resolver.NewMerchant(cfg)
	require.Empty(t, errs)
	seq := uint64(0)
	env := resolver.Env{Now: func() int64 { return t0 * 1000 }, Rand: func() uint64 { seq++; return seq * 7919 }}

	tests := []struct {
		name    string
		params  string
		outcome resolver.Outcome
		status  string
		amount  float64
		check   func(t *testing.T, p map[string]any)
	}{
		{"card paid", `{"pg": "html5_inicis", "merchant_uid": "sdk-card", "amount": 64900, "name": "Shoes",
			"buyer_name": "Hong", "custom_data": {"size": 270}}`, resolver.Outcome{Result: "paid"}, "paid", 64900,
			func(t *testing.T, p map[string]any) {
				assert.Equal(t, "html5_inicis", p["pg_provider"])
				assert.Equal(t, float64(t0), p["paid_at"])
				assert.NotNil(t, p["pg_tid"])
				assert.NotNil(t, p["apply_num"])
				assert.NotNil(t, p["card_number"])
				assert.Equal(t, "Shoes", p["name"])
				assert.Equal(t, "Hong", p["buyer_name"])
				assert.JSONEq(t, `{"size":270}`, p["custom_data"].(string))
			}},
		{"vbank issued", `{"pg": "html5_inicis", "pay_method": "vbank", "merchant_uid": "sdk-vbank", "amount": "30000"}`,
			resolver.Outcome{Result: "paid"}, "ready", 30000,
			func(t *testing.T, p map[string]any) {
				assert.NotNil(t, p["vbank_num"])
				assert.Equal(t, float64(t0+3*24*3600), p["vbank_date"])
				assert.Equal(t, float64(0), p["paid_at"])
			}},
		{"usd cents", `{"pg": "paypal_v2", "pay_method": "paypal", "currency": "USD", "merchant_uid": "sdk-usd", "amount": 10.5}`,
			resolver.Outcome{Result: "paid"}, "paid", 10.5,
			func(t *testing.T, p map[string]any) { assert.Equal(t, "USD", p["currency"]) }},
		{"failed at the PG", `{"pg": "kakaopay", "merchant_uid": "sdk-fail", "amount": 5000}`,
			resolver.Outcome{Result: "failed"}, "failed", 5000,
			func(t *testing.T, p map[string]any) {
				assert.Equal(t, "kakaopay", p["pg_provider"])
				assert.Contains(t, p["fail_reason"], "PG_FAILED")
			}},
		{"cancelled by the buyer", `{"pg": "html5_inicis", "merchant_uid": "sdk-cancel", "amount": 700}`,
			resolver.Outcome{Result: "cancelled"}, "failed", 700,
			func(t *testing.T, p map[string]any) { assert.Contains(t, p["fail_reason"], "USER_CANCEL") }},
	}
	f := newFixture(t, Options{})
	tok := f.token(DemoKeys)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, rerr := resolver.ParseRequest([]byte(tt.params))
			require.Nil(t, rerr)
			pay, _, cerr := merchant.Check(req, nil, env)
			require.Nil(t, cerr)
			pay.Open(env)
			answer := pay.Respond(tt.outcome, env, nil)
			var response, params map[string]any
			require.NoError(t, json.Unmarshal(answer.AppendJSON(nil), &response))
			require.NoError(t, json.Unmarshal([]byte(tt.params), &params))

			f.mustRecord(map[string]any{"merchant_code": DemoMerchant, "request": params, "response": response})
			r := f.get("/payments/"+pay.ImpUID, tok)
			require.Equal(t, 200, r.Status, r.Raw)
			p := resp(r)
			assert.Equal(t, tt.status, p["status"])
			assert.Equal(t, tt.amount, p["amount"])
			assert.Equal(t, params["merchant_uid"], p["merchant_uid"])
			if tt.check != nil {
				tt.check(t, p)
			}
		})
	}
}
