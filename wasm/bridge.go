//go:build js && wasm

package main

import (
	"math"
	"math/rand/v2"
	"strconv"
	"syscall/js"

	"github.com/impshim/impshim/internal/jsonv"
	"github.com/impshim/impshim/resolver"
)

// Version is the SDK version; imp.js carries the same string and warns on a mismatch.
const Version = "0.1.0"

// maxText bounds every JSON text the bridge hands over; its snapshots stay under 1 MiB.
const maxText = 4 << 20

// state is everything the module remembers between calls. JS is single-threaded and
// js.FuncOf callbacks and wasmexport calls never run concurrently, so it needs no lock.
type state struct {
	merchant *resolver.Merchant
	paid     resolver.PaidSet
	pending  []window // the windows that are open, in the order they opened
	nextID   int
	env      resolver.Env
	scratch  []byte // where the resolve export encodes its answer; reused
}

// window is an open mock window: a payment's or a certification's.
type window struct {
	id      int
	payment *resolver.Payment
	cert    *resolver.Certification
}

// A page has a window or two open at a time, so pending is a list searched by id: a map[int]
// would link Go's int-keyed map code (~10 KB) into the module for it.

// openWindow returns window id when it is open.
func (s *state) openWindow(id int) (window, bool) {
	for _, w := range s.pending {
		if w.id == id {
			return w, true
		}
	}
	return window{}, false
}

// closeWindow forgets window id, if it is open.
func (s *state) closeWindow(id int) {
	for i, w := range s.pending {
		if w.id == id {
			s.pending = append(s.pending[:i], s.pending[i+1:]...)
			return
		}
	}
}

// page is the state of this page's module, the one main publishes.
var page = newState()

func newState() *state {
	return &state{
		paid: &resolver.MemoryPaidSet{},
		env: resolver.Env{
			Now:  dateNow,
			Rand: rand.Uint64,
		},
	}
}

// dateNow is JS's Date.now(). Go's time package would do too, but it (with its godebug and
// formatting code) is the biggest import the bridge would add to the module for one clock read.
func dateNow() int64 {
	v := js.Global().Get("Date").Call("now")
	if v.Type() != js.TypeNumber {
		return 0
	}
	f := v.Float()
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return int64(f)
}

// object builds the one value published to JS; doc.go describes the protocol.
func (s *state) object() js.Value {
	o := js.Global().Get("Object").New()
	o.Set("version", Version)
	for _, f := range [...]struct {
		name string
		h    handler
	}{
		{"configure", s.configure},
		{"sandbox", s.builtIn},
		{"request", s.request},
		{"complete", s.complete},
		{"certification", s.certification},
		{"abandon", s.abandon},
		{"reset", s.reset},
		{"catalog", s.catalog},
		{"config", s.config},
		{"resolve", s.resolve},
		{"rules", s.rules},
		{"mode", s.mode},
	} {
		o.Set(f.name, guard(f.name, f.h))
	}
	return o
}

// configure(text) compiles a merchant config; on success it replaces the current one.
func (s *state) configure(args []js.Value) []byte {
	text, e := argString(args, 0, "configure's config", maxText)
	if e != nil {
		return badArg(e)
	}
	cfg, errs := resolver.ParseConfig([]byte(text))
	if len(errs) > 0 {
		return configErrorsJSON(errs)
	}
	return s.install(cfg)
}

// builtIn(code) is the protocol's sandbox(code): it installs the built-in sandbox merchant
// (docs/sdk.md §3).
func (s *state) builtIn(args []js.Value) []byte {
	code, e := argString(args, 0, "merchant code", 1024)
	if e != nil {
		return badArg(e)
	}
	return s.install(resolver.BuiltInConfig(code))
}

func (s *state) install(cfg resolver.Config) []byte {
	m, errs, warns := resolver.NewMerchant(cfg)
	if len(errs) > 0 || m == nil {
		return configErrorsJSON(errs)
	}
	s.merchant = m
	b := append(make([]byte, 0, 512), `{"ok":true,"warnings":`...)
	b = resolver.AppendWarningsJSON(b, warns)
	b = append(b, `,"config":`...)
	b = appendConfigJSON(b, m.Config())
	b = append(b, `,"console_order":`...)
	b = jsonv.AppendArray(b, m.ConsoleOrder(), func(b []byte, i int) []byte { return jsonv.AppendInt(b, int64(i)) })
	return append(b, '}')
}

