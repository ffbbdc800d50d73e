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
)

func main() {
	addr := flag.String("addr", envOr("ADDR", "127.0.0.1:8080"), "host:port to listen on (port 0: any free port)")
	dist := flag.String("dist", envOr("IMPSHIM_DIST", "dist"), "the SDK directory written by `make dist`")
	merchants := flag.String("merchants", "", "a directory of <merchant code>.json files to serve besides the built-in imp10391932")
	db := flag.String("db", envOr("IMPSHIM_DB", "impshim.db"), "the sandbox ledger's SQLite file (payments, tokens, webhook attempts); :memory: keeps nothing")
	verbose := flag.Bool("v", false, "log every request")
	flag.Parse()

	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	if err := web.CheckDist(*dist); err != nil {
		fail(err)
	}
	extra, err := web.LoadMerchants(*merchants)
	if err != nil {
		fail(fmt.Errorf("invalid merchant file(s) in %s:\n%w", *merchants, err))
	}
	// The ledger behind the i'mport REST API (/users/, /payments/) and the bridge's /sdk/sandbox/.
	keys, err := ledger.MerchantSetFromConfigs(extra)
	if err != nil {
		fail(fmt.Errorf("merchant REST keys in %s:\n%w", *merchants, err))
	}
	store, err := ledger.Open(*db)
	if err != nil {
		fail(err)
	}
	defer store.Close()
	backend := ledger.NewAPI(store, keys, ledger.Options{Logger: logger})
	defer backend.Close()
	// Browsers get the merchant files without the REST keys.
	handler := web.New(web.Options{Dist: *dist, Merchants: ledger.WithoutKeys(extra), Logger: logger, Backend: backend})

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = web.Serve(ctx, *addr, handler, logger, func(url string) {
		fmt.Printf("impshim sandbox: open %s  (SDK at %ssdk/imp.js; merchants: %s; ledger: %s; Ctrl-C stops)\n",
			url, url, strings.Join(web.MerchantCodes(extra), ", "), *db)
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
