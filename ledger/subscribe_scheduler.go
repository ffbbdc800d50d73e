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

// moveClock answers POST /sandbox/clock: {"advance_s": N} moves the merchant's clock N seconds
// ahead, {"now": unix} sets it to that time (never back), {"reset": true} returns it to real
// time. Schedules that fall due run at once, each a payment with its webhook.
func (a *API) moveClock(r *http.Request, code string) (any, error) {
	f, err := readFields(r)
	if err != nil {
		return nil, err
	}
	advance, hasAdvance, err1 := intField(f, "advance_s")
	to, hasNow, err2 := intField(f, "now")
	reset, err3 := boolField(f, "reset")
	if err := errors.Join(err1, err2, err3); err != nil {
		return nil, err
	}
	given := 0
	for _, b := range []bool{hasAdvance, hasNow, reset} {
		if b {
			given++
		}
	}
	if given != 1 {
		return nil, refused(-1, "advance_s, now, reset 중 하나를 지정해주세요.",
			`send exactly one of {"advance_s": seconds}, {"now": unix seconds} or {"reset": true}`, ErrInvalid)
	}
	real := a.now()
	switch {
	case reset:
		if err := a.store.ResetClock(r.Context(), code); err != nil {
			return nil, err
		}
		return clockAnswer{Now: real}, nil
	case hasAdvance:
		off, err := a.store.ClockOffset(r.Context(), code)
		if err != nil {
			return nil, err
		}
		if advance > maxClockOffset {
			return nil, refused(-1, "샌드박스 시계를 100년 이상 앞당길 수 없습니다.", "advance_s "+strconv.FormatInt(advance, 10)+" is over 100 years", ErrInvalid)
		}
		to = real + off + advance
	}
	now, err := a.store.MoveClock(r.Context(), code, to, real)
	if err != nil {
		return nil, err
	}
	ran, err := a.runDue(r.Context(), code)
	if err != nil {
		return nil, err
	}
	return clockAnswer{Now: now, OffsetS: now - real, Ran: ran}, nil
}
