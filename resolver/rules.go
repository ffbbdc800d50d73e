package resolver

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/impshim/impshim/internal/jsonv"
)

// The rules below are shared by both halves of impshim: the browser (through wasm) and the
// server (ledger imports resolver). Each lives here once, so the two cannot drift apart.

// Payment statuses of the V1 Payment model (portone-io/developers.portone.io,
// src/schema/v1.openapi.json, PaymentAnnotation.status: ready 미결제, paid 결제완료,
// cancelled 결제취소, failed 결제실패).
const (
	StatusReady     = "ready"
	StatusPaid      = "paid"
	StatusCancelled = "cancelled"
	StatusFailed    = "failed"
)

// ValidStatus reports whether s is one of the four payment statuses.
func ValidStatus(s string) bool {
	switch s {
	case StatusReady, StatusPaid, StatusCancelled, StatusFailed:
		return true
	}
	return false
}

// Outcome results: how a mock window ends (IMP.sandbox.setOutcome, the window's buttons, the
// window's approval to the server).
const (
	ResultPaid      = "paid"
	ResultFailed    = "failed"
	ResultCancelled = "cancelled"
)

// OutcomeResults lists the outcome results in the order the API documents them.
func OutcomeResults() []string { return []string{ResultPaid, ResultFailed, ResultCancelled} }

// ValidOutcomeResult reports whether s is an outcome result.
func ValidOutcomeResult(s string) bool {
	return s == ResultPaid || s == ResultFailed || s == ResultCancelled
}

// MaxMerchantUIDLen is the real service's limit on merchant_uid, in Unicode code points
// (docs/sdk.md §5).
const MaxMerchantUIDLen = 40

// CheckMerchantUID is the rule for a merchant_uid given as a string (check 4 of docs/sdk.md §5): not
// empty, at most MaxMerchantUIDLen code points. It returns INVALID_MERCHANT_UID or nil.
func CheckMerchantUID(s string) *Error {
	if s == "" {
		return newError(CodeInvalidMerchantUID, "merchant_uid is empty: give each order its own ID (up to 40 characters), or leave merchant_uid out")
	}
	if n := utf8.RuneCountInString(s); n > MaxMerchantUIDLen {
		return newError(CodeInvalidMerchantUID, "merchant_uid is "+decimal(n)+" characters long; the limit is 40: shorten your order IDs")
	}
	return nil
}

// IMPUIDPrefix starts every imp_uid the sandbox issues; 12 decimal digits follow, the real
// service's shape (imp_568207623909 in portone-io/portone_flutter#58), so a merchant's own
// check of the shape passes.
const IMPUIDPrefix = "imp_"

// impUIDDigits is how many digits follow the prefix, as in the real service's imp_uids.
const impUIDDigits = 12

// NewIMPUID issues an imp_uid from rand (nil: the package's fallback source, see Env).
func NewIMPUID(rand func() uint64) string {
	return IMPUIDPrefix + Env{Rand: rand}.digits(impUIDDigits)
}

// ValidIMPUID reports whether s has the shape of an imp_uid: "imp_" (the real service's and
// this sandbox's) or "imps_" (what impshim issued before, still in older ledgers) followed by
// exactly 12 ASCII digits.
func ValidIMPUID(s string) bool {
	var digits string
	switch {
	case strings.HasPrefix(s, "imps_"):
		digits = s[len("imps_"):]
	case strings.HasPrefix(s, "imp_"):
		digits = s[len("imp_"):]
	default:
		return false
	}
	return len(digits) == impUIDDigits && isDigits(digits)
}

// MobileUserAgent reports whether the SDK treats a browser as mobile (docs/sdk.md §6): that is what
// turns m_redirect_url into a redirect, and what the ledger records as channel "mobile".
func MobileUserAgent(ua string) bool {
	for _, marker := range [...]string{"Mobi", "Android", "iPhone", "iPad"} {
		if strings.Contains(ua, marker) {
			return true
		}
	}
	return false
}

// zeroDecimal are the currencies without a minor unit (ISO 4217), with TWD and HUF as PayPal
// takes them: whole amounts only.
var zeroDecimal = map[string]bool{"KRW": true, "JPY": true, "VND": true, "CLP": true, "ISK": true, "TWD": true, "HUF": true}

// CurrencyDecimals is how many decimals an amount may have in currency: 0 for KRW and the other
// currencies without a minor unit, else 2. ok is false for a code no catalog PG takes and that
// is not one of the zero-decimal currencies (the answer is then 2, what check 3 assumes).
func CurrencyDecimals(currency string) (decimals int, ok bool) {
	if zeroDecimal[currency] {
		return 0, true
	}
	return 2, catalogCurrencies[currency]
}

// catalogCurrencies is every currency some catalog PG takes.
var catalogCurrencies = func() map[string]bool {
	m := map[string]bool{}
	for _, pg := range catalog {
		for _, c := range pg.Currencies {
			m[c] = true
		}
	}
	return m
}()

