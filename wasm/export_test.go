//go:build js && wasm

package main

import (
	"strconv"
	"strings"
	"syscall/js"
	"testing"

	"github.com/impshim/impshim/internal/jsonv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exportRaw drives impshim_input/impshim_resolve/impshim_output like imp.js and returns a copy
// of the answer bytes (JS copies them out with TextDecoder too).
func exportRaw(t *testing.T, query string) string {
	t.Helper()
	require.NotZero(t, impshimInput(uint32(len(query))))
	n := copy(inBuf, query)
	size := impshimResolve(uint32(n))
	require.NotZero(t, impshimOutput())
	return string(outBuf[:size])
}

// exportPG drives impshim_resolve_pg like imp.js: the pg string as its UTF-8 bytes.
func exportPG(t *testing.T, pg string) string {
	t.Helper()
	require.NotZero(t, impshimInput(uint32(len(pg))))
	n := copy(inBuf, pg)
	size := impshimResolvePG(uint32(n))
	require.NotZero(t, impshimOutput())
	return string(outBuf[:size])
}

// reference is the answer of resolveJSON itself, into a fresh buffer.
func reference(s *state, query string) string {
	return string(s.resolveJSON(nil, []byte(query)))
}

// largeConfig has n settings cycling through a few PGs, like the bench's 200-setting merchant.
func largeConfig(n int) string {
	pgs := []string{"html5_inicis", "kakaopay", "tosspayments", "nice_v2", "kcp", "payco", "alipay"}
	var b strings.Builder
	b.WriteString(`{"merchant_code":"imp_large","pg_settings":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"pg":"` + pgs[i%len(pgs)] + `","mid":"MID-` + strconv.Itoa(i) + `","pay_type":"general"`)
		if i == 0 {
			b.WriteString(`,"default":true`)
		}
		if i == 5 {
			b.WriteString(`,"channel_key":"ck-5"`)
		}
		b.WriteByte('}')
	}
	b.WriteString(`]}`)
	return b.String()
}

var exportQueries = []string{
	`"kakaopay"`, `"html5_inicis"`, `"html5_inicis.MID-a"`, `"html5_inicis.MID-b"`,
	`"html_inicis"`, `"kakaopay.MID-x"`, `""`, `null`, `"nice"`, `"totally_unknown_pg"`,
	`"HTML5_INICIS"`, `"kakao"`, `"html5_inicis."`, `"alipay.MID-6"`, `"payco.MID-5"`,
	`{"pg":"html5_inicis.MID-b","amount":1}`, `{"pg":12}`, `{"pg":null}`, `{}`,
	`{"pg":"kakaopay","pay_method":"card"}`, `{"pg":"html5_inicis","customer_uid":"c1"}`,
	`{"channelKey":"ck-5","pg":"kakaopay"}`, `{"channelKey":"nope","pg":"kakaopay"}`,
	`{"pg":"inicis_unified","type":"certification"}`, `{"pg":"kakaopay","type":"bogus"}`,
	`[1,2`, `[1,2]`, `42`, `"\u0068tml5_inicis"`, ` "kakaopay" `,
}

func configureCore(t *testing.T, config string) {
	t.Helper()
	a := decode(t, string(page.configure([]js.Value{js.ValueOf(config)})))
	require.NotNil(t, a.OK, "configure answered %+v", a)
	require.True(t, *a.OK, "configure rejected the config: %+v", a.Errors)
}

func withFreshCore(t *testing.T) {
	saved := page
	t.Cleanup(func() { page = saved })
	page = newState()
}

// The export answers exactly what resolveJSON does, for every kind of query, with answers of
// different lengths interleaved so a shorter answer after a longer one must not show stale bytes
// of the reused scratch buffer.
func TestExportGivesTheSameAnswers(t *testing.T) {
	withFreshCore(t)
	for _, cfg := range []string{seedConfig, largeConfig(200)} {
		configureCore(t, cfg)
		for pass := range 3 {
			for _, q := range exportQueries {
				assert.Equal(t, reference(page, q), exportRaw(t, q), "pass %d, query %s", pass, q)
			}
		}
	}
	long := `{"pg":"kakaopay","name":"` + strings.Repeat("y", 5000) + `"}`
	assert.Equal(t, reference(page, long), exportRaw(t, long))
}

