package ledger

import "strconv"

// The real service's messages. Merchant code compares them (`message ===
// "취소할 결제건이 존재하지 않습니다."`), so the REST envelope's "message" carries the real
// text, and impshim's own explanation of what to change goes beside it (Refused.Explain: the
// X-Impshim-Explain header and the server log).
//
// Where each comes from: the published clients' own test suites, which run against the real
// API with the public test keys (npm iamporter test/Payment.spec.js; the Python
// iamport-rest-client tests), and merchants' code that branches on the text.
const (
	// 401 from any call with a missing, unknown or expired token.
	msgUnauthorized = "Unauthorized"
	// POST /users/getToken: keys missing (400) and keys wrong (401).
	msgTokenKeysMissing = "imp_key, imp_secret 파라메터가 누락되었습니다."
	msgTokenKeysWrong   = "인증에 실패하였습니다. API키와 secret을 확인하세요."
	// GET /payments/{imp_uid}, /payments/find/…, /payments/findAll/…: 404, code -1.
	msgPaymentNotFound = "존재하지 않는 결제정보입니다."
	// GET /payments/status/{bad}: 400.
	msgUnsupportedStatus = "지원되지 않는 상태값입니다."
	// GET /payments/prepare/{merchant_uid}, PUT /payments/prepare of an unknown order: 404.
	msgPrepareNotFound = "사전등록된 결제정보가 존재하지 않습니다."
	// POST /payments/cancel: HTTP 200, code 1.
	msgCancelNotFound      = "취소할 결제건이 존재하지 않습니다."
	msgCancelAlreadyFull   = "이미 전액취소된 주문입니다."
	msgCancelNeedsUID      = "imp_uid 또는 merchant_uid 중 하나는 지정해주셔야합니다." // the clients match /지정해주셔야합니다./
	msgMultipleNotFound    = "해당되는 결제건을 찾지 못하였습니다."                     // GET /payments 404, the OpenAPI's text
	msgAlreadyPaid         = "이미 결제가 이루어진 거래건입니다."                      // the SDK's F1002, as merchants' pages compare it
	msgVbankHolderNotFound = "계좌정보 조회 실패"                               // GET /vbanks/holder 404, the OpenAPI's text
)

// notFoundIn is the real API's 404 for an id it does not know (code -1, its message).
func notFoundIn(real, explain string) *Refusal { return refused(-1, real, explain, ErrNotFound) }

// paymentNotFound is the REST answer for an imp_uid the merchant has no payment for, with the
// real API's message.
func paymentNotFound(impUID string) *Refusal {
	return notFoundIn(msgPaymentNotFound, "no payment with imp_uid "+quote(impUID)+" for this merchant")
}

// refusedIn is a business refusal: HTTP 200 with code 1, as the real cancel answers.
func refusedIn(real, explain string) *Refusal { return refused(1, real, explain, nil) }

// invalidIn is a malformed request (400, code -1) in the real API's words.
func invalidIn(real, explain string) *Refusal { return refused(-1, real, explain, ErrInvalid) }

func quote(s string) string { return strconv.Quote(s) }
