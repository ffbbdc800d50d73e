// The same checkout against impshim's own types (dist/imp.d.ts, the global IMP), with the sandbox.
export async function requestPay(orderId: string): Promise<string> {
  IMP.init('imp10391932');
  const params: IMPShim.RequestPayParams = { pg: 'kakaopay', merchant_uid: orderId, name: 'Green tea', amount: 12000 };
  const rsp: IMPShim.Response = await IMP.request_pay(params);
  const trace = IMP.sandbox.lastTrace();
  return rsp.success ? `${rsp.imp_uid} via ${trace?.rule}` : `${rsp.error_code}: ${rsp.error_msg}`;
}
