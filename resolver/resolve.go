package resolver

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/impshim/impshim/internal/jsonv"
)

// Query is what resolution reads from a request: the pg value and the few params that
// change the result or its warnings.
type Query struct {
	PG string
	// PGType is "" when pg was a string or absent; else its JSON type: "number", "boolean",
	// "object", "array", "null".
	PGType      string
	ChannelKey  string
	Type        string // "payment" ("" too) or "certification"
	PayMethod   string // for PAY_METHOD_IGNORED
	CustomerUID string // for BILLING_KEY_ON_NON_SUBSCRIPTION
}

// Considered says why a setting before the chosen one (in console order) did not match.
type Considered struct {
	Index  int
	WhyNot string
}

// Trace explains one resolution (SPEC §4).
type Trace struct {
	Input      string
	Code, MID  string
	Rule       string // "R0".."R3"; "" when no setting of the type exists
	Fallback   bool
	Index      int // chosen setting's index in pg_settings; -1 when none
	Setting    Setting
	Default    bool // the chosen setting is the default of its type
	Considered []Considered
	Warnings   []Warning
	Err        *Error // F1001
}

// Rules.
const (
	RuleChannelKey = "R0"
	RuleCodeMID    = "R1"
	RuleCode       = "R2"
	RuleDefault    = "R3"
)

// why a setting did not match; each kind has its own sentence.
type whyKind uint8

const (
	whyPG whyKind = iota
	whyMID
	whyKey
	whyMissing
	whyNotString
	whyNoCode
)

// Resolve picks the setting for q by the rules R0–R3 of SPEC §4 and explains the choice:
// filter by type, match the channel key, match pg, fall back to the default.
//
// Allocation matters here (IMP.sandbox.resolve is called in loops by benchmarks and tests):
// a resolution without warnings allocates at most twice — the considered list, and one
// buffer holding each distinct why_not sentence once, which the entries slice. R3's cause
// warning is cached on the Merchant per (type, code, mid).
func (m *Merchant) Resolve(q Query) Trace {
	t := Trace{Input: q.PG, Index: -1}
	if q.PGType == "" {
		t.Code, t.MID, _ = strings.Cut(q.PG, ".")
	}
	list := m.byType[typeSlot(q.Type)]
	if len(list) == 0 {
		t.Err = m.noSettingOfType(q.Type)
		return t
	}

	chosen, mode := -1, whyPG // chosen is a position in list
	if q.ChannelKey != "" {
		if chosen = m.matchKey(list, q.ChannelKey); chosen >= 0 {
			mode, t.Rule = whyKey, RuleChannelKey
		} else {
			t.Warnings = append(t.Warnings, m.channelKeyNotFound(q))
		}
	}
	if chosen < 0 {
		mode = pgMode(q, t.Code, t.MID)
		if chosen = m.matchPG(list, mode, t.Code, t.MID); chosen >= 0 {
			t.Rule = RuleCode
			if mode == whyMID {
				t.Rule = RuleCodeMID
			}
		}
	}

	if chosen >= 0 {
		t.Considered = m.considered(list[:chosen], mode, t.Code, t.MID, q.ChannelKey)
	} else {
		// R3 lists every setting it passed over, the default included.
		t.Considered = m.considered(list, mode, t.Code, t.MID, q.ChannelKey)
		t.Rule, t.Fallback = RuleDefault, true
		if t.Warnings == nil {
			t.Warnings = make([]Warning, 0, 4) // cause, fallback, and room for the ones after the choice
		}
		t.Warnings = append(t.Warnings, m.fallbackCause(q, t.Code, t.MID, list), m.fellBack[typeSlot(q.Type)])
		chosen = 0
	}
	t.Index = list[chosen]
	t.Setting = m.cfg.Settings[t.Index]
	t.Default = chosen == 0
	m.afterChoice(&t, q)
	return t
}

// pgMode says what pg asks for: nothing usable (missing, not a string, no code before the
// '.'), a code and a mid (R1), or a code alone (R2).
func pgMode(q Query, code, mid string) whyKind {
	switch {
	case q.PGType != "":
		return whyNotString
	case q.PG == "":
		return whyMissing
	case code == "":
		return whyNoCode
	case mid != "":
		return whyMID
	}
	return whyPG
}

// matchKey is R0: the position in list of the setting with channel_key key, or -1.
func (m *Merchant) matchKey(list []int, key string) int {
	for pos, i := range list {
		if m.cfg.Settings[i].ChannelKey == key {
			return pos
		}
	}
	return -1
}

