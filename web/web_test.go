package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/web"
)

// wasmBytes starts with the WebAssembly magic so the file looks like what `make dist` writes.
var wasmBytes = append([]byte("\x00asm\x01\x00\x00\x00"), bytes.Repeat([]byte("impshim "), 512)...)

// fakeDist writes a directory shaped like `make dist` output. The server only serves bytes,
// so their content does not matter beyond being distinguishable.
func fakeDist(t *testing.T, compressed bool) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string][]byte{
		"imp.js":       []byte("window.IMP = {};\n"),
		"impshim.wasm": wasmBytes,
		"wasm_exec.js": []byte("// go runtime glue\n"),
		"window.html":  []byte("<!doctype html><title>window</title>\n"),
		"window.js":    []byte("// window\n"),
		"window.css":   []byte("body{}\n"),
		"imp.d.ts":     []byte("declare const IMP: unknown;\n"),
		".secret":      []byte("hidden"),
	}
	if compressed {
		var br, gz bytes.Buffer
		bw := brotli.NewWriter(&br)
		bw.Write(wasmBytes)
		require.NoError(t, bw.Close())
		gw := gzip.NewWriter(&gz)
		gw.Write(wasmBytes)
		require.NoError(t, gw.Close())
		files["impshim.wasm.br"] = br.Bytes()
		files["impshim.wasm.gz"] = gz.Bytes()
	}
	for name, data := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	// Outside the dist directory: must never be reachable.
	require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(dir), "outside.txt"), []byte("outside"), 0o644))
	require.NoError(t, os.Symlink(filepath.Join(filepath.Dir(dir), "outside.txt"), filepath.Join(dir, "link.txt")))
	return dir
}

func do(t *testing.T, h http.Handler, method, target string, body io.Reader, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, "http://127.0.0.1"+target, body)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func errorCode(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	var body web.ErrorBody
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body), "error body: %s", rec.Body.String())
	assert.NotEmpty(t, body.Error.Message)
	return body.Error.Code
}

func TestServesFilesWithTheirTypes(t *testing.T) {
	h := web.New(web.Options{Dist: fakeDist(t, false)})
	tests := []struct {
		path, contentType string
		csp               string // "": none
		frameable         bool
	}{
		{"/", "text/html; charset=utf-8", web.DemoCSP, false},
		{"/index.html", "text/html; charset=utf-8", web.DemoCSP, false},
		{"/demo.js", "text/javascript; charset=utf-8", "", true},
		{"/demo.css", "text/css; charset=utf-8", "", true},
		{"/favicon.svg", "image/svg+xml", "", true},
		{"/sdk/imp.js", "text/javascript; charset=utf-8", "", true},
		{"/sdk/wasm_exec.js", "text/javascript; charset=utf-8", "", true},
		{"/sdk/impshim.wasm", "application/wasm", "", true},
		// The mock window: merchant pages frame it (overlay mode), so no frame-ancestors.
		{"/sdk/window.html", "text/html; charset=utf-8", web.CSP, true},
		{"/sdk/window.css", "text/css; charset=utf-8", "", true},
		{"/sdk/imp.d.ts", "text/plain; charset=utf-8", "", true},
		{"/sdk/merchants/imp10391932.json", "application/json; charset=utf-8", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			rec := do(t, h, http.MethodGet, tc.path, nil, nil)
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			assert.Equal(t, tc.contentType, rec.Header().Get("Content-Type"))
			assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
			assert.Equal(t, "no-cache", rec.Header().Get("Cache-Control"))
			assert.NotEmpty(t, rec.Header().Get("ETag"))
			assert.NotZero(t, rec.Body.Len())
			assert.Equal(t, tc.csp, rec.Header().Get("Content-Security-Policy"))
			if tc.frameable {
				assert.Empty(t, rec.Header().Get("X-Frame-Options"))
				assert.NotContains(t, rec.Header().Get("Content-Security-Policy"), "frame-ancestors")
			} else {
				assert.Equal(t, "DENY", rec.Header().Get("X-Frame-Options"))
				assert.Contains(t, rec.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'")
			}
		})
	}
}

