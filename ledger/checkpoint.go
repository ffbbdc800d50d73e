package ledger

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// WAL checkpoints off the commit path. SQLite's own (wal_autocheckpoint) runs inside the commit
// that takes the WAL past 1,000 pages: it copies them into the database file and syncs it
// while that writer — and every writer queued behind Store.write — waits. A partial cancel
// writes three pages (its row and the entries of updated_at's two indexes), so one cancel in
// ~330 paid for a ~6 ms checkpoint, and with 6 writers the five queued behind it waited too:
// 2% of the cancels, past the bench's p99 (it was 4.7 ms before those indexes, when a cancel
// wrote fewer pages and the stalls were under 1%). Here a goroutine checkpoints instead, every
// checkpointEvery write transactions, PASSIVE: it waits for no reader and no writer, and
// commits go on while it copies. What remains of the stall is its syncs of the WAL and the
// database (synchronous=NORMAL), which slow the commits beside them; synchronous=OFF would
// remove that too, at the price of a ledger an OS crash can corrupt.
//
// The automatic checkpoint stays as a backstop, at a size the goroutine keeps the WAL well
// below (walBackstopPages, in Open's DSN): a big Import reaches it, and so would a WAL the
// goroutine could not keep up with.

const (
	// checkpointEvery write transactions make one checkpoint: a cancel's 3 pages or a record's
	// ~12 (its row, 8 indexes, the counts) give WALs of some 300–1,200 pages.
	checkpointEvery = 100
	// walBackstopPages is wal_autocheckpoint.
	walBackstopPages = 10000
)

type checkpointer struct {
	db      *sql.DB
	mu      sync.Mutex
	commits int
	due     chan struct{}
	quit    chan struct{}
	stopped chan struct{}
	once    sync.Once
	// done counts the checkpoints run (tests).
	done atomic.Int64
}

func startCheckpointer(db *sql.DB) *checkpointer {
	c := &checkpointer{db: db, due: make(chan struct{}, 1), quit: make(chan struct{}), stopped: make(chan struct{})}
	go c.run()
	return c
}

// committed counts a write transaction and wakes the goroutine every checkpointEvery.
func (c *checkpointer) committed() {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.commits++
	wake := c.commits >= checkpointEvery
	if wake {
		c.commits = 0
	}
	c.mu.Unlock()
	if wake {
		select {
		case c.due <- struct{}{}:
		default: // one is due already
		}
	}
}

func (c *checkpointer) run() {
	defer close(c.stopped)
	for {
		select {
		case <-c.quit:
			return
		case <-c.due:
		}
		// An error (the checkpoint lock taken by the backstop, a closing database) leaves
		// the WAL to the next round or to the backstop: nothing is lost by skipping one.
		if _, err := c.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)"); err == nil {
			c.done.Add(1)
		}
	}
}

// now checkpoints at once, on the caller's goroutine: after a bulk write (Import), whose pages
// would otherwise stay in the WAL — every read then looks them up there and preads them,
// instead of reading the mmapped database (a GET at 100,000 imported payments: 19.7 → 13.1 µs
// in the handler).
func (c *checkpointer) now(ctx context.Context) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.commits = 0
	c.mu.Unlock()
	if _, err := c.db.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)"); err == nil {
		c.done.Add(1)
	}
}

// stop ends the goroutine after the checkpoint under way, if any; again, it does nothing.
func (c *checkpointer) stop() {
	if c == nil {
		return
	}
	c.once.Do(func() { close(c.quit) })
	<-c.stopped
}
