package imptest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/e2e/imptest"
	"github.com/impshim/impshim/ledger"
	"github.com/impshim/impshim/web"
	"github.com/impshim/impshim/web/merchants"
)

// The same table drives npm/index.js's route (npm/test/package.test.mjs).
func TestRouteOf(t *testing.T) {
	raw, err := os.ReadFile("testdata/routes.json")
	require.NoError(t, err)
	var cases []struct {
		URL  string         `json:"url"`
		Want *imptest.Place `json:"want"`
	}
	require.NoError(t, json.Unmarshal(raw, &cases))
	require.Greater(t, len(cases), 10)
	for _, c := range cases {
		got, ok := imptest.RouteOf(c.URL)
		if c.Want == nil {
			assert.False(t, ok, c.URL)
			continue
		}
		if assert.True(t, ok, c.URL) {
			assert.Equal(t, *c.Want, got, c.URL)
		}
	}
}

func FuzzRouteOf(f *testing.F) {
	for _, s := range []string{"https://cdn.iamport.kr/v1/iamport.js", "https://cdn.iamport.kr/v1/merchants/%zz.json", "http://service.iamport.kr/js/../js/x", "https://cdn.iamport.kr:99999/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok := imptest.RouteOf(s)
		if ok && p.Kind == "" {
			t.Fatalf("%q: a place without a kind", s)
		}
	})
}

// A page that ships the real SDK tag, unchanged: Route answers the CDN URL with impshim.
func TestRouteUnchangedPages(t *testing.T) {
	shop := httptest.NewServer(teaShop())
	defer shop.Close()
	ctx, cancel, err := headlessChromium()
	require.NoError(t, err)
	defer cancel()

	routed, err := chromedp.Run(ctx, imptest.Route(imptest.SDK{Dist: distDir(), MerchantsDir: "testdata/merchants"}))
	require.NoError(t, err)
	_, err = chromedp.Run(ctx, imptest.Route(imptest.SDK{Dist: distDir()}))
	require.ErrorContains(t, err, "Route was already called for this browser")

	// The overlay: the window is in an iframe of https://cdn.iamport.kr, another site than the shop.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(shop.URL+"/cdn.html"), chromedp.Click(chromedp.CSS("#buy"))))
	win, err := chromedp.Run(ctx, imptest.WaitWindow())
	require.NoError(t, err)
	assert.Equal(t, "iframe", win.Mode)
	assert.Equal(t, "kakaopay", win.PG)
	assert.Equal(t, "MID-c", win.MID)
	require.NoError(t, chromedp.Do(ctx, imptest.Approve()))
	rsp, err := chromedp.Run(ctx, imptest.Answer())
	require.NoError(t, err)
	assert.True(t, rsp.Success)
	assert.Equal(t, "order-1001", rsp.MerchantUID)
	assert.Equal(t, "kakaopay", rsp.PGProvider)
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#status")))
	require.NoError(t, err)
	assert.Equal(t, "Paid: order-1001 (kakaopay)", status)
	assert.True(t, routed.SDKRequested())

	// A popup from service.iamport.kr's URL; the pg typo falls back to the default, as the real service does.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(shop.URL+"/cdn-popup.html"), chromedp.Click(chromedp.CSS("#buy"))))
	win, err = chromedp.Run(ctx, imptest.WaitWindow())
	require.NoError(t, err)
	assert.Equal(t, "popup", win.Mode)
	assert.Equal(t, "MID-a", win.MID)
	tr, err := chromedp.Run(ctx, imptest.LastTrace())
	require.NoError(t, err)
	require.NotNil(t, tr)
	assert.Equal(t, "R3", tr.Rule)
	require.NoError(t, chromedp.Do(ctx, imptest.Approve()))
	rsp, err = chromedp.Run(ctx, imptest.Answer())
	require.NoError(t, err)
	assert.True(t, rsp.Success)
	assert.Equal(t, "html5_inicis", rsp.PGProvider)

	var kinds []string
	for _, q := range routed.Requests() {
		kinds = append(kinds, q.Kind)
		if !strings.HasSuffix(q.URL, "/favicon.ico") { // the popup's, which the SDK has none of
			assert.NotEqual(t, "unknown", q.Kind, q.URL)
		}
	}
	assert.Contains(t, kinds, "merchant")
	assert.Contains(t, kinds, "file")
}