func TestDemoPageHasNoInlineScript(t *testing.T) {
	h := web.New(web.Options{Dist: fakeDist(t, false)})
	page := do(t, h, http.MethodGet, "/", nil, nil).Body.String()
	assert.Contains(t, page, `<script src="/sdk/imp.js"></script>`)
	assert.Contains(t, page, `<script type="module" src="/demo.js"></script>`)
	// Every <script has a src: under the CSP an inline one would not run.
	assert.Equal(t, strings.Count(page, "<script"), len(regexp.MustCompile(`<script( type="module")? src=`).FindAllString(page, -1)))
	assert.NotRegexp(t, `\son[a-z]+=`, page, "no inline event handlers")
	assert.NotContains(t, page, "style=", "no inline styles")
}

func TestSDKFileContentAndRevalidation(t *testing.T) {
	dist := fakeDist(t, false)
	h := web.New(web.Options{Dist: dist})
	first := do(t, h, http.MethodGet, "/sdk/impshim.wasm", nil, nil)
	require.Equal(t, http.StatusOK, first.Code)
	assert.Equal(t, wasmBytes, first.Body.Bytes())
	assert.Equal(t, "*", first.Header().Get("Access-Control-Allow-Origin"))
	etag := first.Header().Get("ETag")

	again := do(t, h, http.MethodGet, "/sdk/impshim.wasm", nil, map[string]string{"If-None-Match": etag})
	assert.Equal(t, http.StatusNotModified, again.Code)
	assert.Zero(t, again.Body.Len())

	// A rebuilt SDK under a running server gets a new ETag, so the browser picks it up.
	require.NoError(t, os.WriteFile(filepath.Join(dist, "impshim.wasm"), []byte("\x00asm rebuilt"), 0o644))
	rebuilt := do(t, h, http.MethodGet, "/sdk/impshim.wasm", nil, map[string]string{"If-None-Match": etag})
	assert.Equal(t, http.StatusOK, rebuilt.Code)
	assert.Equal(t, "\x00asm rebuilt", rebuilt.Body.String())
	assert.NotEqual(t, etag, rebuilt.Header().Get("ETag"))

	head := do(t, h, http.MethodHead, "/sdk/imp.js", nil, nil)
	assert.Equal(t, http.StatusOK, head.Code)
	assert.Zero(t, head.Body.Len())
	assert.Equal(t, "17", head.Header().Get("Content-Length"))
}

func TestPrecompressedWasm(t *testing.T) {
	withFiles := web.New(web.Options{Dist: fakeDist(t, true)})
	without := web.New(web.Options{Dist: fakeDist(t, false)})
	tests := []struct {
		name           string
		h              http.Handler
		acceptEncoding string
		wantEncoding   string
	}{
		{"brotli preferred", withFiles, "gzip, deflate, br", "br"},
		{"gzip only", withFiles, "gzip", "gzip"},
		{"brotli refused with q=0", withFiles, "br;q=0, gzip", "gzip"},
		{"wildcard", withFiles, "*", "br"},
		{"wildcard but not br", withFiles, "*, br;q=0", "gzip"},
		{"identity", withFiles, "identity", ""},
		{"no header", withFiles, "", ""},
		{"no precompressed file: gzipped on the fly", without, "br, gzip", "gzip"},
		{"no precompressed file, brotli only", without, "br", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, tc.h, http.MethodGet, "/sdk/impshim.wasm", nil, map[string]string{"Accept-Encoding": tc.acceptEncoding})
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, "application/wasm", rec.Header().Get("Content-Type"))
			assert.Equal(t, tc.wantEncoding, rec.Header().Get("Content-Encoding"))
			assert.Contains(t, rec.Header().Values("Vary"), "Accept-Encoding")
			var got []byte
			var err error
			switch tc.wantEncoding {
			case "br":
				got, err = io.ReadAll(brotli.NewReader(rec.Body))
			case "gzip":
				var zr *gzip.Reader
				zr, err = gzip.NewReader(rec.Body)
				require.NoError(t, err)
				got, err = io.ReadAll(zr)
			default:
				got = rec.Body.Bytes()
			}
			require.NoError(t, err)
			assert.Equal(t, wasmBytes, got)
		})
	}
}

