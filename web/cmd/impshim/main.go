// Command impshim serves the sandbox demo page and the SDK: `make run` starts it.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/impshim/impshim/ledger"
	"github.com/impshim/impshim/web"
	"github.com/impshim/impshim/web/access"
	"github.com/impshim/impshim/web/merchants"
)

func main() {
	addr := flag.String("addr", envOr("ADDR", "127.0.0.1:8080"), "host:port to listen on (port 0: any free port)")
	dist := flag.String("dist", envOr("IMPSHIM_DIST", "dist"), "the SDK directory written by `make dist`")
	merchantDir := flag.String("merchants", "", "a directory of <merchant code>.json files to serve besides the built-in imp10391932")
	db := flag.String("db", envOr("IMPSHIM_DB", "impshim.db"), "the sandbox ledger's SQLite file (payments, tokens, webhook attempts); :memory: keeps nothing")
	verbose := flag.Bool("v", false, "log every request")
	allowHost := flag.String("allow-host", "", "comma-separated host names the server may be reached by besides IP addresses, localhost and single-label names (docs/trust.md)")
	allowOrigin := flag.String("allow-origin", "", "comma-separated page origins (https://shop.test:8443, or null for file:// pages) trusted to call the bridge's /sdk/sandbox/ endpoints besides this server's and this machine's pages (docs/trust.md)")
	flag.Parse()

	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	if err := web.CheckDist(*dist); err != nil {
		fail(err)
	}
	files, err := merchants.Load(*merchantDir)
	if err != nil {
		fail(fmt.Errorf("invalid merchant file(s) in %s:\n%w", *merchantDir, err))
	}
	store, err := ledger.Open(*db)
	if err != nil {
		fail(err)
	}
	defer store.Close()
	// The ledger behind the i'mport REST API and the bridge's endpoints knows the merchants'
	// REST keys; web serves the same files to browsers without them.
	trust := &access.Policy{Hosts: access.Parse(*allowHost), Origins: access.Parse(*allowOrigin)}
	api := ledger.NewAPI(store, ledger.MerchantSetOf(files), ledger.Options{Logger: logger, Access: trust})
	defer api.Close()
	handler := web.New(web.Options{Dist: *dist, Merchants: files, Logger: logger, Backend: api, Access: trust})
	if access.Exposed(*addr) {
		fmt.Fprintf(os.Stderr, "impshim: warning: -addr %s can be reached from other machines. Anyone on your network can then "+
			"open the demo, read the sandbox ledger's payments (buyer names and e-mails included) and record or reset them "+
			"through /sdk/sandbox/, which takes no token, and use the demo merchant's published REST keys. "+
			"Use -addr 127.0.0.1:PORT unless you test from another device (docs/trust.md).\n", *addr)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = web.Serve(ctx, *addr, handler, logger, func(url string) {
		fmt.Printf("impshim sandbox: open %s  (SDK at %ssdk/imp.js; merchants: %s; ledger: %s; Ctrl-C stops)\n",
			url, url, strings.Join(files.Codes(), ", "), *db)
	})
	if err != nil {
		fail(err)
	}
	fmt.Println("impshim sandbox: stopped")
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "impshim:", err)
	os.Exit(1)
}
