package e2e

// The SDK's overlay window for a keyboard and screen-reader user (issue 19): a modal dialog that
// takes focus on its primary button, keeps Tab inside, gives focus back to the Pay button when it
// closes, and announces the result on the merchant page.

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/impshim/impshim/e2e/imptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// focusJS describes where keyboard focus is: on the merchant page, or inside the overlay's
// window (same origin on the test site, so its document is readable).
const focusJS = `(() => {
  const a = document.activeElement;
  if (a && a.tagName === 'IFRAME') {
    const inner = a.contentDocument && a.contentDocument.activeElement;
    const sheet = a.contentDocument && a.contentDocument.querySelector('.sheet');
    const name = inner ? (inner.dataset.impshim || inner.className || inner.tagName) : 'none';
    return 'window:' + (sheet && sheet.contains(inner) ? name : 'outside:' + name);
  }
  return 'page:' + (a ? (a.id || a.tagName) : 'none');
})()`

func TestBridgeOverlayKeyboard(t *testing.T) {
	t.Parallel()
	tb := newTab(t)
	tb.open("/shop/checkout.html")
	configure(tb, seedConfig("imp10391932"))
	eval[bool](tb, `window.shop.params = {pg: 'kakaopay', amount: 12000, name: '키보드 주문', merchant_uid: 'kbd_' + Date.now()}, true`)

	// A keyboard user: focus Pay and press Enter.
	tb.do(chromedp.Focus(chromedp.CSS("#pay")), chromedp.KeyEvent("\r"))
	run(tb, imptest.WaitWindow())
	require.Equal(t, "window:approve", pollFocus(tb, "window:approve"), "focus lands on the primary button")
	role := eval[[]string](tb, `(() => { const s = document.querySelector('iframe').contentDocument.querySelector('[data-impshim=window]'); return [s.getAttribute('role'), s.getAttribute('aria-modal'), s.getAttribute('aria-labelledby')]; })()`)
	assert.Equal(t, []string{"dialog", "true", "pg-name"}, role)
	tb.snapshot("overlay-focused")

	seen := map[string]bool{}
	for i := 0; i < 12; i++ {
		tb.do(chromedp.KeyEvent("\t"))
		where := eval[string](tb, focusJS)
		require.True(t, strings.HasPrefix(where, "window:") && !strings.Contains(where, "outside"), "Tab %d left the window: %s", i+1, where)
		seen[where] = true
	}
	for _, b := range []string{"window:close", "window:cancel", "window:fail", "window:approve"} {
		assert.True(t, seen[b], "Tab never reached %s (saw %v)", b, seen)
	}
	tb.do(chromedp.KeyEvent("\t", chromedp.KeyModifiers(chromedp.ModifierShift)))
	assert.True(t, strings.HasPrefix(eval[string](tb, focusJS), "window:"), "Shift+Tab stays in the window")

	// A click on the page behind does not take focus out of the modal window.
	eval[bool](tb, `document.getElementById('pay').focus(), true`)
	assert.True(t, strings.HasPrefix(pollFocus(tb, "window:"), "window:"), "focus goes back into the window")

	// Approve with the keyboard: back to Pay, and the result is announced.
	for range 6 {
		if eval[string](tb, focusJS) == "window:approve" {
			break
		}
		tb.do(chromedp.KeyEvent("\t"))
	}
	require.Equal(t, "window:approve", eval[string](tb, focusJS))
	tb.do(chromedp.KeyEvent("\r"))
	resp := waitShopResponse(tb)
	assert.Equal(t, true, resp["success"])
	assert.Equal(t, "page:pay", pollFocus(tb, "page:pay"), "focus returns to the Pay button")
	live := eval[[]string](tb, `(() => { const l = document.querySelector('[data-impshim=status]'); return l ? [l.getAttribute('role'), l.getAttribute('aria-live'), l.textContent] : []; })()`)
	assert.Equal(t, []string{"status", "polite", "테스트 결제가 승인되었습니다."}, live)
	tb.snapshot("after-approve")
}

func TestBridgeOverlayAnnouncesLongFailure(t *testing.T) {
	t.Parallel()
	tb := newTab(t)
	tb.open("/shop/checkout.html")
	configure(tb, seedConfig("imp10391932"))
	long := "카드 한도가 초과되었습니다. " + strings.Repeat("The issuer declined the card for this amount. ", 12) + "END"
	tb.do(imptest.SetOutcome(imptest.Outcome{Result: "failed", ErrorCode: "F400", ErrorMsg: long, DelayMS: new(0)}))
	tb.do(imptest.Pay(map[string]any{"amount": 1000, "language": "en", "merchant_uid": "long_" + time.Now().Format("150405.000")}))
	resp := run(tb, imptest.Result())
	assert.Equal(t, long, resp.ErrorMsg)
	assert.Equal(t, "Payment failed: "+long, eval[string](tb, `document.querySelector('[data-impshim=status]').textContent`))
}

