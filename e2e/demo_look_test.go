package e2e

// How the demo looks and reads: axe-core (from npm, installed by this test into a cache folder
// from e2e/testdata/axe's package-lock.json) finds no serious or critical violation on first load,
// with a payment window open (the page and the window's frame), and after a payment; and the page
// is shot at a desktop's 1400×900 and a phone's 390×844 at those moments, for a person to look at
// (kept under IMPSHIM_ARTIFACTS/TestDemoLooksAndReads*).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/e2e/imptest"
)

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// loadAxe installs axe-core with `npm ci` into a cache folder named after the lock file's hash
// (once per lock file; later runs reuse it, offline) and reads axe.min.js.
func loadAxe(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		lock, err := os.ReadFile(filepath.Join(repoRoot, "e2e", "testdata", "axe", "package-lock.json"))
		if err != nil {
			axeErr = err
			return
		}
		sum := sha256.Sum256(lock)
		cache, err := os.UserCacheDir()
		if err != nil {
			cache = os.TempDir()
		}
		dir := filepath.Join(cache, "impshim", "axe-"+hex.EncodeToString(sum[:6]))
		file := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
		if _, err := os.Stat(file); err != nil {
			if _, err := exec.LookPath("npm"); err != nil {
				axeErr = fmt.Errorf("npm is needed to install axe-core for the accessibility check: apt-get install -y nodejs npm (%w)", err)
				return
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				axeErr = err
				return
			}
			for _, name := range []string{"package.json", "package-lock.json"} {
				data, err := os.ReadFile(filepath.Join(repoRoot, "e2e", "testdata", "axe", name))
				if err == nil {
					err = os.WriteFile(filepath.Join(dir, name), data, 0o644)
				}
				if err != nil {
					axeErr = err
					return
				}
			}
			cmd := exec.Command("npm", "ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "npm_config_cache="+filepath.Join(cache, "impshim", "npm"), "npm_config_update_notifier=false")
			if out, err := cmd.CombinedOutput(); err != nil {
				axeErr = fmt.Errorf("npm ci of axe-core in %s: %w\n%s", dir, err, out)
				return
			}
		}
		data, err := os.ReadFile(file)
		axeSource, axeErr = string(data), err
	})
	require.NoError(t, axeErr)
	return axeSource
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// axeCheck runs axe-core in every frame whose URL contains one of frames ("" = the page): in an
// isolated world, so the page's CSP does not stop it, on the page's own DOM. It fails on serious
// and critical violations, and logs the rest.
func axeCheck(tb *tab, moment string, frames ...string) {
	tb.t.Helper()
	src := loadAxe(tb.t)
	var ft *page.FrameTree
	tb.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		res, err := cdp.Call(ctx, t, page.GetFrameTree, cdp.Empty{})
		ft = res.FrameTree
		return err
	}))
	var all []*cdp.Frame
	var walk func(*page.FrameTree)
	walk = func(n *page.FrameTree) {
		all = append(all, n.Frame)
		for _, c := range n.ChildFrames {
			walk(c)
		}
	}
	walk(ft)
	yes := true
	for _, want := range frames {
		var frame *cdp.Frame
		for _, f := range all {
			if (want == "" && f.ParentID == "") || (want != "" && strings.Contains(f.URL, want)) {
				frame = f
			}
		}
		require.NotNil(tb.t, frame, "%s: no frame %q", moment, want)
		var out string
		tb.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			world, err := cdp.Call(ctx, t, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: frame.ID, WorldName: "axe"})
			if err != nil {
				return err
			}
			load, err := cdp.Call(ctx, t, runtime.Evaluate, runtime.EvaluateParams{Expression: src, ContextID: world.ExecutionContextID})
			if err != nil || load.ExceptionDetails != nil {
				return fmt.Errorf("loading axe: %v %v", err, load.ExceptionDetails)
			}
			res, err := cdp.Call(ctx, t, runtime.Evaluate, runtime.EvaluateParams{
				Expression: `axe.run(document, {iframes: false, resultTypes: ["violations"]})
					.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
						nodes: v.nodes.slice(0, 5).map(n => ({target: n.target, failureSummary: n.failureSummary}))}))))`,
				ContextID: world.ExecutionContextID, AwaitPromise: &yes, ReturnByValue: &yes})
			if err != nil || res.ExceptionDetails != nil {
				return fmt.Errorf("running axe: %v %v", err, res.ExceptionDetails)
			}
			return json.Unmarshal(res.Result.Value, &out)
		}))
		var vs []axeViolation
		require.NoError(tb.t, json.Unmarshal([]byte(out), &vs))
		where := moment
		if want != "" {
			where += " (" + want + ")"
		}
		for _, v := range vs {
			detail := ""
			for _, n := range v.Nodes {
				detail += fmt.Sprintf("\n    %v: %s", n.Target, n.Summary)
			}
			if v.Impact == "serious" || v.Impact == "critical" {
				tb.t.Errorf("axe, %s: %s %s — %s%s", where, v.Impact, v.ID, v.Help, detail)
			} else {
				tb.t.Logf("axe, %s: %s %s — %s%s", where, v.Impact, v.ID, v.Help, detail)
			}
		}
	}
}

