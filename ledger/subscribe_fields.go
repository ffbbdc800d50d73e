package ledger

// Reading the REST bodies of /subscribe/…: JSON or a form, as the real API takes both, with
// the real API's words when a field is wrong.

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/impshim/impshim/resolver"
)

// boolField reads true/false (or "true"/"false", "1"/"0" from a form).
func boolField(f fields, name string) (bool, error) {
	s, raw, err := scalar(f, name)
	if err != nil || s == "" {
		return false, err
	}
	switch s {
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, refused(-1, name+" 값이 올바르지 않습니다.", name+" must be true or false, not "+raw, ErrInvalid)
}

// intField reads a whole number (or a string of one).
func intField(f fields, name string) (int64, bool, error) {
	s, raw, err := scalar(f, name)
	if err != nil || s == "" {
		return 0, false, err
	}
	n, perr := strconv.ParseInt(s, 10, 64)
	if perr != nil || n < 0 {
		if fl, ferr := strconv.ParseFloat(s, 64); ferr == nil && fl == float64(int64(fl)) && fl >= 0 && fl < 1<<53 {
			return int64(fl), true, nil
		}
		return 0, false, refused(-1, name+" 값이 올바르지 않습니다.", name+" must be a whole non-negative number, not "+raw, ErrInvalid)
	}
	return n, true, nil
}

// scalar is a field's text: a JSON string's content, a number's or a boolean's literal, a
// form value. raw is how it was sent, for messages. Objects and arrays are refused.
func scalar(f fields, name string) (text, raw string, err error) {
	if f.json == nil {
		v := f.form.Get(name)
		return strings.TrimSpace(v), strconv.Quote(v), nil
	}
	j, ok := f.json[name]
	if !ok || string(j) == "null" {
		return "", "null", nil
	}
	raw = string(j)
	var s string
	if json.Unmarshal(j, &s) == nil {
		return strings.TrimSpace(s), raw, nil
	}
	t := strings.TrimSpace(raw)
	if t == "" || t[0] == '{' || t[0] == '[' {
		return "", raw, refused(-1, name+" 값이 올바르지 않습니다.", name+" must be a single value, not "+raw, ErrInvalid)
	}
	return t, raw, nil
}

// textField reads a descriptive string; a number is kept as its text, as the real API does.
func textField(f fields, name string) (string, error) {
	s, _, err := scalar(f, name)
	return s, err
}

// customDataField reads custom_data: a string, or any JSON value kept as its JSON text.
func customDataField(f fields) string {
	if f.json == nil {
		return f.form.Get("custom_data")
	}
	raw, ok := f.json["custom_data"]
	if !ok || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

// listField reads a field that may be one string or an array of them (notice_url,
// merchant_uid of unschedule); a form repeats it or uses name[].
func listField(f fields, name string) ([]string, error) {
	if f.json == nil {
		var out []string
		for _, v := range append(f.form[name], f.form[name+"[]"]...) {
			if v != "" {
				out = append(out, v)
			}
		}
		return out, nil
	}
	raw, ok := f.json[name]
	if !ok || string(raw) == "null" {
		return nil, nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		if one == "" {
			return nil, nil
		}
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, refused(-1, name+" 값이 올바르지 않습니다.", name+" must be a string or an array of strings", ErrInvalid)
	}
	return many, nil
}

// amountFor reads an amount of currency: a number (or a string of digits, as forms send),
// with no more decimals than the currency has. required says whether it may be absent.
func amountFor(f fields, name, currency string, required bool) (Amount, error) {
	s, raw, err := scalar(f, name)
	if err != nil {
		return 0, err
	}
	if s == "" {
		if required {
			return 0, refused(-1, "결제금액("+name+")은 필수입력입니다.", name+" is required: a number such as 8900", ErrInvalid)
		}
		return 0, nil
	}
	if e := resolver.CheckAmountText(s, currency); e != nil {
		return 0, refused(-1, "결제금액("+name+")이 올바르지 않습니다.", name+" "+raw+": "+e.Message, ErrInvalid)
	}
	v, perr := ParseAmount(s)
	if perr != nil {
		return 0, refused(-1, "결제금액("+name+")이 올바르지 않습니다.", name+" "+raw+" "+perr.Error(), ErrInvalid)
	}
	return v, nil
}

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// decodeCharge reads the fields every charge shares (again, onetime, one schedule).
// A charge without name is taken, as the real API takes it; the payment then has no title in the
// console (iamport-rest-client-net issue 35).
func decodeCharge(f fields) (Charge, error) {
	var c Charge
	var errs []error
	str := func(name string, dst *string) {
		s, err := textField(f, name)
		errs = append(errs, err)
		*dst = s
	}
	str("merchant_uid", &c.MerchantUID)
	str("currency", &c.Currency)
	str("name", &c.Name)
	for _, p := range []struct {
		name string
		dst  *string
	}{{"buyer_name", &c.BuyerName}, {"buyer_email", &c.BuyerEmail}, {"buyer_tel", &c.BuyerTel},
		{"buyer_addr", &c.BuyerAddr}, {"buyer_postcode", &c.BuyerPostcode}} {
		str(p.name, p.dst)
	}
	if c.Currency == "" {
		c.Currency = "KRW"
	}
	if !currencyCode.MatchString(c.Currency) {
		errs = append(errs, refused(-1, "통화(currency) 값이 올바르지 않습니다.", "currency "+strconv.Quote(c.Currency)+" is not a 3-letter code such as KRW", ErrInvalid))
		c.Currency = "KRW"
	}
	errs = append(errs, checkMerchantUID(c.MerchantUID))
	var err error
	if c.Amount, err = amountFor(f, "amount", c.Currency, true); err == nil && c.Amount == 0 {
		err = refused(-1, "결제금액(amount)은 0보다 커야 합니다.", "amount must be more than 0", ErrInvalid)
	}
	errs = append(errs, err)
	c.TaxFree, err = amountFor(f, "tax_free", c.Currency, false)
	errs = append(errs, err)
	if err == nil && c.TaxFree > c.Amount && c.Amount > 0 {
		errs = append(errs, refused(-1, "면세공급가액(tax_free)은 결제금액보다 클 수 없습니다.", "tax_free "+c.TaxFree.String()+" is more than amount "+c.Amount.String(), ErrInvalid))
	}
	quota, _, err := intField(f, "card_quota")
	errs = append(errs, err)
	c.CardQuota = quota
	c.CustomData = customDataField(f)
	c.NoticeURLs, err = listField(f, "notice_url")
	errs = append(errs, err)
	if len(c.NoticeURLs) > maxNoticeURLs {
		errs = append(errs, refused(-1, "notice_url 값이 올바르지 않습니다.", "notice_url lists more than "+strconv.Itoa(maxNoticeURLs)+" URLs", ErrInvalid))
	}
	return c, errors.Join(errs...)
}

func decodeCard(f fields) (Card, error) {
	var c Card
	var errs []error
	for _, p := range []struct {
		name string
		dst  *string
	}{{"card_number", &c.Number}, {"expiry", &c.Expiry}, {"birth", &c.Birth}, {"pwd_2digit", &c.Pwd2Digit}, {"cvc", &c.CVC}} {
		s, err := textField(f, p.name)
		errs = append(errs, err)
		*p.dst = s
	}
	return c, errors.Join(errs...)
}

// decodeCustomer reads the customer_* fields of a key and its customer_id.
func decodeCustomer(f fields, k *BillingKey) error {
	var errs []error
	for _, p := range []struct {
		name string
		dst  *Text
	}{{"customer_id", &k.CustomerID}, {"customer_name", &k.CustomerName}, {"customer_tel", &k.CustomerTel},
		{"customer_email", &k.CustomerEmail}, {"customer_addr", &k.CustomerAddr}, {"customer_postcode", &k.CustomerPostcode}} {
		s, err := textField(f, p.name)
		errs = append(errs, err)
		*p.dst = Text(s)
	}
	return errors.Join(errs...)
}

// scheduleEntries reads "schedules": a JSON array of objects, or a form's
// schedules[0][merchant_uid]=…&schedules[0][amount]=… (how PHP and jQuery send arrays).
func scheduleEntries(f fields) ([]fields, error) {
	bad := refused(-1, "schedules 파라메터가 올바르지 않습니다.",
		`schedules must be an array of {"merchant_uid", "schedule_at", "amount", "name", …}`, ErrInvalid)
	if f.json != nil {
		raw, ok := f.json["schedules"]
		if !ok || string(raw) == "null" {
			return nil, nil
		}
		var list []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, bad
		}
		out := make([]fields, len(list))
		for i, m := range list {
			if m == nil {
				return nil, bad
			}
			out[i] = fields{json: m}
		}
		return out, nil
	}
	byIndex := map[int]url.Values{}
	for key, vals := range f.form {
		rest, ok := strings.CutPrefix(key, "schedules[")
		if !ok {
			continue
		}
		idx, name, ok := strings.Cut(rest, "][")
		n, err := strconv.Atoi(idx)
		if !ok || err != nil || n < 0 || n > 1000 || !strings.HasSuffix(name, "]") {
			return nil, bad
		}
		if byIndex[n] == nil {
			byIndex[n] = url.Values{}
		}
		byIndex[n][strings.TrimSuffix(name, "]")] = vals
	}
	idx := make([]int, 0, len(byIndex))
	for n := range byIndex {
		idx = append(idx, n)
	}
	sort.Ints(idx)
	out := make([]fields, len(idx))
	for i, n := range idx {
		out[i] = fields{form: byIndex[n]}
	}
	return out, nil
}

// prefixed names the schedule entry in each refusal's explanation.
func prefixed(prefix string, err error) error {
	var out []error
	var walk func(error)
	walk = func(err error) {
		var r *Refusal
		switch x := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range x.Unwrap() {
				walk(e)
			}
		default:
			if errors.As(err, &r) {
				c := *r
				c.Explain = prefix + c.Explain
				out = append(out, &c)
			} else {
				out = append(out, err)
			}
		}
	}
	walk(err)
	return errors.Join(out...)
}
