package resolver

import (
	"slices"
	"strconv"

	"github.com/impshim/impshim/internal/jsonv"
)

// Payment is a request that passed every check: defaults applied, setting and PG chosen.
type Payment struct {
	MerchantUID string
	PayMethod   string
	Currency    string
	Name        string
	Amount      float64
	AmountText  string // canonical decimal text of Amount, e.g. "1000", "10.5"
	Setting     Setting
	Index       int // the setting's index in pg_settings
	PG          PG  // catalog entry; for a code the catalog lacks, one built from the setting
	CustomerUID string
	Language    string      // "ko" or "en"
	ImpUID      string      // set by Open
	Minimal     bool        // the callback gets the minimal response (Config.Response)
	CardQuotas  []int       // installment months the window offers besides 일시불 (empty: none)
	CardDirect  *CardDirect // card.direct; nil when not asked for
	VbankDue    int64       // vbank_due as unix seconds; 0: three days after payment
	req         Request
}

// Open assigns the imp_uid the real service would create when its window opens.
func (p *Payment) Open(env Env) {
	p.ImpUID = NewIMPUID(env.Rand)
}

// AppendWindowJSON appends what the mock window shows.
func (p *Payment) AppendWindowJSON(b []byte) []byte {
	b = append(b, '{')
	b = jsonv.AppendKey(b, "pg")
	b = append(b, '{')
	b = jsonv.AppendKey(b, "code")
	b = jsonv.AppendString(b, p.PG.Code)
	b = jsonv.AppendKey(b, "name")
	b = jsonv.AppendString(b, p.PG.Name)
	b = jsonv.AppendKey(b, "name_ko")
	b = jsonv.AppendString(b, p.PG.NameKO)
	b = jsonv.AppendKey(b, "color")
	b = jsonv.AppendString(b, p.PG.Color)
	b = jsonv.AppendKey(b, "simple_pay")
	b = jsonv.AppendBool(b, p.PG.SimplePay)
	b = append(b, '}')
	b = jsonv.AppendKey(b, "imp_uid")
	b = appendStringOrNull(b, p.ImpUID)
	b = jsonv.AppendKey(b, "merchant_uid")
	b = jsonv.AppendString(b, p.MerchantUID)
	b = jsonv.AppendKey(b, "mid")
	b = jsonv.AppendString(b, p.Setting.MID)
	b = jsonv.AppendKey(b, "pay_type")
	b = jsonv.AppendString(b, p.Setting.PayType)
	b = jsonv.AppendKey(b, "label")
	b = jsonv.AppendString(b, p.Setting.Label)
	b = jsonv.AppendKey(b, "pay_method")
	b = jsonv.AppendString(b, p.PayMethod)
	b = jsonv.AppendKey(b, "name")
	b = jsonv.AppendString(b, p.Name)
	b = jsonv.AppendKey(b, "amount")
	b = append(b, p.AmountText...)
	b = jsonv.AppendKey(b, "currency")
	b = jsonv.AppendString(b, p.Currency)
	for _, f := range buyerFields {
		b = jsonv.AppendKey(b, f)
		b = jsonv.AppendString(b, p.req.str(f))
	}
	b = jsonv.AppendKey(b, "billing_key")
	b = jsonv.AppendBool(b, p.CustomerUID != "")
	b = jsonv.AppendKey(b, "customer_uid")
	b = jsonv.AppendString(b, p.CustomerUID)
	b = jsonv.AppendKey(b, "vbank")
	b = jsonv.AppendBool(b, p.PayMethod == "vbank")
	b = jsonv.AppendKey(b, "escrow")
	esc := p.req.Field("escrow")
	b = jsonv.AppendBool(b, esc.Kind == jsonv.Bool && esc.Bool)
	b = jsonv.AppendKey(b, "language")
	b = jsonv.AppendString(b, p.Language)
	b = jsonv.AppendKey(b, "card_quota")
	b = jsonv.AppendArray(b, p.CardQuotas, func(b []byte, n int) []byte { return strconv.AppendInt(b, int64(n), 10) })
	b = jsonv.AppendKey(b, "card_direct")
	if d := p.CardDirect; d != nil {
		b = append(b, `{"code":`...)
		b = jsonv.AppendString(b, d.Code)
		b = append(b, `,"quota":`...)
		b = strconv.AppendInt(b, int64(d.Quota), 10)
		b = append(b, '}')
	} else {
		b = append(b, "null"...)
	}
	b = jsonv.AppendKey(b, "vbank_due")
	if p.VbankDue != 0 {
		b = strconv.AppendInt(b, p.VbankDue, 10)
	} else {
		b = append(b, "null"...)
	}
	return append(b, '}')
}

