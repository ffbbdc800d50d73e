package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSplitFlags(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  bool
	}{
		{`-trimpath -ldflags="-s -w"`, []string{"-trimpath", "-ldflags=-s -w"}, false},
		{`  -trimpath   `, []string{"-trimpath"}, false},
		{`-ldflags='-s -w' -tags=x`, []string{"-ldflags=-s -w", "-tags=x"}, false},
		{`-gcflags=""`, []string{"-gcflags="}, false},
		{``, nil, false},
		{`-ldflags="-s`, nil, true},
	} {
		got, err := splitFlags(tc.in)
		if tc.err {
			assert.Error(t, err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

func TestWithoutStrip(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		{[]string{"-trimpath", "-ldflags=-s -w"}, []string{"-trimpath"}},
		{[]string{"-ldflags=-s -X main.v=1 -w"}, []string{"-ldflags=-X main.v=1"}},
		{[]string{"-trimpath"}, []string{"-trimpath"}},
	} {
		assert.Equal(t, tc.want, withoutStrip(tc.in))
	}
}

func TestPercentile(t *testing.T) {
	xs := []float64{9, 1, 8, 2, 7, 3, 6, 4, 5, 10}
	for _, tc := range []struct {
		p    float64
		want float64
	}{{50, 5}, {95, 10}, {90, 9}, {10, 1}, {100, 10}, {0, 1}} {
		assert.Equal(t, tc.want, percentile(xs, tc.p), "p%v", tc.p)
	}
	assert.Equal(t, 2.0, median([]float64{3, 1, 2}))
	assert.True(t, math.IsNaN(median(nil)))
	assert.Equal(t, []float64{9, 1, 8, 2, 7, 3, 6, 4, 5, 10}, xs, "percentile must not reorder its input")
}

func TestRatio(t *testing.T) {
	assert.Equal(t, 1.5, ratio(3, 2))
	assert.Equal(t, 0.333, ratio(1, 3))
	assert.Equal(t, 0.0, ratio(1, 0), "no baseline gives no ratio, not Inf")
	assert.Equal(t, 0.0, ratio(math.NaN(), 1))
}

func TestParseGoBench(t *testing.T) {
	out := `goos: linux
goarch: amd64
pkg: github.com/impshim/impshim/resolver
cpu: Intel(R) Xeon(R)
BenchmarkResolve/3_settings-2         	 1000000	      1043 ns/op	      96 B/op	       3 allocs/op
BenchmarkResolve/200_settings-2       	   50000	     23456.5 ns/op	    4096 B/op	      12 allocs/op
BenchmarkNoMem-2   	  200	  5000 ns/op
BenchmarkBroken-2   	  FAIL
PASS
ok  	github.com/impshim/impshim/resolver	3.2s
pkg: github.com/impshim/impshim/bench
BenchmarkOther-2   	  10	  7 ns/op	  0 B/op	  0 allocs/op
`
	const res = "github.com/impshim/impshim/resolver"
	assert.Equal(t, []GoBench{
		{Package: res, Name: "BenchmarkResolve/3_settings-2", Iterations: 1000000, NsPerOp: 1043, BytesPerOp: 96, AllocsPerOp: 3},
		{Package: res, Name: "BenchmarkResolve/200_settings-2", Iterations: 50000, NsPerOp: 23456.5, BytesPerOp: 4096, AllocsPerOp: 12},
		{Package: res, Name: "BenchmarkNoMem-2", Iterations: 200, NsPerOp: 5000, BytesPerOp: -1, AllocsPerOp: -1},
		{Package: "github.com/impshim/impshim/bench", Name: "BenchmarkOther-2", Iterations: 10, NsPerOp: 7, BytesPerOp: 0, AllocsPerOp: 0},
	}, parseGoBench(out))
	assert.Empty(t, parseGoBench("PASS\nok x 0.1s\n"))
}

func TestMeasureSizes(t *testing.T) {
	data := bytes.Repeat([]byte("impshim resolves PG settings. "), 2000)
	s, err := measureSizes(data)
	require.NoError(t, err)
	assert.Equal(t, len(data), s.Raw)
	assert.Less(t, s.Gzip, s.Raw)
	assert.Less(t, s.Brotli, s.Gzip, "brotli -q 11 beats gzip -9 on repetitive text")

	// The counted sizes are real streams that decompress to the input.
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(data)
	zw.Close()
	assert.Equal(t, gz.Len(), s.Gzip)
	var br bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	bw.Write(data)
	bw.Close()
	assert.Equal(t, br.Len(), s.Brotli)
	back, err := io.ReadAll(brotli.NewReader(&br))
	require.NoError(t, err)
	assert.Equal(t, data, back)
}

func TestGoPackage(t *testing.T) {
	for sym, want := range map[string]string{
		"github.com_impshim_impshim_resolver.__Merchant_.Resolve": "github.com_impshim_impshim_resolver",
		"github.com_impshim_impshim_internal_jsonv.Parse":         "github.com_impshim_impshim_internal_jsonv",
		"runtime.mallocgc":                     "runtime",
		"syscall_js.FuncOf.func1":              "syscall_js",
		"type_.eq.internal_abi.ITab":           "internal_abi",
		"type_.eq.internal_runtime_maps.table": "internal_runtime_maps",
		"internal_strconv.__decimal_.Round":    "internal_strconv",
		"main.main":                            "main",
		"_rt0_wasm_js":                         "_rt0_wasm_js",
		"":                                     "(unnamed)",
		"go_itab.*strings.Reader,io.Reader":    "strings",
		"type:.eq.internal/abi.Type":           "internal/abi",
		"type_.eq._3_github.com_impshim_impshim_resolver.Identity": "github.com_impshim_impshim_resolver",
		"type_.eq._12_main.window":                                 "main",
	} {
		assert.Equal(t, want, goPackage(sym), sym)
	}
}

// wasmModule assembles a minimal module: one imported function, then one
// code body per entry of bodies, named by names (index 0 is the import).
func wasmModule(bodies []int, names []string) []byte {
	uleb := func(b []byte, v int) []byte { return binary.AppendUvarint(b, uint64(v)) }
	section := func(out []byte, id byte, payload []byte) []byte {
		out = append(out, id)
		out = uleb(out, len(payload))
		return append(out, payload...)
	}
	str := func(b []byte, s string) []byte { return append(uleb(b, len(s)), s...) }

	mod := []byte("\x00asm\x01\x00\x00\x00")
	var imp []byte
	imp = uleb(imp, 1)
	imp = str(imp, "go")
	imp = str(imp, "debug")
	imp = append(imp, 0) // func
	imp = uleb(imp, 0)   // type 0
	mod = section(mod, 2, imp)
	var code []byte
	code = uleb(code, len(bodies))
	for _, n := range bodies {
		code = uleb(code, n)
		code = append(code, make([]byte, n)...)
	}
	mod = section(mod, 10, code)
	mod = section(mod, 11, make([]byte, 37))
	var fn []byte
	fn = uleb(fn, len(names))
	for i, n := range names {
		fn = uleb(fn, i)
		fn = str(fn, n)
	}
	var custom []byte
	custom = str(custom, "name")
	custom = append(custom, 1)
	custom = uleb(custom, len(fn))
	custom = append(custom, fn...)
	return section(mod, 0, custom)
}

func TestCodeByPackage(t *testing.T) {
	mod := wasmModule([]int{300, 10, 200, 50}, []string{"go.debug", "runtime.main", "main.main",
		"github.com_impshim_impshim_resolver.__Merchant_.Resolve", "runtime.gc"})
	pkgs, code, data, err := codeByPackage(mod, []string{"runtime", "github.com/impshim/impshim/resolver", "github.com/impshim/impshim/wasm"})
	require.NoError(t, err)
	assert.Equal(t, []PackageCode{
		{Package: "runtime", Bytes: 350, Funcs: 2},
		{Package: "github.com/impshim/impshim/resolver", Bytes: 200, Funcs: 1},
		{Package: "github.com/impshim/impshim/wasm", Bytes: 10, Funcs: 1},
	}, pkgs, "main is named by its import path, which go list -deps prints last")

	// Without the dependency list, names keep the linker's mangling.
	pkgs, _, _, err = codeByPackage(mod, nil)
	require.NoError(t, err)
	assert.Equal(t, "github.com_impshim_impshim_resolver", pkgs[1].Package)
	assert.Greater(t, code, 560, "the code section holds the bodies and their sizes")
	assert.Equal(t, 37, data)

	_, _, _, err = codeByPackage(wasmModule([]int{10}, nil), nil)
	assert.ErrorContains(t, err, "no name section")
	_, _, _, err = codeByPackage([]byte("not wasm"), nil)
	assert.Error(t, err)
	_, _, _, err = codeByPackage(mod[:len(mod)-5], nil)
	assert.Error(t, err, "a truncated module is an error, not a panic")
}

func TestBenchServer(t *testing.T) {
	dist := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dist, "imp.js"), []byte("window.IMP = {};"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dist, "impshim.wasm"), []byte("\x00asm\x01\x00\x00\x00"), 0o644))
	secret := filepath.Join(filepath.Dir(dist), "secret.txt")
	require.NoError(t, os.WriteFile(secret, []byte("nope"), 0o644))
	srv := newBenchServer(pages)
	srv.trees["dist"] = []string{dist}
	ts := httptest.NewServer(srv)
	defer ts.Close()

	get := func(path string) (*http.Response, string) {
		resp, err := http.Get(ts.URL + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	resp, body := get("/r/a/dist/imp.js")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "window.IMP = {};", body)
	assert.Equal(t, "no-cache", resp.Header.Get("Cache-Control"))
	lastMod := resp.Header.Get("Last-Modified")
	require.NotEmpty(t, lastMod)
	assert.Contains(t, resp.Header.Get("Content-Type"), "javascript")

	// A revalidation costs no body bytes.
	req, _ := http.NewRequest("GET", ts.URL+"/r/a/dist/imp.js", nil)
	req.Header.Set("If-Modified-Since", lastMod)
	resp304, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp304.Body.Close()
	assert.Equal(t, http.StatusNotModified, resp304.StatusCode)

	resp, _ = get("/r/a/dist/impshim.wasm")
	assert.Equal(t, "application/wasm", resp.Header.Get("Content-Type"))

	resp, body = get("/r/a/dist/bench-cold.html")
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	assert.Contains(t, body, `<script src="imp.js"></script>`, "bench pages sit beside imp.js")

	resp, _ = get("/r/a/dist/merchants/x.json")
	assert.Equal(t, 404, resp.StatusCode)
	resp, _ = get("/r/a/dist/../../secret.txt")
	assert.Equal(t, 404, resp.StatusCode)
	resp, _ = get("/r/a/nosuchtree/imp.js")
	assert.Equal(t, 404, resp.StatusCode)
	get("/r/b/dist/imp.js")

	// Bytes are counted per run and file; bench pages are not counted.
	total, files := srv.served("a")
	assert.Equal(t, int64(16+8), total)
	assert.Equal(t, map[string]int64{"dist/imp.js": 16, "dist/impshim.wasm": 8, "dist/merchants/x.json": 0, "dist/secret.txt": 0}, files,
		"../ cannot leave the tree: it is looked up (and missed) inside dist")

	r, err := http.Post(ts.URL+"/r/b/mark", "text/plain", strings.NewReader(""))
	require.NoError(t, err)
	defer r.Body.Close()
	var m struct {
		Bytes int64            `json:"bytes"`
		Files map[string]int64 `json:"files"`
	}
	require.NoError(t, json.NewDecoder(r.Body).Decode(&m))
	assert.Equal(t, int64(16), m.Bytes)
	assert.Equal(t, map[string]int64{"dist/imp.js": 16}, m.Files)
}

