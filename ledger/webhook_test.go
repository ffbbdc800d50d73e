package ledger

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/web/merchants"
)

// delivery is what a webhook endpoint received: the four fields, however they were encoded.
type delivery struct {
	ImpUID, MerchantUID, Status, CancellationID string
}

// hook is a merchant's webhook endpoint on loopback that answers from a script of statuses
// (the last one repeats) and keeps what it received.
type hook struct {
	mu       sync.Mutex
	statuses []int
	got      []delivery
	types    []string
	srv      *httptest.Server
}

func newHook(t *testing.T, statuses ...int) *hook {
	h := &hook{statuses: statuses}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		var d delivery
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if ct == merchants.ContentForm {
			v, _ := url.ParseQuery(string(data))
			d = delivery{v.Get("imp_uid"), v.Get("merchant_uid"), v.Get("status"), v.Get("cancellation_id")}
		} else {
			var b struct {
				ImpUID         string `json:"imp_uid"`
				MerchantUID    string `json:"merchant_uid"`
				Status         string `json:"status"`
				CancellationID string `json:"cancellation_id"`
			}
			json.Unmarshal(data, &b)
			d = delivery{b.ImpUID, b.MerchantUID, b.Status, b.CancellationID}
		}
		h.mu.Lock()
		h.got = append(h.got, d)
		h.types = append(h.types, r.Method+" "+r.Header.Get("Content-Type"))
		status := h.statuses[min(len(h.got), len(h.statuses))-1]
		h.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) received() []delivery {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]delivery(nil), h.got...)
}

func withNotice(rec map[string]any, urls any) map[string]any {
	rec["request"].(map[string]any)["notice_url"] = urls
	return rec
}

func (f *fixture) attempts(code string) []map[string]any {
	f.t.Helper()
	r := f.do("GET", "/sdk/sandbox/webhooks?merchant_code="+code, nil)
	require.Equal(f.t, 200, r.Status, r.Raw)
	var list []map[string]any
	for _, a := range r.Body["webhooks"].([]any) {
		list = append(list, a.(map[string]any))
	}
	return list
}

// hookedMerchants is the demo merchant with a console webhook setting.
func hookedMerchants(w merchants.Webhook) FileMerchants {
	return MerchantSetOf(merchants.Set{
		DemoMerchant: {Code: DemoMerchant, Keys: DemoKeys, Webhook: w, Public: merchants.Seed().Public},
		"imp_other":  {Code: "imp_other", Keys: Keys{ImpKey: "other_key", ImpSecret: "other_secret"}},
	})
}

func TestWebhookIsSentOnceByDefault(t *testing.T) {
	// The real service sends a webhook once unless the merchant asked for retries.
	f := newFixture(t, Options{})
	h := newHook(t, 500)
	uid := impUID()
	f.mustRecord(withNotice(paid(uid, "order-once", 1000), h.srv.URL+"/hook"))
	f.api.Wait()
	assert.Equal(t, []delivery{{uid, "order-once", "paid", ""}}, h.received())
	assert.Equal(t, "POST application/json", h.types[0])
	list := f.attempts(DemoMerchant)
	require.Len(t, list, 1)
	assert.Equal(t, true, list[0]["final"])
	assert.Equal(t, float64(500), list[0]["http_status"])
	assert.Equal(t, EventPaid, list[0]["event"])
}

func TestWebhookRetriesForMerchantsWhoAskedForIt(t *testing.T) {
	for _, tc := range []struct {
		name     string
		statuses []int
		tries    int
	}{
		{"5xx until delivered", []int{500, 503, 200}, 3},
		{"gives up after 5 retries", []int{502}, 6},
		{"a 4xx is not retried", []int{400}, 1},
		{"a 2xx at once", []int{204}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHook(t, tc.statuses...)
			f := newFixtureFor(t, Options{}, hookedMerchants(merchants.Webhook{URL: h.srv.URL + "/console", ContentType: merchants.ContentJSON, Retry: true}))
			uid := impUID()
			f.mustRecord(paid(uid, "order-r", 1000))
			f.api.Wait()
			assert.Len(t, h.received(), tc.tries)
			list := f.attempts(DemoMerchant)
			require.Len(t, list, tc.tries)
			for i, a := range list {
				assert.Equal(t, float64(i+1), a["attempt"])
				assert.Equal(t, h.srv.URL+"/console", a["url"])
				assert.Equal(t, i == tc.tries-1, a["final"], "try %d", i+1)
			}
		})
	}
}

