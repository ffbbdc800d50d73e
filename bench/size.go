package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"sort"
	"strings"

	"github.com/andybalholm/brotli"
)

// Sizes is one file's size as shipped and as a server would send it compressed
// at the strongest common settings.
type Sizes struct {
	Raw    int `json:"raw"`
	Gzip   int `json:"gzip"`
	Brotli int `json:"brotli"`
}

// brotliLevel is brotli's quality for Sizes: 11, as `brotli -q 11`; tests lower it for speed.
var brotliLevel = brotli.BestCompression

func measureSizes(data []byte) (Sizes, error) {
	var gz bytes.Buffer
	zw, err := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err != nil {
		return Sizes{}, err
	}
	if _, err := zw.Write(data); err != nil {
		return Sizes{}, err
	}
	if err := zw.Close(); err != nil {
		return Sizes{}, err
	}
	var br bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brotliLevel)
	if _, err := bw.Write(data); err != nil {
		return Sizes{}, err
	}
	if err := bw.Close(); err != nil {
		return Sizes{}, err
	}
	return Sizes{Raw: len(data), Gzip: gz.Len(), Brotli: br.Len()}, nil
}

func fileSizes(path string) (Sizes, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Sizes{}, err
	}
	return measureSizes(data)
}

// splitFlags splits a flag string the way make hands WASMFLAGS to the shell:
// on blanks, with double or single quotes grouping (-ldflags="-s -w").
func splitFlags(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, errors.New("unbalanced quote in build flags: " + s)
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}

// buildWasm builds pkg for GOOS=js GOARCH=wasm into out.
func buildWasm(goCmd, moduleDir string, flags []string, pkg, out string) error {
	args := append([]string{"build"}, flags...)
	args = append(args, "-o", out, pkg)
	cmd := exec.Command(goCmd, args...)
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return errors.New("go " + strings.Join(args, " ") + ": " + err.Error() + "\n" + string(msg))
	}
	return nil
}

// wasmOpt runs binaryen's wasm-opt with the features Go's wasm port emits
// (without them wasm-opt rejects the module). It returns ("", nil) when
// wasm-opt is not installed: the step is optional.
func wasmOpt(in, out, level string) (string, error) {
	bin, err := exec.LookPath("wasm-opt")
	if err != nil {
		return "", nil
	}
	cmd := exec.Command(bin, level,
		"--enable-bulk-memory", "--enable-sign-ext", "--enable-nontrapping-float-to-int", "--enable-mutable-globals",
		in, "-o", out)
	msg, err := cmd.CombinedOutput()
	if err != nil {
		if len(msg) > 2000 {
			msg = msg[:2000]
		}
		return "", errors.New("wasm-opt " + level + ": " + err.Error() + "\n" + string(msg))
	}
	return bin, nil
}

// PackageCode is how many bytes of WASM function bodies one Go package owns.
type PackageCode struct {
	Package string `json:"package"`
	Bytes   int    `json:"bytes"`
	Funcs   int    `json:"funcs"`
	// FloorBytes is the same package's code in the hello-world.
	FloorBytes int `json:"floor_bytes"`
}

// codeByPackage attributes the code section of a non-stripped Go WASM binary
// to Go packages, using the function names in its "name" section. (`go tool
// nm` does not read wasm.) Data (the data section) is returned separately: it
// has no per-package names.
//
// deps (from `go list -deps`) lets names be matched to exact import paths;
// names outside it fall back to goPackage's guess.
func codeByPackage(module []byte, deps []string) (pkgs []PackageCode, codeBytes, dataBytes int, err error) {
	if len(module) < 8 || string(module[:4]) != "\x00asm" {
		return nil, 0, 0, errors.New("not a wasm module")
	}
	var imported int
	var bodySizes []int
	names := map[int]string{}
	p := module[8:]
	for len(p) > 0 {
		id := p[0]
		size, n := binary.Uvarint(p[1:])
		if n <= 0 || uint64(len(p)-1-n) < size {
			return nil, 0, 0, errors.New("truncated wasm section")
		}
		sec := p[1+n : 1+n+int(size)]
		p = p[1+n+int(size):]
		switch id {
		case 2: // imports: function imports come first in the function index space
			imported, err = countFuncImports(sec)
		case 10: // code
			bodySizes, err = bodies(sec)
			codeBytes = len(sec)
		case 11: // data
			dataBytes = len(sec)
		case 0:
			nameLen, k := binary.Uvarint(sec)
			if k > 0 && uint64(len(sec)-k) >= nameLen && string(sec[k:k+int(nameLen)]) == "name" {
				err = funcNames(sec[k+int(nameLen):], names)
			}
		}
		if err != nil {
			return nil, 0, 0, err
		}
	}
	if len(names) == 0 {
		return nil, codeBytes, dataBytes, errors.New("no name section: build without -ldflags=-s")
	}
	mangled := map[string]string{}
	for _, d := range deps {
		mangled[strings.ReplaceAll(d, "/", "_")] = d
	}
	if len(deps) > 0 {
		// The linker names the main package "main"; `go list -deps` prints it last.
		mangled["main"] = deps[len(deps)-1]
	}
	byPkg := map[string]*PackageCode{}
	for i, sz := range bodySizes {
		pkg := goPackage(names[imported+i])
		if path, ok := mangled[longestDep(stripSymPrefix(names[imported+i]), mangled)]; ok {
			pkg = path
		}
		pc := byPkg[pkg]
		if pc == nil {
			pc = &PackageCode{Package: pkg}
			byPkg[pkg] = pc
		}
		pc.Bytes += sz
		pc.Funcs++
	}
	for _, pc := range byPkg {
		pkgs = append(pkgs, *pc)
	}
	sort.Slice(pkgs, func(i, j int) bool {
		if pkgs[i].Bytes != pkgs[j].Bytes {
			return pkgs[i].Bytes > pkgs[j].Bytes
		}
		return pkgs[i].Package < pkgs[j].Package
	})
	return pkgs, codeBytes, dataBytes, nil
}

