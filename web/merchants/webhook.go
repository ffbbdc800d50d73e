package merchants

import (
	"encoding/json"
	"errors"
	"net/url"
)

// Webhook is the console's webhook setting ("결제알림(Webhook) 관리", V1 webhook page of
// portone-io/developers.portone.io: opi/ko/integration/webhook/readme-v1.mdx): where the
// service posts {imp_uid, merchant_uid, status, cancellation_id} when a payment changes, in
// which Content-Type, and whether failed deliveries are retried (a setting the real service
// turns on per merchant on request: up to 5 tries, a minute apart, on a network error or 5xx).
// A request's notice_url overrides URL for that payment. The zero value: no console URL.
type Webhook struct {
	URL         string `json:"url"`
	ContentType string `json:"content_type"` // ContentJSON (the default) or ContentForm
	Retry       bool   `json:"retry"`
}

// The two Content-Types the console offers.
const (
	ContentJSON = "application/json"
	ContentForm = "application/x-www-form-urlencoded"
)

// parseWebhook reads the file's optional "webhook" object.
func parseWebhook(data []byte) (Webhook, error) {
	var f struct {
		Webhook *json.RawMessage `json:"webhook"`
	}
	if err := json.Unmarshal(data, &f); err != nil || f.Webhook == nil || string(*f.Webhook) == "null" {
		return Webhook{}, nil
	}
	var w Webhook
	if err := json.Unmarshal(*f.Webhook, &w); err != nil {
		return Webhook{}, errors.New(`webhook must be {"url": "https://…", "content_type": "application/json" or "application/x-www-form-urlencoded", "retry": true or false}`)
	}
	if w.ContentType == "" {
		w.ContentType = ContentJSON
	}
	var problems []error
	if u, err := url.Parse(w.URL); w.URL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		problems = append(problems, errors.New("webhook.url "+w.URL+" is not an absolute http(s) URL"))
	}
	if w.ContentType != ContentJSON && w.ContentType != ContentForm {
		problems = append(problems, errors.New("webhook.content_type must be "+ContentJSON+" or "+ContentForm+", not "+w.ContentType))
	}
	return w, errors.Join(problems...)
}
