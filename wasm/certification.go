//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/impshim/impshim/resolver"
)

// certification(params, env) runs IMP.certification's checks and resolution. Failure:
// {"ok":false,"response":…,"trace":…?,"mode":…}. Success: {"ok":true,"id":…,"imp_uid":…,
// "merchant_uid":…,"mode":…,"redirect_url"?,"window":…,"trace":…}.
func (s *state) certification(args []js.Value) []byte {
	text, benv, refusal := paramsAndEnv(args, "certification's params")
	if refusal != nil {
		return refusal
	}
	if s.merchant == nil {
		return errorJSON(resolver.CodeNotInitialized, "[impshim] call IMP.init(\"your merchant code\") (or IMP.sandbox.configure(config)) before IMP.certification")
	}
	failed := func(merchantUID string, err *resolver.Error, tr *resolver.Trace, mode, redirectURL string) []byte {
		resp := resolver.CertificationErrorResponse(merchantUID, err)
		return refused(resp.AppendJSON, tr, mode, redirectURL)
	}
	req, perr := resolver.ParseRequest([]byte(text))
	if perr != nil {
		return failed("", perr, nil, resolver.ModePopup, "")
	}
	mode, redirectURL := req.CertificationWindowMode(benv.UserAgent)
	env := s.envFor(benv)
	c, tr, cerr := s.merchant.CheckCertification(req, env)
	if cerr != nil {
		return failed(req.MerchantUID(), cerr, reached(tr), mode, redirectURL)
	}
	c.Open(env)
	return s.opened(window{cert: c}, c.ImpUID, c.MerchantUID, mode, redirectURL, c.AppendWindowJSON, &tr)
}
