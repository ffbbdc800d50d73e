package resolver

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// suggestReference is suggest written plainly (a sort of every candidate found, runes
// throughout): the fast suggest must give the same answers.
func suggestReference(s string, primary, secondary []string) []string {
	type cand struct {
		text string
		rank int
	}
	var found []cand
	target := []rune(s)
	usable := utf8.ValidString(s) && len(target) <= maxEditRunes
	for _, c := range slices.Concat(primary, secondary) {
		if c == s || slices.ContainsFunc(found, func(f cand) bool { return f.text == c }) {
			continue
		}
		if strings.EqualFold(c, s) {
			found = append(found, cand{c, 0})
			continue
		}
		n := utf8.RuneCountInString(c)
		if !usable || !utf8.ValidString(c) || n > maxEditRunes || abs(n-len(target)) > maxSuggestDistance {
			continue
		}
		if d := editDistanceReference([]rune(s), []rune(c)); d <= maxSuggestDistance {
			found = append(found, cand{c, 1 + d})
		}
	}
	slices.SortStableFunc(found, func(x, y cand) int { return x.rank - y.rank })
	out := []string{}
	for _, f := range found[:min(len(found), maxSuggestions)] {
		out = append(out, f.text)
	}
	return out
}

// editDistanceReference fills the whole optimal-string-alignment table.
func editDistanceReference(a, b []rune) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// suggestWords are inputs and candidates: the catalog, typos of it, case variants, non-ASCII,
// invalid UTF-8, the edges of maxEditRunes, duplicates.
func suggestWords() []string {
	words := []string{"", "x", "html_inicis", "kakao_pay", "nicee", "tosspayment", "KCP", "Kakaopay", "MID-a", "MID-b", "MID-x",
		"카카오페이", "카카오패이", "kakaopay카", "\xff\xfe", "ab\xff", strings.Repeat("a", 63), strings.Repeat("a", 64),
		strings.Repeat("a", 65), strings.Repeat("가", 64), strings.Repeat("가", 65), "kakaopay", "kakaopay",
		"kakapoay", "htlm5_inicis", "ncie", "\u212acp", "\u212aCP", "kcp\u212a", "abcdef", "badcfe", "aabb", "bbaa"}
	for _, c := range catalogCodes() {
		words = append(words, c, strings.ToUpper(c), c[1:], c+"x")
	}
	return words
}

func TestSuggestMatchesReference(t *testing.T) {
	words := suggestWords()
	lists := [][]string{nil, catalogCodes(), words[:12], words, {"ABC", "abd", "abx", "xbc", "abc", "Abc", "aBc"}}
	for _, s := range append(words, "abc") {
		for _, p := range lists {
			for _, q := range lists {
				require.Equal(t, suggestReference(s, p, q), suggest(s, p, q), "%q", s)
			}
		}
	}
}

func TestDistanceMatchesReference(t *testing.T) {
	words := suggestWords()
	for _, x := range words {
		for _, y := range words {
			a, b := []rune(x), []rune(y)
			full := editDistanceReference(a, b)
			for limit := range 4 {
				require.Equal(t, min(full, limit+1), editDistance(a, b, limit), "%q %q limit %d", x, y, limit)
			}
			var xs, ys charSet
			if xs.ofASCII(x) && ys.ofASCII(y) {
				require.Equal(t, min(full, 3), distance([]byte(x), []byte(y), 2, nil), "bytes: %q %q", x, y)
			}
		}
	}
}

func FuzzSuggest(f *testing.F) {
	for _, s := range []string{"html_inicis", "kcp", "MID-x", "카카오페이", "\xff", ""} {
		f.Add(s, "html5_inicis,kcp,KCP", "MID-a,MID-x")
	}
	f.Fuzz(func(t *testing.T, s, primary, secondary string) {
		p, q := strings.Split(primary, ","), strings.Split(secondary, ",")
		require.Equal(t, suggestReference(s, p, q), suggest(s, p, q))
	})
}
