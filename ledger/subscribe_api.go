package ledger

// The REST API of billing keys and scheduled charges (/subscribe/…), over the store in
// subscribe.go. Endpoints and fields: the V1 OpenAPI (portone-io/developers.portone.io,
// src/schema/v1.openapi.json), and what the published clients send (iamport,
// iamporter, iamport-rest-client-nodejs: JSON bodies; the real API takes forms too).

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/impshim/impshim/resolver"
	"github.com/impshim/impshim/web/merchants"
)

// ConfigSource is implemented by merchant sets that know each merchant's PG settings (the
// merchant file's pg_settings). Without it the ledger knows only the built-in sandbox
// merchant's settings (resolver.BuiltInConfig).
type ConfigSource interface {
	Config(merchantCode string) (resolver.Config, bool)
}

// rules is the merchant's settings compiled for the resolver: its file's, else the seed's for
// the seed merchant, else the built-in sandbox merchant's (what the SDK uses without a file).
func (a *API) rules(code string) (*resolver.Merchant, error) {
	cfg, ok := resolver.Config{}, false
	if src, is := a.merchants.(ConfigSource); is {
		cfg, ok = src.Config(code)
	}
	if !ok && code == DemoMerchant {
		var errs []resolver.ConfigError
		cfg, errs = resolver.ParseConfig(merchants.Seed().Public)
		ok = len(errs) == 0
	}
	if !ok {
		cfg = resolver.BuiltInConfig(code)
	}
	m, errs, _ := resolver.NewMerchant(cfg)
	if m == nil {
		return nil, errors.New("ledger: merchant " + code + "'s settings do not compile: " + errs[0].Error())
	}
	return m, nil
}

// chosen is the setting the REST API picked for a pg, and why.
type chosen struct {
	setting resolver.Setting
	trace   resolver.Trace
}

// resolveSetting picks the setting a REST call's pg (or channel_key) names, by the same
// resolver rules as the browser: code.MID, code, the default when unknown (silently, in the
// real API; the sandbox logs why and answers the trace in X-Impshim-Trace).
func (a *API) resolveSetting(code, pg, channelKey, customerUID string) (chosen, error) {
	m, err := a.rules(code)
	if err != nil {
		return chosen{}, err
	}
	t := m.Resolve(resolver.Query{PG: pg, ChannelKey: channelKey, Type: "payment", CustomerUID: customerUID})
	if t.Err != nil {
		return chosen{}, refused(-1, "API 방식 비인증 PG설정이 존재하지 않습니다.", t.Err.Message, nil)
	}
	warnings := make([]string, len(t.Warnings))
	for i, w := range t.Warnings {
		warnings[i] = w.Code + ": " + w.Message
	}
	a.log.Info("ledger: REST pg resolved", "merchant", code, "pg", pg, "channel_key", channelKey, "rule", t.Rule,
		"setting", t.Index, "chosen", t.Setting.PG+"."+t.Setting.MID, "warnings", strings.Join(warnings, " | "))
	return chosen{setting: t.Setting, trace: t}, nil
}

// traceHeader is the one-line, ASCII account of a resolution for X-Impshim-Trace.
func traceHeader(t resolver.Trace) string {
	var b strings.Builder
	b.WriteString("rule=" + t.Rule + "; setting=" + strconv.Itoa(t.Index) + "; pg=" + t.Setting.PG + "." + t.Setting.MID +
		"; pay_type=" + t.Setting.PayType)
	for _, w := range t.Warnings {
		b.WriteString("; warning=" + w.Code)
	}
	q := strconv.QuoteToASCII(b.String())
	return q[1 : len(q)-1]
}

// shaped is an answer with more than its value: another HTTP status than 200 (the real
// API's 207) or headers (X-Impshim-Trace: which setting a pg chose, and why). The REST
// adapter writes them; the real API's clients read only the body.
type shaped struct {
	v      any
	status int
	header http.Header
}

func withTrace(v any, t resolver.Trace) shaped {
	return shaped{v: v, header: http.Header{"X-Impshim-Trace": {traceHeader(t)}}}
}

