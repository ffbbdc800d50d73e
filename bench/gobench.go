package main

import (
	"bufio"
	"errors"
	"os/exec"
	"strconv"
	"strings"
)

// GoBench is one line of `go test -bench -benchmem` output.
type GoBench struct {
	Package     string  `json:"package,omitempty"`
	Name        string  `json:"name"`
	Iterations  int64   `json:"iterations"`
	NsPerOp     float64 `json:"ns_per_op"`
	BytesPerOp  int64   `json:"bytes_per_op"`
	AllocsPerOp int64   `json:"allocs_per_op"`
}

// runGoBench runs the resolver's Go benchmarks, as docs/sdk.md §8 asks
// (go test -run '^$' -bench . -benchmem ./resolver/), together with the
// bench package's own BenchmarkResolve on the configs the browser half times.
func runGoBench(goCmd, moduleDir string) ([]GoBench, error) {
	cmd := exec.Command(goCmd, "test", "-run", "^$", "-bench", ".", "-benchmem", "./resolver/", "./bench/")
	cmd.Dir = moduleDir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, errors.New("go test -bench ./resolver/ ./bench/: " + err.Error() + "\n" + string(out))
	}
	res := parseGoBench(string(out))
	if len(res) == 0 {
		return nil, errors.New("go test -bench ./resolver/ ./bench/ ran no benchmarks")
	}
	return res, nil
}

// parseGoBench reads benchmark result lines such as
// "BenchmarkResolve/3-2   1000000   1043 ns/op   96 B/op   3 allocs/op".
func parseGoBench(out string) []GoBench {
	var res []GoBench
	pkg := ""
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if p, ok := strings.CutPrefix(sc.Text(), "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		iters, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			continue
		}
		b := GoBench{Package: pkg, Name: f[0], Iterations: iters, BytesPerOp: -1, AllocsPerOp: -1}
		ok := false
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			switch f[i+1] {
			case "ns/op":
				b.NsPerOp, ok = v, true
			case "B/op":
				b.BytesPerOp = int64(v)
			case "allocs/op":
				b.AllocsPerOp = int64(v)
			}
		}
		if ok {
			res = append(res, b)
		}
	}
	return res
}
