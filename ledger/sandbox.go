package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The bridge's endpoints under /sdk/sandbox/. They answer {"ok": true, …} or, with a 4xx,
// {"ok": false, "error": "…"}; they need no token, since the browser holds no secret.

func (a *API) serveSandbox(w http.ResponseWriter, r *http.Request, segs []string) {
	// imp.js may be served from another origin than the merchant's page.
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	name := strings.Join(segs, "/")
	switch name {
	case "backend.json":
		if allow(w, r, http.MethodGet, sandboxFail) {
			writeJSON(w, http.StatusOK, map[string]any{"ledger": true, "webhooks": true, "rest": true})
		}
	case "payments":
		if r.Method == http.MethodPost {
			a.record(w, r)
		} else if allow(w, r, http.MethodGet, sandboxFail) {
			a.sandboxPayments(w, r)
		}
	case "reset":
		if allow(w, r, http.MethodPost, sandboxFail) {
			a.reset(w, r)
		}
	case "deposit":
		if allow(w, r, http.MethodPost, sandboxFail) {
			a.deposit(w, r)
		}
	case "webhooks":
		if allow(w, r, http.MethodGet, sandboxFail) {
			a.webhooks(w, r)
		}
	default:
		sandboxFail(w, http.StatusNotFound, "no such sandbox endpoint: "+r.URL.Path)
	}
}

func sandboxFail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"ok": false, "error": msg})
}

// readObject reads a body that must be one JSON object.
func readObject(r *http.Request) (map[string]json.RawMessage, error) {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil || m == nil {
		return nil, refuse(http.StatusBadRequest, "the body must be a JSON object: "+errText(err))
	}
	return m, nil
}

// merchantOf reads and checks merchant_code from a body or a query.
func (a *API) merchantOf(code string) error {
	if code == "" {
		return refuse(http.StatusBadRequest, "merchant_code is required: the code given to IMP.init")
	}
	if _, ok := a.merchants.Keys(code); !ok {
		return refuse(http.StatusNotFound, "unknown merchant "+strconv.Quote(code)+
			": the ledger keeps payments only for merchants the server has a merchants/<code>.json for")
	}
	return nil
}

// merchantBody reads a bridge request's JSON object and the known merchant it names.
func (a *API) merchantBody(r *http.Request) (map[string]json.RawMessage, string, error) {
	body, err := readObject(r)
	if err != nil {
		return nil, "", err
	}
	code, err := str(body, "merchant_code", "")
	if err == nil {
		err = a.merchantOf(code)
	}
	return body, code, err
}

func (a *API) record(w http.ResponseWriter, r *http.Request) {
	body, code, err := a.merchantBody(r)
	if err != nil {
		a.failErr(w, err, sandboxFail)
		return
	}
	req, err1 := object(body, "request")
	resp, err2 := object(body, "response")
	if err := errors.Join(err1, err2); err != nil {
		a.failErr(w, err, sandboxFail)
		return
	}
	now := a.now()
	p, notice, err := paymentFromBridge(req, resp, now, r.UserAgent())
	if err != nil {
		a.failErr(w, err, sandboxFail)
		return
	}
	if p.ImpUID == "" {
		// A check failed before any window opened: there is no payment to keep.
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "recorded": false})
		return
	}
	changed, err := a.store.Record(r.Context(), Record{MerchantCode: code, Payment: p, NoticeURLs: notice}, now)
	if err != nil {
		a.failErr(w, err, sandboxFail)
		return
	}
	if changed {
		a.notify(code, p, notice)
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "recorded": true, "imp_uid": p.ImpUID, "status": p.Status})
}

