package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/impshim/impshim/resolver"
	"github.com/impshim/impshim/web/merchants"
)

// The JS bridge's endpoints under /sdk/sandbox/: what imp.js calls from the buyer's browser to
// record what the SDK answered, and what the demo page and a merchant's tests use to look at the
// ledger. They need no token, since the browser holds no secret.

// preflight answers a browser's CORS preflight for the bridge: a trusted page may POST JSON
// (imp.js does, from the merchant's page, which is often on another port than the sandbox); an
// untrusted one gets a refusal without Access-Control-Allow-Origin, so its browser never sends
// the request.
func (a *API) preflight(w http.ResponseWriter, r *http.Request) {
	if err := a.trustedOrigin(w, r); err != nil {
		w.WriteHeader(http.StatusForbidden)
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
	h.Set("Access-Control-Max-Age", "600")
	w.WriteHeader(http.StatusNoContent)
}

// decodeBridge reads a bridge request's body, one JSON object, into v (a pointer to a struct),
// naming the field of a value of the wrong type.
func decodeBridge(r *http.Request, v any) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' {
		return invalid("", "the body must be a JSON object")
	}
	err = json.Unmarshal(data, v)
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &typ) && typ.Field != "":
		return invalid(typ.Field, typ.Field+" must be "+jsonKind(typ.Type))
	}
	return invalid("", "the body must be a JSON object: "+err.Error())
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "a number"
}

// merchantOf checks a merchant_code from a body or a query.
func (a *API) merchantOf(code string) error {
	if code == "" {
		return invalid("merchant_code", "merchant_code is required: the code given to IMP.init")
	}
	// Every merchant code has a ledger: a code without a merchant file is the built-in
	// sandbox merchant's (REST keys: imp_key "<code>", imp_secret SandboxSecret).
	if _, ok := a.merchants.Keys(code); !ok && !merchants.ValidCode(code) {
		return invalid("merchant_code", "merchant_code "+strconv.Quote(code)+" is not a merchant code: letters, digits, _ or -, up to 64")
	}
	return nil
}

// merchantBody is the body of the bridge's calls about a merchant's ledger.
type merchantBody struct {
	MerchantCode string `json:"merchant_code"`
	ImpUID       string `json:"imp_uid"`
}

// readMerchantBody reads a body naming a known merchant.
func (a *API) readMerchantBody(r *http.Request) (merchantBody, error) {
	var b merchantBody
	if err := decodeBridge(r, &b); err != nil {
		return b, err
	}
	return b, a.merchantOf(b.MerchantCode)
}

// windowClock is the time a payment made through the window is stamped with: the merchant's
// sandbox clock (POST /sandbox/clock), as REST reads and schedules see it, so that a merchant
// who moved its clock reads its buyers' payments made at that time.
func (a *API) windowClock(r *http.Request, merchantCode string) (int64, error) {
	return a.clockOf(r.Context(), merchantCode)
}

func (a *API) backendJSON(*http.Request) (any, error) {
	return struct {
		Ledger   bool `json:"ledger"`
		Webhooks bool `json:"webhooks"`
		REST     bool `json:"rest"`
	}{true, true, true}, nil
}

// recordBody is POST /sdk/sandbox/payments: the params snapshot and the SDK's response.
type recordBody struct {
	MerchantCode string        `json:"merchant_code"`
	Request      *bridgeFields `json:"request"`
	Response     *bridgeFields `json:"response"`
}

