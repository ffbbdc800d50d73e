package resolver

import (
	"github.com/impshim/impshim/internal/jsonv"
)

// IMP.certification (identity verification), from the V1 SDK pages of
// portone-io/developers.portone.io: src/routes/(root)/sdk/ko/v1-sdk/javascript-sdk/cft.mdx
// (params: channelKey/pg, merchant_uid, min_age, name, phone, carrier, company,
// m_redirect_url, popup — "PC: popup: true 옵션이 강제 적용됨") and cft-rt.mdx (response:
// success, error_code, error_msg, imp_uid, merchant_uid). A real callback also carries
// pg_provider and pg_type "certification" (portone-io/portone_flutter#58).

// Certification is an IMP.certification request that passed its checks: the setting is
// chosen and the verification window may open.
type Certification struct {
	MerchantUID string
	Setting     Setting
	Index       int // the setting's index in pg_settings
	PG          PG  // catalog entry; for a code the catalog lacks, one built from the setting
	MinAge      int // when HasMinAge
	HasMinAge   bool
	Language    string     // "ko" or "en"
	Identities  []Identity // what the window offers
	ImpUID      string     // set by Open
	req         Request
}

// CheckCertification runs IMP.certification's checks in order — params (docs/sdk.md §9: min_age,
// m_redirect_url, copyable values), merchant_uid, then resolution among the settings of type
// "certification" by the rules of docs/sdk.md §4 (none → F1001; strict mode refuses a fallback). The
// Trace is returned whenever resolution was reached.
func (m *Merchant) CheckCertification(req Request, env Env) (*Certification, Trace, *Error) {
	noTrace := Trace{Index: -1}
	if e := req.checkParams(); e != nil {
		return nil, noTrace, e
	}
	minAge, hasMinAge, e := req.minAge()
	if e != nil {
		return nil, noTrace, e
	}
	merchantUID, e := req.merchantUID(env)
	if e != nil {
		return nil, noTrace, e
	}
	q, _ := queryFromParams(&req.params)
	q.Type, q.PayMethod, q.CustomerUID = TypeCertification, "", ""
	tr := m.Resolve(q)
	if e := m.checkStrict(&tr, false, ""); e != nil {
		return nil, tr, e
	}
	pg, known := Lookup(tr.Setting.PG)
	if !known {
		pg = PG{Code: tr.Setting.PG, Name: tr.Setting.PG, NameKO: tr.Setting.PG, PayType: tr.Setting.PayType, Color: "#555555", Certification: true}
	}
	return &Certification{
		MerchantUID: merchantUID,
		Setting:     tr.Setting,
		Index:       tr.Index,
		PG:          pg,
		MinAge:      minAge,
		HasMinAge:   hasMinAge,
		Language:    req.Language(),
		Identities:  m.Identities(),
		req:         req,
	}, tr, nil
}

// minAge reads min_age: absent or null, or a whole number of years from 0 to 150.
func (r *Request) minAge() (int, bool, *Error) {
	switch v := r.params.Get("min_age"); v.Kind {
	case jsonv.Absent, jsonv.Null:
		return 0, false, nil
	case jsonv.Number:
		if v.IsFinite() && v.Num >= 0 && v.Num <= 150 && v.Num == float64(int(v.Num)) {
			return int(v.Num), true, nil
		}
		return 0, false, newError(CodeInvalidParams, "min_age must be a whole number of years from 0 to 150, e.g. 19, got "+v.Str)
	default:
		return 0, false, newError(CodeInvalidParams, "min_age must be a number of years, e.g. min_age: 19, got "+v.Kind.Article())
	}
}

// CertificationWindowMode decides how the verification window opens. The real SDK forces a popup
// on a PC (cft.mdx: "PC: popup: true 옵션이 강제 적용됨") and redirects a mobile browser to
// m_redirect_url; impshim opens a popup on a PC by default too, but keeps the in-page overlay
// for an explicit popup: false (docs/sdk.md §9), so a headless test can choose either. On a
// mobile browser it is the payment window's rule: redirect with an http(s) m_redirect_url, else
// a popup only for popup: true, else the overlay.
func (r *Request) CertificationWindowMode(userAgent string) (mode, redirectURL string) {
	return r.WindowMode(userAgent, !MobileUserAgent(userAgent))
}

// Open assigns the imp_uid the real service would create when the window opens.
func (c *Certification) Open(env Env) { c.ImpUID = NewIMPUID(env.Rand) }

