package ledger

import (
	"errors"
	"math/big"
	"strconv"
	"strings"

	"github.com/impshim/impshim/resolver"
)

// Amount is money in hundredths of the currency's unit. i'mport's amounts are decimals (USD has
// cents), and partial cancellations subtract them: holding them as integers keeps a checksum
// comparison exact where float64 arithmetic would drift.
type Amount int64

// maxAmount bounds what the sandbox accepts (10^15 units), far above any real payment and far
// below where int64 hundredths would overflow.
const maxAmount = Amount(1e17)

var errAmount = errors.New("must be a non-negative number with at most 2 decimals")

// ParseAmount reads decimal text as JSON or a form sends it: "1000", "10.5", "1e3". The text
// rule is resolver's (CheckAmountText: JSON's number syntax without a sign, nothing around it —
// " 100 " and "1,000" are refused — and at most 2 significant decimals, the finest currency);
// a payment's own currency may allow fewer (checkDecimals).
func ParseAmount(s string) (Amount, error) {
	if len(s) > 64 || resolver.CheckAmountText(s, "") != nil {
		return 0, errAmount
	}
	if len(s) <= 15 && !strings.ContainsAny(s, ".eE") {
		// Whole amounts, nearly all of them, need no big.Rat.
		n, _ := strconv.ParseInt(s, 10, 64)
		return Amount(n * 100), nil
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		// big.Rat would build 10^999999999 in full: bound the exponent first.
		if exp, err := strconv.Atoi(s[i+1:]); err != nil || exp > 20 || exp < -20 {
			return 0, errAmount
		}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || r.Sign() < 0 {
		return 0, errAmount
	}
	r.Mul(r, big.NewRat(100, 1))
	if !r.IsInt() {
		return 0, errAmount
	}
	n := r.Num()
	if !n.IsInt64() || Amount(n.Int64()) > maxAmount {
		return 0, errors.New("is too large for a sandbox payment")
	}
	return Amount(n.Int64()), nil
}

// Whole is n units of the currency: Whole(64900) is 64,900 KRW.
func Whole(n int64) Amount { return Amount(n * 100) }

// String writes the amount as the shortest decimal: 1000, 10.5, 0.01.
func (a Amount) String() string {
	s := strconv.FormatInt(int64(a)/100, 10)
	if c := int64(a) % 100; c != 0 {
		frac := strconv.FormatInt(c+100, 10)[1:]
		s += "." + strings.TrimSuffix(frac, "0")
	}
	return s
}

// MarshalJSON writes a JSON number, as the real API does.
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalJSON reads a number or a string of one (the SDK accepts "1000" with a warning).
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		*a = 0
		return nil
	}
	if unq, err := strconv.Unquote(s); err == nil {
		s = unq
	}
	v, err := ParseAmount(s)
	if err != nil {
		return err
	}
	*a = v
	return nil
}
