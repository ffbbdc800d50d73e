// Package ledger is impshim's server-side sandbox: a payment ledger in SQLite, the i'mport V1
// REST API a merchant's server uses to verify and cancel payments, the endpoints the JS bridge
// records payments through, and webhook delivery to the request's notice_url.
package ledger

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // pure Go: `make run` needs no C toolchain

	"github.com/impshim/impshim/resolver"
)

// Store is the ledger: payments, access tokens and webhook attempts. It is safe for concurrent
// use, and a file-backed Store keeps everything across restarts.
type Store struct {
	db *sql.DB
	// write serializes writers inside this process: SQLite admits one writer at a time, and
	// queuing here is cheaper and fairer than every writer spinning on SQLITE_BUSY.
	write sync.Mutex
	// stmts: query text → *sql.Stmt (stmts.go).
	stmts sync.Map
	auth  authCache
	// rawDocs: every payment document is in the current form (docform.go), so reads may
	// answer the stored bytes.
	rawDocs bool
	// checkpoints: a file ledger's WAL checkpoints (checkpoint.go); nil in memory.
	checkpoints *checkpointer
}

const schema = `
CREATE TABLE IF NOT EXISTS payments (
	imp_uid       TEXT PRIMARY KEY,
	merchant_code TEXT NOT NULL,
	merchant_uid  TEXT NOT NULL,
	status        TEXT NOT NULL,
	started_at    INTEGER NOT NULL,
	paid_at       INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	seq           INTEGER NOT NULL,
	notice_urls   TEXT NOT NULL,
	doc           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS payments_by_merchant_uid ON payments (merchant_code, merchant_uid, seq);
-- seq numbers payments in the order they were recorded: its index makes the next number
-- (MAX(seq) + 1) one lookup, not a scan of the ledger under the write lock.
CREATE INDEX IF NOT EXISTS payments_by_seq ON payments (seq);
-- One index per listing order the API offers (sortings), with and without a status: a page
-- reads its rows in order and stops at the limit, instead of sorting every row of the merchant.
DROP INDEX IF EXISTS payments_by_status;
CREATE INDEX IF NOT EXISTS payments_by_started ON payments (merchant_code, started_at, seq);
CREATE INDEX IF NOT EXISTS payments_by_paid ON payments (merchant_code, paid_at, seq);
CREATE INDEX IF NOT EXISTS payments_by_updated ON payments (merchant_code, updated_at, seq);
CREATE INDEX IF NOT EXISTS payments_by_status_started ON payments (merchant_code, status, started_at, seq);
CREATE INDEX IF NOT EXISTS payments_by_status_paid ON payments (merchant_code, status, paid_at, seq);
CREATE INDEX IF NOT EXISTS payments_by_status_updated ON payments (merchant_code, status, updated_at, seq);
CREATE TABLE IF NOT EXISTS tokens (
	token         TEXT PRIMARY KEY,
	merchant_code TEXT NOT NULL,
	expired_at    INTEGER NOT NULL
);
`

// Open opens (creating if needed) the ledger at path, or a private in-memory one for ":memory:".
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New(`ledger: empty database path: name a file, or ":memory:" for a throwaway ledger`)
	}
	var dsn string
	memory := path == ":memory:"
	if memory {
		dsn = ":memory:?_pragma=foreign_keys(1)"
	} else {
		if strings.ContainsAny(path, "?#") {
			return nil, errors.New("ledger: database path " + path + " must not contain ? or #: rename the file")
		}
		if dir := filepath.Dir(path); dir != "" {
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				return nil, errors.New("ledger: cannot create " + path + ": the directory " + dir + " does not exist; create it or pass another -db")
			}
		}
		// WAL lets the many readers of GET /payments proceed while one writer records. mmap
		// lets the connections read pages straight from the OS's cache instead of a pread and
		// a copy each (page reads were a tenth of a GET at 100,000 payments: make bench).
		dsn = "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=mmap_size(268435456)&_pragma=wal_autocheckpoint(" + strconv.Itoa(walBackstopPages) + ")&_txlock=immediate"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("ledger: opening %s: %w", path, err)
	}
	if memory {
		// Each connection to ":memory:" is a separate empty database: one connection, kept
		// forever, is the only way every caller sees the same ledger.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	} else {
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
	}
	if _, err := db.Exec(schema + subscribeSchema + clockSchema + certificationSchema + restSchema + webhookSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("ledger: preparing %s (is it an impshim ledger?): %w", path, err)
	}
	if err := addCounts(context.Background(), db); err != nil {
		db.Close()
		return nil, fmt.Errorf("ledger: counting the payments of %s: %w", path, err)
	}
	current, err := syncDocs(context.Background(), db)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("ledger: rewriting the payments of %s in this version's form: %w", path, err)
	}
	s := &Store{db: db, rawDocs: current}
	for _, q := range writeStatements {
		if _, err := s.prepared(context.Background(), q); err != nil {
			s.Close()
			return nil, fmt.Errorf("ledger: preparing %s: %w", path, err)
		}
	}
	if !memory {
		s.checkpoints = startCheckpointer(db)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.checkpoints.stop()
	s.closeStmts()
	return s.db.Close()
}

