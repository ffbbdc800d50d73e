package ledger

// The sandbox clock's endpoints: GET/POST /sandbox/clock with the merchant's REST token, and
// the same under /sdk/sandbox/ for the demo page and test tools.

import (
	"context"
	"errors"
	"net/http"
	"strconv"
)

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
