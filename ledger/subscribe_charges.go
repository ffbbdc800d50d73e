package ledger

// Charges of billing keys and cards: each one a payment in the ledger, paid or failed, as any
// other payment is (verify, cancel, webhooks).

import (
	"context"
	"database/sql"
	"strconv"
)

// chargeOutcome runs a charge against a key: the payment it leaves (paid or failed) and, for
// a PG failure, the refusal the API answers with although the payment is recorded.
func chargeOutcome(k BillingKey, magic Magic, c Charge, usage string, now int64) (Payment, *Refusal) {
	p := Payment{
		ImpUID: newImpUID(), MerchantUID: c.MerchantUID, PayMethod: "card", Channel: "api",
		PGProvider: k.PGProvider, PGID: Text(k.PGID), PGTID: Text("impshim_" + k.PGProvider + "_" + randomDigits(16)),
		CardCode: k.CardCode, CardName: k.CardName, CardNumber: k.CardNumber, CardType: k.CardType, CardQuota: c.CardQuota,
		Name: Text(c.Name), Amount: c.Amount, Currency: c.Currency,
		BuyerName: Text(c.BuyerName), BuyerEmail: Text(c.BuyerEmail), BuyerTel: Text(c.BuyerTel),
		BuyerAddr: Text(c.BuyerAddr), BuyerPostcode: Text(c.BuyerPostcode), CustomData: Text(c.CustomData),
		StartedAt: now, CancelHistory: []Cancellation{}, CancelReceiptURLs: []string{},
		CustomerUID: Text(k.CustomerUID), CustomerUIDUsage: Text(usage),
	}
	if p.Currency == "" {
		p.Currency = "KRW"
	}
	if magic == MagicNone {
		p.Status, p.PaidAt = StatusPaid, now
		p.ApplyNum = Text(randomDigits(8))
		p.ReceiptURL = Text("https://sandbox.impshim.invalid/receipts/" + p.ImpUID)
		return p, nil
	}
	p.Status, p.FailedAt, p.FailReason = StatusFailed, now, Text(magic.failReason())
	if magic == MagicPGFailure {
		return p, refused(-1, magic.failReason(), "the billing key's customer_uid or card forces a PG failure (sandbox magic value); the failed payment "+
			p.ImpUID+" is recorded", nil)
	}
	return p, nil
}

// paidOrder refuses a merchant_uid the merchant was already paid for.
func paidOrder(ctx context.Context, q queryer, code, merchantUID string) error {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM payments WHERE merchant_code = ? AND merchant_uid = ? AND status = 'paid'",
		code, merchantUID).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return refused(1, "이미 결제가 완료된 merchant_uid("+merchantUID+")입니다.",
			"merchant_uid "+strconv.Quote(merchantUID)+" is already paid: every charge needs a new merchant_uid", nil)
	}
	return nil
}

// ChargeKey charges the merchant's key under customerUID (POST /subscribe/payments/again).
// The payment is recorded whatever its outcome; refusal is non-nil for a PG failure.
func (s *Store) ChargeKey(ctx context.Context, merchantCode, customerUID string, c Charge, now int64) (p Payment, refusal *Refusal, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := paidOrder(ctx, tx, merchantCode, c.MerchantUID); err != nil {
			return err
		}
		k, magic, err := liveKey(ctx, tx, merchantCode, customerUID, noCustomerForCharge)
		if err != nil {
			return err
		}
		p, refusal = chargeOutcome(k, magic, c, "payment", now)
		return insertPayment(ctx, s.in(tx), merchantCode, p, c.NoticeURLs, now)
	})
	return p, refusal, err
}

// ChargeCard charges a card once (POST /subscribe/payments/onetime); with a customer_uid the
// card is kept as that key too, as the real API does.
func (s *Store) ChargeCard(ctx context.Context, merchantCode string, k BillingKey, card Card, c Charge, keep bool, now int64) (p Payment, refusal *Refusal, err error) {
	digits, err := checkCard(card, now, failOnetime)
	if err != nil {
		return p, nil, err
	}
	magic := keyFromCard(&k, digits)
	if magic == MagicNone && k.CustomerUID != "" {
		magic = uidMagic(k.CustomerUID)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := paidOrder(ctx, tx, merchantCode, c.MerchantUID); err != nil {
			return err
		}
		usage := ""
		if keep {
			if _, err := issueKey(ctx, tx, merchantCode, k, magic, now); err != nil {
				return err
			}
			usage = "payment"
		}
		p, refusal = chargeOutcome(k, magic, c, usage, now)
		if !keep {
			p.CustomerUID = ""
		}
		return insertPayment(ctx, s.in(tx), merchantCode, p, c.NoticeURLs, now)
	})
	return p, refusal, err
}

// CustomerPayments returns one page (20, newest first) of the payments made with a customer_uid.
func (s *Store) CustomerPayments(ctx context.Context, merchantCode, customerUID string, page int) ([]Payment, int, error) {
	const limit = 20
	where := "merchant_code = ? AND json_extract(doc, '$.customer_uid') = ?"
	var total int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM payments WHERE "+where, merchantCode, customerUID).Scan(&total); err != nil {
		return nil, 0, err
	}
	list, err := s.page(ctx, "SELECT doc FROM payments WHERE "+where+" ORDER BY started_at DESC, seq DESC LIMIT ? OFFSET ?",
		[]any{merchantCode, customerUID, limit, (page - 1) * limit})
	return list, total, err
}
