//go:build js && wasm

// The wire protocol between js/imp.js and this module (also what `make bench` drives).
//
// main publishes one object, globalThis.__impshim, and nothing else. Its functions take strings
// and numbers only and answer JSON text; a failure of any kind answers
// {"error":{"code":"…","message":"…"}} (a Go panic becomes code INTERNAL, never a dead page).
//
//	version                     string property, "0.1.0"
//	configure(configJSON)       {"ok":true,"warnings":[…],"config":{…}} | {"ok":false,"errors":[{index,field,message}]}
//	                            success replaces the merchant; failure keeps the previous one
//	sandbox(merchantCode)       the built-in sandbox merchant (SPEC §3); answers like configure
//	request(paramsJSON)         checks 2–7 of SPEC §5:
//	                            {"ok":false,"response":{…},"trace":{…}?} (trace once resolution ran)
//	                            {"ok":true,"id":n,"imp_uid":"imps_…","merchant_uid":"…","window":{…},"trace":{…}}
//	complete(id, outcomeJSON)   outcome {"result":"paid"|"failed"|"cancelled","error_code","error_msg"}
//	                            → {"response":{…}}; a paid response marks merchant_uid paid
//	abandon(id)                 forget an opened request without a response (popup blocked)
//	reset()                     forget paid merchant_uids
//	catalog()                   {"catalog":[{code,name,name_ko,legacy,simple_pay,pay_type,methods,currencies,color}]}
//	config()                    {"config":{…}|null}
//	resolve(queryJSON)          {"trace":{…}}; the slow twin of the export below
//
// The hot path, IMP.sandbox.resolve, uses //go:wasmexport functions on the instance's exports
// (numbers only, no scheduler round trip):
//
//	ptr = impshim_input(maxBytes)   address of a Go-owned buffer of at least maxBytes (0: too big)
//	      TextEncoder.encodeInto(queryJSON, new Uint8Array(mem.buffer, ptr, maxBytes)) → written
//	len = impshim_resolve(written)  resolves; the answer ({"trace":…} or {"error":…}) is len bytes
//	out = impshim_output()          at this address: new Uint8Array(mem.buffer, out, len)
//
// Re-read exports.mem.buffer after every call: memory may grow and replace it. The answer bytes are
// read-only (they may be a remembered answer: a query seen before under the same merchant is
// answered from a memo, memo.go) and valid until the next call.
package main
