#!/bin/sh
# make npm-test: install the packed impshim into a copy of this project, next to @playwright/test
# from the npm registry (pinned by package-lock.json; no browser download: the system Chromium),
# type-check it with tsc --strict, and run the example specs plus the quick starts of npm/README.md and README.md.
#   sh npm/example/run.sh npm/out/impshim-<version>.tgz
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tgz=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=${IMPSHIM_NPM_WORK:-$here/../../tmp/npm-example}
cache=${NPM_CACHE:-${HOME:-/root}/.cache/impshim/npm}
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm_config_cache="$cache" npm_config_audit=false npm_config_fund=false \
	npm_config_update_notifier=false

browser=${IMPSHIM_BROWSER:-$(command -v chromium || echo /usr/bin/chromium)}
[ -x "$browser" ] || { echo "npm/example: no Chromium at $browser: apt-get install -y chromium, or set IMPSHIM_BROWSER" >&2; exit 1; }
export IMPSHIM_BROWSER="$browser"
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' ||
	{ echo "npm/example: Node.js >= 20.19 is needed (Playwright 1.65; require() of the package's ES modules); this is $(node --version)" >&2; exit 1; }

rm -rf "$work" && mkdir -p "$work"
cd "$here" && cp -R site tests checkout merchants package.json package-lock.json playwright.config.ts tsconfig.json serve.mjs "$work"/
cd "$work"
npm ci --prefer-offline --loglevel=error
npm install --no-save --prefer-offline --loglevel=error "$tgz"

# The quick starts of npm/README.md and of the repository's README, exactly as written, are two more specs.
node -e '
const fs = require("fs");
for (const [file, spec] of [[process.argv[1], "quickstart.spec.ts"], [process.argv[2], "quickstart-readme.spec.ts"]]) {
  const m = /<!-- quickstart -->\s*```ts\n([\s\S]*?)```/.exec(fs.readFileSync(file, "utf8"));
  if (!m) { console.error(file + " has no quick start block after <!-- quickstart -->"); process.exit(1); }
  fs.writeFileSync("tests/" + spec, m[1]);
}
' "$here/../README.md" "$here/../../README.md"

npx tsc --noEmit -p .
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export PORT
npx playwright test
