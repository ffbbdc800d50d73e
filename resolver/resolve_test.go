package resolver

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// seedConfig is the seed pages' example (docs/sdk.md §3): INICIS general (default), INICIS
// subscription, Kakao Pay simple.
const seedConfig = `{
  "merchant_code": "imp10391932",
  "imp_key": "ignored", "imp_secret": "ignored",
  "pg_settings": [
    {"pg": "html5_inicis", "mid": "MID-a", "pay_type": "general",      "default": true, "label": "KG INICIS"},
    {"pg": "html5_inicis", "mid": "MID-b", "pay_type": "subscription"},
    {"pg": "kakaopay",     "mid": "MID-c", "pay_type": "simple"}
  ]
}`

// defaultLastConfig lists the same settings with the default last: console order puts it first.
const defaultLastConfig = `{"pg_settings": [
    {"pg": "html5_inicis", "mid": "MID-b", "pay_type": "subscription"},
    {"pg": "kakaopay",     "mid": "MID-c", "pay_type": "simple"},
    {"pg": "html5_inicis", "mid": "MID-a", "pay_type": "general", "default": true}
]}`

// noDefaultConfig has no flagged default: the first setting is the default.
const noDefaultConfig = `{"pg_settings": [
    {"pg": "kakaopay",     "mid": "MID-c", "pay_type": "simple"},
    {"pg": "html5_inicis", "mid": "MID-a", "pay_type": "general"}
]}`

// mixedConfig has channel keys, certification settings, a legacy code, a code the catalog
// lacks, and a mid with a dot in it.
const mixedConfig = `{"pg_settings": [
    {"pg": "inicis_unified", "mid": "CERT-1", "pay_type": "general", "type": "certification", "channel_key": "ck-cert"},
    {"pg": "html5_inicis", "mid": "MID-a", "pay_type": "general", "default": true, "channel_key": "ck-a"},
    {"pg": "html5_inicis", "mid": "MID.b", "pay_type": "subscription", "channel_key": "ck-b"},
    {"pg": "kakao", "mid": "OLD", "pay_type": "simple"},
    {"pg": "my_pg", "mid": "X1", "pay_type": "general"},
    {"pg": "danal", "mid": "CERT-2", "pay_type": "general", "type": "certification"},
    {"pg": "KakaoPay", "mid": "CASE", "pay_type": "simple"}
]}`

// certDefaultConfig flags a certification setting as the default: payment falls back to the
// first payment setting in console order instead.
const certDefaultConfig = `{"pg_settings": [
    {"pg": "kcp", "mid": "K1", "pay_type": "general"},
    {"pg": "nice", "mid": "N1", "pay_type": "general"},
    {"pg": "inicis_unified", "mid": "CERT-1", "pay_type": "general", "type": "certification", "default": true}
]}`

// certOnlyConfig has no payment setting at all.
const certOnlyConfig = `{"pg_settings": [
    {"pg": "inicis_unified", "mid": "CERT-1", "pay_type": "general", "type": "certification"}
]}`

func mustMerchant(t testing.TB, cfgJSON string) *Merchant {
	t.Helper()
	cfg, errs := ParseConfig([]byte(cfgJSON))
	require.Empty(t, errs)
	m, verrs, _ := NewMerchant(cfg)
	require.Empty(t, verrs)
	require.NotNil(t, m)
	return m
}

func warningCodes(ws []Warning) []string {
	out := []string{}
	for _, w := range ws {
		out = append(out, w.Code)
	}
	return out
}