func TestWebhookGoesToTheConsoleURLInItsContentType(t *testing.T) {
	console, notice := newHook(t, 200), newHook(t, 200)
	f := newFixtureFor(t, Options{}, hookedMerchants(merchants.Webhook{URL: console.srv.URL, ContentType: merchants.ContentForm}))
	a, b := impUID(), impUID()
	f.mustRecord(paid(a, "order-console", 1000))
	f.mustRecord(withNotice(paid(b, "order-notice", 1000), notice.srv.URL)) // notice_url overrides the console's
	f.api.Wait()
	assert.Equal(t, []delivery{{a, "order-console", "paid", ""}}, console.received())
	assert.Equal(t, "POST "+merchants.ContentForm, console.types[0])
	assert.Equal(t, []delivery{{b, "order-notice", "paid", ""}}, notice.received())
	assert.Equal(t, "POST "+merchants.ContentForm, notice.types[0], "the console's Content-Type holds for notice_url too")
}

func TestWebhookEvents(t *testing.T) {
	h := newHook(t, 200)
	f := newFixtureFor(t, Options{}, hookedMerchants(merchants.Webhook{URL: h.srv.URL}))
	tok := f.token(DemoKeys)
	card, vb, fail, apiCancel, quiet := impUID(), impUID(), impUID(), impUID(), impUID()
	f.mustRecord(paid(card, "o-card", 1000))
	f.mustRecord(paid(card, "o-card", 1000)) // the same again: no news
	f.mustRecord(vbank(vb, "o-vb", 500))
	f.mustRecord(failed(fail, "o-fail", 100)) // never on a failure
	f.mustRecord(paid(apiCancel, "o-api", 900))
	f.mustRecord(paid(quiet, "o-quiet", 900))
	f.api.Wait()
	r := f.post("/sandbox/trigger", tok, map[string]any{"event": "vbank.deposit", "imp_uid": vb})
	require.Equal(t, 0, code(r), r.Raw)
	// The console cancels: always announced, with the cancellation's id.
	r = f.post("/sandbox/trigger", tok, map[string]any{"event": "cancel.console", "imp_uid": card})
	require.Equal(t, 0, code(r), r.Raw)
	consoleID := resp(r)["cancel_history"].([]any)[0].(map[string]any)["cancellation_id"].(string)
	// The API cancels: only with enable_webhook, partially too.
	r = f.post("/payments/cancel", tok, map[string]any{"imp_uid": quiet})
	require.Equal(t, 0, code(r), r.Raw)
	r = f.post("/payments/cancel", tok, map[string]any{"imp_uid": apiCancel, "amount": 400, "enable_webhook": true})
	require.Equal(t, 0, code(r), r.Raw)
	partialID := resp(r)["cancel_history"].([]any)[0].(map[string]any)["cancellation_id"].(string)
	r = f.post("/payments/cancel", tok, map[string]any{"imp_uid": apiCancel, "enable_webhook": "true"})
	require.Equal(t, 0, code(r), r.Raw)
	fullID := resp(r)["cancel_history"].([]any)[1].(map[string]any)["cancellation_id"].(string)
	f.api.Wait()

	assert.NotEqual(t, partialID, fullID)
	assert.ElementsMatch(t, []delivery{
		{card, "o-card", "paid", ""}, {vb, "o-vb", "ready", ""}, {apiCancel, "o-api", "paid", ""}, {quiet, "o-quiet", "paid", ""},
		{vb, "o-vb", "paid", ""}, {card, "o-card", "cancelled", consoleID},
		{apiCancel, "o-api", "paid", partialID}, {apiCancel, "o-api", "cancelled", fullID},
	}, h.received())
	events := map[string]int{}
	for _, a := range f.attempts(DemoMerchant) {
		events[a["event"].(string)]++
	}
	assert.Equal(t, map[string]int{EventPaid: 3, EventVbankIssued: 1, EventVbankDeposit: 1, EventConsoleCancel: 1, EventAPICancel: 2}, events)
}

func TestAPICancelWebhookOnlyForPaymentsThatUsedWebhooks(t *testing.T) {
	// No notice_url and no console URL: enable_webhook has nowhere to send to.
	f := newFixture(t, Options{})
	tok := f.token(DemoKeys)
	uid := impUID()
	f.mustRecord(paid(uid, "o-none", 1000))
	r := f.post("/payments/cancel", tok, map[string]any{"imp_uid": uid, "enable_webhook": true})
	require.Equal(t, 0, code(r), r.Raw)
	f.api.Wait()
	assert.Empty(t, f.attempts(DemoMerchant))
}

