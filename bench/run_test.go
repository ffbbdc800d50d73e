package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The whole bench, cut down to a few samples, against the SDK that `make test`
// has just built: the in-page driver keeps working as the SDK changes.
func TestBenchRunsAgainstSDK(t *testing.T) {
	if testing.Short() {
		t.Skip("runs headless Chromium for ~20 s")
	}
	mod, err := moduleDir("go")
	require.NoError(t, err)
	dist := os.Getenv("IMPSHIM_DIST")
	if dist == "" {
		dist = filepath.Join(mod, "dist")
	}
	if _, err := os.Stat(filepath.Join(dist, "imp.js")); err != nil && os.Getenv("IMPSHIM_DIST") == "" {
		// `make unit` does not build dist/ first: build a private one.
		dist = t.TempDir()
		cmd := exec.Command("make", "dist", "DIST="+dist)
		cmd.Dir = mod
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "make dist: %s", out)
	}
	_, err = os.Stat(filepath.Join(dist, "imp.js"))
	require.NoError(t, err, "no SDK in %s: run `make dist` or set IMPSHIM_DIST", dist)

	// Quality 11 takes most of a minute on a busy 2-core machine; 1 still tests the plumbing.
	defer func(l int) { brotliLevel = l }(brotliLevel)
	brotliLevel = 1
	shot := filepath.Join(t.TempDir(), "window.png")
	res, err := run(options{dist: dist, loads: 1, calls: 100, rounds: 1, windows: 3, payments: 3, wasmOpt: "off",
		goCmd: "go", shot: shot, noCode: true})
	require.NoError(t, err)
	require.NotNil(t, res)
	assert.Empty(t, res.Errors)

	assert.Greater(t, res.Size.Wasm.Raw, res.Size.Wasm.Gzip)
	assert.Greater(t, res.Size.Wasm.Raw, res.Size.Wasm.Brotli)
	assert.Greater(t, res.Size.Floor.Brotli, 100_000, "the hello-world carries Go's runtime")

	assert.Len(t, res.ColdStart.Samples, 1)
	assert.Greater(t, res.ColdStart.Impshim, 0.0)
	assert.Greater(t, res.ColdStart.Floor, 0.0)
	assert.Contains(t, res.ColdStart.Phases["dist"], "impshim.wasm")
	assert.GreaterOrEqual(t, res.ReadyLoadBytes, int64(res.Size.Wasm.Raw), "ready needs the whole module")
	assert.Greater(t, res.FirstLoadBytes, int64(0))

	assert.Equal(t, len(seedInputs)+8, res.Resolve.Checked)
	for _, v := range []float64{res.Resolve.Go3, res.Resolve.Go200, res.Resolve.JS3, res.Resolve.JS200, res.Resolve.Go3Cold, res.Resolve.Go200Cold,
		res.Resolve.Go3ColdMean, res.Resolve.Go200ColdMean} {
		assert.Greater(t, v, 0.0)
	}
	assert.Len(t, res.Resolve.PerInput, res.Resolve.Checked)

	assert.Equal(t, 3, res.Headless.Payments)
	assert.Greater(t, res.Headless.PaymentsPerS, 0.0)
	assert.Greater(t, res.Headless.InPagePerS, 0.0)
	assert.Greater(t, res.Headless.CallbackP50, 0.0)
	assert.Greater(t, res.Headless.LedgerPaymentsPerS, 0.0, "the same loops against make run's server with its ledger")
	assert.Greater(t, res.Headless.LedgerInPagePerS, 0.0)
	assert.Greater(t, res.Headless.LedgerCallbackP50, 0.0)

	assert.Equal(t, 3, res.Window.Requests)
	assert.Greater(t, res.Window.P50, 0.0)
	png, err := os.ReadFile(shot)
	require.NoError(t, err)
	assert.Equal(t, "\x89PNG", string(png[:4]))
}
