package ledger

// Scheduled charges: booked all or nothing, run once when due on the merchant's clock,
// moved, rebooked, retried, revoked.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

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
		if err := insertPayment(ctx, s.in(tx), d.MerchantCode, p, sc.NoticeURLs, now); err != nil {
			return err
		}
		sc.ScheduleStatus, sc.ExecutedAt, sc.ImpUID = ScheduleExecuted, now, Text(p.ImpUID)
		sc.PaymentStatus, sc.FailReason = Text(p.Status), p.FailReason
		ran = true
		return putSchedule(ctx, tx, d.MerchantCode, sc, false)
	})
	return sc, p, ran, err
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
		if err := insertPayment(ctx, s.in(tx), merchantCode, p, sc.NoticeURLs, now); err != nil {
			return err
		}
		sc.ExecutedAt, sc.ImpUID, sc.PaymentStatus, sc.FailReason = now, Text(p.ImpUID), Text(p.Status), p.FailReason
		return putSchedule(ctx, tx, merchantCode, sc, false)
	})
	return sc, p, refusal, err
}
