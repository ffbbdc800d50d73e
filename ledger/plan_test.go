package ledger

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// queryPlan is EXPLAIN QUERY PLAN's detail lines for query.
func queryPlan(t *testing.T, s *Store, query string, args ...any) []string {
	t.Helper()
	rows, err := s.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	require.NoError(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		plan = append(plan, detail)
	}
	require.NoError(t, rows.Err())
	return plan
}

// Every listing the API offers — each sorting, with and without a status, an order
// (merchant_uid) and a started_at range — reads an index: no scan of the table, and no sort of
// the merchant's rows. Only an order's own payments (a handful) may be sorted after the search,
// and the payments of a started_at range sorted by paid or updated time.
func TestListPlansUseIndexes(t *testing.T) {
	s, err := Open(":memory:")
	require.NoError(t, err)
	defer s.Close()
	var rs []Record
	for i := range 200 {
		p := benchlessPayment(i)
		rs = append(rs, Record{MerchantCode: DemoMerchant, Payment: p})
	}
	require.NoError(t, s.Import(context.Background(), rs, t0))

	for sorting := range sortings {
		for _, status := range []string{"all", StatusPaid} {
			for _, order := range []string{"", "order_7"} {
				for _, span := range [][2]int64{{0, 0}, {t0 - 100, t0 + 100}} {
					q := ListQuery{Status: status, Page: 1, Limit: 20, Sorting: sorting, MerchantUID: order, From: span[0], To: span[1]}
					name := fmt.Sprintf("sorting=%q status=%s order=%q from=%d", sorting, status, order, span[0])
					count, page, args, err := listSQL(DemoMerchant, q)
					require.NoError(t, err)
					for _, query := range []struct {
						sql  string
						args []any
					}{{count, args}, {page, append(args, 20, 0)}} {
						plan := strings.Join(queryPlan(t, s, query.sql, query.args...), "; ")
						assert.Contains(t, plan, "USING ", "%s: %s reads no index: %s", name, query.sql, plan)
						assert.NotRegexp(t, `SCAN payments($|;| USING INDEX payments_by_(seq|merchant_uid))`, plan, "%s: %s scans the table: %s", name, query.sql, plan)
						ranged := span[0] > 0 && sorting != "" && !strings.HasSuffix(sorting, "started")
						if order == "" && !ranged {
							assert.NotContains(t, plan, "TEMP B-TREE", "%s: %s sorts every row of the merchant: %s", name, query.sql, plan)
						} else if order != "" {
							assert.Contains(t, plan, "payments_by_merchant_uid", "%s: %s does not search the order: %s", name, query.sql, plan)
						}
					}
				}
			}
		}
	}
}

// The next seq of an insert is one index lookup, not a scan of the ledger.
func TestNextSeqUsesIndex(t *testing.T) {
	s, err := Open(":memory:")
	require.NoError(t, err)
	defer s.Close()
	plan := strings.Join(queryPlan(t, s, "SELECT COALESCE(MAX(seq), 0) + 1 FROM payments"), "; ")
	assert.Contains(t, plan, "payments_by_seq", plan)
}

func benchlessPayment(i int) Payment {
	return Payment{ImpUID: fmt.Sprintf("imp_%012d", i), MerchantUID: fmt.Sprintf("order_%d", i%50), PayMethod: "card",
		Amount: Whole(1000), Currency: "KRW", Status: []string{StatusPaid, StatusFailed, StatusReady}[i%3],
		StartedAt: t0 - 200 + int64(i), PaidAt: t0 - 100 + int64(i)}
}

// The payment writers' statements find their row through an index: a cancel's time under the
// write lock does not grow with the ledger.
func TestWritePlansUseIndexes(t *testing.T) {
	s, err := Open(":memory:")
	require.NoError(t, err)
	defer s.Close()
	for _, q := range writeStatements {
		args := make([]any, strings.Count(q, "?"))
		for i := range args {
			args[i] = "x"
		}
		plan := strings.Join(queryPlan(t, s, q, args...), "; ")
		assert.NotRegexp(t, `SCAN payments($|;)`, plan, "%s: %s", q, plan)
		if !strings.HasPrefix(q, "INSERT") {
			assert.Contains(t, plan, "sqlite_autoindex_payments_1 (imp_uid=?)", "%s: %s", q, plan)
		}
		t.Logf("%s\n  %s", strings.Join(strings.Fields(q), " "), plan)
	}
}
