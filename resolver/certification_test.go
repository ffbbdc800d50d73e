package resolver

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// certConfig: two certification settings (INICIS unified, the default of its type; Danal) and
// a payment setting, with the merchant's own identities.
const certConfig = `{"merchant_code":"imp1","pg_settings":[
 {"pg":"html5_inicis","mid":"MID-a","pay_type":"general","default":true},
 {"pg":"inicis_unified","mid":"CERT-1","pay_type":"general","type":"certification"},
 {"pg":"danal","mid":"CERT-2","pay_type":"general","type":"certification","channel_key":"ck-danal"}],
 "identities":[
 {"name":"성인","phone":"010-1111-2222","carrier":"SKT","birthday":"2000-03-01","gender":"female"},
 {"name":"Leap","phone":"01033334444","carrier":"MVNO","birthday":"2004-02-29","gender":"male","foreigner":true}]}`

// kst is a moment given as a Korean wall-clock time.
func kst(s string) int64 {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, time.FixedZone("KST", 9*3600))
	if err != nil {
		panic(err)
	}
	return t.UnixMilli()
}

func TestIdentitiesInTheConfig(t *testing.T) {
	m := mustMerchant(t, certConfig)
	ids := m.Identities()
	require.Len(t, ids, 2)
	assert.Equal(t, Identity{Name: "Leap", Phone: "01033334444", Carrier: "MVNO", Birthday: "2004-02-29", Gender: "male", Foreigner: true}, ids[1])
	ids[0].Name = "changed"
	assert.Equal(t, "성인", m.Identities()[0].Name, "Identities returns a copy")

	seed := mustMerchant(t, seedConfig)
	assert.Equal(t, BuiltInIdentities(), seed.Identities(), "none given: the built-ins")
	builtIn := BuiltInIdentities()
	require.Len(t, builtIn, 3)
	now := kst("2026-12-01 12:00:00")
	adult, _ := builtIn[0].AgeAt(now)
	minor, _ := builtIn[1].AgeAt(now)
	assert.GreaterOrEqual(t, adult, 19)
	assert.Less(t, minor, 19)
	assert.True(t, builtIn[2].Foreigner)
	assert.Empty(t, validateIdentities(builtIn))
}

func TestIdentityErrors(t *testing.T) {
	for _, tc := range []struct {
		identities string
		field      string // the one error's field
		msg        string
	}{
		{`5`, "identities", "must be a list"},
		{`[5]`, "identities[0]", "must be an object"},
		{`[{"name":1}]`, "identities[0].name", "must be a string, got a number"},
		{`[{"foreigner":"no"}]`, "identities[0].foreigner", "true or false"},
	} {
		_, errs := ParseConfig([]byte(`{"pg_settings":[{"pg":"kcp","mid":"K","pay_type":"general"}],"identities":` + tc.identities + `}`))
		require.Len(t, errs, 1, tc.identities)
		assert.Equal(t, -1, errs[0].Index)
		assert.Equal(t, tc.field, errs[0].Field)
		assert.Contains(t, errs[0].Message, tc.msg)
		assert.Equal(t, tc.field+": "+errs[0].Message, errs[0].Error())
	}
	good := Identity{Name: "A", Phone: "01012345678", Carrier: "SKT", Birthday: "1990-01-01", Gender: "male"}
	for _, tc := range []struct {
		change func(*Identity)
		field  string
	}{
		{func(id *Identity) { id.Name = " " }, "name"},
		{func(id *Identity) { id.Phone = "0212345678" }, "phone"},
		{func(id *Identity) { id.Phone = "010123" }, "phone"},
		{func(id *Identity) { id.Carrier = "KT" }, "carrier"},
		{func(id *Identity) { id.Birthday = "1990-02-30" }, "birthday"},
		{func(id *Identity) { id.Birthday = "2001-02-29" }, "birthday"},
		{func(id *Identity) { id.Birthday = "19900101" }, "birthday"},
		{func(id *Identity) { id.Birthday = "1899-12-31" }, "birthday"},
		{func(id *Identity) { id.Gender = "M" }, "gender"},
	} {
		id := good
		tc.change(&id)
		errs := validateIdentities([]Identity{good, id})
		require.Len(t, errs, 1, "%+v", id)
		assert.Equal(t, "identities[1]."+tc.field, errs[0].Field)
	}
	for _, ok := range []string{"2000-02-29", "1900-01-01", "1999-12-31"} {
		id := good
		id.Birthday = ok
		assert.Empty(t, validateIdentities([]Identity{id}), ok)
	}
	// Validate reports identity errors with the settings' errors, all at once
	cfg, _ := ParseConfig([]byte(`{"pg_settings":[],"identities":[{"name":"","phone":"","carrier":"","birthday":"","gender":""}]}`))
	errs, _ := cfg.Validate()
	var fields []string
	for _, e := range errs {
		fields = append(fields, e.Field)
	}
	assert.Equal(t, []string{"identities[0].name", "identities[0].phone", "identities[0].carrier", "identities[0].birthday", "identities[0].gender", "pg_settings"}, fields)
}

