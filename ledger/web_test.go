package ledger

import (
	"testing"

	"github.com/impshim/impshim/web"
	"github.com/impshim/impshim/web/merchants"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBehindWeb is the wiring of `make run`: web hands /users/, /payments/ and /sdk/sandbox/
// to the ledger, and merchant files give the REST keys.
func TestBehindWeb(t *testing.T) {
	shop, err := merchants.Parse("imp_shop", []byte(`{"merchant_code": "imp_shop", "imp_key": "shop_key", "imp_secret": "shop_secret",
		"pg_settings": [{"pg": "kakaopay", "mid": "MID-k", "pay_type": "simple"}]}`))
	require.NoError(t, err, "REST keys do not upset the SDK's reading of the file")
	files := merchants.Set{merchants.SeedCode: merchants.Seed(), "imp_shop": shop}
	f := newFixture(t, Options{})
	f.api.merchants = MerchantSetOf(files)
	f.site = web.New(web.Options{Dist: t.TempDir(), Merchants: files, Backend: f.api})

	w := newRecorder(f, "GET", "/sdk/merchants/imp_shop.json")
	require.Equal(t, 200, w.Code, w.Body.String())
	assert.NotContains(t, w.Body.String(), "shop_secret", "the browser never sees the REST secret")
	assert.Contains(t, w.Body.String(), "MID-k")

	r := f.do("GET", "/sdk/sandbox/backend.json", nil)
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, true, r.Body["ledger"])

	rec := paid(impUID(), "shop-1", 1200)
	rec["merchant_code"] = "imp_shop"
	f.mustRecord(rec)
	uid := rec["response"].(map[string]any)["imp_uid"].(string)

	tok := f.token(Keys{ImpKey: "shop_key", ImpSecret: "shop_secret"})
	r = f.get("/payments/"+uid, tok)
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, float64(1200), resp(r)["amount"])
	r = f.post("/payments/cancel", tok, map[string]any{"imp_uid": uid, "checksum": 1200})
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, "cancelled", resp(r)["status"])
	assert.Equal(t, 401, f.get("/payments/"+uid, "").Status)
	// The demo merchant's keys still work next to the file's merchant.
	assert.NotEmpty(t, f.token(DemoKeys))
}
