//go:build js && wasm

package main

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"syscall/js"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const seedConfig = `{"merchant_code":"imp10391932","pg_settings":[
 {"pg":"html5_inicis","mid":"MID-a","pay_type":"general","default":true,"label":"KG INICIS"},
 {"pg":"html5_inicis","mid":"MID-b","pay_type":"subscription"},
 {"pg":"kakaopay","mid":"MID-c","pay_type":"simple"}]}`

// answer is the union of every shape the bridge answers with.
type answer struct {
	OK          *bool                           `json:"ok"`
	Error       *struct{ Code, Message string } `json:"error"`
	Errors      []map[string]any                `json:"errors"`
	Warnings    []map[string]any                `json:"warnings"`
	Config      map[string]any                  `json:"config"`
	ID          int                             `json:"id"`
	ImpUID      string                          `json:"imp_uid"`
	MerchantUID string                          `json:"merchant_uid"`
	Window      map[string]any                  `json:"window"`
	Trace       map[string]any                  `json:"trace"`
	Response    map[string]any                  `json:"response"`
	Catalog     []map[string]any                `json:"catalog"`
	Order       []int                           `json:"console_order"`
	Mode        string                          `json:"mode"`
	RedirectURL *string                         `json:"redirect_url"`
}

func decode(t *testing.T, v any) answer {
	t.Helper()
	s, ok := v.(string)
	if jv, isJS := v.(js.Value); isJS {
		require.Equal(t, js.TypeString, jv.Type(), "the bridge must answer with a string")
		s, ok = jv.String(), true
	}
	require.True(t, ok, "answer is %T, not a string", v)
	var a answer
	require.NoError(t, json.Unmarshal([]byte(s), &a), "answer is not JSON: %s", s)
	return a
}

func freshObject(t *testing.T) (*state, js.Value) {
	t.Helper()
	s := newState()
	return s, s.object()
}

func TestGuardTurnsPanicsIntoErrors(t *testing.T) {
	var nilMap map[string]int
	tests := []struct {
		name string
		h    handler
		want string
	}{
		{"string panic", func([]js.Value) []byte { panic("boom") }, "boom"},
		{"error panic", func([]js.Value) []byte { panic(errors.New("bad state")) }, "bad state"},
		{"runtime error", func([]js.Value) []byte { nilMap["x"] = 1; return nil }, "nil map"},
		{"index out of range", func(a []js.Value) []byte { return []byte(a[5].String()) }, "index out of range"},
		{"odd panic value", func([]js.Value) []byte { panic(42) }, "unexpected panic"},
		{"nil answer", func([]js.Value) []byte { return nil }, "no answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := guard("probe", tt.h)
			defer f.Release()
			a := decode(t, f.Invoke())
			require.NotNil(t, a.Error)
			assert.Equal(t, "INTERNAL", a.Error.Code)
			assert.Contains(t, a.Error.Message, "probe")
			assert.Contains(t, a.Error.Message, tt.want)
		})
	}
}

func jsValues() map[string]js.Value {
	return map[string]js.Value{
		"undefined": js.Undefined(),
		"null":      js.Null(),
		"number":    js.ValueOf(42),
		"NaN":       js.ValueOf(math.NaN()),
		"boolean":   js.ValueOf(true),
		"array":     js.Global().Get("Array").New(1, 2, 3),
		"object":    js.Global().Get("Object").New(),
		"function":  js.Global().Get("Object"),
	}
}

func TestArgStringRejectsEverythingButStrings(t *testing.T) {
	for name, v := range jsValues() {
		t.Run(name, func(t *testing.T) {
			_, err := argString([]js.Value{v}, 0, "pg", 100)
			require.NotNil(t, err)
			assert.Contains(t, err.Error(), "pg must be a string, got ")
		})
	}
	s, err := argString([]js.Value{js.ValueOf("héllo")}, 0, "pg", 100)
	require.Nil(t, err)
	assert.Equal(t, "héllo", s)

	_, err = argString(nil, 3, "pg", 100)
	require.NotNil(t, err, "a missing argument reads as undefined")
	assert.Contains(t, err.Error(), "got undefined")

	_, err = argString([]js.Value{js.ValueOf(strings.Repeat("x", 101))}, 0, "pg", 100)
	require.NotNil(t, err)
	assert.Contains(t, err.Error(), "longer than 100")
}

