// Package conformance drives the published i'mport V1 REST clients from npm (iamport,
// iamporter, iamport-rest-client-nodejs, pinned in package-lock.json) against a real impshim
// server on loopback, as a merchant's server would call api.iamport.kr. Where a client and
// impshim disagree, the client is right: it was written against the real service.
package conformance

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// call is one line flow.mjs prints.
type call struct {
	Client string `json:"client"`
	Call   string `json:"call"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
	Done   bool   `json:"done"`
	Calls  int    `json:"calls"`
}

// clients are the npm packages flow.mjs drives, by the name it reports them under.
var clients = []string{"iamport", "iamporter", "rest-client-nodejs"}

func TestPublishedClients(t *testing.T) {
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	dist := os.Getenv("IMPSHIM_DIST")
	if dist == "" {
		dist = filepath.Join(root, "dist")
	}
	if _, err := os.Stat(filepath.Join(dist, "imp.js")); err != nil {
		t.Fatalf("the server needs the SDK build in %s: run `make dist` (or set IMPSHIM_DIST)", dist)
	}
	node, npm := tool(t, "node"), tool(t, "npm")
	work := t.TempDir()

	modules := installClients(t, npm, work)
	sink := &webhookSink{}
	hooks := httptest.NewServer(sink)
	t.Cleanup(hooks.Close)
	merchants := writeMerchants(t, root, work, hooks.URL)
	base := startServer(t, root, work, dist, merchants)

	// A payment of another merchant: the demo merchant's token must not see it.
	other := payAs(t, base, "imp19990001", "cf_other_"+randomDigits(6), 1000)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "flow.mjs")
	cmd.Env = append(os.Environ(), "CONFORMANCE_MODULES="+modules, "IMPSHIM_URL="+base,
		"CONFORMANCE_OTHER_IMP_UID="+other, "CONFORMANCE_RUN="+randomDigits(8))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "node flow.mjs: %s", stderr.String())

	calls, done := parseCalls(t, out)
	perClient := map[string][2]int{}
	for _, c := range calls {
		n := perClient[c.Client]
		n[1]++
		if c.OK {
			n[0]++
		} else {
			t.Errorf("%s: %s: %s", c.Client, c.Call, c.Detail)
		}
		perClient[c.Client] = n
	}
	for _, name := range clients {
		n := perClient[name]
		assert.True(t, done[name], "%s: flow.mjs did not finish its calls", name)
		assert.Greater(t, n[1], 10, "%s: too few calls ran", name)
		t.Logf("%-20s %d/%d calls as with the real API", name, n[0], n[1])
	}

	// Webhooks: every approved payment and every virtual account issued or deposited is
	// announced to the merchant's console URL in its chosen Content-Type; API cancels without
	// enable_webhook are not (V1 webhook page).
	for _, c := range calls {
		if !c.OK || !strings.HasPrefix(c.Call, "pay (") {
			continue
		}
		assert.Eventually(t, func() bool { return sink.has(c.Detail, "paid") }, 10*time.Second, 50*time.Millisecond,
			"%s: no paid webhook for %s; got %v", c.Client, c.Detail, sink.all())
		assert.False(t, sink.has(c.Detail, "cancelled"), "%s: an API cancel without enable_webhook sent a webhook", c.Client)
	}
	for _, c := range calls {
		if c.OK && c.Call == "vbank.create" {
			assert.Eventually(t, func() bool { return sink.has(c.Detail, "ready") && sink.has(c.Detail, "paid") },
				10*time.Second, 50*time.Millisecond, "vbank %s: want ready and paid webhooks; got %v", c.Detail, sink.all())
		}
	}
	assert.Empty(t, sink.badType(), "webhooks must come as the merchant file's content_type (form)")
}

func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("the conformance test runs the npm REST clients under %s: install it (Debian: apt-get install -y nodejs npm; `make test` does this as root)", name)
	}
	return p
}

// installClients installs the pinned clients into a fresh folder with `npm ci`, as a merchant's
// project would, and returns its node_modules.
func installClients(t *testing.T, npm, work string) string {
	t.Helper()
	dir := filepath.Join(work, "clients")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for _, f := range []string{"package.json", "package-lock.json"} {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o644))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "npm ci of the REST clients (needs the npm registry): %s", out)
	return filepath.Join(dir, "node_modules")
}

// writeMerchants writes the seed merchant with a console webhook URL (form-encoded), and a
// second merchant with keys of its own.
func writeMerchants(t *testing.T, root, work, hookURL string) string {
	t.Helper()
	dir := filepath.Join(work, "merchants")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	var seed map[string]any
	b, err := os.ReadFile(filepath.Join(root, "web", "merchants", "imp10391932.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &seed))
	seed["webhook"] = map[string]any{"url": hookURL + "/portone-webhook", "content_type": "application/x-www-form-urlencoded"}
	other := map[string]any{
		"merchant_code": "imp19990001", "imp_key": "cf_other_key", "imp_secret": "cf_other_secret",
		"pg_settings": seed["pg_settings"],
	}
	for code, m := range map[string]any{"imp10391932": seed, "imp19990001": other} {
		b, err := json.MarshalIndent(m, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, code+".json"), b, 0o644))
	}
	return dir
}

var listening = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+/`)

