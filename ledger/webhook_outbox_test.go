package ledger

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/web/merchants"
)

// Webhooks through the outbox (issue 16, points 2 and 3): a bounded pool and queue, retries on
// an injected clock, the attempt log without connection errors and credentials.

// retryClock is the webhook retries' clock in a test: each retry waits until the test fires it.
type retryClock struct {
	mu      sync.Mutex
	waits   []time.Duration
	pending []func()
	stopped int
	armed   chan struct{} // one value per scheduled retry
}

func newRetryClock() *retryClock { return &retryClock{armed: make(chan struct{}, 100)} }

func (c *retryClock) AfterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := len(c.pending)
	c.waits = append(c.waits, d)
	c.pending = append(c.pending, f)
	c.armed <- struct{}{}
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.pending[i] == nil {
			return false
		}
		c.pending[i] = nil
		c.stopped++
		return true
	}
}

// next waits (bounded) for the next retry to be scheduled and fires it.
func (c *retryClock) next(t *testing.T) {
	t.Helper()
	select {
	case <-c.armed:
	case <-time.After(10 * time.Second):
		t.Fatal("no retry was scheduled")
	}
	c.mu.Lock()
	f := c.pending[len(c.pending)-1]
	c.pending[len(c.pending)-1] = nil
	c.mu.Unlock()
	f()
}

// retrying is a fixture whose demo merchant asked for webhook retries, on clock.
func retrying(t *testing.T, clock *retryClock, opts Options) *fixture {
	opts.AfterFunc = clock.AfterFunc
	return newFixtureFor(t, opts, hookedMerchants(merchants.Webhook{Retry: true}))
}

func TestWebhookRetriesWaitOnTheClock(t *testing.T) {
	// The real service retries a minute apart (ledger/webhook.go); the wait is the injected
	// clock's, so the test waits for nothing.
	clock := newRetryClock()
	f := retrying(t, clock, Options{WebhookBackoff: time.Minute})
	h := newHook(t, 500)
	f.mustRecord(withNotice(paid(impUID(), "order-backoff", 1000), h.srv.URL))
	for range 5 {
		clock.next(t)
	}
	f.api.Wait()
	assert.Equal(t, []time.Duration{time.Minute, time.Minute, time.Minute, time.Minute, time.Minute}, clock.waits,
		"five retries, each a minute after the last try")
	assert.Len(t, h.received(), 6)
	list := f.attempts(DemoMerchant)
	require.Len(t, list, 6)
	for i, a := range list {
		assert.Equal(t, float64(i+1), a["attempt"])
		assert.Equal(t, i == 5, a["final"], "try %d", i+1)
	}
}

func TestWebhookShutdownAbandonsTheRetry(t *testing.T) {
	clock := newRetryClock()
	f := retrying(t, clock, Options{})
	h := newHook(t, 500)
	f.mustRecord(withNotice(paid(impUID(), "order-shutdown", 1000), h.srv.URL))
	select {
	case <-clock.armed:
	case <-time.After(10 * time.Second):
		t.Fatal("no retry was scheduled")
	}
	clock.mu.Lock()
	late := clock.pending[len(clock.pending)-1] // the retry, as a timer that fires anyway
	clock.mu.Unlock()
	closed := make(chan struct{})
	go func() { f.api.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waited for the pending retry")
	}
	late()       // a timer that fires after Close finds its retry abandoned
	f.api.Wait() // nothing is pending any more
	assert.Equal(t, 1, clock.stopped, "the retry's timer was stopped")
	assert.Len(t, h.received(), 1, "no second attempt")
	list, err := f.store.Attempts(t.Context(), DemoMerchant, 10)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.False(t, list[0].Final, "the record shows a retry was due")
}

func TestWebhookQueueIsBoundedPerMerchant(t *testing.T) {
	release := make(chan struct{})
	var arrived atomic.Int32
	held := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		arrived.Add(1)
		<-release
	}))
	t.Cleanup(held.Close)
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})
	f := newFixture(t, Options{WebhookWorkers: 1, WebhookQueue: 3})
	urls := []string{}
	for i := range 5 {
		urls = append(urls, held.URL+"/hook"+strconv.Itoa(i))
	}
	f.mustRecord(withNotice(paid(impUID(), "order-flood", 1000), urls))
	other := h0(t)
	rec := paid(impUID(), "order-other", 1000)
	rec["merchant_code"] = "imp_other"
	f.mustRecord(withNotice(rec, other.srv.URL))

	dropped := f.attempts(DemoMerchant)
	require.Len(t, dropped, 2, "two over the cap of 3 are recorded at once")
	for _, a := range dropped {
		assert.Contains(t, a["error"], "dropped")
		assert.Equal(t, true, a["final"])
	}
	close(release)
	f.api.Wait()
	assert.Equal(t, int32(3), arrived.Load(), "the three within the cap were sent, one at a time")
	assert.Len(t, other.received(), 1, "another merchant's webhook is not held up by the cap")
}

// h0 is a webhook endpoint that answers 200.
func h0(t *testing.T) *hook { return newHook(t, 200) }

func TestWebhookLogHidesConnectionErrorsAndCredentials(t *testing.T) {
	f := newFixture(t, Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedPort := ln.Addr().String()
	ln.Close() // nothing listens here now: connection refused
	h := newHook(t, 200)
	secretURL := strings.Replace(h.srv.URL, "http://", "http://merchant:hunter2@", 1) + "/hook"
	f.mustRecord(withNotice(paid(impUID(), "order-probe", 1000), []string{"http://" + closedPort + "/", secretURL}))
	f.api.Wait()

	for _, tc := range []struct {
		name    string
		headers []string
		raw     bool
	}{
		{"no token", nil, false},
		{"another merchant's token", []string{"Authorization", f.token(testMerchants["imp_other"])}, false},
		{"the merchant's token", []string{"Authorization", f.token(DemoKeys)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do("GET", "/sdk/sandbox/webhooks?merchant_code="+DemoMerchant, nil, tc.headers...)
			require.Equal(t, 200, r.Status, r.Raw)
			assert.NotContains(t, r.Raw, "hunter2", "credentials are never shown")
			assert.NotContains(t, r.Raw, "merchant:", "credentials are never shown")
			var refused map[string]any
			for _, a := range r.Body["webhooks"].([]any) {
				if m := a.(map[string]any); m["url"] == "http://"+closedPort+"/" {
					refused = m
				} else {
					assert.Equal(t, h.srv.URL+"/hook", m["url"], "the URL without user:password@")
					assert.Equal(t, "", m["error"])
				}
			}
			require.NotNil(t, refused)
			if tc.raw {
				assert.Contains(t, refused["error"], "refused", "the merchant sees the connection error")
			} else {
				assert.Equal(t, "no answer", refused["error"], "others cannot tell a closed port from a silent one")
			}
		})
	}
	require.Len(t, h.received(), 1, "the webhook itself still went out, with its credentials")
}
