package web

import (
	_ "embed"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/impshim/impshim/resolver"
)

// defaultMerchant is the seed's example ("Integrating Multiple PGs"): the merchant every fresh
// `make run` knows, so IMP.init("imp10391932") works with no setup.
//
//go:embed merchants/imp10391932.json
var defaultMerchant []byte

const defaultMerchantCode = "imp10391932"

// merchantCode is what a file name (and a URL) may hold: the console's codes are "imp" + digits,
// and a sandbox may use any short name made of these characters.
var merchantCode = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// MerchantError says which merchant file is wrong and every problem in it.
type MerchantError struct {
	File     string
	Problems []string
}

func (e *MerchantError) Error() string {
	return e.File + ": " + strings.Join(e.Problems, "; ")
}

// ValidateMerchant checks one merchant file the way the SDK will read it (resolver.ParseConfig
// and resolver.NewMerchant) and that its merchant_code matches the code it is served under.
func ValidateMerchant(code string, data []byte) error {
	file := code + ".json"
	if !merchantCode.MatchString(code) {
		return &MerchantError{File: file, Problems: []string{"the file name must be <merchant code>.json with letters, digits, _ or - only"}}
	}
	cfg, errs := resolver.ParseConfig(data)
	if len(errs) == 0 {
		_, errs, _ = resolver.NewMerchant(cfg)
	}
	var problems []string
	for _, e := range errs {
		problems = append(problems, describeConfigError(e))
	}
	if len(errs) == 0 && cfg.MerchantCode != code {
		problems = append(problems, `merchant_code is "`+cfg.MerchantCode+`" but the file is named `+file+
			`: imp.js asks for merchants/<code>.json, so the two must agree`)
	}
	if len(problems) > 0 {
		return &MerchantError{File: file, Problems: problems}
	}
	return nil
}

func describeConfigError(e resolver.ConfigError) string {
	if e.Index < 0 {
		return e.Message
	}
	where := "pg_settings[" + strconv.Itoa(e.Index) + "]"
	if e.Field != "" {
		where += "." + e.Field
	}
	return where + ": " + e.Message
}

// LoadMerchants reads every *.json file of dir as a merchant configuration named by its file
// name, and validates each. Any invalid file fails the whole load, so a typo is seen at startup
// rather than as a puzzling fallback in the browser. An empty dir loads nothing.
func LoadMerchants(dir string) (map[string][]byte, error) {
	if dir == "" {
		return nil, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, errors.New("reading merchant files: " + err.Error())
	}
	merchants := map[string][]byte{}
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
		code := strings.TrimSuffix(name, ".json")
		if err := ValidateMerchant(code, data); err != nil {
			bad = append(bad, err)
			continue
		}
		merchants[code] = data
	}
	if len(bad) > 0 {
		return nil, errors.Join(bad...)
	}
	return merchants, nil
}

// MerchantCodes lists the codes a handler built with these merchants serves, sorted; for the
// startup message.
func MerchantCodes(merchants map[string][]byte) []string {
	codes := []string{defaultMerchantCode}
	for code := range merchants {
		if code != defaultMerchantCode {
			codes = append(codes, code)
		}
	}
	sort.Strings(codes)
	return codes
}

func (s *server) serveMerchant(w http.ResponseWriter, r *http.Request, file string) {
	code, ok := strings.CutSuffix(file, ".json")
	m, found := s.merchants[code]
	if !ok || !found {
		// imp.js treats 404 as "use the built-in sandbox merchant" (SPEC §3).
		writeError(w, http.StatusNotFound, "MERCHANT_NOT_FOUND",
			"no merchant file "+file+" on this server: start it with -merchants DIR holding <code>.json, "+
				"or call IMP.sandbox.configure(config) in the page")
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	serveBytes(w, r, file, m.data, m.etag)
}
