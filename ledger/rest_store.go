package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
)

// The ledger's tables for the REST surface beyond payments: amounts registered with
// POST /payments/prepare, the window's payment attempts (the approval the window gave), and
// escrow shipping records.
const restSchema = `
CREATE TABLE IF NOT EXISTS prepared (
	merchant_code TEXT NOT NULL,
	merchant_uid  TEXT NOT NULL,
	amount        INTEGER NOT NULL,
	currency      TEXT NOT NULL,
	updated_at    INTEGER NOT NULL,
	PRIMARY KEY (merchant_code, merchant_uid)
);
CREATE TABLE IF NOT EXISTS attempts (
	imp_uid       TEXT PRIMARY KEY,
	merchant_code TEXT NOT NULL,
	merchant_uid  TEXT NOT NULL,
	request       TEXT NOT NULL,
	setting       TEXT NOT NULL,
	approval      TEXT NOT NULL,
	approved_at   INTEGER NOT NULL,
	completed_at  INTEGER NOT NULL,
	created_at    INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS escrow_logis (
	imp_uid       TEXT PRIMARY KEY,
	merchant_code TEXT NOT NULL,
	doc           TEXT NOT NULL
);
`

// Prepared is an amount registered for an order before its window opens
// (PaymentPrepareAnnotation).
type Prepared struct {
	MerchantUID string `json:"merchant_uid"`
	Amount      Amount `json:"amount"`
	// Currency is "" when none was registered: the real API then checks the amount alone.
	Currency Text `json:"currency"`
}

// errPreparedExists is Prepare's answer for an order registered already (PUT changes it).
var errPreparedExists = errors.New("already prepared")

// Prepare registers (or, with update, changes) the amount of an order. A new registration of
// a registered order is errPreparedExists; an update of an unknown one is errNotFound.
func (s *Store) Prepare(ctx context.Context, merchantCode string, p Prepared, update bool, now int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM prepared WHERE merchant_code = ? AND merchant_uid = ?",
			merchantCode, p.MerchantUID).Scan(&n); err != nil {
			return err
		}
		switch {
		case update && n == 0:
			return ErrNotFound
		case !update && n > 0:
			return errPreparedExists
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO prepared (merchant_code, merchant_uid, amount, currency, updated_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (merchant_code, merchant_uid) DO UPDATE
			SET amount = excluded.amount, currency = excluded.currency, updated_at = excluded.updated_at`,
			merchantCode, p.MerchantUID, int64(p.Amount), string(p.Currency), now)
		return err
	})
}

// PreparedFor returns the order's registered amount; ok is false when none is.
func (s *Store) PreparedFor(ctx context.Context, merchantCode, merchantUID string) (p Prepared, ok bool, err error) {
	var amount int64
	var currency string
	err = s.db.QueryRowContext(ctx, "SELECT amount, currency FROM prepared WHERE merchant_code = ? AND merchant_uid = ?",
		merchantCode, merchantUID).Scan(&amount, &currency)
	if err == sql.ErrNoRows {
		return Prepared{}, false, nil
	}
	if err != nil {
		return Prepared{}, false, err
	}
	return Prepared{MerchantUID: merchantUID, Amount: Amount(amount), Currency: Text(currency)}, true, nil
}

// PaidOrder reports whether the merchant has a paid payment for the order (F1002).
func (s *Store) PaidOrder(ctx context.Context, merchantCode, merchantUID string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM payments WHERE merchant_code = ? AND merchant_uid = ? AND status = 'paid'",
		merchantCode, merchantUID).Scan(&n)
	return n > 0, err
}

// AttemptSetting is the PG setting the resolver chose for an attempt.
type AttemptSetting struct {
	PG      string `json:"pg"`
	MID     string `json:"mid"`
	PayType string `json:"pay_type"`
}

// PaymentAttempt is one opened payment window: what was asked, through which setting, and what
// the window itself approved. A page's script can send the bridge's calls too; only the window
// page, on the server's own origin, can give the approval that lets an attempt become paid.
type PaymentAttempt struct {
	ImpUID       string
	MerchantCode string
	MerchantUID  string
	Request      json.RawMessage // the params snapshot
	Setting      AttemptSetting
	Approval     string // "" until the window answers; then paid, failed or cancelled
	ApprovedAt   int64
	CompletedAt  int64 // when the outcome was recorded; 0 while the window is open
}

// OpenAttempt records an attempt and its payment (status ready) in one transaction, so the
// payment exists from the moment the window opens. It refuses, as the real service does, an
// order that is paid already (F1002) and an amount other than the one registered with
// POST /payments/prepare.
func (s *Store) OpenAttempt(ctx context.Context, a PaymentAttempt, p Payment, notice []string, now int64) error {
	setting, err := json.Marshal(a.Setting)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		var code string
		err := tx.QueryRowContext(ctx, "SELECT merchant_code FROM payments WHERE imp_uid = ?", a.ImpUID).Scan(&code)
		switch {
		case err == nil:
			return conflict("imp_uid " + quote(a.ImpUID) + " is already in the ledger: every window gets a new imp_uid")
		case err != sql.ErrNoRows:
			return err
		}
		if err := refuseAttempt(ctx, tx, a, p); err != nil {
			return err
		}
		if p.CancelHistory == nil {
			p.CancelHistory = []Cancellation{}
		}
		if p.CancelReceiptURLs == nil {
			p.CancelReceiptURLs = []string{}
		}
		if err := insertPayment(ctx, s.in(tx), a.MerchantCode, p, notice, now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO attempts
			(imp_uid, merchant_code, merchant_uid, request, setting, approval, approved_at, completed_at, created_at)
			VALUES (?, ?, ?, ?, ?, '', 0, 0, ?)`, a.ImpUID, a.MerchantCode, a.MerchantUID, string(a.Request), string(setting), now)
		return err
	})
}

