package e2e

// Checkout pages written the way merchants write them (testdata/fixtures, issue 12), run unchanged:
// each loads the real SDK URL (answered by imptest.Route), the test clicks the page's own button,
// works the mock window and reads what the page itself shows.

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/device"
	"github.com/impshim/impshim/e2e/imptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ---- the merchant's server behind the fixture pages ----

var (
	orderSeq      atomic.Int64
	orderTemplate = sync.OnceValues(func() (*template.Template, error) {
		return template.ParseFiles(filepath.Join("testdata", "fixtures", "jquery-template", "order.html"))
	})
	// completions are the bodies the pages' callbacks POSTed to /fixtures/payments/complete.
	completions sync.Map // merchant_uid → map[string]string
)

// order is what the server template fills in, as a JSP/Thymeleaf/Django view gets its model.
type templateOrder struct {
	ShopName, MerchantCode, PG, MerchantUID, ItemName, AmountText string
	BuyerName, BuyerEmail, BuyerTel, BuyerAddr, BuyerPostcode     string
	Amount                                                        int
}

func serveFixture(w http.ResponseWriter, r *http.Request, name string) {
	switch name {
	case "jquery-template/order.html":
		tmpl, err := orderTemplate()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		pg := r.URL.Query().Get("pg")
		if pg == "" {
			pg = "html5_inicis"
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = tmpl.Execute(w, templateOrder{
			ShopName: "의자나라", MerchantCode: "imp10391932", PG: pg,
			MerchantUID: fmt.Sprintf("ORD%s-%07d", time.Now().Format("20060102"), orderSeq.Add(1)),
			ItemName:    "노르웨이 회전 의자", Amount: 64900, AmountText: "64,900",
			BuyerName: "홍길동", BuyerEmail: "gildong@gmail.com", BuyerTel: "010-4242-4242",
			BuyerAddr: "서울특별시 강남구 신사동", BuyerPostcode: "01181",
		})
	case "payments/complete", "certifications/confirm":
		// The docs' jQuery sample sends a form body under a JSON Content-Type; take either.
		raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		body := map[string]string{}
		if json.Unmarshal(raw, &body) != nil {
			form, _ := url.ParseQuery(string(raw))
			for k := range form {
				body[k] = form.Get(k)
			}
		}
		completions.Store(body["merchant_uid"], body)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "success", "imp_uid": body["imp_uid"]})
	default:
		if name == "" || strings.HasSuffix(name, "/") {
			name += "index.html" // an app's page at its folder's URL
		}
		serveFile(w, r, os.DirFS(filepath.Join("testdata", "fixtures")), name)
	}
}

// ---- driving a page ----

// fixtureTab opens a fixture page on a fresh tab, with a phone's user agent and screen when mobile.
func fixtureTab(t *testing.T, path string, mobile bool) *tab {
	tb := newTab(t)
	if mobile {
		tb.do(chromedp.Emulate(device.IPhone13))
	}
	tb.open(path)
	return tb
}

// click clicks the page's own button as a buyer does, once it is enabled.
func (tb *tab) click(sel string) {
	tb.t.Helper()
	tb.do(chromedp.WaitEnabled(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel)))
}

// textOf waits until the element has text and returns it.
func (tb *tab) textOf(sel string) string {
	tb.t.Helper()
	var text string
	require.Eventually(tb.t, func() bool {
		text = eval[string](tb, `(document.querySelector(`+jsString(sel)+`) || {}).textContent || ""`)
		return strings.TrimSpace(text) != ""
	}, tabTimeout, pollEvery, "%s never got any text", sel)
	return strings.TrimSpace(text)
}

// noPageErrors checks that the page's own scripts threw nothing and opened no dialog.
func noPageErrors(tb *tab) {
	tb.t.Helper()
	tb.snapshot("end")
	for _, l := range tb.consoleLines() {
		assert.False(tb.t, strings.HasPrefix(l, "exception:"), "the page threw: %s", l)
	}
	assert.Empty(tb.t, tb.dialogsSeen(), "the page opened a dialog")
}