// tx runs fn in one write transaction, serialized with every other writer of this Store.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	s.write.Lock()
	defer s.write.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.checkpoints.committed()
	return nil
}

// Record is a payment as the bridge saw it complete in the browser.
type Record struct {
	MerchantCode string
	Payment      Payment
	// NoticeURLs are the request's notice_url(s): where webhooks for this payment go.
	NoticeURLs []string
}

// Record stores r. Recording the same status twice is harmless; a "ready" virtual-account
// payment may later become paid, failed or cancelled; any other change of a known payment is
// refused, because the browser cannot undo what the ledger already settled. changed reports
// whether the status is new, i.e. whether a webhook is due.
func (s *Store) Record(ctx context.Context, r Record, now int64) (changed bool, err error) {
	p := r.Payment
	if p.CancelHistory == nil {
		p.CancelHistory = []Cancellation{}
	}
	if p.CancelReceiptURLs == nil {
		p.CancelReceiptURLs = []string{}
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		old, oldCode, _, err := loadPayment(ctx, s.in(tx), "imp_uid = ?", p.ImpUID)
		switch {
		case errors.Is(err, ErrNotFound):
			changed = true
			return insertPayment(ctx, s.in(tx), r.MerchantCode, p, r.NoticeURLs, now)
		case err != nil:
			return err
		case oldCode != r.MerchantCode:
			return conflict("imp_uid " + p.ImpUID + " is already recorded for another merchant; imp_uids are unique")
		case old.Status == p.Status:
			return nil
		case old.Status != StatusReady:
			return conflict("payment " + p.ImpUID + " is already " + old.Status +
				" in the ledger and cannot become " + p.Status + "; start a new payment (new imp_uid) instead")
		}
		// ready → paid/failed/cancelled: the deposit (or its failure) of a virtual account.
		old.Status = p.Status
		old.PaidAt, old.FailedAt, old.CancelledAt = p.PaidAt, p.FailedAt, p.CancelledAt
		if p.FailReason != "" {
			old.FailReason = p.FailReason
		}
		changed = true
		return updatePayment(ctx, s.in(tx), old, now)
	})
	return changed, err
}

// The payment writers' statements (writeStatements prepares them).
const (
	insertPaymentSQL = `INSERT INTO payments
		(imp_uid, merchant_code, merchant_uid, status, started_at, paid_at, updated_at, seq, notice_urls, doc)
		VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM payments), ?, ?)`
	keepStatusSQL    = `UPDATE payments SET updated_at = ?, doc = ? WHERE imp_uid = ? AND status = ? AND paid_at = ?`
	updatePaymentSQL = `UPDATE payments SET status = ?, paid_at = ?, updated_at = ?, doc = ? WHERE imp_uid = ?`
	loadPaymentSQL   = `SELECT merchant_code, notice_urls, doc FROM payments WHERE `
)

var writeStatements = []string{insertPaymentSQL, keepStatusSQL, updatePaymentSQL,
	loadPaymentSQL + "imp_uid = ?", loadPaymentSQL + "imp_uid = ? AND merchant_code = ?"}

