package ledger

// Billing keys and scheduled charges: the i'mport V1 "subscribe" API's domain — keys, test
// cards, charges, schedules, refusals. The store is in subscribe_keys.go, subscribe_charges.go
// and subscribe_schedules.go; the REST API in subscribe_api.go and subscribe_schedules_api.go.
//
// Rules are from the V1 OpenAPI (portone-io/developers.portone.io, src/schema/v1.openapi.json,
// tags subscribe.customer and nonAuthPayment*) and the guide "비인증결제 연동하기"
// (src/routes/(root)/opi/ko/integration/start/v1/non-auth.mdx):
//   - a customer_uid maps to one card; issuing again under a used customer_uid replaces the
//     key with the latest card ("가장 마지막 빌링키 발급에 사용된 카드번호의 빌링키로 대체");
//   - POST /subscribe/payments/schedule with card fields and an unknown customer_uid issues the
//     key first, then books the schedules;
//   - a charge the card company declines is still a payment: code 0, status "failed" with its
//     fail_reason; only a failure to reach the PG answers code -1 with no payment.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"math/big"
	mrand "math/rand/v2"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/impshim/impshim/resolver"
)

const subscribeSchema = `
CREATE TABLE IF NOT EXISTS billing_keys (
	merchant_code TEXT NOT NULL,
	customer_uid  TEXT NOT NULL,
	magic         TEXT NOT NULL,
	deleted_at    INTEGER NOT NULL,
	doc           TEXT NOT NULL,
	PRIMARY KEY (merchant_code, customer_uid)
);
CREATE TABLE IF NOT EXISTS schedules (
	merchant_code TEXT NOT NULL,
	merchant_uid  TEXT NOT NULL,
	customer_uid  TEXT NOT NULL,
	schedule_at   INTEGER NOT NULL,
	status        TEXT NOT NULL,
	seq           INTEGER NOT NULL,
	notice_urls   TEXT NOT NULL,
	doc           TEXT NOT NULL,
	PRIMARY KEY (merchant_code, merchant_uid)
);
CREATE INDEX IF NOT EXISTS schedules_due ON schedules (status, schedule_at);
CREATE INDEX IF NOT EXISTS schedules_by_customer ON schedules (merchant_code, customer_uid, schedule_at);
CREATE INDEX IF NOT EXISTS schedules_by_seq ON schedules (seq);
`

// BillingKey is what GET /subscribe/customers/{customer_uid} answers (the OpenAPI's
// CustomerAnnotation): the card behind a customer_uid, masked, and the PG setting that issued it.
type BillingKey struct {
	CustomerUID       string `json:"customer_uid"`
	PGProvider        string `json:"pg_provider"`
	PGID              string `json:"pg_id"`
	Sandbox           bool   `json:"sandbox"`
	CustomerID        Text   `json:"customer_id"`
	CardName          Text   `json:"card_name"`
	CardCode          Text   `json:"card_code"`
	CardIssuerCode    Text   `json:"card_issuer_code"`
	CardIssuerName    Text   `json:"card_issuer_name"`
	CardPublisherCode Text   `json:"card_publisher_code"`
	CardPublisherName Text   `json:"card_publisher_name"`
	CardNumber        Text   `json:"card_number"`
	CardType          *int64 `json:"card_type"`
	CustomerName      Text   `json:"customer_name"`
	CustomerTel       Text   `json:"customer_tel"`
	CustomerEmail     Text   `json:"customer_email"`
	CustomerAddr      Text   `json:"customer_addr"`
	CustomerPostcode  Text   `json:"customer_postcode"`
	Inserted          int64  `json:"inserted"`
	Updated           int64  `json:"updated"`
}

// Magic is how a sandbox charge ends without a window: chosen by the card number a key was
// issued with, or by the customer_uid's suffix (README, "Billing keys: magic values").
type Magic string

const (
	MagicNone         Magic = ""
	MagicDecline      Magic = "decline"      // the card company declines: a failed payment
	MagicInsufficient Magic = "insufficient" // not enough funds or over the limit: a failed payment
	MagicPGFailure    Magic = "pg_failure"   // the PG cannot be reached: code -1, a failed payment recorded
)

// magicCards are the sandbox's test cards, like Stripe's: Stripe's own numbers for the same
// outcomes, so they are easy to remember. Any other well-formed number is approved.
var magicCards = map[string]Magic{
	"4000000000000002": MagicDecline,
	"4000000000009995": MagicInsufficient,
	"4000000000000119": MagicPGFailure,
}

// magicSuffixes force the outcome by customer_uid, for keys issued in the browser window,
// where no card number is typed.
var magicSuffixes = []struct {
	suffix string
	magic  Magic
}{{"_decline", MagicDecline}, {"_insufficient", MagicInsufficient}, {"_pg_failure", MagicPGFailure}}

func uidMagic(customerUID string) Magic {
	for _, s := range magicSuffixes {
		if strings.HasSuffix(customerUID, s.suffix) {
			return s.magic
		}
	}
	return MagicNone
}

