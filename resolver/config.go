package resolver

import (
	"strings"

	"github.com/impshim/impshim/internal/jsonv"
)

// Setting is one row of the merchant's PG settings in the admin console (docs/sdk.md §3).
type Setting struct {
	PG, MID, PayType, Type, ChannelKey, Label string // Type "" means "payment"
	Default                                   bool
}

// Config is a merchant's admin-console configuration.
type Config struct {
	MerchantCode string
	Settings     []Setting
	Strict       bool
	// Identities are the people the mock verification window offers; none given means
	// BuiltInIdentities.
	Identities []Identity
	// Response is "minimal" for callbacks that carry only imp_uid, merchant_uid, error_code
	// and error_msg, as the current V1 SDK answers for newer PGs (developers.portone.io,
	// v1-sdk/javascript-sdk/payrt.mdx: "(신) 토스페이먼츠, (신) 스마트로, (신) 나이스정보통신, (신)
	// 페이팔, KSNET, 웰컴페이먼츠 연동시에는 imp_uid, merchant_uid, error_code, error_msg만
	// 제공됩니다"); "" or "full" for the whole response.
	Response string
}

// Response modes of a Config.
const (
	ResponseFull    = "full"
	ResponseMinimal = "minimal"
)

// ConfigError is one problem with a configuration. Index is the position in pg_settings, or -1
// for the configuration as a whole.
type ConfigError struct {
	Index   int
	Field   string
	Message string
}

func (e ConfigError) Error() string {
	if e.Index < 0 {
		if e.Field == "" {
			return e.Message
		}
		return e.Field + ": " + e.Message
	}
	s := "pg_settings[" + decimal(e.Index) + "]"
	if e.Field != "" {
		s += "." + e.Field
	}
	return s + ": " + e.Message
}

// Setting types.
const (
	TypePayment       = "payment"
	TypeCertification = "certification"
)

// textField is an optional string field of a JSON object and where to decode it: decoders
// list their fields in a table and read them in one loop.
type textField struct {
	key string
	dst *string
}

// ParseConfig reads the admin-console JSON (docs/sdk.md §3). Unknown fields (imp_key, imp_secret, …)
// are ignored. It reports every value of the wrong JSON type, with its index and field; the
// rules about values (empty pg, duplicates, …) are NewMerchant's job.
func ParseConfig(data []byte) (Config, []ConfigError) {
	root, err := jsonv.Parse(data)
	if err != nil {
		return Config{}, []ConfigError{{Index: -1, Message: "the configuration is not valid JSON: " + err.Error()}}
	}
	if root.Kind != jsonv.Object {
		return Config{}, []ConfigError{{Index: -1, Message: "the configuration must be a JSON object like {\"merchant_code\": \"imp…\", \"pg_settings\": [...]}, got " + root.Kind.Article()}}
	}
	var cfg Config
	var errs []ConfigError
	if got := root.GetString("merchant_code", &cfg.MerchantCode); got != "" {
		addError(&errs, -1, "merchant_code", "merchant_code must be a string like \"imp10391932\", got "+got)
	}
	if got := root.GetBool("strict", &cfg.Strict); got != "" {
		addError(&errs, -1, "strict", "strict must be true or false, got "+got)
	}
	if got := root.GetString("response", &cfg.Response); got != "" {
		addError(&errs, -1, "response", "response must be \"full\" or \"minimal\", got "+got)
	}
	ids, idErrs := parseIdentities(root.Get("identities"))
	cfg.Identities = ids
	errs = append(errs, idErrs...)
	list := root.Get("pg_settings")
	switch list.Kind {
	case jsonv.Array:
	case jsonv.Absent:
		addError(&errs, -1, "pg_settings", "pg_settings is missing: add a list of PG settings, e.g. [{\"pg\": \"html5_inicis\", \"mid\": \"INIpayTest\", \"pay_type\": \"general\"}]")
		return cfg, errs
	default:
		addError(&errs, -1, "pg_settings", "pg_settings must be a list of PG settings, got "+list.Kind.Article())
		return cfg, errs
	}
	cfg.Settings = make([]Setting, 0, len(list.Items))
	for i := range list.Items {
		item := &list.Items[i]
		var s Setting
		if item.Kind != jsonv.Object {
			addError(&errs, i, "", "each PG setting must be an object with pg, mid and pay_type, got "+item.Kind.Article())
			cfg.Settings = append(cfg.Settings, s)
			continue
		}
		for _, f := range [...]textField{{"pg", &s.PG}, {"mid", &s.MID}, {"pay_type", &s.PayType}, {"type", &s.Type}, {"channel_key", &s.ChannelKey}, {"label", &s.Label}} {
			if got := item.GetString(f.key, f.dst); got != "" {
				addError(&errs, i, f.key, f.key+" must be a string, got "+got)
			}
		}
		if got := item.GetBool("default", &s.Default); got != "" {
			addError(&errs, i, "default", "default must be true or false, got "+got)
		}
		cfg.Settings = append(cfg.Settings, s)
	}
	return cfg, errs
}

