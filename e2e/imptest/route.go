package imptest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// SDK is what Route answers the real i'mport SDK's URLs with.
type SDK struct {
	// Dist is the folder `make dist` wrote (imp.js, impshim.wasm, wasm_exec.js, window.*);
	// "" means $IMPSHIM_DIST, else "dist".
	Dist string
	// Merchants are the merchant configs served as merchants/<merchant_code>.json, where
	// IMP.init(code) looks: Config values or anything that marshals to that JSON. A code
	// without one gets the SDK's built-in sandbox merchant.
	Merchants []any
	// MerchantsDir, when set, serves DIR/<code>.json too (the -merchants format of make run).
	MerchantsDir string
	// Strict sets "strict": true in every merchant config served: a pg typo is SANDBOX_STRICT.
	Strict bool
	// Server, when set, is a running impshim server ("http://127.0.0.1:8080", make run): merchant
	// files not given above and the ledger's endpoints (sandbox/…) come from its /sdk/, so the
	// payment lands in its ledger and the merchant's back end finds it over the V1 REST API.
	Server string
}

var (
	routedMu       sync.Mutex
	routedBrowsers = map[*chromedp.Browser]bool{} // one interception per browser: a second would answer each request twice
)

// Routed is the running interception that Route returns.
type Routed struct {
	mu       sync.Mutex
	requests []RoutedRequest
}

// RoutedRequest is one request that Route answered.
type RoutedRequest struct {
	URL    string
	Kind   string // "sdk", "file", "merchant", "sandbox", "unknown"
	Status int
}

// Requests lists the requests answered so far, for diagnosis.
func (r *Routed) Requests() []RoutedRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]RoutedRequest(nil), r.requests...)
}

// SDKRequested reports whether a page asked for the SDK's script.
func (r *Routed) SDKRequested() bool {
	for _, q := range r.Requests() {
		if q.Kind == "sdk" {
			return true
		}
	}
	return false
}

func (r *Routed) log(q RoutedRequest) {
	r.mu.Lock()
	r.requests = append(r.requests, q)
	r.mu.Unlock()
}

// SDKURLs are the script URLs of the real SDK (`*` within a path segment) that Route answers
// with imp.js. imp.js then loads its siblings next to its own URL, and Route answers those too.
var SDKURLs = []string{
	"https://cdn.iamport.kr/v1/iamport.js",
	"https://cdn.iamport.kr/js/iamport.payment-*.js",
	"https://service.iamport.kr/js/iamport.payment-*.js",
}

// The folders the real SDK lives in, and its script's name in each (npm/index.js has the same table).
var (
	sdkFolders = map[string][]string{"cdn.iamport.kr": {"/v1/", "/js/"}, "service.iamport.kr": {"/js/"}}
	sdkScript  = map[string]*regexp.Regexp{"/v1/": regexp.MustCompile(`^iamport\.js$`), "/js/": regexp.MustCompile(`^iamport\.payment-[0-9A-Za-z._-]+\.js$`)}
	siblings   = map[string]string{
		"impshim.wasm": "application/wasm", "wasm_exec.js": "text/javascript; charset=utf-8",
		"window.html": "text/html; charset=utf-8", "window.js": "text/javascript; charset=utf-8",
		"window.css": "text/css; charset=utf-8",
	}
)

// Place is what answers a URL of the real SDK's hosts (see RouteOf).
type Place struct {
	Kind string `json:"kind"`           // "sdk", "file", "merchant", "sandbox" or "unknown"
	File string `json:"file,omitempty"` // sdk: "imp.js"; file: the sibling's name
	Code string `json:"code,omitempty"` // merchant: the merchant code
	Path string `json:"path,omitempty"` // sandbox: "sandbox/…"
	Base string `json:"base,omitempty"` // the SDK folder's URL, "https://cdn.iamport.kr/v1/"
	Rest string `json:"rest,omitempty"` // the path below Base
}

