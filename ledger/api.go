package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/impshim/impshim/web/access"
)

// MaxBodyBytes caps every request body: the bridge's snapshots are capped far below it.
const MaxBodyBytes = 1 << 20

// Options tunes NewAPI; the zero value is what `make run` uses.
type Options struct {
	// Now is the clock for token expiry and payment times; nil: time.Now.
	Now func() time.Time
	// Client delivers webhooks; nil: 3 s to connect (issue 16: a notice_url that does not accept
	// frees its worker soon) and the real service's 30 s to answer, no redirects followed.
	Client *http.Client
	// TokenTTL is how long an access token lives; 0: 30 minutes, like the real API.
	TokenTTL time.Duration
	// WebhookRetries is how many times a failed webhook is sent again for a merchant whose
	// webhook setting has "retry": true (others get one try, as with the real service); 0: 5.
	WebhookRetries int
	// WebhookBackoff is the wait between tries; 0: a minute, the real service's.
	WebhookBackoff time.Duration
	// WebhookWorkers is how many webhook attempts run at once, for all merchants; 0: 8.
	WebhookWorkers int
	// WebhookQueue bounds one merchant's pending webhooks (queued, under way or waiting for a
	// retry); a delivery past it is dropped and its record says so. 0: 100.
	WebhookQueue int
	// AfterFunc runs f after d and returns a function that cancels it (as time.AfterFunc's
	// Stop): the clock of webhook retries. nil: time.AfterFunc.
	AfterFunc func(d time.Duration, f func()) (stop func() bool)
	// Logger receives failures; nil discards them.
	Logger *slog.Logger
	// Access says which page origins may call the bridge's endpoints (nil: the defaults of
	// package access — the server's own pages and pages served from this machine).
	Access *access.Policy
}

// API serves the i'mport V1 REST API (/users/getToken, /payments/…) and the bridge's
// /sdk/sandbox/ endpoints over a Store. Mount puts its routes on a server's mux (web.New does,
// for `make run`); API is also an http.Handler on its own, for tests.
type API struct {
	store     *Store
	merchants Merchants
	opts      Options
	log       *slog.Logger
	mux       *http.ServeMux

	outbox *outbox
	// ctx ends with Close: it aborts webhook attempts under way.
	ctx  context.Context
	stop context.CancelFunc
	// sched runs due billing-key schedules (subscribe_scheduler.go).
	sched scheduler
}

