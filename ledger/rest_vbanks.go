package ledger

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/impshim/impshim/resolver"
)

// POST /vbanks, PUT /vbanks/{imp_uid}, DELETE /vbanks/{imp_uid}, GET /vbanks/holder: virtual
// accounts issued by the merchant's server, without a window (tag vbanks).

// maxVbankDue bounds a deadline: a year ahead of the merchant's clock.
const maxVbankDue = 366 * 24 * 3600

func (a *API) createVbank(r *http.Request, code string) (any, error) {
	b, err := readFields(r)
	if err != nil {
		return nil, err
	}
	now, err := a.clockOf(r.Context(), code)
	if err != nil {
		return nil, err
	}
	var errs []error
	str := func(name string) string {
		s, err := b.str(name)
		errs = append(errs, err)
		return s
	}
	uid, bankCode, holder := str("merchant_uid"), str("vbank_code"), str("vbank_holder")
	pg, channelKey, name := str("pg"), str("channel_key"), str("name")
	buyerName, buyerEmail, buyerTel := str("buyer_name"), str("buyer_email"), str("buyer_tel")
	buyerAddr, buyerPostcode := str("buyer_addr"), str("buyer_postcode")
	amount, err := b.amount("amount")
	errs = append(errs, err)
	due, hasDue, err := b.integer("vbank_due", 0, 1<<40)
	errs = append(errs, err)
	notice, err := b.strs("notice_url")
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if bad := resolver.CheckMerchantUID(uid); bad != nil {
		errs = append(errs, invalidIn("merchant_uid 파라메터가 누락되었거나 올바르지 않습니다.", bad.Message))
	}
	switch {
	case amount == nil:
		errs = append(errs, invalidIn("amount 파라메터가 누락되었습니다.", "amount is required: what the buyer is to pay in"))
	case *amount == 0:
		errs = append(errs, invalidIn("amount 파라메터가 올바르지 않습니다.", "amount must be more than 0"))
	default:
		if bad := resolver.CheckAmountText(amount.String(), "KRW"); bad != nil {
			errs = append(errs, invalidIn("amount 파라메터가 올바르지 않습니다.", bad.Message))
		}
	}
	if BankName(bankCode) == "" {
		errs = append(errs, invalidIn("지원되지 않는 은행코드입니다.", "vbank_code "+quote(bankCode)+" is not a 3-digit bank code: GET /banks lists them (e.g. 004 KB국민은행)"))
	}
	switch {
	case !hasDue:
		errs = append(errs, invalidIn("vbank_due 파라메터가 누락되었습니다.", "vbank_due is required: the deadline for the deposit, in unix seconds"))
	case due <= now:
		errs = append(errs, invalidIn("입금기한이 이미 지났습니다.", "vbank_due is in the past (the merchant's clock is at unix "+strconv.FormatInt(now, 10)+")"))
	case due > now+maxVbankDue:
		errs = append(errs, invalidIn("입금기한이 너무 깁니다.", "vbank_due is more than a year ahead"))
	}
	if len(notice) > maxNoticeURLs {
		errs = append(errs, invalidIn("notice_url 파라메터가 올바르지 않습니다.", "notice_url lists more than 10 URLs"))
	}
	for _, u := range notice {
		if err := webhookURL(u); err != nil {
			errs = append(errs, invalidIn("notice_url 파라메터가 올바르지 않습니다.", err.Error()))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if strings.TrimSpace(holder) == "" {
		holder = "(주)" + code // the real service uses the merchant's name when the PG takes none
	}
	chose, err := a.resolveSetting(code, pg, channelKey, "")
	if err != nil {
		return nil, err
	}
	setting := chose.setting
	p := Payment{
		ImpUID: resolver.NewIMPUID(nil), MerchantUID: uid, PayMethod: "vbank", Channel: "api", PGProvider: setting.PG,
		PGTID: Text("sandbox_vbank_" + strconv.FormatInt(now, 10)), Name: Text(name), Amount: *amount, Currency: "KRW",
		BuyerName: Text(buyerName), BuyerEmail: Text(buyerEmail), BuyerTel: Text(buyerTel), BuyerAddr: Text(buyerAddr),
		BuyerPostcode: Text(buyerPostcode), CustomData: Text(customText(b.raw("custom_data"))), Status: StatusReady,
		StartedAt: now, VbankCode: Text(bankCode), VbankName: Text(BankName(bankCode)), VbankNum: Text(vbankNumber(uid, now)),
		VbankHolder: Text(holder), VbankDate: due, VbankIssuedAt: now,
		CancelHistory: []Cancellation{}, CancelReceiptURLs: []string{}, UserAgent: Text(r.UserAgent()),
	}
	if err := a.store.IssueVbank(r.Context(), code, p, notice, now); err != nil {
		return nil, err
	}
	a.announce(code, p, notice, EventVbankIssued, "")
	return p, nil
}

// customText is custom_data as the API returns it: the text sent, or an object's JSON text.
func customText(raw []byte) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	return string(raw)
}

// vbankNumber is a 14-digit account number, different for each issue.
func vbankNumber(merchantUID string, now int64) string {
	sum := sha256.Sum256([]byte(merchantUID + "/" + strconv.FormatInt(now, 10) + "/" + resolver.NewIMPUID(nil)))
	n := strconv.FormatUint(binary.BigEndian.Uint64(sum[:8])%1e13, 10)
	return "9" + strings.Repeat("0", 13-len(n)) + n
}

// IssueVbank records a virtual account issued through the API. An order paid already cannot
// get one (OpenAPI, POST /vbanks: "이미 결제가 이루어진 적이 있는 merchant_uid로는 추가적인
// 가상계좌 생성이 불가능합니다").
func (s *Store) IssueVbank(ctx context.Context, merchantCode string, p Payment, notice []string, now int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM payments WHERE merchant_code = ? AND merchant_uid = ? AND paid_at > 0",
			merchantCode, p.MerchantUID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return refusedIn(msgAlreadyPaid, "merchant_uid "+quote(p.MerchantUID)+" has been paid already: a virtual account needs an order that never was")
		}
		return insertPayment(ctx, s.in(tx), merchantCode, p, notice, now)
	})
}

