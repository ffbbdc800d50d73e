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
	// Auth schemes are case-insensitive (RFC 9110 §11.1): "bearer x" and "BEARER x" are "Bearer x".
	if scheme, rest, ok := strings.Cut(token, " "); ok && strings.EqualFold(scheme, "Bearer") {
		token = strings.TrimSpace(rest)
	}
	if token == "" {
		token = r.Header.Get("X-ImpTokenHeader")
	}
	if token == "" {
		token = r.URL.Query().Get("_token")
	}
	if token == "" {
		return "", refused(-1, msgUnauthorized, "no access token: get one from POST /users/getToken and send it in the Authorization header", ErrUnauthorized)
	}
	// Tokens expire on the merchant's sandbox clock (POST /sandbox/clock), like everything else.
	code, expiredAt, offset, err := a.store.TokenExpiry(r.Context(), token)
	if err != nil {
		return "", err
	}
	if now := a.now() + offset; code == "" || expiredAt <= now {
		return "", refused(-1, msgUnauthorized, "the access token is unknown or expired (tokens last 30 minutes): get a new one from POST /users/getToken", ErrUnauthorized)
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
		return nil, refused(-1, msgTokenKeysMissing, "imp_key and imp_secret are both required (the demo merchant "+DemoMerchant+
			" takes imp_key \""+DemoKeys.ImpKey+"\", imp_secret \""+DemoKeys.ImpSecret+"\", and the public test keys of the docs)", ErrInvalid)
	}
	code, ok := a.merchantByKeys(key, secret)
	if !ok {
		return nil, refused(-1, msgTokenKeysWrong, "imp_key and imp_secret match no merchant: check them against the merchant file's \"imp_key\" and \"imp_secret\""+
			" (a merchant code without a file takes imp_key \"<its code>\", imp_secret \""+SandboxSecret+"\")", ErrUnauthorized)
	}
	now, err := a.clockOf(r.Context(), code)
	if err != nil {
		return nil, err
	}
	return a.store.IssueToken(r.Context(), code, now, int64(a.opts.TokenTTL/time.Second))
}

func (a *API) payment(r *http.Request, code string) (any, error) {
	if _, err := includeSandbox(r); err != nil {
		return nil, err
	}
	p, err := a.store.paymentAnswer(r.Context(), code, r.PathValue("imp_uid"))
	if errors.Is(err, ErrNotFound) {
		// GET /payments/cancel is a cancel sent with the wrong method, not an imp_uid "cancel".
		if wrong := wrongMethod(a.mux, r, "GET /payments/{imp_uid}"); wrong != nil {
			return nil, wrong
		}
		return nil, paymentNotFound(r.PathValue("imp_uid"))
	}
	return p, err
}

// pathStatus reads the optional {payment_status} of /payments/find/… and /findAll/….
func pathStatus(r *http.Request, fallback string) (string, error) {
	status := r.PathValue("payment_status")
	if status == "" {
		return fallback, nil
	}
	if !resolver.ValidStatus(status) {
		return "", invalidIn(msgUnsupportedStatus, "payment_status "+strconv.Quote(status)+" must be ready, paid, cancelled or failed (or left out)")
	}
	return status, nil
}

func (a *API) find(r *http.Request, code string) (any, error) {
	status, err := pathStatus(r, "")
	if err != nil {
		return nil, err
	}
	// The first of the order's payments in the sorting asked (OpenAPI: "정렬 기준에 따라 가장 첫
	// 번째 해당되는 건"), -started by default.
	q, err := listQuery(r.URL.Query(), or(status, "all"))
	if err != nil {
		return nil, err
	}
	q.MerchantUID = r.PathValue("merchant_uid")
	p, err := a.store.firstAnswer(r.Context(), code, q)
	if errors.Is(err, ErrNotFound) {
		return nil, notFoundIn(msgPaymentNotFound, "no payment with merchant_uid "+quote(q.MerchantUID)+" for this merchant")
	}
	return p, err
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
		return nil, notFoundIn(msgPaymentNotFound, "no payment with merchant_uid "+quote(q.MerchantUID)+" for this merchant")
	}
	return page(q, list, total), nil
}