func TestArgIntTakesOnlyWholeNumbersInRange(t *testing.T) {
	tests := []struct {
		name string
		v    js.Value
		want int
		ok   bool
	}{
		{"zero", js.ValueOf(0), 0, true},
		{"seven", js.ValueOf(7), 7, true},
		{"max", js.ValueOf(1000), 1000, true},
		{"over max", js.ValueOf(1001), 0, false},
		{"negative", js.ValueOf(-1), 0, false},
		{"fraction", js.ValueOf(1.5), 0, false},
		{"NaN", js.ValueOf(math.NaN()), 0, false},
		{"Infinity", js.ValueOf(math.Inf(1)), 0, false},
		{"string", js.ValueOf("7"), 0, false},
		{"undefined", js.Undefined(), 0, false},
		{"null", js.Null(), 0, false},
		{"array", js.Global().Get("Array").New(7), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := argInt([]js.Value{tt.v}, 0, "id", 1000)
			if tt.ok {
				require.Nil(t, err)
				assert.Equal(t, tt.want, n)
			} else {
				assert.NotNil(t, err)
			}
		})
	}
}

// Every published function, called with arguments of every wrong type, answers JSON text and
// keeps the Go program alive.
func TestPublishedFunctionsSurviveAnyArguments(t *testing.T) {
	_, obj := freshObject(t)
	names := []string{"configure", "sandbox", "request", "complete", "abandon", "reset", "catalog", "config", "resolve"}
	for _, name := range names {
		require.Equal(t, js.TypeFunction, obj.Get(name).Type(), name)
		for vname, v := range jsValues() {
			t.Run(name+"/"+vname, func(t *testing.T) {
				a := decode(t, obj.Call(name, v, v))
				switch name {
				case "reset", "catalog", "config":
					assert.Nil(t, a.Error, "%s takes no arguments and ignores extra ones", name)
				case "abandon":
					if vname == "number" {
						assert.Nil(t, a.Error, "abandoning an unknown id is harmless")
						return
					}
					require.NotNil(t, a.Error)
				default:
					require.NotNil(t, a.Error)
					assert.Equal(t, "INTERNAL", a.Error.Code)
					assert.Contains(t, a.Error.Message, "must be a")
				}
			})
		}
		t.Run(name+"/no arguments", func(t *testing.T) {
			decode(t, obj.Call(name))
		})
	}
	assert.Equal(t, Version, obj.Get("version").String())
}