func TestAgeAt(t *testing.T) {
	for _, tc := range []struct {
		birthday, now string // now as a Korean wall-clock time
		age           int
	}{
		{"2000-03-01", "2019-03-01 00:00:00", 19},
		{"2000-03-01", "2019-02-28 23:59:59", 18},
		{"2004-02-29", "2023-02-28 23:59:59", 18}, // a leap-day birthday counts from March 1 in other years
		{"2004-02-29", "2023-03-01 00:00:00", 19},
		{"2004-02-29", "2024-02-29 00:00:00", 20},
		{"1990-01-01", "1990-01-01 00:00:00", 0},
		{"2015-06-15", "2034-06-14 12:00:00", 18},
		{"2015-06-15", "2034-06-15 00:00:01", 19},
	} {
		age, ok := Identity{Birthday: tc.birthday}.AgeAt(kst(tc.now))
		require.True(t, ok)
		assert.Equal(t, tc.age, age, "%s at %s", tc.birthday, tc.now)
	}
	_, ok := Identity{Birthday: "soon"}.AgeAt(0)
	assert.False(t, ok)
}

// seoulDate agrees with the time package (which resolver may not import) everywhere.
func TestSeoulDate(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	zone := time.FixedZone("KST", 9*3600)
	check := func(ms int64) {
		y, m, d := time.UnixMilli(ms).In(zone).Date()
		require.Equal(t, civil{y, int(m), d}, seoulDate(ms), "%d", ms)
	}
	for _, ms := range []int64{0, -1, -9 * 3600 * 1000, -9*3600*1000 - 1, kst("2000-02-29 00:00:00"), kst("2100-03-01 00:00:00"), kst("1900-01-01 00:00:00")} {
		check(ms)
	}
	for range 20000 {
		check(r.Int64N(8e12) - 2e12) // 1906 … 2223
	}
}

