package resolver

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatusesAndResults(t *testing.T) {
	for _, s := range []string{"ready", "paid", "cancelled", "failed"} {
		assert.True(t, ValidStatus(s), s)
	}
	for _, s := range []string{"", "Paid", "cancel", "canceled", "vbank_issued"} {
		assert.False(t, ValidStatus(s), s)
	}
	assert.Equal(t, []string{"paid", "failed", "cancelled"}, OutcomeResults())
	for _, r := range OutcomeResults() {
		assert.True(t, ValidOutcomeResult(r), r)
	}
	for _, r := range []string{"", "ready", "PAID", "canceled", "success"} {
		assert.False(t, ValidOutcomeResult(r), r)
	}
	// the slice is the caller's: changing it changes nothing here
	OutcomeResults()[0] = "x"
	assert.Equal(t, ResultPaid, OutcomeResults()[0])
}

func TestCheckMerchantUID(t *testing.T) {
	for _, tc := range []struct {
		uid  string
		want string // "" = accepted; else a part of the message
	}{
		{"order-1", ""},
		{strings.Repeat("a", 40), ""},
		{strings.Repeat("가", 40), ""}, // code points, not bytes
		{strings.Repeat("a", 41), "41 characters long; the limit is 40"},
		{strings.Repeat("가", 41), "41 characters long"},
		{"", "merchant_uid is empty"},
	} {
		e := CheckMerchantUID(tc.uid)
		if tc.want == "" {
			assert.Nil(t, e, tc.uid)
			continue
		}
		require.NotNil(t, e, tc.uid)
		assert.Equal(t, CodeInvalidMerchantUID, e.Code)
		assert.Contains(t, e.Message, tc.want)
	}
	assert.Equal(t, 40, MaxMerchantUIDLen)
}

func TestIMPUID(t *testing.T) {
	n := uint64(0)
	rand := func() uint64 { n++; return n * 1234567890123 }
	a, b := NewIMPUID(rand), NewIMPUID(rand)
	assert.NotEqual(t, a, b)
	for _, id := range []string{a, b, NewIMPUID(nil)} {
		assert.True(t, strings.HasPrefix(id, IMPUIDPrefix), id)
		assert.True(t, ValidIMPUID(id), id)
	}
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"imp_123456789012", true},
		{"imps_123456789012", true},
		{"imp_12345678901", false},
		{"imp_1234567890123", false},
		{"imps_12345678901a", false},
		{"IMP_123456789012", false},
		{" imp_123456789012", false},
		{"imp_123456789012 ", false},
		{"imp_١٢٣٤٥٦٧٨٩٠١٢", false}, // Arabic-Indic digits are not ASCII digits
		{"", false},
		{"imp_", false},
	} {
		assert.Equal(t, tc.ok, ValidIMPUID(tc.id), tc.id)
	}
}

func TestMobileUserAgent(t *testing.T) {
	for _, tc := range []struct {
		ua     string
		mobile bool
	}{
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148", true},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36", true},
		{"Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X)", true},
		{"Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 Chrome/120.0 Safari/537.36", true}, // an Android tablet
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0 Safari/537.36", false},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Safari/605.1.15", false},
		{"", false},
		{"mobile", false}, // the SDK's test is case-sensitive
	} {
		assert.Equal(t, tc.mobile, MobileUserAgent(tc.ua), tc.ua)
	}
}

func TestCurrencyDecimals(t *testing.T) {
	for _, tc := range []struct {
		code     string
		decimals int
		known    bool
	}{
		{"KRW", 0, true}, {"JPY", 0, true}, {"TWD", 0, true},
		{"USD", 2, true}, {"EUR", 2, true}, {"CNY", 2, true},
		{"XYZ", 2, false}, {"krw", 2, false}, {"", 2, false},
	} {
		d, ok := CurrencyDecimals(tc.code)
		assert.Equal(t, tc.decimals, d, tc.code)
		assert.Equal(t, tc.known, ok, tc.code)
	}
	// every currency a catalog PG takes is known
	for _, pg := range Catalog() {
		for _, c := range pg.Currencies {
			_, ok := CurrencyDecimals(c)
			assert.True(t, ok, "%s of %s", c, pg.Code)
		}
	}
}

