package jsonv

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseValues(t *testing.T) {
	tests := []struct {
		in     string
		kind   Kind
		str    string  // String: decoded; Number: source text
		num    float64 // Number
		isBool bool
	}{
		{`null`, Null, "", 0, false},
		{` true `, Bool, "", 0, true},
		{`false`, Bool, "", 0, false},
		{`0`, Number, "0", 0, false},
		{`-0`, Number, "-0", 0, false},
		{`1000`, Number, "1000", 1000, false},
		{`10.50`, Number, "10.50", 10.5, false},
		{`-1.5e3`, Number, "-1.5e3", -1500, false},
		{`1E+2`, Number, "1E+2", 100, false},
		{`1e400`, Number, "1e400", math.Inf(1), false},
		{`-1e400`, Number, "-1e400", math.Inf(-1), false},
		{`1e-400`, Number, "1e-400", 0, false},
		{`Infinity`, Number, "Infinity", math.Inf(1), false},
		{`-Infinity`, Number, "-Infinity", math.Inf(-1), false},
		{`""`, String, "", 0, false},
		{`"kakaopay"`, String, "kakaopay", 0, false},
		{`"a\"b\\c\/d\b\f\n\r\t"`, String, "a\"b\\c/d\b\f\n\r\t", 0, false},
		{`"\u00e9\u20ac"`, String, "é€", 0, false},
		{`"\ud83d\ude00"`, String, "😀", 0, false},
		{`"\ud83d"`, String, "\ufffd", 0, false},               // lone high surrogate
		{`"\ude00x"`, String, "\ufffdx", 0, false},             // lone low surrogate
		{`"\ud83d\u0041"`, String, "\ufffdA", 0, false},        // high surrogate then a non-surrogate
		{"\"\xff\xfeok\"", String, "\ufffd\ufffdok", 0, false}, // invalid UTF-8
		{`"홍길동"`, String, "홍길동", 0, false},
		{"\"\u2028\"", String, "\u2028", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			v, err := Parse([]byte(tt.in))
			require.NoError(t, err)
			assert.Equal(t, tt.kind, v.Kind)
			switch tt.kind {
			case String:
				assert.Equal(t, tt.str, v.Str)
			case Number:
				assert.Equal(t, tt.str, v.Str)
				assert.Equal(t, tt.num, v.Num)
			case Bool:
				assert.Equal(t, tt.isBool, v.Bool)
			}
			assert.Equal(t, strings.TrimSpace(tt.in), string(v.Raw))
		})
	}
}

