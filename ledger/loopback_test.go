package ledger

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/web"
	"github.com/impshim/impshim/web/access"
	"github.com/impshim/impshim/web/merchants"
)

// Issue 16, against a real server on loopback: web in front of the ledger, as `make run`
// wires them, reached over TCP by a real client.

// site is the server on a loopback port.
type site struct {
	*fixture
	url    string // http://127.0.0.1:port
	client *http.Client
}

func newSite(t *testing.T, opts Options, webOpts web.Options) *site {
	t.Helper()
	f := newFixture(t, opts)
	webOpts.Backend = f.api
	webOpts.Merchants = merchants.Set{merchants.SeedCode: merchants.Seed()}
	if webOpts.Dist == "" {
		webOpts.Dist = t.TempDir()
	}
	srv := httptest.NewServer(web.New(webOpts))
	t.Cleanup(srv.Close)
	client := &http.Client{Timeout: 10 * time.Second}
	t.Cleanup(client.CloseIdleConnections)
	return &site{fixture: f, url: srv.URL, client: client}
}

type wireAnswer struct {
	status int
	body   map[string]any
	header http.Header
	raw    string
}

// call sends body as is, with headers as name, value pairs ("Host" sets the Host header).
func (s *site) call(method, path, body string, headers ...string) wireAnswer {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	require.NoError(s.t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Host" {
			req.Host = headers[i+1]
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	res, err := s.client.Do(req)
	require.NoError(s.t, err, "%s %s", method, path)
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	a := wireAnswer{status: res.StatusCode, header: res.Header, raw: string(data)}
	json.Unmarshal(data, &a.body)
	return a
}

func (s *site) recordOver(rec map[string]any, headers ...string) wireAnswer {
	s.t.Helper()
	data, err := json.Marshal(rec)
	require.NoError(s.t, err)
	return s.call("POST", "/sdk/sandbox/payments", string(data), append([]string{"Content-Type", "application/json"}, headers...)...)
}

func (s *site) tokenOver() string {
	s.t.Helper()
	a := s.call("POST", "/users/getToken", `{"imp_key":"`+DemoKeys.ImpKey+`","imp_secret":"`+DemoKeys.ImpSecret+`"}`, "Content-Type", "application/json")
	require.Equal(s.t, 200, a.status, a.raw)
	return a.body["response"].(map[string]any)["access_token"].(string)
}

func TestLoopbackCrossSiteRequests(t *testing.T) {
	s := newSite(t, Options{}, web.Options{Access: &access.Policy{Hosts: []string{"impshim.test"}}})
	port := strings.TrimPrefix(s.url, "http://127.0.0.1")
	uid := impUID()
	require.Equal(t, 200, s.recordOver(paid(uid, "order-x", 1000)).status)

	tests := []struct {
		name    string
		method  string
		path    string
		body    string
		headers []string
		status  int
	}{
		{"text/plain reset (no preflight needed)", "POST", "/sdk/sandbox/reset", `{"merchant_code":"imp10391932"}`, []string{"Content-Type", "text/plain"}, 415},
		{"form record", "POST", "/sdk/sandbox/payments", `merchant_code=imp10391932`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415},
		{"another site reads", "GET", "/sdk/sandbox/payments?merchant_code=imp10391932", "", []string{"Origin", "https://evil.example"}, 403},
		{"another site resets", "POST", "/sdk/sandbox/reset", `{"merchant_code":"imp10391932"}`, []string{"Origin", "https://evil.example", "Content-Type", "application/json"}, 403},
		{"DNS rebinding: a foreign Host", "GET", "/sdk/sandbox/payments?merchant_code=imp10391932", "", []string{"Host", "evil.example" + port}, 421},
		{"DNS rebinding on REST", "POST", "/users/getToken", `{"imp_key":"imp_apikey","imp_secret":"sandbox_secret"}`, []string{"Host", "evil.example" + port, "Content-Type", "application/json"}, 421},
		{"DNS rebinding on the demo", "GET", "/", "", []string{"Host", "rebind.evil.example" + port}, 421},
		{"an allowed host name", "GET", "/sdk/sandbox/payments?merchant_code=imp10391932", "", []string{"Host", "impshim.test" + port}, 200},
		{"a merchant page on another port", "GET", "/sdk/sandbox/payments?merchant_code=imp10391932", "", []string{"Origin", "http://localhost:3000"}, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := s.call(tc.method, tc.path, tc.body, tc.headers...)
			assert.Equal(t, tc.status, a.status, a.raw)
			if tc.status != 200 {
				assert.NotContains(t, a.raw, "order-x", "nothing of the ledger leaks")
				assert.Empty(t, a.header.Get("Access-Control-Allow-Origin"))
			}
		})
	}
	assert.Equal(t, 1, s.count(DemoMerchant), "nothing was reset or recorded")
}

