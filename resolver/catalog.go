package resolver

import (
	"slices"

	"github.com/impshim/impshim/internal/jsonv"
)

// PG is one payment gateway the real service knows, by its `pg` code.
type PG struct {
	Code      string // "html5_inicis"
	Name      string // English display name, "KG INICIS"
	NameKO    string // "KG이니시스"
	Legacy    bool
	SimplePay bool   // the PG picks the method itself: pay_method is ignored (kakaopay, naverpay, …)
	PayType   string // pay_type of the built-in sandbox setting: "general", "subscription" or "simple"
	// Methods the PG's window offers; for SimplePay any method is accepted.
	Methods    []string
	Currencies []string // "KRW", "USD", …
	Color      string   // brand colour of the mock window, "#rrggbb"
	// Certification marks a PG used for identity verification rather than payment; the
	// built-in sandbox merchant gives it a setting of type "certification".
	Certification bool
}

// Where the facts come from (all public, fetched with the project's search tool):
//
//	[codes]   PortOne "PG사 코드표", https://portone.gitbook.io/docs/tip/pg-2 — the seed's
//	          list plus smilepay, daou (키움페이, 구 페이조아), paymentwall, tosspay, smartro, settle.
//	[imp]     i'mport JavaScript SDK reference, https://docs.iamport.kr/en-US/tech/imp — the pg
//	          codes with English names, and pay_method values with the PGs that offer them
//	          (samsung: Inicis/KCP; kpay: Inicis; cultureland/smartculture: Inicis/LGU+/KCP; …).
//	[sdk]     @portone/server-sdk PgProvider.d.ts (unpkg) — the current provider list:
//	          inicis_unified, kcp_quick, tosspayments, toss_brandpay, nice_v2, paypal_v2,
//	          tosspay_v2, smartro_v2, settle_acc, ksnet, welcome, galaxia, kakao, alipay, chai, syrup.
//	[v1pg]    PortOne V1 integration guides per PG, https://developers.portone.io/opi/ko/integration/pg/v1/<pg>
//	          (pay_method lists, currency notes; e.g. inicis: card trans vbank phone + easy-pay hubs).
//	[seed]    the seed pages (000/001): the 19 codes of the "pg service code" list.
//	[eximbay] https://portone.gitbook.io/docs-en/payment-integration-by-pg/payment-gateways/eximbay
//	[pwall]   https://developers.portone.io/docs/ko/pg/payment-gateway/paymentwall — pay_method is
//	          optional ("methods are enabled by the buyer's country"), currency is required.
//	[rps]     https://portone.gitbook.io/docs-en/sdk/javascript-sdk/rps — "For PayPal, USD is the
//	          default value as PayPal does not support KRW".
//
// Legacy marks codes whose service or module was retired or replaced: kakao (old Kakao Pay
// module → kakaopay), jtnet and bluewalnut (dropped from the current V1 guides), chai (service
// closed 2023), syrup (Syrup Pay closed), alipay (dropped from V1 guides), inicis (ActiveX),
// uplus (LG U+ → tosspayments). Display colours are approximations of each brand's main colour,
// chosen for the mock window; they are not from an official source.
var catalog = []PG{
	// [seed][codes][imp][v1pg]
	{Code: "html5_inicis", Name: "KG INICIS", NameKO: "KG이니시스", PayType: "general",
		Methods:    []string{"card", "trans", "vbank", "phone", "samsung", "kpay", "kakaopay", "payco", "lpay", "ssgpay", "tosspay", "cultureland", "smartculture", "happymoney"},
		Currencies: []string{"KRW"}, Color: "#1a4a9c"},
	// [codes][imp]
	{Code: "inicis", Name: "KG INICIS (ActiveX)", NameKO: "KG이니시스 (ActiveX)", Legacy: true, PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone"}, Currencies: []string{"KRW"}, Color: "#1a4a9c"},
	// [sdk][v1pg]: identity verification through INICIS; no payment methods.
	{Code: "inicis_unified", Name: "KG INICIS Unified Verification", NameKO: "KG이니시스 통합인증", PayType: "general",
		Methods: nil, Currencies: []string{"KRW"}, Color: "#1a4a9c", Certification: true},
	// [seed][codes][imp][v1pg]
	{Code: "kcp", Name: "NHN KCP", NameKO: "NHN KCP", PayType: "general",
		Methods:    []string{"card", "trans", "vbank", "phone", "samsung", "naverpay", "kakaopay", "payco", "cultureland", "smartculture", "happymoney", "booknlife"},
		Currencies: []string{"KRW"}, Color: "#e4002b"},
	// [seed][codes] recurring payments only: billing keys are issued for cards.
	{Code: "kcp_billing", Name: "NHN KCP Recurring", NameKO: "NHN KCP 정기결제", PayType: "subscription",
		Methods: []string{"card"}, Currencies: []string{"KRW"}, Color: "#e4002b"},
	// [sdk][v1pg]
	{Code: "kcp_quick", Name: "NHN KCP Quick Pay", NameKO: "NHN KCP 퀵페이", PayType: "general",
		Methods: []string{"card"}, Currencies: []string{"KRW"}, Color: "#e4002b"},
	// [seed][codes][imp]: "토스페이먼츠(구 LG U+)"
	{Code: "uplus", Name: "Toss Payments (formerly LG U+)", NameKO: "토스페이먼츠(구 LG U+)", Legacy: true, PayType: "general",
		Methods:    []string{"card", "trans", "vbank", "phone", "cultureland", "smartculture", "booknlife"},
		Currencies: []string{"KRW"}, Color: "#0064ff"},
	// [sdk][v1pg]
	{Code: "tosspayments", Name: "Toss Payments", NameKO: "토스페이먼츠", PayType: "general",
		Methods:    []string{"card", "trans", "vbank", "phone", "tosspay", "naverpay", "kakaopay", "payco", "samsung", "lpay", "ssgpay", "cultureland", "smartculture", "booknlife"},
		Currencies: []string{"KRW"}, Color: "#0064ff"},
	// [sdk][v1pg]
	{Code: "toss_brandpay", Name: "Toss Payments BrandPay", NameKO: "토스페이먼츠 브랜드페이", PayType: "general",
		Methods: []string{"card", "trans"}, Currencies: []string{"KRW"}, Color: "#0064ff"},
	// [seed][codes][imp]
	{Code: "nice", Name: "NICE Payments", NameKO: "나이스페이", PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone"}, Currencies: []string{"KRW"}, Color: "#00287a"},
	// [sdk][v1pg]
	{Code: "nice_v2", Name: "NICE Payments (new module)", NameKO: "나이스페이먼츠", PayType: "general",
		Methods:    []string{"card", "trans", "vbank", "phone", "naverpay", "kakaopay", "payco", "samsung", "ssgpay"},
		Currencies: []string{"KRW"}, Color: "#00287a"},
	// [seed][codes][imp]
	{Code: "jtnet", Name: "JTNet", NameKO: "JTNet", Legacy: true, PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone"}, Currencies: []string{"KRW"}, Color: "#0072bc"},
	// [seed][codes][imp][v1pg]: KICC EasyPay
	{Code: "kicc", Name: "KICC", NameKO: "한국정보통신", PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone"}, Currencies: []string{"KRW"}, Color: "#e60012"},
	// [seed][codes][imp]
	{Code: "bluewalnut", Name: "Blue Walnut", NameKO: "블루월넛", Legacy: true, PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone"}, Currencies: []string{"KRW"}, Color: "#1b3f8f"},
	// [seed][codes][imp][v1pg]: Kakao Pay opens its own app/QR and chooses the method.
	{Code: "kakaopay", Name: "Kakao Pay", NameKO: "카카오페이", SimplePay: true, PayType: "simple",
		Methods: []string{"card"}, Currencies: []string{"KRW"}, Color: "#ffe812"},
	// [sdk]: the old Kakao Pay module, replaced by kakaopay.
	{Code: "kakao", Name: "Kakao Pay (old module)", NameKO: "카카오페이(구모듈)", Legacy: true, SimplePay: true, PayType: "simple",
		Methods: []string{"card"}, Currencies: []string{"KRW"}, Color: "#ffe812"},
	// [seed][codes][imp]: mobile micropayment only.
	{Code: "danal", Name: "Danal Mobile Micropayment", NameKO: "다날 휴대폰소액결제", PayType: "general",
		Methods: []string{"phone"}, Currencies: []string{"KRW"}, Color: "#e50012"},
	// [seed][codes][imp]
	{Code: "danal_tpay", Name: "Danal General Payment", NameKO: "다날 일반결제", PayType: "general",
		Methods: []string{"card", "trans", "vbank"}, Currencies: []string{"KRW"}, Color: "#e50012"},
	// [seed][codes][imp]: mobile micropayment.
	{Code: "mobilians", Name: "KG Mobilians", NameKO: "KG모빌리언스", PayType: "general",
		Methods: []string{"phone", "card"}, Currencies: []string{"KRW"}, Color: "#ed1c24"},
	// [seed][codes][imp]
	{Code: "chai", Name: "CHAI", NameKO: "차이 간편결제", Legacy: true, SimplePay: true, PayType: "simple",
		Methods: []string{"trans"}, Currencies: []string{"KRW"}, Color: "#ff4b2b"},
	// [seed][codes][imp][v1pg]
	{Code: "payco", Name: "PAYCO", NameKO: "페이코", SimplePay: true, PayType: "simple",
		Methods: []string{"card"}, Currencies: []string{"KRW"}, Color: "#fa2828"},
	// [seed][codes][imp]
	{Code: "syrup", Name: "Syrup Pay", NameKO: "시럽페이", Legacy: true, SimplePay: true, PayType: "simple",
		Methods: []string{"card"}, Currencies: []string{"KRW"}, Color: "#ff5a00"},
	// [seed][codes][imp][v1pg][rps]: PayPal takes no KRW; card and paypal methods.
	{Code: "paypal", Name: "PayPal", NameKO: "페이팔", PayType: "general",
		Methods: []string{"card", "paypal"}, Currencies: payPalCurrencies, Color: "#003087"},
	// [sdk][v1pg]: PayPal Smart Payment Buttons.
	{Code: "paypal_v2", Name: "PayPal (Smart Payment Buttons)", NameKO: "페이팔 SPB", PayType: "general",
		Methods: []string{"card", "paypal"}, Currencies: payPalCurrencies, Color: "#003087"},
	// [seed][codes][imp][eximbay]: overseas cards and wallets; the guide lists these methods and currencies.
	{Code: "eximbay", Name: "Eximbay", NameKO: "엑심베이", PayType: "general",
		Methods:    []string{"card", "wechat", "alipay", "unionpay", "tenpay", "econtext"},
		Currencies: []string{"KRW", "USD", "EUR", "GBP", "JPY", "THB", "SGD", "RUB", "HKD", "CAD", "AUD"}, Color: "#00a0e9"},
	// [seed][codes][imp]: Naver Pay (order type) — Naver runs the whole checkout.
	{Code: "naverco", Name: "Naver Pay (order)", NameKO: "네이버페이 주문형", SimplePay: true, PayType: "simple",
		Methods: []string{"card"}, Currencies: []string{"KRW"}, Color: "#03c75a"},
	// [seed][codes][imp][v1pg]
	{Code: "naverpay", Name: "Naver Pay", NameKO: "네이버페이 결제형", SimplePay: true, PayType: "simple",
		Methods: []string{"card"}, Currencies: []string{"KRW"}, Color: "#03c75a"},
	// [codes][imp][sdk]
	{Code: "smilepay", Name: "Smile Pay", NameKO: "스마일페이", SimplePay: true, PayType: "simple",
		Methods: []string{"card"}, Currencies: []string{"KRW"}, Color: "#f53c3c"},
	// [codes][sdk][v1pg]: 키움페이 (formerly PAYJOA by Daou).
	{Code: "daou", Name: "Kiwoom Pay (Daou PAYJOA)", NameKO: "키움페이(구 페이조아)", PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone"}, Currencies: []string{"KRW"}, Color: "#ee2737"},
	// [codes][sdk][pwall]: Paymentwall shows its own method picker, so pay_method is ignored.
	{Code: "paymentwall", Name: "Paymentwall", NameKO: "페이먼트월", SimplePay: true, PayType: "general",
		Methods: []string{"card"}, Currencies: []string{"USD", "KRW", "EUR", "GBP", "JPY", "CNY"}, Color: "#ff6600"},
	// [codes][sdk][v1pg]
	{Code: "tosspay", Name: "Toss Pay", NameKO: "토스간편결제", SimplePay: true, PayType: "simple",
		Methods: []string{"card", "trans"}, Currencies: []string{"KRW"}, Color: "#0064ff"},
	// [sdk][v1pg]
	{Code: "tosspay_v2", Name: "Toss Pay (new module)", NameKO: "토스페이", SimplePay: true, PayType: "simple",
		Methods: []string{"card", "trans"}, Currencies: []string{"KRW"}, Color: "#0064ff"},
	// [codes][sdk][v1pg]
	{Code: "smartro", Name: "Smartro", NameKO: "스마트로", PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone"}, Currencies: []string{"KRW"}, Color: "#00a3e0"},
	// [sdk][v1pg]
	{Code: "smartro_v2", Name: "Smartro (new module)", NameKO: "스마트로(신모듈)", PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone"}, Currencies: []string{"KRW"}, Color: "#00a3e0"},
	// [codes][sdk][v1pg]: Settlebank, now Hecto Financial.
	{Code: "settle", Name: "Hecto Financial (Settlebank)", NameKO: "헥토파이낸셜(세틀뱅크)", PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone"}, Currencies: []string{"KRW"}, Color: "#e5002d"},
	// [sdk][v1pg]: Hecto's "내통장결제" — pay from a registered bank account.
	{Code: "settle_acc", Name: "Hecto Financial Account Pay", NameKO: "헥토파이낸셜 내통장결제", PayType: "general",
		Methods: []string{"trans"}, Currencies: []string{"KRW"}, Color: "#e5002d"},
	// [sdk][v1pg]
	{Code: "ksnet", Name: "KSNET", NameKO: "KSNET", PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone"}, Currencies: []string{"KRW"}, Color: "#005bac"},
	// [sdk][v1pg]
	{Code: "welcome", Name: "Welcome Payments", NameKO: "웰컴페이먼츠", PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone"}, Currencies: []string{"KRW"}, Color: "#7b2cbf"},
	// [sdk][v1pg]: Galaxia Money Tree (BillGate).
	{Code: "galaxia", Name: "Galaxia Money Tree", NameKO: "갤럭시아머니트리", PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone"}, Currencies: []string{"KRW"}, Color: "#4a2c85"},
	// [imp][sdk]
	{Code: "alipay", Name: "Alipay", NameKO: "알리페이", Legacy: true, SimplePay: true, PayType: "simple",
		Methods: []string{"card"}, Currencies: []string{"KRW", "USD", "CNY"}, Color: "#1677ff"},
}

var payPalCurrencies = []string{"USD", "EUR", "JPY", "GBP", "AUD", "CAD", "HKD", "SGD", "TWD", "THB", "CNY"}

// catalogIndex maps a code to its position in catalog; built once, read-only afterwards.
var catalogIndex = func() map[string]int {
	m := make(map[string]int, len(catalog))
	for i, pg := range catalog {
		m[pg.Code] = i
	}
	return m
}()

// Lookup returns the catalog entry for code (exact, case-sensitive, like the real service).
func Lookup(code string) (PG, bool) {
	i, ok := catalogIndex[code]
	if !ok {
		return PG{}, false
	}
	return catalog[i], true
}

// Catalog returns every PG in a stable order. The slices inside are shared: do not modify them.
func Catalog() []PG {
	out := make([]PG, len(catalog))
	copy(out, catalog)
	return out
}

// Offers reports whether the PG accepts pay_method method.
func (pg PG) Offers(method string) bool {
	if pg.SimplePay {
		return true
	}
	return slices.Contains(pg.Methods, method)
}

// Accepts reports whether the PG takes payments in currency.
func (pg PG) Accepts(currency string) bool {
	return slices.Contains(pg.Currencies, currency)
}

// AppendCatalogJSON appends the catalog as
// [{"code","name","name_ko","legacy","simple_pay","pay_type","methods","currencies","color","certification"}].
func AppendCatalogJSON(b []byte) []byte {
	return jsonv.AppendArray(b, catalog, func(b []byte, pg PG) []byte { return pg.AppendJSON(b) })
}

// AppendJSON appends one catalog entry as a JSON object.
func (pg PG) AppendJSON(b []byte) []byte {
	b = append(b, '{')
	b = jsonv.AppendKey(b, "code")
	b = jsonv.AppendString(b, pg.Code)
	b = jsonv.AppendKey(b, "name")
	b = jsonv.AppendString(b, pg.Name)
	b = jsonv.AppendKey(b, "name_ko")
	b = jsonv.AppendString(b, pg.NameKO)
	b = jsonv.AppendKey(b, "legacy")
	b = jsonv.AppendBool(b, pg.Legacy)
	b = jsonv.AppendKey(b, "simple_pay")
	b = jsonv.AppendBool(b, pg.SimplePay)
	b = jsonv.AppendKey(b, "pay_type")
	b = jsonv.AppendString(b, pg.PayType)
	b = jsonv.AppendKey(b, "methods")
	b = jsonv.AppendArray(b, pg.Methods, jsonv.AppendString)
	b = jsonv.AppendKey(b, "currencies")
	b = jsonv.AppendArray(b, pg.Currencies, jsonv.AppendString)
	b = jsonv.AppendKey(b, "color")
	b = jsonv.AppendString(b, pg.Color)
	b = jsonv.AppendKey(b, "certification")
	b = jsonv.AppendBool(b, pg.Certification)
	return append(b, '}')
}