func TestRouteStrictAndNoSDK(t *testing.T) {
	shop := httptest.NewServer(teaShop())
	defer shop.Close()
	ctx, cancel, err := headlessChromium()
	require.NoError(t, err)
	defer cancel()

	_, err = chromedp.Run(ctx, imptest.Route(imptest.SDK{Dist: distDir(), Strict: true, Merchants: []any{imptest.Config{
		MerchantCode: "imp10391932",
		PGSettings: []imptest.Setting{
			{PG: "html5_inicis", MID: "MID-a", PayType: "general", Default: true},
			{PG: "html5_inicis", MID: "MID-b", PayType: "subscription"},
		},
	}}}))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(shop.URL+"/cdn-popup.html"), chromedp.Click(chromedp.CSS("#buy"))))
	rsp, err := chromedp.Run(ctx, imptest.Answer())
	require.NoError(t, err)
	assert.False(t, rsp.Success)
	assert.Equal(t, "SANDBOX_STRICT", rsp.ErrorCode)
	assert.Nil(t, rsp.Raw["imp_uid"])

	// No SDK on the page: Answer says what is missing instead of only timing out.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(shop.URL+"/nosdk.html")))
	short, stop := context.WithTimeout(ctx, 2*time.Second)
	defer stop()
	_, err = chromedp.Run(short, imptest.Answer())
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "the page has no window.IMP") && strings.Contains(err.Error(), "https://cdn.iamport.kr/v1/iamport.js"), err.Error())
}

func distDir() string {
	if d := os.Getenv("IMPSHIM_DIST"); d != "" {
		return d
	}
	return "../../dist"
}

// With Server, the unchanged page pays into a running impshim server's ledger, where the
// merchant's back end finds it over the V1 REST API.
func TestRouteServer(t *testing.T) {
	store, err := ledger.Open(":memory:")
	require.NoError(t, err)
	defer store.Close()
	files, err := merchants.Load("")
	require.NoError(t, err)
	api := ledger.NewAPI(store, ledger.MerchantSetOf(files), ledger.Options{})
	defer api.Close()
	server := httptest.NewServer(web.New(web.Options{Dist: distDir(), Merchants: files, Backend: api}))
	defer server.Close()
	shop := httptest.NewServer(teaShop())
	defer shop.Close()
	ctx, cancel, err := headlessChromium()
	require.NoError(t, err)
	defer cancel()

	_, err = chromedp.Run(ctx, imptest.Route(imptest.SDK{Dist: distDir(), Server: "localhost:1"}))
	require.ErrorContains(t, err, "Server must be the URL of a running impshim server")
	routed, err := chromedp.Run(ctx, imptest.Route(imptest.SDK{Dist: distDir(), Server: server.URL}))
	require.NoError(t, err)
	err = chromedp.Do(ctx, chromedp.Navigate(shop.URL+"/cdn.html"), chromedp.Click(chromedp.CSS("#buy")), imptest.Approve())
	require.NoError(t, err, "routed: %+v", routed.Requests())
	rsp, err := chromedp.Run(ctx, imptest.Answer())
	require.NoError(t, err)
	require.True(t, rsp.Success, rsp.ErrorMsg)

	// The merchant's back end, at callback time: a token, then the payment by imp_uid (the SDK
	// records the outcome before it calls the callback, CONTRACTS C2.3).
	token := restJSON(t, "POST", server.URL+"/users/getToken", "", `{"imp_key":"imp_apikey","imp_secret":"sandbox_secret"}`)
	access, _ := token["response"].(map[string]any)["access_token"].(string)
	require.NotEmpty(t, access)
	got := restJSON(t, "GET", server.URL+"/payments/"+rsp.ImpUID, access, "")
	require.Equal(t, float64(0), got["code"], "the payment is not in the ledger at callback time: %v", got)
	pay := got["response"].(map[string]any)
	assert.Equal(t, "paid", pay["status"])
	assert.Equal(t, "order-1001", pay["merchant_uid"])
	assert.EqualValues(t, 12000, pay["amount"])
	var sandbox int
	for _, q := range routed.Requests() {
		if q.Kind == "sandbox" && q.Status == 200 {
			sandbox++
		}
	}
	assert.Positive(t, sandbox, "the ledger's endpoints went through the server")
}

func restJSON(t *testing.T, method, url, token, body string) map[string]any {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var v map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&v))
	return v
}
