//go:build !(js && wasm)

package resolver

import "sync"

// paidLock is MemoryPaidSet's lock: a mutex wherever goroutines run in parallel
// (paidlock_js.go says why the WASM build needs none).
type paidLock = sync.Mutex
