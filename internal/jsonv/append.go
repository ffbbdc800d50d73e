package jsonv

import (
	"math"
	"strconv"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// plainASCII marks the ASCII bytes AppendString copies as they are.
var plainASCII = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// AppendString appends s as a JSON string. Invalid UTF-8 becomes U+FFFD; U+2028 and U+2029 are
// escaped because they end a line in older JavaScript and in <script> contexts; <, > and & are
// escaped so the text can sit inside HTML unchanged. Runs of bytes that need no escape are
// copied in one append.
//
// It writes every string of a trace (a cold resolve in WASM spent 13–25 % of its Go time here,
// a byte at a time), so it steps over eight plain bytes at once where it can (plainRun);
// appendStringReference in the tests is the byte-at-a-time loop it must agree with.
func AppendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; ; {
		if i = plainRun(s, i); i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// plainRun is the end of the run of plainASCII bytes in s from i: a loop of its own that
// calls nothing, eight bytes at a time while it can.
//
// A word x has no byte that needs attention when none is ≥ 0x80, none is below 0x20, and none
// is " or & (0x22, 0x26: x ^ 0x22… is 0 or 0x04 there), < or > (0x3c, 0x3e: x ^ 0x3c… is 0 or
// 0x02) or \ (0x5c). "A byte below n" is (v - n·ones) &^ v & highs, exact as a yes or no for
// bytes below 0x80 and n ≤ 0x80 (Anderson's Bit Twiddling Hacks, "determine if a word has a byte
// less than n"); the high bits of all the tests are collected and masked once.
func plainRun(s string, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(s); i += 8 {
		x := load8(s, i)
		qa := (x ^ ('"' * ones)) &^ (0x04 * ones)
		lg := (x ^ ('<' * ones)) &^ (0x02 * ones)
		bs := x ^ ('\\' * ones)
		if (x|(x-0x20*ones)&^x|(qa-ones)&^qa|(lg-ones)&^lg|(bs-ones)&^bs)&highs != 0 {
			break
		}
	}
	for i < len(s) && s[i] < utf8.RuneSelf && plainASCII[s[i]] {
		i++
	}
	return i
}

// load8 is the eight bytes of s from i as a little-endian word: the compiler makes it one
// load (memcombine, on amd64, arm64 and wasm alike).
func load8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// AppendFloat appends f the way JavaScript's JSON.stringify would: shortest round-trip form,
// integers without a fraction, and null for NaN and ±Inf (JSON has no such numbers).
func AppendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		if f == 0 {
			return append(b, '0') // also for -0, like JSON.stringify
		}
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	abs := math.Abs(f)
	if abs >= 1e21 || abs < 1e-6 {
		return strconv.AppendFloat(b, f, 'e', -1, 64)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// AppendInt appends an integer.
func AppendInt(b []byte, n int64) []byte {
	return strconv.AppendInt(b, n, 10)
}

// AppendBool appends true or false.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// AppendKey appends a comma when the object already has a member, then "key":.
// Object writers start with '{' and call AppendKey for every member.
func AppendKey(b []byte, key string) []byte {
	if len(b) > 0 && b[len(b)-1] != '{' && b[len(b)-1] != '[' {
		b = append(b, ',')
	}
	b = AppendString(b, key)
	return append(b, ':')
}

// AppendArray appends items as a JSON array, each written by appendItem.
func AppendArray[T any](b []byte, items []T, appendItem func([]byte, T) []byte) []byte {
	b = append(b, '[')
	for i, it := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendItem(b, it)
	}
	return append(b, ']')
}

// AppendValue appends v as standard JSON. Non-finite numbers become null (as JSON.stringify
// would write them); everything else is re-encoded, so the output is always valid JSON even
// when the input used NaN or Infinity.
func AppendValue(b []byte, v Value) []byte {
	switch v.Kind {
	case Null, Absent:
		return append(b, "null"...)
	case Bool:
		return AppendBool(b, v.Bool)
	case Number:
		if !v.IsFinite() {
			return append(b, "null"...)
		}
		if v.Str != "" {
			return append(b, v.Str...)
		}
		return AppendFloat(b, v.Num)
	case String:
		return AppendString(b, v.Str)
	case Array:
		return AppendArray(b, v.Items, AppendValue)
	case Object:
		b = append(b, '{')
		for i, m := range v.Members {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendString(b, m.Key)
			b = append(b, ':')
			b = AppendValue(b, m.Value)
		}
		return append(b, '}')
	}
	return append(b, "null"...)
}

// AppendVerbatim appends the exact text v was parsed from, so a merchant's data comes back
// byte for byte (key order, number spelling, escapes). When v holds a non-finite number the
// bridge wrote as NaN or Infinity, that text would not be valid JSON, so v is re-encoded instead.
func AppendVerbatim(b []byte, v Value) []byte {
	if len(v.Raw) == 0 || !v.AllFinite() {
		return AppendValue(b, v)
	}
	return append(b, v.Raw...)
}

// AllFinite reports whether every number in v, at any depth, is finite: whether v can be
// written as standard JSON without losing a value.
func (v *Value) AllFinite() bool {
	switch v.Kind {
	case Number:
		return v.IsFinite()
	case Array:
		for i := range v.Items {
			if !v.Items[i].AllFinite() {
				return false
			}
		}
	case Object:
		for i := range v.Members {
			if !v.Members[i].Value.AllFinite() {
				return false
			}
		}
	}
	return true
}

// Writer appends the members of JSON objects to B, one call per member, so that a type's
// AppendJSON is a list of members rather than pairs of key and value appends: in the WASM
// build every call site costs ~100 bytes, and the key-then-value form had two of them per
// member. A member's key gets a comma before it unless it opens its object or array. Keys are
// written as they are: they must be plain ASCII names that need no escape. The methods are
// not inlined, for the same reason.
type Writer struct{ B []byte }

// Key writes the separator and "k": — the value is the caller's to append to B.
//
//go:noinline
func (w *Writer) Key(k string) {
	if n := len(w.B); n > 0 && w.B[n-1] != '{' && w.B[n-1] != '[' {
		w.B = append(w.B, ',')
	}
	w.B = append(w.B, '"')
	w.B = append(w.B, k...)
	w.B = append(w.B, '"', ':')
}

// Str writes k: v as a JSON string.
//
//go:noinline
func (w *Writer) Str(k, v string) { w.Key(k); w.B = AppendString(w.B, v) }

// StrOrNull writes k: v, or k: null when v is "".
//
//go:noinline
func (w *Writer) StrOrNull(k, v string) {
	if v == "" {
		w.Raw(k, "null")
		return
	}
	w.Str(k, v)
}

// Bool writes k: true or false.
//
//go:noinline
func (w *Writer) Bool(k string, v bool) {
	if v {
		w.Raw(k, "true")
		return
	}
	w.Raw(k, "false")
}

// Int writes k: n.
//
//go:noinline
func (w *Writer) Int(k string, n int64) { w.Key(k); w.B = AppendInt(w.B, n) }

// Raw writes k: text, text being JSON already.
//
//go:noinline
func (w *Writer) Raw(k, text string) { w.Key(k); w.B = append(w.B, text...) }

// Strs writes k: list as an array of strings.
//
//go:noinline
func (w *Writer) Strs(k string, list []string) { w.Key(k); w.B = AppendArray(w.B, list, AppendString) }
