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
