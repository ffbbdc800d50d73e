package ledger

// Webhooks as the real service sends them (portone-io/developers.portone.io,
// src/routes/(root)/opi/ko/integration/webhook/readme-v1.mdx):
//   - on a payment approved (paid), a virtual account issued (ready) and paid into (paid), a
//     scheduled payment tried (paid or failed), a cancel in the admin console (cancelled), and
//     a cancel through POST /payments/cancel only with enable_webhook=true — and then only for
//     a payment that used webhooks when it was paid; never on a failed payment;
//   - POST {imp_uid, merchant_uid, status, cancellation_id} to the console's URL in the
//     console's Content-Type (JSON or a form), or to the request's notice_url, which overrides it;
//   - sent once; a merchant that asked for retries gets up to 5 more, a minute apart, after a
//     network error or a 5xx answer;
//   - the first delivery waits 10 s to connect and 30 s for the answer; a resend 15 s in all.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/impshim/impshim/web/merchants"
)

// Webhook events: why a webhook was sent. The body says only the status; the event is the
// sandbox's record of the cause, for GET /sandbox/webhooks and the demo page.
const (
	EventPaid          = "payment.paid"   // the window approved a payment
	EventVbankIssued   = "vbank.issued"   // a virtual account was issued (status ready)
	EventVbankDeposit  = "vbank.deposit"  // money arrived in a virtual account
	EventScheduled     = "schedule.tried" // a scheduled payment ran (paid or failed)
	EventConsoleCancel = "cancel.console" // the admin console cancelled (POST /sandbox/trigger)
	EventAPICancel     = "cancel.api"     // POST /payments/cancel with enable_webhook=true
	EventStatus        = "payment.status" // any other change announced through notify
	resendTimeout      = 15 * time.Second // a resend's whole budget
	connectTimeout     = 10 * time.Second // a first delivery's connect budget
	answerTimeout      = 30 * time.Second // … and its wait for the answer
	webhookUserAgent   = "impshim-webhook/1"
	maxWebhookBodyRead = 64 << 10
)

// Webhook is one announcement of one payment change to one URL.
type Webhook struct {
	ID             int64  `json:"id"`
	MerchantCode   string `json:"-"`
	ImpUID         string `json:"imp_uid"`
	MerchantUID    string `json:"merchant_uid"`
	Status         string `json:"status"`
	CancellationID string `json:"cancellation_id,omitempty"`
	URL            string `json:"url"`
	ContentType    string `json:"content_type"`
	Retry          bool   `json:"retry"`
	Event          string `json:"event"`
	CreatedAt      int64  `json:"created_at"`
}

// body is what the real service posts: the four fields, as JSON or as a form.
func (w Webhook) body() []byte {
	if w.ContentType == merchants.ContentForm {
		v := url.Values{"imp_uid": {w.ImpUID}, "merchant_uid": {w.MerchantUID}, "status": {w.Status}}
		if w.CancellationID != "" {
			v.Set("cancellation_id", w.CancellationID)
		}
		return []byte(v.Encode())
	}
	b, _ := json.Marshal(struct {
		webhookBody
		CancellationID string `json:"cancellation_id,omitempty"`
	}{webhookBody{w.ImpUID, w.MerchantUID, w.Status}, w.CancellationID})
	return b
}

// webhookBody is the JSON body's fields every webhook has.
type webhookBody struct {
	ImpUID      string `json:"imp_uid"`
	MerchantUID string `json:"merchant_uid"`
	Status      string `json:"status"`
}

// webhookSetting is the merchant's console setting, the zero value when it has none.
func (a *API) webhookSetting(code string) merchants.Webhook {
	if ws, ok := a.merchants.(webhookSettings); ok {
		return ws.Webhook(code)
	}
	return merchants.Webhook{}
}

// notify announces the payment's current status to its notice_url(s), or else to the
// merchant's console URL, in the background: the request that changed the payment never
// waits for the merchant's server. A failed payment is never announced (except a scheduled
// one, through announce).
func (a *API) notify(code string, p Payment, urls []string) {
	event := EventStatus
	switch p.Status {
	case StatusFailed:
		return
	case StatusPaid:
		event = EventPaid
	case StatusReady:
		event = EventVbankIssued
	}
	a.announce(code, p, urls, event, "")
}