func TestParseNaN(t *testing.T) {
	v, err := Parse([]byte(`{"amount": NaN}`))
	require.NoError(t, err)
	a := v.Get("amount")
	assert.Equal(t, Number, a.Kind)
	assert.True(t, math.IsNaN(a.Num))
	assert.False(t, a.IsFinite())
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in     string
		offset int
		msg    string
	}{
		{``, 0, "unexpected end of input"},
		{`   `, 3, "unexpected end of input"},
		{`{`, 1, "want a string key"},
		{`{"a"}`, 4, "want ':'"},
		{`{"a":1,}`, 7, "want a string key"},
		{`{"a":1 "b":2}`, 7, "want ',' or '}'"},
		{`[1,]`, 3, "want a value"},
		{`[1 2]`, 3, "want ',' or ']'"},
		{`tru`, 0, "want a value"},
		{`nul`, 0, "want a value"},
		{`01`, 1, "after the value"},
		{`1.`, 2, "digit after '.'"},
		{`1e`, 2, "digit in the exponent"},
		{`-`, 1, "want a digit"},
		{`-a`, 1, "want a digit"},
		{`"abc`, 4, "unterminated string"},
		{"\"a\nb\"", 2, "control character"},
		{`"\x"`, 2, "invalid escape"},
		{`"\u12"`, 3, "four hex digits"},
		{`"\`, 1, "unterminated escape"},
		{`1 2`, 2, "after the value"},
		{`+1`, 0, "want a value"},
		{`NaNa`, 3, "after the value"},
		{`{"a":1}x`, 7, "character 'x'"},
		{"\x01", 0, "byte 0x1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			require.Error(t, err)
			var se *SyntaxError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.offset, se.Offset, err.Error())
			assert.Contains(t, err.Error(), tt.msg)
			assert.Contains(t, err.Error(), "at byte ")
		})
	}
}

func TestParseLimits(t *testing.T) {
	deep := strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth)
	_, err := Parse([]byte(deep))
	require.NoError(t, err, "exactly MaxDepth levels are allowed")

	tooDeep := strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1)
	_, err = Parse([]byte(tooDeep))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nesting deeper than 64")
	assert.Equal(t, MaxDepth, err.(*SyntaxError).Offset)

	objDeep := strings.Repeat(`{"a":`, MaxDepth+1) + "1" + strings.Repeat("}", MaxDepth+1)
	_, err = Parse([]byte(objDeep))
	require.Error(t, err)

	big := make([]byte, MaxSize+1)
	for i := range big {
		big[i] = ' '
	}
	_, err = Parse(big)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "1 MiB")

	ok := append([]byte(`"`), append(make([]byte, MaxSize-2), '"')...)
	for i := 1; i < len(ok)-1; i++ {
		ok[i] = 'x'
	}
	v, err := Parse(ok)
	require.NoError(t, err)
	assert.Len(t, v.Str, MaxSize-2)
}

func TestObjectOrderRawAndGet(t *testing.T) {
	in := `{"b": 1, "a": {"x": [1, 2.50, "s"]}, "b": "last"}`
	v, err := Parse([]byte(in))
	require.NoError(t, err)
	require.Equal(t, Object, v.Kind)
	keys := []string{}
	for _, m := range v.Members {
		keys = append(keys, m.Key)
	}
	assert.Equal(t, []string{"b", "a", "b"}, keys, "members keep input order and duplicates")
	assert.Equal(t, "last", v.Get("b").Str, "the last duplicate wins, like JSON.parse")
	a := v.Get("a")
	assert.Equal(t, `{"x": [1, 2.50, "s"]}`, string(a.Raw))
	x := a.Get("x")
	require.Len(t, x.Items, 3)
	assert.Equal(t, "2.50", x.Items[1].Str)
	assert.Equal(t, Absent, v.Get("missing").Kind)
	assert.Equal(t, Absent, v.Get("missing").Kind)
	assert.NotEqual(t, Absent, v.Get("a").Kind)
	assert.Equal(t, Absent, x.Get("x").Kind, "Get on a non-object is Absent")
}

func TestKindNames(t *testing.T) {
	tests := []struct {
		k       Kind
		name    string
		article string
	}{
		{Absent, "absent", "an absent"},
		{Null, "null", "null"},
		{Bool, "boolean", "a boolean"},
		{Number, "number", "a number"},
		{String, "string", "a string"},
		{Array, "array", "an array"},
		{Object, "object", "an object"},
		{Kind(99), "unknown", "a unknown"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.name, tt.k.String())
		assert.Equal(t, tt.article, tt.k.Article())
	}
}

func TestAppendString(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", `""`},
		{"kakaopay", `"kakaopay"`},
		{`a"b\c`, `"a\"b\\c"`},
		{"a\nb\rc\td", `"a\nb\rc\td"`},
		{"\x00\x1f", `"\u0000\u001f"`},
		{"<script>&", `"\u003cscript\u003e\u0026"`},
		{"\u2028\u2029", `"\u2028\u2029"`},
		{"홍길동 😀", `"홍길동 😀"`},
		{"ok\xffend", `"ok\ufffdend"`},
		{"\xe2\x82", `"\ufffd\ufffd"`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			got := string(AppendString(nil, tt.in))
			assert.Equal(t, tt.want, got)
			var back string
			require.NoError(t, json.Unmarshal([]byte(got), &back), "encoding/json (test only) must accept it")
			if strings.ToValidUTF8(tt.in, "\ufffd") == tt.in {
				assert.Equal(t, tt.in, back)
			}
		})
	}
}

