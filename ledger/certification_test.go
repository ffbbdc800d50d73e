package ledger

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var adult = Identity{Name: "홍길동", Phone: "010-1234-5678", Carrier: "SKT", Birthday: "1990-01-01", Gender: "male"}

func TestCertificationRecordAndRead(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	c, err := s.RecordCertification(ctx, DemoMerchant, Verified{ImpUID: "imps_100000000001", MerchantUID: "signup_1",
		PGProvider: "inicis_unified", Origin: "http://127.0.0.1/signup", Identity: adult}, t0)
	require.NoError(t, err)
	assert.Equal(t, "01012345678", string(c.Phone), "digits only, as the real API sends")
	assert.True(t, c.Certified)
	assert.Equal(t, int64(t0), c.CertifiedAt)
	assert.Len(t, string(c.UniqueKey), 88, "a CI is 88 characters")
	assert.Len(t, string(c.UniqueInSite), 64, "a DI is 64 characters")
	assert.NotEmpty(t, string(c.PGTID))

	got, err := s.Certification(ctx, DemoMerchant, "imps_100000000001")
	require.NoError(t, err)
	assert.Equal(t, c, got)
	_, err = s.Certification(ctx, "imp_other", "imps_100000000001")
	wantRefused(t, err, -1, "인증결과가 존재하지 않습니다.")

	// The same person again, here and at another merchant: same CI; DI per merchant.
	again, err := s.RecordCertification(ctx, DemoMerchant, Verified{ImpUID: "imps_100000000002", PGProvider: "inicis_unified", Identity: adult}, t0+5)
	require.NoError(t, err)
	assert.Equal(t, c.UniqueKey, again.UniqueKey)
	assert.Equal(t, c.UniqueInSite, again.UniqueInSite)
	elsewhere, err := s.RecordCertification(ctx, "imp_other", Verified{ImpUID: "imps_100000000003", PGProvider: "danal", Identity: adult}, t0)
	require.NoError(t, err)
	assert.Equal(t, c.UniqueKey, elsewhere.UniqueKey)
	assert.NotEqual(t, c.UniqueInSite, elsewhere.UniqueInSite)
	minor := adult
	minor.Name, minor.Birthday = "김철수", "2015-06-15"
	m, err := s.RecordCertification(ctx, DemoMerchant, Verified{ImpUID: "imps_100000000004", PGProvider: "inicis_unified", Identity: minor}, t0)
	require.NoError(t, err)
	assert.NotEqual(t, c.UniqueKey, m.UniqueKey, "another person, another CI")

	// Recording the same imp_uid again is harmless; another person under it is refused.
	same, err := s.RecordCertification(ctx, DemoMerchant, Verified{ImpUID: "imps_100000000001", PGProvider: "inicis_unified", Identity: adult}, t0+99)
	require.NoError(t, err)
	assert.Equal(t, c, same, "nothing recorded twice")
	_, err = s.RecordCertification(ctx, DemoMerchant, Verified{ImpUID: "imps_100000000001", PGProvider: "inicis_unified", Identity: minor}, t0)
	wantRefused(t, err, -1, "이미 처리된 본인인증입니다.")

	del, err := s.DeleteCertification(ctx, DemoMerchant, "imps_100000000001")
	require.NoError(t, err)
	assert.Equal(t, c, del)
	_, err = s.Certification(ctx, DemoMerchant, "imps_100000000001")
	wantRefused(t, err, -1, "인증결과가 존재하지 않습니다.")
	_, err = s.DeleteCertification(ctx, DemoMerchant, "imps_100000000001")
	wantRefused(t, err, -1, "인증결과가 존재하지 않습니다.")
}

func TestRecordCertificationRefusals(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	cases := []struct {
		name    string
		v       Verified
		explain string
	}{
		{"bad imp_uid", Verified{ImpUID: "imp_1", PGProvider: "danal", Identity: adult}, "imp_uid"},
		{"no pg", Verified{ImpUID: "imps_100000000001", Identity: adult}, "pg_provider"},
		{"bad birthday", Verified{ImpUID: "imps_100000000001", PGProvider: "danal", Identity: Identity{Name: "a", Phone: "01012345678", Carrier: "KT", Birthday: "1990-13-01", Gender: "male"}}, "identity.birthday"},
		{"bad carrier", Verified{ImpUID: "imps_100000000001", PGProvider: "danal", Identity: Identity{Name: "a", Phone: "01012345678", Carrier: "XX", Birthday: "1990-01-01", Gender: "male"}}, "identity.carrier"},
		{"bad gender", Verified{ImpUID: "imps_100000000001", PGProvider: "danal", Identity: Identity{Name: "a", Phone: "01012345678", Carrier: "KT", Birthday: "1990-01-01", Gender: "m"}}, "identity.gender"},
		{"no name", Verified{ImpUID: "imps_100000000001", PGProvider: "danal", Identity: Identity{Phone: "01012345678", Carrier: "KT", Birthday: "1990-01-01", Gender: "male"}}, "identity.name"},
		{"short phone", Verified{ImpUID: "imps_100000000001", PGProvider: "danal", Identity: Identity{Name: "a", Phone: "0101", Carrier: "KT", Birthday: "1990-01-01", Gender: "male"}}, "identity.phone"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.RecordCertification(ctx, DemoMerchant, c.v, t0)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.explain)
			_, err = s.Certification(ctx, DemoMerchant, "imps_100000000001")
			assert.ErrorIs(t, err, ErrNotFound, "nothing stored")
		})
	}
}

