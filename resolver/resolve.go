package resolver

import "strings"

// Considered says why a setting before the chosen one (in console order) did not match.
type Considered struct {
	Index  int
	WhyNot string
}

// Trace explains one resolution (docs/sdk.md §4).
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

// match is what pg (or channelKey) asks for, and so how a setting is compared with it.
type match uint8

const (
	byCode      match = iota // pg is a code alone (R2)
	byCodeMID                // pg is code.MID (R1)
	byKey                    // channelKey named a setting (R0)
	noPG                     // pg missing or empty
	pgNotString              // pg of another JSON type
	noCode                   // pg has nothing before its '.'
)

// Resolve picks the setting for q by the rules R0–R3 of docs/sdk.md §4 and explains the choice:
// filter by type, match the channel key, match pg, fall back to the default.
func (m *Merchant) Resolve(q Query) Trace {
	t := Trace{Input: q.PG, Index: -1}
	if q.PGType == "" {
		t.Code, t.MID, _ = strings.Cut(q.PG, ".")
	}
	list := m.byType[typeSlot(q.Type)]
	if len(list) == 0 {
		t.Err = noSettingOfType(q.Type)
		return t
	}

	chosen, how := -1, byCode // chosen is a position in list
	if q.ChannelKey != "" {
		if chosen = m.matchKey(list, q.ChannelKey); chosen >= 0 {
			how, t.Rule = byKey, RuleChannelKey
		} else {
			t.Warnings = append(t.Warnings, m.channelKeyNotFound(q))
		}
	}
	if chosen < 0 {
		how = pgMatch(q, t.Code, t.MID)
		if chosen = m.matchPG(list, how, t.Code, t.MID); chosen >= 0 {
			t.Rule = RuleCode
			if how == byCodeMID {
				t.Rule = RuleCodeMID
			}
		}
	}

	passed := list // R3 lists every setting it passed over, the default included
	if chosen >= 0 {
		passed = list[:chosen]
	} else {
		t.Rule, t.Fallback = RuleDefault, true
		t.Warnings = append(t.Warnings, m.fallbackCause(q, t.Code, t.MID), m.lists[typeSlot(q.Type)].fellBack)
		chosen = 0
	}
	if len(passed) > 0 {
		t.Considered = make([]Considered, 0, len(passed))
	}
	r := reasons{m: m, how: how, code: t.Code, mid: t.MID, key: q.ChannelKey}
	for _, i := range passed {
		t.Considered = append(t.Considered, Considered{Index: i, WhyNot: r.whyNot(i)})
	}
	t.Index = list[chosen]
	t.Setting = m.cfg.Settings[t.Index]
	t.Default = chosen == 0
	m.afterChoice(&t, q)
	return t
}

// pgMatch says what pg asks for: nothing usable (missing, not a string, no code before the
// '.'), a code and a mid (R1), or a code alone (R2).
func pgMatch(q Query, code, mid string) match {
	switch {
	case q.PGType != "":
		return pgNotString
	case q.PG == "":
		return noPG
	case code == "":
		return noCode
	case mid != "":
		return byCodeMID
	}
	return byCode
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

// matchPG is R1 (byCodeMID) or R2 (byCode): the position in list of the first setting with
// that code (and mid), or -1. The other matches find nothing.
func (m *Merchant) matchPG(list []int, how match, code, mid string) int {
	if how != byCodeMID && how != byCode {
		return -1
	}
	for pos, i := range list {
		if s := &m.cfg.Settings[i]; s.PG == code && (how == byCode || s.MID == mid) {
			return pos
		}
	}
	return -1
}

// reasons writes the sentences that say why settings did not match one query.
type reasons struct {
	m              *Merchant
	how            match
	code, mid, key string
	// pgIsNot's sentences by index in m.codes ("" until written): in small while the
	// merchant has few codes
	small [8]string
	big   []string
}

// whyNot is the sentence that says why setting i did not match.
func (r *reasons) whyNot(i int) string {
	s := &r.m.cfg.Settings[i]
	switch {
	case r.how == noPG:
		return "no pg was given"
	case r.how == pgNotString:
		return "pg is not a string"
	case r.how == noCode:
		return "pg has no PG code before the '.'"
	case r.how == byKey && s.ChannelKey == "":
		return "it has no channel_key"
	case r.how == byKey:
		return "channel_key is " + s.ChannelKey + ", not " + r.key
	case r.how == byCodeMID && s.PG == r.code:
		return "mid is " + s.MID + ", not " + r.mid
	}
	// It depends on the setting only through its code, so the settings of one code share it:
	// written once per code (a long console repeats its codes, and each string is an
	// allocation that WASM pays dearly for on a cold resolve).
	said := r.pgIsNot(r.m.codeIndex[i])
	if *said == "" {
		*said = "pg is " + s.PG + ", not " + r.code
	}
	return *said
}

// pgIsNot is where the sentence for the k-th code of m.codes is kept.
func (r *reasons) pgIsNot(k int) *string {
	if len(r.m.codes) <= len(r.small) {
		return &r.small[k]
	}
	if r.big == nil {
		r.big = make([]string, len(r.m.codes))
	}
	return &r.big[k]
}
