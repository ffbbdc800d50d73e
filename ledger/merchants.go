package ledger

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"sort"
)

// Keys are a merchant's REST API credentials (the console's "My ID & API keys").
type Keys struct {
	ImpKey    string
	ImpSecret string
}

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
// DemoKeys its credentials.
const DemoMerchant = "imp10391932"

var DemoKeys = Keys{ImpKey: "imp_apikey", ImpSecret: "sandbox_secret"}

// MerchantSet is a fixed set of merchants by code.
type MerchantSet map[string]Keys

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

// MerchantSetFromConfigs builds the set from merchant configuration files by code (what web
// serves as merchants/<code>.json), reading their "imp_key" and "imp_secret". The demo merchant
// is always in the set, with DemoKeys unless its file names other keys. Two merchants sharing
// an imp_key, or a file with only one of the two fields, is an error.
func MerchantSetFromConfigs(files map[string][]byte) (MerchantSet, error) {
	set := MerchantSet{DemoMerchant: DemoKeys}
	var bad []error
	for code, data := range files {
		var f struct {
			ImpKey    *string `json:"imp_key"`
			ImpSecret *string `json:"imp_secret"`
		}
		if err := json.Unmarshal(data, &f); err != nil {
			bad = append(bad, errors.New(code+".json: "+err.Error()))
			continue
		}
		var k Keys
		if f.ImpKey != nil {
			k.ImpKey = *f.ImpKey
		}
		if f.ImpSecret != nil {
			k.ImpSecret = *f.ImpSecret
		}
		if (k.ImpKey == "") != (k.ImpSecret == "") {
			bad = append(bad, errors.New(code+".json: give both imp_key and imp_secret, or neither"))
			continue
		}
		if k.ImpKey == "" && code == DemoMerchant {
			k = DemoKeys
		}
		set[code] = k
	}
	owner := map[string]string{}
	for _, code := range set.Codes() {
		k := set[code]
		if k.ImpKey == "" {
			continue
		}
		if other, dup := owner[k.ImpKey]; dup {
			bad = append(bad, errors.New(code+".json: imp_key "+k.ImpKey+" is also "+other+"'s; each merchant needs its own"))
		}
		owner[k.ImpKey] = code
	}
	if len(bad) > 0 {
		return nil, errors.Join(bad...)
	}
	return set, nil
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

// WithoutKeys returns the merchant files with "imp_key" and "imp_secret" removed: web serves
// merchants/<code>.json to every browser, and a REST secret must never reach one. Files that
// hold no keys (or are not JSON objects) are returned unchanged.
func WithoutKeys(files map[string][]byte) map[string][]byte {
	out := make(map[string][]byte, len(files))
	for code, data := range files {
		out[code] = data
		var m map[string]json.RawMessage
		if json.Unmarshal(data, &m) != nil || m == nil {
			continue
		}
		_, hasKey := m["imp_key"]
		_, hasSecret := m["imp_secret"]
		if !hasKey && !hasSecret {
			continue
		}
		delete(m, "imp_key")
		delete(m, "imp_secret")
		if b, err := json.MarshalIndent(m, "", "  "); err == nil {
			out[code] = b
		}
	}
	return out
}
