package resolver

import (
	"math"
	"strconv"
	"strings"

	"github.com/impshim/impshim/internal/jsonv"
)

// Check runs docs/sdk.md §5 checks 2–7 in order; the first failure is returned. The Trace is
// returned whenever resolution was reached (check 5 onwards), also on failure.
func (m *Merchant) Check(req Request, paid PaidSet, env Env) (*Payment, Trace, *Error) {
	noTrace := Trace{Index: -1}
	if e := req.checkParams(); e != nil {
		return nil, noTrace, e
	}
	// Resolution is pure and runs first, because an absent currency's meaning depends on the
	// PG (PayPal: USD); its trace is only returned from check 5 on, in docs/sdk.md §5's order.
	tr := m.Resolve(req.Query())
	pg, known := Lookup(tr.Setting.PG)
	if !known {
		pg = PG{Code: tr.Setting.PG, Name: tr.Setting.PG, NameKO: tr.Setting.PG, PayType: tr.Setting.PayType, Color: "#555555"}
	}
	// The currency's type is check 6's business; check 3 only needs its decimals, and a
	// currency of the wrong type counts as the default for them. A lower-case code ("krw")
	// opens the real window: it is read upper case, with a warning.
	currency, badCurrency := req.stringOr("currency", pg.defaultCurrency())
	var warns []Warning
	if up := upperASCII(currency); up != currency {
		if _, ok := CurrencyDecimals(up); ok {
			addWarning(&warns, WarnCurrencyLowerCase, "currency "+quote(currency)+
				" is read as \""+up+"\": currency codes are upper case; write \""+up+"\"")
			currency = up
		}
	}
	amount, amountText, stringAmount, e := req.amount(currency)
	if e != nil {
		return nil, noTrace, e
	}
	merchantUID, e := req.merchantUID(env)
	if e != nil {
		return nil, noTrace, e
	}
	vbankDue, e := req.vbankDue()
	if e != nil {
		return nil, noTrace, e
	}
	quotas, quotasGiven, e := req.cardQuotas()
	if e != nil {
		return nil, noTrace, e
	}
	direct, e := req.cardDirect()
	if e != nil {
		return nil, noTrace, e
	}

	if stringAmount {
		addWarning(&tr.Warnings, WarnAmountAsString, "amount is the string "+quote(amountText)+
			": pass a number (amount: "+amountText+"); the real service may reject or misread strings")
	}
	if e := m.checkStrict(&tr, stringAmount, amountText); e != nil {
		return nil, tr, e
	}

	payMethod, badMethod := req.stringOr("pay_method", pg.defaultMethod())
	switch {
	case badMethod != "":
		return nil, tr, newError(CodePayMethodNotSupported, "pay_method must be a string like \"card\", got "+badMethod)
	case known && !pg.Offers(payMethod):
		return nil, tr, methodNotOffered(pg, payMethod)
	case known && pg.SimplePay:
		// The PG chooses the method itself (PAY_METHOD_IGNORED): what the merchant asked for
		// must not turn a Kakao Pay payment into a virtual account, say.
		payMethod = pg.Methods[0]
	}
	switch {
	case badCurrency != "":
		return nil, tr, newError(CodeCurrencyNotSupported, "currency must be a string like \"KRW\", got "+badCurrency)
	case known && !pg.Accepts(currency):
		return nil, tr, currencyNotAccepted(pg, currency)
	}
	warns = append(warns, req.paramWarnings(pg, payMethod)...)
	tr.Warnings = append(tr.Warnings, warns...)
	if m.cfg.Strict && len(warns) > 0 {
		return nil, tr, newError(CodeSandboxStrict, "strict mode: "+warns[0].Message)
	}

	if paid != nil && paid.Paid(merchantUID) {
		return nil, tr, newError(CodeF1002, "merchant_uid "+quote(merchantUID)+
			" is already paid in this sandbox: use a new merchant_uid for every order (IMP.sandbox.reset() forgets paid ones)")
	}

	// Installments only from 50,000 KRW ([payrq]: "할부결제는 5만원 이상 결제 요청시에만"), on cards.
	if payMethod != "card" || currency != "KRW" || amount < 50000 || direct != nil {
		quotas = []int{} // card.direct fixes the months itself
	} else if !quotasGiven {
		quotas = []int{2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	}
	p := &Payment{
		CardQuotas:  quotas,
		CardDirect:  direct,
		Minimal:     m.MinimalResponse(),
		VbankDue:    vbankDue,
		MerchantUID: merchantUID,
		PayMethod:   payMethod,
		Currency:    currency,
		Name:        req.str("name"),
		Amount:      amount,
		AmountText:  amountText,
		Setting:     tr.Setting,
		Index:       tr.Index,
		PG:          pg,
		CustomerUID: req.str("customer_uid"),
		Language:    req.Language(),
		req:         req,
	}
	return p, tr, nil
}

// merchantUID is check 4 of docs/sdk.md §5: merchant_uid, or the real SDK's default when absent.
func (r *Request) merchantUID(env Env) (string, *Error) {
	switch v := r.params.Get("merchant_uid"); v.Kind {
	case jsonv.Absent:
		return "nobody_" + strconv.FormatInt(env.now(), 10), nil
	case jsonv.String:
		if e := CheckMerchantUID(v.Str); e != nil {
			return "", e
		}
		return v.Str, nil
	default:
		return "", newError(CodeInvalidMerchantUID, "merchant_uid must be a string, got "+v.Kind.Article()+": convert your order ID with String(…)")
	}
}

// checkStrict is check 5 of docs/sdk.md §5, in its order: SANDBOX_STRICT, then F1001.
func (m *Merchant) checkStrict(tr *Trace, stringAmount bool, amountText string) *Error {
	if m.cfg.Strict && stringAmount {
		return newError(CodeSandboxStrict, "strict mode: amount is the string "+quote(amountText)+"; pass a number")
	}
	if tr.Err != nil {
		return tr.Err
	}
	if m.cfg.Strict && tr.Fallback {
		return newError(CodeSandboxStrict, "strict mode: pg "+quote(tr.Input)+
			" matched no setting and the real service would silently use the default "+m.settingRef(tr.Index)+" — "+fallbackCauseIn(tr.Warnings).Message)
	}
	return nil
}

// fallbackCauseIn finds an R3's cause among the trace's warnings: the one just before
// FELL_BACK_TO_DEFAULT (a CHANNEL_KEY_NOT_FOUND may come first).
func fallbackCauseIn(ws []Warning) Warning {
	for i := 1; i < len(ws); i++ {
		if ws[i].Code == WarnFellBackToDefault {
			return ws[i-1]
		}
	}
	return Warning{}
}

// methodNotOffered is PAY_METHOD_NOT_SUPPORTED (check 6) for a catalog PG.
func methodNotOffered(pg PG, method string) *Error {
	msg := pg.Name + " (" + pg.Code + ") does not offer pay_method " + quote(method)
	if len(pg.Methods) == 0 {
		msg += ": it takes no payments (it is for identity verification)"
	} else {
		msg += ": use one of " + quotedList(pg.Methods)
	}
	return newError(CodePayMethodNotSupported, msg)
}

// currencyNotAccepted is CURRENCY_NOT_SUPPORTED (check 6) for a catalog PG.
func currencyNotAccepted(pg PG, currency string) *Error {
	msg := pg.Name + " (" + pg.Code + ") does not take currency " + quote(currency)
	if up := upperASCII(currency); up != currency && pg.Accepts(up) {
		msg += ": currency codes are upper case, use \"" + up + "\""
	} else {
		msg += ": use one of " + quotedList(pg.Currencies) + ", or pick another PG with pg"
	}
	return newError(CodeCurrencyNotSupported, msg)
}

// checkParams is check 2 of docs/sdk.md §5.
func (r *Request) checkParams() *Error {
	for _, mem := range r.params.Members {
		if why, ok := unserializable(&mem.Value); ok {
			what := mem.Key + " could not be copied"
			if mem.Key == "custom_data" {
				what = "custom_data is not JSON-serializable"
			}
			return newError(CodeInvalidParams, what+" ("+why+"): pass plain data — objects, arrays, strings, numbers, booleans, null")
		}
	}
	if v := r.params.Get("custom_data"); v.Kind != jsonv.Absent && !v.AllFinite() {
		return newError(CodeInvalidParams, "custom_data contains NaN or Infinity, which JSON cannot carry: pass finite numbers")
	}
	switch v := r.params.Get("m_redirect_url"); v.Kind {
	case jsonv.Absent, jsonv.Null:
	case jsonv.String:
		if v.Str != "" && !isHTTPURL(v.Str) {
			return newError(CodeInvalidParams, "m_redirect_url "+quote(v.Str)+" is not an http(s) URL: give an absolute URL such as \"https://shop.example/order/complete\"")
		}
	default:
		return newError(CodeInvalidParams, "m_redirect_url must be a string (an http(s) URL), got "+v.Kind.Article())
	}
	switch v := r.params.Get("customer_uid"); v.Kind {
	case jsonv.Absent, jsonv.Null, jsonv.String:
	default:
		return newError(CodeInvalidParams, "customer_uid must be a string (your ID for the buyer's billing key), got "+v.Kind.Article())
	}
	for _, name := range [...]string{"tax_free", "vat_amount"} {
		switch v := r.params.Get(name); v.Kind {
		case jsonv.Absent, jsonv.Null:
		case jsonv.Number:
			if !v.IsFinite() || v.Num < 0 {
				return newError(CodeInvalidParams, name+" must be a finite number of 0 or more, got "+v.Str)
			}
		default:
			return newError(CodeInvalidParams, name+" must be a number, got "+v.Kind.Article())
		}
	}
	if tf := r.params.Get("tax_free"); tf.Kind == jsonv.Number {
		if amt, ok := r.numericAmount(); ok && tf.Num > amt {
			return newError(CodeInvalidParams, "tax_free ("+tf.Str+") is greater than amount ("+strconv.FormatFloat(amt, 'f', -1, 64)+"): the tax-free part cannot exceed the total")
		}
	}
	return nil
}

func unserializable(v *jsonv.Value) (string, bool) {
	if v.Kind != jsonv.Object || len(v.Members) != 1 || v.Members[0].Key != UnserializableKey {
		return "", false
	}
	if w := v.Members[0].Value; w.Kind == jsonv.String && w.Str != "" {
		return w.Str, true
	}
	return "unknown reason", true
}

func isHTTPURL(s string) bool {
	lower := lowerASCII(s)
	var rest string
	switch {
	case strings.HasPrefix(lower, "https://"):
		rest = s[len("https://"):]
	case strings.HasPrefix(lower, "http://"):
		rest = s[len("http://"):]
	default:
		return false
	}
	host, _, _ := strings.Cut(rest, "/")
	host, _, _ = strings.Cut(host, "?")
	host, _, _ = strings.Cut(host, "#")
	return host != "" && !hasSpace(host)
}

// numericAmount is amount as a number when it is one (or a digit string), for the tax_free check.
func (r *Request) numericAmount() (float64, bool) {
	f, _, err := r.amountNumber()
	return f, err == nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// amountNumber reads amount as a finite number: a JSON number, or a string of ASCII digits
// (isString). Whether the number is allowed is amount's business.
func (r *Request) amountNumber() (f float64, isString bool, err *Error) {
	bad := func(msg string) (float64, bool, *Error) {
		return 0, false, newError(CodeInvalidAmount, msg)
	}
	switch v := r.params.Get("amount"); v.Kind {
	case jsonv.Absent:
		return bad("amount is missing: pass the price as a number, e.g. amount: 1000")
	case jsonv.Number:
		switch {
		case math.IsNaN(v.Num):
			return bad("amount is NaN: check the arithmetic that computes it (e.g. Number(\"\") or undefined * 2)")
		case math.IsInf(v.Num, 0):
			return bad("amount is infinite: check the arithmetic that computes it (e.g. a division by zero)")
		}
		return v.Num, false, nil
	case jsonv.String:
		if !isDigits(v.Str) {
			return bad("amount must be a number, got the string " + quote(v.Str) + ": pass a number such as 1000 (no commas, signs or currency symbols)")
		}
		f, err := strconv.ParseFloat(v.Str, 64)
		if err != nil { // digits only, so the one possible failure is overflow
			return bad("amount " + quote(v.Str) + " is too large")
		}
		return f, true, nil
	default:
		return bad("amount must be a number, got " + v.Kind.Article())
	}
}

// amount is check 3 of docs/sdk.md §5. It returns the value, its canonical text, and whether the
// merchant sent it as a digit string.
func (r *Request) amount(currency string) (float64, string, bool, *Error) {
	f, isString, e := r.amountNumber()
	if e != nil {
		return 0, "", false, e
	}
	bad := func(msg string) (float64, string, bool, *Error) {
		return 0, "", false, newError(CodeInvalidAmount, msg)
	}
	if f == 0 {
		f = 0 // -0 would come back as "-0" in paid_amount
	}
	text := strconv.FormatFloat(f, 'f', -1, 64)
	if f < 0 {
		return bad("amount must not be negative, got " + text)
	}
	if dot := strings.IndexByte(text, '.'); dot >= 0 {
		if e := decimalsProblem(text, len(text)-dot-1, currency); e != nil {
			return 0, "", false, e
		}
	}
	if f == 0 && r.str("customer_uid") == "" {
		return bad("amount is 0: a zero amount is only allowed with customer_uid (issuing a billing key); pass the price")
	}
	return f, text, isString, nil
}

// vbankDue reads vbank_due (absent: 0) as unix seconds; see parseVbankDue for the formats.
func (r *Request) vbankDue() (int64, *Error) {
	switch v := r.params.Get("vbank_due"); v.Kind {
	case jsonv.Absent, jsonv.Null:
		return 0, nil
	case jsonv.String:
		if t, ok := parseVbankDue(v.Str); ok {
			return t, nil
		}
		return 0, newError(CodeInvalidParams, "vbank_due "+quote(v.Str)+" is not a date: write it as \"YYYY-MM-DD\", \"YYYYMMDD\", \"YYYY-MM-DD HH:mm:ss\", \"YYYYMMDDHHmmss\" or \"YYYYMMDDHHmm\" (Korean time)")
	default:
		return 0, newError(CodeInvalidParams, "vbank_due must be a string like \"2026-12-31 23:59:59\", got "+v.Kind.Article())
	}
}
