//go:build js && wasm

// The wire protocol between js/imp.js and this module (also what `make bench` drives).
//
// main publishes one object, globalThis.__impshim, and nothing else. Its functions take strings
// and numbers only and answer JSON text; a failure of any kind answers
// {"error":{"code":"…","message":"…"}} (a Go panic becomes code INTERNAL, never a dead page).
//
//	version                     string property, "0.1.0"
//	configure(configJSON)       {"ok":true,"warnings":[…],"config":{…},"console_order":[i,…]} |
//	                            {"ok":false,"errors":[{index,field,message}]}
//	                            success replaces the merchant; failure keeps the previous one.
//	                            console_order: setting indices as the admin console lists them and
//	                            resolution walks them (the default first, then list order)
//	sandbox(merchantCode)       the built-in sandbox merchant (docs/sdk.md §3); answers like configure
//	request(paramsJSON, envJSON?)  checks 2–7 of docs/sdk.md §5; envJSON is
//	                            {"user_agent": navigator.userAgent, "now_ms": Date.now()} (both
//	                            optional; no env = a desktop page, Go reads the clock itself):
//	                            {"ok":false,"response":{…},"trace":{…}?,"mode":…,"redirect_url"?}
//	                            (trace once resolution ran)
//	                            {"ok":true,"id":n,"imp_uid":"imp_…","merchant_uid":"…","mode":…,
//	                            "redirect_url"?,"window":{…},"trace":{…}}
//	                            mode is "redirect" (with redirect_url = m_redirect_url) when
//	                            m_redirect_url is an http(s) URL and user_agent matches
//	                            /Mobi|Android|iPhone|iPad/; else "popup" when params.popup === true;
//	                            else "iframe". The bridge resolves a relative m_redirect_url
//	                            against document.baseURI first; Go refuses a non-http(s) one.
//	mode(paramsJSON, envJSON?, kind?)  {"ok":true,"mode":…,"redirect_url"?}: the mode rule above
//	                            alone, for answers the bridge gives without a request (WINDOW_BUSY,
//	                            NOT_INITIALIZED, MERCHANT_CONFIG, uncopyable params); kind
//	                            "certification" follows certification's rule below
//	certification(paramsJSON, envJSON?)  IMP.certification (docs/sdk.md §9): checks params (min_age a
//	                            whole number of years or absent, merchant_uid, m_redirect_url),
//	                            resolves among the settings of type "certification" by the §4 rules
//	                            (none → F1001), answers like request:
//	                            {"ok":true,"id":n,"imp_uid":"imp_…","merchant_uid":"…","mode":…,
//	                            "redirect_url"?,"window":{"kind":"certification","pg","name","name_ko",
//	                            "mid","label","color","imp_uid","merchant_uid","identities":[{name,phone,
//	                            carrier,birthday,gender,foreigner}],"min_age":n|null,"language","company",
//	                            "prefill":{name,phone,carrier}},"trace":{…}} |
//	                            {"ok":false,"response":{…},"trace":{…}?,"mode":…}
//	                            mode: "redirect" on a mobile user agent with an http(s) m_redirect_url;
//	                            else "popup" on a PC whatever params.popup says (the real SDK forces it:
//	                            developers.portone.io v1-sdk/javascript-sdk/cft.mdx) or with popup: true;
//	                            else (mobile, no redirect URL) "iframe"
//	complete(id, outcomeJSON)   outcome {"result":"paid"|"failed"|"cancelled","error_code","error_msg",
//	                            "identity"?,"card_quota"?} → {"response":{…}}; a paid payment marks
//	                            merchant_uid paid. card_quota (months, 0 = 일시불) must be one the
//	                            window offered (window.card_quota; [] below 50,000 KRW or not a card):
//	                            else an error answer, and the window stays open. The payment window
//	                            also gets "vbank_due" (unix seconds from params.vbank_due, or null)
//	                            and "card_direct" ({code, quota} from params.card.direct, or null: the
//	                            months are then fixed, card_quota in the outcome may only repeat them).
//	                            With "response": "minimal" in the config, every request and complete
//	                            response is {"imp_uid","merchant_uid","error_code","error_msg"} (as the
//	                            real SDK answers for newer PGs), and complete adds "record": the whole
//	                            response, which is what the bridge posts to the server's ledger
//	                            For a certification "paid" means verified as identities[identity]
//	                            (default 0): {"response":{"success","imp_uid","merchant_uid","pg_provider",
//	                            "pg_type":"certification","error_code","error_msg"},"identity":{…}?}
//	                            (identity on success only, for the server's record; not the callback's).
//	                            Younger than min_age (Asia/Seoul date of Date.now()) → success false,
//	                            error_code "USER_CANCEL": the real window shows 인증실패 and then answers
//	                            exactly as a cancel (portone-io/portone_flutter#119). An identity index
//	                            out of range is an error answer and the window stays open
//	abandon(id)                 forget an opened request or certification without a response
//	reset()                     forget paid merchant_uids
//	catalog()                   {"catalog":[{code,name,name_ko,legacy,simple_pay,pay_type,methods,currencies,
//	                            default_currency,color,certification}]}
//	config()                    {"config":{…}|null} (with "identities" when the config named any)
//	resolve(queryJSON)          {"trace":{…}}; the slow twin of the export below
//	rules()                     {"version","outcome_results":["paid","failed","cancelled"],
//	                            "payment_statuses":["ready","paid","cancelled","failed"],
//	                            "window_modes":["iframe","popup","redirect"],"carriers":["SKT","KTF","LGT","MVNO"],
//	                            "max_merchant_uid_len":40}
//	                            the constants JS checks its own API with (setOutcome's result, …)
//
// Every warning object (configure's warnings, a trace's warnings) is {"code","message"} and may
// carry "suggestions":[{"pg","label"}]: pg is the whole corrected params.pg value, ready to use
// (PG_UNKNOWN_CODE: the did-you-mean code, a given mid kept — html_inicis.MID-b → html5_inicis.MID-b;
// MID_NOT_FOUND: code.MID for each configured MID of the code, the did-you-mean ones first). The
// message is for people; nothing should parse it.
//
// The hot path, IMP.sandbox.resolve, uses //go:wasmexport functions on the instance's exports
// (numbers only, no scheduler round trip):
//
//	ptr = impshim_input(maxBytes)   address of a Go-owned buffer of at least maxBytes (0: too big)
//	      TextEncoder.encodeInto(queryJSON, new Uint8Array(mem.buffer, ptr, maxBytes)) → written
//	len = impshim_resolve(written)  resolves; the answer ({"trace":…} or {"error":…}) is len bytes
//	len = impshim_resolve_pg(written)  the same for a pg string written as itself (encodeInto(pg)),
//	                            not as its JSON text: answers what impshim_resolve does for JSON.stringify(pg)
//	out = impshim_output()          at this address: new Uint8Array(mem.buffer, out, len)
//
// Re-read exports.mem.buffer after every call: memory may grow and replace it. The answer bytes are
// valid until the next call. imp.js keeps the traces it has parsed per (merchant config, query) and
// asks Go only for a query it has not answered since the last configure.
package main
