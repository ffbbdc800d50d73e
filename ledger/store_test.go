package ledger

import (
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRestartKeepsTheLedger(t *testing.T) {
	path := filepath.Join(t.TempDir(), "impshim.db")
	c := &clock{t: time.Unix(t0, 0)}
	open := func() *fixture {
		store, err := Open(path)
		require.NoError(t, err)
		return &fixture{t: t, store: store, api: NewAPI(store, testMerchants, Options{Now: c.Now}), clock: c}
	}

	f := open()
	uid, part := impUID(), impUID()
	f.mustRecord(paid(uid, "order-keep", 1000))
	f.mustRecord(paid(part, "order-part", 1000))
	tok := f.token(DemoKeys)
	require.Equal(t, 200, f.post("/payments/cancel", tok, map[string]any{"imp_uid": part, "amount": 300}).Status)
	f.mustRecord(withNotice(paid(impUID(), "order-hook", 1), "ftp://nowhere"))
	f.api.Wait()
	before := f.snapshot(DemoMerchant)
	f.api.Close()
	require.NoError(t, f.store.Close())

	f = open()
	defer func() { f.api.Close(); f.store.Close() }()
	assert.Equal(t, before, f.snapshot(DemoMerchant), "every payment survives the restart")
	r := f.get("/payments/"+part, tok)
	require.Equal(t, 200, r.Status, "the token survives too: %s", r.Raw)
	assert.Equal(t, float64(300), resp(r)["cancel_amount"])
	assert.Len(t, f.attempts(DemoMerchant), 1, "webhook history survives")
	// And the reopened ledger takes new writes.
	r = f.post("/payments/cancel", tok, map[string]any{"imp_uid": part, "checksum": 700})
	require.Equal(t, 200, r.Status, r.Raw)
	assert.Equal(t, "cancelled", resp(r)["status"])
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	notDB := filepath.Join(dir, "notes.txt")
	require.NoError(t, os.WriteFile(notDB, []byte("this is not a database, just some text that is long enough to matter"), 0o644))
	// The messages the README promises: each says what is wrong and what to do.
	for path, want := range map[string][]string{
		"":    {"empty database path", `":memory:"`},
		notDB: {"notes.txt", "is it an impshim ledger?"},
		filepath.Join(dir, "missing-dir", "x.db"): {"missing-dir does not exist", "create it or pass another -db"},
		filepath.Join(dir, "a?b.db"):              {"must not contain ? or #", "rename the file"},
	} {
		s, err := Open(path)
		if !assert.Error(t, err, "Open(%q)", path) {
			s.Close()
			continue
		}
		for _, w := range want {
			assert.Contains(t, err.Error(), w, "Open(%q)", path)
		}
	}
}

func TestMemoryStoreIsShared(t *testing.T) {
	// Many goroutines on one ":memory:" Store all see the same database.
	s, err := Open(":memory:")
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			p := Payment{ImpUID: impUIDn(i), MerchantUID: "m", Status: StatusPaid, Amount: 100}
			_, err := s.Record(ctx, Record{MerchantCode: DemoMerchant, Payment: p}, t0)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	_, total, err := s.List(ctx, DemoMerchant, ListQuery{Status: "paid", Page: 1, Limit: 1})
	require.NoError(t, err)
	assert.Equal(t, 50, total)
}

// TestLoad sends 1,000 concurrent GET /payments/{imp_uid} over loopback and checks every
// answer. It asserts correctness only; the time is logged for the report, never asserted.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: run without -short")
	}
	for _, kind := range []string{"memory", "file"} {
		t.Run(kind, func(t *testing.T) {
			path := ":memory:"
			if kind == "file" {
				path = filepath.Join(t.TempDir(), "load.db")
			}
			store, err := Open(path)
			require.NoError(t, err)
			api := NewAPI(store, testMerchants, Options{})
			f := &fixture{t: t, store: store, api: api, clock: &clock{t: time.Now()}}
			defer func() { api.Close(); store.Close() }()
			srv := newLoopback(t, api)

			const payments, requests = 100, 1000
			uids := make([]string, payments)
			for i := range uids {
				uids[i] = impUID()
				f.mustRecord(paid(uids[i], "load-"+uids[i], 1000+i))
			}
			tok := f.token(DemoKeys)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: requests, MaxConnsPerHost: 0}}
			defer client.CloseIdleConnections()

			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make(chan string, requests)
			took := make([]time.Duration, requests)
			for n := range requests {
				i := rand.IntN(payments)
				wg.Go(func() {
					<-start
					began := time.Now()
					defer func() { took[n] = time.Since(began) }()
					req, _ := http.NewRequest("GET", srv+"/payments/"+uids[i], nil)
					req.Header.Set("Authorization", tok)
					res, err := client.Do(req)
					if err != nil {
						errs <- err.Error()
						return
					}
					defer res.Body.Close()
					data, _ := io.ReadAll(res.Body)
					var body struct {
						Code     int
						Response struct {
							ImpUID string  `json:"imp_uid"`
							Amount float64 `json:"amount"`
						}
					}
					if res.StatusCode != 200 || json.Unmarshal(data, &body) != nil || body.Code != 0 ||
						body.Response.ImpUID != uids[i] || body.Response.Amount != float64(1000+i) {
						errs <- res.Status + " " + string(data)
					}
				})
			}
			began := time.Now()
			close(start)
			wg.Wait()
			elapsed := time.Since(began)
			close(errs)
			var bad []string
			for e := range errs {
				bad = append(bad, e)
			}
			assert.Empty(t, bad, "every concurrent GET answers its own payment")
			slices.Sort(took)
			t.Logf("%s ledger: %d concurrent GET /payments/{imp_uid} in %v (%.0f req/s; per request p50 %v, p99 %v)", kind, requests,
				elapsed.Round(time.Millisecond), float64(requests)/elapsed.Seconds(),
				took[requests/2].Round(time.Millisecond), took[requests*99/100].Round(time.Millisecond))
		})
	}
}

