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

// MerchantSetOf is the ledger's view of loaded merchant files: their keys, their PG
// settings, which the REST calls that take a pg resolve among (ConfigSource), and their
// console webhook settings (webhookSettings).
func MerchantSetOf(files merchants.Set) FileMerchants {
	set := FileMerchants{MerchantSet: MerchantSet{}, configs: map[string]resolver.Config{}, webhooks: map[string]merchants.Webhook{}}
	for code, f := range files {
		set.MerchantSet[code] = f.Keys
		if cfg, errs := resolver.ParseConfig(f.Public); len(errs) == 0 {
			set.configs[code] = cfg
		}
		set.webhooks[code] = f.Webhook
	}
	return set
}

// FileMerchants are merchants with their files' settings.
type FileMerchants struct {
	MerchantSet
	configs  map[string]resolver.Config
	webhooks map[string]merchants.Webhook
}

// Webhook is the merchant's console webhook setting, the zero value without one.
func (m FileMerchants) Webhook(code string) merchants.Webhook { return m.webhooks[code] }

// webhookSettings is a Merchants that knows console webhook settings; a plain MerchantSet
// has none, and only notice_url is called.
type webhookSettings interface {
	Webhook(merchantCode string) merchants.Webhook
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

// The public test credentials of the demo merchant: the docs' imp_key "imp_apikey" (V1
// "인증결제 연동하기" and the identity-verification pages of portone-io/developers.portone.io)
// and the npm clients' default "imp_apiKey" (iamport, iamporter), with the docs' secret.
var publicTestKeys = []Keys{
	{ImpKey: "imp_apikey", ImpSecret: "ekKoeW8RyKuT0zgaZsUtXXTLQ4AhPFW3ZGseDA6bkA5lamv9OqDMnxyeB9wqOsuO9W3Mx9YSJ4dTqJ3f"},
	{ImpKey: "imp_apiKey", ImpSecret: "ekKoeW8RyKuT0zgaZsUtXXTLQ4AhPFW3ZGseDA6bkA5lamv9OqDMnxyeB9wqOsuO9W3Mx9YSJ4dTqJ3f"},
}

// SandboxSecret is the imp_secret of a merchant code without a merchant file (the built-in
// sandbox merchant), whose imp_key is the code itself.
const SandboxSecret = "sandbox_secret"

// merchantByKeys finds the merchant with these credentials: a merchant file's keys, the public
// test keys of the demo merchant, or a code without a file with SandboxSecret.
func (a *API) merchantByKeys(key, secret string) (string, bool) {
	if code, ok := merchantByKeys(a.merchants, key, secret); ok {
		return code, true
	}
	for _, k := range publicTestKeys {
		if k.ImpKey != key {
			continue
		}
		_, demo := a.merchants.Keys(DemoMerchant)
		if demo && subtle.ConstantTimeCompare([]byte(k.ImpSecret), []byte(secret)) == 1 {
			return DemoMerchant, true
		}
		return "", false // a public test key is never a merchant code of its own
	}
	if _, known := a.merchants.Keys(key); !known && merchants.ValidCode(key) && secret == SandboxSecret {
		return key, true
	}
	return "", false
}

// merchantByKeys finds the merchant with these credentials among the merchant files.
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