func TestLoopbackSlowBodiesAreCut(t *testing.T) {
	const clients, timeout = 20, 300 * time.Millisecond
	s := newSite(t, Options{}, web.Options{BodyTimeout: timeout})
	require.Equal(t, 200, s.recordOver(paid(impUID(), "order-slow", 1000)).status)
	addr := strings.TrimPrefix(s.url, "http://")

	var wg sync.WaitGroup
	results := make(chan string, clients)
	began := time.Now()
	for range clients {
		wg.Go(func() {
			conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
			if err != nil {
				results <- "dial: " + err.Error()
				return
			}
			defer conn.Close()
			fmt.Fprintf(conn, "POST /sdk/sandbox/reset HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{", addr)
			stop := make(chan struct{})
			defer close(stop)
			go func() { // a byte every 50 ms: a body that would take 50 s
				tick := time.NewTicker(50 * time.Millisecond)
				defer tick.Stop()
				for {
					select {
					case <-stop:
						return
					case <-tick.C:
						if _, err := conn.Write([]byte(" ")); err != nil {
							return
						}
					}
				}
			}()
			conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			line, err := bufio.NewReader(conn).ReadString('\n')
			switch {
			case err == nil:
				results <- strings.TrimSpace(line)
			case err == io.EOF || strings.Contains(err.Error(), "reset"):
				results <- "closed"
			default:
				results <- "still connected: " + err.Error()
			}
		})
	}
	wg.Wait()
	close(results)
	for r := range results {
		assert.True(t, r == "HTTP/1.1 408 Request Timeout" || r == "closed", "a slow body is cut off: %s", r)
	}
	t.Logf("%d slow clients cut in %v (body timeout %v)", clients, time.Since(began), timeout)
	assert.Equal(t, 1, s.count(DemoMerchant), "no slow reset went through")
}

// TestLoopbackWebhookFloodAtLowFDLimit: 150 payments × 10 notice_urls that accept and never
// wireAnswer, under a descriptor limit of 256 for this process. The outbox holds at most a few
// connections; the rest are dropped and recorded, and every merchant request is answered.
func TestLoopbackWebhookFloodAtLowFDLimit(t *testing.T) {
	var orig syscall.Rlimit
	require.NoError(t, syscall.Getrlimit(syscall.RLIMIT_NOFILE, &orig))
	low := orig
	low.Cur = min(256, orig.Cur)
	require.NoError(t, syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low))
	t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_NOFILE, &orig) })

	tarpit, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var held []net.Conn
	var mu sync.Mutex
	var open, peak atomic.Int32 // connections open at once, and the most ever
	go func() {
		for {
			c, err := tarpit.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c)
			mu.Unlock()
			n := open.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			go func() { // never answers; the connection ends when the sender gives up
				io.Copy(io.Discard, c)
				open.Add(-1)
			}()
		}
	}()
	t.Cleanup(func() {
		tarpit.Close()
		mu.Lock()
		for _, c := range held {
			c.Close()
		}
		mu.Unlock()
	})

	s := newSite(t, Options{}, web.Options{})
	urls := make([]string, maxNoticeURLs)
	for i := range urls {
		urls[i] = fmt.Sprintf("http://%s/hook/%d", tarpit.Addr(), i)
	}
	const payments = 150
	uids := make([]string, payments)
	for i := range uids {
		uids[i] = impUID()
		a := s.recordOver(withNotice(paid(uids[i], fmt.Sprintf("flood-%d", i), 100), urls))
		require.Equal(t, 200, a.status, a.raw)
	}

	tok := s.tokenOver()
	var wg sync.WaitGroup
	var failures atomic.Int32
	for i := range 100 {
		wg.Go(func() {
			a := s.call("GET", "/payments/"+uids[i%payments], "", "Authorization", tok)
			if a.status != 200 {
				failures.Add(1)
			}
		})
	}
	wg.Wait()
	assert.Zero(t, failures.Load(), "every merchant request is answered during the flood")
	assert.LessOrEqual(t, int(peak.Load()), 8, "outbound connections are bounded by the worker pool")

	list, err := s.store.Attempts(t.Context(), DemoMerchant, 5000)
	require.NoError(t, err)
	dropped := 0
	for _, a := range list {
		if strings.HasPrefix(a.Error, "dropped:") {
			dropped++
		}
	}
	// The history keeps the latest keptWebhooks; of those, all but the 100 within the cap were dropped.
	require.GreaterOrEqual(t, len(list), keptWebhooks-100)
	assert.GreaterOrEqual(t, dropped, len(list)-100, "past the cap of 100 pending, deliveries are dropped with a record")
	t.Logf("peak outbound connections %d, dropped %d of %d", peak.Load(), dropped, payments*maxNoticeURLs)
}

