package imptest_test

import (
	"fmt"
	"net/http/httptest"

	"github.com/chromedp/chromedp"
	"github.com/impshim/impshim/e2e/imptest"
)

// The checkout page (testdata/cdn.html) ships the real SDK tag,
// <script src="https://cdn.iamport.kr/v1/iamport.js">, and is tested unchanged: Route answers
// that URL, and the files imp.js loads next to it, with impshim's.
func ExampleRoute() {
	shop := httptest.NewServer(teaShop())
	defer shop.Close()
	ctx, cancel, err := headlessChromium()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cancel()

	// Once per browser, before the first Navigate. Dist defaults to $IMPSHIM_DIST, else ./dist.
	if _, err := chromedp.Run(ctx, imptest.Route(imptest.SDK{Dist: distDir(), MerchantsDir: "testdata/merchants"})); err != nil {
		fmt.Println(err)
		return
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(shop.URL+"/cdn.html"),
		chromedp.Click(chromedp.CSS("#buy")), // the page calls IMP.request_pay
		imptest.Approve(),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	rsp, err := chromedp.Run(ctx, imptest.Answer()) // what the page's callback received
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rsp.Success, rsp.MerchantUID, rsp.PGProvider)
	// Output:
	// true order-1001 kakaopay
}
