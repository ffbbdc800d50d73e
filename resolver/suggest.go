package resolver

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// maxSuggestDistance is the edit distance up to which a candidate is offered as "did you mean".
const maxSuggestDistance = 2

// maxSuggestions keeps the message readable.
const maxSuggestions = 3

// maxEditRunes bounds the strings compared by edit distance: no PG code or MID is longer, and
// a typo of one would not be either, so a longer input is only compared ignoring case.
const maxEditRunes = 64

// suggest returns the candidates close to s — equal ignoring case, or within edit distance 2 —
// best first: case-only differences, then by distance; on a tie, primary candidates (what the
// merchant configured) before secondary ones (the catalog), each in its own order.
func suggest(s string, primary, secondary []string) []string {
	type cand struct {
		text string
		rank int // 0: differs only in case; else 1 + edit distance
	}
	var found []cand
	comparable := func(x string) bool { return utf8.ValidString(x) && utf8.RuneCountInString(x) <= maxEditRunes }
	usable := comparable(s)
	for _, c := range slices.Concat(primary, secondary) {
		if c == s || slices.ContainsFunc(found, func(f cand) bool { return f.text == c }) {
			continue
		}
		switch {
		case strings.EqualFold(c, s):
			found = append(found, cand{c, 0})
		case usable && comparable(c):
			if d := editDistance([]rune(s), []rune(c)); d <= maxSuggestDistance {
				found = append(found, cand{c, 1 + d})
			}
		}
	}
	// stable: candidates of one rank keep their order, primary first
	slices.SortStableFunc(found, func(x, y cand) int { return x.rank - y.rank })
	out := []string{}
	for _, f := range found[:min(len(found), maxSuggestions)] {
		out = append(out, f.text)
	}
	return out
}

// editDistance is the optimal-string-alignment distance between a and b: insertions,
// deletions, substitutions and adjacent transpositions (the commonest typo) count one each.
func editDistance(a, b []rune) int {
	// d[i][j] is the distance between a[:i] and b[:j]
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

// catalogCodeList is every catalog code, in catalog order: did-you-mean's secondary candidates.
var catalogCodeList = func() []string {
	out := make([]string, len(catalog))
	for i, pg := range catalog {
		out[i] = pg.Code
	}
	return out
}()

func catalogCodes() []string { return catalogCodeList }
