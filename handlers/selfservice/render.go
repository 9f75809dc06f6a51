package selfservice

import (
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	ss "github.com/platformbot/platformbot/selfservice"
)

// Action and callback ids of the self-service feature; all start with
// "ss:" so that they never collide with another feature's routes.
const (
	actNew     = "ss:new"     // open the request modal (value: type id or "")
	actPick    = "ss:pick"    // type picker in the modal (dispatch_action)
	actApprove = "ss:approve" // value: request id
	actReject  = "ss:reject"  // opens the reason modal
	actDone    = "ss:done"    // mark done by hand
	actFail    = "ss:fail"    // mark failed by hand
	actCancel  = "ss:cancel"  // requester withdraws
	actStatus  = "ss:status"  // show details
	actRate    = "ss:rate"    // value: "id:score"

	ViewRequest = "ss:request"
	ViewReject  = "ss:reject"

	TypeBlock   = "ss_type"
	ReasonBlock = "reason"
	ValueAction = "v"
)

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func section(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(mrkdwn(text), nil, nil)
}

func contextBlock(text string) *slack.ContextBlock { return slack.NewContextBlock("", mrkdwn(text)) }

func button(actionID, value, text, style string) *slack.ButtonBlockElement {
	b := slack.NewButtonBlockElement(actionID, value, plain(text))
	b.Style = slack.Style(style)
	return b
}

var emoji = map[ss.State]string{
	ss.Submitted:       ":inbox_tray:",
	ss.PendingApproval: ":hourglass_flowing_sand:",
	ss.Approved:        ":white_check_mark:",
	ss.InProgress:      ":gear:",
	ss.Done:            ":tada:",
	ss.Rejected:        ":x:",
	ss.Failed:          ":boom:",
	ss.Cancelled:       ":heavy_minus_sign:",
}

func state(l *i18n.Lang, s ss.State) string { return emoji[s] + " " + stateLabel(l, s) }

// stateIDs name the states in the catalogs.
var stateIDs = map[ss.State]i18n.ID{
	ss.Submitted:       i18n.SelfServiceStateSubmitted,
	ss.PendingApproval: i18n.SelfServiceStatePendingApproval,
	ss.Approved:        i18n.SelfServiceStateApproved,
	ss.InProgress:      i18n.SelfServiceStateInProgress,
	ss.Done:            i18n.SelfServiceStateDone,
	ss.Rejected:        i18n.SelfServiceStateRejected,
	ss.Failed:          i18n.SelfServiceStateFailed,
	ss.Cancelled:       i18n.SelfServiceStateCancelled,
}

// stateLabel is a state in words, in l; one the catalogs do not know is
// named as the domain names it.
func stateLabel(l *i18n.Lang, s ss.State) string {
	if id, ok := stateIDs[s]; ok {
		return l.T(id)
	}
	return s.Label()
}

// botNotes are the notes the domain stores in its own (English) words,
// shown in the reader's language; any other note is a person's or an
// automation's words, shown as written.
var botNotes = map[string]i18n.ID{
	"fulfilled automatically":                                  i18n.SelfServiceNoteAutomatic,
	"the automation accepted the request and will report back": i18n.SelfServiceNoteAccepted,
	"its automation is no longer configured":                   i18n.SelfServiceNoteUnconfigured,
}

// automationFailed starts the note of a request whose automation failed
// for good; the reason after it is the outbox's, shown as it is.
const automationFailed = "automation failed: "

// noteText is a stored note as mrkdwn for a reader in l, cut to limit
// characters; to is the state the note came with (a request marked failed
// by hand reads "marked failed by hand").
func noteText(l *i18n.Lang, note string, to ss.State, limit int) string {
	switch {
	case ss.ByHand(note) && to == ss.Failed:
		return l.T(i18n.SelfServiceByHandFailed)
	case ss.ByHand(note):
		return l.T(i18n.SelfServiceByHandDone)
	case botNotes[note] != "":
		return l.T(botNotes[note])
	}
	if reason, ok := strings.CutPrefix(note, automationFailed); ok {
		return l.T(i18n.SelfServiceNoteAutomationFailed, i18n.Data{"Reason": bot.Escape(bot.Truncate(reason, limit))})
	}
	return bot.Escape(bot.Truncate(note, limit))
}