func configErrorsJSON(errs []resolver.ConfigError) []byte {
	if len(errs) == 0 {
		errs = []resolver.ConfigError{{Index: -1, Message: "the config was rejected"}}
	}
	b := append(make([]byte, 0, 256), `{"ok":false,"errors":`...)
	b = resolver.AppendConfigErrorsJSON(b, errs)
	return append(b, '}')
}

// request(snapshot, env) runs checks 2–7. Failure: {"ok":false,"response":…,"trace":…?,"mode":…}.
// Success: the window opens: {"ok":true,"id":…,"imp_uid":…,"merchant_uid":…,"mode":…,
// "redirect_url"?,"window":…,"trace":…}. env is optional (an older bridge sends none).
func (s *state) request(args []js.Value) []byte {
	text, benv, refusal := paramsAndEnv(args, "request_pay's params")
	if refusal != nil {
		return refusal
	}
	if s.merchant == nil {
		return errorJSON(resolver.CodeNotInitialized, "[impshim] call IMP.init(\"your merchant code\") (or IMP.sandbox.configure(config)) before IMP.request_pay")
	}
	req, perr := resolver.ParseRequest([]byte(text))
	if perr != nil {
		return s.failedRequestJSON("", perr, nil, resolver.ModeIframe, "")
	}
	mode, redirectURL := req.WindowMode(benv.UserAgent, false)
	env := s.envFor(benv)
	p, tr, cerr := s.merchant.Check(req, s.paid, env)
	if cerr != nil {
		return s.failedRequestJSON(req.MerchantUID(), cerr, reached(tr), mode, redirectURL)
	}
	p.Open(env)
	return s.opened(window{payment: p}, p.ImpUID, p.MerchantUID, mode, redirectURL, p.AppendWindowJSON, &tr)
}

// envFor is the module's Env with the page's clock when the bridge sent it, so that a request
// and its window read one "now".
func (s *state) envFor(benv resolver.BrowserEnv) resolver.Env {
	env := s.env
	if benv.HasNow {
		now := benv.NowMS
		env.Now = func() int64 { return now }
	}
	return env
}

// reached is the trace to report with a refusal: only when resolution ran.
func reached(tr resolver.Trace) *resolver.Trace {
	if tr.Rule != "" || tr.Err != nil {
		return &tr
	}
	return nil
}

// opened remembers an opened window under a new id and answers {"ok":true,"id","imp_uid",
// "merchant_uid","mode","redirect_url"?,"window","trace"} — the same shape for a payment and a
// certification.
func (s *state) opened(w window, impUID, merchantUID, mode, redirectURL string, appendWindow func([]byte) []byte, tr *resolver.Trace) []byte {
	s.nextID++
	id := s.nextID
	w.id = id
	s.pending = append(s.pending, w)
	b := append(make([]byte, 0, 1024), `{"ok":true,"id":`...)
	b = jsonv.AppendInt(b, int64(id))
	b = append(b, `,"imp_uid":`...)
	b = jsonv.AppendString(b, impUID)
	b = append(b, `,"merchant_uid":`...)
	b = jsonv.AppendString(b, merchantUID)
	b = appendMode(b, mode, redirectURL)
	b = append(b, `,"window":`...)
	b = appendWindow(b)
	b = append(b, `,"trace":`...)
	b = tr.AppendJSON(b)
	return append(b, '}')
}

// refused answers {"ok":false,"response":…,"trace":…?,"mode":…}: a check failed before any window.
func refused(appendResponse func([]byte) []byte, tr *resolver.Trace, mode, redirectURL string) []byte {
	b := append(make([]byte, 0, 512), `{"ok":false,"response":`...)
	b = appendResponse(b)
	if tr != nil {
		b = append(b, `,"trace":`...)
		b = tr.AppendJSON(b)
	}
	b = appendMode(b, mode, redirectURL)
	return append(b, '}')
}

// paramsAndEnv reads the (params snapshot, env) pair that request, certification and mode
// take; a bad argument comes back as the answer to give instead.
func paramsAndEnv(args []js.Value, what string) (string, resolver.BrowserEnv, []byte) {
	text, e := argString(args, 0, what, maxText)
	if e != nil {
		return "", resolver.BrowserEnv{}, badArg(e)
	}
	benv, berr := browserEnv(args, 1)
	if berr != nil {
		return "", resolver.BrowserEnv{}, errorJSON(berr.Code, "[impshim] "+berr.Message)
	}
	return text, benv, nil
}