// matchPG is R1 (mode whyMID) or R2 (whyPG): the position in list of the first setting with
// that code (and mid), or -1. The other modes match nothing.
func (m *Merchant) matchPG(list []int, mode whyKind, code, mid string) int {
	if mode != whyMID && mode != whyPG {
		return -1
	}
	for pos, i := range list {
		if s := &m.cfg.Settings[i]; s.PG == code && (mode == whyPG || s.MID == mid) {
			return pos
		}
	}
	return -1
}

// considered builds the why_not entries of the settings at idx. All sentences go into one
// strings.Builder sized exactly in advance, and each entry's WhyNot is a slice of its result.
// Settings that get the same sentence (many settings of one PG, when pg names another) share
// one copy of it, so the buffer holds each distinct sentence once, and AppendJSON can tell
// a repeat by its pointer.
func (m *Merchant) considered(idx []int, mode whyKind, code, mid, key string) []Considered {
	if len(idx) == 0 {
		return nil
	}
	out := make([]Considered, len(idx))
	if why := fixedWhy[mode]; why != "" {
		for k, i := range idx {
			out[k] = Considered{Index: i, WhyNot: why}
		}
		return out
	}
	// First pass: size the distinct sentences. Each entry's Index holds, until the second
	// pass, the position of the first entry with its sentence (its own when it is new).
	var seen whySeen
	total := 0
	for k, i := range idx {
		parts := m.whyNot(i, mode, code, mid, key)
		first, ok := seen.find(&parts)
		if !ok {
			total += len(parts[0]) + len(parts[1]) + len(parts[2]) + len(parts[3])
			seen.add(&parts, k)
			first = k
		}
		out[k].Index = first
	}
	var sb strings.Builder
	sb.Grow(total)
	for k, i := range idx {
		var why string
		if first := out[k].Index; first < k {
			why = out[first].WhyNot
		} else {
			start := sb.Len()
			for _, part := range m.whyNot(i, mode, code, mid, key) {
				sb.WriteString(part)
			}
			// Builder only appends within the capacity Grow gave it, so earlier slices of
			// its string stay valid and unchanged.
			why = sb.String()[start:]
		}
		out[k] = Considered{Index: i, WhyNot: why}
	}
	return out
}

// whySeen remembers the last few distinct sentences by their parts, with the position of
// the entry that has each first. Settings come in console order, where a merchant's settings
// of one PG usually sit together, so a small ring finds nearly every repeat.
type whySeen struct {
	n     int
	parts [4][2]string // the varying parts: the kind's lead-in and the setting's value
	first [4]int
}

func (w *whySeen) find(parts *[4]string) (int, bool) {
	// newest first: a repeat is most often of the sentence just before
	for n := w.n; n > 0 && n > w.n-len(w.parts); n-- {
		k := (n - 1) % len(w.parts)
		if w.parts[k][1] == parts[1] && w.parts[k][0] == parts[0] {
			return w.first[k], true
		}
	}
	return 0, false
}

func (w *whySeen) add(parts *[4]string, first int) {
	k := w.n % len(w.parts)
	w.parts[k] = [2]string{parts[0], parts[1]}
	w.first[k] = first
	w.n++
}

// fixedWhy is the one sentence of the modes where pg named nothing to compare with.
var fixedWhy = [...]string{
	whyMissing:   "no pg was given",
	whyNotString: "pg is not a string",
	whyNoCode:    "pg has no PG code before the '.'",
}

// whyNot is setting i's why_not sentence in parts ("pg is " + "kcp" + ", not " + "nice"), so
// that considered can size its buffer before writing without building the sentence twice.
func (m *Merchant) whyNot(i int, mode whyKind, code, mid, key string) [4]string {
	s := &m.cfg.Settings[i]
	switch {
	case mode == whyKey && s.ChannelKey == "":
		return [4]string{"it has no channel_key"}
	case mode == whyKey:
		return [4]string{"channel_key is ", s.ChannelKey, ", not ", key}
	case mode == whyMID && s.PG == code:
		return [4]string{"mid is ", s.MID, ", not ", mid}
	}
	return [4]string{"pg is ", s.PG, ", not ", code}
}

func (m *Merchant) describe(i int) string {
	s := &m.cfg.Settings[i]
	return "#" + strconv.Itoa(i) + " (" + s.PG + "." + s.MID + ")"
}

func (m *Merchant) noSettingOfType(typ string) *Error {
	return &Error{Code: CodeF1001, Message: "no PG setting of type \"" + orDefaultType(typ) + "\" is configured: add one to pg_settings" +
		" (settings without \"type\" are payment settings)"}
}