// TestResolve is the one table of every example: the seed pages' wording (000 English console
// guide, 001 "Integrating Multiple PGs" with its html_inicis typo) and docs/sdk.md §4's list, then every
// rule, warning, type filter and ordering case. A new case is one line.
func TestResolve(t *testing.T) {
	tests := []struct {
		name     string
		cfg      string // "" means seedConfig
		query    string // ParseQuery input
		rule     string
		index    int // -1: none (F1001)
		fallback bool
		warnings []string
		msg      string // substring of the first warning's message
	}{
		// Seed 000/001 and docs/sdk.md §4 examples.
		{"seed: kakaopay opens Kakao Pay", "", `"kakaopay"`, "R2", 2, false, nil, ""},
		{"seed: html5_inicis is the first INICIS setting", "", `"html5_inicis"`, "R2", 0, false, nil, ""},
		{"seed: html5_inicis.MID-a general window", "", `"html5_inicis.MID-a"`, "R1", 0, false, nil, ""},
		{"seed: html5_inicis.MID-b subscription window", "", `"html5_inicis.MID-b"`, "R1", 1, false, nil, ""},
		{"seed 001 typo html_inicis is an unknown code", "", `"html_inicis"`, "R3", 0, true, []string{WarnPGUnknownCode, WarnFellBackToDefault}, `did you mean "html5_inicis"?`},
		{"spec: nice is not configured", "", `"nice"`, "R3", 0, true, []string{WarnPGNotConfigured, WarnFellBackToDefault}, `no setting has pg "nice"`},
		{"spec: kakaopay.MID-x unknown mid", "", `"kakaopay.MID-x"`, "R3", 0, true, []string{WarnMIDNotFound, WarnFellBackToDefault}, `did you mean "MID-c"?`},
		{"spec: empty pg", "", `""`, "R3", 0, true, []string{WarnPGMissing, WarnFellBackToDefault}, "missing or empty"},
		{"spec: no pg at all", "", `{"amount": 1000}`, "R3", 0, true, []string{WarnPGMissing, WarnFellBackToDefault}, "missing or empty"},
		{"seed: pg missing via null query", "", `null`, "R3", 0, true, []string{WarnPGMissing, WarnFellBackToDefault}, "missing"},

		// Parsing of pg.
		{"trailing dot counts as no mid", "", `"html5_inicis."`, "R2", 0, false, nil, ""},
		{"matching is case-sensitive", "", `"HTML5_INICIS"`, "R3", 0, true, []string{WarnPGUnknownCode, WarnFellBackToDefault}, `did you mean "html5_inicis"?`},
		{"mid is case-sensitive", "", `"html5_inicis.mid-b"`, "R3", 0, true, []string{WarnMIDNotFound, WarnFellBackToDefault}, `did you mean "MID-b"?`},
		{"mid typo suggests both close mids", "", `"html5_inicis.MID-x"`, "R3", 0, true, []string{WarnMIDNotFound, WarnFellBackToDefault}, `did you mean "MID-a" or "MID-b"?`},
		{"code without anything before the dot", "", `".MID-a"`, "R3", 0, true, []string{WarnPGUnknownCode, WarnFellBackToDefault}, "no PG code before the '.'"},
		{"leading space is a typo", "", `" kakaopay"`, "R3", 0, true, []string{WarnPGUnknownCode, WarnFellBackToDefault}, `did you mean "kakaopay"?`},
		{"transposition typo", "", `"kakaopya"`, "R3", 0, true, []string{WarnPGUnknownCode, WarnFellBackToDefault}, `did you mean "kakaopay"?`},
		{"far-off code gets no suggestion", "", `"stripe"`, "R3", 0, true, []string{WarnPGUnknownCode, WarnFellBackToDefault}, "use a code from the PG catalog"},
		{"pg as a number", "", `{"pg": 12}`, "R3", 0, true, []string{WarnPGMissing, WarnFellBackToDefault}, "got a number"},
		{"pg as null", "", `{"pg": null}`, "R3", 0, true, []string{WarnPGMissing, WarnFellBackToDefault}, "got null"},
		{"pg as an object", "", `{"pg": {}}`, "R3", 0, true, []string{WarnPGMissing, WarnFellBackToDefault}, "got an object"},
		{"pg as an array", "", `{"pg": ["kakaopay"]}`, "R3", 0, true, []string{WarnPGMissing, WarnFellBackToDefault}, "got an array"},
		{"pg as a boolean", "", `{"pg": true}`, "R3", 0, true, []string{WarnPGMissing, WarnFellBackToDefault}, "got a boolean"},

		// Console order: the default first, whatever its list position.
		{"default last: bare code picks the default", defaultLastConfig, `"html5_inicis"`, "R2", 2, false, nil, ""},
		{"default last: fallback is the default", defaultLastConfig, `"nice"`, "R3", 2, true, []string{WarnPGNotConfigured, WarnFellBackToDefault}, ""},
		{"default last: explicit mid still works", defaultLastConfig, `"html5_inicis.MID-b"`, "R1", 0, false, nil, ""},
		{"no flagged default: first setting is the default", noDefaultConfig, `"nice"`, "R3", 0, true, []string{WarnPGNotConfigured, WarnFellBackToDefault}, ""},
		{"no flagged default: code match", noDefaultConfig, `"html5_inicis"`, "R2", 1, false, nil, ""},

		// R0: channelKey.
		{"channelKey wins over pg", mixedConfig, `{"pg": "kakao", "channelKey": "ck-b"}`, "R0", 2, false, []string{WarnLegacyPGCode}, `"kakao"`},
		{"channelKey alone", mixedConfig, `{"channelKey": "ck-a"}`, "R0", 1, false, nil, ""},
		{"unknown channelKey falls to pg rules", mixedConfig, `{"pg": "html5_inicis.MID.b", "channelKey": "ck-x"}`, "R1", 2, false, []string{WarnChannelKeyNotFound}, `did you mean "ck-a" or "ck-b"?`},
		{"unknown channelKey and no pg", mixedConfig, `{"channelKey": "zzzzzz"}`, "R3", 1, true, []string{WarnChannelKeyNotFound, WarnPGMissing, WarnFellBackToDefault}, "matches no setting"},
		{"channelKey of a certification setting", mixedConfig, `{"pg": "html5_inicis", "channelKey": "ck-cert"}`, "R2", 1, false, []string{WarnChannelKeyNotFound}, "belongs to a certification setting"},
		{"channelKey with no keys configured", "", `{"pg": "kakaopay", "channelKey": "k"}`, "R2", 2, false, []string{WarnChannelKeyNotFound}, "no setting has a channel_key"},

		// Type filter.
		{"certification setting is skipped for payment", mixedConfig, `"inicis_unified"`, "R3", 1, true, []string{WarnPGNotConfigured, WarnFellBackToDefault}, `of type payment`},
		{"certification query finds it", mixedConfig, `{"pg": "inicis_unified", "type": "certification"}`, "R2", 0, false, nil, ""},
		{"certification default is the first certification setting", mixedConfig, `{"pg": "nice", "type": "certification"}`, "R3", 0, true, []string{WarnPGNotConfigured, WarnFellBackToDefault}, ""},
		{"certification by code and mid", mixedConfig, `{"pg": "danal.CERT-2", "type": "certification"}`, "R1", 5, false, nil, ""},
		{"flagged default is certification: payment default is the first payment setting", certDefaultConfig, `"nope"`, "R3", 0, true, []string{WarnPGUnknownCode, WarnFellBackToDefault}, ""},
		{"flagged certification default serves certification", certDefaultConfig, `{"type": "certification"}`, "R3", 2, true, []string{WarnPGMissing, WarnFellBackToDefault}, ""},
		{"no payment setting: F1001", certOnlyConfig, `"html5_inicis"`, "", -1, false, nil, ""},
		{"explicit payment type", mixedConfig, `{"pg": "html5_inicis", "type": "payment"}`, "R2", 1, false, nil, ""},

		// Codes the catalog lacks, mids with dots, case-only differences.
		{"configured code missing from the catalog", mixedConfig, `"my_pg"`, "R2", 4, false, nil, ""},
		{"typo of a configured non-catalog code", mixedConfig, `"my_pgg"`, "R3", 1, true, []string{WarnPGUnknownCode, WarnFellBackToDefault}, `did you mean "my_pg"?`},
		{"mid containing a dot", mixedConfig, `"html5_inicis.MID.b"`, "R1", 2, false, nil, ""},
		{"case-only difference is suggested first", mixedConfig, `"kakaoPay"`, "R3", 1, true, []string{WarnPGUnknownCode, WarnFellBackToDefault}, `did you mean "KakaoPay" or "kakaopay"?`},

		// Warnings after the choice.
		{"legacy code chosen", mixedConfig, `"kakao"`, "R2", 3, false, []string{WarnLegacyPGCode}, `move to "kakaopay"`},
		{"legacy simple-pay code with pay_method", mixedConfig, `{"pg": "kakao", "pay_method": "card"}`, "R2", 3, false, []string{WarnLegacyPGCode, WarnPayMethodIgnored}, ""},
		{"legacy code requested, not configured", "", `"kakao"`, "R3", 0, true, []string{WarnPGNotConfigured, WarnFellBackToDefault, WarnLegacyPGCode}, ""},
		{"billing key on a general setting", "", `{"pg": "html5_inicis", "customer_uid": "buyer-1"}`, "R2", 0, false, []string{WarnBillingKeyNonSubscr}, `pay_type "general"`},
		{"billing key on the subscription setting", "", `{"pg": "html5_inicis.MID-b", "customer_uid": "buyer-1"}`, "R1", 1, false, nil, ""},
		{"pay_method given to Kakao Pay", "", `{"pg": "kakaopay", "pay_method": "card"}`, "R2", 2, false, []string{WarnPayMethodIgnored}, `pay_method "card" is ignored`},
		{"pay_method given to INICIS is used", "", `{"pg": "html5_inicis", "pay_method": "vbank"}`, "R2", 0, false, nil, ""},
	}
	merchants := map[string]*Merchant{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.cfg
			if cfg == "" {
				cfg = seedConfig
			}
			m := merchants[cfg]
			if m == nil {
				m = mustMerchant(t, cfg)
				merchants[cfg] = m
			}
			q, qerr := ParseQuery([]byte(tt.query))
			require.Nil(t, qerr)
			tr := m.Resolve(q)
			assert.Equal(t, tt.rule, tr.Rule, "rule")
			assert.Equal(t, tt.index, tr.Index, "index")
			assert.Equal(t, tt.fallback, tr.Fallback, "fallback")
			want := tt.warnings
			if want == nil {
				want = []string{}
			}
			assert.Equal(t, want, warningCodes(tr.Warnings), "warnings")
			if tt.msg != "" {
				require.NotEmpty(t, tr.Warnings)
				assert.Contains(t, tr.Warnings[0].Message, tt.msg)
			}
			if tt.index >= 0 {
				assert.Equal(t, m.Config().Settings[tt.index], tr.Setting)
				assert.Nil(t, tr.Err)
			} else {
				require.NotNil(t, tr.Err)
				assert.Equal(t, CodeF1001, tr.Err.Code)
			}
			// The trace JSON is always valid JSON (encoding/json is used by the tests only).
			out := tr.AppendJSON(nil)
			require.True(t, json.Valid(out), string(out))
		})
	}
}

