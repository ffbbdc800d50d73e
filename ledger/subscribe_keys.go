package ledger

// The billing keys of the ledger: issued from card fields, in the window, or by a one-time
// charge with customer_uid; replaced under a used customer_uid; deleted.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// IssueBillingKey stores k under its customer_uid, replacing the card of a key already there
// (the real service's rule; Inserted stays, Updated moves) or of a deleted one (a new key).
func (s *Store) IssueBillingKey(ctx context.Context, merchantCode string, k BillingKey, magic Magic, now int64) (BillingKey, error) {
	var out BillingKey
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = issueKey(ctx, tx, merchantCode, k, magic, now)
		return err
	})
	return out, err
}

func issueKey(ctx context.Context, tx *sql.Tx, code string, k BillingKey, magic Magic, now int64) (BillingKey, error) {
	if err := checkCustomerUID(k.CustomerUID); err != nil {
		return k, err
	}
	k.Sandbox = true
	k.Inserted, k.Updated = now, now
	if old, _, deletedAt, err := loadKey(ctx, tx, code, k.CustomerUID); err == nil && deletedAt == 0 {
		k.Inserted = old.Inserted
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return k, err
	}
	doc, err := json.Marshal(k)
	if err != nil {
		return k, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO billing_keys (merchant_code, customer_uid, magic, deleted_at, doc)
		VALUES (?, ?, ?, 0, ?) ON CONFLICT (merchant_code, customer_uid) DO UPDATE SET magic = excluded.magic, deleted_at = 0, doc = excluded.doc`,
		code, k.CustomerUID, string(magic), string(doc))
	return k, err
}

// loadKey reads a key, deleted ones too (deletedAt > 0), so a refusal can say it was deleted.
func loadKey(ctx context.Context, q queryer, code, uid string) (BillingKey, Magic, int64, error) {
	var k BillingKey
	var doc, magic string
	var deletedAt int64
	err := q.QueryRowContext(ctx, "SELECT magic, deleted_at, doc FROM billing_keys WHERE merchant_code = ? AND customer_uid = ?",
		code, uid).Scan(&magic, &deletedAt, &doc)
	if err == sql.ErrNoRows {
		return k, "", 0, ErrNotFound
	}
	if err != nil {
		return k, "", 0, err
	}
	if err := json.Unmarshal([]byte(doc), &k); err != nil {
		return k, "", 0, fmt.Errorf("ledger: a stored billing key is unreadable: %w", err)
	}
	return k, Magic(magic), deletedAt, nil
}

// liveKey is the merchant's key under uid, or the real API's refusal for an unknown or deleted one.
func liveKey(ctx context.Context, q queryer, code, uid string, refuse func(string, int64) *Refusal) (BillingKey, Magic, error) {
	k, magic, deletedAt, err := loadKey(ctx, q, code, uid)
	if errors.Is(err, ErrNotFound) {
		return k, "", refuse(uid, 0)
	}
	if err != nil {
		return k, "", err
	}
	if deletedAt > 0 {
		return k, "", refuse(uid, deletedAt)
	}
	if magic == MagicNone {
		magic = uidMagic(uid)
	}
	return k, magic, nil
}

// BillingKey returns the merchant's key under customer_uid.
func (s *Store) BillingKey(ctx context.Context, merchantCode, customerUID string) (BillingKey, error) {
	k, _, err := liveKey(ctx, s.db, merchantCode, customerUID, unknownCustomer)
	return k, err
}

// BillingKeys returns the keys found among uids, in the order asked, and the uids not found.
func (s *Store) BillingKeys(ctx context.Context, merchantCode string, uids []string) ([]BillingKey, []string, error) {
	found, missing := []BillingKey{}, []string{}
	for _, uid := range uids {
		k, err := s.BillingKey(ctx, merchantCode, uid)
		switch {
		case errors.Is(err, ErrNotFound):
			missing = append(missing, uid)
		case err != nil:
			return nil, nil, err
		default:
			found = append(found, k)
		}
	}
	return found, missing, nil
}

// DeleteBillingKey deletes the key and answers it as it was. Its schedules stay booked, as in
// the real service (the OpenAPI warns to check them first); when one runs, its payment fails.
func (s *Store) DeleteBillingKey(ctx context.Context, merchantCode, customerUID string, now int64) (BillingKey, error) {
	var k BillingKey
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if k, _, err = liveKey(ctx, tx, merchantCode, customerUID, unknownCustomer); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE billing_keys SET deleted_at = ? WHERE merchant_code = ? AND customer_uid = ?",
			max(now, 1), merchantCode, customerUID)
		return err
	})
	return k, err
}

// IssueFromCard checks the card and stores the key (POST /subscribe/customers/{customer_uid}).
// A magic card that fails the PG issues nothing.
func (s *Store) IssueFromCard(ctx context.Context, merchantCode string, k BillingKey, card Card, now int64) (BillingKey, error) {
	digits, err := checkCard(card, now, failIssue)
	if err != nil {
		return k, err
	}
	magic := keyFromCard(&k, digits)
	if magic == MagicPGFailure {
		return k, refused(-1, failIssue+" "+magic.failReason(),
			"card "+card.Number+" is the sandbox's PG-failure test card", nil)
	}
	return s.IssueBillingKey(ctx, merchantCode, k, magic, now)
}

// WindowKey is what a mock window that issued a billing key tells the ledger: the params
// snapshot of request_pay, the SDK's response, and the setting the attempt was opened on.
type WindowKey struct {
	Request  json.RawMessage // the params snapshot
	Response json.RawMessage // the SDK's response object
	PG, MID  string          // the chosen setting
	PayType  string          // its pay_type: only "subscription" settings issue keys
}

// IssueBillingKeyFromAttempt stores the billing key a window issued (contract C2.5): when
// the response is a success with a customer_uid and the setting is a subscription one, the key
// is stored under that customer_uid on the setting (pg_provider, pg_id = its MID), with the
// buyer as customer_* and the card the window shows, replacing a key already there as the real
// service does. issued is false, with nothing stored, when the window issued no key; why says
// why (for the log), e.g. a customer_uid on a general setting (BILLING_KEY_ON_NON_SUBSCRIPTION).
func (s *Store) IssueBillingKeyFromAttempt(ctx context.Context, merchantCode string, w WindowKey, now int64) (k BillingKey, issued bool, why string, err error) {
	var req, resp map[string]json.RawMessage
	_ = json.Unmarshal(w.Request, &req)
	_ = json.Unmarshal(w.Response, &resp)
	text := func(obj map[string]json.RawMessage, key string) string {
		var v string
		_ = json.Unmarshal(obj[key], &v)
		return v
	}
	var success bool
	_ = json.Unmarshal(resp["success"], &success)
	uid := text(resp, "customer_uid")
	if uid == "" {
		uid = text(req, "customer_uid")
	}
	switch {
	case uid == "":
		return k, false, "no customer_uid: a payment, not a billing key", nil
	case !success:
		return k, false, "the window did not succeed: no billing key is issued", nil
	case w.PayType != "subscription":
		return k, false, "customer_uid " + strconv.Quote(uid) + " on " + w.PG + "." + w.MID + ", a " + or(w.PayType, "general") +
			" setting: only a subscription setting issues billing keys (BILLING_KEY_ON_NON_SUBSCRIPTION)", nil
	}
	pick := func(key string) Text {
		if v := text(resp, key); v != "" {
			return Text(v)
		}
		return Text(text(req, key))
	}
	k = BillingKey{CustomerUID: uid, PGProvider: w.PG, PGID: w.MID, CustomerID: Text(text(req, "customer_id")),
		CustomerName: pick("buyer_name"), CustomerTel: pick("buyer_tel"), CustomerEmail: pick("buyer_email"),
		CustomerAddr: pick("buyer_addr"), CustomerPostcode: pick("buyer_postcode"),
		CardName: pick("card_name"), CardNumber: pick("card_number"), CardCode: pick("card_code")}
	credit := int64(0)
	k.CardType = &credit
	k, err = s.IssueBillingKey(ctx, merchantCode, k, MagicNone, now)
	return k, err == nil, "", err
}

// MarkIssuingPayment records that the payment of a window issued a billing key: the real
// Payment's customer_uid_usage "issue" (빌링키 발급), as opposed to "payment" (again) and
// "payment.scheduled".
func (s *Store) MarkIssuingPayment(ctx context.Context, merchantCode, impUID string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		// In Go, not with SQLite's json_set: the document stays in paymentDoc's form (docform.go).
		p, _, _, err := loadPayment(ctx, s.in(tx), "imp_uid = ? AND merchant_code = ?", impUID, merchantCode)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		p.CustomerUIDUsage = "issue"
		doc, err := paymentDoc(p)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE payments SET doc = ? WHERE imp_uid = ?`, string(doc), impUID)
		return err
	})
}

// ListBillingKeys returns the merchant's live keys, latest updated first.
func (s *Store) ListBillingKeys(ctx context.Context, merchantCode string, limit int) ([]BillingKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT doc FROM billing_keys WHERE merchant_code = ? AND deleted_at = 0
		ORDER BY json_extract(doc, '$.updated') DESC, customer_uid LIMIT ?`, merchantCode, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []BillingKey{}
	for rows.Next() {
		var doc string
		var k BillingKey
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(doc), &k); err != nil {
			return nil, err
		}
		list = append(list, k)
	}
	return list, rows.Err()
}