func (m *Merchant) channelKeyNotFound(q Query) Warning {
	msg := "channelKey " + strconv.Quote(q.ChannelKey) + " matches no setting"
	for _, s := range m.cfg.Settings {
		if s.ChannelKey == q.ChannelKey {
			msg += " of this request's type (it belongs to a " + orDefaultType(s.Type) + " setting)"
			break
		}
	}
	var keys []string
	for _, i := range m.byType[typeSlot(q.Type)] {
		if k := m.cfg.Settings[i].ChannelKey; k != "" {
			keys = append(keys, k)
		}
	}
	if sug := suggest(q.ChannelKey, keys, nil); len(sug) > 0 {
		msg += "; did you mean " + orList(sug) + "?"
	} else if len(keys) == 0 {
		msg += "; no setting has a channel_key, so pg decides"
	}
	return Warning{Code: WarnChannelKeyNotFound, Message: msg + "; fix channelKey or set channel_key on the setting"}
}

// fallbackCause is the warning that explains an R3: why nothing matched, and what to change.
// FELL_BACK_TO_DEFAULT follows it.
func (m *Merchant) fallbackCause(q Query, code, mid string, list []int) Warning {
	switch {
	case q.PGType != "":
		return Warning{Code: WarnPGMissing, Message: "pg must be a string like \"html5_inicis\" or \"html5_inicis.MID\", got " + articleFor(q.PGType)}
	case q.PG == "":
		return Warning{Code: WarnPGMissing, Message: "pg is missing or empty: set pg to a configured PG code, e.g. \"" + m.cfg.Settings[list[0]].PG + "\", to choose a setting explicitly"}
	case code == "":
		return Warning{Code: WarnPGUnknownCode, Message: "pg " + strconv.Quote(q.PG) + " has no PG code before the '.'; write it as \"code.mid\""}
	}
	key := causeKey{typeSlot(q.Type), code, mid}
	m.causes.mu.RLock()
	w, ok := m.causes.m[key]
	m.causes.mu.RUnlock()
	if ok {
		return w
	}
	w = m.pgCause(q, code, mid, list)
	m.causes.mu.Lock()
	if len(m.causes.m) < maxCachedCauses {
		if m.causes.m == nil {
			m.causes.m = make(map[causeKey]Warning)
		}
		key.code, key.mid = strings.Clone(code), strings.Clone(mid)
		m.causes.m[key] = w
	}
	m.causes.mu.Unlock()
	return w
}

// maxCachedCauses bounds the memory a stream of distinct bad inputs can take; past it, causes
// are built every time, as before the cache.
const maxCachedCauses = 256

// causeKey is what a fallback cause with a usable code depends on, besides the merchant.
type causeKey struct {
	slot      int
	code, mid string
}

// causeCache remembers fallback causes: building one runs did-you-mean over the configured
// codes and the catalog, the costliest part of an R3, and a page tends to repeat its mistake.
type causeCache struct {
	mu sync.RWMutex
	m  map[causeKey]Warning
}

// pgCause is fallbackCause for a pg with a code: an unknown mid, an unknown code, or a code
// no setting of this type has.
func (m *Merchant) pgCause(q Query, code, mid string, list []int) Warning {
	var mids, codes []string // of the settings of this type
	for _, i := range list {
		s := &m.cfg.Settings[i]
		if s.PG == code {
			mids = append(mids, s.MID)
		}
		if !slices.Contains(codes, s.PG) {
			codes = append(codes, s.PG)
		}
	}
	if len(mids) > 0 {
		msg := "no " + code + " setting has mid " + strconv.Quote(mid)
		sug := suggest(mid, mids, nil)
		if len(sug) > 0 {
			msg += ": did you mean " + orList(sug) + "?"
		}
		msg += " (configured mids for " + code + ": " + quotedList(mids) + "); use one of them, or just \"" + code + "\" for the first"
		// every configured mid of the code, the did-you-mean ones first
		var fixes []string
		for _, s := range sug {
			fixes = append(fixes, code+"."+s)
		}
		for _, s := range mids {
			if !slices.Contains(sug, s) {
				fixes = append(fixes, code+"."+s)
			}
		}
		return Warning{Code: WarnMIDNotFound, Message: msg, Suggestions: suggestPGs(fixes)}
	}
	_, inCatalog := Lookup(code)
	otherType := slices.Contains(m.codes, code) // configured, but only for the other type
	if !inCatalog && !otherType {
		msg := "unknown PG code " + strconv.Quote(code)
		if sug := suggest(code, m.codes, catalogCodes()); len(sug) > 0 {
			// the whole pg, corrected: a given mid stays
			fixes := make([]string, len(sug))
			for k, s := range sug {
				fixes[k] = s
				if mid != "" {
					fixes[k] = s + "." + mid
				}
			}
			return Warning{Code: WarnPGUnknownCode, Message: msg + ": did you mean " + orList(sug) + "?", Suggestions: suggestPGs(fixes)}
		}
		return Warning{Code: WarnPGUnknownCode, Message: msg + ": use a code from the PG catalog, e.g. \"html5_inicis\" or \"kakaopay\""}
	}
	msg := "no setting has pg " + strconv.Quote(code)
	if otherType {
		msg += " of type " + orDefaultType(q.Type)
	}
	if sug := suggest(code, codes, nil); len(sug) > 0 {
		msg += " (did you mean " + orList(sug) + "?)"
	}
	msg += "; add a " + code + " setting, or use a configured code: " + quotedList(codes)
	return Warning{Code: WarnPGNotConfigured, Message: msg}
}

