package resolver

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// maxSuggestDistance is the edit distance up to which a candidate is offered as "did you mean".
const maxSuggestDistance = 2

// maxSuggestions keeps the message readable.
const maxSuggestions = 3

// suggest returns the candidates close to s — equal ignoring case, or within edit distance 2 —
// best first: case-only differences, then by distance; on a tie, primary candidates (what the
// merchant configured) before secondary ones (the catalog), each in its own order.
func suggest(s string, primary, secondary []string) []string {
	type cand struct {
		text string
		rank int // 0: differs only in case; else 1 + edit distance
		pos  int
	}
	var found []cand
	pos := 0
	consider := func(c string) {
		pos++
		if c == s {
			return
		}
		for _, f := range found {
			if f.text == c {
				return
			}
		}
		if strings.EqualFold(c, s) {
			found = append(found, cand{c, 0, pos})
			return
		}
		if d := editDistance(s, c, maxSuggestDistance); d <= maxSuggestDistance {
			found = append(found, cand{c, 1 + d, pos})
		}
	}
	for _, c := range primary {
		consider(c)
	}
	for _, c := range secondary {
		consider(c)
	}
	sort.SliceStable(found, func(i, j int) bool {
		if found[i].rank != found[j].rank {
			return found[i].rank < found[j].rank
		}
		return found[i].pos < found[j].pos
	})
	if len(found) > maxSuggestions {
		found = found[:maxSuggestions]
	}
	out := make([]string, len(found))
	for i, f := range found {
		out[i] = f.text
	}
	return out
}

// editDistance is the optimal-string-alignment distance between a and b in runes (an adjacent
// transposition, the commonest typo, counts as one edit). It stops early and returns limit+1
// once the distance must exceed limit, so long merchant input costs little.
func editDistance(a, b string, limit int) int {
	if !utf8.ValidString(a) || !utf8.ValidString(b) {
		return limit + 1
	}
	na, nb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	if d := na - nb; d > limit || -d > limit {
		return limit + 1
	}
	// Codes and MIDs are short: rows live on the stack. Longer input is not worth a suggestion.
	const maxRunes = 64
	if na > maxRunes || nb > maxRunes {
		return limit + 1
	}
	var bufA, bufB [maxRunes]rune
	ra, rb := bufA[:0], bufB[:0]
	for _, r := range a {
		ra = append(ra, r)
	}
	for _, r := range b {
		rb = append(rb, r)
	}
	var rows [3][maxRunes + 1]int
	prev2, prev, cur := rows[0][:nb+1], rows[1][:nb+1], rows[2][:nb+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= na; i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= nb; j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[nb]
}

var catalogCodeList = func() []string {
	out := make([]string, len(catalog))
	for i, pg := range catalog {
		out[i] = pg.Code
	}
	return out
}()

func catalogCodes() []string { return catalogCodeList }