func TestOTPFlow(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	uid, err := s.RequestOTP(ctx, DemoMerchant, OTPRequest{Name: "홍길동", Phone: "010.1234.5678", Birth: "90-01-01", GenderDigit: "1",
		Carrier: "SKT", MVNO: true, PGProvider: "danal"}, t0)
	require.NoError(t, err)
	pending, err := s.Certification(ctx, DemoMerchant, uid)
	require.NoError(t, err)
	assert.False(t, pending.Certified, "not certified before the code is confirmed")

	_, err = s.ConfirmOTP(ctx, DemoMerchant, uid, "", t0)
	wantRefused(t, err, -1, "인증번호(otp)는 필수입력입니다.")
	_, err = s.ConfirmOTP(ctx, DemoMerchant, uid, "000000", t0)
	wantRefused(t, err, -1, "인증번호가 일치하지 않습니다.")
	_, err = s.ConfirmOTP(ctx, "imp_other", uid, SandboxOTP, t0)
	wantRefused(t, err, -1, "인증결과가 존재하지 않습니다.")
	c, err := s.ConfirmOTP(ctx, DemoMerchant, uid, SandboxOTP, t0+30)
	require.NoError(t, err)
	assert.True(t, c.Certified)
	assert.Equal(t, int64(t0+30), c.CertifiedAt)
	assert.Equal(t, "1990-01-01", string(c.Birthday))
	assert.Equal(t, "male", string(c.Gender))
	assert.Equal(t, "SKT_MVNO", string(c.Carrier))
	assert.False(t, c.Foreigner)
	_, err = s.ConfirmOTP(ctx, DemoMerchant, uid, SandboxOTP, t0)
	wantRefused(t, err, -1, "이미 인증이 완료된 건입니다.")

	// The same person verified in the window has the same CI.
	w, err := s.RecordCertification(ctx, DemoMerchant, Verified{ImpUID: "imps_100000000009", PGProvider: "danal", Identity: adult}, t0)
	require.NoError(t, err)
	assert.Equal(t, w.UniqueKey, c.UniqueKey)

	cases := []struct {
		digit, birth, birthday, gender string
		foreigner                      bool
	}{
		{"2", "851231", "1985-12-31", "female", false},
		{"3", "050607", "2005-06-07", "male", false},
		{"4", "100101", "2010-01-01", "female", false},
		{"5", "700101", "1970-01-01", "male", true},
		{"8", "010203", "2001-02-03", "female", true},
	}
	for _, tc := range cases {
		id, err := OTPRequest{Name: "x", Phone: "01000000000", Birth: tc.birth, GenderDigit: tc.digit, Carrier: "KT"}.identity()
		require.NoError(t, err, tc.digit)
		assert.Equal(t, tc.birthday, id.Birthday, tc.digit)
		assert.Equal(t, tc.gender, id.Gender, tc.digit)
		assert.Equal(t, tc.foreigner, id.Foreigner, tc.digit)
	}
	for _, bad := range []OTPRequest{
		{Phone: "01000000000", Birth: "900101", GenderDigit: "1", Carrier: "KT"},
		{Name: "x", Phone: "0100", Birth: "900101", GenderDigit: "1", Carrier: "KT"},
		{Name: "x", Phone: "01000000000", Birth: "901301", GenderDigit: "1", Carrier: "KT"},
		{Name: "x", Phone: "01000000000", Birth: "900101", GenderDigit: "9", Carrier: "KT"},
		{Name: "x", Phone: "01000000000", Birth: "900101", GenderDigit: "1", Carrier: "KTF"},
	} {
		_, err := s.RequestOTP(ctx, DemoMerchant, bad, t0)
		assert.Error(t, err, "%+v", bad)
	}
}