func TestCheckCertification(t *testing.T) {
	const iPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
	m := mustMerchant(t, certConfig)
	for _, tc := range []struct {
		name, params string
		code         string // "" = passes
		mid          string // the chosen certification setting
		rule         string
		trace        bool
	}{
		{"defaults to the certification default", `{}`, "", "CERT-1", RuleDefault, true},
		{"by code", `{"pg":"danal"}`, "", "CERT-2", RuleCode, true},
		{"by code.MID", `{"pg":"inicis_unified.CERT-1","min_age":19}`, "", "CERT-1", RuleCodeMID, true},
		{"by channelKey", `{"channelKey":"ck-danal"}`, "", "CERT-2", RuleChannelKey, true},
		{"a payment code falls back", `{"pg":"html5_inicis"}`, "", "CERT-1", RuleDefault, true},
		{"min_age 0", `{"min_age":0}`, "", "CERT-1", RuleDefault, true},
		{"min_age null", `{"min_age":null}`, "", "CERT-1", RuleDefault, true},
		{"min_age a string", `{"min_age":"19"}`, CodeInvalidParams, "", "", false},
		{"min_age negative", `{"min_age":-1}`, CodeInvalidParams, "", "", false},
		{"min_age a fraction", `{"min_age":19.5}`, CodeInvalidParams, "", "", false},
		{"min_age NaN", `{"min_age":NaN}`, CodeInvalidParams, "", "", false},
		{"min_age huge", `{"min_age":1e9}`, CodeInvalidParams, "", "", false},
		{"merchant_uid too long", `{"merchant_uid":"` + strings.Repeat("가", 41) + `"}`, CodeInvalidMerchantUID, "", "", false},
		{"merchant_uid a number", `{"merchant_uid":7}`, CodeInvalidMerchantUID, "", "", false},
		{"bad m_redirect_url", `{"m_redirect_url":"ftp://x"}`, CodeInvalidParams, "", "", false},
		{"unserializable", `{"name":{"$impshim_unserializable":"a cycle"}}`, CodeInvalidParams, "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, perr := ParseRequest([]byte(tc.params))
			require.Nil(t, perr)
			c, tr, err := m.CheckCertification(req, testEnv())
			if tc.code != "" {
				require.NotNil(t, err)
				assert.Equal(t, tc.code, err.Code)
				assert.Nil(t, c)
				assert.Equal(t, tc.trace, tr.Rule != "")
				return
			}
			require.Nil(t, err, "%v", err)
			assert.Equal(t, tc.mid, c.Setting.MID)
			assert.Equal(t, tc.rule, tr.Rule)
			assert.Equal(t, TypeCertification, c.Setting.Type)
			assert.True(t, c.PG.Certification || c.PG.Code == "danal")
		})
	}

	// no certification setting: F1001, with the trace
	seed := mustMerchant(t, seedConfig)
	req, _ := ParseRequest([]byte(`{"pg":"inicis_unified"}`))
	_, tr, err := seed.CheckCertification(req, testEnv())
	require.NotNil(t, err)
	assert.Equal(t, CodeF1001, err.Code)
	assert.Contains(t, err.Message, `type "certification"`)
	assert.NotNil(t, tr.Err)

	// strict mode refuses a fallback here too
	strict := mustMerchant(t, strings.Replace(certConfig, `"merchant_code":"imp1",`, `"merchant_code":"imp1","strict":true,`, 1))
	req, _ = ParseRequest([]byte(`{"pg":"danal.NOPE"}`))
	_, _, err = strict.CheckCertification(req, testEnv())
	require.NotNil(t, err)
	assert.Equal(t, CodeSandboxStrict, err.Code)

	// window modes: a popup on a PC unless popup: false asks for the overlay; redirect on mobile with a URL
	for _, tc := range []struct{ params, ua, mode string }{
		{`{}`, "", ModePopup},
		{`{"popup":false}`, "Mozilla/5.0 (X11; Linux x86_64)", ModeIframe},
		{`{"popup":true}`, "Mozilla/5.0 (X11; Linux x86_64)", ModePopup},
		{`{"m_redirect_url":"https://shop.example/cert"}`, "", ModePopup},
		{`{"m_redirect_url":"https://shop.example/cert"}`, iPhone, ModeRedirect},
		{`{"popup":true}`, iPhone, ModePopup},
		{`{}`, iPhone, ModeIframe},
	} {
		req, _ := ParseRequest([]byte(tc.params))
		mode, _ := req.CertificationWindowMode(tc.ua)
		assert.Equal(t, tc.mode, mode, "%s %s", tc.params, tc.ua)
	}
}

