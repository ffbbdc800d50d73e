package resolver

import (
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/impshim/impshim/internal/jsonv"
)

// Error is a failed request (SPEC §7); Code is a stable string.
type Error struct {
	Code, Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// AppendJSON appends {"code","message"}.
func (e *Error) AppendJSON(b []byte) []byte {
	b = append(b, '{')
	b = jsonv.AppendKey(b, "code")
	b = jsonv.AppendString(b, e.Code)
	b = jsonv.AppendKey(b, "message")
	b = jsonv.AppendString(b, e.Message)
	return append(b, '}')
}

// Error codes (SPEC §7).
const (
	CodeNotInitialized        = "NOT_INITIALIZED"
	CodeMerchantConfig        = "MERCHANT_CONFIG"
	CodeInvalidParams         = "INVALID_PARAMS"
	CodeInvalidAmount         = "INVALID_AMOUNT"
	CodeInvalidMerchantUID    = "INVALID_MERCHANT_UID"
	CodePayMethodNotSupported = "PAY_METHOD_NOT_SUPPORTED"
	CodeCurrencyNotSupported  = "CURRENCY_NOT_SUPPORTED"
	CodeSandboxStrict         = "SANDBOX_STRICT"
	CodeF1001                 = "F1001"
	CodeF1002                 = "F1002"
	CodeUserCancel            = "USER_CANCEL"
	CodePGFailed              = "PG_FAILED"
	CodePopupBlocked          = "POPUP_BLOCKED"
	CodeWindowBusy            = "WINDOW_BUSY"
	CodeSDKLoadFailed         = "SDK_LOAD_FAILED"
	CodeInternal              = "INTERNAL"
)

// UnserializableKey marks a value the bridge could not copy (a cycle, a BigInt, a throwing
// getter, over the size or depth cap): in its place the snapshot holds
// {"$impshim_unserializable": "<why>"}, so Check can name the field in INVALID_PARAMS.
const UnserializableKey = "$impshim_unserializable"

// Request is the merchant's params as the bridge snapshotted them. Each field keeps whether it
// was present and its JSON type, so errors can say exactly what was wrong.
type Request struct {
	params jsonv.Value
}

// ParseRequest reads the bridge's snapshot JSON. It fails (INVALID_PARAMS) only when the text
// is not JSON or not an object; the checks of SPEC §5 are Check's job.
func ParseRequest(data []byte) (Request, *Error) {
	v, err := jsonv.Parse(data)
	if err != nil {
		return Request{}, &Error{Code: CodeInvalidParams, Message: "params could not be read: " + err.Error()}
	}
	if v.Kind != jsonv.Object {
		return Request{}, &Error{Code: CodeInvalidParams, Message: "params must be an object like {pg, amount, name, …}, got " + v.Kind.Article()}
	}
	return Request{params: v}, nil
}

// Field returns a param as parsed (Kind Absent when missing).
func (r *Request) Field(name string) jsonv.Value { return r.params.Get(name) }

func (r *Request) str(name string) string {
	if v := r.params.Get(name); v.Kind == jsonv.String {
		return v.Str
	}
	return ""
}

// MerchantUID is merchant_uid when it is a string, else "" (for error responses).
func (r *Request) MerchantUID() string { return r.str("merchant_uid") }

// Popup reports popup: true.
func (r *Request) Popup() bool {
	v := r.params.Get("popup")
	return v.Kind == jsonv.Bool && v.Bool
}

// RedirectURL is m_redirect_url when it is a string, else "".
func (r *Request) RedirectURL() string { return r.str("m_redirect_url") }

// Language is "en" when the merchant asked for English, else "ko" (SPEC §6).
func (r *Request) Language() string {
	if strings.HasPrefix(strings.ToLower(r.str("language")), "en") {
		return "en"
	}
	return "ko"
}

// Query is what Resolve reads from the request.
func (r *Request) Query() Query {
	q, _ := queryFromParams(&r.params)
	q.Type = TypePayment
	return q
}

// Ledger remembers which merchant_uids are paid (F1002). The browser keeps one in memory; the
// server's ledger package keeps one in SQLite.
type Ledger interface {
	Paid(merchantUID string) bool
	MarkPaid(merchantUID, impUID string)
	Reset()
}

// Env injects the clock and the randomness, so tests are exact.
type Env struct {
	Now  func() int64  // unix milliseconds (JS Date.now()); paid_at is Now()/1000
	Rand func() uint64 // imp_uid digits, pg_tid, apply_num, card number, vbank number
	// ReceiptBase prefixes receipt_url; "" means "https://sandbox.impshim.invalid/receipts/".
	ReceiptBase string
}

// Check runs SPEC §5 checks 2–7 in order; the first failure is returned. The Trace is
// returned whenever resolution was reached (check 5 onwards), also on failure.
func (m *Merchant) Check(req Request, ledger Ledger, env Env) (*Payment, Trace, *Error) {
	var warns []Warning
	fail := func(code, msg string) (*Payment, Trace, *Error) {
		return nil, Trace{Index: -1}, &Error{Code: code, Message: msg}
	}

	// 2. INVALID_PARAMS
	if e := req.checkParams(); e != nil {
		return nil, Trace{Index: -1}, e
	}

	// 3. INVALID_AMOUNT
	currencyForDecimals := "KRW"
	if c := req.params.Get("currency"); c.Kind == jsonv.String {
		currencyForDecimals = c.Str
	}
	amount, amountText, stringAmount, e := req.amount(currencyForDecimals)
	if e != nil {
		return nil, Trace{Index: -1}, e
	}
	if stringAmount {
		warns = append(warns, Warning{WarnAmountAsString, "amount is the string " + strconv.Quote(amountText) +
			": pass a number (amount: " + amountText + "); the real service may reject or misread strings"})
	}

	// 4. INVALID_MERCHANT_UID
	merchantUID := ""
	switch v := req.params.Get("merchant_uid"); v.Kind {
	case jsonv.Absent:
		merchantUID = "nobody_" + strconv.FormatInt(env.now(), 10)
	case jsonv.String:
		if v.Str == "" {
			return fail(CodeInvalidMerchantUID, "merchant_uid is empty: give each order its own ID (up to 40 characters), or leave merchant_uid out")
		}
		if n := utf8.RuneCountInString(v.Str); n > 40 {
			return fail(CodeInvalidMerchantUID, "merchant_uid is "+strconv.Itoa(n)+" characters long; the limit is 40: shorten your order IDs")
		}
		merchantUID = v.Str
	default:
		return fail(CodeInvalidMerchantUID, "merchant_uid must be a string, got "+v.Kind.Article()+": convert your order ID with String(…)")
	}

	// 5. resolution: F1001, SANDBOX_STRICT
	q := req.Query()
	tr := m.Resolve(q)
	tr.Warnings = append(tr.Warnings, warns...)
	if tr.Err != nil {
		return nil, tr, tr.Err
	}
	if m.cfg.Strict {
		if tr.Fallback {
			cause := tr.Warnings[0]
			if cause.Code == WarnChannelKeyNotFound && len(tr.Warnings) > 1 {
				cause = tr.Warnings[1]
			}
			return nil, tr, &Error{Code: CodeSandboxStrict, Message: "strict mode: pg " + strconv.Quote(q.PG) +
				" matched no setting and the real service would silently use the default " + m.describe(tr.Index) + " — " + cause.Message}
		}
		if stringAmount {
			return nil, tr, &Error{Code: CodeSandboxStrict, Message: "strict mode: amount is the string " + strconv.Quote(amountText) + "; pass a number"}
		}
	}

	// 6. PAY_METHOD_NOT_SUPPORTED, CURRENCY_NOT_SUPPORTED
	pg, known := Lookup(tr.Setting.PG)
	if !known {
		pg = PG{Code: tr.Setting.PG, Name: tr.Setting.PG, NameKO: tr.Setting.PG, PayType: tr.Setting.PayType, Color: "#555555"}
	}
	payMethod := "card"
	switch v := req.params.Get("pay_method"); v.Kind {
	case jsonv.Absent, jsonv.Null:
	case jsonv.String:
		if v.Str != "" {
			payMethod = v.Str
		}
	default:
		return nil, tr, &Error{Code: CodePayMethodNotSupported, Message: "pay_method must be a string like \"card\", got " + v.Kind.Article()}
	}
	if known && !pg.Offers(payMethod) {
		msg := pg.Name + " (" + pg.Code + ") does not offer pay_method " + strconv.Quote(payMethod)
		if len(pg.Methods) == 0 {
			msg += ": it takes no payments (it is for identity verification)"
		} else {
			msg += ": use one of " + quotedList(pg.Methods)
		}
		return nil, tr, &Error{Code: CodePayMethodNotSupported, Message: msg}
	}
	currency := "KRW"
	switch v := req.params.Get("currency"); v.Kind {
	case jsonv.Absent, jsonv.Null:
	case jsonv.String:
		if v.Str != "" {
			currency = v.Str
		}
	default:
		return nil, tr, &Error{Code: CodeCurrencyNotSupported, Message: "currency must be a string like \"KRW\", got " + v.Kind.Article()}
	}
	if known && !pg.Accepts(currency) {
		msg := pg.Name + " (" + pg.Code + ") does not take currency " + strconv.Quote(currency)
		if up := strings.ToUpper(currency); up != currency && pg.Accepts(up) {
			msg += ": currency codes are upper case, use \"" + up + "\""
		} else {
			msg += ": use one of " + quotedList(pg.Currencies) + ", or pick another PG with pg"
		}
		return nil, tr, &Error{Code: CodeCurrencyNotSupported, Message: msg}
	}

	// 7. F1002
	if ledger != nil && ledger.Paid(merchantUID) {
		return nil, tr, &Error{Code: CodeF1002, Message: "merchant_uid " + strconv.Quote(merchantUID) +
			" is already paid in this sandbox: use a new merchant_uid for every order (IMP.sandbox.reset() forgets paid ones)"}
	}

	p := &Payment{
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

// checkParams is check 2 of SPEC §5.
func (r *Request) checkParams() *Error {
	for _, mem := range r.params.Members {
		if why, ok := unserializable(&mem.Value); ok {
			what := mem.Key + " could not be copied"
			if mem.Key == "custom_data" {
				what = "custom_data is not JSON-serializable"
			}
			return &Error{Code: CodeInvalidParams, Message: what + " (" + why + "): pass plain data — objects, arrays, strings, numbers, booleans, null"}
		}
	}
	if v := r.params.Get("custom_data"); v.Kind != jsonv.Absent && !finiteData(&v) {
		return &Error{Code: CodeInvalidParams, Message: "custom_data contains NaN or Infinity, which JSON cannot carry: pass finite numbers"}
	}
	switch v := r.params.Get("m_redirect_url"); v.Kind {
	case jsonv.Absent, jsonv.Null:
	case jsonv.String:
		if v.Str != "" && !isHTTPURL(v.Str) {
			return &Error{Code: CodeInvalidParams, Message: "m_redirect_url " + strconv.Quote(v.Str) + " is not an http(s) URL: give an absolute URL such as \"https://shop.example/order/complete\""}
		}
	default:
		return &Error{Code: CodeInvalidParams, Message: "m_redirect_url must be a string (an http(s) URL), got " + v.Kind.Article()}
	}
	switch v := r.params.Get("customer_uid"); v.Kind {
	case jsonv.Absent, jsonv.Null, jsonv.String:
	default:
		return &Error{Code: CodeInvalidParams, Message: "customer_uid must be a string (your ID for the buyer's billing key), got " + v.Kind.Article()}
	}
	for _, name := range [...]string{"tax_free", "vat_amount"} {
		switch v := r.params.Get(name); v.Kind {
		case jsonv.Absent, jsonv.Null:
		case jsonv.Number:
			if !v.IsFinite() || v.Num < 0 {
				return &Error{Code: CodeInvalidParams, Message: name + " must be a finite number of 0 or more, got " + v.Str}
			}
		default:
			return &Error{Code: CodeInvalidParams, Message: name + " must be a number, got " + v.Kind.Article()}
		}
	}
	if tf := r.params.Get("tax_free"); tf.Kind == jsonv.Number {
		if amt, ok := r.numericAmount(); ok && tf.Num > amt {
			return &Error{Code: CodeInvalidParams, Message: "tax_free (" + tf.Str + ") is greater than amount (" + strconv.FormatFloat(amt, 'f', -1, 64) + "): the tax-free part cannot exceed the total"}
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

func finiteData(v *jsonv.Value) bool {
	switch v.Kind {
	case jsonv.Number:
		return v.IsFinite()
	case jsonv.Array:
		for i := range v.Items {
			if !finiteData(&v.Items[i]) {
				return false
			}
		}
	case jsonv.Object:
		for i := range v.Members {
			if !finiteData(&v.Members[i].Value) {
				return false
			}
		}
	}
	return true
}

func isHTTPURL(s string) bool {
	lower := strings.ToLower(s)
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
	v := r.params.Get("amount")
	switch {
	case v.Kind == jsonv.Number && v.IsFinite():
		return v.Num, true
	case v.Kind == jsonv.String && isDigits(v.Str):
		f, err := strconv.ParseFloat(v.Str, 64)
		return f, err == nil
	}
	return 0, false
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

// currencyDecimals is how many decimals an amount may have in the currency (ISO 4217 minor units).
func currencyDecimals(currency string) int {
	switch currency {
	case "KRW", "JPY", "VND", "CLP", "ISK", "TWD", "HUF":
		return 0
	}
	return 2
}

// amount is check 3 of SPEC §5. It returns the value, its canonical text, and whether the
// merchant sent it as a digit string.
func (r *Request) amount(currency string) (float64, string, bool, *Error) {
	v := r.params.Get("amount")
	bad := func(msg string) (float64, string, bool, *Error) {
		return 0, "", false, &Error{Code: CodeInvalidAmount, Message: msg}
	}
	var f float64
	isString := false
	switch v.Kind {
	case jsonv.Absent:
		return bad("amount is missing: pass the price as a number, e.g. amount: 1000")
	case jsonv.Number:
		switch {
		case math.IsNaN(v.Num):
			return bad("amount is NaN: check the arithmetic that computes it (e.g. Number(\"\") or undefined * 2)")
		case math.IsInf(v.Num, 0):
			return bad("amount is infinite: check the arithmetic that computes it (e.g. a division by zero)")
		}
		f = v.Num
	case jsonv.String:
		if !isDigits(v.Str) {
			return bad("amount must be a number, got the string " + strconv.Quote(v.Str) + ": pass a number such as 1000 (no commas, signs or currency symbols)")
		}
		var err error
		f, err = strconv.ParseFloat(v.Str, 64)
		if err != nil || math.IsInf(f, 0) {
			return bad("amount " + strconv.Quote(v.Str) + " is too large")
		}
		isString = true
	default:
		return bad("amount must be a number, got " + v.Kind.Article())
	}
	if f == 0 {
		f = 0 // -0 would come back as "-0" in paid_amount
	}
	text := strconv.FormatFloat(f, 'f', -1, 64)
	if f < 0 {
		return bad("amount must not be negative, got " + text)
	}
	if dot := strings.IndexByte(text, '.'); dot >= 0 {
		if d := len(text) - dot - 1; d > currencyDecimals(currency) {
			allowed := currencyDecimals(currency)
			msg := "amount " + text + " has " + strconv.Itoa(d) + " decimals, but " + currency
			if allowed == 0 {
				msg += " has no minor unit: pass a whole number"
			} else {
				msg += " allows " + strconv.Itoa(allowed) + ": round it"
			}
			return bad(msg)
		}
	}
	if f == 0 && r.str("customer_uid") == "" {
		return bad("amount is 0: a zero amount is only allowed with customer_uid (issuing a billing key); pass the price")
	}
	return f, text, isString, nil
}

// defaults used when Env leaves something out, so a zero Env never panics.
var fallbackRand atomic.Uint64

func (e Env) now() int64 {
	if e.Now != nil {
		return e.Now()
	}
	return 0
}

func (e Env) rand() uint64 {
	if e.Rand != nil {
		return e.Rand()
	}
	// splitmix64: deterministic, good enough for sandbox IDs when no source was injected. The
	// state is shared (the server may respond to many requests at once), hence atomic.
	z := fallbackRand.Add(0x9e3779b97f4a7c15)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// digits returns n decimal digits from the env's randomness.
func (e Env) digits(n int) string {
	b := make([]byte, n)
	var r uint64
	for i := range b {
		if i%18 == 0 {
			r = e.rand()
		}
		b[i] = byte('0' + r%10)
		r /= 10
	}
	return string(b)
}
