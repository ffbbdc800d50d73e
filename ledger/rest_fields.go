package ledger

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// More readers of a REST body (JSON or form, see readFields) for the fields the OpenAPI types
// as boolean, integer, array and object.

// has reports whether the field is given at all (null and "" count as absent).
func (f fields) has(name string) bool {
	if f.json == nil {
		return f.form.Get(name) != "" || len(f.form[name+"[]"]) > 0 || f.formObject(name) != nil
	}
	raw, ok := f.json[name]
	return ok && string(raw) != "null"
}

// boolean reads true/false (a form's "true", "1", "false", "0"); absent is false.
func (f fields) boolean(name string) (bool, error) {
	text := f.scalar(name)
	switch strings.TrimSpace(text) {
	case "":
		return false, nil
	case "true", "1":
		return true, nil
	case "false", "0":
		return false, nil
	}
	return false, invalid(name, name+" must be true or false, not "+text)
}

// integer reads a whole number in [min, max] (a JSON number or a string of digits); absent is
// ok=false.
func (f fields) integer(name string, min, max int64) (n int64, ok bool, err error) {
	text := strings.TrimSpace(f.scalar(name))
	if text == "" {
		return 0, false, nil
	}
	n, err = strconv.ParseInt(text, 10, 64)
	if err != nil {
		// 1.7e9 is what a JavaScript Date/1000 may print; a fraction is not a whole number.
		if v, ferr := strconv.ParseFloat(text, 64); ferr == nil && v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			n, err = int64(v), nil
		}
	}
	if err != nil || n < min || n > max {
		return 0, false, invalid(name, name+" must be a whole number from "+strconv.FormatInt(min, 10)+" to "+
			strconv.FormatInt(max, 10)+", not "+strconv.Quote(text))
	}
	return n, true, nil
}

// strs reads a string or an array of strings (a form's repeated name or name[]).
func (f fields) strs(name string) ([]string, error) {
	if f.json == nil {
		return append(append([]string(nil), f.form[name]...), f.form[name+"[]"]...), nil
	}
	list, ok := stringOrList(f.json[name])
	if !ok {
		return nil, invalid(name, name+" must be a string or an array of strings")
	}
	return list, nil
}

// object reads a field that is a JSON object (a form's name[key]=value fields); absent is nil.
func (f fields) object(name string) (fields, error) {
	if f.json == nil {
		if m := f.formObject(name); m != nil {
			return fields{form: m}, nil
		}
		return fields{}, nil
	}
	raw, ok := f.json[name]
	if !ok || string(raw) == "null" {
		return fields{}, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return fields{}, invalid(name, name+" must be an object")
	}
	return fields{json: m}, nil
}

// present reports whether object found an object.
func (f fields) present() bool { return f.json != nil || f.form != nil }

// formObject gathers a form's name[key] fields, as PHP and qs encode objects.
func (f fields) formObject(name string) map[string][]string {
	var m map[string][]string
	for k, v := range f.form {
		if rest, ok := strings.CutPrefix(k, name+"["); ok && strings.HasSuffix(rest, "]") {
			if m == nil {
				m = map[string][]string{}
			}
			m[strings.TrimSuffix(rest, "]")] = v
		}
	}
	return m
}

// raw is a JSON field's text, for fields stored as given (custom_data, products).
func (f fields) raw(name string) json.RawMessage {
	if f.json == nil {
		if s := f.form.Get(name); s != "" {
			b, _ := json.Marshal(s)
			return b
		}
		return nil
	}
	raw, ok := f.json[name]
	if !ok || string(raw) == "null" {
		return nil
	}
	return raw
}
