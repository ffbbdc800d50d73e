package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// The libraries the fixture checkout pages load (testdata/fixtures), as merchants' pages do, from
// /node_modules/ of the test site. They are installed from the npm registry into a cache outside
// the repository on the first run (never vendored), pinned to these versions.
var vendorPackages = map[string]string{
	"jquery":    "3.7.1",
	"react":     "18.3.1", // the last React with UMD builds, which run without a bundler
	"react-dom": "18.3.1",
	"vue":       "3.5.13",
}

// vendorModules returns a node_modules folder with vendorPackages, installing them when missing.
// IMPSHIM_NODE_MODULES names a folder that has them already; NPM_CACHE is npm's cache (as in the
// Makefile). A failure says what to install: the suite fails rather than skip the fixture pages.
func vendorModules() (string, error) {
	if dir := os.Getenv("IMPSHIM_NODE_MODULES"); dir != "" {
		return dir, vendorComplete(dir)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	var names []string
	for name, v := range vendorPackages {
		names = append(names, name+"@"+v)
	}
	slices.Sort(names)
	key := strings.NewReplacer("@", "-", "/", "-").Replace(strings.Join(names, "_"))
	root := filepath.Join(cache, "impshim", "e2e-vendor", key)
	dir := filepath.Join(root, "node_modules")
	if vendorComplete(dir) == nil {
		return dir, nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", errors.New("the fixture pages need jQuery, React and Vue from the npm registry, and there is no npm on PATH: apt-get install -y npm (or set IMPSHIM_NODE_MODULES to a node_modules folder with " + strings.Join(names, " ") + ")")
	}
	// Installed into a fresh folder and moved into place, so an interrupted install is never used.
	if err := os.MkdirAll(filepath.Dir(root), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(root), "install-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	npmCache := os.Getenv("NPM_CACHE")
	if npmCache == "" {
		npmCache = filepath.Join(cache, "impshim", "npm")
	}
	args := append([]string{"install", "--prefix", tmp, "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error", "--cache", npmCache}, names...)
	cmd := exec.Command(npm, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("npm %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	if err := vendorComplete(filepath.Join(tmp, "node_modules")); err != nil {
		return "", err
	}
	_ = os.RemoveAll(root)
	if err := os.Rename(tmp, root); err != nil && vendorComplete(dir) != nil {
		return "", err
	}
	return dir, nil
}

// vendorComplete checks that dir holds every package at its pinned version.
func vendorComplete(dir string) error {
	for name, want := range vendorPackages {
		b, err := os.ReadFile(filepath.Join(dir, name, "package.json"))
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(dir, name), err)
		}
		var pkg struct{ Version string }
		if json.Unmarshal(b, &pkg) != nil || pkg.Version != want {
			return fmt.Errorf("%s is version %q, the fixture pages are pinned to %s", filepath.Join(dir, name), pkg.Version, want)
		}
	}
	return nil
}
