package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The test binary doubles as the command: with IMPSHIM_TEST_MAIN set it runs main, so the tests
// see real exit codes, output and signal handling.
func TestMain(m *testing.M) {
	if os.Getenv("IMPSHIM_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func command(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	// A throwaway ledger: the tests leave no database file behind.
	cmd.Env = append(os.Environ(), "IMPSHIM_TEST_MAIN=1", "ADDR=", "IMPSHIM_DIST=", "IMPSHIM_DB=:memory:")
	return cmd
}

func dist(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"imp.js", "impshim.wasm", "wasm_exec.js"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("// "+name+"\n"), 0o644))
	}
	return dir
}

func TestRefusesToStart(t *testing.T) {
	bad := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bad, "imp42.json"),
		[]byte(`{"merchant_code":"imp42","pg_settings":[{"pg":"nice","mid":"","pay_type":"general"}]}`), 0o644))
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"no SDK build", []string{"-dist", filepath.Join(t.TempDir(), "none")}, []string{"lacks imp.js, impshim.wasm, wasm_exec.js", "make dist"}},
		{"invalid merchant file", []string{"-dist", dist(t), "-merchants", bad}, []string{"imp42.json", "pg_settings[0].mid", "mid is empty"}},
		{"missing merchant dir", []string{"-dist", dist(t), "-merchants", filepath.Join(bad, "nope")}, []string{"reading merchant files"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			cmd := command(t, append(tc.args, "-addr", "127.0.0.1:0")...)
			cmd.Stderr = &stderr
			err := cmd.Run()
			var exit *exec.ExitError
			require.ErrorAs(t, err, &exit)
			assert.Equal(t, 1, exit.ExitCode())
			for _, want := range tc.want {
				assert.Contains(t, stderr.String(), want)
			}
		})
	}
}

func TestServesAndStopsOnSIGTERM(t *testing.T) {
	cmd := command(t, "-addr", "127.0.0.1:0", "-dist", dist(t))
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	lines := bufio.NewReader(stdout)
	first, err := lines.ReadString('\n')
	require.NoError(t, err)
	url := regexp.MustCompile(`open (http://127\.0\.0\.1:\d+/) `).FindStringSubmatch(first)
	require.Len(t, url, 2, "the first line names the URL: %q", first)
	assert.Contains(t, first, "merchants: imp10391932")

	resp, err := http.Get(url[1] + "sdk/imp.js")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "// imp.js\n", string(body))

	// The rest of stdout is read before Wait, which closes the pipe.
	rest := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(lines)
		rest <- string(b)
	}()
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case out := <-rest:
		assert.Contains(t, out, "stopped")
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop on SIGTERM")
	}
	assert.NoError(t, cmd.Wait(), "a clean stop exits 0")
}

func TestWarnsWhenReachableFromOtherMachines(t *testing.T) {
	// 192.0.2.1 (TEST-NET-1) is never this machine's: the warning is printed, then listening
	// fails, so the test exposes nothing.
	var stderr bytes.Buffer
	cmd := command(t, "-dist", dist(t), "-addr", "192.0.2.1:0")
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	for _, want := range []string{"warning", "192.0.2.1:0", "other machines", "/sdk/sandbox/", "docs/trust.md"} {
		assert.Contains(t, stderr.String(), want)
	}

	// Loopback says nothing of the kind (a busy port makes it stop where the other one did).
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	stderr.Reset()
	cmd = command(t, "-dist", dist(t), "-addr", busy.Addr().String())
	cmd.Stderr = &stderr
	require.Error(t, cmd.Run())
	assert.Contains(t, stderr.String(), "cannot listen")
	assert.NotContains(t, stderr.String(), "warning")
}
