package ledger

// The bridge's view (no token, like every /sdk/sandbox/ endpoint): what the demo page shows of
// a merchant's billing keys and schedules (the clock: clock_api.go).

import (
	"net/http"
)

// bridgeMerchant reads ?merchant_code= of a known merchant.
func (a *API) bridgeMerchant(r *http.Request) (string, error) {
	code := r.URL.Query().Get("merchant_code")
	return code, a.merchantOf(code)
}

// bridgeBillingKeys answers GET {sdk}/sandbox/billing_keys?merchant_code=…: the latest 100 keys.
func (a *API) bridgeBillingKeys(r *http.Request) (any, error) {
	code, err := a.bridgeMerchant(r)
	if err != nil {
		return nil, err
	}
	list, err := a.store.ListBillingKeys(r.Context(), code, 100)
	if err != nil {
		return nil, err
	}
	return struct {
		BillingKeys []BillingKey `json:"billing_keys"`
	}{list}, nil
}

// bridgeSchedules answers GET {sdk}/sandbox/schedules?merchant_code=…: the latest 200 by time.
func (a *API) bridgeSchedules(r *http.Request) (any, error) {
	code, err := a.bridgeMerchant(r)
	if err != nil {
		return nil, err
	}
	list, total, err := a.store.Schedules(r.Context(), code, ScheduleQuery{From: 0, To: 1 << 62, Page: 1, Limit: 200})
	if err != nil {
		return nil, err
	}
	return struct {
		Total     int        `json:"total"`
		Schedules []Schedule `json:"schedules"`
	}{total, list}, nil
}
