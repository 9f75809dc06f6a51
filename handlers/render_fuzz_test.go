package handlers

import (
	"testing"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	"github.com/platformbot/platformbot/selfservice"
)

// The render fuzz targets put arbitrary user text — request fields,
// reasons and notes, office-hours topics, survey comments, service names
// from ingest — into every message, modal and home section the features
// render, and check that none of it comes out as a mention, a channel
// link, a date or a link (checkMrkdwn).

var (
	hostileSeeds  = handlertest.HostileSeeds
	fuzzRenderNow = handlertest.FuzzRenderNow
)

const (
	fzDBA1    = handlertest.FzDBA1
	fzPulse1  = handlertest.FzPulse1
	fzResults = handlertest.FzResults
)

// FuzzSelfServiceRender renders a request whose answers, title, option
// label, note and history notes are fuzzed, in every state and message:
// the triage post, the requester's DMs, the SLA and failure alerts, the
// status view with its history, list lines and the modals.
func FuzzSelfServiceRender(f *testing.F) {
	for _, s := range hostileSeeds {
		f.Add(s, s+"\nline two", s, s)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	f.Fuzz(func(t *testing.T, text, textarea, label, note string) {
		r := &selfservice.Request{ID: 42, Type: "new-repo", TypeTitle: label, Requester: fzDev, NeedsApproval: true, ApprovalsRequired: 2,
			Exception: true, HasAutomation: true, Note: note, CreatedAt: fuzzRenderNow.Add(-30 * time.Hour), SLADueAt: fuzzRenderNow.Add(-time.Hour),
			DecidedBy: fzAdmin, DecidedAt: fuzzRenderNow.Add(-2 * time.Hour), DoneAt: fuzzRenderNow, Rating: 4,
			Fields: []selfservice.FieldValue{
				{ID: "name", Label: label, Kind: config.FieldText, Values: []string{text}},
				{ID: "why", Label: "Why", Kind: config.FieldTextarea, Values: []string{textarea}},
				{ID: "vis", Label: "Visibility", Kind: config.FieldSelect, Values: []string{text}, Texts: []string{label}, Exception: true},
				{ID: "teams", Label: "Teams", Kind: config.FieldMultiSelect, Values: []string{text, note}, Texts: []string{label, text}},
				{ID: "owner", Label: "Owner", Kind: config.FieldUser, Values: []string{fzDBA1}},
				{ID: "ch", Label: "Channel", Kind: config.FieldChannel, Values: []string{fzTriage}},
				{ID: "until", Label: "Until", Kind: config.FieldDate},
			}}
		var evs []selfservice.Event
		for _, st := range []selfservice.State{selfservice.Submitted, selfservice.PendingApproval, selfservice.Approved,
			selfservice.InProgress, selfservice.Done, selfservice.Rejected, selfservice.Failed, selfservice.Cancelled} {
			r.State = st
			ev := selfservice.Event{Kind: selfservice.EventTransition, At: fuzzRenderNow, Actor: fzAdmin, From: selfservice.Submitted, To: st, Note: note}
			evs = append(evs, ev)
			checkMessage(t, "triage "+string(st), ssTriageMessage(r, []string{fzDBA1}, berlin))
			checkMessage(t, "notify "+string(st), ssNotifyMessage(r, ev, "/platform"))
			checkMessage(t, "failure alert", ssAlertMessage(r, selfservice.AlertFailed, time.Hour, berlin))
			checkMessage(t, "SLA alert", ssAlertMessage(r, selfservice.AlertOverdue, 26*time.Hour, berlin))
			checkMrkdwn(t, "list line", ssLine(r, fuzzRenderNow))
		}
		evs = append(evs, selfservice.Event{Kind: selfservice.EventApproval, At: fuzzRenderNow, Actor: fzDBA1, Note: note},
			selfservice.Event{Kind: selfservice.EventTransition, At: fuzzRenderNow, Actor: selfservice.ActorAutomation, To: selfservice.Failed, Note: text})
		for _, viewer := range []string{fzDev, fzAdmin} {
			checkMessage(t, "status", bot.Message{Blocks: ssStatusBlocks(r, evs, viewer, berlin, fuzzRenderNow)})
		}
		for _, v := range []any{ssSubmittedView(r, "/platform"), ssRejectModal(r)} {
			for _, s := range mrkdwnOf(v) {
				checkMrkdwn(t, "modal", s)
			}
		}
	})
}
