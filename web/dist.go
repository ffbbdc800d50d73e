package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// contentTypes is fixed here rather than read from the host's mime.types, which differ between
// machines (some map .ts to video/mp2t) and may lack .wasm; WebAssembly.instantiateStreaming
// refuses anything but application/wasm.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".wasm": "application/wasm",
	".json": "application/json; charset=utf-8",
	".map":  "application/json; charset=utf-8",
	".ts":   "text/plain; charset=utf-8", // imp.d.ts: readable in the browser rather than downloaded
	".txt":  "text/plain; charset=utf-8",
	".md":   "text/plain; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
}

func contentType(name string) string {
	if t, ok := contentTypes[path.Ext(name)]; ok {
		return t
	}
	return "application/octet-stream"
}

// CSP is sent with every HTML page web serves (the demo and the SDK's window page). The SDK
// promises to work under it (docs/sdk.md §2), so serving it here keeps that promise tested.
const CSP = "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'self'"

// DemoCSP is CSP for the demo page, which no other site may frame: a framed demo could be
// clicked into a Reset by a page laid over it (issue 16). X-Frame-Options says the same to
// browsers without frame-ancestors. The SDK's window.html keeps plain CSP: merchant pages frame
// it (the overlay mode).
const DemoCSP = CSP + "; frame-ancestors 'none'"

// precompressed lists the encodings web looks for next to a file ("impshim.wasm.br"), best first.
var precompressed = []struct{ encoding, suffix string }{
	{"br", ".br"},
	{"gzip", ".gz"},
}

// distFS serves the files of the SDK build. The directory is opened with os.OpenRoot on every
// request, so a `make dist` that replaces the directory while the server runs is picked up, and
// no name (symlinks included) can reach outside it.
type distFS struct {
	dir string

	mu    sync.Mutex
	etags map[etagKey]string
	gz    map[string]gzEntry
}

type etagKey struct {
	name    string
	size    int64
	modTime time.Time
}

func newDistFS(dir string) *distFS {
	return &distFS{dir: dir, etags: map[etagKey]string{}, gz: map[string]gzEntry{}}
}

// serve answers GET/HEAD for name (relative to the dist directory, already checked by badPath).
//
// Caching: every response says "no-cache" with a strong ETag. In a sandbox the SDK is rebuilt
// under a running page all the time; no-cache makes the browser revalidate each load, so a new
// build is never hidden behind a stale cached one, and an unchanged file costs a 304 with no body.
func (d *distFS) serve(w http.ResponseWriter, r *http.Request, name string) {
	if name == "" || strings.HasSuffix(name, "/") || hasHiddenSegment(name) {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "no such SDK file: /sdk/"+name)
		return
	}
	root, err := os.OpenRoot(d.dir)
	if err != nil {
		writeError(w, http.StatusNotFound, "SDK_NOT_BUILT",
			"the SDK directory "+d.dir+" is missing: run `make dist` (or `make run`, which builds it)")
		return
	}
	defer root.Close()

	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	// Lets a merchant page on another origin (its own dev server) load /sdk/imp.js from here:
	// the bridge fetches impshim.wasm and its siblings, which needs CORS across origins.
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Content-Type", contentType(name))
	if path.Ext(name) == ".html" {
		h.Set("Content-Security-Policy", CSP)
	}
	// The answer depends on Accept-Encoding whenever a precompressed sibling could exist;
	// say so always, so a cache never serves brotli to a client that did not ask for it.
	h.Add("Vary", "Accept-Encoding")

	for _, pc := range precompressed {
		if !accepts(r.Header.Get("Accept-Encoding"), pc.encoding) {
			continue
		}
		f, info, err := openFile(root, name+pc.suffix)
		if err != nil {
			continue
		}
		defer f.Close()
		h.Set("Content-Encoding", pc.encoding)
		d.serveFile(w, r, name+pc.suffix, f, info)
		return
	}
	f, info, err := openFile(root, name)
	if err != nil {
		writeError(w, http.StatusNotFound, "NOT_FOUND", "no such SDK file: /sdk/"+name+sdkHint(root))
		return
	}
	defer f.Close()
	// `make dist` writes no .br/.gz files, yet a phone on the LAN (redirect mode) should not
	// fetch 2-3 MB of raw wasm: text-like files are gzipped once per build and kept in memory.
	if compressible[path.Ext(name)] && info.Size() >= minGzipSize && accepts(r.Header.Get("Accept-Encoding"), "gzip") {
		if data, etag, err := d.gzipped(name, f, info); err == nil {
			h.Set("Content-Encoding", "gzip")
			h.Set("ETag", etag)
			http.ServeContent(w, r, name, info.ModTime(), bytes.NewReader(data))
			return
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			writeError(w, http.StatusInternalServerError, "READ_FAILED", "could not read /sdk/"+name+": "+err.Error())
			return
		}
	}
	d.serveFile(w, r, name, f, info)
}

