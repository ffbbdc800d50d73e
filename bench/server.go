package main

import (
	"encoding/json"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
)

// benchServer serves each page load under its own prefix, /r/<run>/<tree>/<file>,
// so that no load can reuse another's HTTP or compiled-WASM cache, and counts
// the body bytes it sends per run and file.
//
// Trees are directories (dist, the wasm-opt variant, the hello-world floor);
// files named bench-* come from the embedded pages instead, so the bench pages
// sit beside imp.js and load it with a plain relative src, like a merchant page.
type benchServer struct {
	trees map[string][]string // tree name → directories looked up in order
	pages fs.FS

	mu   sync.Mutex
	sent map[string]map[string]int64 // run → "<tree>/<file>" → body bytes
}

func newBenchServer(pages fs.FS) *benchServer {
	return &benchServer{trees: map[string][]string{}, pages: pages, sent: map[string]map[string]int64{}}
}

func (s *benchServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/r/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	parts := strings.SplitN(rest, "/", 3)
	if len(parts) == 2 && parts[1] == "mark" {
		s.mark(w, parts[0])
		return
	}
	if len(parts) != 3 || parts[0] == "" {
		http.NotFound(w, r)
		return
	}
	run, tree, file := parts[0], parts[1], path.Clean("/" + parts[2])[1:]
	if strings.HasPrefix(file, "bench-") {
		w.Header().Set("Cache-Control", "no-store")
		if file == "bench-resolve.html" { // a fine timer for the cold rounds (the page says why)
			w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
			w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
		}
		data, err := fs.ReadFile(s.pages, "pages/"+file)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		setType(w, file)
		w.Write(data)
		return
	}
	dirs, ok := s.trees[tree]
	if !ok {
		http.NotFound(w, r)
		return
	}
	for _, dir := range dirs {
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(file)))
		if err != nil {
			continue
		}
		st, err := f.Stat()
		if err != nil || st.IsDir() {
			f.Close()
			continue
		}
		// Like `make run`'s server: no-cache with Last-Modified, so a page that opens the mock
		// window again revalidates it (304, no body) instead of downloading it again. Cold
		// loads stay cold: each has its own URL prefix.
		setType(w, file)
		w.Header().Set("Cache-Control", "no-cache")
		cw := &countingWriter{ResponseWriter: w}
		http.ServeContent(cw, r, file, st.ModTime(), f)
		f.Close()
		s.count(run, tree+"/"+file, cw.n)
		return
	}
	// Missing files are counted as zero bytes so a 404 (a merchant file, say) still shows up.
	s.count(run, tree+"/"+file, 0)
	http.NotFound(w, r)
}

type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n += int64(n)
	return n, err
}

func setType(w http.ResponseWriter, file string) {
	ext := path.Ext(file)
	ct := mime.TypeByExtension(ext)
	if ext == ".wasm" {
		ct = "application/wasm" // instantiateStreaming insists on it
	}
	if ct != "" {
		w.Header().Set("Content-Type", ct)
	}
}

func (s *benchServer) count(run, file string, n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.sent[run]
	if m == nil {
		m = map[string]int64{}
		s.sent[run] = m
	}
	m[file] += n
}

// served returns the bytes sent so far for run: the total and per file.
func (s *benchServer) served(run string) (int64, map[string]int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var total int64
	files := map[string]int64{}
	for f, n := range s.sent[run] {
		files[f] = n
		total += n
	}
	return total, files
}

// mark answers a page's "how much have you sent me so far?".
func (s *benchServer) mark(w http.ResponseWriter, run string) {
	total, files := s.served(run)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]any{"bytes": total, "files": files})
}
