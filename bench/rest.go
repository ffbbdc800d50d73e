package main

// The server half of `make bench` (issue 17): the V1 REST API of a real ledger on loopback,
// driven by an in-process load generator at a fixed concurrency, beside a bare net/http
// handler that answers the same bytes (the floor); and how the ledger's costs grow from 1k
// to 100k payments.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/impshim/impshim/ledger"
)

// restOptions bounds the server sections.
type restOptions struct {
	small, large int           // payments in the two ledgers of the growth rows
	conns        int           // the load generator's concurrency for reads
	writers      int           // … and for writes
	span         time.Duration // how long one read row runs
	maxRequests  int           // and at most this many requests per row
	writes       int           // writes per write row
	samples      int           // sequential samples per growth row
	profile      string        // CPU profile of the read rows ("" for none)
}

// restBench fills res.RestRPS and res.LedgerGrowth. Both ledgers are open at once, so that the
// growth rows take their samples of the two in turn (a shared machine's load falls on both
// alike); the REST rows run against the large one.
func restBench(ro restOptions, res *Results) error {
	tmp, err := os.MkdirTemp("", "impshim-bench-rest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	res.RestRPS = map[string]float64{}
	res.LedgerGrowth = map[string]float64{"payments_small": float64(ro.small), "payments_large": float64(ro.large)}
	var ls []*benchLedger
	defer func() {
		for _, l := range ls {
			l.close()
		}
	}()
	for _, n := range []int{ro.small, ro.large} {
		step(fmt.Sprintf("ledger with %d payments: seeding through Store.Import (one transaction)", n))
		l, err := openBenchLedger(filepath.Join(tmp, "ledger-"+sizeSuffix(n)+".db"), n)
		if err != nil {
			return err
		}
		ls = append(ls, l)
	}
	step(fmt.Sprintf("ledger growth: %d records, %d finds and listing pages in each ledger, the two in turn", ro.writes, ro.samples))
	if err := growthRows(ro, res, ls[0], ls[1]); err != nil {
		return err
	}
	res.RestRPS["payments"] = float64(ro.large)
	return ls[1].restRows(ro, res)
}

func sizeSuffix(n int) string {
	if n%1000 == 0 {
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

// benchLedger is a ledger file served by ledger.API on loopback, seeded with n paid payments.
type benchLedger struct {
	store *ledger.Store
	api   *ledger.API
	srv   *http.Server
	base  string
	token string
	n     int
	now   int64
	// next numbers the payments the write rows add.
	next atomic.Int64
}

func openBenchLedger(path string, n int) (*benchLedger, error) {
	store, err := ledger.Open(path)
	if err != nil {
		return nil, err
	}
	l := &benchLedger{store: store, n: n, now: time.Now().Unix()}
	l.next.Store(int64(n))
	const batch = 10000
	t0 := time.Now()
	for i := 0; i < n; i += batch {
		rs := make([]ledger.Record, 0, batch)
		for j := i; j < min(i+batch, n); j++ {
			rs = append(rs, ledger.Record{MerchantCode: ledger.DemoMerchant, Payment: benchPayment(j, l.now)})
		}
		if err := store.Import(context.Background(), rs, l.now); err != nil {
			store.Close()
			return nil, err
		}
	}
	step(fmt.Sprintf("  seeded %d payments in %.1f s", n, time.Since(t0).Seconds()))
	l.api = ledger.NewAPI(store, nil, ledger.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		l.close()
		return nil, err
	}
	l.srv = &http.Server{Handler: l.api, ReadHeaderTimeout: 10 * time.Second}
	go l.srv.Serve(ln)
	l.base = "http://" + ln.Addr().String()
	body, status, err := post(http.DefaultClient, l.base+"/users/getToken", "application/json",
		fmt.Sprintf(`{"imp_key":%q,"imp_secret":%q}`, ledger.DemoKeys.ImpKey, ledger.DemoKeys.ImpSecret))
	if err != nil || status != http.StatusOK {
		l.close()
		return nil, fmt.Errorf("getToken: %d %s %v", status, body, err)
	}
	var tok struct {
		Response ledger.Token `json:"response"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.Response.AccessToken == "" {
		l.close()
		return nil, fmt.Errorf("getToken answered %s", body)
	}
	l.token = tok.Response.AccessToken
	return l, nil
}

func (l *benchLedger) close() {
	if l.srv != nil {
		l.srv.Close()
	}
	if l.api != nil {
		l.api.Close()
	}
	l.store.Close()
}

// benchPayment is the i-th seeded payment: paid by card, a minute apart, its own order.
func benchPayment(i int, now int64) ledger.Payment {
	started := now - 86400*30 + int64(i)*2
	return ledger.Payment{
		ImpUID: fmt.Sprintf("imp_%012d", i), MerchantUID: fmt.Sprintf("order_%d", i),
		PayMethod: "card", Channel: "pc", PGProvider: "html5_inicis", PGTID: ledger.Text(fmt.Sprintf("StdpayCARDINIpayTest%012d", i)),
		PGID: "INIpayTest", ApplyNum: "30012345", CardCode: "361", CardName: "BC카드", CardNumber: "910020*********5",
		Name: "노르웨이 회전 의자", Amount: ledger.Whole(1_000_000), Currency: "KRW",
		BuyerName: "홍길동", BuyerEmail: "gildong@gmail.com", BuyerTel: "010-4242-4242", BuyerAddr: "서울특별시 강남구 신사동",
		BuyerPostcode: "01181", Status: ledger.StatusPaid, StartedAt: started, PaidAt: started + 1,
		ReceiptURL: ledger.Text("https://iniweb.inicis.com/receipt/" + strconv.Itoa(i)),
	}
}

// growthRows: recording (Store.Record, the writers at once), find and a listing page (one at a
// time, through HTTP), p50 in ms, at both sizes; batches of the two ledgers alternate.
func growthRows(ro restOptions, res *Results, ls ...*benchLedger) error {
	rec := make([][]float64, len(ls))
	const batch = 50
	for done := 0; done < ro.writes; done += batch {
		for i, l := range ls {
			lat, err := l.recordLatencies(ro.writers, min(batch, ro.writes-done))
			if err != nil {
				return err
			}
			rec[i] = append(rec[i], lat...)
		}
	}
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	defer c.CloseIdleConnections()
	find, list := make([][]float64, len(ls)), make([][]float64, len(ls))
	for i := range ro.samples {
		for j, l := range ls {
			uid := fmt.Sprintf("order_%d", (i*7919)%l.n)
			ms, err := l.timedGet(c, "/payments/find/"+uid)
			if err != nil {
				return err
			}
			find[j] = append(find[j], ms)
			if ms, err = l.timedGet(c, "/payments/status/all?limit=20"); err != nil {
				return err
			}
			list[j] = append(list[j], ms)
		}
	}
	for j, l := range ls {
		suffix := sizeSuffix(l.n)
		res.LedgerGrowth["record_ms_"+suffix] = round3(percentile(rec[j], 50))
		res.LedgerGrowth["find_ms_"+suffix] = round3(percentile(find[j], 50))
		res.LedgerGrowth["list_ms_"+suffix] = round3(percentile(list[j], 50))
	}
	return nil
}

// recordLatencies records count new paid payments through Store.Record from writers goroutines.
func (l *benchLedger) recordLatencies(writers, count int) ([]float64, error) {
	var mu sync.Mutex
	var lat []float64
	var firstErr error
	var wg sync.WaitGroup
	var left atomic.Int64
	left.Store(int64(count))
	for range writers {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				i := int(l.next.Add(1))
				t0 := time.Now()
				_, err := l.store.Record(context.Background(), ledger.Record{MerchantCode: ledger.DemoMerchant, Payment: benchPayment(i, l.now)}, l.now)
				ms := float64(time.Since(t0).Microseconds()) / 1000
				mu.Lock()
				lat = append(lat, ms)
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return lat, firstErr
}

func (l *benchLedger) timedGet(c *http.Client, path string) (float64, error) {
	t0 := time.Now()
	body, status, err := l.get(c, path)
	ms := float64(time.Since(t0).Microseconds()) / 1000
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("GET %s: %d %s", path, status, body)
	}
	return ms, err
}

func (l *benchLedger) get(c *http.Client, path string) ([]byte, int, error) {
	req, err := http.NewRequest(http.MethodGet, l.base+path, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+l.token)
	return do(c, req)
}

func do(c *http.Client, req *http.Request) ([]byte, int, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return body, resp.StatusCode, err
}

func post(c *http.Client, u, ct, body string) ([]byte, int, error) {
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", ct)
	return do(c, req)
}

// restRows: GET /payments/{imp_uid} and GET /payments/find/{merchant_uid} in req/s, each beside
// a bare handler answering the same bytes in the same run; partial cancels and recording with
// their latency.
func (l *benchLedger) restRows(ro restOptions, res *Results) error {
	if ro.profile != "" {
		f, err := os.Create(ro.profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	for _, row := range []struct {
		name string
		path func(i int) string
	}{
		{"payments_get", func(i int) string { return fmt.Sprintf("/payments/imp_%012d", (i*7919)%l.n) }},
		{"find", func(i int) string { return fmt.Sprintf("/payments/find/order_%d", (i*7919)%l.n) }},
	} {
		step(fmt.Sprintf("REST %s: %d connections, the ledger and the floor in turn, %d rounds", row.name, ro.conns, restRounds))
		// Short rounds in turn (ledger, floor; then floor, ledger), each pair's ratio kept: a
		// shared machine's load shifts both sides of a pair alike, and the median pair is the
		// figure. The medians of each side are reported too.
		part := ro
		part.span, part.maxRequests = ro.span/restRounds, ro.maxRequests/restRounds
		_, sample, err := l.readLoad(part, row.path, true)
		if err != nil {
			return fmt.Errorf("%s: %w", row.name, err)
		}
		var rps, floor, ratios []float64
		for i := range restRounds {
			var r, f float64
			var err error
			for j := range 2 {
				if (i+j)%2 == 0 {
					r, _, err = l.readLoad(part, row.path, false)
				} else {
					f, err = floorLoad(part, sample)
				}
				if err != nil {
					return fmt.Errorf("%s: %w", row.name, err)
				}
			}
			rps, floor, ratios = append(rps, r), append(floor, f), append(ratios, r/f)
		}
		res.RestRPS[row.name] = math.Round(median(rps))
		res.RestRPS[row.name+"_floor"] = math.Round(median(floor))
		res.RestRPS[row.name+"_ratio"] = round3(median(ratios))
	}
	if ro.profile != "" {
		pprof.StopCPUProfile()
	}

	step(fmt.Sprintf("REST cancel: %d partial cancels, %d at once", ro.writes, ro.writers))
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: ro.writers}}
	defer c.CloseIdleConnections()
	lat, elapsed, err := fixedLoad(ro.writers, ro.writes, func(i int) error {
		req, err := http.NewRequest(http.MethodPost, l.base+"/payments/cancel",
			strings.NewReader(fmt.Sprintf(`{"imp_uid":"imp_%012d","amount":100,"reason":"bench"}`, (i*104729)%l.n)))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", l.token)
		body, status, err := do(c, req)
		if err == nil && (status != http.StatusOK || !bytes.HasPrefix(body, []byte(`{"code":0,`))) {
			err = fmt.Errorf("cancel: %d %s", status, body)
		}
		return err
	})
	if err != nil {
		return err
	}
	res.RestRPS["cancel"] = math.Round(float64(len(lat)) / elapsed.Seconds())
	res.RestRPS["cancel_p50_ms"] = round3(percentile(lat, 50))
	res.RestRPS["cancel_p99_ms"] = round3(percentile(lat, 99))

	step(fmt.Sprintf("recording: %d payments through Store.Record, %d writers", ro.writes, ro.writers))
	t0 := time.Now()
	rec, err := l.recordLatencies(ro.writers, ro.writes)
	if err != nil {
		return err
	}
	res.RestRPS["record"] = math.Round(float64(len(rec)) / time.Since(t0).Seconds())
	res.RestRPS["record_p50_ms"] = round3(percentile(rec, 50))
	res.RestRPS["record_p99_ms"] = round3(percentile(rec, 99))
	return nil
}

// restRounds is how many times each read row alternates between the ledger and its floor.
const restRounds = 8

// readLoad runs GETs of path(i) on conns connections for ro.span (or ro.maxRequests requests)
// and returns requests per second and one answer's body; sampleOnly: the body alone.
func (l *benchLedger) readLoad(ro restOptions, path func(int) string, sampleOnly bool) (float64, []byte, error) {
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: ro.conns}}
	defer c.CloseIdleConnections()
	sample, status, err := l.get(c, path(1))
	if err != nil || status != http.StatusOK {
		return 0, nil, fmt.Errorf("GET %s: %d %s %v", path(1), status, sample, err)
	}
	if sampleOnly {
		return 0, sample, nil
	}
	rps, err := timedLoad(ro, func(i int) error {
		req, err := http.NewRequest(http.MethodGet, l.base+path(i), nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+l.token)
		body, status, err := do(c, req)
		if err == nil && status != http.StatusOK {
			err = fmt.Errorf("GET %s: %d %s", req.URL.Path, status, body)
		}
		return err
	})
	return rps, sample, err
}

// floorLoad is the same load against a bare net/http handler that answers body.
func floorLoad(ro restOptions, body []byte) (float64, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(body)
	}), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: ro.conns}}
	defer c.CloseIdleConnections()
	return timedLoad(ro, func(i int) error {
		req, err := http.NewRequest(http.MethodGet, base+"/payments/imp_"+strconv.Itoa(i), nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer x")
		_, status, err := do(c, req)
		if err == nil && status != http.StatusOK {
			err = errors.New("floor answered " + strconv.Itoa(status))
		}
		return err
	})
}

// timedLoad runs fn from ro.conns goroutines until ro.span passes or ro.maxRequests are done,
// after a short warm-up, and returns completed requests per second.
func timedLoad(ro restOptions, fn func(i int) error) (float64, error) {
	var n atomic.Int64
	var failed atomic.Pointer[error]
	run := func(span time.Duration, limit int64) (int64, time.Duration) {
		n.Store(0)
		deadline := time.Now().Add(span)
		t0 := time.Now()
		var wg sync.WaitGroup
		for range ro.conns {
			wg.Go(func() {
				for time.Now().Before(deadline) && failed.Load() == nil {
					i := n.Add(1)
					if i > limit {
						return
					}
					if err := fn(int(i)); err != nil {
						failed.CompareAndSwap(nil, &err)
						return
					}
				}
			})
		}
		wg.Wait()
		return min(n.Load(), limit), time.Since(t0)
	}
	run(ro.span/5, int64(ro.maxRequests)/5)
	done, elapsed := run(ro.span, int64(ro.maxRequests))
	if e := failed.Load(); e != nil {
		return 0, *e
	}
	return float64(done) / elapsed.Seconds(), nil
}

// fixedLoad runs fn count times from conns goroutines and returns each call's ms.
func fixedLoad(conns, count int, fn func(i int) error) ([]float64, time.Duration, error) {
	var mu sync.Mutex
	var lat []float64
	var firstErr error
	var next atomic.Int64
	var wg sync.WaitGroup
	t0 := time.Now()
	for range conns {
		wg.Go(func() {
			for {
				i := int(next.Add(1))
				if i > count {
					return
				}
				s := time.Now()
				err := fn(i)
				ms := float64(time.Since(s).Microseconds()) / 1000
				mu.Lock()
				lat = append(lat, ms)
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return lat, time.Since(t0), firstErr
}

// printServerTable prints the REST and growth rows with the goals.
func printServerTable(w io.Writer, r *Results) {
	if len(r.RestRPS) == 0 && len(r.LedgerGrowth) == 0 {
		return
	}
	x, g := r.RestRPS, r.LedgerGrowth
	goal := func(ok bool, t string) string {
		if ok {
			return "meets " + t
		}
		return "misses " + t
	}
	fmt.Fprintf(w, "\nserver (ledger of %.0f payments, loopback, in-process load generator):\n", x["payments"])
	for _, name := range []string{"payments_get", "find"} {
		rt := x[name+"_ratio"] // the median round's, not the medians' (restRows)
		fmt.Fprintf(w, "  %-34s %8.0f req/s   floor %8.0f req/s   %.2f×   %s\n", "GET "+map[string]string{
			"payments_get": "/payments/{imp_uid}", "find": "/payments/find/{merchant_uid}"}[name],
			x[name], x[name+"_floor"], rt, goal(rt >= 0.5, "≥ 0.5×"))
	}
	fmt.Fprintf(w, "  %-34s %8.0f req/s   p50 %.2f ms  p99 %.2f ms\n", "POST /payments/cancel (partial)", x["cancel"], x["cancel_p50_ms"], x["cancel_p99_ms"])
	fmt.Fprintf(w, "  %-34s %8.0f rec/s   p50 %.2f ms  p99 %.2f ms\n", "recording (Store.Record)", x["record"], x["record_p50_ms"], x["record_p99_ms"])
	small, large := sizeSuffix(int(g["payments_small"])), sizeSuffix(int(g["payments_large"]))
	fmt.Fprintf(w, "\nledger growth, p50 ms at %s and %s payments:\n", small, large)
	for _, name := range []string{"record", "find", "list"} {
		a, b := g[name+"_ms_"+small], g[name+"_ms_"+large]
		rt := ratio(b, a)
		fmt.Fprintf(w, "  %-34s %8.3f ms   %8.3f ms   %.2f×   %s\n", map[string]string{"record": "recording", "find": "GET /payments/find/{merchant_uid}",
			"list": "GET /payments/status/all?limit=20"}[name], a, b, rt, goal(rt > 0 && rt <= 1.5, "≤ 1.5×"))
	}
}
