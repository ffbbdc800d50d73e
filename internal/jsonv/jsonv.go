// Package jsonv parses JSON text into a small value tree and appends JSON text.
//
// It exists so that the WASM build can read the bridge's snapshots and write responses without
// encoding/json, reflect or fmt, which would make impshim.wasm larger and slower to start.
// Every value keeps the exact bytes it was parsed from (Raw), so a merchant's custom_data can be
// echoed back verbatim, and numbers keep their source text next to their float64.
package jsonv

import (
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits that keep a hostile or accidental input from exhausting the WASM heap or the stack.
const (
	MaxDepth = 64
	MaxSize  = 1 << 20
)

// Kind is the JSON type of a Value. The zero Kind, Absent, is what Get returns for a missing key,
// so "missing" and "null" stay distinguishable.
type Kind uint8

const (
	Absent Kind = iota
	Null
	Bool
	Number
	String
	Array
	Object
)

var kindNames = [...]string{"absent", "null", "boolean", "number", "string", "array", "object"}

// String is the JavaScript-ish name of the kind, as used in error messages ("a number", "an object").
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Article returns the kind's name with "a" or "an", for messages like "got an object".
// Not inlined: it is only on error paths, and each inlined copy is a string concatenation.
//
//go:noinline
func (k Kind) Article() string {
	switch k {
	case Absent, Array, Object:
		return "an " + k.String()
	case Null:
		return "null"
	}
	return "a " + k.String()
}

// Value is one parsed JSON value.
type Value struct {
	Kind Kind
	Bool bool
	// Num is the number's value; NaN and ±Inf when the input used the non-standard tokens
	// NaN, Infinity, -Infinity (the bridge writes those for non-finite JS numbers).
	Num float64
	// Str is the decoded string for String, and for Number the number's source text.
	Str     string
	Items   []Value  // Array elements
	Members []Member // Object members in input order (duplicates kept)
	// Raw is the exact input bytes of this value (a sub-slice of the parsed input).
	Raw []byte
}

// Member is one key of an object.
type Member struct {
	Key   string
	Value Value
}

// Get returns the value of key in an object. With duplicate keys the last one wins, like
// JavaScript's JSON.parse. A missing key, or a non-object receiver, gives the Absent value.
//
// Not inlined: a Value is 13 words, and an inlined Get copies one at each of the resolver's
// hundred-odd call sites — 8 KB of the module's brotli size for a call saved per lookup.
//
//go:noinline
func (v *Value) Get(key string) Value {
	if v.Kind != Object {
		return Value{}
	}
	for i := len(v.Members) - 1; i >= 0; i-- {
		if v.Members[i].Key == key {
			return v.Members[i].Value
		}
	}
	return Value{}
}

// member is the value of key in an object (the last one, as for Get), or nil.
func (v *Value) member(key string) *Value {
	if v.Kind != Object {
		return nil
	}
	for i := len(v.Members) - 1; i >= 0; i-- {
		if v.Members[i].Key == key {
			return &v.Members[i].Value
		}
	}
	return nil
}

// GetString reads member key of an object into *dst when it is a string. When it is absent or
// null, *dst is left as it is and GetString returns ""; when it is of another type, *dst is left
// too and GetString returns that type with its article ("a number") for the caller's message.
// Decoders of optional string fields call it once per field instead of switching on Get's kind.
func (v *Value) GetString(key string, dst *string) (wrongType string) {
	m := v.member(key)
	switch {
	case m == nil || m.Kind == Null:
	case m.Kind == String:
		*dst = m.Str
	default:
		return m.Kind.Article()
	}
	return ""
}

// GetBool is GetString for a boolean field.
func (v *Value) GetBool(key string, dst *bool) (wrongType string) {
	m := v.member(key)
	switch {
	case m == nil || m.Kind == Null:
	case m.Kind == Bool:
		*dst = m.Bool
	default:
		return m.Kind.Article()
	}
	return ""
}

// IsFinite reports whether v is a number other than NaN or ±Inf.
func (v *Value) IsFinite() bool {
	return v.Kind == Number && !math.IsNaN(v.Num) && !math.IsInf(v.Num, 0)
}

// SyntaxError says what is wrong at which byte offset of the input.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return "invalid JSON at byte " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// Parse parses one JSON value, surrounded only by whitespace.
func Parse(data []byte) (Value, error) {
	if len(data) > MaxSize {
		return Value{}, &SyntaxError{Offset: MaxSize, Msg: "input larger than 1 MiB"}
	}
	p := parser{data: data}
	p.skipSpace()
	v, err := p.value(0)
	if err != nil {
		return Value{}, err
	}
	p.skipSpace()
	if p.pos != len(p.data) {
		return Value{}, p.fail("unexpected " + p.describe() + " after the value")
	}
	return v, nil
}

type parser struct {
	data []byte
	pos  int
}

func (p *parser) fail(msg string) *SyntaxError {
	return &SyntaxError{Offset: p.pos, Msg: msg}
}

func (p *parser) describe() string {
	if p.pos >= len(p.data) {
		return "end of input"
	}
	c := p.data[p.pos]
	if c >= 0x20 && c < 0x7f {
		return "character " + strconv.QuoteRune(rune(c))
	}
	return "byte 0x" + strconv.FormatUint(uint64(c), 16)
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) literal(word string) bool {
	if len(p.data)-p.pos >= len(word) && string(p.data[p.pos:p.pos+len(word)]) == word {
		p.pos += len(word)
		return true
	}
	return false
}

func (p *parser) value(depth int) (Value, error) {
	if p.pos >= len(p.data) {
		return Value{}, p.fail("unexpected end of input, want a value")
	}
	start := p.pos
	var v Value
	switch c := p.data[p.pos]; {
	case c == '{' || c == '[':
		if depth >= MaxDepth {
			return Value{}, p.fail("nesting deeper than " + strconv.Itoa(MaxDepth) + " levels")
		}
		var err error
		if c == '{' {
			v, err = p.object(depth + 1)
		} else {
			v, err = p.array(depth + 1)
		}
		if err != nil {
			return Value{}, err
		}
	case c == '"':
		s, err := p.str()
		if err != nil {
			return Value{}, err
		}
		v = Value{Kind: String, Str: s}
	case c == 't' && p.literal("true"):
		v = Value{Kind: Bool, Bool: true}
	case c == 'f' && p.literal("false"):
		v = Value{Kind: Bool}
	case c == 'n' && p.literal("null"):
		v = Value{Kind: Null}
	case c == 'N' && p.literal("NaN"):
		v = Value{Kind: Number, Num: math.NaN()}
	case c == 'I' && p.literal("Infinity"):
		v = Value{Kind: Number, Num: math.Inf(1)}
	case c == '-' && p.literal("-Infinity"):
		v = Value{Kind: Number, Num: math.Inf(-1)}
	case c == '-' || (c >= '0' && c <= '9'):
		n, err := p.number()
		if err != nil {
			return Value{}, err
		}
		v = n
	default:
		return Value{}, p.fail("unexpected " + p.describe() + ", want a value")
	}
	v.Raw = p.data[start:p.pos:p.pos]
	if v.Kind == Number && v.Str == "" {
		v.Str = string(v.Raw)
	}
	return v, nil
}

func (p *parser) object(depth int) (Value, error) {
	p.pos++ // '{'
	v := Value{Kind: Object}
	if p.skipTo('}') {
		return v, nil
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return Value{}, p.fail("unexpected " + p.describe() + ", want a string key")
		}
		key, err := p.str()
		if err != nil {
			return Value{}, err
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return Value{}, p.fail("unexpected " + p.describe() + ", want ':' after the key")
		}
		p.pos++
		p.skipSpace()
		item, err := p.value(depth)
		if err != nil {
			return Value{}, err
		}
		v.Members = append(v.Members, Member{Key: key, Value: item})
		if more, err := p.afterItem('}'); !more {
			return v, err
		}
	}
}

