// Type declarations for impshim's imp.js: the i'mport (PortOne V1) browser SDK's API, plus the
// sandbox's own `IMP.sandbox`. Reference with /// <reference path="imp.d.ts" /> or copy next to
// your sources; no module is exported — imp.js defines the global `IMP`.

declare namespace IMPShim {
  /** Parameters of IMP.request_pay (docs/sdk.md §5). Unknown extra fields are accepted and ignored. */
  interface RequestPayParams {
    /** "{pg code}" or "{pg code}.{MID}"; missing/unknown → the default setting (rule R3). */
    pg?: string;
    /** A setting's channel_key; wins over pg when it matches (rule R0). */
    channelKey?: string;
    /** Default "card". */
    pay_method?: 'card' | 'trans' | 'vbank' | 'phone' | (string & {});
    /** Your order ID, at most 40 characters. Default "nobody_" + Date.now(). */
    merchant_uid?: string;
    /** Order name shown in the window. */
    name?: string;
    /** A number; a string of ASCII digits is accepted with a warning (an error in strict mode). 0 only with customer_uid. */
    amount: number | string;
    /** Default "KRW". KRW and JPY take no decimals, USD two. */
    currency?: string;
    tax_free?: number;
    vat_amount?: number;
    buyer_name?: string;
    buyer_email?: string;
    buyer_tel?: string;
    buyer_addr?: string;
    buyer_postcode?: string;
    /** Any JSON-serializable value; returned deep-equal in the response. */
    custom_data?: unknown;
    /** Registers a billing key (needs a "subscription" setting to be meaningful). */
    customer_uid?: string;
    /** An http(s) URL, absolute or relative to the page (resolved against document.baseURI); with a mobile user agent the page navigates there instead of calling back. */
    m_redirect_url?: string;
    notice_url?: string | string[];
    escrow?: boolean;
    /** "en" shows the window in English; Korean otherwise. */
    language?: 'ko' | 'en' | (string & {});
    /** Open the window as a popup instead of an in-page overlay. Call request_pay from a click handler. */
    popup?: boolean;
    /** Installment plans the window offers (from 50,000 KRW, by card); [] = 일시불 only. */
    display?: { card_quota?: number[] };
    [extra: string]: unknown;
  }

  /** Parameters of IMP.certification (docs/sdk.md §9). */
  interface CertificationParams {
    /** A certification setting's "{pg code}" or "{pg code}.{MID}" (inicis_unified, danal); missing → the certification default. */
    pg?: string;
    channelKey?: string;
    /** At most 40 characters. */
    merchant_uid?: string;
    /** Only people at least this old (Asia/Seoul date) are verified. */
    min_age?: number;
    name?: string;
    phone?: string;
    carrier?: 'SKT' | 'KTF' | 'LGT' | 'MVNO' | (string & {});
    company?: string;
    /** With a mobile user agent the page navigates there with imp_uid, merchant_uid and success in the query. */
    m_redirect_url?: string;
    /** On a PC the window is a popup by default, as with the real SDK (call IMP.certification from a click handler); false shows it in the page. */
    popup?: boolean;
    /** "en" shows the window in English; Korean otherwise. */
    language?: 'ko' | 'en' | (string & {});
    [extra: string]: unknown;
  }

  /** The response of IMP.certification; the person is read on the server (GET /certifications/{imp_uid}). */
  interface CertificationResponse {
    success: boolean;
    imp_uid: string | null;
    merchant_uid: string | null;
    pg_provider?: string;
    pg_type?: 'certification';
    error_code?: ErrorCode | (string & {}) | null;
    error_msg?: string | null;
    [extra: string]: unknown;
  }

  type ErrorCode =
    | 'NOT_INITIALIZED' | 'MERCHANT_CONFIG' | 'INVALID_PARAMS' | 'INVALID_AMOUNT' | 'INVALID_MERCHANT_UID'
    | 'PAY_METHOD_NOT_SUPPORTED' | 'CURRENCY_NOT_SUPPORTED' | 'SANDBOX_STRICT' | 'F1001' | 'F1002'
    | 'USER_CANCEL' | 'PG_FAILED' | 'POPUP_BLOCKED' | 'WINDOW_BUSY' | 'SDK_LOAD_FAILED' | 'INTERNAL'
    /** A function of the real IMP object that impshim does not simulate (IMP.loadUI). */
    | 'NOT_SIMULATED';

