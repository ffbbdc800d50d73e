//go:build js && wasm

package main

import (
	"strconv"
	"strings"
	"syscall/js"
	"testing"

	"github.com/impshim/impshim/resolver"
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

// reference is the answer without the memo.
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

var memoQueries = []string{
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

func TestMemoGivesTheSameAnswers(t *testing.T) {
	withFreshCore(t)
	for _, cfg := range []string{seedConfig, largeConfig(200)} {
		configureCore(t, cfg)
		// Three passes: the first fills the memo, the others are hits, interleaved so that
		// every hit follows a different answer in the output buffer.
		for pass := range 3 {
			for _, q := range memoQueries {
				assert.Equal(t, reference(page, q), exportRaw(t, q), "pass %d, query %s", pass, q)
			}
		}
		assert.Equal(t, len(memoQueries), page.memo.len(), "every query is remembered once")
	}
}

func TestMemoEntriesSurviveLaterMisses(t *testing.T) {
	withFreshCore(t)
	configureCore(t, largeConfig(200))
	want := reference(page, `"html_inicis"`)
	require.Equal(t, want, exportRaw(t, `"html_inicis"`))
	// Misses (kept and not kept: over memoMaxInput) encode into the scratch buffer; the hit's
	// entry, which outBuf pointed at, must be untouched.
	require.Equal(t, want, exportRaw(t, `"html_inicis"`))
	exportRaw(t, `"kakaopay.MID-x"`)
	exportRaw(t, `{"pg":"kakaopay","name":"`+strings.Repeat("x", 2*memoMaxInput)+`"}`)
	exportRaw(t, `[1,2`)
	assert.Equal(t, want, exportRaw(t, `"html_inicis"`))
}

func TestMemoIsClearedWhenTheMerchantChanges(t *testing.T) {
	withFreshCore(t)
	// No merchant yet: the error is not remembered.
	require.Contains(t, exportRaw(t, `"kakaopay"`), "NOT_INITIALIZED")
	configureCore(t, seedConfig)
	assert.Equal(t, "MID-c", decode(t, exportRaw(t, `"kakaopay"`)).Trace["setting"].(map[string]any)["mid"])
	require.Equal(t, 1, page.memo.len())

	configureCore(t, strings.Replace(seedConfig, "MID-c", "MID-z", 1))
	assert.Zero(t, page.memo.len(), "configure empties the memo")
	assert.Equal(t, "MID-z", decode(t, exportRaw(t, `"kakaopay"`)).Trace["setting"].(map[string]any)["mid"])

	// A rejected config keeps the merchant, and its memo stays valid.
	a := decode(t, string(page.configure([]js.Value{js.ValueOf(`{"merchant_code":"x","pg_settings":[]}`)})))
	require.False(t, *a.OK)
	assert.Equal(t, "MID-z", decode(t, exportRaw(t, `"kakaopay"`)).Trace["setting"].(map[string]any)["mid"])

	// sandbox(code) replaces the merchant too: its kakaopay setting has the sandbox MID.
	before := exportRaw(t, `"kakaopay"`)
	page.builtIn([]js.Value{js.ValueOf("imp_sandbox")})
	after := exportRaw(t, `"kakaopay"`)
	assert.NotEqual(t, before, after)
	assert.Equal(t, reference(page, `"kakaopay"`), after)

	// Even if the merchant were swapped without install, entries of another merchant are
	// never served: the memo checks its owner (a nil merchant would not reach that check).
	require.Positive(t, page.memo.len())
	cfg, errs := resolver.ParseConfig([]byte(strings.Replace(seedConfig, "MID-c", "MID-y", 1)))
	require.Empty(t, errs)
	other, cerrs, _ := resolver.NewMerchant(cfg)
	require.Empty(t, cerrs)
	page.merchant = other
	got := exportRaw(t, `"kakaopay"`)
	assert.Equal(t, "MID-y", decode(t, got).Trace["setting"].(map[string]any)["mid"], "an answer for the previous merchant was served")
	assert.Equal(t, reference(page, `"kakaopay"`), got)
}

func TestMemoIsBounded(t *testing.T) {
	withFreshCore(t)
	// The seed merchant's answers are small: the entry count binds. The 200-setting merchant's
	// fallbacks list every setting (~12 KB each): the byte budget binds first.
	for _, cfg := range []string{seedConfig, largeConfig(200)} {
		configureCore(t, cfg)
		for i := range 3 * memoEntries {
			q := `"unknown_pg_` + strconv.Itoa(i) + `"`
			got := exportRaw(t, q)
			if i%97 == 0 {
				assert.Equal(t, reference(page, q), got)
			}
			require.LessOrEqual(t, page.memo.len(), memoEntries)
			require.LessOrEqual(t, page.memo.bytes, memoBytes)
		}
		total := 0
		for k, v := range page.memo.entries {
			total += len(k) + len(v)
		}
		assert.Equal(t, total, page.memo.bytes, "the byte count matches the entries")
		if cfg == seedConfig {
			assert.Equal(t, memoEntries, page.memo.len())
		} else {
			assert.Greater(t, page.memo.bytes, memoBytes*3/4, "the byte budget is used")
		}
	}

	long := `{"pg":"kakaopay","name":"` + strings.Repeat("y", memoMaxInput) + `"}`
	n := page.memo.len()
	assert.Equal(t, reference(page, long), exportRaw(t, long))
	assert.Equal(t, n, page.memo.len(), "a query over memoMaxInput is not remembered")
}

func TestMemoHitDoesNotAllocate(t *testing.T) {
	withFreshCore(t)
	for _, cfg := range []string{seedConfig, largeConfig(200)} {
		configureCore(t, cfg)
		for _, q := range []string{`"html_inicis"`, `"kakaopay"`, `"totally_unknown_pg"`, `{"pg":"kakaopay","pay_method":"card"}`} {
			exportRaw(t, q) // miss: remembered
			require.NotZero(t, impshimInput(uint32(len(q))))
			n := uint32(copy(inBuf, q))
			allocs := testing.AllocsPerRun(200, func() {
				if impshimResolve(n) == 0 || impshimOutput() == 0 {
					panic("no answer")
				}
			})
			assert.Zero(t, allocs, "a memo hit for %s allocates", q)
		}
	}
}

// BenchmarkResolveExport is the Go side of impshim_resolve alone (no TextEncoder, no JSON.parse):
// a memo hit against a first-time input (the memo emptied before every call).
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
			b.Run(c.name+"/"+q+"/hit", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					impshimResolve(n)
				}
			})
			b.Run(c.name+"/"+q+"/miss", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					page.memo.reset()
					impshimResolve(n)
				}
			})
		}
	}
}