// announce sends one webhook per target for the event. It records each before sending, so a
// resend works even while the first delivery is still waiting for its answer.
func (a *API) announce(code string, p Payment, noticeURLs []string, event, cancellationID string) {
	setting := a.webhookSetting(code)
	targets := noticeURLs
	if len(targets) == 0 && setting.URL != "" {
		targets = []string{setting.URL}
	}
	ct := setting.ContentType
	if ct == "" {
		ct = merchants.ContentJSON
	}
	for _, target := range targets {
		w := Webhook{MerchantCode: code, ImpUID: p.ImpUID, MerchantUID: p.MerchantUID, Status: p.Status,
			CancellationID: cancellationID, URL: target, ContentType: ct, Retry: setting.Retry, Event: event, CreatedAt: a.now()}
		id, err := a.store.AddWebhook(context.Background(), w)
		if err != nil {
			a.log.Error("ledger: recording a webhook", "url", target, "err", err)
			continue
		}
		w.ID = id
		a.deliveries.Add(1)
		go a.deliver(w)
	}
}

// usesWebhooks reports whether a payment's changes are announced at all: it has a notice_url,
// or its merchant a console URL. An API cancel with enable_webhook only announces those.
func (a *API) usesWebhooks(code string, notice []string) bool {
	return len(notice) > 0 || a.webhookSetting(code).URL != ""
}

func (a *API) deliver(w Webhook) {
	defer a.deliveries.Done()
	defer func() {
		if v := recover(); v != nil {
			a.log.Error("ledger: webhook delivery panic", "url", w.URL, "panic", v)
		}
	}()
	tries := 1
	if w.Retry {
		tries += a.opts.WebhookRetries
	}
	for n := 1; n <= tries; n++ {
		if n > 1 {
			t := time.NewTimer(a.opts.WebhookBackoff)
			select {
			case <-a.ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		if !a.store.exists(a.ctx, w.ImpUID) {
			return // reset meanwhile: the merchant asked to forget this payment and its history
		}
		status, problem := a.post(a.ctx, w, 0)
		retryable := problem != "" && (status == 0 || status >= 500)
		final := problem == "" || !retryable || n == tries
		a.saveTry(Attempt{WebhookID: w.ID, MerchantCode: w.MerchantCode, Attempt: n, HTTPStatus: status, Error: problem, Final: final})
		if final {
			return
		}
	}
}

// resend posts a recorded webhook once more, now, and records the try (the console's
// "재발송"): a 15-second budget, no retries.
func (a *API) resend(ctx context.Context, w Webhook) Attempt {
	ctx, cancel := context.WithTimeout(ctx, resendTimeout)
	defer cancel()
	status, problem := a.post(ctx, w, resendTimeout)
	n, _ := a.store.tryCount(ctx, w.ID)
	try := Attempt{WebhookID: w.ID, MerchantCode: w.MerchantCode, Attempt: n + 1, HTTPStatus: status, Error: problem, Final: true, Resend: true}
	a.saveTry(try)
	try.ImpUID, try.MerchantUID, try.Status, try.URL = w.ImpUID, w.MerchantUID, w.Status, w.URL
	try.CancellationID, try.ContentType, try.Event = w.CancellationID, w.ContentType, w.Event
	return try
}

func (a *API) saveTry(t Attempt) {
	t.At = a.now()
	// Record on a fresh context: the try happened even if the API is closing.
	if err := a.store.AddTry(context.Background(), t); err != nil {
		a.log.Error("ledger: recording a webhook try", "webhook", t.WebhookID, "err", err)
	}
}

// post sends the webhook once and says what went wrong, if anything.
func (a *API) post(ctx context.Context, w Webhook, total time.Duration) (status int, problem string) {
	if err := webhookURL(w.URL); err != nil {
		return 0, err.Error()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(w.body()))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Content-Type", w.ContentType)
	req.Header.Set("User-Agent", webhookUserAgent)
	client := *a.opts.Client
	if total > 0 {
		client.Timeout = total
	}
	// A redirected POST turns into a GET and loses its body; the real service does not follow
	// redirects either, so the merchant learns to give the final address.
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := client.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxWebhookBodyRead))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return resp.StatusCode, ""
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return resp.StatusCode, "the webhook URL answered with a redirect to " + resp.Header.Get("Location") + "; webhooks do not follow redirects, so give the final URL"
	default:
		return resp.StatusCode, "the webhook URL answered HTTP " + strconv.Itoa(resp.StatusCode) + "; a webhook counts as delivered only on 2xx (only network errors and 5xx are retried, and only for merchants with \"retry\": true)"
	}
}

// webhookClient is the client of first deliveries: the real service's 10 s to connect and 30 s
// to answer.
func webhookClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: connectTimeout}).DialContext,
		ResponseHeaderTimeout: answerTimeout,
		MaxIdleConnsPerHost:   4,
	}}
}
