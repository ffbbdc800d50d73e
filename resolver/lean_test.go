package resolver

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLeanImports keeps resolver (and so the WASM binary's core) free of the packages that
// make impshim.wasm large and slow to start, or that cannot run outside a browser. The standard
// packages resolver uses (strings, strconv, sort, unicode/*, math, sync) pull in none of them —
// not even reflect — so the whole transitive graph is checked, not just direct imports.
func TestLeanImports(t *testing.T) {
	for _, target := range []struct{ goos, goarch string }{{"", ""}, {"js", "wasm"}} {
		cmd := exec.Command("go", "list", "-deps", ".")
		if target.goos != "" {
			cmd.Env = append(cmd.Environ(), "GOOS="+target.goos, "GOARCH="+target.goarch)
		}
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		deps := strings.Fields(string(out))
		require.Contains(t, deps, "github.com/impshim/impshim/internal/jsonv", "sanity: the list is the real graph")
		for _, banned := range []string{"fmt", "encoding/json", "reflect", "syscall/js", "net/http", "time", "log"} {
			assert.NotContains(t, deps, banned, "resolver must not depend on %s (GOOS=%s)", banned, target.goos)
		}
	}
}
