//go:build js && wasm

package main

import "unsafe"

// IMP.sandbox.resolve is the hot call (demo pages resolve on every keystroke, benchmarks in a
// loop), so it skips js.FuncOf's scheduler round trip: JS writes the query as UTF-8 into a buffer
// Go owns, calls impshim_resolve with its length, and reads the answer from impshim_output.
// Both buffers are reused between calls; JS must re-read mem.buffer after each call because
// memory may grow.

// maxInput bounds the input buffer; the bridge never sends more than its 1 MiB snapshot cap.
const maxInput = 4 << 20

// inBuf is where JS writes the query. outBuf is the last answer, which impshim_output points
// at: page.scratch, which the next call overwrites (JS has copied the answer out by then).
var inBuf, outBuf []byte

// impshimInput returns the address of an input buffer that holds at least n bytes, or 0 when n
// is over maxInput (the bridge must then not write).
//
//go:wasmexport impshim_input
func impshimInput(n uint32) uint32 {
	if n > maxInput {
		return 0
	}
	if n < 256 {
		n = 256
	}
	if uint32(cap(inBuf)) < n {
		inBuf = make([]byte, n)
	}
	inBuf = inBuf[:cap(inBuf)]
	return uint32(uintptr(unsafe.Pointer(&inBuf[0])))
}

// impshimResolve resolves the query in the first n bytes of the input buffer and returns the
// length of the JSON answer, {"trace":…} or {"error":…}, now at impshim_output. imp.js asks
// only for queries it has not answered under this merchant (it keeps the parsed traces).
//
//go:wasmexport impshim_resolve
func impshimResolve(n uint32) uint32 {
	outBuf = resolveInto(n, (*state).resolveScratch)
	return uint32(len(outBuf))
}

// impshimResolvePG is impshim_resolve for the commonest query, a pg string: the first n bytes
// of the input buffer are the string itself as UTF-8 (what TextEncoder.encodeInto writes), not
// its JSON text, so that neither JSON.stringify nor Go's JSON parser runs on a cold resolve
// (the parse alone cost about half a µs of WASM). The answer is impshim_resolve's for the
// string's JSON.
//
//go:wasmexport impshim_resolve_pg
func impshimResolvePG(n uint32) uint32 {
	outBuf = resolveInto(n, (*state).resolvePGScratch)
	return uint32(len(outBuf))
}

func resolveInto(n uint32, answer func(*state, []byte) []byte) (out []byte) {
	defer func() {
		if r := recover(); r != nil {
			out = errorJSON("INTERNAL", "[impshim] internal error in resolve: "+panicText(r)+"; please report it")
		}
	}()
	if int(n) > len(inBuf) {
		return errorJSON("INTERNAL", "[impshim] bridge bug: resolve input is longer than the buffer it was given")
	}
	return answer(page, inBuf[:n])
}

// impshimOutput returns the address of the last answer.
//
//go:wasmexport impshim_output
func impshimOutput() uint32 {
	if len(outBuf) == 0 {
		return 0
	}
	return uint32(uintptr(unsafe.Pointer(&outBuf[0])))
}