func TestCheckAmountText(t *testing.T) {
	for _, tc := range []struct {
		text, currency string
		want           string // "" = accepted; else a part of the message
	}{
		{"1000", "KRW", ""},
		{"0", "KRW", ""},
		{"1000.0", "KRW", ""}, // trailing zeros add no precision
		{"1e3", "KRW", ""},
		{"1.5E3", "KRW", ""},
		{"10.25", "USD", ""},
		{"10.250", "USD", ""},
		{"1025e-2", "USD", ""},
		{"0.5", "KRW", "has 1 decimals, but KRW has no minor unit"},
		{"1.5e-1", "KRW", "has 2 decimals"},
		{"10.255", "USD", "has 3 decimals, but USD allows 2"},
		{"1e-3", "USD", "has 3 decimals"},
		{" 100 ", "KRW", "is not a number"},
		{"100 ", "KRW", "is not a number"},
		{"\t100", "KRW", "is not a number"},
		{"1,000", "KRW", "is not a number"},
		{"100원", "KRW", "is not a number"},
		{"+5", "KRW", "is not a number"},
		{"-5", "KRW", "must not be negative"},
		{"", "KRW", "is not a number"},
		{".5", "USD", "is not a number"},
		{"5.", "USD", "is not a number"},
		{"1e", "KRW", "is not a number"},
		{"1e99999", "KRW", "is not a number"},
		{"0x10", "KRW", "is not a number"},
		{"NaN", "KRW", "is not a number"},
		{"Infinity", "KRW", "is not a number"},
	} {
		e := CheckAmountText(tc.text, tc.currency)
		if tc.want == "" {
			assert.Nil(t, e, "%q %s", tc.text, tc.currency)
			continue
		}
		if assert.NotNil(t, e, "%q %s", tc.text, tc.currency) {
			assert.Equal(t, CodeInvalidAmount, e.Code)
			assert.Contains(t, e.Message, tc.want, "%q", tc.text)
		}
	}
}

// The SDK's check 3 and the REST check are one rule: the same amounts pass both.
func TestCheckAmountTextAgreesWithCheck3(t *testing.T) {
	m := mustMerchant(t, `{"pg_settings":[{"pg":"paypal","mid":"P","pay_type":"general"}]}`)
	for _, amt := range []string{"1000", "1000.5", "0.01", "10.25", "10.255"} {
		for _, cur := range []string{"KRW", "USD"} {
			req, perr := ParseRequest([]byte(`{"pg":"paypal","pay_method":"card","amount":` + amt + `,"currency":"` + cur + `"}`))
			require.Nil(t, perr)
			_, _, cerr := m.Check(req, nil, Env{})
			check3 := cerr == nil || cerr.Code != CodeInvalidAmount
			assert.Equal(t, check3, CheckAmountText(amt, cur) == nil, "%s %s: %v", amt, cur, cerr)
		}
	}
}

func FuzzCheckAmountText(f *testing.F) {
	for _, s := range []string{"1000", " 100 ", "1e3", "10.25", "1.5e-1", "-1", "1e99999", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, cur := range []string{"KRW", "USD"} {
			if e := CheckAmountText(s, cur); e != nil {
				assert.Equal(t, CodeInvalidAmount, e.Code)
				assert.NotEmpty(t, e.Message)
			} else {
				assert.NotContains(t, s, " ", "accepted a padded amount")
			}
		}
	})
}

func TestConsoleOrderFunc(t *testing.T) {
	assert.Equal(t, []int{}, ConsoleOrder(nil))
	assert.Equal(t, []int{2, 0, 1, 3}, ConsoleOrder([]Setting{{}, {}, {Default: true}, {}}))
}

const (
	iPhoneUA  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
	desktopUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
)

