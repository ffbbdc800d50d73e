package ledger

import (
	"errors"
	"net/http"
	"strings"

	"github.com/impshim/impshim/resolver"
)

// certifiedBody is what the bridge posts after a verified certification (C2.4).
type certifiedBody struct {
	MerchantCode string    `json:"merchant_code"`
	ImpUID       string    `json:"imp_uid"`
	MerchantUID  string    `json:"merchant_uid"`
	PGProvider   string    `json:"pg_provider"`
	PGTID        string    `json:"pg_tid"`
	Origin       string    `json:"origin"`
	Identity     *Identity `json:"identity"`
}

// recordCertification answers POST {sdk}/sandbox/certifications: the window verified a person,
// and the merchant's server will read them from GET /certifications/{imp_uid}.
func (a *API) recordCertification(r *http.Request) (any, error) {
	var body certifiedBody
	if err := decodeBridge(r, &body); err != nil {
		return nil, err
	}
	if err := a.merchantOf(body.MerchantCode); err != nil {
		return nil, err
	}
	if body.Identity == nil {
		return nil, invalid("identity", "identity must be an object {name, phone, carrier, birthday, gender, foreigner}: the person the window verified")
	}
	// origin is the page the verification ran on (the real field): the bridge's, else the
	// browser's own word for where the request came from.
	origin := body.Origin
	if origin == "" {
		origin = r.Referer()
	}
	if origin == "" {
		origin = r.Header.Get("Origin")
	}
	now, err := a.clockOf(r.Context(), body.MerchantCode)
	if err != nil {
		return nil, err
	}
	c, err := a.store.RecordCertification(r.Context(), body.MerchantCode, Verified{
		ImpUID: body.ImpUID, MerchantUID: body.MerchantUID, PGProvider: body.PGProvider, PGTID: body.PGTID,
		Origin: origin, Identity: *body.Identity}, now)
	if err != nil {
		return nil, err
	}
	return struct {
		Certification Certification `json:"certification"`
	}{c}, nil
}

func (a *API) getCertification(r *http.Request, code string) (any, error) {
	return a.store.Certification(r.Context(), code, r.PathValue("imp_uid"))
}

func (a *API) deleteCertification(r *http.Request, code string) (any, error) {
	return a.store.DeleteCertification(r.Context(), code, r.PathValue("imp_uid"))
}

// requestOTP answers POST /certifications/otp/request: the person is checked, a pending
// verification recorded, and SandboxOTP "sent"; the PG is the certification setting that pg or
// channel_key picks, by the browser's rules.
func (a *API) requestOTP(r *http.Request, code string) (any, error) {
	f, err := readFields(r)
	if err != nil {
		return nil, err
	}
	var req OTPRequest
	var errs []error
	for _, p := range []struct {
		name string
		dst  *string
	}{{"name", &req.Name}, {"phone", &req.Phone}, {"birth", &req.Birth}, {"gender_digit", &req.GenderDigit},
		{"carrier", &req.Carrier}, {"merchant_uid", &req.MerchantUID}} {
		s, err := textField(f, p.name)
		errs = append(errs, err)
		*p.dst = s
	}
	pg, err1 := textField(f, "pg")
	channelKey, err2 := textField(f, "channel_key")
	mvno, err3 := boolField(f, "is_mvno")
	req.MVNO = mvno
	errs = append(errs, err1, err2, err3)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	m, err := a.rules(code)
	if err != nil {
		return nil, err
	}
	t := m.Resolve(resolver.Query{PG: pg, ChannelKey: channelKey, Type: "certification"})
	if t.Err != nil {
		return nil, refused(-1, "본인인증 PG설정을 찾을 수 없습니다.", t.Err.Message+
			` (add {"pg": "danal", "mid": "…", "type": "certification"} to the merchant file's pg_settings)`, ErrInvalid)
	}
	req.PGProvider = t.Setting.PG
	now, err := a.clockOf(r.Context(), code)
	if err != nil {
		return nil, err
	}
	uid, err := a.store.RequestOTP(r.Context(), code, req, now)
	if err != nil {
		return nil, err
	}
	a.log.Info("ledger: sandbox OTP sent", "merchant", code, "imp_uid", uid, "otp", SandboxOTP, "pg", t.Setting.PG+"."+t.Setting.MID)
	return withTrace(struct {
		ImpUID string `json:"imp_uid"`
	}{uid}, t), nil
}

func (a *API) confirmOTP(r *http.Request, code string) (any, error) {
	f, err := readFields(r)
	if err != nil {
		return nil, err
	}
	otp, err := textField(f, "otp")
	if err != nil {
		return nil, err
	}
	now, err := a.clockOf(r.Context(), code)
	if err != nil {
		return nil, err
	}
	return a.store.ConfirmOTP(r.Context(), code, r.PathValue("imp_uid"), strings.TrimSpace(otp), now)
}
