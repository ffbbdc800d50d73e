package resolver

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const checkConfig = `{"pg_settings": [
    {"pg": "html5_inicis", "mid": "MID-a", "pay_type": "general", "default": true},
    {"pg": "html5_inicis", "mid": "MID-b", "pay_type": "subscription"},
    {"pg": "kakaopay",     "mid": "MID-c", "pay_type": "simple"},
    {"pg": "paypal_v2",    "mid": "PP",    "pay_type": "general"},
    {"pg": "inicis_unified", "mid": "U",   "pay_type": "general"},
    {"pg": "my_pg",        "mid": "X",     "pay_type": "general"}
]}`

// strictSeedConfig and strictCertOnlyConfig are checkConfig and certOnlyConfig in strict mode.
var (
	strictSeedConfig     = strict(checkConfig)
	strictCertOnlyConfig = strict(certOnlyConfig)
)

func strict(cfg string) string {
	out := strings.Replace(cfg, `{"pg_settings"`, `{"strict": true, "pg_settings"`, 1)
	if out == cfg {
		panic("strict: the config does not open with pg_settings")
	}
	return out
}

// testEnv is a fixed clock and a counting random source, so responses are exact.
func testEnv() Env {
	var n uint64
	return Env{
		Now:  func() int64 { return 1_700_000_000_123 },
		Rand: func() uint64 { n++; return 1234567890123456789 + n },
	}
}

