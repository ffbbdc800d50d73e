package ledger

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// plainAnswer is the reference for the stored-document answers: the payment decoded, then the
// envelope's encoder (what GET /payments/{imp_uid} did before storedPayment).
func plainAnswer(t *testing.T, p Payment) string {
	t.Helper()
	b, err := marshal(envelope{Code: 0, Response: p})
	require.NoError(t, err)
	return string(b)
}

// answersBothWays GETs path with the stored documents answered as they are and through the
// plain path, and requires the same status, headers and bytes.
func answersBothWays(t *testing.T, f *fixture, path, token string) string {
	t.Helper()
	raw := f.store.rawDocs
	defer func() { f.store.rawDocs = raw }()
	f.store.rawDocs = true
	fast := newRecorder(f, http.MethodGet, path, "Authorization", token)
	f.store.rawDocs = false
	plain := newRecorder(f, http.MethodGet, path, "Authorization", token)
	require.Equal(t, plain.Code, fast.Code, path)
	assert.Equal(t, plain.Header(), fast.Header(), path)
	require.Equal(t, plain.Body.String(), fast.Body.String(), path)
	return fast.Body.String()
}

// Every writer of payments leaves a document that GET answers byte for byte as the plain path
// would: the bridge's records (HTML-ish and non-ASCII text, custom_data), partial and full
// cancels, a deposit, a billing key's issuing payment, an import.
func TestStoredAnswersEqualThePlainPath(t *testing.T) {
	f := newFixture(t, Options{})
	require.True(t, f.store.rawDocs, "a new ledger is in the current form")
	ctx := context.Background()
	token := f.token(DemoKeys)

	odd := paid(impUID(), "order_<odd>&", 1000)
	odd["request"].(map[string]any)["name"] = "노르웨이 <회전> 의자 & \"쿠션\"\u2028"
	odd["response"].(map[string]any)["custom_data"] = map[string]any{"html": "<b>bold</b>", "tab": "a\tb"}
	uids := map[string]string{}
	for name, rec := range map[string]map[string]any{
		"odd": odd, "paid": paid(impUID(), "order_paid", 5000), "failed": failed(impUID(), "order_failed", 300),
		"vbank": vbank(impUID(), "order_vbank", 7000), "whole": paid(impUID(), "order_whole", 2000), "issuing": paid(impUID(), "order_issuing", 100),
	} {
		f.mustRecord(rec)
		uids[name] = rec["response"].(map[string]any)["imp_uid"].(string)
	}
	for _, body := range []map[string]any{
		{"imp_uid": uids["paid"], "amount": 1000, "reason": "<partial> & more"},
		{"imp_uid": uids["paid"], "amount": 10, "reason": "again"},
		{"imp_uid": uids["whole"], "reason": "all of it"},
	} {
		r := f.post("/payments/cancel", token, body)
		require.Equal(t, 200, r.Status, r.Raw)
		require.EqualValues(t, 0, r.Body["code"], r.Raw)
	}
	_, _, err := f.store.Deposit(ctx, DemoMerchant, uids["vbank"], t0)
	require.NoError(t, err)
	require.NoError(t, f.store.MarkIssuingPayment(ctx, DemoMerchant, uids["issuing"]))
	imported := benchlessPayment(1)
	imported.BuyerName, imported.CustomData, imported.CardNumber = "bad \xff utf8 <x>", `{"a":"\u003c"}`, "\x00"
	require.NoError(t, f.store.Import(ctx, []Record{{MerchantCode: DemoMerchant, Payment: imported}}, t0))

	list, _, err := f.store.List(ctx, DemoMerchant, ListQuery{Status: "all", Page: 1, Limit: 100})
	require.NoError(t, err)
	require.Len(t, list, 7)
	for _, p := range list {
		body := answersBothWays(t, f, "/payments/"+p.ImpUID, token)
		assert.Equal(t, plainAnswer(t, p), body, p.ImpUID)
		answersBothWays(t, f, "/payments/find/"+p.MerchantUID, token)
		answersBothWays(t, f, "/payments/find/"+p.MerchantUID+"/"+p.Status+"?sorting=paid", token)
	}
	got, err := f.store.Payment(ctx, DemoMerchant, uids["issuing"])
	require.NoError(t, err)
	assert.Equal(t, Text("issue"), got.CustomerUIDUsage)

	// Refusals are the plain path's too.
	answersBothWays(t, f, "/payments/imp_missing", token)
	answersBothWays(t, f, "/payments/find/order_missing", token)
	answersBothWays(t, f, "/payments/find/order_paid/failed", token)
	answersBothWays(t, f, "/payments/find/order_paid?sorting=sideways", token)
	answersBothWays(t, f, "/payments/"+uids["paid"]+"?include_sandbox=maybe", token)
	other := f.token(testMerchants["imp_other"])
	answersBothWays(t, f, "/payments/"+uids["paid"], other)
}

