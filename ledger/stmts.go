package ledger

import (
	"context"
	"database/sql"
)

// The read path's prepared statements. modernc's SQLite parses a query's text anew on every
// call: a quarter of a GET /payments/{imp_uid}'s time went to the parser (make bench,
// -rest-profile). The queries are fixed texts — a few fragments combined, never values — so
// the cache is bounded by the code, and database/sql prepares each on a connection once.

// lookup detaches a read of one payment by an index from its request's cancellation. With a
// context that can end, database/sql and the driver each start a goroutine per query to watch
// it, in case it must be interrupted — a quarter of the CPU of a GET /payments/{imp_uid}
// (20 → 15 µs a request, 69 → 59 allocations), to interrupt a lookup of microseconds. Listings
// keep their request's context: a deep page can take longer.
func lookup(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

// prepared returns the statement for query, preparing it the first time.
func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if old, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return old.(*sql.Stmt), nil
	}
	return st, nil
}

// reads is the Store's read path through prepared statements (a queryer, as *sql.DB is).
type reads struct{ s *Store }

func (r reads) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := r.s.prepared(ctx, query)
	if err != nil {
		return r.s.db.QueryRowContext(ctx, query, args...) // gives the same error, as a Row
	}
	return st.QueryRowContext(ctx, args...)
}

func (r reads) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := r.s.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// inTx is a write transaction going through the Store's prepared statements: the payment
// writers' queries (load, insert, update) were parsed anew on every write, a fifth of a
// partial cancel's time under the write lock. It takes only statements prepared already
// (Open prepares writeStatements): preparing one inside the transaction would wait for a
// second connection, and an in-memory ledger has one. Others run unprepared, as tx's own.
type inTx struct {
	s  *Store
	tx *sql.Tx
}

func (s *Store) in(tx *sql.Tx) inTx { return inTx{s, tx} }

func (w inTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st, ok := w.s.stmts.Load(query); ok {
		return w.tx.StmtContext(ctx, st.(*sql.Stmt)).QueryRowContext(ctx, args...)
	}
	return w.tx.QueryRowContext(ctx, query, args...)
}

func (w inTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st, ok := w.s.stmts.Load(query); ok {
		return w.tx.StmtContext(ctx, st.(*sql.Stmt)).ExecContext(ctx, args...)
	}
	return w.tx.ExecContext(ctx, query, args...)
}

func (s *Store) closeStmts() {
	s.stmts.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		s.stmts.Delete(k)
		return true
	})
}