// TestCheck: docs/sdk.md §5 checks 2–7, in order: when a request breaks several rules, the earliest
// check answers.
func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		cfg     string // "" → checkConfig
		params  string
		code    string // "" → passes
		msgPart string
		paid    []string // merchant_uids already paid
	}{
		{"minimal request passes", "", `{"amount": 1000}`, "", "", nil},
		{"seed example passes", "", `{"pg": "kakaopay", "amount": 1000, "name": "Sample order", "buyer_name": "Buyer", "buyer_email": "buyer@iamport.kr"}`, "", "", nil},

		// 2. INVALID_PARAMS
		{"custom_data not serializable", "", `{"amount": 1000, "custom_data": {"$impshim_unserializable": "a cycle at custom_data.self"}}`, CodeInvalidParams, "custom_data is not JSON-serializable (a cycle at custom_data.self)", nil},
		{"unserializable without a reason", "", `{"amount": 1000, "buyer_name": {"$impshim_unserializable": 1}}`, CodeInvalidParams, "buyer_name could not be copied (unknown reason)", nil},
		{"custom_data with NaN", "", `{"amount": 1000, "custom_data": {"n": [NaN]}}`, CodeInvalidParams, "NaN or Infinity", nil},
		{"m_redirect_url not http", "", `{"amount": 1000, "m_redirect_url": "javascript:alert(1)"}`, CodeInvalidParams, "not an http(s) URL", nil},
		{"m_redirect_url without host", "", `{"amount": 1000, "m_redirect_url": "https:///x"}`, CodeInvalidParams, "not an http(s) URL", nil},
		{"m_redirect_url relative", "", `{"amount": 1000, "m_redirect_url": "/done"}`, CodeInvalidParams, "absolute URL", nil},
		{"m_redirect_url not a string", "", `{"amount": 1000, "m_redirect_url": 5}`, CodeInvalidParams, "got a number", nil},
		{"m_redirect_url https ok", "", `{"amount": 1000, "m_redirect_url": "HTTPS://shop.example/done?x=1"}`, "", "", nil},
		{"m_redirect_url empty is none", "", `{"amount": 1000, "m_redirect_url": ""}`, "", "", nil},
		{"tax_free greater than amount", "", `{"amount": 1000, "tax_free": 1001}`, CodeInvalidParams, "tax_free (1001) is greater than amount (1000)", nil},
		{"tax_free vs a string amount", "", `{"amount": "1000", "tax_free": 2000}`, CodeInvalidParams, "greater than amount", nil},
		{"tax_free equal to amount", "", `{"amount": 1000, "tax_free": 1000}`, "", "", nil},
		{"tax_free not a number", "", `{"amount": 1000, "tax_free": "10"}`, CodeInvalidParams, "tax_free must be a number, got a string", nil},
		{"vat_amount negative", "", `{"amount": 1000, "vat_amount": -1}`, CodeInvalidParams, "vat_amount must be a finite number", nil},
		{"customer_uid not a string", "", `{"amount": 1000, "customer_uid": 7}`, CodeInvalidParams, "customer_uid must be a string", nil},
		{"params check before amount check", "", `{"amount": "abc", "m_redirect_url": "ftp://x"}`, CodeInvalidParams, "", nil},

		// 3. INVALID_AMOUNT
		{"amount missing", "", `{}`, CodeInvalidAmount, "amount is missing", nil},
		{"amount an object", "", `{"amount": {}}`, CodeInvalidAmount, "amount must be a number, got an object", nil},
		{"amount null", "", `{"amount": null}`, CodeInvalidAmount, "amount must be a number, got null", nil},
		{"amount a boolean", "", `{"amount": true}`, CodeInvalidAmount, "got a boolean", nil},
		{"amount NaN", "", `{"amount": NaN}`, CodeInvalidAmount, "amount is NaN", nil},
		{"amount Infinity", "", `{"amount": Infinity}`, CodeInvalidAmount, "amount is infinite", nil},
		{"amount -Infinity", "", `{"amount": -Infinity}`, CodeInvalidAmount, "amount is infinite", nil},
		{"amount negative", "", `{"amount": -1}`, CodeInvalidAmount, "must not be negative, got -1", nil},
		{"amount string with comma", "", `{"amount": "1,000"}`, CodeInvalidAmount, `got the string "1,000"`, nil},
		{"amount string with decimals", "", `{"amount": "10.5"}`, CodeInvalidAmount, `got the string "10.5"`, nil},
		{"amount empty string", "", `{"amount": ""}`, CodeInvalidAmount, `got the string ""`, nil},
		{"amount signed string", "", `{"amount": "-5"}`, CodeInvalidAmount, `got the string "-5"`, nil},
		{"amount huge digit string", "", `{"amount": "` + strings.Repeat("9", 400) + `"}`, CodeInvalidAmount, "too large", nil},
		{"amount digit string accepted", "", `{"amount": "1000"}`, "", "", nil},
		{"KRW has no decimals", "", `{"amount": 10.5}`, CodeInvalidAmount, "KRW has no minor unit", nil},
		{"empty currency is KRW for decimals too", "", `{"amount": 10.5, "currency": ""}`, CodeInvalidAmount, "KRW has no minor unit", nil},
		{"null currency is KRW for decimals too", "", `{"amount": 10.5, "currency": null}`, CodeInvalidAmount, "KRW has no minor unit", nil},
		{"JPY has no decimals", "", `{"pg": "paypal_v2", "amount": 10.5, "currency": "JPY"}`, CodeInvalidAmount, "JPY has no minor unit", nil},
		{"USD allows 2 decimals", "", `{"pg": "paypal_v2", "amount": 10.25, "currency": "USD"}`, "", "", nil},
		{"USD not 3 decimals", "", `{"pg": "paypal_v2", "amount": 10.125, "currency": "USD"}`, CodeInvalidAmount, "has 3 decimals, but USD allows 2", nil},
		{"10.50 written with a trailing zero is fine", "", `{"pg": "paypal_v2", "amount": 10.50, "currency": "USD"}`, "", "", nil},
		{"1e3 is a whole number", "", `{"amount": 1e3}`, "", "", nil},
		{"zero amount", "", `{"amount": 0}`, CodeInvalidAmount, "only allowed with customer_uid", nil},
		{"negative zero is zero", "", `{"amount": -0}`, CodeInvalidAmount, "amount is 0", nil},
		{"zero amount with customer_uid", "", `{"pg": "html5_inicis.MID-b", "amount": 0, "customer_uid": "buyer-1"}`, "", "", nil},
		{"amount check before merchant_uid check", "", `{"amount": -1, "merchant_uid": 5}`, CodeInvalidAmount, "", nil},

		// 4. INVALID_MERCHANT_UID
		{"merchant_uid a number", "", `{"amount": 1000, "merchant_uid": 12345}`, CodeInvalidMerchantUID, "must be a string, got a number", nil},
		{"merchant_uid null", "", `{"amount": 1000, "merchant_uid": null}`, CodeInvalidMerchantUID, "got null", nil},
		{"merchant_uid empty", "", `{"amount": 1000, "merchant_uid": ""}`, CodeInvalidMerchantUID, "empty", nil},
		{"merchant_uid 41 code points", "", `{"amount": 1000, "merchant_uid": "` + strings.Repeat("가", 41) + `"}`, CodeInvalidMerchantUID, "41 characters long; the limit is 40", nil},
		{"merchant_uid 40 code points", "", `{"amount": 1000, "merchant_uid": "` + strings.Repeat("가", 40) + `"}`, "", "", nil},
		{"merchant_uid check before strict", strictSeedConfig, `{"pg": "nice", "amount": 1000, "merchant_uid": []}`, CodeInvalidMerchantUID, "", nil},

		// 5. SANDBOX_STRICT, F1001
		{"strict: fallback is an error", strictSeedConfig, `{"pg": "html_inicis", "amount": 1000}`, CodeSandboxStrict, `did you mean "html5_inicis"?`, nil},
		{"strict: missing pg is an error", strictSeedConfig, `{"amount": 1000}`, CodeSandboxStrict, "pg is missing", nil},
		{"strict: unknown channelKey then fallback names the real cause", strictSeedConfig, `{"amount": 1000, "channelKey": "nope"}`, CodeSandboxStrict, "pg is missing", nil},
		{"strict: string amount is an error", strictSeedConfig, `{"pg": "html5_inicis", "amount": "1000"}`, CodeSandboxStrict, `amount is the string "1000"`, nil},
		{"strict: exact pg passes", strictSeedConfig, `{"pg": "html5_inicis.MID-a", "amount": 1000}`, "", "", nil},
		{"F1001: no payment setting", certOnlyConfig, `{"amount": 1000}`, CodeF1001, `no PG setting of type "payment"`, nil},
		{"strict string amount before F1001", strictCertOnlyConfig, `{"amount": "1000"}`, CodeSandboxStrict, `amount is the string "1000"`, nil},
		{"F1001 in strict mode", strictCertOnlyConfig, `{"amount": 1000}`, CodeF1001, "", nil},
		{"strict before pay_method", strictSeedConfig, `{"pg": "nope", "amount": 1000, "pay_method": "bitcoin"}`, CodeSandboxStrict, "", nil},

		// 6. PAY_METHOD_NOT_SUPPORTED, CURRENCY_NOT_SUPPORTED
		{"INICIS does not offer paypal", "", `{"pg": "html5_inicis", "amount": 1000, "pay_method": "paypal"}`, CodePayMethodNotSupported, `KG INICIS (html5_inicis) does not offer pay_method "paypal": use one of "card"`, nil},
		{"INICIS card/trans/vbank/phone", "", `{"pg": "html5_inicis", "amount": 1000, "pay_method": "phone"}`, "", "", nil},
		{"Kakao Pay takes any method", "", `{"pg": "kakaopay", "amount": 1000, "pay_method": "vbank"}`, "", "", nil},
		{"PayPal takes paypal", "", `{"pg": "paypal_v2", "amount": 10, "currency": "USD", "pay_method": "paypal"}`, "", "", nil},
		{"verification PG takes no payments", "", `{"pg": "inicis_unified", "amount": 1000}`, CodePayMethodNotSupported, "it takes no payments", nil},
		{"pay_method not a string", "", `{"amount": 1000, "pay_method": 1}`, CodePayMethodNotSupported, "got a number", nil},
		{"PayPal takes no KRW", "", `{"pg": "paypal_v2", "amount": 1000, "currency": "KRW"}`, CodeCurrencyNotSupported, `does not take currency "KRW"`, nil},
		{"PayPal defaults to USD", "", `{"pg": "paypal_v2", "amount": 10.5}`, "", "", nil},
		{"Kakao Pay takes no USD", "", `{"pg": "kakaopay", "amount": 10, "currency": "USD"}`, CodeCurrencyNotSupported, `use one of "KRW"`, nil},
		{"lower-case currency is read upper case", "", `{"amount": 1000, "currency": "krw"}`, "", "", nil},
		{"an unknown lower-case currency", "", `{"amount": 1000, "currency": "xyz"}`, CodeCurrencyNotSupported, `"xyz"`, nil},
		{"currency not a string", "", `{"amount": 1000, "currency": 410}`, CodeCurrencyNotSupported, "got a number", nil},
		{"a code the catalog lacks takes anything", "", `{"pg": "my_pg", "amount": 10, "currency": "XYZ", "pay_method": "magic"}`, "", "", nil},
		{"pay_method before currency", "", `{"pg": "paypal_v2", "amount": 1000, "pay_method": "vbank"}`, CodePayMethodNotSupported, "", nil},

		// 7. F1002
		{"already paid", "", `{"amount": 1000, "merchant_uid": "order-1"}`, CodeF1002, `merchant_uid "order-1" is already paid`, []string{"order-1"}},
		{"another order is fine", "", `{"amount": 1000, "merchant_uid": "order-2"}`, "", "", []string{"order-1"}},
		{"currency before F1002", "", `{"pg": "kakaopay", "amount": 1000, "currency": "USD", "merchant_uid": "order-1"}`, CodeCurrencyNotSupported, "", []string{"order-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			if cfg == "" {
				cfg = checkConfig
			}
			m := mustMerchant(t, cfg)
			paid := &MemoryPaidSet{}
			for _, uid := range tt.paid {
				paid.MarkPaid(uid, "imps_000000000000")
			}
			req, perr := ParseRequest([]byte(tt.params))
			require.Nil(t, perr)
			p, tr, err := m.Check(req, paid, testEnv())
			if tt.code == "" {
				require.Nil(t, err, "%v", err)
				require.NotNil(t, p)
				assert.Equal(t, tr.Setting, p.Setting)
				return
			}
			require.NotNil(t, err)
			assert.Nil(t, p)
			assert.Equal(t, tt.code, err.Code, err.Message)
			assert.Contains(t, err.Message, tt.msgPart)
			switch tt.code {
			case CodeInvalidParams, CodeInvalidAmount, CodeInvalidMerchantUID:
				assert.Equal(t, "", tr.Rule, "checks before resolution return no trace")
				assert.Equal(t, -1, tr.Index)
			default:
				assert.True(t, tr.Rule != "" || tr.Err != nil, "the trace is returned once resolution was reached")
			}
		})
	}
}

