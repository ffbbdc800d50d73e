package ledger

// The background pass that runs due schedules, as the real service does at schedule_at.

import (
	"context"
	"errors"
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
