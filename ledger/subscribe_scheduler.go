package ledger

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// schedulerTick is how often due schedules are looked for in real time; moving a merchant's
// clock runs its due schedules at once, without waiting for a tick.
const schedulerTick = time.Second

// scheduler runs due schedules in the background, as the real service does at schedule_at.
type scheduler struct {
	start sync.Once
	wake  chan struct{}
	done  sync.WaitGroup
	// run serializes passes: the tick, a wake-up and a clock move never run one schedule twice
	// (the store makes sure of that too) nor hold SQLite's writer against each other.
	run sync.Mutex
}

// startScheduler starts the background pass once per API; Close stops it.
func (a *API) startScheduler() {
	a.sched.start.Do(func() {
		a.sched.wake = make(chan struct{}, 1)
		a.sched.done.Add(1)
		go a.schedulerLoop()
	})
}

// wakeScheduler asks for a pass soon (a schedule was booked).
func (a *API) wakeScheduler() {
	a.startScheduler()
	select {
	case a.sched.wake <- struct{}{}:
	default:
	}
}

func (a *API) schedulerLoop() {
	defer a.sched.done.Done()
	t := time.NewTicker(schedulerTick)
	defer t.Stop()
	for {
		select {
		case <-a.ctx.Done():
			return
		case <-t.C:
		case <-a.sched.wake:
		}
		if _, err := a.runDue(a.ctx, ""); err != nil && !errors.Is(err, context.Canceled) {
			a.log.Error("ledger: running due schedules", "err", err)
		}
	}
}

// runDue charges every schedule whose time has come on its merchant's clock (only merchant's,
// when not ""), records each payment, sends its webhooks, and returns what ran.
func (a *API) runDue(ctx context.Context, merchant string) ([]Schedule, error) {
	a.sched.run.Lock()
	defer a.sched.run.Unlock()
	nowOf := func(code string) (int64, error) {
		off, err := a.store.ClockOffset(ctx, code)
		return a.now() + off, err
	}
	due, err := a.store.DueSchedules(ctx, nowOf)
	if err != nil {
		return nil, err
	}
	ran := []Schedule{}
	for _, d := range due {
		if merchant != "" && d.MerchantCode != merchant {
			continue
		}
		now, err := nowOf(d.MerchantCode)
		if err != nil {
			return ran, err
		}
		sc, p, did, err := a.store.RunSchedule(ctx, d, now)
		if err != nil {
			return ran, err
		}
		if did {
			a.log.Info("ledger: scheduled payment ran", "merchant", d.MerchantCode, "merchant_uid", sc.MerchantUID,
				"imp_uid", p.ImpUID, "status", p.Status, "schedule_at", sc.ScheduleAt, "clock", now)
			// A scheduled payment is announced paid or failed (V1 webhook page).
			a.announce(d.MerchantCode, p, sc.NoticeURLs, EventScheduled, "")
			ran = append(ran, sc)
		}
	}
	return ran, nil
}

// stopScheduler waits for the background pass to end (after a.ctx is cancelled).
func (a *API) stopScheduler() { a.sched.done.Wait() }

// clockAnswer is what the clock endpoints answer.
type clockAnswer struct {
	Now     int64 `json:"now"`
	OffsetS int64 `json:"offset_s"`
	// Ran lists the schedules that ran because the clock moved (POST only).
	Ran []Schedule `json:"ran,omitempty"`
}

// getClock answers GET /sandbox/clock: the merchant's now, and how far it runs ahead.
func (a *API) getClock(r *http.Request, code string) (any, error) {
	off, err := a.store.ClockOffset(r.Context(), code)
	if err != nil {
		return nil, err
	}
	return clockAnswer{Now: a.now() + off, OffsetS: off}, nil
}

// clockMove is one move of a merchant's clock: exactly one of its fields is given.
type clockMove struct {
	AdvanceS *int64 `json:"advance_s"`
	Now      *int64 `json:"now"`
	Reset    bool   `json:"reset"`
}