// demoShot keeps screenshots at width×height when IMPSHIM_ARTIFACTS is set: the viewport, or
// with full the whole page as viewport-sized parts from the top down (name-1.png, name-2.png, …),
// each small enough to look at.
func demoShot(tb *tab, name string, width, height int64, full bool) {
	tb.t.Helper()
	if os.Getenv("IMPSHIM_ARTIFACTS") == "" {
		return
	}
	dir := filepath.Join(artifactsRoot(), unsafeName.ReplaceAllString(tb.t.Name(), "_"))
	require.NoError(tb.t, os.MkdirAll(dir, 0o755))
	file := func(suffix string) string {
		return filepath.Join(dir, fmt.Sprintf("%s-%dx%d%s.png", name, width, height, suffix))
	}
	if !full {
		require.NoError(tb.t, os.WriteFile(file(""), run(tb, chromedp.CaptureScreenshot()), 0o644))
		return
	}
	pageHeight := eval[int](tb, `document.documentElement.scrollHeight`)
	for i := 0; i*int(height) < pageHeight && i < 20; i++ {
		eval[bool](tb, fmt.Sprintf(`(scrollTo(0, %d), true)`, i*int(height)))
		require.NoError(tb.t, os.WriteFile(file(fmt.Sprintf("-%d", i+1)), run(tb, chromedp.CaptureScreenshot()), 0o644))
	}
	eval[bool](tb, `(scrollTo(0, 0), true)`)
}

func TestDemoLooksAndReads(t *testing.T) {
	tests := []struct {
		name          string
		width, height int64
		phone         bool
	}{
		{"desktop", 1400, 900, false},
		{"phone", 390, 844, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := demoLedgerSite(t)
			tb := newTab(t)
			if tc.phone {
				// A phone's user agent and touch, at scale 1 so the shots stay small enough to look at.
				tb.do(chromedp.Emulate(device.IPhone13), chromedp.EmulateViewport(tc.width, tc.height, chromedp.EmulateScale(1), chromedp.EmulateMobile, chromedp.EmulateTouch))
			} else {
				tb.do(chromedp.EmulateViewport(tc.width, tc.height))
			}
			openDemo(tb, site+"/")
			demoPoll(tb, "the server panel is drawn", `document.querySelector("#server").dataset.state === "on"`)
			axeCheck(tb, "first load", "")
			demoShot(tb, "1-first-load", tc.width, tc.height, true)

			demoType(tb, "#req-pg", "html5_inicis.MID-b")
			tb.do(chromedp.Click(chromedp.CSS("#pay")))
			run(tb, imptest.WaitWindow())
			demoShot(tb, "2-window-open", tc.width, tc.height, false)
			axeCheck(tb, "window open", "", "window.html")
			tb.do(imptest.Approve())
			demoPoll(tb, "paid", `document.querySelector("#response").dataset.state === "success"`)
			demoPoll(tb, "the ledger lists it", `document.querySelectorAll("#ledger-payments tbody tr").length === 1`)
			axeCheck(tb, "after a payment", "")
			demoShot(tb, "3-paid", tc.width, tc.height, true)
			for _, part := range []string{"#result", "#certify", "#server", "#ledger-payments"} {
				eval[bool](tb, `(document.querySelector(`+jsString(part)+`).scrollIntoView({block: "start"}), true)`)
				demoShot(tb, "4-"+strings.TrimPrefix(part, "#"), tc.width, tc.height, false)
			}
			assert.LessOrEqual(t, eval[int](tb, `document.documentElement.scrollWidth`), int(tc.width), "the page scrolls sideways")
		})
	}
}
