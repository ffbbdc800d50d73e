package resolver

import (
	"strconv"

	"github.com/impshim/impshim/internal/jsonv"
)

// Error is a failed request (docs/sdk.md §7); Code is a stable string.
type Error struct {
	Code, Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Error codes (docs/sdk.md §7).
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

// AppendJSON appends {"code","message"}.
func (e *Error) AppendJSON(b []byte) []byte { return appendCodeMessage(b, e.Code, e.Message) }

// appendCodeMessage writes an error or a warning: both are {"code","message"} in JSON.
func appendCodeMessage(b []byte, code, message string) []byte {
	w := jsonv.Writer{B: append(b, '{')}
	w.Str("code", code)
	w.Str("message", message)
	return append(w.B, '}')
}

// quote and decimal are strconv.Quote and strconv.Itoa for messages, kept out of line: the
// compiler would inline both at each of their ~80 call sites, and every inlined copy adds a
// few hundred bytes to the WASM module for a call saved on an error path.
//
// quote writes plain printable ASCII (every PG code and MID in practice) itself (appendQuoted):
// strconv.Quote decodes and classifies each rune, a few percent of a cold resolve's Go time in
// WASM for the mistyped pg its warnings quote. TestQuoteIsStrconvQuote holds it to strconv.Quote.
//
//go:noinline
func quote(s string) string {
	var buf [64]byte
	return string(appendQuoted(buf[:0], s))
}

//go:noinline
func decimal(n int) string { return strconv.Itoa(n) }

// newError is &Error{code, message}, out of line: the resolver makes one at ~50 places.
//
//go:noinline
func newError(code, message string) *Error { return &Error{Code: code, Message: message} }
