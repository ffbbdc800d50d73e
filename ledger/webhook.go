package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
)

// notify starts delivering the payment's new status to each notice_url, in the background:
// the request that changed the payment never waits for the merchant's server.
func (a *API) notify(code string, p Payment, urls []string) {
	for _, u := range urls {
		a.deliveries.Add(1)
		go a.deliver(code, p, u)
	}
}

// webhookBody is what the real service posts to notice_url.
type webhookBody struct {
	ImpUID      string `json:"imp_uid"`
	MerchantUID string `json:"merchant_uid"`
	Status      string `json:"status"`
}

func (a *API) deliver(code string, p Payment, target string) {
	defer a.deliveries.Done()
	defer func() {
		if v := recover(); v != nil {
			a.log.Error("ledger: webhook delivery panic", "url", target, "panic", v)
		}
	}()
	attempt := Attempt{MerchantCode: code, ImpUID: p.ImpUID, MerchantUID: p.MerchantUID, Status: p.Status, URL: target}
	save := func() {
		attempt.At = a.now()
		// Record on a fresh context: the attempt happened even if the API is closing.
		if err := a.store.AddAttempt(context.Background(), attempt); err != nil {
			a.log.Error("ledger: recording a webhook attempt", "url", target, "err", err)
		}
	}
	if err := webhookURL(target); err != nil {
		attempt.Attempt, attempt.Error, attempt.Final = 1, err.Error(), true
		save()
		return
	}
	body, _ := json.Marshal(webhookBody{p.ImpUID, p.MerchantUID, p.Status})
	wait := a.opts.WebhookBackoff
	for n := 1; n <= a.opts.WebhookAttempts; n++ {
		if n > 1 {
			t := time.NewTimer(wait)
			select {
			case <-a.ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
			wait = min(wait*2, a.opts.WebhookMaxBackoff)
		}
		if !a.store.exists(a.ctx, p.ImpUID) {
			return // reset meanwhile: the merchant asked to forget this payment and its history
		}
		attempt.Attempt = n
		attempt.HTTPStatus, attempt.Error = a.post(target, body)
		if !a.store.exists(a.ctx, p.ImpUID) {
			return
		}
		attempt.Final = attempt.Error == "" || n == a.opts.WebhookAttempts
		save()
		if attempt.Error == "" {
			return
		}
	}
}

// post sends one webhook and says what went wrong, if anything.
func (a *API) post(target string, body []byte) (status int, problem string) {
	req, err := http.NewRequestWithContext(a.ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "impshim-webhook/1")
	client := *a.opts.Client
	// A redirected POST turns into a GET and loses its body; the real service does not follow
	// redirects either, so the merchant learns to give the final address.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return resp.StatusCode, ""
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return resp.StatusCode, "notice_url answered with a redirect to " + resp.Header.Get("Location") + "; webhooks do not follow redirects, so give the final URL"
	default:
		return resp.StatusCode, "notice_url answered HTTP " + strconv.Itoa(resp.StatusCode) + "; a webhook counts as delivered only on 2xx"
	}
}
