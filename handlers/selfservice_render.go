package handlers

import (
	"fmt"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/selfservice"
)

// Action and callback ids of the self-service feature; all start with
// "ss:" so that they never collide with another feature's routes.
const (
	ssActNew     = "ss:new"     // open the request modal (value: type id or "")
	ssActPick    = "ss:pick"    // type picker in the modal (dispatch_action)
	ssActApprove = "ss:approve" // value: request id
	ssActReject  = "ss:reject"  // opens the reason modal
	ssActDone    = "ss:done"    // mark done by hand
	ssActFail    = "ss:fail"    // mark failed by hand
	ssActCancel  = "ss:cancel"  // requester withdraws
	ssActStatus  = "ss:status"  // show details
	ssActRate    = "ss:rate"    // value: "id:score"

	ssViewRequest = "ss:request"
	ssViewReject  = "ss:reject"

	ssTypeBlock   = "ss_type"
	ssReasonBlock = "reason"
	ssValueAction = "v"
)

func ssMrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func ssPlain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, false, false)
}

func ssSection(text string) *slack.SectionBlock {
	return slack.NewSectionBlock(ssMrkdwn(text), nil, nil)
}

func ssContext(text string) *slack.ContextBlock { return slack.NewContextBlock("", ssMrkdwn(text)) }

func ssButton(actionID, value, text, style string) *slack.ButtonBlockElement {
	b := slack.NewButtonBlockElement(actionID, value, ssPlain(text))
	b.Style = slack.Style(style)
	return b
}

var ssEmoji = map[selfservice.State]string{
	selfservice.Submitted:       ":inbox_tray:",
	selfservice.PendingApproval: ":hourglass_flowing_sand:",
	selfservice.Approved:        ":white_check_mark:",
	selfservice.InProgress:      ":gear:",
	selfservice.Done:            ":tada:",
	selfservice.Rejected:        ":x:",
	selfservice.Failed:          ":boom:",
	selfservice.Cancelled:       ":heavy_minus_sign:",
}

func ssState(s selfservice.State) string { return ssEmoji[s] + " " + s.Label() }

// ssTitle is "REQ-42 · New repository" with an exception label.
func ssTitle(r *selfservice.Request) string {
	t := fmt.Sprintf("*%s* · %s", r.Ref(), bot.Escape(r.TypeTitle))
	if r.Exception {
		t += " · :warning: *exception*"
	}
	return t
}

// ssFieldValue renders one answer as mrkdwn.
func ssFieldValue(f selfservice.FieldValue) string {
	if f.Empty() {
		return "_—_"
	}
	parts := make([]string, len(f.Values))
	for i, v := range f.Values {
		switch f.Kind {
		case selfservice.FieldUser:
			parts[i] = "<@" + v + ">" // validated id
		case selfservice.FieldChannel:
			parts[i] = "<#" + v + ">"
		case selfservice.FieldSelect, selfservice.FieldMultiSelect:
			parts[i] = bot.Escape(f.Texts[min(i, len(f.Texts)-1)])
		default:
			parts[i] = bot.Escape(bot.Truncate(v, 500))
		}
	}
	s := strings.Join(parts, ", ")
	if f.Kind == selfservice.FieldTextarea && strings.Contains(s, "\n") {
		s = "\n>" + strings.ReplaceAll(s, "\n", "\n>")
	}
	if f.Exception {
		s += " :warning: _non-standard_"
	}
	return s
}

// ssFields renders the answers as "*Label:* value" lines, within the
// 3,000 characters of a section.
func ssFields(r *selfservice.Request) string {
	var b strings.Builder
	for _, f := range r.Fields {
		fmt.Fprintf(&b, "*%s:* %s\n", bot.Escape(f.Label), ssFieldValue(f))
	}
	if b.Len() == 0 {
		return "_No details._"
	}
	return bot.TruncateMrkdwn(strings.TrimSuffix(b.String(), "\n"), 2900)
}

// ssDate renders t with Slack's date token, which every reader sees in
// their own time zone; the fallback (for clients that can't) uses loc.
func ssDate(t time.Time, loc *time.Location) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty} at {time}|%s>", t.Unix(), t.In(loc).Format("2 Jan 2006 15:04 MST"))
}

// ssWhen formats t for one reader, in their zone.
func ssWhen(t time.Time, loc *time.Location) string { return t.In(loc).Format("Mon 2 Jan 15:04 MST") }

// ssAgo renders how long ago something was: "3d 4h ago" or "just now".
func ssAgo(d time.Duration) string {
	if d < time.Minute {
		return "just now"
	}
	return ssAge(d) + " ago"
}

// ssAge renders a duration as "3d 4h", "5h 10m" or "12m".
func ssAge(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh %dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
}

