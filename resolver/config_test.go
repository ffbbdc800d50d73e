package resolver

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseConfig(t *testing.T) {
	cfg, errs := ParseConfig([]byte(seedConfig))
	require.Empty(t, errs)
	assert.Equal(t, Config{MerchantCode: "imp10391932", Settings: []Setting{
		{PG: "html5_inicis", MID: "MID-a", PayType: "general", Default: true, Label: "KG INICIS"},
		{PG: "html5_inicis", MID: "MID-b", PayType: "subscription"},
		{PG: "kakaopay", MID: "MID-c", PayType: "simple"},
	}}, cfg)

	cfg, errs = ParseConfig([]byte(`{"strict": true, "merchant_code": null, "pg_settings": [
		{"pg": "kcp", "mid": "M", "pay_type": "general", "type": "certification", "channel_key": "k", "label": null, "default": null, "extra": 1}]}`))
	require.Empty(t, errs)
	assert.True(t, cfg.Strict)
	assert.Equal(t, []Setting{{PG: "kcp", MID: "M", PayType: "general", Type: "certification", ChannelKey: "k"}}, cfg.Settings)
}

// TestParseConfigTypeErrors: every value of the wrong JSON type is reported with its index and field.
func TestParseConfigTypeErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []ConfigError
	}{
		{"not JSON", `{"pg_settings": [`, []ConfigError{{-1, "", "the configuration is not valid JSON: invalid JSON at byte 17: unexpected end of input, want a value"}}},
		{"not an object", `[]`, []ConfigError{{-1, "", `the configuration must be a JSON object like {"merchant_code": "imp…", "pg_settings": [...]}, got an array`}}},
		{"pg_settings missing", `{"merchant_code": "imp1"}`, []ConfigError{{-1, "pg_settings", `pg_settings is missing: add a list of PG settings, e.g. [{"pg": "html5_inicis", "mid": "INIpayTest", "pay_type": "general"}]`}}},
		{"pg_settings not a list", `{"pg_settings": {}}`, []ConfigError{{-1, "pg_settings", "pg_settings must be a list of PG settings, got an object"}}},
		{"top-level types", `{"merchant_code": 5, "strict": "yes", "pg_settings": []}`, []ConfigError{
			{-1, "merchant_code", `merchant_code must be a string like "imp10391932", got a number`},
			{-1, "strict", "strict must be true or false, got a string"}}},
		{"setting types, all at once", `{"pg_settings": [
			{"pg": "kcp", "mid": "M", "pay_type": "general"},
			"kcp",
			{"pg": 1, "mid": true, "pay_type": [], "type": {}, "channel_key": 2, "label": 3, "default": "yes"}]}`, []ConfigError{
			{1, "", "each PG setting must be an object with pg, mid and pay_type, got a string"},
			{2, "pg", "pg must be a string, got a number"},
			{2, "mid", "mid must be a string, got a boolean"},
			{2, "pay_type", "pay_type must be a string, got an array"},
			{2, "type", "type must be a string, got an object"},
			{2, "channel_key", "channel_key must be a string, got a number"},
			{2, "label", "label must be a string, got a number"},
			{2, "default", "default must be true or false, got a string"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := ParseConfig([]byte(tt.in))
			assert.Equal(t, tt.want, errs)
		})
	}
}