func (a *API) sandboxPayments(w http.ResponseWriter, r *http.Request) {
	code := r.URL.Query().Get("merchant_code")
	if err := a.merchantOf(code); err != nil {
		a.failErr(w, err, sandboxFail)
		return
	}
	// merchant_uid and status narrow the list, e.g. to ask whether an order is already paid.
	q := ListQuery{Status: "all", Page: 1, Limit: 100, MerchantUID: r.URL.Query().Get("merchant_uid")}
	if st := r.URL.Query().Get("status"); st != "" && st != "all" {
		if !validStatus(st) {
			sandboxFail(w, http.StatusBadRequest, "status must be all, ready, paid, cancelled or failed, not "+strconv.Quote(st))
			return
		}
		q.Status = st
	}
	list, total, err := a.store.List(r.Context(), code, q)
	if err != nil {
		a.failErr(w, err, sandboxFail)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "total": total, "payments": list})
}

func (a *API) reset(w http.ResponseWriter, r *http.Request) {
	_, code, err := a.merchantBody(r)
	if err != nil {
		a.failErr(w, err, sandboxFail)
		return
	}
	n, err := a.store.Reset(r.Context(), code)
	if err != nil {
		a.failErr(w, err, sandboxFail)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "forgotten": n})
}

// deposit plays the bank: money arrives in a virtual account, the payment turns paid, and the
// merchant's notice_url hears of it, as with a real deposit.
func (a *API) deposit(w http.ResponseWriter, r *http.Request) {
	body, err := readObject(r)
	if err != nil {
		a.failErr(w, err, sandboxFail)
		return
	}
	code, err1 := str(body, "merchant_code", "")
	impUID, err2 := str(body, "imp_uid", "")
	err = errors.Join(err1, err2)
	if err == nil {
		err = a.merchantOf(code)
	}
	if err != nil {
		a.failErr(w, err, sandboxFail)
		return
	}
	p, notice, err := a.store.Deposit(r.Context(), code, impUID, a.now())
	if err == ErrNotFound {
		sandboxFail(w, http.StatusNotFound, "no payment with imp_uid "+strconv.Quote(impUID)+" for merchant "+code)
		return
	}
	if err != nil {
		a.failErr(w, err, sandboxFail)
		return
	}
	a.notify(code, p, notice)
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "payment": p})
}

func (a *API) webhooks(w http.ResponseWriter, r *http.Request) {
	code := r.URL.Query().Get("merchant_code")
	if err := a.merchantOf(code); err != nil {
		a.failErr(w, err, sandboxFail)
		return
	}
	list, err := a.store.Attempts(r.Context(), code, 200)
	if err != nil {
		a.failErr(w, err, sandboxFail)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "webhooks": list})
}

var impUIDPattern = regexp.MustCompile(`^imps_[0-9]{12}$`)

// mobileUA is how the SDK tells a mobile browser (SPEC §6); the bridge posts from the buyer's
// browser, so its User-Agent is the buyer's.
var mobileUA = regexp.MustCompile(`Mobi|Android|iPhone|iPad`)