// moveClock answers POST /sandbox/clock: {"advance_s": N} moves the merchant's clock N seconds
// ahead, {"now": unix} sets it to that time (never back), {"reset": true} returns it to real
// time. Schedules that fall due run at once, each a payment with its webhook.
func (a *API) moveClock(r *http.Request, code string) (any, error) {
	f, err := readFields(r)
	if err != nil {
		return nil, err
	}
	var m clockMove
	advance, hasAdvance, err1 := intField(f, "advance_s")
	to, hasNow, err2 := intField(f, "now")
	reset, err3 := boolField(f, "reset")
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, err
	}
	if hasAdvance {
		m.AdvanceS = &advance
	}
	if hasNow {
		m.Now = &to
	}
	m.Reset = reset
	return a.applyClockMove(r.Context(), code, m)
}

// applyClockMove moves the merchant's clock and runs what fell due.
func (a *API) applyClockMove(ctx context.Context, code string, m clockMove) (clockAnswer, error) {
	given := 0
	for _, b := range []bool{m.AdvanceS != nil, m.Now != nil, m.Reset} {
		if b {
			given++
		}
	}
	if given != 1 {
		return clockAnswer{}, refused(-1, "advance_s, now, reset 중 하나를 지정해주세요.",
			`send exactly one of {"advance_s": seconds}, {"now": unix seconds} or {"reset": true}`, ErrInvalid)
	}
	real := a.now()
	var to int64
	switch {
	case m.Reset:
		return clockAnswer{Now: real}, a.store.ResetClock(ctx, code)
	case m.AdvanceS != nil:
		off, err := a.store.ClockOffset(ctx, code)
		if err != nil {
			return clockAnswer{}, err
		}
		if *m.AdvanceS > maxClockOffset {
			return clockAnswer{}, refused(-1, "샌드박스 시계를 100년 이상 앞당길 수 없습니다.", "advance_s "+strconv.FormatInt(*m.AdvanceS, 10)+" is over 100 years", ErrInvalid)
		}
		to = real + off + *m.AdvanceS
	default:
		to = *m.Now
	}
	now, err := a.store.MoveClock(ctx, code, to, real)
	if err != nil {
		return clockAnswer{}, err
	}
	ran, err := a.runDue(ctx, code)
	if err != nil {
		return clockAnswer{}, err
	}
	return clockAnswer{Now: now, OffsetS: now - real, Ran: ran}, nil
}

// The bridge's view (no token, like every /sdk/sandbox/ endpoint): what the demo page shows of
// a merchant's billing keys and schedules, and its clock control.

// bridgeMerchant reads ?merchant_code= of a known merchant.
func (a *API) bridgeMerchant(r *http.Request) (string, error) {
	code := r.URL.Query().Get("merchant_code")
	return code, a.merchantOf(code)
}

// bridgeBillingKeys answers GET {sdk}/sandbox/billing_keys?merchant_code=…: the latest 100 keys.
func (a *API) bridgeBillingKeys(r *http.Request) (any, error) {
	code, err := a.bridgeMerchant(r)
	if err != nil {
		return nil, err
	}
	list, err := a.store.ListBillingKeys(r.Context(), code, 100)
	if err != nil {
		return nil, err
	}
	return struct {
		BillingKeys []BillingKey `json:"billing_keys"`
	}{list}, nil
}

// bridgeSchedules answers GET {sdk}/sandbox/schedules?merchant_code=…: the latest 200 by time.
func (a *API) bridgeSchedules(r *http.Request) (any, error) {
	code, err := a.bridgeMerchant(r)
	if err != nil {
		return nil, err
	}
	list, total, err := a.store.Schedules(r.Context(), code, ScheduleQuery{From: 0, To: 1 << 62, Page: 1, Limit: 200})
	if err != nil {
		return nil, err
	}
	return struct {
		Total     int        `json:"total"`
		Schedules []Schedule `json:"schedules"`
	}{total, list}, nil
}

// bridgeClock answers GET {sdk}/sandbox/clock?merchant_code=….
func (a *API) bridgeClock(r *http.Request) (any, error) {
	code, err := a.bridgeMerchant(r)
	if err != nil {
		return nil, err
	}
	return a.getClock(r, code)
}

// bridgeMoveClock answers POST {sdk}/sandbox/clock {"merchant_code", "advance_s" | "now" | "reset"}.
func (a *API) bridgeMoveClock(r *http.Request) (any, error) {
	var body struct {
		MerchantCode string `json:"merchant_code"`
		clockMove
	}
	if err := decodeBridge(r, &body); err != nil {
		return nil, err
	}
	if err := a.merchantOf(body.MerchantCode); err != nil {
		return nil, err
	}
	return a.applyClockMove(r.Context(), body.MerchantCode, body.clockMove)
}