// refuseAttempt is the server's check before a window opens: F1002, then the prepared amount.
func refuseAttempt(ctx context.Context, tx *sql.Tx, a PaymentAttempt, p Payment) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM payments WHERE merchant_code = ? AND merchant_uid = ? AND status = 'paid'",
		a.MerchantCode, a.MerchantUID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return &Refusal{Kind: ErrConflict, ErrorCode: "F1002", Message: msgAlreadyPaid}
	}
	var amount int64
	var currency string
	err := tx.QueryRowContext(ctx, "SELECT amount, currency FROM prepared WHERE merchant_code = ? AND merchant_uid = ?",
		a.MerchantCode, a.MerchantUID).Scan(&amount, &currency)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	if Amount(amount) != p.Amount || (currency != "" && currency != p.Currency) {
		want := Amount(amount).String()
		if currency != "" {
			want += " " + currency
		}
		return &Refusal{Kind: ErrConflict, ErrorCode: CodePreparedMismatch,
			Message: "사전등록된 결제금액(" + want + ")과 결제요청 금액(" + p.Amount.String() + " " + p.Currency + ")이 일치하지 않습니다."}
	}
	return nil
}

// CodePreparedMismatch is the bridge's error_code for an amount that differs from the one
// registered with POST /payments/prepare. The real service stops the window then (OpenAPI,
// POST /payments/prepare: "PG사 결제창 호출이 중단됩니다"); its own code and text for it are not
// public, so the sandbox names the code and words the message in the real one's style.
const CodePreparedMismatch = "PREPARED_AMOUNT_MISMATCH"

// Attempt returns the merchant's attempt.
func (s *Store) Attempt(ctx context.Context, merchantCode, impUID string) (PaymentAttempt, error) {
	return loadAttempt(ctx, s.db, merchantCode, impUID)
}