// A ledger whose documents an older impshim wrote (json.Marshal's \u003c escapes, a field it
// did not have) is rewritten when opened, and then answers as the plain path does; one that
// cannot be decoded keeps the ledger on the plain path, and its read fails as before.
func TestOlderDocumentsAreRewrittenOnOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(path)
	require.NoError(t, err)
	var rs []Record
	for i := range 5 {
		p := benchlessPayment(i)
		p.Name, p.BuyerName = "<b>회전</b> & 의자", "홍길동"
		rs = append(rs, Record{MerchantCode: DemoMerchant, Payment: p})
	}
	require.NoError(t, s.Import(ctx, rs, t0))
	for _, r := range rs {
		old, err := json.Marshal(r.Payment)
		require.NoError(t, err)
		_, err = s.db.ExecContext(ctx, "UPDATE payments SET doc = json_remove(?, '$.customer_uid_usage') WHERE imp_uid = ?", string(old), r.Payment.ImpUID)
		require.NoError(t, err)
	}
	_, err = s.db.ExecContext(ctx, "DROP TABLE forms")
	require.NoError(t, err)
	require.NoError(t, s.Close())

	reopen := func() *fixture {
		s, err := Open(path)
		require.NoError(t, err)
		f := newFixture(t, Options{})
		f.api.Close()
		f.store, f.api = s, NewAPI(s, testMerchants, Options{Now: f.clock.Now})
		t.Cleanup(func() { f.api.Close(); s.Close() })
		return f
	}
	f := reopen()
	require.True(t, f.store.rawDocs)
	token := f.token(DemoKeys)
	for _, r := range rs {
		var doc string
		require.NoError(t, f.store.db.QueryRowContext(ctx, "SELECT doc FROM payments WHERE imp_uid = ?", r.Payment.ImpUID).Scan(&doc))
		want, err := paymentDoc(r.Payment)
		require.NoError(t, err)
		assert.Equal(t, string(want), doc, "rewritten in the current form")
		body := answersBothWays(t, f, "/payments/"+r.Payment.ImpUID, token)
		assert.Equal(t, plainAnswer(t, r.Payment), body)
	}

	// One unreadable document: the others still answer, all through the plain path.
	_, err = f.store.db.ExecContext(ctx, `UPDATE payments SET doc = '{"amount":"lots"}' WHERE imp_uid = ?`, rs[0].Payment.ImpUID)
	require.NoError(t, err)
	_, err = f.store.db.ExecContext(ctx, "UPDATE forms SET form = 'older'")
	require.NoError(t, err)
	f.api.Close()
	require.NoError(t, f.store.Close())
	f = reopen()
	assert.False(t, f.store.rawDocs)
	token = f.token(DemoKeys)
	assert.Equal(t, http.StatusInternalServerError, f.get("/payments/"+rs[0].Payment.ImpUID, token).Status)
	assert.Equal(t, plainAnswer(t, rs[1].Payment), newRecorder(f, http.MethodGet, "/payments/"+rs[1].Payment.ImpUID, "Authorization", token).Body.String())

	// Once it is gone, the next Open finds every document current again.
	_, err = f.store.db.ExecContext(ctx, "DELETE FROM payments WHERE imp_uid = ?", rs[0].Payment.ImpUID)
	require.NoError(t, err)
	f.api.Close()
	require.NoError(t, f.store.Close())
	f = reopen()
	assert.True(t, f.store.rawDocs)
}

// The stored answer relies on paymentDoc being a fixed point of decoding and encoding again,
// and on okEnvelope writing what the envelope's encoder writes around the payment.
func FuzzPaymentDoc(f *testing.F) {
	f.Add("홍길동", "<b>&amp;</b>", "order_1", int64(100000), true)
	f.Add("", "\u2028\u2029", "\x00\xff", int64(1), false)
	f.Add(`"quoted" \ back`, "tab\t", "", int64(0), true)
	f.Fuzz(func(t *testing.T, text, other, plain string, amount int64, history bool) {
		if amount < 0 || Amount(amount) > maxAmount {
			amount = 0
		}
		p := Payment{ImpUID: plain, MerchantUID: other, Name: Text(text), BuyerName: Text(other), CustomData: Text(text + other),
			PGProvider: text, Amount: Amount(amount), CancelAmount: Amount(amount / 3), CancelReceiptURLs: []string{plain}}
		if history {
			p.CancelHistory = []Cancellation{{Reason: Text(text), Amount: Amount(amount / 3), CancellationID: Text(plain)}}
		}
		doc, err := paymentDoc(p)
		require.NoError(t, err)
		var back Payment
		require.NoError(t, json.Unmarshal(doc, &back))
		again, err := paymentDoc(back)
		require.NoError(t, err)
		require.Equal(t, string(doc), string(again))
		assert.Equal(t, plainAnswer(t, back), string(storedPayment(doc).okEnvelope()))
	})
}