  /** The response passed to the callback and resolved by the Promise (docs/sdk.md §7). */
  interface Response {
    success: boolean;
    imp_success: boolean;
    /** "imp_" + 12 digits once a window opened; null when a check failed before that. */
    imp_uid: string | null;
    merchant_uid: string | null;
    status: 'paid' | 'ready' | 'failed';
    /** Failure only. */
    error_code?: ErrorCode | (string & {});
    /** Failure only: says what to change. */
    error_msg?: string;
    pay_method?: string;
    paid_amount?: number;
    currency?: string;
    name?: string;
    /** The chosen setting's PG code. */
    pg_provider?: string;
    pg_type?: 'payment';
    pg_tid?: string;
    apply_num?: string;
    buyer_name?: string;
    buyer_email?: string;
    buyer_tel?: string;
    buyer_addr?: string;
    buyer_postcode?: string;
    custom_data?: unknown;
    /** Unix seconds. */
    paid_at?: number;
    receipt_url?: string;
    card_name?: string;
    card_number?: string;
    card_quota?: number;
    /** vbank: status "ready" and the issued account. */
    vbank_num?: string;
    vbank_name?: string;
    vbank_holder?: string;
    vbank_date?: number;
    customer_uid?: string;
    [extra: string]: unknown;
  }

  /** One PG setting of the merchant's "admin console" (docs/sdk.md §3). */
  interface PGSetting {
    pg: string;
    mid: string;
    pay_type: 'general' | 'subscription' | 'simple';
    type?: 'payment' | 'certification';
    default?: boolean;
    channel_key?: string;
    label?: string;
  }

  interface MerchantConfig {
    merchant_code: string;
    pg_settings: PGSetting[];
    /** Every R3 fallback and string amount becomes SANDBOX_STRICT. */
    strict?: boolean;
  }

  interface ConfigError {
    /** Position in pg_settings; -1 for the whole config. */
    index: number;
    field: string;
    message: string;
  }

  type WarningCode =
    | 'PG_MISSING' | 'PG_UNKNOWN_CODE' | 'PG_NOT_CONFIGURED' | 'MID_NOT_FOUND' | 'CHANNEL_KEY_NOT_FOUND'
    | 'FELL_BACK_TO_DEFAULT' | 'LEGACY_PG_CODE' | 'BILLING_KEY_ON_NON_SUBSCRIPTION' | 'PAY_METHOD_IGNORED'
    | 'AMOUNT_AS_STRING';

  /** A ready-made fix for a warning: `pg` is the whole corrected params.pg value. */
  interface Suggestion {
    pg: string;
    label: string;
  }

  interface Warning {
    code: WarningCode | (string & {});
    /** For people; do not parse it — use `suggestions`. */
    message: string;
    /** PG_UNKNOWN_CODE: the did-you-mean code (a given MID kept); MID_NOT_FOUND: `code.MID` for each configured MID of that code. */
    suggestions?: Suggestion[];
  }

  type ConfigureResult =
    | {
        ok: true;
        warnings: Warning[];
        /** Setting indices as the admin console lists them and resolution walks them: the default first, then list order. */
        console_order: number[];
      }
    | { ok: false; errors: ConfigError[] };

  /** The constants the sandbox's rules use (from the Go module, which owns them). */
  interface Rules {
    version: string;
    outcome_results: Outcome['result'][];
    payment_statuses: string[];
    window_modes: ('iframe' | 'popup' | 'redirect')[];
    max_merchant_uid_len: number;
    /** The carrier codes IMP.certification takes (SKT, KTF, LGT, MVNO). */
    carriers: string[];
    [extra: string]: unknown;
  }

  /** Which setting `pg` picked, and why (docs/sdk.md §4). */
  interface Trace {
    input: string;
    code: string;
    mid: string;
    /** null when the merchant has no setting of the requested type (see error). */
    rule: 'R0' | 'R1' | 'R2' | 'R3' | null;
    fallback: boolean;
    setting: (PGSetting & { index: number }) | null;
    considered: { index: number; why_not: string }[];
    warnings: Warning[];
    /** F1001: the merchant has no setting of the requested type. */
    error?: { code: string; message: string };
  }

  /** One catalog PG (the demo page lists them). */
  interface CatalogPG {
    code: string;
    name: string;
    name_ko: string;
    legacy: boolean;
    simple_pay: boolean;
    pay_type: 'general' | 'subscription' | 'simple';
    methods: string[];
    currencies: string[];
    /** "#rrggbb", the mock window's brand colour. */
    color: string;
    /** Used for identity verification, not payments. */
    certification?: boolean;
  }

