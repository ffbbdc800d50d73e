package resolver

import (
	"strconv"
	"unicode/utf8"

	"github.com/impshim/impshim/internal/jsonv"
)

// What the real service silently accepts and gets wrong, said as warnings (SANDBOX_STRICT
// errors in strict mode). Sources: the V1 request-parameter page, portone-io/developers.portone.io
// src/routes/(root)/sdk/ko/v1-sdk/javascript-sdk/payrq.mdx ([payrq]).
const (
	WarnParamMisspelled   = "PARAM_MISSPELLED"    // a param name close to a documented one
	WarnNameTooLong       = "NAME_TOO_LONG"       // [payrq] name: "40자 이내로 작성해주세요"
	WarnDigitalMissing    = "DIGITAL_MISSING"     // [payrq] digital: "휴대폰 결제수단인 경우 필수 항목"
	WarnBizNumMissing     = "BIZ_NUM_MISSING"     // [payrq] biz_num: "다날 가상계좌 결제수단 사용 시 필수 항목"
	WarnCurrencyLowerCase = "CURRENCY_LOWER_CASE" // currency "krw": the real window opens; codes are upper case
	WarnCustomerIDMissing = "CUSTOMER_ID_MISSING" // [g] galaxia.mdx, kg-mobilians-v2.mdx (billing): customer_id 필수
	WarnVatAmountIgnored  = "VAT_AMOUNT_IGNORED"  // [payrq] vat_amount: "지원되는 PG사 나이스정보통신, (신) 토스페이"
)

// documentedParams are IMP.request_pay's and IMP.certification's parameter names ([payrq],
// cft.mdx, and the PG guides' extra ones), for did-you-mean on the others.
var documentedParams = []string{
	"channelKey", "pg", "pay_method", "escrow", "products", "merchant_uid", "name", "amount",
	"custom_data", "tax_free", "vat_amount", "currency", "language", "buyer_name", "buyer_tel",
	"buyer_email", "buyer_addr", "buyer_postcode", "confirm_url", "notice_url", "customer_uid",
	"customer_id", "digital", "vbank_due", "m_redirect_url", "app_scheme", "biz_num",
	"useFreeInterestFromMall", "display", "card", "popup", "period", "bypass", "min_age", "phone",
	"carrier", "company", "appCard", "niceMobileV2", "naverPopupMode", "naverUseCfm",
	"naverProducts", "naverCultureBenefit", "naverInflowSource", "kcpProducts", "uplus",
	"use_test_method", "type",
}

// normalParam folds the differences a misspelling of a param name usually has: case and '_'.
func normalParam(s string) string { return lowerASCII(without(s, '_')) }

// misspelledParams warns about each param that is not documented but close to one that is
// (m_redirect_uri → m_redirect_url, buyer_postalcode → buyer_postcode, noticeUrl →
// notice_url): the real SDK passes it on and the PG ignores it.
func (r *Request) misspelledParams() []Warning {
	var ws []Warning
	for _, mem := range r.params.Members {
		key := mem.Key
		if listed(documentedParams, key) || len(key) < 4 || !utf8.ValidString(key) || utf8.RuneCountInString(key) > maxEditRunes {
			continue
		}
		nk := runes(normalParam(key))
		for _, known := range documentedParams {
			nd := runes(normalParam(known))
			if len(nd) < 4 || abs(len(nd)-len(nk)) > maxSuggestDistance || editDistance(nk, nd, maxSuggestDistance) > maxSuggestDistance {
				continue
			}
			addWarning(&ws, WarnParamMisspelled, "param "+quote(key)+" is not one the SDK knows: did you mean "+
				quote(known)+"? The real service passes it on unread, so what it says is lost")
			break
		}
	}
	return ws
}

// paramWarnings are the warnings about a request's params once its PG and method are known.
func (r *Request) paramWarnings(pg PG, payMethod string) []Warning {
	ws := r.misspelledParams()
	if name := r.str("name"); utf8.RuneCountInString(name) > 40 {
		addWarning(&ws, WarnNameTooLong, "name is "+decimal(utf8.RuneCountInString(name))+
			" characters long; the SDK's limit is 40 (PGs cut or refuse longer order names): shorten it")
	}
	if d := r.params.Get("digital"); payMethod == "phone" && d.Kind != jsonv.Bool {
		addWarning(&ws, WarnDigitalMissing, "pay_method \"phone\" needs digital: true (a digital good) or false (a physical one); "+
			"the fee differs, and the PG may refuse the payment without it")
	}
	if r.str("customer_id") == "" && (pg.Code == "galaxia" || (pg.Code == "mobilians" && r.str("customer_uid") != "")) {
		when := ""
		if pg.Code == "mobilians" {
			when = " when issuing a billing key"
		}
		addWarning(&ws, WarnCustomerIDMissing, pg.Name+" needs customer_id, your ID for the buyer (up to 20 characters)"+when+": add customer_id")
	}
	if v := r.params.Get("vat_amount"); v.Kind == jsonv.Number && pg.Code != "nice" && pg.Code != "tosspay_v2" {
		addWarning(&ws, WarnVatAmountIgnored, "vat_amount is ignored by "+pg.Name+" ("+pg.Code+
			"): only NICE (nice) and Toss Pay (tosspay_v2) take it; the PG computes the VAT itself")
	}
	if pg.Code == "danal_tpay" && payMethod == "vbank" && r.str("biz_num") == "" {
		addWarning(&ws, WarnBizNumMissing, "Danal virtual accounts need biz_num, your business registration number (사업자등록번호): add biz_num")
	}
	return ws
}

