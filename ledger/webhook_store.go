package ledger

import (
	"context"
	"database/sql"
	"strconv"
)

// The webhook history: every webhook the sandbox sent (webhooks) and every try of it
// (webhook_tries), for GET /sandbox/webhooks, resends and the demo page.
const webhookSchema = `
CREATE TABLE IF NOT EXISTS webhooks (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	merchant_code   TEXT NOT NULL,
	imp_uid         TEXT NOT NULL,
	merchant_uid    TEXT NOT NULL,
	status          TEXT NOT NULL,
	cancellation_id TEXT NOT NULL,
	url             TEXT NOT NULL,
	content_type    TEXT NOT NULL,
	retry           INTEGER NOT NULL,
	event           TEXT NOT NULL,
	created_at      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS webhooks_by_merchant ON webhooks (merchant_code, id);
CREATE TABLE IF NOT EXISTS webhook_tries (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	webhook_id    INTEGER NOT NULL,
	merchant_code TEXT NOT NULL,
	attempt       INTEGER NOT NULL,
	http_status   INTEGER NOT NULL,
	error         TEXT NOT NULL,
	at            INTEGER NOT NULL,
	final         INTEGER NOT NULL,
	resend        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_tries_by_merchant ON webhook_tries (merchant_code, id);
`

// Attempt is one try of a webhook, with the webhook it belongs to.
type Attempt struct {
	WebhookID      int64  `json:"webhook_id"`
	MerchantCode   string `json:"-"`
	ImpUID         string `json:"imp_uid"`
	MerchantUID    string `json:"merchant_uid"`
	Status         string `json:"status"`
	CancellationID string `json:"cancellation_id,omitempty"`
	URL            string `json:"url"`
	ContentType    string `json:"content_type"`
	Event          string `json:"event"`
	Attempt        int    `json:"attempt"`
	HTTPStatus     int    `json:"http_status"` // 0: no response
	Error          string `json:"error"`       // "" on success
	At             int64  `json:"at"`
	// Final is set on the last try of a delivery: it succeeded or no retry follows.
	Final  bool `json:"final"`
	Resend bool `json:"resend"` // a resend through POST /sandbox/webhooks/{id}/resend
}

// keptWebhooks bounds the webhook history per merchant: the demo's view, not an audit log.
const keptWebhooks = 1000

// AddWebhook records a webhook about to be sent and returns its id.
func (s *Store) AddWebhook(ctx context.Context, w Webhook) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO webhooks
			(merchant_code, imp_uid, merchant_uid, status, cancellation_id, url, content_type, retry, event, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			w.MerchantCode, w.ImpUID, w.MerchantUID, w.Status, w.CancellationID, w.URL, w.ContentType, w.Retry, w.Event, w.CreatedAt)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM webhooks WHERE merchant_code = ? AND id <=
			(SELECT id FROM webhooks WHERE merchant_code = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`, w.MerchantCode, w.MerchantCode, keptWebhooks)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM webhook_tries WHERE merchant_code = ? AND webhook_id NOT IN
			(SELECT id FROM webhooks WHERE merchant_code = ?)`, w.MerchantCode, w.MerchantCode)
		return err
	})
	return id, err
}

// AddTry records one try of a webhook.
func (s *Store) AddTry(ctx context.Context, t Attempt) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO webhook_tries
			(webhook_id, merchant_code, attempt, http_status, error, at, final, resend) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			t.WebhookID, t.MerchantCode, t.Attempt, t.HTTPStatus, t.Error, t.At, t.Final, t.Resend)
		return err
	})
}

func (s *Store) tryCount(ctx context.Context, webhookID int64) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM webhook_tries WHERE webhook_id = ?", webhookID).Scan(&n)
	return n, err
}

// Webhook returns the merchant's webhook by id.
func (s *Store) Webhook(ctx context.Context, merchantCode string, id int64) (Webhook, error) {
	w := Webhook{ID: id, MerchantCode: merchantCode}
	err := s.db.QueryRowContext(ctx, `SELECT imp_uid, merchant_uid, status, cancellation_id, url, content_type, retry, event, created_at
		FROM webhooks WHERE id = ? AND merchant_code = ?`, id, merchantCode).
		Scan(&w.ImpUID, &w.MerchantUID, &w.Status, &w.CancellationID, &w.URL, &w.ContentType, &w.Retry, &w.Event, &w.CreatedAt)
	if err == sql.ErrNoRows {
		return w, notFound("no webhook with id " + strconv.FormatInt(id, 10) + " for this merchant: GET /sandbox/webhooks lists them")
	}
	return w, err
}

// Attempts returns the merchant's latest webhook tries, oldest first; impUID "" is all of them.
func (s *Store) Attempts(ctx context.Context, merchantCode string, limit int) ([]Attempt, error) {
	return s.attempts(ctx, merchantCode, "", limit)
}

func (s *Store) attempts(ctx context.Context, merchantCode, impUID string, limit int) ([]Attempt, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT * FROM (
		SELECT t.id, t.webhook_id, w.imp_uid, w.merchant_uid, w.status, w.cancellation_id, w.url, w.content_type, w.event,
			t.attempt, t.http_status, t.error, t.at, t.final, t.resend
		FROM webhook_tries t JOIN webhooks w ON w.id = t.webhook_id
		WHERE t.merchant_code = ? AND (? = '' OR w.imp_uid = ?) ORDER BY t.id DESC LIMIT ?) ORDER BY id ASC`,
		merchantCode, impUID, impUID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []Attempt{}
	for rows.Next() {
		a := Attempt{MerchantCode: merchantCode}
		var id int64
		if err := rows.Scan(&id, &a.WebhookID, &a.ImpUID, &a.MerchantUID, &a.Status, &a.CancellationID, &a.URL, &a.ContentType, &a.Event,
			&a.Attempt, &a.HTTPStatus, &a.Error, &a.At, &a.Final, &a.Resend); err != nil {
			return nil, err
		}
		// The webhook keeps its URL as given (a resend needs it); no listing shows a password.
		a.URL = withoutCredentials(a.URL)
		list = append(list, a)
	}
	return list, rows.Err()
}

// resetREST forgets the merchant's rows of the REST surface's tables (IMP.sandbox.reset()).
func resetREST(ctx context.Context, tx *sql.Tx, merchantCode string) error {
	for _, table := range []string{"prepared", "attempts", "escrow_logis", "webhooks", "webhook_tries"} {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE merchant_code = ?", merchantCode); err != nil {
			return err
		}
	}
	return nil
}
