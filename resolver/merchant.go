package resolver

import "slices"

// Merchant is a validated configuration compiled for resolution: console order and the
// per-type lists are computed once, so Resolve only walks slices. Immutable (but for a
// lock-guarded cache of fallback warnings), safe to share.
type Merchant struct {
	cfg Config
	// byType[t] lists setting indices of type t (0 payment, 1 certification) in console order;
	// its first element is that type's default (SPEC §4).
	byType [2][]int
	// codes are the distinct configured pg codes, in console order, for did-you-mean.
	codes []string
	// fellBack is each type's FELL_BACK_TO_DEFAULT warning, built once: every R3 carries it.
	fellBack [2]Warning
	// causes caches fallbackCause's warnings per (type, code, mid); the only mutable part,
	// behind its own lock, and invisible in results.
	causes causeCache
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
	for _, i := range ConsoleOrder(m.cfg.Settings) {
		s := &m.cfg.Settings[i]
		t := typeSlot(s.Type)
		m.byType[t] = append(m.byType[t], i)
		if !slices.Contains(m.codes, s.PG) {
			m.codes = append(m.codes, s.PG)
		}
	}
	for t, list := range m.byType {
		if len(list) > 0 {
			m.fellBack[t] = Warning{Code: WarnFellBackToDefault, Message: "no setting matched, so the default setting " + m.describe(list[0]) +
				" was used (the real service does the same to avoid lost sales); fix pg so it names a configured setting"}

		}
	}
	return m, nil, warns
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
	return c
}

// Strict reports whether the merchant asked for strict mode (SPEC §4).
func (m *Merchant) Strict() bool { return m.cfg.Strict }

// ConsoleOrder returns the setting indices in admin-console order (default first).
func (m *Merchant) ConsoleOrder() []int {
	return ConsoleOrder(m.cfg.Settings)
}
