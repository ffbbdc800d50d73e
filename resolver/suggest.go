package resolver

import (
	"math/bits"
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
//
// It runs on every cold resolve of a mistyped pg, once per catalog code, and WASM pays dearly for
// each allocation, so it allocates only its answer: it keeps the best three as it goes (a stable
// insertion, so the order is the stable sort's), compares ASCII text as bytes, and holds its
// runes and table rows in fixed arrays. suggestReference in the tests is the plain version it
// must agree with.
func suggest(s string, primary, secondary []string) []string {
	var best [maxSuggestions]candidate
	found := 0
	var target editText
	var rows [3 * (maxEditRunes + 1)]int
	usable := target.load(s)
	for _, list := range [2][]string{primary, secondary} {
		for _, c := range list {
			if c == s || seen(best[:found], c) {
				continue
			}
			rank, ok := target.rank(s, c, usable, rows[:])
			if !ok {
				continue
			}
			// after every candidate of a rank as good (stable), before the first worse one
			at := found
			for at > 0 && best[at-1].rank > rank {
				at--
			}
			if at == maxSuggestions {
				continue
			}
			if found < maxSuggestions {
				found++
			}
			copy(best[at+1:found], best[at:found-1])
			best[at] = candidate{c, rank}
		}
	}
	out := make([]string, found)
	for i := range out {
		out[i] = best[i].text
	}
	return out
}

// candidate is a suggestion and its rank: 0 when it differs only in case, else 1 + edit distance.
type candidate struct {
	text string
	rank int
}

func seen(found []candidate, c string) bool {
	for _, f := range found {
		if f.text == c {
			return true
		}
	}
	return false
}

// editText is a string prepared for editDistance: its bytes when it is ASCII (every PG code and
// MID the catalog and merchants use), else its runes.
type editText struct {
	ascii bool
	chars charSet // when ascii
	n     int     // length in runes
	bytes [maxEditRunes]byte
	runes [maxEditRunes]rune
}

// load prepares s and reports whether it can be compared at all: valid UTF-8 of at most
// maxEditRunes runes.
func (t *editText) load(s string) bool {
	t.ascii = t.chars.ofASCII(s)
	if t.ascii {
		t.n = len(s)
		if t.n > maxEditRunes {
			return false
		}
		copy(t.bytes[:], s)
		return true
	}
	if !utf8.ValidString(s) {
		return false
	}
	t.n = utf8.RuneCountInString(s)
	if t.n > maxEditRunes {
		return false
	}
	i := 0
	for _, r := range s {
		t.runes[i] = r
		i++
	}
	return true
}

// rank is candidate c's rank against the target t (loaded from s), and whether it is close
// enough to suggest at all.
func (t *editText) rank(s, c string, usable bool, rows []int) (int, bool) {
	var chars charSet
	ascii := chars.ofASCII(c)
	// Folding ASCII keeps the length; other text may fold to ASCII (K, the Kelvin sign, is k).
	if (!ascii || !t.ascii || len(c) == len(s)) && strings.EqualFold(c, s) {
		return 0, true
	}
	if !usable {
		return 0, false
	}
	n := len(c)
	if !ascii {
		if !utf8.ValidString(c) {
			return 0, false
		}
		n = utf8.RuneCountInString(c)
	}
	// Each edit changes the length by one at most: far shorter or longer is too far.
	if n > maxEditRunes || abs(n-t.n) > maxSuggestDistance {
		return 0, false
	}
	var d int
	if ascii && t.ascii {
		// A letter of one that the other lacks takes an edit of its own (an insertion, deletion
		// or substitution; a transposition brings in none): most of the catalog is out of reach
		// by this count alone, without the table.
		if chars.without(&t.chars) > maxSuggestDistance || t.chars.without(&chars) > maxSuggestDistance {
			return 0, false
		}
		var b [maxEditRunes]byte
		copy(b[:], c)
		d = distance(t.bytes[:t.n], b[:n], maxSuggestDistance, rows)
	} else {
		var other editText
		other.load(c)
		d = distance(t.runeSlice(), other.runeSlice(), maxSuggestDistance, rows)
	}
	if d > maxSuggestDistance {
		return 0, false
	}
	return 1 + d, true
}

// charSet is a set of ASCII characters.
type charSet [2]uint64

// ofASCII sets cs to the characters of s and reports whether s is ASCII (cs is then complete).
func (cs *charSet) ofASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return false
		}
		cs[c>>6] |= 1 << (c & 63)
	}
	return true
}

// without counts the characters of cs that other lacks.
func (cs *charSet) without(other *charSet) int {
	return bits.OnesCount64(cs[0]&^other[0]) + bits.OnesCount64(cs[1]&^other[1])
}

// runeSlice is the text as runes (converting the ASCII bytes when need be).
func (t *editText) runeSlice() []rune {
	if t.ascii {
		for i := range t.n {
			t.runes[i] = rune(t.bytes[i])
		}
	}
	return t.runes[:t.n]
}

// editDistance is the optimal-string-alignment distance between a and b, or limit+1 when it
// is over limit: insertions, deletions, substitutions and adjacent transpositions (the
// commonest typo) count one each.
func editDistance(a, b []rune, limit int) int { return distance(a, b, limit, nil) }

// distance is editDistance over bytes (ASCII text) or runes, in rows (3*(len(b)+1) ints, or
// nil for new ones): suggest passes one scratch for all its candidates.
//
// Callers only ask whether it is within limit, so it fills only the band of the table within
// limit of the diagonal (a cell further off is over limit: each step off the diagonal is an
// edit) and counts the cells outside as limit+1; and once two rows in a row are all over limit,
// no later cell can come back under it (a cell adds to one of the row above or the cell to its
// left, a transposition to one two rows up), so it answers limit+1 without filling the rest.
// Only the last three rows are kept (a transposition looks two rows back).
func distance[T byte | rune](a, b []T, limit int, rows []int) int {
	over := limit + 1
	if abs(len(a)-len(b)) > limit {
		return over
	}
	w := len(b) + 1
	if len(rows) < 3*w {
		rows = make([]int, 3*w)
	}
	prev2, prev, cur := rows[:w], rows[w:2*w], rows[2*w:3*w]
	for j := range min(w, limit+2) {
		prev[j] = min(j, over) // the distance between a[:0] and b[:j]
	}
	prevMin := 0
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-limit), min(len(b), i+limit)
		if lo == 1 {
			cur[0] = min(i, over)
		} else {
			cur[lo-1] = over
		}
		rowMin := cur[lo-1]
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			c := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				c = min(c, prev2[j-2]+1)
			}
			cur[j] = c
			rowMin = min(rowMin, c)
		}
		if hi < len(b) {
			cur[hi+1] = over // the next row's band reaches one further
		}
		if rowMin > limit && prevMin > limit {
			return over
		}
		prevMin = rowMin
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], over)
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