func insertPayment(ctx context.Context, tx inTx, code string, p Payment, notice []string, now int64) error {
	doc, err := paymentDoc(p)
	if err != nil {
		return err
	}
	if notice == nil {
		notice = []string{}
	}
	urls, _ := json.Marshal(notice)
	_, err = tx.ExecContext(ctx, insertPaymentSQL,
		p.ImpUID, code, p.MerchantUID, p.Status, p.StartedAt, p.PaidAt, now, string(urls), string(doc))
	return err
}

func updatePayment(ctx context.Context, tx inTx, p Payment, now int64) error {
	doc, err := paymentDoc(p)
	if err != nil {
		return err
	}
	// SQLite rewrites the entries of every index on a column the SET names, changed or not: a
	// partial cancel (status and paid_at as they were) names only what it changes.
	res, err := tx.ExecContext(ctx, keepStatusSQL,
		now, string(doc), p.ImpUID, p.Status, p.PaidAt)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	_, err = tx.ExecContext(ctx, updatePaymentSQL,
		p.Status, p.PaidAt, now, string(doc), p.ImpUID)
	return err
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// loadPayment reads the one payment matching where (a fixed SQL fragment; values go in args).
func loadPayment(ctx context.Context, q queryer, where string, args ...any) (p Payment, code string, notice []string, err error) {
	var doc, urls string
	err = q.QueryRowContext(ctx, loadPaymentSQL+where, args...).Scan(&code, &urls, &doc)
	if err == sql.ErrNoRows {
		return p, "", nil, ErrNotFound
	}
	if err != nil {
		return p, "", nil, err
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return p, "", nil, fmt.Errorf("ledger: a stored payment is unreadable: %w", err)
	}
	_ = json.Unmarshal([]byte(urls), &notice)
	return p, code, notice, nil
}

// Payment returns the merchant's payment with that imp_uid.
func (s *Store) Payment(ctx context.Context, merchantCode, impUID string) (Payment, error) {
	p, _, _, err := loadPayment(lookup(ctx), reads{s}, "imp_uid = ? AND merchant_code = ?", impUID, merchantCode)
	if errors.Is(err, ErrNotFound) {
		err = noPayment(impUID)
	}
	return p, err
}

// FindByMerchantUID returns the merchant's latest payment for that order, of that status
// unless status is "" or "all". An order may have several: failed attempts, then a paid one.
func (s *Store) FindByMerchantUID(ctx context.Context, merchantCode, merchantUID, status string) (Payment, error) {
	ctx = lookup(ctx)
	var p Payment
	var err error
	if status == "" || status == "all" {
		p, _, _, err = loadPayment(ctx, reads{s}, "merchant_code = ? AND merchant_uid = ? ORDER BY seq DESC LIMIT 1", merchantCode, merchantUID)
	} else {
		p, _, _, err = loadPayment(ctx, reads{s}, "merchant_code = ? AND merchant_uid = ? AND status = ? ORDER BY seq DESC LIMIT 1",
			merchantCode, merchantUID, status)
	}
	if errors.Is(err, ErrNotFound) {
		err = notFound("no payment with merchant_uid " + strconv.Quote(merchantUID) + " for this merchant")
	}
	return p, err
}

// ListQuery selects a page of payments, as GET /payments/status/{status} does.
type ListQuery struct {
	Status   string // "all" or a payment status
	Page     int    // from 1
	Limit    int
	From, To int64  // started_at bounds in unix seconds, inclusive; 0 means none
	Sorting  string // "-started" (default), "started", "-paid", "paid", "-updated", "updated"
	// MerchantUID, when set, keeps only that order's payments.
	MerchantUID string
}

var sortings = map[string]string{
	"":         "started_at DESC, seq DESC",
	"-started": "started_at DESC, seq DESC",
	"started":  "started_at ASC, seq ASC",
	"-paid":    "paid_at DESC, seq DESC",
	"paid":     "paid_at ASC, seq ASC",
	"-updated": "updated_at DESC, seq DESC",
	"updated":  "updated_at ASC, seq ASC",
}

// List returns one page of the merchant's payments and how many match in all.
func (s *Store) List(ctx context.Context, merchantCode string, q ListQuery) ([]Payment, int, error) {
	count, pageSQL, args, err := listSQL(merchantCode, q)
	if err != nil {
		return nil, 0, err
	}
	countArgs := args
	if q.MerchantUID == "" && q.From == 0 && q.To == 0 {
		// The whole of the merchant's payments, or those of one status: payment_counts has it.
		count, countArgs = "SELECT COALESCE(SUM(n), 0) FROM payment_counts WHERE merchant_code = ?", []any{merchantCode}
		if q.Status != "" && q.Status != "all" {
			count, countArgs = count+" AND status = ?", append(countArgs, q.Status)
		}
	}
	var total int
	if err := (reads{s}).QueryRowContext(ctx, count, countArgs...).Scan(&total); err != nil {
		return nil, 0, err
	}
	list, err := s.page(ctx, pageSQL, append(args, q.Limit, (q.Page-1)*q.Limit))
	return list, total, err
}

// First is the first payment List would give (its page 1 of 1), without counting them all:
// GET /payments/find/{merchant_uid}. ErrNotFound when there is none.
func (s *Store) First(ctx context.Context, merchantCode string, q ListQuery) (Payment, error) {
	_, pageSQL, args, err := listSQL(merchantCode, q)
	if err != nil {
		return Payment{}, err
	}
	list, err := s.page(lookup(ctx), pageSQL, append(args, 1, 0))
	if err == nil && len(list) == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return Payment{}, err
	}
	return list[0], nil
}

