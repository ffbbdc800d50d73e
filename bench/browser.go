package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"

	"github.com/chromedp/chromedp"
)

var errNoBrowser = errors.New("make bench needs Chromium: run 'sudo apt-get install -y chromium' " +
	"(or 'make browser' as root), or set IMPSHIM_BROWSER=/path/to/chrome")

// findBrowser finds the browser the same way the e2e tests do: IMPSHIM_BROWSER,
// else chromium (or a Chrome) on PATH.
func findBrowser() (string, error) {
	if b := strings.TrimSpace(os.Getenv("IMPSHIM_BROWSER")); b != "" {
		p, err := exec.LookPath(b)
		if err != nil {
			return "", errors.New("IMPSHIM_BROWSER=" + b + " is not an executable: " + err.Error())
		}
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errNoBrowser
}

func browserVersion(bin string) string {
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// startBrowser starts headless Chromium with the project's flags and returns a
// context whose child contexts (chromedp.NewContext) are new tabs.
func startBrowser(parent context.Context, bin string) (context.Context, context.CancelFunc, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	cancel := func() { cancelCtx(); cancelAlloc() }
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		return nil, nil, errors.New("starting " + bin + ": " + err.Error())
	}
	return ctx, cancel, nil
}
