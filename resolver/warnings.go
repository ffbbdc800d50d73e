package resolver

import (
	"slices"
	"strconv"
	"strings"

	"github.com/impshim/impshim/internal/jsonv"
)

// Warning is a diagnostic that does not stop anything; Code is a stable string (docs/sdk.md §4).
// Suggestions are the fixes a page can apply without reading Message (the demo's one-click
// "did you mean"); most warnings have none.
type Warning struct {
	Code, Message string
	Suggestions   []Suggestion
}

// Suggestion is one fix for a warning: PG is the whole corrected params.pg value (code, or
// code.MID), Label a short text for a button.
type Suggestion struct {
	PG, Label string
}

// suggestPGs makes a suggestion of each corrected pg value, in order.
func suggestPGs(pgs []string) []Suggestion { return suggestPGsWith(pgs, "") }

// suggestPGsWith makes a suggestion of each pg value with suffix appended, in order. The PG is
// the tail of its label: one string for both.
func suggestPGsWith(pgs []string, suffix string) []Suggestion {
	if len(pgs) == 0 {
		return nil
	}
	out := make([]Suggestion, len(pgs))
	for i, pg := range pgs {
		out[i] = suggestion(pg + suffix)
	}
	return out
}

// suggestion is the fix that sets pg to the value pg.
func suggestion(pg string) Suggestion {
	label := "Use " + pg
	return Suggestion{PG: label[len("Use "):], Label: label}
}

// Warning codes (docs/sdk.md §4).
const (
	WarnPGMissing           = "PG_MISSING"
	WarnPGUnknownCode       = "PG_UNKNOWN_CODE"
	WarnPGNotConfigured     = "PG_NOT_CONFIGURED"
	WarnMIDNotFound         = "MID_NOT_FOUND"
	WarnChannelKeyNotFound  = "CHANNEL_KEY_NOT_FOUND"
	WarnFellBackToDefault   = "FELL_BACK_TO_DEFAULT"
	WarnLegacyPGCode        = "LEGACY_PG_CODE"
	WarnBillingKeyNonSubscr = "BILLING_KEY_ON_NON_SUBSCRIPTION"
	WarnPayMethodIgnored    = "PAY_METHOD_IGNORED"
	WarnAmountAsString      = "AMOUNT_AS_STRING"
)

// settingRef names setting i in messages: "#0 (html5_inicis.MID-a)".
func (m *Merchant) settingRef(i int) string {
	s := &m.cfg.Settings[i]
	return "#" + decimal(i) + " (" + s.PG + "." + s.MID + ")"
}

func noSettingOfType(typ string) *Error {
	return newError(CodeF1001, "no PG setting of type \""+orDefaultType(typ)+"\" is configured: add one to pg_settings"+
		" (settings without \"type\" are payment settings)")
}

