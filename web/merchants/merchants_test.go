package merchants_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/resolver"
	"github.com/impshim/impshim/web/merchants"
)

func TestSeedIsTheGuidesExample(t *testing.T) {
	seed := merchants.Seed()
	assert.Equal(t, merchants.SeedCode, seed.Code)
	assert.Equal(t, merchants.Keys{ImpKey: "imp_apikey", ImpSecret: "sandbox_secret"}, seed.Keys, "the README's demo keys")
	assert.NotContains(t, string(seed.Public), "sandbox_secret")
	assert.NotContains(t, string(seed.Public), "imp_key")
	cfg, errs := resolver.ParseConfig(seed.Public)
	require.Empty(t, errs)
	assert.Equal(t, "imp10391932", cfg.MerchantCode)
	assert.Equal(t, []resolver.Setting{
		{PG: "html5_inicis", MID: "MID-a", PayType: "general", Default: true, Label: "KG INICIS"},
		{PG: "html5_inicis", MID: "MID-b", PayType: "subscription"},
		{PG: "kakaopay", MID: "MID-c", PayType: "simple"},
	}, cfg.Settings)
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, code, json string
		wantErr          []string // substrings of the error; none: valid
		keys             merchants.Keys
		public           string // the browsers' copy, when it differs from json
	}{
		{name: "valid", code: "imp123", json: `{"merchant_code":"imp123","pg_settings":[{"pg":"nice","mid":"m1","pay_type":"general"}]}`},
		{name: "keys taken out", code: "shop-a",
			json:   `{"merchant_code":"shop-a","imp_key":"k","imp_secret":"s","pg_settings":[{"pg":"kakaopay","mid":"c","pay_type":"simple"}]}`,
			keys:   merchants.Keys{ImpKey: "k", ImpSecret: "s"},
			public: `{"merchant_code":"shop-a","pg_settings":[{"pg":"kakaopay","mid":"c","pay_type":"simple"}]}`},
		{name: "not JSON", code: "imp1", json: `{"merchant_code":`, wantErr: []string{"imp1.json", "not valid JSON"}},
		{name: "no settings", code: "imp1", json: `{"merchant_code":"imp1","pg_settings":[]}`, wantErr: []string{"pg_settings is empty"}},
		{name: "two defaults", code: "imp1", json: `{"merchant_code":"imp1","pg_settings":[
			{"pg":"nice","mid":"a","pay_type":"general","default":true},
			{"pg":"kcp","mid":"b","pay_type":"general","default":true}]}`, wantErr: []string{"pg_settings[1].default", "second default"}},
		{name: "every problem listed", code: "imp1", json: `{"merchant_code":"imp1","pg_settings":[
			{"pg":"","mid":"a","pay_type":"general"},
			{"pg":"kcp","mid":"","pay_type":"weekly"}]}`, wantErr: []string{"pg_settings[0].pg", "pg_settings[1].mid", "pg_settings[1].pay_type"}},
		{name: "code differs from file name", code: "imp2", json: `{"merchant_code":"imp1","pg_settings":[{"pg":"nice","mid":"a","pay_type":"general"}]}`,
			wantErr: []string{`merchant_code is "imp1"`, "imp2.json"}},
		{name: "file name with odd characters", code: "imp 1", json: `{"merchant_code":"imp 1","pg_settings":[{"pg":"nice","mid":"a","pay_type":"general"}]}`,
			wantErr: []string{"letters, digits"}},
		{name: "key without secret", code: "imp1", json: `{"merchant_code":"imp1","imp_key":"k","pg_settings":[{"pg":"nice","mid":"a","pay_type":"general"}]}`,
			wantErr: []string{"imp1.json", "both imp_key and imp_secret"}},
		{name: "key not a string", code: "imp1", json: `{"merchant_code":"imp1","imp_key":5,"imp_secret":"x","pg_settings":[{"pg":"nice","mid":"a","pay_type":"general"}]}`,
			wantErr: []string{"imp1.json", "imp_key must be a string"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := merchants.Parse(tc.code, []byte(tc.json))
			if tc.wantErr != nil {
				require.Error(t, err)
				for _, want := range tc.wantErr {
					assert.Contains(t, err.Error(), want)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.code, f.Code)
			assert.Equal(t, tc.keys, f.Keys)
			if tc.public == "" {
				assert.Equal(t, tc.json, string(f.Public), "a file without keys is served byte for byte")
			} else {
				assert.JSONEq(t, tc.public, string(f.Public))
			}
		})
	}
}

func write(t *testing.T, dir, name, data string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644))
}

func TestLoad(t *testing.T) {
	t.Run("a directory, the seed replaced", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "imp555.json", `{"merchant_code":"imp555","imp_key":"k5","imp_secret":"s5","pg_settings":[{"pg":"paypal","mid":"pp","pay_type":"general"}]}`)
		write(t, dir, "imp10391932.json", `{"merchant_code":"imp10391932","pg_settings":[{"pg":"nice","mid":"only","pay_type":"general"}]}`)
		write(t, dir, "README.txt", "not a merchant")
		write(t, dir, ".hidden.json", "{")
		set, err := merchants.Load(dir)
		require.NoError(t, err)
		assert.Equal(t, []string{"imp10391932", "imp555"}, set.Codes())
		assert.Equal(t, merchants.Keys{ImpKey: "k5", ImpSecret: "s5"}, set["imp555"].Keys)
		assert.Equal(t, merchants.Seed().Keys, set["imp10391932"].Keys, "a seed file without keys keeps the seed's")
		assert.Contains(t, string(set["imp10391932"].Public), "only")
	})
	t.Run("no directory: the seed alone", func(t *testing.T) {
		set, err := merchants.Load("")
		require.NoError(t, err)
		assert.Equal(t, merchants.Set{merchants.SeedCode: merchants.Seed()}, set)
	})
	t.Run("one invalid file fails the load", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "good.json", `{"merchant_code":"good","pg_settings":[{"pg":"nice","mid":"a","pay_type":"general"}]}`)
		write(t, dir, "bad.json", `{"merchant_code":"bad","pg_settings":[{"pg":"nice","mid":"a","pay_type":"monthly"}]}`)
		set, err := merchants.Load(dir)
		require.Error(t, err)
		assert.Nil(t, set)
		assert.Contains(t, err.Error(), "bad.json: pg_settings[0].pay_type: unknown pay_type \"monthly\"")
	})
	t.Run("a shared imp_key", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, "imp1.json", `{"merchant_code":"imp1","imp_key":"imp_apikey","imp_secret":"x","pg_settings":[{"pg":"nice","mid":"a","pay_type":"general"}]}`)
		_, err := merchants.Load(dir)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "each merchant needs its own")
	})
	t.Run("a missing directory", func(t *testing.T) {
		_, err := merchants.Load(filepath.Join(t.TempDir(), "missing"))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "reading merchant files")
		assert.ErrorIs(t, err, os.ErrNotExist, "wrapped with %w")
	})
}
