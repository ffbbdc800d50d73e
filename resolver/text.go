package resolver

import "unicode/utf8"

// The resolver compares what merchants write with ASCII names: currency codes, URL schemes,
// param names, PG codes. strings.ToUpper, ToLower, TrimSpace and unicode.IsSpace would bring
// the Unicode case and space tables (and strings.Map) into the WASM module for that; these give
// the same answers to every such comparison without them. text_test.go holds them to the
// strings and unicode functions over every rune.

// upperASCII is strings.ToUpper as far as a comparison with ASCII text can tell: it upper-cases
// a–z, and ı and ſ, the only other runes whose upper case is ASCII (I, S); every other rune is
// kept as it is (strings.ToUpper would map it to another non-ASCII rune, or keep it).
func upperASCII(s string) string { return changeCase(s, 'a', '\u0131', 'I', '\u017f', 'S') }

// lowerASCII is upperASCII's twin for strings.ToLower: A–Z, and İ and the Kelvin sign K, the
// only other runes whose lower case is ASCII (i, k).
func lowerASCII(s string) string { return changeCase(s, 'A', '\u0130', 'i', '\u212a', 'k') }

// changeCase flips the case of the ASCII letters first…first+25 and maps r1 to c1, r2 to c2.
func changeCase(s string, first byte, r1 rune, c1 byte, r2 rune, c2 byte) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= first && c <= first+25 {
				c ^= 0x20
			}
			b = append(b, c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch r {
		case r1:
			b = append(b, c1)
		case r2:
			b = append(b, c2)
		default:
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return string(b)
}

// isSpace is unicode.IsSpace: Unicode's White_Space runes.
func isSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// hasSpace reports whether s has a White_Space rune.
func hasSpace(s string) bool {
	for _, r := range s {
		if isSpace(r) {
			return true
		}
	}
	return false
}

// blank reports whether s is only White_Space: strings.TrimSpace(s) == "".
func blank(s string) bool {
	for _, r := range s {
		if !isSpace(r) {
			return false
		}
	}
	return true
}

// without is s with every c removed: strings.ReplaceAll(s, string(c), "").
func without(s string, c byte) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != c {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// listed is slices.Contains for the resolver's lists of names, out of line: inlined, it is a
// loop of string comparisons at each of ~20 places.
//
//go:noinline
func listed(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// runes is []rune(s) (invalid bytes become U+FFFD alike), decoded by a range loop: the
// conversion would link the runtime's rune-slice code for this one use.
//
//go:noinline
func runes(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		out = append(out, r)
	}
	return out
}
