package jsonv

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// checkAppendString holds AppendString to what it promises, with encoding/json as the reader:
// the text decodes back to s (each invalid byte as U+FFFD), and carries none of the bytes it
// must escape.
func checkAppendString(t *testing.T, s string) {
	t.Helper()
	out := AppendString([]byte("pre"), s)
	require.Equal(t, "pre", string(out[:3]), "what was in the buffer stays")
	text := string(out[3:])
	var back string
	require.NoError(t, json.Unmarshal([]byte(text), &back), "%q → %s", s, text)
	require.Equal(t, validPerByte(s), back, "%q", s)
	require.True(t, utf8.ValidString(text), "%q", s)
	inner := text[1 : len(text)-1]
	require.False(t, strings.ContainsAny(inner, "<>&\u2028\u2029"), "%q → %s", s, text)
	for i := 0; i < len(inner); i++ {
		require.GreaterOrEqual(t, inner[i], byte(0x20), "%q → %s: a raw control byte", s, text)
	}
}

// validPerByte is s with each byte of invalid UTF-8 replaced by U+FFFD (as range over a
// string reads it).
func validPerByte(s string) string {
	var sb strings.Builder
	for _, r := range s {
		sb.WriteRune(r)
	}
	return sb.String()
}

func TestAppendStringRoundTrips(t *testing.T) {
	cases := []string{"", "a", "plain ascii text", "pg is kcp, not html_inicis", `"`, `a"b`, `\`, "<>&",
		"tab\there", "nl\n", "cr\r", "\x00\x1f\x7f", "é", "ascii then é", "é then ascii", "\u2028\u2029",
		"x\u2028y", "\xff", "ok\xffok", "\xe2\x80", "카카오페이", "MID-199", "mid is KCP-0, not <&>"}
	for _, s := range cases {
		checkAppendString(t, s)
	}
	// every byte at every position of a short plain string
	for c := range 256 {
		for pos := range 9 {
			w := []byte("abcdefgh")
			s := string(w[:pos]) + string([]byte{byte(c)}) + string(w[pos:])
			checkAppendString(t, s)
		}
	}
	alphabet := []string{"a", "Z", "0", " ", "-", ".", `"`, `\`, "<", "&", "\n", "\x01", "\x7f", "é", "\u2028", "\u2029", "\xff", "\xe2", "한"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		var sb strings.Builder
		for range r.IntN(40) {
			sb.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		checkAppendString(t, sb.String())
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "<a>", "\u2028", "\xff", "카카오"} {
		f.Add(s)
	}
	f.Fuzz(checkAppendString)
}

// appendStringReference is AppendString as plain code, a byte at a time: the fast path
// (eight plain bytes at once) must write exactly what it writes.
func appendStringReference(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plainASCII[c] {
				i++
				continue
			}
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

func checkAgainstReference(t *testing.T, s string) {
	t.Helper()
	require.Equal(t, string(appendStringReference([]byte("x"), s)), string(AppendString([]byte("x"), s)), "%q", s)
}

func TestAppendStringAgreesWithReference(t *testing.T) {
	// every byte value, and pairs of the bytes near the tests' edges, at every position of
	// strings longer than one word
	base := "abcdefghijklmnopqrstuvw"
	edges := []byte{0x00, 0x01, 0x1f, 0x20, 0x21, '"', 0x23, 0x25, '&', 0x27, 0x3b, '<', '=', '>', 0x3f, 0x5b, '\\', 0x5d, 0x7e, 0x7f, 0x80, 0xbf, 0xc0, 0xe2, 0xff}
	for c := range 256 {
		for pos := range len(base) + 1 {
			checkAgainstReference(t, base[:pos]+string([]byte{byte(c)})+base[pos:])
		}
	}
	for _, c := range edges {
		for _, d := range edges {
			for pos := range 17 {
				checkAgainstReference(t, base[:pos]+string([]byte{c})+base[pos:pos+3]+string([]byte{d})+base[pos+3:])
			}
		}
	}
	for _, s := range []string{"", "12345678", "1234567", "123456789", "\u2028abcdefgh\u2029", "카카오페이 간편결제 kakaopay", "abcdefg\xe2\x80\xa8", "abcdefgh\xe2\x80"} {
		checkAgainstReference(t, s)
	}
	alphabet := []string{"a", "Z", "0", " ", "-", ".", `"`, `\`, "<", ">", "&", "\n", "\x01", "\x7f", "é", "\u2028", "\u2029", "\xff", "\xe2", "한", "plain text "}
	r := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		var sb strings.Builder
		for range r.IntN(40) {
			sb.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		checkAgainstReference(t, sb.String())
	}
}

func FuzzAppendStringReference(f *testing.F) {
	for _, s := range []string{"", "abcdefgh<", "pg is html5_inicis, not kakaopay", "\u2028abcdefgh", "카카오"} {
		f.Add(s)
	}
	f.Fuzz(checkAgainstReference)
}