// TestTraceSpecExample checks the trace of docs/sdk.md §4's example field by field, in its JSON form.
func TestTraceSpecExample(t *testing.T) {
	m := mustMerchant(t, seedConfig)
	tr := m.Resolve(Query{PG: "html_inicis"})
	var got map[string]any
	require.NoError(t, json.Unmarshal(tr.AppendJSON(nil), &got))
	want := map[string]any{
		"input": "html_inicis", "code": "html_inicis", "mid": "", "rule": "R3", "fallback": true,
		"setting": map[string]any{"index": 0.0, "pg": "html5_inicis", "mid": "MID-a", "pay_type": "general", "default": true, "label": "KG INICIS"},
		"considered": []any{
			map[string]any{"index": 0.0, "why_not": "pg is html5_inicis, not html_inicis"},
			map[string]any{"index": 1.0, "why_not": "pg is html5_inicis, not html_inicis"},
			map[string]any{"index": 2.0, "why_not": "pg is kakaopay, not html_inicis"},
		},
	}
	warnings := got["warnings"].([]any)
	delete(got, "warnings")
	assert.Equal(t, want, got)
	require.Len(t, warnings, 2)
	assert.Equal(t, map[string]any{"code": "PG_UNKNOWN_CODE", "message": `unknown PG code "html_inicis": did you mean "html5_inicis"?`,
		"suggestions": []any{map[string]any{"pg": "html5_inicis", "label": "Use html5_inicis"}}}, warnings[0])
	assert.Equal(t, "FELL_BACK_TO_DEFAULT", warnings[1].(map[string]any)["code"])
	assert.Contains(t, warnings[1].(map[string]any)["message"], "fix pg")
}

