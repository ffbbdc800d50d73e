package resolver

import (
	"strconv"

	"github.com/impshim/impshim/internal/jsonv"
)

// AppendJSON appends the trace in the docs/sdk.md §4 shape (+ "error" when Err is set).
func (t *Trace) AppendJSON(b []byte) []byte {
	b = append(b, `{"input":`...)
	b = jsonv.AppendString(b, t.Input)
	b = append(b, `,"code":`...)
	b = jsonv.AppendString(b, t.Code)
	b = append(b, `,"mid":`...)
	b = jsonv.AppendString(b, t.MID)
	b = append(b, `,"rule":`...)
	if t.Rule == "" {
		b = append(b, "null"...)
	} else {
		b = jsonv.AppendString(b, t.Rule)
	}
	b = append(b, `,"fallback":`...)
	b = jsonv.AppendBool(b, t.Fallback)
	b = append(b, `,"setting":`...)
	if t.Index < 0 {
		b = append(b, "null"...)
	} else {
		b = appendSetting(b, t.Index, &t.Setting, t.Default)
	}
	b = append(b, `,"considered":`...)
	b = jsonv.AppendArray(b, t.Considered, func(b []byte, c Considered) []byte {
		b = append(b, `{"index":`...)
		b = strconv.AppendInt(b, int64(c.Index), 10)
		b = append(b, `,"why_not":`...)
		b = jsonv.AppendString(b, c.WhyNot)
		return append(b, '}')
	})
	b = append(b, `,"warnings":`...)
	b = AppendWarningsJSON(b, t.Warnings)
	if t.Err != nil {
		b = append(b, `,"error":`...)
		b = t.Err.AppendJSON(b)
	}
	return append(b, '}')
}

func appendSetting(b []byte, index int, s *Setting, isDefault bool) []byte {
	b = append(b, `{"index":`...)
	b = strconv.AppendInt(b, int64(index), 10)
	b = append(b, `,"pg":`...)
	b = jsonv.AppendString(b, s.PG)
	b = append(b, `,"mid":`...)
	b = jsonv.AppendString(b, s.MID)
	b = append(b, `,"pay_type":`...)
	b = jsonv.AppendString(b, s.PayType)
	b = append(b, `,"default":`...)
	b = jsonv.AppendBool(b, isDefault)
	if s.Label != "" {
		b = append(b, `,"label":`...)
		b = jsonv.AppendString(b, s.Label)
	}
	if s.Type != "" {
		b = append(b, `,"type":`...)
		b = jsonv.AppendString(b, s.Type)
	}
	if s.ChannelKey != "" {
		b = append(b, `,"channel_key":`...)
		b = jsonv.AppendString(b, s.ChannelKey)
	}
	return append(b, '}')
}

// AppendConfigErrorsJSON appends [{"index","field","message"}].
func AppendConfigErrorsJSON(b []byte, errs []ConfigError) []byte {
	return jsonv.AppendArray(b, errs, func(b []byte, e ConfigError) []byte {
		b = append(b, '{')
		b = jsonv.AppendKey(b, "index")
		b = jsonv.AppendInt(b, int64(e.Index))
		b = jsonv.AppendKey(b, "field")
		b = jsonv.AppendString(b, e.Field)
		b = jsonv.AppendKey(b, "message")
		b = jsonv.AppendString(b, e.Message)
		return append(b, '}')
	})
}

// AppendWarningsJSON appends [{"code","message","suggestions"?:[{"pg","label"}]}].
func AppendWarningsJSON(b []byte, ws []Warning) []byte {
	return jsonv.AppendArray(b, ws, func(b []byte, w Warning) []byte {
		if len(w.Suggestions) == 0 {
			return appendCodeMessage(b, w.Code, w.Message)
		}
		b = appendCodeMessage(b, w.Code, w.Message)
		b = append(b[:len(b)-1], `,"suggestions":`...)
		b = jsonv.AppendArray(b, w.Suggestions, func(b []byte, s Suggestion) []byte {
			b = append(b, `{"pg":`...)
			b = jsonv.AppendString(b, s.PG)
			b = append(b, `,"label":`...)
			b = jsonv.AppendString(b, s.Label)
			return append(b, '}')
		})
		return append(b, '}')
	})
}
