package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBuiltBinary runs the command as users do (issue 20): `go build`, then the binary on a
// loopback port with a -db file and a -merchants directory, stopped with Ctrl-C (SIGINT).

const shopSecret = "shop-s3cret-never-served"

// buildBinary builds this command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	bin := filepath.Join(t.TempDir(), "impshim")
	out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

// running is the binary serving on a loopback port.
type running struct {
	t      *testing.T
	cmd    *exec.Cmd
	url    string // http://127.0.0.1:port/
	rest   chan string
	stderr *bytes.Buffer
}

func start(t *testing.T, bin string, args ...string) *running {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "ADDR=", "IMPSHIM_DIST=", "IMPSHIM_DB=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	first := make(chan string, 1)
	lines := bufio.NewReader(stdout)
	go func() {
		line, _ := lines.ReadString('\n')
		first <- line
	}()
	var line string
	select {
	case line = <-first:
	case <-time.After(20 * time.Second):
		t.Fatalf("the server printed no URL; stderr: %s", stderr.String())
	}
	m := regexp.MustCompile(`open (http://127\.0\.0\.1:\d+/) `).FindStringSubmatch(line)
	require.Len(t, m, 2, "first line %q, stderr %s", line, stderr.String())
	r := &running{t: t, cmd: cmd, url: m[1], rest: make(chan string, 1), stderr: &stderr}
	go func() {
		b, _ := io.ReadAll(lines)
		r.rest <- string(b)
	}()
	return r
}

// interrupt sends Ctrl-C and checks a clean exit.
func (r *running) interrupt() {
	r.t.Helper()
	require.NoError(r.t, r.cmd.Process.Signal(syscall.SIGINT))
	select {
	case out := <-r.rest:
		assert.Contains(r.t, out, "stopped")
	case <-time.After(15 * time.Second):
		r.t.Fatal("the server did not stop on SIGINT")
	}
	assert.NoError(r.t, r.cmd.Wait(), "Ctrl-C exits 0; stderr: %s", r.stderr.String())
}

func (r *running) call(method, path, body string, headers ...string) (int, string) {
	r.t.Helper()
	req, err := http.NewRequest(method, strings.TrimSuffix(r.url, "/")+path, strings.NewReader(body))
	require.NoError(r.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	require.NoError(r.t, err, "%s %s", method, path)
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(data)
}

func (r *running) token() string {
	r.t.Helper()
	status, body := r.call("POST", "/users/getToken", `{"imp_key":"shop_key","imp_secret":"`+shopSecret+`"}`)
	require.Equal(r.t, 200, status, body)
	var v struct {
		Response struct {
			AccessToken string `json:"access_token"`
		} `json:"response"`
	}
	require.NoError(r.t, json.Unmarshal([]byte(body), &v))
	require.NotEmpty(r.t, v.Response.AccessToken)
	return v.Response.AccessToken
}

// pay records a paid payment through the bridge, as imp.js does after the window.
func (r *running) pay(impUID string) {
	r.t.Helper()
	rec := `{"merchant_code":"imp_shop","request":{"pg":"kakaopay","merchant_uid":"order-` + impUID + `","amount":4200},
		"response":{"success":true,"imp_uid":"` + impUID + `","merchant_uid":"order-` + impUID + `","status":"paid","paid_amount":4200,"pg_provider":"kakaopay"}}`
	status, body := r.call("POST", "/sdk/sandbox/payments", rec)
	require.Equal(r.t, 200, status, body)
	require.Contains(r.t, body, `"recorded":true`)
}

func merchantDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "imp_shop.json"), []byte(`{"merchant_code": "imp_shop",
		"imp_key": "shop_key", "imp_secret": "`+shopSecret+`",
		"pg_settings": [{"pg": "kakaopay", "mid": "MID-k", "pay_type": "simple", "default": true}]}`), 0o644))
	return dir
}

