package ledger

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Text's plain paths answer exactly what encoding/json does (the reference: a plain string
// through json.Marshal / json.Unmarshal, null for "").
func FuzzTextJSON(f *testing.F) {
	for _, s := range []string{"", "홍길동", "plain ascii", `q"uote`, `back\slash`, "<b>&", "line\nbreak", "\u2028", "\u2029x",
		"bad \xff utf8", "\xe2\x80", "tab\t", "노르웨이 회전 의자", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Text(s).MarshalJSON()
		require.NoError(t, err)
		want := []byte("null")
		if s != "" {
			want, err = json.Marshal(s)
			require.NoError(t, err)
		}
		assert.Equal(t, string(want), string(got), "marshal %q", s)

		var back Text
		require.NoError(t, back.UnmarshalJSON(got))
		var ref string
		require.NoError(t, json.Unmarshal(got, &ref))
		assert.Equal(t, ref, string(back), "unmarshal %s", got)

		// A raw JSON string as a client may write it, escapes or not.
		raw := []byte(`"` + s + `"`)
		if json.Valid(raw) {
			var viaText Text
			var viaRef string
			require.NoError(t, viaText.UnmarshalJSON(raw))
			require.NoError(t, json.Unmarshal(raw, &viaRef))
			assert.Equal(t, viaRef, string(viaText), "unmarshal %s", raw)
		}
	})
}
