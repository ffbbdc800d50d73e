// The npm package's own checks: one version everywhere, the URL table, what the tarball holds.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { route, sdkURLs } from '../index.js';

const repo = new URL('../../', import.meta.url);
const read = (p) => readFileSync(new URL(p, repo), 'utf8');
const pkg = JSON.parse(read('npm/package.json'));

test('the package, imp.js and the Go module carry one version', () => {
  const js = /const VERSION = '([^']+)'/.exec(read('js/imp.js'));
  const go = /const Version = "([^"]+)"/.exec(read('wasm/bridge.go'));
  assert.ok(js && go, 'VERSION in js/imp.js and Version in wasm/bridge.go must exist');
  assert.equal(pkg.version, js[1], 'npm/package.json and js/imp.js');
  assert.equal(pkg.version, go[1], 'npm/package.json and wasm/bridge.go');
});

test('nothing runs or downloads at install', () => {
  for (const k of ['preinstall', 'install', 'postinstall', 'prepare']) assert.equal(pkg.scripts?.[k], undefined, `scripts.${k}`);
  assert.equal(pkg.dependencies, undefined, 'no dependencies');
  assert.ok(pkg.peerDependenciesMeta['@playwright/test'].optional, 'Playwright is an optional peer');
});

test('route: what answers each URL of the real SDK hosts', () => {
  // The same table drives imptest's RouteOf (e2e/imptest/route_test.go): one routing, two languages.
  const cases = JSON.parse(read('e2e/imptest/testdata/routes.json'));
  assert.ok(cases.length > 10);
  for (const { url, want } of cases) assert.deepEqual(route(url), want, url);
  for (const u of sdkURLs) assert.equal(route(u.replace('*', '1.2.0')).kind, 'sdk', u);
});

test('route never throws', () => {
  const parts = ['https://', 'cdn.iamport.kr', 'service.iamport.kr', '/v1/', '/js/', 'merchants/', '%', '%zz', '.json', 'sandbox/', '..', '#', '?', 'iamport.js', '\u0000', '한'];
  let seed = 1;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 5000; i++) {
    let s = '';
    for (let j = Math.floor(rnd() * 8); j >= 0; j--) s += parts[Math.floor(rnd() * parts.length)];
    const r = route(s);
    assert.ok(r === null || typeof r.kind === 'string', s);
  }
});

test('the packed tarball holds the SDK files and nothing of the repository', { skip: !existsSync(new URL(`npm/out/impshim-${pkg.version}.tgz`, repo)) && 'run make npm first' }, () => {
  const list = execFileSync('tar', ['tzf', new URL(`npm/out/impshim-${pkg.version}.tgz`, repo).pathname], { encoding: 'utf8' }).trim().split('\n').sort();
  assert.deepEqual(list, [
    'package/README.md', 'package/dist/imp.d.ts', 'package/dist/imp.js', 'package/dist/impshim.wasm', 'package/dist/wasm_exec.js',
    'package/dist/window.css', 'package/dist/window.html', 'package/dist/window.js',
    'package/index.d.ts', 'package/index.js', 'package/package.json', 'package/playwright.d.ts', 'package/playwright.js',
  ]);
});
