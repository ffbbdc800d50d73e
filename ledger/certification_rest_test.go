package ledger

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func identityJSON(name, birthday string) map[string]any {
	return map[string]any{"name": name, "phone": "010-1234-5678", "carrier": "SKT", "birthday": birthday, "gender": "male", "foreigner": false}
}

// TestCertificationOverREST is issue 14's server half: the bridge stores what the window
// verified, the merchant's server reads the person by imp_uid, deletes it; the OTP flow.
func TestCertificationOverREST(t *testing.T) {
	s := newSubServer(t)
	bridge := func(body map[string]any) answer {
		t.Helper()
		tok := s.token
		s.token = ""
		defer func() { s.token = tok }()
		return s.call("POST", "/sdk/sandbox/certifications", body)
	}
	rec := func(uid, code string, id map[string]any) map[string]any {
		return map[string]any{"merchant_code": code, "imp_uid": uid, "merchant_uid": "signup_" + uid, "pg_provider": "inicis_unified", "identity": id}
	}
	b := bridge(rec("imps_200000000001", DemoMerchant, identityJSON("홍길동", "1990-01-01")))
	require.Equal(t, 200, b.status, b.raw)

	c := s.ok("GET", "/certifications/imps_200000000001", nil)
	for _, field := range []string{"name", "gender", "birthday", "foreigner", "phone", "carrier", "certified", "certified_at",
		"unique_key", "unique_in_site", "origin", "pg_tid", "pg_provider", "imp_uid", "merchant_uid"} {
		assert.Contains(t, c.response, field)
	}
	assert.Equal(t, "홍길동", c.response["name"])
	assert.Equal(t, "01012345678", c.response["phone"])
	assert.Equal(t, "1990-01-01", c.response["birthday"])
	assert.Equal(t, true, c.response["certified"])
	assert.Equal(t, float64(t0), c.response["certified_at"])
	assert.Equal(t, "inicis_unified", c.response["pg_provider"])
	ci, di := c.response["unique_key"], c.response["unique_in_site"]

	// The same person: same CI everywhere, DI per merchant — "one account per person".
	bridge(rec("imps_200000000002", DemoMerchant, identityJSON("홍길동", "1990-01-01")))
	again := s.ok("GET", "/certifications/imps_200000000002", nil)
	assert.Equal(t, ci, again.response["unique_key"])
	assert.Equal(t, di, again.response["unique_in_site"])
	require.Equal(t, 200, bridge(rec("imps_200000000003", "imp_other", identityJSON("홍길동", "1990-01-01"))).status)
	s.token = s.tokenFor(Keys{ImpKey: "other_key", ImpSecret: "other_secret"})
	elsewhere := s.ok("GET", "/certifications/imps_200000000003", nil)
	assert.Equal(t, ci, elsewhere.response["unique_key"])
	assert.NotEqual(t, di, elsewhere.response["unique_in_site"])
	s.refusedWith(s.call("GET", "/certifications/imps_200000000001", nil), 404, -1, "인증결과가 존재하지 않습니다.")
	s.token = s.tokenFor(DemoKeys)

	// Bad input from the bridge: clear errors, nothing recorded.
	for _, bad := range []map[string]any{
		rec("imps_200000000009", DemoMerchant, map[string]any{"name": "x", "phone": "010", "carrier": "SKT", "birthday": "1990-01-01", "gender": "male"}),
		rec("imps_200000000009", DemoMerchant, map[string]any{"name": "x", "phone": "01012345678", "carrier": "SKT", "birthday": 19900101, "gender": "male"}),
		{"merchant_code": DemoMerchant, "imp_uid": "imps_200000000009", "pg_provider": "danal"},
		rec("imps_200000000009", "imp nobody/..", identityJSON("a", "1990-01-01")),
		rec("not_an_imp_uid", DemoMerchant, identityJSON("a", "1990-01-01")),
	} {
		a := bridge(bad)
		assert.NotEqual(t, 200, a.status, "%v: %s", bad, a.raw)
	}
	s.refusedWith(s.call("GET", "/certifications/imps_200000000009", nil), 404, -1, "인증결과가 존재하지 않습니다.")

	del := s.ok("DELETE", "/certifications/imps_200000000001", nil)
	assert.Equal(t, "홍길동", del.response["name"])
	s.refusedWith(s.call("GET", "/certifications/imps_200000000001", nil), 404, -1, "인증결과가 존재하지 않습니다.")
	s.refusedWith(s.call("DELETE", "/certifications/imps_200000000001", nil), 404, -1, "인증결과가 존재하지 않습니다.")

	// OTP: the seed merchant has no certification setting, so it is refused as the real API would.
	otp := map[string]any{"name": "홍길동", "phone": "010-1234-5678", "birth": "900101", "gender_digit": "1", "carrier": "SKT"}
	s.refusedWith(s.call("POST", "/certifications/otp/request", otp), 400, -1, "본인인증 PG설정을 찾을 수 없습니다.")
	s.token = s.tokenFor(Keys{ImpKey: "cert_key", ImpSecret: "cert_secret"})
	o := s.ok("POST", "/certifications/otp/request", otp)
	uid := o.response["imp_uid"].(string)
	assert.Contains(t, o.header.Get("X-Impshim-Trace"), "pg=danal.CPID-1", "the certification default")
	pending := s.ok("GET", "/certifications/"+uid, nil)
	assert.Equal(t, false, pending.response["certified"])
	s.refusedWith(s.call("POST", "/certifications/otp/confirm/"+uid, map[string]any{"otp": "111111"}), 400, -1, "인증번호가 일치하지 않습니다.")
	s.refusedWith(s.call("POST", "/certifications/otp/confirm/"+uid, map[string]any{}), 400, -1, "인증번호(otp)는 필수입력입니다.")
	s.refusedWith(s.call("POST", "/certifications/otp/confirm/imps_999999999999", map[string]any{"otp": SandboxOTP}), 404, -1, "인증결과가 존재하지 않습니다.")
	done := s.ok("POST", "/certifications/otp/confirm/"+uid, "otp="+SandboxOTP)
	assert.Equal(t, true, done.response["certified"])
	assert.Equal(t, "male", done.response["gender"])
	assert.Equal(t, ci, done.response["unique_key"], "the person verified by OTP is the person verified in the window")
	s.refusedWith(s.call("POST", "/certifications/otp/confirm/"+uid, map[string]any{"otp": SandboxOTP}), 400, -1, "이미 인증이 완료된 건입니다.")
	o = s.ok("POST", "/certifications/otp/request", map[string]any{"name": "김", "phone": "01000000000", "birth": "050505",
		"gender_digit": "4", "carrier": "KT", "pg": "inicis_unified"})
	assert.Contains(t, o.header.Get("X-Impshim-Trace"), "pg=inicis_unified.CERT-2")
	s.refusedWith(s.call("POST", "/certifications/otp/request", map[string]any{"name": "김"}), 400, -1,
		"본인인증 대상자 정보가 올바르지 않습니다. (phone); 본인인증 대상자 정보가 올바르지 않습니다. (carrier); 본인인증 대상자 정보가 올바르지 않습니다. (gender_digit)")
}