// fieldValue renders one answer as mrkdwn.
func fieldValue(l *i18n.Lang, f ss.FieldValue) string {
	if f.Empty() {
		return "_—_"
	}
	parts := make([]string, len(f.Values))
	for i, v := range f.Values {
		switch f.Kind {
		case ss.FieldUser:
			parts[i] = "<@" + v + ">" // validated id
		case ss.FieldChannel:
			parts[i] = "<#" + v + ">"
		case ss.FieldSelect, ss.FieldMultiSelect:
			parts[i] = bot.Escape(f.Texts[min(i, len(f.Texts)-1)])
		default:
			parts[i] = bot.Escape(bot.Truncate(v, 500))
		}
	}
	s := strings.Join(parts, ", ")
	if f.Kind == ss.FieldTextarea && strings.Contains(s, "\n") {
		s = "\n>" + strings.ReplaceAll(s, "\n", "\n>")
	}
	if f.Exception {
		s += " :warning: " + l.T(i18n.SelfServiceNonStandard)
	}
	return s
}

// fields renders the answers as "*Label:* value" lines, within the
// 3,000 characters of a section. Labels and answers are shown as
// configured and entered.
func fields(l *i18n.Lang, r *ss.Request) string {
	var b strings.Builder
	for _, f := range r.Fields {
		fmt.Fprintf(&b, "*%s:* %s\n", bot.Escape(f.Label), fieldValue(l, f))
	}
	if b.Len() == 0 {
		return l.T(i18n.SelfServiceNoDetails)
	}
	return bot.TruncateMrkdwn(strings.TrimSuffix(b.String(), "\n"), 2900)
}

// ago renders how long ago something was: "3d 4h ago" or "just now".
func ago(l *i18n.Lang, d time.Duration) string {
	if d < time.Minute {
		return l.T(i18n.SelfServiceJustNow)
	}
	return l.T(i18n.SelfServiceAgo, i18n.Data{"Age": l.Duration(d.Truncate(time.Minute))})
}

// span renders a configured duration without zero parts: "1d", "4h",
// "1d 12h", "90m".
func span(l *i18n.Lang, d time.Duration) string {
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	var parts []string
	for _, p := range []struct {
		n  int
		id i18n.ID
	}{{days, i18n.SelfServiceSpanDays}, {hours, i18n.SelfServiceSpanHours}, {mins, i18n.SelfServiceSpanMinutes}} {
		if p.n > 0 {
			parts = append(parts, l.T(p.id, i18n.Data{"N": l.Int(p.n)}))
		}
	}
	if len(parts) == 0 {
		return l.T(i18n.SelfServiceSpanMinutes, i18n.Data{"N": 0})
	}
	return strings.Join(parts, " ")
}

// listLine is a one-line summary for lists.
func listLine(l *i18n.Lang, r *ss.Request, now time.Time) string {
	line := fmt.Sprintf("%s — %s · %s", requestTitleIn(l, r), state(l, r.State), ago(l, now.Sub(r.CreatedAt)))
	if r.Overdue(now) {
		line += " · :alarm_clock: " + l.T(i18n.SelfServiceSlaPassed, i18n.Data{"Ago": ago(l, now.Sub(r.SLADueAt))})
	}
	return line
}

// renderTriage renders a request for the triage channel in its current
// state, in l: buttons while someone has to act, and who decided and when
// once they did.
func renderTriage(l *i18n.Lang, r *ss.Request, approvers []string, loc *time.Location) bot.Message {
	blocks := []slack.Block{
		section(requestTitleIn(l, r) + "\n" + l.T(i18n.SelfServiceRequestedBy, i18n.Data{"User": r.Requester, "State": state(l, r.State)})),
		section(fields(l, r)),
	}
	var notes []string
	if r.Exception {
		notes = append(notes, l.T(i18n.SelfServiceExceptionNote))
	}
	if r.NeedsApproval && len(approvers) > 0 && r.State == ss.PendingApproval {
		notes = append(notes, l.T(i18n.SelfServiceApprovals, i18n.Data{"Count": len(approvers), "Required": r.ApprovalsRequired, "Approvers": mentions(approvers)}))
	}
	if !r.DecidedAt.IsZero() {
		id := i18n.SelfServiceApprovedBy
		if r.State == ss.Rejected {
			id = i18n.SelfServiceRejectedBy
		}
		notes = append(notes, l.T(id, i18n.Data{"User": r.DecidedBy, "When": l.SlackDate(r.DecidedAt, loc)}))
	}
	if r.Note != "" && !r.State.Open() {
		notes = append(notes, l.T(i18n.SelfServiceNote, i18n.Data{"Note": noteText(l, r.Note, r.State, 500)}))
	}
	if !r.DoneAt.IsZero() {
		notes = append(notes, l.T(i18n.SelfServiceDoneOn, i18n.Data{"When": l.SlackDate(r.DoneAt, loc)}))
	}
	if !r.SLADueAt.IsZero() && r.State.Open() {
		notes = append(notes, l.T(i18n.SelfServiceSlaDue, i18n.Data{"When": l.SlackDate(r.SLADueAt, loc)}))
	}
	if len(notes) > 0 {
		blocks = append(blocks, contextBlock(strings.Join(notes, "\n")))
	}
	if acts := triageButtons(l, r); len(acts) > 0 {
		blocks = append(blocks, slack.NewActionBlock("ss_triage", acts...))
	}
	text := l.T(i18n.SelfServiceTriageText, i18n.Data{"Ref": r.Ref(), "Type": bot.Escape(r.TypeTitle), "User": r.Requester, "State": stateLabel(l, r.State)})
	return bot.Message{Text: text, Blocks: blocks}
}

