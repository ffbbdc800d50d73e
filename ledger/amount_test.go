package ledger

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in   string
		want Amount
		ok   bool
	}{
		{"1000", 100000, true},
		{"0", 0, true},
		{"10.5", 1050, true},
		{"10.50", 1050, true},
		{"0.01", 1, true},
		{"1e3", 100000, true},
		{" 42 ", 0, false}, // padded: what no JSON number or clean form field is (issue 16)
		{"42 ", 0, false},
		{"+5", 0, false},
		{"1,000", 0, false},
		{"100원", 0, false},
		{"10.005", 0, false},
		{"-1", 0, false},
		{"", 0, false},
		{"abc", 0, false},
		{"NaN", 0, false},
		{"Infinity", 0, false},
		{"1e30", 0, false},
		{"0x10", 0, false},
		{"1/3", 0, false},
		{"1e999999999", 0, false},
		{"1e-999999999", 0, false},
		{"5e-1", 50, true},
	}
	for _, tt := range tests {
		got, err := ParseAmount(tt.in)
		if !tt.ok {
			assert.Error(t, err, "ParseAmount(%q)", tt.in)
			continue
		}
		require.NoError(t, err, "ParseAmount(%q)", tt.in)
		assert.Equal(t, tt.want, got, "ParseAmount(%q)", tt.in)
	}
}

func TestAmountJSON(t *testing.T) {
	tests := []struct {
		a    Amount
		json string
	}{
		{100000, "1000"},
		{1050, "10.5"},
		{1001, "10.01"},
		{1, "0.01"},
		{0, "0"},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.a)
		require.NoError(t, err)
		assert.Equal(t, tt.json, string(b))
		var back Amount
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, tt.a, back)
	}
	var a Amount
	require.NoError(t, json.Unmarshal([]byte(`"2500"`), &a), "a string of digits is accepted like the SDK does")
	assert.Equal(t, Amount(250000), a)
	assert.Error(t, json.Unmarshal([]byte(`true`), &a))
}
