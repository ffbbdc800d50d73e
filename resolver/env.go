package resolver

import "sync/atomic"

// Env injects the clock and the randomness, so tests are exact.
type Env struct {
	Now  func() int64  // unix milliseconds (JS Date.now()); paid_at is Now()/1000
	Rand func() uint64 // imp_uid digits, pg_tid, apply_num, card number, vbank number
	// ReceiptBase prefixes receipt_url; "" means "https://sandbox.impshim.invalid/receipts/".
	ReceiptBase string
}

// fallbackRand is the state of Env.rand when no source was injected.
var fallbackRand atomic.Uint64

// now is the clock, 0 when none was injected (a zero Env never panics).
func (e Env) now() int64 {
	if e.Now != nil {
		return e.Now()
	}
	return 0
}

func (e Env) rand() uint64 {
	if e.Rand != nil {
		return e.Rand()
	}
	// splitmix64: deterministic, good enough for sandbox IDs when no source was injected. The
	// state is shared (the server may respond to many requests at once), hence atomic.
	z := fallbackRand.Add(0x9e3779b97f4a7c15)
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// digits returns n decimal digits from the env's randomness.
func (e Env) digits(n int) string {
	b := make([]byte, n)
	var r uint64
	for i := range b {
		if i%18 == 0 {
			r = e.rand()
		}
		b[i] = byte('0' + r%10)
		r /= 10
	}
	return string(b)
}