// merchantNow is the merchant's clock (real time, or where POST /sandbox/clock moved it).
func (a *API) merchantNow(r *http.Request, code string) (int64, error) {
	return a.clockOf(r.Context(), code)
}

// --- decoding ---------------------------------------------------------------------------

// boolField reads true/false (or "true"/"false", "1"/"0" from a form).
func boolField(f fields, name string) (bool, error) {
	s, raw, err := scalar(f, name)
	if err != nil || s == "" {
		return false, err
	}
	switch s {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, refused(-1, name+" 값이 올바르지 않습니다.", name+" must be true or false, not "+raw, ErrInvalid)
}

// intField reads a whole number (or a string of one).
func intField(f fields, name string) (int64, bool, error) {
	s, raw, err := scalar(f, name)
	if err != nil || s == "" {
		return 0, false, err
	}
	n, perr := strconv.ParseInt(s, 10, 64)
	if perr != nil || n < 0 {
		if fl, ferr := strconv.ParseFloat(s, 64); ferr == nil && fl == float64(int64(fl)) && fl >= 0 && fl < 1<<53 {
			return int64(fl), true, nil
		}
		return 0, false, refused(-1, name+" 값이 올바르지 않습니다.", name+" must be a whole non-negative number, not "+raw, ErrInvalid)
	}
	return n, true, nil
}

// scalar is a field's text: a JSON string's content, a number's or a boolean's literal, a
// form value. raw is how it was sent, for messages. Objects and arrays are refused.
func scalar(f fields, name string) (text, raw string, err error) {
	if f.json == nil {
		v := f.form.Get(name)
		return strings.TrimSpace(v), strconv.Quote(v), nil
	}
	j, ok := f.json[name]
	if !ok || string(j) == "null" {
		return "", "null", nil
	}
	raw = string(j)
	var s string
	if json.Unmarshal(j, &s) == nil {
		return strings.TrimSpace(s), raw, nil
	}
	t := strings.TrimSpace(raw)
	if t == "" || t[0] == '{' || t[0] == '[' {
		return "", raw, refused(-1, name+" 값이 올바르지 않습니다.", name+" must be a single value, not "+raw, ErrInvalid)
	}
	return t, raw, nil
}

// textField reads a descriptive string; a number is kept as its text, as the real API does.
func textField(f fields, name string) (string, error) {
	s, _, err := scalar(f, name)
	return s, err
}

// customDataField reads custom_data: a string, or any JSON value kept as its JSON text.
func customDataField(f fields) string {
	if f.json == nil {
		return f.form.Get("custom_data")
	}
	raw, ok := f.json["custom_data"]
	if !ok || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

// listField reads a field that may be one string or an array of them (notice_url,
// merchant_uid of unschedule); a form repeats it or uses name[].
func listField(f fields, name string) ([]string, error) {
	if f.json == nil {
		var out []string
		for _, v := range append(f.form[name], f.form[name+"[]"]...) {
			if v != "" {
				out = append(out, v)
			}
		}
		return out, nil
	}
	raw, ok := f.json[name]
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
		return nil, refused(-1, name+" 값이 올바르지 않습니다.", name+" must be a string or an array of strings", ErrInvalid)
	}
	return many, nil
}

// amountFor reads an amount of currency: a number (or a string of digits, as forms send),
// with no more decimals than the currency has. required says whether it may be absent.
func amountFor(f fields, name, currency string, required bool) (Amount, error) {
	s, raw, err := scalar(f, name)
	if err != nil {
		return 0, err
	}
	if s == "" {
		if required {
			return 0, refused(-1, "결제금액("+name+")은 필수입력입니다.", name+" is required: a number such as 8900", ErrInvalid)
		}
		return 0, nil
	}
	if e := resolver.CheckAmountText(s, currency); e != nil {
		return 0, refused(-1, "결제금액("+name+")이 올바르지 않습니다.", name+" "+raw+": "+e.Message, ErrInvalid)
	}
	v, perr := ParseAmount(s)
	if perr != nil {
		return 0, refused(-1, "결제금액("+name+")이 올바르지 않습니다.", name+" "+raw+" "+perr.Error(), ErrInvalid)
	}
	return v, nil
}

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// decodeCharge reads the fields every charge shares (again, onetime, one schedule).
// A charge without name is taken, as the real API takes it; the payment then has no title in the
// console (iamport-rest-client-net issue 35).
func decodeCharge(f fields) (Charge, error) {
	var c Charge
	var errs []error
	str := func(name string, dst *string) {
		s, err := textField(f, name)
		errs = append(errs, err)
		*dst = s
	}
	str("merchant_uid", &c.MerchantUID)
	str("currency", &c.Currency)
	str("name", &c.Name)
	for _, p := range []struct {
		name string
		dst  *string
	}{{"buyer_name", &c.BuyerName}, {"buyer_email", &c.BuyerEmail}, {"buyer_tel", &c.BuyerTel},
		{"buyer_addr", &c.BuyerAddr}, {"buyer_postcode", &c.BuyerPostcode}} {
		str(p.name, p.dst)
	}
	if c.Currency == "" {
		c.Currency = "KRW"
	}
	if !currencyCode.MatchString(c.Currency) {
		errs = append(errs, refused(-1, "통화(currency) 값이 올바르지 않습니다.", "currency "+strconv.Quote(c.Currency)+" is not a 3-letter code such as KRW", ErrInvalid))
		c.Currency = "KRW"
	}
	errs = append(errs, checkMerchantUID(c.MerchantUID))
	var err error
	if c.Amount, err = amountFor(f, "amount", c.Currency, true); err == nil && c.Amount == 0 {
		err = refused(-1, "결제금액(amount)은 0보다 커야 합니다.", "amount must be more than 0", ErrInvalid)
	}
	errs = append(errs, err)
	c.TaxFree, err = amountFor(f, "tax_free", c.Currency, false)
	errs = append(errs, err)
	if err == nil && c.TaxFree > c.Amount && c.Amount > 0 {
		errs = append(errs, refused(-1, "면세공급가액(tax_free)은 결제금액보다 클 수 없습니다.", "tax_free "+c.TaxFree.String()+" is more than amount "+c.Amount.String(), ErrInvalid))
	}
	quota, _, err := intField(f, "card_quota")
	errs = append(errs, err)
	c.CardQuota = quota
	c.CustomData = customDataField(f)
	c.NoticeURLs, err = listField(f, "notice_url")
	errs = append(errs, err)
	if len(c.NoticeURLs) > maxNoticeURLs {
		errs = append(errs, refused(-1, "notice_url 값이 올바르지 않습니다.", "notice_url lists more than "+strconv.Itoa(maxNoticeURLs)+" URLs", ErrInvalid))
	}
	return c, errors.Join(errs...)
}

func decodeCard(f fields) (Card, error) {
	var c Card
	var errs []error
	for _, p := range []struct {
		name string
		dst  *string
	}{{"card_number", &c.Number}, {"expiry", &c.Expiry}, {"birth", &c.Birth}, {"pwd_2digit", &c.Pwd2Digit}, {"cvc", &c.CVC}} {
		s, err := textField(f, p.name)
		errs = append(errs, err)
		*p.dst = s
	}
	return c, errors.Join(errs...)
}

// decodeCustomer reads the customer_* fields of a key and its customer_id.
func decodeCustomer(f fields, k *BillingKey) error {
	var errs []error
	for _, p := range []struct {
		name string
		dst  *Text
	}{{"customer_id", &k.CustomerID}, {"customer_name", &k.CustomerName}, {"customer_tel", &k.CustomerTel},
		{"customer_email", &k.CustomerEmail}, {"customer_addr", &k.CustomerAddr}, {"customer_postcode", &k.CustomerPostcode}} {
		s, err := textField(f, p.name)
		errs = append(errs, err)
		*p.dst = Text(s)
	}
	return errors.Join(errs...)
}

// --- billing keys -------------------------------------------------------------------------

// customerUIDPath reads {customer_uid}, which must be one.
func customerUIDPath(r *http.Request) (string, error) {
	uid := r.PathValue("customer_uid")
	return uid, checkCustomerUID(uid)
}

func (a *API) getCustomer(r *http.Request, code string) (any, error) {
	uid, err := customerUIDPath(r)
	if err != nil {
		return nil, err
	}
	return a.store.BillingKey(r.Context(), code, uid)
}

// customers answers GET /subscribe/customers?customer_uid[]=…: the keys found, in the order
// asked; the real API's 207 when some are missing, 404 when all are.
func (a *API) customers(r *http.Request, code string) (any, error) {
	q := r.URL.Query()
	uids := append(q["customer_uid[]"], q["customer_uid"]...)
	if len(uids) == 0 || len(uids) > 100 {
		return nil, refused(-1, "customer_uid[] 파라메터가 누락되었습니다.",
			"give 1 to 100 customer_uid[] query parameters, e.g. /subscribe/customers?customer_uid[]=hong_1234_a&customer_uid[]=hong_1234_b", ErrInvalid)
	}
	found, missing, err := a.store.BillingKeys(r.Context(), code, uids)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, refused(1, "요청하신 customer_uid로 등록된 정보를 찾을 수 없습니다.",
			"no billing key under any of "+strings.Join(missing, ", "), ErrNotFound)
	}
	if len(missing) > 0 {
		a.log.Info("ledger: some customer_uids have no billing key", "merchant", code, "missing", strings.Join(missing, ", "))
		return shaped{v: found, status: http.StatusMultiStatus}, nil
	}
	return found, nil
}

