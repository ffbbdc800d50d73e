// Package web is the server behind `make run`: the sandbox demo page at /, the static SDK
// (dist/) under /sdk/ and merchant files at /sdk/merchants/<code>.json — where imp.js looks for
// them, relative to itself. Whatever else the server answers (the ledger's REST API and the
// bridge's endpoints) mounts its own routes on the same http.ServeMux through Options.Backend:
// web does not know their paths.
package web

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/impshim/impshim/web/access"
	"github.com/impshim/impshim/web/merchants"
)

// MaxBodyBytes is the largest request body the server accepts. Nothing web serves itself takes
// a body; the backend's JSON requests are far smaller than this.
const MaxBodyBytes = 1 << 20

// Routes is a part of the server that registers its own routes (ledger.API does).
type Routes interface {
	Mount(mux *http.ServeMux)
}

// At mounts one handler at each of Patterns: a backend that is a plain http.Handler (a test's
// stand-in for the ledger) says here which paths it takes.
type At struct {
	Handler  http.Handler
	Patterns []string
}

func (a At) Mount(mux *http.ServeMux) {
	for _, p := range a.Patterns {
		mux.Handle(p, a.Handler)
	}
}

// Options configures New.
type Options struct {
	// Dist is the directory `make dist` wrote: imp.js, impshim.wasm, wasm_exec.js, window.*.
	Dist string
	// Merchants are the merchant files to serve (merchants.Load reads a directory of them); nil
	// serves the embedded seed merchant alone. Only their Public JSON goes out.
	Merchants merchants.Set
	// Logger receives one debug line per request and an error line per failure; nil discards.
	Logger *slog.Logger
	// Backend, when non-nil, mounts its routes next to web's (the sandbox ledger).
	Backend Routes
	// Access says which Host names the server answers to (nil: the defaults of package access).
	Access *access.Policy
	// BodyTimeout is how long a request may take to send its body; 0: 10 s. A client that
	// trickles its body is cut off instead of holding a connection for ever.
	BodyTimeout time.Duration
}

type server struct {
	dist        *distFS
	merchants   map[string]asset
	log         *slog.Logger
	mux         *http.ServeMux
	access      *access.Policy
	bodyTimeout time.Duration
}

// New returns the handler for the sandbox server. It does not fail: a missing or incomplete
// Dist is reported per request (and by CheckDist at startup).
func New(opts Options) http.Handler {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	files := opts.Merchants
	if files == nil {
		files = merchants.Set{merchants.SeedCode: merchants.Seed()}
	}
	served := map[string]asset{}
	for code, f := range files {
		served[code] = asset{f.Public, etagOf(f.Public)}
	}
	if opts.BodyTimeout <= 0 {
		opts.BodyTimeout = 10 * time.Second
	}
	s := &server{dist: newDistFS(opts.Dist), merchants: served, log: logger, mux: http.NewServeMux(),
		access: opts.Access, bodyTimeout: opts.BodyTimeout}
	s.mount(opts.Backend == nil)
	if opts.Backend != nil {
		opts.Backend.Mount(s.mux)
	}
	return s
}

// mount registers web's own routes. They take every method and answer anything but GET and
// HEAD with 405 themselves (readOnly), so that a backend's "POST /sdk/sandbox/…" routes are
// more specific than "/sdk/{file...}" and the two never conflict. Each serves files, so each
// is behind the BAD_PATH guard.
func (s *server) mount(noBackend bool) {
	routes := []struct {
		pattern string
		handler http.Handler
	}{
		{"/{$}", files(func(w http.ResponseWriter, r *http.Request) { serveDemo(w, r, "index.html") })},
		{"/index.html", files(func(w http.ResponseWriter, r *http.Request) { serveDemo(w, r, "index.html") })},
		{"/{file}", files(s.demoAsset)},
		{"/sdk", files(sdkIndex)},
		{"/sdk/{$}", files(sdkIndex)},
		{"/sdk/merchants/{file}", files(func(w http.ResponseWriter, r *http.Request) { s.serveMerchant(w, r, r.PathValue("file")) })},
		{"/sdk/{file...}", files(func(w http.ResponseWriter, r *http.Request) { s.dist.serve(w, r, r.PathValue("file")) })},
		// Anything else is not web's: 404 whatever the method.
		{"/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeError(w, http.StatusNotFound, "NOT_FOUND", "no such page: the demo is at / and the SDK at /sdk/imp.js")
		})},
	}
	if noBackend {
		routes = append(routes, struct {
			pattern string
			handler http.Handler
		}{"/sdk/sandbox/{rest...}", http.HandlerFunc(noLedger)})
	}
	for _, rt := range routes {
		s.mux.Handle(rt.pattern, rt.handler)
	}
}

