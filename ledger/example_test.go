package ledger_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/impshim/impshim/ledger"
)

// A merchant's server verifies a payment after request_pay: it gets a token, fetches the
// payment by the imp_uid the browser reported, and compares the amount with its own order.
func ExampleNewAPI() {
	store, _ := ledger.Open(":memory:")
	defer store.Close()
	api := ledger.NewAPI(store, nil, ledger.Options{}) // nil: the demo merchant imp10391932 alone
	defer api.Close()
	sandbox := httptest.NewServer(api)
	defer sandbox.Close()

	// What imp.js sends when the mock window completes (abridged).
	http.Post(sandbox.URL+"/sdk/sandbox/payments", "application/json", strings.NewReader(`{
		"merchant_code": "imp10391932",
		"request":  {"pg": "html5_inicis", "merchant_uid": "order_1001", "amount": 64900},
		"response": {"success": true, "imp_uid": "imps_410000000001", "merchant_uid": "order_1001",
		             "status": "paid", "paid_amount": 64900, "pay_method": "card"}}`))

	// The merchant's server, with nothing but i'mport V1 REST calls.
	var token struct {
		Response struct {
			AccessToken string `json:"access_token"`
		}
	}
	res, _ := http.Post(sandbox.URL+"/users/getToken", "application/json",
		strings.NewReader(`{"imp_key": "imp_apikey", "imp_secret": "sandbox_secret"}`))
	json.NewDecoder(res.Body).Decode(&token)
	res.Body.Close()

	req, _ := http.NewRequest("GET", sandbox.URL+"/payments/imps_410000000001", nil)
	req.Header.Set("Authorization", token.Response.AccessToken)
	res, _ = http.DefaultClient.Do(req)
	var found struct {
		Code     int
		Response ledger.Payment
	}
	json.NewDecoder(res.Body).Decode(&found)
	res.Body.Close()

	const orderTotal = 64900
	p := found.Response
	fmt.Println(p.MerchantUID, p.Status, p.Amount, p.Amount == ledger.Whole(orderTotal))
	// Output: order_1001 paid 64900 true
}