// AppendWindowJSON appends what the mock verification window shows:
// {"kind":"certification","pg","name","name_ko","mid","label","color","imp_uid","merchant_uid",
// "identities":[…],"min_age":n|null,"language","company","prefill":{"name","phone","carrier"}}.
func (c *Certification) AppendWindowJSON(b []byte) []byte {
	w := jsonv.Writer{B: append(b, '{')}
	w.Str("kind", TypeCertification)
	w.Str("pg", c.PG.Code)
	w.Str("name", c.PG.Name)
	w.Str("name_ko", c.PG.NameKO)
	w.Str("mid", c.Setting.MID)
	w.Str("label", c.Setting.Label)
	w.Str("color", c.PG.Color)
	w.StrOrNull("imp_uid", c.ImpUID)
	w.Str("merchant_uid", c.MerchantUID)
	w.Key("identities")
	w.B = jsonv.AppendArray(w.B, c.Identities, func(b []byte, id Identity) []byte { return id.AppendJSON(b) })
	if c.HasMinAge {
		w.Int("min_age", int64(c.MinAge))
	} else {
		w.Raw("min_age", "null")
	}
	w.Str("language", c.Language)
	w.Str("company", c.req.str("company"))
	w.Key("prefill")
	w.B = append(w.B, '{')
	for _, f := range [...]string{"name", "phone", "carrier"} {
		w.Str(f, c.req.str(f))
	}
	return append(w.B, "}}"...)
}

// CertificationResponse is what IMP.certification's callback receives (cft-rt.mdx), and, on
// success, the identity that was verified (for the server's GET /certifications; not part of
// the callback's object).
type CertificationResponse struct {
	Success     bool
	ImpUID      string // "" is written as null
	MerchantUID string // "" is written as null
	PGProvider  string // "" is written as null
	ErrorCode   string // "" is written as null
	ErrorMsg    string
	Identity    *Identity // success only
}

// Respond turns the window's outcome into the response. "paid" means verified, as the person
// identity (an index into Identities; out of range is an error) — unless they are younger than
// min_age on the Seoul date of env's clock: the real window then shows 인증실패, and closing
// it answers exactly as a cancel does (portone-io/portone_flutter#119, the maintainer: "일반적인
// 결제/인증 도중 취소 케이스와 동일한 응답"; V1 certification errors have no code system of their
// own, iamport/iamport-manual#54), so the answer is USER_CANCEL with the reason in error_msg.
func (c *Certification) Respond(o Outcome, env Env) (CertificationResponse, *Error) {
	if c.ImpUID == "" {
		c.Open(env)
	}
	r := CertificationResponse{ImpUID: c.ImpUID, MerchantUID: c.MerchantUID, PGProvider: c.Setting.PG}
	switch o.Result {
	case ResultPaid:
	case ResultFailed:
		r.ErrorCode, r.ErrorMsg = or(o.ErrorCode, CodePGFailed), or(o.ErrorMsg, "identity verification failed (sandbox: Fail was chosen)")
		return r, nil
	case ResultCancelled:
		r.ErrorCode, r.ErrorMsg = or(o.ErrorCode, CodeUserCancel), or(o.ErrorMsg, "the user cancelled identity verification")
		return r, nil
	default:
		return r, newError(CodeInternal, "impshim bug: unknown window outcome "+quote(o.Result)+"; please report it")
	}
	if o.Identity < 0 || o.Identity >= len(c.Identities) {
		return r, newError(CodeInternal, "impshim bug: identity "+decimal(o.Identity)+" is not one of the "+decimal(len(c.Identities))+" identities the window offered")
	}
	id := c.Identities[o.Identity]
	if age, ok := id.AgeAt(env.now()); c.HasMinAge && ok && age < c.MinAge {
		r.ErrorCode = CodeUserCancel
		r.ErrorMsg = "본인인증 실패: " + id.Name + " is " + decimal(age) + ", younger than min_age " + decimal(c.MinAge) +
			" (the real service shows 인증실패 in its window and then answers as if the user had cancelled; read the birthday from GET /certifications/{imp_uid} to tell)"
		return r, nil
	}
	r.Success = true
	r.Identity = &id
	return r, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// CertificationErrorResponse is the answer to a certification that failed before its window
// opened: imp_uid null.
func CertificationErrorResponse(merchantUID string, err *Error) CertificationResponse {
	if err == nil {
		err = newError(CodeInternal, "impshim bug: an error response without an error; please report it")
	}
	return CertificationResponse{MerchantUID: merchantUID, ErrorCode: err.Code, ErrorMsg: err.Message}
}

// AppendJSON appends the callback's object: {"success","imp_uid","merchant_uid","pg_provider",
// "pg_type":"certification","error_code","error_msg"} (error_code and error_msg null on success).
func (r *CertificationResponse) AppendJSON(b []byte) []byte {
	w := jsonv.Writer{B: append(b, '{')}
	w.Bool("success", r.Success)
	w.StrOrNull("imp_uid", r.ImpUID)
	w.StrOrNull("merchant_uid", r.MerchantUID)
	w.StrOrNull("pg_provider", r.PGProvider)
	w.Str("pg_type", TypeCertification)
	w.StrOrNull("error_code", r.ErrorCode)
	w.StrOrNull("error_msg", r.ErrorMsg)
	return append(w.B, '}')
}
