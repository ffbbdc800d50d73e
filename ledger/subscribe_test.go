package ledger

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(":memory:")
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

var validCard = Card{Number: "4242-4242-4242-4242", Expiry: "2099-12", Birth: "900101", Pwd2Digit: "00"}

func midB(uid string) BillingKey {
	return BillingKey{CustomerUID: uid, PGProvider: "html5_inicis", PGID: "MID-b", CustomerName: "홍길동"}
}

// refusal asserts err is the real API's refusal with that code and message.
func wantRefused(t *testing.T, err error, code int, msg string) *Refusal {
	t.Helper()
	var r *Refusal
	require.True(t, errors.As(err, &r), "want a *Refusal, got %v", err)
	assert.Equal(t, code, r.Code, "code of %v", err)
	assert.Equal(t, msg, r.Message)
	assert.NotEmpty(t, r.Explain, "every refusal says what to change")
	return r
}

func TestBillingKeyLifecycle(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	k, err := s.IssueFromCard(ctx, DemoMerchant, midB("gildong_1"), validCard, t0)
	require.NoError(t, err)
	assert.Equal(t, "42424242****4242", string(k.CardNumber), "masked as the real API masks")
	assert.Equal(t, "MID-b", k.PGID)
	assert.True(t, k.Sandbox)
	assert.NotEmpty(t, k.CardName)
	assert.Equal(t, int64(t0), k.Inserted)

	got, err := s.BillingKey(ctx, DemoMerchant, "gildong_1")
	require.NoError(t, err)
	assert.Equal(t, k, got)

	_, err = s.BillingKey(ctx, "imp_other", "gildong_1")
	r := wantRefused(t, err, 1, "요청하신 customer_uid(gildong_1)로 등록된 정보를 찾을 수 없습니다.")
	assert.ErrorIs(t, r, ErrNotFound, "another merchant's keys are invisible")

	// Reusing the customer_uid replaces the card (the guide's rule) and keeps inserted.
	other := validCard
	other.Number = "5555-5555-5555-4444"
	k2, err := s.IssueFromCard(ctx, DemoMerchant, midB("gildong_1"), other, t0+60)
	require.NoError(t, err)
	assert.Equal(t, "55555555****4444", string(k2.CardNumber))
	assert.Equal(t, int64(t0), k2.Inserted)
	assert.Equal(t, int64(t0+60), k2.Updated)

	list, missing, err := s.BillingKeys(ctx, DemoMerchant, []string{"nobody", "gildong_1"})
	require.NoError(t, err)
	assert.Equal(t, []string{"nobody"}, missing)
	require.Len(t, list, 1)
	assert.Equal(t, k2, list[0])

	del, err := s.DeleteBillingKey(ctx, DemoMerchant, "gildong_1", t0+120)
	require.NoError(t, err)
	assert.Equal(t, k2, del, "delete answers the key as it was")
	_, err = s.BillingKey(ctx, DemoMerchant, "gildong_1")
	r = wantRefused(t, err, 1, "요청하신 customer_uid(gildong_1)로 등록된 정보를 찾을 수 없습니다.")
	assert.Contains(t, r.Explain, "deleted", "the sandbox says why")
	_, err = s.DeleteBillingKey(ctx, DemoMerchant, "gildong_1", t0+130)
	wantRefused(t, err, 1, "요청하신 customer_uid(gildong_1)로 등록된 정보를 찾을 수 없습니다.")

	// A new key under a deleted customer_uid is a new key.
	k3, err := s.IssueFromCard(ctx, DemoMerchant, midB("gildong_1"), validCard, t0+200)
	require.NoError(t, err)
	assert.Equal(t, int64(t0+200), k3.Inserted)
}

