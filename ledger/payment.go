package ledger

import (
	"encoding/json"

	"github.com/impshim/impshim/resolver"
)

// Payment is one payment as GET /payments/{imp_uid} returns it: the field names and types of
// the i'mport V1 REST API's Payment model, so a merchant's verification code reads it unchanged.
type Payment struct {
	ImpUID            string         `json:"imp_uid"`
	MerchantUID       string         `json:"merchant_uid"`
	PayMethod         string         `json:"pay_method"`
	Channel           string         `json:"channel"`
	PGProvider        string         `json:"pg_provider"`
	EmbPGProvider     Text           `json:"emb_pg_provider"`
	PGTID             Text           `json:"pg_tid"`
	PGID              Text           `json:"pg_id"`
	Escrow            bool           `json:"escrow"`
	ApplyNum          Text           `json:"apply_num"`
	BankCode          Text           `json:"bank_code"`
	BankName          Text           `json:"bank_name"`
	CardCode          Text           `json:"card_code"`
	CardName          Text           `json:"card_name"`
	CardQuota         int64          `json:"card_quota"`
	CardNumber        Text           `json:"card_number"`
	CardType          *int64         `json:"card_type"`
	VbankCode         Text           `json:"vbank_code"`
	VbankName         Text           `json:"vbank_name"`
	VbankNum          Text           `json:"vbank_num"`
	VbankHolder       Text           `json:"vbank_holder"`
	VbankDate         int64          `json:"vbank_date"`
	VbankIssuedAt     int64          `json:"vbank_issued_at"`
	Name              Text           `json:"name"`
	Amount            Amount         `json:"amount"`
	CancelAmount      Amount         `json:"cancel_amount"`
	Currency          string         `json:"currency"`
	BuyerName         Text           `json:"buyer_name"`
	BuyerEmail        Text           `json:"buyer_email"`
	BuyerTel          Text           `json:"buyer_tel"`
	BuyerAddr         Text           `json:"buyer_addr"`
	BuyerPostcode     Text           `json:"buyer_postcode"`
	CustomData        Text           `json:"custom_data"`
	UserAgent         Text           `json:"user_agent"`
	Status            string         `json:"status"`
	StartedAt         int64          `json:"started_at"`
	PaidAt            int64          `json:"paid_at"`
	FailedAt          int64          `json:"failed_at"`
	CancelledAt       int64          `json:"cancelled_at"`
	FailReason        Text           `json:"fail_reason"`
	CancelReason      Text           `json:"cancel_reason"`
	ReceiptURL        Text           `json:"receipt_url"`
	CancelHistory     []Cancellation `json:"cancel_history"`
	CancelReceiptURLs []string       `json:"cancel_receipt_urls"`
	CashReceiptIssued bool           `json:"cash_receipt_issued"`
	CustomerUID       Text           `json:"customer_uid"`
	CustomerUIDUsage  Text           `json:"customer_uid_usage"`
}

// Cancellation is one entry of Payment.CancelHistory.
type Cancellation struct {
	PGTID       Text   `json:"pg_tid"`
	Amount      Amount `json:"amount"`
	CancelledAt int64  `json:"cancelled_at"`
	Reason      Text   `json:"reason"`
	// CancellationID names this cancellation; a cancel's webhook carries it.
	CancellationID Text `json:"cancellation_id"`
	ReceiptURL     Text `json:"receipt_url"`
}

// Payment statuses: resolver owns them (both halves of impshim speak them).
const (
	StatusReady     = resolver.StatusReady
	StatusPaid      = resolver.StatusPaid
	StatusFailed    = resolver.StatusFailed
	StatusCancelled = resolver.StatusCancelled
)

// Cancellable is what a cancellation may still take back.
func (p *Payment) Cancellable() Amount {
	if p.Status != StatusPaid && p.Status != StatusReady {
		return 0
	}
	return p.Amount - p.CancelAmount
}

// Text is a string that the real API sends as null when it has no value; merchants' code
// checks `=== null`, so an absent field must not turn into "".
type Text string

func (t Text) MarshalJSON() ([]byte, error) {
	if t == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(t))
}

func (t *Text) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = Text(s)
	return nil
}
