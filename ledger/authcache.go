package ledger

import "sync"

// authCache keeps what every REST request asks first — whose token is this, when does it
// expire, how far ahead is that merchant's clock — in memory: the query was a fifth of a
// GET /payments/{imp_uid}'s time in the ledger (make bench -rest-profile). Only this Store
// writes tokens (IssueToken) and clocks (MoveClock, ResetClock), and each updates the cache
// after its transaction commits, so the cache never answers what the database would not.
// Unknown tokens are not kept: a stream of wrong ones costs queries, not memory.
type authCache struct {
	mu     sync.RWMutex
	tokens map[string]cachedToken
	clocks map[string]int64 // merchant → clock offset (present: known, 0 included)
	// gen counts the writes: an answer read from the database while one committed may be
	// older than the cache, and is not learnt.
	gen uint64
}

type cachedToken struct {
	merchant  string
	expiredAt int64
}

// maxCachedTokens bounds the cache; past it, it starts again empty.
const maxCachedTokens = 10000

// lookup answers from the cache; when it cannot, gen is what learn takes after the query.
func (c *authCache) lookup(token string) (merchant string, expiredAt, offset int64, gen uint64, ok bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	t, ok := c.tokens[token]
	if !ok {
		return "", 0, 0, c.gen, false
	}
	offset, ok = c.clocks[t.merchant]
	return t.merchant, t.expiredAt, offset, c.gen, ok
}

// learn records what the database answered for a token, unless a write came since gen.
func (c *authCache) learn(gen uint64, token, merchant string, expiredAt, offset int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	c.putToken(token, merchant, expiredAt)
	c.clocks[merchant] = offset
}

func (c *authCache) putToken(token, merchant string, expiredAt int64) {
	if c.tokens == nil || len(c.tokens) >= maxCachedTokens {
		c.tokens, c.clocks = map[string]cachedToken{}, map[string]int64{}
	}
	c.tokens[token] = cachedToken{merchant: merchant, expiredAt: expiredAt}
}

// issued follows IssueToken: the merchant's tokens that expired by now were deleted, and
// token lives until expiredAt.
func (c *authCache) issued(merchant string, now int64, token string, expiredAt int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k, t := range c.tokens {
		if t.merchant == merchant && t.expiredAt <= now {
			delete(c.tokens, k)
		}
	}
	c.putToken(token, merchant, expiredAt)
}

// clockSet follows MoveClock and ResetClock.
func (c *authCache) clockSet(merchant string, offset int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if c.clocks != nil {
		c.clocks[merchant] = offset
	}
}