func TestParseRequestErrors(t *testing.T) {
	tests := []struct{ in, part string }{
		{`"kakaopay"`, "params must be an object like {pg, amount, name, …}, got a string"},
		{`null`, "got null"},
		{`[]`, "got an array"},
		{`{"amount": 1`, "params could not be read: invalid JSON at byte 12"},
	}
	for _, tt := range tests {
		_, err := ParseRequest([]byte(tt.in))
		require.NotNil(t, err, tt.in)
		assert.Equal(t, CodeInvalidParams, err.Code)
		assert.Contains(t, err.Message, tt.part)
	}
}

func TestCheckDefaults(t *testing.T) {
	m := mustMerchant(t, checkConfig)
	req, _ := ParseRequest([]byte(`{"amount": 1000}`))
	p, tr, err := m.Check(req, &MemoryPaidSet{}, testEnv())
	require.Nil(t, err)
	assert.Equal(t, "nobody_1700000000123", p.MerchantUID, `"nobody_" + Date.now()`)
	assert.Equal(t, "card", p.PayMethod)
	assert.Equal(t, "KRW", p.Currency)
	assert.Equal(t, "ko", p.Language)
	assert.Equal(t, "1000", p.AmountText)
	assert.Equal(t, 1000.0, p.Amount)
	assert.Equal(t, 0, p.Index)
	assert.Equal(t, "html5_inicis", p.PG.Code)
	assert.Equal(t, []string{WarnPGMissing, WarnFellBackToDefault}, warningCodes(tr.Warnings))

	req, _ = ParseRequest([]byte(`{"pg": "kakaopay", "amount": "1000", "language": "en", "merchant_uid": "o-1", "pay_method": "", "currency": null, "name": "Sample"}`))
	p, tr, err = m.Check(req, nil, Env{})
	require.Nil(t, err, "a nil ledger and a zero Env are tolerated")
	assert.Equal(t, "o-1", p.MerchantUID)
	assert.Equal(t, "card", p.PayMethod)
	assert.Equal(t, "KRW", p.Currency)
	assert.Equal(t, "en", p.Language)
	assert.Equal(t, "Sample", p.Name)
	assert.Equal(t, []string{WarnAmountAsString}, warningCodes(tr.Warnings), "AMOUNT_AS_STRING joins the trace's warnings")
	assert.Contains(t, tr.Warnings[0].Message, "pass a number (amount: 1000)")

	req, _ = ParseRequest([]byte(`{"pg": "kakaopay", "amount": 1000, "pay_method": "vbank"}`))
	p, tr, err = m.Check(req, nil, Env{})
	require.Nil(t, err)
	assert.Equal(t, []string{WarnPayMethodIgnored}, warningCodes(tr.Warnings))
	assert.Equal(t, "card", p.PayMethod, "a simple-pay PG ignores pay_method: no virtual account from Kakao Pay")

	req, _ = ParseRequest([]byte(`{"pg": 12, "amount": 1000}`))
	p, tr, err = m.Check(req, nil, Env{})
	require.Nil(t, err, "pg of the wrong type is not an error outside strict mode")
	assert.Equal(t, []string{WarnPGMissing, WarnFellBackToDefault}, warningCodes(tr.Warnings))
	assert.Equal(t, RuleDefault, tr.Rule)
	assert.Equal(t, "html5_inicis", p.PG.Code)

	req, _ = ParseRequest([]byte(`{"pg": "my_pg", "amount": 5}`))
	p, _, err = m.Check(req, nil, Env{})
	require.Nil(t, err)
	assert.Equal(t, PG{Code: "my_pg", Name: "my_pg", NameKO: "my_pg", PayType: "general", Color: "#555555"}, p.PG, "a code the catalog lacks gets a plain entry")
}

