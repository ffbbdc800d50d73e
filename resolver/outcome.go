package resolver

import "github.com/impshim/impshim/internal/jsonv"

// Outcome is how the mock window ended.
type Outcome struct {
	Result    string // "paid" | "failed" | "cancelled"; for a certification "paid" means verified
	ErrorCode string
	ErrorMsg  string
	Identity  int // certification: the verified person, an index into Certification.Identities
	CardQuota int // card: the installment months the buyer chose; 0 is 일시불
}

// ParseOutcome reads the bridge's outcome, {"result","error_code"?,"error_msg"?,"identity"?}.
// A malformed one is the bridge's bug (INTERNAL), never the merchant's.
func ParseOutcome(data []byte) (Outcome, *Error) {
	bad := func(msg string) (Outcome, *Error) {
		return Outcome{}, newError(CodeInternal, "bridge bug: "+msg)
	}
	v, err := jsonv.Parse(data)
	if err != nil {
		return bad("outcome is not JSON: " + err.Error())
	}
	if v.Kind != jsonv.Object {
		return bad("outcome must be an object, got " + v.Kind.Article())
	}
	var o Outcome
	for _, f := range [...]textField{{"result", &o.Result}, {"error_code", &o.ErrorCode}, {"error_msg", &o.ErrorMsg}} {
		if got := v.GetString(f.key, f.dst); got != "" {
			return bad("outcome." + f.key + " must be a string, got " + got)
		}
	}
	for _, f := range [...]struct {
		key, want string
		max       float64
		dst       *int
	}{
		{"card_quota", "a number of months (0: 일시불)", 60, &o.CardQuota},
		{"identity", "an index into the window's identities", 1 << 20, &o.Identity},
	} {
		switch x := v.Get(f.key); x.Kind {
		case jsonv.Absent, jsonv.Null:
		case jsonv.Number:
			if !x.IsFinite() || x.Num < 0 || x.Num > f.max || x.Num != float64(int(x.Num)) {
				return bad("outcome." + f.key + " must be " + f.want + ", got " + x.Str)
			}
			*f.dst = int(x.Num)
		default:
			return bad("outcome." + f.key + " must be a number, got " + x.Kind.Article())
		}
	}
	if !ValidOutcomeResult(o.Result) {
		return bad("outcome.result must be \"paid\", \"failed\" or \"cancelled\"")
	}
	return o, nil
}
