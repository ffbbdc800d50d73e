package e2e

import (
	"testing"
	"time"

	"github.com/impshim/impshim/e2e/imptest"
)

func TestZZTiming(t *testing.T) {
	t0 := time.Now()
	lap := func(s string) { t.Logf("%-10s %v", s, time.Since(t0)); t0 = time.Now() }
	tb := newTab(t)
	lap("tab")
	tb.open("/shop/checkout.html")
	lap("open")
	tb.do(imptest.Ready())
	lap("ready")
	configure(tb, seedConfig("imp10391932"))
	lap("configure")
	tb.do(imptest.Pay(order(t, nil)))
	lap("pay")
	run(tb, imptest.WaitWindow())
	lap("window")
	tb.do(imptest.Approve())
	lap("approve")
	run(tb, imptest.Result())
	lap("result")
	tb.open("/shop/checkout.html")
	tb.do(imptest.Ready())
	lap("reopen")
}