// paymentFromBridge builds the ledger's payment from the params snapshot and the SDK response.
// The response wins where both say something: it carries the defaults the SDK applied.
func paymentFromBridge(req, resp map[string]json.RawMessage, now int64, userAgent string) (Payment, []string, error) {
	var p Payment
	var errs []error
	// get reads a field that identifies the payment: it must be a string where present.
	get := func(key string) string {
		s, err := str(resp, key, "response.")
		errs = append(errs, err)
		if s == "" && !has(resp, key) {
			s, err = str(req, key, "request.")
			errs = append(errs, err)
		}
		return s
	}
	// describe reads a field that only describes the payment (name, buyer_*, card_*): a number
	// where a string belongs is kept as its text, and an odd type is dropped, because refusing
	// the record over a buyer_tel sent as a number would lose a payment the buyer made.
	describe := func(key string) Text {
		if s := text(resp, key); s != "" {
			return Text(s)
		}
		return Text(text(req, key))
	}
	p.ImpUID = get("imp_uid")
	if p.ImpUID == "" {
		return p, nil, errors.Join(errs...)
	}
	if !impUIDPattern.MatchString(p.ImpUID) {
		errs = append(errs, refuse(http.StatusBadRequest, "response.imp_uid "+strconv.Quote(p.ImpUID)+" is not an impshim imp_uid (imps_ and 12 digits)"))
	}
	p.MerchantUID = get("merchant_uid")
	if p.MerchantUID == "" {
		errs = append(errs, refuse(http.StatusBadRequest, "response.merchant_uid is required"))
	} else if utf8.RuneCountInString(p.MerchantUID) > 40 {
		errs = append(errs, refuse(http.StatusBadRequest, "merchant_uid is over 40 characters"))
	}
	p.Status = get("status")
	success, err := boolean(resp, "success", "response.")
	errs = append(errs, err)
	switch {
	case !validStatus(p.Status):
		errs = append(errs, refuse(http.StatusBadRequest, "response.status must be paid, ready, failed or cancelled, not "+strconv.Quote(p.Status)))
	case success && p.Status != StatusPaid && p.Status != StatusReady:
		errs = append(errs, refuse(http.StatusBadRequest, "response.success is true but response.status is "+p.Status))
	case !success && (p.Status == StatusPaid || p.Status == StatusReady):
		errs = append(errs, refuse(http.StatusBadRequest, "response.status is "+p.Status+" but response.success is not true"))
	}
	p.PayMethod = or(get("pay_method"), "card")
	p.Currency = or(get("currency"), "KRW")
	if !isCurrency(p.Currency) {
		errs = append(errs, refuse(http.StatusBadRequest, "currency "+strconv.Quote(p.Currency)+" is not a 3-letter code such as KRW"))
	}
	p.PGProvider = string(describe("pg_provider"))
	if p.PGProvider == "" {
		p.PGProvider, _, _ = strings.Cut(string(describe("pg")), ".")
	}
	p.Channel = "pc"
	if mobileUA.MatchString(userAgent) {
		p.Channel = "mobile"
	}
	p.PGTID, p.PGID, p.ApplyNum = describe("pg_tid"), describe("pg_id"), describe("apply_num")
	p.CardCode, p.CardName, p.CardNumber = describe("card_code"), describe("card_name"), describe("card_number")
	p.BankCode, p.BankName, p.VbankCode = describe("bank_code"), describe("bank_name"), describe("vbank_code")
	p.VbankName, p.VbankNum, p.VbankHolder = describe("vbank_name"), describe("vbank_num"), describe("vbank_holder")
	p.Name, p.ReceiptURL = describe("name"), describe("receipt_url")
	p.BuyerName, p.BuyerEmail, p.BuyerTel = describe("buyer_name"), describe("buyer_email"), describe("buyer_tel")
	p.BuyerAddr, p.BuyerPostcode = describe("buyer_addr"), describe("buyer_postcode")
	p.CustomerUID = describe("customer_uid")
	p.UserAgent = Text(userAgent)
	p.CardQuota, _ = integer(resp, "card_quota", "")
	p.Escrow, _ = boolean(req, "escrow", "")

	// A paid response says what was paid; a failed one carries paid_amount 0, so the amount
	// the buyer was asked for is the request's.
	amountKey, from := "paid_amount", resp
	if !has(resp, "paid_amount") || (!success && has(req, "amount")) {
		amountKey, from = "amount", req
	}
	p.Amount, err = amountField(from, amountKey)
	errs = append(errs, err)
	p.CustomData = Text(customData(req, resp))

	p.StartedAt = now
	switch p.Status {
	case StatusPaid:
		paidAt, err := integer(resp, "paid_at", "response.")
		errs = append(errs, err)
		if paidAt > 1e11 { // milliseconds, as Date.now() gives
			paidAt /= 1000
		}
		p.PaidAt = or64(paidAt, now)
	case StatusReady:
		p.VbankIssuedAt = now
		p.VbankDate = vbankDate(resp["vbank_date"])
	case StatusFailed:
		p.FailedAt = now
		p.FailReason = Text(failReason(resp))
	case StatusCancelled:
		p.CancelledAt = now
		p.CancelReason = Text(failReason(resp))
	}
	notice, err := noticeURLs(req)
	errs = append(errs, err)
	return p, notice, errors.Join(errs...)
}