// NewAPI returns the API. merchants nil means the demo merchant alone.
func NewAPI(store *Store, merchants Merchants, opts Options) *API {
	if merchants == nil {
		merchants = MerchantSet{DemoMerchant: DemoKeys}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Client == nil {
		opts.Client = webhookClient()
	}
	if opts.WebhookWorkers <= 0 {
		opts.WebhookWorkers = 8
	}
	if opts.WebhookQueue <= 0 {
		opts.WebhookQueue = 100
	}
	if opts.AfterFunc == nil {
		opts.AfterFunc = func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 30 * time.Minute
	}
	if opts.WebhookRetries <= 0 {
		opts.WebhookRetries = 5
	}
	if opts.WebhookBackoff <= 0 {
		opts.WebhookBackoff = time.Minute
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ctx, stop := context.WithCancel(context.Background())
	a := &API{store: store, merchants: merchants, opts: opts, log: logger, ctx: ctx, stop: stop, mux: http.NewServeMux(), outbox: newOutbox()}
	a.Mount(a.mux)
	a.startScheduler()
	return a
}

// Wait blocks until every webhook delivery under way has finished, retries included.
func (a *API) Wait() { a.outbox.wait() }

// Close abandons queued webhooks and pending retries, and stops the attempts under way.
func (a *API) Close() {
	a.stop()
	a.stopScheduler()
	a.outbox.close()
}

func (a *API) now() int64 { return a.opts.Now().Unix() }

// ServeHTTP serves the API's routes alone (without web's pages and SDK files).
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	a.mux.ServeHTTP(w, r)
}

// The route table. Every route of the ledger is one line here: a Go 1.22 ServeMux pattern
// ("METHOD /path/{wildcard}") and a handler wrapped by the envelope it answers in.
//
// To add a route (rest, subscribe, certifications: put the handler in your own file):
//
//  1. Write the handler as a function that returns (value, error) and never touches the
//     ResponseWriter:
//     - REST, token required:   func(r *http.Request, merchant string) (any, error)
//     - REST, no token:         func(r *http.Request) (any, error)   (getToken)
//     - bridge (/sdk/sandbox/): func(r *http.Request) (any, error)
//     Read path wildcards with r.PathValue("imp_uid") (percent-decoded; "%2F", ".", "..",
//     "\" stay inside one value). Read a REST body with readFields(r) (JSON or form: the real
//     API takes both) and a bridge body with decodeBridge(r, &typedStruct).
//  2. Return the value to send: the REST envelope wraps it as {"code":0,"message":null,
//     "response":value}; the bridge's puts "ok":true before the fields of the value's object.
//  3. Return an error to refuse. In the real API's words: refused(code, "<its Korean message>",
//     "<what to change, in impshim's words>", kind) — kind nil is its HTTP 200 with code ≠ 0,
//     ErrNotFound a 404, ErrInvalid a 400, ErrUnauthorized a 401. In impshim's words alone:
//     invalid(field, msg), notFound(msg), conflict(msg). For the bridge, set ErrorCode on the
//     *Refusal (F1002, …) when the SDK's callback must see a real error_code. The envelope
//     picks the status from the kind (statusOf: once, with errors.Is), joins the messages of
//     errors.Join'ed refusals, and sends Explain as X-Impshim-Explain. Any other error is a
//     logged 500: wrap lower errors with %w.
//  4. Add a line below: {"POST /payments/prepare", a.rest(a.prepare)}. Unknown paths and wrong
//     methods under /users/, /payments/, /subscribe/, /certifications/ and /sdk/sandbox/ are
//     answered in the right envelope by the fallbacks at the end (404, or 405 with Allow); do
//     not register those prefixes yourself.
func (a *API) routes(mux *http.ServeMux) []route {
	return []route{
		{"POST /users/getToken", a.restPublic(a.getToken)},
		{"GET /payments", a.rest(a.payments)},
		{"GET /payments/{imp_uid}", a.rest(a.payment)},
		{"POST /payments/cancel", a.rest(a.cancel)},
		{"GET /payments/find/{merchant_uid}", a.rest(a.find)},
		{"GET /payments/find/{merchant_uid}/{payment_status}", a.rest(a.find)},
		{"GET /payments/findAll/{merchant_uid}", a.rest(a.findAll)},
		{"GET /payments/findAll/{merchant_uid}/{payment_status}", a.rest(a.findAll)},
		{"GET /payments/status/{payment_status}", a.rest(a.byStatus)},
		// rest: issue 18 (rest_*.go).
		{"GET /payments/find/{merchant_uid}/{$}", a.rest(a.find)},
		{"GET /payments/findAll/{merchant_uid}/{$}", a.rest(a.findAll)},
		{"GET /payments/{imp_uid}/{detail}", a.rest(a.balance)},
		{"POST /payments/prepare", a.rest(a.prepare)},
		{"PUT /payments/prepare", a.rest(a.updatePrepare)},
		{"GET /payments/prepare/{merchant_uid}", a.rest(a.prepared)},
		{"POST /vbanks", a.rest(a.createVbank)},
		{"GET /vbanks/holder", a.rest(a.vbankHolder)},
		{"PUT /vbanks/{imp_uid}", a.rest(a.updateVbank)},
		{"DELETE /vbanks/{imp_uid}", a.rest(a.deleteVbank)},
		{"GET /escrows/logis/{imp_uid}", a.rest(a.getEscrow)},
		{"POST /escrows/logis/{imp_uid}", a.rest(a.postEscrow)},
		{"PUT /escrows/logis/{imp_uid}", a.rest(a.editEscrow)},
		{"GET /cards", a.rest(a.cards)},
		{"GET /cards/{card_standard_code}", a.rest(a.card)},
		{"GET /banks", a.rest(a.banks)},
		{"GET /banks/{bank_standard_code}", a.rest(a.bank)},
		{"POST /sandbox/trigger", a.rest(a.trigger)},
		{"GET /sandbox/webhooks", a.rest(a.sandboxWebhooks)},
		{"POST /sandbox/webhooks/{id}/resend", a.rest(a.resendWebhook)},

		// Billing keys and schedules (subscribe_api.go), the sandbox clock (subscribe_scheduler.go).
		{"GET /subscribe/customers", a.rest(a.customers)},
		{"GET /subscribe/customers/{customer_uid}", a.rest(a.getCustomer)},
		{"POST /subscribe/customers/{customer_uid}", a.rest(a.saveCustomer)},
		{"DELETE /subscribe/customers/{customer_uid}", a.rest(a.deleteCustomer)},
		{"GET /subscribe/customers/{customer_uid}/payments", a.rest(a.customerPayments)},
		{"GET /subscribe/customers/{customer_uid}/schedules", a.rest(a.customerSchedules)},
		{"POST /subscribe/payments/again", a.rest(a.again)},
		{"POST /subscribe/payments/onetime", a.rest(a.onetime)},
		{"GET /subscribe/payments/schedule", a.rest(a.schedulesByRange)},
		{"POST /subscribe/payments/schedule", a.rest(a.schedule)},
		{"POST /subscribe/payments/unschedule", a.rest(a.unschedule)},
		{"GET /subscribe/payments/schedule/{merchant_uid}", a.rest(a.getSchedule)},
		{"GET /subscribe/payments/schedule/customers/{customer_uid}", a.rest(a.customerSchedules)},
		{"PUT /subscribe/payments/schedule/{merchant_uid}", a.rest(a.changeSchedule(MoveBooked))},
		{"POST /subscribe/payments/schedule/{merchant_uid}/reschedule", a.rest(a.changeSchedule(RebookFailed))},
		{"POST /subscribe/payments/schedule/{merchant_uid}/retry", a.rest(a.retrySchedule)},
		{"GET /certifications/{imp_uid}", a.rest(a.getCertification)},
		{"DELETE /certifications/{imp_uid}", a.rest(a.deleteCertification)},
		{"POST /certifications/otp/request", a.rest(a.requestOTP)},
		{"POST /certifications/otp/confirm/{imp_uid}", a.rest(a.confirmOTP)},
		{"GET /sandbox/clock", a.rest(a.getClock)},
		{"POST /sandbox/clock", a.rest(a.moveClock)},

		{"GET /sdk/sandbox/backend.json", a.bridge(a.backendJSON)},
		{"POST /sdk/sandbox/payments", a.bridge(a.record)},
		{"GET /sdk/sandbox/payments", a.bridge(a.bridgePayments)},
		{"POST /sdk/sandbox/reset", a.bridge(a.reset)},
		{"POST /sdk/sandbox/certifications", a.bridge(a.recordCertification)},
		{"POST /sdk/sandbox/attempts", a.bridge(a.openAttempt)},
		{"POST /sdk/sandbox/attempts/{imp_uid}/approval", a.bridge(a.approveAttempt)},
		{"POST /sdk/sandbox/attempts/{imp_uid}/outcome", a.bridge(a.completeAttempt)},
		{"GET /sdk/sandbox/billing_keys", a.bridge(a.bridgeBillingKeys)},
		{"GET /sdk/sandbox/schedules", a.bridge(a.bridgeSchedules)},
		{"GET /sdk/sandbox/clock", a.bridge(a.bridgeClock)},
		{"POST /sdk/sandbox/clock", a.bridge(a.bridgeMoveClock)},
		{"POST /sdk/sandbox/deposit", a.bridge(a.deposit)},
		{"GET /sdk/sandbox/webhooks", a.bridge(a.webhooks)},
		{"OPTIONS /sdk/sandbox/", http.HandlerFunc(a.preflight)},

		{"/users/", a.restFallback(mux)},
		{"/payments/", a.restFallback(mux)},
		{"/subscribe/", a.restFallback(mux)},
		{"/certifications/", a.restFallback(mux)},
		// Every other path of the V1 OpenAPI answers the REST envelope too, not the demo's 404.
		{"/vbanks", a.restFallback(mux)}, {"/vbanks/", a.restFallback(mux)},
		{"/escrows/", a.restFallback(mux)},
		{"/cards", a.restFallback(mux)}, {"/cards/", a.restFallback(mux)},
		{"/banks", a.restFallback(mux)}, {"/banks/", a.restFallback(mux)},
		{"/receipts/", a.restFallback(mux)}, {"/cvs", a.restFallback(mux)}, {"/cvs/", a.restFallback(mux)},
		{"/kcpquick/", a.restFallback(mux)}, {"/naver/", a.restFallback(mux)}, {"/tiers/", a.restFallback(mux)},
		{"/benepia/", a.restFallback(mux)}, {"/partners/", a.restFallback(mux)}, {"/payco/", a.restFallback(mux)},
		{"/paymentwall/", a.restFallback(mux)}, {"/sandbox/", a.restFallback(mux)},
		{"/sdk/sandbox/", a.bridgeFallback(mux)},
	}
}

type route struct {
	pattern string
	handler http.Handler
}

// Mount registers the API's routes on mux.
func (a *API) Mount(mux *http.ServeMux) {
	for _, rt := range a.routes(mux) {
		mux.Handle(rt.pattern, rt.handler)
	}
}

// methodsFor lists the methods that another route of mux takes for r's path, not counting the
// fallbacks (patterns without a method) and the route self: the Allow of a 405. The fallbacks
// catch every method, so ServeMux's own 405 (plain text) never answers.
func methodsFor(mux *http.ServeMux, r *http.Request, self string) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		_, pattern := mux.Handler(probe)
		if method, _, ok := strings.Cut(pattern, " "); ok && pattern != self && method == m {
			allow = append(allow, m)
		}
	}
	if slices.Contains(allow, http.MethodGet) {
		allow = append(allow, http.MethodHead)
	}
	return allow
}