// afterChoice adds the warnings that depend on the chosen setting.
func (m *Merchant) afterChoice(t *Trace, q Query) {
	chosenPG, chosenKnown := Lookup(t.Setting.PG)
	if chosenKnown && chosenPG.Legacy {
		t.Warnings = append(t.Warnings, Warning{Code: WarnLegacyPGCode, Message: legacyMessage(chosenPG)})
	}
	if t.Code != t.Setting.PG { // the requested code; "" when pg was not a string
		if req, ok := Lookup(t.Code); ok && req.Legacy {
			t.Warnings = append(t.Warnings, Warning{Code: WarnLegacyPGCode, Message: legacyMessage(req)})
		}
	}
	if q.CustomerUID != "" && t.Setting.PayType != "subscription" {
		t.Warnings = append(t.Warnings, Warning{Code: WarnBillingKeyNonSubscr, Message: "customer_uid is set but the chosen setting " + m.describe(t.Index) + " has pay_type \"" + t.Setting.PayType +
			"\", not \"subscription\": the real PG will not issue a billing key; pick a subscription setting with pg \"code.mid\""})
	}
	if q.PayMethod != "" && chosenKnown && chosenPG.SimplePay {
		t.Warnings = append(t.Warnings, Warning{Code: WarnPayMethodIgnored, Message: "pay_method " + strconv.Quote(q.PayMethod) + " is ignored: " + chosenPG.Name + " (" + chosenPG.Code +
			") lets the buyer choose the method in its own window; leave pay_method out for it"})
	}
}

func legacyMessage(pg PG) string {
	msg := "PG code " + strconv.Quote(pg.Code) + " (" + pg.Name + ") is legacy"
	if r := replacement(pg.Code); r != "" {
		return msg + ": move to \"" + r + "\""
	}
	return msg + ": the service no longer takes new merchants; plan to move to another PG"
}

func replacement(code string) string {
	switch code {
	case "kakao":
		return "kakaopay"
	case "inicis":
		return "html5_inicis"
	case "uplus":
		return "tosspayments"
	}
	return ""
}

func orDefaultType(t string) string {
	if t == "" {
		return TypePayment
	}
	return t
}

// articleFor is Query.PGType (a jsonv.Kind's name) with its article, as Kind.Article gives it.
func articleFor(jsonType string) string {
	for k := jsonv.Null; k <= jsonv.Object; k++ {
		if k.String() == jsonType {
			return k.Article()
		}
	}
	return jsonType
}

func quotedList(list []string) string {
	var sb strings.Builder
	for k, s := range list {
		if k > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(strconv.Quote(s))
	}
	return sb.String()
}

func orList(list []string) string {
	var sb strings.Builder
	for k, s := range list {
		if k > 0 {
			if k == len(list)-1 {
				sb.WriteString(" or ")
			} else {
				sb.WriteString(", ")
			}
		}
		sb.WriteString(strconv.Quote(s))
	}
	return sb.String()
}

// ParseQuery reads IMP.sandbox.resolve's argument as JSON text: a string (the pg), a params
// object, or null (no pg at all).
func ParseQuery(data []byte) (Query, *Error) {
	v, err := jsonv.Parse(data)
	if err != nil {
		return Query{}, &Error{Code: CodeInvalidParams, Message: "the resolve argument is not valid JSON: " + err.Error()}
	}
	switch v.Kind {
	case jsonv.String:
		return Query{PG: v.Str}, nil
	case jsonv.Null:
		return Query{}, nil
	case jsonv.Object:
		q, err := queryFromParams(&v)
		if err != nil {
			return Query{}, err
		}
		return q, nil
	}
	return Query{}, &Error{Code: CodeInvalidParams, Message: "IMP.sandbox.resolve takes a pg string or a params object, got " + v.Kind.Article()}
}

