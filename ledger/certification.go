package ledger

// Identity verifications (본인인증): what IMP.certification's window verified, and the OTP flow
// of the REST API. Fields and rules from the V1 OpenAPI (portone-io/developers.portone.io,
// src/schema/v1.openapi.json: CertificationAnnotation, /certifications/…).

import (
	"context"
	"crypto/hmac"
	"crypto/sha512"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/impshim/impshim/resolver"
)

const certificationSchema = `
CREATE TABLE IF NOT EXISTS certifications (
	imp_uid       TEXT PRIMARY KEY,
	merchant_code TEXT NOT NULL,
	otp           TEXT NOT NULL,
	doc           TEXT NOT NULL
);
`

// SandboxOTP is the one-time code every sandbox OTP request "sends": the code a real phone
// would receive by SMS (README, "Identity verification").
const SandboxOTP = "123456"

// Certification is what GET /certifications/{imp_uid} answers (CertificationAnnotation).
type Certification struct {
	ImpUID       string `json:"imp_uid"`
	MerchantUID  Text   `json:"merchant_uid"`
	PGTID        Text   `json:"pg_tid"`
	PGProvider   string `json:"pg_provider"`
	Name         Text   `json:"name"`
	Gender       Text   `json:"gender"`
	Birthday     Text   `json:"birthday"`
	Foreigner    bool   `json:"foreigner"`
	ForeignerV2  *bool  `json:"foreigner_v2"`
	Phone        Text   `json:"phone"`
	Carrier      Text   `json:"carrier"`
	Certified    bool   `json:"certified"`
	CertifiedAt  int64  `json:"certified_at"`
	UniqueKey    Text   `json:"unique_key"`
	UniqueInSite Text   `json:"unique_in_site"`
	Origin       Text   `json:"origin"`
}

// Identity is a sandbox person: the one the window's buyer picked, or the one an OTP request named.
type Identity struct {
	Name      string `json:"name"`
	Phone     string `json:"phone"`
	Carrier   string `json:"carrier"`
	Birthday  string `json:"birthday"` // YYYY-MM-DD
	Gender    string `json:"gender"`   // "male" | "female"
	Foreigner bool   `json:"foreigner"`
}

// carriers are the carrier codes of the real API (and MVNO variants the window offers).
var carriers = map[string]bool{"SKT": true, "KT": true, "LGT": true, "SKT_MVNO": true, "KT_MVNO": true, "LGT_MVNO": true}