func triageButtons(l *i18n.Lang, r *ss.Request) []slack.BlockElement {
	id := fmt.Sprint(r.ID)
	approve := button(actApprove, id, l.T(i18n.SelfServiceApprove), "primary")
	reject := button(actReject, id, l.T(i18n.SelfServiceReject), "danger")
	done := button(actDone, id, l.T(i18n.SelfServiceMarkDone), "primary")
	fail := button(actFail, id, l.T(i18n.SelfServiceMarkFailed), "danger")
	switch {
	case r.State == ss.PendingApproval:
		return []slack.BlockElement{approve, reject}
	case r.State == ss.Approved && !r.HasAutomation:
		return []slack.BlockElement{done}
	case r.State == ss.InProgress:
		return []slack.BlockElement{done, fail}
	}
	return nil
}

func mentions(users []string) string {
	m := make([]string, len(users))
	for i, u := range users {
		m[i] = "<@" + u + ">"
	}
	return strings.Join(m, ", ")
}

// notifyMessage is the DM that tells the requester about a transition,
// in l, with a summary that links back to the details. The field labels
// and answers are shown as configured and entered.
func notifyMessage(l *i18n.Lang, r *ss.Request, ev ss.Event, command string) bot.Message {
	text := notifyText(l, r, ev)
	blocks := []slack.Block{section(text), section(fields(l, r))}
	blocks = append(blocks, contextBlock(l.T(i18n.SelfServiceHistory, i18n.Data{"Command": command, "Ref": r.Ref()})))
	acts := []slack.BlockElement{button(actStatus, fmt.Sprint(r.ID), l.T(i18n.SelfServiceDetails), "")}
	if r.State == ss.PendingApproval || r.State == ss.Submitted {
		acts = append(acts, button(actCancel, fmt.Sprint(r.ID), l.T(i18n.SelfServiceCancelRequest), "danger"))
	}
	blocks = append(blocks, slack.NewActionBlock("ss_dm", acts...))
	if ev.To == ss.Done {
		blocks = append(blocks, ratingBlocks(l, r)...)
	}
	return bot.Message{Text: text, Blocks: blocks}
}

func notifyText(l *i18n.Lang, r *ss.Request, ev ss.Event) string {
	d := i18n.Data{"Title": requestTitleIn(l, r), "Actor": "<@" + ev.Actor + ">", "Note": ""}
	if ev.Note != "" {
		d["Note"] = ": " + noteText(l, ev.Note, ev.To, 500)
	}
	switch ev.To {
	case ss.PendingApproval:
		return l.T(i18n.SelfServicePending, d)
	case ss.Approved:
		d["Next"] = l.T(i18n.SelfServiceNextManual)
		if r.HasAutomation {
			d["Next"] = l.T(i18n.SelfServiceNextAutomatic)
		}
		if ev.From == ss.Submitted {
			return l.T(i18n.SelfServiceNoApproval, d)
		}
		return l.T(i18n.SelfServiceApproved, d)
	case ss.InProgress:
		return l.T(i18n.SelfServiceInProgress, d)
	case ss.Done:
		return l.T(i18n.SelfServiceDone, d)
	case ss.Rejected:
		return l.T(i18n.SelfServiceRejected, d)
	case ss.Failed:
		return l.T(i18n.SelfServiceFailed, d)
	case ss.Cancelled:
		return l.T(i18n.SelfServiceCancelled, d)
	}
	d["State"] = stateLabel(l, ev.To) // a state without a message of its own
	return l.T(i18n.SelfServiceNowState, d)
}

// requestTitleIn is "REQ-42 · New repository" with an exception label
// in l.
func requestTitleIn(l *i18n.Lang, r *ss.Request) string {
	t := fmt.Sprintf("*%s* · %s", r.Ref(), bot.Escape(r.TypeTitle))
	if r.Exception {
		t += " · :warning: *" + l.T(i18n.SelfServiceException) + "*"
	}
	return t
}

