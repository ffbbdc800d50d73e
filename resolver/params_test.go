package resolver

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fidelityConfig has one setting of each PG the false errors of issue 12 were about.
const fidelityConfig = `{"pg_settings": [
    {"pg": "html5_inicis", "mid": "I", "pay_type": "general", "default": true},
    {"pg": "tosspayments", "mid": "T", "pay_type": "general"},
    {"pg": "toss_brandpay", "mid": "B", "pay_type": "general"},
    {"pg": "paypal", "mid": "P1", "pay_type": "general"},
    {"pg": "paypal_v2", "mid": "P2", "pay_type": "general"},
    {"pg": "eximbay", "mid": "E", "pay_type": "general"},
    {"pg": "danal_tpay", "mid": "D", "pay_type": "general"},
    {"pg": "danal", "mid": "DP", "pay_type": "general"},
    {"pg": "nice_v2", "mid": "N", "pay_type": "general"},
    {"pg": "galaxia", "mid": "G", "pay_type": "general"},
    {"pg": "mobilians", "mid": "M", "pay_type": "general"},
    {"pg": "nice", "mid": "NI", "pay_type": "general"}
]}`

// TestDocumentedRequestsPass: requests the V1 docs describe, which impshim refused before
// (issue 12), pass — with the currency and method the real service would use.
func TestDocumentedRequestsPass(t *testing.T) {
	m := mustMerchant(t, fidelityConfig)
	for _, tc := range []struct {
		params           string
		method, currency string
		warnings         []string
	}{
		{`{"pg":"toss_brandpay","pay_method":"toss_brandpay","amount":1000}`, "toss_brandpay", "KRW", nil},
		{`{"pg":"toss_brandpay","amount":1000}`, "toss_brandpay", "KRW", nil}, // its only method is the default
		{`{"pg":"html5_inicis","pay_method":"applepay","amount":1000}`, "applepay", "KRW", nil},
		{`{"pg":"html5_inicis","pay_method":"naverpay","amount":1000}`, "naverpay", "KRW", nil},
		{`{"pg":"tosspayments","pay_method":"samsungpay","amount":1000}`, "samsungpay", "KRW", nil},
		{`{"pg":"tosspayments","pay_method":"applepay","amount":1000}`, "applepay", "KRW", nil},
		{`{"pg":"nice_v2","pay_method":"naverpay_card","amount":1000}`, "naverpay_card", "KRW", nil},
		{`{"pg":"paypal","amount":10.5}`, "card", "USD", nil},
		{`{"pg":"paypal_v2","amount":10.5}`, "card", "USD", nil}, // card, the SDK default, which PayPal takes
		{`{"pg":"eximbay","amount":14.2}`, "card", "USD", nil},
		{`{"pg":"html5_inicis","amount":1000,"currency":"krw"}`, "card", "KRW", []string{WarnCurrencyLowerCase}},
		{`{"pg":"paypal_v2","amount":10.5,"currency":"usd"}`, "card", "USD", []string{WarnCurrencyLowerCase}},
	} {
		req, perr := ParseRequest([]byte(tc.params))
		require.Nil(t, perr)
		p, tr, err := m.Check(req, nil, testEnv())
		require.Nil(t, err, "%s: %v", tc.params, err)
		assert.Equal(t, tc.method, p.PayMethod, tc.params)
		assert.Equal(t, tc.currency, p.Currency, tc.params)
		assert.Equal(t, append([]string{}, tc.warnings...), warningCodes(tr.Warnings), tc.params)
	}
	// and what the docs say a PG does not take is still refused
	for _, params := range []string{
		`{"pg":"nice_v2","pay_method":"naverpay","amount":1000}`, // nice-v2/payment-caution.mdx
		`{"pg":"danal_tpay","pay_method":"phone","amount":1000}`, // danal.mdx: phone goes through pg danal
		`{"pg":"paypal_v2","amount":1000,"currency":"KRW"}`,
		`{"pg":"paypal","amount":10.555}`, // USD: two decimals
	} {
		req, _ := ParseRequest([]byte(params))
		_, _, err := m.Check(req, nil, testEnv())
		assert.NotNil(t, err, params)
	}
}

