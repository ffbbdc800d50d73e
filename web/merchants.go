package web

import (
	"net/http"
	"strings"
)

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
