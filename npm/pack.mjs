// make npm: the SDK build (dist/) into the package, checked, then `npm pack` into npm/out/.
//   node npm/pack.mjs [DIST]
import { cpSync, mkdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const here = new URL('.', import.meta.url).pathname;
const repo = resolve(here, '..');
const dist = resolve(process.argv[2] || join(repo, 'dist'));
const FILES = ['imp.js', 'impshim.wasm', 'wasm_exec.js', 'window.html', 'window.js', 'window.css', 'imp.d.ts'];

const die = (msg) => { console.error(`npm/pack.mjs: ${msg}`); process.exit(1); };

for (const f of FILES) if (!existsSync(join(dist, f))) die(`${join(dist, f)} is missing: run make dist first`);

// One version everywhere: the package, imp.js (IMP.sandbox.version) and the Go side (wasm.Version).
const versions = {
  'npm/package.json': JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).version,
  [`${dist}/imp.js`]: (/const VERSION = '([^']+)'/.exec(readFileSync(join(dist, 'imp.js'), 'utf8')) || [])[1],
  'wasm/bridge.go': (/const Version = "([^"]+)"/.exec(readFileSync(join(repo, 'wasm/bridge.go'), 'utf8')) || [])[1],
};
if (new Set(Object.values(versions)).size !== 1) {
  die(`versions differ: ${Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(', ')}; bump them together`);
}

rmSync(join(here, 'dist'), { recursive: true, force: true });
mkdirSync(join(here, 'dist'));
for (const f of FILES) cpSync(join(dist, f), join(here, 'dist', f));
mkdirSync(join(here, 'out'), { recursive: true });
const out = execFileSync('npm', ['pack', '--json', '--pack-destination', 'out'], { cwd: here, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
const [info] = JSON.parse(out);
console.log(`npm/out/${info.filename}: ${info.entryCount} files, ${(info.size / 1024).toFixed(0)} KiB packed, ${(info.unpackedSize / 1024).toFixed(0)} KiB unpacked`);