// pointThree is 0.1+0.2 computed at run time (a constant expression would be exactly 0.3).
var pointOne, pointTwo = 0.1, 0.2
var pointThree = pointOne + pointTwo

func TestAppendFloat(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "0"},
		{1000, "1000"},
		{-5, "-5"},
		{10.5, "10.5"},
		{pointThree, "0.30000000000000004"},
		{1e21, "1e+21"},
		{123456789012, "123456789012"},
		{1e-7, "1e-07"},
		{math.NaN(), "null"},
		{math.Inf(1), "null"},
		{math.Inf(-1), "null"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, string(AppendFloat(nil, tt.in)), "%v", tt.in)
	}
	assert.Equal(t, "-42", string(AppendInt(nil, -42)))
	assert.Equal(t, "true", string(AppendBool(nil, true)))
	assert.Equal(t, "false", string(AppendBool(nil, false)))
}

func TestAppendKey(t *testing.T) {
	b := []byte{'{'}
	b = AppendKey(b, "a")
	b = AppendInt(b, 1)
	b = AppendKey(b, "b")
	b = append(b, '[', ']')
	b = append(b, '}')
	assert.Equal(t, `{"a":1,"b":[]}`, string(b))
}

func TestAppendValueAndVerbatim(t *testing.T) {
	tests := []struct {
		in, value, verbatim string
	}{
		{`{"b" : [1, 2.50, true, null], "a":"x"}`, `{"b":[1,2.50,true,null],"a":"x"}`, `{"b" : [1, 2.50, true, null], "a":"x"}`},
		{`[NaN, Infinity, -Infinity]`, `[null,null,null]`, `[null,null,null]`},
		{`{"n": {"d": NaN}}`, `{"n":{"d":null}}`, `{"n":{"d":null}}`},
		{`"\u003c"`, `"\u003c"`, `"\u003c"`},
		{`"é"`, `"é"`, `"é"`},
		{`[]`, `[]`, `[]`},
		{`{}`, `{}`, `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			v, err := Parse([]byte(tt.in))
			require.NoError(t, err)
			assert.Equal(t, tt.value, string(AppendValue(nil, v)))
			assert.Equal(t, tt.verbatim, string(AppendVerbatim(nil, v)))
		})
	}
	assert.Equal(t, "null", string(AppendValue(nil, Value{})))
	assert.Equal(t, "null", string(AppendValue(nil, Value{Kind: Kind(42)})))
	assert.Equal(t, "1.5", string(AppendValue(nil, Value{Kind: Number, Num: 1.5})), "built by hand, no source text")
	assert.Equal(t, `"x"`, string(AppendVerbatim(nil, Value{Kind: String, Str: "x"})), "no Raw: re-encoded")
}

// FuzzParse: Parse never panics; whatever it accepts re-encodes to standard JSON that
// encoding/json (used only in this test) accepts, and that Parse reads back to the same value.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`null`, `{"pg":"kakaopay","amount":1000}`, `[1,[2,[3]]]`, `"\ud83d\ude00"`, `{"a":NaN}`,
		`-Infinity`, `1e400`, `"\xff"`, `{"a":1,"a":2}`, `[`, `{"a":`, `"\u12`, strings.Repeat("[", 70),
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse(data)
		if err != nil {
			var se *SyntaxError
			require.ErrorAs(t, err, &se)
			require.GreaterOrEqual(t, se.Offset, 0)
			require.LessOrEqual(t, se.Offset, len(data))
			return
		}
		out := AppendValue(nil, v)
		require.True(t, json.Valid(out), "%q → %q", data, out)
		v2, err := Parse(out)
		require.NoError(t, err)
		require.Equal(t, string(out), string(AppendValue(nil, v2)))
		require.True(t, json.Valid(AppendVerbatim(nil, v)) || !json.Valid(data), "%q", data)
	})
}

func TestAllFinite(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{`1`, true},
		{`"NaN"`, true},
		{`{"a": [1, {"b": 2.5}], "c": null}`, true},
		{`NaN`, false},
		{`[1, [2, -Infinity]]`, false},
		{`{"a": {"b": Infinity}}`, false},
	}
	for _, tt := range tests {
		v, err := Parse([]byte(tt.in))
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, v.AllFinite(), tt.in)
	}
}

func TestAppendArray(t *testing.T) {
	assert.Equal(t, `[]`, string(AppendArray(nil, []string(nil), AppendString)))
	assert.Equal(t, `x["a","b\u003c"]`, string(AppendArray([]byte("x"), []string{"a", "b<"}, AppendString)))
	assert.Equal(t, `[1,-2]`, string(AppendArray(nil, []int64{1, -2}, AppendInt)))
}

// Writer must write what the AppendKey-then-value form it replaced wrote, byte for byte.
func TestWriter(t *testing.T) {
	w := Writer{B: []byte("{")}
	w.Str("s", "a\"<b>")
	w.StrOrNull("empty", "")
	w.StrOrNull("full", "x")
	w.Bool("t", true)
	w.Bool("f", false)
	w.Int("n", -42)
	w.Raw("amount", "10.50")
	w.Strs("list", []string{"a", "b"})
	w.Strs("none", nil)
	w.Key("inner")
	w.B = append(w.B, '{')
	w.Int("first", 1)
	w.B = append(w.B, '}')
	got := string(append(w.B, '}'))

	var want []byte
	want = append(want, '{')
	want = AppendString(AppendKey(want, "s"), "a\"<b>")
	want = append(AppendKey(want, "empty"), "null"...)
	want = AppendString(AppendKey(want, "full"), "x")
	want = AppendBool(AppendKey(want, "t"), true)
	want = AppendBool(AppendKey(want, "f"), false)
	want = AppendInt(AppendKey(want, "n"), -42)
	want = append(AppendKey(want, "amount"), "10.50"...)
	want = AppendArray(AppendKey(want, "list"), []string{"a", "b"}, AppendString)
	want = AppendArray(AppendKey(want, "none"), []string(nil), AppendString)
	want = append(AppendKey(want, "inner"), '{')
	want = append(AppendInt(AppendKey(want, "first"), 1), '}', '}')
	require.Equal(t, string(want), got)
	require.True(t, json.Valid([]byte(got)), got)
}

func TestGetStringBool(t *testing.T) {
	v, err := Parse([]byte(`{"s":"x","n":null,"b":true,"num":1,"dup":"a","dup":"b"}`))
	require.NoError(t, err)
	for _, tc := range []struct {
		key, want, wrong string
	}{
		{"s", "x", ""}, {"n", "keep", ""}, {"missing", "keep", ""}, {"b", "keep", "a boolean"},
		{"num", "keep", "a number"}, {"dup", "b", ""},
	} {
		s := "keep"
		assert.Equal(t, tc.wrong, v.GetString(tc.key, &s), tc.key)
		assert.Equal(t, tc.want, s, tc.key)
	}
	for _, tc := range []struct {
		key         string
		want        bool
		wrong       string
		startedTrue bool
	}{
		{"b", true, "", false}, {"n", true, "", true}, {"missing", false, "", false}, {"s", true, "a string", true},
	} {
		b := tc.startedTrue
		assert.Equal(t, tc.wrong, v.GetBool(tc.key, &b), tc.key)
		assert.Equal(t, tc.want, b, tc.key)
	}
	arr, err := Parse([]byte(`["s"]`))
	require.NoError(t, err)
	s := "keep"
	assert.Equal(t, "", arr.GetString("s", &s), "a non-object has no members")
	assert.Equal(t, "keep", s)
}