// parseVbankDue reads vbank_due in one of its documented formats ([payrq]: YYYY-MM-DD,
// YYYYMMDD, YYYY-MM-DD HH:mm:ss, YYYYMMDDHHmmss; NICE's guide, pg/v1/nice.mdx: YYYYMMDDHHmm,
// which merchants' pages send to every PG), a Korean wall-clock time, as unix seconds.
// A date alone means the end of that day.
func parseVbankDue(s string) (int64, bool) {
	var compact string
	switch {
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		compact = s[:4] + s[5:7] + s[8:]
	case len(s) == 19 && s[4] == '-' && s[7] == '-' && s[10] == ' ' && s[13] == ':' && s[16] == ':':
		compact = s[:4] + s[5:7] + s[8:10] + s[11:13] + s[14:16] + s[17:]
	case len(s) == 8 || len(s) == 14:
		compact = s
	case len(s) == 12:
		compact = s + "00"
	default:
		return 0, false
	}
	if !isDigits(compact) {
		return 0, false
	}
	date, ok := parseBirthday(compact[:4] + "-" + compact[4:6] + "-" + compact[6:8])
	if !ok {
		return 0, false
	}
	h, mi, sec := 23, 59, 59
	if len(compact) == 14 {
		h, _ = strconv.Atoi(compact[8:10])
		mi, _ = strconv.Atoi(compact[10:12])
		sec, _ = strconv.Atoi(compact[12:14])
		if h > 23 || mi > 59 || sec > 59 {
			return 0, false
		}
	}
	return daysFromCivil(date)*86400 + int64(h*3600+mi*60+sec) - 9*3600, true
}

// daysFromCivil is the number of days from 1970-01-01 to d (Howard Hinnant's algorithm).
func daysFromCivil(d civil) int64 {
	y, m := int64(d.y), int64(d.m)
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + int64(d.d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// cardQuotas reads display.card_quota ([payrq]: the installment months the window offers
// besides 일시불; [] means 일시불 only): absent → nil, offered means "the PG's usual 2–12".
func (r *Request) cardQuotas() (quotas []int, given bool, e *Error) {
	display := r.params.Get("display")
	switch display.Kind {
	case jsonv.Absent, jsonv.Null:
		return nil, false, nil
	case jsonv.Object:
	default:
		return nil, false, newError(CodeInvalidParams, "display must be an object like {card_quota: [2, 3]}, got "+display.Kind.Article())
	}
	v := display.Get("card_quota")
	switch v.Kind {
	case jsonv.Absent, jsonv.Null:
		return nil, false, nil
	case jsonv.Array:
	default:
		return nil, false, newError(CodeInvalidParams, "display.card_quota must be a list of months like [2, 3, 6], got "+v.Kind.Article())
	}
	var listed [61]bool // by month: the answer is sorted and without repeats
	for _, it := range v.Items {
		if it.Kind != jsonv.Number || !it.IsFinite() || it.Num < 2 || it.Num > 60 || it.Num != float64(int(it.Num)) {
			return nil, false, newError(CodeInvalidParams, "display.card_quota lists installment months from 2 to 60 (일시불 is always offered), got "+string(jsonv.AppendValue(nil, it)))
		}
		listed[int(it.Num)] = true
	}
	quotas = []int{}
	for n, ok := range listed {
		if ok {
			quotas = append(quotas, n)
		}
	}
	return quotas, true, nil
}

// CardDirect is card.direct ([payrq] "카드사 결제모듈 바로(direct) 호출하기"): the window opens
// that card company's module at once, with the installment months fixed.
type CardDirect struct {
	Code  string // the card company's 금융결제원 standard code, e.g. "367" (현대카드)
	Quota int    // months; 0 is 일시불
}

// cardDirect reads card.direct: absent → nil.
func (r *Request) cardDirect() (*CardDirect, *Error) {
	card := r.params.Get("card")
	if card.Kind != jsonv.Object {
		return nil, nil // card is also used for card.detail; only direct is read here
	}
	v := card.Get("direct")
	switch v.Kind {
	case jsonv.Absent, jsonv.Null:
		return nil, nil
	case jsonv.Object:
	default:
		return nil, newError(CodeInvalidParams, "card.direct must be an object like {code: \"367\", quota: 3}, got "+v.Kind.Article())
	}
	var d CardDirect
	switch c := v.Get("code"); c.Kind {
	case jsonv.String:
		d.Code = c.Str
	case jsonv.Absent, jsonv.Null:
	default:
		return nil, newError(CodeInvalidParams, "card.direct.code must be the card company's code as a string, e.g. \"367\", got "+c.Kind.Article())
	}
	switch q := v.Get("quota"); q.Kind {
	case jsonv.Number:
		if !q.IsFinite() || q.Num < 0 || q.Num > 60 || q.Num != float64(int(q.Num)) {
			return nil, newError(CodeInvalidParams, "card.direct.quota must be a number of months from 0 (일시불) to 60, got "+q.Str)
		}
		d.Quota = int(q.Num)
	case jsonv.Absent, jsonv.Null:
	default:
		return nil, newError(CodeInvalidParams, "card.direct.quota must be a number of months, got "+q.Kind.Article())
	}
	return &d, nil
}
