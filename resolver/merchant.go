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
	for _, i := range ConsoleOrder(m.cfg.Settings) {
		s := &m.cfg.Settings[i]
		t := typeSlot(s.Type)
		m.byType[t] = append(m.byType[t], i)
		if !slices.Contains(m.codes, s.PG) {
			m.codes = append(m.codes, s.PG)
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
