package web

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// ErrorBody is the JSON body of every 4xx and 5xx answer web gives itself:
// {"error": {"code": "NOT_FOUND", "message": "…"}}. Codes are stable; messages are for people.
type ErrorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	var body ErrorBody
	body.Error.Code, body.Error.Message = code, message
	data, _ := json.Marshal(body) // a struct of two strings cannot fail to marshal
	h := w.Header()
	// Headers meant for the file that is not being served must not stick to the error.
	h.Del("Content-Encoding")
	h.Del("ETag")
	h.Del("Last-Modified")
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(data)+1))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(data, '\n'))
}