func TestRequestAccessors(t *testing.T) {
	req, err := ParseRequest([]byte(`{"merchant_uid": "o-9", "popup": true, "m_redirect_url": "https://a.example/r", "language": "EN-us", "pg": "kakaopay", "pay_method": "card", "customer_uid": "c", "channelKey": "k"}`))
	require.Nil(t, err)
	assert.Equal(t, "o-9", req.MerchantUID())
	assert.Equal(t, "en", req.Language())
	assert.Equal(t, Query{PG: "kakaopay", PayMethod: "card", CustomerUID: "c", ChannelKey: "k", Type: TypePayment}, req.Query())
	assert.Equal(t, "kakaopay", req.Field("pg").Str)

	req, _ = ParseRequest([]byte(`{"pg": "kakaopay", "type": "refund", "channelKey": 3}`))
	assert.Equal(t, Query{PG: "kakaopay", Type: TypePayment}, req.Query(), "a stray type param does not lose pg")
	req, _ = ParseRequest([]byte(`{"pg": "kakaopay.MID-c", "type": 7}`))
	assert.Equal(t, Query{PG: "kakaopay.MID-c", Type: TypePayment}, req.Query())

	req, _ = ParseRequest([]byte(`{"merchant_uid": 5, "popup": "yes", "language": 1}`))
	assert.Equal(t, "", req.MerchantUID())
	assert.Equal(t, "ko", req.Language())
}

