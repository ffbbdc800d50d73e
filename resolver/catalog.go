package resolver

import (
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
	// DefaultCurrency is what an absent currency means; "" is KRW. PayPal takes no KRW, so
	// USD ([payrq] currency: "PayPal 은 … USD 가 기본값"); Eximbay's guide says the same
	// ([g] eximbay.mdx: currency "기본값: USD").
	DefaultCurrency string
	Color           string // brand colour of the mock window, "#rrggbb"
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
//	[g] FILE  the PG's V1 guide, src/routes/(root)/opi/ko/integration/pg/v1/FILE in
//	          portone-io/developers.portone.io (read with the search tool): each entry's pay_method
//	          list is the one its guide's pay_method parameter gives. The codes themselves are the
//	          30 of the request-parameter page, src/routes/(root)/sdk/ko/v1-sdk/javascript-sdk/payrq.mdx
//	          ([payrq]), plus the guides' older names (samsung, happymoney, molpay, …).
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
	// pay_method: [g] inicis.mdx; samsungpay (payrq's name for samsung) and kpay ([imp]) kept too
	{Code: "html5_inicis", Name: "KG INICIS", NameKO: "KG이니시스", PayType: "general",
		Methods:    []string{"card", "kakaopay", "naverpay", "samsung", "samsungpay", "applepay", "ssgpay", "payco", "tosspay", "lpay", "kpay", "trans", "vbank", "phone", "cultureland", "smartculture", "happymoney", "booknlife"},
		Currencies: []string{"KRW"}, Color: "#1a4a9c"},
	// [codes][imp]
	{Code: "inicis", Name: "KG INICIS (ActiveX)", NameKO: "KG이니시스 (ActiveX)", Legacy: true, PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone"}, Currencies: []string{"KRW"}, Color: "#1a4a9c"},
	// [sdk][v1pg]: identity verification through INICIS; no payment methods.
	{Code: "inicis_unified", Name: "KG INICIS Unified Verification", NameKO: "KG이니시스 통합인증", PayType: "general",
		Methods: nil, Currencies: []string{"KRW"}, Color: "#1a4a9c", Certification: true},
	// [seed][codes][imp][v1pg]
	// pay_method: [g] nhn-kcp/readme.mdx
	{Code: "kcp", Name: "NHN KCP", NameKO: "NHN KCP", PayType: "general",
		Methods:    []string{"card", "trans", "vbank", "phone", "cultureland", "smartculture", "booknlife", "happymoney", "payco", "lpay", "kakaopay", "naverpay", "naverpay_bridge", "samsung", "samsungpay", "ssgpay", "applepay", "tosspay", "point"},
		Currencies: []string{"KRW"}, Color: "#e4002b"},
	// [seed][codes] recurring payments only: billing keys are issued for cards.
	{Code: "kcp_billing", Name: "NHN KCP Recurring", NameKO: "NHN KCP 정기결제", PayType: "subscription",
		Methods: []string{"card"}, Currencies: []string{"KRW"}, Color: "#e4002b"},
	// [sdk][v1pg]
	// pay_method: [g] nhn-kcp/kcp-quickpay.mdx
	{Code: "kcp_quick", Name: "NHN KCP Quick Pay", NameKO: "NHN KCP 퀵페이", PayType: "general",
		Methods: []string{"card", "trans"}, Currencies: []string{"KRW"}, Color: "#e4002b"},
	// [seed][codes][imp]: "토스페이먼츠(구 LG U+)"
	// pay_method: [g] toss.mdx
	{Code: "uplus", Name: "Toss Payments (formerly LG U+)", NameKO: "토스페이먼츠(구 LG U+)", Legacy: true, PayType: "general",
		Methods:    []string{"card", "trans", "vbank", "phone", "cultureland", "smartculture", "booknlife", "applepay", "tosspay", "naverpay", "kakaopay", "lpay", "payco", "samsung", "samsungpay"},
		Currencies: []string{"KRW"}, Color: "#0064ff"},
	// [sdk][v1pg]
	// pay_method: [g] newtoss/readme.mdx
	{Code: "tosspayments", Name: "Toss Payments", NameKO: "토스페이먼츠", PayType: "general",
		Methods:    []string{"card", "trans", "vbank", "phone", "booknlife", "smartculture", "cultureland", "kakaopay", "naverpay", "lpay", "samsungpay", "samsung", "ssgpay", "applepay", "payco", "tosspay"},
		Currencies: []string{"KRW"}, Color: "#0064ff"},
	// [sdk][v1pg]
	// pay_method: [g] toss-brandpay/readme.mdx; "pay_method: toss_brandpay 로 지정"
	{Code: "toss_brandpay", Name: "Toss Payments BrandPay", NameKO: "토스페이먼츠 브랜드페이", PayType: "general",
		Methods: []string{"toss_brandpay"}, Currencies: []string{"KRW"}, Color: "#0064ff"},
	// [seed][codes][imp]
	// pay_method: [g] nice.mdx
	{Code: "nice", Name: "NICE Payments", NameKO: "나이스페이", PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone", "kakaopay"}, Currencies: []string{"KRW"}, Color: "#00287a"},
	// [sdk][v1pg]
	// pay_method: [g] nice-v2/readme.mdx; not naverpay (nice-v2/payment-caution.mdx: naverpay_card or naverpay_point)
	{Code: "nice_v2", Name: "NICE Payments (new module)", NameKO: "나이스페이먼츠", PayType: "general",
		Methods:    []string{"card", "trans", "vbank", "phone", "cultureland", "naverpay_card", "naverpay_point", "kakaopay", "payco", "samsungpay", "skpay", "ssgpay", "ssgpay_bank", "lpay", "applepay", "tosspay_card", "tosspay_money", "alipay"},
		Currencies: []string{"KRW"}, Color: "#00287a"},
	// [seed][codes][imp]
	{Code: "jtnet", Name: "JTNet", NameKO: "JTNet", Legacy: true, PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone"}, Currencies: []string{"KRW"}, Color: "#0072bc"},
	// [seed][codes][imp][v1pg]: KICC EasyPay
	// pay_method: [g] kicc.mdx
	{Code: "kicc", Name: "KICC", NameKO: "한국정보통신", PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone"}, Currencies: []string{"KRW"}, Color: "#e60012"},
	// [seed][codes][imp]
	// pay_method: [g] blue.mdx
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
	// pay_method: [g] danal.mdx; phone goes through pg danal
	{Code: "danal_tpay", Name: "Danal General Payment", NameKO: "다날 일반결제", PayType: "general",
		Methods: []string{"card", "trans", "vbank", "cultureland", "happymoney"}, Currencies: []string{"KRW"}, Color: "#e50012"},
	// [seed][codes][imp]: mobile micropayment.
	// pay_method: [g] kg-mobilians-v2.mdx
	{Code: "mobilians", Name: "KG Mobilians", NameKO: "KG모빌리언스", PayType: "general",
		Methods: []string{"card", "phone", "vbank", "trans", "cultureland", "booknlife", "smartculture", "payco", "samsung", "samsungpay", "ssgpay", "kakaopay", "naverpay", "lpay", "tosspay", "applepay"}, Currencies: []string{"KRW"}, Color: "#ed1c24"},
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
	// pay_method: [g] paypal.mdx (card) and [imp] (paypal)
	{Code: "paypal", Name: "PayPal", NameKO: "페이팔", PayType: "general",
		Methods: []string{"card", "paypal"}, Currencies: payPalCurrencies, DefaultCurrency: "USD", Color: "#003087"},
	// [sdk][v1pg]: PayPal Smart Payment Buttons.
	// pay_method: [g] spb/readme.mdx and rt/readme.mdx (paypal), [imp] (card)
	{Code: "paypal_v2", Name: "PayPal (Smart Payment Buttons)", NameKO: "페이팔 SPB", PayType: "general",
		Methods: []string{"paypal", "card"}, Currencies: payPalCurrencies, DefaultCurrency: "USD", Color: "#003087"},
	// [seed][codes][imp][eximbay]: overseas cards and wallets; the guide lists these methods and currencies.
	// pay_method: [g] eximbay.mdx
	{Code: "eximbay", Name: "Eximbay", NameKO: "엑심베이", PayType: "general",
		Methods:    []string{"card", "alipay", "unionpay", "tenpay", "econtext", "wechat", "molpay"},
		Currencies: []string{"KRW", "USD", "EUR", "GBP", "JPY", "THB", "SGD", "RUB", "HKD", "CAD", "AUD"}, DefaultCurrency: "USD", Color: "#00a0e9"},
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
	// pay_method: [g] daou/readme.mdx
	{Code: "daou", Name: "Kiwoom Pay (Daou PAYJOA)", NameKO: "키움페이(구 페이조아)", PayType: "general",
		Methods: []string{"card", "trans", "vbank", "kakaopay", "naverpay", "payco", "samsung", "samsungpay", "applepay", "cultureland", "smartculture", "booknlife", "phone"}, Currencies: []string{"KRW"}, Color: "#ee2737"},
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
	// pay_method: [g] smartro.mdx
	{Code: "smartro", Name: "Smartro", NameKO: "스마트로", PayType: "general",
		Methods: []string{"card", "trans", "vbank"}, Currencies: []string{"KRW"}, Color: "#00a3e0"},
	// [sdk][v1pg]
	// pay_method: [g] smartro-v2/readme.mdx
	{Code: "smartro_v2", Name: "Smartro (new module)", NameKO: "스마트로(신모듈)", PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone", "lpay", "kakaopay", "naverpay", "payco", "pinpay"}, Currencies: []string{"KRW"}, Color: "#00a3e0"},
	// [codes][sdk][v1pg]: Settlebank, now Hecto Financial.
	// pay_method: [g] settle/readme.mdx
	{Code: "settle", Name: "Hecto Financial (Settlebank)", NameKO: "헥토파이낸셜(세틀뱅크)", PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone"}, Currencies: []string{"KRW"}, Color: "#e5002d"},
	// [sdk][v1pg]: Hecto's "내통장결제" — pay from a registered bank account.
	// pay_method: [g] settle/mybank.mdx
	{Code: "settle_acc", Name: "Hecto Financial Account Pay", NameKO: "헥토파이낸셜 내통장결제", PayType: "general",
		Methods: []string{"trans"}, Currencies: []string{"KRW"}, Color: "#e5002d"},
	// [sdk][v1pg]
	// pay_method: [g] ksnet/readme.mdx
	{Code: "ksnet", Name: "KSNET", NameKO: "KSNET", PayType: "general",
		Methods: []string{"card", "vbank", "trans", "phone", "lpay", "ssgpay", "kakaopay", "naverpay", "payco"}, Currencies: []string{"KRW"}, Color: "#005bac"},
	// [sdk][v1pg]
	// pay_method: [g] welcome/readme.mdx
	{Code: "welcome", Name: "Welcome Payments", NameKO: "웰컴페이먼츠", PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone", "culturegift", "lpay", "kakaopay", "payco", "tosspay", "naverpay"}, Currencies: []string{"KRW"}, Color: "#7b2cbf"},
	// [sdk][v1pg]: Galaxia Money Tree (BillGate).
	// pay_method: [g] galaxia.mdx
	{Code: "galaxia", Name: "Galaxia Money Tree", NameKO: "갤럭시아머니트리", PayType: "general",
		Methods: []string{"card", "trans", "vbank", "phone", "cultureland", "smartculture", "booknlife", "happymoney", "kakaopay", "naverpay", "tosspay", "samsungpay", "applepay", "payco"}, Currencies: []string{"KRW"}, Color: "#4a2c85"},
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
	return listed(pg.Methods, method)
}

// defaultCurrency is the currency of a request that names none.
func (pg PG) defaultCurrency() string {
	if pg.DefaultCurrency == "" {
		return "KRW"
	}
	return pg.DefaultCurrency
}

// defaultMethod is the pay_method of a request that names none: "card", as the real SDK's
// default (docs/sdk.md §5), wherever the PG takes cards; else the PG's first method
// (toss_brandpay takes only toss_brandpay), so that leaving it out never answers
// PAY_METHOD_NOT_SUPPORTED.
func (pg PG) defaultMethod() string {
	if len(pg.Methods) == 0 || listed(pg.Methods, "card") {
		return "card"
	}
	return pg.Methods[0]
}

// Accepts reports whether the PG takes payments in currency.
func (pg PG) Accepts(currency string) bool {
	return listed(pg.Currencies, currency)
}

// AppendCatalogJSON appends the catalog as
// [{"code","name","name_ko","legacy","simple_pay","pay_type","methods","currencies","default_currency","color","certification"}].
func AppendCatalogJSON(b []byte) []byte {
	return jsonv.AppendArray(b, catalog, func(b []byte, pg PG) []byte { return pg.AppendJSON(b) })
}

// AppendJSON appends one catalog entry as a JSON object.
func (pg PG) AppendJSON(b []byte) []byte {
	w := jsonv.Writer{B: append(b, '{')}
	w.Str("code", pg.Code)
	w.Str("name", pg.Name)
	w.Str("name_ko", pg.NameKO)
	w.Bool("legacy", pg.Legacy)
	w.Bool("simple_pay", pg.SimplePay)
	w.Str("pay_type", pg.PayType)
	w.Strs("methods", pg.Methods)
	w.Strs("currencies", pg.Currencies)
	w.Str("default_currency", pg.defaultCurrency())
	w.Str("color", pg.Color)
	w.Bool("certification", pg.Certification)
	return append(w.B, '}')
}
