package ledger

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A file ledger checkpoints its WAL from its own goroutine; everything written is there after
// reopening.
func TestWALIsCheckpointedOffTheCommitPath(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wal.db")
	s, err := Open(path)
	require.NoError(t, err)
	require.NotNil(t, s.checkpoints)
	// An import checkpoints before it returns.
	require.NoError(t, s.Import(ctx, []Record{{MerchantCode: DemoMerchant, Payment: benchlessPayment(10_000)}}, t0))
	require.EqualValues(t, 1, s.checkpoints.done.Load())
	const n = 3 * checkpointEvery
	part := Whole(1)
	for i := range n {
		p := benchlessPayment(i)
		p.Status = StatusPaid
		_, err := s.Record(ctx, Record{MerchantCode: DemoMerchant, Payment: p}, t0)
		require.NoError(t, err)
		_, _, _, err = s.Cancel(ctx, DemoMerchant, Cancel{ImpUID: p.ImpUID, Amount: &part}, t0)
		require.NoError(t, err)
	}
	// The goroutine runs when it gets the CPU: wait for it, boundedly.
	for deadline := time.Now().Add(10 * time.Second); s.checkpoints.done.Load() == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	assert.Positive(t, s.checkpoints.done.Load(), "a checkpoint after %d write transactions", 2*n)
	require.NoError(t, s.Close())
	s.checkpoints.committed() // a write counted after Close neither blocks nor panics
	require.NoError(t, s.Close(), "closing twice")
	s, err = Open(path)
	require.NoError(t, err)
	defer s.Close()
	_, total, err := s.List(ctx, DemoMerchant, ListQuery{Status: "all", Page: 1, Limit: 1})
	require.NoError(t, err)
	assert.Equal(t, n+1, total)
	for i := range n {
		p, err := s.Payment(ctx, DemoMerchant, fmt.Sprintf("imp_%012d", i))
		require.NoError(t, err)
		assert.Equal(t, part, p.CancelAmount)
	}

	mem, err := Open(":memory:")
	require.NoError(t, err)
	assert.Nil(t, mem.checkpoints, "an in-memory ledger has no WAL")
	require.NoError(t, mem.Close())
}
