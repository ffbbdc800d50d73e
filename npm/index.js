// impshim — the sandbox of the i'mport (PortOne V1) browser SDK, as files on disk.
//
// `import { dir, files, route } from 'impshim'` tells a test tool where the SDK's files are and
// which file answers a real SDK URL. impshim/playwright is built on it; a Cypress or Puppeteer
// suite can be too (see README.md).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The folder holding imp.js, impshim.wasm, wasm_exec.js, window.html/.js/.css and imp.d.ts. */
export const dir = fileURLToPath(new URL('./dist/', import.meta.url));

/** The package's version, the same as imp.js's IMP.sandbox.version and the Go module's. */
export const version = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')).version;

/** Every file of the SDK, by name: imp.js loads the others from the folder it was loaded from. */
export const files = Object.freeze(Object.fromEntries(
  ['imp.js', 'impshim.wasm', 'wasm_exec.js', 'window.html', 'window.js', 'window.css', 'imp.d.ts']
    .map((name) => [name, fileURLToPath(new URL(name, new URL('./dist/', import.meta.url)))]),
));

/** Content types the files are served with (impshim.wasm must be application/wasm to stream). */
export const contentTypes = Object.freeze({
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
});

/** The hosts the real SDK is served from. */
export const hosts = Object.freeze(['cdn.iamport.kr', 'service.iamport.kr']);

/**
 * The script URLs of the real SDK, as glob patterns (`*` within a path segment). A merchant page
 * ships one of these; `route` maps each to imp.js.
 */
export const sdkURLs = Object.freeze([
  'https://cdn.iamport.kr/v1/iamport.js',
  'https://cdn.iamport.kr/js/iamport.payment-*.js',
  'https://service.iamport.kr/js/iamport.payment-*.js',
]);

// The folders the real SDK lives in; imp.js finds its siblings next to its own URL, so each folder
// gets the sibling files too (https://cdn.iamport.kr/v1/impshim.wasm, …).
const FOLDERS = { 'cdn.iamport.kr': ['/v1/', '/js/'], 'service.iamport.kr': ['/js/'] };
const SCRIPT = { '/v1/': /^iamport\.js$/, '/js/': /^iamport\.payment-[0-9A-Za-z._-]+\.js$/ };
const SIBLINGS = new Set(['impshim.wasm', 'wasm_exec.js', 'window.html', 'window.js', 'window.css']);

/**
 * What answers a URL on the real SDK's hosts:
 * - `{kind: "sdk", file: "imp.js"}` for the SDK's script tag;
 * - `{kind: "file", file}` for a file imp.js loads next to itself (impshim.wasm, window.html, …);
 * - `{kind: "merchant", code}` for `merchants/<code>.json` (IMP.init(code) looks there);
 * - `{kind: "sandbox", path}` for the ledger's endpoints (`sandbox/backend.json`, …), which a
 *   running impshim server answers under its `/sdk/`;
 * - `{kind: "unknown"}` for anything else on those hosts (answer 404: nothing leaves the machine);
 * - `null` for URLs of other hosts (let them through).
 * Every kind but unknown carries `base`: the SDK folder's URL, and `rest`: the path below it.
 * @param {string | URL} url
 */
export function route(url) {
  let u;
  try { u = new URL(url); } catch { return null; }
  const folders = FOLDERS[u.hostname];
  if (!folders || (u.protocol !== 'https:' && u.protocol !== 'http:')) return null;
  for (const folder of folders) {
    if (!u.pathname.startsWith(folder)) continue;
    const rest = u.pathname.slice(folder.length);
    const base = `${u.protocol}//${u.host}${folder}`;
    if (SCRIPT[folder].test(rest)) return { kind: 'sdk', file: 'imp.js', base, rest };
    if (SIBLINGS.has(rest)) return { kind: 'file', file: rest, base, rest };
    const m = /^merchants\/([^/]+)\.json$/.exec(rest);
    if (m) {
      let code;
      try { code = decodeURIComponent(m[1]); } catch { return { kind: 'unknown' }; }
      return { kind: 'merchant', code, base, rest };
    }
    if (rest.startsWith('sandbox/')) return { kind: 'sandbox', path: rest, base, rest };
  }
  return { kind: 'unknown' };
}

export default { dir, version, files, contentTypes, hosts, sdkURLs, route };
