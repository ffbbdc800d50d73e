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
		err = &Error{Code: CodeInternal, Message: "impshim bug: an error response without an error; please report it"}
	}
	return Response{ImpUID: impUID, MerchantUID: merchantUID, ErrorCode: err.Code, ErrorMsg: err.Message, Status: StatusFailed}
}

// AppendJSON appends the response object.
func (r *Response) AppendJSON(b []byte) []byte {
	if r.Minimal {
		b = append(b, `{"imp_uid":`...)
		b = appendStringOrNull(b, r.ImpUID)
		b = append(b, `,"merchant_uid":`...)
		b = appendStringOrNull(b, r.MerchantUID)
		b = append(b, `,"error_code":`...)
		b = appendStringOrNull(b, r.ErrorCode)
		b = append(b, `,"error_msg":`...)
		b = appendStringOrNull(b, r.ErrorMsg)
		return append(b, '}')
	}
	b = append(b, '{')
	b = jsonv.AppendKey(b, "success")
	b = jsonv.AppendBool(b, r.Success)
	b = jsonv.AppendKey(b, "imp_success")
	b = jsonv.AppendBool(b, r.Success)
	b = jsonv.AppendKey(b, "imp_uid")
	b = appendStringOrNull(b, r.ImpUID)
	b = jsonv.AppendKey(b, "merchant_uid")
	b = appendStringOrNull(b, r.MerchantUID)
	b = jsonv.AppendKey(b, "status")
	b = jsonv.AppendString(b, r.Status)
	if !r.Success {
		b = jsonv.AppendKey(b, "error_code")
		b = jsonv.AppendString(b, r.ErrorCode)
		b = jsonv.AppendKey(b, "error_msg")
		b = jsonv.AppendString(b, r.ErrorMsg)
	}
	if r.payment == nil {
		return append(b, '}')
	}
	p := r.payment
	b = jsonv.AppendKey(b, "pay_method")
	b = jsonv.AppendString(b, r.PayMethod)
	b = jsonv.AppendKey(b, "pg_provider")
	b = jsonv.AppendString(b, r.PGProvider)
	if r.EmbPGProvider != "" {
		b = jsonv.AppendKey(b, "emb_pg_provider")
		b = jsonv.AppendString(b, r.EmbPGProvider)
	}
	b = jsonv.AppendKey(b, "pg_type")
	b = jsonv.AppendString(b, TypePayment)
	b = jsonv.AppendKey(b, "name")
	b = appendEcho(b, p.req.Field("name"))
	b = jsonv.AppendKey(b, "paid_amount")
	if r.Amount == "" {
		b = append(b, '0')
	} else {
		b = append(b, r.Amount...)
	}
	b = jsonv.AppendKey(b, "currency")
	b = jsonv.AppendString(b, r.Currency)
	for _, f := range buyerFields {
		b = jsonv.AppendKey(b, f)
		b = appendEcho(b, p.req.Field(f))
	}
	b = jsonv.AppendKey(b, "custom_data")
	b = appendEcho(b, p.req.Field("custom_data"))
	if r.CustomerUID != "" {
		b = jsonv.AppendKey(b, "customer_uid")
		b = jsonv.AppendString(b, r.CustomerUID)
	}
	if !r.Success {
		return append(b, '}')
	}
	b = jsonv.AppendKey(b, "pg_tid")
	b = jsonv.AppendString(b, r.PGTID)
	b = jsonv.AppendKey(b, "apply_num")
	b = jsonv.AppendString(b, r.ApplyNum)
	b = jsonv.AppendKey(b, "paid_at")
	b = jsonv.AppendInt(b, r.PaidAt)
	b = jsonv.AppendKey(b, "receipt_url")
	b = jsonv.AppendString(b, r.ReceiptURL)
	switch {
	case r.CardNumber != "":
		b = jsonv.AppendKey(b, "card_name")
		b = jsonv.AppendString(b, r.CardName)
		b = jsonv.AppendKey(b, "card_number")
		b = jsonv.AppendString(b, r.CardNumber)
		b = jsonv.AppendKey(b, "card_quota")
		b = jsonv.AppendInt(b, int64(r.CardQuota))
	case r.VbankNum != "":
		b = jsonv.AppendKey(b, "vbank_num")
		b = jsonv.AppendString(b, r.VbankNum)
		b = jsonv.AppendKey(b, "vbank_name")
		b = jsonv.AppendString(b, r.VbankName)
		b = jsonv.AppendKey(b, "vbank_holder")
		b = jsonv.AppendString(b, r.VbankHolder)
		b = jsonv.AppendKey(b, "vbank_date")
		b = jsonv.AppendInt(b, r.VbankDate)
	case r.BankName != "":
		b = jsonv.AppendKey(b, "bank_name")
		b = jsonv.AppendString(b, r.BankName)
	}
	return append(b, '}')
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