// TestHiddenMistakesWarn: what the real service hides is a warning, and a SANDBOX_STRICT
// error in strict mode.
func TestHiddenMistakesWarn(t *testing.T) {
	lenient := mustMerchant(t, fidelityConfig)
	strict := mustMerchant(t, strings.Replace(fidelityConfig, `{"pg_settings"`, `{"strict": true, "pg_settings"`, 1))
	for _, tc := range []struct {
		params string
		code   string
		msg    string
	}{
		{`{"pg":"html5_inicis","amount":1000,"m_redirect_uri":"https://shop.example/done"}`, WarnParamMisspelled, `param "m_redirect_uri" is not one the SDK knows: did you mean "m_redirect_url"?`},
		{`{"pg":"html5_inicis","amount":1000,"buyer_postalcode":"12345"}`, WarnParamMisspelled, `did you mean "buyer_postcode"?`},
		{`{"pg":"html5_inicis","amount":1000,"noticeUrl":"https://shop.example/hook"}`, WarnParamMisspelled, `did you mean "notice_url"?`},
		{`{"pg":"html5_inicis","amount":1000,"Buyer_Name":"Kim"}`, WarnParamMisspelled, `did you mean "buyer_name"?`},
		{`{"pg":"html5_inicis","amount":1000,"name":"` + strings.Repeat("가", 41) + `"}`, WarnNameTooLong, "41 characters long; the SDK's limit is 40"},
		{`{"pg":"danal","pay_method":"phone","amount":1000}`, WarnDigitalMissing, `needs digital: true`},
		{`{"pg":"danal_tpay","pay_method":"vbank","amount":1000}`, WarnBizNumMissing, "need biz_num"},
		{`{"pg":"html5_inicis","amount":1000,"currency":"krw"}`, WarnCurrencyLowerCase, `currency "krw" is read as "KRW"`},
		{`{"pg":"galaxia","amount":1000}`, WarnCustomerIDMissing, "needs customer_id"},
		{`{"pg":"mobilians","amount":0,"customer_uid":"c1"}`, WarnCustomerIDMissing, "needs customer_id, your ID for the buyer (up to 20 characters) when issuing a billing key"},
		{`{"pg":"html5_inicis","amount":1000,"vat_amount":90}`, WarnVatAmountIgnored, "vat_amount is ignored by KG INICIS"},
	} {
		req, _ := ParseRequest([]byte(tc.params))
		_, tr, err := lenient.Check(req, nil, testEnv())
		require.Nil(t, err, tc.params)
		var found *Warning
		for i, w := range tr.Warnings {
			if w.Code == tc.code {
				found = &tr.Warnings[i]
			}
		}
		require.NotNil(t, found, "%s: %v", tc.params, tr.Warnings)
		assert.Contains(t, found.Message, tc.msg)

		_, _, err = strict.Check(req, nil, testEnv())
		require.NotNil(t, err, tc.params)
		assert.Equal(t, CodeSandboxStrict, err.Code)
		assert.Contains(t, err.Message, tc.msg)
	}
	// none of them for a request that is right
	for _, params := range []string{
		`{"pg":"html5_inicis","amount":1000,"m_redirect_url":"https://shop.example/done","buyer_postcode":"1","notice_url":"https://x.example","name":"` + strings.Repeat("가", 40) + `"}`,
		`{"pg":"danal","pay_method":"phone","digital":false,"amount":1000}`,
		`{"pg":"danal_tpay","pay_method":"vbank","biz_num":"1234567890","amount":1000}`,
		`{"pg":"galaxia","customer_id":"u-1","amount":1000}`,
		`{"pg":"mobilians","amount":1000}`,
		`{"pg":"nice","amount":1000,"vat_amount":90}`,
		`{"pg":"html5_inicis","amount":1000,"my_own_field":1,"shop":"x","naverProducts":[]}`,
	} {
		req, _ := ParseRequest([]byte(params))
		_, tr, err := strict.Check(req, nil, testEnv())
		require.Nil(t, err, "%s: %v", params, err)
		assert.Empty(t, tr.Warnings, params)
	}
}

