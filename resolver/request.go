package resolver

import (
	"strings"

	"github.com/impshim/impshim/internal/jsonv"
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
// is not JSON or not an object; the checks of docs/sdk.md §5 are Check's job.
func ParseRequest(data []byte) (Request, *Error) {
	v, err := jsonv.Parse(data)
	if err != nil {
		return Request{}, newError(CodeInvalidParams, "params could not be read: "+err.Error())
	}
	if v.Kind != jsonv.Object {
		return Request{}, newError(CodeInvalidParams, "params must be an object like {pg, amount, name, …}, got "+v.Kind.Article())
	}
	return Request{params: v}, nil
}

// Field returns a param as parsed (Kind Absent when missing).
func (r *Request) Field(name string) jsonv.Value { return r.params.Get(name) }

func (r *Request) str(name string) string { return stringField(&r.params, name) }

// stringField is obj[name] when that is a string, else "". Not inlined: each inlined copy
// copies a whole jsonv.Value.
//
//go:noinline
func stringField(obj *jsonv.Value, name string) string {
	var s string
	obj.GetString(name, &s)
	return s
}

// stringOr reads an optional string param: absent, null and "" give def. For any other JSON
// type it gives def and that type with its article ("a number"), for the caller's error.
func (r *Request) stringOr(name, def string) (s, badType string) {
	switch v := r.params.Get(name); v.Kind {
	case jsonv.Absent, jsonv.Null:
	case jsonv.String:
		if v.Str != "" {
			return v.Str, ""
		}
	default:
		return def, v.Kind.Article()
	}
	return def, ""
}

// MerchantUID is merchant_uid when it is a string, else "" (for error responses).
func (r *Request) MerchantUID() string { return r.str("merchant_uid") }

// Language is "en" when the merchant asked for English, else "ko" (docs/sdk.md §6).
func (r *Request) Language() string {
	if strings.HasPrefix(lowerASCII(r.str("language")), "en") {
		return "en"
	}
	return "ko"
}