var impUIDPattern = regexp.MustCompile(`^imp_[0-9]{12}$`)

func checked(t *testing.T, params string) (*Payment, PaidSet, Env) {
	t.Helper()
	m := mustMerchant(t, checkConfig)
	req, perr := ParseRequest([]byte(params))
	require.Nil(t, perr)
	paid, env := &MemoryPaidSet{}, testEnv()
	p, _, err := m.Check(req, paid, env)
	require.Nil(t, err)
	p.Open(env)
	require.Regexp(t, impUIDPattern, p.ImpUID)
	return p, paid, env
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var got map[string]any
	require.NoError(t, json.Unmarshal(b, &got), string(b))
	return got
}

func TestRespondCard(t *testing.T) {
	const params = `{"pg": "html5_inicis", "amount": 1004, "merchant_uid": "order_no_0001", "name": "주문명:결제테스트",
		"buyer_email": "test@portone.io", "buyer_name": "구매자이름", "buyer_tel": "010-1234-5678",
		"buyer_addr": "서울특별시 강남구 삼성동", "buyer_postcode": "123-456",
		"custom_data": {"z": 1, "a": [1.50, "x", null, {"k": true}], "u": "\u00e9"}}`
	p, ledger, env := checked(t, params)
	assert.False(t, ledger.Paid("order_no_0001"))
	r := p.Respond(Outcome{Result: ResultPaid}, env, ledger)
	assert.True(t, ledger.Paid("order_no_0001"), "a success is marked paid")
	out := r.AppendJSON(nil)
	got := decode(t, out)
	assert.Equal(t, true, got["success"])
	assert.Equal(t, true, got["imp_success"])
	assert.Equal(t, p.ImpUID, got["imp_uid"])
	assert.Equal(t, "order_no_0001", got["merchant_uid"])
	assert.Equal(t, "card", got["pay_method"])
	assert.Equal(t, 1004.0, got["paid_amount"])
	assert.Equal(t, "KRW", got["currency"])
	assert.Equal(t, "paid", got["status"])
	assert.Equal(t, "주문명:결제테스트", got["name"])
	assert.Equal(t, "html5_inicis", got["pg_provider"])
	assert.Equal(t, "payment", got["pg_type"])
	assert.Regexp(t, `^impshim_html5_inicis_[0-9]{16}$`, got["pg_tid"])
	assert.Regexp(t, `^[0-9]{8}$`, got["apply_num"])
	assert.Equal(t, "구매자이름", got["buyer_name"])
	assert.Equal(t, "test@portone.io", got["buyer_email"])
	assert.Equal(t, "010-1234-5678", got["buyer_tel"])
	assert.Equal(t, "서울특별시 강남구 삼성동", got["buyer_addr"])
	assert.Equal(t, "123-456", got["buyer_postcode"])
	assert.Equal(t, 1_700_000_000.0, got["paid_at"], "unix seconds")
	assert.Equal(t, "https://sandbox.impshim.invalid/receipts/"+p.ImpUID, got["receipt_url"])
	assert.Equal(t, "샌드박스카드", got["card_name"])
	assert.Regexp(t, `^4[0-9]{5}\*{6}[0-9]{4}$`, got["card_number"])
	assert.Equal(t, 0.0, got["card_quota"])
	assert.NotContains(t, got, "customer_uid")
	assert.NotContains(t, got, "error_code")
	assert.NotContains(t, got, "vbank_num")
	assert.Contains(t, string(out), `"custom_data":{"z": 1, "a": [1.50, "x", null, {"k": true}], "u": "\u00e9"}`, "custom_data is echoed verbatim")
}