func TestVbankDue(t *testing.T) {
	m := mustMerchant(t, fidelityConfig)
	for _, tc := range []struct {
		due  string
		want string // Korean wall-clock time of vbank_date
	}{
		{"2026-12-31", "2026-12-31 23:59:59"},
		{"20261231", "2026-12-31 23:59:59"},
		{"2026-12-31 18:30:00", "2026-12-31 18:30:00"},
		{"20261231183000", "2026-12-31 18:30:00"},
		{"202612312359", "2026-12-31 23:59:00"}, // YYYYMMDDHHmm (nice.mdx), as shops write it
		{"2028-02-29", "2028-02-29 23:59:59"},
	} {
		req, _ := ParseRequest([]byte(`{"pg":"html5_inicis","pay_method":"vbank","amount":1000,"vbank_due":"` + tc.due + `"}`))
		p, _, err := m.Check(req, nil, testEnv())
		require.Nil(t, err, tc.due)
		r := p.Respond(Outcome{Result: ResultPaid}, testEnv(), nil)
		assert.Equal(t, kst(tc.want)/1000, r.VbankDate, tc.due)
		var w map[string]any
		require.NoError(t, json.Unmarshal(p.AppendWindowJSON(nil), &w))
		assert.Equal(t, float64(kst(tc.want)/1000), w["vbank_due"])
	}
	for _, bad := range []string{`"2026-13-01"`, `"2026-02-30"`, `"2026/12/31"`, `"20261231 1830"`, `"2026-12-31 24:00:00"`, `"202612312460"`, `"2026123123"`, `"tomorrow"`, `""`, `20261231`} {
		req, _ := ParseRequest([]byte(`{"amount":1000,"pay_method":"vbank","vbank_due":` + bad + `}`))
		_, _, err := m.Check(req, nil, testEnv())
		require.NotNil(t, err, bad)
		assert.Equal(t, CodeInvalidParams, err.Code, bad)
		assert.Contains(t, err.Message, "vbank_due", bad)
	}
	// without vbank_due: three days after the account is issued
	req, _ := ParseRequest([]byte(`{"pay_method":"vbank","amount":1000}`))
	p, _, _ := m.Check(req, nil, testEnv())
	r := p.Respond(Outcome{Result: ResultPaid}, testEnv(), nil)
	assert.Equal(t, testEnv().Now()/1000+3*24*3600, r.VbankDate)
	// Issued, not deposited: ready, and paid_at 0 until the deposit (V1 OpenAPI
	// PaymentAnnotation.paid_at: "결제완료가 아닐 경우 0"); a card is paid at once.
	assert.Equal(t, StatusReady, r.Status)
	assert.Zero(t, r.PaidAt)
	assert.Contains(t, string(r.AppendJSON(nil)), `"paid_at":0`)
	req, _ = ParseRequest([]byte(`{"pay_method":"card","amount":1000}`))
	p, _, _ = m.Check(req, nil, testEnv())
	assert.Equal(t, testEnv().Now()/1000, p.Respond(Outcome{Result: ResultPaid}, testEnv(), nil).PaidAt)
}

func FuzzParseVbankDue(f *testing.F) {
	for _, s := range []string{"2026-12-31", "20261231", "2026-12-31 18:30:00", "20261231183000", "202612311830", "0000-00-00", "9999-12-31 23:59:59"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		due, ok := parseVbankDue(s)
		if !ok {
			return
		}
		// a parsed due date is a Seoul day that the text names
		d := seoulDate(due * 1000)
		digits := strings.NewReplacer("-", "", " ", "", ":", "").Replace(s)
		require.Equal(t, digits[:8], strings.NewReplacer("-", "").Replace(civilText(d)), s)
	})
}

