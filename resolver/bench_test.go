package resolver

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// merchantOf builds a merchant with n settings: INICIS default first, Kakao Pay last, and
// n-2 KCP settings in between, so "kakaopay" walks the whole console order.
func merchantOf(tb testing.TB, n int) *Merchant {
	tb.Helper()
	s := []Setting{{PG: "html5_inicis", MID: "MID-a", PayType: "general", Default: true}}
	for i := 0; i < n-2; i++ {
		s = append(s, Setting{PG: "kcp", MID: "KCP-" + strconv.Itoa(i), PayType: "general"})
	}
	s = append(s, Setting{PG: "kakaopay", MID: "MID-c", PayType: "simple"})
	m, errs, _ := NewMerchant(Config{Settings: s})
	require.Empty(tb, errs)
	return m
}

// resolveQueries rotate through the rules without warnings: R2 at the end of the list, R1 in
// the middle, R2 at the front.
var resolveQueries = []Query{{PG: "kakaopay"}, {PG: "kcp.KCP-0"}, {PG: "html5_inicis"}, {PG: "kcp"}}

func BenchmarkResolve(b *testing.B) {
	for _, n := range []int{3, 200} {
		b.Run(strconv.Itoa(n)+"_settings", func(b *testing.B) {
			m := merchantOf(b, n)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				_ = m.Resolve(resolveQueries[i%len(resolveQueries)])
				i++
			}
		})
	}
}

// BenchmarkResolveJSON is the whole IMP.sandbox.resolve path inside Go: parse the query text,
// resolve, write the trace into a reused buffer.
func BenchmarkResolveJSON(b *testing.B) {
	for _, n := range []int{3, 200} {
		b.Run(strconv.Itoa(n)+"_settings", func(b *testing.B) {
			m := merchantOf(b, n)
			inputs := [][]byte{[]byte(`"kakaopay"`), []byte(`"kcp.KCP-0"`), []byte(`"html5_inicis"`), []byte(`"html_inicis"`)}
			buf := make([]byte, 0, 64<<10)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				q, _ := ParseQuery(inputs[i%len(inputs)])
				tr := m.Resolve(q)
				buf = tr.AppendJSON(buf[:0])
				i++
			}
		})
	}
}

// BenchmarkResolveJSONWorst is the JSON path on the inputs that cost most at 200 settings:
// R3 with a did-you-mean over every code, a mid typo, an unknown mid.
func BenchmarkResolveJSONWorst(b *testing.B) {
	for _, n := range []int{3, 200} {
		b.Run(strconv.Itoa(n)+"_settings", func(b *testing.B) {
			m := merchantOf(b, n)
			inputs := [][]byte{[]byte(`"alipay.MID-199"`), []byte(`"html_inicis"`), []byte(`"kakaopay.MID-x"`)}
			buf := make([]byte, 0, 64<<10)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				q, _ := ParseQuery(inputs[i%len(inputs)])
				tr := m.Resolve(q)
				buf = tr.AppendJSON(buf[:0])
				i++
			}
		})
	}
}

// BenchmarkResolveSeedInput is the JSON path per input of make bench's 3-setting cold row (the
// seed's settings and examples), each alone: which rule or diagnostic costs what. Run it under
// GOOS=js GOARCH=wasm too (go_js_wasm_exec): WASM's costs are not native's.
func BenchmarkResolveSeedInput(b *testing.B) {
	m, errs, _ := NewMerchant(Config{MerchantCode: "imp10391932", Settings: []Setting{
		{PG: "html5_inicis", MID: "MID-a", PayType: "general", Default: true, Label: "KG INICIS"},
		{PG: "html5_inicis", MID: "MID-b", PayType: "subscription"},
		{PG: "kakaopay", MID: "MID-c", PayType: "simple"}}})
	require.Empty(b, errs)
	for _, in := range []string{`"kakaopay"`, `"html5_inicis"`, `"html5_inicis.MID-a"`, `"html5_inicis.MID-b"`, `"nice"`, `"kakaopay.MID-x"`, `""`, `"html_inicis"`} {
		b.Run(in, func(b *testing.B) {
			buf := make([]byte, 0, 64<<10)
			b.ReportAllocs()
			for b.Loop() {
				q, _ := ParseQuery([]byte(in))
				tr := m.Resolve(q)
				buf = tr.AppendJSON(buf[:0])
			}
		})
	}
}
