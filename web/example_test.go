package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/impshim/impshim/web"
)

// A Go test can serve the sandbox itself — the demo page, the SDK from a `make dist` directory and
// the merchant files — and point a headless browser at srv.URL.
func ExampleNew() {
	srv := httptest.NewServer(web.New(web.Options{Dist: "dist"}))
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/sdk/merchants/imp10391932.json")
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"))
	fmt.Println(strings.Contains(string(body), `"mid": "MID-b"`))

	resp, err = http.Get(srv.URL + "/sdk/merchants/imp00000000.json")
	if err != nil {
		panic(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, strings.Contains(string(body), `"code":"MERCHANT_NOT_FOUND"`))
	// Output:
	// 200 application/json; charset=utf-8
	// true
	// 404 true
}