func TestRespondVbankTransAndBillingKey(t *testing.T) {
	p, ledger, env := checked(t, `{"pg": "html5_inicis", "amount": 5000, "pay_method": "vbank", "language": "en"}`)
	p.ImpUID = "" // Respond opens the payment itself when Open was skipped
	got := decode(t, func() []byte { r := p.Respond(Outcome{Result: ResultPaid}, env, ledger); return r.AppendJSON(nil) }())
	assert.Equal(t, "ready", got["status"])
	assert.Equal(t, true, got["success"])
	assert.Regexp(t, impUIDPattern, got["imp_uid"])
	assert.Regexp(t, `^[0-9]{14}$`, got["vbank_num"])
	assert.Equal(t, "Sandbox Bank", got["vbank_name"])
	assert.Equal(t, "impshim sandbox", got["vbank_holder"])
	assert.Equal(t, 1_700_000_000.0+3*24*3600, got["vbank_date"])
	assert.NotContains(t, got, "card_number")
	assert.Nil(t, got["custom_data"])
	assert.Nil(t, got["name"])

	p, ledger, env = checked(t, `{"pg": "html5_inicis", "amount": 5000, "pay_method": "trans"}`)
	r := p.Respond(Outcome{Result: ResultPaid}, env, ledger)
	got = decode(t, r.AppendJSON(nil))
	assert.Equal(t, "샌드박스은행", got["bank_name"])
	assert.Equal(t, "", got["apply_num"])

	p, ledger, env = checked(t, `{"pg": "html5_inicis.MID-b", "amount": 0, "customer_uid": "buyer-7"}`)
	r = p.Respond(Outcome{Result: ResultPaid}, env, ledger)
	got = decode(t, r.AppendJSON(nil))
	assert.Equal(t, "buyer-7", got["customer_uid"])
	p, _, _ = checked(t, `{"pg": "html5_inicis.MID-b", "amount": -0, "customer_uid": "buyer-8"}`)
	assert.Equal(t, "0", p.AmountText, "-0 is written as 0")
	assert.Equal(t, 0.0, got["paid_amount"])
	assert.Equal(t, "Sandbox Card", mockCardName("en"))
}

