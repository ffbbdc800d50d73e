package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
	"github.com/impshim/impshim/e2e/imptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// absent marks a request without a pg field.
type absentPG struct{}

// seedExample is one pg value with the setting, rule and warnings it must give.
// seedCases are every example of the seed page and of SPEC §4, against the seed's three settings:
// index 0 html5_inicis/MID-a (general, default), 1 html5_inicis/MID-b (subscription), 2 kakaopay/MID-c.
type seedExample struct {
	name     string
	pg       any
	index    int
	code     string // the chosen setting's pg
	mid      string
	rule     string
	warnings []string // exact codes, in order
	message  string   // a substring of the first warning's message
}

var seedCases = []seedExample{
	{"kakaopay", "kakaopay", 2, "kakaopay", "MID-c", "R2", nil, ""},
	{"html5_inicis", "html5_inicis", 0, "html5_inicis", "MID-a", "R2", nil, ""},
	{"html5_inicis.MID-a", "html5_inicis.MID-a", 0, "html5_inicis", "MID-a", "R1", nil, ""},
	{"html5_inicis.MID-b", "html5_inicis.MID-b", 1, "html5_inicis", "MID-b", "R1", nil, ""},
	{"nice", "nice", 0, "html5_inicis", "MID-a", "R3", []string{"PG_NOT_CONFIGURED", "FELL_BACK_TO_DEFAULT"}, "nice"},
	{"kakaopay.MID-x", "kakaopay.MID-x", 0, "html5_inicis", "MID-a", "R3", []string{"MID_NOT_FOUND", "FELL_BACK_TO_DEFAULT"}, "MID-x"},
	{"empty", "", 0, "html5_inicis", "MID-a", "R3", []string{"PG_MISSING", "FELL_BACK_TO_DEFAULT"}, ""},
	{"absent", absentPG{}, 0, "html5_inicis", "MID-a", "R3", []string{"PG_MISSING", "FELL_BACK_TO_DEFAULT"}, ""},
	{"html_inicis typo", "html_inicis", 0, "html5_inicis", "MID-a", "R3", []string{"PG_UNKNOWN_CODE", "FELL_BACK_TO_DEFAULT"}, `did you mean "html5_inicis"?`},
	{"trailing dot", "html5_inicis.", 0, "html5_inicis", "MID-a", "R2", nil, ""},
	{"case differs", "KakaoPay", 0, "html5_inicis", "MID-a", "R3", []string{"PG_UNKNOWN_CODE", "FELL_BACK_TO_DEFAULT"}, `did you mean "kakaopay"?`},
}

// TestSeedScenarios runs every seed case through request_pay in each mode. One tab per mode runs
// the cases in turn (a page load per case only in redirect mode, which navigates away), so the
// suite pays for 3 tabs, not 33.
func TestSeedScenarios(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"iframe", "popup", "redirect"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			tb := newTab(t)
			if mode == "redirect" {
				tb.do(chromedp.Emulate(device.IPhone13))
			}
			for _, c := range seedCases {
				t.Run(c.name, func(t *testing.T) {
					tb.t = t
					seedCase(tb, mode, c)
				})
			}
		})
	}
}

