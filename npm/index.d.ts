// Types of the `impshim` entry: where the SDK's files are, and which file answers a real SDK URL.
// It also brings in the global `IMP` of the browser SDK (dist/imp.d.ts), for checkout code.
/// <reference path="./dist/imp.d.ts" />

/** The folder holding imp.js, impshim.wasm, wasm_exec.js, window.html/.js/.css and imp.d.ts (ends with a separator). */
export declare const dir: string;
/** The package's version: the same as IMP.sandbox.version and the Go module's. */
export declare const version: string;
export type FileName = 'imp.js' | 'impshim.wasm' | 'wasm_exec.js' | 'window.html' | 'window.js' | 'window.css' | 'imp.d.ts';
/** Absolute path of every SDK file. */
export declare const files: Readonly<Record<FileName, string>>;
/** Content type by file extension ('.js', '.wasm', '.html', '.css', '.json', '.ts'). */
export declare const contentTypes: Readonly<Record<string, string>>;
/** The hosts the real SDK is served from: cdn.iamport.kr, service.iamport.kr. */
export declare const hosts: readonly string[];
/** The real SDK's script URLs, as glob patterns (`*` within a path segment). */
export declare const sdkURLs: readonly string[];

interface Located {
  /** The SDK folder's URL, e.g. "https://cdn.iamport.kr/v1/". */
  base: string;
  /** The path below it, e.g. "impshim.wasm". */
  rest: string;
}
export type Route =
  | (Located & { kind: 'sdk'; file: 'imp.js' })
  | (Located & { kind: 'file'; file: Exclude<FileName, 'imp.js' | 'imp.d.ts'> })
  | (Located & { kind: 'merchant'; code: string })
  | (Located & { kind: 'sandbox'; path: string })
  | { kind: 'unknown' };

/** What answers a URL of the real SDK's hosts; null for other hosts. */
export declare function route(url: string | URL): Route | null;

declare const impshim: {
  dir: typeof dir; version: typeof version; files: typeof files; contentTypes: typeof contentTypes;
  hosts: typeof hosts; sdkURLs: typeof sdkURLs; route: typeof route;
};
export default impshim;