func (s *Store) page(ctx context.Context, query string, args []any) ([]Payment, error) {
	docs, err := s.docs(ctx, query, args)
	if err != nil {
		return nil, err
	}
	list := make([]Payment, len(docs))
	for i, doc := range docs {
		if err := json.Unmarshal([]byte(doc), &list[i]); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// docs runs a query of payment documents (SELECT doc …).
func (s *Store) docs(ctx context.Context, query string, args []any) ([]string, error) {
	rows, err := (reads{s}).QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var docs []string
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	return docs, rows.Err()
}

// paymentAnswer is what GET /payments/{imp_uid} answers: Payment's result, as the stored
// document (storedPayment) when the ledger's documents are all in the current form.
func (s *Store) paymentAnswer(ctx context.Context, merchantCode, impUID string) (any, error) {
	ctx = lookup(ctx)
	if !s.rawDocs {
		return s.Payment(ctx, merchantCode, impUID)
	}
	var doc string
	err := (reads{s}).QueryRowContext(ctx, `SELECT doc FROM payments WHERE imp_uid = ? AND merchant_code = ?`, impUID, merchantCode).Scan(&doc)
	if err == sql.ErrNoRows {
		return nil, noPayment(impUID)
	}
	return storedPayment(doc), err
}

// firstAnswer is First's result as paymentAnswer gives Payment's (GET /payments/find/…).
func (s *Store) firstAnswer(ctx context.Context, merchantCode string, q ListQuery) (any, error) {
	ctx = lookup(ctx)
	if !s.rawDocs {
		return s.First(ctx, merchantCode, q)
	}
	_, pageSQL, args, err := listSQL(merchantCode, q)
	if err != nil {
		return nil, err
	}
	docs, err := s.docs(ctx, pageSQL, append(args, 1, 0))
	if err == nil && len(docs) == 0 {
		err = ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return storedPayment(docs[0]), nil
}

// listSQL is List's count and page queries (the page's takes LIMIT and OFFSET after args).
// Every one reads an index (TestListPlansUseIndexes): in the page's order, but for an order's
// few payments and for a started_at range sorted by another time, which sort what they found.
func listSQL(merchantCode string, q ListQuery) (count, page string, args []any, err error) {
	order, ok := sortings[q.Sorting]
	if !ok {
		return "", "", nil, invalid("sorting", "sorting must be one of -started, started, -paid, paid, -updated, updated")
	}
	where := "merchant_code = ?"
	args = []any{merchantCode}
	if q.Status != "" && q.Status != "all" {
		where += " AND status = ?"
		args = append(args, q.Status)
	}
	if q.MerchantUID != "" {
		where += " AND merchant_uid = ?"
		args = append(args, q.MerchantUID)
	}
	if q.From > 0 {
		where += " AND started_at >= ?"
		args = append(args, q.From)
	}
	if q.To > 0 {
		where += " AND started_at <= ?"
		args = append(args, q.To)
	}
	table := "payments"
	if q.MerchantUID != "" {
		// An order has a handful of payments: find them first, then sort them. Left to itself,
		// SQLite may walk the sorting's index through every payment of the merchant instead.
		table = "payments INDEXED BY payments_by_merchant_uid"
	}
	return "SELECT COUNT(*) FROM " + table + " WHERE " + where,
		"SELECT doc FROM " + table + " WHERE " + where + " ORDER BY " + order + " LIMIT ? OFFSET ?", args, nil
}

// Cancel is a cancellation request (POST /payments/cancel).
type Cancel struct {
	ImpUID, MerchantUID string
	Amount              *Amount // nil or 0: everything that remains
	TaxFree             *Amount
	Checksum            *Amount // what the caller believes remains cancellable; nil skips the check
	Reason              string
	RefundHolder        string
	RefundBank          string
	RefundAccount       string
	RefundTel           string
}

// Cancel takes back all or part of a payment. It refuses a checksum that is not the amount
// still cancellable, more than remains, and a paid virtual-account payment without the refund
// account. changed reports whether the status changed (full cancellation: a webhook is due).
func (s *Store) Cancel(ctx context.Context, merchantCode string, c Cancel, now int64) (p Payment, notice []string, changed bool, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if c.ImpUID != "" {
			p, _, notice, err = loadPayment(ctx, s.in(tx), "imp_uid = ? AND merchant_code = ?", c.ImpUID, merchantCode)
		} else {
			// The paid attempt of an order is the one to cancel, not a failed retry before it.
			p, _, notice, err = loadPayment(ctx, s.in(tx),
				"merchant_code = ? AND merchant_uid = ? ORDER BY (status IN ('paid', 'ready')) DESC, seq DESC LIMIT 1",
				merchantCode, c.MerchantUID)
		}
		if errors.Is(err, ErrNotFound) {
			which := "imp_uid " + strconv.Quote(c.ImpUID)
			if c.ImpUID == "" {
				which = "merchant_uid " + strconv.Quote(c.MerchantUID)
			}
			return refusedIn(msgCancelNotFound, "no payment with "+which+" for this merchant, so nothing was cancelled")
		}
		if err != nil {
			return err
		}
		if err := checkCancel(&p, c); err != nil {
			return err
		}
		amount := p.Cancellable()
		if c.Amount != nil && *c.Amount != 0 {
			amount = *c.Amount
		}
		p.CancelAmount += amount
		p.CancelReason = Text(c.Reason)
		p.CancelledAt = now
		receipt := p.ReceiptURL
		p.CancelHistory = append(p.CancelHistory, Cancellation{
			PGTID: p.PGTID, Amount: amount, CancelledAt: now, Reason: Text(c.Reason), ReceiptURL: receipt,
			CancellationID: Text("cancel_" + randomDigits(16)),
		})
		if receipt != "" {
			p.CancelReceiptURLs = append(p.CancelReceiptURLs, string(receipt))
		}
		// A partial cancellation leaves the payment paid, as the real service does; only
		// taking back the last of it makes it cancelled.
		if p.CancelAmount >= p.Amount {
			p.Status = StatusCancelled
			changed = true
		}
		return updatePayment(ctx, s.in(tx), p, now)
	})
	return p, notice, changed, err
}

// checkCancel refuses as the real API does, with HTTP 200 and code 1. Its texts for the
// unknown and the fully cancelled payment are the real ones (rest_messages.go); the others are
// the sandbox's wording, the real ones not being public.
func checkCancel(p *Payment, c Cancel) error {
	switch {
	case p.Status == StatusFailed:
		return refusedIn(msgCancelNotFound, "payment "+p.ImpUID+" failed, so there is nothing to cancel")
	case p.Status == StatusCancelled:
		return refusedIn(msgCancelAlreadyFull, "payment "+p.ImpUID+" is already fully cancelled")
	case p.Status == StatusReady && p.PayMethod != "vbank":
		return refusedIn(msgCancelNotFound, "payment "+p.ImpUID+" is not paid: its window is open or was left without an answer")
	}
	if err := checkDecimals(p.Currency, map[string]*Amount{"amount": c.Amount, "checksum": c.Checksum, "tax_free": c.TaxFree}); err != nil {
		return err
	}
	remain := p.Cancellable()
	if c.Checksum != nil && *c.Checksum != remain {
		return refusedIn("요청하신 checksum 이 취소가능 잔액과 일치하지 않습니다.", "checksum "+c.Checksum.String()+
			" does not match the cancellable amount "+remain.String()+" of payment "+p.ImpUID+
			": fetch the payment again (GET /payments/"+p.ImpUID+") and send amount - cancel_amount as checksum")
	}
	if c.Amount != nil && *c.Amount > remain {
		return refusedIn("취소요청 금액이 취소가능 잔액보다 큽니다.", "amount "+c.Amount.String()+" is more than the "+
			remain.String()+" still cancellable on payment "+p.ImpUID)
	}
	if p.Status == StatusReady && c.Amount != nil && *c.Amount != 0 && *c.Amount != remain {
		return refusedIn("입금 전 가상계좌는 전액취소만 가능합니다.", "payment "+p.ImpUID+
			" is an unpaid virtual account: it can only be cancelled in full; omit amount")
	}
	cancelling := remain
	if c.Amount != nil && *c.Amount != 0 {
		cancelling = *c.Amount
	}
	if c.TaxFree != nil && *c.TaxFree > cancelling {
		return refusedIn("면세금액이 취소요청 금액보다 큽니다.", "tax_free "+c.TaxFree.String()+" is more than the "+
			cancelling.String()+" being cancelled")
	}
	if p.PayMethod == "vbank" && p.Status == StatusPaid {
		var missing []string
		for _, f := range [][2]string{{"refund_holder", c.RefundHolder}, {"refund_bank", c.RefundBank}, {"refund_account", c.RefundAccount}} {
			if strings.TrimSpace(f[1]) == "" {
				missing = append(missing, f[0])
			}
		}
		if len(missing) > 0 {
			return refusedIn("가상계좌 환불에 필요한 환불계좌 정보가 누락되었습니다.", "payment "+p.ImpUID+
				" was paid into a virtual account: the refund needs "+strings.Join(missing, ", ")+" (the account the money goes back to)")
		}
	}
	return nil
}

// checkDecimals refuses amounts with more decimals than the payment's currency has (resolver's
// rule: 10.5 is no KRW amount, the SDK could never have charged it).
func checkDecimals(currency string, amounts map[string]*Amount) error {
	var errs []error
	for _, name := range []string{"amount", "checksum", "tax_free"} {
		if v := amounts[name]; v != nil {
			if e := resolver.CheckAmountText(v.String(), currency); e != nil {
				errs = append(errs, invalid(name, name+": "+e.Message))
			}
		}
	}
	return errors.Join(errs...)
}

// Reset forgets every payment and webhook attempt of the merchant and returns how many
// payments it forgot.
func (s *Store) Reset(ctx context.Context, merchantCode string) (int, error) {
	var n int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM payments WHERE merchant_code = ?", merchantCode)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return resetREST(ctx, tx, merchantCode)
	})
	return int(n), err
}