func TestConfigure(t *testing.T) {
	tests := []struct {
		name      string
		config    string
		ok        bool
		wantError string // substring of some error message or field
		wantWarn  string
	}{
		{"seed config", seedConfig, true, "", ""},
		{"unknown pg warns", `{"merchant_code":"imp1","pg_settings":[{"pg":"foopay","mid":"M1","pay_type":"general"}]}`, true, "", "foopay"},
		{"empty list", `{"merchant_code":"imp1","pg_settings":[]}`, false, "", ""},
		{"two defaults", `{"merchant_code":"imp1","pg_settings":[{"pg":"kcp","mid":"A","pay_type":"general","default":true},{"pg":"kcp","mid":"B","pay_type":"general","default":true}]}`, false, "default", ""},
		{"not JSON", `{"merchant_code":`, false, "", ""},
		{"not an object", `[1,2]`, false, "", ""},
		{"NaN token", `{"merchant_code":NaN,"pg_settings":NaN}`, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, obj := freshObject(t)
			a := decode(t, obj.Call("configure", tt.config))
			require.Nil(t, a.Error)
			require.NotNil(t, a.OK)
			assert.Equal(t, tt.ok, *a.OK)
			if !tt.ok {
				require.NotEmpty(t, a.Errors, "a rejected config says why")
				assert.Contains(t, mustJSON(t, a.Errors), tt.wantError)
				assert.Nil(t, decode(t, obj.Call("config")).Config, "nothing was configured")
				return
			}
			assert.Equal(t, "imp", mustJSON(t, a.Config["merchant_code"])[1:4])
			if tt.wantWarn != "" {
				assert.Contains(t, mustJSON(t, a.Warnings), tt.wantWarn)
			}
			assert.Equal(t, a.Config, decode(t, obj.Call("config")).Config)
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestRejectedConfigKeepsThePreviousOne(t *testing.T) {
	_, obj := freshObject(t)
	require.True(t, *decode(t, obj.Call("configure", seedConfig)).OK)
	bad := decode(t, obj.Call("configure", `{"merchant_code":"other","pg_settings":[]}`))
	require.False(t, *bad.OK)
	cfg := decode(t, obj.Call("config")).Config
	assert.Equal(t, "imp10391932", cfg["merchant_code"])
	tr := decode(t, obj.Call("resolve", `"kakaopay"`)).Trace
	assert.Equal(t, "MID-c", tr["setting"].(map[string]any)["mid"])
}

func TestSandboxMerchantHasEveryCatalogCode(t *testing.T) {
	_, obj := freshObject(t)
	a := decode(t, obj.Call("sandbox", "imp_demo"))
	require.True(t, *a.OK)
	cat := decode(t, obj.Call("catalog")).Catalog
	require.NotEmpty(t, cat)
	settings := a.Config["pg_settings"].([]any)
	codes := map[string]bool{}
	for _, s := range settings {
		codes[s.(map[string]any)["pg"].(string)] = true
	}
	for _, pg := range cat {
		assert.True(t, codes[pg["code"].(string)], "catalog code %v has a sandbox setting", pg["code"])
		for _, k := range []string{"code", "name", "name_ko", "legacy", "simple_pay", "pay_type", "methods", "currencies", "color"} {
			assert.Contains(t, pg, k)
		}
	}
	tr := decode(t, obj.Call("resolve", `"nice"`)).Trace
	assert.Equal(t, "nice_sandbox", tr["setting"].(map[string]any)["mid"])
}

func TestRequestCompleteAndLedger(t *testing.T) {
	_, obj := freshObject(t)
	assert.Equal(t, "NOT_INITIALIZED", decode(t, obj.Call("request", `{"amount":1000}`)).Error.Code)
	require.True(t, *decode(t, obj.Call("configure", seedConfig)).OK)

	params := `{"pg":"html5_inicis.MID-b","amount":1000,"name":"Sample","merchant_uid":"o_1","buyer_name":"Buyer","custom_data":{"a":[1,2,{"b":null}]}}`
	a := decode(t, obj.Call("request", params))
	require.Nil(t, a.Error)
	require.True(t, *a.OK, "%+v", a)
	assert.Regexp(t, `^imp_\d{12}$`, a.ImpUID)
	assert.Equal(t, "o_1", a.MerchantUID)
	assert.Equal(t, "MID-b", a.Window["mid"])
	assert.Equal(t, "html5_inicis", a.Window["pg"].(map[string]any)["code"])
	assert.Equal(t, "R1", a.Trace["rule"])

	// Until it completes, a second request for the same order is not yet a duplicate.
	second := decode(t, obj.Call("request", params))
	require.True(t, *second.OK)
	decode(t, obj.Call("abandon", second.ID))
	assert.Equal(t, "INTERNAL", decode(t, obj.Call("complete", second.ID, `{"result":"paid"}`)).Error.Code, "abandoned ids are gone")

	bad := decode(t, obj.Call("complete", a.ID, `{"result":"maybe"}`))
	require.NotNil(t, bad.Error)
	r := decode(t, obj.Call("complete", a.ID, `{"result":"paid"}`)).Response
	require.NotNil(t, r, "a bad outcome does not use up the open request")
	assert.Equal(t, true, r["success"])
	assert.Equal(t, a.ImpUID, r["imp_uid"])
	assert.Equal(t, map[string]any{"a": []any{1.0, 2.0, map[string]any{"b": nil}}}, r["custom_data"])
	nowSec := js.Global().Get("Date").Call("now").Float() / 1000
	assert.InDelta(t, nowSec, r["paid_at"], 5, "paid_at is the page's clock in unix seconds")
	assert.NotNil(t, decode(t, obj.Call("complete", a.ID, `{"result":"paid"}`)).Error, "each request completes once")

	dup := decode(t, obj.Call("request", params))
	require.False(t, *dup.OK)
	assert.Equal(t, "F1002", dup.Response["error_code"])
	assert.Nil(t, dup.Response["imp_uid"])
	assert.Equal(t, "o_1", dup.Response["merchant_uid"])
	assert.NotNil(t, dup.Trace, "F1002 comes after resolution, so the trace is there")

	decode(t, obj.Call("reset"))
	assert.True(t, *decode(t, obj.Call("request", params)).OK, "reset forgets paid merchant_uids")
}

func TestRequestFailures(t *testing.T) {
	_, obj := freshObject(t)
	require.True(t, *decode(t, obj.Call("configure", seedConfig)).OK)
	tests := []struct {
		name   string
		params string
		code   string
		trace  bool
	}{
		{"not an object", `"pay me"`, "INVALID_PARAMS", false},
		{"null", `null`, "INVALID_PARAMS", false},
		{"NaN amount", `{"amount":NaN}`, "INVALID_AMOUNT", false},
		{"Infinity amount", `{"amount":-Infinity}`, "INVALID_AMOUNT", false},
		{"long merchant_uid", `{"amount":1,"merchant_uid":"` + strings.Repeat("가", 41) + `"}`, "INVALID_MERCHANT_UID", false},
		{"method", `{"amount":1,"pg":"html5_inicis","pay_method":"paypal"}`, "PAY_METHOD_NOT_SUPPORTED", true},
		{"broken JSON", `{"amount":`, "INVALID_PARAMS", false},
		{"deep nesting", strings.Repeat(`{"a":`, 5000) + `1` + strings.Repeat(`}`, 5000), "INVALID_PARAMS", false},
		{"over 1 MiB", `{"amount":1,"name":"` + strings.Repeat("x", 2<<20) + `"}`, "INVALID_PARAMS", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := decode(t, obj.Call("request", tt.params))
			require.Nil(t, a.Error)
			require.False(t, *a.OK)
			assert.Equal(t, tt.code, a.Response["error_code"], "%v", a.Response["error_msg"])
			assert.Equal(t, false, a.Response["success"])
			assert.NotEmpty(t, a.Response["error_msg"])
			assert.Equal(t, tt.trace, a.Trace != nil)
		})
	}
	huge := decode(t, obj.Call("request", strings.Repeat(" ", maxText+1)))
	require.NotNil(t, huge.Error, "text over the bridge's cap is refused before parsing")
}

// resolveExport drives the //go:wasmexport path the way imp.js does, through Go's buffers.
func resolveExport(t *testing.T, query string) answer {
	t.Helper()
	ptr := impshimInput(uint32(len(query)))
	require.NotZero(t, ptr)
	n := copy(inBuf, query)
	size := impshimResolve(uint32(n))
	require.NotZero(t, impshimOutput())
	return decode(t, string(outBuf[:size]))
}

func TestResolveExport(t *testing.T) {
	saved := page
	defer func() { page = saved }()
	page = newState()

	a := resolveExport(t, `"kakaopay"`)
	require.NotNil(t, a.Error)
	assert.Equal(t, "NOT_INITIALIZED", a.Error.Code)

	require.True(t, *decode(t, string(page.configure([]js.Value{js.ValueOf(seedConfig)}))).OK)
	tests := []struct {
		query, rule, mid string
		fallback         bool
	}{
		{`"kakaopay"`, "R2", "MID-c", false},
		{`"html5_inicis"`, "R2", "MID-a", false},
		{`"html5_inicis.MID-b"`, "R1", "MID-b", false},
		{`"html_inicis"`, "R3", "MID-a", true},
		{`"kakaopay.MID-x"`, "R3", "MID-a", true},
		{`""`, "R3", "MID-a", true},
		{`null`, "R3", "MID-a", true},
		{`{"pg":"html5_inicis.MID-b","amount":1}`, "R1", "MID-b", false},
		{`{"pg":12}`, "R3", "MID-a", true},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			tr := resolveExport(t, tt.query).Trace
			require.NotNil(t, tr)
			assert.Equal(t, tt.rule, tr["rule"])
			assert.Equal(t, tt.fallback, tr["fallback"])
			assert.Equal(t, tt.mid, tr["setting"].(map[string]any)["mid"])
		})
	}

	bad := resolveExport(t, `[1,2`)
	require.NotNil(t, bad.Error)
	assert.Equal(t, "INVALID_PARAMS", bad.Error.Code)

	assert.Zero(t, impshimInput(maxInput+1), "an oversized request gets no buffer")
	assert.Contains(t, string(resolveInto(uint32(len(inBuf)+1), (*state).resolveScratch)), "bridge bug", "a length past the buffer is refused")
	assert.Contains(t, string(resolveInto(uint32(len(inBuf)+1), (*state).resolvePGScratch)), "bridge bug", "a length past the buffer is refused")

	// The buffer is reused: a smaller query after a bigger one must not read stale bytes.
	big := `{"pg":"kakaopay","name":"` + strings.Repeat("x", 5000) + `"}`
	assert.Equal(t, "MID-c", resolveExport(t, big).Trace["setting"].(map[string]any)["mid"])
	assert.Equal(t, "MID-b", resolveExport(t, `"html5_inicis.MID-b"`).Trace["setting"].(map[string]any)["mid"])
}