func (a *API) byStatus(r *http.Request, code string) (any, error) {
	status := r.PathValue("payment_status")
	if status != "all" && !resolver.ValidStatus(status) {
		return nil, invalidIn(msgUnsupportedStatus, "status "+strconv.Quote(status)+" must be all, ready, paid, cancelled or failed")
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

// maxLimit is the OpenAPI's limit of a list's page ("최대 1000건, 기본값 20건").
const maxLimit = 1000

// listQuery reads page (from 1), limit (1–1000, default 20), from, to and sorting.
func listQuery(v url.Values, status string) (ListQuery, error) {
	q := ListQuery{Status: status, Page: 1, Limit: 20, Sorting: v.Get("sorting")}
	ints := []struct {
		name     string
		dst      *int64
		min, max int64
	}{{"page", new(int64), 1, 1 << 31}, {"limit", new(int64), 1, maxLimit}, {"from", &q.From, 0, 1 << 40}, {"to", &q.To, 0, 1 << 40}}
	for _, f := range ints {
		s := v.Get(f.name)
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < f.min || n > f.max {
			return q, invalidIn(f.name+" 파라메터가 올바르지 않습니다.", f.name+" must be a whole number from "+strconv.FormatInt(f.min, 10)+
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
		return q, invalidIn("sorting 파라메터가 올바르지 않습니다.", "sorting must be one of -started, started, -paid, paid, -updated, updated")
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
	// The real API cancels everything when amount is left out. An amount that is there but zero
	// or empty ("0", 0.00, "", null) is most likely a refund computed as nothing: refusing it
	// keeps the payment, where reading it as "everything" would take all of it back.
	if b.sent("amount") && (c.Amount == nil || *c.Amount == 0) {
		errs = append(errs, invalid("amount", "amount is "+b.shown("amount")+": to cancel the whole payment leave amount out; "+
			"to cancel part of it give more than 0"))
	}
	enableWebhook, err := b.boolean("enable_webhook")
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if c.ImpUID == "" && c.MerchantUID == "" {
		return nil, refusedIn(msgCancelNeedsUID, "give imp_uid or merchant_uid of the payment to cancel")
	}
	p, notice, _, err := a.store.Cancel(r.Context(), code, c, a.now())
	if err != nil {
		return nil, err
	}
	// A cancel through the API announces itself only when asked to, and only for a payment
	// that used webhooks (V1 webhook page: "결제 시 웹훅을 사용한 결제건에 한해 전송됩니다").
	if enableWebhook && a.usesWebhooks(code, notice) {
		a.announce(code, p, notice, EventAPICancel, lastCancellationID(p))
	}
	return p, nil
}

func lastCancellationID(p Payment) string {
	if n := len(p.CancelHistory); n > 0 {
		return string(p.CancelHistory[n-1].CancellationID)
	}
	return ""
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

// sent reports whether the body has the field at all, even as null or "" (has does not count those).
func (f fields) sent(name string) bool {
	if f.json == nil {
		return f.form.Has(name)
	}
	_, ok := f.json[name]
	return ok
}

// shown is a field's value as the caller wrote it, for messages.
func (f fields) shown(name string) string {
	if f.json == nil {
		return strconv.Quote(f.form.Get(name))
	}
	return string(f.json[name])
}

// scalar is a field's text: a form's value, or a JSON value's text with a string's quotes
// taken off; absent and null are "".
func (f fields) scalar(name string) string {
	if f.json == nil {
		return f.form.Get(name)
	}
	raw, ok := f.json[name]
	if !ok || string(raw) == "null" {
		return ""
	}
	text := string(raw)
	if unq, err := strconv.Unquote(text); err == nil {
		text = unq
	}
	return text
}

// amount reads a number (or a string of one); absent, null and "" are nil.
func (f fields) amount(name string) (*Amount, error) {
	text := f.scalar(name)
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	v, err := ParseAmount(text)
	if err != nil {
		return nil, invalid(name, name+" "+err.Error()+", not "+text)
	}
	return &v, nil
}
