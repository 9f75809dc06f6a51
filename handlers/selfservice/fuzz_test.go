package selfservice

import (
	"testing"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/handlers/internal/handlertest"
	"github.com/platformbot/platformbot/i18n"
	ss "github.com/platformbot/platformbot/selfservice"
)

// FuzzSelfServiceRender renders a request whose answers, title, option
// label, note and history notes are fuzzed, in every state and message:
// the triage post, the requester's DMs, the SLA and failure alerts, the
// status view with its history, list lines and the modals.
func FuzzSelfServiceRender(f *testing.F) {
	for _, s := range handlertest.HostileSeeds {
		f.Add(s, s+"\nline two", s, s)
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	de, _ := i18n.MustBuiltin().Lang("de")
	langs := []*i18n.Lang{i18n.Fallback(), de}
	f.Fuzz(func(t *testing.T, text, textarea, label, note string) {
		r := &ss.Request{ID: 42, Type: "new-repo", TypeTitle: label, Requester: handlertest.FzDev, NeedsApproval: true, ApprovalsRequired: 2,
			Exception: true, HasAutomation: true, Note: note, CreatedAt: handlertest.FuzzRenderNow.Add(-30 * time.Hour), SLADueAt: handlertest.FuzzRenderNow.Add(-time.Hour),
			DecidedBy: handlertest.FzAdmin, DecidedAt: handlertest.FuzzRenderNow.Add(-2 * time.Hour), DoneAt: handlertest.FuzzRenderNow, Rating: 4,
			Fields: []ss.FieldValue{
				{ID: "name", Label: label, Kind: config.FieldText, Values: []string{text}},
				{ID: "why", Label: "Why", Kind: config.FieldTextarea, Values: []string{textarea}},
				{ID: "vis", Label: "Visibility", Kind: config.FieldSelect, Values: []string{text}, Texts: []string{label}, Exception: true},
				{ID: "teams", Label: "Teams", Kind: config.FieldMultiSelect, Values: []string{text, note}, Texts: []string{label, text}},
				{ID: "owner", Label: "Owner", Kind: config.FieldUser, Values: []string{handlertest.FzDBA1}},
				{ID: "ch", Label: "Channel", Kind: config.FieldChannel, Values: []string{handlertest.FzTriage}},
				{ID: "until", Label: "Until", Kind: config.FieldDate},
			}}
		var evs []ss.Event
		for _, st := range []ss.State{ss.Submitted, ss.PendingApproval, ss.Approved,
			ss.InProgress, ss.Done, ss.Rejected, ss.Failed, ss.Cancelled} {
			r.State = st
			ev := ss.Event{Kind: ss.EventTransition, At: handlertest.FuzzRenderNow, Actor: handlertest.FzAdmin, From: ss.Submitted, To: st, Note: note}
			evs = append(evs, ev)
			for _, l := range langs {
				handlertest.CheckMessage(t, "triage "+string(st)+" "+l.Code(), renderTriage(l, r, []string{handlertest.FzDBA1}, berlin))
				handlertest.CheckMessage(t, "notify "+string(st)+" "+l.Code(), notifyMessage(l, r, ev, "/platform"))
				handlertest.CheckMessage(t, "failure alert", alertMessage(l, r, ss.AlertFailed, time.Hour, berlin))
				handlertest.CheckMessage(t, "SLA alert", alertMessage(l, r, ss.AlertOverdue, 26*time.Hour, berlin))
				handlertest.CheckMrkdwn(t, "list line", listLine(l, r, handlertest.FuzzRenderNow))
			}
		}
		evs = append(evs, ss.Event{Kind: ss.EventApproval, At: handlertest.FuzzRenderNow, Actor: handlertest.FzDBA1, Note: note},
			ss.Event{Kind: ss.EventTransition, At: handlertest.FuzzRenderNow, Actor: ss.ActorAutomation, To: ss.Failed, Note: text})
		for _, l := range langs {
			for _, viewer := range []string{handlertest.FzDev, handlertest.FzAdmin} {
				handlertest.CheckMessage(t, "status", bot.Message{Blocks: statusBlocks(l, r, evs, viewer, berlin, handlertest.FuzzRenderNow)})
			}
			for _, v := range []any{submittedView(l, r, "/platform"), rejectModal(l, r)} {
				for _, s := range handlertest.MrkdwnOf(v) {
					handlertest.CheckMrkdwn(t, "modal", s)
				}
			}
		}
	})
}
