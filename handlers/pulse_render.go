package handlers

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/surveys"
)

// Action ids and the form's callback id. Values carry "run:…" so that a
// click needs no lookup to know what it is about.
const (
	pulseActTap    = "pulse:tap:"   // + index; value run:question:value
	pulseActForm   = "pulse:form"   // value run[:token]; "Answer the rest" / "Answer"
	pulseActChange = "pulse:change" // value run:token
	pulseViewForm  = "pulse:answer"
	pulseInput     = "v" // action id of every input in the form
)

func pulseMD(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func pulsePlain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

// pulseDate renders t with Slack's date token, which every reader sees in
// their own time zone: one DM is rendered for a whole fan-out. The
// fallback uses loc.
func pulseDate(t time.Time, loc *time.Location) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty} at {time}|%s>", t.Unix(), t.In(loc).Format("Mon 2 Jan 15:04 MST"))
}

// invitation is the DM a run sends: the first question as one-tap buttons
// and a button for the form with the rest.
func invitation(run surveys.Run, loc *time.Location, reminder bool) bot.Message {
	var blocks []slack.Block
	text := fmt.Sprintf("%s — a short survey from the platform team", run.Title)
	if reminder {
		text = fmt.Sprintf("Reminder: %s closes %s", run.Title, pulseDate(run.ClosesAt, loc))
		blocks = append(blocks, slack.NewSectionBlock(pulseMD(fmt.Sprintf(
			":wave: A friendly reminder: *%s* is still open until %s. It takes a few seconds.", bot.Escape(run.Title), pulseDate(run.ClosesAt, loc))), nil, nil))
	} else {
		blocks = append(blocks, slack.NewHeaderBlock(pulsePlain(bot.Truncate(run.Title, 150))))
		if run.Intro != "" {
			blocks = append(blocks, slack.NewSectionBlock(pulseMD(run.Intro), nil, nil))
		}
	}
	q := run.Questions[0]
	more := "Answer the rest"
	if buttons := tapButtons(run, q); buttons != nil {
		blocks = append(blocks, slack.NewSectionBlock(pulseMD(questionLine(run, 0)), nil, nil), buttons)
		if hint := scaleHint(q); hint != "" {
			blocks = append(blocks, slack.NewContextBlock("", pulseMD(bot.Escape(hint))))
		}
	} else {
		more = "Answer"
	}
	if len(run.Questions) > 1 || more == "Answer" {
		blocks = append(blocks, slack.NewActionBlock("pulse:more",
			slack.NewButtonBlockElement(pulseActForm, strconv.FormatInt(run.ID, 10), pulsePlain(more))))
	}
	blocks = append(blocks, slack.NewContextBlock("", pulseMD(privacyNote(run, loc))))
	return bot.Message{Text: text, Blocks: blocks}
}

func questionLine(run surveys.Run, i int) string {
	q := run.Questions[i]
	if len(run.Questions) == 1 {
		return "*" + bot.Escape(q.Text) + "*"
	}
	return fmt.Sprintf("*%d/%d · %s*", i+1, len(run.Questions), bot.Escape(q.Text))
}

// tapButtons returns the one-tap buttons of a question; nil for free text.
func tapButtons(run surveys.Run, q surveys.Question) *slack.ActionBlock {
	vals := q.Values()
	if vals == nil {
		return nil
	}
	var els []slack.BlockElement
	for i, v := range vals {
		label := strconv.Itoa(v)
		if q.Kind == surveys.Choice {
			label = bot.Truncate(q.Options[v], 75)
		}
		value := fmt.Sprintf("%d:%s:%d", run.ID, q.ID, v)
		els = append(els, slack.NewButtonBlockElement(pulseActTap+strconv.Itoa(i), value, pulsePlain(label)))
	}
	return slack.NewActionBlock("pulse:q1", els...)
}

// scaleHint names the ends of a scale or NPS question, as plain text.
func scaleHint(q surveys.Question) string {
	switch {
	case q.Kind == surveys.Scale && len(q.Labels) == 5:
		return fmt.Sprintf("1 = %s · 5 = %s", q.Labels[0], q.Labels[4])
	case q.Kind == surveys.NPS && len(q.Labels) == 2:
		return fmt.Sprintf("0 = %s · 10 = %s", q.Labels[0], q.Labels[1])
	case q.Kind == surveys.NPS:
		return "0 = not at all likely · 10 = extremely likely"
	}
	return ""
}

