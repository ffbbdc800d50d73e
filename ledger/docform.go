package ledger

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
)

// A payment's stored document is the exact bytes its REST answer carries: GET /payments/{imp_uid}
// and GET /payments/find/{merchant_uid} write what they read (storedPayment) instead of decoding
// ~60 fields into a Payment and encoding them again — half of such a GET's time in the ledger
// at 100,000 payments (make bench -rest-profile). The plain path (decode, then the envelope's
// encoder) stays: for every other answer, and as the reference the tests hold this one to
// (TestStoredAnswersEqualThePlainPath).
//
// That holds only while every stored document is in the current form. Every writer of this
// Store writes paymentDoc; a ledger written by another version of impshim (other fields, or
// json.Marshal's HTML escapes, as before) is rewritten once when opened (syncDocs): the
// documents of the form the ledger records are decoded and encoded again — what every read
// did before.

// paymentDoc is p's stored document: the envelope's encoding of p (marshal), without the
// newline the encoder ends with.
func paymentDoc(p Payment) ([]byte, error) {
	b, err := marshal(p)
	if err == nil && bytes.Contains(b, []byte(`\ufffd`)) {
		// Invalid UTF-8, which encoding/json writes as \ufffd; decoded, it is U+FFFD, which it
		// writes as itself. One round makes the document what the plain path would answer.
		var back Payment
		if err = json.Unmarshal(b, &back); err == nil {
			b, err = marshal(back)
		}
	}
	return bytes.TrimSuffix(b, []byte("\n")), err
}

// storedPayment is a payment document as read from the ledger, already in the answer's form.
type storedPayment string

// MarshalJSON makes a storedPayment nested in another answer encode as the payment.
func (d storedPayment) MarshalJSON() ([]byte, error) { return []byte(d), nil }

// okEnvelope is the REST envelope of a successful answer, around the stored document: what
// marshal(envelope{Response: the decoded payment}) writes, without decoding it.
func (d storedPayment) okEnvelope() []byte {
	const head, tail = `{"code":0,"message":null,"response":`, "}\n"
	return append(append(append(make([]byte, 0, len(head)+len(d)+len(tail)), head...), d...), tail...)
}

// docForm fingerprints the document's form: the fields of Payment (names, types, tags, nested
// types included) and what paymentDoc writes for probes that reach every special case of Text,
// Amount and the nullable fields. A change to any of them makes a new form, so syncDocs
// rewrites older ledgers without anyone remembering to bump a version.
var docForm = func() string {
	h := sha256.New()
	describeType(h, reflect.TypeFor[Payment](), map[reflect.Type]bool{})
	card := int64(1)
	for _, p := range []Payment{{}, {
		ImpUID: "imp_<&>", MerchantUID: "order_\u2028", Name: "노르웨이 \"회전\" 의자\\", BuyerName: "bad \xff", CustomData: `{"a":"<b>"}`,
		Amount: 1050, CancelAmount: Whole(1), CardType: &card, CancelHistory: []Cancellation{{Amount: 1, Reason: "\x00\t"}},
		CancelReceiptURLs: []string{"https://example.com/?a=1&b=<2>"},
	}} {
		b, err := paymentDoc(p)
		if err != nil {
			panic(err)
		}
		var back Payment
		if err := json.Unmarshal(b, &back); err != nil {
			panic(err)
		}
		again, err := paymentDoc(back)
		if err != nil {
			panic(err)
		}
		h.Write(b)
		h.Write(again)
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}()

func describeType(w interface{ Write([]byte) (int, error) }, t reflect.Type, seen map[reflect.Type]bool) {
	fmt.Fprintf(w, "%s;", t)
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		describeType(w, t.Elem(), seen)
	case reflect.Struct:
		if seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			fmt.Fprintf(w, "{%s %q ", f.Name, f.Tag)
			describeType(w, f.Type, seen)
			fmt.Fprint(w, "}")
		}
	}
}

const docFormSchema = `
CREATE TABLE IF NOT EXISTS forms (
	name TEXT PRIMARY KEY,
	form TEXT NOT NULL
);
`

// syncDocs brings every payment document to docForm, once per form, and reports whether they
// all are. A document that does not decode is left as it is (its reads fail as before); the
// ledger then keeps to the plain path, and the next Open tries again.
func syncDocs(ctx context.Context, db *sql.DB) (current bool, err error) {
	if _, err := db.ExecContext(ctx, docFormSchema); err != nil {
		return false, err
	}
	var form string
	err = db.QueryRowContext(ctx, "SELECT form FROM forms WHERE name = 'payment_doc'").Scan(&form)
	if err == nil && form == docForm {
		return true, nil
	}
	if err != nil && err != sql.ErrNoRows {
		return false, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	unreadable := 0
	for last := ""; ; {
		type row struct{ uid, doc string }
		var batch []row
		rows, err := tx.QueryContext(ctx, "SELECT imp_uid, doc FROM payments WHERE imp_uid > ? ORDER BY imp_uid LIMIT 1000", last)
		if err != nil {
			return false, err
		}
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.uid, &r.doc); err != nil {
				rows.Close()
				return false, err
			}
			batch = append(batch, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return false, err
		}
		if len(batch) == 0 {
			break
		}
		last = batch[len(batch)-1].uid
		for _, r := range batch {
			var p Payment
			if json.Unmarshal([]byte(r.doc), &p) != nil {
				unreadable++
				continue
			}
			doc, err := paymentDoc(p)
			if err != nil {
				return false, err
			}
			if string(doc) == r.doc {
				continue
			}
			// doc alone: no index or trigger of payments looks at it.
			if _, err := tx.ExecContext(ctx, "UPDATE payments SET doc = ? WHERE imp_uid = ?", string(doc), r.uid); err != nil {
				return false, err
			}
		}
	}
	if unreadable == 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO forms (name, form) VALUES ('payment_doc', ?)
			ON CONFLICT (name) DO UPDATE SET form = excluded.form`, docForm); err != nil {
			return false, err
		}
	}
	return unreadable == 0, tx.Commit()
}
