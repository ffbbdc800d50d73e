//go:build js && wasm

// Command floor is the smallest useful syscall/js program: it exposes one
// function to JS and says it is ready. `make bench` builds it with the same
// flags as impshim.wasm, so its size and start-up are the floor that any Go
// WASM module pays; impshim's figures are reported as ratios against it.
package main

import "syscall/js"

func main() {
	js.Global().Set("floorHello", js.FuncOf(func(this js.Value, args []js.Value) any {
		if len(args) == 0 {
			return "hello"
		}
		return "hello, " + args[0].String()
	}))
	// The page's floor.js resolves its ready promise from here, the same
	// moment impshim's bridge resolves IMP.sandbox.ready.
	if ready := js.Global().Get("floorStarted"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}
