// A typed checkout written against js/imp.d.ts, the way a merchant's TypeScript page uses impshim:
// `make types` compiles it with tsc --strict. Every API of imp.d.ts is used once; each
// `@ts-expect-error` is a mistake the types must catch (tsc fails if one stops being an error).

// The real SDK's global: a page may alias it, as many do.
const imp: IMPShim.IMP = window.IMP;

export async function setUp(): Promise<number[]> {
  await imp.sandbox.ready;
  const result = await imp.sandbox.configure({
    merchant_code: 'imp10391932',
    strict: true,
    pg_settings: [
      { pg: 'html5_inicis', mid: 'MID-a', pay_type: 'general', default: true, label: 'KG INICIS' },
      { pg: 'kakaopay', mid: 'MID-c', pay_type: 'simple' },
      { pg: 'inicis_unified', mid: 'MIIiasTest', pay_type: 'general', type: 'certification' },
    ],
  });
  if (!result.ok) {
    for (const e of result.errors) console.error(`pg_settings[${e.index}].${e.field}: ${e.message}`);
    return [];
  }
  // @ts-expect-error pay_type is one of general, subscription, simple
  void imp.sandbox.configure({ merchant_code: 'imp1', pg_settings: [{ pg: 'nice', mid: 'm', pay_type: 'monthly' }] });
  return result.console_order;
}

// The did-you-mean fix for a misspelled pg, from the structured suggestions (never the message).
export function fixPG(pg: string): string {
  const trace: IMPShim.Trace = imp.sandbox.resolve(pg);
  for (const w of trace.warnings) {
    const fix: IMPShim.Suggestion | undefined = w.suggestions?.[0];
    if (fix) return fix.pg;
  }
  return trace.setting ? `${trace.setting.pg}.${trace.setting.mid}` : pg;
}

export async function pay(orderId: string): Promise<string> {
  imp.init('imp10391932');
  const params: IMPShim.RequestPayParams = {
    pg: 'kakaopay', pay_method: 'card', merchant_uid: orderId, name: 'Green tea', amount: 60000,
    buyer_name: '홍길동', buyer_email: 'gildong@example.kr', m_redirect_url: '/order/complete',
    display: { card_quota: [3, 6] }, custom_data: { cart: [1, 2] },
  };
  imp.sandbox.setOutcome({ result: 'paid', card_quota: 3, delay_ms: 0 });
  // @ts-expect-error result is "paid", "failed" or "cancelled"
  imp.sandbox.setOutcome({ result: 'approved' });
  // @ts-expect-error amount is required
  void imp.request_pay({ pg: 'kakaopay' });
  const rsp: IMPShim.Response = await imp.request_pay(params, (r) => console.log(r.status));
  const rule = imp.sandbox.lastTrace()?.rule ?? 'none';
  if (!rsp.success) {
    const code: IMPShim.ErrorCode | (string & {}) | undefined = rsp.error_code;
    return `${code}: ${rsp.error_msg}`;
  }
  return `${rsp.imp_uid} ${rsp.pg_provider} ${rsp.card_quota ?? 0} (${rule})`;
}

// Sign-up: identity verification, adults only; the server reads the person by imp_uid.
export function verify(onDone: (impUID: string | null, ok: boolean) => void): Promise<IMPShim.CertificationResponse> {
  imp.sandbox.setOutcome({ result: 'paid', identity: 0 });
  const params: IMPShim.CertificationParams = { merchant_uid: `signup_${Date.now()}`, min_age: 19, carrier: 'SKT', language: 'en' };
  // @ts-expect-error min_age is a number of years
  void imp.certification({ min_age: '19' });
  return imp.certification(params, (rsp) => onDone(rsp.imp_uid, rsp.success && rsp.pg_type === 'certification'));
}

// The sandbox's own helpers, and the functions of the real IMP that impshim only warns about.
export function tools(): string[] {
  const rules: IMPShim.Rules = imp.sandbox.rules();
  const catalog: IMPShim.CatalogPG[] = imp.sandbox.catalog();
  const config: IMPShim.MerchantConfig | null = imp.sandbox.config();
  imp.sandbox.reset();
  imp.sandbox.setOutcome(null);
  imp.agency('imp10391932', 'TIR');
  imp.close();
  imp.communicate({ result: 'process' });
  imp.loadUI('paypal-spb', { pg: 'paypal_v2', amount: 1, currency: 'USD' }, (r) => console.log(r.error_code === 'NOT_SIMULATED'));
  imp.updateLoadUIRequest('paypal-spb', { amount: 2 });
  void imp.loadModule('paypal', { userCode: 'imp10391932' }).catch((e: unknown) => console.warn(e));
  imp.naver_zzim({ naverProducts: [] });
  // @ts-expect-error the sandbox object is read-only
  imp.sandbox = imp.sandbox;
  return [rules.version, imp.sandbox.version, String(catalog.length), config?.merchant_code ?? '', ...rules.outcome_results];
}
