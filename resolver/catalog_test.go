package resolver

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The seed's "pg service code" list and the current codes the issue names: each must be in the catalog.
var (
	seedCodes    = []string{"html5_inicis", "kcp", "kcp_billing", "uplus", "nice", "jtnet", "kicc", "bluewalnut", "kakaopay", "danal", "danal_tpay", "mobilians", "chai", "payco", "syrup", "paypal", "eximbay", "naverco", "naverpay"}
	currentCodes = []string{"inicis_unified", "kcp_quick", "tosspayments", "toss_brandpay", "nice_v2", "paypal_v2", "smilepay", "daou", "paymentwall", "tosspay", "tosspay_v2", "smartro", "smartro_v2", "settle", "settle_acc", "ksnet", "welcome", "galaxia", "alipay", "kakao"}
)

func TestCatalogCodes(t *testing.T) {
	for _, code := range append(append([]string{}, seedCodes...), currentCodes...) {
		pg, ok := Lookup(code)
		if assert.True(t, ok, code) {
			assert.Equal(t, code, pg.Code)
		}
	}
	_, ok := Lookup("html_inicis")
	assert.False(t, ok, "the seed's typo is not a code")
	_, ok = Lookup("KAKAOPAY")
	assert.False(t, ok, "lookup is case-sensitive")
}

func TestCatalogEntries(t *testing.T) {
	color := regexp.MustCompile(`^#[0-9a-f]{6}$`)
	seen := map[string]bool{}
	for _, pg := range Catalog() {
		t.Run(pg.Code, func(t *testing.T) {
			assert.False(t, seen[pg.Code], "codes are unique")
			seen[pg.Code] = true
			assert.NotEmpty(t, pg.Name)
			assert.NotEmpty(t, pg.NameKO)
			assert.Regexp(t, color, pg.Color)
			assert.Contains(t, []string{"general", "subscription", "simple"}, pg.PayType)
			assert.NotEmpty(t, pg.Currencies)
			if !pg.Certification {
				assert.NotEmpty(t, pg.Methods)
			}
			if pg.SimplePay {
				assert.True(t, pg.Offers("anything"), "simple pay accepts any pay_method")
				assert.NotEmpty(t, pg.Methods, "Check uses Methods[0] as the method a simple-pay PG chooses")
			}
		})
	}
}

// TestCatalogSpecMinimums: docs/sdk.md §4 and §5 name these facts outright.
func TestCatalogSpecMinimums(t *testing.T) {
	inicis, _ := Lookup("html5_inicis")
	for _, m := range []string{"card", "trans", "vbank", "phone"} {
		assert.True(t, inicis.Offers(m), m)
	}
	assert.False(t, inicis.Offers("paypal"))
	assert.True(t, inicis.Accepts("KRW"))
	assert.False(t, inicis.Legacy)
	assert.False(t, inicis.SimplePay)

	kakaopay, _ := Lookup("kakaopay")
	assert.True(t, kakaopay.SimplePay)
	assert.True(t, kakaopay.Offers("vbank"))
	assert.True(t, kakaopay.Accepts("KRW"))
	assert.False(t, kakaopay.Accepts("USD"))

	for _, code := range []string{"paypal", "paypal_v2"} {
		pg, _ := Lookup(code)
		assert.True(t, pg.Offers("card"), code)
		assert.True(t, pg.Offers("paypal"), code)
		assert.False(t, pg.Offers("vbank"), code)
		assert.True(t, pg.Accepts("USD"), code)
		assert.Greater(t, len(pg.Currencies), 1, "USD and more")
	}
	for _, code := range []string{"kakao", "jtnet", "bluewalnut", "chai", "syrup", "alipay"} {
		pg, _ := Lookup(code)
		assert.True(t, pg.Legacy, code)
	}
	kcpBilling, _ := Lookup("kcp_billing")
	assert.Equal(t, "subscription", kcpBilling.PayType)
}

func TestCatalogIsACopy(t *testing.T) {
	c := Catalog()
	c[0].Code = "changed"
	assert.Equal(t, "html5_inicis", Catalog()[0].Code)
}

func TestAppendCatalogJSON(t *testing.T) {
	var got []map[string]any
	require.NoError(t, json.Unmarshal(AppendCatalogJSON(nil), &got))
	require.Len(t, got, len(Catalog()))
	assert.Equal(t, map[string]any{
		"code": "kakaopay", "name": "Kakao Pay", "name_ko": "카카오페이", "legacy": false, "simple_pay": true,
		"pay_type": "simple", "methods": []any{"card"}, "currencies": []any{"KRW"}, "default_currency": "KRW", "color": "#ffe812", "certification": false,
	}, got[indexOfCode("kakaopay")])
	assert.Equal(t, "USD", got[indexOfCode("paypal")]["default_currency"])
}

func indexOfCode(code string) int {
	for i, pg := range Catalog() {
		if pg.Code == code {
			return i
		}
	}
	return -1
}
