package resolver

import "slices"

// Merchant is a validated configuration compiled for resolution: console order and the
// per-type lists are computed once, so Resolve only walks slices. Immutable after
// NewMerchant, so safe to share.
type Merchant struct {
	cfg Config
	// byType[t] lists setting indices of type t (0 payment, 1 certification) in console order;
	// its first element is that type's default (docs/sdk.md §4).
	byType [2][]int
	// codes are the distinct configured pg codes, in console order, for did-you-mean.
	codes []string
	// codeIndex[i] is the index in codes of setting i's pg code.
	codeIndex []int
	// catalogOf[i] is setting i's catalog entry, nil for a code the catalog lacks.
	catalogOf []*PG
	// lists[t] is what R3's warnings say about the settings of type t, the same on every
	// resolve: written here once rather than on each cold resolve (WASM pays for every string
	// and slice it builds, and a 200-setting console is long).
	lists [2]typeLists
}

// typeLists describes the settings of one type, in console order.
type typeLists struct {
	codes       []string            // distinct pg codes
	quotedCodes string              // quotedList(codes)
	mids        map[string]codeMIDs // by pg code
	pgMissing   Warning             // PG_MISSING for a missing or empty pg
	fellBack    Warning             // FELL_BACK_TO_DEFAULT
}

// codeMIDs are the mids of one pg code's settings of a type.
type codeMIDs struct {
	list   []string
	quoted string       // quotedList(list)
	fixes  []Suggestion // MID_NOT_FOUND's suggestion of code.MID for each mid of list
}

// NewMerchant validates cfg (every error at once) and compiles it. Any error gives a nil
// Merchant; warnings (unknown or legacy PG codes) do not stop it.
func NewMerchant(cfg Config) (*Merchant, []ConfigError, []Warning) {
	errs, warns := cfg.Validate()
	if len(errs) > 0 {
		return nil, errs, warns
	}
	m := &Merchant{cfg: cfg}
	m.cfg.Settings = append([]Setting(nil), cfg.Settings...)
	m.cfg.Identities = append([]Identity(nil), cfg.Identities...)
	m.codeIndex = make([]int, len(m.cfg.Settings))
	m.catalogOf = make([]*PG, len(m.cfg.Settings))
	for _, i := range ConsoleOrder(m.cfg.Settings) {
		s := &m.cfg.Settings[i]
		t := typeSlot(s.Type)
		m.byType[t] = append(m.byType[t], i)
		k := slices.Index(m.codes, s.PG)
		if k < 0 {
			k = len(m.codes)
			m.codes = append(m.codes, s.PG)
		}
		m.codeIndex[i] = k
		if c, ok := catalogIndex[s.PG]; ok {
			m.catalogOf[i] = &catalog[c]
		}
	}
	for t, list := range m.byType {
		if len(list) > 0 {
			m.lists[t] = m.describe(list)
		}
	}
	return m, nil, warns
}

func (m *Merchant) describe(list []int) typeLists {
	tl := typeLists{mids: map[string]codeMIDs{}, pgMissing: m.pgMissing(list[0]), fellBack: m.fellBack(list[0])}
	for _, i := range list {
		s := &m.cfg.Settings[i]
		if !slices.Contains(tl.codes, s.PG) {
			tl.codes = append(tl.codes, s.PG)
		}
		cm := tl.mids[s.PG]
		cm.list = append(cm.list, s.MID)
		tl.mids[s.PG] = cm
	}
	tl.quotedCodes = quotedList(tl.codes)
	for code, cm := range tl.mids {
		cm.quoted = quotedList(cm.list)
		for _, mid := range cm.list {
			cm.fixes = append(cm.fixes, suggestion(code+"."+mid))
		}
		tl.mids[code] = cm
	}
	return tl
}

func typeSlot(t string) int {
	if t == TypeCertification {
		return 1
	}
	return 0
}

// Config returns a copy of the configuration the merchant was built from.
func (m *Merchant) Config() Config {
	c := m.cfg
	c.Settings = append([]Setting(nil), m.cfg.Settings...)
	c.Identities = append([]Identity(nil), m.cfg.Identities...)
	return c
}

// Identities are the people the merchant's verification window offers: the config's, or
// BuiltInIdentities when it names none.
func (m *Merchant) Identities() []Identity {
	if len(m.cfg.Identities) == 0 {
		return BuiltInIdentities()
	}
	return append([]Identity(nil), m.cfg.Identities...)
}

// ConsoleOrder returns the setting indices in admin-console order (default first).
func (m *Merchant) ConsoleOrder() []int {
	return ConsoleOrder(m.cfg.Settings)
}

// MinimalResponse reports whether callbacks get the minimal response (Config.Response).
func (m *Merchant) MinimalResponse() bool { return m.cfg.Response == ResponseMinimal }