// updateVbank changes the amount or the deadline of an unpaid virtual account.
func (a *API) updateVbank(r *http.Request, code string) (any, error) {
	b, err := readFields(r)
	if err != nil {
		return nil, err
	}
	amount, err1 := b.amount("amount")
	due, hasDue, err2 := b.integer("vbank_due", 0, 1<<40)
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	now, err := a.clockOf(r.Context(), code)
	if err != nil {
		return nil, err
	}
	switch {
	case amount == nil && !hasDue:
		return nil, invalidIn("수정할 amount 또는 vbank_due 를 지정해주셔야합니다.", "give amount, vbank_due or both")
	case amount != nil && (*amount == 0 || resolver.CheckAmountText(amount.String(), "KRW") != nil):
		return nil, invalidIn("amount 파라메터가 올바르지 않습니다.", "amount must be a whole number of won above 0")
	case hasDue && due <= now:
		return nil, invalidIn("입금기한이 이미 지났습니다.", "vbank_due is in the past")
	}
	var p Payment
	err = a.store.changePayment(r.Context(), code, r.PathValue("imp_uid"), now, func(old Payment) (Payment, error) {
		if _, err := checkUnpaidVbank(old); err != nil {
			return old, err
		}
		if amount != nil {
			old.Amount = *amount
		}
		if hasDue {
			old.VbankDate = due
		}
		p = old
		return old, nil
	})
	return p, err
}

// deleteVbank closes an unpaid virtual account (말소): nobody can pay into it any more.
func (a *API) deleteVbank(r *http.Request, code string) (any, error) {
	now, err := a.clockOf(r.Context(), code)
	if err != nil {
		return nil, err
	}
	var p Payment
	err = a.store.changePayment(r.Context(), code, r.PathValue("imp_uid"), now, func(old Payment) (Payment, error) {
		if _, err := checkUnpaidVbank(old); err != nil {
			return old, err
		}
		old.Status, old.CancelledAt, old.CancelReason = StatusCancelled, now, "가상계좌 말소"
		p = old
		return old, nil
	})
	return p, err
}

func checkUnpaidVbank(p Payment) (Payment, error) {
	if p.PayMethod != "vbank" {
		return p, invalidIn("가상계좌 결제건이 아닙니다.", "payment "+p.ImpUID+" was paid by "+p.PayMethod+", not into a virtual account")
	}
	if p.Status != StatusReady {
		return p, invalidIn("입금대기 상태의 가상계좌가 아닙니다.", "virtual account "+p.ImpUID+" is "+p.Status+
			"; only one still waiting for its deposit (ready) can change")
	}
	return p, nil
}

// changePayment applies change to the merchant's payment in one transaction.
func (s *Store) changePayment(ctx context.Context, merchantCode, impUID string, now int64, change func(Payment) (Payment, error)) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		p, _, _, err := loadPayment(ctx, s.in(tx), "imp_uid = ? AND merchant_code = ?", impUID, merchantCode)
		if errors.Is(err, ErrNotFound) {
			return paymentNotFound(impUID)
		}
		if err != nil {
			return err
		}
		p, err = change(p)
		if err != nil {
			return err
		}
		return updatePayment(ctx, s.in(tx), p, now)
	})
}

// holderNames are the sandbox's account holders: an account number always gets the same one.
var holderNames = []string{"홍길동", "김철수", "이영희", "박민수", "최지우", "정하늘", "강바다", "윤가람"}

// vbankHolder answers who holds an account (예금주 조회, hidden from the OpenAPI since
// portone-io/developers.portone.io#969; its earlier schema: GET /vbanks/holder?bank_code&bank_num
// → {bank_holder}, 400 when one is missing, 404 when the account is not found). Sandbox magic:
// an account number ending in 0000 does not exist.
func (a *API) vbankHolder(r *http.Request, _ string) (any, error) {
	q := r.URL.Query()
	bank, num := q.Get("bank_code"), q.Get("bank_num")
	switch {
	case bank == "" || num == "":
		return nil, invalidIn("bank_code, bank_num 파라메터가 누락되었습니다.", "give bank_code (3 digits, GET /banks) and bank_num (the account number)")
	case BankName(bank) == "":
		return nil, notFoundIn(msgVbankHolderNotFound, "bank_code "+quote(bank)+" is not a bank code of GET /banks")
	}
	digits := strings.Map(func(c rune) rune {
		if c >= '0' && c <= '9' {
			return c
		}
		return -1
	}, num)
	if len(digits) < 6 || strings.HasSuffix(digits, "0000") {
		return nil, notFoundIn(msgVbankHolderNotFound, "sandbox: account "+quote(num)+" does not exist (numbers ending in 0000, or under 6 digits, never do)")
	}
	sum := sha256.Sum256([]byte(bank + "/" + digits))
	return struct {
		BankHolder string `json:"bank_holder"`
	}{holderNames[int(sum[0])%len(holderNames)]}, nil
}