// files guards a route that serves files: a bad path, then a method other than GET/HEAD.
func files(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if msg := badPath(r.URL.Path); msg != "" {
			writeError(w, http.StatusBadRequest, "BAD_PATH", msg)
			return
		}
		if readOnly(w, r) {
			h(w, r)
		}
	})
}

func (s *server) demoAsset(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if _, ok := assets[name]; !ok || name == "index.html" {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "no such page: the demo is at / and the SDK at /sdk/imp.js")
		return
	}
	serveDemo(w, r, name)
}

// sdkIndex answers /sdk/ itself: no directory listings; say where the SDK is instead.
func sdkIndex(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, "NOT_FOUND", "load /sdk/imp.js with a <script> tag")
}

// noLedger answers the bridge's endpoints when the server runs without a ledger. imp.js probes
// backend.json to learn whether a server-side ledger records payments; a plain "no" keeps a
// sandbox without one free of red 404s in the browser console.
func noLedger(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("rest") != "backend.json" {
		writeError(w, http.StatusNotFound, "NO_BACKEND",
			"this server runs without the sandbox backend, so "+r.URL.Path+" does not exist")
		return
	}
	if !readOnly(w, r) {
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Access-Control-Allow-Origin", "*")
	w.Write([]byte(`{"ledger": false, "webhooks": false, "rest": false}` + "\n"))
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		if v := recover(); v != nil {
			// http.ErrAbortHandler is how handlers abort a response on purpose.
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("handler panic", "method", r.Method, "path", r.URL.Path, "panic", v)
			if !rec.wrote {
				writeError(rec, http.StatusInternalServerError, "INTERNAL", "the sandbox server failed on this request; see its log")
			}
		}
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", rec.status)
	}()
	if !s.access.HostAllowed(r.Host) {
		writeError(rec, http.StatusMisdirectedRequest, "BAD_HOST", "this sandbox answers to IP addresses, localhost and names given with "+
			"-allow-host, not to "+strconv.Quote(r.Host)+" (a page on another site could otherwise reach it by DNS rebinding): "+
			"open it by its address, or start it with -allow-host "+hostName(r.Host))
		return
	}
	if r.ContentLength > MaxBodyBytes {
		writeError(rec, http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE",
			"request bodies are limited to 1 MiB; send less")
		return
	}
	// Bodies of unknown length (chunked) are capped too: a handler sees a read error past the limit.
	r.Body = http.MaxBytesReader(rec, r.Body, MaxBodyBytes)
	// The body must arrive within bodyTimeout of the headers (the server's ReadHeaderTimeout
	// bounds those). Recorders in tests cannot set deadlines; real connections can.
	if r.Body != http.NoBody && r.ContentLength != 0 {
		_ = http.NewResponseController(rec).SetReadDeadline(time.Now().Add(s.bodyTimeout))
	}
	if !strings.HasPrefix(r.URL.Path, "/") {
		writeError(rec, http.StatusBadRequest, "BAD_PATH", "the path must start with /")
		return
	}
	r.URL.RawPath = escapeDotSegments(r.URL.EscapedPath())
	s.mux.ServeHTTP(rec, r)
}

// escapeDotSegments writes "." and ".." path segments as %2E and %2E%2E. ServeMux would
// otherwise answer them with a redirect to the cleaned path, and a merchant_uid of "." or
// "a/../b" could never reach the REST API; the file routes still see them (r.URL.Path is
// decoded) and refuse them with BAD_PATH.
func escapeDotSegments(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		switch s {
		case ".":
			segs[i] = "%2E"
		case "..":
			segs[i] = "%2E%2E"
		}
	}
	return strings.Join(segs, "/")
}

// badPath rejects what a browser never sends for a file and a path-traversal attempt does.
// r.URL.Path is already percent-decoded, so "%2e%2e" arrives here as "..".
func badPath(p string) string {
	if strings.ContainsAny(p, "\\\x00") {
		return "the path must not contain backslashes or NUL bytes"
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == ".." || seg == "." {
			return "the path must not contain . or .. segments"
		}
	}
	return ""
}

// readOnly answers anything but GET and HEAD with 405; everything web serves itself is read-only.
func readOnly(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	writeError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED",
		r.Method+" is not allowed on "+r.URL.Path+"; use GET")
	return false
}

// statusRecorder remembers the status for the request log and whether anything was written,
// so that a panic after the header went out does not try to write a second one.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer (flush, deadlines) for the backend.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// hostName is the host of a Host header, without the port.
func hostName(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}
