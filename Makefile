# impshim — see README.md. `make run` and `make test` are the two commands that matter.
GO        ?= go
ADDR      ?= 127.0.0.1:8080
GOROOT    := $(shell $(GO) env GOROOT)
WASM_EXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec
WASMFLAGS := -trimpath -ldflags="-s -w"
# Files of js/ that make up the static SDK in dist/ (tests and helpers for them stay out).
DIST_JS   := js/imp.js js/window.html js/window.js js/window.css js/imp.d.ts
# Where `make dist` writes; e2e tests and the server read IMPSHIM_DIST (default: ./dist).
DIST      ?= dist

.PHONY: run test dist vet unit wasm-test e2e bench fuzz cover browser node clean npm npm-test conformance types

## dist: the static SDK — copy dist/ anywhere and load dist/imp.js.
dist:
	rm -rf "$(DIST)" && mkdir -p "$(DIST)"
	GOOS=js GOARCH=wasm $(GO) build $(WASMFLAGS) -o "$(DIST)/impshim.wasm" ./wasm
	cp "$(GOROOT)/lib/wasm/wasm_exec.js" "$(DIST)/wasm_exec.js"
	cp $(DIST_JS) "$(DIST)/"

## run: build and serve the sandbox demo page (ADDR=host:port to move it).
# Built, then run (not `go run`, which turns a clean Ctrl-C into exit status 1).
run: dist
	$(GO) build -o bin/impshim ./web/cmd/impshim
	./bin/impshim -addr "$(ADDR)" -dist "$(DIST)"

## test: every test — vet, unit + fuzz seeds, wasm under node, chromedp e2e, the npm package in Playwright.
test: dist browser node vet npm-test conformance types
	$(GO) test -count=1 $$($(GO) list ./... | grep -v /conformance)
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec "$(WASM_EXEC)" ./wasm/...
	node --test js/

## types: js/imp.d.ts compiled by tsc --strict with a typed example checkout (js/types/; typescript
# from npm, pinned by js/types/package-lock.json).
types: node
	cd js/types && npm_config_cache="$(NPM_CACHE)" npm ci --prefer-offline --loglevel=error --no-audit --no-fund && npx tsc -p .

## npm: the npm package `impshim` (SDK files, types, impshim/playwright) packed into npm/out/.
npm: dist node
	node npm/pack.mjs "$(DIST)"

## npm-test: the packed package installed next to @playwright/test (npm cache: NPM_CACHE), its
## example specs in the system Chromium, and the package's own checks.
NPM_CACHE ?= $(HOME)/.cache/impshim/npm
npm-test: npm browser
	$(GO) build -o bin/impshim ./web/cmd/impshim
	NPM_CACHE="$(NPM_CACHE)" IMPSHIM_SERVER_BIN="$(CURDIR)/bin/impshim" sh npm/example/run.sh "npm/out/impshim-$$(node -p 'require("./npm/package.json").version').tgz"
	node --test npm/test/

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './tmp/*')); \
		if [ -n "$$unformatted" ]; then echo "gofmt -w these files: $$unformatted" >&2; exit 1; fi
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./wasm/...

unit:
	$(GO) test -count=1 $$($(GO) list ./... | grep -v -e /e2e -e /conformance)

wasm-test:
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec "$(WASM_EXEC)" ./wasm/...

e2e: dist browser
	$(GO) test -count=1 ./e2e/...

## fuzz: a short coverage-guided run of each fuzz target (seeds also run in `make test`).
FUZZTIME ?= 20s
FUZZPKGS ?= ./resolver/ ./internal/jsonv/ ./ledger/
fuzz:
	@for p in $(FUZZPKGS); do \
		for t in $$($(GO) test -list '^Fuzz' $$p | grep '^Fuzz'); do \
			echo "== $$p $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$p || exit 1; \
		done; \
	done

cover:
	$(GO) test -coverprofile=/tmp/impshim-cover.out ./resolver/ && $(GO) tool cover -func=/tmp/impshim-cover.out | tail -1

## bench: size, cold start, resolve and window latency as ratios (docs/sdk.md §8).
bench: dist browser
	IMPSHIM_WASMFLAGS='$(WASMFLAGS)' $(GO) run ./bench -dist "$(DIST)"

## browser / node: install Debian's chromium / nodejs when missing (as root), else say what to do.
browser:
	@if [ -n "$${IMPSHIM_BROWSER:-}" ] || command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then echo "installing Debian's chromium for the e2e tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "impshim: the e2e tests need Chromium: run 'sudo apt-get install -y chromium' or set IMPSHIM_BROWSER=/path/to/chrome" >&2; exit 1; fi

node:
	@if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then echo "installing Debian's nodejs and npm for the wasm, npm and conformance tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	else echo "impshim: the wasm tests run under node, the npm and conformance tests need npm: run 'sudo apt-get install -y nodejs npm'" >&2; exit 1; fi

## conformance: the published i'mport REST clients from npm (conformance/package-lock.json)
## run a merchant's server flow against a real impshim on loopback.
conformance: dist node
	npm_config_cache="$(NPM_CACHE)" IMPSHIM_DIST="$(abspath $(DIST))" $(GO) test -count=1 ./conformance/

clean:
	rm -rf dist bin bench/out npm/dist npm/out tmp/npm-example
