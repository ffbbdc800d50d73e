package ledger

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/impshim/impshim/resolver"
)

// The i'mport V1 REST API: what a merchant's server calls to verify and cancel payments.

// authorize finds the merchant of the request's access token. The real API takes the token
// bare in Authorization; "Bearer <token>", X-ImpTokenHeader and ?_token= work as they do there.
func (a *API) authorize(r *http.Request) (string, error) {
	token := strings.TrimSpace(r.Header.Get("Authorization"))
	if rest, ok := strings.CutPrefix(token, "Bearer "); ok {
		token = strings.TrimSpace(rest)
	}
	if token == "" {
		token = r.Header.Get("X-ImpTokenHeader")
	}
	if token == "" {
		token = r.URL.Query().Get("_token")
	}
	if token == "" {
		return "", &Refusal{Kind: ErrUnauthorized, Message: "Unauthorized: no access token; get one from POST /users/getToken and send it in the Authorization header"}
	}
	// Tokens expire on the merchant's sandbox clock (POST /sandbox/clock), like everything else.
	code, expiredAt, err := a.store.TokenExpiry(r.Context(), token)
	if err != nil {
		return "", err
	}
	now, err := a.clockOf(r.Context(), code)
	if err != nil {
		return "", err
	}
	if code == "" || expiredAt <= now {
		return "", &Refusal{Kind: ErrUnauthorized, Message: "Unauthorized: the access token is unknown or expired (tokens last 30 minutes); get a new one from POST /users/getToken"}
	}
	return code, nil
}

func (a *API) getToken(r *http.Request) (any, error) {
	b, err := readFields(r)
	if err != nil {
		return nil, err
	}
	key, err1 := b.str("imp_key")
	secret, err2 := b.str("imp_secret")
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	if key == "" || secret == "" {
		return nil, invalid("imp_key", "imp_key and imp_secret are required (the demo merchant "+DemoMerchant+
			" uses imp_key \""+DemoKeys.ImpKey+"\", imp_secret \""+DemoKeys.ImpSecret+"\")")
	}
	code, ok := merchantByKeys(a.merchants, key, secret)
	if !ok {
		return nil, &Refusal{Kind: ErrUnauthorized, Message: "imp_key and imp_secret do not match any merchant: check them against the merchant file's \"imp_key\" and \"imp_secret\""}
	}
	now, err := a.clockOf(r.Context(), code)
	if err != nil {
		return nil, err
	}
	return a.store.IssueToken(r.Context(), code, now, int64(a.opts.TokenTTL/time.Second))
}

func (a *API) payment(r *http.Request, code string) (any, error) {
	p, err := a.store.Payment(r.Context(), code, r.PathValue("imp_uid"))
	if errors.Is(err, ErrNotFound) {
		// GET /payments/cancel is a cancel sent with the wrong method, not an imp_uid "cancel".
		if wrong := wrongMethod(a.mux, r, "GET /payments/{imp_uid}"); wrong != nil {
			return nil, wrong
		}
	}
	return p, err
}

// payments answers GET /payments?imp_uid[]=…&imp_uid[]=…: the ones found, in the order asked.
func (a *API) payments(r *http.Request, code string) (any, error) {
	q := r.URL.Query()
	uids := append(q["imp_uid[]"], q["imp_uid"]...)
	if len(uids) == 0 || len(uids) > 100 {
		return nil, invalid("imp_uid[]", "give 1 to 100 imp_uid[] query parameters, e.g. /payments?imp_uid[]=imps_123456789012")
	}
	list := []Payment{}
	for _, uid := range uids {
		p, err := a.store.Payment(r.Context(), code, uid)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		list = append(list, p)
	}
	return list, nil
}

// pathStatus reads the optional {payment_status} of /payments/find/… and /findAll/….
func pathStatus(r *http.Request, fallback string) (string, error) {
	status := r.PathValue("payment_status")
	if status == "" {
		return fallback, nil
	}
	if !resolver.ValidStatus(status) {
		return "", invalid("payment_status", "payment_status "+strconv.Quote(status)+" must be ready, paid, cancelled or failed")
	}
	return status, nil
}

func (a *API) find(r *http.Request, code string) (any, error) {
	status, err := pathStatus(r, "")
	if err != nil {
		return nil, err
	}
	return a.store.FindByMerchantUID(r.Context(), code, r.PathValue("merchant_uid"), status)
}

// paged is the list answer of the real API.
type paged struct {
	Total    int       `json:"total"`
	Previous int       `json:"previous"`
	Next     int       `json:"next"`
	List     []Payment `json:"list"`
}

func (a *API) findAll(r *http.Request, code string) (any, error) {
	status, err := pathStatus(r, "all")
	if err != nil {
		return nil, err
	}
	q, err := listQuery(r.URL.Query(), status)
	if err != nil {
		return nil, err
	}
	q.MerchantUID = r.PathValue("merchant_uid")
	list, total, err := a.store.List(r.Context(), code, q)
	if err != nil {
		return nil, err
	}
	if total == 0 {
		return nil, notFound("no payment with merchant_uid " + strconv.Quote(q.MerchantUID) + " for this merchant")
	}
	return page(q, list, total), nil
}

