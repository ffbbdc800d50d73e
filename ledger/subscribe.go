package ledger

// Billing keys and scheduled charges: the i'mport V1 "subscribe" API's domain and store.
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
	"encoding/json"
	"errors"
	"fmt"
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

// IssueBillingKey stores k under its customer_uid, replacing the card of a key already there
// (the real service's rule; Inserted stays, Updated moves) or of a deleted one (a new key).
func (s *Store) IssueBillingKey(ctx context.Context, merchantCode string, k BillingKey, magic Magic, now int64) (BillingKey, error) {
	var out BillingKey
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = issueKey(ctx, tx, merchantCode, k, magic, now)
		return err
	})
	return out, err
}

func issueKey(ctx context.Context, tx *sql.Tx, code string, k BillingKey, magic Magic, now int64) (BillingKey, error) {
	if err := checkCustomerUID(k.CustomerUID); err != nil {
		return k, err
	}
	k.Sandbox = true
	k.Inserted, k.Updated = now, now
	if old, _, deletedAt, err := loadKey(ctx, tx, code, k.CustomerUID); err == nil && deletedAt == 0 {
		k.Inserted = old.Inserted
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return k, err
	}
	doc, err := json.Marshal(k)
	if err != nil {
		return k, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO billing_keys (merchant_code, customer_uid, magic, deleted_at, doc)
		VALUES (?, ?, ?, 0, ?) ON CONFLICT (merchant_code, customer_uid) DO UPDATE SET magic = excluded.magic, deleted_at = 0, doc = excluded.doc`,
		code, k.CustomerUID, string(magic), string(doc))
	return k, err
}

// loadKey reads a key, deleted ones too (deletedAt > 0), so a refusal can say it was deleted.
func loadKey(ctx context.Context, q queryer, code, uid string) (BillingKey, Magic, int64, error) {
	var k BillingKey
	var doc, magic string
	var deletedAt int64
	err := q.QueryRowContext(ctx, "SELECT magic, deleted_at, doc FROM billing_keys WHERE merchant_code = ? AND customer_uid = ?",
		code, uid).Scan(&magic, &deletedAt, &doc)
	if err == sql.ErrNoRows {
		return k, "", 0, ErrNotFound
	}
	if err != nil {
		return k, "", 0, err
	}
	if err := json.Unmarshal([]byte(doc), &k); err != nil {
		return k, "", 0, fmt.Errorf("ledger: a stored billing key is unreadable: %w", err)
	}
	return k, Magic(magic), deletedAt, nil
}

// liveKey is the merchant's key under uid, or the real API's refusal for an unknown or deleted one.
func liveKey(ctx context.Context, q queryer, code, uid string, refuse func(string, int64) *Refusal) (BillingKey, Magic, error) {
	k, magic, deletedAt, err := loadKey(ctx, q, code, uid)
	if errors.Is(err, ErrNotFound) {
		return k, "", refuse(uid, 0)
	}
	if err != nil {
		return k, "", err
	}
	if deletedAt > 0 {
		return k, "", refuse(uid, deletedAt)
	}
	if magic == MagicNone {
		magic = uidMagic(uid)
	}
	return k, magic, nil
}

// BillingKey returns the merchant's key under customer_uid.
func (s *Store) BillingKey(ctx context.Context, merchantCode, customerUID string) (BillingKey, error) {
	k, _, err := liveKey(ctx, s.db, merchantCode, customerUID, unknownCustomer)
	return k, err
}

// BillingKeys returns the keys found among uids, in the order asked, and the uids not found.
func (s *Store) BillingKeys(ctx context.Context, merchantCode string, uids []string) ([]BillingKey, []string, error) {
	found, missing := []BillingKey{}, []string{}
	for _, uid := range uids {
		k, err := s.BillingKey(ctx, merchantCode, uid)
		switch {
		case errors.Is(err, ErrNotFound):
			missing = append(missing, uid)
		case err != nil:
			return nil, nil, err
		default:
			found = append(found, k)
		}
	}
	return found, missing, nil
}

// DeleteBillingKey deletes the key and answers it as it was. Its schedules stay booked, as in
// the real service (the OpenAPI warns to check them first); when one runs, its payment fails.
func (s *Store) DeleteBillingKey(ctx context.Context, merchantCode, customerUID string, now int64) (BillingKey, error) {
	var k BillingKey
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if k, _, err = liveKey(ctx, tx, merchantCode, customerUID, unknownCustomer); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE billing_keys SET deleted_at = ? WHERE merchant_code = ? AND customer_uid = ?",
			max(now, 1), merchantCode, customerUID)
		return err
	})
	return k, err
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

// chargeOutcome runs a charge against a key: the payment it leaves (paid or failed) and, for
// a PG failure, the refusal the API answers with although the payment is recorded.
func chargeOutcome(k BillingKey, magic Magic, c Charge, usage string, now int64) (Payment, *Refusal) {
	p := Payment{
		ImpUID: newImpUID(), MerchantUID: c.MerchantUID, PayMethod: "card", Channel: "api",
		PGProvider: k.PGProvider, PGID: Text(k.PGID), PGTID: Text("impshim_" + k.PGProvider + "_" + randomDigits(16)),
		CardCode: k.CardCode, CardName: k.CardName, CardNumber: k.CardNumber, CardType: k.CardType, CardQuota: c.CardQuota,
		Name: Text(c.Name), Amount: c.Amount, Currency: c.Currency,
		BuyerName: Text(c.BuyerName), BuyerEmail: Text(c.BuyerEmail), BuyerTel: Text(c.BuyerTel),
		BuyerAddr: Text(c.BuyerAddr), BuyerPostcode: Text(c.BuyerPostcode), CustomData: Text(c.CustomData),
		StartedAt: now, CancelHistory: []Cancellation{}, CancelReceiptURLs: []string{},
		CustomerUID: Text(k.CustomerUID), CustomerUIDUsage: Text(usage),
	}
	if p.Currency == "" {
		p.Currency = "KRW"
	}
	if magic == MagicNone {
		p.Status, p.PaidAt = StatusPaid, now
		p.ApplyNum = Text(randomDigits(8))
		p.ReceiptURL = Text("https://sandbox.impshim.invalid/receipts/" + p.ImpUID)
		return p, nil
	}
	p.Status, p.FailedAt, p.FailReason = StatusFailed, now, Text(magic.failReason())
	if magic == MagicPGFailure {
		return p, refused(-1, magic.failReason(), "the billing key's customer_uid or card forces a PG failure (sandbox magic value); the failed payment "+
			p.ImpUID+" is recorded", nil)
	}
	return p, nil
}

// paidOrder refuses a merchant_uid the merchant was already paid for.
func paidOrder(ctx context.Context, q queryer, code, merchantUID string) error {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM payments WHERE merchant_code = ? AND merchant_uid = ? AND status = 'paid'",
		code, merchantUID).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return refused(1, "이미 결제가 완료된 merchant_uid("+merchantUID+")입니다.",
			"merchant_uid "+strconv.Quote(merchantUID)+" is already paid: every charge needs a new merchant_uid", nil)
	}
	return nil
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

// ChargeKey charges the merchant's key under customerUID (POST /subscribe/payments/again).
// The payment is recorded whatever its outcome; refusal is non-nil for a PG failure.
func (s *Store) ChargeKey(ctx context.Context, merchantCode, customerUID string, c Charge, now int64) (p Payment, refusal *Refusal, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := paidOrder(ctx, tx, merchantCode, c.MerchantUID); err != nil {
			return err
		}
		k, magic, err := liveKey(ctx, tx, merchantCode, customerUID, noCustomerForCharge)
		if err != nil {
			return err
		}
		p, refusal = chargeOutcome(k, magic, c, "payment", now)
		return insertPayment(ctx, tx, merchantCode, p, c.NoticeURLs, now)
	})
	return p, refusal, err
}

// ChargeCard charges a card once (POST /subscribe/payments/onetime); with a customer_uid the
// card is kept as that key too, as the real API does.
func (s *Store) ChargeCard(ctx context.Context, merchantCode string, k BillingKey, card Card, c Charge, keep bool, now int64) (p Payment, refusal *Refusal, err error) {
	digits, err := checkCard(card, now, failOnetime)
	if err != nil {
		return p, nil, err
	}
	magic := keyFromCard(&k, digits)
	if magic == MagicNone && k.CustomerUID != "" {
		magic = uidMagic(k.CustomerUID)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := paidOrder(ctx, tx, merchantCode, c.MerchantUID); err != nil {
			return err
		}
		usage := ""
		if keep {
			if _, err := issueKey(ctx, tx, merchantCode, k, magic, now); err != nil {
				return err
			}
			usage = "payment"
		}
		p, refusal = chargeOutcome(k, magic, c, usage, now)
		if !keep {
			p.CustomerUID = ""
		}
		return insertPayment(ctx, tx, merchantCode, p, c.NoticeURLs, now)
	})
	return p, refusal, err
}

// IssueFromCard checks the card and stores the key (POST /subscribe/customers/{customer_uid}).
// A magic card that fails the PG issues nothing.
func (s *Store) IssueFromCard(ctx context.Context, merchantCode string, k BillingKey, card Card, now int64) (BillingKey, error) {
	digits, err := checkCard(card, now, failIssue)
	if err != nil {
		return k, err
	}
	magic := keyFromCard(&k, digits)
	if magic == MagicPGFailure {
		return k, refused(-1, failIssue+" "+magic.failReason(),
			"card "+card.Number+" is the sandbox's PG-failure test card", nil)
	}
	return s.IssueBillingKey(ctx, merchantCode, k, magic, now)
}

// ScheduleRequest is one POST /subscribe/payments/schedule: its schedules for one key, and, when
// the customer_uid is new, the key to issue from card fields first.
type ScheduleRequest struct {
	CustomerUID string
	CustomerID  string
	Issue       *BillingKey // nil: the key must exist
	Card        Card
	Schedules   []Schedule
}

// AddSchedules books every schedule of req or none: an unknown key, a merchant_uid twice in
// the request, one already booked or paid, a time not after now each refuse the whole request.
func (s *Store) AddSchedules(ctx context.Context, merchantCode string, req ScheduleRequest, now int64) ([]Schedule, error) {
	if err := checkCustomerUID(req.CustomerUID); err != nil {
		return nil, err
	}
	if len(req.Schedules) == 0 {
		return nil, refused(-1, "schedules는 필수입력입니다.", "schedules must list at least one charge {merchant_uid, schedule_at, amount, name}", ErrInvalid)
	}
	seen := map[string]int{}
	for i, sc := range req.Schedules {
		if err := checkMerchantUID(sc.MerchantUID); err != nil {
			return nil, err
		}
		if j, dup := seen[sc.MerchantUID]; dup {
			return nil, refused(1, "중복된 merchant_uid("+sc.MerchantUID+")가 있습니다.",
				"schedules["+strconv.Itoa(j)+"] and schedules["+strconv.Itoa(i)+"] share merchant_uid "+strconv.Quote(sc.MerchantUID)+
					"; each charge needs its own. Nothing was scheduled", nil)
		}
		seen[sc.MerchantUID] = i
		if sc.ScheduleAt <= now {
			return nil, refused(1, "결제예약 시각(schedule_at)은 현재 시각 이후여야 합니다.",
				"schedules["+strconv.Itoa(i)+"].schedule_at "+strconv.FormatInt(sc.ScheduleAt, 10)+" is not after the sandbox clock's now "+
					strconv.FormatInt(now, 10)+" (GET /sandbox/clock); nothing was scheduled", nil)
		}
		if sc.Amount <= 0 {
			return nil, refused(-1, "결제금액(amount)은 0보다 커야 합니다.", "schedules["+strconv.Itoa(i)+"].amount must be more than 0", ErrInvalid)
		}
	}
	var out []Schedule
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var k BillingKey
		_, _, deletedAt, err := loadKey(ctx, tx, merchantCode, req.CustomerUID)
		exists := err == nil && deletedAt == 0
		switch {
		case err != nil && !errors.Is(err, ErrNotFound):
			return err
		case !exists && req.Issue != nil:
			digits, err := checkCard(req.Card, now, failIssue)
			if err != nil {
				return err
			}
			issue := *req.Issue
			magic := keyFromCard(&issue, digits)
			if magic == MagicNone {
				magic = uidMagic(issue.CustomerUID)
			}
			if k, err = issueKey(ctx, tx, merchantCode, issue, magic, now); err != nil {
				return err
			}
		default:
			if k, _, err = liveKey(ctx, tx, merchantCode, req.CustomerUID, noCustomerForCharge); err != nil {
				return err
			}
		}
		for _, sc := range req.Schedules {
			var status string
			err := tx.QueryRowContext(ctx, "SELECT status FROM schedules WHERE merchant_code = ? AND merchant_uid = ?",
				merchantCode, sc.MerchantUID).Scan(&status)
			if err == nil && status != ScheduleRevoked {
				return refused(1, "이미 예약된 merchant_uid("+sc.MerchantUID+")입니다.",
					"merchant_uid "+strconv.Quote(sc.MerchantUID)+" is already "+status+" (GET /subscribe/payments/schedule/"+sc.MerchantUID+
						"); nothing was scheduled", nil)
			}
			if err != nil && err != sql.ErrNoRows {
				return err
			}
			if err := paidOrder(ctx, tx, merchantCode, sc.MerchantUID); err != nil {
				return err
			}
			sc.CustomerUID = k.CustomerUID
			sc.PGProvider, sc.PGID = Text(k.PGProvider), Text(k.PGID)
			if sc.CustomerID == "" {
				sc.CustomerID = Text(req.CustomerID)
			}
			if sc.CustomerID == "" {
				sc.CustomerID = k.CustomerID
			}
			if sc.Currency == "" {
				sc.Currency = "KRW"
			}
			sc.ScheduleStatus, sc.ImpUID, sc.PaymentStatus, sc.FailReason = ScheduleScheduled, "", "", ""
			sc.ExecutedAt, sc.RevokedAt = 0, 0
			if err := putSchedule(ctx, tx, merchantCode, sc, true); err != nil {
				return err
			}
			out = append(out, sc)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func putSchedule(ctx context.Context, tx *sql.Tx, code string, sc Schedule, insert bool) error {
	doc, err := json.Marshal(scheduleDoc{Schedule: sc, TaxFree: sc.TaxFree, CardQuota: sc.CardQuota})
	if err != nil {
		return err
	}
	notice := sc.NoticeURLs
	if notice == nil {
		notice = []string{}
	}
	urls, _ := json.Marshal(notice)
	if insert {
		_, err = tx.ExecContext(ctx, `INSERT INTO schedules (merchant_code, merchant_uid, customer_uid, schedule_at, status, seq, notice_urls, doc)
			VALUES (?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM schedules), ?, ?)
			ON CONFLICT (merchant_code, merchant_uid) DO UPDATE SET customer_uid = excluded.customer_uid, schedule_at = excluded.schedule_at,
			status = excluded.status, seq = excluded.seq, notice_urls = excluded.notice_urls, doc = excluded.doc`,
			code, sc.MerchantUID, sc.CustomerUID, sc.ScheduleAt, sc.ScheduleStatus, string(urls), string(doc))
		return err
	}
	_, err = tx.ExecContext(ctx, "UPDATE schedules SET schedule_at = ?, status = ?, doc = ? WHERE merchant_code = ? AND merchant_uid = ?",
		sc.ScheduleAt, sc.ScheduleStatus, string(doc), code, sc.MerchantUID)
	return err
}

const scheduleColumns = "s.notice_urls, s.doc, p.status, json_extract(p.doc, '$.fail_reason')"

// scanSchedule reads a schedule row joined with its payment, whose status is live: a payment
// cancelled after it ran shows payment_status "cancelled".
func scanSchedule(scan func(...any) error) (Schedule, error) {
	var urls, doc string
	var payStatus, failReason sql.NullString
	if err := scan(&urls, &doc, &payStatus, &failReason); err != nil {
		return Schedule{}, err
	}
	var d scheduleDoc
	if err := json.Unmarshal([]byte(doc), &d); err != nil {
		return Schedule{}, fmt.Errorf("ledger: a stored schedule is unreadable: %w", err)
	}
	sc := d.Schedule
	sc.TaxFree, sc.CardQuota = d.TaxFree, d.CardQuota
	_ = json.Unmarshal([]byte(urls), &sc.NoticeURLs)
	if payStatus.Valid {
		sc.PaymentStatus = Text(payStatus.String)
	}
	if failReason.Valid && failReason.String != "" {
		sc.FailReason = Text(failReason.String)
	}
	return sc, nil
}

const scheduleFrom = ` FROM schedules s LEFT JOIN payments p ON p.imp_uid = json_extract(s.doc, '$.imp_uid') AND p.merchant_code = s.merchant_code `

// Schedule returns the merchant's schedule for merchant_uid.
func (s *Store) Schedule(ctx context.Context, merchantCode, merchantUID string) (Schedule, error) {
	return loadSchedule(ctx, s.db, merchantCode, merchantUID)
}

func loadSchedule(ctx context.Context, q queryer, code, merchantUID string) (Schedule, error) {
	row := q.QueryRowContext(ctx, "SELECT "+scheduleColumns+scheduleFrom+"WHERE s.merchant_code = ? AND s.merchant_uid = ?", code, merchantUID)
	sc, err := scanSchedule(row.Scan)
	if err == sql.ErrNoRows {
		return sc, refused(1, "요청하신 merchant_uid("+merchantUID+")로 예약된 결제건이 존재하지 않습니다.",
			"no schedule with merchant_uid "+strconv.Quote(merchantUID)+" for this merchant", ErrNotFound)
	}
	return sc, err
}

// ScheduleQuery selects schedules as the listings do.
type ScheduleQuery struct {
	CustomerUID string // "" for every key
	From, To    int64  // from <= schedule_at < to
	Status      string // "" for every status
	Page, Limit int
	// Oldest first when set ("sorting=scheduled"); the default is the latest schedule_at first.
	Oldest bool
}

// Schedules returns one page of the merchant's schedules and how many match in all.
func (s *Store) Schedules(ctx context.Context, merchantCode string, q ScheduleQuery) ([]Schedule, int, error) {
	where := "s.merchant_code = ? AND s.schedule_at >= ? AND s.schedule_at < ?"
	args := []any{merchantCode, q.From, q.To}
	if q.CustomerUID != "" {
		where += " AND s.customer_uid = ?"
		args = append(args, q.CustomerUID)
	}
	if q.Status != "" {
		where += " AND s.status = ?"
		args = append(args, q.Status)
	}
	var total int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM schedules s WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	order := "s.schedule_at DESC, s.seq DESC"
	if q.Oldest {
		order = "s.schedule_at ASC, s.seq ASC"
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+scheduleColumns+scheduleFrom+"WHERE "+where+" ORDER BY "+order+" LIMIT ? OFFSET ?",
		append(args, q.Limit, (q.Page-1)*q.Limit)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	list := []Schedule{}
	for rows.Next() {
		sc, err := scanSchedule(rows.Scan)
		if err != nil {
			return nil, 0, err
		}
		list = append(list, sc)
	}
	return list, total, rows.Err()
}

// Unschedule revokes the booked (not yet run) schedules named: by customer_uid and
// merchant_uids, or all of one customer_uid, or the merchant_uids of any key.
func (s *Store) Unschedule(ctx context.Context, merchantCode, customerUID string, merchantUIDs []string, now int64) ([]Schedule, error) {
	if customerUID == "" && len(merchantUIDs) == 0 {
		return nil, refused(-1, "customer_uid 또는 merchant_uid 중 하나는 필수입력입니다.",
			"give customer_uid (every schedule of that key), merchant_uid (those orders), or both", ErrInvalid)
	}
	var out []Schedule
	err := s.tx(ctx, func(tx *sql.Tx) error {
		where := "s.merchant_code = ? AND s.status = 'scheduled'"
		args := []any{merchantCode}
		if customerUID != "" {
			where += " AND s.customer_uid = ?"
			args = append(args, customerUID)
		}
		if len(merchantUIDs) > 0 {
			where += " AND s.merchant_uid IN (?" + strings.Repeat(", ?", len(merchantUIDs)-1) + ")"
			for _, u := range merchantUIDs {
				args = append(args, u)
			}
		}
		rows, err := tx.QueryContext(ctx, "SELECT "+scheduleColumns+scheduleFrom+"WHERE "+where+" ORDER BY s.schedule_at, s.seq", args...)
		if err != nil {
			return err
		}
		var list []Schedule
		for rows.Next() {
			sc, err := scanSchedule(rows.Scan)
			if err != nil {
				rows.Close()
				return err
			}
			list = append(list, sc)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(list) == 0 {
			return refused(1, "취소할 예약결제 기록이 존재하지 않습니다.",
				"no schedule still scheduled matches customer_uid "+strconv.Quote(customerUID)+" and merchant_uid "+
					strings.Join(merchantUIDs, ", ")+"; executed and revoked ones cannot be unscheduled", nil)
		}
		for _, sc := range list {
			sc.ScheduleStatus, sc.RevokedAt = ScheduleRevoked, now
			if err := putSchedule(ctx, tx, merchantCode, sc, false); err != nil {
				return err
			}
			out = append(out, sc)
		}
		return nil
	})
	return out, err
}

// DueSchedule names a schedule whose time has come.
type DueSchedule struct {
	MerchantCode, MerchantUID string
	ScheduleAt                int64
}

// DueSchedules lists the booked schedules at or before now, merchant by merchant: nowOf gives
// each merchant's clock. Only merchants with booked schedules are asked.
func (s *Store) DueSchedules(ctx context.Context, nowOf func(merchantCode string) (int64, error)) ([]DueSchedule, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT merchant_code, MIN(schedule_at) FROM schedules WHERE status = 'scheduled' GROUP BY merchant_code")
	if err != nil {
		return nil, err
	}
	type first struct {
		code string
		at   int64
	}
	var merchants []first
	for rows.Next() {
		var f first
		if err := rows.Scan(&f.code, &f.at); err != nil {
			rows.Close()
			return nil, err
		}
		merchants = append(merchants, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var due []DueSchedule
	for _, m := range merchants {
		now, err := nowOf(m.code)
		if err != nil {
			return nil, err
		}
		if m.at > now {
			continue
		}
		list, err := s.db.QueryContext(ctx, `SELECT merchant_uid, schedule_at FROM schedules
			WHERE merchant_code = ? AND status = 'scheduled' AND schedule_at <= ? ORDER BY schedule_at, seq`, m.code, now)
		if err != nil {
			return nil, err
		}
		for list.Next() {
			d := DueSchedule{MerchantCode: m.code}
			if err := list.Scan(&d.MerchantUID, &d.ScheduleAt); err != nil {
				list.Close()
				return nil, err
			}
			due = append(due, d)
		}
		list.Close()
		if err := list.Err(); err != nil {
			return nil, err
		}
	}
	return due, nil
}

// RunSchedule charges a due schedule: the payment (paid or failed, a deleted key or an order
// paid meanwhile fail it too) is recorded and the schedule marked executed, in one step, so a
// schedule runs once however many callers race for it. ran is false when it was no longer
// booked (revoked, or another caller ran it).
func (s *Store) RunSchedule(ctx context.Context, d DueSchedule, now int64) (sc Schedule, p Payment, ran bool, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		sc, err = loadSchedule(ctx, tx, d.MerchantCode, d.MerchantUID)
		if err != nil || sc.ScheduleStatus != ScheduleScheduled || sc.ScheduleAt > now {
			return err
		}
		k, magic, keyErr := liveKey(ctx, tx, d.MerchantCode, sc.CustomerUID, noCustomerForCharge)
		var refusal *Refusal
		switch {
		case errors.As(keyErr, &refusal):
			k = BillingKey{CustomerUID: sc.CustomerUID, PGProvider: string(sc.PGProvider), PGID: string(sc.PGID)}
			p, _ = chargeOutcome(k, MagicDecline, sc.charge(), "payment.scheduled", now)
			p.FailReason = Text(refusal.Message + " (" + refusal.Explain + ")")
		case keyErr != nil:
			return keyErr
		default:
			p, _ = chargeOutcome(k, magic, sc.charge(), "payment.scheduled", now)
			if paid := paidOrder(ctx, tx, d.MerchantCode, sc.MerchantUID); errors.As(paid, &refusal) {
				p.Status, p.PaidAt, p.FailedAt, p.ApplyNum, p.ReceiptURL = StatusFailed, 0, now, "", ""
				p.FailReason = Text(refusal.Message)
			} else if paid != nil {
				return paid
			}
		}
		if err := insertPayment(ctx, tx, d.MerchantCode, p, sc.NoticeURLs, now); err != nil {
			return err
		}
		sc.ScheduleStatus, sc.ExecutedAt, sc.ImpUID = ScheduleExecuted, now, Text(p.ImpUID)
		sc.PaymentStatus, sc.FailReason = Text(p.Status), p.FailReason
		ran = true
		return putSchedule(ctx, tx, d.MerchantCode, sc, false)
	})
	return sc, p, ran, err
}

// CustomerPayments returns one page (20, newest first) of the payments made with a customer_uid.
func (s *Store) CustomerPayments(ctx context.Context, merchantCode, customerUID string, page int) ([]Payment, int, error) {
	const limit = 20
	where := "merchant_code = ? AND json_extract(doc, '$.customer_uid') = ?"
	var total int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM payments WHERE "+where, merchantCode, customerUID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.QueryContext(ctx, "SELECT doc FROM payments WHERE "+where+" ORDER BY started_at DESC, seq DESC LIMIT ? OFFSET ?",
		merchantCode, customerUID, limit, (page-1)*limit)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	list := []Payment{}
	for rows.Next() {
		var doc string
		var p Payment
		if err := rows.Scan(&doc); err != nil {
			return nil, 0, err
		}
		if err := json.Unmarshal([]byte(doc), &p); err != nil {
			return nil, 0, err
		}
		list = append(list, p)
	}
	return list, total, rows.Err()
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

// WindowKey is what a mock window that issued a billing key tells the ledger: the params
// snapshot of request_pay, the SDK's response, and the setting the attempt was opened on.
type WindowKey struct {
	Request  json.RawMessage // the params snapshot
	Response json.RawMessage // the SDK's response object
	PG, MID  string          // the chosen setting
	PayType  string          // its pay_type: only "subscription" settings issue keys
}

// IssueBillingKeyFromAttempt stores the billing key a window issued (contract C2.5): when
// the response is a success with a customer_uid and the setting is a subscription one, the key
// is stored under that customer_uid on the setting (pg_provider, pg_id = its MID), with the
// buyer as customer_* and the card the window shows, replacing a key already there as the real
// service does. issued is false, with nothing stored, when the window issued no key; why says
// why (for the log), e.g. a customer_uid on a general setting (BILLING_KEY_ON_NON_SUBSCRIPTION).
func (s *Store) IssueBillingKeyFromAttempt(ctx context.Context, merchantCode string, w WindowKey, now int64) (k BillingKey, issued bool, why string, err error) {
	var req, resp map[string]json.RawMessage
	_ = json.Unmarshal(w.Request, &req)
	_ = json.Unmarshal(w.Response, &resp)
	text := func(obj map[string]json.RawMessage, key string) string {
		var v string
		_ = json.Unmarshal(obj[key], &v)
		return v
	}
	var success bool
	_ = json.Unmarshal(resp["success"], &success)
	uid := text(resp, "customer_uid")
	if uid == "" {
		uid = text(req, "customer_uid")
	}
	switch {
	case uid == "":
		return k, false, "no customer_uid: a payment, not a billing key", nil
	case !success:
		return k, false, "the window did not succeed: no billing key is issued", nil
	case w.PayType != "subscription":
		return k, false, "customer_uid " + strconv.Quote(uid) + " on " + w.PG + "." + w.MID + ", a " + or(w.PayType, "general") +
			" setting: only a subscription setting issues billing keys (BILLING_KEY_ON_NON_SUBSCRIPTION)", nil
	}
	pick := func(key string) Text {
		if v := text(resp, key); v != "" {
			return Text(v)
		}
		return Text(text(req, key))
	}
	k = BillingKey{CustomerUID: uid, PGProvider: w.PG, PGID: w.MID, CustomerID: Text(text(req, "customer_id")),
		CustomerName: pick("buyer_name"), CustomerTel: pick("buyer_tel"), CustomerEmail: pick("buyer_email"),
		CustomerAddr: pick("buyer_addr"), CustomerPostcode: pick("buyer_postcode"),
		CardName: pick("card_name"), CardNumber: pick("card_number"), CardCode: pick("card_code")}
	credit := int64(0)
	k.CardType = &credit
	k, err = s.IssueBillingKey(ctx, merchantCode, k, MagicNone, now)
	return k, err == nil, "", err
}

// ScheduleChange is what PUT …/schedule/{merchant_uid} and POST …/reschedule do to a schedule.
type ScheduleChange int

const (
	// MoveBooked moves a schedule that has not run yet (결제요청 예약시각 수정).
	MoveBooked ScheduleChange = iota
	// RebookFailed books again a schedule whose payment failed (결제 실패 재예약).
	RebookFailed
)

// ChangeSchedule moves a schedule to at (after now): a booked one (MoveBooked), or a failed
// one back to booked (RebookFailed). Others are refused as the OpenAPI says (400).
func (s *Store) ChangeSchedule(ctx context.Context, merchantCode, merchantUID string, change ScheduleChange, at, now int64) (Schedule, error) {
	var sc Schedule
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if sc, err = loadSchedule(ctx, tx, merchantCode, merchantUID); err != nil {
			return err
		}
		failed := sc.ScheduleStatus == ScheduleExecuted && sc.PaymentStatus == StatusFailed
		switch {
		case change == MoveBooked && sc.ScheduleStatus != ScheduleScheduled:
			return refused(-1, "이미 실행 혹은 취소된 결제예약입니다.", "schedule "+merchantUID+" is "+sc.ScheduleStatus+
				": only a schedule that has not run can be moved; a failed one is booked again with POST …/reschedule", ErrInvalid)
		case change == RebookFailed && !failed:
			return refused(-1, "결제 실패한 결제예약만 재예약할 수 있습니다.", "schedule "+merchantUID+" is "+sc.ScheduleStatus+
				" (payment_status "+or(string(sc.PaymentStatus), "null")+"): only a schedule whose payment failed can be rebooked", ErrInvalid)
		case at <= now:
			return refused(-1, "결제예약 시각(schedule_at)은 현재 시각 이후여야 합니다.", "schedule_at "+strconv.FormatInt(at, 10)+
				" is not after the sandbox clock's now "+strconv.FormatInt(now, 10), ErrInvalid)
		}
		if change == RebookFailed {
			if err := paidOrder(ctx, tx, merchantCode, merchantUID); err != nil {
				return err
			}
		}
		sc.ScheduleAt, sc.ScheduleStatus = at, ScheduleScheduled
		sc.ImpUID, sc.ExecutedAt, sc.PaymentStatus, sc.FailReason = "", 0, "", ""
		return putSchedule(ctx, tx, merchantCode, sc, false)
	})
	return sc, err
}

// RetrySchedule charges a schedule whose payment failed once more, now (결제 실패 재시도):
// the new payment, paid or failed, becomes the schedule's.
func (s *Store) RetrySchedule(ctx context.Context, merchantCode, merchantUID string, now int64) (sc Schedule, p Payment, refusal *Refusal, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if sc, err = loadSchedule(ctx, tx, merchantCode, merchantUID); err != nil {
			return err
		}
		if sc.ScheduleStatus != ScheduleExecuted || sc.PaymentStatus != StatusFailed {
			return refused(-1, "결제 실패한 결제예약만 재시도할 수 있습니다.", "schedule "+merchantUID+" is "+sc.ScheduleStatus+
				" (payment_status "+or(string(sc.PaymentStatus), "null")+"): only a schedule whose payment failed can be retried", ErrInvalid)
		}
		if err := paidOrder(ctx, tx, merchantCode, merchantUID); err != nil {
			return err
		}
		// The OpenAPI's 404 for a deleted key: 존재하지 않는 결제예약 혹은 빌링키.
		k, magic, err := liveKey(ctx, tx, merchantCode, sc.CustomerUID, unknownCustomer)
		if err != nil {
			return err
		}
		p, refusal = chargeOutcome(k, magic, sc.charge(), "payment.scheduled", now)
		if err := insertPayment(ctx, tx, merchantCode, p, sc.NoticeURLs, now); err != nil {
			return err
		}
		sc.ExecutedAt, sc.ImpUID, sc.PaymentStatus, sc.FailReason = now, Text(p.ImpUID), Text(p.Status), p.FailReason
		return putSchedule(ctx, tx, merchantCode, sc, false)
	})
	return sc, p, refusal, err
}

// MarkIssuingPayment records that the payment of a window issued a billing key: the real
// Payment's customer_uid_usage "issue" (빌링키 발급), as opposed to "payment" (again) and
// "payment.scheduled".
func (s *Store) MarkIssuingPayment(ctx context.Context, merchantCode, impUID string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE payments SET doc = json_set(doc, '$.customer_uid_usage', 'issue')
			WHERE merchant_code = ? AND imp_uid = ?`, merchantCode, impUID)
		return err
	})
}

// ListBillingKeys returns the merchant's live keys, latest updated first.
func (s *Store) ListBillingKeys(ctx context.Context, merchantCode string, limit int) ([]BillingKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT doc FROM billing_keys WHERE merchant_code = ? AND deleted_at = 0
		ORDER BY json_extract(doc, '$.updated') DESC, customer_uid LIMIT ?`, merchantCode, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []BillingKey{}
	for rows.Next() {
		var doc string
		var k BillingKey
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(doc), &k); err != nil {
			return nil, err
		}
		list = append(list, k)
	}
	return list, rows.Err()
}