// wrongMethod is the 405 for r when another method has a route at its path, else nil.
func wrongMethod(mux *http.ServeMux, r *http.Request, self string) error {
	allow := methodsFor(mux, r, self)
	if len(allow) == 0 {
		return nil
	}
	use := slices.DeleteFunc(slices.Clone(allow), func(m string) bool { return m == http.MethodHead })
	return &Refusal{Kind: errMethod, Field: strings.Join(allow, ", "),
		Message: r.Method + " is not allowed on " + r.URL.Path + "; use " + strings.Join(use, " or ")}
}

func noRoute(mux *http.ServeMux, r *http.Request, hint string) error {
	if err := wrongMethod(mux, r, ""); err != nil {
		return err
	}
	return notFound("no such " + hint + ": " + r.URL.Path)
}

func (a *API) restFallback(mux *http.ServeMux) http.Handler {
	return a.restPublic(func(r *http.Request) (any, error) {
		return nil, noRoute(mux, r, `API (see the README's "Server-side sandbox API")`)
	})
}

func (a *API) bridgeFallback(mux *http.ServeMux) http.Handler {
	return a.bridgeFor(func(r *http.Request) (any, error) {
		return nil, noRoute(mux, r, "sandbox endpoint")
	}, a.trustedOrigin)
}