func (m *Merchant) channelKeyNotFound(q Query) Warning {
	msg := "channelKey " + quote(q.ChannelKey) + " matches no setting"
	for _, s := range m.cfg.Settings {
		if s.ChannelKey == q.ChannelKey {
			msg += " of this request's type (it belongs to " + withArticle(orDefaultType(s.Type)) + " setting)"
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

// fellBack is FELL_BACK_TO_DEFAULT, which follows every R3's cause.
func (m *Merchant) fellBack(def int) Warning {
	return Warning{Code: WarnFellBackToDefault, Message: "no setting matched, so the default setting " + m.settingRef(def) +
		" was used (the real service does the same to avoid lost sales); fix pg so it names a configured setting"}
}

// fallbackCause is the warning that explains an R3: why nothing matched, and what to change.
// FELL_BACK_TO_DEFAULT follows it.
func (m *Merchant) fallbackCause(q Query, code, mid string) Warning {
	switch {
	case q.PGType != "":
		return Warning{Code: WarnPGMissing, Message: "pg must be a string like \"html5_inicis\" or \"html5_inicis.MID\", got " + articleFor(q.PGType)}
	case q.PG == "":
		return m.lists[typeSlot(q.Type)].pgMissing
	case code == "":
		return Warning{Code: WarnPGUnknownCode, Message: "pg " + quote(q.PG) + " has no PG code before the '.'; write it as \"code.mid\""}
	}
	return m.pgCause(q, code, mid)
}

// pgMissing is PG_MISSING for a missing or empty pg, def the default setting.
func (m *Merchant) pgMissing(def int) Warning {
	return Warning{Code: WarnPGMissing, Message: "pg is missing or empty: set pg to a configured PG code, e.g. \"" + m.cfg.Settings[def].PG + "\", to choose a setting explicitly"}
}

// pgCause is fallbackCause for a pg with a code: an unknown mid, an unknown code, or a code
// no setting of this type has.
//
// It runs on every cold resolve of a mistyped pg, and WASM pays for each string it makes, so it
// writes its message in a buffer on the stack and allocates it once, and takes MID_NOT_FOUND's
// suggestions from those NewMerchant wrote (codeMIDs.fixes). pgCauseReference in the tests is
// the plain version, a concatenation per piece, that it must agree with.
func (m *Merchant) pgCause(q Query, code, mid string) Warning {
	tl := &m.lists[typeSlot(q.Type)] // of the settings of this type
	var buf [512]byte
	b := buf[:0]
	if cm := tl.mids[code]; len(cm.list) > 0 {
		b = appendQuoted(appendText(b, "no ", code, " setting has mid "), mid)
		sug := suggest(mid, cm.list, nil)
		if len(sug) > 0 {
			b = appendText(appendOrList(appendText(b, ": did you mean "), sug), "?")
		}
		b = appendText(b, " (configured mids for ", code, ": ", cm.quoted, "); use one of them, or just \"", code, "\" for the first")
		// every configured mid of the code, the did-you-mean ones first
		fixes := make([]Suggestion, 0, len(cm.list))
		for _, s := range sug {
			fixes = append(fixes, cm.fixes[slices.Index(cm.list, s)])
		}
		for k, s := range cm.list {
			if !listed(sug, s) {
				fixes = append(fixes, cm.fixes[k])
			}
		}
		return Warning{Code: WarnMIDNotFound, Message: string(b), Suggestions: fixes}
	}
	_, inCatalog := catalogIndex[code]
	otherType := listed(m.codes, code) // configured, but only for the other type
	if !inCatalog && !otherType {
		b = appendQuoted(appendText(b, "unknown PG code "), code)
		if sug := suggest(code, m.codes, catalogCodes()); len(sug) > 0 {
			b = appendText(appendOrList(appendText(b, ": did you mean "), sug), "?")
			// the whole pg, corrected: a given mid stays
			suffix := ""
			if mid != "" {
				suffix = "." + mid
			}
			return Warning{Code: WarnPGUnknownCode, Message: string(b), Suggestions: suggestPGsWith(sug, suffix)}
		}
		b = appendText(b, ": use a code from the PG catalog, e.g. \"html5_inicis\" or \"kakaopay\"")
		return Warning{Code: WarnPGUnknownCode, Message: string(b)}
	}
	b = appendQuoted(appendText(b, "no setting has pg "), code)
	if otherType {
		b = appendText(b, " of type ", orDefaultType(q.Type))
	}
	if sug := suggest(code, tl.codes, nil); len(sug) > 0 {
		b = appendText(appendOrList(appendText(b, " (did you mean "), sug), "?)")
	}
	b = appendText(appendWithArticle(appendText(b, "; add "), code), " setting, or use a configured code: ", tl.quotedCodes)
	return Warning{Code: WarnPGNotConfigured, Message: string(b)}
}

// afterChoice adds the warnings that depend on the chosen setting.
func (m *Merchant) afterChoice(t *Trace, q Query) {
	// the chosen setting's catalog entry, found by NewMerchant (a map lookup of a string is
	// dear in WASM, and every cold resolve made two)
	chosenPG := m.catalogOf[t.Index]
	chosenKnown := chosenPG != nil
	if chosenKnown && chosenPG.Legacy {
		addWarning(&t.Warnings, WarnLegacyPGCode, legacyMessage(*chosenPG))
	}
	if t.Code != t.Setting.PG && t.Code != "" { // the requested code; "" when pg was not a string or empty
		if req, ok := Lookup(t.Code); ok && req.Legacy {
			addWarning(&t.Warnings, WarnLegacyPGCode, legacyMessage(req))
		}
	}
	if q.CustomerUID != "" && t.Setting.PayType != "subscription" {
		addWarning(&t.Warnings, WarnBillingKeyNonSubscr, "customer_uid is set but the chosen setting "+m.settingRef(t.Index)+" has pay_type \""+t.Setting.PayType+
			"\", not \"subscription\": the real PG will not issue a billing key; pick a subscription setting with pg \"code.mid\"")
	}
	if q.PayMethod != "" && chosenKnown && chosenPG.SimplePay {
		addWarning(&t.Warnings, WarnPayMethodIgnored, "pay_method "+quote(q.PayMethod)+" is ignored: "+chosenPG.Name+" ("+chosenPG.Code+
			") lets the buyer choose the method in its own window; leave pay_method out for it")
	}
}

func legacyMessage(pg PG) string {
	msg := "PG code " + quote(pg.Code) + " (" + pg.Name + ") is legacy"
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

// withArticle puts "a" or "an" before word by how it is read aloud: "an alipay", "an
// html5_inicis" (aitch-tee-em-el), "a uplus" (you-plus), "a kcp", "an eximbay". PG codes are
// the words it sees, so the rules are theirs: a vowel letter reads as a vowel, but for a "u"
// read "you" (uni…, use…, up…) and an "h" that starts a run of consonants (an initialism).
func withArticle(word string) string { return string(appendWithArticle(nil, word)) }

// appendWithArticle appends withArticle(word).
func appendWithArticle(b []byte, word string) []byte {
	w := lowerASCII(word)
	vowel := false
	switch {
	case w == "":
	case strings.IndexByte("aeio", w[0]) >= 0:
		vowel = true
	case w[0] == 'u':
		vowel = !(strings.HasPrefix(w, "uni") || strings.HasPrefix(w, "us") || strings.HasPrefix(w, "up") || strings.HasPrefix(w, "ur"))
	case w[0] == 'h':
		vowel = len(w) > 1 && strings.IndexByte("aeiouy", w[1]) < 0
	}
	if vowel {
		return appendText(b, "an ", word)
	}
	return appendText(b, "a ", word)
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
		sb.WriteString(quote(s))
	}
	return sb.String()
}

// appendQuoted appends quote(s).
func appendQuoted(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return strconv.AppendQuote(b, s)
		}
	}
	return append(append(append(b, '"'), s...), '"')
}

// appendOrList appends orList(list).
func appendOrList(b []byte, list []string) []byte {
	for k, s := range list {
		switch {
		case k == 0:
		case k == len(list)-1:
			b = appendText(b, " or ")
		default:
			b = appendText(b, ", ")
		}
		b = appendQuoted(b, s)
	}
	return b
}

// appendText appends the parts of a message, out of line (an inlined append is a few hundred
// bytes of WASM at each place).
//
//go:noinline
func appendText(b []byte, parts ...string) []byte {
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func orList(list []string) string { return string(appendOrList(nil, list)) }

// addWarning appends Warning{code, message} to *ws, out of line like addError.
//
//go:noinline
func addWarning(ws *[]Warning, code, message string) {
	*ws = append(*ws, Warning{Code: code, Message: message})
}