var buyerFields = [...]string{"buyer_name", "buyer_email", "buyer_tel", "buyer_addr", "buyer_postcode"}

// Outcome is how the mock window ended.
type Outcome struct {
	Result    string // "paid" | "failed" | "cancelled"; for a certification "paid" means verified
	ErrorCode string
	ErrorMsg  string
	Identity  int // certification: the verified person, an index into Certification.Identities
	CardQuota int // card: the installment months the buyer chose; 0 is 일시불
}

// ParseOutcome reads the bridge's outcome, {"result","error_code"?,"error_msg"?,"identity"?}.
// A malformed one is the bridge's bug (INTERNAL), never the merchant's.
func ParseOutcome(data []byte) (Outcome, *Error) {
	bad := func(msg string) (Outcome, *Error) {
		return Outcome{}, &Error{Code: CodeInternal, Message: "bridge bug: " + msg}
	}
	v, err := jsonv.Parse(data)
	if err != nil {
		return bad("outcome is not JSON: " + err.Error())
	}
	if v.Kind != jsonv.Object {
		return bad("outcome must be an object, got " + v.Kind.Article())
	}
	var o Outcome
	for _, f := range []struct {
		key string
		dst *string
	}{{"result", &o.Result}, {"error_code", &o.ErrorCode}, {"error_msg", &o.ErrorMsg}} {
		switch x := v.Get(f.key); x.Kind {
		case jsonv.String:
			*f.dst = x.Str
		case jsonv.Absent, jsonv.Null:
		default:
			return bad("outcome." + f.key + " must be a string, got " + x.Kind.Article())
		}
	}
	switch x := v.Get("card_quota"); x.Kind {
	case jsonv.Absent, jsonv.Null:
	case jsonv.Number:
		if !x.IsFinite() || x.Num < 0 || x.Num > 60 || x.Num != float64(int(x.Num)) {
			return bad("outcome.card_quota must be a number of months (0: 일시불), got " + x.Str)
		}
		o.CardQuota = int(x.Num)
	default:
		return bad("outcome.card_quota must be a number, got " + x.Kind.Article())
	}
	switch x := v.Get("identity"); x.Kind {
	case jsonv.Absent, jsonv.Null:
	case jsonv.Number:
		if !x.IsFinite() || x.Num < 0 || x.Num > 1<<20 || x.Num != float64(int(x.Num)) {
			return bad("outcome.identity must be an index into the window's identities, got " + x.Str)
		}
		o.Identity = int(x.Num)
	default:
		return bad("outcome.identity must be a number, got " + x.Kind.Article())
	}
	if !ValidOutcomeResult(o.Result) {
		return bad("outcome.result must be \"paid\", \"failed\" or \"cancelled\"")
	}
	return o, nil
}

// Response is the object the merchant's callback receives (SPEC §7). Field names follow the
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

// CheckOutcome reports an outcome the window could not have produced: installments it did
// not offer.
func (p *Payment) CheckOutcome(o Outcome) *Error {
	if p.CardDirect != nil && o.CardQuota != 0 && o.CardQuota != p.CardDirect.Quota {
		return &Error{Code: CodeInternal, Message: "bridge bug: card_quota " + strconv.Itoa(o.CardQuota) + " differs from card.direct.quota " + strconv.Itoa(p.CardDirect.Quota)}
	}
	if p.CardDirect == nil && o.CardQuota != 0 && !slices.Contains(p.CardQuotas, o.CardQuota) {
		return &Error{Code: CodeInternal, Message: "bridge bug: card_quota " + strconv.Itoa(o.CardQuota) + " was not offered (offered: 일시불 and " + strconv.Itoa(len(p.CardQuotas)) + " installment choices)"}
	}
	return nil
}

