package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MaxBodyBytes caps every request body: the bridge's snapshots are capped far below it.
const MaxBodyBytes = 1 << 20

// Options tunes NewAPI; the zero value is what `make run` uses.
type Options struct {
	// Now is the clock for token expiry and payment times; nil: time.Now.
	Now func() time.Time
	// Client delivers webhooks; nil: a client with a 10-second timeout.
	Client *http.Client
	// TokenTTL is how long an access token lives; 0: 30 minutes, like the real API.
	TokenTTL time.Duration
	// WebhookAttempts bounds deliveries per webhook; 0: 5.
	WebhookAttempts int
	// WebhookBackoff is the wait before the first retry, doubling after each; 0: 1 s.
	WebhookBackoff time.Duration
	// WebhookMaxBackoff caps one wait; 0: 30 s.
	WebhookMaxBackoff time.Duration
	// Logger receives failures; nil discards them.
	Logger *slog.Logger
}

// API serves the i'mport V1 REST API (/users/getToken, /payments/…) and the bridge's
// /sdk/sandbox/ endpoints over a Store.
type API struct {
	store     *Store
	merchants Merchants
	opts      Options
	log       *slog.Logger

	// deliveries tracks webhook goroutines so Wait and Close can outlast them.
	deliveries sync.WaitGroup
	ctx        context.Context
	stop       context.CancelFunc
}

// NewAPI returns the handler. merchants nil means the demo merchant alone.
func NewAPI(store *Store, merchants Merchants, opts Options) *API {
	if merchants == nil {
		merchants = MerchantSet{DemoMerchant: DemoKeys}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 30 * time.Minute
	}
	if opts.WebhookAttempts <= 0 {
		opts.WebhookAttempts = 5
	}
	if opts.WebhookBackoff <= 0 {
		opts.WebhookBackoff = time.Second
	}
	if opts.WebhookMaxBackoff <= 0 {
		opts.WebhookMaxBackoff = 30 * time.Second
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, stop := context.WithCancel(context.Background())
	return &API{store: store, merchants: merchants, opts: opts, log: logger, ctx: ctx, stop: stop}
}

// Wait blocks until every webhook delivery under way has finished, retries included.
func (a *API) Wait() { a.deliveries.Wait() }

// Close abandons pending webhook retries and waits for deliveries in flight to stop.
func (a *API) Close() {
	a.stop()
	a.deliveries.Wait()
}

func (a *API) now() int64 { return a.opts.Now().Unix() }

func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			a.log.Error("ledger: handler panic", "method", r.Method, "path", r.URL.Path, "panic", v)
			a.fail(w, http.StatusInternalServerError, "the sandbox ledger failed on this request; see the server log")
		}
	}()
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	segs, ok := segments(r.URL)
	if !ok {
		a.fail(w, http.StatusBadRequest, "the path is not validly percent-encoded")
		return
	}
	if len(segs) >= 2 && segs[0] == "sdk" && segs[1] == "sandbox" {
		a.serveSandbox(w, r, segs[2:])
		return
	}
	switch {
	case len(segs) == 2 && segs[0] == "users" && segs[1] == "getToken":
		if allow(w, r, http.MethodPost, a.fail) {
			a.getToken(w, r)
		}
	case len(segs) == 1 && segs[0] == "payments":
		if allow(w, r, http.MethodGet, a.fail) {
			if code, ok := a.authorize(w, r); ok {
				a.payments(w, r, code)
			}
		}
	case len(segs) >= 2 && segs[0] == "payments":
		a.servePayments(w, r, segs[1:])
	default:
		a.fail(w, http.StatusNotFound, "no such API: "+r.URL.Path+" (see the README's \"Server-side sandbox API\")")
	}
}

func (a *API) servePayments(w http.ResponseWriter, r *http.Request, segs []string) {
	route := func(method string, h func(code string)) {
		if !allow(w, r, method, a.fail) {
			return
		}
		if code, ok := a.authorize(w, r); ok {
			h(code)
		}
	}
	switch {
	case len(segs) == 1 && segs[0] == "cancel":
		route(http.MethodPost, func(code string) { a.cancel(w, r, code) })
	case len(segs) == 2 && segs[0] == "status":
		route(http.MethodGet, func(code string) { a.byStatus(w, r, code, segs[1]) })
	case (len(segs) == 2 || len(segs) == 3) && segs[0] == "find":
		route(http.MethodGet, func(code string) { a.find(w, r, code, segs[1:]) })
	case (len(segs) == 2 || len(segs) == 3) && segs[0] == "findAll":
		route(http.MethodGet, func(code string) { a.findAll(w, r, code, segs[1:]) })
	case len(segs) == 1 && segs[0] != "":
		route(http.MethodGet, func(code string) { a.payment(w, r, code, segs[0]) })
	default:
		a.fail(w, http.StatusNotFound, "no such API: "+r.URL.Path+" (see the README's \"Server-side sandbox API\")")
	}
}