func TestWebhookResend(t *testing.T) {
	h := newHook(t, 500, 200)
	f := newFixtureFor(t, Options{}, hookedMerchants(merchants.Webhook{URL: h.srv.URL}))
	tok := f.token(DemoKeys)
	uid := impUID()
	f.mustRecord(paid(uid, "o-resend", 1000))
	f.api.Wait()
	r := f.get("/sandbox/webhooks?imp_uid="+uid, tok)
	require.Equal(t, 0, code(r), r.Raw)
	list := r.Body["response"].([]any)
	require.Len(t, list, 1)
	first := list[0].(map[string]any)
	assert.Equal(t, float64(500), first["http_status"])
	id := strconv.Itoa(int(first["webhook_id"].(float64)))

	r = f.post("/sandbox/webhooks/"+id+"/resend", tok, nil)
	require.Equal(t, 0, code(r), r.Raw)
	assert.Equal(t, float64(200), resp(r)["http_status"])
	assert.Equal(t, true, resp(r)["resend"])
	assert.Equal(t, float64(2), resp(r)["attempt"])
	assert.Equal(t, []delivery{{uid, "o-resend", "paid", ""}, {uid, "o-resend", "paid", ""}}, h.received())

	// Another merchant's webhook, an unknown one, a malformed id.
	other := f.token(Keys{ImpKey: "other_key", ImpSecret: "other_secret"})
	for _, tc := range []struct {
		path, token string
		status      int
	}{{"/sandbox/webhooks/" + id + "/resend", other, 404}, {"/sandbox/webhooks/999999/resend", tok, 404},
		{"/sandbox/webhooks/x/resend", tok, 400}, {"/sandbox/webhooks/-1/resend", tok, 400}, {"/sandbox/webhooks/" + id + "/resend", "bad", 401}} {
		r := f.post(tc.path, tc.token, nil)
		assert.Equal(t, tc.status, r.Status, "%s: %s", tc.path, r.Raw)
		assert.Equal(t, float64(-1), r.Body["code"])
	}
	assert.Len(t, h.received(), 2, "refused resends send nothing")
}

func TestWebhookOnlyToHTTP(t *testing.T) {
	f := newFixture(t, Options{})
	h := newHook(t, 200)
	uid := impUID()
	f.mustRecord(withNotice(paid(uid, "order-u", 1000), []string{"file:///etc/passwd", "javascript:alert(1)", "/relative", h.srv.URL}))
	f.api.Wait()
	assert.Len(t, h.received(), 1, "only the http URL is called")
	list := f.attempts(DemoMerchant)
	require.Len(t, list, 4)
	refused := 0
	for _, a := range list {
		if a["url"] == h.srv.URL {
			assert.Equal(t, "", a["error"])
			continue
		}
		refused++
		assert.Contains(t, a["error"], "not an absolute http(s) URL")
		assert.Equal(t, float64(0), a["http_status"])
		assert.Equal(t, true, a["final"])
	}
	assert.Equal(t, 3, refused)
}

func TestWebhookDoesNotFollowRedirects(t *testing.T) {
	final := newHook(t, 200)
	redirect := httptest.NewServer(http.RedirectHandler(final.srv.URL, http.StatusFound))
	t.Cleanup(redirect.Close)
	f := newFixtureFor(t, Options{WebhookRetries: 2}, hookedMerchants(merchants.Webhook{URL: redirect.URL, Retry: true}))
	f.mustRecord(paid(impUID(), "order-redir", 1000))
	f.api.Wait()
	assert.Empty(t, final.received())
	list := f.attempts(DemoMerchant)
	require.Len(t, list, 1, "a redirect is the merchant's answer, not a network error: no retry")
	assert.Equal(t, float64(302), list[0]["http_status"])
	assert.Contains(t, list[0]["error"], "redirect")
}

func TestWebhookDoesNotBlockTheRecord(t *testing.T) {
	// The merchant's endpoint hangs until released; the record is answered regardless.
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })
	f := newFixture(t, Options{})
	uid := impUID()
	r := f.record(withNotice(paid(uid, "order-slow", 1000), slow.URL))
	require.Equal(t, 200, r.Status)
	assert.Equal(t, 200, f.get("/payments/"+uid, f.token(DemoKeys)).Status)
}

func TestWebhookStopsAfterReset(t *testing.T) {
	// The first try is held until the merchant has reset the sandbox; it then fails, and the
	// retry finds the payment forgotten and stops.
	arrived, reset := make(chan struct{}), make(chan struct{})
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			close(arrived)
			<-reset
		}
		w.WriteHeader(500)
	}))
	t.Cleanup(srv.Close)
	f := newFixtureFor(t, Options{}, hookedMerchants(merchants.Webhook{URL: srv.URL, Retry: true}))
	f.mustRecord(paid(impUID(), "order-gone", 1000))
	<-arrived
	r := f.do("POST", "/sdk/sandbox/reset", map[string]any{"merchant_code": DemoMerchant})
	require.Equal(t, 200, r.Status)
	close(reset)
	f.api.Wait()
	assert.Equal(t, int32(1), n.Load(), "no retry for a forgotten payment")
}

// code is the REST envelope's code.
func code(r reply) int {
	c, _ := r.Body["code"].(float64)
	return int(c)
}