func TestDefaultMerchantUIDUsesThePageClock(t *testing.T) {
	_, obj := freshObject(t)
	require.True(t, *decode(t, obj.Call("configure", seedConfig)).OK)
	before := int64(js.Global().Get("Date").Call("now").Float())
	a := decode(t, obj.Call("request", `{"amount":1000}`))
	after := int64(js.Global().Get("Date").Call("now").Float())
	require.True(t, *a.OK)
	require.Regexp(t, `^nobody_\d+$`, a.MerchantUID)
	ms, err := strconv.ParseInt(strings.TrimPrefix(a.MerchantUID, "nobody_"), 10, 64)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, ms, before)
	assert.LessOrEqual(t, ms, after)
}

func TestConsoleOrderInAnswers(t *testing.T) {
	_, obj := freshObject(t)
	a := decode(t, obj.Call("configure", `{"merchant_code":"imp1","pg_settings":[
	 {"pg":"kcp","mid":"A","pay_type":"general"},
	 {"pg":"nice","mid":"B","pay_type":"general"},
	 {"pg":"kakaopay","mid":"C","pay_type":"simple","default":true}]}`))
	require.True(t, *a.OK)
	assert.Equal(t, []int{2, 0, 1}, a.Order, "the default first, then list order")

	a = decode(t, obj.Call("configure", seedConfig))
	assert.Equal(t, []int{0, 1, 2}, a.Order)

	sb := decode(t, obj.Call("sandbox", "imp_demo"))
	require.True(t, *sb.OK)
	settings := sb.Config["pg_settings"].([]any)
	require.Len(t, sb.Order, len(settings))
	first := settings[sb.Order[0]].(map[string]any)
	assert.Equal(t, "html5_inicis", first["pg"], "the sandbox merchant's default comes first")
	assert.Equal(t, true, first["default"])
}

