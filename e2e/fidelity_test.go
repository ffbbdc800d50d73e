package e2e

// Issue 12's points that fixture pages alone do not reach: the SDK served by make run's server to
// a page of another origin, and documented requests the sandbox used to refuse.

import (
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/impshim/impshim/e2e/imptest"
	"github.com/impshim/impshim/web"
	"github.com/stretchr/testify/assert"
)

// TestFidelitySDKFromTheServerOnAnotherOrigin: a page loads imp.js from make run's server on
// another origin, as the README suggests, and IMP.init finds the server's merchant file.
func TestFidelitySDKFromTheServerOnAnotherOrigin(t *testing.T) {
	t.Parallel()
	payWithSDKFromServer(t, "imp10391932", "html5_inicis.MID-b", "MID-b")
}

// payWithSDKFromServer pays on a page of the test site whose imp.js comes from a make run server
// (another origin), after IMP.init(code): the window must show the given MID.
func payWithSDKFromServer(t *testing.T, code, pg, mid string) {
	srv := httptest.NewServer(web.New(web.Options{Dist: distDir}))
	t.Cleanup(srv.Close)
	tb := newTab(t)
	tb.open("/shop/checkout.html?sdk=" + url.QueryEscape(srv.URL+"/sdk/"))
	eval[any](tb, `IMP.init(`+jsString(code)+`)`)
	tb.do(imptest.Pay(order(t, map[string]any{"pg": pg})))
	win := windowOrFail(tb)
	assert.Equal(t, mid, win.MID)
	tb.do(imptest.Approve())
	assert.True(t, run(tb, imptest.Result()).Success)
}

// windowOrFail waits for the window of the last imptest.Pay; an answer that comes instead (the
// request was refused) fails the test with that answer.
func windowOrFail(tb *tab) imptest.Window {
	tb.t.Helper()
	for deadline := time.Now().Add(tabTimeout); time.Now().Before(deadline); time.Sleep(pollEvery) {
		if callbackCount(tb) > 0 {
			resp := run(tb, imptest.Result())
			tb.t.Fatalf("refused instead of opening a window: %s: %s", resp.ErrorCode, resp.ErrorMsg)
		}
		if run(tb, imptest.Visible()) {
			return run(tb, imptest.WaitWindow())
		}
	}
	tb.t.Fatal("neither a window nor an answer")
	return imptest.Window{}
}