// Respond turns the window's outcome into the response; a success is marked in paid.
func (p *Payment) Respond(o Outcome, env Env, paid PaidSet) Response {
	if p.ImpUID == "" {
		p.Open(env)
	}
	r := Response{
		ImpUID:      p.ImpUID,
		MerchantUID: p.MerchantUID,
		PayMethod:   p.PayMethod,
		PGProvider:  p.Setting.PG,
		Currency:    p.Currency,
		Name:        p.Name,
		CustomerUID: p.CustomerUID,
		Minimal:     p.Minimal,
		payment:     p,
	}
	switch o.Result {
	case ResultPaid:
	case ResultFailed:
		r.fail(o, CodePGFailed, "the payment failed at the PG (sandbox: Fail was chosen)")
		return r
	case ResultCancelled:
		r.fail(o, CodeUserCancel, "the buyer cancelled the payment")
		return r
	default:
		r.fail(Outcome{}, CodeInternal, "impshim bug: unknown window outcome "+strconv.Quote(o.Result)+"; please report it")
		return r
	}
	now := env.now()
	r.Success = true
	r.Status = StatusPaid
	r.Amount = p.AmountText
	r.PaidAt = now / 1000
	r.PGTID = "impshim_" + p.Setting.PG + "_" + env.digits(16)
	base := env.ReceiptBase
	if base == "" {
		base = "https://sandbox.impshim.invalid/receipts/"
	}
	r.ReceiptURL = base + p.ImpUID
	switch p.PayMethod {
	case "card":
		r.ApplyNum = env.digits(8)
		r.CardName = mockCardName(p.Language)
		r.CardNumber = "4" + env.digits(5) + "******" + env.digits(4)
		r.CardQuota = o.CardQuota
		if p.CardDirect != nil {
			r.CardQuota = p.CardDirect.Quota
		}
	case "vbank":
		r.Status = StatusReady
		r.VbankNum = env.digits(14)
		r.VbankName = mockBankName(p.Language)
		r.VbankHolder = "impshim sandbox"
		r.VbankDate = r.PaidAt + 3*24*3600
		if p.VbankDue != 0 {
			r.VbankDate = p.VbankDue
		}
	case "trans":
		r.BankName = mockBankName(p.Language)
	}
	if !p.PG.SimplePay {
		r.EmbPGProvider = embPGProvider(p.PayMethod)
	}
	if paid != nil {
		paid.MarkPaid(p.MerchantUID, p.ImpUID)
	}
	return r
}

// embPGProvider is the emb_pg_provider of an easy-pay pay_method opened in a PG's window
// (naverpay_card → naverpay, samsung → samsungpay, …), or "".
func embPGProvider(method string) string {
	switch method {
	case "naverpay", "naverpay_card", "naverpay_point":
		return "naverpay"
	case "samsung", "samsungpay":
		return "samsungpay"
	case "ssgpay", "ssgpay_bank":
		return "ssgpay"
	case "tosspay", "tosspay_card", "tosspay_money":
		return "tosspay"
	case "kakaopay", "payco", "lpay", "applepay", "pinpay", "skpay", "toss_brandpay":
		return method
	}
	return ""
}

func mockCardName(lang string) string {
	if lang == "en" {
		return "Sandbox Card"
	}
	return "샌드박스카드"
}

func mockBankName(lang string) string {
	if lang == "en" {
		return "Sandbox Bank"
	}
	return "샌드박스은행"
}

func (r *Response) fail(o Outcome, code, msg string) {
	r.Success = false
	r.Status = StatusFailed
	r.ErrorCode, r.ErrorMsg = code, msg
	if o.ErrorCode != "" {
		r.ErrorCode = o.ErrorCode
	}
	if o.ErrorMsg != "" {
		r.ErrorMsg = o.ErrorMsg
	}
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
