package web_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/resolver"
	"github.com/impshim/impshim/web"
)

func TestEmbeddedMerchantIsTheGuidesExample(t *testing.T) {
	h := web.New(web.Options{Dist: fakeDist(t, false)})
	rec := do(t, h, http.MethodGet, "/sdk/merchants/imp10391932.json", nil, nil)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "*", rec.Header().Get("Access-Control-Allow-Origin"))
	require.NoError(t, web.ValidateMerchant("imp10391932", rec.Body.Bytes()))

	cfg, errs := resolver.ParseConfig(rec.Body.Bytes())
	require.Empty(t, errs)
	assert.Equal(t, "imp10391932", cfg.MerchantCode)
	assert.Equal(t, []resolver.Setting{
		{PG: "html5_inicis", MID: "MID-a", PayType: "general", Default: true, Label: "KG INICIS"},
		{PG: "html5_inicis", MID: "MID-b", PayType: "subscription"},
		{PG: "kakaopay", MID: "MID-c", PayType: "simple"},
	}, cfg.Settings)
}

func TestValidateMerchant(t *testing.T) {
	tests := []struct {
		name, code, json string
		wantErr          []string // substrings of the error; none: valid
	}{
		{"valid", "imp123", `{"merchant_code":"imp123","pg_settings":[{"pg":"nice","mid":"m1","pay_type":"general"}]}`, nil},
		{"extra fields ignored", "shop-a", `{"merchant_code":"shop-a","imp_key":"k","pg_settings":[{"pg":"kakaopay","mid":"c","pay_type":"simple"}]}`, nil},
		{"not JSON", "imp1", `{"merchant_code":`, []string{"imp1.json", "not valid JSON"}},
		{"no settings", "imp1", `{"merchant_code":"imp1","pg_settings":[]}`, []string{"pg_settings is empty"}},
		{"two defaults", "imp1", `{"merchant_code":"imp1","pg_settings":[
			{"pg":"nice","mid":"a","pay_type":"general","default":true},
			{"pg":"kcp","mid":"b","pay_type":"general","default":true}]}`, []string{"pg_settings[1].default", "second default"}},
		{"every problem listed", "imp1", `{"merchant_code":"imp1","pg_settings":[
			{"pg":"","mid":"a","pay_type":"general"},
			{"pg":"kcp","mid":"","pay_type":"weekly"}]}`, []string{"pg_settings[0].pg", "pg_settings[1].mid", "pg_settings[1].pay_type"}},
		{"code differs from file name", "imp2", `{"merchant_code":"imp1","pg_settings":[{"pg":"nice","mid":"a","pay_type":"general"}]}`,
			[]string{`merchant_code is "imp1"`, "imp2.json"}},
		{"file name with odd characters", "imp 1", `{"merchant_code":"imp 1","pg_settings":[{"pg":"nice","mid":"a","pay_type":"general"}]}`,
			[]string{"letters, digits"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := web.ValidateMerchant(tc.code, []byte(tc.json))
			if tc.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, want := range tc.wantErr {
				assert.Contains(t, err.Error(), want)
			}
		})
	}
}

func TestLoadMerchantsServesThem(t *testing.T) {
	dir := t.TempDir()
	shop := `{"merchant_code":"imp555","pg_settings":[{"pg":"paypal","mid":"pp","pay_type":"general"}]}`
	override := `{"merchant_code":"imp10391932","pg_settings":[{"pg":"nice","mid":"only","pay_type":"general"}]}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "imp555.json"), []byte(shop), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "imp10391932.json"), []byte(override), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "README.txt"), []byte("not a merchant"), 0o644))

	merchants, err := web.LoadMerchants(dir)
	require.NoError(t, err)
	assert.Equal(t, []string{"imp10391932", "imp555"}, web.MerchantCodes(merchants))

	h := web.New(web.Options{Dist: fakeDist(t, false), Merchants: merchants})
	for code, want := range map[string]string{"imp555": shop, "imp10391932": override} {
		rec := do(t, h, http.MethodGet, "/sdk/merchants/"+code+".json", nil, nil)
		require.Equal(t, http.StatusOK, rec.Code)
		assert.JSONEq(t, want, rec.Body.String())
	}
	assert.Equal(t, http.StatusNotFound, do(t, h, http.MethodGet, "/sdk/merchants/README.json", nil, nil).Code)
}

func TestLoadMerchantsRejectsAnInvalidFile(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "good.json"),
		[]byte(`{"merchant_code":"good","pg_settings":[{"pg":"nice","mid":"a","pay_type":"general"}]}`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.json"),
		[]byte(`{"merchant_code":"bad","pg_settings":[{"pg":"nice","mid":"a","pay_type":"monthly"}]}`), 0o644))
	merchants, err := web.LoadMerchants(dir)
	require.Error(t, err)
	assert.Nil(t, merchants)
	assert.Contains(t, err.Error(), "bad.json: pg_settings[0].pay_type: unknown pay_type \"monthly\"")

	_, err = web.LoadMerchants(filepath.Join(dir, "missing"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "reading merchant files")

	none, err := web.LoadMerchants("")
	assert.NoError(t, err)
	assert.Empty(t, none)
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