// failReason is the fail_reason a forced outcome leaves on its payment.
func (m Magic) failReason() string {
	switch m {
	case MagicDecline:
		return "[sandbox] 카드사 승인 거절 (거래거절 카드)"
	case MagicInsufficient:
		return "[sandbox] 잔액부족 또는 한도초과"
	case MagicPGFailure:
		return "[sandbox] PG사 통신 장애로 결제요청에 실패했습니다"
	}
	return ""
}

// Card is the card fields of POST /subscribe/customers/{uid}, /onetime and /schedule.
type Card struct {
	Number, Expiry, Birth, Pwd2Digit, CVC string
}

// sandboxCardCompanies are the card companies a sandbox key names, by card code (금융결제원
// 표준코드, https://developers.portone.io/opi/ko/support/code-info/card-code). Which one a
// number gets is arbitrary but stable: its digits pick it.
var sandboxCardCompanies = []struct{ code, name string }{
	{"361", "BC카드"}, {"365", "삼성카드"}, {"366", "신한카드"}, {"367", "현대카드"},
	{"368", "롯데카드"}, {"371", "NH카드"}, {"374", "하나카드"}, {"381", "KB국민카드"}, {"041", "우리카드"},
}

// The real API's words for a card the PG refuses (iamport-rest-client-python's tests against the
// real service): issuing a key, and a one-time charge.
const (
	failIssue   = "카드정보 인증 및 빌키 발급에 실패하였습니다."
	failOnetime = "카드정보 인증에 실패하였습니다."
)

// checkCard validates card fields as the real API's PGs do, and returns the digits. failed is
// the real message's start: failIssue or failOnetime.
func checkCard(c Card, now int64, failed string) (string, error) {
	digits := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, c.Number)
	if c.Number == "" {
		return "", refused(-1, "카드번호(card_number)는 필수입력입니다.", "card_number is required: dddd-dddd-dddd-dddd", ErrInvalid)
	}
	if len(digits) < 14 || len(digits) > 16 || strings.Trim(digits, "0123456789") != "" {
		return "", refused(-1, failed+" [카드번호 오류]",
			"card_number "+strconv.Quote(c.Number)+" is not 14-16 digits (dddd-dddd-dddd-dddd); sandbox test cards are in the README", nil)
	}
	y, m, ok := parseExpiry(c.Expiry)
	if !ok {
		return "", refused(-1, failed+" [유효기간 오류]",
			"expiry "+strconv.Quote(c.Expiry)+" is not YYYY-MM", nil)
	}
	cy, cm := kstYearMonth(now)
	if y < cy || (y == cy && m < cm) {
		return "", refused(-1, failed+" [유효기간 오류]",
			"expiry "+c.Expiry+" is before the sandbox clock's month "+strconv.Itoa(cy)+"-"+twoDigits(cm), nil)
	}
	return digits, nil
}

func parseExpiry(s string) (year, month int, ok bool) {
	s = strings.TrimSpace(s)
	var ys, ms string
	switch {
	case len(s) == 7 && s[4] == '-': // YYYY-MM, as documented
		ys, ms = s[:4], s[5:]
	case len(s) == 6: // YYYYMM, as several clients send it
		ys, ms = s[:4], s[4:]
	default:
		return 0, 0, false
	}
	y, err1 := strconv.Atoi(ys)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || m < 1 || m > 12 || y < 2000 || y > 2100 {
		return 0, 0, false
	}
	return y, m, true
}

func twoDigits(n int) string { return strconv.Itoa(100 + n)[1:] }

// maskCard is how the real API shows a stored card: the first 8 digits, four stars, the last 4
// ("43302887****9512" in the REST client's tests).
func maskCard(digits string) string {
	if len(digits) < 12 {
		return strings.Repeat("*", len(digits))
	}
	return digits[:8] + strings.Repeat("*", len(digits)-12) + digits[len(digits)-4:]
}

// keyFromCard fills the card fields of a key issued from a card number.
func keyFromCard(k *BillingKey, digits string) Magic {
	sum := 0
	for _, d := range digits[:6] {
		sum += int(d - '0')
	}
	co := sandboxCardCompanies[sum%len(sandboxCardCompanies)]
	k.CardCode, k.CardName = Text(co.code), Text(co.name)
	k.CardNumber = Text(maskCard(digits))
	credit := int64(0)
	k.CardType = &credit
	if m, ok := magicCards[digits]; ok {
		return m
	}
	return MagicNone
}

// Charge is one payment asked of a billing key (again, onetime, or a schedule when it runs).
type Charge struct {
	MerchantUID   string
	Amount        Amount
	TaxFree       Amount
	Currency      string
	Name          string
	BuyerName     string
	BuyerEmail    string
	BuyerTel      string
	BuyerAddr     string
	BuyerPostcode string
	CustomData    string
	CardQuota     int64
	NoticeURLs    []string
}

