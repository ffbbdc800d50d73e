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
//     The sandbox waits 3 s to connect (issue 16: a notice_url that never accepts frees its
//     worker soon; a merchant's own server accepts in milliseconds).
//
// Outbound connections are a resource the merchant's page controls (up to 10 notice_urls per
// payment, any address). Deliveries go through an outbox with a fixed pool of workers, so at
// most WebhookWorkers connections are open at once whatever pages send, and each merchant has
// at most WebhookQueue webhooks pending (queued, under way or waiting for a retry) and uses at
// most half the workers. A webhook past that is not sent, and its try record says so. A retry
// waits off the pool, on Options.AfterFunc's clock.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
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
	connectTimeout     = 3 * time.Second  // a first delivery's connect budget
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
		if !a.outbox.add(&outgoing{Webhook: w, try: 1}, a.opts.WebhookQueue, a.startWorkers) {
			a.saveTry(Attempt{WebhookID: w.ID, MerchantCode: code, Attempt: 1, Final: true,
				Error: "dropped: " + strconv.Itoa(a.opts.WebhookQueue) + " webhooks of this merchant are already pending " +
					"(the sandbox's cap, so that pages cannot make it hold unbounded connections); this one was not sent"})
			a.log.Warn("ledger: webhook dropped at the cap", "merchant", code, "url", withoutCredentials(target))
		}
	}
}

// usesWebhooks reports whether a payment's changes are announced at all: it has a notice_url,
// or its merchant a console URL. An API cancel with enable_webhook only announces those.
func (a *API) usesWebhooks(code string, notice []string) bool {
	return len(notice) > 0 || a.webhookSetting(code).URL != ""
}

func (a *API) startWorkers() {
	for range a.opts.WebhookWorkers {
		a.outbox.workers.Go(a.work)
	}
}

func (a *API) work() {
	for {
		d := a.outbox.next(max(1, a.opts.WebhookWorkers/2))
		if d == nil {
			return
		}
		a.deliver(d)
	}
}

// deliver makes one try of d and records it; a retryable failure with tries left queues the
// next try after WebhookBackoff.
func (a *API) deliver(d *outgoing) {
	defer func() {
		if v := recover(); v != nil {
			a.log.Error("ledger: webhook delivery panic", "url", withoutCredentials(d.URL), "panic", v)
			a.outbox.done(d)
		}
	}()
	tries := 1
	if d.Retry {
		tries += a.opts.WebhookRetries
	}
	if !a.store.exists(a.ctx, d.ImpUID) {
		a.outbox.done(d) // reset meanwhile: the merchant asked to forget this payment and its history
		return
	}
	status, problem := a.post(a.ctx, d.Webhook, 0)
	if a.ctx.Err() != nil {
		a.outbox.done(d) // shutting down: the try did not fail, it was cut
		return
	}
	retryable := problem != "" && (status == 0 || status >= 500)
	final := problem == "" || !retryable || d.try >= tries
	a.saveTry(Attempt{WebhookID: d.ID, MerchantCode: d.MerchantCode, Attempt: d.try, HTTPStatus: status, Error: problem, Final: final})
	if final {
		a.outbox.done(d)
		return
	}
	d.try++
	a.outbox.later(d, a.opts.WebhookBackoff, a.opts.AfterFunc)
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
	try.ImpUID, try.MerchantUID, try.Status, try.URL = w.ImpUID, w.MerchantUID, w.Status, withoutCredentials(w.URL)
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
		return 0, noAnswer + ": " + err.Error()
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
		return 0, noAnswer + ": " + err.Error()
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxWebhookBodyRead))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return resp.StatusCode, ""
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return resp.StatusCode, "the webhook URL answered with a redirect to " + withoutCredentials(resp.Header.Get("Location")) + "; webhooks do not follow redirects, so give the final URL"
	default:
		return resp.StatusCode, "the webhook URL answered HTTP " + strconv.Itoa(resp.StatusCode) + "; a webhook counts as delivered only on 2xx (only network errors and 5xx are retried, and only for merchants with \"retry\": true)"
	}
}

// webhookClient is the client of first deliveries: the real service's 10 s to connect and 30 s
// to answer.
func webhookClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		// No proxy from the environment: webhooks go to the merchant's machine, mostly localhost.
		DialContext:           (&net.Dialer{Timeout: connectTimeout}).DialContext,
		ResponseHeaderTimeout: answerTimeout,
		MaxIdleConnsPerHost:   4,
	}}
}

// noAnswer starts the record of a try that got no HTTP answer. The rest of the text is the
// connection error, shown only to callers with the merchant's token: to anyone else it would
// tell open ports from closed ones.
const noAnswer = "no answer"

// outgoing is one webhook on its way: its record, and which try comes next.
type outgoing struct {
	Webhook
	try int
}