func TestSuggestionsCrossTheBridge(t *testing.T) {
	_, obj := freshObject(t)
	cfg := decode(t, obj.Call("configure", `{"merchant_code":"imp1","pg_settings":[{"pg":"html_inicis","mid":"M","pay_type":"general"}]}`))
	require.True(t, *cfg.OK)
	require.Len(t, cfg.Warnings, 1)
	assert.Equal(t, []any{map[string]any{"pg": "html5_inicis", "label": "Use html5_inicis"}}, cfg.Warnings[0]["suggestions"])

	require.True(t, *decode(t, obj.Call("configure", seedConfig)).OK)
	withFreshCore(t)
	configureCore(t, seedConfig)
	for _, tc := range []struct{ pg, want string }{
		{"kakaopay.MID-x", "kakaopay.MID-c"},
		{"html5_inicis.mid-b", "html5_inicis.MID-b"},
		{"html_inicis.MID-b", "html5_inicis.MID-b"},
	} {
		for name, tr := range map[string]map[string]any{
			"resolve":        decode(t, obj.Call("resolve", mustJSON(t, tc.pg))).Trace,
			"resolve export": resolveExport(t, mustJSON(t, tc.pg)).Trace,
			"request":        decode(t, obj.Call("request", `{"amount":1000,"pg":`+mustJSON(t, tc.pg)+`}`)).Trace,
		} {
			w := tr["warnings"].([]any)[0].(map[string]any)
			sug := w["suggestions"].([]any)
			assert.Equal(t, tc.want, sug[0].(map[string]any)["pg"], "%s %s", name, tc.pg)
		}
	}
}