  interface Outcome {
    /** For IMP.certification, "paid" means verified. */
    result: 'paid' | 'failed' | 'cancelled';
    /** IMP.certification: which sandbox identity verifies (an index into the merchant's identities; default 0). */
    identity?: number;
    /** A payment's installment plan, one the window offers (display.card_quota); 0 = 일시불. */
    card_quota?: number;
    /** For "failed"; default PG_FAILED. */
    error_code?: string;
    error_msg?: string;
    /** Milliseconds after the window shows; default 250. */
    delay_ms?: number;
  }

  interface Sandbox {
    /** Resolves when the module is loaded (and the calls queued before it have run); rejects with a clear message when it cannot load. */
    readonly ready: Promise<void>;
    readonly version: string;
    /** Sets the merchant's PG settings; counts as IMP.init(config.merchant_code). Never rejects; a rejected config keeps the previous one. */
    configure(config: MerchantConfig): Promise<ConfigureResult>;
    /**
     * The trace for a pg string or a params object, without opening a window. Throws before `ready`.
     * Read-only: the same query under the same config answers the same deeply frozen object from a
     * bounded cache (configure empties it); writing to it throws in strict mode. Copy it to change it.
     */
    resolve(pgOrParams: string | RequestPayParams | null): Readonly<Trace>;
    /** The trace of the last request_pay that reached resolution, else null. */
    lastTrace(): Trace | null;
    /** Completes the next request that opens a window, without a click. Throws TypeError on a bad outcome (a bad result set before `ready` fails the next request_pay with INVALID_PARAMS instead); null clears it. */
    setOutcome(outcome: Outcome | null): void;
    /** Forgets paid merchant_uids (in the server's ledger too), the pending outcome and the last trace. */
    reset(): void;
    /** Every PG the sandbox knows. Throws before `ready`. */
    catalog(): CatalogPG[];
    /** The merchant config in force, or null. */
    config(): MerchantConfig | null;
    /** The module's constants (outcome results, statuses, window modes, the merchant_uid limit). Throws before `ready`. */
    rules(): Rules;
  }

  interface IMP {
    /** Your merchant code ("imp" + digits). Without configure, loads merchants/<code>.json next to imp.js, else the built-in sandbox merchant. */
    init(merchantCode: string): void;
    agency(merchantCode: string, tierCode: string): void;
    /** Opens the mock payment window. The callback is called exactly once; the Promise never rejects. */
    request_pay(params: RequestPayParams, callback?: (response: Response) => void): Promise<Response>;
    /** Opens the mock identity-verification window (a popup on a PC, as with the real SDK). The callback is called exactly once; the Promise never rejects. */
    certification(params: CertificationParams, callback?: (response: CertificationResponse) => void): Promise<CertificationResponse>;
    /** Completes an open window as cancelled (USER_CANCEL). */
    close(): void;
    /** Not simulated: warns once. In the real SDK it passes a PG app's result from a mobile app's WebView. */
    communicate(data: unknown): void;
    /** Not simulated (PayPal smart buttons): warns once and calls back with NOT_SIMULATED; use request_pay. */
    loadUI(uiType: string, params: RequestPayParams, callback?: (response: Response) => void): void;
    /** Not simulated: warns once. */
    updateLoadUIRequest(uiType: string, params: RequestPayParams): void;
    /** Not simulated: warns once; the Promise rejects with an Error that says so. */
    loadModule(moduleType: string, userInfo: { userCode: string; tierCode?: string }, options?: unknown): Promise<unknown>;
    /** Not simulated (Naver Pay's wishlist button): warns once. */
    naver_zzim(params: unknown): void;
    readonly sandbox: Sandbox;
  }
}

/** A plain global property, as with the real SDK: `const IMP = window.IMP;` works. */
declare var IMP: IMPShim.IMP;

/** Sent on `window` with a copy of every request_pay answer, before the callback runs or the page redirects (for test tools). */
interface ImpshimResponseEventDetail {
  response: IMPShim.Response;
  /** The m_redirect_url the page is about to navigate to (mobile redirect mode), else null. */
  redirect_url: string | null;
}
interface WindowEventMap {
  'impshim:response': CustomEvent<ImpshimResponseEventDetail>;
}