// browserEnv reads the optional env argument i: undefined or null is a desktop page whose
// clock Go reads itself.
func browserEnv(args []js.Value, i int) (resolver.BrowserEnv, *resolver.Error) {
	if v := arg(args, i); v.Type() == js.TypeUndefined || v.Type() == js.TypeNull {
		return resolver.BrowserEnv{}, nil
	}
	text, e := argString(args, i, "env", 64<<10)
	if e != nil {
		return resolver.BrowserEnv{}, &resolver.Error{Code: resolver.CodeInternal, Message: "bridge bug: " + e.msg}
	}
	return resolver.ParseBrowserEnv([]byte(text))
}

// appendMode writes ,"mode":…[,"redirect_url":…].
func appendMode(b []byte, mode, redirectURL string) []byte {
	b = append(b, `,"mode":`...)
	b = jsonv.AppendString(b, mode)
	if redirectURL != "" {
		b = append(b, `,"redirect_url":`...)
		b = jsonv.AppendString(b, redirectURL)
	}
	return b
}

func (s *state) failedRequestJSON(merchantUID string, err *resolver.Error, tr *resolver.Trace, mode, redirectURL string) []byte {
	resp := resolver.ErrorResponse(merchantUID, "", err)
	resp.Minimal = s.merchant != nil && s.merchant.MinimalResponse()
	return refused(resp.AppendJSON, tr, mode, redirectURL)
}

// complete(id, outcome) closes request id's window with {result, error_code, error_msg} and
// answers {"response":…}.
func (s *state) complete(args []js.Value) []byte {
	id, e := argInt(args, 0, "request id", 1<<30)
	if e != nil {
		return badArg(e)
	}
	text, e := argString(args, 1, "outcome", 64<<10)
	if e != nil {
		return badArg(e)
	}
	w, ok := s.openWindow(id)
	if !ok {
		return errorJSON(resolver.CodeInternal, "[impshim] bridge bug: no open window with id "+strconv.Itoa(id))
	}
	o, oerr := resolver.ParseOutcome([]byte(text))
	if oerr != nil {
		return errorJSON(oerr.Code, "[impshim] "+oerr.Message)
	}
	b := append(make([]byte, 0, 1024), `{"response":`...)
	if w.cert != nil {
		resp, rerr := w.cert.Respond(o, s.env)
		if rerr != nil { // a bad identity index: the window stays open
			return errorJSON(rerr.Code, "[impshim] "+rerr.Message)
		}
		s.closeWindow(id)
		b = resp.AppendJSON(b)
		if resp.Identity != nil {
			b = append(b, `,"identity":`...)
			b = resp.Identity.AppendJSON(b)
		}
		return append(b, '}')
	}
	if e := w.payment.CheckOutcome(o); e != nil { // the window stays open
		return errorJSON(e.Code, "[impshim] "+e.Message)
	}
	s.closeWindow(id)
	resp := w.payment.Respond(o, s.env, s.paid)
	b = resp.AppendJSON(b)
	if resp.Minimal { // what the server records needs the whole response
		resp.Minimal = false
		b = append(b, `,"record":`...)
		b = resp.AppendJSON(b)
	}
	return append(b, '}')
}

// abandon(id) drops request id without a response (its popup was blocked).
func (s *state) abandon(args []js.Value) []byte {
	id, e := argInt(args, 0, "request id", 1<<30)
	if e != nil {
		return badArg(e)
	}
	s.closeWindow(id)
	return []byte(`{"ok":true}`)
}

// reset() forgets the paid merchant_uids. Open windows stay open: their callbacks are still owed.
func (s *state) reset([]js.Value) []byte {
	s.paid.Reset()
	return []byte(`{"ok":true}`)
}

// rules() answers the constants the bridge needs for checks of its own API (setOutcome's
// result, …), so that JS keeps no copies of them.
func (s *state) rules([]js.Value) []byte {
	w := jsonv.Writer{B: append(make([]byte, 0, 256), '{')}
	w.Str("version", Version)
	w.Strs("outcome_results", resolver.OutcomeResults())
	w.Strs("payment_statuses", []string{resolver.StatusReady, resolver.StatusPaid, resolver.StatusCancelled, resolver.StatusFailed})
	w.Strs("window_modes", []string{resolver.ModeIframe, resolver.ModePopup, resolver.ModeRedirect})
	w.Strs("carriers", resolver.Carriers)
	w.Int("max_merchant_uid_len", resolver.MaxMerchantUIDLen)
	return append(w.B, '}')
}

