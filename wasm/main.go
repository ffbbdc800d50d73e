//go:build js && wasm

// Command wasm is impshim's resolver compiled to WebAssembly. It publishes one object,
// globalThis.__impshim, that js/imp.js drives; see doc.go for the protocol.
package main

import "syscall/js"

func main() {
	js.Global().Set("__impshim", page.object())
	// The Go program must stay alive for the page's lifetime: the published functions and the
	// wasmexport calls run on its runtime.
	select {}
}