func TestIssueFromCardRefusals(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	cases := []struct {
		name string
		uid  string
		card Card
		code int
		msg  string
	}{
		{"no card number", "u1", Card{Expiry: "2099-01"}, -1, "카드번호(card_number)는 필수입력입니다."},
		{"letters", "u1", Card{Number: "4242-abcd-4242-4242", Expiry: "2099-01"}, -1, "카드정보 인증 및 빌키 발급에 실패하였습니다. [카드번호 오류]"},
		{"short", "u1", Card{Number: "4242", Expiry: "2099-01"}, -1, "카드정보 인증 및 빌키 발급에 실패하였습니다. [카드번호 오류]"},
		{"expiry format", "u1", Card{Number: "4242424242424242", Expiry: "12/99"}, -1, "카드정보 인증 및 빌키 발급에 실패하였습니다. [유효기간 오류]"},
		{"expired", "u1", Card{Number: "4242424242424242", Expiry: "2019-03"}, -1, "카드정보 인증 및 빌키 발급에 실패하였습니다. [유효기간 오류]"},
		{"month 13", "u1", Card{Number: "4242424242424242", Expiry: "2099-13"}, -1, "카드정보 인증 및 빌키 발급에 실패하였습니다. [유효기간 오류]"},
		{"pg failure card", "u1", Card{Number: "4000-0000-0000-0119", Expiry: "2099-01"}, -1, "카드정보 인증 및 빌키 발급에 실패하였습니다. [sandbox] PG사 통신 장애로 결제요청에 실패했습니다"},
		{"empty customer_uid", " ", validCard, -1, "customer_uid는 필수입력입니다."},
		{"long customer_uid", string(make([]byte, 81)), validCard, -1, "customer_uid는 80자 이내여야 합니다."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.IssueFromCard(ctx, DemoMerchant, midB(c.uid), c.card, t0)
			wantRefused(t, err, c.code, c.msg)
			_, err = s.BillingKey(ctx, DemoMerchant, c.uid)
			assert.ErrorIs(t, err, ErrNotFound, "nothing stored")
		})
	}
	// YYYYMM is read too, as several clients send it.
	_, err := s.IssueFromCard(ctx, DemoMerchant, midB("u2"), Card{Number: "4242424242424242", Expiry: "209901"}, t0)
	assert.NoError(t, err)
}

func TestChargeKeyOutcomes(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	issue := func(uid, number string) {
		t.Helper()
		c := validCard
		c.Number = number
		_, err := s.IssueFromCard(ctx, DemoMerchant, midB(uid), c, t0)
		require.NoError(t, err)
	}
	issue("ok", "4242424242424242")
	issue("declines", "4000-0000-0000-0002")
	issue("broke", "4000000000009995")
	issue("pgdown", "4242424242424242")
	// A key issued in the browser has no card number: its customer_uid decides.
	_, err := s.IssueBillingKey(ctx, DemoMerchant, midB("window_insufficient"), MagicNone, t0)
	require.NoError(t, err)

	charge := func(mu string) Charge {
		return Charge{MerchantUID: mu, Amount: Whole(8900), Name: "월간 이용권", NoticeURLs: []string{"http://127.0.0.1:1/hook"}}
	}
	cases := []struct {
		uid, mu, status, reason string
		pgFailure               bool
	}{
		{"ok", "o1", StatusPaid, "", false},
		{"declines", "o2", StatusFailed, "[sandbox] 카드사 승인 거절 (거래거절 카드)", false},
		{"broke", "o3", StatusFailed, "[sandbox] 잔액부족 또는 한도초과", false},
		{"window_insufficient", "o4", StatusFailed, "[sandbox] 잔액부족 또는 한도초과", false},
	}
	for _, c := range cases {
		p, refusalErr, err := s.ChargeKey(ctx, DemoMerchant, c.uid, charge(c.mu), t0+10)
		require.NoError(t, err, c.uid)
		assert.Nil(t, refusalErr, c.uid)
		assert.Equal(t, c.status, p.Status, c.uid)
		assert.Equal(t, c.reason, string(p.FailReason), c.uid)
		assert.Equal(t, "api", p.Channel)
		assert.Equal(t, "payment", string(p.CustomerUIDUsage))
		assert.Equal(t, "MID-b", string(p.PGID))
		stored, err := s.Payment(ctx, DemoMerchant, p.ImpUID)
		require.NoError(t, err, "every charge is a payment like any other")
		assert.Equal(t, p.Status, stored.Status)
	}

	// PG failure by customer_uid: a failed payment recorded, and the refusal for the answer.
	_, err = s.IssueBillingKey(ctx, DemoMerchant, midB("k_pg_failure"), MagicNone, t0)
	require.NoError(t, err)
	p, pgErr, err := s.ChargeKey(ctx, DemoMerchant, "k_pg_failure", charge("o5"), t0)
	require.NoError(t, err)
	require.NotNil(t, pgErr)
	assert.Equal(t, -1, pgErr.Code)
	assert.Equal(t, StatusFailed, p.Status)

	_, _, err = s.ChargeKey(ctx, DemoMerchant, "ok", charge("o1"), t0+20)
	wantRefused(t, err, 1, "이미 결제가 완료된 merchant_uid(o1)입니다.")
	_, _, err = s.ChargeKey(ctx, DemoMerchant, "nobody", charge("o6"), t0+20)
	wantRefused(t, err, 1, "등록된 고객정보가 없습니다.")
	_, err = s.DeleteBillingKey(ctx, DemoMerchant, "ok", t0+30)
	require.NoError(t, err)
	_, _, err = s.ChargeKey(ctx, DemoMerchant, "ok", charge("o7"), t0+40)
	r := wantRefused(t, err, 1, "등록된 고객정보가 없습니다.")
	assert.Contains(t, r.Explain, "deleted")
	_, err = s.FindByMerchantUID(ctx, DemoMerchant, "o7", "")
	assert.ErrorIs(t, err, ErrNotFound, "a refused charge leaves no payment")

	list, total, err := s.CustomerPayments(ctx, DemoMerchant, "declines", 1)
	require.NoError(t, err)
	assert.Equal(t, 1, total)
	assert.Equal(t, "o2", list[0].MerchantUID)
}