// Token is an access token of the REST API.
type Token struct {
	AccessToken string `json:"access_token"`
	Now         int64  `json:"now"`
	ExpiredAt   int64  `json:"expired_at"`
}

// IssueToken returns the merchant's access token, as the real API does: while a token is
// valid the same one comes back, so a merchant's several servers share it, and asking in its
// last minute extends it by 5 minutes; otherwise a new one lives ttl seconds. Expired tokens
// are dropped.
func (s *Store) IssueToken(ctx context.Context, merchantCode string, now, ttl int64) (Token, error) {
	var t Token
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM tokens WHERE merchant_code = ? AND expired_at <= ?", merchantCode, now); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, "SELECT token, expired_at FROM tokens WHERE merchant_code = ? ORDER BY expired_at DESC LIMIT 1",
			merchantCode).Scan(&t.AccessToken, &t.ExpiredAt)
		if err == nil {
			t.Now = now
			if t.ExpiredAt-now <= 60 {
				t.ExpiredAt += 5 * 60
				_, err = tx.ExecContext(ctx, "UPDATE tokens SET expired_at = ? WHERE token = ?", t.ExpiredAt, t.AccessToken)
			}
			return err
		}
		if err != sql.ErrNoRows {
			return err
		}
		var raw [20]byte
		if _, err := rand.Read(raw[:]); err != nil {
			return err
		}
		t = Token{AccessToken: hex.EncodeToString(raw[:]), Now: now, ExpiredAt: now + ttl}
		_, err = tx.ExecContext(ctx, "INSERT INTO tokens (token, merchant_code, expired_at) VALUES (?, ?, ?)",
			t.AccessToken, merchantCode, t.ExpiredAt)
		return err
	})
	if err == nil {
		s.auth.issued(merchantCode, now, t.AccessToken, t.ExpiredAt)
	}
	return t, err
}

