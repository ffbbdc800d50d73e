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

// suggest returns the candidates close to s — equal ignoring case, or within edit distance 2 —
// best first: case-only differences, then by distance; on a tie, primary candidates (what the
// merchant configured) before secondary ones (the catalog), each in its own order.
//
// It runs on every unknown code, and IMP.sandbox.resolve is benchmarked with a typo among its
// inputs, so the scratch space for the distance is set up once per call, not per candidate.
func suggest(s string, primary, secondary []string) []string {
	type cand struct {
		text string
		rank int // 0: differs only in case; else 1 + edit distance
		pos  int
	}
	var foundBuf [8]cand // the usual handful of matches stays on the stack
	found := foundBuf[:0]
	var sc editScratch
	usable := sc.setA(s)
	pos := 0
	na := sc.na
	consider := func(c string) {
		pos++
		// A string of len(c) bytes has at most len(c) runes: far shorter ones can be neither a
		// case variant nor within the distance, and most catalog codes go no further.
		if c == s || len(c) < na-maxSuggestDistance {
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
		if !usable {
			return
		}
		if d := sc.distanceTo(c, maxSuggestDistance); d <= maxSuggestDistance {
			found = append(found, cand{c, 1 + d, pos})
		}
	}
	for _, c := range primary {
		consider(c)
	}
	for _, c := range secondary {
		consider(c)
	}
	slices.SortStableFunc(found, func(x, y cand) int {
		if x.rank != y.rank {
			return x.rank - y.rank
		}
		return x.pos - y.pos
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

// maxEditRunes bounds the strings compared: no PG code or MID is longer, and a typo of one
// would not be either, so longer input costs nothing.
const maxEditRunes = 64

// editScratch holds one side of the comparison and the DP rows, reused across candidates.
// Everything is a fixed array, so a scratch on the stack costs no allocation.
type editScratch struct {
	na   int
	a, b [maxEditRunes]rune
	rows [3][maxEditRunes + 1]int
}

// setA fixes the string the candidates are compared with; false when it cannot be compared.
func (sc *editScratch) setA(a string) bool {
	n, ok := toRunes(&sc.a, a)
	sc.na = n
	return ok
}

// toRunes writes s's runes into dst: false when s is not valid UTF-8 or is longer than
// maxEditRunes runes. ASCII bytes, all of every PG code and nearly every MID, skip decoding.
func toRunes(dst *[maxEditRunes]rune, s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); {
		if n == maxEditRunes {
			return 0, false
		}
		if c := s[i]; c < utf8.RuneSelf {
			dst[n] = rune(c)
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return 0, false
		}
		dst[n] = r
		n++
		i += size
	}
	return n, true
}

// distanceTo is the optimal-string-alignment distance between a and b in runes (an adjacent
// transposition, the commonest typo, counts as one edit). It stops early and returns limit+1
// once the distance must exceed limit.
func (sc *editScratch) distanceTo(b string, limit int) int {
	na := sc.na
	// b has at most len(b) runes, and at least len(b)/utf8.UTFMax.
	if len(b) < na-limit || len(b)/utf8.UTFMax > na+limit {
		return limit + 1
	}
	nb, ok := toRunes(&sc.b, b)
	if d := na - nb; !ok || d > limit || -d > limit {
		return limit + 1
	}
	ra, rb := sc.a[:na], sc.b[:nb]
	// Every cell is written before it is read, so reused rows need no clearing.
	prev2, prev, cur := sc.rows[0][:nb+1], sc.rows[1][:nb+1], sc.rows[2][:nb+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= na; i++ {
		cur[0] = i
		rowMin := cur[0]
		ai := ra[i-1]
		for j := 1; j <= nb; j++ {
			cost := 1
			if ai == rb[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ai == rb[j-2] && ra[i-2] == rb[j-1] {
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
