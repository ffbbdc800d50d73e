package resolver

import (
	"slices"

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
	w := jsonv.Writer{B: append(b, '{')}
	w.Key("pg")
	w.B = append(w.B, '{')
	w.Str("code", p.PG.Code)
	w.Str("name", p.PG.Name)
	w.Str("name_ko", p.PG.NameKO)
	w.Str("color", p.PG.Color)
	w.Bool("simple_pay", p.PG.SimplePay)
	w.B = append(w.B, '}')
	w.StrOrNull("imp_uid", p.ImpUID)
	w.Str("merchant_uid", p.MerchantUID)
	w.Str("mid", p.Setting.MID)
	w.Str("pay_type", p.Setting.PayType)
	w.Str("label", p.Setting.Label)
	w.Str("pay_method", p.PayMethod)
	w.Str("name", p.Name)
	w.Raw("amount", p.AmountText)
	w.Str("currency", p.Currency)
	for _, f := range buyerFields {
		w.Str(f, p.req.str(f))
	}
	w.Bool("billing_key", p.CustomerUID != "")
	w.Str("customer_uid", p.CustomerUID)
	w.Bool("vbank", p.PayMethod == "vbank")
	esc := p.req.Field("escrow")
	w.Bool("escrow", esc.Kind == jsonv.Bool && esc.Bool)
	w.Str("language", p.Language)
	w.Key("card_quota")
	w.B = jsonv.AppendArray(w.B, p.CardQuotas, func(b []byte, n int) []byte { return jsonv.AppendInt(b, int64(n)) })
	if d := p.CardDirect; d != nil {
		w.Key("card_direct")
		w.B = append(w.B, '{')
		w.Str("code", d.Code)
		w.Int("quota", int64(d.Quota))
		w.B = append(w.B, '}')
	} else {
		w.Raw("card_direct", "null")
	}
	if p.VbankDue != 0 {
		w.Int("vbank_due", p.VbankDue)
	} else {
		w.Raw("vbank_due", "null")
	}
	return append(w.B, '}')
}

var buyerFields = [...]string{"buyer_name", "buyer_email", "buyer_tel", "buyer_addr", "buyer_postcode"}

// CheckOutcome reports an outcome the window could not have produced: installments it did
// not offer.
func (p *Payment) CheckOutcome(o Outcome) *Error {
	if p.CardDirect != nil && o.CardQuota != 0 && o.CardQuota != p.CardDirect.Quota {
		return newError(CodeInternal, "bridge bug: card_quota "+decimal(o.CardQuota)+" differs from card.direct.quota "+decimal(p.CardDirect.Quota))
	}
	if p.CardDirect == nil && o.CardQuota != 0 && !slices.Contains(p.CardQuotas, o.CardQuota) {
		return newError(CodeInternal, "bridge bug: card_quota "+decimal(o.CardQuota)+" was not offered (offered: 일시불 and "+decimal(len(p.CardQuotas))+" installment choices)")
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
		r.fail(Outcome{}, CodeInternal, "impshim bug: unknown window outcome "+quote(o.Result)+"; please report it")
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
		// Issued, not deposited: not paid yet, so paid_at is 0 until the deposit — "결제완료가 아닐
		// 경우 0" (V1 OpenAPI, portone-io/developers.portone.io src/schema/v1.openapi.json,
		// PaymentAnnotation.paid_at), as the REST answer for the same payment says.
		r.Status = StatusReady
		r.PaidAt = 0
		r.VbankNum = env.digits(14)
		r.VbankName = mockBankName(p.Language)
		r.VbankHolder = "impshim sandbox"
		r.VbankDate = now/1000 + 3*24*3600
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