func privacyNote(run surveys.Run, loc *time.Location) string {
	who := ":lock: Anonymous: your answers are stored without your name, and results are shown only for groups of at least " +
		strconv.Itoa(run.MinGroupSize) + " people."
	if !run.Anonymous {
		who = ":bust_in_silhouette: Not anonymous: the platform team can see who answered what."
	}
	return fmt.Sprintf("%s Open until %s.", who, pulseDate(run.ClosesAt, loc))
}

// thankYou replaces the DM once someone has answered: their answers, and
// buttons to answer the rest or change them while the run is open.
func thankYou(rc surveys.Receipt, loc *time.Location) bot.Message {
	run := rc.Run
	var lines []string
	for _, a := range rc.Answers {
		q, ok := run.Question(a.QuestionID)
		if !ok {
			continue
		}
		lines = append(lines, fmt.Sprintf("• %s — *%s*", bot.Escape(bot.Truncate(q.Text, 120)), answerText(q, a)))
	}
	head, text := thankYouHead(rc)
	blocks := []slack.Block{slack.NewSectionBlock(pulseMD(head), nil, nil)}
	if len(lines) > 0 {
		blocks = append(blocks, slack.NewSectionBlock(pulseMD(bot.TruncateMrkdwn(strings.Join(lines, "\n"), 2900)), nil, nil))
	}
	value := fmt.Sprintf("%d:%s", run.ID, rc.Token)
	var buttons []slack.BlockElement
	if len(rc.Remaining) > 0 {
		buttons = append(buttons, slack.NewButtonBlockElement(pulseActForm, value, pulsePlain("Answer the rest")).WithStyle(slack.StylePrimary))
	}
	buttons = append(buttons, slack.NewButtonBlockElement(pulseActChange, value, pulsePlain("Change")))
	blocks = append(blocks,
		slack.NewActionBlock("pulse:after", buttons...),
		slack.NewContextBlock("", pulseMD(fmt.Sprintf("You can change your answers until %s.", pulseDate(run.ClosesAt, loc)))))
	return bot.Message{Text: text, Blocks: blocks, ReplaceOriginal: true}
}

// thankYouHead thanks someone who is done — every question that needs an
// answer has one — and otherwise says how far they are, so that one tap
// of four does not read as finished.
func thankYouHead(rc surveys.Receipt) (mrkdwn, text string) {
	title := rc.Run.Title
	required := 0
	for _, q := range rc.Remaining {
		if !q.IsOptional() {
			required++
		}
	}
	if required == 0 {
		return fmt.Sprintf(":white_check_mark: *Thanks for answering %s!*", bot.Escape(title)), "Thanks for answering " + title + "!"
	}
	n, of := len(rc.Answers), len(rc.Run.Questions)
	return fmt.Sprintf(":white_check_mark: *Saved — %d of %d questions answered.* The rest of %s takes a minute: *Answer the rest*.", n, of, bot.Escape(title)),
		fmt.Sprintf("Saved — %d of %d questions of %s answered.", n, of, title)
}

// answerText shows an answer as its label; free text is escaped and cut.
func answerText(q surveys.Question, a surveys.Answer) string {
	if q.Kind == surveys.Text {
		return bot.Escape(bot.Truncate(strings.Join(strings.Fields(a.Text), " "), 200))
	}
	return bot.Escape(q.Label(a.Value))
}

// closedNote replaces a DM whose buttons were used after the window.
func closedNote(err *surveys.ClosedError, loc *time.Location) bot.Message {
	text := fmt.Sprintf(":lock: Thanks for wanting to answer! This survey closed %s, so it no longer takes answers. Watch for the next one.",
		pulseDate(err.ClosedAt, loc))
	return bot.Message{Text: text, Blocks: []slack.Block{slack.NewSectionBlock(pulseMD(text), nil, nil)}, ReplaceOriginal: true}
}

// alreadyNote replaces a DM (e.g. the reminder) used by someone who has
// answered through another message.
func alreadyNote() bot.Message {
	text := ":white_check_mark: You've already answered this survey — thank you! To change your answers, use *Change* in the message where you answered."
	return bot.Message{Text: text, Blocks: []slack.Block{slack.NewSectionBlock(pulseMD(text), nil, nil)}, ReplaceOriginal: true}
}