// ssSpan renders a configured duration without zero parts: "1d", "4h",
// "1d 12h", "90m".
func ssSpan(d time.Duration) string {
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

// ssLine is a one-line summary for lists.
func ssLine(r *selfservice.Request, now time.Time) string {
	line := fmt.Sprintf("%s — %s · %s", ssTitle(r), ssState(r.State), ssAgo(now.Sub(r.CreatedAt)))
	if r.Overdue(now) {
		line += fmt.Sprintf(" · :alarm_clock: *SLA passed %s*", ssAgo(now.Sub(r.SLADueAt)))
	}
	return line
}

// ssTriageMessage renders a request for the triage channel in its current
// state: buttons while someone has to act, and who decided and when once
// they did.
func ssTriageMessage(r *selfservice.Request, approvers []string, loc *time.Location) bot.Message {
	blocks := []slack.Block{
		ssSection(fmt.Sprintf("%s\n*Requested by* <@%s> · %s", ssTitle(r), r.Requester, ssState(r.State))),
		ssSection(ssFields(r)),
	}
	var notes []string
	if r.Exception {
		notes = append(notes, ":warning: Exception: a non-standard option was picked, so this needs approval.")
	}
	if r.NeedsApproval && len(approvers) > 0 && r.State == selfservice.PendingApproval {
		notes = append(notes, fmt.Sprintf("Approvals: %d of %d (%s)", len(approvers), r.ApprovalsRequired, ssMentions(approvers)))
	}
	if !r.DecidedAt.IsZero() {
		verb := "Approved"
		if r.State == selfservice.Rejected {
			verb = "Rejected"
		}
		notes = append(notes, fmt.Sprintf("%s by <@%s> on %s", verb, r.DecidedBy, ssDate(r.DecidedAt, loc)))
	}
	if r.Note != "" && !r.State.Open() {
		notes = append(notes, "Note: "+bot.Escape(bot.Truncate(r.Note, 500)))
	}
	if !r.DoneAt.IsZero() {
		notes = append(notes, "Done on "+ssDate(r.DoneAt, loc))
	}
	if !r.SLADueAt.IsZero() && r.State.Open() {
		notes = append(notes, "SLA: due "+ssDate(r.SLADueAt, loc))
	}
	if len(notes) > 0 {
		blocks = append(blocks, ssContext(strings.Join(notes, "\n")))
	}
	if acts := ssTriageButtons(r); len(acts) > 0 {
		blocks = append(blocks, slack.NewActionBlock("ss_triage", acts...))
	}
	return bot.Message{Text: fmt.Sprintf("%s (%s) for <@%s>: %s", r.Ref(), bot.Escape(r.TypeTitle), r.Requester, r.State.Label()), Blocks: blocks}
}

func ssTriageButtons(r *selfservice.Request) []slack.BlockElement {
	id := fmt.Sprint(r.ID)
	switch {
	case r.State == selfservice.PendingApproval:
		return []slack.BlockElement{ssButton(ssActApprove, id, "Approve", "primary"), ssButton(ssActReject, id, "Reject", "danger")}
	case r.State == selfservice.Approved && !r.HasAutomation:
		return []slack.BlockElement{ssButton(ssActDone, id, "Mark done", "primary")}
	case r.State == selfservice.InProgress:
		return []slack.BlockElement{ssButton(ssActDone, id, "Mark done", "primary"), ssButton(ssActFail, id, "Mark failed", "danger")}
	}
	return nil
}

func ssMentions(users []string) string {
	m := make([]string, len(users))
	for i, u := range users {
		m[i] = "<@" + u + ">"
	}
	return strings.Join(m, ", ")
}

// ssNotifyMessage is the DM that tells the requester about a transition,
// with a summary that links back to the details.
func ssNotifyMessage(r *selfservice.Request, ev selfservice.Event, command string) bot.Message {
	text := ssNotifyText(r, ev)
	blocks := []slack.Block{ssSection(text), ssSection(ssFields(r))}
	blocks = append(blocks, ssContext(fmt.Sprintf("`%s status %s` shows the whole history.", command, r.Ref())))
	acts := []slack.BlockElement{ssButton(ssActStatus, fmt.Sprint(r.ID), "Details", "")}
	if r.State == selfservice.PendingApproval || r.State == selfservice.Submitted {
		acts = append(acts, ssButton(ssActCancel, fmt.Sprint(r.ID), "Cancel request", "danger"))
	}
	blocks = append(blocks, slack.NewActionBlock("ss_dm", acts...))
	if ev.To == selfservice.Done {
		blocks = append(blocks, ssRatingBlocks(r)...)
	}
	return bot.Message{Text: text, Blocks: blocks}
}

func ssNotifyText(r *selfservice.Request, ev selfservice.Event) string {
	title := ssTitle(r)
	note := ""
	if ev.Note != "" {
		note = ": " + bot.Escape(bot.Truncate(ev.Note, 500))
	}
	switch ev.To {
	case selfservice.PendingApproval:
		return fmt.Sprintf(":inbox_tray: Your request %s was submitted and is waiting for approval.", title)
	case selfservice.Approved:
		next := "The platform team will fulfil it and tell you here."
		if r.HasAutomation {
			next = "It is being fulfilled automatically."
		}
		if ev.From == selfservice.Submitted {
			return fmt.Sprintf(":white_check_mark: Your request %s was submitted and needs no approval. %s", title, next)
		}
		return fmt.Sprintf(":white_check_mark: Your request %s was approved by <@%s>. %s", title, ev.Actor, next)
	case selfservice.InProgress:
		return fmt.Sprintf(":gear: Your request %s is in progress%s.", title, note)
	case selfservice.Done:
		return fmt.Sprintf(":tada: Your request %s is done%s.", title, note)
	case selfservice.Rejected:
		return fmt.Sprintf(":x: Your request %s was rejected by <@%s>%s.", title, ev.Actor, note)
	case selfservice.Failed:
		return fmt.Sprintf(":boom: Your request %s failed%s. The platform team has been told.", title, note)
	case selfservice.Cancelled:
		return fmt.Sprintf(":heavy_minus_sign: Your request %s was cancelled.", title)
	}
	return fmt.Sprintf("Your request %s is now %s.", title, ev.To.Label())
}

// ssRatingBlocks asks "How was this?" with one-tap 1–5 buttons, or shows
// the answer once given.
func ssRatingBlocks(r *selfservice.Request) []slack.Block {
	if r.Rating > 0 {
		return []slack.Block{ssContext(fmt.Sprintf("You rated this %d/5 %s — thank you!", r.Rating, strings.Repeat(":star:", r.Rating)))}
	}
	acts := make([]slack.BlockElement, 5)
	for i := range 5 {
		acts[i] = ssButton(fmt.Sprintf("%s:%d", ssActRate, i+1), fmt.Sprintf("%d:%d", r.ID, i+1), fmt.Sprint(i+1), "")
	}
	return []slack.Block{ssSection("*How was this?* 1 = poor, 5 = great"), slack.NewActionBlock("ss_rate", acts...)}
}

// ssAlertMessage calls the triage channel's attention to a request.
func ssAlertMessage(r *selfservice.Request, a selfservice.Alert, sla time.Duration, loc *time.Location) bot.Message {
	var text string
	switch a {
	case selfservice.AlertFailed:
		text = fmt.Sprintf(":boom: %s for <@%s> failed: %s", ssTitle(r), r.Requester, bot.Escape(bot.Truncate(r.Note, 800)))
	default:
		text = fmt.Sprintf(":alarm_clock: %s for <@%s> passed its SLA", ssTitle(r), r.Requester)
		if sla > 0 {
			text += " of " + ssSpan(sla)
		}
		text += fmt.Sprintf(" (due %s) and is still %s.", ssDate(r.SLADueAt, loc), r.State.Label())
	}
	blocks := []slack.Block{ssSection(text), ssSection(ssFields(r))}
	if acts := ssTriageButtons(r); len(acts) > 0 {
		blocks = append(blocks, slack.NewActionBlock("ss_alert", acts...))
	}
	return bot.Message{Text: text, Blocks: blocks}
}

// ssStatusBlocks shows a request with its audit trail, times in the
// reader's zone.
// The requester can cancel from it; an approver (anyone else allowed to
// see it) gets the triage buttons.
func ssStatusBlocks(r *selfservice.Request, evs []selfservice.Event, viewer string, loc *time.Location, now time.Time) []slack.Block {
	head := fmt.Sprintf("%s\n%s · requested by <@%s> %s", ssTitle(r), ssState(r.State), r.Requester, ssAgo(now.Sub(r.CreatedAt)))
	if r.Overdue(now) {
		head += fmt.Sprintf("\n:alarm_clock: SLA passed %s", ssAgo(now.Sub(r.SLADueAt)))
	}
	if r.Rating > 0 {
		head += fmt.Sprintf("\nRated %d/5", r.Rating)
	}
	var trail strings.Builder
	for _, e := range evs {
		who := ""
		switch {
		case e.Actor == selfservice.ActorAutomation:
			who = " by the automation"
		case e.Actor != "":
			who = " by <@" + e.Actor + ">"
		}
		what := e.To.Label()
		if e.Kind == selfservice.EventApproval {
			what = "approved (" + bot.Escape(e.Note) + ")"
		} else if e.Note != "" {
			what += ": " + bot.Escape(bot.Truncate(e.Note, 300))
		}
		fmt.Fprintf(&trail, "• %s — %s%s\n", ssWhen(e.At, loc), what, who)
	}
	blocks := []slack.Block{ssSection(head), ssSection(ssFields(r)), ssSection("*History*\n" + bot.TruncateMrkdwn(trail.String(), 2900))}
	switch {
	case viewer != r.Requester:
		if acts := ssTriageButtons(r); len(acts) > 0 {
			blocks = append(blocks, slack.NewActionBlock("ss_status", acts...))
		}
	case r.State == selfservice.PendingApproval || r.State == selfservice.Submitted:
		blocks = append(blocks, slack.NewActionBlock("ss_status", ssButton(ssActCancel, fmt.Sprint(r.ID), "Cancel request", "danger")))
	}
	return blocks
}
