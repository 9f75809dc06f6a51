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

func state(s ss.State) string { return emoji[s] + " " + s.Label() }

// requestTitle is "REQ-42 · New repository" with an exception label.
func requestTitle(r *ss.Request) string {
	t := fmt.Sprintf("*%s* · %s", r.Ref(), bot.Escape(r.TypeTitle))
	if r.Exception {
		t += " · :warning: *exception*"
	}
	return t
}

// fieldValue renders one answer as mrkdwn.
func fieldValue(f ss.FieldValue) string {
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
		s += " :warning: _non-standard_"
	}
	return s
}

// fields renders the answers as "*Label:* value" lines, within the
// 3,000 characters of a section.
func fields(r *ss.Request) string {
	var b strings.Builder
	for _, f := range r.Fields {
		fmt.Fprintf(&b, "*%s:* %s\n", bot.Escape(f.Label), fieldValue(f))
	}
	if b.Len() == 0 {
		return "_No details._"
	}
	return bot.TruncateMrkdwn(strings.TrimSuffix(b.String(), "\n"), 2900)
}

// date renders t with Slack's date token, which every reader sees in
// their own time zone; the fallback (for clients that can't) uses loc.
func date(t time.Time, loc *time.Location) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty} at {time}|%s>", t.Unix(), t.In(loc).Format("2 Jan 2006 15:04 MST"))
}

// when formats t for one reader, in their zone.
func when(t time.Time, loc *time.Location) string { return t.In(loc).Format("Mon 2 Jan 15:04 MST") }

// ago renders how long ago something was: "3d 4h ago" or "just now".
func ago(d time.Duration) string {
	if d < time.Minute {
		return "just now"
	}
	return age(d) + " ago"
}

// age renders a duration as "3d 4h", "5h 10m" or "12m".
func age(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh %dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
}

// span renders a configured duration without zero parts: "1d", "4h",
// "1d 12h", "90m".
func span(d time.Duration) string {
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	var parts []string
	for _, p := range []struct {
		n    int
		unit string
	}{{days, "d"}, {hours, "h"}, {mins, "m"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d%s", p.n, p.unit))
		}
	}
	if len(parts) == 0 {
		return "0m"
	}
	return strings.Join(parts, " ")
}

// listLine is a one-line summary for lists.
func listLine(r *ss.Request, now time.Time) string {
	line := fmt.Sprintf("%s — %s · %s", requestTitle(r), state(r.State), ago(now.Sub(r.CreatedAt)))
	if r.Overdue(now) {
		line += fmt.Sprintf(" · :alarm_clock: *SLA passed %s*", ago(now.Sub(r.SLADueAt)))
	}
	return line
}

// renderTriage renders a request for the triage channel in its current
// state: buttons while someone has to act, and who decided and when once
// they did.
func renderTriage(r *ss.Request, approvers []string, loc *time.Location) bot.Message {
	blocks := []slack.Block{
		section(fmt.Sprintf("%s\n*Requested by* <@%s> · %s", requestTitle(r), r.Requester, state(r.State))),
		section(fields(r)),
	}
	var notes []string
	if r.Exception {
		notes = append(notes, ":warning: Exception: a non-standard option was picked, so this needs approval.")
	}
	if r.NeedsApproval && len(approvers) > 0 && r.State == ss.PendingApproval {
		notes = append(notes, fmt.Sprintf("Approvals: %d of %d (%s)", len(approvers), r.ApprovalsRequired, mentions(approvers)))
	}
	if !r.DecidedAt.IsZero() {
		verb := "Approved"
		if r.State == ss.Rejected {
			verb = "Rejected"
		}
		notes = append(notes, fmt.Sprintf("%s by <@%s> on %s", verb, r.DecidedBy, date(r.DecidedAt, loc)))
	}
	if r.Note != "" && !r.State.Open() {
		notes = append(notes, "Note: "+bot.Escape(bot.Truncate(r.Note, 500)))
	}
	if !r.DoneAt.IsZero() {
		notes = append(notes, "Done on "+date(r.DoneAt, loc))
	}
	if !r.SLADueAt.IsZero() && r.State.Open() {
		notes = append(notes, "SLA: due "+date(r.SLADueAt, loc))
	}
	if len(notes) > 0 {
		blocks = append(blocks, contextBlock(strings.Join(notes, "\n")))
	}
	if acts := triageButtons(r); len(acts) > 0 {
		blocks = append(blocks, slack.NewActionBlock("ss_triage", acts...))
	}
	return bot.Message{Text: fmt.Sprintf("%s (%s) for <@%s>: %s", r.Ref(), bot.Escape(r.TypeTitle), r.Requester, r.State.Label()), Blocks: blocks}
}