func (s *state) catalog([]js.Value) []byte {
	b := append(make([]byte, 0, 16<<10), `{"catalog":`...)
	b = resolver.AppendCatalogJSON(b)
	return append(b, '}')
}

func (s *state) config([]js.Value) []byte {
	if s.merchant == nil {
		return []byte(`{"config":null}`)
	}
	b := append(make([]byte, 0, 512), `{"config":`...)
	b = appendConfigJSON(b, s.merchant.Config())
	return append(b, '}')
}

// resolve(text) is the js.FuncOf twin of the impshim_resolve export, for callers that hold no
// reference to the instance's exports (tests, tools); imp.js uses the export.
func (s *state) resolve(args []js.Value) []byte {
	text, e := argString(args, 0, "resolve's query", maxText)
	if e != nil {
		return badArg(e)
	}
	return s.resolveJSON(nil, []byte(text))
}

// resolveScratch answers like resolveJSON, into s.scratch: read it before the next call.
// Repeated queries do not get here: imp.js keeps the answers it has parsed (frozen, per config),
// so a Go-side memo of the same answers would only copy every miss once more.
func (s *state) resolveScratch(query []byte) []byte {
	s.scratch = s.resolveJSON(s.scratch[:0], query)
	return s.scratch
}

// resolvePGScratch is resolveScratch for a pg string given as its UTF-8 bytes rather than its
// JSON text: the answer is the one resolveJSON gives for that string's JSON.
func (s *state) resolvePGScratch(pg []byte) []byte {
	if s.merchant == nil {
		s.scratch = appendNotInitialized(s.scratch[:0])
	} else {
		s.scratch = appendTrace(s.scratch[:0], s.merchant, resolver.Query{PG: string(pg)})
	}
	return s.scratch
}

// resolveJSON appends the answer to query, {"trace":…} or {"error":…}, to b.
func (s *state) resolveJSON(b []byte, query []byte) []byte {
	if s.merchant == nil {
		return appendNotInitialized(b)
	}
	q, err := resolver.ParseQuery(query)
	if err != nil {
		return appendErrorJSON(b, err.Code, err.Message)
	}
	return appendTrace(b, s.merchant, q)
}

func appendNotInitialized(b []byte) []byte {
	return appendErrorJSON(b, resolver.CodeNotInitialized, "[impshim] IMP.sandbox.resolve needs a merchant: call IMP.init(code) or IMP.sandbox.configure(config) first")
}

// appendTrace appends {"trace":…} for q under m.
func appendTrace(b []byte, m *resolver.Merchant, q resolver.Query) []byte {
	tr := m.Resolve(q)
	b = append(b, `{"trace":`...)
	b = tr.AppendJSON(b)
	return append(b, '}')
}

// appendConfigJSON writes a config in the docs/sdk.md §3 shape, the way a merchant would write it.
func appendConfigJSON(b []byte, c resolver.Config) []byte {
	w := jsonv.Writer{B: append(b, '{')}
	w.Str("merchant_code", c.MerchantCode)
	if c.Strict {
		w.Bool("strict", true)
	}
	if c.Response != "" {
		w.Str("response", c.Response)
	}
	w.Key("pg_settings")
	w.B = jsonv.AppendArray(w.B, c.Settings, func(b []byte, st resolver.Setting) []byte {
		w := jsonv.Writer{B: append(b, '{')}
		w.Str("pg", st.PG)
		w.Str("mid", st.MID)
		w.Str("pay_type", st.PayType)
		if st.Type != "" {
			w.Str("type", st.Type)
		}
		if st.Default {
			w.Bool("default", true)
		}
		if st.ChannelKey != "" {
			w.Str("channel_key", st.ChannelKey)
		}
		if st.Label != "" {
			w.Str("label", st.Label)
		}
		return append(w.B, '}')
	})
	if len(c.Identities) > 0 {
		w.Key("identities")
		w.B = jsonv.AppendArray(w.B, c.Identities, func(b []byte, id resolver.Identity) []byte { return id.AppendJSON(b) })
	}
	return append(w.B, '}')
}
