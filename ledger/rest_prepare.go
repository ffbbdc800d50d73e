package ledger

import (
	"errors"
	"net/http"

	"github.com/impshim/impshim/resolver"
)

// POST /payments/prepare, PUT /payments/prepare, GET /payments/prepare/{merchant_uid}: the
// amount an order must be paid with, registered by the merchant's server before the window
// opens (tag payments.validation). POST {sdk}/sandbox/attempts refuses another amount.

func (a *API) prepare(r *http.Request, code string) (any, error) {
	return a.putPrepared(r, code, false)
}
func (a *API) updatePrepare(r *http.Request, code string) (any, error) {
	return a.putPrepared(r, code, true)
}

func (a *API) putPrepared(r *http.Request, code string, update bool) (any, error) {
	b, err := readFields(r)
	if err != nil {
		return nil, err
	}
	p, err := readPrepared(b)
	if err != nil {
		return nil, err
	}
	err = a.store.Prepare(r.Context(), code, p, update, a.now())
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, notFoundIn(msgPrepareNotFound, "merchant_uid "+quote(p.MerchantUID)+
			" has no registered amount to change: register it first with POST /payments/prepare")
	case errors.Is(err, errPreparedExists):
		// Sandbox wording: the real API's text for a second registration is not public.
		return nil, refusedIn("이미 사전등록된 merchant_uid 입니다.", "merchant_uid "+quote(p.MerchantUID)+
			" is registered already; change its amount with PUT /payments/prepare")
	case err != nil:
		return nil, err
	}
	return p, nil
}

// readPrepared reads {merchant_uid, amount, currency}: merchant_uid and amount required.
func readPrepared(b fields) (Prepared, error) {
	uid, err1 := b.str("merchant_uid")
	currency, err2 := b.str("currency")
	amount, err3 := b.amount("amount")
	if err := errors.Join(err1, err2, err3); err != nil {
		return Prepared{}, err
	}
	var errs []error
	if bad := resolver.CheckMerchantUID(uid); bad != nil {
		errs = append(errs, invalidIn("merchant_uid 파라메터가 누락되었거나 올바르지 않습니다.", bad.Message))
	}
	if amount == nil {
		errs = append(errs, invalidIn("amount 파라메터가 누락되었습니다.", "amount is required: the amount the order must be paid with"))
	}
	if currency != "" && !isCurrency(currency) {
		errs = append(errs, invalidIn("지원되지 않는 통화입니다.", "currency "+quote(currency)+" is not a 3-letter code such as KRW; leave it out to check the amount alone"))
	}
	if currency != "" && amount != nil {
		if bad := resolver.CheckAmountText(amount.String(), currency); bad != nil {
			errs = append(errs, invalidIn("amount 파라메터가 올바르지 않습니다.", bad.Message))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Prepared{}, err
	}
	return Prepared{MerchantUID: uid, Amount: *amount, Currency: Text(currency)}, nil
}

func (a *API) prepared(r *http.Request, code string) (any, error) {
	uid := r.PathValue("merchant_uid")
	p, ok, err := a.store.PreparedFor(r.Context(), code, uid)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFoundIn(msgPrepareNotFound, "merchant_uid "+quote(uid)+" was never registered with POST /payments/prepare for this merchant")
	}
	return p, nil
}