func TestPrintTableAndJSON(t *testing.T) {
	r := &Results{Size: SizeResults{Wasm: Sizes{2000, 600, 450}, Floor: Sizes{1900, 580, 440}}}
	r.ColdStart = ColdStart{Impshim: 130, Floor: 100, Loads: 15, Method: "m"}
	r.Resolve = ResolveResult{Go3: 5, JS3: 0.5, Go200: 30, JS200: 3, Go3Cold: 8, Go200Cold: 60}
	r.Window = WindowResult{P50: 40, P95: 80, First: 90, Requests: 60}
	r.FirstLoadBytes = 1234
	r.Headless = HeadlessResult{PaymentsPerS: 19.5, CallbackP50: 26.25, InPagePerS: 33.5, Payments: 100}
	r.computeRatios()
	assert.Equal(t, map[string]float64{"size_raw": 1.053, "size_gzip": 1.034, "size_brotli": 1.023,
		"cold_start": 1.3, "resolve_3": 10, "resolve_200": 10, "resolve_3_cold": 16, "resolve_200_cold": 20}, r.Ratios)

	var out bytes.Buffer
	printTable(&out, r)
	for _, want := range []string{"1.02×", "meets ≤ 1.10×", "130.0 ms", "1.30×", "5.00 µs/call", "meets ≤ 10 µs", "8.00 µs/call", "60.00 µs/call", "19.5/s via imptest", "p50 26.2 ms", "p50 40.0 ms", "1234"} {
		assert.Contains(t, out.String(), want)
	}

	path := filepath.Join(t.TempDir(), "out", "results.json")
	require.NoError(t, writeJSON(path, r))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var generic map[string]any
	require.NoError(t, json.Unmarshal(data, &generic))
	// docs/sdk.md §8's keys, exactly as named there.
	for _, key := range []string{"size_bytes.wasm.raw", "size_bytes.wasm.gzip", "size_bytes.wasm.brotli",
		"size_bytes.floor.raw", "size_bytes.floor.gzip", "size_bytes.floor.brotli",
		"cold_start_ms.impshim", "cold_start_ms.floor",
		"resolve_us.go_3", "resolve_us.go_200", "resolve_us.js_3", "resolve_us.js_200",
		"window_visible_ms.p50", "window_visible_ms.p95", "first_load_bytes",
		// issue 17's additions
		"resolve_us.go_3_cold", "resolve_us.go_200_cold", "headless.payments_per_s", "headless.callback_p50_ms"} {
		var v any = generic
		for _, part := range strings.Split(key, ".") {
			m, ok := v.(map[string]any)
			require.True(t, ok, key)
			v, ok = m[part]
			require.True(t, ok, key)
		}
		assert.IsType(t, float64(0), v, key)
	}
}

func TestFindBrowser(t *testing.T) {
	t.Setenv("IMPSHIM_BROWSER", "/nonexistent/chrome")
	_, err := findBrowser()
	assert.ErrorContains(t, err, "IMPSHIM_BROWSER=/nonexistent/chrome")

	// Nothing named and nothing on PATH: say what to install.
	t.Setenv("IMPSHIM_BROWSER", "")
	t.Setenv("PATH", t.TempDir())
	_, err = findBrowser()
	assert.ErrorIs(t, err, errNoBrowser)
	assert.ErrorContains(t, err, "apt-get install -y chromium")

	fake := filepath.Join(t.TempDir(), "chromium")
	require.NoError(t, os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755))
	t.Setenv("PATH", filepath.Dir(fake))
	got, err := findBrowser()
	require.NoError(t, err)
	assert.Equal(t, fake, got)
}