func TestRespondFailureAndCancel(t *testing.T) {
	tests := []struct {
		outcome Outcome
		code    string
		msg     string
	}{
		{Outcome{Result: ResultFailed}, CodePGFailed, "the payment failed at the PG"},
		{Outcome{Result: ResultFailed, ErrorCode: "CARD_LIMIT", ErrorMsg: "limit exceeded"}, "CARD_LIMIT", "limit exceeded"},
		{Outcome{Result: ResultCancelled}, CodeUserCancel, "the buyer cancelled the payment"},
		{Outcome{Result: "exploded"}, CodeInternal, `unknown window outcome "exploded"`},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			p, ledger, env := checked(t, `{"pg": "kakaopay", "amount": 1000, "merchant_uid": "o-5", "custom_data": [1]}`)
			r := p.Respond(tt.outcome, env, ledger)
			assert.False(t, ledger.Paid("o-5"), "a failure is not marked paid")
			got := decode(t, r.AppendJSON(nil))
			assert.Equal(t, false, got["success"])
			assert.Equal(t, false, got["imp_success"])
			assert.Equal(t, tt.code, got["error_code"])
			assert.Contains(t, got["error_msg"], tt.msg)
			assert.Equal(t, "failed", got["status"])
			assert.Equal(t, "o-5", got["merchant_uid"])
			assert.Equal(t, p.ImpUID, got["imp_uid"], "imp_uid is set once a window opened")
			assert.Equal(t, "kakaopay", got["pg_provider"])
			assert.Equal(t, []any{1.0}, got["custom_data"])
			assert.NotContains(t, got, "paid_at")
			assert.NotContains(t, got, "receipt_url")
		})
	}
}

func TestErrorResponse(t *testing.T) {
	r := ErrorResponse("o-1", "", &Error{Code: CodeInvalidAmount, Message: "amount is missing"})
	got := decode(t, r.AppendJSON(nil))
	assert.Equal(t, map[string]any{
		"success": false, "imp_success": false, "imp_uid": nil, "merchant_uid": "o-1",
		"error_code": "INVALID_AMOUNT", "error_msg": "amount is missing", "status": "failed",
	}, got)
	r = ErrorResponse("", "imps_123456789012", nil)
	got = decode(t, r.AppendJSON(nil))
	assert.Nil(t, got["merchant_uid"])
	assert.Equal(t, "imps_123456789012", got["imp_uid"])
	assert.Equal(t, CodeInternal, got["error_code"])
	e := &Error{Code: "F1002", Message: "x"}
	assert.Equal(t, "F1002: x", e.Error())
	assert.Equal(t, `{"code":"F1002","message":"x"}`, string(e.AppendJSON(nil)))
}

func TestWindowJSON(t *testing.T) {
	p, _, _ := checked(t, `{"pg": "html5_inicis.MID-b", "amount": 0, "customer_uid": "c-1", "name": "<b>Order</b>", "buyer_name": "Kim", "escrow": true, "pay_method": "card"}`)
	got := decode(t, p.AppendWindowJSON(nil))
	assert.Equal(t, map[string]any{
		"pg":           map[string]any{"code": "html5_inicis", "name": "KG INICIS", "name_ko": "KG이니시스", "color": "#1a4a9c", "simple_pay": false},
		"imp_uid":      p.ImpUID,
		"merchant_uid": "nobody_1700000000123",
		"mid":          "MID-b", "pay_type": "subscription", "label": "", "pay_method": "card",
		"name": "<b>Order</b>", "amount": 0.0, "currency": "KRW",
		"buyer_name": "Kim", "buyer_email": "", "buyer_tel": "", "buyer_addr": "", "buyer_postcode": "",
		"billing_key": true, "customer_uid": "c-1", "vbank": false, "escrow": true, "language": "ko",
		"card_quota": []any{}, "card_direct": nil, "vbank_due": nil,
	}, got)
	assert.NotContains(t, string(p.AppendWindowJSON(nil)), "<b>", "markup is escaped in the JSON text")
}