func (p *parser) array(depth int) (Value, error) {
	p.pos++ // '['
	v := Value{Kind: Array}
	if p.skipTo(']') {
		return v, nil
	}
	for {
		p.skipSpace()
		item, err := p.value(depth)
		if err != nil {
			return Value{}, err
		}
		v.Items = append(v.Items, item)
		if more, err := p.afterItem(']'); !more {
			return v, err
		}
	}
}

// skipTo skips whitespace and then end, if end comes next: an empty object or array.
func (p *parser) skipTo(end byte) bool {
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == end {
		p.pos++
		return true
	}
	return false
}

// afterItem cuts off what follows an element or member: a ',' (more to come) or end.
// Anything else is an error, returned with more false.
func (p *parser) afterItem(end byte) (more bool, err error) {
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == ',' {
		p.pos++
		return true, nil
	}
	if p.skipTo(end) {
		return false, nil
	}
	want := ", want ',' or '}'"
	if end == ']' {
		want = ", want ',' or ']'"
	}
	return false, p.fail("unexpected " + p.describe() + want)
}

func (p *parser) number() (Value, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if p.pos < len(p.data) && p.data[p.pos] == '0' {
		p.pos++
	} else if digits() == 0 {
		return Value{}, p.fail("unexpected " + p.describe() + ", want a digit")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return Value{}, p.fail("unexpected " + p.describe() + ", want a digit after '.'")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return Value{}, p.fail("unexpected " + p.describe() + ", want a digit in the exponent")
		}
	}
	// The syntax was checked above, so the only error left is out of range, for which
	// ParseFloat gives ±Inf, as JavaScript does (and 0 on underflow, as JavaScript does too).
	f, _ := strconv.ParseFloat(string(p.data[start:p.pos]), 64)
	return Value{Kind: Number, Num: f}, nil
}

