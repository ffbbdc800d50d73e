package e2e

import (
	"testing"

	"github.com/impshim/impshim/e2e/imptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seedConfig is the three settings of the seed page ("Integrating Multiple PGs") as SPEC §3 writes them.
func seedConfig(code string) map[string]any {
	return map[string]any{
		"merchant_code": code,
		"pg_settings": []map[string]any{
			{"pg": "html5_inicis", "mid": "MID-a", "pay_type": "general", "default": true, "label": "KG INICIS"},
			{"pg": "html5_inicis", "mid": "MID-b", "pay_type": "subscription"},
			{"pg": "kakaopay", "mid": "MID-c", "pay_type": "simple"},
		},
	}
}

// configure applies a config that must be accepted.
func configure(tb *tab, cfg any) imptest.ConfigResult {
	tb.t.Helper()
	res := run(tb, imptest.Configure(cfg))
	require.True(tb.t, res.OK, "configure rejected the config: %+v", res.Errors)
	return res
}

func TestSmoke(t *testing.T) {
	t.Parallel()
	tb := newTab(t)
	tb.open("/shop/checkout.html")
	assert.True(t, eval[bool](tb, `window.shop.impAtLoad`), "window.IMP must exist right after the script tag")
	configure(tb, seedConfig("imp10391932"))

	tb.do(imptest.Pay(map[string]any{
		"pg": "html5_inicis.MID-b", "amount": 1000, "name": "Sample order",
		"buyer_name": "Buyer", "buyer_email": "buyer@iamport.kr", "merchant_uid": "smoke_1",
	}))
	win := run(tb, imptest.WaitWindow())
	tb.snapshot("window")
	assert.Equal(t, "iframe", win.Mode)
	assert.Equal(t, "html5_inicis", win.PG)
	assert.Equal(t, "MID-b", win.MID)
	assert.Equal(t, float64(1000), win.Amount)
	assert.Equal(t, "₩1,000", win.AmountText)

	tb.do(imptest.Approve())
	resp := run(tb, imptest.Result())
	assert.True(t, resp.Success, "response: %+v", resp.Raw)
	assert.True(t, resp.ImpSuccess)
	assert.Equal(t, "html5_inicis", resp.PGProvider)
	assert.Equal(t, "payment", resp.PGType)
	assert.Equal(t, "paid", resp.Status)
	assert.Equal(t, "smoke_1", resp.MerchantUID)
	assert.Equal(t, float64(1000), resp.PaidAmount)
	assert.Regexp(t, `^imp_\d{12}$`, resp.ImpUID)
	assert.Equal(t, "card", resp.PayMethod)
	assert.Equal(t, "KRW", resp.Currency)
	assert.Equal(t, "Buyer", resp.BuyerName)

	tr := run(tb, imptest.LastTrace())
	require.NotNil(t, tr, "lastTrace() is null after a request_pay")
	assert.Equal(t, "R1", tr.Rule)
	assert.Equal(t, "MID-b", tr.Setting.MID)
	assert.Equal(t, 1, tr.Setting.Index)
	assert.False(t, tr.Fallback)
	tb.snapshot("after")
}