// formMeta travels in the form's private_metadata: what the form answers
// and where the DM to update is.
type formMeta struct {
	Run         int64  `json:"run"`
	Token       string `json:"tok,omitempty"`
	Change      bool   `json:"chg,omitempty"`
	Channel     string `json:"ch,omitempty"`
	TS          string `json:"ts,omitempty"`
	ResponseURL string `json:"url,omitempty"`
	Home        bool   `json:"home,omitempty"`
}

// answerForm is the modal with the questions still open (or all of them,
// prefilled, for Change). Its closing time is a date token, shown in the
// reader's zone; loc only writes the fallback, like every other pulse date.
func answerForm(rc surveys.Receipt, meta formMeta, loc *time.Location) slack.ModalViewRequest {
	run := rc.Run
	given := map[string]surveys.Answer{}
	for _, a := range rc.Answers {
		given[a.QuestionID] = a
	}
	// A modal title holds 24 characters: a longer survey name would be cut
	// ("Developer experience pu…"), so the title is then generic and the
	// body names the survey in full.
	title := run.Title
	var blocks []slack.Block
	if utf8.RuneCountInString(title) > 24 {
		title = "Pulse survey"
		blocks = append(blocks, slack.NewSectionBlock(pulseMD("*"+bot.Escape(bot.Truncate(run.Title, 2000))+"*"), nil, nil))
	}
	if run.Intro != "" && rc.Token == "" {
		blocks = append(blocks, slack.NewSectionBlock(pulseMD(run.Intro), nil, nil))
	}
	for _, q := range run.Questions {
		a, answered := given[q.ID]
		if answered && !meta.Change {
			continue // "Answer the rest" leaves the answered ones alone
		}
		blocks = append(blocks, questionInput(q, a, answered))
	}
	blocks = append(blocks, slack.NewContextBlock("", pulseMD(privacyNote(run, loc))))
	md, _ := json.Marshal(meta)
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: pulseViewForm, PrivateMetadata: string(md),
		Title: pulsePlain(title), Submit: pulsePlain("Send"), Close: pulsePlain("Cancel"),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

func pulseBlockID(q surveys.Question) string { return "pulse:q:" + q.ID }

// questionInput renders one question as a form input, prefilled with a.
func questionInput(q surveys.Question, a surveys.Answer, prefill bool) *slack.InputBlock {
	var el slack.BlockElement
	switch q.Kind {
	case surveys.Text:
		in := slack.NewPlainTextInputBlockElement(pulsePlain("Optional"), pulseInput)
		in.Multiline, in.MaxLength = true, surveys.MaxTextLength
		if prefill {
			in.InitialValue = a.Text
		}
		el = in
	default:
		var opts []*slack.OptionBlockObject
		var initial *slack.OptionBlockObject
		for _, v := range q.Values() {
			o := slack.NewOptionBlockObject(strconv.Itoa(v), pulsePlain(bot.Truncate(q.Label(v), 75)), nil)
			opts = append(opts, o)
			if prefill && a.Value == v {
				initial = o
			}
		}
		if len(opts) <= 10 {
			rb := slack.NewRadioButtonsBlockElement(pulseInput, opts...)
			rb.InitialOption = initial
			el = rb
		} else {
			sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, pulsePlain("Pick one"), pulseInput, opts...)
			sel.InitialOption = initial
			el = sel
		}
	}
	var hint *slack.TextBlockObject
	if h := scaleHint(q); h != "" {
		hint = pulsePlain(h)
	}
	in := slack.NewInputBlock(pulseBlockID(q), pulsePlain(bot.Truncate(q.Text, 2000)), hint, el)
	in.Optional = q.IsOptional()
	return in
}

// formAnswers reads the answers out of a submitted form.
func formAnswers(run surveys.Run, view *slack.View) []surveys.Answer {
	if view == nil || view.State == nil {
		return nil
	}
	var out []surveys.Answer
	for _, q := range run.Questions {
		st, ok := view.State.Values[pulseBlockID(q)][pulseInput]
		if !ok {
			continue
		}
		if q.Kind == surveys.Text {
			out = append(out, surveys.Answer{QuestionID: q.ID, Text: st.Value})
			continue
		}
		v, err := strconv.Atoi(st.SelectedOption.Value)
		if st.SelectedOption.Value == "" || err != nil {
			continue // left blank
		}
		out = append(out, surveys.Answer{QuestionID: q.ID, Value: v})
	}
	return out
}