// TestValidate: every docs/sdk.md §3 rule, and every error reported at once.
func TestValidate(t *testing.T) {
	tests := []struct {
		name     string
		settings []Setting
		want     []ConfigError // Message checked by substring
	}{
		{"empty list", nil, []ConfigError{{-1, "pg_settings", "pg_settings is empty"}}},
		{"second default at the second one's index", []Setting{
			{PG: "kcp", MID: "A", PayType: "general", Default: true},
			{PG: "kcp", MID: "B", PayType: "general"},
			{PG: "kcp", MID: "C", PayType: "general", Default: true}},
			[]ConfigError{{2, "default", "setting 0 is already the default"}}},
		{"third default too", []Setting{
			{PG: "kcp", MID: "A", PayType: "general", Default: true},
			{PG: "kcp", MID: "B", PayType: "general", Default: true},
			{PG: "kcp", MID: "C", PayType: "general", Default: true}},
			[]ConfigError{{1, "default", "a second default"}, {2, "default", "a second default"}}},
		{"unknown pay_type", []Setting{{PG: "kcp", MID: "A", PayType: "billing"}}, []ConfigError{{0, "pay_type", `unknown pay_type "billing"`}}},
		{"missing pay_type", []Setting{{PG: "kcp", MID: "A"}}, []ConfigError{{0, "pay_type", "pay_type is missing"}}},
		{"unknown type", []Setting{{PG: "kcp", MID: "A", PayType: "general", Type: "refund"}}, []ConfigError{{0, "type", `unknown type "refund"`}}},
		{"empty pg", []Setting{{MID: "A", PayType: "general"}}, []ConfigError{{0, "pg", "pg is empty"}}},
		{"pg with a dot", []Setting{{PG: "html5_inicis.MID", MID: "A", PayType: "general"}}, []ConfigError{{0, "pg", "contains '.'"}}},
		{"pg with whitespace", []Setting{{PG: "kcp ", MID: "A", PayType: "general"}}, []ConfigError{{0, "pg", "contains whitespace"}}},
		{"pg with a tab inside", []Setting{{PG: "k\tcp", MID: "A", PayType: "general"}}, []ConfigError{{0, "pg", "contains whitespace"}}},
		{"empty mid", []Setting{{PG: "kcp", PayType: "general"}}, []ConfigError{{0, "mid", "mid is empty"}}},
		{"whitespace-only mid", []Setting{{PG: "kcp", MID: "  ", PayType: "general"}}, []ConfigError{{0, "mid", "mid is empty"}}},
		{"mid with whitespace", []Setting{{PG: "kcp", MID: "MID a", PayType: "general"}}, []ConfigError{{0, "mid", "contains whitespace"}}},
		{"mid with a dot is fine", []Setting{{PG: "kcp", MID: "MID.a", PayType: "general"}}, nil},
		{"duplicate pg+mid", []Setting{
			{PG: "kcp", MID: "A", PayType: "general"},
			{PG: "kcp", MID: "A", PayType: "subscription"}},
			[]ConfigError{{1, "mid", `duplicate pg+mid "kcp.A": setting 0 has the same`}}},
		{"same mid on another pg is fine", []Setting{
			{PG: "kcp", MID: "A", PayType: "general"},
			{PG: "nice", MID: "A", PayType: "general"}}, nil},
		{"duplicate channel_key", []Setting{
			{PG: "kcp", MID: "A", PayType: "general", ChannelKey: "k"},
			{PG: "kcp", MID: "B", PayType: "general", ChannelKey: "k"}},
			[]ConfigError{{1, "channel_key", `duplicate channel_key "k"`}}},
		{"every error at once", []Setting{
			{PG: "", MID: "", PayType: "x", Type: "y", Default: true},
			{PG: "a b", MID: "c d", PayType: "general", Default: true, ChannelKey: "k"},
			{PG: "kcp", MID: "A", PayType: "general", ChannelKey: "k"},
			{PG: "kcp", MID: "A", PayType: "general"}},
			[]ConfigError{
				{0, "pay_type", "unknown pay_type"}, {0, "type", "unknown type"}, {0, "pg", "pg is empty"}, {0, "mid", "mid is empty"},
				{1, "default", "a second default"}, {1, "pg", "whitespace"}, {1, "mid", "whitespace"},
				{2, "channel_key", "duplicate channel_key"},
				{3, "mid", "duplicate pg+mid"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs, _ := Config{Settings: tt.settings}.Validate()
			require.Len(t, errs, len(tt.want), "%v", errs)
			for i, w := range tt.want {
				assert.Equal(t, w.Index, errs[i].Index, "error %d: %v", i, errs[i])
				assert.Equal(t, w.Field, errs[i].Field, "error %d: %v", i, errs[i])
				assert.Contains(t, errs[i].Message, w.Message)
			}
			m, merrs, _ := NewMerchant(Config{Settings: tt.settings})
			assert.Equal(t, errs, merrs)
			assert.Equal(t, len(errs) == 0, m != nil, "any error gives a nil Merchant")
		})
	}
}

func TestValidateWarnings(t *testing.T) {
	errs, warns := Config{Settings: []Setting{
		{PG: "html_inicis", MID: "A", PayType: "general"},
		{PG: "my_own_pg", MID: "B", PayType: "general"},
		{PG: "kakao", MID: "C", PayType: "simple"},
		{PG: "kakaopay", MID: "D", PayType: "simple"},
	}}.Validate()
	require.Empty(t, errs)
	require.Equal(t, []string{WarnPGUnknownCode, WarnPGUnknownCode, WarnLegacyPGCode}, warningCodes(warns))
	assert.Contains(t, warns[0].Message, `pg_settings[0]: PG code "html_inicis" is not in the catalog; did you mean "html5_inicis"?`)
	assert.NotContains(t, warns[1].Message, "did you mean")
	assert.Contains(t, warns[1].Message, "The setting is kept")
	assert.Contains(t, warns[2].Message, `pg_settings[2]: PG code "kakao" (Kakao Pay (old module)) is legacy: move to "kakaopay"`)

	m, _, mwarns := NewMerchant(Config{Settings: []Setting{{PG: "my_own_pg", MID: "B", PayType: "general"}}})
	require.NotNil(t, m, "a PG code missing from the catalog is accepted with a warning")
	assert.Equal(t, []string{WarnPGUnknownCode}, warningCodes(mwarns))
}

func TestConsoleOrder(t *testing.T) {
	tests := []struct {
		name     string
		defaults []bool
		want     []int
	}{
		{"no default: list order", []bool{false, false, false}, []int{0, 1, 2}},
		{"default first already", []bool{true, false, false}, []int{0, 1, 2}},
		{"default in the middle", []bool{false, true, false}, []int{1, 0, 2}},
		{"default last", []bool{false, false, true}, []int{2, 0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s []Setting
			for i, d := range tt.defaults {
				s = append(s, Setting{PG: "kcp", MID: string(rune('A' + i)), PayType: "general", Default: d})
			}
			m, errs, _ := NewMerchant(Config{Settings: s})
			require.Empty(t, errs)
			assert.Equal(t, tt.want, m.ConsoleOrder())
		})
	}
}

func TestMerchantConfigIsACopy(t *testing.T) {
	cfg := Config{MerchantCode: "imp1", Strict: true, Settings: []Setting{{PG: "kcp", MID: "A", PayType: "general"}}}
	m, _, _ := NewMerchant(cfg)
	cfg.Settings[0].MID = "changed"
	got := m.Config()
	assert.Equal(t, "A", got.Settings[0].MID, "NewMerchant keeps its own copy")
	got.Settings[0].MID = "changed again"
	assert.Equal(t, "A", m.Config().Settings[0].MID, "Config returns a copy")
	assert.True(t, got.Strict)
	assert.Equal(t, "imp1", got.MerchantCode)
}

func TestSandboxConfig(t *testing.T) {
	cfg := BuiltInConfig("imp123")
	assert.Equal(t, "imp123", cfg.MerchantCode)
	require.Len(t, cfg.Settings, len(Catalog()))
	defaults := 0
	for i, s := range cfg.Settings {
		pg := Catalog()[i]
		assert.Equal(t, pg.Code, s.PG)
		assert.Equal(t, pg.Code+"_sandbox", s.MID)
		assert.Equal(t, pg.PayType, s.PayType)
		if s.Default {
			defaults++
			assert.Equal(t, "html5_inicis", s.PG)
		}
		if pg.Certification {
			assert.Equal(t, TypeCertification, s.Type)
		} else {
			assert.Empty(t, s.Type)
		}
	}
	assert.Equal(t, 1, defaults)
	m, errs, _ := NewMerchant(cfg)
	require.Empty(t, errs, "the built-in merchant is valid")
	for _, pg := range Catalog() {
		if pg.Certification {
			continue
		}
		tr := m.Resolve(Query{PG: pg.Code})
		assert.Equal(t, RuleCode, tr.Rule, pg.Code)
		assert.Equal(t, pg.Code, tr.Setting.PG)
	}
	tr := m.Resolve(Query{})
	assert.Equal(t, "html5_inicis", tr.Setting.PG, "html5_inicis is the default")
}

func TestConfigJSON(t *testing.T) {
	errs := []ConfigError{{-1, "pg_settings", "pg_settings is empty"}, {2, "mid", `quote " and <tag>`}}
	var got []map[string]any
	require.NoError(t, json.Unmarshal(AppendConfigErrorsJSON(nil, errs), &got))
	assert.Equal(t, []map[string]any{
		{"index": -1.0, "field": "pg_settings", "message": "pg_settings is empty"},
		{"index": 2.0, "field": "mid", "message": `quote " and <tag>`},
	}, got)
	assert.Equal(t, "[]", string(AppendConfigErrorsJSON(nil, nil)))
	assert.Equal(t, "[]", string(AppendWarningsJSON(nil, nil)))
	var ws []map[string]any
	require.NoError(t, json.Unmarshal(AppendWarningsJSON(nil, []Warning{{Code: "A", Message: "x"}, {Code: "B", Message: "y"}}), &ws))
	assert.Equal(t, []map[string]any{{"code": "A", "message": "x"}, {"code": "B", "message": "y"}}, ws)
}

func TestConfigErrorText(t *testing.T) {
	assert.Equal(t, "pg_settings is empty", ConfigError{-1, "", "pg_settings is empty"}.Error())
	assert.Equal(t, "strict: bad", ConfigError{-1, "strict", "bad"}.Error())
	assert.Equal(t, "pg_settings[3].mid: bad", ConfigError{3, "mid", "bad"}.Error())
	assert.Equal(t, "pg_settings[3]: bad", ConfigError{3, "", "bad"}.Error())
}

// FuzzParseConfig: ParseConfig and NewMerchant never panic; either there are errors (each with
// a message and a sane index) or a working Merchant whose default resolves.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{seedConfig, mixedConfig, defaultLastConfig, certOnlyConfig, `{}`, `[]`, `{"pg_settings":[{}]}`,
		`{"pg_settings":[{"pg":"a.b","mid":" ","pay_type":"x","default":true},{"default":true}]}`,
		`{"pg_settings":[{"pg":"danal","mid":"D","pay_type":"general","type":"certification"}],"identities":[{"name":"A","phone":"01012345678","carrier":"SKT","birthday":"2000-02-29","gender":"female","foreigner":true},{"birthday":"2001-02-29"},3]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, errs := ParseConfig(data)
		for _, e := range errs {
			require.NotEmpty(t, e.Message)
			require.GreaterOrEqual(t, e.Index, -1)
			require.Less(t, e.Index, max(len(cfg.Settings), 1)+1)
		}
		if len(errs) > 0 {
			return
		}
		m, verrs, _ := NewMerchant(cfg)
		for _, e := range verrs {
			require.NotEmpty(t, e.Message)
			require.Less(t, e.Index, len(cfg.Settings))
		}
		if len(verrs) > 0 {
			require.Nil(t, m)
			return
		}
		require.NotNil(t, m)
		tr := m.Resolve(Query{PG: strings.Repeat("x", 3)})
		require.True(t, tr.Err != nil || tr.Index >= 0)
		for _, id := range m.Identities() {
			_, ok := id.AgeAt(1_700_000_000_000)
			require.True(t, ok, "a validated identity has a birthday: %+v", id)
		}
	})
}
