package fakeslack

import "testing"

func TestParseAck(t *testing.T) {
	for _, tc := range []struct {
		name, frame, id, payload string
		ok                       bool
	}{
		{"slack-go, no payload", `{"envelope_id":"e1"}`, "e1", "", true},
		{"slack-go, payload", `{"envelope_id":"e1","payload":{"text":"hi \"there\""}}`, "e1", `{"text":"hi \"there\""}`, true},
		{"fields reordered", `{"payload":{"text":"hi"},"envelope_id":"e2"}`, "e2", `{"text":"hi"}`, true},
		{"spaces", `{ "envelope_id" : "e3" }`, "e3", "", true},
		{"escaped id", `{"envelope_id":"e\u0034"}`, "e4", "", true},
		{"broken payload", `{"envelope_id":"e5","payload":{"text":}`, "", "", false},
		{"not an ack", `{"type":"hello"}`, "", "", false},
		{"not json", `hello`, "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, payload, ok := parseAck([]byte(tc.frame))
			if id != tc.id || string(payload) != tc.payload || ok != tc.ok {
				t.Errorf("parseAck(%s) = %q, %s, %v; want %q, %s, %v", tc.frame, id, payload, ok, tc.id, tc.payload, tc.ok)
			}
		})
	}
}