func TestLoopbackOddMerchantUIDsAreFound(t *testing.T) {
	s := newSite(t, Options{}, web.Options{})
	tok := s.tokenOver()
	for _, muid := range []string{`back\slash`, "nul\x00byte", ".", "..", "a/../b", "a/./b", "%2e%2e", "x/.."} {
		t.Run(fmt.Sprintf("%q", muid), func(t *testing.T) {
			uid := impUID()
			require.Equal(t, 200, s.recordOver(paid(uid, muid, 1000)).status)
			for _, path := range []string{"/payments/find/" + url.PathEscape(muid), "/payments/findAll/" + url.PathEscape(muid)} {
				a := s.call("GET", path, "", "Authorization", tok)
				require.Equal(t, 200, a.status, "%s: %s", path, a.raw)
				assert.Contains(t, a.raw, uid, path)
			}
			// Encoded dots reach the same payment.
			enc := strings.NewReplacer(".", "%2E").Replace(url.PathEscape(muid))
			a := s.call("GET", "/payments/find/"+enc, "", "Authorization", tok)
			require.Equal(t, 200, a.status, a.raw)
			assert.Equal(t, uid, a.body["response"].(map[string]any)["imp_uid"])
		})
	}
	// The guard still keeps file paths inside dist.
	assert.Equal(t, 400, s.call("GET", "/sdk/../go.mod", "").status)
	assert.Equal(t, 400, s.call("GET", "/sdk/%2e%2e/go.mod", "").status)
}

func TestLoopbackCancelAmounts(t *testing.T) {
	tests := []struct {
		name     string
		currency string
		body     string
		ctype    string
		want     string // "": refused, ledger unchanged; else the status after the cancel
	}{
		{"amount 0", "KRW", `{"amount": 0}`, "application/json", ""},
		{`amount "0"`, "KRW", `{"amount": "0"}`, "application/json", ""},
		{"amount 0.00", "KRW", `{"amount": 0.00}`, "application/json", ""},
		{`amount ""`, "KRW", `{"amount": ""}`, "application/json", ""},
		{"amount null", "KRW", `{"amount": null}`, "application/json", ""},
		{"form amount=", "KRW", `amount=`, "application/x-www-form-urlencoded", ""},
		{"form amount=0", "KRW", `amount=0`, "application/x-www-form-urlencoded", ""},
		{"KRW 10.5", "KRW", `{"amount": 10.5}`, "application/json", ""},
		{"KRW checksum 1000.5", "KRW", `{"amount": 10, "checksum": 1000.5}`, "application/json", ""},
		{`padded " 100 "`, "KRW", `{"amount": " 100 "}`, "application/json", ""},
		{"padded form", "KRW", `amount=+100`, "application/x-www-form-urlencoded", ""},
		{"1,000", "KRW", `{"amount": "1,000"}`, "application/json", ""},
		{"USD 0.25", "USD", `{"amount": 0.25}`, "application/json", "paid"},
		{"KRW 100", "KRW", `{"amount": 100}`, "application/json", "paid"},
		{"no amount: everything", "KRW", `{}`, "application/json", "cancelled"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSite(t, Options{}, web.Options{}) // each case on its own ledger
			uid := impUID()
			rec := paid(uid, "order-amount", 1000)
			if tc.currency != "KRW" {
				rec = usd(rec)
			}
			require.Equal(t, 200, s.recordOver(rec).status)
			before := s.snapshot(DemoMerchant)
			body := tc.body
			if tc.ctype == "application/json" {
				body = `{"imp_uid": "` + uid + `", ` + strings.TrimPrefix(body, "{")
				body = strings.Replace(body, `", }`, `"}`, 1)
			} else {
				body = "imp_uid=" + uid + "&" + body
			}
			a := s.call("POST", "/payments/cancel", body, "Authorization", s.tokenOver(), "Content-Type", tc.ctype)
			if tc.want == "" {
				assert.NotEqual(t, float64(0), a.body["code"], a.raw)
				assert.Nil(t, a.body["response"], a.raw)
				assert.Equal(t, before, s.snapshot(DemoMerchant), "a refused cancel changes nothing")
				return
			}
			require.Equal(t, float64(0), a.body["code"], a.raw)
			assert.Equal(t, tc.want, a.body["response"].(map[string]any)["status"])
		})
	}
}

func TestLoopbackAuthSchemeIsCaseInsensitive(t *testing.T) {
	s := newSite(t, Options{}, web.Options{})
	tok := s.tokenOver()
	uid := impUID()
	require.Equal(t, 200, s.recordOver(paid(uid, "order-auth", 1000)).status)
	for _, h := range []string{tok, "Bearer " + tok, "bearer " + tok, "BEARER " + tok, "bEaReR   " + tok} {
		a := s.call("GET", "/payments/"+uid, "", "Authorization", h)
		assert.Equal(t, 200, a.status, "%q: %s", h, a.raw)
	}
	assert.Equal(t, 401, s.call("GET", "/payments/"+uid, "", "Authorization", "Basic "+tok).status, "another scheme is not a token")
}