// bridgeFields is what the bridge sends of a request's params and of the SDK's response: the
// same names, since the response echoes the params. Fields that identify the payment must have
// their JSON type (a pointer: absent or null is nil); fields that only describe it (name,
// buyer_*, card_*) are lenientText, because refusing the record over a buyer_tel sent as a
// number would lose a payment the buyer made.
type bridgeFields struct {
	ImpUID      *string `json:"imp_uid"`
	MerchantUID *string `json:"merchant_uid"`
	Status      *string `json:"status"`
	PayMethod   *string `json:"pay_method"`
	Currency    *string `json:"currency"`
	Success     *bool   `json:"success"`

	PG            lenientText `json:"pg"`
	PGProvider    lenientText `json:"pg_provider"`
	PGTID         lenientText `json:"pg_tid"`
	PGID          lenientText `json:"pg_id"`
	ApplyNum      lenientText `json:"apply_num"`
	CardCode      lenientText `json:"card_code"`
	CardName      lenientText `json:"card_name"`
	CardNumber    lenientText `json:"card_number"`
	BankCode      lenientText `json:"bank_code"`
	BankName      lenientText `json:"bank_name"`
	VbankCode     lenientText `json:"vbank_code"`
	VbankName     lenientText `json:"vbank_name"`
	VbankNum      lenientText `json:"vbank_num"`
	VbankHolder   lenientText `json:"vbank_holder"`
	Name          lenientText `json:"name"`
	ReceiptURL    lenientText `json:"receipt_url"`
	CustomerUID   lenientText `json:"customer_uid"`
	BuyerName     lenientText `json:"buyer_name"`
	BuyerEmail    lenientText `json:"buyer_email"`
	BuyerTel      lenientText `json:"buyer_tel"`
	BuyerAddr     lenientText `json:"buyer_addr"`
	BuyerPostcode lenientText `json:"buyer_postcode"`
	ErrorCode     lenientText `json:"error_code"`
	ErrorMsg      lenientText `json:"error_msg"`

	CardQuota  lenientCount    `json:"card_quota"`
	Escrow     lenientBool     `json:"escrow"`
	Amount     json.RawMessage `json:"amount"`
	PaidAmount json.RawMessage `json:"paid_amount"`
	PaidAt     json.RawMessage `json:"paid_at"`
	VbankDate  json.RawMessage `json:"vbank_date"`
	CustomData json.RawMessage `json:"custom_data"`
	NoticeURL  json.RawMessage `json:"notice_url"`
}

// lenientText is a descriptive field: a string, or a number's text; anything else is "".
type lenientText string

func (t *lenientText) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*t = lenientText(s)
		return nil
	}
	var n json.Number
	if json.Unmarshal(b, &n) == nil {
		*t = lenientText(n.String())
		return nil
	}
	*t = ""
	return nil
}

// lenientCount is card_quota: a whole number, or a string of digits as some PGs send; else 0.
type lenientCount int64

func (c *lenientCount) UnmarshalJSON(b []byte) error {
	*c = 0
	if n, ok := wholeNumber(b); ok {
		*c = lenientCount(n)
	}
	return nil
}

// lenientBool is a flag of the params (escrow): true only when it is the JSON true.
type lenientBool bool

func (v *lenientBool) UnmarshalJSON(b []byte) error {
	*v = string(b) == "true"
	return nil
}

// wholeNumber reads a non-negative whole JSON number, or a string of digits.
func wholeNumber(raw []byte) (int64, bool) {
	var f float64
	if json.Unmarshal(raw, &f) == nil && f >= 0 && f <= 1e15 && f == math.Trunc(f) {
		return int64(f), true
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
			return n, true
		}
	}
	return 0, false
}

