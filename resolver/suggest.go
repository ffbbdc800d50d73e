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
		// Each edit changes the length by one at most: far shorter or longer is too far.
		if !usable || !utf8.ValidString(c) || n > maxEditRunes || abs(n-len(target)) > maxSuggestDistance {
			continue
		}
		if d := editDistance(target, []rune(c), maxSuggestDistance); d <= maxSuggestDistance {
			found = append(found, cand{c, 1 + d})
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
// Only the last three rows of the table are needed (a transposition looks two rows back).
// Callers only ask whether it is within limit: once two rows in a row are all over limit, no
// later cell can come back under it (a cell adds to one of the row above or the cell to its left,
// a transposition to one two rows up), so it answers limit+1 without filling the rest — suggest
// compares every catalog code on a cold resolve, most of them far off after three letters.
func editDistance(a, b []rune, limit int) int {
	rows := make([]int, 3*(len(b)+1))
	prev2, prev, cur := rows[:len(b)+1], rows[len(b)+1:2*(len(b)+1)], rows[2*(len(b)+1):]
	for j := range prev {
		prev[j] = j // the distance between a[:0] and b[:j]
	}
	prevMin := 0
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit && prevMin > limit {
			return limit + 1
		}
		prevMin = rowMin
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], limit+1)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
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