func TestResetForgetsKeysAndSchedules(t *testing.T) {
	s := newSubServer(t)
	s.ok("POST", "/subscribe/customers/r_1", cardBody("html5_inicis.MID-b"))
	s.ok("POST", "/subscribe/payments/schedule", map[string]any{"customer_uid": "r_1", "schedules": []any{
		map[string]any{"merchant_uid": "r_m1", "schedule_at": t0 + 100, "amount": 100, "name": "x"}}})
	tok := s.token
	s.token = ""
	r := s.call("POST", "/sdk/sandbox/reset", map[string]any{"merchant_code": DemoMerchant})
	require.Equal(t, 200, r.status, r.raw)
	s.token = tok
	s.refusedWith(s.call("GET", "/subscribe/customers/r_1", nil), 404, 1, "요청하신 customer_uid(r_1)로 등록된 정보를 찾을 수 없습니다.")
	s.refusedWith(s.call("GET", "/subscribe/payments/schedule/r_m1", nil), 404, 1, "요청하신 merchant_uid(r_m1)로 예약된 결제건이 존재하지 않습니다.")
}

func TestClockExpiresVirtualAccounts(t *testing.T) {
	s := newSubServer(t)
	rec := vbank("imps_300000000001", "vb_1", 5000)
	rec["response"].(map[string]any)["vbank_date"] = t0 + 3600
	tok := s.token
	s.token = ""
	require.Equal(t, 200, s.call("POST", "/sdk/sandbox/payments", rec).status)
	s.token = tok
	s.ok("POST", "/sandbox/clock", map[string]any{"advance_s": 7200})
	s.token = ""
	d := s.call("POST", "/sdk/sandbox/deposit", map[string]any{"merchant_code": DemoMerchant, "imp_uid": "imps_300000000001"})
	assert.Equal(t, 409, d.status, "the deadline passed on the merchant's clock: %s", d.raw)
}
