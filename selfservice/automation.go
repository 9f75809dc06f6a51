package selfservice

import (
	"fmt"
	"time"
)

// Payload is the JSON body of an automation call. Receivers verify its
// signature (outbox/webhook) before parsing it.
type Payload struct {
	ID         string         `json:"id"` // REQ-42
	Number     int64          `json:"number"`
	Type       string         `json:"type"`
	TypeTitle  string         `json:"type_title"`
	Requester  string         `json:"requester"` // Slack user id
	Team       string         `json:"team,omitempty"`
	Fields     map[string]any `json:"fields"`
	Exception  bool           `json:"exception"`
	ApprovedBy []string       `json:"approved_by"`
	CreatedAt  time.Time      `json:"created_at"`
	// StatusPath is where a 202 answer reports back, relative to the bot's
	// HTTP address: POST {"status":"done"|"failed"|"in_progress","note":…}.
	StatusPath string `json:"status_path"`
}

// NewPayload builds the automation body of r. Fields is a map, which
// encoding/json writes with sorted keys: the body, and so its signature,
// is the same on every attempt.
func NewPayload(r *Request, approvedBy []string) Payload {
	fields := make(map[string]any, len(r.Fields))
	for _, f := range r.Fields {
		fields[f.ID] = f.Typed()
	}
	if approvedBy == nil {
		approvedBy = []string{}
	}
	return Payload{
		ID: r.Ref(), Number: r.ID, Type: r.Type, TypeTitle: r.TypeTitle,
		Requester: r.Requester, Team: r.Team, Fields: fields, Exception: r.Exception,
		ApprovedBy: approvedBy, CreatedAt: r.CreatedAt.UTC(),
		StatusPath: fmt.Sprintf("/api/v1/requests/%s/status", r.Ref()),
	}
}

// IdempotencyKey is the key sent with every call about r; receivers that
// saw it before must not act twice.
func IdempotencyKey(r *Request) string {
	return fmt.Sprintf("%s-%d", r.Ref(), r.CreatedAt.Unix())
}