func TestTraceConsidered(t *testing.T) {
	tests := []struct {
		name  string
		cfg   string
		query string
		want  []Considered
	}{
		{"R1 lists the settings before the match", seedConfig, `"html5_inicis.MID-b"`, []Considered{{0, "mid is MID-a, not MID-b"}}},
		{"R2 lists the settings before the match", seedConfig, `"kakaopay"`, []Considered{{0, "pg is html5_inicis, not kakaopay"}, {1, "pg is html5_inicis, not kakaopay"}}},
		{"a first-place match lists nothing", seedConfig, `"html5_inicis"`, nil},
		{"console order, default first", defaultLastConfig, `"kakaopay"`, []Considered{{2, "pg is html5_inicis, not kakaopay"}, {0, "pg is html5_inicis, not kakaopay"}}},
		{"R0 explains channel keys", mixedConfig, `{"channelKey": "ck-b"}`, []Considered{{1, "channel_key is ck-a, not ck-b"}}},
		{"R0 past a setting with no key", mixedConfig, `{"pg": "x", "channelKey": "zz"}`, []Considered{
			{1, "pg is html5_inicis, not x"}, {2, "pg is html5_inicis, not x"}, {3, "pg is kakao, not x"}, {4, "pg is my_pg, not x"}, {6, "pg is KakaoPay, not x"}}},
		{"missing pg", noDefaultConfig, `""`, []Considered{{0, "no pg was given"}, {1, "no pg was given"}}},
		{"pg with nothing before the dot", noDefaultConfig, `".MID-a"`, []Considered{{0, "pg has no PG code before the '.'"}, {1, "pg has no PG code before the '.'"}}},
		{"pg not a string", noDefaultConfig, `{"pg": 1}`, []Considered{{0, "pg is not a string"}, {1, "pg is not a string"}}},
		{"certification only lists certification settings", mixedConfig, `{"pg": "nope", "type": "certification"}`, []Considered{{0, "pg is inicis_unified, not nope"}, {5, "pg is danal, not nope"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustMerchant(t, tt.cfg)
			q, err := ParseQuery([]byte(tt.query))
			require.Nil(t, err)
			assert.Equal(t, tt.want, m.Resolve(q).Considered)
		})
	}
	// R0 with a key on a keyless setting before it.
	m := mustMerchant(t, `{"pg_settings": [
		{"pg": "kcp", "mid": "A", "pay_type": "general"},
		{"pg": "kcp", "mid": "B", "pay_type": "general", "channel_key": "kb"}]}`)
	tr := m.Resolve(Query{ChannelKey: "kb"})
	assert.Equal(t, []Considered{{0, "it has no channel_key"}}, tr.Considered)
}

func TestTraceJSONShape(t *testing.T) {
	m := mustMerchant(t, mixedConfig)
	tr := m.Resolve(Query{ChannelKey: "ck-b"})
	var got map[string]any
	require.NoError(t, json.Unmarshal(tr.AppendJSON(nil), &got))
	assert.Equal(t, map[string]any{"index": 2.0, "pg": "html5_inicis", "mid": "MID.b", "pay_type": "subscription", "default": false, "channel_key": "ck-b"}, got["setting"])
	assert.NotContains(t, got, "error")

	tr = m.Resolve(Query{PG: "danal", Type: TypeCertification})
	require.NoError(t, json.Unmarshal(tr.AppendJSON(nil), &got))
	assert.Equal(t, map[string]any{"index": 5.0, "pg": "danal", "mid": "CERT-2", "pay_type": "general", "default": false, "type": "certification"}, got["setting"])

	f := mustMerchant(t, certOnlyConfig).Resolve(Query{PG: "kakaopay"})
	got = nil
	require.NoError(t, json.Unmarshal(f.AppendJSON(nil), &got))
	assert.Nil(t, got["rule"])
	assert.Nil(t, got["setting"])
	assert.Equal(t, []any{}, got["considered"])
	assert.Equal(t, []any{}, got["warnings"])
	assert.Equal(t, "F1001", got["error"].(map[string]any)["code"])
	assert.Contains(t, got["error"].(map[string]any)["message"], `no PG setting of type "payment"`)
}

func TestParseQuery(t *testing.T) {
	tests := []struct {
		in      string
		want    Query
		errPart string
	}{
		{`"kakaopay"`, Query{PG: "kakaopay"}, ""},
		{`null`, Query{}, ""},
		{`{"pg": "a.b", "channelKey": "k", "pay_method": "card", "customer_uid": "c", "type": "certification"}`,
			Query{PG: "a.b", ChannelKey: "k", PayMethod: "card", CustomerUID: "c", Type: "certification"}, ""},
		{`{"pg": 1}`, Query{PGType: "number"}, ""},
		{`{"pg": false}`, Query{PGType: "boolean"}, ""},
		{`{"pg": "x", "channelKey": 5, "pay_method": [], "customer_uid": {}}`, Query{PG: "x"}, ""},
		{`{"type": null}`, Query{}, ""},
		{`{"type": "payment"}`, Query{Type: "payment"}, ""},
		{`{"type": "refund"}`, Query{}, `type "refund" is unknown`},
		{`{"type": 3}`, Query{}, "got a number"},
		{`42`, Query{}, "got a number"},
		{`["kakaopay"]`, Query{}, "got an array"},
		{`{"pg": `, Query{}, "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			q, err := ParseQuery([]byte(tt.in))
			if tt.errPart != "" {
				require.NotNil(t, err)
				assert.Equal(t, CodeInvalidParams, err.Code)
				assert.Contains(t, err.Message, tt.errPart)
				return
			}
			require.Nil(t, err)
			assert.Equal(t, tt.want, q)
		})
	}
}