// RouteOf says what answers a URL: ok is false for URLs of other hosts, which Route lets through.
func RouteOf(raw string) (Place, bool) {
	u, err := url.Parse(raw)
	if err != nil {
		// A bad escape (%zz): a browser still sends it, and on the SDK's hosts it is unknown.
		if v, err2 := url.Parse(strings.ReplaceAll(raw, "%", "%25")); err2 == nil && sdkFolders[v.Hostname()] != nil && (v.Scheme == "https" || v.Scheme == "http") {
			return Place{Kind: "unknown"}, true
		}
		return Place{}, false
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return Place{}, false
	}
	folders, ok := sdkFolders[u.Hostname()]
	if !ok {
		return Place{}, false
	}
	p := u.Path
	if cleaned := path.Clean(p); cleaned != p && cleaned+"/" != p {
		p = cleaned
	}
	for _, folder := range folders {
		rest, found := strings.CutPrefix(p, folder)
		if !found {
			continue
		}
		base := u.Scheme + "://" + u.Host + folder
		escaped := strings.TrimPrefix(u.EscapedPath(), folder)
		switch {
		case sdkScript[folder].MatchString(rest):
			return Place{Kind: "sdk", File: "imp.js", Base: base, Rest: escaped}, true
		case siblings[rest] != "":
			return Place{Kind: "file", File: rest, Base: base, Rest: escaped}, true
		case strings.HasPrefix(rest, "sandbox/"):
			return Place{Kind: "sandbox", Path: rest, Base: base, Rest: escaped}, true
		}
		if code, ok := strings.CutPrefix(rest, "merchants/"); ok && strings.HasSuffix(code, ".json") && !strings.Contains(code, "/") {
			return Place{Kind: "merchant", Code: strings.TrimSuffix(code, ".json"), Base: base, Rest: escaped}, true
		}
	}
	return Place{Kind: "unknown"}, true
}

// Route answers the real SDK's URLs — https://cdn.iamport.kr/v1/iamport.js,
// https://cdn.iamport.kr/js/iamport.payment-*.js, https://service.iamport.kr/js/iamport.payment-*.js —
// and the files imp.js loads next to them with impshim's, through the DevTools protocol's Fetch
// interception in the whole browser (every tab, popup and iframe), so a page that ships the real
// <script> tag runs against the sandbox unchanged. Run it before navigating; it lasts as long as
// the browser of ctx. Nothing else is intercepted; every other path on those hosts is a 404.
//
//	routed, err := chromedp.Run(ctx, imptest.Route(imptest.SDK{Merchants: []any{cfg}}))
//	err = chromedp.Do(ctx, chromedp.Navigate(shopURL), chromedp.Click(chromedp.CSS("#buy")), imptest.Approve())
//	rsp, err := chromedp.Run(ctx, imptest.Answer())
func Route(sdk SDK) chromedp.Action[*Routed] {
	return func(ctx context.Context, t *chromedp.Target) (*Routed, error) {
		srv, err := newSDKServer(sdk)
		if err != nil {
			return nil, err
		}
		c := chromedp.FromContext(ctx)
		if c == nil || c.Browser == nil {
			return nil, errors.New("imptest: Route needs a chromedp context with a browser (run it with chromedp.Run)")
		}
		routedMu.Lock()
		twice := routedBrowsers[c.Browser]
		routedBrowsers[c.Browser] = true
		routedMu.Unlock()
		if twice {
			return nil, errors.New("imptest: Route was already called for this browser (it covers every tab): call it once, before the first Navigate")
		}
		var patterns []*fetch.RequestPattern
		for host := range sdkFolders {
			patterns = append(patterns, &fetch.RequestPattern{URLPattern: "http*://" + host + "/*"})
		}
		// Browser-wide, so popups and out-of-process iframes are answered too. The events are
		// subscribed to before Fetch.enable, so none is missed; they outlive this Run's context
		// and end with the browser.
		life := context.WithoutCancel(ctx)
		paused := chromedp.BrowserEvents(life, fetch.RequestPaused)
		if _, err := cdp.Call(ctx, c.Browser, fetch.Enable, fetch.EnableParams{Patterns: patterns}); err != nil {
			return nil, wrap("enabling Fetch interception", err)
		}
		routed := &Routed{}
		go func() {
			for ev, err := range paused {
				if err != nil {
					return // the browser is gone
				}
				go srv.answer(life, c.Browser, routed, ev)
			}
		}()
		return routed, nil
	}
}

