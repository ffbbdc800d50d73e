//go:build js && wasm

package main

import (
	"strconv"
	"syscall/js"

	"github.com/impshim/impshim/internal/jsonv"
	"github.com/impshim/impshim/resolver"
)

// certification(params, env) runs IMP.certification's checks and resolution. Failure:
// {"ok":false,"response":…,"trace":…?,"mode":…}. Success: {"ok":true,"id":…,"imp_uid":…,
// "merchant_uid":…,"mode":…,"redirect_url"?,"window":…,"trace":…}.
func (s *state) certification(args []js.Value) []byte {
	text, e := argString(args, 0, "certification's params", maxText)
	if e != nil {
		return badArg(e)
	}
	benv, berr := browserEnv(args, 1)
	if berr != nil {
		return errorJSON(berr.Code, "[impshim] "+berr.Message)
	}
	if s.merchant == nil {
		return errorJSON(resolver.CodeNotInitialized, "[impshim] call IMP.init(\"your merchant code\") (or IMP.sandbox.configure(config)) before IMP.certification")
	}
	failed := func(merchantUID string, err *resolver.Error, tr *resolver.Trace, mode, redirectURL string) []byte {
		resp := resolver.CertificationErrorResponse(merchantUID, err)
		b := append(make([]byte, 0, 512), `{"ok":false,"response":`...)
		b = resp.AppendJSON(b)
		if tr != nil {
			b = append(b, `,"trace":`...)
			b = tr.AppendJSON(b)
		}
		b = appendMode(b, mode, redirectURL)
		return append(b, '}')
	}
	req, perr := resolver.ParseRequest([]byte(text))
	if perr != nil {
		return failed("", perr, nil, resolver.ModePopup, "")
	}
	mode, redirectURL := req.CertificationWindowMode(benv.UserAgent)
	env := s.env
	if benv.HasNow {
		now := benv.NowMS
		env.Now = func() int64 { return now }
	}
	c, tr, cerr := s.merchant.CheckCertification(req, env)
	if cerr != nil {
		var trp *resolver.Trace
		if tr.Rule != "" || tr.Err != nil {
			trp = &tr
		}
		return failed(req.MerchantUID(), cerr, trp, mode, redirectURL)
	}
	c.Open(env)
	s.nextID++
	id := s.nextID
	s.pending[id] = window{cert: c}
	b := append(make([]byte, 0, 1024), `{"ok":true,"id":`...)
	b = strconv.AppendInt(b, int64(id), 10)
	b = append(b, `,"imp_uid":`...)
	b = jsonv.AppendString(b, c.ImpUID)
	b = append(b, `,"merchant_uid":`...)
	b = jsonv.AppendString(b, c.MerchantUID)
	b = appendMode(b, mode, redirectURL)
	b = append(b, `,"window":`...)
	b = c.AppendWindowJSON(b)
	b = append(b, `,"trace":`...)
	b = tr.AppendJSON(b)
	return append(b, '}')
}