// TokenMerchant returns the merchant a token belongs to, and false when the token is unknown
// or has expired.
func (s *Store) TokenMerchant(ctx context.Context, token string, now int64) (string, bool, error) {
	var code string
	var exp int64
	err := s.db.QueryRowContext(ctx, "SELECT merchant_code, expired_at FROM tokens WHERE token = ?", token).Scan(&code, &exp)
	if err == sql.ErrNoRows {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	return code, exp > now, nil
}

// exists reports whether the payment is still in the ledger (a reset may have dropped it
// while its webhook was being retried).
func (s *Store) exists(ctx context.Context, impUID string) bool {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM payments WHERE imp_uid = ?", impUID).Scan(&n)
	return err == nil && n > 0
}

// Deposit turns an unpaid virtual-account payment ("ready") into a paid one.
func (s *Store) Deposit(ctx context.Context, merchantCode, impUID string, now int64) (p Payment, notice []string, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		p, _, notice, err = loadPayment(ctx, s.in(tx), "imp_uid = ? AND merchant_code = ?", impUID, merchantCode)
		if errors.Is(err, ErrNotFound) {
			return notFound("no payment with imp_uid " + strconv.Quote(impUID) + " for merchant " + merchantCode)
		}
		if err != nil {
			return err
		}
		if p.Status != StatusReady || p.PayMethod != "vbank" {
			// An open window (ready, by card) takes no deposit either: only the window makes it paid.
			return conflict("payment " + impUID + " is " + p.Status + " by " + p.PayMethod + ": only an unpaid virtual account takes a deposit")
		}
		if p.VbankDate > 0 && now > p.VbankDate {
			return refused(-1, "입금기한이 지난 가상계좌입니다.", "virtual account "+impUID+"'s deadline vbank_date "+strconv.FormatInt(p.VbankDate, 10)+
				" has passed on the merchant's sandbox clock (now "+strconv.FormatInt(now, 10)+"): the bank no longer takes the deposit", ErrConflict)
		}
		p.Status, p.PaidAt = StatusPaid, now
		return updatePayment(ctx, s.in(tx), p, now)
	})
	return p, notice, err
}

// Import stores many new payments in one transaction: a ledger seeded with fixtures (a bench's
// 100,000 payments, a test's history) in seconds rather than one commit per payment. It refuses
// the whole batch if any imp_uid is already in the ledger. The WAL is checkpointed before it
// returns (checkpointer.now).
func (s *Store) Import(ctx context.Context, rs []Record, now int64) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, r := range rs {
			p := r.Payment
			if p.CancelHistory == nil {
				p.CancelHistory = []Cancellation{}
			}
			if p.CancelReceiptURLs == nil {
				p.CancelReceiptURLs = []string{}
			}
			if err := insertPayment(ctx, s.in(tx), r.MerchantCode, p, r.NoticeURLs, now); err != nil {
				return fmt.Errorf("ledger: importing %s: %w", p.ImpUID, err)
			}
		}
		return nil
	})
	if err == nil {
		s.checkpoints.now(ctx)
	}
	return err
}
