package e2e

// The harness of the end-to-end suite: one Chromium for the whole package, a fresh tab for every
// test (each page has its own SDK state; the HTTP cache is shared), and one test site that serves
// the SDK from IMPSHIM_DIST at the non-root path /static/impshim/ beside the fixture pages of
// testdata/shop (no inline scripts, so every page also works under the CSP of SPEC §2).
//
// For the other test files of this package (demo_test.go included):
//
//	tb := newTab(t)                          // a fresh tab; screenshot + console saved when t fails
//	tb.open("/shop/checkout.html")           // a path on the test site, or any absolute URL
//	tb.do(imptest.Pay(params), imptest.Approve())   // chromedp actions, require.NoError
//	n := eval[int](tb, `1 + 1`)              // JavaScript in the page; Promises are awaited
//	tb.snapshot("window-open")               // a named screenshot, kept when IMPSHIM_ARTIFACTS is set
//	tb.t = t                                 // a sequential subtest takes the tab over (one page, many cases)
//
// The site also serves the fixture checkout pages of testdata/fixtures under /fixtures/ (the
// merchant's own server: a template page, POST /fixtures/payments/complete) and their libraries
// under /node_modules/; those pages load the SDK by its real URL, answered by imptest.Route.
//
// Modes of the test site — a prefix before /shop/ and /static/impshim/ that the SDK inherits,
// because imp.js finds impshim.wasm next to itself:
//
//	/csp/...       every HTML page (the window page too) with CSP script-src 'self' 'wasm-unsafe-eval'
//	/csp-nowasm/...  CSP script-src 'self': WebAssembly may not compile
//	/nowasm/...    impshim.wasm answers 404
//	/mime/...      impshim.wasm is served as text/plain
//	/cdn/shop/...  the page loads imp.js from cdnURL (another origin, same site)
//	/xsite/shop/...  the page loads imp.js from cdnXSite (another site: the window runs out of process)
//	/shop/x.html?sdk=URL  the page loads imp.js from the folder URL (say a make run server's /sdk/)
//	newGate(t)     impshim.wasm is held back until the test releases it
//
// Tests run 4 at a time unless -parallel says otherwise: they mostly wait on the browser.
// IMPSHIM_BROWSER names the browser binary; IMPSHIM_ARTIFACTS keeps every test's screenshots and
// console in that folder (else failures only, in a temp folder whose path the test prints).

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/impshim/impshim/e2e/imptest"
	"github.com/stretchr/testify/require"
)

const (
	cspPolicy = "script-src 'self' 'wasm-unsafe-eval'"
	// tabTimeout bounds one test's browser work so a hang fails the test instead of the run.
	tabTimeout = 60 * time.Second
)

var (
	browserCtx context.Context // the package's one browser
	siteURL    string          // the test site: SDK, shop pages, merchant files
	evilURL    string          // a second origin, for forged messages
	cdnURL     string          // the SDK again, on another origin of the same site (CORS open)
	cdnXSite   string          // the same server under another site name (localhost), for out-of-process frames
	distDir    string          // absolute path of the SDK under test
	repoRoot   string
	// nodeModules holds the libraries of the fixture checkout pages (vendor_test.go), served as
	// /node_modules/ on the test site.
	nodeModules string
)

func TestMain(m *testing.M) {
	// The tests mostly wait on the browser, so run more of them at once than there are cores
	// (Go's default), unless -parallel says otherwise.
	flag.Parse()
	parallelSet := false
	flag.Visit(func(f *flag.Flag) { parallelSet = parallelSet || f.Name == "test.parallel" })
	if !parallelSet {
		_ = flag.Set("test.parallel", "4")
	}
	code, err := setUp(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: "+err.Error())
		os.Exit(1)
	}
	os.Exit(code)
}

