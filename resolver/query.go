package resolver

import (
	"strconv"

	"github.com/impshim/impshim/internal/jsonv"
)

// Query is what resolution reads from a request: the pg value and the few params that
// change the result or its warnings.
type Query struct {
	PG string
	// PGType is "" when pg was a string or absent; else its JSON type: "number", "boolean",
	// "object", "array", "null".
	PGType      string
	ChannelKey  string
	Type        string // "payment" ("" too) or "certification"
	PayMethod   string // for PAY_METHOD_IGNORED
	CustomerUID string // for BILLING_KEY_ON_NON_SUBSCRIPTION
}

// ParseQuery reads IMP.sandbox.resolve's argument as JSON text: a string (the pg), a params
// object, or null (no pg at all).
func ParseQuery(data []byte) (Query, *Error) {
	v, err := jsonv.Parse(data)
	if err != nil {
		return Query{}, &Error{Code: CodeInvalidParams, Message: "the resolve argument is not valid JSON: " + err.Error()}
	}
	switch v.Kind {
	case jsonv.String:
		return Query{PG: v.Str}, nil
	case jsonv.Null:
		return Query{}, nil
	case jsonv.Object:
		q, err := queryFromParams(&v)
		if err != nil {
			return Query{}, err
		}
		return q, nil
	}
	return Query{}, &Error{Code: CodeInvalidParams, Message: "IMP.sandbox.resolve takes a pg string or a params object, got " + v.Kind.Article()}
}

// queryFromParams reads the fields resolution uses from a params object. An unknown type is
// an error for IMP.sandbox.resolve; the query comes back filled in all the same, so that
// request_pay, which always resolves payments, does not lose pg over a stray type param.
func queryFromParams(v *jsonv.Value) (Query, *Error) {
	var q Query
	switch pg := v.Get("pg"); pg.Kind {
	case jsonv.String:
		q.PG = pg.Str
	case jsonv.Absent:
	default:
		q.PGType = pg.Kind.String()
	}
	q.ChannelKey = stringField(v, "channelKey")
	q.PayMethod = stringField(v, "pay_method")
	q.CustomerUID = stringField(v, "customer_uid")
	switch t := v.Get("type"); t.Kind {
	case jsonv.Absent, jsonv.Null:
	case jsonv.String:
		if t.Str != "" && t.Str != TypePayment && t.Str != TypeCertification {
			return q, &Error{Code: CodeInvalidParams, Message: "type " + strconv.Quote(t.Str) + " is unknown: use \"payment\" or \"certification\""}
		}
		q.Type = t.Str
	default:
		return q, &Error{Code: CodeInvalidParams, Message: "type must be \"payment\" or \"certification\", got " + t.Kind.Article()}
	}
	return q, nil
}

// Query is what Resolve reads from the request. request_pay only ever resolves among payment
// settings (docs/sdk.md §4), so params.type, whatever it says, does not change the type.
func (r *Request) Query() Query {
	q, _ := queryFromParams(&r.params)
	q.Type = TypePayment
	return q
}
