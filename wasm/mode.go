//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/impshim/impshim/resolver"
)

// mode(paramsJSON, envJSON?, kind?) answers {"ok":true,"mode":…,"redirect_url"?} alone, for the answers the
// bridge gives without a request reaching Go (WINDOW_BUSY, NOT_INITIALIZED, MERCHANT_CONFIG,
// params it could not copy): a mobile page still navigates to its m_redirect_url, decided here
// like every other answer. kind "certification" follows CertificationWindowMode (a popup on a PC unless popup: false).
// Params that do not parse answer "iframe".
func (s *state) mode(args []js.Value) []byte {
	text, benv, refusal := paramsAndEnv(args, "params")
	if refusal != nil {
		return refusal
	}
	kind := ""
	if v := arg(args, 2); v.Type() != js.TypeUndefined && v.Type() != js.TypeNull {
		k, e := argString(args, 2, "kind", 64)
		if e != nil {
			return badArg(e)
		}
		kind = k
	}
	mode, redirectURL := resolver.ModeIframe, ""
	if req, perr := resolver.ParseRequest([]byte(text)); perr == nil {
		if kind == "certification" {
			mode, redirectURL = req.CertificationWindowMode(benv.UserAgent)
		} else {
			mode, redirectURL = req.WindowMode(benv.UserAgent, false)
		}
	}
	b := append(make([]byte, 0, 64+len(redirectURL)), `{"ok":true`...)
	b = appendMode(b, mode, redirectURL)
	return append(b, '}')
}