func setUp(m *testing.M) (int, error) {
	var err error
	if repoRoot, err = filepath.Abs(".."); err != nil {
		return 0, err
	}
	exe, err := findBrowser()
	if err != nil {
		return 0, err
	}
	if distDir, err = findDist(); err != nil {
		return 0, err
	}
	if nodeModules, err = vendorModules(); err != nil {
		return 0, err
	}

	site := httptest.NewServer(newSite(distDir, "testdata"))
	defer site.Close()
	siteURL = site.URL
	cdn := httptest.NewServer(corsOpen(newSite(distDir, "testdata")))
	defer cdn.Close()
	cdnURL = cdn.URL
	cdnXSite = strings.Replace(cdn.URL, "127.0.0.1", "localhost", 1)
	evil := httptest.NewServer(http.FileServerFS(os.DirFS(filepath.Join("testdata", "evil"))))
	defer evil.Close()
	evilURL = evil.URL

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), browserOptions(exe)...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	// The first Run starts the browser; it must not carry a deadline, or the browser dies with it.
	if err := chromedp.Do(ctx); err != nil {
		return 0, fmt.Errorf("starting %s: %w (install Chromium: apt-get install -y chromium, or set IMPSHIM_BROWSER)", exe, err)
	}
	// The fixture pages ship the real SDK's <script> tag (https://cdn.iamport.kr/...): the whole
	// browser answers those URLs with the SDK under test, as a merchant's own suite would.
	if _, err := chromedp.Run(ctx, imptest.Route(imptest.SDK{Dist: distDir, MerchantsDir: filepath.Join("testdata", "merchants")})); err != nil {
		return 0, err
	}
	browserCtx = ctx
	return m.Run(), nil
}

// findBrowser honours IMPSHIM_BROWSER, else the usual names on PATH. A missing browser fails the
// run: an e2e suite that skips looks green while testing nothing.
func findBrowser() (string, error) {
	if b := os.Getenv("IMPSHIM_BROWSER"); b != "" {
		p, err := exec.LookPath(b)
		if err != nil {
			return "", fmt.Errorf("IMPSHIM_BROWSER=%s: %w: install Chromium: apt-get install -y chromium (or point IMPSHIM_BROWSER at a Chrome binary)", b, err)
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium found on PATH: install Chromium: apt-get install -y chromium (or set IMPSHIM_BROWSER)")
}

func findDist() (string, error) {
	dir := os.Getenv("IMPSHIM_DIST")
	if dir == "" {
		dir = filepath.Join(repoRoot, "dist")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for _, f := range []string{"imp.js", "impshim.wasm", "window.html"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return "", fmt.Errorf("the SDK is not built: %s is missing: run make dist (or set IMPSHIM_DIST to a built dist/)", filepath.Join(dir, f))
		}
	}
	return dir, nil
}

func browserOptions(exe string) []chromedp.ExecAllocatorOption {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		// Chromium's popup blocker stays on, as in a real browser, so POPUP_BLOCKED is reachable.
		chromedp.Flag("disable-popup-blocking", false),
		chromedp.WindowSize(1280, 900),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	return opts
}

// ---- the test site ----

var gates sync.Map // token → chan struct{}, closed on release

// newGate returns a site prefix under which impshim.wasm is held back until release is called,
// so a test can make calls that are certainly "before ready".
func newGate(t *testing.T) (prefix string, release func()) {
	token := strings.NewReplacer("/", "-", " ", "-").Replace(t.Name()) + fmt.Sprint(time.Now().UnixNano())
	ch := make(chan struct{})
	gates.Store(token, ch)
	var once sync.Once
	release = func() { once.Do(func() { close(ch) }) }
	t.Cleanup(release)
	return "/gate-" + token, release
}

func newSite(dist, testdata string) http.Handler {
	distFS, shopFS, merchantFS := os.DirFS(dist), os.DirFS(filepath.Join(testdata, "shop")), os.DirFS(filepath.Join(testdata, "merchants"))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mode, rest := "", r.URL.Path
		if first, after, ok := strings.Cut(strings.TrimPrefix(rest, "/"), "/"); ok && first != "shop" && first != "static" && first != "fixtures" && first != "node_modules" {
			mode, rest = first, "/"+after
		}
		if strings.HasSuffix(rest, ".html") || strings.HasSuffix(rest, "/") {
			switch mode {
			case "csp":
				w.Header().Set("Content-Security-Policy", cspPolicy)
			case "csp-nowasm":
				w.Header().Set("Content-Security-Policy", "script-src 'self'")
			}
		}
		switch {
		case strings.HasPrefix(rest, "/shop/") && (mode == "cdn" || mode == "xsite" || r.URL.Query().Has("sdk")) && strings.HasSuffix(rest, ".html"):
			// The same page, with the SDK from the other server (?sdk=URL: imp.js's folder anywhere).
			b, err := fs.ReadFile(shopFS, strings.TrimPrefix(rest, "/shop/"))
			if err != nil {
				http.NotFound(w, r)
				return
			}
			sdk := cdnURL + "/static/impshim/"
			switch {
			case mode == "xsite":
				sdk = cdnXSite + "/static/impshim/"
			case r.URL.Query().Has("sdk"):
				sdk = r.URL.Query().Get("sdk")
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte(strings.ReplaceAll(string(b), `"../static/impshim/`, `"`+sdk)))
		case strings.HasPrefix(rest, "/shop/"):
			serveFile(w, r, shopFS, strings.TrimPrefix(rest, "/shop/"))
		case strings.HasPrefix(rest, "/fixtures/"):
			serveFixture(w, r, strings.TrimPrefix(rest, "/fixtures/"))
		case strings.HasPrefix(rest, "/node_modules/"):
			serveFile(w, r, os.DirFS(nodeModules), strings.TrimPrefix(rest, "/node_modules/"))
		case strings.HasPrefix(rest, "/static/impshim/merchants/"):
			serveFile(w, r, merchantFS, strings.TrimPrefix(rest, "/static/impshim/merchants/"))
		case rest == "/static/impshim/impshim.wasm":
			switch {
			case mode == "nowasm":
				http.Error(w, "gone for the test", http.StatusNotFound)
				return
			case mode == "mime":
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			case strings.HasPrefix(mode, "gate-"):
				if ch, ok := gates.Load(strings.TrimPrefix(mode, "gate-")); ok {
					select {
					case <-ch.(chan struct{}):
					case <-r.Context().Done():
						return
					}
				}
			}
			serveFile(w, r, distFS, "impshim.wasm")
		case strings.HasPrefix(rest, "/static/impshim/"):
			serveFile(w, r, distFS, strings.TrimPrefix(rest, "/static/impshim/"))
		default:
			http.NotFound(w, r)
		}
	})
}