// TestFixtureJQueryTemplate: a server-rendered order page with jQuery; the callback reports to the
// merchant's server with $.ajax, and a failure is an alert() as in the docs' sample.
func TestFixtureJQueryTemplate(t *testing.T) {
	t.Parallel()
	tb := fixtureTab(t, "/fixtures/jquery-template/order.html", false)
	orderNo := tb.textOf("#order_no")
	tb.click("#check_module")
	win := run(tb, imptest.WaitWindow())
	assert.Equal(t, "html5_inicis", win.PG)
	assert.Equal(t, "MID-a", win.MID, "the merchant file's default setting")
	assert.Equal(t, "₩64,900", win.AmountText)
	assert.Contains(t, win.Text, "노르웨이 회전 의자")
	tb.snapshot("jquery-window")
	tb.do(imptest.Approve())
	rsp := run(tb, imptest.Answer())
	require.True(t, rsp.Success, "%+v", rsp.Raw)
	assert.Equal(t, orderNo, rsp.MerchantUID)
	assert.Equal(t, "01181", rsp.BuyerPostcode)
	shown := tb.textOf("#pay_result")
	assert.Equal(t, "결제가 완료되었습니다. 승인번호: "+rsp.ApplyNum+" / 서버: success", shown)
	sent, ok := completions.Load(orderNo)
	require.True(t, ok, "the page never reported to its server")
	assert.Equal(t, rsp.ImpUID, sent.(map[string]string)["imp_uid"])
	noPageErrors(tb)

	// A failed payment: the page's alert() with the SDK's error message.
	tb.open("/fixtures/jquery-template/order.html")
	tb.click("#check_module")
	tb.do(imptest.Fail())
	fail := run(tb, imptest.Answer())
	assert.Equal(t, "PG_FAILED", fail.ErrorCode)
	assert.Equal(t, "결제에 실패하였습니다. 에러내용: "+fail.ErrorMsg, tb.textOf("#pay_result"))
	require.Eventually(t, func() bool { return len(tb.dialogsSeen()) == 1 }, tabTimeout, pollEvery)
	assert.Equal(t, "alert: 결제에 실패하였습니다. 에러내용: "+fail.ErrorMsg, tb.dialogsSeen()[0])
}

// TestFixtureConstIMP: a classic script that starts with a top-level const IMP = window.IMP.
func TestFixtureConstIMP(t *testing.T) {
	t.Parallel()
	tb := fixtureTab(t, "/fixtures/const-imp/checkout.html", false)
	tb.click("button")
	win := run(tb, imptest.WaitWindow())
	assert.Equal(t, "kakaopay", win.PG)
	assert.Equal(t, "MID-c", win.MID)
	tb.do(imptest.Approve())
	rsp := run(tb, imptest.Answer())
	require.True(t, rsp.Success, "%+v", rsp.Raw)
	assert.Equal(t, "결제 성공: kakaopay 64900원 ("+rsp.ImpUID+")", tb.textOf("#message"))
	noPageErrors(tb)
}

// TestFixtureReact: a React component that injects the SDK's script tag and initialises with a
// merchant code the sandbox has no file for (the built-in sandbox merchant answers), sending the
// amount as a string and buyer_postalcode for buyer_postcode, as many shops do.
func TestFixtureReact(t *testing.T) {
	t.Parallel()
	tb := fixtureTab(t, "/fixtures/react/", false)
	tb.click("#pay")
	win := run(tb, imptest.WaitWindow())
	assert.Equal(t, "html5_inicis", win.PG)
	assert.Equal(t, "html5_inicis_sandbox", win.MID, "the built-in sandbox merchant")
	assert.Equal(t, "₩1,000", win.AmountText)
	tb.do(imptest.Approve())
	rsp := run(tb, imptest.Answer())
	require.True(t, rsp.Success, "%+v", rsp.Raw)
	assert.Equal(t, map[string]any{"name": "부가정보", "desc": "세부 부가정보"}, rsp.CustomData)
	assert.Equal(t, fmt.Sprintf("결제 성공: %s card 1000원 (paid, %s)", rsp.MerchantUID, rsp.ImpUID), tb.textOf("#result"))
	tr := run(tb, imptest.LastTrace())
	require.NotNil(t, tr)
	assert.Contains(t, warningCodes(*tr), "AMOUNT_AS_STRING", "the string amount is accepted, with a warning")
	// The page's buyer_postalcode (a common misspelling) is said, with the name it means.
	assert.True(t, waitLine(tb, `PARAM_MISSPELLED: param \"buyer_postalcode\" is not one the SDK knows: did you mean \"buyer_postcode\"?`),
		"console: %q", tb.consoleLines())
	noPageErrors(tb)
}