// pollFocus waits (bounded) until focusJS starts with want, and returns the last answer.
func pollFocus(tb *tab, want string) string {
	tb.t.Helper()
	var where string
	for i := 0; i < 100; i++ {
		where = eval[string](tb, focusJS)
		if strings.HasPrefix(where, want) {
			return where
		}
		time.Sleep(20 * time.Millisecond)
	}
	return where
}

// waitShopResponse waits for the shop page's first callback.
func waitShopResponse(tb *tab) map[string]any {
	tb.t.Helper()
	return run(tb, chromedp.Poll[map[string]any](`window.shop.responses[0]`, chromedp.WithPollingTimeout(20*time.Second)))
}

// TestBridgeWindowLooks opens the window the way merchants' buyers see it — desktop and phone,
// Korean and English, card, simple pay, vbank — and checks that it fits the viewport with every
// button on screen. The screenshots (IMPSHIM_ARTIFACTS) are for a person to look at.
func TestBridgeWindowLooks(t *testing.T) {
	t.Parallel()
	tb := newTab(t)
	tb.open("/shop/checkout.html")
	configure(tb, seedConfig("imp10391932"))
	cases := []struct {
		name          string
		width, height int64
		params        map[string]any
		method        string
	}{
		{"desktop-card-ko", 1400, 900, map[string]any{"pg": "html5_inicis", "pay_method": "trans", "amount": 54000, "name": "겨울 코트 외 2건", "buyer_name": "홍길동", "buyer_email": "gildong@example.kr", "buyer_tel": "010-1234-5678"}, "실시간계좌이체 (trans)"},
		{"desktop-kakaopay-en", 1400, 900, map[string]any{"pg": "kakaopay", "amount": 12000, "name": "Winter coat", "language": "en"}, "Chosen in Kakao Pay (simple pay)"},
		{"phone-vbank-ko", 390, 844, map[string]any{"pg": "html5_inicis", "pay_method": "vbank", "amount": 1000, "name": "아주 긴 주문명이 들어가는 경우에도 잘리지 않고 줄바꿈이 되어야 합니다 — 상품 A, 상품 B, 상품 C"}, "가상계좌 (vbank)"},
		{"phone-billing-en", 390, 844, map[string]any{"pg": "html5_inicis.MID-b", "amount": 0, "customer_uid": "cust_0001", "name": "Monthly plan", "language": "en"}, "Credit card (card)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tb.t = t
			_, err := chromedp.Call(tb.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: c.width, Height: c.height, DeviceScaleFactor: 1, Mobile: c.width < 500})
			require.NoError(t, err)
			c.params["merchant_uid"] = c.name + "_" + time.Now().Format("150405.000000")
			tb.do(imptest.Pay(c.params))
			run(tb, imptest.WaitWindow())
			fit := eval[map[string]any](tb, `(() => {
			  const d = document.querySelector('iframe').contentDocument;
			  const w = d.defaultView;
			  const r = d.querySelector('[data-impshim=window]').getBoundingClientRect();
			  const onScreen = ['approve', 'fail', 'cancel'].every((b) => { const q = d.querySelector('[data-impshim=' + b + ']').getBoundingClientRect(); return q.left >= 0 && q.right <= w.innerWidth && q.width > 40; });
			  return {inside: r.left >= 0 && r.right <= w.innerWidth && r.top >= 0, onScreen, method: d.querySelector('[data-field=pay_method]').textContent};
			})()`)
			assert.Equal(t, true, fit["inside"], "the window fits the viewport")
			assert.Equal(t, true, fit["onScreen"], "every button on screen")
			assert.Equal(t, c.method, fit["method"])
			tb.snapshot(c.name)
			tb.do(imptest.Cancel())
			assert.Equal(t, "USER_CANCEL", run(tb, imptest.Result()).ErrorCode)
		})
	}
}

// display.card_quota (issue 12): the window offers 일시불 and each plan; the buyer's choice is the
// response's card_quota.
func TestBridgeWindowInstallments(t *testing.T) {
	t.Parallel()
	tb := newTab(t)
	tb.open("/shop/checkout.html")
	configure(tb, seedConfig("imp10391932"))
	tb.do(imptest.Pay(order(t, map[string]any{"amount": 60000, "display": map[string]any{"card_quota": []int{2, 3, 6}}})))
	run(tb, imptest.WaitWindow())
	opts := eval[[]string](tb, `Array.from(document.querySelector('iframe').contentDocument.querySelectorAll('[data-impshim=card_quota] option'), (o) => o.value + ':' + o.textContent)`)
	assert.Equal(t, []string{"0:일시불", "2:2개월", "3:3개월", "6:6개월"}, opts)
	eval[bool](tb, `(() => { const s = document.querySelector('iframe').contentDocument.querySelector('[data-impshim=card_quota]'); s.value = '3'; return true; })()`)
	tb.snapshot("installments")
	tb.do(imptest.Approve())
	resp := run(tb, imptest.Result())
	require.True(t, resp.Success, "%v", resp.Raw)
	assert.Equal(t, float64(3), resp.Raw["card_quota"])
}
