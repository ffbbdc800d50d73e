package resolver

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// pgCauseReference is pgCause as plain code (its version before it wrote into one buffer and
// took MID_NOT_FOUND's suggestions from NewMerchant): a string concatenation per piece.
func pgCauseReference(m *Merchant, q Query, code, mid string) Warning {
	tl := &m.lists[typeSlot(q.Type)] // of the settings of this type
	codes, cm := tl.codes, tl.mids[code]
	if mids := cm.list; len(mids) > 0 {
		msg := "no " + code + " setting has mid " + quote(mid)
		sug := suggest(mid, mids, nil)
		if len(sug) > 0 {
			msg += ": did you mean " + orList(sug) + "?"
		}
		msg += " (configured mids for " + code + ": " + cm.quoted + "); use one of them, or just \"" + code + "\" for the first"
		// every configured mid of the code, the did-you-mean ones first
		var fixes []string
		for _, s := range sug {
			fixes = append(fixes, code+"."+s)
		}
		for _, s := range mids {
			if !listed(sug, s) {
				fixes = append(fixes, code+"."+s)
			}
		}
		return Warning{Code: WarnMIDNotFound, Message: msg, Suggestions: suggestPGs(fixes)}
	}
	_, inCatalog := catalogIndex[code]
	otherType := listed(m.codes, code) // configured, but only for the other type
	if !inCatalog && !otherType {
		msg := "unknown PG code " + quote(code)
		if sug := suggest(code, m.codes, catalogCodes()); len(sug) > 0 {
			// the whole pg, corrected: a given mid stays
			fixes := make([]string, len(sug))
			for k, s := range sug {
				fixes[k] = s
				if mid != "" {
					fixes[k] = s + "." + mid
				}
			}
			return Warning{Code: WarnPGUnknownCode, Message: msg + ": did you mean " + orList(sug) + "?", Suggestions: suggestPGs(fixes)}
		}
		return Warning{Code: WarnPGUnknownCode, Message: msg + ": use a code from the PG catalog, e.g. \"html5_inicis\" or \"kakaopay\""}
	}
	msg := "no setting has pg " + quote(code)
	if otherType {
		msg += " of type " + orDefaultType(q.Type)
	}
	if sug := suggest(code, codes, nil); len(sug) > 0 {
		msg += " (did you mean " + orList(sug) + "?)"
	}
	msg += "; add " + withArticle(code) + " setting, or use a configured code: " + tl.quotedCodes
	return Warning{Code: WarnPGNotConfigured, Message: msg}
}

// TestPGCauseAgreesWithReference holds pgCause to pgCauseReference: unknown mids (close to a
// configured one or not), unknown codes (typos of configured and catalog codes, with and
// without a mid), codes of the catalog no setting has, codes of the other type only, text that
// needs quoting, under the seed's settings, a 200-setting console and a certification one.
func TestPGCauseAgreesWithReference(t *testing.T) {
	seed, errs, _ := NewMerchant(Config{MerchantCode: "imp10391932", Settings: []Setting{
		{PG: "html5_inicis", MID: "MID-a", PayType: "general", Default: true, Label: "KG INICIS"},
		{PG: "html5_inicis", MID: "MID-b", PayType: "subscription"},
		{PG: "kakaopay", MID: "MID-c", PayType: "simple"},
		{PG: "danal", MID: "CERT-1", PayType: "general", Type: TypeCertification},
		{PG: "inicis_unified", MID: "CERT-2", PayType: "general", Type: TypeCertification}}})
	require.Empty(t, errs)
	merchants := []*Merchant{seed, merchantOf(t, 3), merchantOf(t, 200)}
	codes := []string{"html5_inicis", "html_inicis", "HTML5_INICIS", "kakaopay", "kakopay", "kcp", "kpc", "nice", "danal", "inicis_unified",
		"totally_unknown_pg", "alipay", "payco", "tosspayments", "toss", "a", "\"quoted\"", "tab\there", "카카오페이", "\xff", "uplus", "html5_inicis2"}
	mids := []string{"", "MID-a", "MID-x", "MID-c", "mid-a", "KCP-0", "KCP-199", "KCP-1999", "CERT-3", "\"", "é"}
	for _, m := range merchants {
		for _, typ := range []string{"", TypePayment, TypeCertification} {
			for _, code := range codes {
				for _, mid := range mids {
					q := Query{PG: code, Type: typ}
					if mid != "" {
						q.PG += "." + mid
					}
					require.Equal(t, pgCauseReference(m, q, code, mid), m.pgCause(q, code, mid), "%q type %q (%d settings)", q.PG, typ, len(m.cfg.Settings))
				}
			}
		}
	}
	for i := range 200 {
		mid := "KCP-" + strconv.Itoa(i) + "x"
		q := Query{PG: "kcp." + mid}
		require.Equal(t, pgCauseReference(merchants[2], q, "kcp", mid), merchants[2].pgCause(q, "kcp", mid), "%q", q.PG)
	}
}