// saveCustomer issues a key from card fields (POST /subscribe/customers/{customer_uid}), on
// the setting pg (or channel_key) resolves to.
func (a *API) saveCustomer(r *http.Request, code string) (any, error) {
	uid, err := customerUIDPath(r)
	if err != nil {
		return nil, err
	}
	f, err := readFields(r)
	if err != nil {
		return nil, err
	}
	card, err1 := decodeCard(f)
	pg, err2 := textField(f, "pg")
	channelKey, err3 := textField(f, "channel_key")
	k := BillingKey{CustomerUID: uid}
	err4 := decodeCustomer(f, &k)
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return nil, err
	}
	ch, err := a.resolveSetting(code, pg, channelKey, uid)
	if err != nil {
		return nil, err
	}
	k.PGProvider, k.PGID = ch.setting.PG, ch.setting.MID
	now, err := a.merchantNow(r, code)
	if err != nil {
		return nil, err
	}
	k, err = a.store.IssueFromCard(r.Context(), code, k, card, now)
	if err != nil {
		return nil, err
	}
	return withTrace(k, ch.trace), nil
}

func (a *API) deleteCustomer(r *http.Request, code string) (any, error) {
	uid, err := customerUIDPath(r)
	if err != nil {
		return nil, err
	}
	now, err := a.merchantNow(r, code)
	if err != nil {
		return nil, err
	}
	return a.store.DeleteBillingKey(r.Context(), code, uid, now)
}