func TestSuggest(t *testing.T) {
	tests := []struct {
		in        string
		primary   []string
		secondary []string
		want      []string
	}{
		{"html_inicis", nil, catalogCodes(), []string{"html5_inicis"}},
		{"KAKAOPAY", nil, catalogCodes(), []string{"kakaopay"}},
		{"ab", []string{"ab", "abc"}, nil, []string{"abc"}},                               // the exact match itself is never suggested
		{"kakaopay", nil, catalogCodes(), []string{}},                                     // "kakao" is 3 edits away
		{"nice_v3", []string{"nice"}, catalogCodes(), []string{"nice_v2"}},                // "nice" is 3 edits away
		{"kcp", []string{"kicc"}, catalogCodes(), []string{"kicc"}},                       // primary before catalog on a tie, no dupes
		{"tosspay_v", nil, catalogCodes(), []string{"tosspay_v2", "tosspay"}},             // by distance
		{"abc", []string{"ABC", "abd", "abx", "xbc"}, nil, []string{"ABC", "abd", "abx"}}, // capped at 3, case-only first
		{"MID-x", []string{"MID-a", "MID-b"}, nil, []string{"MID-a", "MID-b"}},
		{"", []string{"ab"}, nil, []string{"ab"}},
		{strings.Repeat("a", 65), []string{strings.Repeat("a", 64)}, nil, []string{}}, // long input: no costly distance
		{"\xff\xfe", []string{"ab"}, nil, []string{}},                                 // invalid UTF-8 matches nothing
		{"zzzzzz", nil, catalogCodes(), []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, suggest(tt.in, tt.primary, tt.secondary))
		})
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"kakaopay", "kakaopay", 0},
		{"kakaopay", "kakaopya", 1}, // transposition
		{"html_inicis", "html5_inicis", 1},
		{"nice", "nice_v2", 3},
		{"abc", "xyz", 3},
		{"abc", "", 3},
		{"ca", "abc", 3},      // OSA: a transposed pair is not edited again
		{"카카오페이", "카카오패이", 1}, // runes, not bytes
	}
	for _, tt := range tests {
		a, b := []rune(tt.a), []rune(tt.b)
		assert.Equal(t, tt.want, editDistance(a, b, 100), "%q %q", tt.a, tt.b)
		assert.Equal(t, tt.want, editDistance(b, a, 100), "symmetric: %q %q", tt.b, tt.a)
		// With a limit: the distance when within it, else limit+1 (the early exit).
		for limit := range 4 {
			assert.Equal(t, min(tt.want, limit+1), editDistance(a, b, limit), "%q %q limit %d", tt.a, tt.b, limit)
		}
	}
}

