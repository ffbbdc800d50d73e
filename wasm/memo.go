//go:build js && wasm

package main

import "github.com/impshim/impshim/resolver"

// resolveMemo remembers the answers of IMP.sandbox.resolve for the current merchant. Resolution
// is a pure function of (merchant, query text) and a *resolver.Merchant is immutable, so the
// exact query bytes are a sound key. Pages call resolve with the same few inputs over and over
// (a demo on every keystroke, tests and benchmarks in loops); a hit skips parsing, resolution
// (did-you-mean included) and encoding.
//
// Bounds: at most memoEntries answers, queries of at most memoMaxInput bytes, and at most
// memoBytes of keys and answers together; an answer that would take more than an eighth of that
// is not kept. When full, arbitrary entries are dropped (Go's randomised map order).
//
// Entries are immutable once stored: the export hands JS a pointer into an entry, and nothing
// ever writes through that pointer (misses encode into a separate scratch buffer).
type resolveMemo struct {
	owner   *resolver.Merchant // the merchant every entry was computed for; nil: empty
	entries map[string][]byte
	bytes   int // len(key)+len(answer) over all entries
}

const (
	memoEntries  = 256
	memoMaxInput = 1 << 10
	memoBytes    = 1 << 20
)

// get answers the remembered answer for query under m, or nil. It does not allocate: the
// map index with string(query) is converted without a copy by the compiler.
func (c *resolveMemo) get(m *resolver.Merchant, query []byte) []byte {
	if m == nil || c.owner != m || len(query) > memoMaxInput {
		return nil
	}
	return c.entries[string(query)]
}

// put remembers answer for query under m and returns the stored copy (or answer itself when it
// is not kept). A different merchant than the entries' owner empties the memo first.
func (c *resolveMemo) put(m *resolver.Merchant, query, answer []byte) []byte {
	if m == nil || len(query) > memoMaxInput {
		return answer
	}
	size := len(query) + len(answer)
	if size > memoBytes/8 {
		return answer
	}
	if c.owner != m {
		c.reset()
		c.owner = m
	}
	if c.entries == nil {
		c.entries = make(map[string][]byte, 16)
	}
	if old, ok := c.entries[string(query)]; ok {
		return old
	}
	for len(c.entries) > 0 && (len(c.entries) >= memoEntries || c.bytes+size > memoBytes) {
		for k, v := range c.entries {
			c.bytes -= len(k) + len(v)
			delete(c.entries, k)
			break
		}
	}
	stored := append(make([]byte, 0, len(answer)), answer...)
	c.entries[string(query)] = stored
	c.bytes += size
	return stored
}

// reset forgets every answer; install calls it whenever the merchant is replaced.
func (c *resolveMemo) reset() {
	c.owner = nil
	c.entries = nil
	c.bytes = 0
}

func (c *resolveMemo) len() int { return len(c.entries) }