func TestRequestMode(t *testing.T) {
	const iPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
	env := func(ua string) string { return mustJSON(t, map[string]any{"user_agent": ua, "now_ms": 1764130000123}) }
	_, obj := freshObject(t)
	require.True(t, *decode(t, obj.Call("configure", seedConfig)).OK)
	tests := []struct {
		name, params string
		env          any // a JSON text, or js.Undefined()
		ok           bool
		mode, url    string
	}{
		{"no env: desktop", `{"amount":1000,"m_redirect_url":"https://shop.example/done"}`, js.Undefined(), true, "iframe", ""},
		{"null env", `{"amount":1000,"popup":true}`, js.Null(), true, "popup", ""},
		{"desktop popup", `{"amount":1000,"popup":true}`, env("Mozilla/5.0 (X11; Linux x86_64)"), true, "popup", ""},
		{"mobile redirect", `{"amount":1000,"m_redirect_url":"https://shop.example/done"}`, env(iPhone), true, "redirect", "https://shop.example/done"},
		{"mobile without url", `{"amount":1000}`, env(iPhone), true, "iframe", ""},
		{"failed check still says redirect", `{"amount":-1,"m_redirect_url":"https://shop.example/done"}`, env(iPhone), false, "redirect", "https://shop.example/done"},
		{"bad url refused, no redirect", `{"amount":1000,"m_redirect_url":"http:example.com"}`, env(iPhone), false, "iframe", ""},
		{"not an object", `[]`, env(iPhone), false, "iframe", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := decode(t, obj.Call("request", tt.params, tt.env))
			require.Nil(t, a.Error)
			require.NotNil(t, a.OK)
			assert.Equal(t, tt.ok, *a.OK, "%v", a.Response)
			assert.Equal(t, tt.mode, a.Mode)
			if tt.url == "" {
				assert.Nil(t, a.RedirectURL)
			} else if assert.NotNil(t, a.RedirectURL) {
				assert.Equal(t, tt.url, *a.RedirectURL)
			}
			if a.ID != 0 {
				decode(t, obj.Call("abandon", a.ID))
			}
		})
	}
	// now_ms is the page's clock for the request
	a := decode(t, obj.Call("request", `{"amount":1000}`, env("")))
	assert.Equal(t, "nobody_1764130000123", a.MerchantUID)
	// a bridge bug in env is an error answer, not a guess
	for _, bad := range []any{`{"user_agent":5}`, `[]`, 7} {
		assert.Equal(t, "INTERNAL", decode(t, obj.Call("request", `{"amount":1000}`, bad)).Error.Code, "%v", bad)
	}
}

func TestRules(t *testing.T) {
	_, obj := freshObject(t)
	var r struct {
		Version         string   `json:"version"`
		OutcomeResults  []string `json:"outcome_results"`
		PaymentStatuses []string `json:"payment_statuses"`
		WindowModes     []string `json:"window_modes"`
		MaxMerchantUID  int      `json:"max_merchant_uid_len"`
		Carriers        []string `json:"carriers"`
	}
	require.NoError(t, json.Unmarshal([]byte(obj.Call("rules").String()), &r))
	assert.Equal(t, Version, r.Version)
	assert.Equal(t, []string{"paid", "failed", "cancelled"}, r.OutcomeResults)
	assert.Equal(t, []string{"ready", "paid", "cancelled", "failed"}, r.PaymentStatuses)
	assert.Equal(t, []string{"iframe", "popup", "redirect"}, r.WindowModes)
	assert.Equal(t, 40, r.MaxMerchantUID)
	assert.Equal(t, []string{"SKT", "KTF", "LGT", "MVNO"}, r.Carriers)
}

func TestModeAlone(t *testing.T) {
	const iPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
	env := func(ua string) string { return mustJSON(t, map[string]any{"user_agent": ua}) }
	_, obj := freshObject(t) // no merchant: mode needs none
	tests := []struct {
		name, params string
		env, kind    any
		mode, url    string
	}{
		{"mobile redirect", `{"m_redirect_url":"https://shop.example/done"}`, env(iPhone), js.Undefined(), "redirect", "https://shop.example/done"},
		{"desktop", `{"m_redirect_url":"https://shop.example/done"}`, env("Mozilla/5.0 (X11)"), js.Undefined(), "iframe", ""},
		{"popup", `{"popup":true}`, js.Undefined(), js.Undefined(), "popup", ""},
		{"certification is a popup by default", `{}`, env("Mozilla/5.0 (X11)"), "certification", "popup", ""},
		{"certification on a PC is a popup by default", `{}`, js.Undefined(), "certification", "popup", ""},
		{"certification on a PC with popup false is the overlay", `{"popup":false}`, js.Undefined(), "certification", "iframe", ""},
		{"certification on a phone without a URL", `{"popup":false}`, env(iPhone), "certification", "iframe", ""},
		{"not http(s)", `{"m_redirect_url":"javascript:alert(1)"}`, env(iPhone), js.Undefined(), "iframe", ""},
		{"not JSON", `{`, env(iPhone), js.Undefined(), "iframe", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := decode(t, obj.Call("mode", tt.params, tt.env, tt.kind))
			require.Nil(t, a.Error)
			assert.Equal(t, tt.mode, a.Mode)
			if tt.url == "" {
				assert.Nil(t, a.RedirectURL)
			} else if assert.NotNil(t, a.RedirectURL) {
				assert.Equal(t, tt.url, *a.RedirectURL)
			}
		})
	}
	assert.Equal(t, "INTERNAL", decode(t, obj.Call("mode", 5)).Error.Code)
	assert.Equal(t, "INTERNAL", decode(t, obj.Call("mode", `{}`, js.Undefined(), 5)).Error.Code)
}