// statusOf is the one mapping of errors to HTTP statuses, for both envelopes.
func statusOf(err error) int {
	var tooBig *http.MaxBytesError
	var netErr net.Error
	switch {
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge
	case errors.As(err, &netErr) && netErr.Timeout():
		return http.StatusRequestTimeout // the body did not arrive in time (web's BodyTimeout)
	case errors.Is(err, ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, errMethod):
		return http.StatusMethodNotAllowed
	case errors.Is(err, errMediaType):
		return http.StatusUnsupportedMediaType
	case errors.Is(err, ErrConflict):
		return http.StatusConflict
	case errors.Is(err, ErrInvalid):
		return http.StatusBadRequest
	}
	if r := firstRefusal(err); r != nil && r.Kind == nil {
		return http.StatusOK // the real API's business refusal: 200 with code ≠ 0
	}
	return http.StatusInternalServerError
}

// refusal is what an envelope says about err: the status, the envelope code, the message and
// impshim's explanation. Server failures are logged here, once.
type refusal struct {
	status  int
	code    int
	message string
	explain string
	first   *Refusal // nil for a server failure
}

func (a *API) refusalOf(w http.ResponseWriter, r *http.Request, err error) refusal {
	out := refusal{status: statusOf(err), code: -1, first: firstRefusal(err)}
	if out.first != nil && out.first.Code != 0 {
		out.code = out.first.Code
	}
	switch out.status {
	case http.StatusRequestEntityTooLarge:
		out.message = "the request body is over 1 MiB; send less"
	case http.StatusRequestTimeout:
		out.message = "the request body did not arrive in time; send it at once"
	case http.StatusInternalServerError:
		a.log.Error("ledger: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		out.message = "the sandbox ledger could not read or write its database: " + err.Error()
	default:
		out.message, out.explain = refusalText(err)
	}
	if out.status == http.StatusMethodNotAllowed && out.first != nil {
		w.Header().Set("Allow", out.first.Field)
	}
	if out.explain != "" {
		w.Header().Set("X-Impshim-Explain", strings.NewReplacer("\r", " ", "\n", " ").Replace(out.explain))
		a.log.Info("ledger: refused", "method", r.Method, "path", r.URL.Path, "message", out.message, "explain", out.explain)
	}
	return out
}

// recovered turns a handler's panic into a 500 in the envelope, so one bad request costs one
// answer, not the server.
func (a *API) recovered(w http.ResponseWriter, r *http.Request, write func(error)) {
	if v := recover(); v != nil {
		if v == http.ErrAbortHandler {
			panic(v)
		}
		a.log.Error("ledger: handler panic", "method", r.Method, "path", r.URL.Path, "panic", v)
		write(errors.New("the sandbox ledger failed on this request; see the server log"))
	}
}

// envelope is every REST answer: code 0 and the response, or code -1 and a message.
type envelope struct {
	Code     int     `json:"code"`
	Message  *string `json:"message"`
	Response any     `json:"response"`
}

// restPublic adapts a REST handler that needs no token to the i'mport envelope.
func (a *API) restPublic(h func(*http.Request) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fail := func(err error) {
			ref := a.refusalOf(w, r, err)
			writeJSON(w, ref.status, envelope{Code: ref.code, Message: &ref.message})
		}
		defer a.recovered(w, r, fail)
		v, err := h(r)
		if err != nil {
			fail(err)
			return
		}
		status := http.StatusOK
		if s, ok := v.(shaped); ok { // an answer with its own status or headers (subscribe_api.go)
			for k, vs := range s.header {
				w.Header()[k] = vs
			}
			status, v = max(s.status, status), s.v
		}
		if d, ok := v.(storedPayment); ok {
			writeBody(w, status, d.okEnvelope())
			return
		}
		writeJSON(w, status, envelope{Code: 0, Response: v})
	})
}