// segments splits the escaped path so that a merchant_uid holding "%2F" stays one segment.
func segments(u *url.URL) ([]string, bool) {
	parts := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/"), "/")
	for i, p := range parts {
		v, err := url.PathUnescape(p)
		if err != nil {
			return nil, false
		}
		parts[i] = v
	}
	return parts, true
}

func allow(w http.ResponseWriter, r *http.Request, method string, fail func(http.ResponseWriter, int, string)) bool {
	if r.Method == method || (method == http.MethodGet && r.Method == http.MethodHead) {
		return true
	}
	w.Header().Set("Allow", method)
	fail(w, http.StatusMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path+"; use "+method)
	return false
}

// envelope is every REST answer: code 0 and the response, or code -1 and a message.
type envelope struct {
	Code     int     `json:"code"`
	Message  *string `json:"message"`
	Response any     `json:"response"`
}

func (a *API) ok(w http.ResponseWriter, response any) {
	writeJSON(w, http.StatusOK, envelope{Code: 0, Response: response})
}

func (a *API) fail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, envelope{Code: -1, Message: &msg})
}

// failErr answers err: a refusal with its own status, anything else as a server failure.
func (a *API) failErr(w http.ResponseWriter, err error, failed func(http.ResponseWriter, int, string)) {
	if status, msg, ok := refusal(err); ok {
		failed(w, status, msg)
		return
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		failed(w, http.StatusRequestEntityTooLarge, "the request body is over 1 MiB; send less")
		return
	}
	a.log.Error("ledger: storage failed", "err", err)
	failed(w, http.StatusInternalServerError, "the sandbox ledger could not read or write its database: "+err.Error())
}