func TestOnTheFlyGzip(t *testing.T) {
	dist := fakeDist(t, false)
	h := web.New(web.Options{Dist: dist})
	gz := map[string]string{"Accept-Encoding": "gzip"}
	first := do(t, h, http.MethodGet, "/sdk/impshim.wasm", nil, gz)
	require.Equal(t, "gzip", first.Header().Get("Content-Encoding"))
	assert.Less(t, first.Body.Len(), len(wasmBytes))
	etag := first.Header().Get("ETag")
	assert.NotEqual(t, etag, do(t, h, http.MethodGet, "/sdk/impshim.wasm", nil, nil).Header().Get("ETag"))
	assert.Equal(t, http.StatusNotModified, do(t, h, http.MethodGet, "/sdk/impshim.wasm", nil,
		map[string]string{"Accept-Encoding": "gzip", "If-None-Match": etag}).Code)

	// Tiny files are not worth it; a rebuilt file is compressed again.
	assert.Empty(t, do(t, h, http.MethodGet, "/sdk/imp.js", nil, gz).Header().Get("Content-Encoding"))
	rebuilt := append([]byte("\x00asm v2 "), wasmBytes...)
	require.NoError(t, os.WriteFile(filepath.Join(dist, "impshim.wasm"), rebuilt, 0o644))
	rec := do(t, h, http.MethodGet, "/sdk/impshim.wasm", nil, gz)
	zr, err := gzip.NewReader(rec.Body)
	require.NoError(t, err)
	got, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.Equal(t, rebuilt, got)
	assert.NotEqual(t, etag, rec.Header().Get("ETag"))
}

func TestPrecompressedVariantsHaveTheirOwnETag(t *testing.T) {
	h := web.New(web.Options{Dist: fakeDist(t, true)})
	br := do(t, h, http.MethodGet, "/sdk/impshim.wasm", nil, map[string]string{"Accept-Encoding": "br"})
	plain := do(t, h, http.MethodGet, "/sdk/impshim.wasm", nil, nil)
	assert.NotEqual(t, br.Header().Get("ETag"), plain.Header().Get("ETag"))
}

func TestBadRequestsGetJSONErrors(t *testing.T) {
	h := web.New(web.Options{Dist: fakeDist(t, false)})
	big := strings.NewReader(strings.Repeat("x", web.MaxBodyBytes+1))
	tests := []struct {
		name, method, path string
		body               io.Reader
		status             int
		code               string
	}{
		{"dot-dot", "GET", "/sdk/../go.mod", nil, 400, "BAD_PATH"},
		{"encoded dot-dot", "GET", "/sdk/%2e%2e/outside.txt", nil, 400, "BAD_PATH"},
		{"encoded slash dot-dot", "GET", "/sdk/..%2foutside.txt", nil, 400, "BAD_PATH"},
		{"backslash", "GET", "/sdk/..%5coutside.txt", nil, 400, "BAD_PATH"},
		{"NUL byte", "GET", "/sdk/imp.js%00.html", nil, 400, "BAD_PATH"},
		{"symlink out of dist", "GET", "/sdk/link.txt", nil, 404, "NOT_FOUND"},
		{"hidden file", "GET", "/sdk/.secret", nil, 404, "NOT_FOUND"},
		{"missing SDK file", "GET", "/sdk/nope.js", nil, 404, "NOT_FOUND"},
		{"sdk directory", "GET", "/sdk/", nil, 404, "NOT_FOUND"},
		{"unknown page", "GET", "/admin", nil, 404, "NOT_FOUND"},
		{"demo file under a path", "GET", "/x/demo.js", nil, 404, "NOT_FOUND"},
		{"unknown merchant", "GET", "/sdk/merchants/imp00000000.json", nil, 404, "MERCHANT_NOT_FOUND"},
		{"merchant without .json", "GET", "/sdk/merchants/imp10391932", nil, 404, "MERCHANT_NOT_FOUND"},
		{"POST to the SDK", "POST", "/sdk/imp.js", strings.NewReader("{}"), 405, "METHOD_NOT_ALLOWED"},
		{"DELETE the page", "DELETE", "/", nil, 405, "METHOD_NOT_ALLOWED"},
		{"PUT a merchant", "PUT", "/sdk/merchants/imp10391932.json", strings.NewReader("{}"), 405, "METHOD_NOT_ALLOWED"},
		{"oversized body", "POST", "/sdk/imp.js", big, 413, "PAYLOAD_TOO_LARGE"},
		{"backend path without backend", "POST", "/users/getToken", strings.NewReader("{}"), 404, "NOT_FOUND"},
		{"sandbox path without backend", "POST", "/sdk/sandbox/payments", strings.NewReader("{}"), 404, "NO_BACKEND"},
		{"POST the backend probe", "POST", "/sdk/sandbox/backend.json", nil, 405, "METHOD_NOT_ALLOWED"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, tc.method, tc.path, tc.body, nil)
			assert.Equal(t, tc.status, rec.Code, rec.Body.String())
			assert.Equal(t, tc.code, errorCode(t, rec))
			assert.NotContains(t, rec.Body.String(), "outside")
			if tc.status == http.StatusMethodNotAllowed {
				assert.Equal(t, "GET, HEAD", rec.Header().Get("Allow"))
			}
		})
	}
}