func TestChargeCardOnetime(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	k := BillingKey{PGProvider: "html5_inicis", PGID: "MID-b"}
	p, rerr, err := s.ChargeCard(ctx, DemoMerchant, k, validCard, Charge{MerchantUID: "one1", Amount: Whole(1000)}, false, t0)
	require.NoError(t, err)
	assert.Nil(t, rerr)
	assert.Equal(t, StatusPaid, p.Status)
	assert.Empty(t, string(p.CustomerUID))

	k.CustomerUID = "kept_1"
	p, _, err = s.ChargeCard(ctx, DemoMerchant, k, Card{Number: "4000000000000002", Expiry: "2099-01"}, Charge{MerchantUID: "one2", Amount: Whole(1000)}, true, t0)
	require.NoError(t, err)
	assert.Equal(t, StatusFailed, p.Status, "the decline test card declines")
	kept, err := s.BillingKey(ctx, DemoMerchant, "kept_1")
	require.NoError(t, err, "onetime with customer_uid keeps the card as a key")
	assert.Equal(t, "40000000****0002", string(kept.CardNumber))
	p, _, err = s.ChargeKey(ctx, DemoMerchant, "kept_1", Charge{MerchantUID: "one3", Amount: Whole(1000)}, t0)
	require.NoError(t, err)
	assert.Equal(t, StatusFailed, p.Status, "the key remembers its card's magic")

	_, _, err = s.ChargeCard(ctx, DemoMerchant, k, Card{Number: "x", Expiry: "2099-01"}, Charge{MerchantUID: "one4", Amount: Whole(1)}, false, t0)
	wantRefused(t, err, -1, "카드정보 인증에 실패하였습니다. [카드번호 오류]")
}

func booking(mu string, at int64) Schedule {
	return Schedule{MerchantUID: mu, ScheduleAt: at, Amount: Whole(8900), Name: "월간 이용권 정기결제", NoticeURLs: []string{"http://127.0.0.1:1/hook"}}
}

func TestAddSchedulesAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	_, err := s.IssueFromCard(ctx, DemoMerchant, midB("sub_1"), validCard, t0)
	require.NoError(t, err)
	_, _, err = s.ChargeKey(ctx, DemoMerchant, "sub_1", Charge{MerchantUID: "already_paid", Amount: Whole(1)}, t0)
	require.NoError(t, err)
	_, err = s.AddSchedules(ctx, DemoMerchant, ScheduleRequest{CustomerUID: "sub_1", Schedules: []Schedule{booking("booked", t0+100)}}, t0)
	require.NoError(t, err)

	cases := []struct {
		name string
		req  ScheduleRequest
		code int
		msg  string
	}{
		{"unknown customer", ScheduleRequest{CustomerUID: "nobody", Schedules: []Schedule{booking("n1", t0+10)}}, 1, "등록된 고객정보가 없습니다."},
		{"duplicate in request", ScheduleRequest{CustomerUID: "sub_1", Schedules: []Schedule{booking("d1", t0+10), booking("d2", t0+20), booking("d1", t0+30)}},
			1, "중복된 merchant_uid(d1)가 있습니다."},
		{"in the past", ScheduleRequest{CustomerUID: "sub_1", Schedules: []Schedule{booking("p1", t0+10), booking("p2", t0)}},
			1, "결제예약 시각(schedule_at)은 현재 시각 이후여야 합니다."},
		{"already booked", ScheduleRequest{CustomerUID: "sub_1", Schedules: []Schedule{booking("b1", t0+10), booking("booked", t0+20)}},
			1, "이미 예약된 merchant_uid(booked)입니다."},
		{"already paid", ScheduleRequest{CustomerUID: "sub_1", Schedules: []Schedule{booking("b2", t0+10), booking("already_paid", t0+20)}},
			1, "이미 결제가 완료된 merchant_uid(already_paid)입니다."},
		{"zero amount", ScheduleRequest{CustomerUID: "sub_1", Schedules: []Schedule{{MerchantUID: "z1", ScheduleAt: t0 + 10}}},
			-1, "결제금액(amount)은 0보다 커야 합니다."},
		{"no schedules", ScheduleRequest{CustomerUID: "sub_1"}, -1, "schedules는 필수입력입니다."},
		{"no merchant_uid", ScheduleRequest{CustomerUID: "sub_1", Schedules: []Schedule{booking("", t0+10)}}, -1, "merchant_uid는 필수입력입니다."},
		{"bad card for a new key", ScheduleRequest{CustomerUID: "new_1", Issue: &BillingKey{CustomerUID: "new_1", PGProvider: "html5_inicis", PGID: "MID-b"},
			Card: Card{Number: "1", Expiry: "2099-01"}, Schedules: []Schedule{booking("c1", t0+10)}}, -1, "카드정보 인증 및 빌키 발급에 실패하였습니다. [카드번호 오류]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.AddSchedules(ctx, DemoMerchant, c.req, t0)
			wantRefused(t, err, c.code, c.msg)
			list, total, err := s.Schedules(ctx, DemoMerchant, ScheduleQuery{From: 0, To: 1 << 40, Page: 1, Limit: 100})
			require.NoError(t, err)
			assert.Equal(t, 1, total, "nothing half-written: only the first booking is there")
			assert.Equal(t, "booked", list[0].MerchantUID)
			_, err = s.BillingKey(ctx, DemoMerchant, "new_1")
			assert.ErrorIs(t, err, ErrNotFound, "a refused request issues no key either")
		})
	}

	// Card fields with a new customer_uid issue the key, then book.
	out, err := s.AddSchedules(ctx, DemoMerchant, ScheduleRequest{CustomerUID: "new_2", CustomerID: "member_7",
		Issue: &BillingKey{CustomerUID: "new_2", PGProvider: "html5_inicis", PGID: "MID-b"}, Card: validCard,
		Schedules: []Schedule{booking("n2a", t0+10), booking("n2b", t0+20)}}, t0)
	require.NoError(t, err)
	require.Len(t, out, 2)
	assert.Equal(t, ScheduleScheduled, out[0].ScheduleStatus)
	assert.Equal(t, "member_7", string(out[0].CustomerID))
	assert.Equal(t, "MID-b", string(out[0].PGID))
	_, err = s.BillingKey(ctx, DemoMerchant, "new_2")
	assert.NoError(t, err)
}