func failReason(resp map[string]json.RawMessage) string {
	code, _ := str(resp, "error_code", "")
	msg, _ := str(resp, "error_msg", "")
	if code != "" {
		return "[" + code + "] " + msg
	}
	return msg
}

// customData is what the REST API returns for custom_data: the text the merchant sent, or
// the JSON text of the object.
func customData(req, resp map[string]json.RawMessage) string {
	raw, ok := req["custom_data"]
	if !ok {
		raw, ok = resp["custom_data"]
	}
	if !ok || string(raw) == "null" {
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

// maxNoticeURLs bounds one payment's webhooks: each is a goroutine and up to 5 requests.
const maxNoticeURLs = 10

func noticeURLs(req map[string]json.RawMessage) ([]string, error) {
	raw, ok := req["notice_url"]
	if !ok || string(raw) == "null" {
		return nil, nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		if one == "" {
			return nil, nil
		}
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, refuse(http.StatusBadRequest, "request.notice_url must be a URL string or an array of them")
	}
	if len(many) > maxNoticeURLs {
		return nil, refuse(http.StatusBadRequest, "request.notice_url lists "+strconv.Itoa(len(many))+" URLs; give at most "+strconv.Itoa(maxNoticeURLs))
	}
	return many, nil
}

// webhookURL checks that u is somewhere a webhook may go.
func webhookURL(u string) error {
	parsed, err := url.Parse(u)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		return errors.New("notice_url " + strconv.Quote(u) + " is not an absolute http(s) URL; webhooks go only to http:// or https:// addresses")
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

func has(obj map[string]json.RawMessage, key string) bool {
	raw, ok := obj[key]
	return ok && string(raw) != "null"
}

// object reads a field that must be a JSON object.
func object(obj map[string]json.RawMessage, key string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(obj[key], &m); err != nil || m == nil {
		return nil, refuse(http.StatusBadRequest, key+" must be an object")
	}
	return m, nil
}

// str reads a string field; absent and null are "".
func str(obj map[string]json.RawMessage, key, where string) (string, error) {
	raw, ok := obj[key]
	if !ok || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", refuse(http.StatusBadRequest, where+key+" must be a string")
	}
	return s, nil
}

// text reads a descriptive field leniently: a string, or a number's text; anything else is "".
func text(obj map[string]json.RawMessage, key string) string {
	raw := obj[key]
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

func boolean(obj map[string]json.RawMessage, key, where string) (bool, error) {
	raw, ok := obj[key]
	if !ok || string(raw) == "null" {
		return false, nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err != nil {
		return false, refuse(http.StatusBadRequest, where+key+" must be true or false")
	}
	return b, nil
}

func integer(obj map[string]json.RawMessage, key, where string) (int64, error) {
	raw, ok := obj[key]
	if !ok || string(raw) == "null" {
		return 0, nil
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil || f < 0 || f > 1e15 || f != math.Trunc(f) {
		// A string of digits is what some PGs send for card_quota.
		var s string
		if json.Unmarshal(raw, &s) == nil {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
				return n, nil
			}
		}
		return 0, refuse(http.StatusBadRequest, where+key+" must be a whole non-negative number")
	}
	return int64(f), nil
}

func amountField(obj map[string]json.RawMessage, key string) (Amount, error) {
	raw, ok := obj[key]
	if !ok || string(raw) == "null" {
		return 0, refuse(http.StatusBadRequest, "the payment has no amount: response.paid_amount or request.amount is required")
	}
	var a Amount
	if err := a.UnmarshalJSON(raw); err != nil {
		return 0, refuse(http.StatusBadRequest, key+" "+err.Error())
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
