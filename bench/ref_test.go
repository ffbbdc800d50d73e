package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/impshim/impshim/resolver"
)

// refRunner runs pages/bench-ref.js under node, the same file the bench page loads.
const refRunner = `
const fs = require("fs"), vm = require("vm");
globalThis.window = globalThis;
vm.runInThisContext(fs.readFileSync(process.argv[1], "utf8"));
const arg = JSON.parse(fs.readFileSync(0, "utf8"));
const ref = new RefResolver(arg.config, arg.catalog);
process.stdout.write(JSON.stringify(arg.inputs.map((input) => {
  const t = ref.resolve(input);
  return { index: t.setting ? t.setting.index : -1, rule: t.rule, warnings: t.warnings.map((w) => w.code).sort() };
})));
`

type refTrace struct {
	Index    int      `json:"index"`
	Rule     string   `json:"rule"`
	Warnings []string `json:"warnings"`
}

func runRef(t *testing.T, cfg benchConfig, inputs []string) []refTrace {
	t.Helper()
	node, err := exec.LookPath("node")
	require.NoError(t, err, "the bench's JS reference is checked under node: run 'sudo apt-get install -y nodejs' (or 'make node' as root)")
	type refPG struct {
		Code   string `json:"code"`
		Legacy bool   `json:"legacy"`
	}
	var catalog []refPG
	for _, pg := range resolver.Catalog() {
		catalog = append(catalog, refPG{pg.Code, pg.Legacy})
	}
	arg, err := json.Marshal(map[string]any{"config": cfg, "catalog": catalog, "inputs": inputs})
	require.NoError(t, err)
	cmd := exec.Command(node, "-e", refRunner, filepath.Join("pages", "bench-ref.js"))
	cmd.Stdin = bytes.NewReader(arg)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	var traces []refTrace
	require.NoError(t, json.Unmarshal(out, &traces))
	require.Len(t, traces, len(inputs))
	return traces
}

func goMerchant(t *testing.T, cfg benchConfig) *resolver.Merchant {
	t.Helper()
	data, err := json.Marshal(cfg)
	require.NoError(t, err)
	c, errs := resolver.ParseConfig(data)
	require.Empty(t, errs)
	m, errs, _ := resolver.NewMerchant(c)
	require.Empty(t, errs)
	require.NotNil(t, m)
	return m
}

// The bench times Go against bench-ref.js only because they agree: same
// setting, same rule and same warning codes, on every input it times and more.
func TestRefResolverAgreesWithResolver(t *testing.T) {
	extra := []string{"html5_inicis.", ".MID-a", "KAKAOPAY", "kakaopay.MID-c", "html5_inicis.MID-b.x",
		"kakao", "kakaopay.", "paypal", "jtnet.MID-a", "inicis", "html5_inicis.mid-a", "nicee", " html5_inicis"}
	flaggedLater := seedConfig()
	flaggedLater.PGSettings[0].Default = false
	flaggedLater.PGSettings[2].Default = true
	noFlag := seedConfig()
	noFlag.PGSettings[0].Default = false
	large := largeConfig(200, resolver.Catalog())

	for _, tc := range []struct {
		name   string
		cfg    benchConfig
		inputs []string
	}{
		{"seed", seedConfig(), append(append([]string{}, seedInputs...), extra...)},
		{"default flagged on the last", flaggedLater, append(append([]string{}, seedInputs...), extra...)},
		{"no default flag", noFlag, append(append([]string{}, seedInputs...), extra...)},
		{"200 settings", large, append(append(largeInputs(large), seedInputs...), extra...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := goMerchant(t, tc.cfg)
			ref := runRef(t, tc.cfg, tc.inputs)
			for i, input := range tc.inputs {
				tr := m.Resolve(resolver.Query{PG: input})
				var codes []string
				for _, w := range tr.Warnings {
					codes = append(codes, w.Code)
				}
				sort.Strings(codes)
				if codes == nil {
					codes = []string{}
				}
				assert.Equal(t, refTrace{tr.Index, tr.Rule, codes}, ref[i], "input %q", input)
			}
		})
	}
}

// The timed inputs must exercise every rule, and the 200-setting set must
// include a match on the very last setting (the longest scan).
func TestTimedInputsSpanEveryRule(t *testing.T) {
	large := largeConfig(200, resolver.Catalog())
	for _, tc := range []struct {
		name   string
		cfg    benchConfig
		inputs []string
	}{
		{"3 settings", seedConfig(), seedInputs},
		{"200 settings", large, largeInputs(large)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := goMerchant(t, tc.cfg)
			rules := map[string]bool{}
			last := false
			for _, in := range tc.inputs {
				tr := m.Resolve(resolver.Query{PG: in})
				rules[tr.Rule] = true
				last = last || (tr.Index == len(tc.cfg.PGSettings)-1 && !tr.Fallback)
			}
			assert.Equal(t, map[string]bool{"R1": true, "R2": true, "R3": true}, rules)
			assert.True(t, last, "no input matches the last setting")
		})
	}
}