type wasmReader struct {
	b   []byte
	err error
}

func (r *wasmReader) uvarint() int {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > 1<<31 {
		r.err = errors.New("bad LEB128 in wasm")
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

func (r *wasmReader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b) {
		r.err = errors.New("truncated wasm")
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func countFuncImports(sec []byte) (int, error) {
	r := &wasmReader{b: sec}
	count := r.uvarint()
	funcs := 0
	for i := 0; i < count && r.err == nil; i++ {
		r.bytes(r.uvarint()) // module
		r.bytes(r.uvarint()) // name
		kind := r.bytes(1)
		if r.err != nil {
			break
		}
		switch kind[0] {
		case 0: // func: type index
			r.uvarint()
			funcs++
		case 1: // table: reftype, limits
			r.bytes(1)
			if flags := r.uvarint(); flags&1 != 0 {
				r.uvarint()
				r.uvarint()
			} else {
				r.uvarint()
			}
		case 2: // memory: limits
			if flags := r.uvarint(); flags&1 != 0 {
				r.uvarint()
				r.uvarint()
			} else {
				r.uvarint()
			}
		case 3: // global: valtype, mutability
			r.bytes(2)
		default:
			return 0, errors.New("unknown wasm import kind")
		}
	}
	return funcs, r.err
}

func bodies(sec []byte) ([]int, error) {
	r := &wasmReader{b: sec}
	count := r.uvarint()
	out := make([]int, 0, count)
	for i := 0; i < count && r.err == nil; i++ {
		n := r.uvarint()
		r.bytes(n)
		out = append(out, n)
	}
	return out, r.err
}

func funcNames(sec []byte, names map[int]string) error {
	r := &wasmReader{b: sec}
	for len(r.b) > 0 && r.err == nil {
		id := r.bytes(1)
		sub := r.bytes(r.uvarint())
		if r.err != nil || id[0] != 1 {
			continue
		}
		s := &wasmReader{b: sub}
		count := s.uvarint()
		for i := 0; i < count && s.err == nil; i++ {
			idx := s.uvarint()
			names[idx] = string(s.bytes(s.uvarint()))
		}
		if s.err != nil {
			return s.err
		}
	}
	return r.err
}

// goPackage returns the package of a function name from a Go WASM name
// section, where the linker writes import paths with '_' for '/' and
// "__T_" for "(*T)": "github.com_impshim_impshim_resolver.__Merchant_.Resolve",
// "internal_strconv.ParseFloat", "type_.eq.internal_abi.ITab". The '_' is
// kept (it cannot be told apart from a '_' in a path element).
func goPackage(sym string) string {
	if sym == "" {
		return "(unnamed)"
	}
	sym = stripSymPrefix(sym)
	// A leading domain ("github.com_…") has a dot that is not the package's end.
	start := 0
	if dot, us := strings.IndexByte(sym, '.'), strings.IndexByte(sym, '_'); dot > 0 && us > dot+1 && isLower(sym[dot+1:us]) {
		start = us
	}
	dot := strings.IndexByte(sym[start:], '.')
	if dot < 0 {
		return sym
	}
	return sym[:start+dot]
}

func isLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

func stripSymPrefix(sym string) string {
	for _, prefix := range []string{"type_.eq.", "type_.hash.", "type_.", "go_itab.", "go_", "type:.eq.", "type:.hash.", "type:"} {
		if rest, ok := strings.CutPrefix(sym, prefix); ok {
			sym = rest
			break
		}
	}
	sym = strings.TrimLeft(sym, "*")
	// An array type's equality is named for its length first: type_.eq._3_github.com_….Identity.
	if len(sym) > 2 && sym[0] == '_' {
		if end := strings.IndexByte(sym[1:], '_'); end > 0 && isDigits(sym[1:1+end]) {
			sym = sym[2+end:]
		}
	}
	return sym
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// longestDep returns the longest key of mangled that sym starts with, followed by '.'.
func longestDep(sym string, mangled map[string]string) string {
	best := ""
	for i := 0; i < len(sym); i++ {
		if sym[i] == '.' {
			if _, ok := mangled[sym[:i]]; ok && i > len(best) {
				best = sym[:i]
			}
		}
	}
	return best
}

// goDeps lists the packages pkg imports for GOOS=js GOARCH=wasm.
func goDeps(goCmd, moduleDir, pkg string) ([]string, error) {
	cmd := exec.Command(goCmd, "list", "-deps", pkg)
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		return nil, errors.New("go list -deps " + pkg + ": " + err.Error())
	}
	return strings.Fields(string(out)), nil
}