// str parses a string starting at the opening quote. Invalid UTF-8 and lone surrogates become
// U+FFFD, as JavaScript's TextDecoder would show them.
func (p *parser) str() (string, error) {
	p.pos++ // opening quote
	start := p.pos
	// Fast path: no escapes, valid UTF-8 — the common case for pg codes and names.
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c == '"' {
			s := p.data[start:p.pos]
			p.pos++
			if utf8.Valid(s) {
				return string(s), nil
			}
			p.pos = start
			break
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.pos++
	}
	buf := make([]byte, 0, p.pos-start+16)
	buf = append(buf, p.data[start:p.pos]...)
	for {
		if p.pos >= len(p.data) {
			return "", p.fail("unterminated string")
		}
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return string(buf), nil
		case c < 0x20:
			return "", p.fail("control character 0x" + strconv.FormatUint(uint64(c), 16) + " in string; escape it")
		case c == '\\':
			if p.pos+1 >= len(p.data) {
				return "", p.fail("unterminated escape")
			}
			e := p.data[p.pos+1]
			p.pos += 2
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return "", p.fail("invalid \\u escape, want four hex digits")
				}
				if utf16.IsSurrogate(r) {
					r2 := utf8.RuneError
					if r < 0xdc00 && p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
						save := p.pos
						p.pos += 2
						lo, ok := p.hex4()
						if ok && lo >= 0xdc00 && lo < 0xe000 {
							r2 = utf16.DecodeRune(r, lo)
						} else {
							p.pos = save
						}
					}
					r = r2
				}
				buf = utf8.AppendRune(buf, r)
			default:
				p.pos--
				return "", p.fail("invalid escape " + strconv.QuoteRune(rune(e)))
			}
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			p.pos++
		default:
			r, size := utf8.DecodeRune(p.data[p.pos:])
			buf = utf8.AppendRune(buf, r) // RuneError for invalid bytes
			p.pos += size
		}
	}
}

func (p *parser) hex4() (rune, bool) {
	if len(p.data)-p.pos < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.data[p.pos : p.pos+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	p.pos += 4
	return r, true
}