func digitsOnly(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// check reports every field of id that is wrong, named as the bridge sent it (identity.x).
func (id *Identity) check() error {
	var errs []error
	bad := func(field, why string) {
		errs = append(errs, refused(-1, "본인인증 대상자 정보가 올바르지 않습니다. ("+field+")", "identity."+field+" "+why, ErrInvalid))
	}
	if strings.TrimSpace(id.Name) == "" || utf8.RuneCountInString(id.Name) > 50 {
		bad("name", "must be 1 to 50 characters")
	}
	id.Phone = digitsOnly(id.Phone)
	if len(id.Phone) < 10 || len(id.Phone) > 11 {
		bad("phone", "must be a phone number of 10 or 11 digits, such as 01012345678")
	}
	if !carriers[id.Carrier] {
		bad("carrier", "must be SKT, KT, LGT, SKT_MVNO, KT_MVNO or LGT_MVNO, not "+strconv.Quote(id.Carrier))
	}
	if _, err := time.Parse("2006-01-02", id.Birthday); err != nil {
		bad("birthday", "must be a date YYYY-MM-DD, not "+strconv.Quote(id.Birthday))
	}
	if id.Gender != "male" && id.Gender != "female" {
		bad("gender", "must be \"male\" or \"female\", not "+strconv.Quote(id.Gender))
	}
	return errors.Join(errs...)
}

// ciSecret keys the sandbox's CI and DI. A real CI comes from the resident registration number;
// the sandbox has none, so the person is their name, birthday, gender, nationality and phone.
var ciSecret = []byte("impshim sandbox CI/DI: not a real identity")

func (id Identity) person() string {
	return strings.Join([]string{strings.TrimSpace(id.Name), id.Birthday, id.Gender, strconv.FormatBool(id.Foreigner), digitsOnly(id.Phone)}, "\x00")
}

// UniqueKey is the person's CI: 88 characters of base64 like the real one, the same for the
// same person at every merchant.
func (id Identity) UniqueKey() string {
	m := hmac.New(sha512.New, ciSecret)
	m.Write([]byte("CI\x00" + id.person()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// UniqueInSite is the person's DI at one merchant: 64 characters of base64, stable per
// (person, merchant), different between merchants — "one account per person" within a site.
func (id Identity) UniqueInSite(merchantCode string) string {
	m := hmac.New(sha512.New384, ciSecret)
	m.Write([]byte("DI\x00" + merchantCode + "\x00" + id.person()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// certificationOf is the verification of id as the merchant's REST API shows it.
func certificationOf(merchantCode string, id Identity) Certification {
	foreigner := id.Foreigner
	return Certification{
		Name: Text(id.Name), Gender: Text(id.Gender), Birthday: Text(id.Birthday),
		Foreigner: id.Foreigner, ForeignerV2: &foreigner, Phone: Text(digitsOnly(id.Phone)), Carrier: Text(id.Carrier),
		UniqueKey: Text(id.UniqueKey()), UniqueInSite: Text(id.UniqueInSite(merchantCode)),
	}
}

func unknownCertification(impUID string) *Refusal {
	return refused(-1, "인증결과가 존재하지 않습니다.",
		"no identity verification with imp_uid "+strconv.Quote(impUID)+" for this merchant (deleted ones are gone)", ErrNotFound)
}

// Verified is a verification the bridge reports after the window: who, through which PG.
type Verified struct {
	ImpUID      string
	MerchantUID string
	PGProvider  string
	PGTID       string
	Origin      string
	Identity    Identity
}

// RecordCertification stores a verified identity (POST {sdk}/sandbox/certifications). Storing
// the same imp_uid again is harmless when it names the same person, and refused otherwise.
func (s *Store) RecordCertification(ctx context.Context, merchantCode string, v Verified, now int64) (Certification, error) {
	var errs []error
	if !resolver.ValidIMPUID(v.ImpUID) {
		errs = append(errs, refused(-1, "imp_uid가 올바르지 않습니다.", "imp_uid "+strconv.Quote(v.ImpUID)+" is not an impshim imp_uid (imp_ and 12 digits)", ErrInvalid))
	}
	if utf8.RuneCountInString(v.MerchantUID) > resolver.MaxMerchantUIDLen {
		errs = append(errs, refused(-1, "merchant_uid는 40자 이내여야 합니다.", "merchant_uid is over 40 characters", ErrInvalid))
	}
	if v.PGProvider == "" {
		errs = append(errs, refused(-1, "pg_provider는 필수입력입니다.", "pg_provider is required: the certification setting's PG code", ErrInvalid))
	}
	errs = append(errs, v.Identity.check())
	if err := errors.Join(errs...); err != nil {
		return Certification{}, err
	}
	c := certificationOf(merchantCode, v.Identity)
	c.ImpUID, c.MerchantUID, c.PGProvider, c.Origin = v.ImpUID, Text(v.MerchantUID), v.PGProvider, Text(v.Origin)
	c.PGTID = Text(v.PGTID)
	if c.PGTID == "" {
		c.PGTID = Text("impshim_" + v.PGProvider + "_" + randomDigits(16))
	}
	c.Certified, c.CertifiedAt = true, now
	err := s.tx(ctx, func(tx *sql.Tx) error {
		old, oldCode, _, err := loadCertification(ctx, tx, v.ImpUID)
		switch {
		case err == nil && oldCode == merchantCode && old.UniqueKey == c.UniqueKey:
			c = old
			return nil
		case err == nil:
			return refused(-1, "이미 처리된 본인인증입니다.", "imp_uid "+v.ImpUID+" is already recorded for another person or merchant; imp_uids are unique", ErrConflict)
		case !errors.Is(err, ErrNotFound):
			return err
		}
		return putCertification(ctx, tx, merchantCode, c, "")
	})
	return c, err
}

func putCertification(ctx context.Context, tx *sql.Tx, code string, c Certification, otp string) error {
	doc, err := json.Marshal(c)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO certifications (imp_uid, merchant_code, otp, doc) VALUES (?, ?, ?, ?)
		ON CONFLICT (imp_uid) DO UPDATE SET otp = excluded.otp, doc = excluded.doc`, c.ImpUID, code, otp, string(doc))
	return err
}

func loadCertification(ctx context.Context, q queryer, impUID string) (Certification, string, string, error) {
	var c Certification
	var code, otp, doc string
	err := q.QueryRowContext(ctx, "SELECT merchant_code, otp, doc FROM certifications WHERE imp_uid = ?", impUID).Scan(&code, &otp, &doc)
	if err == sql.ErrNoRows {
		return c, "", "", ErrNotFound
	}
	if err != nil {
		return c, "", "", err
	}
	if err := json.Unmarshal([]byte(doc), &c); err != nil {
		return c, "", "", fmt.Errorf("ledger: a stored certification is unreadable: %w", err)
	}
	return c, code, otp, nil
}

// Certification returns the merchant's verification with that imp_uid.
func (s *Store) Certification(ctx context.Context, merchantCode, impUID string) (Certification, error) {
	c, code, _, err := loadCertification(ctx, s.db, impUID)
	if errors.Is(err, ErrNotFound) || (err == nil && code != merchantCode) {
		return c, unknownCertification(impUID)
	}
	return c, err
}

// DeleteCertification forgets a verification and answers it as it was.
func (s *Store) DeleteCertification(ctx context.Context, merchantCode, impUID string) (Certification, error) {
	var c Certification
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var code string
		var err error
		c, code, _, err = loadCertification(ctx, tx, impUID)
		if errors.Is(err, ErrNotFound) || (err == nil && code != merchantCode) {
			return unknownCertification(impUID)
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM certifications WHERE imp_uid = ?", impUID)
		return err
	})
	return c, err
}

// OTPRequest is POST /certifications/otp/request: the person, as the merchant typed them in.
type OTPRequest struct {
	Name, Phone, Birth, GenderDigit, Carrier string
	MVNO                                     bool
	MerchantUID                              string
	PGProvider                               string // the certification setting resolved for pg / channel_key
}

// identity reads an OTP request's person: birth YYMMDD and the 7th digit of the resident
// registration number give birthday, gender and nationality (1–4 Korean, 5–8 foreign; 1, 2, 5,
// 6 born in the 1900s, 3, 4, 7, 8 in the 2000s; odd male, even female), as the OpenAPI says.
func (r OTPRequest) identity() (Identity, error) {
	var errs []error
	bad := func(field, why string) {
		errs = append(errs, refused(-1, "본인인증 대상자 정보가 올바르지 않습니다. ("+field+")", field+" "+why, ErrInvalid))
	}
	id := Identity{Name: strings.TrimSpace(r.Name), Phone: digitsOnly(r.Phone), Carrier: r.Carrier}
	if id.Name == "" {
		bad("name", "is required: the person's real name")
	}
	if len(id.Phone) < 10 || len(id.Phone) > 11 {
		bad("phone", "must be a phone number of 10 or 11 digits")
	}
	if r.Carrier != "SKT" && r.Carrier != "KT" && r.Carrier != "LGT" {
		bad("carrier", "must be SKT, KT or LGT (with is_mvno: true for an MVNO), not "+strconv.Quote(r.Carrier))
	} else if r.MVNO {
		id.Carrier += "_MVNO"
	}
	birth := digitsOnly(r.Birth)
	digit := digitsOnly(r.GenderDigit)
	if len(digit) != 1 || digit < "1" || digit > "8" {
		bad("gender_digit", "must be one digit 1-8: the first digit after the hyphen of the resident registration number")
	} else {
		d := digit[0] - '0'
		century := "19"
		if d == 3 || d == 4 || d == 7 || d == 8 {
			century = "20"
		}
		id.Gender = "female"
		if d%2 == 1 {
			id.Gender = "male"
		}
		id.Foreigner = d >= 5
		if len(birth) != 6 {
			bad("birth", "must be YYMMDD (6 digits)")
		} else if t, err := time.Parse("20060102", century+birth); err != nil {
			bad("birth", "is not a date: "+strconv.Quote(r.Birth))
		} else {
			id.Birthday = t.Format("2006-01-02")
		}
	}
	return id, errors.Join(errs...)
}

// RequestOTP records a pending verification and "sends" SandboxOTP; the answer's imp_uid is
// what POST /certifications/otp/confirm/{imp_uid} takes.
func (s *Store) RequestOTP(ctx context.Context, merchantCode string, r OTPRequest, now int64) (string, error) {
	id, err := r.identity()
	if err != nil {
		return "", err
	}
	c := certificationOf(merchantCode, id)
	c.ImpUID, c.MerchantUID, c.PGProvider = newImpUID(), Text(r.MerchantUID), r.PGProvider
	c.PGTID = Text("impshim_" + r.PGProvider + "_" + randomDigits(16))
	err = s.tx(ctx, func(tx *sql.Tx) error { return putCertification(ctx, tx, merchantCode, c, SandboxOTP) })
	return c.ImpUID, err
}

// ConfirmOTP completes a pending verification with the code the person received.
func (s *Store) ConfirmOTP(ctx context.Context, merchantCode, impUID, otp string, now int64) (Certification, error) {
	var c Certification
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var code, want string
		var err error
		c, code, want, err = loadCertification(ctx, tx, impUID)
		if errors.Is(err, ErrNotFound) || (err == nil && code != merchantCode) {
			return unknownCertification(impUID)
		}
		if err != nil {
			return err
		}
		switch {
		case c.Certified:
			return refused(-1, "이미 인증이 완료된 건입니다.", "imp_uid "+impUID+" is already verified; GET /certifications/"+impUID+" reads it", ErrInvalid)
		case strings.TrimSpace(otp) == "":
			return refused(-1, "인증번호(otp)는 필수입력입니다.", "otp is required: the sandbox always sends "+SandboxOTP, ErrInvalid)
		case otp != want:
			return refused(-1, "인증번호가 일치하지 않습니다.", "otp "+strconv.Quote(otp)+" is wrong: the sandbox always sends "+SandboxOTP, ErrInvalid)
		}
		c.Certified, c.CertifiedAt = true, now
		return putCertification(ctx, tx, merchantCode, c, "")
	})
	return c, err
}