// rest adapts a REST handler of a merchant's server: the access token names the merchant.
func (a *API) rest(h func(r *http.Request, merchant string) (any, error)) http.Handler {
	return a.restPublic(func(r *http.Request) (any, error) {
		code, err := a.authorize(r)
		if err != nil {
			return nil, err
		}
		return h(r, code)
	})
}

// bridgeError is the bridge's refusal: error_code/error_msg are what the SDK's callback gets
// (C2), error is the same message for older bridges.
type bridgeError struct {
	OK        bool   `json:"ok"`
	Error     string `json:"error"`
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
}

// bridgeCodes are the error_codes of refusals that carry none of their own.
var bridgeCodes = map[int]string{
	http.StatusOK: "REFUSED", http.StatusBadRequest: "INVALID_REQUEST", http.StatusUnauthorized: "UNAUTHORIZED", http.StatusForbidden: "FORBIDDEN",
	http.StatusNotFound: "NOT_FOUND", http.StatusMethodNotAllowed: "METHOD_NOT_ALLOWED", http.StatusConflict: "CONFLICT",
	http.StatusRequestEntityTooLarge: "PAYLOAD_TOO_LARGE", http.StatusUnsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE",
	http.StatusRequestTimeout: "REQUEST_TIMEOUT", http.StatusInternalServerError: "INTERNAL",
}

