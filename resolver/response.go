package resolver

import "github.com/impshim/impshim/internal/jsonv"

// Response is the object the merchant's callback receives (docs/sdk.md §7). Field names follow the
// i'mport "Payment response parameters" page (https://portone.gitbook.io/docs-en/sdk/javascript-sdk/undefined-1,
// fetched with the search tool): success/imp_success, imp_uid (null when validation failed),
// merchant_uid, pay_method, paid_amount, status (ready|paid|failed), name, pg_provider, pg_tid,
// buyer_*, custom_data, paid_at (UNIX seconds), receipt_url, apply_num (card), card_name,
// card_number, card_quota, bank_name, vbank_num, vbank_name, vbank_holder, vbank_date (UNIX).
type Response struct {
	// Minimal writes only imp_uid, merchant_uid, error_code and error_msg (Config.Response).
	Minimal     bool
	Success     bool
	ImpUID      string // "" is written as null
	MerchantUID string // "" is written as null
	ErrorCode   string
	ErrorMsg    string
	Status      string // "paid", "ready" (vbank) or "failed"

	// Filled for payments that reached a window (success, failure and cancel alike).
	PayMethod  string
	PGProvider string
	Currency   string
	Name       string
	Amount     string // paid_amount as JSON number text; "" means 0

	// Success only.
	PGTID       string
	ApplyNum    string
	PaidAt      int64
	ReceiptURL  string
	CardName    string
	CardNumber  string
	CardQuota   int
	BankName    string
	VbankNum    string
	VbankName   string
	VbankHolder string
	VbankDate   int64
	CustomerUID string
	// EmbPGProvider is the easy-pay service a PG's window approved the payment through
	// (payrt.mdx emb_pg_provider: naverpay, kakaopay, payco, samsungpay, ssgpay, lpay,
	// applepay, pinpay, tosspay, skpay, toss_brandpay); "" leaves the field out, as for a card.
	EmbPGProvider string

	payment *Payment // for echoing buyer_* and custom_data verbatim
}

// ErrorResponse is the response to a request that failed before or without a payment window
// (impUID "" → imp_uid null).
func ErrorResponse(merchantUID string, impUID string, err *Error) Response {
	if err == nil {
		err = newError(CodeInternal, "impshim bug: an error response without an error; please report it")
	}
	return Response{ImpUID: impUID, MerchantUID: merchantUID, ErrorCode: err.Code, ErrorMsg: err.Message, Status: StatusFailed}
}

// AppendJSON appends the response object.
func (r *Response) AppendJSON(b []byte) []byte {
	w := jsonv.Writer{B: append(b, '{')}
	if r.Minimal {
		w.StrOrNull("imp_uid", r.ImpUID)
		w.StrOrNull("merchant_uid", r.MerchantUID)
		w.StrOrNull("error_code", r.ErrorCode)
		w.StrOrNull("error_msg", r.ErrorMsg)
		return append(w.B, '}')
	}
	w.Bool("success", r.Success)
	w.Bool("imp_success", r.Success)
	w.StrOrNull("imp_uid", r.ImpUID)
	w.StrOrNull("merchant_uid", r.MerchantUID)
	w.Str("status", r.Status)
	if !r.Success {
		w.Str("error_code", r.ErrorCode)
		w.Str("error_msg", r.ErrorMsg)
	}
	if r.payment == nil {
		return append(w.B, '}')
	}
	p := r.payment
	w.Str("pay_method", r.PayMethod)
	w.Str("pg_provider", r.PGProvider)
	if r.EmbPGProvider != "" {
		w.Str("emb_pg_provider", r.EmbPGProvider)
	}
	w.Str("pg_type", TypePayment)
	p.echo(&w, "name")
	w.Raw("paid_amount", or(r.Amount, "0"))
	w.Str("currency", r.Currency)
	for _, f := range buyerFields {
		p.echo(&w, f)
	}
	p.echo(&w, "custom_data")
	if r.CustomerUID != "" {
		w.Str("customer_uid", r.CustomerUID)
	}
	if !r.Success {
		return append(w.B, '}')
	}
	w.Str("pg_tid", r.PGTID)
	w.Str("apply_num", r.ApplyNum)
	w.Int("paid_at", r.PaidAt)
	w.Str("receipt_url", r.ReceiptURL)
	switch {
	case r.CardNumber != "":
		w.Str("card_name", r.CardName)
		w.Str("card_number", r.CardNumber)
		w.Int("card_quota", int64(r.CardQuota))
	case r.VbankNum != "":
		w.Str("vbank_num", r.VbankNum)
		w.Str("vbank_name", r.VbankName)
		w.Str("vbank_holder", r.VbankHolder)
		w.Int("vbank_date", r.VbankDate)
	case r.BankName != "":
		w.Str("bank_name", r.BankName)
	}
	return append(w.B, '}')
}

// echo writes the merchant's param key back as it came in; absent becomes null.
func (p *Payment) echo(w *jsonv.Writer, key string) {
	w.Key(key)
	w.B = appendEcho(w.B, p.req.Field(key))
}

// appendEcho writes a merchant value back as it came in; absent becomes null.
func appendEcho(b []byte, v jsonv.Value) []byte {
	if v.Kind == jsonv.Absent {
		return append(b, "null"...)
	}
	return jsonv.AppendVerbatim(b, v)
}

func appendStringOrNull(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	return jsonv.AppendString(b, s)
}