func impUIDn(i int) string {
	s := "00000000000" + string(rune('0'+i/10)) + string(rune('0'+i%10))
	return "imps_" + s[len(s)-12:]
}

// BenchmarkGetPayment is GET /payments/{imp_uid} in process, token check included.
func BenchmarkGetPayment(b *testing.B) {
	f := newFixture(b, Options{})
	uid := impUID()
	f.mustRecord(paid(uid, "bench", 1000))
	tok := f.token(DemoKeys)
	api := f.api
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptestRecorder()
			req, _ := http.NewRequest("GET", "/payments/"+uid, nil)
			req.Header.Set("Authorization", tok)
			api.ServeHTTP(w, req)
			if w.Code != 200 {
				b.Fatal(w.Body.String())
			}
		}
	})
}

func TestWebhookHistoryIsBounded(t *testing.T) {
	s, err := Open(":memory:")
	require.NoError(t, err)
	defer s.Close()
	ctx := context.Background()
	for i := range keptWebhooks + 5 {
		id, err := s.AddWebhook(ctx, Webhook{MerchantCode: DemoMerchant, ImpUID: "u", Status: "paid", URL: "http://127.0.0.1/h", CreatedAt: int64(i)})
		require.NoError(t, err)
		require.NoError(t, s.AddTry(ctx, Attempt{WebhookID: id, MerchantCode: DemoMerchant, Attempt: i + 1}))
	}
	id, err := s.AddWebhook(ctx, Webhook{MerchantCode: "imp_other", ImpUID: "o", URL: "http://127.0.0.1/o"})
	require.NoError(t, err)
	require.NoError(t, s.AddTry(ctx, Attempt{WebhookID: id, MerchantCode: "imp_other", Attempt: 1}))
	list, err := s.Attempts(ctx, DemoMerchant, 5000)
	require.NoError(t, err)
	require.Len(t, list, keptWebhooks)
	assert.Equal(t, 6, list[0].Attempt, "the oldest go first")
	assert.Equal(t, keptWebhooks+5, list[len(list)-1].Attempt)
	other, err := s.Attempts(ctx, "imp_other", 10)
	require.NoError(t, err)
	assert.Len(t, other, 1)
}
