package ledger

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

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

// Every answer encodes and every read decodes some twenty Texts: their plain cases skip the
// nested json.Marshal / json.Unmarshal (make bench's REST profile). FuzzTextJSON holds them to
// encoding/json's answers.

func (t Text) MarshalJSON() ([]byte, error) {
	if t == "" {
		return []byte("null"), nil
	}
	if plainJSONString(string(t)) {
		b := make([]byte, 0, len(t)+2)
		return append(append(append(b, '"'), t...), '"'), nil
	}
	return json.Marshal(string(t))
}

// plainJSONString reports whether encoding/json writes s between quotes unchanged: valid
// UTF-8 without control characters, quotes, backslashes, <, >, & and U+2028/U+2029.
func plainJSONString(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		case c == 0xE2 && i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9):
			return false
		}
	}
	return utf8.ValidString(s)
}

func (t *Text) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = ""
		return nil
	}
	// The decoder hands over valid JSON: a quoted string without escapes is its own text.
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' && bytes.IndexByte(b[1:n-1], '\\') < 0 && utf8.Valid(b[1:n-1]) {
		*t = Text(b[1 : n-1])
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = Text(s)
	return nil
}
