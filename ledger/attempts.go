package ledger

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/impshim/impshim/resolver"
)

// The window approves through the server (contract C2), the way a real PG window talks to the
// real service and never through the merchant's page:
//
//  1. POST {sdk}/sandbox/attempts — the bridge, after the SDK's checks and before the window
//     opens. The server refuses a paid merchant_uid (F1002) and an amount other than the one
//     registered with POST /payments/prepare; else the payment exists from now on, as ready.
//  2. POST {sdk}/sandbox/attempts/{imp_uid}/approval — the window page, from the server's own
//     origin: what the buyer clicked.
//  3. POST {sdk}/sandbox/attempts/{imp_uid}/outcome — the bridge, with the SDK's response:
//     the payment becomes paid (or ready, a virtual account) only if the window approved paid;
//     a failure or a cancel is failed, with its fail_reason. The callback comes after this, so
//     a merchant's server verifying at callback time finds the payment.
//
// What the sandbox trusts: a browser always sends the Origin of the page that makes a POST,
// and a page's script cannot change it; so only the window page, which the server itself
// serves, can approve. A script on the merchant's page can open attempts and report failures,
// as a real page can make a payment fail, but it cannot turn one into paid. A non-browser
// client can claim any Origin: the sandbox guards against pages, not against its own user.

// attemptBody is POST {sdk}/sandbox/attempts.
type attemptBody struct {
	MerchantCode string          `json:"merchant_code"`
	ImpUID       string          `json:"imp_uid"`
	MerchantUID  string          `json:"merchant_uid"`
	Request      json.RawMessage `json:"request"`
	Setting      *AttemptSetting `json:"setting"`
	Amount       json.RawMessage `json:"amount"`
	Currency     string          `json:"currency"`
}

func (a *API) openAttempt(r *http.Request) (any, error) {
	var body attemptBody
	if err := decodeBridge(r, &body); err != nil {
		return nil, err
	}
	if err := a.merchantOf(body.MerchantCode); err != nil {
		return nil, err
	}
	var req bridgeFields
	var errs []error
	if !resolver.ValidIMPUID(body.ImpUID) {
		errs = append(errs, invalid("imp_uid", "imp_uid "+quote(body.ImpUID)+" is not an imp_uid (imp_ and 12 digits)"))
	}
	if bad := resolver.CheckMerchantUID(body.MerchantUID); bad != nil {
		errs = append(errs, &Refusal{Kind: ErrInvalid, Code: -1, Field: "merchant_uid", ErrorCode: bad.Code, Message: bad.Message})
	}
	if t := strings.TrimSpace(string(body.Request)); !strings.HasPrefix(t, "{") || json.Unmarshal(body.Request, &req) != nil {
		errs = append(errs, invalid("request", "request must be the params snapshot, an object"))
	}
	if body.Setting == nil || body.Setting.PG == "" {
		errs = append(errs, invalid("setting", "setting must be the chosen PG setting: {pg, mid, pay_type}"))
	}
	if !isCurrency(body.Currency) {
		errs = append(errs, invalid("currency", "currency "+quote(body.Currency)+" is not a 3-letter code such as KRW"))
	}
	amount, err := amountField("amount", body.Amount)
	if err == nil && isCurrency(body.Currency) {
		if bad := resolver.CheckAmountText(amount.String(), body.Currency); bad != nil {
			err = &Refusal{Kind: ErrInvalid, Code: -1, Field: "amount", ErrorCode: bad.Code, Message: bad.Message}
		}
	}
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	ready, success := StatusReady, true
	resp := bridgeFields{ImpUID: &body.ImpUID, MerchantUID: &body.MerchantUID, Status: &ready, Success: &success,
		Currency: &body.Currency, PGProvider: lenientText(body.Setting.PG), PaidAmount: body.Amount}
	now, err := a.windowClock(r, body.MerchantCode)
	if err != nil {
		return nil, err
	}
	p, notice, err := paymentFromBridge(&req, &resp, now, r.UserAgent())
	if err != nil {
		return nil, err
	}
	// Ready here means the window is open, not a virtual account issued.
	p.VbankIssuedAt, p.VbankDate = 0, 0
	err = a.store.OpenAttempt(r.Context(), PaymentAttempt{
		ImpUID: body.ImpUID, MerchantCode: body.MerchantCode, MerchantUID: body.MerchantUID, Request: body.Request, Setting: *body.Setting,
	}, p, notice, now)
	if ref := firstRefusal(err); ref != nil && ref.ErrorCode != "" {
		a.log.Info("ledger: attempt refused", "merchant", body.MerchantCode, "merchant_uid", body.MerchantUID, "error_code", ref.ErrorCode, "error_msg", ref.Message)
	}
	if err != nil {
		return nil, err
	}
	return struct {
		ImpUID string `json:"imp_uid"`
		Status string `json:"status"`
	}{p.ImpUID, p.Status}, nil
}