func TestCertificationWindowAndResponse(t *testing.T) {
	m := mustMerchant(t, certConfig)
	open := func(params string) *Certification {
		req, perr := ParseRequest([]byte(params))
		require.Nil(t, perr)
		c, _, err := m.CheckCertification(req, testEnv())
		require.Nil(t, err)
		c.Open(testEnv())
		require.True(t, ValidIMPUID(c.ImpUID), c.ImpUID)
		return c
	}
	c := open(`{"pg":"danal","merchant_uid":"cert-1","min_age":19,"name":"<b>홍</b>","phone":"01000000000","carrier":"KTF","company":"Shop","language":"en"}`)
	var w map[string]any
	require.NoError(t, json.Unmarshal(c.AppendWindowJSON(nil), &w))
	assert.Equal(t, "certification", w["kind"])
	assert.Equal(t, "danal", w["pg"])
	assert.Equal(t, "CERT-2", w["mid"])
	assert.Equal(t, 19.0, w["min_age"])
	assert.Equal(t, "en", w["language"])
	assert.Equal(t, "cert-1", w["merchant_uid"])
	assert.Equal(t, c.ImpUID, w["imp_uid"])
	assert.Equal(t, map[string]any{"name": "<b>홍</b>", "phone": "01000000000", "carrier": "KTF"}, w["prefill"])
	assert.Len(t, w["identities"], 2)
	assert.NotContains(t, string(c.AppendWindowJSON(nil)), "<b>")
	assert.Nil(t, func() map[string]any {
		var w map[string]any
		require.NoError(t, json.Unmarshal(open(`{}`).AppendWindowJSON(nil), &w))
		return w
	}()["min_age"], "no min_age is null")

	env := testEnv()
	env.Now = func() int64 { return kst("2023-02-28 12:00:00") }
	for _, tc := range []struct {
		name     string
		outcome  Outcome
		success  bool
		code     string
		msg      string
		identity string
	}{
		{"the adult passes min_age 19", Outcome{Result: ResultPaid, Identity: 0}, true, "", "", "성인"},
		{"18 the day before turning 19", Outcome{Result: ResultPaid, Identity: 1}, false, CodeUserCancel, "Leap is 18, younger than min_age 19", ""},
		{"cancelled", Outcome{Result: ResultCancelled}, false, CodeUserCancel, "cancelled", ""},
		{"failed", Outcome{Result: ResultFailed}, false, CodePGFailed, "failed", ""},
		{"failed with a code", Outcome{Result: ResultFailed, ErrorCode: "F400", ErrorMsg: "통신사 오류"}, false, "F400", "통신사 오류", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := c.Respond(tc.outcome, env)
			require.Nil(t, err)
			assert.Equal(t, tc.success, r.Success)
			var got map[string]any
			require.NoError(t, json.Unmarshal(r.AppendJSON(nil), &got))
			assert.Equal(t, c.ImpUID, got["imp_uid"])
			assert.Equal(t, "cert-1", got["merchant_uid"])
			assert.Equal(t, "danal", got["pg_provider"])
			assert.Equal(t, "certification", got["pg_type"])
			assert.Equal(t, tc.success, got["success"])
			if tc.success {
				assert.Nil(t, got["error_code"])
				assert.Nil(t, got["error_msg"])
				require.NotNil(t, r.Identity)
				assert.Equal(t, tc.identity, r.Identity.Name)
				return
			}
			assert.Equal(t, tc.code, got["error_code"])
			assert.Contains(t, got["error_msg"], tc.msg)
			assert.Nil(t, r.Identity)
		})
	}
	for _, bad := range []Outcome{{Result: ResultPaid, Identity: 2}, {Result: ResultPaid, Identity: -1}, {Result: "maybe"}} {
		_, err := c.Respond(bad, env)
		require.NotNil(t, err, "%+v", bad)
		assert.Equal(t, CodeInternal, err.Code)
	}
	// without min_age, a minor is verified
	young := open(`{}`)
	env.Now = func() int64 { return kst("2010-01-01 00:00:00") }
	r, err := young.Respond(Outcome{Result: ResultPaid, Identity: 1}, env)
	require.Nil(t, err)
	assert.True(t, r.Success)

	e := CertificationErrorResponse("m-1", &Error{Code: CodeF1001, Message: "none"})
	var got map[string]any
	require.NoError(t, json.Unmarshal(e.AppendJSON(nil), &got))
	assert.Equal(t, map[string]any{"success": false, "imp_uid": nil, "merchant_uid": "m-1", "pg_provider": nil, "pg_type": "certification", "error_code": "F1001", "error_msg": "none"}, got)
	assert.Equal(t, CodeInternal, CertificationErrorResponse("", nil).ErrorCode)
}

