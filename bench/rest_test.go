package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The server section, cut down to small ledgers and short rows: every row is measured against
// a real ledger and lands in results.json's keys.
func TestRestBenchFillsItsRows(t *testing.T) {
	res := &Results{}
	err := restBench(restOptions{small: 200, large: 1000, conns: 4, writers: 2, span: 200 * time.Millisecond,
		maxRequests: 400, writes: 20, samples: 10}, res)
	require.NoError(t, err)
	for _, k := range []string{"payments_get", "payments_get_floor", "payments_get_ratio", "find", "find_floor", "find_ratio", "cancel", "cancel_p50_ms",
		"cancel_p99_ms", "record", "record_p50_ms", "record_p99_ms"} {
		assert.Greater(t, res.RestRPS[k], 0.0, "rest_rps.%s", k)
	}
	for _, k := range []string{"record_ms_200", "record_ms_1k", "list_ms_200", "list_ms_1k", "find_ms_200", "find_ms_1k"} {
		assert.Greater(t, res.LedgerGrowth[k], 0.0, "ledger_growth.%s", k)
	}
	var out bytes.Buffer
	printServerTable(&out, res)
	assert.Contains(t, out.String(), "GET /payments/{imp_uid}")
}