// ratingBlocks asks "How was this?" with one-tap 1–5 buttons, or shows
// the answer once given.
func ratingBlocks(l *i18n.Lang, r *ss.Request) []slack.Block {
	if r.Rating > 0 {
		return []slack.Block{contextBlock(l.T(i18n.SelfServiceRated, i18n.Data{"Score": r.Rating, "Stars": strings.Repeat(":star:", r.Rating)}))}
	}
	acts := make([]slack.BlockElement, 5)
	for i := range 5 {
		acts[i] = button(fmt.Sprintf("%s:%d", actRate, i+1), fmt.Sprintf("%d:%d", r.ID, i+1), fmt.Sprint(i+1), "")
	}
	return []slack.Block{section(l.T(i18n.SelfServiceRateAsk)), slack.NewActionBlock("ss_rate", acts...)}
}

// alertMessage calls the triage channel's attention to a request, in l.
func alertMessage(l *i18n.Lang, r *ss.Request, a ss.Alert, sla time.Duration, loc *time.Location) bot.Message {
	d := i18n.Data{"Title": requestTitleIn(l, r), "User": r.Requester}
	var text string
	switch a {
	case ss.AlertFailed:
		d["Note"] = noteText(l, r.Note, ss.Failed, 800)
		text = l.T(i18n.SelfServiceAlertFailed, d)
	default:
		d["Due"], d["State"] = l.SlackDate(r.SLADueAt, loc), stateLabel(l, r.State)
		text = l.T(i18n.SelfServiceAlertOverdue, d)
		if sla > 0 {
			d["SLA"] = span(l, sla)
			text = l.T(i18n.SelfServiceAlertOverdueOf, d)
		}
	}
	blocks := []slack.Block{section(text), section(fields(l, r))}
	if acts := triageButtons(l, r); len(acts) > 0 {
		blocks = append(blocks, slack.NewActionBlock("ss_alert", acts...))
	}
	return bot.Message{Text: text, Blocks: blocks}
}

// statusBlocks shows a request with its audit trail to a reader in l,
// times in their zone.
// The requester can cancel from it; an approver (anyone else allowed to
// see it) gets the triage buttons.
func statusBlocks(l *i18n.Lang, r *ss.Request, evs []ss.Event, viewer string, loc *time.Location, now time.Time) []slack.Block {
	head := requestTitleIn(l, r) + "\n" + l.T(i18n.SelfServiceStatusHead, i18n.Data{
		"State": state(l, r.State), "User": r.Requester, "Ago": ago(l, now.Sub(r.CreatedAt))})
	if r.Overdue(now) {
		head += "\n:alarm_clock: " + l.T(i18n.SelfServiceSlaPassedStatus, i18n.Data{"Ago": ago(l, now.Sub(r.SLADueAt))})
	}
	if r.Rating > 0 {
		head += "\n" + l.T(i18n.SelfServiceRatedStatus, i18n.Data{"Score": r.Rating})
	}
	var trail strings.Builder
	for _, e := range evs {
		who := ""
		switch {
		case e.Actor == ss.ActorAutomation:
			who = " " + l.T(i18n.SelfServiceByAutomation)
		case e.Actor != "":
			who = " " + l.T(i18n.SelfServiceByPerson, i18n.Data{"User": e.Actor})
		}
		what := stateLabel(l, e.To)
		if e.Kind == ss.EventApproval {
			what = l.T(i18n.SelfServiceApprovedOne, i18n.Data{"Progress": approvalProgress(l, e.Note)})
		} else if e.Note != "" {
			what += ": " + noteText(l, e.Note, e.To, 300)
		}
		fmt.Fprintf(&trail, "• %s — %s%s\n", l.DateTime(e.At, loc), what, who)
	}
	blocks := []slack.Block{section(head), section(fields(l, r)),
		section(l.T(i18n.SelfServiceHistoryTitle) + "\n" + bot.TruncateMrkdwn(trail.String(), 2900))}
	switch {
	case viewer != r.Requester:
		if acts := triageButtons(l, r); len(acts) > 0 {
			blocks = append(blocks, slack.NewActionBlock("ss_status", acts...))
		}
	case r.State == ss.PendingApproval || r.State == ss.Submitted:
		blocks = append(blocks, slack.NewActionBlock("ss_status", button(actCancel, fmt.Sprint(r.ID), l.T(i18n.SelfServiceCancelRequest), "danger")))
	}
	return blocks
}

// approvalProgress is an approval event's note, "approval 1 of 2" as the
// store writes it, in l; another note is shown as it is.
func approvalProgress(l *i18n.Lang, note string) string {
	var n, of int
	if _, err := fmt.Sscanf(note, "approval %d of %d", &n, &of); err == nil && fmt.Sprintf("approval %d of %d", n, of) == note {
		return l.T(i18n.SelfServiceApprovalOf, i18n.Data{"Count": n, "Required": of})
	}
	return bot.Escape(note)
}
