package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// GET, POST, PUT /escrows/logis/{imp_uid}: the shipping of an escrow payment (tag escrow.logis).
// The body is two-level JSON — {sender: {…}, receiver: {…}, logis: {company, invoice,
// sent_at}, products: […]} — or a form with sender[name]=… fields.

// EscrowParty is a sender or a receiver (EscrowLogisSenderAnnotation / …ReceiverAnnotation).
type EscrowParty struct {
	Name         string `json:"name"`
	Tel          string `json:"tel"`
	Addr         string `json:"addr"`
	Postcode     string `json:"postcode"`
	Relationship string `json:"relationship,omitempty"`
}

// EscrowLogis is the answer (EscrowLogisAnnotation): the shipment as registered.
type EscrowLogis struct {
	Company   string `json:"company"`
	Invoice   string `json:"invoice"`
	SentAt    int64  `json:"sent_at"`
	AppliedAt int64  `json:"applied_at"`
}

// escrowRecord is what the ledger keeps of a shipment.
type escrowRecord struct {
	Logis    EscrowLogis     `json:"logis"`
	Sender   EscrowParty     `json:"sender"`
	Receiver EscrowParty     `json:"receiver"`
	Products json.RawMessage `json:"products,omitempty"`
}

// logisCompanies are the courier codes of code-info/code.mdx ("택배사 코드"): "위 코드표에
// 해당되지 않는 값이 전달되면 ETC로 자동 처리됩니다".
var logisCompanies = map[string]bool{
	"HYUNDAI": true, "HANARO": true, "SAGAWA": true, "KGB": true, "YELLOWCAP": true, "DONGBU": true,
	"EPOST": true, "CJGLS": true, "HANJIN": true, "DAESIN": true, "ETC": true,
}

func readParty(b fields, name string) (EscrowParty, error) {
	o, err := b.object(name)
	if err != nil || !o.present() {
		return EscrowParty{}, err
	}
	var p EscrowParty
	var errs []error
	for _, f := range []struct {
		key string
		dst *string
	}{{"name", &p.Name}, {"tel", &p.Tel}, {"addr", &p.Addr}, {"postcode", &p.Postcode}, {"relationship", &p.Relationship}} {
		s, err := o.str(f.key)
		if err != nil {
			err = invalid(name+"."+f.key, name+"."+f.key+" must be a string")
		}
		errs = append(errs, err)
		*f.dst = s
	}
	return p, errors.Join(errs...)
}

func readEscrow(r *http.Request) (escrowRecord, error) {
	b, err := readFields(r)
	if err != nil {
		return escrowRecord{}, err
	}
	var rec escrowRecord
	var errs []error
	rec.Sender, err = readParty(b, "sender")
	errs = append(errs, err)
	rec.Receiver, err = readParty(b, "receiver")
	errs = append(errs, err)
	logis, err := b.object("logis")
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		return rec, err
	}
	if !logis.present() {
		return rec, invalidIn("logis 파라메터가 누락되었습니다.", "logis is required: {company, invoice, sent_at}")
	}
	company, err1 := logis.str("company")
	invoice, err2 := logis.str("invoice")
	sentAt, hasSent, err3 := logis.integer("sent_at", 0, 1<<40)
	if err := errors.Join(err1, err2, err3); err != nil {
		return rec, err
	}
	switch {
	case company == "" || invoice == "" || !hasSent:
		return rec, invalidIn("logis의 company, invoice, sent_at 은 필수입니다.", "logis needs all of company (a courier code), invoice and sent_at (unix seconds)")
	case !logisCompanies[strings.ToUpper(company)]:
		company = "ETC"
	default:
		company = strings.ToUpper(company)
	}
	rec.Logis = EscrowLogis{Company: company, Invoice: invoice, SentAt: sentAt}
	rec.Products = b.raw("products")
	return rec, nil
}

// escrowPayment checks that impUID is the merchant's paid escrow payment.
func escrowPayment(ctx context.Context, tx queryer, code, impUID string) error {
	p, _, _, err := loadPayment(ctx, tx, "imp_uid = ? AND merchant_code = ?", impUID, code)
	if errors.Is(err, ErrNotFound) {
		return paymentNotFound(impUID)
	}
	if err != nil {
		return err
	}
	if !p.Escrow {
		return invalidIn("에스크로 결제건이 아닙니다.", "payment "+impUID+" was not an escrow payment: request_pay needs escrow: true")
	}
	if p.Status != StatusPaid {
		return refused(-1, "배송정보를 등록할 수 없는 결제건입니다.", "payment "+impUID+" is "+p.Status+"; only a paid escrow payment ships", ErrConflict)
	}
	return nil
}

func (a *API) postEscrow(r *http.Request, code string) (any, error) {
	return a.putEscrow(r, code, false)
}
func (a *API) editEscrow(r *http.Request, code string) (any, error) {
	return a.putEscrow(r, code, true)
}

func (a *API) putEscrow(r *http.Request, code string, update bool) (any, error) {
	rec, err := readEscrow(r)
	if err != nil {
		return nil, err
	}
	impUID := r.PathValue("imp_uid")
	rec.Logis.AppliedAt = a.now()
	err = a.store.tx(r.Context(), func(tx *sql.Tx) error {
		if err := escrowPayment(r.Context(), tx, code, impUID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(r.Context(), "SELECT COUNT(*) FROM escrow_logis WHERE imp_uid = ?", impUID).Scan(&n); err != nil {
			return err
		}
		switch {
		case update && n == 0:
			return refused(-1, "등록된 배송정보가 존재하지 않습니다.", "nothing to change: register the shipment first with POST /escrows/logis/"+impUID, ErrConflict)
		case !update && n > 0:
			return refused(-1, "이미 배송정보 등록이 완료되었습니다.", "the shipment of "+impUID+" is registered; change it with PUT", ErrConflict)
		}
		doc, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(r.Context(), `INSERT INTO escrow_logis (imp_uid, merchant_code, doc) VALUES (?, ?, ?)
			ON CONFLICT (imp_uid) DO UPDATE SET doc = excluded.doc`, impUID, code, string(doc))
		return err
	})
	if err != nil {
		return nil, err
	}
	return rec.Logis, nil
}

func (a *API) getEscrow(r *http.Request, code string) (any, error) {
	impUID := r.PathValue("imp_uid")
	if _, err := a.store.Payment(r.Context(), code, impUID); errors.Is(err, ErrNotFound) {
		return nil, paymentNotFound(impUID)
	} else if err != nil {
		return nil, err
	}
	var doc string
	err := a.store.db.QueryRowContext(r.Context(), "SELECT doc FROM escrow_logis WHERE imp_uid = ? AND merchant_code = ?", impUID, code).Scan(&doc)
	if err == sql.ErrNoRows {
		return nil, refused(-1, "등록된 배송정보가 존재하지 않습니다.", "no shipment is registered for "+impUID+": POST /escrows/logis/"+impUID+" registers it", ErrConflict)
	}
	if err != nil {
		return nil, err
	}
	var rec escrowRecord
	if err := json.Unmarshal([]byte(doc), &rec); err != nil {
		return nil, fmt.Errorf("ledger: a stored shipment is unreadable: %w", err)
	}
	return rec.Logis, nil
}