// Schedule is a booked charge, as the OpenAPI's ScheduleResultAnnotation shows it.
type Schedule struct {
	CustomerUID    string `json:"customer_uid"`
	MerchantUID    string `json:"merchant_uid"`
	ImpUID         Text   `json:"imp_uid"`
	PGProvider     Text   `json:"pg_provider"`
	PGID           Text   `json:"pg_id"`
	CustomerID     Text   `json:"customer_id"`
	ScheduleAt     int64  `json:"schedule_at"`
	ExecutedAt     int64  `json:"executed_at"`
	RevokedAt      int64  `json:"revoked_at"`
	Amount         Amount `json:"amount"`
	Currency       string `json:"currency"`
	Name           Text   `json:"name"`
	BuyerName      Text   `json:"buyer_name"`
	BuyerEmail     Text   `json:"buyer_email"`
	BuyerTel       Text   `json:"buyer_tel"`
	BuyerAddr      Text   `json:"buyer_addr"`
	BuyerPostcode  Text   `json:"buyer_postcode"`
	CustomData     Text   `json:"custom_data"`
	ScheduleStatus string `json:"schedule_status"`
	PaymentStatus  Text   `json:"payment_status"`
	FailReason     Text   `json:"fail_reason"`

	// What the charge needs when it runs, kept beside the public fields.
	TaxFree    Amount   `json:"-"`
	CardQuota  int64    `json:"-"`
	NoticeURLs []string `json:"-"`
}

// Schedule statuses, as the real API spells them.
const (
	ScheduleScheduled = "scheduled"
	ScheduleExecuted  = "executed"
	ScheduleRevoked   = "revoked"
)

// scheduleDoc is a Schedule as stored: the public fields and the ones the charge needs.
type scheduleDoc struct {
	Schedule
	TaxFree   Amount `json:"tax_free"`
	CardQuota int64  `json:"card_quota"`
}

func (s Schedule) charge() Charge {
	return Charge{
		MerchantUID: s.MerchantUID, Amount: s.Amount, TaxFree: s.TaxFree, Currency: s.Currency,
		Name: string(s.Name), BuyerName: string(s.BuyerName), BuyerEmail: string(s.BuyerEmail),
		BuyerTel: string(s.BuyerTel), BuyerAddr: string(s.BuyerAddr), BuyerPostcode: string(s.BuyerPostcode),
		CustomData: string(s.CustomData), CardQuota: s.CardQuota, NoticeURLs: s.NoticeURLs,
	}
}

// The real API's messages for a customer_uid it does not know (iamport-rest-client-python's
// tests against the real service: test_customer_get.py, test_pay_schedule.py).
func unknownCustomer(uid string, deletedAt int64) *Refusal {
	why := "no billing key is issued under customer_uid " + strconv.Quote(uid) +
		": issue one with POST /subscribe/customers/{customer_uid} or IMP.request_pay with customer_uid on a subscription setting"
	if deletedAt > 0 {
		why = "the billing key of customer_uid " + strconv.Quote(uid) + " was deleted at " + strconv.FormatInt(deletedAt, 10) +
			" (unix); issue a new one to charge it again"
	}
	return refused(1, "요청하신 customer_uid("+uid+")로 등록된 정보를 찾을 수 없습니다.", why, ErrNotFound)
}

func noCustomerForCharge(uid string, deletedAt int64) *Refusal {
	r := unknownCustomer(uid, deletedAt)
	r.Message, r.Kind = "등록된 고객정보가 없습니다.", nil
	return r
}

// maxCustomerUID is the OpenAPI's maxLength of customer_uid.
const maxCustomerUID = 80

func checkCustomerUID(uid string) error {
	switch {
	case strings.TrimSpace(uid) == "":
		return refused(-1, "customer_uid는 필수입력입니다.", "customer_uid is required", ErrInvalid)
	case utf8.RuneCountInString(uid) > maxCustomerUID:
		return refused(-1, "customer_uid는 80자 이내여야 합니다.", "customer_uid is over 80 characters", ErrInvalid)
	}
	return nil
}

// newImpUID is an imp_uid of the shape the SDK gives, random across restarts of a kept ledger.
func newImpUID() string { return resolver.NewIMPUID(mrand.Uint64) }

func randomDigits(n int) string {
	v, err := rand.Int(rand.Reader, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil))
	if err != nil {
		panic("ledger: no randomness: " + err.Error())
	}
	s := v.String()
	return strings.Repeat("0", n-len(s)) + s
}

func checkMerchantUID(uid string) error {
	switch {
	case uid == "":
		return refused(-1, "merchant_uid는 필수입력입니다.", "merchant_uid is required: your order number", ErrInvalid)
	case utf8.RuneCountInString(uid) > resolver.MaxMerchantUIDLen:
		return refused(-1, "merchant_uid는 40자 이내여야 합니다.", "merchant_uid "+strconv.Quote(uid)+" is over 40 characters", ErrInvalid)
	}
	return nil
}

// ResetSubscriptions forgets the merchant's billing keys, schedules and identity
// verifications (IMP.sandbox.reset, with its payments). The clock stays where it is.
func (s *Store) ResetSubscriptions(ctx context.Context, merchantCode string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, table := range []string{"billing_keys", "schedules", "certifications"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE merchant_code = ?", merchantCode); err != nil {
				return err
			}
		}
		return nil
	})
}