func (a *API) byStatus(r *http.Request, code string) (any, error) {
	status := r.PathValue("payment_status")
	if status != "all" && !resolver.ValidStatus(status) {
		return nil, invalid("payment_status", "status "+strconv.Quote(status)+" must be all, ready, paid, cancelled or failed")
	}
	q, err := listQuery(r.URL.Query(), status)
	if err != nil {
		return nil, err
	}
	list, total, err := a.store.List(r.Context(), code, q)
	if err != nil {
		return nil, err
	}
	return page(q, list, total), nil
}

func page(q ListQuery, list []Payment, total int) paged {
	p := paged{Total: total, List: list}
	if q.Page > 1 {
		p.Previous = q.Page - 1
	}
	if q.Page*q.Limit < total {
		p.Next = q.Page + 1
	}
	return p
}

// listQuery reads page (from 1), limit (1–100, default 20), from, to and sorting.
func listQuery(v url.Values, status string) (ListQuery, error) {
	q := ListQuery{Status: status, Page: 1, Limit: 20, Sorting: v.Get("sorting")}
	ints := []struct {
		name     string
		dst      *int64
		min, max int64
	}{{"page", new(int64), 1, 1 << 31}, {"limit", new(int64), 1, 100}, {"from", &q.From, 0, 1 << 40}, {"to", &q.To, 0, 1 << 40}}
	for _, f := range ints {
		s := v.Get(f.name)
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < f.min || n > f.max {
			return q, invalid(f.name, f.name+" must be a whole number from "+strconv.FormatInt(f.min, 10)+
				" to "+strconv.FormatInt(f.max, 10)+", not "+strconv.Quote(s))
		}
		*f.dst = n
	}
	if n := *ints[0].dst; n > 0 {
		q.Page = int(n)
	}
	if n := *ints[1].dst; n > 0 {
		q.Limit = int(n)
	}
	if _, ok := sortings[q.Sorting]; !ok {
		return q, invalid("sorting", "sorting must be one of -started, started, -paid, paid, -updated, updated")
	}
	return q, nil
}

func (a *API) cancel(r *http.Request, code string) (any, error) {
	b, err := readFields(r)
	if err != nil {
		return nil, err
	}
	var c Cancel
	var errs []error
	for _, f := range []struct {
		name string
		dst  *string
	}{{"imp_uid", &c.ImpUID}, {"merchant_uid", &c.MerchantUID}, {"reason", &c.Reason},
		{"refund_holder", &c.RefundHolder}, {"refund_bank", &c.RefundBank}, {"refund_account", &c.RefundAccount}, {"refund_tel", &c.RefundTel}} {
		s, err := b.str(f.name)
		errs = append(errs, err)
		*f.dst = s
	}
	for _, f := range []struct {
		name string
		dst  **Amount
	}{{"amount", &c.Amount}, {"tax_free", &c.TaxFree}, {"checksum", &c.Checksum}} {
		v, err := b.amount(f.name)
		errs = append(errs, err)
		*f.dst = v
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if c.ImpUID == "" && c.MerchantUID == "" {
		return nil, invalid("imp_uid", "give imp_uid or merchant_uid of the payment to cancel")
	}
	p, notice, changed, err := a.store.Cancel(r.Context(), code, c, a.now())
	if err != nil {
		return nil, err
	}
	if changed {
		a.notify(code, p, notice)
	}
	return p, nil
}

// fields is a request body sent as JSON or as a form: the real API takes both.
type fields struct {
	json map[string]json.RawMessage
	form url.Values
}

func readFields(r *http.Request) (fields, error) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return fields{}, err
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	trimmed := strings.TrimSpace(string(data))
	if ct == "application/json" || (ct != "application/x-www-form-urlencoded" && strings.HasPrefix(trimmed, "{")) {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil || m == nil {
			return fields{}, invalid("", "the body is not a JSON object: "+errText(err))
		}
		return fields{json: m}, nil
	}
	if ct != "" && ct != "application/x-www-form-urlencoded" {
		return fields{}, &Refusal{Kind: errMediaType, Message: "send the body as application/json or application/x-www-form-urlencoded, not " + ct}
	}
	v, err := url.ParseQuery(trimmed)
	if err != nil {
		return fields{}, invalid("", "the form body is malformed: "+err.Error())
	}
	return fields{form: v}, nil
}

func errText(err error) string {
	if err == nil {
		return "null"
	}
	return err.Error()
}

// str reads a string field; absent and null are "".
func (f fields) str(name string) (string, error) {
	if f.json == nil {
		return f.form.Get(name), nil
	}
	raw, ok := f.json[name]
	if !ok || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", invalid(name, name+" must be a string")
	}
	return s, nil
}

// amount reads a number (or a string of one); absent, null and "" are nil.
func (f fields) amount(name string) (*Amount, error) {
	var text string
	if f.json == nil {
		text = f.form.Get(name)
	} else if raw, ok := f.json[name]; ok && string(raw) != "null" {
		text = string(raw)
		if unq, err := strconv.Unquote(text); err == nil {
			text = unq
		}
	}
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	v, err := ParseAmount(text)
	if err != nil {
		return nil, invalid(name, name+" "+err.Error()+", not "+text)
	}
	return &v, nil
}