func TestCertificationFlow(t *testing.T) {
	const iPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
	_, obj := freshObject(t)
	assert.Equal(t, "NOT_INITIALIZED", decode(t, obj.Call("certification", `{}`)).Error.Code)
	require.True(t, *decode(t, obj.Call("configure", seedConfig)).OK)
	none := decode(t, obj.Call("certification", `{"merchant_uid":"c-0"}`))
	require.False(t, *none.OK)
	assert.Equal(t, "F1001", none.Response["error_code"], "the seed merchant has no certification setting")
	assert.Equal(t, "certification", none.Response["pg_type"])
	assert.Equal(t, "c-0", none.Response["merchant_uid"])
	assert.Nil(t, none.Response["imp_uid"])
	assert.NotNil(t, none.Trace)
	assert.Equal(t, "popup", none.Mode)

	cfg := decode(t, obj.Call("configure", `{"merchant_code":"imp1","pg_settings":[
	 {"pg":"html5_inicis","mid":"MID-a","pay_type":"general","default":true},
	 {"pg":"danal","mid":"CERT-D","pay_type":"general","type":"certification"}],
	 "identities":[{"name":"Adult","phone":"01011112222","carrier":"SKT","birthday":"1990-01-01","gender":"male"},
	               {"name":"Kid","phone":"01011113333","carrier":"KTF","birthday":"2015-06-15","gender":"female"}]}`))
	require.True(t, *cfg.OK, "%+v", cfg.Errors)
	assert.Len(t, cfg.Config["identities"], 2, "the config answer keeps the identities")

	env := mustJSON(t, map[string]any{"user_agent": "Mozilla/5.0 (X11; Linux x86_64)", "now_ms": 1764130000000})
	a := decode(t, obj.Call("certification", `{"merchant_uid":"c-1","min_age":19}`, env))
	require.True(t, *a.OK, "%+v", a)
	assert.Regexp(t, `^imp_\d{12}$`, a.ImpUID)
	assert.Equal(t, "c-1", a.MerchantUID)
	assert.Equal(t, "popup", a.Mode, "a PC gets a popup by default")
	assert.Equal(t, "certification", a.Window["kind"])
	assert.Equal(t, "danal", a.Window["pg"])
	assert.Equal(t, 19.0, a.Window["min_age"])
	assert.Len(t, a.Window["identities"], 2)
	assert.Equal(t, "R3", a.Trace["rule"])

	// a bad identity keeps the window open; the minor is refused like a cancel; the adult passes
	assert.Equal(t, "INTERNAL", decode(t, obj.Call("complete", a.ID, `{"result":"paid","identity":5}`)).Error.Code)
	var kid struct {
		Response map[string]any `json:"response"`
		Identity map[string]any `json:"identity"`
	}
	require.NoError(t, json.Unmarshal([]byte(obj.Call("complete", a.ID, `{"result":"paid","identity":1}`).String()), &kid))
	assert.Equal(t, false, kid.Response["success"])
	assert.Equal(t, "USER_CANCEL", kid.Response["error_code"])
	assert.Contains(t, kid.Response["error_msg"], "younger than min_age 19")
	assert.Nil(t, kid.Identity)
	assert.NotNil(t, decode(t, obj.Call("complete", a.ID, `{"result":"paid"}`)).Error, "each window completes once")

	b := decode(t, obj.Call("certification", `{"min_age":19}`, env))
	var adult struct {
		Response map[string]any `json:"response"`
		Identity map[string]any `json:"identity"`
	}
	require.NoError(t, json.Unmarshal([]byte(obj.Call("complete", b.ID, `{"result":"paid","identity":0}`).String()), &adult))
	assert.Equal(t, map[string]any{"success": true, "imp_uid": b.ImpUID, "merchant_uid": b.MerchantUID, "pg_provider": "danal",
		"pg_type": "certification", "error_code": nil, "error_msg": nil}, adult.Response)
	assert.Equal(t, "Adult", adult.Identity["name"])
	assert.Equal(t, "1990-01-01", adult.Identity["birthday"])
	assert.Equal(t, "nobody_1764130000000", b.MerchantUID, "now_ms is the clock")

	mobile := decode(t, obj.Call("certification", `{"m_redirect_url":"https://shop.example/cert"}`, mustJSON(t, map[string]any{"user_agent": iPhone})))
	require.True(t, *mobile.OK)
	assert.Equal(t, "redirect", mobile.Mode)
	require.NotNil(t, mobile.RedirectURL)
	assert.Equal(t, "https://shop.example/cert", *mobile.RedirectURL)
	decode(t, obj.Call("abandon", mobile.ID))

	for _, bad := range []string{`{"min_age":"19"}`, `{"min_age":-1}`, `"x"`, `{"merchant_uid":1}`} {
		r := decode(t, obj.Call("certification", bad))
		require.False(t, *r.OK, bad)
		assert.NotEmpty(t, r.Response["error_code"], bad)
	}
	// the built-in merchant certifies out of the box
	require.True(t, *decode(t, obj.Call("sandbox", "imp_x")).OK)
	c := decode(t, obj.Call("certification", `{}`))
	require.True(t, *c.OK)
	assert.Equal(t, "inicis_unified", c.Window["pg"])
	assert.Len(t, c.Window["identities"], 3)
}

