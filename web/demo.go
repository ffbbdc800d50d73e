package web

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

// The demo page: plain HTML, CSS and JS, no build step, no inline script (it runs under CSP).
//
//go:embed demo
var demoFiles embed.FS

// asset is content held in memory (embedded or loaded at start) with its ETag.
type asset struct {
	data []byte
	etag string
}

var assets = loadDemo()

func loadDemo() map[string]asset {
	assets := map[string]asset{}
	entries, err := fs.ReadDir(demoFiles, "demo")
	if err != nil {
		panic("web: embedded demo missing: " + err.Error()) // a build defect, caught by any test
	}
	for _, e := range entries {
		data, err := demoFiles.ReadFile("demo/" + e.Name())
		if err != nil {
			panic("web: embedded demo unreadable: " + err.Error())
		}
		assets[e.Name()] = asset{data: data, etag: etagOf(data)}
	}
	return assets
}

func serveDemo(w http.ResponseWriter, r *http.Request, name string) {
	a := assets[name]
	if strings.HasSuffix(name, ".html") {
		w.Header().Set("Content-Security-Policy", DemoCSP)
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("Referrer-Policy", "no-referrer")
	}
	serveBytes(w, r, name, a.data, a.etag)
}