// Answer waits for the next answer of IMP.request_pay on the page — what the page's callback
// received — as the SDK announces it (the impshim:response event, recorded by the imp.js that
// Route serves). Unlike Result it needs no Pay: the page's own button made the request.
func Answer() chromedp.Action[Response] {
	return func(ctx context.Context, t *chromedp.Target) (Response, error) {
		missing := false // the page had no window.IMP when last looked at
		fail := func(err error) (Response, error) {
			why := "no answer from IMP.request_pay yet"
			if missing {
				why = "the page has no window.IMP: does it load the i'mport SDK (" + strings.Join(SDKURLs, ", ") + "), and did Route run before it loaded?"
			}
			return Response{}, fmt.Errorf("imptest: %s: %w", why, err)
		}
		for {
			raw, err := chromedp.Evaluate[[]byte](`(() => {
				const q = globalThis[Symbol.for('imptest.answers')];
				if (!q) return {missing: !globalThis.IMP};
				return q.length ? {response: q.shift().response} : {};
			})()`)(ctx, t)
			if err != nil {
				if ctx.Err() != nil {
					return fail(ctx.Err())
				}
				return Response{}, wrap("reading the answer", err)
			}
			var st struct {
				Missing  bool            `json:"missing"`
				Response json.RawMessage `json:"response"`
			}
			if err := json.Unmarshal(raw, &st); err != nil {
				return Response{}, err
			}
			if st.Response != nil {
				return DecodeResponse(st.Response)
			}
			missing = st.Missing
			if err := sleep(ctx, 25*time.Millisecond); err != nil {
				return fail(err)
			}
		}
	}
}

// answerSuffix runs right after the imp.js that Route serves: it keeps each answer for Answer.
const answerSuffix = `
;(() => { // added by imptest.Route: not part of imp.js
  const key = Symbol.for('imptest.answers');
  if (globalThis[key]) return;
  const q = globalThis[key] = [];
  addEventListener('impshim:response', (e) => { q.push(e.detail); });
})();
`

type sdkServer struct {
	dist      string
	merchants map[string][]byte
	dir       string
	strict    bool
	server    *url.URL
	mu        sync.Mutex
	cache     map[string][]byte
}

func newSDKServer(sdk SDK) (*sdkServer, error) {
	dist := sdk.Dist
	if dist == "" {
		dist = os.Getenv("IMPSHIM_DIST")
	}
	if dist == "" {
		dist = "dist"
	}
	for _, f := range []string{"imp.js", "impshim.wasm", "wasm_exec.js", "window.html"} {
		if _, err := os.Stat(filepath.Join(dist, f)); err != nil {
			return nil, errors.New("imptest: Route: " + filepath.Join(dist, f) + " is missing: run make dist (or set SDK.Dist / IMPSHIM_DIST)")
		}
	}
	s := &sdkServer{dist: dist, merchants: map[string][]byte{}, dir: sdk.MerchantsDir, strict: sdk.Strict, cache: map[string][]byte{}}
	if sdk.Server != "" {
		u, err := url.Parse(sdk.Server)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, errors.New("imptest: Route: Server must be the URL of a running impshim server, such as http://127.0.0.1:8080 (make run prints it), not " + strconv.Quote(sdk.Server))
		}
		s.server = u
	}
	for i, m := range sdk.Merchants {
		b, err := json.Marshal(m)
		if err != nil {
			return nil, wrap("Route: Merchants["+strconv.Itoa(i)+"]", err)
		}
		var head struct {
			MerchantCode string `json:"merchant_code"`
		}
		if json.Unmarshal(b, &head) != nil || head.MerchantCode == "" {
			return nil, errors.New("imptest: Route: Merchants[" + strconv.Itoa(i) + "] has no merchant_code: it must be the code the page passes to IMP.init")
		}
		s.merchants[head.MerchantCode] = b
	}
	return s, nil
}

func (s *sdkServer) file(name string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.cache[name]; ok {
		return b, nil
	}
	b, err := os.ReadFile(filepath.Join(s.dist, name))
	if err != nil {
		return nil, err
	}
	if name == "imp.js" {
		b = append(b, answerSuffix...)
	}
	s.cache[name] = b
	return b, nil
}

func (s *sdkServer) merchant(code string) []byte {
	b, ok := s.merchants[code]
	if !ok && s.dir != "" && filepath.Base(code) == code && code != "." && code != ".." {
		if f, err := os.ReadFile(filepath.Join(s.dir, code+".json")); err == nil {
			b, ok = f, true
		}
	}
	if !ok && s.server != nil {
		if st, _, body, err := s.forward(context.Background(), "GET", "merchants/"+url.PathEscape(code)+".json", "", nil, nil); err == nil && st == 200 {
			b, ok = body, true
		}
	}
	if !ok || !s.strict {
		return b
	}
	var cfg map[string]any
	if json.Unmarshal(b, &cfg) != nil {
		return b // served as it is: the SDK reports the broken file through MERCHANT_CONFIG
	}
	cfg["strict"] = true
	out, _ := json.Marshal(cfg)
	return out
}

