//go:build js && wasm

package resolver

// paidLock is MemoryPaidSet's lock. Go on js/wasm runs goroutines on one thread and switches
// between them only where one blocks, which a map lookup or store never does, so the lock has
// nothing to guard there; a sync.Mutex would add its code (and a defer per call) to the module.
type paidLock struct{}

func (paidLock) Lock()   {}
func (paidLock) Unlock() {}