// The early exit agrees with the whole table for every pair of catalog codes and their typos.
func TestEditDistanceLimitMatchesTheWholeTable(t *testing.T) {
	words := append([]string{"html_inicis", "kakao_pay", "nicee", "tosspayment", "", "x"}, catalogCodes()...)
	for _, x := range words {
		for _, y := range words {
			a, b := []rune(x), []rune(y)
			full := editDistance(a, b, len(a)+len(b))
			for limit := range 4 {
				require.Equal(t, min(full, limit+1), editDistance(a, b, limit), "%q %q limit %d", x, y, limit)
			}
		}
	}
}

// FuzzResolve: for any pg string or params object, Resolve never panics, always returns a
// setting (or F1001 when there is none of the type), and every R3 yields the default.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{
		`"kakaopay"`, `"html5_inicis.MID-b"`, `"html_inicis"`, `""`, `null`, `{"pg": 12}`,
		`{"pg": "kakaopay.MID-x", "channelKey": "ck-a"}`, `{"type": "certification", "pg": "danal"}`,
		`"."`, `"..."`, `"html5_inicis.MID.b"`, `{"pg":"\u0000"}`, `"카카오페이"`,
	} {
		f.Add([]byte(s))
	}
	merchants := []*Merchant{mustMerchant(f, seedConfig), mustMerchant(f, mixedConfig), mustMerchant(f, defaultLastConfig), mustMerchant(f, certOnlyConfig)}
	f.Fuzz(func(t *testing.T, data []byte) {
		q, err := ParseQuery(data)
		if err != nil {
			require.Equal(t, CodeInvalidParams, err.Code)
			require.NotEmpty(t, err.Message)
			return
		}
		for _, m := range merchants {
			tr := m.Resolve(q)
			require.True(t, json.Valid(tr.AppendJSON(nil)))
			list := m.byType[typeSlot(q.Type)]
			if len(list) == 0 {
				require.NotNil(t, tr.Err)
				require.Equal(t, -1, tr.Index)
				continue
			}
			require.Nil(t, tr.Err)
			require.GreaterOrEqual(t, tr.Index, 0)
			require.Equal(t, m.cfg.Settings[tr.Index], tr.Setting)
			if tr.Rule == RuleDefault {
				require.True(t, tr.Fallback)
				require.Equal(t, list[0], tr.Index, "R3 always yields the default")
				require.Len(t, tr.Considered, len(list))
				codes := warningCodes(tr.Warnings)
				require.Contains(t, codes, WarnFellBackToDefault)
			} else {
				require.False(t, tr.Fallback)
				require.Contains(t, []string{RuleChannelKey, RuleCodeMID, RuleCode}, tr.Rule)
			}
		}
	})
}