func TestMissingDistSaysToBuildIt(t *testing.T) {
	h := web.New(web.Options{Dist: filepath.Join(t.TempDir(), "nothing")})
	rec := do(t, h, http.MethodGet, "/sdk/imp.js", nil, nil)
	assert.Equal(t, http.StatusNotFound, rec.Code)
	assert.Equal(t, "SDK_NOT_BUILT", errorCode(t, rec))
	assert.Contains(t, rec.Body.String(), "make dist")
	// The demo page itself is embedded and still loads, to show the same advice.
	assert.Equal(t, http.StatusOK, do(t, h, http.MethodGet, "/", nil, nil).Code)

	err := web.CheckDist(filepath.Join(t.TempDir(), "nothing"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "imp.js, impshim.wasm, wasm_exec.js")
	assert.Contains(t, err.Error(), "make dist")
	assert.NoError(t, web.CheckDist(fakeDist(t, false)))
}

func TestNoBackendSaysSoToTheProbe(t *testing.T) {
	h := web.New(web.Options{Dist: fakeDist(t, false)})
	rec := do(t, h, http.MethodGet, "/sdk/sandbox/backend.json", nil, nil)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	assert.JSONEq(t, `{"ledger": false, "webhooks": false, "rest": false}`, rec.Body.String())
}

func TestBackendMountsItsRoutes(t *testing.T) {
	var got []string
	backend := web.At{
		Patterns: []string{"POST /users/getToken", "GET /payments/{imp_uid}", "POST /payments/prepare", "/sdk/sandbox/"},
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(r.Body)
			if err != nil {
				w.WriteHeader(http.StatusRequestEntityTooLarge)
				return
			}
			got = append(got, r.Method+" "+r.URL.Path+" "+r.PathValue("imp_uid")+" "+string(body))
			w.WriteHeader(http.StatusTeapot)
		}),
	}
	h := web.New(web.Options{Dist: fakeDist(t, false), Backend: backend})
	tests := []struct {
		method, path, body string
		want               int
	}{
		{"POST", "/users/getToken", `{"imp_key":"k"}`, http.StatusTeapot},
		{"GET", "/payments/imps_123456789012", "", http.StatusTeapot},
		// Dot segments and backslashes are values here, not paths: only files are guarded.
		{"GET", "/payments/..", "", http.StatusTeapot},
		{"GET", "/payments/%2E", "", http.StatusTeapot},
		{"GET", "/payments/a%5Cb", "", http.StatusTeapot},
		{"GET", "/sdk/sandbox/backend.json", "", http.StatusTeapot},
		{"POST", "/sdk/sandbox/reset", "", http.StatusTeapot},
		{"GET", "/sdk/imp.js", "", http.StatusOK},             // still web's
		{"GET", "/sdk/sandboxed.js", "", http.StatusNotFound}, // not the backend's
		{"GET", "/sdk/../imp.js", "", http.StatusBadRequest},  // a file path: guarded
	}
	for _, tc := range tests {
		rec := do(t, h, tc.method, tc.path, strings.NewReader(tc.body), nil)
		assert.Equal(t, tc.want, rec.Code, tc.path)
	}
	assert.Equal(t, []string{
		`POST /users/getToken  {"imp_key":"k"}`,
		"GET /payments/imps_123456789012 imps_123456789012 ",
		"GET /payments/.. .. ",
		"GET /payments/. . ",
		`GET /payments/a\b a\b `,
		"GET /sdk/sandbox/backend.json  ",
		"POST /sdk/sandbox/reset  ",
	}, got)

	// A chunked body (no Content-Length) past the limit is cut off for the backend too.
	req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/payments/prepare", io.MultiReader(strings.NewReader(strings.Repeat("x", web.MaxBodyBytes+10))))
	req.ContentLength = -1
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
}

func TestBackendPanicBecomesJSON500(t *testing.T) {
	h := web.New(web.Options{Dist: fakeDist(t, false), Backend: web.At{Patterns: []string{"/payments/"}, Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	})}})
	rec := do(t, h, http.MethodGet, "/payments/x", nil, nil)
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.Equal(t, "INTERNAL", errorCode(t, rec))
}