// impshim_resolve_pg answers for a pg string what impshim_resolve answers for its JSON text —
// every string query above, and text that JSON escapes: quotes, backslashes, control
// characters, U+2028, non-ASCII, U+FFFD (what TextEncoder writes for a lone surrogate, which
// JSON.stringify writes as \udXXX and the JSON parser reads as U+FFFD) — interleaved with the
// JSON export so that neither reads the other's stale bytes.
func TestExportPGGivesTheSameAnswers(t *testing.T) {
	withFreshCore(t)
	require.Contains(t, exportPG(t, "kakaopay"), "NOT_INITIALIZED")
	assert.Equal(t, reference(page, `"kakaopay"`), exportPG(t, "kakaopay"))
	pgs := []string{"", "kakaopay", "html5_inicis.MID-b", "html_inicis", "kakaopay.MID-x", "nice", ".", "..", "html5_inicis.",
		".MID-a", "HTML5_INICIS", `q"uote`, `back\slash`, "tab\there\n", "\x00\x1f\x7f", "\u2028\u2029", "카카오페이", "kakaopay.MID-\ufffd",
		"\ufffd", "😀.MID", strings.Repeat("k", 3000)}
	for _, cfg := range []string{seedConfig, largeConfig(200)} {
		configureCore(t, cfg)
		for _, pg := range pgs {
			want := reference(page, string(jsonString(pg)))
			assert.Equal(t, want, exportPG(t, pg), "pg %q", pg)
			assert.Equal(t, want, exportRaw(t, string(jsonString(pg))), "pg %q as JSON", pg)
		}
	}
	// Bytes TextEncoder never writes (invalid UTF-8) get an answer, not a panic.
	assert.Contains(t, exportPG(t, "\xff\xfe.MID"), `"trace":`)
}

// jsonString is s as JSON.stringify writes it (for the strings above: \u escapes for control
// characters, U+2028 and U+2029 as they are).
func jsonString(s string) []byte {
	return jsonv.AppendString(nil, s)
}

func TestExportFollowsTheMerchant(t *testing.T) {
	withFreshCore(t)
	require.Contains(t, exportRaw(t, `"kakaopay"`), "NOT_INITIALIZED")
	configureCore(t, seedConfig)
	assert.Equal(t, "MID-c", decode(t, exportRaw(t, `"kakaopay"`)).Trace["setting"].(map[string]any)["mid"])
	configureCore(t, strings.Replace(seedConfig, "MID-c", "MID-z", 1))
	assert.Equal(t, "MID-z", decode(t, exportRaw(t, `"kakaopay"`)).Trace["setting"].(map[string]any)["mid"])

	// A rejected config keeps the merchant.
	a := decode(t, string(page.configure([]js.Value{js.ValueOf(`{"merchant_code":"x","pg_settings":[]}`)})))
	require.False(t, *a.OK)
	assert.Equal(t, "MID-z", decode(t, exportRaw(t, `"kakaopay"`)).Trace["setting"].(map[string]any)["mid"])

	// sandbox(code) replaces the merchant too: its kakaopay setting has the sandbox MID.
	before := exportRaw(t, `"kakaopay"`)
	page.builtIn([]js.Value{js.ValueOf("imp_sandbox")})
	after := exportRaw(t, `"kakaopay"`)
	assert.NotEqual(t, before, after)
	assert.Equal(t, reference(page, `"kakaopay"`), after)
}

// BenchmarkResolveExport is the Go side of impshim_resolve alone (no TextEncoder, no JSON.parse):
// what a cold IMP.sandbox.resolve costs in Go (imp.js answers repeats itself).
func BenchmarkResolveExport(b *testing.B) {
	saved := page
	defer func() { page = saved }()
	for _, c := range []struct {
		name, config string
	}{{"3", seedConfig}, {"200", largeConfig(200)}} {
		for _, q := range []string{`"html5_inicis"`, `"html_inicis"`, `"kakaopay.MID-x"`} {
			page = newState()
			page.configure([]js.Value{js.ValueOf(c.config)})
			impshimInput(uint32(len(q)))
			n := uint32(copy(inBuf, q))
			b.Run(c.name+"/"+q, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					impshimResolve(n)
				}
			})
		}
	}
}