func triageButtons(r *ss.Request) []slack.BlockElement {
	id := fmt.Sprint(r.ID)
	switch {
	case r.State == ss.PendingApproval:
		return []slack.BlockElement{button(actApprove, id, "Approve", "primary"), button(actReject, id, "Reject", "danger")}
	case r.State == ss.Approved && !r.HasAutomation:
		return []slack.BlockElement{button(actDone, id, "Mark done", "primary")}
	case r.State == ss.InProgress:
		return []slack.BlockElement{button(actDone, id, "Mark done", "primary"), button(actFail, id, "Mark failed", "danger")}
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
	details := l.T(i18n.SelfServiceNoDetails)
	if len(r.Fields) > 0 {
		details = fields(r)
	}
	blocks := []slack.Block{section(text), section(details)}
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
		d["Note"] = ": " + bot.Escape(bot.Truncate(ev.Note, 500))
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
	d["State"] = ev.To.Label() // a state without a message of its own, named as the domain names it
	return l.T(i18n.SelfServiceNowState, d)
}

// requestTitleIn is requestTitle with the exception label in l.
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

// alertMessage calls the triage channel's attention to a request.
func alertMessage(r *ss.Request, a ss.Alert, sla time.Duration, loc *time.Location) bot.Message {
	var text string
	switch a {
	case ss.AlertFailed:
		text = fmt.Sprintf(":boom: %s for <@%s> failed: %s", requestTitle(r), r.Requester, bot.Escape(bot.Truncate(r.Note, 800)))
	default:
		text = fmt.Sprintf(":alarm_clock: %s for <@%s> passed its SLA", requestTitle(r), r.Requester)
		if sla > 0 {
			text += " of " + span(sla)
		}
		text += fmt.Sprintf(" (due %s) and is still %s.", date(r.SLADueAt, loc), r.State.Label())
	}
	blocks := []slack.Block{section(text), section(fields(r))}
	if acts := triageButtons(r); len(acts) > 0 {
		blocks = append(blocks, slack.NewActionBlock("ss_alert", acts...))
	}
	return bot.Message{Text: text, Blocks: blocks}
}

// statusBlocks shows a request with its audit trail, times in the
// reader's zone.
// The requester can cancel from it; an approver (anyone else allowed to
// see it) gets the triage buttons.
func statusBlocks(r *ss.Request, evs []ss.Event, viewer string, loc *time.Location, now time.Time) []slack.Block {
	head := fmt.Sprintf("%s\n%s · requested by <@%s> %s", requestTitle(r), state(r.State), r.Requester, ago(now.Sub(r.CreatedAt)))
	if r.Overdue(now) {
		head += fmt.Sprintf("\n:alarm_clock: SLA passed %s", ago(now.Sub(r.SLADueAt)))
	}
	if r.Rating > 0 {
		head += fmt.Sprintf("\nRated %d/5", r.Rating)
	}
	var trail strings.Builder
	for _, e := range evs {
		who := ""
		switch {
		case e.Actor == ss.ActorAutomation:
			who = " by the automation"
		case e.Actor != "":
			who = " by <@" + e.Actor + ">"
		}
		what := e.To.Label()
		if e.Kind == ss.EventApproval {
			what = "approved (" + bot.Escape(e.Note) + ")"
		} else if e.Note != "" {
			what += ": " + bot.Escape(bot.Truncate(e.Note, 300))
		}
		fmt.Fprintf(&trail, "• %s — %s%s\n", when(e.At, loc), what, who)
	}
	blocks := []slack.Block{section(head), section(fields(r)), section("*History*\n" + bot.TruncateMrkdwn(trail.String(), 2900))}
	switch {
	case viewer != r.Requester:
		if acts := triageButtons(r); len(acts) > 0 {
			blocks = append(blocks, slack.NewActionBlock("ss_status", acts...))
		}
	case r.State == ss.PendingApproval || r.State == ss.Submitted:
		blocks = append(blocks, slack.NewActionBlock("ss_status", button(actCancel, fmt.Sprint(r.ID), "Cancel request", "danger")))
	}
	return blocks
}
