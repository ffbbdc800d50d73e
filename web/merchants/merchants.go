// Package merchants reads merchant files — the format of a merchant's admin-console settings
// (`{"merchant_code", "pg_settings", …}`, docs/ in the README's "-merchants DIR") plus the REST
// credentials "imp_key" and "imp_secret" — and is the only code that does. One File gives the
// three things the server needs from it: the code, the JSON served to browsers (never a REST
// key), and the keys the ledger's REST API checks.
//
// The seed's merchant (the guide's "Integrating Multiple PGs" example, imp10391932.json in this
// directory) is embedded: every fresh `make run` knows it, and tests read it from here.
package merchants

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/impshim/impshim/resolver"
)

//go:embed imp10391932.json
var seed []byte

// SeedCode is the merchant every fresh `make run` knows.
const SeedCode = "imp10391932"

// Keys are a merchant's REST API credentials (the console's "My ID & API keys"). Empty Keys:
// the merchant records payments from the browser but cannot get a REST token.
type Keys struct {
	ImpKey    string
	ImpSecret string
}

// File is one merchant file, read and checked.
type File struct {
	Code string
	// Public is the file without imp_key and imp_secret: what browsers get as
	// merchants/<code>.json. A file without keys is kept byte for byte.
	Public []byte
	Keys   Keys
	// Webhook is the file's console webhook setting ("webhook"), the zero value without one.
	Webhook Webhook
}

// Set is the merchants a server serves, by code.
type Set map[string]File

// Codes lists the set's codes, sorted.
func (s Set) Codes() []string {
	codes := make([]string, 0, len(s))
	for c := range s {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	return codes
}

// Seed returns the embedded seed merchant, keys included. It cannot fail: its file is checked by
// this package's tests.
func Seed() File {
	f, err := Parse(SeedCode, seed)
	if err != nil {
		panic("merchants: the embedded seed merchant is invalid: " + err.Error())
	}
	return f
}

// code is what a file name (and a URL) may hold: the console's codes are "imp" + digits, and a
// sandbox may use any short name made of these characters.
var code = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ValidCode reports whether c can name a merchant file.
func ValidCode(c string) bool { return code.MatchString(c) }

// Error says which merchant file is wrong and every problem in it.
type Error struct {
	File     string
	Problems []string
}

func (e *Error) Error() string { return e.File + ": " + strings.Join(e.Problems, "; ") }

// Parse checks one merchant file the way the SDK will read it (resolver.ParseConfig and
// resolver.NewMerchant), that its merchant_code is the code it is served under, and its keys.
func Parse(merchantCode string, data []byte) (File, error) {
	file := merchantCode + ".json"
	if !ValidCode(merchantCode) {
		return File{}, &Error{File: file, Problems: []string{"the file name must be <merchant code>.json with letters, digits, _ or - only"}}
	}
	cfg, errs := resolver.ParseConfig(data)
	if len(errs) == 0 {
		_, errs, _ = resolver.NewMerchant(cfg)
	}
	var problems []string
	for _, e := range errs {
		problems = append(problems, describe(e))
	}
	if len(errs) == 0 && cfg.MerchantCode != merchantCode {
		problems = append(problems, `merchant_code is "`+cfg.MerchantCode+`" but the file is named `+file+
			`: imp.js asks for merchants/<code>.json, so the two must agree`)
	}
	f := File{Code: merchantCode, Public: data}
	if len(problems) == 0 {
		var err error
		f.Keys, f.Public, err = splitKeys(data)
		if err != nil {
			problems = append(problems, err.Error())
		}
		if f.Webhook, err = parseWebhook(data); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if len(problems) > 0 {
		return File{}, &Error{File: file, Problems: problems}
	}
	return f, nil
}

// splitKeys takes imp_key and imp_secret out of a merchant file.
func splitKeys(data []byte) (Keys, []byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return Keys{}, nil, fmt.Errorf("the file is not a JSON object: %w", err)
	}
	var k Keys
	for name, dst := range map[string]*string{"imp_key": &k.ImpKey, "imp_secret": &k.ImpSecret} {
		raw, ok := m[name]
		if !ok || string(raw) == "null" {
			continue
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return Keys{}, nil, errors.New(name + " must be a string")
		}
	}
	if (k.ImpKey == "") != (k.ImpSecret == "") {
		return Keys{}, nil, errors.New("give both imp_key and imp_secret, or neither")
	}
	_, hasKey := m["imp_key"]
	_, hasSecret := m["imp_secret"]
	if !hasKey && !hasSecret {
		return k, data, nil
	}
	delete(m, "imp_key")
	delete(m, "imp_secret")
	public, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Keys{}, nil, fmt.Errorf("the file cannot be rewritten without its keys: %w", err)
	}
	return k, append(public, '\n'), nil
}

func describe(e resolver.ConfigError) string {
	if e.Index < 0 {
		return e.Message
	}
	where := "pg_settings[" + strconv.Itoa(e.Index) + "]"
	if e.Field != "" {
		where += "." + e.Field
	}
	return where + ": " + e.Message
}

// Load reads every *.json file of dir as a merchant file named by its file name, checks each,
// and returns them with the seed merchant (a file named imp10391932.json replaces it; without
// keys of its own it keeps the seed's). Any invalid file fails the whole load, so a typo is seen
// at startup rather than as a puzzling fallback in the browser. dir "" loads the seed alone.
func Load(dir string) (Set, error) {
	set := Set{SeedCode: Seed()}
	if dir == "" {
		return set, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading merchant files: %w", err)
	}
	var bad []error
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".json") || strings.HasPrefix(name, ".") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			bad = append(bad, err)
			continue
		}
		f, err := Parse(strings.TrimSuffix(name, ".json"), data)
		if err != nil {
			bad = append(bad, err)
			continue
		}
		if f.Code == SeedCode && f.Keys == (Keys{}) {
			f.Keys = set[SeedCode].Keys
		}
		set[f.Code] = f
	}
	bad = append(bad, set.sharedKeys()...)
	if len(bad) > 0 {
		return nil, errors.Join(bad...)
	}
	return set, nil
}

// sharedKeys finds merchants with the same imp_key: POST /users/getToken names no merchant,
// so a key must lead to one.
func (s Set) sharedKeys() []error {
	var bad []error
	owner := map[string]string{}
	for _, c := range s.Codes() {
		k := s[c].Keys
		if k.ImpKey == "" {
			continue
		}
		if other, dup := owner[k.ImpKey]; dup {
			bad = append(bad, &Error{File: c + ".json", Problems: []string{"imp_key " + k.ImpKey + " is also " + other + "'s; each merchant needs its own"}})
		}
		owner[k.ImpKey] = c
	}
	return bad
}