// pageParam reads ?page= (from 1).
func pageParam(v url.Values) (int, error) {
	s := v.Get("page")
	if s == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1<<31 {
		return 0, refused(-1, "page 값이 올바르지 않습니다.", "page must be a whole number from 1, not "+strconv.Quote(s), ErrInvalid)
	}
	return n, nil
}

func (a *API) customerPayments(r *http.Request, code string) (any, error) {
	uid, err := customerUIDPath(r)
	if err != nil {
		return nil, err
	}
	n, err := pageParam(r.URL.Query())
	if err != nil {
		return nil, err
	}
	list, total, err := a.store.CustomerPayments(r.Context(), code, uid, n)
	if err != nil {
		return nil, err
	}
	if total == 0 {
		if _, err := a.store.BillingKey(r.Context(), code, uid); err != nil {
			return nil, err // the OpenAPI's 404: 유효하지 않은 customer_uid
		}
	}
	return page(ListQuery{Page: n, Limit: 20}, list, total), nil
}

// --- charges ------------------------------------------------------------------------------

// afterCharge sends the payment's webhook and answers it, or the PG failure's refusal.
func (a *API) afterCharge(code string, p Payment, notice []string, refusal *Refusal, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	a.notify(code, p, notice)
	if refusal != nil {
		return nil, refusal
	}
	return p, nil
}

