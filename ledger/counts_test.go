package ledger

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// assertCounts compares List's total per status next to COUNT(*) over the rows: payment_counts
// must agree with the table whatever changed it.
func assertCounts(t *testing.T, s *Store, code string) {
	t.Helper()
	ctx := context.Background()
	for _, status := range []string{"all", StatusReady, StatusPaid, StatusFailed, StatusCancelled} {
		_, total, err := s.List(ctx, code, ListQuery{Status: status, Page: 1, Limit: 1})
		require.NoError(t, err)
		var rows int
		q, args := "SELECT COUNT(*) FROM payments WHERE merchant_code = ?", []any{code}
		if status != "all" {
			q, args = q+" AND status = ?", append(args, status)
		}
		require.NoError(t, s.db.QueryRowContext(ctx, q, args...).Scan(&rows))
		assert.Equal(t, rows, total, "merchant %s, status %s", code, status)
	}
}

func TestPaymentCountsFollowEveryChange(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "counts.db")
	s, err := Open(path)
	require.NoError(t, err)
	other := "imp00000001"
	var rs []Record
	for i := range 30 {
		p := benchlessPayment(i)
		code := DemoMerchant
		if i%4 == 0 {
			code = other
		}
		rs = append(rs, Record{MerchantCode: code, Payment: p})
	}
	require.NoError(t, s.Import(ctx, rs, t0))
	assertCounts(t, s, DemoMerchant)
	assertCounts(t, s, other)

	// A ready virtual account deposited (status change), a full and a partial cancel, a new record.
	ready := benchlessPayment(100)
	ready.Status, ready.PayMethod = StatusReady, "vbank"
	_, err = s.Record(ctx, Record{MerchantCode: DemoMerchant, Payment: ready}, t0)
	require.NoError(t, err)
	assertCounts(t, s, DemoMerchant)
	_, _, err = s.Deposit(ctx, DemoMerchant, ready.ImpUID, t0)
	require.NoError(t, err)
	_, _, _, err = s.Cancel(ctx, DemoMerchant, Cancel{ImpUID: "imp_000000000003"}, t0)
	require.NoError(t, err)
	part := Whole(1)
	_, _, _, err = s.Cancel(ctx, DemoMerchant, Cancel{ImpUID: "imp_000000000006", Amount: &part}, t0)
	require.NoError(t, err)
	assertCounts(t, s, DemoMerchant)
	_, total, err := s.List(ctx, DemoMerchant, ListQuery{Status: StatusCancelled, Page: 1, Limit: 1})
	require.NoError(t, err)
	assert.Equal(t, 1, total, "the full cancel alone is cancelled")

	// A reset forgets one merchant's payments and counts, not the other's.
	_, err = s.Reset(ctx, other)
	require.NoError(t, err)
	assertCounts(t, s, other)
	assertCounts(t, s, DemoMerchant)

	// A ledger written before payment_counts existed gets it from its rows when opened.
	_, err = s.db.ExecContext(ctx, `DROP TRIGGER payments_count_insert; DROP TRIGGER payments_count_delete;
		DROP TRIGGER payments_count_update; DROP TABLE payment_counts`)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	s, err = Open(path)
	require.NoError(t, err)
	defer s.Close()
	assertCounts(t, s, DemoMerchant)
	_, total, err = s.List(ctx, DemoMerchant, ListQuery{Status: "all", Page: 1, Limit: 1})
	require.NoError(t, err)
	assert.Equal(t, 23, total)
}