// Validate checks every rule of docs/sdk.md §3 and returns every error (not just the first), and a
// warning for each PG code the catalog does not know.
func (c Config) Validate() ([]ConfigError, []Warning) {
	errs := validateIdentities(c.Identities)
	if c.Response != "" && c.Response != ResponseFull && c.Response != ResponseMinimal {
		addError(&errs, -1, "response", "unknown response "+quote(c.Response)+": use \"full\" (the default) or \"minimal\" (only imp_uid, merchant_uid, error_code, error_msg, as newer PGs answer)")
	}
	var warns []Warning
	if len(c.Settings) == 0 {
		addError(&errs, -1, "pg_settings", "pg_settings is empty: add at least one PG setting, e.g. {\"pg\": \"html5_inicis\", \"mid\": \"INIpayTest\", \"pay_type\": \"general\"}")
		return errs, nil
	}
	firstDefault := -1
	seenPGMID := make(map[string]int, len(c.Settings))
	seenKey := make(map[string]int)
	for i, s := range c.Settings {
		if s.Default {
			if firstDefault >= 0 {
				addError(&errs, i, "default", "a second default: setting "+decimal(firstDefault)+" is already the default; at most one setting may have \"default\": true")
			} else {
				firstDefault = i
			}
		}
		switch s.PayType {
		case "general", "subscription", "simple":
		case "":
			addError(&errs, i, "pay_type", "pay_type is missing: use \"general\", \"subscription\" or \"simple\"")
		default:
			addError(&errs, i, "pay_type", "unknown pay_type "+quote(s.PayType)+": use \"general\", \"subscription\" or \"simple\"")
		}
		switch s.Type {
		case "", TypePayment, TypeCertification:
		default:
			addError(&errs, i, "type", "unknown type "+quote(s.Type)+": use \"payment\" (the default) or \"certification\"")
		}
		pgErr, midErr := pgProblem(s.PG), midProblem(s.MID)
		if pgErr != "" {
			addError(&errs, i, "pg", pgErr)
		}
		if midErr != "" {
			addError(&errs, i, "mid", midErr)
		}
		if key := s.PG + "." + s.MID; pgErr == "" && midErr == "" {
			if j, dup := seenBefore(seenPGMID, key, i); dup {
				addError(&errs, i, "mid", "duplicate pg+mid "+quote(key)+": setting "+decimal(j)+" has the same; \""+key+"\" could only ever pick the first, so remove one or change its mid")
			}
		}
		if s.ChannelKey != "" {
			if j, dup := seenBefore(seenKey, s.ChannelKey, i); dup {
				addError(&errs, i, "channel_key", "duplicate channel_key "+quote(s.ChannelKey)+": setting "+decimal(j)+" has the same; every channel_key must be unique")
			}
		}
		if pgErr == "" {
			if w, ok := catalogWarning(i, s.PG); ok {
				warns = append(warns, w)
			}
		}
	}
	return errs, warns
}

// seenBefore records that setting i has key, and reports the earlier setting that had it.
func seenBefore(seen map[string]int, key string, i int) (int, bool) {
	if j, dup := seen[key]; dup {
		return j, true
	}
	seen[key] = i
	return 0, false
}

// catalogWarning is setting i's warning about its pg code: not in the catalog, or legacy.
func catalogWarning(i int, code string) (Warning, bool) {
	where := "pg_settings[" + decimal(i) + "]: "
	pg, known := Lookup(code)
	switch {
	case !known:
		msg := where + "PG code " + quote(code) + " is not in the catalog"
		sug := suggest(code, nil, catalogCodes())
		if len(sug) > 0 {
			msg += "; did you mean " + orList(sug) + "?"
		}
		return Warning{Code: WarnPGUnknownCode, Message: msg + " The setting is kept, but the sandbox cannot tell which methods and currencies it offers.",
			Suggestions: suggestPGs(sug)}, true
	case pg.Legacy:
		return Warning{Code: WarnLegacyPGCode, Message: where + legacyMessage(pg)}, true
	}
	return Warning{}, false
}

// pgProblem says what is wrong with a setting's pg, or "": a PG code, non-empty, without '.'
// (which would split pg into code and mid) or whitespace.
func pgProblem(pg string) string {
	switch {
	case pg == "":
		return "pg is empty: give a PG code such as \"html5_inicis\" or \"kakaopay\""
	case strings.IndexByte(pg, '.') >= 0:
		return "pg " + quote(pg) + " contains '.': give the PG code alone and the merchant ID in mid"
	case hasSpace(pg):
		return "pg " + quote(pg) + " contains whitespace: remove it"
	}
	return ""
}

// midProblem says what is wrong with a setting's mid, or "": non-empty, no whitespace ('.' is
// fine: pg splits at the first one).
func midProblem(mid string) string {
	switch {
	case blank(mid):
		return "mid is empty: give the merchant ID the PG issued to you"
	case hasSpace(mid):
		return "mid " + quote(mid) + " contains whitespace: remove it"
	}
	return ""
}

// BuiltInConfig is the built-in merchant of docs/sdk.md §3: one setting per catalog code, mid
// "<code>_sandbox", pay_type from the catalog, html5_inicis the default.
func BuiltInConfig(merchantCode string) Config {
	cfg := Config{MerchantCode: merchantCode, Settings: make([]Setting, 0, len(catalog))}
	for _, pg := range catalog {
		s := Setting{PG: pg.Code, MID: pg.Code + "_sandbox", PayType: pg.PayType, Default: pg.Code == "html5_inicis"}
		if pg.Certification {
			s.Type = TypeCertification
		}
		cfg.Settings = append(cfg.Settings, s)
	}
	return cfg
}

// addError appends ConfigError{index, field, message} to *errs, out of line: an inlined
// append of one is a few hundred bytes of WASM with its write barriers, at ~30 places.
//
//go:noinline
func addError(errs *[]ConfigError, index int, field, message string) {
	*errs = append(*errs, ConfigError{index, field, message})
}
