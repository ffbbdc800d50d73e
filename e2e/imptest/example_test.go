package imptest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/impshim/impshim/e2e/imptest"
)

// A merchant's checkout page (testdata/checkout.html) calls IMP.request_pay when "Buy" is
// clicked; the test clicks it, reads the mock window, approves, and checks what the page shows.
func Example() {
	shop := httptest.NewServer(teaShop())
	defer shop.Close()
	ctx, cancel, err := headlessChromium()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cancel()

	err = chromedp.Do(ctx,
		chromedp.Navigate(shop.URL+"/checkout.html"),
		chromedp.Click(chromedp.CSS("#buy")),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	win, err := chromedp.Run(ctx, imptest.WaitWindow())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("window:", win.PG, win.MID, win.AmountText)

	if err := chromedp.Do(ctx, imptest.Approve()); err != nil {
		fmt.Println(err)
		return
	}
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#status")))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(status)

	trace, err := chromedp.Run(ctx, imptest.LastTrace())
	if err != nil || trace == nil {
		fmt.Println("no trace", err)
		return
	}
	fmt.Println("rule:", trace.Rule, "setting:", trace.Setting.Index, trace.Setting.MID)
	// Output:
	// window: kakaopay MID-c ₩12,000
	// Paid: order-1001 (kakaopay)
	// rule: R2 setting: 2 MID-c
}

// teaShop serves the checkout page, the SDK at /sdk/ (from IMPSHIM_DIST, else the repository's
// dist/) and the merchant's PG settings at /sdk/merchants/<code>.json, where IMP.init looks.
func teaShop() http.Handler {
	dist := os.Getenv("IMPSHIM_DIST")
	if dist == "" {
		dist = filepath.Join("..", "..", "dist")
	}
	mux := http.NewServeMux()
	mux.Handle("/sdk/merchants/", http.StripPrefix("/sdk/merchants/", http.FileServer(http.Dir("testdata/merchants"))))
	mux.Handle("/sdk/", http.StripPrefix("/sdk/", http.FileServer(http.Dir(dist))))
	mux.Handle("/", http.FileServer(http.Dir("testdata")))
	return mux
}

// headlessChromium starts the browser named by IMPSHIM_BROWSER, else chromium on PATH, and
// bounds the example's steps to 30 seconds so a missing window fails instead of hanging.
func headlessChromium() (context.Context, context.CancelFunc, error) {
	exe := os.Getenv("IMPSHIM_BROWSER")
	if exe == "" {
		exe = "chromium"
	}
	path, err := exec.LookPath(exe)
	if err != nil {
		return nil, nil, fmt.Errorf("install Chromium: apt-get install -y chromium (or set IMPSHIM_BROWSER): %w", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.DisableGPU)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		return nil, nil, err
	}
	// The deadline goes on after the first Run: on that one it would stop the whole browser.
	steps, cancelSteps := context.WithTimeout(ctx, 30*time.Second)
	return steps, func() { cancelSteps(); cancel(); cancelAlloc() }, nil
}