func TestSchedulesRunAndUnschedule(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	_, err := s.IssueFromCard(ctx, DemoMerchant, midB("sub_1"), validCard, t0)
	require.NoError(t, err)
	_, err = s.AddSchedules(ctx, DemoMerchant, ScheduleRequest{CustomerUID: "sub_1",
		Schedules: []Schedule{booking("m1", t0+100), booking("m2", t0+200), booking("m3", t0+300)}}, t0)
	require.NoError(t, err)

	now := int64(t0 + 250)
	due, err := s.DueSchedules(ctx, func(string) (int64, error) { return now, nil })
	require.NoError(t, err)
	require.Len(t, due, 2)
	assert.Equal(t, "m1", due[0].MerchantUID)

	// Two callers racing for the same due schedule: it runs once.
	var wg sync.WaitGroup
	var mu sync.Mutex
	runs := 0
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, d := range due {
				_, _, ran, err := s.RunSchedule(ctx, d, now)
				assert.NoError(t, err)
				if ran {
					mu.Lock()
					runs++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 2, runs)

	sc, err := s.Schedule(ctx, DemoMerchant, "m1")
	require.NoError(t, err)
	assert.Equal(t, ScheduleExecuted, sc.ScheduleStatus)
	assert.Equal(t, StatusPaid, string(sc.PaymentStatus))
	assert.Equal(t, now, sc.ExecutedAt)
	p, err := s.Payment(ctx, DemoMerchant, string(sc.ImpUID))
	require.NoError(t, err)
	assert.Equal(t, "payment.scheduled", string(p.CustomerUIDUsage))
	assert.Equal(t, "m1", p.MerchantUID)

	// payment_status follows the payment: cancelled after it ran.
	_, _, _, err = s.Cancel(ctx, DemoMerchant, Cancel{ImpUID: p.ImpUID, Reason: "test"}, now)
	require.NoError(t, err)
	sc, err = s.Schedule(ctx, DemoMerchant, "m1")
	require.NoError(t, err)
	assert.Equal(t, StatusCancelled, string(sc.PaymentStatus))

	list, total, err := s.Schedules(ctx, DemoMerchant, ScheduleQuery{CustomerUID: "sub_1", From: t0, To: t0 + 1000, Status: ScheduleScheduled, Page: 1, Limit: 20})
	require.NoError(t, err)
	assert.Equal(t, 1, total)
	assert.Equal(t, "m3", list[0].MerchantUID)
	list, _, err = s.Schedules(ctx, DemoMerchant, ScheduleQuery{From: t0, To: t0 + 300, Page: 1, Limit: 20, Oldest: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"m1", "m2"}, []string{list[0].MerchantUID, list[1].MerchantUID}, "to is exclusive; oldest first")

	_, err = s.Unschedule(ctx, DemoMerchant, "sub_1", []string{"m1"}, now)
	wantRefused(t, err, 1, "취소할 예약결제 기록이 존재하지 않습니다.")
	out, err := s.Unschedule(ctx, DemoMerchant, "sub_1", nil, now)
	require.NoError(t, err)
	require.Len(t, out, 1)
	assert.Equal(t, "m3", out[0].MerchantUID)
	assert.Equal(t, ScheduleRevoked, out[0].ScheduleStatus)
	assert.Equal(t, now, out[0].RevokedAt)
	due, err = s.DueSchedules(ctx, func(string) (int64, error) { return now + 1000, nil })
	require.NoError(t, err)
	assert.Empty(t, due, "a revoked schedule never runs")

	// A revoked merchant_uid may be booked again.
	_, err = s.AddSchedules(ctx, DemoMerchant, ScheduleRequest{CustomerUID: "sub_1", Schedules: []Schedule{booking("m3", now+10)}}, now)
	assert.NoError(t, err)
	_, err = s.Unschedule(ctx, DemoMerchant, "", nil, now)
	wantRefused(t, err, -1, "customer_uid 또는 merchant_uid 중 하나는 필수입력입니다.")
}

func TestScheduleOfDeletedKeyFails(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	_, err := s.IssueFromCard(ctx, DemoMerchant, midB("sub_1"), validCard, t0)
	require.NoError(t, err)
	_, err = s.AddSchedules(ctx, DemoMerchant, ScheduleRequest{CustomerUID: "sub_1", Schedules: []Schedule{booking("m1", t0+100)}}, t0)
	require.NoError(t, err)
	_, err = s.DeleteBillingKey(ctx, DemoMerchant, "sub_1", t0+1)
	require.NoError(t, err)
	sc, p, ran, err := s.RunSchedule(ctx, DueSchedule{MerchantCode: DemoMerchant, MerchantUID: "m1"}, t0+100)
	require.NoError(t, err)
	assert.True(t, ran)
	assert.Equal(t, StatusFailed, p.Status)
	assert.Contains(t, string(p.FailReason), "등록된 고객정보가 없습니다.")
	assert.Equal(t, StatusFailed, string(sc.PaymentStatus))
}

func TestClockMovesForwardOnly(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	off, err := s.ClockOffset(ctx, DemoMerchant)
	require.NoError(t, err)
	assert.Zero(t, off, "without a clock, time is real time")
	now, err := s.MoveClock(ctx, DemoMerchant, t0+3600, t0)
	require.NoError(t, err)
	assert.Equal(t, int64(t0+3600), now)
	off, _ = s.ClockOffset(ctx, DemoMerchant)
	assert.Equal(t, int64(3600), off)
	off, _ = s.ClockOffset(ctx, "imp_other")
	assert.Zero(t, off, "clocks are per merchant")
	_, err = s.MoveClock(ctx, DemoMerchant, t0+100, t0+10)
	wantRefused(t, err, -1, "샌드박스 시계는 앞으로만 움직일 수 있습니다.")
	_, err = s.MoveClock(ctx, DemoMerchant, t0+maxClockOffset+1, t0)
	wantRefused(t, err, -1, "샌드박스 시계를 100년 이상 앞당길 수 없습니다.")
	require.NoError(t, s.ResetClock(ctx, DemoMerchant))
	off, _ = s.ClockOffset(ctx, DemoMerchant)
	assert.Zero(t, off)
}

func TestIssueBillingKeyFromAttempt(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	req := []byte(`{"pg":"html5_inicis.MID-b","customer_uid":"gildong_0001_1234","customer_id":"member_1","amount":0,
		"buyer_name":"홍길동","buyer_tel":"010-1234-5678","buyer_email":"gildong@example.com"}`)
	resp := []byte(`{"success":true,"imp_uid":"imps_000000000001","customer_uid":"gildong_0001_1234","card_name":"샌드박스카드","card_number":"412345******6789"}`)
	k, issued, why, err := s.IssueBillingKeyFromAttempt(ctx, DemoMerchant, WindowKey{Request: req, Response: resp, PG: "html5_inicis", MID: "MID-b", PayType: "subscription"}, t0)
	require.NoError(t, err)
	require.True(t, issued, why)
	assert.Equal(t, "MID-b", k.PGID)
	assert.Equal(t, "html5_inicis", k.PGProvider)
	assert.Equal(t, "member_1", string(k.CustomerID))
	assert.Equal(t, "홍길동", string(k.CustomerName))
	assert.Equal(t, "412345******6789", string(k.CardNumber))
	got, err := s.BillingKey(ctx, DemoMerchant, "gildong_0001_1234")
	require.NoError(t, err)
	assert.Equal(t, k, got)

	// The same customer_uid again, another card: replaced, inserted kept.
	resp2 := []byte(`{"success":true,"customer_uid":"gildong_0001_1234","card_number":"499999******0000"}`)
	k2, issued, _, err := s.IssueBillingKeyFromAttempt(ctx, DemoMerchant, WindowKey{Request: req, Response: resp2, PG: "html5_inicis", MID: "MID-b", PayType: "subscription"}, t0+10)
	require.NoError(t, err)
	require.True(t, issued)
	assert.Equal(t, "499999******0000", string(k2.CardNumber))
	assert.Equal(t, int64(t0), k2.Inserted)

	for _, c := range []struct {
		name    string
		w       WindowKey
		because string
	}{
		{"failed window", WindowKey{Request: req, Response: []byte(`{"success":false,"customer_uid":"x_1"}`), PG: "html5_inicis", MID: "MID-b", PayType: "subscription"}, "did not succeed"},
		{"general setting", WindowKey{Request: []byte(`{"customer_uid":"x_1"}`), Response: []byte(`{"success":true}`), PG: "html5_inicis", MID: "MID-a", PayType: "general"}, "BILLING_KEY_ON_NON_SUBSCRIPTION"},
		{"plain payment", WindowKey{Request: []byte(`{}`), Response: []byte(`{"success":true}`), PG: "html5_inicis", MID: "MID-b", PayType: "subscription"}, "no customer_uid"},
		{"garbage", WindowKey{Request: []byte(`[`), Response: []byte(`7`), PG: "html5_inicis", MID: "MID-b", PayType: "subscription"}, "no customer_uid"},
	} {
		_, issued, why, err := s.IssueBillingKeyFromAttempt(ctx, DemoMerchant, c.w, t0)
		require.NoError(t, err, c.name)
		assert.False(t, issued, c.name)
		assert.Contains(t, why, c.because, c.name)
	}
	_, err = s.BillingKey(ctx, DemoMerchant, "x_1")
	assert.ErrorIs(t, err, ErrNotFound)
}
