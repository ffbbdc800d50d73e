package ledger

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hook is a merchant's webhook endpoint on loopback that answers from a script of statuses
// (the last one repeats) and keeps what it received.
type hook struct {
	mu       sync.Mutex
	statuses []int
	got      []webhookBody
	types    []string
	srv      *httptest.Server
}

func newHook(t *testing.T, statuses ...int) *hook {
	h := &hook{statuses: statuses}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		var b webhookBody
		json.Unmarshal(data, &b)
		h.mu.Lock()
		h.got = append(h.got, b)
		h.types = append(h.types, r.Method+" "+r.Header.Get("Content-Type"))
		status := h.statuses[min(len(h.got), len(h.statuses))-1]
		h.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) received() []webhookBody {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]webhookBody(nil), h.got...)
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

func TestWebhookRetriesUntilDelivered(t *testing.T) {
	f := newFixture(t, Options{})
	h := newHook(t, 500, 503, 200)
	uid := impUID()
	f.mustRecord(withNotice(paid(uid, "order-w", 1000), h.srv.URL+"/hook"))
	f.api.Wait()

	want := webhookBody{ImpUID: uid, MerchantUID: "order-w", Status: "paid"}
	assert.Equal(t, []webhookBody{want, want, want}, h.received())
	assert.Equal(t, "POST application/json", h.types[0])
	list := f.attempts(DemoMerchant)
	require.Len(t, list, 3)
	for i, wantStatus := range []float64{500, 503, 200} {
		a := list[i]
		assert.Equal(t, float64(i+1), a["attempt"])
		assert.Equal(t, wantStatus, a["http_status"])
		assert.Equal(t, h.srv.URL+"/hook", a["url"])
		assert.Equal(t, uid, a["imp_uid"])
		assert.Equal(t, "paid", a["status"])
		assert.Equal(t, i == 2, a["final"], "attempt %d", i+1)
		if i < 2 {
			assert.Contains(t, a["error"], "HTTP 50")
		} else {
			assert.Equal(t, "", a["error"])
		}
	}
}

func TestWebhookGivesUpAfterFiveAttempts(t *testing.T) {
	f := newFixture(t, Options{})
	h := newHook(t, 500)
	f.mustRecord(withNotice(paid(impUID(), "order-down", 1000), h.srv.URL))
	f.api.Wait()
	assert.Len(t, h.received(), 5)
	list := f.attempts(DemoMerchant)
	require.Len(t, list, 5)
	assert.Equal(t, true, list[4]["final"])
	assert.Equal(t, false, list[3]["final"])
}

func TestWebhookOnEveryStateChange(t *testing.T) {
	f := newFixture(t, Options{})
	h := newHook(t, 200)
	tok := f.token(DemoKeys)

	card, vb, fail := impUID(), impUID(), impUID()
	f.mustRecord(withNotice(paid(card, "o-card", 1000), h.srv.URL))
	f.mustRecord(withNotice(paid(card, "o-card", 1000), h.srv.URL)) // the same again: no news
	f.mustRecord(withNotice(vbank(vb, "o-vb", 500), []string{h.srv.URL}))
	f.mustRecord(withNotice(failed(fail, "o-fail", 100), h.srv.URL))
	f.api.Wait()
	require.Equal(t, 200, f.do("POST", "/sdk/sandbox/deposit", map[string]any{"merchant_code": DemoMerchant, "imp_uid": vb}).Status)
	f.api.Wait()
	// A partial cancellation leaves the payment paid: no state change, no webhook.
	require.Equal(t, 200, f.post("/payments/cancel", tok, map[string]any{"imp_uid": card, "amount": 400}).Status)
	f.api.Wait()
	require.Equal(t, 200, f.post("/payments/cancel", tok, map[string]any{"imp_uid": card}).Status)
	f.api.Wait()

	got := h.received()
	assert.ElementsMatch(t, []webhookBody{
		{card, "o-card", "paid"}, {vb, "o-vb", "ready"}, {fail, "o-fail", "failed"},
		{vb, "o-vb", "paid"}, {card, "o-card", "cancelled"},
	}, got)
	assert.Equal(t, webhookBody{card, "o-card", "cancelled"}, got[len(got)-1])
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
	f := newFixture(t, Options{WebhookAttempts: 2})
	final := newHook(t, 200)
	redirect := httptest.NewServer(http.RedirectHandler(final.srv.URL, http.StatusFound))
	t.Cleanup(redirect.Close)
	f.mustRecord(withNotice(paid(impUID(), "order-redir", 1000), redirect.URL))
	f.api.Wait()
	assert.Empty(t, final.received())
	list := f.attempts(DemoMerchant)
	require.Len(t, list, 2)
	assert.Equal(t, float64(302), list[0]["http_status"])
	assert.Contains(t, list[0]["error"], "redirect")
}

func TestWebhookDoesNotBlockTheRecord(t *testing.T) {
	// The merchant's endpoint hangs until released; the record is answered regardless.
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(release) })
	f := newFixture(t, Options{WebhookAttempts: 1})
	uid := impUID()
	r := f.record(withNotice(paid(uid, "order-slow", 1000), slow.URL))
	require.Equal(t, 200, r.Status)
	assert.Equal(t, 200, f.get("/payments/"+uid, f.token(DemoKeys)).Status)
}

func TestWebhookStopsAfterReset(t *testing.T) {
	// The first attempt is held until the merchant has reset the sandbox; it then fails, and
	// the retry finds the payment forgotten and stops.
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
	f := newFixture(t, Options{})
	f.mustRecord(withNotice(paid(impUID(), "order-gone", 1000), srv.URL))
	<-arrived
	r := f.do("POST", "/sdk/sandbox/reset", map[string]any{"merchant_code": DemoMerchant})
	require.Equal(t, 200, r.Status)
	close(reset)
	f.api.Wait()
	assert.Equal(t, int32(1), n.Load(), "no retry for a forgotten payment")
}
