package ledger

// The REST API of scheduled charges (/subscribe/payments/schedule…, unschedule, listings).

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
)

// maxSchedules bounds one request: each is a row and, when it runs, a payment and webhooks.
const maxSchedules = 1000

// schedule books charges of a key (POST /subscribe/payments/schedule), issuing the key first
// from card fields when customer_uid is new. All or nothing.
func (a *API) schedule(r *http.Request, code string) (any, error) {
	f, err := readFields(r)
	if err != nil {
		return nil, err
	}
	var req ScheduleRequest
	var errs []error
	req.CustomerUID, err = textField(f, "customer_uid")
	errs = append(errs, err, checkCustomerUID(req.CustomerUID))
	req.CustomerID, err = textField(f, "customer_id")
	errs = append(errs, err)
	req.Card, err = decodeCard(f)
	errs = append(errs, err)
	channelKey, err := textField(f, "channel_key")
	errs = append(errs, err)
	entries, err := scheduleEntries(f)
	errs = append(errs, err)
	if len(entries) > maxSchedules {
		errs = append(errs, refused(-1, "schedules 파라메터가 올바르지 않습니다.", "schedules lists "+strconv.Itoa(len(entries))+
			" charges; book at most "+strconv.Itoa(maxSchedules)+" per request", ErrInvalid))
		entries = nil
	}
	for i, e := range entries {
		c, err := decodeCharge(e)
		at, has, err2 := intField(e, "schedule_at")
		if err2 == nil && !has {
			err2 = refused(-1, "결제예약 시각(schedule_at)은 필수입력입니다.", "schedules["+strconv.Itoa(i)+"].schedule_at is required: unix seconds", ErrInvalid)
		}
		if err := errors.Join(err, err2); err != nil {
			errs = append(errs, prefixed("schedules["+strconv.Itoa(i)+"].", err))
			continue
		}
		cid, _ := textField(e, "customer_id")
		req.Schedules = append(req.Schedules, Schedule{
			MerchantUID: c.MerchantUID, ScheduleAt: at, Amount: c.Amount, Currency: c.Currency, Name: Text(c.Name),
			BuyerName: Text(c.BuyerName), BuyerEmail: Text(c.BuyerEmail), BuyerTel: Text(c.BuyerTel), BuyerAddr: Text(c.BuyerAddr),
			BuyerPostcode: Text(c.BuyerPostcode), CustomData: Text(c.CustomData), CustomerID: Text(cid),
			TaxFree: c.TaxFree, CardQuota: c.CardQuota, NoticeURLs: c.NoticeURLs,
		})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var ch chosen
	if req.Card.Number != "" {
		// A new key is issued on the setting channel_key names, else the default.
		if ch, err = a.resolveSetting(code, "", channelKey, req.CustomerUID); err != nil {
			return nil, err
		}
		k := BillingKey{CustomerUID: req.CustomerUID, PGProvider: ch.setting.PG, PGID: ch.setting.MID, CustomerID: Text(req.CustomerID)}
		if err := decodeCustomer(f, &k); err != nil {
			return nil, err
		}
		req.Issue = &k
	}
	now, err := a.merchantNow(r, code)
	if err != nil {
		return nil, err
	}
	out, err := a.store.AddSchedules(r.Context(), code, req, now)
	if err != nil {
		return nil, err
	}
	a.wakeScheduler()
	answer := shaped{v: out, header: http.Header{}}
	if req.Issue != nil {
		answer = withTrace(out, ch.trace)
	}
	// The real API books a schedule_at in milliseconds too (Date.now() instead of seconds),
	// for a time thousands of years away that never comes; the sandbox books it and says so.
	for i, sc := range out {
		if sc.ScheduleAt > millisecondsFrom {
			w := "schedules[" + strconv.Itoa(i) + "].schedule_at " + strconv.FormatInt(sc.ScheduleAt, 10) +
				" looks like milliseconds (Date.now()): schedule_at is unix seconds, so this charge is booked for a year past 5000"
			answer.header.Add("X-Impshim-Warning", w)
			a.log.Warn("ledger: schedule_at in milliseconds?", "merchant", code, "merchant_uid", sc.MerchantUID, "warning", w)
		}
	}
	return answer, nil
}

// millisecondsFrom is where a unix time in seconds stops being plausible (the year 5138) and
// one in milliseconds starts (1973).
const millisecondsFrom = 1e11

func (a *API) unschedule(r *http.Request, code string) (any, error) {
	f, err := readFields(r)
	if err != nil {
		return nil, err
	}
	uid, err1 := textField(f, "customer_uid")
	mus, err2 := listField(f, "merchant_uid")
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	now, err := a.merchantNow(r, code)
	if err != nil {
		return nil, err
	}
	return a.store.Unschedule(r.Context(), code, uid, mus, now)
}

func (a *API) getSchedule(r *http.Request, code string) (any, error) {
	return a.store.Schedule(r.Context(), code, r.PathValue("merchant_uid"))
}

// pagedSchedules is the listings' answer: the real API's paged shape ({total, previous, next,
// list}), which the published clients read (iamport-rest-client-nodejs: a "collection").
type pagedSchedules struct {
	Total    int        `json:"total"`
	Previous int        `json:"previous"`
	Next     int        `json:"next"`
	List     []Schedule `json:"list"`
}

// scheduleQuery reads a listing's range, status, page, limit and sorting; fromName, toName and
// statusName are the names this endpoint uses (schedule_from / from, schedule-status / …).
func scheduleQuery(v url.Values, fromName, toName string, statusNames ...string) (ScheduleQuery, error) {
	q := ScheduleQuery{Page: 1, Limit: 20}
	var errs []error
	num := func(name string, required bool, min, max int64) int64 {
		s := v.Get(name)
		if s == "" {
			if required {
				errs = append(errs, refused(-1, name+" 파라메터가 누락되었습니다.", name+" is required: unix seconds", ErrInvalid))
			}
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < min || n > max {
			errs = append(errs, refused(-1, name+" 값이 올바르지 않습니다.", name+" must be a whole number from "+strconv.FormatInt(min, 10)+
				" to "+strconv.FormatInt(max, 10)+", not "+strconv.Quote(s), ErrInvalid))
		}
		return n
	}
	q.From = num(fromName, true, 0, 1<<40)
	q.To = num(toName, true, 0, 1<<40)
	q.Page = int(max(num("page", false, 1, 1<<31), 1))
	if l := num("limit", false, 1, 1000); l > 0 {
		q.Limit = int(l)
	}
	for _, name := range statusNames {
		if s := v.Get(name); s != "" {
			q.Status = s
		}
	}
	if q.Status != "" && q.Status != ScheduleScheduled && q.Status != ScheduleExecuted && q.Status != ScheduleRevoked {
		errs = append(errs, refused(-1, "schedule_status 값이 올바르지 않습니다.", "schedule status must be scheduled, executed or revoked, not "+strconv.Quote(q.Status), ErrInvalid))
	}
	switch s := v.Get("sorting"); s {
	case "", "-scheduled":
	case "scheduled":
		q.Oldest = true
	default:
		errs = append(errs, refused(-1, "sorting 값이 올바르지 않습니다.", "sorting must be scheduled (oldest first) or left out (latest first), not "+strconv.Quote(s), ErrInvalid))
	}
	return q, errors.Join(errs...)
}

func (a *API) listSchedules(r *http.Request, code string, q ScheduleQuery) (any, error) {
	list, total, err := a.store.Schedules(r.Context(), code, q)
	if err != nil {
		return nil, err
	}
	p := pagedSchedules{Total: total, List: list}
	if q.Page > 1 {
		p.Previous = q.Page - 1
	}
	if q.Page*q.Limit < total {
		p.Next = q.Page + 1
	}
	return p, nil
}

// schedulesByRange answers GET /subscribe/payments/schedule?schedule_from=…&schedule_to=….
func (a *API) schedulesByRange(r *http.Request, code string) (any, error) {
	q, err := scheduleQuery(r.URL.Query(), "schedule_from", "schedule_to", "schedule_status")
	if err != nil {
		return nil, err
	}
	return a.listSchedules(r, code, q)
}

// customerSchedules answers GET /subscribe/customers/{customer_uid}/schedules and
// GET /subscribe/payments/schedule/customers/{customer_uid} (from, to, schedule-status).
func (a *API) customerSchedules(r *http.Request, code string) (any, error) {
	uid, err := customerUIDPath(r)
	if err != nil {
		return nil, err
	}
	q, err := scheduleQuery(r.URL.Query(), "from", "to", "schedule-status", "schedule_status")
	if err != nil {
		return nil, err
	}
	q.CustomerUID = uid
	return a.listSchedules(r, code, q)
}

// changeSchedule answers PUT /subscribe/payments/schedule/{merchant_uid} (move a booked
// schedule) and POST …/{merchant_uid}/reschedule (book a failed one again): {"schedule_at"}.
func (a *API) changeSchedule(change ScheduleChange) func(*http.Request, string) (any, error) {
	return func(r *http.Request, code string) (any, error) {
		f, err := readFields(r)
		if err != nil {
			return nil, err
		}
		at, has, err := intField(f, "schedule_at")
		if err == nil && !has {
			err = refused(-1, "결제예약 시각(schedule_at)은 필수입력입니다.", "schedule_at is required: unix seconds", ErrInvalid)
		}
		if err != nil {
			return nil, err
		}
		now, err := a.merchantNow(r, code)
		if err != nil {
			return nil, err
		}
		sc, err := a.store.ChangeSchedule(r.Context(), code, r.PathValue("merchant_uid"), change, at, now)
		if err != nil {
			return nil, err
		}
		a.wakeScheduler()
		return sc, nil
	}
}

// retrySchedule answers POST /subscribe/payments/schedule/{merchant_uid}/retry: the failed
// schedule is charged again now; the answer is the new payment (check its status).
func (a *API) retrySchedule(r *http.Request, code string) (any, error) {
	now, err := a.merchantNow(r, code)
	if err != nil {
		return nil, err
	}
	sc, p, refusal, err := a.store.RetrySchedule(r.Context(), code, r.PathValue("merchant_uid"), now)
	return a.afterCharge(code, p, sc.NoticeURLs, refusal, err)
}