func civilText(d civil) string {
	pad := func(n, w int) string {
		s := strings.Repeat("0", w) + itoa(n)
		return s[len(s)-w:]
	}
	return pad(d.y, 4) + "-" + pad(d.m, 2) + "-" + pad(d.d, 2)
}

func itoa(n int) string { return string(appendInt(nil, n)) }

func appendInt(b []byte, n int) []byte {
	if n >= 10 {
		b = appendInt(b, n/10)
	}
	return append(b, byte('0'+n%10))
}

func TestCardQuota(t *testing.T) {
	m := mustMerchant(t, fidelityConfig)
	for _, tc := range []struct {
		params string
		offer  []int
	}{
		{`{"amount":50000}`, []int{2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}},
		{`{"amount":49999}`, []int{}}, // installments from 50,000 KRW
		{`{"amount":50000,"display":{"card_quota":[6,3,3]}}`, []int{3, 6}},
		{`{"amount":50000,"display":{"card_quota":[]}}`, []int{}}, // 일시불 only
		{`{"amount":50000,"pay_method":"trans","display":{"card_quota":[3]}}`, []int{}},
		{`{"pg":"paypal","amount":50000,"display":{"card_quota":[3]}}`, []int{}}, // not KRW
	} {
		req, _ := ParseRequest([]byte(tc.params))
		p, _, err := m.Check(req, nil, testEnv())
		require.Nil(t, err, tc.params)
		assert.Equal(t, tc.offer, p.CardQuotas, tc.params)
	}
	for _, bad := range []string{`{"card_quota":[1]}`, `{"card_quota":[61]}`, `{"card_quota":"3"}`, `{"card_quota":[2.5]}`, `[]`} {
		req, _ := ParseRequest([]byte(`{"amount":50000,"display":` + bad + `}`))
		_, _, err := m.Check(req, nil, testEnv())
		require.NotNil(t, err, bad)
		assert.Equal(t, CodeInvalidParams, err.Code, bad)
	}
	req, _ := ParseRequest([]byte(`{"amount":60000,"display":{"card_quota":[3,6]}}`))
	p, _, _ := m.Check(req, nil, testEnv())
	assert.Nil(t, p.CheckOutcome(Outcome{Result: ResultPaid, CardQuota: 6}))
	assert.Nil(t, p.CheckOutcome(Outcome{Result: ResultPaid}))
	assert.NotNil(t, p.CheckOutcome(Outcome{Result: ResultPaid, CardQuota: 12}), "not offered")
	r := p.Respond(Outcome{Result: ResultPaid, CardQuota: 6}, testEnv(), nil)
	var got map[string]any
	require.NoError(t, json.Unmarshal(r.AppendJSON(nil), &got))
	assert.Equal(t, 6.0, got["card_quota"])
	o, perr := ParseOutcome([]byte(`{"result":"paid","card_quota":3}`))
	require.Nil(t, perr)
	assert.Equal(t, 3, o.CardQuota)
	_, perr = ParseOutcome([]byte(`{"result":"paid","card_quota":-3}`))
	assert.NotNil(t, perr)
}

func TestMinimalResponseConfig(t *testing.T) {
	for _, tc := range []struct {
		value   string
		minimal bool
		err     string
	}{
		{`"minimal"`, true, ""}, {`"full"`, false, ""}, {`null`, false, ""},
		{`"Minimal"`, false, `unknown response "Minimal"`}, {`true`, false, "must be"},
	} {
		cfg, errs := ParseConfig([]byte(`{"response":` + tc.value + `,"pg_settings":[{"pg":"kcp","mid":"K","pay_type":"general"}]}`))
		if len(errs) == 0 {
			var m *Merchant
			m, errs, _ = NewMerchant(cfg)
			if len(errs) == 0 {
				assert.Equal(t, tc.minimal, m.MinimalResponse(), tc.value)
				req, _ := ParseRequest([]byte(`{"amount":1000,"merchant_uid":"o"}`))
				p, _, err := m.Check(req, nil, testEnv())
				require.Nil(t, err)
				r := p.Respond(Outcome{Result: ResultCancelled}, testEnv(), nil)
				var got map[string]any
				require.NoError(t, json.Unmarshal(r.AppendJSON(nil), &got))
				if tc.minimal {
					assert.Equal(t, map[string]any{"imp_uid": p.ImpUID, "merchant_uid": "o", "error_code": CodeUserCancel, "error_msg": "the buyer cancelled the payment"}, got)
				} else {
					assert.Contains(t, got, "success")
				}
				continue
			}
		}
		require.NotEmpty(t, errs, tc.value)
		assert.Equal(t, "response", errs[0].Field)
		assert.Contains(t, errs[0].Message, tc.err)
	}
}

