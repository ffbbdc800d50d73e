package resolver

import "github.com/impshim/impshim/internal/jsonv"

// AppendJSON appends the trace in the docs/sdk.md §4 shape (+ "error" when Err is set).
func (t *Trace) AppendJSON(b []byte) []byte {
	w := jsonv.Writer{B: append(b, '{')}
	w.Str("input", t.Input)
	w.Str("code", t.Code)
	w.Str("mid", t.MID)
	w.StrOrNull("rule", t.Rule)
	w.Bool("fallback", t.Fallback)
	if t.Index < 0 {
		w.Raw("setting", "null")
	} else {
		w.Key("setting")
		w.B = appendSetting(w.B, t.Index, &t.Setting, t.Default)
	}
	w.Key("considered")
	w.B = jsonv.AppendArray(w.B, t.Considered, func(b []byte, c Considered) []byte {
		w := jsonv.Writer{B: append(b, '{')}
		w.Int("index", int64(c.Index))
		w.Str("why_not", c.WhyNot)
		return append(w.B, '}')
	})
	w.Key("warnings")
	w.B = AppendWarningsJSON(w.B, t.Warnings)
	if t.Err != nil {
		w.Key("error")
		w.B = t.Err.AppendJSON(w.B)
	}
	return append(w.B, '}')
}

func appendSetting(b []byte, index int, s *Setting, isDefault bool) []byte {
	w := jsonv.Writer{B: append(b, '{')}
	w.Int("index", int64(index))
	w.Str("pg", s.PG)
	w.Str("mid", s.MID)
	w.Str("pay_type", s.PayType)
	w.Bool("default", isDefault)
	for _, f := range [...]struct{ key, value string }{{"label", s.Label}, {"type", s.Type}, {"channel_key", s.ChannelKey}} {
		if f.value != "" {
			w.Str(f.key, f.value)
		}
	}
	return append(w.B, '}')
}

// AppendConfigErrorsJSON appends [{"index","field","message"}].
func AppendConfigErrorsJSON(b []byte, errs []ConfigError) []byte {
	return jsonv.AppendArray(b, errs, func(b []byte, e ConfigError) []byte {
		w := jsonv.Writer{B: append(b, '{')}
		w.Int("index", int64(e.Index))
		w.Str("field", e.Field)
		w.Str("message", e.Message)
		return append(w.B, '}')
	})
}

// AppendWarningsJSON appends [{"code","message","suggestions"?:[{"pg","label"}]}].
func AppendWarningsJSON(b []byte, ws []Warning) []byte {
	return jsonv.AppendArray(b, ws, func(b []byte, w Warning) []byte {
		if len(w.Suggestions) == 0 {
			return appendCodeMessage(b, w.Code, w.Message)
		}
		b = appendCodeMessage(b, w.Code, w.Message)
		o := jsonv.Writer{B: b[:len(b)-1]}
		o.Key("suggestions")
		o.B = jsonv.AppendArray(o.B, w.Suggestions, func(b []byte, s Suggestion) []byte {
			w := jsonv.Writer{B: append(b, '{')}
			w.Str("pg", s.PG)
			w.Str("label", s.Label)
			return append(w.B, '}')
		})
		return append(o.B, '}')
	})
}
