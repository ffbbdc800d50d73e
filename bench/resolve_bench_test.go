package main

import (
	"encoding/json"
	"testing"

	"github.com/impshim/impshim/resolver"
)

// The resolver's own cost, without the JS ↔ WASM boundary: the same configs
// and rotating inputs that the browser half of `make bench` times through
// IMP.sandbox.resolve. The difference between the two is the boundary's toll.
func BenchmarkResolve(b *testing.B) {
	large := largeConfig(200, resolver.Catalog())
	for _, tc := range []struct {
		name   string
		cfg    benchConfig
		inputs []string
	}{
		{"3_settings", seedConfig(), seedInputs},
		{"200_settings", large, largeInputs(large)},
	} {
		m := benchMerchant(b, tc.cfg)
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				m.Resolve(resolver.Query{PG: tc.inputs[i%len(tc.inputs)]})
			}
		})
		// What the wasm side does per IMP.sandbox.resolve call: resolve, then the trace as JSON.
		b.Run(tc.name+"_json", func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 64<<10)
			for i := 0; b.Loop(); i++ {
				t := m.Resolve(resolver.Query{PG: tc.inputs[i%len(tc.inputs)]})
				buf = t.AppendJSON(buf[:0])
			}
		})
	}
}

func benchMerchant(b *testing.B, cfg benchConfig) *resolver.Merchant {
	b.Helper()
	data, err := json.Marshal(cfg)
	if err != nil {
		b.Fatal(err)
	}
	c, errs := resolver.ParseConfig(data)
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	m, errs, _ := resolver.NewMerchant(c)
	if len(errs) > 0 {
		b.Fatal(errs)
	}
	return m
}