// again charges a stored key (POST /subscribe/payments/again).
func (a *API) again(r *http.Request, code string) (any, error) {
	f, err := readFields(r)
	if err != nil {
		return nil, err
	}
	uid, err1 := textField(f, "customer_uid")
	c, err2 := decodeCharge(f)
	if err := errors.Join(checkCustomerUID(uid), err1, err2); err != nil {
		return nil, err
	}
	now, err := a.merchantNow(r, code)
	if err != nil {
		return nil, err
	}
	p, refusal, err := a.store.ChargeKey(r.Context(), code, uid, c, now)
	return a.afterCharge(code, p, c.NoticeURLs, refusal, err)
}

// onetime charges card fields once (POST /subscribe/payments/onetime); with customer_uid the
// card is kept as that key, as the real API does.
func (a *API) onetime(r *http.Request, code string) (any, error) {
	f, err := readFields(r)
	if err != nil {
		return nil, err
	}
	c, err1 := decodeCharge(f)
	card, err2 := decodeCard(f)
	uid, err3 := textField(f, "customer_uid")
	pg, err4 := textField(f, "pg")
	var k BillingKey
	err5 := decodeCustomer(f, &k)
	var err6 error
	if uid != "" {
		err6 = checkCustomerUID(uid)
	}
	if err := errors.Join(err1, err2, err3, err4, err5, err6); err != nil {
		return nil, err
	}
	ch, err := a.resolveSetting(code, pg, "", uid)
	if err != nil {
		return nil, err
	}
	k.CustomerUID, k.PGProvider, k.PGID = uid, ch.setting.PG, ch.setting.MID
	if k.CustomerName == "" {
		k.CustomerName = Text(c.BuyerName)
	}
	now, err := a.merchantNow(r, code)
	if err != nil {
		return nil, err
	}
	p, refusal, err := a.store.ChargeCard(r.Context(), code, k, card, c, uid != "", now)
	v, err := a.afterCharge(code, p, c.NoticeURLs, refusal, err)
	if err != nil {
		return nil, err
	}
	return withTrace(v, ch.trace), nil
}

// --- schedules ----------------------------------------------------------------------------

// scheduleEntries reads "schedules": a JSON array of objects, or a form's
// schedules[0][merchant_uid]=…&schedules[0][amount]=… (how PHP and jQuery send arrays).
func scheduleEntries(f fields) ([]fields, error) {
	bad := refused(-1, "schedules 파라메터가 올바르지 않습니다.",
		`schedules must be an array of {"merchant_uid", "schedule_at", "amount", "name", …}`, ErrInvalid)
	if f.json != nil {
		raw, ok := f.json["schedules"]
		if !ok || string(raw) == "null" {
			return nil, nil
		}
		var list []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, bad
		}
		out := make([]fields, len(list))
		for i, m := range list {
			if m == nil {
				return nil, bad
			}
			out[i] = fields{json: m}
		}
		return out, nil
	}
	byIndex := map[int]url.Values{}
	for key, vals := range f.form {
		rest, ok := strings.CutPrefix(key, "schedules[")
		if !ok {
			continue
		}
		idx, name, ok := strings.Cut(rest, "][")
		n, err := strconv.Atoi(idx)
		if !ok || err != nil || n < 0 || n > 1000 || !strings.HasSuffix(name, "]") {
			return nil, bad
		}
		if byIndex[n] == nil {
			byIndex[n] = url.Values{}
		}
		byIndex[n][strings.TrimSuffix(name, "]")] = vals
	}
	idx := make([]int, 0, len(byIndex))
	for n := range byIndex {
		idx = append(idx, n)
	}
	sort.Ints(idx)
	out := make([]fields, len(idx))
	for i, n := range idx {
		out[i] = fields{form: byIndex[n]}
	}
	return out, nil
}

// maxSchedules bounds one request: each is a row and, when it runs, a payment and webhooks.
const maxSchedules = 1000