func loadAttempt(ctx context.Context, q queryer, merchantCode, impUID string) (PaymentAttempt, error) {
	a := PaymentAttempt{ImpUID: impUID, MerchantCode: merchantCode}
	var request, setting string
	err := q.QueryRowContext(ctx, `SELECT merchant_uid, request, setting, approval, approved_at, completed_at FROM attempts
		WHERE imp_uid = ? AND merchant_code = ?`, impUID, merchantCode).Scan(&a.MerchantUID, &request, &setting, &a.Approval, &a.ApprovedAt, &a.CompletedAt)
	if err == sql.ErrNoRows {
		return a, &Refusal{Kind: ErrNotFound, Message: "no payment attempt with imp_uid " + quote(impUID) +
			" for merchant " + quote(merchantCode) + ": POST {sdk}/sandbox/attempts opens one before the window"}
	}
	if err != nil {
		return a, err
	}
	a.Request = json.RawMessage(request)
	if err := json.Unmarshal([]byte(setting), &a.Setting); err != nil {
		return a, fmt.Errorf("ledger: a stored attempt is unreadable: %w", err)
	}
	return a, nil
}

// Approve records what the window answered. The window answers once; the same answer again is
// harmless, another one is refused.
func (s *Store) Approve(ctx context.Context, merchantCode, impUID, result string, now int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		a, err := loadAttempt(ctx, tx, merchantCode, impUID)
		if err != nil {
			return err
		}
		switch {
		case a.Approval == result:
			return nil
		case a.Approval != "":
			return conflict("the window already answered " + quote(a.Approval) + " for " + impUID + "; a window answers once")
		case a.CompletedAt != 0:
			return conflict("payment " + impUID + " is already completed; its window cannot answer any more")
		}
		_, err = tx.ExecContext(ctx, "UPDATE attempts SET approval = ?, approved_at = ? WHERE imp_uid = ?", result, now, impUID)
		return err
	})
}

// CompleteAttempt records the attempt's outcome: its payment, still ready, becomes p (paid,
// ready with a virtual account, or failed). A success needs the window's approval of paid.
// changed reports whether the payment's status changed or a virtual account was issued: a
// webhook is due.
func (s *Store) CompleteAttempt(ctx context.Context, merchantCode string, p Payment, now int64) (changed bool, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		a, err := loadAttempt(ctx, tx, merchantCode, p.ImpUID)
		if err != nil {
			return err
		}
		old, _, _, err := loadPayment(ctx, s.in(tx), "imp_uid = ? AND merchant_code = ?", p.ImpUID, merchantCode)
		if err != nil {
			return err
		}
		if a.CompletedAt != 0 {
			if old.Status == p.Status {
				return nil // the bridge retried after a lost answer
			}
			return conflict("payment " + p.ImpUID + " is already " + old.Status + " in the ledger; its outcome was recorded")
		}
		success := p.Status == StatusPaid || p.Status == StatusReady
		if success && a.Approval != StatusPaid {
			why := "the window has not approved it"
			if a.Approval != "" {
				why = "the window answered " + quote(a.Approval)
			}
			return &Refusal{Kind: ErrForbidden, ErrorCode: "NOT_APPROVED", Message: "payment " + p.ImpUID + " cannot be recorded as " + p.Status +
				": " + why + ". Only the mock window (POST …/approval from the server's own origin) approves a payment; a page's script cannot"}
		}
		if p.MerchantUID != a.MerchantUID {
			return invalid("response.merchant_uid", "response.merchant_uid "+quote(p.MerchantUID)+" is not the attempt's "+quote(a.MerchantUID))
		}
		p.StartedAt = old.StartedAt
		p.CancelHistory, p.CancelReceiptURLs = []Cancellation{}, []string{}
		changed = success // a failure changes the status too, but never calls a webhook
		if err := updatePayment(ctx, s.in(tx), p, now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE attempts SET completed_at = ? WHERE imp_uid = ?", now, p.ImpUID)
		return err
	})
	return changed, err
}
