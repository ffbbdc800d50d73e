package web

import (
	"net/http"
	"strings"
)

func (s *server) serveMerchant(w http.ResponseWriter, r *http.Request, file string) {
	// Readable by imp.js on a page of any origin, the 404 too: it is how the bridge learns to use
	// the built-in sandbox merchant, and an unreadable one looks like a network failure (issue 12).
	w.Header().Set("Access-Control-Allow-Origin", "*")
	code, ok := strings.CutSuffix(file, ".json")
	m, found := s.merchants[code]
	if !ok || !found {
		// imp.js treats 404 as "use the built-in sandbox merchant" (docs/sdk.md §3).
		writeError(w, http.StatusNotFound, "MERCHANT_NOT_FOUND",
			"no merchant file "+file+" on this server: start it with -merchants DIR holding <code>.json, "+
				"or call IMP.sandbox.configure(config) in the page")
		return
	}
	serveBytes(w, r, file, m.data, m.etag)
}
