// A merchant's checkout written against the community iamport-typings package: it must compile
// unchanged with impshim's types in the same program.
import type { RequestPayParams, RequestPayResponse } from 'iamport-typings';

export function requestPay(orderId: string, onDone: (ok: boolean, msg: string) => void): void {
  const { IMP } = window;
  IMP?.init('imp10391932');
  const params: RequestPayParams = {
    pg: 'kakaopay', pay_method: 'card', merchant_uid: orderId, name: 'Green tea', amount: 12000,
    buyer_email: 'kim@example.com', buyer_name: 'Kim', buyer_tel: '010-1234-5678',
  };
  IMP?.request_pay(params, (rsp: RequestPayResponse) => {
    if (rsp.success) onDone(true, `${rsp.imp_uid} ${rsp.pg_provider}`);
    else onDone(false, rsp.error_msg ?? '');
  });
}