// queryFromParams reads the fields resolution uses from a params object. An unknown type is
// an error for IMP.sandbox.resolve; the query comes back filled in all the same, so that
// request_pay, which always resolves payments, does not lose pg over a stray type param.
func queryFromParams(v *jsonv.Value) (Query, *Error) {
	var q Query
	switch pg := v.Get("pg"); pg.Kind {
	case jsonv.String:
		q.PG = pg.Str
	case jsonv.Absent:
	default:
		q.PGType = pg.Kind.String()
	}
	q.ChannelKey = stringField(v, "channelKey")
	q.PayMethod = stringField(v, "pay_method")
	q.CustomerUID = stringField(v, "customer_uid")
	switch t := v.Get("type"); t.Kind {
	case jsonv.Absent, jsonv.Null:
	case jsonv.String:
		if t.Str != "" && t.Str != TypePayment && t.Str != TypeCertification {
			return q, &Error{Code: CodeInvalidParams, Message: "type " + strconv.Quote(t.Str) + " is unknown: use \"payment\" or \"certification\""}
		}
		q.Type = t.Str
	default:
		return q, &Error{Code: CodeInvalidParams, Message: "type must be \"payment\" or \"certification\", got " + t.Kind.Article()}
	}
	return q, nil
}

// AppendJSON appends the trace in the SPEC §4 shape. Member names are written as literals;
// a why_not that repeats the previous entry's (the same shared string, see considered) is
// copied from the text already written instead of being escaped again.
func (t *Trace) AppendJSON(b []byte) []byte {
	b = append(b, `{"input":`...)
	b = jsonv.AppendString(b, t.Input)
	b = append(b, `,"code":`...)
	b = jsonv.AppendString(b, t.Code)
	b = append(b, `,"mid":`...)
	b = jsonv.AppendString(b, t.MID)
	b = append(b, `,"rule":`...)
	if t.Rule == "" {
		b = append(b, "null"...)
	} else {
		b = jsonv.AppendString(b, t.Rule)
	}
	b = append(b, `,"fallback":`...)
	b = jsonv.AppendBool(b, t.Fallback)
	b = append(b, `,"setting":`...)
	if t.Index < 0 {
		b = append(b, "null"...)
	} else {
		b = appendSetting(b, t.Index, &t.Setting, t.Default)
	}
	b = append(b, `,"considered":[`...)
	prevWhy, prevStart, prevEnd := "", 0, 0
	for k, c := range t.Considered {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"index":`...)
		b = appendIndex(b, c.Index)
		b = append(b, `,"why_not":`...)
		if k > 0 && c.WhyNot == prevWhy {
			b = append(b, b[prevStart:prevEnd]...)
		} else {
			prevWhy, prevStart = c.WhyNot, len(b)
			b = jsonv.AppendString(b, c.WhyNot)
			prevEnd = len(b)
		}
		b = append(b, '}')
	}
	b = append(b, `],"warnings":`...)
	b = AppendWarningsJSON(b, t.Warnings)
	if t.Err != nil {
		b = append(b, `,"error":`...)
		b = t.Err.AppendJSON(b)
	}
	return append(b, '}')
}

// appendIndex appends a setting index; the small ones, all of them in practice, by hand.
func appendIndex(b []byte, n int) []byte {
	switch {
	case n < 0 || n >= 1000:
		return strconv.AppendInt(b, int64(n), 10)
	case n < 10:
		return append(b, byte('0'+n))
	case n < 100:
		return append(b, byte('0'+n/10), byte('0'+n%10))
	}
	return append(b, byte('0'+n/100), byte('0'+n/10%10), byte('0'+n%10))
}

func appendSetting(b []byte, index int, s *Setting, isDefault bool) []byte {
	b = append(b, `{"index":`...)
	b = strconv.AppendInt(b, int64(index), 10)
	b = append(b, `,"pg":`...)
	b = jsonv.AppendString(b, s.PG)
	b = append(b, `,"mid":`...)
	b = jsonv.AppendString(b, s.MID)
	b = append(b, `,"pay_type":`...)
	b = jsonv.AppendString(b, s.PayType)
	b = append(b, `,"default":`...)
	b = jsonv.AppendBool(b, isDefault)
	if s.Label != "" {
		b = append(b, `,"label":`...)
		b = jsonv.AppendString(b, s.Label)
	}
	if s.Type != "" {
		b = append(b, `,"type":`...)
		b = jsonv.AppendString(b, s.Type)
	}
	if s.ChannelKey != "" {
		b = append(b, `,"channel_key":`...)
		b = jsonv.AppendString(b, s.ChannelKey)
	}
	return append(b, '}')
}