// TestSuggestions: each warning's suggestions carry the whole corrected pg (issue 19: the MID
// did-you-mean must not turn pg into a bare MID), and applying one picks a setting by R1/R2.
func TestSuggestions(t *testing.T) {
	m := mustMerchant(t, seedConfig)
	for _, tc := range []struct {
		pg   string
		code string   // the warning carrying them
		want []string // suggested pg values, in order; nil: none
	}{
		{"html_inicis", WarnPGUnknownCode, []string{"html5_inicis"}},
		{"html_inicis.MID-b", WarnPGUnknownCode, []string{"html5_inicis.MID-b"}},
		{"kakaopay.MID-x", WarnMIDNotFound, []string{"kakaopay.MID-c"}},
		{"html5_inicis.mid-b", WarnMIDNotFound, []string{"html5_inicis.MID-b", "html5_inicis.MID-a"}},
		{"html5_inicis.MID-z", WarnMIDNotFound, []string{"html5_inicis.MID-a", "html5_inicis.MID-b"}},
		{"html5_inicis.NOTHING-LIKE-IT", WarnMIDNotFound, []string{"html5_inicis.MID-a", "html5_inicis.MID-b"}},
		{"kcp", WarnPGNotConfigured, nil},
		{"zzzzzz", WarnPGUnknownCode, nil},
		{"", WarnPGMissing, nil},
	} {
		t.Run(tc.pg, func(t *testing.T) {
			tr := m.Resolve(Query{PG: tc.pg})
			require.NotEmpty(t, tr.Warnings)
			w := tr.Warnings[0]
			assert.Equal(t, tc.code, w.Code)
			var got []string
			for _, s := range w.Suggestions {
				got = append(got, s.PG)
				assert.Equal(t, "Use "+s.PG, s.Label)
			}
			assert.Equal(t, tc.want, got)
			for _, w := range tr.Warnings[1:] {
				assert.Empty(t, w.Suggestions, "only the cause suggests")
			}
			if tc.code == WarnMIDNotFound {
				for _, pg := range got {
					fixed := m.Resolve(Query{PG: pg})
					assert.Equal(t, RuleCodeMID, fixed.Rule, pg)
					assert.Empty(t, fixed.Warnings, pg)
				}
			}
		})
	}
	// in JSON, only where there are some
	tr := m.Resolve(Query{PG: "kakaopay.MID-x"})
	var got struct {
		Warnings []map[string]any `json:"warnings"`
	}
	require.NoError(t, json.Unmarshal(tr.AppendJSON(nil), &got))
	assert.Equal(t, []any{map[string]any{"pg": "kakaopay.MID-c", "label": "Use kakaopay.MID-c"}}, got.Warnings[0]["suggestions"])
	assert.NotContains(t, got.Warnings[1], "suggestions")

	// configuration warnings suggest the corrected code
	cfg, _ := ParseConfig([]byte(`{"pg_settings":[{"pg":"html_inicis","mid":"A","pay_type":"general"}]}`))
	_, _, warns := NewMerchant(cfg)
	require.Len(t, warns, 1)
	assert.Equal(t, []Suggestion{{PG: "html5_inicis", Label: "Use html5_inicis"}}, warns[0].Suggestions)
}

