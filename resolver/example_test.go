package resolver_test

import (
	"os"

	"github.com/impshim/impshim/resolver"
)

// The seed's typo "html_inicis" is an unknown code: the real service silently opens the default
// setting (R3); the trace says so and suggests the fix.
func ExampleMerchant_Resolve() {
	cfg, _ := resolver.ParseConfig([]byte(`{"merchant_code": "imp10391932", "pg_settings": [
		{"pg": "html5_inicis", "mid": "MID-a", "pay_type": "general", "default": true, "label": "KG INICIS"},
		{"pg": "html5_inicis", "mid": "MID-b", "pay_type": "subscription"},
		{"pg": "kakaopay", "mid": "MID-c", "pay_type": "simple"}]}`))
	m, _, _ := resolver.NewMerchant(cfg)
	q, _ := resolver.ParseQuery([]byte(`"html_inicis"`))
	tr := m.Resolve(q)
	os.Stdout.Write(append(tr.AppendJSON(nil), '\n'))
	// Output:
	// {"input":"html_inicis","code":"html_inicis","mid":"","rule":"R3","fallback":true,"setting":{"index":0,"pg":"html5_inicis","mid":"MID-a","pay_type":"general","default":true,"label":"KG INICIS"},"considered":[{"index":0,"why_not":"pg is html5_inicis, not html_inicis"},{"index":1,"why_not":"pg is html5_inicis, not html_inicis"},{"index":2,"why_not":"pg is kakaopay, not html_inicis"}],"warnings":[{"code":"PG_UNKNOWN_CODE","message":"unknown PG code \"html_inicis\": did you mean \"html5_inicis\"?","suggestions":[{"pg":"html5_inicis","label":"Use html5_inicis"}]},{"code":"FELL_BACK_TO_DEFAULT","message":"no setting matched, so the default setting #0 (html5_inicis.MID-a) was used (the real service does the same to avoid lost sales); fix pg so it names a configured setting"}]}
}