// schedule books charges of a key (POST /subscribe/payments/schedule), issuing the key first
// from card fields when customer_uid is new. All or nothing.
func (a *API) schedule(r *http.Request, code string) (any, error) {
	f, err := readFields(r)
	if err != nil {
		return nil, err
	}
	var req ScheduleRequest
	var errs []error
	req.CustomerUID, err = textField(f, "customer_uid")
	errs = append(errs, err, checkCustomerUID(req.CustomerUID))
	req.CustomerID, err = textField(f, "customer_id")
	errs = append(errs, err)
	req.Card, err = decodeCard(f)
	errs = append(errs, err)
	channelKey, err := textField(f, "channel_key")
	errs = append(errs, err)
	entries, err := scheduleEntries(f)
	errs = append(errs, err)
	if len(entries) > maxSchedules {
		errs = append(errs, refused(-1, "schedules 파라메터가 올바르지 않습니다.", "schedules lists "+strconv.Itoa(len(entries))+
			" charges; book at most "+strconv.Itoa(maxSchedules)+" per request", ErrInvalid))
		entries = nil
	}
	for i, e := range entries {
		c, err := decodeCharge(e)
		at, has, err2 := intField(e, "schedule_at")
		if err2 == nil && !has {
			err2 = refused(-1, "결제예약 시각(schedule_at)은 필수입력입니다.", "schedules["+strconv.Itoa(i)+"].schedule_at is required: unix seconds", ErrInvalid)
		}
		if err := errors.Join(err, err2); err != nil {
			errs = append(errs, prefixed("schedules["+strconv.Itoa(i)+"].", err))
			continue
		}
		cid, _ := textField(e, "customer_id")
		req.Schedules = append(req.Schedules, Schedule{
			MerchantUID: c.MerchantUID, ScheduleAt: at, Amount: c.Amount, Currency: c.Currency, Name: Text(c.Name),
			BuyerName: Text(c.BuyerName), BuyerEmail: Text(c.BuyerEmail), BuyerTel: Text(c.BuyerTel), BuyerAddr: Text(c.BuyerAddr),
			BuyerPostcode: Text(c.BuyerPostcode), CustomData: Text(c.CustomData), CustomerID: Text(cid),
			TaxFree: c.TaxFree, CardQuota: c.CardQuota, NoticeURLs: c.NoticeURLs,
		})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var ch chosen
	if req.Card.Number != "" {
		// A new key is issued on the setting channel_key names, else the default.
		if ch, err = a.resolveSetting(code, "", channelKey, req.CustomerUID); err != nil {
			return nil, err
		}
		k := BillingKey{CustomerUID: req.CustomerUID, PGProvider: ch.setting.PG, PGID: ch.setting.MID, CustomerID: Text(req.CustomerID)}
		if err := decodeCustomer(f, &k); err != nil {
			return nil, err
		}
		req.Issue = &k
	}
	now, err := a.merchantNow(r, code)
	if err != nil {
		return nil, err
	}
	out, err := a.store.AddSchedules(r.Context(), code, req, now)
	if err != nil {
		return nil, err
	}
	a.wakeScheduler()
	if req.Issue != nil {
		return withTrace(out, ch.trace), nil
	}
	return out, nil
}

// prefixed names the schedule entry in each refusal's explanation.
func prefixed(prefix string, err error) error {
	var out []error
	var walk func(error)
	walk = func(err error) {
		var r *Refusal
		switch x := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range x.Unwrap() {
				walk(e)
			}
		default:
			if errors.As(err, &r) {
				c := *r
				c.Explain = prefix + c.Explain
				out = append(out, &c)
			} else {
				out = append(out, err)
			}
		}
	}
	walk(err)
	return errors.Join(out...)
}

func (a *API) unschedule(r *http.Request, code string) (any, error) {
	f, err := readFields(r)
	if err != nil {
		return nil, err
	}
	uid, err1 := textField(f, "customer_uid")
	mus, err2 := listField(f, "merchant_uid")
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	now, err := a.merchantNow(r, code)
	if err != nil {
		return nil, err
	}
	return a.store.Unschedule(r.Context(), code, uid, mus, now)
}

func (a *API) getSchedule(r *http.Request, code string) (any, error) {
	return a.store.Schedule(r.Context(), code, r.PathValue("merchant_uid"))
}

