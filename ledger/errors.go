package ledger

import (
	"errors"
	"strings"
)

// The kinds of refusal. The store and the handlers return errors that wrap one of them (a
// *Refusal, usually); the adapter of each envelope (REST, bridge) turns the kind into an HTTP
// status in one place, with errors.Is, so no handler writes a status itself.
var (
	// ErrNotFound: no payment (token, merchant, …) matched — for this merchant: others' data is
	// invisible, so "someone else's" reads as "not found".
	ErrNotFound = errors.New("not found")
	// ErrConflict: the request is well-formed but the ledger's state refuses it (a settled
	// payment cannot change, an imp_uid belongs to another merchant).
	ErrConflict = errors.New("conflict")
	// ErrInvalid: a field of the request is wrong; the message names it.
	ErrInvalid = errors.New("invalid request")
	// ErrUnauthorized: no valid access token, or wrong keys.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: the request comes from somewhere the server does not trust (an Origin).
	ErrForbidden = errors.New("forbidden")
	// errMethod, errMediaType: HTTP-level refusals of the route table.
	errMethod    = errors.New("method not allowed")
	errMediaType = errors.New("unsupported media type")
)

// Refusal is a request turned down in words the caller can act on. For the REST API it is
// what the real API answers: Code is the envelope's code (-1 or 1, whichever the real API uses
// for the case) and Message its words (Korean, from the OpenAPI / docs), while Explain says in
// impshim's words what to change (the X-Impshim-Explain header and the server log). Kind is
// the domain error the adapter maps to a status (statusOf); nil is the real API's HTTP 200
// with code ≠ 0, its answer to most business refusals.
type Refusal struct {
	Kind    error
	Code    int
	Message string
	Explain string
	// Field is the request field at fault, when one is ("amount", "response.imp_uid").
	Field string
	// ErrorCode is the code the bridge answers with (error_code), when the real service has
	// one for the case (F1002, …); "" lets the bridge's envelope derive one from the status.
	ErrorCode string
}

func (e *Refusal) Error() string {
	if e.Explain == "" {
		return e.Message
	}
	return e.Message + " (" + e.Explain + ")"
}

func (e *Refusal) Unwrap() error { return e.Kind }

// refused is a refusal in the real API's words (code, msg) with impshim's explanation.
func refused(code int, msg, explain string, kind error) *Refusal {
	return &Refusal{Code: code, Message: msg, Explain: explain, Kind: kind}
}

// invalid, notFound and conflict are refusals in impshim's words alone (code -1).
func invalid(field, msg string) error {
	return &Refusal{Kind: ErrInvalid, Code: -1, Field: field, Message: msg}
}
func notFound(msg string) error { return &Refusal{Kind: ErrNotFound, Code: -1, Message: msg} }

// noPayment is the store's refusal of an imp_uid the merchant has no payment for.
func noPayment(impUID string) error {
	return notFound("no payment with imp_uid " + quote(impUID) + " for this merchant")
}

func conflict(msg string) error { return &Refusal{Kind: ErrConflict, Code: -1, Message: msg} }

// firstRefusal is the first *Refusal in err, which may join several (errors.Join): every field
// that is wrong is named at once, so the merchant fixes them in one go.
func firstRefusal(err error) *Refusal {
	var r *Refusal
	if errors.As(err, &r) {
		return r
	}
	return nil
}

// refusalText joins what the refusals in err say: their messages, and their explanations.
func refusalText(err error) (message, explain string) {
	var msgs, why []string
	var walk func(error)
	walk = func(err error) {
		switch x := err.(type) {
		case *Refusal:
			msgs = append(msgs, x.Message)
			if x.Explain != "" {
				why = append(why, x.Explain)
			}
		case interface{ Unwrap() []error }:
			for _, inner := range x.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }:
			walk(x.Unwrap())
		}
	}
	walk(err)
	return strings.Join(msgs, "; "), strings.Join(why, "; ")
}
