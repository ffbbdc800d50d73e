package ledger

import (
	"crypto/subtle"
	"sort"

	"github.com/impshim/impshim/resolver"
	"github.com/impshim/impshim/web/merchants"
)

// Keys are a merchant's REST API credentials, as its merchant file gives them.
type Keys = merchants.Keys

// Merchants is the set of merchants the sandbox serves.
type Merchants interface {
	// Keys looks a merchant up by code. A known merchant with empty Keys can record payments
	// from the browser but cannot get a REST token.
	Keys(merchantCode string) (Keys, bool)
	// Codes lists every known merchant code: POST /users/getToken names no merchant, only
	// imp_key, so the API searches them.
	Codes() []string
}

// DemoMerchant is the merchant every fresh `make run` knows (the seed's example), and
// DemoKeys its credentials: both from the embedded merchant file.
const DemoMerchant = merchants.SeedCode

var DemoKeys = merchants.Seed().Keys

// MerchantSet is a fixed set of merchants by code.
type MerchantSet map[string]Keys

// MerchantSetOf is the ledger's view of loaded merchant files: their keys, and their PG
// settings, which the REST calls that take a pg resolve among (ConfigSource).
func MerchantSetOf(files merchants.Set) FileMerchants {
	set := FileMerchants{MerchantSet: MerchantSet{}, configs: map[string]resolver.Config{}}
	for code, f := range files {
		set.MerchantSet[code] = f.Keys
		if cfg, errs := resolver.ParseConfig(f.Public); len(errs) == 0 {
			set.configs[code] = cfg
		}
	}
	return set
}

// FileMerchants are merchants with their files' settings.
type FileMerchants struct {
	MerchantSet
	configs map[string]resolver.Config
}

// Config is the merchant's PG settings, from its file.
func (m FileMerchants) Config(code string) (resolver.Config, bool) {
	c, ok := m.configs[code]
	return c, ok
}

func (m MerchantSet) Keys(code string) (Keys, bool) {
	k, ok := m[code]
	return k, ok
}

func (m MerchantSet) Codes() []string {
	codes := make([]string, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	return codes
}

// merchantByKeys finds the merchant with these credentials.
func merchantByKeys(m Merchants, key, secret string) (string, bool) {
	for _, code := range m.Codes() {
		k, ok := m.Keys(code)
		if !ok || k.ImpKey == "" || k.ImpKey != key {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(k.ImpSecret), []byte(secret)) == 1 {
			return code, true
		}
	}
	return "", false
}