// CheckAmountText checks an amount written as decimal text (a REST body's number, a form
// field) for currency: JSON number syntax without a sign — digits, an optional fraction, an
// optional exponent — and no more decimals than the currency has ("0.5" is refused for KRW,
// "10.25" accepted for USD, "10.250" too: trailing zeros add no precision). Anything around the
// number (" 100 ", "100원", "+5", "1,000") is refused. Zero passes; whether zero means
// something (a full cancel) is the caller's rule. It returns INVALID_AMOUNT or nil.
func CheckAmountText(text, currency string) *Error {
	bad := func(msg string) *Error { return newError(CodeInvalidAmount, msg) }
	if strings.HasPrefix(text, "-") {
		return bad("amount must not be negative, got " + quote(text))
	}
	mantissa, exp, hasExp := strings.Cut(lowerASCII(text), "e")
	whole, frac, hasFrac := strings.Cut(mantissa, ".")
	shift := 0
	if hasExp {
		e := strings.TrimPrefix(strings.TrimPrefix(exp, "+"), "-")
		if !isDigits(e) || len(e) > 4 {
			return bad("amount " + quote(text) + " is not a number: write it as digits, e.g. 1000 or 10.5")
		}
		shift, _ = strconv.Atoi(e)
		if strings.HasPrefix(exp, "-") {
			shift = -shift
		}
	}
	if !isDigits(whole) || (hasFrac && !isDigits(frac)) {
		return bad("amount " + quote(text) + " is not a number: write it as digits, e.g. 1000 or 10.5 (no spaces, signs, commas or currency symbols)")
	}
	// The decimals that matter: the fraction without trailing zeros, moved by the exponent.
	d := len(strings.TrimRight(frac, "0")) - shift
	return decimalsProblem(text, d, currency)
}

// decimalsProblem is INVALID_AMOUNT when an amount with d significant decimals has more than
// currency allows, else nil.
func decimalsProblem(text string, d int, currency string) *Error {
	allowed, _ := CurrencyDecimals(currency)
	if d <= allowed {
		return nil
	}
	msg := "amount " + text + " has " + decimal(d) + " decimals, but " + currency
	if allowed == 0 {
		msg += " has no minor unit: pass a whole number"
	} else {
		msg += " allows " + decimal(allowed) + ": round it"
	}
	return newError(CodeInvalidAmount, msg)
}

// ConsoleOrder is the order the admin console lists settings in, and the order resolution
// walks them: the flagged default first (or, with no flag, the first setting), then the others
// in list order. It returns setting indices.
func ConsoleOrder(settings []Setting) []int {
	def := 0
	for i, s := range settings {
		if s.Default {
			def = i
			break
		}
	}
	order := make([]int, 0, len(settings))
	if len(settings) == 0 {
		return order
	}
	order = append(order, def)
	for i := range settings {
		if i != def {
			order = append(order, i)
		}
	}
	return order
}

// Window modes: how a request's mock window opens (docs/sdk.md §6).
const (
	ModeIframe   = "iframe"   // an overlay on the page
	ModePopup    = "popup"    // a separate browser window
	ModeRedirect = "redirect" // the page navigates to the window, then to m_redirect_url
)

// WindowMode decides how the request's window opens, as the real SDK does: redirect when
// m_redirect_url is an http(s) URL and the browser is mobile (MobileUserAgent); else a popup
// when params.popup says so, or, when popup is not a boolean, when popupByDefault (the SDK
// opens certifications in a popup on a PC, payments in an overlay); else an overlay.
// redirectURL is m_redirect_url for ModeRedirect, else "".
func (r *Request) WindowMode(userAgent string, popupByDefault bool) (mode, redirectURL string) {
	if u := r.str("m_redirect_url"); isHTTPURL(u) && MobileUserAgent(userAgent) {
		return ModeRedirect, u
	}
	popup := popupByDefault
	if v := r.params.Get("popup"); v.Kind == jsonv.Bool {
		popup = v.Bool
	}
	if popup {
		return ModePopup, ""
	}
	return ModeIframe, ""
}

// BrowserEnv is what the bridge says about the page making a request.
type BrowserEnv struct {
	UserAgent string // navigator.userAgent; "" is a desktop browser
	NowMS     int64  // Date.now(), when HasNow
	HasNow    bool
}

// ParseBrowserEnv reads the bridge's {"user_agent": navigator.userAgent, "now_ms": Date.now()};
// both fields are optional, and null or an empty text mean "not given" (a desktop browser,
// the clock unknown). A wrong type is an error: the bridge, not the merchant, sent it.
func ParseBrowserEnv(data []byte) (BrowserEnv, *Error) {
	var env BrowserEnv
	if len(data) == 0 {
		return env, nil
	}
	bad := func(msg string) (BrowserEnv, *Error) {
		return BrowserEnv{}, newError(CodeInternal, "impshim bug: the bridge's env "+msg)
	}
	v, err := jsonv.Parse(data)
	switch {
	case err != nil:
		return bad("is not JSON: " + err.Error())
	case v.Kind == jsonv.Null:
		return env, nil
	case v.Kind != jsonv.Object:
		return bad("must be an object, got " + v.Kind.Article())
	}
	if got := v.GetString("user_agent", &env.UserAgent); got != "" {
		return bad("user_agent must be a string, got " + got)
	}
	switch now := v.Get("now_ms"); now.Kind {
	case jsonv.Number:
		// Date.now() is a whole number of ms; anything else (NaN, a fraction, before 1970,
		// past year 275760) is not a clock reading.
		if !now.IsFinite() || now.Num < 0 || now.Num > 8.64e15 || now.Num != float64(int64(now.Num)) {
			return bad("now_ms must be a whole number of milliseconds, got " + now.Str)
		}
		env.NowMS, env.HasNow = int64(now.Num), true
	case jsonv.Absent, jsonv.Null:
	default:
		return bad("now_ms must be a number, got " + now.Kind.Article())
	}
	return env, nil
}
