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

// Refusal is a refusal the caller can fix: Message says what to change.
type Refusal struct {
	Kind error // one of the Err… kinds above
	// Field is the request field at fault, when one is ("amount", "response.imp_uid").
	Field string
	// Code is the machine-readable code the bridge answers with (error_code), when the real
	// service has one (F1002, …); "" lets the envelope derive one from Kind.
	Code    string
	Message string
}

func (e *Refusal) Error() string { return e.Message }
func (e *Refusal) Unwrap() error { return e.Kind }

func invalid(field, msg string) error { return &Refusal{Kind: ErrInvalid, Field: field, Message: msg} }
func notFound(msg string) error       { return &Refusal{Kind: ErrNotFound, Message: msg} }
func conflict(msg string) error       { return &Refusal{Kind: ErrConflict, Message: msg} }

// refusals are the messages of every *Refusal in err, which may join several: every field that
// is wrong is named at once, so the merchant fixes them in one go.
func refusals(err error) (msgs []string, first *Refusal) {
	var walk func(error)
	walk = func(err error) {
		switch x := err.(type) {
		case *Refusal:
			if first == nil {
				first = x
			}
			msgs = append(msgs, x.Message)
		case interface{ Unwrap() []error }:
			for _, inner := range x.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }:
			walk(x.Unwrap())
		}
	}
	walk(err)
	return msgs, first
}

func refusalText(err error) string {
	msgs, _ := refusals(err)
	return strings.Join(msgs, "; ")
}
