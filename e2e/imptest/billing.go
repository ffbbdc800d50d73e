package imptest

import (
	"context"
	"errors"
	"fmt"

	"github.com/chromedp/chromedp"
)

// BillingKey is what IssueBillingKey asks for: a card registered for later charges without the
// buyer, the way a subscription checkout registers it (docs/subscribe.md).
type BillingKey struct {
	// PG names the subscription setting, as params.pg does: "html5_inicis.MID-b" in the seed.
	PG string
	// CustomerUID is the billing key's name on the merchant's side; a reused one replaces the key.
	CustomerUID string
	// Amount 0 registers the card only; more also pays that much now.
	Amount float64
	// Params are more request_pay parameters (merchant_uid, buyer_name, customer_id, …); they
	// win over the fields above.
	Params map[string]any
}

// IssueBillingKey registers a billing key in the page the way the buyer would: it tells the SDK
// to approve the next window at once, calls request_pay with customer_uid, and returns the
// response once the SDK answered (with make run's server, after the ledger stored the key, so
// GET /subscribe/customers/{customer_uid} finds it at once). A refusal — a setting that is not
// "subscription" only warns, as in the real service — comes back as an error with its code.
func IssueBillingKey(k BillingKey) chromedp.Action[Response] {
	return func(ctx context.Context, t *chromedp.Target) (Response, error) {
		if k.CustomerUID == "" {
			return Response{}, errors.New("imptest: IssueBillingKey needs a CustomerUID")
		}
		params := map[string]any{"pg": k.PG, "customer_uid": k.CustomerUID, "amount": k.Amount, "pay_method": "card"}
		if k.Amount == 0 {
			params["name"] = "billing key " + k.CustomerUID
		}
		for name, v := range k.Params {
			params[name] = v
		}
		if _, err := SetOutcome(Outcome{Result: "paid", DelayMS: new(0)})(ctx, t); err != nil {
			return Response{}, err
		}
		if _, err := Pay(params)(ctx, t); err != nil {
			return Response{}, err
		}
		rsp, err := Result()(ctx, t)
		if err != nil {
			return Response{}, err
		}
		if !rsp.Success {
			return rsp, fmt.Errorf("imptest: issuing billing key %q: %s: %s", k.CustomerUID, rsp.ErrorCode, rsp.ErrorMsg)
		}
		return rsp, nil
	}
}
