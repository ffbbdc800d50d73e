// Package web is the server behind `make run`: the sandbox demo page at /, the static SDK
// (dist/) under /sdk/, merchant configuration files at /sdk/merchants/<code>.json — where
// imp.js looks for them, relative to itself — and, when one is given, the sandbox backend
// (the i'mport V1 REST API and the bridge's /sdk/sandbox/ endpoints).
package web

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// MaxBodyBytes is the largest request body the server accepts. Nothing it serves itself takes
// a body; the backend's JSON requests are far smaller than this.
const MaxBodyBytes = 1 << 20

// Options configures New.
type Options struct {
	// Dist is the directory `make dist` wrote: imp.js, impshim.wasm, wasm_exec.js, window.*.
	Dist string
	// Merchants are merchant configuration files by merchant code, in addition to the
	// embedded imp10391932 (a file with that code replaces it). Use LoadMerchants to read
	// and validate a directory of them.
	Merchants map[string][]byte
	// Logger receives one debug line per request and an error line per failure; nil discards.
	Logger *slog.Logger
	// Backend, when non-nil, serves /users/, /payments/ and /sdk/sandbox/.
	Backend http.Handler
}

// backendPrefixes are the paths that belong to the sandbox backend, not to web.
var backendPrefixes = []string{"/users/", "/payments/", "/sdk/sandbox/"}

type server struct {
	dist      *distFS
	merchants map[string]asset
	log       *slog.Logger
	backend   http.Handler
}

// New returns the handler for the sandbox server. It does not fail: a missing or incomplete
// Dist is reported per request (and by CheckDist at startup).
func New(opts Options) http.Handler {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	merchants := map[string]asset{defaultMerchantCode: {defaultMerchant, etagOf(defaultMerchant)}}
	for code, data := range opts.Merchants {
		merchants[code] = asset{data, etagOf(data)}
	}
	return &server{
		dist:      newDistFS(opts.Dist),
		merchants: merchants,
		log:       logger,
		backend:   opts.Backend,
	}
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
	s.route(rec, r)
}

func (s *server) route(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if msg := badPath(p); msg != "" {
		writeError(w, http.StatusBadRequest, "BAD_PATH", msg)
		return
	}
	if r.ContentLength > MaxBodyBytes {
		writeError(w, http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE",
			"request bodies are limited to 1 MiB; send less")
		return
	}
	for _, prefix := range backendPrefixes {
		if strings.HasPrefix(p, prefix) {
			s.serveBackend(w, r)
			return
		}
	}
	switch {
	case p == "/" || p == "/index.html":
		if allowRead(w, r) {
			serveDemo(w, r, "index.html")
		}
	case isDemoAsset(p):
		if allowRead(w, r) {
			serveDemo(w, r, strings.TrimPrefix(p, "/"))
		}
	case p == "/sdk" || p == "/sdk/":
		// No directory listings; say where the SDK is instead.
		writeError(w, http.StatusNotFound, "NOT_FOUND", "load /sdk/imp.js with a <script> tag")
	case strings.HasPrefix(p, "/sdk/merchants/"):
		if allowRead(w, r) {
			s.serveMerchant(w, r, strings.TrimPrefix(p, "/sdk/merchants/"))
		}
	case strings.HasPrefix(p, "/sdk/"):
		if allowRead(w, r) {
			s.dist.serve(w, r, strings.TrimPrefix(p, "/sdk/"))
		}
	default:
		writeError(w, http.StatusNotFound, "NOT_FOUND", "no such page: the demo is at / and the SDK at /sdk/imp.js")
	}
}

func (s *server) serveBackend(w http.ResponseWriter, r *http.Request) {
	if s.backend == nil {
		if r.URL.Path == "/sdk/sandbox/backend.json" {
			// imp.js probes this to learn whether a server-side ledger records payments; a plain
			// "no" keeps a sandbox without one free of red 404s in the browser console.
			if allowRead(w, r) {
				h := w.Header()
				h.Set("Content-Type", "application/json; charset=utf-8")
				h.Set("Cache-Control", "no-store")
				h.Set("Access-Control-Allow-Origin", "*")
				w.Write([]byte(`{"ledger": false, "webhooks": false, "rest": false}` + "\n"))
			}
			return
		}
		writeError(w, http.StatusNotFound, "NO_BACKEND",
			"this server runs without the sandbox backend, so "+r.URL.Path+" does not exist")
		return
	}
	// Bodies of unknown length (chunked) are capped too: the backend sees a read error past the limit.
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	s.backend.ServeHTTP(w, r)
}

// badPath rejects what a browser never sends and a path-traversal attempt does. r.URL.Path is
// already percent-decoded, so "%2e%2e" arrives here as "..".
func badPath(p string) string {
	if !strings.HasPrefix(p, "/") {
		return "the path must start with /"
	}
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

// allowRead answers anything but GET and HEAD with 405; everything web serves itself is read-only.
func allowRead(w http.ResponseWriter, r *http.Request) bool {
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
