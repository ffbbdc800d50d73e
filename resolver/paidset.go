package resolver

// PaidSet is the set of merchant_uids already paid (F1002: an order is paid once). The
// browser keeps one in memory (MemoryPaidSet); the server's ledger answers from SQLite.
type PaidSet interface {
	Paid(merchantUID string) bool
	MarkPaid(merchantUID, impUID string)
	Reset()
}

// MemoryPaidSet is the in-browser PaidSet: paid merchant_uids in a map. Its zero value is
// empty and ready; it is safe for concurrent use.
type MemoryPaidSet struct {
	mu   paidLock
	paid map[string]string // merchant_uid → imp_uid
}

// Paid reports whether merchantUID was paid.
func (l *MemoryPaidSet) Paid(merchantUID string) bool {
	l.mu.Lock()
	_, ok := l.paid[merchantUID]
	l.mu.Unlock()
	return ok
}

// MarkPaid records merchantUID as paid by impUID.
func (l *MemoryPaidSet) MarkPaid(merchantUID, impUID string) {
	l.mu.Lock()
	if l.paid == nil {
		l.paid = map[string]string{}
	}
	l.paid[merchantUID] = impUID
	l.mu.Unlock()
}

// Reset forgets every paid merchant_uid.
func (l *MemoryPaidSet) Reset() {
	l.mu.Lock()
	l.paid = nil
	l.mu.Unlock()
}