// windowOrigin refuses a request that does not come from a page of this server: the approval
// must come from the window, which the server serves, never from the merchant's page.
func windowOrigin(r *http.Request) error {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	want := scheme + "://" + r.Host
	origin := r.Header.Get("Origin")
	site := r.Header.Get("Sec-Fetch-Site")
	switch {
	case origin == "":
		return &Refusal{Kind: ErrForbidden, Code: -1, ErrorCode: "FORBIDDEN",
			Message: "the approval has no Origin: it must come from the mock window page (" + want + "/sdk/window.html), whose browser sends one"}
	case !strings.EqualFold(origin, want), site != "" && site != "same-origin":
		return &Refusal{Kind: ErrForbidden, Code: -1, ErrorCode: "FORBIDDEN",
			Message: "the approval comes from " + origin + ", not from the mock window on " + want +
				": only the window approves a payment, never the merchant's page"}
	}
	return nil
}

// approvalBody is POST …/approval.
type approvalBody struct {
	MerchantCode string `json:"merchant_code"`
	Result       string `json:"result"`
}

func (a *API) approveAttempt(r *http.Request) (any, error) {
	if err := windowOrigin(r); err != nil {
		return nil, err
	}
	var body approvalBody
	if err := decodeBridge(r, &body); err != nil {
		return nil, err
	}
	if err := a.merchantOf(body.MerchantCode); err != nil {
		return nil, err
	}
	if !resolver.ValidOutcomeResult(body.Result) {
		return nil, invalid("result", "result must be one of "+strings.Join(resolver.OutcomeResults(), ", ")+", not "+quote(body.Result))
	}
	now, err := a.windowClock(r, body.MerchantCode)
	if err != nil {
		return nil, err
	}
	if err := a.store.Approve(r.Context(), body.MerchantCode, r.PathValue("imp_uid"), body.Result, now); err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

// outcomeBody is POST …/outcome.
type outcomeBody struct {
	MerchantCode string          `json:"merchant_code"`
	Response     json.RawMessage `json:"response"`
}

func (a *API) completeAttempt(r *http.Request) (any, error) {
	var body outcomeBody
	if err := decodeBridge(r, &body); err != nil {
		return nil, err
	}
	if err := a.merchantOf(body.MerchantCode); err != nil {
		return nil, err
	}
	impUID := r.PathValue("imp_uid")
	var resp bridgeFields
	if t := strings.TrimSpace(string(body.Response)); !strings.HasPrefix(t, "{") || json.Unmarshal(body.Response, &resp) != nil {
		return nil, invalid("response", "response must be the SDK's response object")
	}
	if resp.ImpUID == nil {
		resp.ImpUID = &impUID
	} else if *resp.ImpUID != impUID {
		return nil, invalid("response.imp_uid", "response.imp_uid "+quote(*resp.ImpUID)+" is not "+quote(impUID)+", the attempt in the URL")
	}
	att, err := a.store.Attempt(r.Context(), body.MerchantCode, impUID)
	if err != nil {
		return nil, err
	}
	var req bridgeFields
	if err := json.Unmarshal(att.Request, &req); err != nil {
		return nil, err
	}
	now, err := a.windowClock(r, body.MerchantCode)
	if err != nil {
		return nil, err
	}
	p, notice, err := paymentFromBridge(&req, &resp, now, r.UserAgent())
	if err != nil {
		return nil, err
	}
	if p.Status == StatusPaid {
		p.PaidAt = now // the server's stamp: the response's paid_at is the buyer's browser's clock
	}
	if p.PGProvider == "" {
		p.PGProvider = att.Setting.PG
	}
	// A cancel in the window is a failed payment with the cancel's reason, as the real API
	// shows an abandoned or cancelled window.
	if p.Status == StatusCancelled {
		p.Status, p.FailedAt, p.FailReason, p.CancelledAt, p.CancelReason = StatusFailed, now, p.CancelReason, 0, ""
	}
	changed, err := a.store.CompleteAttempt(r.Context(), body.MerchantCode, p, now)
	if err != nil {
		return nil, err
	}
	// A subscription window with customer_uid issues a billing key (C2.5), before the answer,
	// so the merchant's server can charge it as soon as the callback runs.
	if changed {
		_, issued, why, err := a.store.IssueBillingKeyFromAttempt(r.Context(), body.MerchantCode, WindowKey{
			Request: att.Request, Response: body.Response, PG: att.Setting.PG, MID: att.Setting.MID, PayType: att.Setting.PayType}, now)
		if err != nil {
			return nil, err
		}
		if !issued && why != "" {
			a.log.Info("ledger: the window issued no billing key", "merchant", body.MerchantCode, "imp_uid", impUID, "why", why)
		}
		if issued {
			if err := a.store.MarkIssuingPayment(r.Context(), body.MerchantCode, impUID); err != nil {
				return nil, err
			}
			p.CustomerUIDUsage = "issue"
		}
		a.notify(body.MerchantCode, p, notice)
	}
	// paid_at goes back to the bridge, which gives it to the callback: the merchant's page hears
	// the time its server will read (the sandbox clock's), not the browser's.
	paidAt := p.PaidAt
	if !changed && p.Status == StatusPaid {
		cur, err := a.store.Payment(r.Context(), body.MerchantCode, impUID) // a retry: the first outcome's stamp stays
		if err != nil {
			return nil, err
		}
		paidAt = cur.PaidAt
	}
	return struct {
		ImpUID string `json:"imp_uid"`
		Status string `json:"status"`
		PaidAt int64  `json:"paid_at"`
	}{p.ImpUID, p.Status, paidAt}, nil
}
