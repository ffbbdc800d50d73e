package ledger

// The sandbox clock: Stripe's test clocks are the model. Each merchant's clock is real time
// plus an offset that only grows (POST /sandbox/clock advances it or sets it later), so a
// merchant's test can jump a month ahead and see its schedules run, its access tokens expire
// and its virtual accounts pass their deadline, while other merchants keep real time.

import (
	"context"
	"database/sql"
	"strconv"
	"time"
)

const clockSchema = `
CREATE TABLE IF NOT EXISTS clocks (
	merchant_code TEXT PRIMARY KEY,
	offset_s      INTEGER NOT NULL
);
`

// maxClockOffset bounds how far a clock may run ahead: 100 years is past every card's expiry.
const maxClockOffset = 100 * 365 * 24 * 3600

// ClockOffset is how many seconds the merchant's clock runs ahead of real time.
func (s *Store) ClockOffset(ctx context.Context, merchantCode string) (int64, error) {
	var off int64
	err := (reads{s}).QueryRowContext(ctx, "SELECT offset_s FROM clocks WHERE merchant_code = ?", merchantCode).Scan(&off)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return off, err
}

// MoveClock sets the merchant's clock to now (given against real time realNow), which must not
// be before the clock's current time: what already happened in the sandbox (a schedule that
// ran, a token that expired) cannot un-happen. It returns the clock's new time.
func (s *Store) MoveClock(ctx context.Context, merchantCode string, now, realNow int64) (int64, error) {
	var moved int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var off int64
		err := tx.QueryRowContext(ctx, "SELECT offset_s FROM clocks WHERE merchant_code = ?", merchantCode).Scan(&off)
		if err != nil && err != sql.ErrNoRows {
			return err
		}
		current := realNow + off
		if now < current {
			return refused(-1, "샌드박스 시계는 앞으로만 움직일 수 있습니다.",
				"now "+strconv.FormatInt(now, 10)+" is before the clock's current time "+strconv.FormatInt(current, 10)+
					": the sandbox clock only moves forward (advance_s ≥ 0, or a later now)", ErrInvalid)
		}
		if now-realNow > maxClockOffset {
			return refused(-1, "샌드박스 시계를 100년 이상 앞당길 수 없습니다.",
				"the clock may run at most 100 years ahead of real time", ErrInvalid)
		}
		moved = now
		_, err = tx.ExecContext(ctx, `INSERT INTO clocks (merchant_code, offset_s) VALUES (?, ?)
			ON CONFLICT (merchant_code) DO UPDATE SET offset_s = excluded.offset_s`, merchantCode, now-realNow)
		return err
	})
	if err == nil {
		s.auth.clockSet(merchantCode, now-realNow)
	}
	return moved, err
}

// ResetClock puts the merchant back on real time.
func (s *Store) ResetClock(ctx context.Context, merchantCode string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM clocks WHERE merchant_code = ?", merchantCode)
		return err
	})
	if err == nil {
		s.auth.clockSet(merchantCode, 0)
	}
	return err
}

// TokenExpiry is the merchant a token belongs to, when it expires (on that merchant's clock)
// and that clock's offset; "" for an unknown token. One query, for every REST request.
func (s *Store) TokenExpiry(ctx context.Context, token string) (code string, expiredAt, clockOffset int64, err error) {
	code, expiredAt, clockOffset, gen, ok := s.auth.lookup(token)
	if ok {
		return code, expiredAt, clockOffset, nil
	}
	err = (reads{s}).QueryRowContext(ctx, `SELECT t.merchant_code, t.expired_at, COALESCE(c.offset_s, 0)
		FROM tokens t LEFT JOIN clocks c ON c.merchant_code = t.merchant_code WHERE t.token = ?`, token).Scan(&code, &expiredAt, &clockOffset)
	if err == sql.ErrNoRows {
		return "", 0, 0, nil
	}
	if err == nil {
		s.auth.learn(gen, token, code, expiredAt, clockOffset)
	}
	return code, expiredAt, clockOffset, err
}

// clockOf is the merchant's sandbox clock: real time plus its offset.
func (a *API) clockOf(ctx context.Context, merchantCode string) (int64, error) {
	if merchantCode == "" {
		return a.now(), nil
	}
	off, err := a.store.ClockOffset(ctx, merchantCode)
	return a.now() + off, err
}

// kst is Korea's time zone, where card expiry months and virtual-account deadlines are read.
var kst = time.FixedZone("KST", 9*3600)

func kstYearMonth(unix int64) (int, int) {
	t := time.Unix(unix, 0).In(kst)
	return t.Year(), int(t.Month())
}