// The built-in sandbox merchant verifies identities on a drop-in page (C1.6).
func TestBuiltInMerchantCertifies(t *testing.T) {
	m, errs, _ := NewMerchant(BuiltInConfig("imp_any"))
	require.Empty(t, errs)
	req, _ := ParseRequest([]byte(`{"min_age":19}`))
	c, tr, err := m.CheckCertification(req, testEnv())
	require.Nil(t, err)
	assert.Equal(t, "inicis_unified", c.Setting.PG)
	assert.Equal(t, RuleDefault, tr.Rule)
	assert.Len(t, c.Identities, 3)
}

func FuzzCheckCertification(f *testing.F) {
	for _, s := range []string{`{}`, `{"min_age":19}`, `{"min_age":-0}`, `{"pg":"danal","channelKey":"x"}`, `{"min_age":1e400}`, `[]`} {
		f.Add([]byte(s), 0)
	}
	m := mustMerchant(f, certConfig)
	f.Fuzz(func(t *testing.T, data []byte, identity int) {
		req, perr := ParseRequest(data)
		if perr != nil {
			return
		}
		c, _, err := m.CheckCertification(req, testEnv())
		if err != nil {
			require.NotEmpty(t, err.Message)
			return
		}
		c.Open(testEnv())
		require.True(t, json.Valid(c.AppendWindowJSON(nil)))
		r, rerr := c.Respond(Outcome{Result: ResultPaid, Identity: identity}, testEnv())
		if rerr != nil {
			require.True(t, identity < 0 || identity >= len(c.Identities))
			return
		}
		require.True(t, json.Valid(r.AppendJSON(nil)))
		require.Equal(t, r.Success, r.Identity != nil)
	})
}

func TestParseOutcome(t *testing.T) {
	for _, tc := range []struct {
		text string
		want Outcome
		err  string
	}{
		{`{"result":"paid"}`, Outcome{Result: ResultPaid}, ""},
		{`{"result":"paid","identity":2}`, Outcome{Result: ResultPaid, Identity: 2}, ""},
		{`{"result":"failed","error_code":"F400","error_msg":"한도초과","identity":null}`, Outcome{Result: ResultFailed, ErrorCode: "F400", ErrorMsg: "한도초과"}, ""},
		{`{"result":"maybe"}`, Outcome{}, "outcome.result must be"},
		{`{}`, Outcome{}, "outcome.result must be"},
		{`{"result":1}`, Outcome{}, "outcome.result must be a string"},
		{`{"result":"paid","identity":"0"}`, Outcome{}, "identity must be a number"},
		{`{"result":"paid","identity":1.5}`, Outcome{}, "index"},
		{`{"result":"paid","identity":-1}`, Outcome{}, "index"},
		{`[]`, Outcome{}, "must be an object"},
		{`{`, Outcome{}, "not JSON"},
	} {
		o, err := ParseOutcome([]byte(tc.text))
		if tc.err == "" {
			require.Nil(t, err, tc.text)
			assert.Equal(t, tc.want, o, tc.text)
			continue
		}
		require.NotNil(t, err, tc.text)
		assert.Equal(t, CodeInternal, err.Code)
		assert.Contains(t, err.Message, tc.err, tc.text)
	}
}

func FuzzParseOutcome(f *testing.F) {
	for _, s := range []string{`{"result":"paid","identity":1}`, `{"result":"cancelled"}`, `{"identity":1e300}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := ParseOutcome(data)
		if err != nil {
			require.Equal(t, CodeInternal, err.Code)
			return
		}
		require.True(t, ValidOutcomeResult(o.Result))
		require.GreaterOrEqual(t, o.Identity, 0)
	})
}