func TestMemoryPaidSet(t *testing.T) {
	l := &MemoryPaidSet{}
	assert.False(t, l.Paid("a"))
	l.MarkPaid("a", "imps_1")
	assert.True(t, l.Paid("a"))
	assert.False(t, l.Paid("b"))
	l.Reset()
	assert.False(t, l.Paid("a"))
	var zero MemoryPaidSet
	zero.MarkPaid("x", "imps_2")
	assert.True(t, zero.Paid("x"), "the zero MemoryPaidSet works")
}

func TestEnvFallbacks(t *testing.T) {
	var e Env
	assert.Equal(t, int64(0), e.now())
	a, b := e.rand(), e.rand()
	assert.NotEqual(t, a, b, "the fallback source still varies")
	assert.Regexp(t, `^[0-9]{30}$`, e.digits(30), "more digits than one draw holds")
}

// FuzzParseRequest: any snapshot text gives either INVALID_PARAMS or a Request that Check
// answers without panicking, with a payment whose response is valid JSON, or an error.
func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{
		`{"amount": 1000}`, `{"pg": "kakaopay", "amount": "1000", "custom_data": {"a": [1]}}`, `{"amount": NaN}`,
		`{"amount": {}}`, `{"pg": 12, "amount": 1}`, `{"amount": 10.5, "currency": "USD", "pg": "paypal_v2"}`,
		`{"amount": 1, "tax_free": 2}`, `{"amount": 1, "merchant_uid": "` + strings.Repeat("x", 41) + `"}`, `[]`, `"x"`,
		`{"amount": 0, "customer_uid": "c", "pay_method": "vbank"}`,
		`{"amount": 60000, "display": {"card_quota": [2, 6]}, "vbank_due": "20261231", "currency": "krw", "m_redirect_uri": "x"}`,
		`{"amount": 1, "pay_method": "vbank", "vbank_due": "2026-12-31 23:59:60", "display": {"card_quota": [1e9]}}`,
	} {
		f.Add([]byte(s))
	}
	m := mustMerchant(f, checkConfig)
	strict := mustMerchant(f, strictSeedConfig)
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := ParseRequest(data)
		if err != nil {
			require.Equal(t, CodeInvalidParams, err.Code)
			return
		}
		for _, mm := range []*Merchant{m, strict} {
			env, ledger := testEnv(), &MemoryPaidSet{}
			p, tr, cerr := mm.Check(req, ledger, env)
			if cerr != nil {
				require.Nil(t, p)
				require.NotEmpty(t, cerr.Code)
				require.NotEmpty(t, cerr.Message)
				r := ErrorResponse(req.MerchantUID(), "", cerr)
				require.True(t, json.Valid(r.AppendJSON(nil)))
				continue
			}
			require.NotNil(t, p)
			require.GreaterOrEqual(t, tr.Index, 0)
			if tr.Fallback {
				require.False(t, mm.Config().Strict, "strict mode never lets a fallback through")
			}
			p.Open(env)
			require.True(t, json.Valid(p.AppendWindowJSON(nil)))
			r := p.Respond(Outcome{Result: ResultPaid}, env, ledger)
			out := r.AppendJSON(nil)
			require.True(t, json.Valid(out), string(out))
			require.True(t, ledger.Paid(p.MerchantUID))
		}
	})
}

// TestConcurrentUse: a Merchant, the memory ledger and a zero Env are shared by the server's
// request handlers; run with -race this catches unsynchronised state.
func TestConcurrentUse(t *testing.T) {
	m := mustMerchant(t, checkConfig)
	ledger := &MemoryPaidSet{}
	done := make(chan string)
	for g := 0; g < 8; g++ {
		go func(g int) {
			uid := "order-" + strings.Repeat("x", g)
			req, _ := ParseRequest([]byte(`{"pg": "kakaopay", "amount": 100, "merchant_uid": "` + uid + `"}`))
			p, _, err := m.Check(req, ledger, Env{})
			if err != nil {
				done <- err.Message
				return
			}
			p.Open(Env{})
			_ = m.Resolve(Query{PG: "html_inicis"})
			r := p.Respond(Outcome{Result: ResultPaid}, Env{}, ledger)
			done <- r.ImpUID
		}(g)
	}
	seen := map[string]bool{}
	for g := 0; g < 8; g++ {
		uid := <-done
		assert.Regexp(t, impUIDPattern, uid)
		seen[uid] = true
	}
	assert.Len(t, seen, 8, "every payment got its own imp_uid")
	assert.True(t, ledger.Paid("order-xxx"))
}
