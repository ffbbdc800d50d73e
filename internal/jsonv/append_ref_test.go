package jsonv

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// refAppendString is AppendString as it was before the plain-prefix fast path: every byte
// through the loop. The fast path must write the same bytes.
func refAppendString(b []byte, s string) []byte {
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
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func TestAppendStringMatchesReference(t *testing.T) {
	cases := []string{"", "a", "plain ascii text", "pg is kcp, not html_inicis", `"`, `a"b`, `\`, "<>&",
		"tab\there", "nl\n", "cr\r", "\x00\x1f\x7f", "é", "ascii then é", "é then ascii", "\u2028\u2029",
		"x\u2028y", "\xff", "ok\xffok", "\xe2\x80", "카카오페이", "MID-199", "mid is KCP-0, not <&>"}
	for _, s := range cases {
		require.Equal(t, string(refAppendString([]byte("pre"), s)), string(AppendString([]byte("pre"), s)), "%q", s)
	}
	alphabet := []string{"a", "Z", "0", " ", "-", ".", `"`, `\`, "<", "&", "\n", "\x01", "\x7f", "é", "\u2028", "\u2029", "\xff", "\xe2", "한"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var s string
		for range r.IntN(40) {
			s += alphabet[r.IntN(len(alphabet))]
		}
		require.Equal(t, string(refAppendString(nil, s)), string(AppendString(nil, s)), "%q", s)
	}
}

func TestHasSpecialByte(t *testing.T) {
	for c := range 256 {
		for pos := range 8 {
			w := []byte("abcdefgh")
			w[pos] = byte(c)
			var x uint64
			for k := range 8 {
				x |= uint64(w[k]) << (8 * k)
			}
			if c < utf8.RuneSelf && plainASCII[c] {
				require.False(t, hasSpecialByte(x), "byte %#x at %d", c, pos)
			} else {
				require.True(t, hasSpecialByte(x), "byte %#x at %d", c, pos)
			}
		}
	}
}