// seedCase pays for one seed case in a mode, on a fresh page load or the page the last case left.
func seedCase(tb *tab, mode string, c seedExample) {
	t := tb.t
	if mode == "redirect" || eval[bool](tb, `!window.shop`) {
		tb.open("/shop/checkout.html")
		configure(tb, seedConfig("imp10391932"))
	} else {
		eval[any](tb, `IMP.close()`) // a case that failed halfway may have left its window open
	}

	params := order(t, nil)
	switch pg := c.pg.(type) {
	case absentPG:
		delete(params, "pg")
	default:
		params["pg"] = pg
	}
	switch mode {
	case "popup":
		params["popup"] = true
	case "redirect":
		params["m_redirect_url"] = siteURL + "/shop/landing.html?from=shop"
	}
	mark := tb.consoleMark()
	tb.do(imptest.Pay(params))

	win := run(tb, imptest.WaitWindow())
	wantMode := mode
	if mode == "redirect" {
		wantMode = "iframe"
	}
	assert.Equal(t, wantMode, win.Mode, "where the window shows")
	assert.Equal(t, c.code, win.PG, "[data-impshim=pg] data-code")
	assert.Equal(t, c.mid, win.MID, "[data-impshim=mid]")
	assert.NotEmpty(t, win.PGName, "[data-impshim=pg] text")
	assert.Contains(t, win.Text, "SANDBOX")

	tr := run(tb, imptest.LastTrace())
	require.NotNil(t, tr, "lastTrace() is null with a window open")
	assert.Equal(t, c.rule, tr.Rule, "rule")
	assert.Equal(t, c.rule == "R3", tr.Fallback, "fallback")
	assert.Equal(t, c.index, tr.Setting.Index, "setting.index")
	assert.Equal(t, c.mid, tr.Setting.MID, "setting.mid")
	assert.Equal(t, c.code, tr.Setting.PG, "setting.pg")
	assert.Equal(t, c.warnings, warningCodes(*tr), "warnings: %+v", tr.Warnings)
	if s, ok := c.pg.(string); ok {
		assert.Equal(t, s, tr.Input, "input")
	}
	if c.rule != "R3" {
		// Console order is list order here (the default is first): every setting before the
		// chosen one was considered and passed over, with the reason.
		seen := map[int]bool{}
		for _, cons := range tr.Considered {
			seen[cons.Index] = true
			assert.LessOrEqual(t, cons.Index, c.index, "considered past the chosen setting: %+v", tr.Considered)
			if cons.Index != c.index {
				assert.NotEmpty(t, cons.WhyNot, "considered[%d].why_not", cons.Index)
			}
		}
		for i := 0; i < c.index; i++ {
			assert.True(t, seen[i], "setting %d comes before the chosen one but is not in considered: %+v", i, tr.Considered)
		}
	}
	if c.rule == "R3" {
		assert.Len(t, tr.Considered, 3, "R3 considers every setting")
		for _, cons := range tr.Considered {
			assert.NotEmpty(t, cons.WhyNot, "considered[%d].why_not", cons.Index)
		}
		if c.message != "" && len(tr.Warnings) > 0 {
			assert.Contains(t, tr.Warnings[0].Message, c.message)
		}
	}
	// This request's warnings reach console.warn, each once; a request without any writes none.
	var written []string
	for _, l := range tb.consoleSince(mark) {
		if code, ok := strings.CutPrefix(l, "console.warning: [impshim] "); ok {
			code, _, _ = strings.Cut(code, ":")
			written = append(written, code)
		}
	}
	assert.Equal(t, c.warnings, written, "the console.warn lines of this request")
	if c.name == "html5_inicis.MID-b" {
		tb.snapshot("window-" + mode)
	}

	tb.do(imptest.Approve())
	if mode == "redirect" {
		q := landing(tb)
		assert.Equal(t, "shop", q.Get("from"), "m_redirect_url's own query must be kept")
		assert.Equal(t, "true", q.Get("imp_success"))
		assert.Equal(t, params["merchant_uid"], q.Get("merchant_uid"))
		assert.Regexp(t, `^imp_\d{12}$`, q.Get("imp_uid"))
		assert.False(t, q.Has("error_code"), "error_code on success: %v", q)
		return
	}
	resp := run(tb, imptest.Result())
	assert.True(t, resp.Success, "response: %+v", resp.Raw)
	assert.Equal(t, c.code, resp.PGProvider, "pg_provider")
	if mode == "popup" {
		assert.Empty(t, tb.popups(), "the popup must close when the payment completes")
	}
}

// landing waits for the redirect landing page and returns the query string it parsed.
func landing(tb *tab) url.Values {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 15*time.Second)
	defer cancel()
	for {
		// Evaluations fail while the page navigates; keep asking.
		m, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](`window.landing || null`))
		if err == nil && m != nil {
			q := url.Values{}
			for k, v := range m {
				q.Set(k, v)
			}
			return q
		}
		select {
		case <-ctx.Done():
			loc, _ := chromedp.Run(tb.ctx, chromedp.Location())
			tb.t.Fatalf("the page never reached m_redirect_url's landing page; it is at %s", loc)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func consoleHas(tb *tab, s string) bool {
	for _, l := range tb.consoleLines() {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}
