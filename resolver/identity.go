package resolver

import (
	"strconv"
	"strings"

	"github.com/impshim/impshim/internal/jsonv"
)

// Identity is a person the mock verification window offers to "verify": what the real service
// would learn from the carrier and return from GET /certifications/{imp_uid}.
type Identity struct {
	Name      string
	Phone     string // digits, e.g. "01012345678"
	Carrier   string // SKT, KTF, LGT or MVNO
	Birthday  string // YYYY-MM-DD
	Gender    string // "male" or "female"
	Foreigner bool
}

// Carriers are the codes IMP.certification's carrier param takes (portone-io/developers.portone.io,
// src/routes/(root)/sdk/ko/v1-sdk/javascript-sdk/cft.mdx: SKT, KT → KTF, LGU+ → LGT, 알뜰폰 → MVNO).
var Carriers = []string{"SKT", "KTF", "LGT", "MVNO"}

// BuiltInIdentities are offered when the merchant config names none: an adult, a minor (born
// 2015-06-15, under 19 until 2034) and a foreigner.
func BuiltInIdentities() []Identity {
	return []Identity{
		{Name: "홍길동", Phone: "01012345678", Carrier: "SKT", Birthday: "1990-01-01", Gender: "male"},
		{Name: "김민지", Phone: "01023456789", Carrier: "KTF", Birthday: "2015-06-15", Gender: "female"},
		{Name: "John Smith", Phone: "01034567890", Carrier: "LGT", Birthday: "1985-03-20", Gender: "male", Foreigner: true},
	}
}

// parseIdentities reads the config's optional "identities" list; like the rest of ParseConfig
// it reports only values of the wrong JSON type (Validate checks the values).
func parseIdentities(v jsonv.Value) ([]Identity, []ConfigError) {
	switch v.Kind {
	case jsonv.Absent, jsonv.Null:
		return nil, nil
	case jsonv.Array:
	default:
		return nil, []ConfigError{{-1, "identities", "identities must be a list of people like {\"name\": \"홍길동\", \"phone\": \"01012345678\", \"carrier\": \"SKT\", \"birthday\": \"1990-01-01\", \"gender\": \"male\"}, got " + v.Kind.Article()}}
	}
	var errs []ConfigError
	out := make([]Identity, 0, len(v.Items))
	for i := range v.Items {
		item := &v.Items[i]
		where := "identities[" + decimal(i) + "]"
		var id Identity
		if item.Kind != jsonv.Object {
			addError(&errs, -1, where, "each identity must be an object with name, phone, carrier, birthday and gender, got "+item.Kind.Article())
			out = append(out, id)
			continue
		}
		for _, f := range [...]textField{{"name", &id.Name}, {"phone", &id.Phone}, {"carrier", &id.Carrier}, {"birthday", &id.Birthday}, {"gender", &id.Gender}} {
			if got := item.GetString(f.key, f.dst); got != "" {
				addError(&errs, -1, where+"."+f.key, f.key+" must be a string, got "+got)
			}
		}
		if got := item.GetBool("foreigner", &id.Foreigner); got != "" {
			addError(&errs, -1, where+".foreigner", "foreigner must be true or false, got "+got)
		}
		out = append(out, id)
	}
	return out, errs
}

// validateIdentities checks every identity's values; errors name identities[i].field.
func validateIdentities(ids []Identity) []ConfigError {
	var errs []ConfigError
	for i, id := range ids {
		where := "identities[" + decimal(i) + "]."
		bad := func(field, msg string) { addError(&errs, -1, where+field, msg) }
		if blank(id.Name) {
			bad("name", "name is empty: give the person's name, e.g. \"홍길동\"")
		}
		if digits := without(id.Phone, '-'); len(digits) < 10 || len(digits) > 11 || !isDigits(digits) || !strings.HasPrefix(digits, "01") {
			bad("phone", "phone "+quote(id.Phone)+" is not a Korean mobile number: write it like \"01012345678\"")
		}
		if !listed(Carriers, id.Carrier) {
			bad("carrier", "carrier "+quote(id.Carrier)+" is unknown: use \"SKT\", \"KTF\" (KT), \"LGT\" (LG U+) or \"MVNO\" (알뜰폰)")
		}
		if _, ok := parseBirthday(id.Birthday); !ok {
			bad("birthday", "birthday "+quote(id.Birthday)+" is not a date written YYYY-MM-DD, e.g. \"1990-01-01\"")
		}
		if id.Gender != "male" && id.Gender != "female" {
			bad("gender", "gender "+quote(id.Gender)+" is unknown: use \"male\" or \"female\" (the values GET /certifications returns)")
		}
	}
	return errs
}

// civil is a calendar date.
type civil struct{ y, m, d int }

// parseBirthday reads YYYY-MM-DD: a real date, from year 1900 on.
func parseBirthday(s string) (civil, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' || !isDigits(s[:4]) || !isDigits(s[5:7]) || !isDigits(s[8:]) {
		return civil{}, false
	}
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[5:7])
	d, _ := strconv.Atoi(s[8:])
	if y < 1900 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return civil{}, false
	}
	return civil{y, m, d}, true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// seoulDate is the calendar date in Asia/Seoul (UTC+9 all year: Korea has kept no daylight
// saving time since 1988) at unix time ms.
func seoulDate(ms int64) civil {
	days := (ms + 9*3600*1000) / (24 * 3600 * 1000)
	if (ms+9*3600*1000)%(24*3600*1000) < 0 {
		days--
	}
	// civil_from_days (Howard Hinnant's algorithm): days since 1970-01-01 → y, m, d.
	z := days + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return civil{int(y), int(m), int(d)}
}

// AgeAt is the identity's age in full years (만 나이, what min_age means) on the Seoul date
// at unix time ms; ok is false when its birthday is not a date.
func (id Identity) AgeAt(ms int64) (age int, ok bool) {
	b, ok := parseBirthday(id.Birthday)
	if !ok {
		return 0, false
	}
	now := seoulDate(ms)
	age = now.y - b.y
	if now.m < b.m || (now.m == b.m && now.d < b.d) {
		age--
	}
	return age, true
}

// AppendJSON writes {"name","phone","carrier","birthday","gender","foreigner"}.
func (id Identity) AppendJSON(b []byte) []byte {
	w := jsonv.Writer{B: append(b, '{')}
	w.Str("name", id.Name)
	w.Str("phone", id.Phone)
	w.Str("carrier", id.Carrier)
	w.Str("birthday", id.Birthday)
	w.Str("gender", id.Gender)
	w.Bool("foreigner", id.Foreigner)
	return append(w.B, '}')
}
