package web_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/web"
	"github.com/impshim/impshim/web/merchants"
)

func TestServesTheSeedMerchantWithoutKeys(t *testing.T) {
	h := web.New(web.Options{Dist: fakeDist(t, false)})
	rec := do(t, h, http.MethodGet, "/sdk/merchants/imp10391932.json", nil, nil)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"))
	assert.Equal(t, string(merchants.Seed().Public), rec.Body.String())
	assert.NotContains(t, rec.Body.String(), merchants.Seed().Keys.ImpSecret)
	_, err := merchants.Parse("imp10391932", rec.Body.Bytes())
	require.NoError(t, err, "what the browser gets is a valid merchant file")
}

func TestMerchantNotFoundIsReadableCrossOrigin(t *testing.T) {
	h := web.New(web.Options{Dist: fakeDist(t, false)})
	rec := do(t, h, http.MethodGet, "/sdk/merchants/imp_no_such_file.json", nil, nil)
	require.Equal(t, http.StatusNotFound, rec.Code)
	assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"), "imp.js on another origin must read the 404 to fall back")
}

func TestServesLoadedMerchants(t *testing.T) {
	dir := t.TempDir()
	shop := `{"merchant_code":"imp555","imp_key":"k","imp_secret":"s555","pg_settings":[{"pg":"paypal","mid":"pp","pay_type":"general"}]}`
	override := `{"merchant_code":"imp10391932","pg_settings":[{"pg":"nice","mid":"only","pay_type":"general"}]}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "imp555.json"), []byte(shop), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "imp10391932.json"), []byte(override), 0o644))
	set, err := merchants.Load(dir)
	require.NoError(t, err)

	h := web.New(web.Options{Dist: fakeDist(t, false), Merchants: set})
	for code, want := range map[string]string{
		"imp555":      `{"merchant_code":"imp555","pg_settings":[{"pg":"paypal","mid":"pp","pay_type":"general"}]}`,
		"imp10391932": override,
	} {
		rec := do(t, h, http.MethodGet, "/sdk/merchants/"+code+".json", nil, nil)
		require.Equal(t, http.StatusOK, rec.Code)
		assert.JSONEq(t, want, rec.Body.String())
		assert.NotContains(t, rec.Body.String(), "s555")
	}
	assert.Equal(t, http.StatusNotFound, do(t, h, http.MethodGet, "/sdk/merchants/README.json", nil, nil).Code)
}

func TestErrorBodyShape(t *testing.T) {
	h := web.New(web.Options{Dist: fakeDist(t, false)})
	rec := do(t, h, http.MethodGet, "/sdk/merchants/nobody.json", nil, nil)
	var raw map[string]map[string]string
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &raw))
	assert.Equal(t, "MERCHANT_NOT_FOUND", raw["error"]["code"])
	assert.Contains(t, raw["error"]["message"], "nobody.json")
	assert.Len(t, raw, 1)
	assert.Len(t, raw["error"], 2)
}