// refusal reads the refusals in err, which may join several (every field that is wrong is
// named at once, so the merchant fixes them in one go): the first one's status, all messages.
func refusal(err error) (int, string, bool) {
	var e *Error
	if errors.As(err, &e) && e != nil {
		status, msgs := e.Status, []string{}
		var walk func(error)
		walk = func(err error) {
			switch x := err.(type) {
			case *Error:
				msgs = append(msgs, x.Message)
			case interface{ Unwrap() []error }:
				for _, inner := range x.Unwrap() {
					walk(inner)
				}
			}
		}
		walk(err)
		return status, strings.Join(msgs, "; "), true
	}
	return 0, "", false
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	// Answers are read by people in curl too: "<code>" beats "\u003ccode\u003e", and the
	// Content-Type keeps browsers from treating them as HTML.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	var b []byte
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"code":-1,"message":"the sandbox ledger could not encode its answer","response":null}` + "\n")
	} else {
		b = buf.Bytes()
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(b)
}

// authorize finds the merchant of the request's access token. The real API takes the token
// bare in Authorization; "Bearer <token>", X-ImpTokenHeader and ?_token= work as they do there.
func (a *API) authorize(w http.ResponseWriter, r *http.Request) (string, bool) {
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
		a.fail(w, http.StatusUnauthorized, "Unauthorized: no access token; get one from POST /users/getToken and send it in the Authorization header")
		return "", false
	}
	code, valid, err := a.store.TokenMerchant(r.Context(), token, a.now())
	if err != nil {
		a.failErr(w, err, a.fail)
		return "", false
	}
	if !valid {
		a.fail(w, http.StatusUnauthorized, "Unauthorized: the access token is unknown or expired (tokens last 30 minutes); get a new one from POST /users/getToken")
		return "", false
	}
	return code, true
}

func (a *API) getToken(w http.ResponseWriter, r *http.Request) {
	b, err := readFields(r)
	if err != nil {
		a.failErr(w, err, a.fail)
		return
	}
	key, err1 := b.str("imp_key")
	secret, err2 := b.str("imp_secret")
	if err := errors.Join(err1, err2); err != nil {
		a.failErr(w, err, a.fail)
		return
	}
	if key == "" || secret == "" {
		a.fail(w, http.StatusBadRequest, "imp_key and imp_secret are required (the demo merchant "+DemoMerchant+
			" uses imp_key \""+DemoKeys.ImpKey+"\", imp_secret \""+DemoKeys.ImpSecret+"\")")
		return
	}
	code, ok := merchantByKeys(a.merchants, key, secret)
	if !ok {
		a.fail(w, http.StatusUnauthorized, "imp_key and imp_secret do not match any merchant: check them against the merchant file's \"imp_key\" and \"imp_secret\"")
		return
	}
	t, err := a.store.IssueToken(r.Context(), code, a.now(), int64(a.opts.TokenTTL/time.Second))
	if err != nil {
		a.failErr(w, err, a.fail)
		return
	}
	a.ok(w, t)
}

func (a *API) payment(w http.ResponseWriter, r *http.Request, code, impUID string) {
	p, err := a.store.Payment(r.Context(), code, impUID)
	if err == ErrNotFound {
		a.fail(w, http.StatusNotFound, "no payment with imp_uid "+impUID+" for this merchant")
		return
	}
	if err != nil {
		a.failErr(w, err, a.fail)
		return
	}
	a.ok(w, p)
}

// payments answers GET /payments?imp_uid[]=…&imp_uid[]=…: the ones found, in the order asked.
func (a *API) payments(w http.ResponseWriter, r *http.Request, code string) {
	q := r.URL.Query()
	uids := append(q["imp_uid[]"], q["imp_uid"]...)
	if len(uids) == 0 || len(uids) > 100 {
		a.fail(w, http.StatusBadRequest, "give 1 to 100 imp_uid[] query parameters, e.g. /payments?imp_uid[]=imps_123456789012")
		return
	}
	list := []Payment{}
	for _, uid := range uids {
		p, err := a.store.Payment(r.Context(), code, uid)
		if err == ErrNotFound {
			continue
		}
		if err != nil {
			a.failErr(w, err, a.fail)
			return
		}
		list = append(list, p)
	}
	a.ok(w, list)
}

func (a *API) find(w http.ResponseWriter, r *http.Request, code string, segs []string) {
	status := ""
	if len(segs) == 2 {
		status = segs[1]
		if !validStatus(status) {
			a.fail(w, http.StatusBadRequest, "payment_status "+strconv.Quote(status)+" must be ready, paid, cancelled or failed")
			return
		}
	}
	p, err := a.store.FindByMerchantUID(r.Context(), code, segs[0], status)
	if err == ErrNotFound {
		a.fail(w, http.StatusNotFound, "no payment with merchant_uid "+segs[0]+" for this merchant")
		return
	}
	if err != nil {
		a.failErr(w, err, a.fail)
		return
	}
	a.ok(w, p)
}

// paged is the list answer of the real API.
type paged struct {
	Total    int       `json:"total"`
	Previous int       `json:"previous"`
	Next     int       `json:"next"`
	List     []Payment `json:"list"`
}

func (a *API) findAll(w http.ResponseWriter, r *http.Request, code string, segs []string) {
	status := "all"
	if len(segs) == 2 {
		status = segs[1]
		if !validStatus(status) {
			a.fail(w, http.StatusBadRequest, "payment_status "+strconv.Quote(status)+" must be ready, paid, cancelled or failed")
			return
		}
	}
	q, err := listQuery(r.URL.Query(), status)
	if err != nil {
		a.failErr(w, err, a.fail)
		return
	}
	q.MerchantUID = segs[0]
	list, total, err := a.store.List(r.Context(), code, q)
	if err != nil {
		a.failErr(w, err, a.fail)
		return
	}
	if total == 0 {
		a.fail(w, http.StatusNotFound, "no payment with merchant_uid "+segs[0]+" for this merchant")
		return
	}
	a.ok(w, page(q, list, total))
}

func (a *API) byStatus(w http.ResponseWriter, r *http.Request, code, status string) {
	if status != "all" && !validStatus(status) {
		a.fail(w, http.StatusBadRequest, "status "+strconv.Quote(status)+" must be all, ready, paid, cancelled or failed")
		return
	}
	q, err := listQuery(r.URL.Query(), status)
	if err != nil {
		a.failErr(w, err, a.fail)
		return
	}
	list, total, err := a.store.List(r.Context(), code, q)
	if err != nil {
		a.failErr(w, err, a.fail)
		return
	}
	a.ok(w, page(q, list, total))
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
			return q, refuse(http.StatusBadRequest, f.name+" must be a whole number from "+strconv.FormatInt(f.min, 10)+
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
		return q, refuse(http.StatusBadRequest, "sorting must be one of -started, started, -paid, paid, -updated, updated")
	}
	return q, nil
}

func (a *API) cancel(w http.ResponseWriter, r *http.Request, code string) {
	b, err := readFields(r)
	if err != nil {
		a.failErr(w, err, a.fail)
		return
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
		a.failErr(w, err, a.fail)
		return
	}
	if c.ImpUID == "" && c.MerchantUID == "" {
		a.fail(w, http.StatusBadRequest, "give imp_uid or merchant_uid of the payment to cancel")
		return
	}
	p, notice, changed, err := a.store.Cancel(r.Context(), code, c, a.now())
	if err == ErrNotFound {
		which := "imp_uid " + c.ImpUID
		if c.ImpUID == "" {
			which = "merchant_uid " + c.MerchantUID
		}
		a.fail(w, http.StatusNotFound, "no payment with "+which+" for this merchant, so nothing was cancelled")
		return
	}
	if err != nil {
		a.failErr(w, err, a.fail)
		return
	}
	if changed {
		a.notify(code, p, notice)
	}
	a.ok(w, p)
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
			return fields{}, refuse(http.StatusBadRequest, "the body is not a JSON object: "+errText(err))
		}
		return fields{json: m}, nil
	}
	if ct != "" && ct != "application/x-www-form-urlencoded" {
		return fields{}, refuse(http.StatusUnsupportedMediaType, "send the body as application/json or application/x-www-form-urlencoded, not "+ct)
	}
	v, err := url.ParseQuery(trimmed)
	if err != nil {
		return fields{}, refuse(http.StatusBadRequest, "the form body is malformed: "+err.Error())
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
		return "", refuse(http.StatusBadRequest, name+" must be a string")
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
		return nil, refuse(http.StatusBadRequest, name+" "+err.Error()+", not "+text)
	}
	return &v, nil
}