// compressible are the types worth gzipping; below minGzipSize the header costs more than it saves.
var compressible = map[string]bool{".wasm": true, ".js": true, ".css": true, ".html": true, ".json": true, ".ts": true}

const minGzipSize = 1024

type gzEntry struct {
	key  etagKey
	data []byte
	etag string
}

// gzipped returns the gzip encoding of the file and its ETag, computed once per (name, size, mtime).
// Only the newest build of each name is kept.
func (d *distFS) gzipped(name string, f *os.File, info fs.FileInfo) ([]byte, string, error) {
	key := etagKey{name, info.Size(), info.ModTime()}
	d.mu.Lock()
	defer d.mu.Unlock() // one compression at a time: a burst of first requests waits for one result
	if e, ok := d.gz[name]; ok && e.key == key {
		return e.data, e.etag, nil
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := io.Copy(zw, f); err != nil {
		return nil, "", err
	}
	if err := zw.Close(); err != nil {
		return nil, "", err
	}
	data := buf.Bytes()
	e := gzEntry{key: key, data: data, etag: etagOf(data)}
	d.gz[name] = e
	return e.data, e.etag, nil
}

func (d *distFS) serveFile(w http.ResponseWriter, r *http.Request, name string, f *os.File, info fs.FileInfo) {
	etag, err := d.etag(name, f, info)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "READ_FAILED", "could not read /sdk/"+name+": "+err.Error())
		return
	}
	w.Header().Set("ETag", etag)
	// ServeContent answers If-None-Match with 304, handles Range and HEAD, and sets Content-Length.
	http.ServeContent(w, r, name, info.ModTime(), f)
}

// etag hashes the file's content once per (name, size, mtime); a rebuilt file gets a new tag.
func (d *distFS) etag(name string, f *os.File, info fs.FileInfo) (string, error) {
	key := etagKey{name, info.Size(), info.ModTime()}
	d.mu.Lock()
	tag, ok := d.etags[key]
	d.mu.Unlock()
	if ok {
		return tag, nil
	}
	sum := sha256.New()
	if _, err := io.Copy(sum, f); err != nil {
		return "", err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	tag = `"` + hex.EncodeToString(sum.Sum(nil)[:12]) + `"`
	d.mu.Lock()
	d.etags[key] = tag
	d.mu.Unlock()
	return tag, nil
}

func openFile(root *os.Root, name string) (*os.File, fs.FileInfo, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, nil, errors.New("not a regular file")
	}
	return f, info, nil
}

// sdkHint adds "run make dist" to a 404 when the directory does not look like an SDK build at all.
func sdkHint(root *os.Root) string {
	if _, err := root.Stat("imp.js"); err != nil {
		return " (the SDK directory has no imp.js: run `make dist`)"
	}
	return ""
}

func hasHiddenSegment(name string) bool {
	for _, seg := range strings.Split(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

// accepts reports whether an Accept-Encoding header admits encoding: listed (or "*") with q > 0.
func accepts(header, encoding string) bool {
	star := false
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != encoding && name != "*" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		if name == encoding {
			return q > 0 // an explicit entry wins over "*"
		}
		star = q > 0
	}
	return star
}

// CheckDist reports what is missing from an SDK build directory, for a clear message at startup.
func CheckDist(dir string) error {
	var missing []string
	for _, name := range []string{"imp.js", "impshim.wasm", "wasm_exec.js"} {
		info, err := os.Stat(path.Join(dir, name))
		if err != nil || !info.Mode().IsRegular() {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return errors.New("the SDK directory " + dir + " lacks " + strings.Join(missing, ", ") +
			": run `make dist DIST=" + dir + "` first (`make run` does it for you)")
	}
	return nil
}

// etagOf is the ETag of embedded content, computed once at start.
func etagOf(data []byte) string {
	sum := sha256.Sum256(data)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// serveBytes serves embedded content with the same caching rules as the SDK files.
func serveBytes(w http.ResponseWriter, r *http.Request, name string, data []byte, etag string) {
	h := w.Header()
	h.Set("Content-Type", contentType(name))
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("ETag", etag)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}
