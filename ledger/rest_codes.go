package ledger

import "net/http"

// The static code tables of the V1 API (tag "codes": GET /cards, /cards/{code}, /banks,
// /banks/{code}): 금융결제원 standard codes and names.

// StandardCode is one row of a code table (StandardCodeAnnotation).
type StandardCode struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// cardCodes are the card companies of portone-io/developers.portone.io
// src/routes/(root)/opi/ko/support/code-info/card-code.mdx ("카드사 코드"), named as there
// with the 카드 a card company's name carries.
var cardCodes = []StandardCode{
	{"361", "BC카드"}, {"381", "KB카드"}, {"367", "현대카드"}, {"365", "삼성카드"}, {"368", "롯데카드"},
	{"371", "NH카드"}, {"041", "우리카드"}, {"374", "하나SK카드"}, {"045", "새마을카드"}, {"373", "제주카드"},
	{"364", "광주카드"}, {"366", "신한카드"}, {"002", "KDB카드"}, {"369", "수협카드"}, {"048", "신협카드"},
	{"370", "씨티카드"}, {"071", "우체국카드"}, {"089", "K뱅크카드"}, {"372", "전북카드"}, {"090", "카카오뱅크카드"},
}

// bankCodes are the 3-digit bank codes of code-info/pg-1.mdx ("PG사별 은행코드", the table
// shared by 토스페이먼츠, 다날, 나이스정보통신, KICC, 스마트로, 헥토파이낸셜) and the securities
// firms listed by the V1 OpenAPI's GET /vbanks/holder description, in code order.
var bankCodes = []StandardCode{
	{"002", "산업은행"}, {"003", "기업은행"}, {"004", "KB국민은행"}, {"005", "외환은행"}, {"007", "수협"},
	{"011", "농협"}, {"012", "축협"}, {"020", "우리은행"}, {"023", "SC제일은행"}, {"027", "한국씨티은행"},
	{"031", "대구은행"}, {"032", "부산은행"}, {"034", "광주은행"}, {"035", "제주은행"}, {"037", "전북은행"},
	{"039", "경남은행"}, {"045", "새마을금고"}, {"048", "신협"}, {"071", "우체국"}, {"081", "하나은행"},
	{"088", "신한은행"}, {"089", "케이뱅크"}, {"090", "카카오뱅크"}, {"092", "토스뱅크"},
	{"209", "유안타증권"}, {"218", "현대증권"}, {"230", "미래에셋증권"}, {"238", "대우증권"}, {"240", "삼성증권"},
	{"243", "한국투자증권"}, {"247", "우리투자증권"}, {"261", "교보증권"}, {"262", "하이투자증권"},
	{"263", "에이치엠씨투자증권"}, {"264", "키움증권"}, {"265", "이트레이드증권"}, {"266", "에스케이증권"},
	{"267", "대신증권"}, {"268", "솔로몬투자증권"}, {"269", "한화증권"}, {"270", "하나대투증권"},
	{"278", "굿모닝신한증권"}, {"279", "동부증권"}, {"280", "유진투자증권"}, {"287", "메리츠증권"},
	{"289", "엔에이치투자증권"}, {"290", "부국증권"},
}

func lookupCode(table []StandardCode, code string) (StandardCode, bool) {
	for _, c := range table {
		if c.Code == code {
			return c, true
		}
	}
	return StandardCode{}, false
}

// BankName is the bank's name for a 3-digit bank code, or "".
func BankName(code string) string {
	c, _ := lookupCode(bankCodes, code)
	return c.Name
}

func (a *API) cards(*http.Request, string) (any, error) { return cardCodes, nil }
func (a *API) banks(*http.Request, string) (any, error) { return bankCodes, nil }

func (a *API) card(r *http.Request, _ string) (any, error) {
	c, ok := lookupCode(cardCodes, r.PathValue("card_standard_code"))
	if !ok {
		// The OpenAPI's 404: 코드에 해당되는 카드사정보를 찾을 수 없음.
		return nil, notFoundIn("코드에 해당되는 카드사정보를 찾을 수 없습니다.",
			"no card company has the code "+quote(r.PathValue("card_standard_code"))+"; GET /cards lists them")
	}
	return c, nil
}

func (a *API) bank(r *http.Request, _ string) (any, error) {
	c, ok := lookupCode(bankCodes, r.PathValue("bank_standard_code"))
	if !ok {
		return nil, notFoundIn("코드에 해당되는 은행정보를 찾을 수 없습니다.",
			"no bank has the code "+quote(r.PathValue("bank_standard_code"))+"; GET /banks lists them")
	}
	return c, nil
}
