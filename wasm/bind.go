//go:build js && wasm

package main

import (
	"math"
	"runtime"
	"strconv"
	"syscall/js"

	"github.com/impshim/impshim/internal/jsonv"
)

// This file is the whole of impshim's contact with syscall/js: one guard that every function
// exported to JS passes through, and readers for arguments that never panic whatever JS passes.
// The bridge sends plain strings and numbers only (it snapshots merchant objects into JSON text
// first), so nothing here touches a live object whose getter could throw past recover.

// handler answers one JS call with JSON text. It may panic: the guard turns that into an answer.
type handler func(args []js.Value) []byte

// guard wraps h so that a panic, a runtime error or a nil answer becomes
// {"error":{"code":"INTERNAL","message":…}} instead of killing the Go program (and with it the
// merchant's checkout).
func guard(name string, h handler) js.Func {
	return js.FuncOf(func(_ js.Value, args []js.Value) any {
		return string(call(name, h, args))
	})
}

// call runs h under recover; it is guard without syscall/js's function wrapper, so tests can
// drive it directly.
func call(name string, h handler, args []js.Value) (out []byte) {
	defer func() {
		if r := recover(); r != nil {
			out = errorJSON("INTERNAL", "[impshim] internal error in "+name+": "+panicText(r)+"; please report it")
		}
	}()
	out = h(args)
	if out == nil {
		out = errorJSON("INTERNAL", "[impshim] internal error in "+name+": no answer; please report it")
	}
	return out
}

func panicText(r any) string {
	switch v := r.(type) {
	case runtime.Error:
		return v.Error()
	case error:
		return v.Error()
	case string:
		return v
	}
	return "unexpected panic"
}

// errorJSON is the shape every failed call answers with.
func errorJSON(code, message string) []byte {
	return appendErrorJSON(make([]byte, 0, 64+len(message)), code, message)
}

func appendErrorJSON(b []byte, code, message string) []byte {
	b = append(b, `{"error":{"code":`...)
	b = jsonv.AppendString(b, code)
	b = append(b, `,"message":`...)
	b = jsonv.AppendString(b, message)
	return append(b, "}}"...)
}

// argError is what a reader reports for an argument of the wrong type: it names the argument and
// what came instead, for the bridge's developer rather than the merchant.
type argError struct{ msg string }

func (e *argError) Error() string { return e.msg }

func typeName(v js.Value) string {
	switch v.Type() {
	case js.TypeUndefined:
		return "undefined"
	case js.TypeNull:
		return "null"
	case js.TypeBoolean:
		return "a boolean"
	case js.TypeNumber:
		return "a number"
	case js.TypeString:
		return "a string"
	case js.TypeSymbol:
		return "a symbol"
	case js.TypeFunction:
		return "a function"
	}
	return "an object"
}

func arg(args []js.Value, i int) js.Value {
	if i < 0 || i >= len(args) {
		return js.Undefined()
	}
	return args[i]
}

// argString reads argument i as a string; anything else (undefined, null, numbers, objects,
// arrays) is an error, never a panic and never the "<number: 1>" that Value.String makes up.
func argString(args []js.Value, i int, name string, max int) (string, *argError) {
	v := arg(args, i)
	if v.Type() != js.TypeString {
		return "", &argError{name + " must be a string, got " + typeName(v)}
	}
	s := v.String()
	if len(s) > max {
		return "", &argError{name + " is longer than " + strconv.Itoa(max) + " bytes"}
	}
	return s, nil
}

// argInt reads argument i as a whole number in [0, max].
func argInt(args []js.Value, i int, name string, max int) (int, *argError) {
	v := arg(args, i)
	if v.Type() != js.TypeNumber {
		return 0, &argError{name + " must be a number, got " + typeName(v)}
	}
	f := v.Float()
	if math.IsNaN(f) || f < 0 || f > float64(max) || f != math.Trunc(f) {
		return 0, &argError{name + " must be a whole number from 0 to " + strconv.Itoa(max)}
	}
	return int(f), nil
}

// badArg answers a call whose arguments the bridge got wrong.
func badArg(e *argError) []byte {
	return errorJSON("INTERNAL", "[impshim] bridge bug: "+e.msg)
}