// outbox queues deliveries per merchant and hands them to the workers in turn.
type outbox struct {
	mu       sync.Mutex
	work     *sync.Cond // a delivery is ready, or the outbox closed
	idle     *sync.Cond // pending went down
	queues   map[string][]*outgoing
	turn     []string       // merchants with ready deliveries, round robin
	pending  map[string]int // per merchant: queued, under way, or waiting for a retry
	inFlight map[string]int
	total    int
	timers   map[*outgoing]func() bool
	started  bool
	closed   bool
	workers  sync.WaitGroup
}

func newOutbox() *outbox {
	o := &outbox{queues: map[string][]*outgoing{}, pending: map[string]int{}, inFlight: map[string]int{},
		timers: map[*outgoing]func() bool{}}
	o.work = sync.NewCond(&o.mu)
	o.idle = sync.NewCond(&o.mu)
	return o
}

// add queues d unless its merchant is at its cap; start runs once, on the first delivery.
func (o *outbox) add(d *outgoing, limit int, start func()) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed || o.pending[d.MerchantCode] >= limit {
		return false
	}
	if !o.started {
		o.started = true
		start()
	}
	o.pending[d.MerchantCode]++
	o.total++
	o.push(d)
	return true
}

func (o *outbox) push(d *outgoing) {
	code := d.MerchantCode
	if len(o.queues[code]) == 0 {
		o.turn = append(o.turn, code)
	}
	o.queues[code] = append(o.queues[code], d)
	o.work.Broadcast()
}

// next waits for a ready delivery, taking merchants in turn and skipping those with perMerchant
// tries under way already; nil once the outbox is closed.
func (o *outbox) next(perMerchant int) *outgoing {
	o.mu.Lock()
	defer o.mu.Unlock()
	for {
		if o.closed {
			return nil
		}
		for i, code := range o.turn {
			if o.inFlight[code] >= perMerchant {
				continue
			}
			o.turn = append(o.turn[:i:i], o.turn[i+1:]...)
			q := o.queues[code]
			d := q[0]
			if len(q) == 1 {
				delete(o.queues, code)
			} else {
				o.queues[code] = q[1:]
				o.turn = append(o.turn, code)
			}
			o.inFlight[code]++
			return d
		}
		o.work.Wait()
	}
}

// done ends d: delivered, given up, or abandoned.
func (o *outbox) done(d *outgoing) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.landed(d)
	o.finish(d)
}

// landed marks d's try as over (it no longer holds a worker).
func (o *outbox) landed(d *outgoing) {
	if o.inFlight[d.MerchantCode]--; o.inFlight[d.MerchantCode] <= 0 {
		delete(o.inFlight, d.MerchantCode)
	}
	o.work.Broadcast() // the merchant may take a worker again
}

func (o *outbox) finish(d *outgoing) {
	code := d.MerchantCode
	if o.pending[code]--; o.pending[code] <= 0 {
		delete(o.pending, code)
	}
	o.total--
	o.idle.Broadcast()
}

// later queues d again after wait, on the API's clock; a closed outbox abandons it.
func (o *outbox) later(d *outgoing, wait time.Duration, after func(time.Duration, func()) func() bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.landed(d)
	if o.closed {
		o.finish(d)
		return
	}
	o.timers[d] = after(wait, func() {
		o.mu.Lock()
		defer o.mu.Unlock()
		if _, ok := o.timers[d]; !ok {
			return // abandoned by close
		}
		delete(o.timers, d)
		o.push(d)
	})
}

// close abandons every queued delivery and pending retry; workers stop after their try.
func (o *outbox) close() {
	o.mu.Lock()
	o.closed = true
	for d, stop := range o.timers {
		stop()
		delete(o.timers, d)
		o.finish(d)
	}
	for code, q := range o.queues {
		for _, d := range q {
			o.finish(d)
		}
		delete(o.queues, code)
	}
	o.turn = nil
	o.work.Broadcast()
	o.mu.Unlock()
	o.workers.Wait()
}

// wait blocks until nothing is pending.
func (o *outbox) wait() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for o.total > 0 {
		o.idle.Wait()
	}
}

var userinfo = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@`)

// withoutCredentials drops "user:password@" from a URL: the attempt log is readable without
// the merchant's token, and the record is no place for a password anyway.
func withoutCredentials(u string) string {
	return userinfo.ReplaceAllString(u, "$1")
}

// publicAttempt is a try as callers without the merchant's token see it (GET
// /sdk/sandbox/webhooks; GET /sandbox/webhooks takes the token and shows the error whole).
func publicAttempt(a Attempt) Attempt {
	if strings.HasPrefix(a.Error, noAnswer+":") {
		a.Error = noAnswer
	}
	return a
}