func (s *sdkServer) answer(life context.Context, b cdp.Session, routed *Routed, ev fetch.EventRequestPaused) {
	ctx, cancel := context.WithTimeout(life, 10*time.Second)
	defer cancel()
	reply := func(status int, headers []*fetch.HeaderEntry, body []byte) {
		routed.log(RoutedRequest{URL: ev.Request.URL, Kind: kindOf(ev.Request.URL), Status: status})
		headers = append(headers, &fetch.HeaderEntry{Name: "Access-Control-Allow-Origin", Value: "*"},
			&fetch.HeaderEntry{Name: "Cache-Control", Value: "no-cache"})
		// A request of a tab that has closed meanwhile cannot be answered; nobody is left to tell.
		_, _ = cdp.Call(ctx, b, fetch.FulfillRequest, fetch.FulfillRequestParams{
			RequestID: ev.RequestID, ResponseCode: int64(status), ResponseHeaders: headers, Body: body,
		})
	}
	fulfill := func(status int, ctype string, body []byte) {
		reply(status, []*fetch.HeaderEntry{{Name: "Content-Type", Value: ctype}}, body)
	}
	if ev.Request.Method == "OPTIONS" { // a CORS preflight of the SDK's POSTs
		reply(204, []*fetch.HeaderEntry{{Name: "Access-Control-Allow-Methods", Value: "GET, POST, OPTIONS"},
			{Name: "Access-Control-Allow-Headers", Value: "Content-Type"}}, nil)
		return
	}
	p, _ := RouteOf(ev.Request.URL)
	switch p.Kind {
	case "sdk", "file":
		b, err := s.file(p.File)
		if err != nil {
			fulfill(500, "text/plain; charset=utf-8", []byte("[impshim] imptest.Route could not read "+p.File+": "+err.Error()))
			return
		}
		ctype := siblings[p.File]
		if p.Kind == "sdk" {
			ctype = "text/javascript; charset=utf-8"
		}
		fulfill(200, ctype, b)
	case "merchant":
		if b := s.merchant(p.Code); b != nil {
			fulfill(200, "application/json; charset=utf-8", b)
			return
		}
		fulfill(404, "application/json; charset=utf-8", []byte(`{"error":"no such merchant in this test: the SDK uses its built-in sandbox merchant"}`))
	case "sandbox":
		if s.server != nil {
			var body []byte
			for _, e := range ev.Request.PostDataEntries {
				body = append(body, e.Bytes...)
			}
			var ctype string
			for k, v := range ev.Request.Headers { // the protocol keeps the page's spelling of the name
				if strings.EqualFold(k, "Content-Type") {
					ctype, _ = v.(string)
				}
			}
			st, rtype, rbody, err := s.forward(ctx, ev.Request.Method, p.Rest, query(ev.Request.URL), body, &ctype)
			if err != nil {
				fulfill(502, "application/json; charset=utf-8", []byte(`{"ok":false,"error":"imptest.Route: the impshim server at `+s.server.String()+` did not answer: is it running (make run)?"}`))
				return
			}
			fulfill(st, rtype, rbody)
			return
		}
		if p.Path == "sandbox/backend.json" {
			fulfill(200, "application/json; charset=utf-8", []byte(`{"ledger":false}`))
			return
		}
		fulfill(404, "application/json; charset=utf-8", []byte(`{"ok":false,"error":"no impshim server behind imptest.Route"}`))
	default:
		fulfill(404, "text/plain; charset=utf-8", []byte("[impshim] "+ev.Request.URL+" is not a file of impshim; imptest.Route answers the SDK's script and the files it loads"))
	}
}

// forward asks the server for {sdk}/rest as from the server's own origin: its window endpoints
// refuse other origins, and the window's origin here is the CDN's.
func (s *sdkServer) forward(ctx context.Context, method, rest, rawQuery string, body []byte, ctype *string) (int, string, []byte, error) {
	target, err := url.Parse(strings.TrimSuffix(s.server.String(), "/") + "/sdk/" + rest) // rest is escaped already
	if err != nil {
		return 0, "", nil, err
	}
	target.RawQuery = rawQuery
	req, err := http.NewRequestWithContext(ctx, method, target.String(), bytes.NewReader(body))
	if err != nil {
		return 0, "", nil, err
	}
	if ctype != nil && *ctype != "" {
		req.Header.Set("Content-Type", *ctype)
	}
	req.Header.Set("Origin", s.server.Scheme+"://"+s.server.Host)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	return res.StatusCode, res.Header.Get("Content-Type"), out, err
}

func query(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.RawQuery
}

func kindOf(u string) string {
	p, ok := RouteOf(u)
	if !ok {
		return ""
	}
	return p.Kind
}
