package resolver

import (
	"bytes"
	"flag"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/trace_golden.txt from the current code")

// goldenInputs exercise every rule, every why_not kind and the did-you-mean paths; they are
// IMP.sandbox.resolve arguments as JSON text.
var goldenInputs = []string{
	`"kakaopay"`, `"kcp.KCP-0"`, `"html5_inicis"`, `"html_inicis"`, `"kcp"`,
	`"alipay.MID-199"`, `"kakaopay.MID-x"`, `"kakaopay.MID-c"`, `"html5_inicis.MID-a"`,
	`"kcp.KCP-1x"`, `"kcp.kcp-1"`, `"KCP"`, `"nice"`, `"kakao"`, `"naverco"`, `""`, `null`,
	`".MID-a"`, `"kcp."`, `{"pg": 5}`, `{"pg": ["x"]}`, `{"pg":"kcp.<&>\"\u2028\u00e9\\"}`,
	`{"pg":"kakaopay","channelKey":"ck-1"}`, `{"pg":"kakaopay","channelKey":"ck-x"}`,
	`{"pg":"kcp.KCP-3","channelKey":"ck-cert"}`, `{"type":"certification","pg":"danal"}`,
	`{"type":"certification","pg":"nope"}`, `{"pg":"kakaopay","pay_method":"card","customer_uid":"u1"}`,
	`{"pg":"html5_inicis.MID-b","customer_uid":"u1"}`, `"inicis"`, `"uplus.MID"`, `"KAKAOPAY"`,
	`"kcp.KCP-198"`, `"kcp.KCP-19"`, `"html5_inicis.MID-é<>"`,
}

// goldenMerchants: the benchmark's merchant, and one with channel keys, labels, a
// certification setting and a subscription setting, each at 3 and 200 settings.
func goldenMerchants(tb testing.TB) map[string]*Merchant {
	out := map[string]*Merchant{}
	for _, n := range []int{3, 200} {
		out["plain_"+strconv.Itoa(n)] = merchantOf(tb, n)
		s := []Setting{{PG: "html5_inicis", MID: "MID-a", PayType: "general", Default: true, Label: "KG <INICIS>"}}
		s = append(s, Setting{PG: "html5_inicis", MID: "MID-b", PayType: "subscription", ChannelKey: "ck-1"})
		s = append(s, Setting{PG: "danal", MID: "D-1", PayType: "general", Type: TypeCertification, ChannelKey: "ck-cert"})
		for i := 0; i < n-3; i++ {
			st := Setting{PG: "kcp", MID: "KCP-" + strconv.Itoa(i), PayType: "general"}
			if i%7 == 3 {
				st.ChannelKey = "ck-kcp-" + strconv.Itoa(i)
			}
			s = append(s, st)
		}
		s = append(s, Setting{PG: "kakaopay", MID: "MID-c", PayType: "simple", Label: "카카오\u2029"})
		m, errs, _ := NewMerchant(Config{Settings: s})
		require.Empty(tb, errs)
		out["rich_"+strconv.Itoa(n)] = m
	}
	return out
}

func goldenOutput(tb testing.TB) []byte {
	var all []byte
	ms := goldenMerchants(tb)
	for _, name := range []string{"plain_3", "plain_200", "rich_3", "rich_200"} {
		m := ms[name]
		for _, in := range goldenInputs {
			all = append(all, name+" "+in+"\n"...)
			q, qerr := ParseQuery([]byte(in))
			if qerr != nil {
				all = append(all, "query error: "+qerr.Error()+"\n"...)
			}
			tr := m.Resolve(q)
			start := len(all)
			all = tr.AppendJSON(all)
			// the same trace again, into a fresh buffer, is the same text
			require.Equal(tb, string(all[start:]), string(tr.AppendJSON(nil)), "%s %s", name, in)
			all = append(all, '\n')
		}
	}
	return all
}

// TestTraceGolden pins the trace JSON byte for byte.
func TestTraceGolden(t *testing.T) {
	got := goldenOutput(t)
	const path = "testdata/trace_golden.txt"
	if *updateGolden {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	if !bytes.Equal(got, want) {
		gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
		for i := range min(len(gl), len(wl)) {
			require.Equal(t, string(wl[i]), string(gl[i]), "line %d", i+1)
		}
		require.Equal(t, len(wl), len(gl), "line count")
	}
}

// TestFallbackCauseCache: a cached cause is the one built fresh, the cache stops growing at
// its bound (and resolution goes on the same past it), and it is safe to use concurrently.
func TestFallbackCauseCache(t *testing.T) {
	for name, m := range goldenMerchants(t) {
		fresh := merchantsByName(t)[name]
		for _, in := range goldenInputs {
			q, _ := ParseQuery([]byte(in))
			first := string(fresh.resolveJSON(q))
			require.Equal(t, first, string(fresh.resolveJSON(q)), "%s %s again", name, in)
			require.Equal(t, first, string(m.resolveJSON(q)), "%s %s", name, in)
		}
	}
	m := merchantOf(t, 3)
	for i := range maxCachedCauses + 10 {
		q := Query{PG: "kakaopay.MID-" + strconv.Itoa(i)}
		require.Equal(t, string(merchantOf(t, 3).resolveJSON(q)), string(m.resolveJSON(q)))
	}
	require.Len(t, m.causes.m, maxCachedCauses)
	q := Query{PG: "kakaopay.MID-" + strconv.Itoa(maxCachedCauses+5)}
	require.Equal(t, string(merchantOf(t, 3).resolveJSON(q)), string(m.resolveJSON(q)), "past the bound")

	m = merchantOf(t, 20)
	want := string(merchantOf(t, 20).resolveJSON(Query{PG: "html_inicis"}))
	done := make(chan string)
	for range 4 {
		go func() {
			var last string
			for range 50 {
				last = string(m.resolveJSON(Query{PG: "html_inicis"}))
			}
			done <- last
		}()
	}
	for range 4 {
		require.Equal(t, want, <-done)
	}
}

func (m *Merchant) resolveJSON(q Query) []byte {
	tr := m.Resolve(q)
	return tr.AppendJSON(nil)
}

func merchantsByName(tb testing.TB) map[string]*Merchant { return goldenMerchants(tb) }

func TestAppendIndex(t *testing.T) {
	for _, n := range []int{-12, -1, 0, 7, 9, 10, 42, 99, 100, 199, 999, 1000, 123456} {
		require.Equal(t, strconv.Itoa(n), string(appendIndex([]byte{}, n)))
	}
}

// TestConsideredSharingPastTheRing: sentences repeat out of the ring's reach (six codes in
// turn) and still come out right.
func TestConsideredSharingPastTheRing(t *testing.T) {
	codes := []string{"html5_inicis", "kcp", "nice", "danal_tpay", "payco", "tosspayments"}
	var s []Setting
	for i := range 30 {
		s = append(s, Setting{PG: codes[i%len(codes)], MID: "M-" + strconv.Itoa(i), PayType: "general"})
		if i%5 == 1 {
			s[i].ChannelKey = "k" + strconv.Itoa(i)
		}
	}
	m, errs, _ := NewMerchant(Config{Settings: s})
	require.Empty(t, errs)
	for _, q := range []Query{{PG: "kakaopay"}, {PG: "kcp.M-x"}, {PG: "kcp", ChannelKey: "k9"}, {PG: "nice", ChannelKey: "k26"}} {
		tr := m.Resolve(q)
		for _, c := range tr.Considered {
			st := s[c.Index]
			want := "pg is " + st.PG + ", not " + tr.Code
			switch {
			case q.ChannelKey == "k26" && st.ChannelKey == "":
				want = "it has no channel_key"
			case q.ChannelKey == "k26":
				want = "channel_key is " + st.ChannelKey + ", not k26"
			case tr.MID != "" && st.PG == tr.Code:
				want = "mid is " + st.MID + ", not " + tr.MID
			}
			require.Equal(t, want, c.WhyNot, "%+v #%d", q, c.Index)
		}
	}
}