// corsOpen lets pages of any origin fetch the SDK's files, as a CDN does.
func corsOpen(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		h.ServeHTTP(w, r)
	})
}

func serveFile(w http.ResponseWriter, r *http.Request, fsys fs.FS, name string) {
	if !fs.ValidPath(name) || name == "." {
		http.NotFound(w, r)
		return
	}
	http.ServeFileFS(w, r, fsys, name)
}

// ---- tabs ----

// tab is one test's browser tab with what it logged.
type tab struct {
	// t is the test that uses the tab now: a subtest may take the tab over by setting it.
	t     *testing.T
	owner *testing.T      // the test that opened the tab, for its artifacts
	ctx   context.Context // carries the test's deadline
	base  context.Context // the tab without the deadline, for artifacts after a timeout

	mu      sync.Mutex
	log     []string // console calls, exceptions and browser log entries, in order
	dialogs []string // alert/confirm/prompt messages; each was dismissed
}

// newTab opens a fresh tab. When t fails, a screenshot of the tab (and of any popup it opened)
// and its console are written to a folder whose path is printed.
func newTab(t *testing.T) *tab {
	t.Helper()
	base, cancel := chromedp.NewContext(browserCtx)
	tb := &tab{t: t, owner: t, base: base}
	if err := chromedp.Do(base); err != nil {
		cancel()
		t.Fatalf("opening a tab: %v", err)
	}
	if err := chromedp.Listen(base, tb.record); err != nil {
		cancel()
		t.Fatalf("listening to the tab: %v", err)
	}
	ctx, cancelDeadline := context.WithTimeout(base, tabTimeout)
	tb.ctx = ctx
	t.Cleanup(func() {
		if t.Failed() {
			tb.saveArtifacts("failure")
		}
		cancelDeadline()
		cancel()
	})
	return tb
}

func (tb *tab) record(ev any) {
	var line string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range ev.Args {
			if a.Value != nil {
				parts = append(parts, strings.Trim(string(a.Value), `"`))
			} else {
				parts = append(parts, a.Description)
			}
		}
		line = "console." + string(ev.Type) + ": " + strings.Join(parts, " ")
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		line = "exception: " + d.Text
		if d.Exception != nil {
			line += " " + d.Exception.Description
		}
	case *cdplog.EventEntryAdded:
		line = "log." + string(ev.Entry.Level) + ": " + ev.Entry.Text + " " + ev.Entry.URL
	case *page.EventJavascriptDialogOpening:
		tb.mu.Lock()
		tb.dialogs = append(tb.dialogs, string(ev.Type)+": "+ev.Message)
		tb.mu.Unlock()
		// A dialog blocks the page; dismiss it from outside the event loop.
		go func() {
			if _, err := chromedp.Call(tb.base, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false}); err != nil {
				tb.mu.Lock()
				tb.log = append(tb.log, "dismissing the dialog failed: "+err.Error())
				tb.mu.Unlock()
			}
		}()
		line = "dialog." + string(ev.Type) + ": " + ev.Message
	default:
		return
	}
	tb.mu.Lock()
	tb.log = append(tb.log, line)
	tb.mu.Unlock()
}

// consoleLines returns what the tab logged so far.
func (tb *tab) consoleLines() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.log...)
}