func TestBuiltBinary(t *testing.T) {
	bin := buildBinary(t)
	sdk := dist(t)
	merchants := merchantDir(t)
	db := filepath.Join(t.TempDir(), "ledger.db")

	srv := start(t, bin, "-dist", sdk, "-merchants", merchants, "-db", db)
	t.Run("no secret in any served file", func(t *testing.T) {
		served := crawl(t, srv, "/", "/sdk/imp.js", "/sdk/impshim.wasm", "/sdk/wasm_exec.js",
			"/sdk/merchants/imp_shop.json", "/sdk/merchants/imp10391932.json")
		assert.GreaterOrEqual(t, len(served), 8, "the page, its modules and the SDK files: %v", keys(served))
		for path, body := range served {
			assert.False(t, strings.Contains(body, shopSecret), "%s serves the merchant file's imp_secret", path)
			if strings.HasPrefix(path, "/sdk/merchants/") {
				// The demo page shows the demo merchant's published keys; merchant files carry none.
				assert.False(t, strings.Contains(body, `"imp_secret"`) || strings.Contains(body, `"imp_key"`), "%s has REST keys: %s", path, body)
			}
		}
		assert.Contains(t, served["/sdk/merchants/imp_shop.json"], "MID-k", "the merchant file is served, without its keys")
	})
	tok := srv.token()
	srv.pay("imps_000000000777")
	t.Run("REST works", func(t *testing.T) {
		status, body := srv.call("GET", "/payments/imps_000000000777", "", "Authorization", tok)
		require.Equal(t, 200, status, body)
		assert.Contains(t, body, `"amount":4200`)
		assert.Contains(t, body, `"status":"paid"`)
		status, _ = srv.call("GET", "/payments/imps_000000000777", "")
		assert.Equal(t, 401, status)
	})
	srv.interrupt()

	t.Run("a restart on the same -db keeps payments and tokens", func(t *testing.T) {
		again := start(t, bin, "-dist", sdk, "-merchants", merchants, "-db", db)
		status, body := again.call("GET", "/payments/imps_000000000777", "", "Authorization", tok)
		assert.Equal(t, 200, status, "the token of the first run still works: %s", body)
		assert.Contains(t, body, `"amount":4200`)
		assert.Equal(t, tok, again.token(), "asking again returns the same token, as the real API does")
		again.interrupt()
	})
	t.Run("-db :memory: forgets", func(t *testing.T) {
		mem := start(t, bin, "-dist", sdk, "-merchants", merchants, "-db", ":memory:")
		memTok := mem.token()
		mem.pay("imps_000000000888")
		status, _ := mem.call("GET", "/payments/imps_000000000888", "", "Authorization", memTok)
		require.Equal(t, 200, status)
		mem.interrupt()
		fresh := start(t, bin, "-dist", sdk, "-merchants", merchants, "-db", ":memory:")
		status, _ = fresh.call("GET", "/payments/imps_000000000888", "", "Authorization", memTok)
		assert.Equal(t, 401, status, "the token is gone")
		status, body := fresh.call("GET", "/payments/imps_000000000888", "", "Authorization", fresh.token())
		assert.Equal(t, 404, status, "the payment is gone: %s", body)
		fresh.interrupt()
		_, err := os.Stat(":memory:")
		assert.True(t, os.IsNotExist(err), "no file named :memory: is left behind")
	})
	t.Run("a bad merchant file stops it with a clear message", func(t *testing.T) {
		bad := merchantDir(t)
		require.NoError(t, os.WriteFile(filepath.Join(bad, "imp_broken.json"),
			[]byte(`{"merchant_code":"imp_broken","pg_settings":[{"pg":"kakaopay","mid":"M","pay_type":"monthly"}]}`), 0o644))
		cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-dist", sdk, "-merchants", bad, "-db", ":memory:")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit)
		assert.Equal(t, 1, exit.ExitCode())
		for _, want := range []string{"invalid merchant file", "imp_broken.json", "pg_settings[0].pay_type", "monthly"} {
			assert.Contains(t, stderr.String(), want)
		}
	})
}

// crawl fetches the paths, and the demo page's scripts, styles and the modules they import.
func crawl(t *testing.T, r *running, paths ...string) map[string]string {
	t.Helper()
	ref := regexp.MustCompile(`(?:src|href)="(/[^"]*)"|from\s+"(\./[^"]+|/[^"]+)"|import\("(\./[^"]+)"\)`)
	served := map[string]string{}
	queue := append([]string(nil), paths...)
	for len(queue) > 0 && len(served) < 100 {
		p := queue[0]
		queue = queue[1:]
		if _, seen := served[p]; seen {
			continue
		}
		status, body := r.call("GET", p, "")
		require.Equal(t, 200, status, p)
		served[p] = body
		for _, m := range ref.FindAllStringSubmatch(body, -1) {
			next := m[1] + m[2] + m[3]
			if strings.HasPrefix(next, "./") {
				next = p[:strings.LastIndex(p, "/")+1] + strings.TrimPrefix(next, "./")
			}
			if ext := filepath.Ext(next); next != "" && !strings.Contains(next, "//") && strings.Contains(".js.css.svg.html.json.ico", ext) && ext != "" {
				queue = append(queue, next)
			}
		}
	}
	return served
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
