package ledger

import (
	"errors"
	"net/http"
	"strconv"
)

// The sandbox's own REST endpoints for what a merchant cannot make happen against the real
// service from localhost (Stripe's `stripe trigger` and `stripe events resend` are the model):
//
//	POST /sandbox/trigger                {"event": "vbank.deposit" | "vbank.expire" | "cancel.console", "imp_uid": …}
//	GET  /sandbox/webhooks?imp_uid=…     every try of every webhook, oldest first
//	POST /sandbox/webhooks/{id}/resend   send one again, now (the console's 재발송)
//
// They take the merchant's REST token, like the rest of the API, and answer its envelope.

// Events POST /sandbox/trigger plays.
const (
	TriggerVbankDeposit  = "vbank.deposit"  // the buyer pays into the virtual account
	TriggerVbankExpire   = "vbank.expire"   // the account's deadline passes unpaid
	TriggerConsoleCancel = "cancel.console" // the merchant cancels in the admin console
)

func (a *API) trigger(r *http.Request, code string) (any, error) {
	b, err := readFields(r)
	if err != nil {
		return nil, err
	}
	event, err1 := b.str("event")
	impUID, err2 := b.str("imp_uid")
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	now, err := a.clockOf(r.Context(), code)
	if err != nil {
		return nil, err
	}
	switch event {
	case TriggerVbankDeposit:
		// Store.Deposit refuses an account past its vbank_date on the merchant's clock, and
		// anything but an unpaid virtual account.
		if p, err := a.store.Payment(r.Context(), code, impUID); err == nil && p.PayMethod != "vbank" {
			return nil, invalidIn("가상계좌 결제건이 아닙니다.", "payment "+impUID+" was paid by "+p.PayMethod+", not into a virtual account")
		}
		p, notice, err := a.store.Deposit(r.Context(), code, impUID, now)
		if err != nil {
			return nil, err
		}
		a.announce(code, p, notice, EventVbankDeposit, "")
		return p, nil
	case TriggerVbankExpire:
		// The real API has no status for it: the account stays ready, past its vbank_date, and
		// takes no deposit; no webhook is sent (the V1 webhook page lists none).
		var p Payment
		err := a.store.changePayment(r.Context(), code, impUID, now, func(old Payment) (Payment, error) {
			if _, err := checkUnpaidVbank(old); err != nil {
				return old, err
			}
			old.VbankDate = now - 1
			p = old
			return old, nil
		})
		return p, err
	case TriggerConsoleCancel:
		c := Cancel{ImpUID: impUID}
		var errs []error
		for _, f := range []struct {
			name string
			dst  *string
		}{{"reason", &c.Reason}, {"refund_holder", &c.RefundHolder}, {"refund_bank", &c.RefundBank}, {"refund_account", &c.RefundAccount}} {
			s, err := b.str(f.name)
			errs = append(errs, err)
			*f.dst = s
		}
		amount, err := b.amount("amount")
		errs = append(errs, err)
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
		c.Amount = amount
		if c.Reason == "" {
			c.Reason = "관리자 콘솔에서 취소"
		}
		p, notice, _, err := a.store.Cancel(r.Context(), code, c, now)
		if err != nil {
			return nil, err
		}
		// A cancel in the console always announces itself (V1 webhook page).
		a.announce(code, p, notice, EventConsoleCancel, lastCancellationID(p))
		return p, nil
	}
	return nil, invalidIn("지원되지 않는 이벤트입니다.", "event must be "+TriggerVbankDeposit+", "+TriggerVbankExpire+" or "+
		TriggerConsoleCancel+", not "+quote(event))
}

// maxWebhookList bounds GET /sandbox/webhooks.
const maxWebhookList = 500

func (a *API) sandboxWebhooks(r *http.Request, code string) (any, error) {
	return a.store.attempts(r.Context(), code, r.URL.Query().Get("imp_uid"), maxWebhookList)
}

func (a *API) resendWebhook(r *http.Request, code string) (any, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, invalidIn("웹훅 id 가 올바르지 않습니다.", "the webhook id is a whole number from GET /sandbox/webhooks, not "+quote(r.PathValue("id")))
	}
	w, err := a.store.Webhook(r.Context(), code, id)
	if err != nil {
		return nil, err
	}
	return a.resend(r.Context(), w), nil
}