func TestWindowMode(t *testing.T) {
	for _, tc := range []struct {
		name, params, ua string
		popupByDefault   bool
		mode, url        string
	}{
		{"desktop", `{}`, desktopUA, false, ModeIframe, ""},
		{"desktop, popup", `{"popup":true}`, desktopUA, false, ModePopup, ""},
		{"desktop, popup false", `{"popup":false}`, desktopUA, false, ModeIframe, ""},
		{"popup not a boolean", `{"popup":"true"}`, desktopUA, false, ModeIframe, ""},
		{"desktop ignores m_redirect_url", `{"m_redirect_url":"https://shop.example/done"}`, desktopUA, false, ModeIframe, ""},
		{"mobile redirects", `{"m_redirect_url":"https://shop.example/done?x=1"}`, iPhoneUA, false, ModeRedirect, "https://shop.example/done?x=1"},
		{"mobile redirect beats popup", `{"m_redirect_url":"http://shop.example/","popup":true}`, iPhoneUA, false, ModeRedirect, "http://shop.example/"},
		{"mobile without m_redirect_url", `{"popup":true}`, iPhoneUA, false, ModePopup, ""},
		{"mobile, bad m_redirect_url", `{"m_redirect_url":"http:example.com"}`, iPhoneUA, false, ModeIframe, ""},
		{"mobile, relative m_redirect_url (the bridge resolves it first)", `{"m_redirect_url":"/done"}`, iPhoneUA, false, ModeIframe, ""},
		{"mobile, javascript: URL", `{"m_redirect_url":"javascript:alert(1)"}`, iPhoneUA, false, ModeIframe, ""},
		{"no user agent is a desktop", `{"m_redirect_url":"https://shop.example/"}`, "", false, ModeIframe, ""},
		{"certification: popup by default", `{}`, desktopUA, true, ModePopup, ""},
		{"certification: popup false", `{"popup":false}`, desktopUA, true, ModeIframe, ""},
		{"certification: mobile redirect", `{"m_redirect_url":"https://shop.example/"}`, iPhoneUA, true, ModeRedirect, "https://shop.example/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := ParseRequest([]byte(tc.params))
			require.Nil(t, err)
			mode, url := req.WindowMode(tc.ua, tc.popupByDefault)
			assert.Equal(t, tc.mode, mode)
			assert.Equal(t, tc.url, url)
		})
	}
}

func TestParseBrowserEnv(t *testing.T) {
	for _, tc := range []struct {
		text string
		want BrowserEnv
		err  string
	}{
		{``, BrowserEnv{}, ""},
		{`null`, BrowserEnv{}, ""},
		{`{}`, BrowserEnv{}, ""},
		{`{"user_agent":"` + iPhoneUA + `","now_ms":1764130000123}`, BrowserEnv{UserAgent: iPhoneUA, NowMS: 1764130000123, HasNow: true}, ""},
		{`{"user_agent":null,"now_ms":null}`, BrowserEnv{}, ""},
		{`{"now_ms":0}`, BrowserEnv{HasNow: true}, ""},
		{`{"extra":1}`, BrowserEnv{}, ""},
		{`[]`, BrowserEnv{}, "must be an object, got an array"},
		{`"ua"`, BrowserEnv{}, "must be an object, got a string"},
		{`{"user_agent":5}`, BrowserEnv{}, "user_agent must be a string, got a number"},
		{`{"now_ms":"1"}`, BrowserEnv{}, "now_ms must be a number, got a string"},
		{`{"now_ms":1.5}`, BrowserEnv{}, "whole number"},
		{`{"now_ms":-1}`, BrowserEnv{}, "whole number"},
		{`{"now_ms":NaN}`, BrowserEnv{}, "whole number"},
		{`{"now_ms":1e300}`, BrowserEnv{}, "whole number"},
		{`{`, BrowserEnv{}, "is not JSON"},
	} {
		got, err := ParseBrowserEnv([]byte(tc.text))
		if tc.err == "" {
			assert.Nil(t, err, tc.text)
			assert.Equal(t, tc.want, got, tc.text)
			continue
		}
		if assert.NotNil(t, err, tc.text) {
			assert.Equal(t, CodeInternal, err.Code)
			assert.Contains(t, err.Message, tc.err, tc.text)
		}
	}
}

func FuzzParseBrowserEnv(f *testing.F) {
	for _, s := range []string{``, `null`, `{"user_agent":"x","now_ms":1}`, `{"now_ms":1e300}`, `{"now_ms":-0}`, `[1]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		env, err := ParseBrowserEnv(data)
		if err != nil {
			assert.Equal(t, BrowserEnv{}, env)
			return
		}
		assert.GreaterOrEqual(t, env.NowMS, int64(0))
		if !env.HasNow {
			assert.Zero(t, env.NowMS)
		}
	})
}
