package resolver

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden/*.txt from the current code")

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

// goldenMerchants: the benchmark's merchant ("plain", INICIS default, KCP settings, Kakao Pay
// last), and one with channel keys, labels, a certification setting and a subscription
// setting ("rich"), each with n settings.
func goldenMerchants(tb testing.TB, n int) map[string]*Merchant {
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
	return map[string]*Merchant{"plain": merchantOf(tb, n), "rich": m}
}

// goldenText is one pretty-printed trace per input, each under a "### <input>" line.
func goldenText(tb testing.TB, m *Merchant) []byte {
	var all bytes.Buffer
	for _, in := range goldenInputs {
		all.WriteString("### " + in + "\n")
		q, qerr := ParseQuery([]byte(in))
		if qerr != nil {
			all.WriteString("query error: " + qerr.Error() + "\n")
		}
		tr := m.Resolve(q)
		require.NoError(tb, json.Indent(&all, tr.AppendJSON(nil), "", "  "), in)
		all.WriteString("\n\n")
	}
	return all.Bytes()
}

// TestTraceGolden pins the trace JSON of the 3-setting merchants, one readable case at a
// time. `go test ./resolver -run TestTraceGolden -update-golden` rewrites the files; read the
// diff before committing it.
func TestTraceGolden(t *testing.T) {
	for name, m := range goldenMerchants(t, 3) {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", "golden", name+"_3.txt")
			got := goldenText(t, m)
			if *updateGolden {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, got, 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err)
			gotCases, wantCases := strings.Split(string(got), "### "), strings.Split(string(want), "### ")
			for i := range min(len(gotCases), len(wantCases)) {
				require.Equal(t, wantCases[i], gotCases[i])
			}
			require.Equal(t, len(wantCases), len(gotCases), "case count")
		})
	}
}

// naiveResolve is docs/sdk.md §4 written as plainly as it reads, for checking Resolve on merchants
// too large for goldens: the chosen index, the rule, the why_not of every passed-over
// setting, and the codes of the warnings in order.
func naiveResolve(settings []Setting, q Query) (index int, rule string, considered []Considered, warnings []string) {
	typ := q.Type
	if typ == "" {
		typ = TypePayment
	}
	var list []int // console order, this type only
	for _, i := range ConsoleOrder(settings) {
		if orDefaultType(settings[i].Type) == typ {
			list = append(list, i)
		}
	}
	if len(list) == 0 {
		return -1, "", nil, nil
	}
	code, mid := "", ""
	if q.PGType == "" {
		code, mid, _ = strings.Cut(q.PG, ".")
	}
	why := func(i int, byKey bool) string {
		s := settings[i]
		switch {
		case byKey && s.ChannelKey == "":
			return "it has no channel_key"
		case byKey:
			return "channel_key is " + s.ChannelKey + ", not " + q.ChannelKey
		case q.PGType != "":
			return "pg is not a string"
		case q.PG == "":
			return "no pg was given"
		case code == "":
			return "pg has no PG code before the '.'"
		case mid != "" && s.PG == code:
			return "mid is " + s.MID + ", not " + mid
		}
		return "pg is " + s.PG + ", not " + code
	}
	pick := func(pos int, r string, byKey bool) {
		index, rule = list[pos], r
		for _, i := range list[:pos] {
			considered = append(considered, Considered{i, why(i, byKey)})
		}
	}
	if q.ChannelKey != "" {
		for pos, i := range list {
			if settings[i].ChannelKey == q.ChannelKey {
				pick(pos, RuleChannelKey, true)
				break
			}
		}
		if rule == "" {
			warnings = append(warnings, WarnChannelKeyNotFound)
		}
	}
	if rule == "" && q.PGType == "" && code != "" {
		for pos, i := range list {
			if settings[i].PG == code && (mid == "" || settings[i].MID == mid) {
				pick(pos, map[bool]string{true: RuleCode, false: RuleCodeMID}[mid == ""], false)
				break
			}
		}
	}
	if rule == "" {
		index, rule = list[0], RuleDefault
		for _, i := range list {
			considered = append(considered, Considered{i, why(i, false)})
		}
		codeOfType, codeAnywhere := false, false
		for _, s := range settings {
			codeAnywhere = codeAnywhere || s.PG == code
			codeOfType = codeOfType || (s.PG == code && orDefaultType(s.Type) == typ)
		}
		_, inCatalog := Lookup(code)
		switch {
		case q.PGType != "" || q.PG == "":
			warnings = append(warnings, WarnPGMissing)
		case code == "":
			warnings = append(warnings, WarnPGUnknownCode)
		case codeOfType:
			warnings = append(warnings, WarnMIDNotFound)
		case !inCatalog && !codeAnywhere:
			warnings = append(warnings, WarnPGUnknownCode)
		default:
			warnings = append(warnings, WarnPGNotConfigured)
		}
		warnings = append(warnings, WarnFellBackToDefault)
	}
	chosen := settings[index]
	if pg, ok := Lookup(chosen.PG); ok && pg.Legacy {
		warnings = append(warnings, WarnLegacyPGCode)
	}
	if pg, ok := Lookup(code); ok && pg.Legacy && code != chosen.PG {
		warnings = append(warnings, WarnLegacyPGCode)
	}
	if q.CustomerUID != "" && chosen.PayType != "subscription" {
		warnings = append(warnings, WarnBillingKeyNonSubscr)
	}
	if pg, ok := Lookup(chosen.PG); ok && pg.SimplePay && q.PayMethod != "" {
		warnings = append(warnings, WarnPayMethodIgnored)
	}
	return index, rule, considered, warnings
}

// TestResolveAgainstNaive checks Resolve against naiveResolve on the golden merchants at 3
// and 200 settings, and on one whose settings of a PG sit apart, for every golden input and
// each input's channelKey/pay_method variants.
func TestResolveAgainstNaive(t *testing.T) {
	merchants := map[string]*Merchant{}
	for _, n := range []int{3, 200} {
		for name, m := range goldenMerchants(t, n) {
			merchants[name+"_"+strconv.Itoa(n)] = m
		}
	}
	codes := []string{"html5_inicis", "kcp", "nice", "danal_tpay", "payco", "tosspayments"}
	var interleaved []Setting
	for i := range 30 {
		interleaved = append(interleaved, Setting{PG: codes[i%len(codes)], MID: "M-" + strconv.Itoa(i), PayType: "general"})
		if i%5 == 1 {
			interleaved[i].ChannelKey = "k" + strconv.Itoa(i)
		}
	}
	merchants["interleaved_30"], _, _ = NewMerchant(Config{Settings: interleaved})
	extra := []string{`{"pg":"kcp","channelKey":"k9"}`, `{"pg":"nice","channelKey":"k26"}`, `"kcp.M-x"`, `{"pg":"kakao","pay_method":"vbank"}`}

	for name, m := range merchants {
		for _, in := range append(slices.Clone(goldenInputs), extra...) {
			q, _ := ParseQuery([]byte(in))
			tr := m.Resolve(q)
			index, rule, considered, warnings := naiveResolve(m.cfg.Settings, q)
			require.Equal(t, index, tr.Index, "%s %s", name, in)
			require.Equal(t, rule, tr.Rule, "%s %s", name, in)
			require.Equal(t, considered, tr.Considered, "%s %s", name, in)
			require.Equal(t, append([]string{}, warnings...), warningCodes(tr.Warnings), "%s %s", name, in)
			require.Equal(t, rule == RuleDefault, tr.Fallback)
			if index >= 0 {
				require.Equal(t, m.cfg.Settings[index], tr.Setting)
			}
			var back map[string]any
			require.NoError(t, json.Unmarshal(tr.AppendJSON(nil), &back), "%s %s", name, in)
		}
	}
}

// Resolve reads the Merchant only: many goroutines may share one.
func TestResolveConcurrently(t *testing.T) {
	m := merchantOf(t, 20)
	want := string(m.resolveJSON(Query{PG: "html_inicis"}))
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
		assert.Equal(t, want, <-done)
	}
}

func (m *Merchant) resolveJSON(q Query) []byte {
	tr := m.Resolve(q)
	return tr.AppendJSON(nil)
}