// pagedSchedules is the listings' answer: the real API's paged shape ({total, previous, next,
// list}), which the published clients read (iamport-rest-client-nodejs: a "collection").
type pagedSchedules struct {
	Total    int        `json:"total"`
	Previous int        `json:"previous"`
	Next     int        `json:"next"`
	List     []Schedule `json:"list"`
}

// scheduleQuery reads a listing's range, status, page, limit and sorting; fromName, toName and
// statusName are the names this endpoint uses (schedule_from / from, schedule-status / …).
func scheduleQuery(v url.Values, fromName, toName string, statusNames ...string) (ScheduleQuery, error) {
	q := ScheduleQuery{Page: 1, Limit: 20}
	var errs []error
	num := func(name string, required bool, min, max int64) int64 {
		s := v.Get(name)
		if s == "" {
			if required {
				errs = append(errs, refused(-1, name+" 파라메터가 누락되었습니다.", name+" is required: unix seconds", ErrInvalid))
			}
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < min || n > max {
			errs = append(errs, refused(-1, name+" 값이 올바르지 않습니다.", name+" must be a whole number from "+strconv.FormatInt(min, 10)+
				" to "+strconv.FormatInt(max, 10)+", not "+strconv.Quote(s), ErrInvalid))
		}
		return n
	}
	q.From = num(fromName, true, 0, 1<<40)
	q.To = num(toName, true, 0, 1<<40)
	q.Page = int(max(num("page", false, 1, 1<<31), 1))
	if l := num("limit", false, 1, 1000); l > 0 {
		q.Limit = int(l)
	}
	for _, name := range statusNames {
		if s := v.Get(name); s != "" {
			q.Status = s
		}
	}
	if q.Status != "" && q.Status != ScheduleScheduled && q.Status != ScheduleExecuted && q.Status != ScheduleRevoked {
		errs = append(errs, refused(-1, "schedule_status 값이 올바르지 않습니다.", "schedule status must be scheduled, executed or revoked, not "+strconv.Quote(q.Status), ErrInvalid))
	}
	switch s := v.Get("sorting"); s {
	case "", "-scheduled":
	case "scheduled":
		q.Oldest = true
	default:
		errs = append(errs, refused(-1, "sorting 값이 올바르지 않습니다.", "sorting must be scheduled (oldest first) or left out (latest first), not "+strconv.Quote(s), ErrInvalid))
	}
	return q, errors.Join(errs...)
}

func (a *API) listSchedules(r *http.Request, code string, q ScheduleQuery) (any, error) {
	list, total, err := a.store.Schedules(r.Context(), code, q)
	if err != nil {
		return nil, err
	}
	p := pagedSchedules{Total: total, List: list}
	if q.Page > 1 {
		p.Previous = q.Page - 1
	}
	if q.Page*q.Limit < total {
		p.Next = q.Page + 1
	}
	return p, nil
}

// schedulesByRange answers GET /subscribe/payments/schedule?schedule_from=…&schedule_to=….
func (a *API) schedulesByRange(r *http.Request, code string) (any, error) {
	q, err := scheduleQuery(r.URL.Query(), "schedule_from", "schedule_to", "schedule_status")
	if err != nil {
		return nil, err
	}
	return a.listSchedules(r, code, q)
}

// customerSchedules answers GET /subscribe/customers/{customer_uid}/schedules and
// GET /subscribe/payments/schedule/customers/{customer_uid} (from, to, schedule-status).
func (a *API) customerSchedules(r *http.Request, code string) (any, error) {
	uid, err := customerUIDPath(r)
	if err != nil {
		return nil, err
	}
	q, err := scheduleQuery(r.URL.Query(), "from", "to", "schedule-status", "schedule_status")
	if err != nil {
		return nil, err
	}
	q.CustomerUID = uid
	return a.listSchedules(r, code, q)
}

// changeSchedule answers PUT /subscribe/payments/schedule/{merchant_uid} (move a booked
// schedule) and POST …/{merchant_uid}/reschedule (book a failed one again): {"schedule_at"}.
func (a *API) changeSchedule(change ScheduleChange) func(*http.Request, string) (any, error) {
	return func(r *http.Request, code string) (any, error) {
		f, err := readFields(r)
		if err != nil {
			return nil, err
		}
		at, has, err := intField(f, "schedule_at")
		if err == nil && !has {
			err = refused(-1, "결제예약 시각(schedule_at)은 필수입력입니다.", "schedule_at is required: unix seconds", ErrInvalid)
		}
		if err != nil {
			return nil, err
		}
		now, err := a.merchantNow(r, code)
		if err != nil {
			return nil, err
		}
		sc, err := a.store.ChangeSchedule(r.Context(), code, r.PathValue("merchant_uid"), change, at, now)
		if err != nil {
			return nil, err
		}
		a.wakeScheduler()
		return sc, nil
	}
}

// retrySchedule answers POST /subscribe/payments/schedule/{merchant_uid}/retry: the failed
// schedule is charged again now; the answer is the new payment (check its status).
func (a *API) retrySchedule(r *http.Request, code string) (any, error) {
	now, err := a.merchantNow(r, code)
	if err != nil {
		return nil, err
	}
	sc, p, refusal, err := a.store.RetrySchedule(r.Context(), code, r.PathValue("merchant_uid"), now)
	return a.afterCharge(code, p, sc.NoticeURLs, refusal, err)
}

// keepWindowKey stores the billing key of a window the bridge recorded through the older
// POST {sdk}/sandbox/payments, which names no setting: the server resolves the request's pg
// among the merchant file's settings by the browser's rules, and keeps the key when that is
// the setting the response names (a page that configured other settings in the browser is
// told so in the log instead). The attempts flow (C2) names its setting and calls
// IssueBillingKeyFromAttempt directly.
func (a *API) keepWindowKey(r *http.Request, code string, req, resp *bridgeFields) {
	if resp == nil || req == nil || (resp.CustomerUID == "" && req.CustomerUID == "") || resp.Success == nil || !*resp.Success {
		return
	}
	uid := string(resp.CustomerUID)
	if uid == "" {
		uid = string(req.CustomerUID)
	}
	m, err := a.rules(code)
	if err != nil {
		a.log.Error("ledger: billing key not kept", "merchant", code, "customer_uid", uid, "err", err)
		return
	}
	t := m.Resolve(resolver.Query{PG: string(req.PG), Type: "payment", CustomerUID: uid})
	if t.Err != nil || (resp.PGProvider != "" && string(resp.PGProvider) != t.Setting.PG) {
		a.log.Warn("ledger: billing key not kept: the window's PG is not the setting the merchant file's pg_settings give",
			"merchant", code, "customer_uid", uid, "pg", string(req.PG), "window_pg", string(resp.PGProvider), "server_setting", t.Setting.PG+"."+t.Setting.MID)
		return
	}
	now, err := a.clockOf(r.Context(), code)
	if err != nil {
		a.log.Error("ledger: billing key not kept", "merchant", code, "customer_uid", uid, "err", err)
		return
	}
	reqJSON, _ := json.Marshal(req)
	respJSON, _ := json.Marshal(resp)
	k, issued, why, err := a.store.IssueBillingKeyFromAttempt(r.Context(), code, WindowKey{Request: reqJSON, Response: respJSON,
		PG: t.Setting.PG, MID: t.Setting.MID, PayType: t.Setting.PayType}, now)
	switch {
	case err != nil:
		a.log.Error("ledger: billing key not kept", "merchant", code, "customer_uid", uid, "err", err)
	case !issued:
		a.log.Warn("ledger: billing key not kept", "merchant", code, "customer_uid", uid, "why", why)
	default:
		a.log.Info("ledger: billing key issued in the window", "merchant", code, "customer_uid", k.CustomerUID, "pg", k.PGProvider+"."+k.PGID)
		if resp.ImpUID != nil {
			if err := a.store.MarkIssuingPayment(r.Context(), code, *resp.ImpUID); err != nil {
				a.log.Error("ledger: marking the issuing payment", "imp_uid", *resp.ImpUID, "err", err)
			}
		}
	}
}