// startServer builds web/cmd/impshim and runs it as `make run` does, on a free loopback port,
// with an in-memory ledger; it returns the base URL.
func startServer(t *testing.T, root, work, dist, merchants string) string {
	t.Helper()
	bin := filepath.Join(work, "impshim")
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	build := exec.Command(goTool, "build", "-o", bin, "./web/cmd/impshim")
	build.Dir = root
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build ./web/cmd/impshim: %s", out)

	srv := exec.Command(bin, "-addr", "127.0.0.1:0", "-db", ":memory:", "-dist", dist, "-merchants", merchants)
	stdout, err := srv.StdoutPipe()
	require.NoError(t, err)
	var logs syncBuffer
	srv.Stderr = &logs
	require.NoError(t, srv.Start())
	t.Cleanup(func() {
		srv.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			srv.Process.Kill()
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u := listening.FindString(sc.Text()); u != "" {
				found <- strings.TrimSuffix(u, "/")
				break
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case u := <-found:
		return u
	case <-time.After(60 * time.Second):
		t.Fatalf("the server printed no URL within 60 s; its log:\n%s", logs.String())
		return ""
	}
}

// payAs plays the browser's half of one approved card payment for a merchant.
func payAs(t *testing.T, base, code, merchantUID string, amount int) string {
	t.Helper()
	impUID := "imp_" + randomDigits(12)
	post := func(path string, body any, origin string) map[string]any {
		b, _ := json.Marshal(body)
		req, err := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(b))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		var out map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&out), "%s: HTTP %d", path, res.StatusCode)
		require.Equal(t, true, out["ok"], "%s: %v", path, out)
		return out
	}
	post("/sdk/sandbox/attempts", map[string]any{
		"merchant_code": code, "imp_uid": impUID, "merchant_uid": merchantUID, "amount": amount, "currency": "KRW",
		"request": map[string]any{"pg": "html5_inicis", "merchant_uid": merchantUID, "amount": amount, "pay_method": "card"},
		"setting": map[string]any{"pg": "html5_inicis", "mid": "MID-a", "pay_type": "general"},
	}, "")
	post("/sdk/sandbox/attempts/"+impUID+"/approval", map[string]any{"merchant_code": code, "result": "paid"}, base)
	post("/sdk/sandbox/attempts/"+impUID+"/outcome", map[string]any{"merchant_code": code, "response": map[string]any{
		"success": true, "imp_uid": impUID, "merchant_uid": merchantUID, "pay_method": "card", "paid_amount": amount,
		"currency": "KRW", "status": "paid", "pg_provider": "html5_inicis", "paid_at": time.Now().Unix(),
	}}, "")
	return impUID
}

func parseCalls(t *testing.T, out []byte) ([]call, map[string]bool) {
	t.Helper()
	var calls []call
	done := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var c call
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Errorf("flow.mjs printed a line that is not a call: %q", line)
			continue
		}
		if c.Done {
			done[c.Client] = true
			continue
		}
		calls = append(calls, c)
	}
	return calls, done
}

func randomDigits(n int) string {
	var b strings.Builder
	for range n {
		d, _ := rand.Int(rand.Reader, big.NewInt(10))
		b.WriteString(d.String())
	}
	return b.String()
}

// webhookSink is the merchant's webhook endpoint: it keeps every delivery.
type webhookSink struct {
	mu         sync.Mutex
	deliveries []url.Values
	wrongType  []string
}

func (s *webhookSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		s.wrongType = append(s.wrongType, ct)
	}
	if err := r.ParseForm(); err == nil {
		s.deliveries = append(s.deliveries, r.PostForm)
	}
	w.WriteHeader(http.StatusOK)
}

func (s *webhookSink) has(impUID, status string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.deliveries {
		if d.Get("imp_uid") == impUID && d.Get("status") == status {
			return true
		}
	}
	return false
}

func (s *webhookSink) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, d := range s.deliveries {
		out = append(out, fmt.Sprintf("%s:%s", d.Get("imp_uid"), d.Get("status")))
	}
	sort.Strings(out)
	return out
}

func (s *webhookSink) badType() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.wrongType...)
}

// syncBuffer is a bytes.Buffer the server's stderr and the test may use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