// TestFixtureVue: a Vue component that loads the SDK in mounted(); the buyer picks the method.
func TestFixtureVue(t *testing.T) {
	t.Parallel()
	tb := fixtureTab(t, "/fixtures/vue/", false)
	tb.do(chromedp.SetValue(chromedp.CSS("#method"), "trans"))
	eval[any](tb, `document.querySelector("#method").dispatchEvent(new Event("change"))`)
	tb.click("#pay")
	win := run(tb, imptest.WaitWindow())
	assert.Equal(t, "MID-a", win.MID)
	assert.Equal(t, "₩12,000", win.AmountText)
	assert.Contains(t, win.Text, "(trans)", "the method the buyer chose")
	tb.do(imptest.Cancel())
	rsp := run(tb, imptest.Answer())
	assert.Equal(t, "결제 실패 USER_CANCEL "+rsp.ErrorMsg, tb.textOf("#result"))
	tb.click("#pay")
	tb.do(imptest.Approve())
	rsp = run(tb, imptest.Answer())
	require.True(t, rsp.Success, "%+v", rsp.Raw)
	assert.Equal(t, "결제 성공 trans html5_inicis 12000", tb.textOf("#result"))
	noPageErrors(tb)
}

// TestFixtureVbank: a virtual account is issued, the page shows it and "waiting for the deposit".
func TestFixtureVbank(t *testing.T) {
	t.Parallel()
	tb := newTab(t)
	// A buyer in Korea: the page computes its vbank_due ("YYYYMMDDhhmm", three days on) in local time.
	_, err := chromedp.Call(tb.ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Seoul"})
	require.NoError(t, err)
	tb.open("/fixtures/vbank/vbank.html")
	tb.click("#vbank")
	tb.do(imptest.Approve())
	rsp := run(tb, imptest.Answer())
	require.True(t, rsp.Success, "%+v", rsp.Raw)
	assert.Equal(t, "ready", rsp.Status)
	assert.Equal(t, "입금 대기중", tb.textOf("#status"))
	assert.Equal(t, rsp.VbankNum, tb.textOf("#num"))
	assert.Equal(t, rsp.VbankName, tb.textOf("#bank"))
	assert.Equal(t, rsp.VbankHolder, tb.textOf("#holder"))
	assert.NotContains(t, tb.textOf("#due"), "Invalid Date", "vbank_date is unix seconds: %v", rsp.Raw["vbank_date"])
	// vbank_date is the due date the page asked for.
	asked := eval[string](tb, `dueDate()`)
	got := eval[string](tb, `(() => { const d = new Date(`+fmt.Sprint(rsp.Raw["vbank_date"])+` * 1000);
		return "" + d.getFullYear() + pad(d.getMonth() + 1) + pad(d.getDate()) + pad(d.getHours()) + pad(d.getMinutes()); })()`)
	assert.Equal(t, asked, got, "vbank_date against the page's vbank_due")
	noPageErrors(tb)
}

// TestFixtureBillingKey: card registration (amount 0, customer_uid) on the subscription MID.
func TestFixtureBillingKey(t *testing.T) {
	t.Parallel()
	tb := fixtureTab(t, "/fixtures/billing/billing.html", false)
	tb.click("#register")
	win := run(tb, imptest.WaitWindow())
	assert.Equal(t, "MID-b", win.MID)
	assert.Contains(t, win.Text, "customer_1024")
	tb.do(imptest.Approve())
	rsp := run(tb, imptest.Answer())
	require.True(t, rsp.Success, "%+v", rsp.Raw)
	assert.Equal(t, "빌링키 발급 성공: customer_1024", tb.textOf("#status"))
	tr := run(tb, imptest.LastTrace())
	require.NotNil(t, tr)
	assert.Empty(t, tr.Warnings, "a billing key on the subscription MID warns of nothing")
	noPageErrors(tb)
}

// TestFixtureMobileRedirect: on a phone the page goes to its relative m_redirect_url (resolved
// against the page, as a navigation would), whose page reads the
// result from the query; on a desktop the same page gets its callback.
func TestFixtureMobileRedirect(t *testing.T) {
	t.Parallel()
	t.Run("phone", func(t *testing.T) {
		t.Parallel()
		tb := fixtureTab(t, "/fixtures/mobile/mobile.html", true)
		tb.click("#buy")
		tb.do(imptest.Approve())
		require.Eventually(t, func() bool {
			loc, err := chromedp.Run(tb.ctx, chromedp.Location())
			return err == nil && strings.Contains(loc, "/fixtures/mobile/complete.html")
		}, tabTimeout, pollEvery, "the page never went to m_redirect_url")
		assert.Equal(t, "결제가 완료되었습니다", tb.textOf("#title"))
		assert.Regexp(t, `^주문번호 mobile_\d+ · 결제번호 imps?_\d{12} · mobile$`, tb.textOf("#detail"))
	})
	t.Run("desktop", func(t *testing.T) {
		t.Parallel()
		tb := fixtureTab(t, "/fixtures/mobile/mobile.html", false)
		tb.click("#buy")
		tb.do(imptest.Approve())
		assert.Equal(t, "결제 완료", tb.textOf("#message"))
		loc, err := chromedp.Run(tb.ctx, chromedp.Location())
		require.NoError(t, err)
		assert.Contains(t, loc, "/fixtures/mobile/mobile.html", "a desktop stays on the page")
	})
}

// TestFixturePayPalButtons: a PayPal Smart Payment Buttons page (IMP.loadUI, which impshim does not
// simulate) keeps running: its callback gets an error that says so, the rest of its script runs,
// and changing the amount (IMP.updateLoadUIRequest) throws nothing.
func TestFixturePayPalButtons(t *testing.T) {
	t.Parallel()
	tb := fixtureTab(t, "/fixtures/paypal-spb/checkout.html", false)
	result := tb.textOf("#result")
	assert.True(t, strings.HasPrefix(result, "PayPal is unavailable: "), "%s", result)
	assert.Contains(t, result, "IMP.loadUI is not simulated")
	assert.Equal(t, "yes", eval[string](tb, `document.getElementById("shipping").dataset.checked || ""`), "the page's script stopped at IMP.loadUI")
	tb.do(chromedp.SetValue(chromedp.CSS("#amount"), "30"))
	eval[any](tb, `document.getElementById("amount").dispatchEvent(new Event("change"))`)
	assert.True(t, waitLine(tb, "[impshim] IMP.updateLoadUIRequest is not simulated"))
	noPageErrors(tb)
}

// TestFixtureCertification: a sign-up page verifies the buyer with IMP.certification (a popup on
// a PC, cft.mdx), then tells its server the imp_uid; a minor the buyer picks is refused through the callback.
func TestFixtureCertification(t *testing.T) {
	t.Parallel()
	tb := fixtureTab(t, "/fixtures/certification/signup.html", false)
	tb.click("#verify")
	win := run(tb, imptest.WaitWindow())
	assert.Equal(t, "popup", win.Mode, "a PC opens the popup the page asks for")
	tb.do(imptest.Approve())
	status := tb.textOf("#status")
	assert.Regexp(t, `^본인인증 완료: imps?_\d{12}$`, status)
	impUID := strings.TrimPrefix(status, "본인인증 완료: ")
	told := false
	completions.Range(func(_, body any) bool {
		told = told || body.(map[string]string)["imp_uid"] == impUID
		return !told
	})
	assert.True(t, told, "the page never told its server the imp_uid")
	noPageErrors(tb)

	// A minor, chosen in the window by the buyer, is refused by the page's min_age: the page's alert.
	tb.open("/fixtures/certification/signup.html")
	tb.click("#verify")
	run(tb, imptest.WaitWindow())
	inPopup(tb, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("[data-impshim=identity]")[1].click()`))
	tb.do(imptest.Approve())
	status = tb.textOf("#status")
	assert.True(t, strings.HasPrefix(status, "인증 실패: "), "%s", status)
	require.Eventually(t, func() bool { return len(tb.dialogsSeen()) == 1 }, tabTimeout, pollEvery)
	assert.Equal(t, "alert: 인증에 실패하였습니다. 에러 내용: "+strings.TrimPrefix(status, "인증 실패: "), tb.dialogsSeen()[0])
}
