package ledger

import (
	"errors"
	"net/http"
	"strconv"
)

// GET /payments?imp_uid[]=…&merchant_uid[]=… and GET /payments/{imp_uid}/balance.

// maxMultiple is the OpenAPI's limit of GET /payments ("최대 100개").
const maxMultiple = 100

// payments answers the ones found, imp_uids first, in the order asked; a merchant_uid gives
// its latest payment, as GET /payments/find/{merchant_uid} does.
func (a *API) payments(r *http.Request, code string) (any, error) {
	q := r.URL.Query()
	impUIDs := append(q["imp_uid[]"], q["imp_uid"]...)
	merchantUIDs := append(q["merchant_uid[]"], q["merchant_uid"]...)
	if n := len(impUIDs) + len(merchantUIDs); n == 0 || n > maxMultiple {
		return nil, invalidIn("imp_uid[] 또는 merchant_uid[] 파라메터가 필요합니다. (최대 100개)",
			"give 1 to 100 imp_uid[] or merchant_uid[] query parameters, e.g. /payments?imp_uid[]=imp_123456789012&merchant_uid[]=order_1; got "+
				strconv.Itoa(n))
	}
	if _, err := includeSandbox(r); err != nil {
		return nil, err
	}
	list := []Payment{}
	missing := 0
	add := func(p Payment, err error) error {
		if errors.Is(err, ErrNotFound) {
			missing++
			return nil
		}
		if err == nil {
			list = append(list, p)
		}
		return err
	}
	for _, uid := range impUIDs {
		if err := add(a.store.Payment(r.Context(), code, uid)); err != nil {
			return nil, err
		}
	}
	for _, uid := range merchantUIDs {
		if err := add(a.store.FindByMerchantUID(r.Context(), code, uid, "")); err != nil {
			return nil, err
		}
	}
	switch {
	case len(list) == 0:
		return nil, notFoundIn(msgMultipleNotFound, "none of the asked payments is in this merchant's ledger")
	case missing > 0:
		// The real API's 207 Multi-Status, with the ones it found (iamport-rest-client-nodejs
		// reads the 207 and lists the missing imp_uids itself).
		return shaped{v: list, status: http.StatusMultiStatus}, nil
	}
	return list, nil
}

// includeSandbox reads include_sandbox. impshim's payments are what a test MID produces, not
// payments of a V2 test channel, so the real API's default (false: leave test-channel
// payments out) hides none of them; the flag is read so that a wrong value is refused.
func includeSandbox(r *http.Request) (bool, error) {
	switch v := r.URL.Query().Get("include_sandbox"); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, invalidIn("include_sandbox 파라메터가 올바르지 않습니다.", "include_sandbox must be true or false, not "+quote(v))
	}
}

// BalanceAmounts is one part of a payment's money (PaymentBalanceAnnotation).
type BalanceAmounts struct {
	TaxFree Amount `json:"tax_free"`
	Supply  Amount `json:"supply"`
	VAT     Amount `json:"vat"`
	Service Amount `json:"service"`
}

// BalanceEntry is one change of a payment's balance (PaymentBalanceHistoriesAnnotation).
type BalanceEntry struct {
	CashReceipt BalanceAmounts `json:"cash_receipt"`
	Primary     BalanceAmounts `json:"primary"`
	Secondary   BalanceAmounts `json:"secondary"`
	Discount    BalanceAmounts `json:"discount"`
	Created     int64          `json:"created"`
}

// Balance is GET /payments/{imp_uid}/balance (PaymentBalanceResponseAnnotation): what remains
// of the payment after its cancellations, split into supply and VAT, and each change.
type Balance struct {
	Amount      Amount         `json:"amount"`
	CashReceipt BalanceAmounts `json:"cash_receipt"`
	Primary     BalanceAmounts `json:"primary"`
	Secondary   BalanceAmounts `json:"secondary"`
	Discount    BalanceAmounts `json:"discount"`
	Histories   []BalanceEntry `json:"histories"`
}

// split is an amount as Korean VAT splits it: a tenth of the supply price on top of it, the
// supply rounded down to the currency's unit (whole won; cents otherwise).
func split(total Amount, currency string) BalanceAmounts {
	unit := Amount(100)
	if currency != "" && currency != "KRW" && currency != "JPY" {
		unit = 1
	}
	supply := total * 10 / 11 / unit * unit
	return BalanceAmounts{Supply: supply, VAT: total - supply}
}

func negate(b BalanceAmounts) BalanceAmounts {
	return BalanceAmounts{TaxFree: -b.TaxFree, Supply: -b.Supply, VAT: -b.VAT, Service: -b.Service}
}

// balance answers for every payment. The real API gives the details for PAYCO payments only
// (OpenAPI: "현재, PAYCO결제수단에 한해 제공"); the sandbox computes them for any PG from the
// amounts it holds, so the merchant's code that reads them can be tried.
func (a *API) balance(r *http.Request, code string) (any, error) {
	if r.PathValue("detail") != "balance" {
		if wrong := wrongMethod(a.mux, r, "GET /payments/{imp_uid}/{detail}"); wrong != nil {
			return nil, wrong
		}
		return nil, notFound("no such API: " + r.URL.Path + ` (see the README's "Server-side sandbox API")`)
	}
	p, err := a.store.Payment(r.Context(), code, r.PathValue("imp_uid"))
	if errors.Is(err, ErrNotFound) {
		return nil, paymentNotFound(r.PathValue("imp_uid"))
	}
	if err != nil {
		return nil, err
	}
	b := Balance{Amount: p.Amount, Histories: []BalanceEntry{}}
	if p.Status == StatusPaid || p.Status == StatusCancelled || p.CancelAmount > 0 {
		b.Histories = append(b.Histories, BalanceEntry{Primary: split(p.Amount, p.Currency), Created: p.PaidAt})
		for _, c := range p.CancelHistory {
			b.Histories = append(b.Histories, BalanceEntry{Primary: negate(split(c.Amount, p.Currency)), Created: c.CancelledAt})
		}
		b.Primary = split(p.Amount-p.CancelAmount, p.Currency)
	}
	return b, nil
}