var flushSeq atomic.Int64

// consoleMark is how many console lines the tab has logged so far; consoleSince(mark) returns what
// came after it. Marks make console checks per request: a check against the tab's whole history
// would pass on an earlier request's line.
func (tb *tab) consoleMark() int {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return len(tb.log)
}

// consoleSince returns the lines logged after mark, complete up to now: it logs a marker and waits
// for it, and the browser reports console calls in order, so every earlier line has arrived.
func (tb *tab) consoleSince(mark int) []string {
	tb.t.Helper()
	marker := fmt.Sprintf("e2e-console-flush-%d", flushSeq.Add(1))
	eval[any](tb, `console.debug(`+jsString(marker)+`)`)
	var lines []string
	require.Eventually(tb.t, func() bool {
		all := tb.consoleLines()
		for i := mark; i < len(all); i++ {
			if strings.HasSuffix(all[i], marker) {
				lines = all[mark:i]
				return true
			}
		}
		return false
	}, tabTimeout, 10*time.Millisecond, "the console marker never arrived")
	return lines
}

func (tb *tab) dialogsSeen() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.dialogs...)
}

// url makes a path on the test site absolute; absolute URLs pass through.
func (tb *tab) url(path string) string {
	if strings.Contains(path, "://") {
		return path
	}
	return siteURL + path
}

func (tb *tab) open(path string) {
	tb.t.Helper()
	require.NoError(tb.t, chromedp.Do(tb.ctx, chromedp.Navigate(tb.url(path))), "opening %s", path)
}

func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	require.NoError(tb.t, chromedp.Do(tb.ctx, actions...))
}

// eval runs JavaScript in the page's main frame and decodes its value; Promises are awaited.
func eval[T any](tb *tab, js string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	require.NoError(tb.t, err, "evaluating %s", js)
	return v
}

// run runs one chromedp action that returns a value, requiring success.
func run[T any](tb *tab, a chromedp.Action[T]) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, a)
	require.NoError(tb.t, err)
	return v
}

// ---- artifacts ----

var (
	artifactsOnce sync.Once
	artifactsDir  string
)

func artifactsRoot() string {
	artifactsOnce.Do(func() {
		if d := os.Getenv("IMPSHIM_ARTIFACTS"); d != "" {
			artifactsDir = d
		} else if d, err := os.MkdirTemp("", "impshim-e2e-"); err == nil {
			artifactsDir = d
		}
	})
	return artifactsDir
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// snapshot keeps a screenshot of the tab and its popups under a name, when IMPSHIM_ARTIFACTS is set:
// the way to look at what a test saw.
func (tb *tab) snapshot(name string) {
	if os.Getenv("IMPSHIM_ARTIFACTS") != "" {
		tb.saveArtifacts(name)
	}
}

func (tb *tab) saveArtifacts(name string) {
	root := artifactsRoot()
	if root == "" {
		return
	}
	dir := filepath.Join(root, unsafeName.ReplaceAllString(tb.owner.Name(), "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.owner.Logf("artifacts: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(tb.base, 10*time.Second)
	defer cancel()
	shot := func(c context.Context, file string) {
		if png, err := chromedp.Run(c, chromedp.CaptureScreenshot()); err == nil {
			_ = os.WriteFile(filepath.Join(dir, file), png, 0o644)
		} else {
			tb.owner.Logf("artifacts: screenshot %s: %v", file, err)
		}
	}
	shot(ctx, name+".png")
	if infos, err := chromedp.Targets(ctx); err == nil {
		self := chromedp.FromContext(tb.base).Target.TargetID
		for i, info := range infos {
			if info.Type == "page" && info.OpenerID == self {
				pctx, pcancel := chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID), chromedp.WithDetachOnCancel())
				shot(pctx, fmt.Sprintf("%s-popup%d.png", name, i))
				pcancel()
			}
		}
	}
	_ = os.WriteFile(filepath.Join(dir, name+"-console.log"), []byte(strings.Join(tb.consoleLines(), "\n")+"\n"), 0o644)
	tb.owner.Logf("artifacts (%s): %s", name, dir)
}

// popups lists the pages this tab opened that are still open.
func (tb *tab) popups() []*target.Info {
	tb.t.Helper()
	infos, err := chromedp.Targets(tb.ctx)
	require.NoError(tb.t, err)
	self := chromedp.FromContext(tb.base).Target.TargetID
	var out []*target.Info
	for _, info := range infos {
		if info.Type == "page" && info.OpenerID == self {
			out = append(out, info)
		}
	}
	return out
}
