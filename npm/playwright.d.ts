// Types of `impshim/playwright`.
/// <reference path="./dist/imp.d.ts" />
import type { Page, BrowserContext, Frame } from '@playwright/test';

export type MerchantConfig = IMPShim.MerchantConfig;
export type Response = IMPShim.Response;
export type Trace = IMPShim.Trace;
export type Outcome = IMPShim.Outcome;

export interface InstallOptions {
  /**
   * The merchant's PG settings, served as merchants/<merchant_code>.json where IMP.init(code)
   * looks: the config object, or the path of its JSON file. Without it (and without server),
   * IMP.init(code) gets the SDK's built-in sandbox merchant (every catalog PG).
   */
  merchant?: MerchantConfig | string;
  /** Sets `strict` in the merchant config: an R3 fallback (a pg typo) or a string amount is SANDBOX_STRICT. Needs merchant or server. */
  strict?: boolean;
  /** Every window completes by itself with this outcome (no click needed). */
  outcome?: Outcome;
  /**
   * A running impshim server (`make run` prints its URL): merchant files not given by `merchant`
   * and the ledger's endpoints (sandbox/…) come from its /sdk/, so your server verifies payments
   * against it over the V1 REST API.
   */
  server?: string;
  /** Milliseconds that waitWindow, approve/fail/cancel and result wait; default 10000. */
  timeout?: number;
}

export interface PageOptions {
  /** Milliseconds to wait (default: install's timeout). */
  timeout?: number;
  /** The page to look at (default: install's page, else the latest page that loaded the SDK). */
  page?: Page;
}

/** What the mock payment window shows. */
export interface Window {
  /** "iframe" (the overlay), "popup", or "page" (the window is the page itself). */
  mode: 'iframe' | 'popup' | 'page';
  /** PG code ("kakaopay") and display name ("카카오페이"; English with language: "en"). */
  pg: string;
  pgName: string;
  mid: string;
  amount: number;
  /** As printed: "₩12,000". */
  amountText: string;
  /** All the window's text. */
  text: string;
  /** The frame showing the window: frame.locator('[data-impshim=approve]') and friends. */
  frame: Frame;
  /** The page the frame is in (the popup in popup mode). */
  page: Page;
}

export interface Answer {
  response: Response;
  /** The m_redirect_url the page was sent to (mobile redirect mode), else null. */
  redirect_url: string | null;
  /** The page that called IMP.request_pay. */
  page: Page;
}

export interface RoutedRequest {
  url: string;
  kind: 'sdk' | 'file' | 'merchant' | 'sandbox' | 'unknown';
  status: number;
  note?: string;
}

export declare class Sandbox {
  readonly context: BrowserContext;
  /** Every answer of IMP.request_pay in the context, in order. */
  readonly responses: Answer[];
  /** The SDK's own console lines ("[impshim] PG_UNKNOWN_CODE: …") in the context's pages, the latest 100. */
  readonly console: string[];
  /** Every request routed to impshim, for diagnosis. */
  readonly requests: RoutedRequest[];
  /** Waits for a visible payment window (overlay iframe, popup, or page); rejects with what to do when none comes. */
  waitWindow(opts?: PageOptions): Promise<Window>;
  /** Clicks Approve and waits for the SDK's answer, which it returns (result() returns it too). */
  approve(opts?: PageOptions): Promise<Response>;
  /** Clicks Fail (PG_FAILED). */
  fail(opts?: PageOptions): Promise<Response>;
  /** Clicks Cancel (USER_CANCEL). */
  cancel(opts?: PageOptions): Promise<Response>;
  /**
   * The next answer not yet returned by result(): what the page's callback received, or in
   * redirect mode what the page was redirected with (plus `redirect_url`).
   */
  result(opts?: PageOptions): Promise<Response & { redirect_url?: string }>;
  /** IMP.sandbox.lastTrace(): why the last request_pay chose its PG setting. */
  lastTrace(opts?: PageOptions): Promise<Trace | null>;
  /** The next window completes by itself (IMP.sandbox.setOutcome); null clears it. Rejects while a window is open. */
  setOutcome(outcome: Outcome | null, opts?: PageOptions): Promise<void>;
}

export declare class ImpshimError extends Error {}

/** Routes the real i'mport SDK URLs to impshim in the page's browser context. Once per context, before page.goto. */
export declare function install(target: Page | BrowserContext, options?: InstallOptions): Promise<Sandbox>;

declare const impshim: { install: typeof install; Sandbox: typeof Sandbox; ImpshimError: typeof ImpshimError };
export default impshim;