func TestEmbPGProvider(t *testing.T) {
	m := mustMerchant(t, fidelityConfig)
	for _, tc := range []struct{ params, want string }{
		{`{"pg":"html5_inicis","pay_method":"kakaopay","amount":1000}`, "kakaopay"},
		{`{"pg":"html5_inicis","pay_method":"samsung","amount":1000}`, "samsungpay"},
		{`{"pg":"nice_v2","pay_method":"naverpay_card","amount":1000}`, "naverpay"},
		{`{"pg":"toss_brandpay","amount":1000}`, "toss_brandpay"},
		{`{"pg":"html5_inicis","pay_method":"card","amount":1000}`, ""},
		{`{"pg":"html5_inicis","pay_method":"vbank","amount":1000}`, ""},
	} {
		req, _ := ParseRequest([]byte(tc.params))
		p, _, err := m.Check(req, nil, testEnv())
		require.Nil(t, err, tc.params)
		r := p.Respond(Outcome{Result: ResultPaid}, testEnv(), nil)
		var got map[string]any
		require.NoError(t, json.Unmarshal(r.AppendJSON(nil), &got))
		if tc.want == "" {
			assert.NotContains(t, got, "emb_pg_provider", tc.params)
		} else {
			assert.Equal(t, tc.want, got["emb_pg_provider"], tc.params)
		}
	}
}

func TestCardDirect(t *testing.T) {
	m := mustMerchant(t, fidelityConfig)
	req, _ := ParseRequest([]byte(`{"amount":60000,"card":{"direct":{"code":"367","quota":3}}}`))
	p, _, err := m.Check(req, nil, testEnv())
	require.Nil(t, err)
	assert.Equal(t, &CardDirect{Code: "367", Quota: 3}, p.CardDirect)
	assert.Empty(t, p.CardQuotas, "the months are fixed")
	var w map[string]any
	require.NoError(t, json.Unmarshal(p.AppendWindowJSON(nil), &w))
	assert.Equal(t, map[string]any{"code": "367", "quota": 3.0}, w["card_direct"])
	assert.Nil(t, p.CheckOutcome(Outcome{Result: ResultPaid}))
	assert.NotNil(t, p.CheckOutcome(Outcome{Result: ResultPaid, CardQuota: 6}))
	r := p.Respond(Outcome{Result: ResultPaid}, testEnv(), nil)
	assert.Equal(t, 3, r.CardQuota)

	for _, bad := range []string{`{"direct":[]}`, `{"direct":{"code":367}}`, `{"direct":{"quota":-1}}`, `{"direct":{"quota":"3"}}`} {
		req, _ := ParseRequest([]byte(`{"amount":60000,"card":` + bad + `}`))
		_, _, err := m.Check(req, nil, testEnv())
		require.NotNil(t, err, bad)
		assert.Equal(t, CodeInvalidParams, err.Code, bad)
	}
	req, _ = ParseRequest([]byte(`{"amount":60000,"card":{"detail":[{"card_code":"*","enabled":false}]}}`))
	p, _, err = m.Check(req, nil, testEnv())
	require.Nil(t, err, "card.detail alone is fine")
	assert.Nil(t, p.CardDirect)
}