func TestCardQuotaThroughTheBridge(t *testing.T) {
	_, obj := freshObject(t)
	require.True(t, *decode(t, obj.Call("configure", seedConfig)).OK)
	a := decode(t, obj.Call("request", `{"pg":"html5_inicis","amount":60000,"display":{"card_quota":[3,6]},"currency":"krw"}`))
	require.True(t, *a.OK, "%+v", a.Response)
	assert.Equal(t, []any{3.0, 6.0}, a.Window["card_quota"])
	assert.Equal(t, "KRW", a.Window["currency"])
	assert.Equal(t, "CURRENCY_LOWER_CASE", a.Trace["warnings"].([]any)[0].(map[string]any)["code"])
	assert.Equal(t, "INTERNAL", decode(t, obj.Call("complete", a.ID, `{"result":"paid","card_quota":12}`)).Error.Code)
	r := decode(t, obj.Call("complete", a.ID, `{"result":"paid","card_quota":6}`)).Response
	assert.Equal(t, 6.0, r["card_quota"])
}

func TestMinimalResponse(t *testing.T) {
	_, obj := freshObject(t)
	cfg := decode(t, obj.Call("configure", strings.Replace(seedConfig, `{"merchant_code":"imp10391932",`, `{"merchant_code":"imp10391932","response":"minimal",`, 1)))
	require.True(t, *cfg.OK, "%+v", cfg.Errors)
	assert.Equal(t, "minimal", cfg.Config["response"])
	a := decode(t, obj.Call("request", `{"amount":1000,"merchant_uid":"m-1"}`))
	require.True(t, *a.OK)
	var done struct {
		Response map[string]any `json:"response"`
		Record   map[string]any `json:"record"`
	}
	require.NoError(t, json.Unmarshal([]byte(obj.Call("complete", a.ID, `{"result":"paid"}`).String()), &done))
	assert.Equal(t, map[string]any{"imp_uid": a.ImpUID, "merchant_uid": "m-1", "error_code": nil, "error_msg": nil}, done.Response)
	assert.Equal(t, true, done.Record["success"], "the server still gets the whole response")
	assert.Equal(t, "paid", done.Record["status"])

	bad := decode(t, obj.Call("request", `{"amount":-1,"merchant_uid":"m-2"}`))
	assert.Equal(t, map[string]any{"imp_uid": nil, "merchant_uid": "m-2", "error_code": "INVALID_AMOUNT", "error_msg": bad.Response["error_msg"]}, bad.Response)

	rejected := decode(t, obj.Call("configure", strings.Replace(seedConfig, `{"merchant_code":"imp10391932",`, `{"merchant_code":"imp10391932","response":"short",`, 1)))
	require.False(t, *rejected.OK)
	assert.Contains(t, mustJSON(t, rejected.Errors), `unknown response \"short\"`)
}