func present(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

// pick is the response's value where it has one, else the request's.
func pick(resp, req *string) string {
	if resp != nil {
		return *resp
	}
	if req != nil {
		return *req
	}
	return ""
}

func text(resp, req lenientText) Text {
	if resp != "" {
		return Text(resp)
	}
	return Text(req)
}

type recorded struct {
	Recorded bool   `json:"recorded"`
	ImpUID   string `json:"imp_uid,omitempty"`
	Status   string `json:"status,omitempty"`
}

func (a *API) record(r *http.Request) (any, error) {
	var body recordBody
	if err := decodeBridge(r, &body); err != nil {
		return nil, err
	}
	if err := a.merchantOf(body.MerchantCode); err != nil {
		return nil, err
	}
	var errs []error
	if body.Request == nil {
		errs = append(errs, invalid("request", "request must be an object"))
	}
	if body.Response == nil {
		errs = append(errs, invalid("response", "response must be an object"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	now, err := a.windowClock(r, body.MerchantCode)
	if err != nil {
		return nil, err
	}
	p, notice, err := paymentFromBridge(body.Request, body.Response, now, r.UserAgent())
	if err != nil {
		return nil, err
	}
	if p.ImpUID == "" {
		// A check failed before any window opened: there is no payment to keep.
		return recorded{Recorded: false}, nil
	}
	// A payment opened through POST …/attempts changes only through its window (…/approval,
	// …/outcome): this older path must not turn its open window into paid (rest's guard).
	if att, err := a.store.Attempt(r.Context(), body.MerchantCode, p.ImpUID); err == nil {
		cur, err := a.store.Payment(r.Context(), body.MerchantCode, p.ImpUID)
		if err != nil {
			return nil, err
		}
		if cur.Status != p.Status || att.CompletedAt == 0 {
			return nil, conflict("payment " + p.ImpUID + " was opened through POST {sdk}/sandbox/attempts: its outcome goes to …/attempts/" +
				p.ImpUID + "/outcome, after the window's approval")
		}
		return recorded{Recorded: true, ImpUID: p.ImpUID, Status: p.Status}, nil
	}
	changed, err := a.store.Record(r.Context(), Record{MerchantCode: body.MerchantCode, Payment: p, NoticeURLs: notice}, now)
	if err != nil {
		return nil, err
	}
	a.keepWindowKey(r, body.MerchantCode, body.Request, body.Response) // subscribe_api.go
	if changed {
		a.notify(body.MerchantCode, p, notice)
	}
	return recorded{Recorded: true, ImpUID: p.ImpUID, Status: p.Status}, nil
}

type paymentList struct {
	Total    int       `json:"total"`
	Payments []Payment `json:"payments"`
}

func (a *API) bridgePayments(r *http.Request) (any, error) {
	query := r.URL.Query()
	code := query.Get("merchant_code")
	if err := a.merchantOf(code); err != nil {
		return nil, err
	}
	// merchant_uid and status narrow the list, e.g. to ask whether an order is already paid.
	q := ListQuery{Status: "all", Page: 1, Limit: 100, MerchantUID: query.Get("merchant_uid")}
	if st := query.Get("status"); st != "" && st != "all" {
		if !resolver.ValidStatus(st) {
			return nil, invalid("status", "status must be all, ready, paid, cancelled or failed, not "+strconv.Quote(st))
		}
		q.Status = st
	}
	list, total, err := a.store.List(r.Context(), code, q)
	if err != nil {
		return nil, err
	}
	return paymentList{total, list}, nil
}

func (a *API) reset(r *http.Request) (any, error) {
	b, err := a.readMerchantBody(r)
	if err != nil {
		return nil, err
	}
	n, err := a.store.Reset(r.Context(), b.MerchantCode)
	if err == nil {
		err = a.store.ResetSubscriptions(r.Context(), b.MerchantCode)
	}
	if err != nil {
		return nil, err
	}
	return struct {
		Forgotten int `json:"forgotten"`
	}{n}, nil
}

// deposit plays the bank: money arrives in a virtual account, the payment turns paid, and the
// merchant's notice_url hears of it, as with a real deposit.
func (a *API) deposit(r *http.Request) (any, error) {
	b, err := a.readMerchantBody(r)
	if err != nil {
		return nil, err
	}
	now, err := a.clockOf(r.Context(), b.MerchantCode) // a deadline passes on the merchant's sandbox clock
	if err != nil {
		return nil, err
	}
	p, notice, err := a.store.Deposit(r.Context(), b.MerchantCode, b.ImpUID, now)
	if err != nil {
		return nil, err
	}
	a.announce(b.MerchantCode, p, notice, EventVbankDeposit, "")
	return struct {
		Payment Payment `json:"payment"`
	}{p}, nil
}

func (a *API) webhooks(r *http.Request) (any, error) {
	code := r.URL.Query().Get("merchant_code")
	if err := a.merchantOf(code); err != nil {
		return nil, err
	}
	list, err := a.store.Attempts(r.Context(), code, 200)
	if err != nil {
		return nil, err
	}
	// Connection errors are for the merchant (its token, as the REST API takes it), not for
	// any page or process on the machine.
	if owner, err := a.authorize(r); err != nil || owner != code {
		for i := range list {
			list[i] = publicAttempt(list[i])
		}
	}
	return struct {
		Webhooks []Attempt `json:"webhooks"`
	}{list}, nil
}

// paymentFromBridge builds the ledger's payment from the params snapshot and the SDK response.
// The response wins where both say something: it carries the defaults the SDK applied.
func paymentFromBridge(req, resp *bridgeFields, now int64, userAgent string) (Payment, []string, error) {
	var p Payment
	var errs []error
	p.ImpUID = pick(resp.ImpUID, req.ImpUID)
	if p.ImpUID == "" {
		return p, nil, nil
	}
	if !resolver.ValidIMPUID(p.ImpUID) {
		errs = append(errs, invalid("response.imp_uid", "response.imp_uid "+strconv.Quote(p.ImpUID)+" is not an impshim imp_uid (imp_ and 12 digits)"))
	}
	p.MerchantUID = pick(resp.MerchantUID, req.MerchantUID)
	if p.MerchantUID == "" {
		errs = append(errs, invalid("response.merchant_uid", "response.merchant_uid is required"))
	} else if utf8.RuneCountInString(p.MerchantUID) > resolver.MaxMerchantUIDLen {
		errs = append(errs, invalid("response.merchant_uid", "merchant_uid is over 40 characters"))
	}
	p.Status = pick(resp.Status, req.Status)
	success := resp.Success != nil && *resp.Success
	switch {
	case !resolver.ValidStatus(p.Status):
		errs = append(errs, invalid("response.status", "response.status must be paid, ready, failed or cancelled, not "+strconv.Quote(p.Status)))
	case success && p.Status != StatusPaid && p.Status != StatusReady:
		errs = append(errs, invalid("response.status", "response.success is true but response.status is "+p.Status))
	case !success && (p.Status == StatusPaid || p.Status == StatusReady):
		errs = append(errs, invalid("response.success", "response.status is "+p.Status+" but response.success is not true"))
	}
	p.PayMethod = or(pick(resp.PayMethod, req.PayMethod), "card")
	p.Currency = or(pick(resp.Currency, req.Currency), "KRW")
	if !isCurrency(p.Currency) {
		errs = append(errs, invalid("response.currency", "currency "+strconv.Quote(p.Currency)+" is not a 3-letter code such as KRW"))
	}
	p.PGProvider = string(text(resp.PGProvider, req.PGProvider))
	if p.PGProvider == "" {
		p.PGProvider, _, _ = strings.Cut(string(text(resp.PG, req.PG)), ".")
	}
	p.Channel = "pc"
	// The bridge posts from the buyer's browser, so its User-Agent is the buyer's.
	if resolver.MobileUserAgent(userAgent) {
		p.Channel = "mobile"
	}
	p.PGTID, p.PGID, p.ApplyNum = text(resp.PGTID, req.PGTID), text(resp.PGID, req.PGID), text(resp.ApplyNum, req.ApplyNum)
	p.CardCode, p.CardName, p.CardNumber = text(resp.CardCode, req.CardCode), text(resp.CardName, req.CardName), text(resp.CardNumber, req.CardNumber)
	p.BankCode, p.BankName, p.VbankCode = text(resp.BankCode, req.BankCode), text(resp.BankName, req.BankName), text(resp.VbankCode, req.VbankCode)
	p.VbankName, p.VbankNum, p.VbankHolder = text(resp.VbankName, req.VbankName), text(resp.VbankNum, req.VbankNum), text(resp.VbankHolder, req.VbankHolder)
	p.Name, p.ReceiptURL = text(resp.Name, req.Name), text(resp.ReceiptURL, req.ReceiptURL)
	p.BuyerName, p.BuyerEmail, p.BuyerTel = text(resp.BuyerName, req.BuyerName), text(resp.BuyerEmail, req.BuyerEmail), text(resp.BuyerTel, req.BuyerTel)
	p.BuyerAddr, p.BuyerPostcode = text(resp.BuyerAddr, req.BuyerAddr), text(resp.BuyerPostcode, req.BuyerPostcode)
	p.CustomerUID = text(resp.CustomerUID, req.CustomerUID)
	p.UserAgent = Text(userAgent)
	p.CardQuota = int64(resp.CardQuota)
	p.Escrow = bool(req.Escrow)

	// A paid response says what was paid; a failed one carries paid_amount 0, so the amount
	// the buyer was asked for is the request's.
	amountKey, raw := "paid_amount", resp.PaidAmount
	if !present(resp.PaidAmount) || (!success && present(req.Amount)) {
		amountKey, raw = "amount", req.Amount
	}
	amount, err := amountField(amountKey, raw)
	errs = append(errs, err)
	p.Amount = amount
	p.CustomData = Text(customData(req.CustomData, resp.CustomData))

	p.StartedAt = now
	switch p.Status {
	case StatusPaid:
		var paidAt int64
		if present(resp.PaidAt) {
			n, ok := wholeNumber(resp.PaidAt)
			if !ok {
				errs = append(errs, invalid("response.paid_at", "response.paid_at must be a whole non-negative number"))
			}
			paidAt = n
		}
		if paidAt > 1e11 { // milliseconds, as Date.now() gives
			paidAt /= 1000
		}
		p.PaidAt = or64(paidAt, now)
	case StatusReady:
		p.VbankIssuedAt = now
		p.VbankDate = vbankDate(resp.VbankDate)
	case StatusFailed:
		p.FailedAt = now
		p.FailReason = Text(failReason(resp))
	case StatusCancelled:
		p.CancelledAt = now
		p.CancelReason = Text(failReason(resp))
	}
	notice, err := noticeURLs(req.NoticeURL)
	errs = append(errs, err)
	return p, notice, errors.Join(errs...)
}

func failReason(resp *bridgeFields) string {
	if resp.ErrorCode != "" {
		return "[" + string(resp.ErrorCode) + "] " + string(resp.ErrorMsg)
	}
	return string(resp.ErrorMsg)
}

// customData is what the REST API returns for custom_data: the text the merchant sent, or
// the JSON text of the object.
func customData(req, resp json.RawMessage) string {
	raw := req
	if len(raw) == 0 {
		raw = resp
	}
	if !present(raw) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var compact bytes.Buffer
	if json.Compact(&compact, raw) != nil {
		return string(raw)
	}
	return compact.String()
}

// stringOrList reads a string or an array of strings (absent, null and "" are none); ok is
// false for anything else.
func stringOrList(raw json.RawMessage) ([]string, bool) {
	if !present(raw) {
		return nil, true
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		if one == "" {
			return nil, true
		}
		return []string{one}, true
	}
	var many []string
	if json.Unmarshal(raw, &many) != nil {
		return nil, false
	}
	return many, true
}

// maxNoticeURLs bounds one payment's webhooks.
const maxNoticeURLs = 10

func noticeURLs(raw json.RawMessage) ([]string, error) {
	many, ok := stringOrList(raw)
	if !ok {
		return nil, invalid("request.notice_url", "request.notice_url must be a URL string or an array of them")
	}
	if len(many) > maxNoticeURLs {
		return nil, invalid("request.notice_url", "request.notice_url lists "+strconv.Itoa(len(many))+" URLs; give at most "+strconv.Itoa(maxNoticeURLs))
	}
	return many, nil
}

// webhookURL checks that u is somewhere a webhook may go.
func webhookURL(u string) error {
	parsed, err := url.Parse(u)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		return fmt.Errorf("notice_url %q is not an absolute http(s) URL; webhooks go only to http:// or https:// addresses", u)
	}
	return nil
}

func vbankDate(raw json.RawMessage) int64 {
	if len(raw) == 0 {
		return 0
	}
	var n float64
	if json.Unmarshal(raw, &n) == nil && n > 0 && n < 1e13 {
		if n > 1e11 {
			n /= 1000
		}
		return int64(n)
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return 0
	}
	kst := time.FixedZone("KST", 9*3600) // virtual-account deadlines are Korean local time
	for _, layout := range []string{"2006-01-02 15:04:05", time.RFC3339, "200601021504", "20060102150405", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, kst); err == nil {
			return t.Unix()
		}
	}
	return 0
}

func amountField(key string, raw json.RawMessage) (Amount, error) {
	if !present(raw) {
		return 0, invalid("request.amount", "the payment has no amount: response.paid_amount or request.amount is required")
	}
	var a Amount
	if err := a.UnmarshalJSON(raw); err != nil {
		return 0, invalid(key, key+" "+err.Error())
	}
	return a, nil
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for _, c := range s {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func or64(n, fallback int64) int64 {
	if n == 0 {
		return fallback
	}
	return n
}
