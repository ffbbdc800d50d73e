// Command bench is `make bench`: impshim's size, cold start, resolve and
// window latency, each beside a floor or reference so the figures read as
// ratios (docs/sdk.md §8). It prints a table and writes bench/out/results.json.
//
// It reports figures, not pass/fail: a slow machine gives slow numbers and a
// zero exit; only real errors (no browser, no dist/, a broken SDK) fail it.
package main

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

//go:embed pages
var pages embed.FS

// defaultWasmFlags mirrors WASMFLAGS in the Makefile, which passes its own
// value in IMPSHIM_WASMFLAGS so the hello-world floor is built exactly like impshim.wasm.
const defaultWasmFlags = `-trimpath -ldflags="-s -w"`

type options struct {
	dist       string
	out        string
	loads      int
	calls      int
	rounds     int
	coldRounds int
	payments   int
	windows    int
	wasmOpt    string
	goBench    bool
	only       map[string]bool
	warmups    int
	noCode     bool // skip the non-stripped builds behind the code-size listing
	shot       string
	moduleDir  string
	goCmd      string
	flags      []string
	rest       restOptions
}

func main() {
	var o options
	flag.StringVar(&o.dist, "dist", envOr("IMPSHIM_DIST", "dist"), "the SDK directory written by `make dist`")
	flag.StringVar(&o.out, "out", "bench/out/results.json", "where to write the JSON results")
	flag.IntVar(&o.loads, "loads", 15, "fresh page loads per cold-start median (at least 15)")
	flag.IntVar(&o.calls, "calls", 10000, "resolve calls per timed round (at least 10,000)")
	flag.IntVar(&o.rounds, "rounds", 5, "timed resolve rounds; the median round is reported")
	flag.IntVar(&o.coldRounds, "cold-rounds", 300, "configures for the cold resolve figure, each followed by one call per input (a third of them for 200 settings)")
	flag.IntVar(&o.windows, "windows", 60, "request_pay → window samples (at least 50)")
	flag.StringVar(&o.wasmOpt, "wasm-opt", "-Oz", "also measure impshim.wasm after `wasm-opt <level>` when wasm-opt is on PATH; \"off\" to skip")
	flag.BoolVar(&o.goBench, "gobench", true, "run the resolver's Go benchmarks")
	flag.StringVar(&o.shot, "screenshot", "bench/out/window.png", "PNG of the bench page with a mock window open (\"\" to skip)")
	flag.IntVar(&o.payments, "payments", 100, "headless payments (setOutcome delay_ms 0) per figure (at least 20)")
	only := flag.String("only", "", "comma-separated sections to run (cold,first,resolve,window,headless,gobench,rest); sizes always run, except with -only rest alone")
	flag.IntVar(&o.rest.small, "rest-small", 1000, "payments in the small ledger of the growth rows")
	flag.IntVar(&o.rest.large, "rest-large", 100000, "payments in the large ledger (growth and REST rows)")
	flag.IntVar(&o.rest.conns, "rest-conns", 32, "the REST load generator's connections for reads")
	flag.IntVar(&o.rest.writers, "rest-writers", 6, "… and concurrent writers for cancels and recording")
	flag.DurationVar(&o.rest.span, "rest-span", 3*time.Second, "how long one REST read row runs (ledger and floor each, in rounds)")
	flag.IntVar(&o.rest.maxRequests, "rest-max", 200000, "at most this many requests per REST read row")
	flag.IntVar(&o.rest.writes, "rest-writes", 2000, "writes per write row (their p99 is the 20th slowest of 2,000)")
	flag.IntVar(&o.rest.samples, "rest-samples", 1000, "sequential samples per growth row")
	flag.StringVar(&o.rest.profile, "rest-profile", "", "write a CPU profile (pprof) of the REST read rows here")
	flag.Parse()
	if *only != "" {
		o.only = map[string]bool{}
		for _, s := range strings.Split(*only, ",") {
			o.only[strings.TrimSpace(s)] = true
		}
	}
	o.loads = max(o.loads, 15)
	o.calls = max(o.calls, 10000)
	o.windows = max(o.windows, 50)
	o.payments = max(o.payments, 20)
	o.rounds = max(o.rounds, 1)
	o.warmups = 2
	o.goCmd = envOr("GO", "go")

	res, err := run(o)
	if res != nil {
		if !o.serverOnly() {
			printTable(os.Stdout, res)
		}
		printServerTable(os.Stdout, res)
		if werr := writeJSON(o.out, res); werr != nil {
			err = errors.Join(err, werr)
		} else {
			fmt.Printf("\nwrote %s\n", o.out)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// run measures everything it can. A failing section is recorded in
// Results.Errors and returned as an error after the others have run.
func run(o options) (*Results, error) {
	var err error
	if o.flags, err = splitFlags(envOr("IMPSHIM_WASMFLAGS", defaultWasmFlags)); err != nil {
		return nil, err
	}
	if o.moduleDir, err = moduleDir(o.goCmd); err != nil {
		return nil, err
	}
	res := &Results{}
	res.Env = Env{GoVersion: runtime.Version(), CPUs: runtime.NumCPU(), Date: time.Now().UTC().Format(time.RFC3339), LoadBefore: loadAvg()}
	defer func() { res.Env.LoadAfter = loadAvg() }()
	fail := func(section string, err error) {
		res.Errors = append(res.Errors, section+": "+err.Error())
	}
	// The server half needs neither the SDK nor a browser: it runs first, and alone with -only rest.
	if o.runs("rest") && o.rest.large > 0 {
		if err := restBench(o.rest, res); err != nil {
			fail("rest", err)
		}
	}
	if o.serverOnly() {
		res.computeRatios()
		if len(res.Errors) > 0 {
			return res, fmt.Errorf("%d section(s) failed: see the ERROR lines above", len(res.Errors))
		}
		return res, nil
	}

	wasmPath := filepath.Join(o.dist, "impshim.wasm")
	if _, err := os.Stat(filepath.Join(o.dist, "imp.js")); err != nil {
		return nil, errors.New("no SDK in " + o.dist + ": run `make dist` first (or `make bench`, which does)")
	}
	bin, err := findBrowser()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "impshim-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	res.Env.Browser, res.Env.WasmFlags, res.Env.Dist = browserVersion(bin), strings.Join(o.flags, " "), o.dist

	// Sizes: impshim.wasm, the hello-world built now with the same flags, and wasm-opt's output.
	step("sizes")
	floorDir := filepath.Join(tmp, "floor")
	os.MkdirAll(floorDir, 0o755)
	floorWasm := filepath.Join(floorDir, "floor.wasm")
	if err := buildWasm(o.goCmd, o.moduleDir, o.flags, "./bench/floor", floorWasm); err != nil {
		return nil, err
	}
	if err := copyFile(filepath.Join(o.dist, "wasm_exec.js"), filepath.Join(floorDir, "wasm_exec.js")); err != nil {
		return nil, errors.New("dist has no wasm_exec.js: " + err.Error())
	}
	if res.Size.Wasm, err = fileSizes(wasmPath); err != nil {
		return nil, err
	}
	if res.Size.Floor, err = fileSizes(floorWasm); err != nil {
		return nil, err
	}
	optDir := ""
	if o.wasmOpt != "off" {
		dir := filepath.Join(tmp, "opt")
		os.MkdirAll(dir, 0o755)
		out := filepath.Join(dir, "impshim.wasm")
		step("wasm-opt " + o.wasmOpt + " (binaryen, optional)")
		if bin, err := wasmOpt(wasmPath, out, o.wasmOpt); err != nil {
			fail("wasm-opt", err)
		} else if bin != "" {
			s, err := fileSizes(out)
			if err != nil {
				return nil, err
			}
			res.Size.WasmOpt, res.Size.WasmOptLevel, optDir = &s, o.wasmOpt, dir
		} else {
			res.Notes = append(res.Notes, "wasm-opt not on PATH: install binaryen to see what it buys")
		}
	}
	if !o.noCode {
		step("code size by package (non-stripped builds)")
		if cs, err := codeSizes(o, tmp); err != nil {
			fail("code size", err)
		} else {
			res.Code = cs
		}
	}

	// The browser half.
	srv := newBenchServer(pages)
	srv.trees["dist"] = []string{o.dist}
	srv.trees["floor"] = []string{floorDir}
	if optDir != "" {
		srv.trees["opt"] = []string{optDir, o.dist}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()
	b := &bench{base: "http://" + ln.Addr().String(), srv: srv, o: o}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	step("starting " + bin)
	browser, stop, err := startBrowser(ctx, bin)
	if err != nil {
		return nil, err
	}
	defer stop()

	if o.runs("cold") {
		step(fmt.Sprintf("cold start: %d fresh loads each", o.loads))
		if err := b.coldStarts(browser, res, optDir != ""); err != nil {
			fail("cold start", err)
		}
	}
	if o.runs("first") {
		step("bytes before the first IMP call")
		if err := b.firstLoad(browser, res); err != nil {
			fail("first load", err)
		}
	}
	if o.runs("resolve") {
		step("resolve: Go vs JS reference")
		if err := b.resolve(browser, res); err != nil {
			fail("resolve", err)
		}
	}
	if o.runs("window") {
		step(fmt.Sprintf("request_pay → window visible: %d requests", o.windows))
		if err := b.window(browser, res); err != nil {
			fail("window", err)
		}
	}
	if o.runs("headless") {
		step(fmt.Sprintf("headless payments: %d through imptest, %d in the page", o.payments, o.payments))
		if err := b.headless(browser, res); err != nil {
			fail("headless", err)
		}
	}
	stop()

	if o.goBench && o.runs("gobench") {
		step("go test -bench ./resolver/")
		if gb, err := runGoBench(o.goCmd, o.moduleDir); err != nil {
			fail("go bench", err)
		} else {
			res.GoBench = gb
		}
	}
	res.computeRatios()
	if len(res.Errors) > 0 {
		return res, fmt.Errorf("%d section(s) failed: see the ERROR lines above", len(res.Errors))
	}
	return res, nil
}

// codeSizes builds impshim and the hello-world without -s -w and attributes
// their code to packages, so the report shows what impshim adds over the floor.
func codeSizes(o options, tmp string) (CodeSize, error) {
	type build struct {
		pkg  string
		pkgs []PackageCode
		code int
		data int
	}
	builds := []*build{{pkg: "./wasm"}, {pkg: "./bench/floor"}}
	for i, bd := range builds {
		out := filepath.Join(tmp, fmt.Sprintf("syms-%d.wasm", i))
		if err := buildWasm(o.goCmd, o.moduleDir, withoutStrip(o.flags), bd.pkg, out); err != nil {
			return CodeSize{}, err
		}
		data, err := os.ReadFile(out)
		if err != nil {
			return CodeSize{}, err
		}
		deps, err := goDeps(o.goCmd, o.moduleDir, bd.pkg)
		if err != nil {
			return CodeSize{}, err
		}
		if bd.pkgs, bd.code, bd.data, err = codeByPackage(data, deps); err != nil {
			return CodeSize{}, err
		}
	}
	imp, floor := builds[0], builds[1]
	inFloor := map[string]int{}
	for _, p := range floor.pkgs {
		inFloor[p.Package] = p.Bytes
	}
	pkgs := imp.pkgs
	for i := range pkgs {
		pkgs[i].FloorBytes = inFloor[pkgs[i].Package]
	}
	// Biggest additions over the hello-world first.
	sort.SliceStable(pkgs, func(i, j int) bool {
		return pkgs[i].Bytes-pkgs[i].FloorBytes > pkgs[j].Bytes-pkgs[j].FloorBytes
	})
	return CodeSize{CodeBytes: imp.code, DataBytes: imp.data, FloorCodeBytes: floor.code, FloorDataBytes: floor.data,
		Packages: pkgs[:min(len(pkgs), 15)]}, nil
}

// runs reports whether section is selected (every section when -only is not given).
func (o options) runs(section string) bool { return o.only == nil || o.only[section] }

// serverOnly reports whether -only names the server section alone (no SDK, no browser).
func (o options) serverOnly() bool { return len(o.only) == 1 && o.only["rest"] }

// loadAvg is /proc/loadavg's 1-minute figure: a busy machine explains slow numbers.
func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	if f := strings.Fields(string(data)); len(f) > 0 {
		return f[0]
	}
	return ""
}

var started = time.Now()

func step(what string) {
	fmt.Fprintf(os.Stderr, "bench: [%3.0fs] %s …\n", time.Since(started).Seconds(), what)
}

func moduleDir(goCmd string) (string, error) {
	out, err := exec.Command(goCmd, "env", "GOMOD").Output()
	if err != nil {
		return "", errors.New("go env GOMOD: " + err.Error())
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run make bench from inside the impshim module")
	}
	return filepath.Dir(mod), nil
}

// withoutStrip drops -s and -w from -ldflags so the build keeps its name section.
func withoutStrip(flags []string) []string {
	var out []string
	for _, f := range flags {
		if v, ok := strings.CutPrefix(f, "-ldflags="); ok {
			var keep []string
			for _, x := range strings.Fields(v) {
				if x != "-s" && x != "-w" {
					keep = append(keep, x)
				}
			}
			if len(keep) == 0 {
				continue
			}
			f = "-ldflags=" + strings.Join(keep, " ")
		}
		out = append(out, f)
	}
	return out
}

func copyFile(src, dst string) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, data, 0o644)
}

func writeJSON(path string, res *Results) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
