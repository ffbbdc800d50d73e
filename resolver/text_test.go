package resolver

import (
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// The plain references of text.go are strings.ToUpper/ToLower/TrimSpace/ReplaceAll and
// unicode.IsSpace. upperASCII and lowerASCII need not give the same string — only the same
// answer to every comparison with ASCII text, which sameForASCII checks.

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// sameForASCII checks got against the reference mapping want of s: equal wherever want is
// ASCII, non-ASCII wherever want is not, rune by rune — so equality with an ASCII string,
// ASCII prefixes, the bytes an ASCII test looks at and, for valid text, the rune count agree.
func sameForASCII(t *testing.T, s, want, got string) {
	t.Helper()
	if isASCII(want) {
		require.Equal(t, want, got, "%q", s)
	}
	wr, gr := []rune(want), []rune(got)
	if utf8.ValidString(s) {
		require.Len(t, gr, len(wr), "%q", s)
		for i := range wr {
			require.Equal(t, wr[i] < utf8.RuneSelf, gr[i] < utf8.RuneSelf, "%q rune %d", s, i)
			if wr[i] < utf8.RuneSelf {
				require.Equal(t, wr[i], gr[i], "%q rune %d", s, i)
			}
		}
	}
	for _, p := range []string{"https://", "http://", "en", "uni", "us", "up", "ur", "h", "a", "i", "KRW", "USD", "JPY"} {
		require.Equal(t, strings.HasPrefix(want, p), strings.HasPrefix(got, p), "%q prefix %q", s, p)
		require.Equal(t, want == p, got == p, "%q == %q", s, p)
	}
	wm, wx, wok := strings.Cut(want, "e")
	gm, gx, gok := strings.Cut(got, "e")
	require.Equal(t, wok, gok, "%q", s)
	require.Equal(t, isDigits(wm), isDigits(gm), "%q", s)
	require.Equal(t, isDigits(wx), isDigits(gx), "%q", s)
}

func checkText(t *testing.T, s string) {
	sameForASCII(t, s, strings.ToUpper(s), upperASCII(s))
	sameForASCII(t, s, strings.ToLower(s), lowerASCII(s))
	require.Equal(t, strings.IndexFunc(s, unicode.IsSpace) >= 0, hasSpace(s), "%q", s)
	require.Equal(t, strings.TrimSpace(s) == "", blank(s), "%q", s)
	require.Equal(t, strings.ReplaceAll(s, "_", ""), without(s, '_'), "%q", s)
}

func TestTextEveryRune(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		require.Equal(t, unicode.IsSpace(r), isSpace(r), "%U", r)
		if r < 0x3400 || r%97 == 0 { // the case tables end at U+1E943; sample the CJK and private planes
			checkText(t, string(r))
			checkText(t, "a"+string(r)+"Z_")
		}
	}
	for _, s := range []string{"", "krw", "uſd", "Usd", "ıen", "İNICIS", "Kcp", "HTTPS://x", "hTtP://", "1E5", "1e+5", "\xff", "a\xc4", "\xc4\xb1", "\xb1I", "  \u3000", "\u2000x"} {
		checkText(t, s)
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{"krw", "uſd", "İNICIS", "HTTPS://shop", "1.5E3", " \t", "a_b-c", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkText(t, s) })
}

func TestQuoteIsStrconvQuote(t *testing.T) {
	cases := []string{"", "kakaopay", "MID-x", "html5_inicis.MID-b", `a"b`, `a\b`, "tab\t", "\x00", "\x1f", " ", "~", "\x7f", "é", "카카오", "\xff", "\u2028", "<&>"}
	for c := range 256 {
		cases = append(cases, "ab"+string([]byte{byte(c)})+"cd")
	}
	for _, s := range cases {
		require.Equal(t, strconv.Quote(s), quote(s), "%q", s)
	}
}

func FuzzQuote(f *testing.F) {
	f.Add("kakaopay.MID-x")
	f.Add("é\"")
	f.Fuzz(func(t *testing.T, s string) { require.Equal(t, strconv.Quote(s), quote(s)) })
}
