package ledger

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The cache answers what the database holds after every write of tokens and clocks.
func TestAuthCacheFollowsTokensAndClocks(t *testing.T) {
	ctx := context.Background()
	s, err := Open(":memory:")
	require.NoError(t, err)
	defer s.Close()
	fromDB := func(token string) (string, int64, int64) {
		var code string
		var exp, off int64
		err := s.db.QueryRowContext(ctx, `SELECT t.merchant_code, t.expired_at, COALESCE(c.offset_s, 0)
			FROM tokens t LEFT JOIN clocks c ON c.merchant_code = t.merchant_code WHERE t.token = ?`, token).Scan(&code, &exp, &off)
		if err != nil {
			return "", 0, 0
		}
		return code, exp, off
	}
	check := func(token, what string) {
		t.Helper()
		for range 2 { // the first answer may come from the database, the second from the cache
			code, exp, off, err := s.TokenExpiry(ctx, token)
			require.NoError(t, err)
			wc, we, wo := fromDB(token)
			assert.Equal(t, []any{wc, we, wo}, []any{code, exp, off}, what)
		}
	}
	tok, err := s.IssueToken(ctx, DemoMerchant, t0, 1800)
	require.NoError(t, err)
	check(tok.AccessToken, "issued")
	_, err = s.MoveClock(ctx, DemoMerchant, t0+600, t0)
	require.NoError(t, err)
	check(tok.AccessToken, "clock moved")
	again, err := s.IssueToken(ctx, DemoMerchant, t0+1780, 1800) // its last minute: extended
	require.NoError(t, err)
	assert.Equal(t, tok.AccessToken, again.AccessToken)
	check(tok.AccessToken, "extended")
	newer, err := s.IssueToken(ctx, DemoMerchant, t0+5000, 1800) // expired: deleted, a new one
	require.NoError(t, err)
	check(tok.AccessToken, "deleted")
	check(newer.AccessToken, "new token")
	require.NoError(t, s.ResetClock(ctx, DemoMerchant))
	check(newer.AccessToken, "clock reset")
	check("nope", "unknown")
}

// An answer read before a write committed is not learnt over the write's.
func TestAuthCacheKeepsNoAnswerOlderThanAWrite(t *testing.T) {
	var c authCache
	_, _, _, gen, ok := c.lookup("tok")
	require.False(t, ok)
	c.clockSet(DemoMerchant, 60) // commits while the query is under way
	c.learn(gen, "tok", DemoMerchant, t0, 0)
	_, _, _, _, ok = c.lookup("tok")
	assert.False(t, ok, "a stale answer was learnt")
	_, _, _, gen, _ = c.lookup("tok")
	c.learn(gen, "tok", DemoMerchant, t0, 60)
	m, exp, off, _, ok := c.lookup("tok")
	assert.True(t, ok)
	assert.Equal(t, []any{DemoMerchant, int64(t0), int64(60)}, []any{m, exp, off})
}