func TestWithArticle(t *testing.T) {
	// every catalog code, decided by ear: a new code fails here until someone says it aloud
	an := map[string]bool{"html5_inicis": true, "inicis": true, "inicis_unified": true, "eximbay": true, "alipay": true}
	for _, pg := range Catalog() {
		want := "a " + pg.Code
		if an[pg.Code] {
			want = "an " + pg.Code
		}
		assert.Equal(t, want, withArticle(pg.Code))
	}
	for word, want := range map[string]string{
		"payment": "a payment", "certification": "a certification", "unionpay": "a unionpay",
		"umbrella": "an umbrella", "hecto": "a hecto", "hkd": "an hkd", "HTML5": "an HTML5",
		"ABC": "an ABC", "my_pg": "a my_pg", "": "a ",
	} {
		assert.Equal(t, want, withArticle(word), word)
	}
}

// TestWarningTexts pins what a person reads for each cause, written out by hand from the
// rules (docs/sdk.md §4 and the README's table), not copied from the code's output.
func TestWarningTexts(t *testing.T) {
	const fellBack = `no setting matched, so the default setting #0 (html5_inicis.MID-a) was used (the real service does the same to avoid lost sales); fix pg so it names a configured setting`
	m := mustMerchant(t, seedConfig)
	for _, tc := range []struct {
		q    Query
		want []string // every warning's message, in order
	}{
		{Query{PG: "kcp"}, []string{`no setting has pg "kcp"; add a kcp setting, or use a configured code: "html5_inicis", "kakaopay"`, fellBack}},
		{Query{PG: "alipay"}, []string{`no setting has pg "alipay"; add an alipay setting, or use a configured code: "html5_inicis", "kakaopay"`, fellBack,
			`PG code "alipay" (Alipay) is legacy: the service no longer takes new merchants; plan to move to another PG`}},
		{Query{PG: "eximbay.X"}, []string{`no setting has pg "eximbay"; add an eximbay setting, or use a configured code: "html5_inicis", "kakaopay"`, fellBack}},
		{Query{PG: "kakaopay.MID-x"}, []string{`no kakaopay setting has mid "MID-x": did you mean "MID-c"? (configured mids for kakaopay: "MID-c"); use one of them, or just "kakaopay" for the first`, fellBack}},
		{Query{PG: "html_inicis"}, []string{`unknown PG code "html_inicis": did you mean "html5_inicis"?`, fellBack}},
		{Query{PG: "qwertyuiop"}, []string{`unknown PG code "qwertyuiop": use a code from the PG catalog, e.g. "html5_inicis" or "kakaopay"`, fellBack}},
		{Query{}, []string{`pg is missing or empty: set pg to a configured PG code, e.g. "html5_inicis", to choose a setting explicitly`, fellBack}},
		{Query{PGType: "number"}, []string{`pg must be a string like "html5_inicis" or "html5_inicis.MID", got a number`, fellBack}},
		{Query{PG: ".MID-a"}, []string{`pg ".MID-a" has no PG code before the '.'; write it as "code.mid"`, fellBack}},
		{Query{PG: "kakao"}, []string{`no setting has pg "kakao"; add a kakao setting, or use a configured code: "html5_inicis", "kakaopay"`, fellBack,
			`PG code "kakao" (Kakao Pay (old module)) is legacy: move to "kakaopay"`}},
		{Query{PG: "html5_inicis", CustomerUID: "u1"}, []string{`customer_uid is set but the chosen setting #0 (html5_inicis.MID-a) has pay_type "general", not "subscription": the real PG will not issue a billing key; pick a subscription setting with pg "code.mid"`}},
		{Query{PG: "kakaopay", PayMethod: "vbank"}, []string{`pay_method "vbank" is ignored: Kakao Pay (kakaopay) lets the buyer choose the method in its own window; leave pay_method out for it`}},
		{Query{PG: "kakaopay", ChannelKey: "ck"}, []string{`channelKey "ck" matches no setting; no setting has a channel_key, so pg decides; fix channelKey or set channel_key on the setting`}},
	} {
		tr := m.Resolve(tc.q)
		var got []string
		for _, w := range tr.Warnings {
			got = append(got, w.Message)
		}
		assert.Equal(t, tc.want, got, "%+v", tc.q)
	}
}
