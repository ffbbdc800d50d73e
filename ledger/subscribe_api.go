package ledger

// The REST API of billing keys and charges (/subscribe/customers…, again, onetime), and the
// resolution of a REST call's pg. Endpoints and fields: the V1 OpenAPI (portone-io/developers.portone.io,
// src/schema/v1.openapi.json), and what the published clients send (iamport,
// iamporter, iamport-rest-client-nodejs: JSON bodies; the real API takes forms too).

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
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