// bridge adapts a handler of the JS bridge's endpoints to {"ok": true, …} / {"ok": false, …}.
// These endpoints take no token (the browser holds no secret), so the adapter decides who may
// call them: a trusted page origin (package access), and for a POST a JSON body — which a page
// of another site cannot send without a CORS preflight, and the preflight is answered only for
// trusted origins (see preflight).
func (a *API) bridge(h func(*http.Request) (any, error)) http.Handler {
	return a.bridgeFor(h, a.trustedOrigin, jsonBody)
}

// trustedOrigin refuses pages that package access does not trust, and lets trusted ones read
// the answer (CORS).
func (a *API) trustedOrigin(w http.ResponseWriter, r *http.Request) error {
	origin := r.Header.Get("Origin")
	if !a.opts.Access.OriginAllowed(origin, r.Host) {
		return &Refusal{Kind: ErrForbidden, ErrorCode: "ORIGIN_NOT_TRUSTED", Message: "pages of " + origin +
			" may not call the sandbox's bridge: only this server's pages, pages served from this machine (localhost, 127.0.0.1, " +
			"its own addresses, any port) and origins given with -allow-origin may (docs/trust.md)"}
	}
	if origin != "" {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
	}
	return nil
}

// jsonBody refuses a bridge POST whose body is not declared as JSON: text/plain and form posts
// are what a page of another site can send without asking first.
func jsonBody(_ http.ResponseWriter, r *http.Request) error {
	if r.Method != http.MethodPost {
		return nil
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		return &Refusal{Kind: errMediaType, Field: "Content-Type", Message: "send the body as JSON with Content-Type: application/json, not " +
			strconv.Quote(r.Header.Get("Content-Type"))}
	}
	return nil
}

// bridgeFor adapts h to the bridge's envelope after the checks, in order.
func (a *API) bridgeFor(h func(*http.Request) (any, error), checks ...func(http.ResponseWriter, *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fail := func(err error) {
			ref := a.refusalOf(w, r, err)
			code := bridgeCodes[ref.status]
			if ref.first != nil && ref.first.ErrorCode != "" {
				code = ref.first.ErrorCode
			}
			text := ref.message
			if ref.explain != "" {
				text += " (" + ref.explain + ")"
			}
			writeJSON(w, ref.status, bridgeError{Error: text, ErrorCode: code, ErrorMsg: ref.message})
		}
		defer a.recovered(w, r, fail)
		for _, check := range checks {
			if err := check(w, r); err != nil {
				fail(err)
				return
			}
		}
		v, err := h(r)
		if err != nil {
			fail(err)
			return
		}
		writeJSON(w, http.StatusOK, okObject{v})
	})
}

// okObject writes v's JSON object with "ok": true first.
type okObject struct{ v any }

func (o okObject) MarshalJSON() ([]byte, error) {
	b, err := marshal(o.v)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '{' {
		return nil, errors.New("ledger: a bridge answer must be a JSON object")
	}
	if string(b) == "{}" {
		return []byte(`{"ok":true}`), nil
	}
	return append([]byte(`{"ok":true,`), b[1:]...), nil
}

func marshal(v any) ([]byte, error) {
	// Answers are read by people in curl too: "<code>" beats "\u003ccode\u003e", and the
	// Content-Type keeps browsers from treating them as HTML.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"code":-1,"message":"the sandbox ledger could not encode its answer","response":null}` + "\n")
	}
	writeBody(w, status, b)
}

func writeBody(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(b)
}
