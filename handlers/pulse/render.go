package pulse

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/surveys"
)

// Action ids and the form's callback id. Values carry "run:…" so that a
// click needs no lookup to know what it is about.
const (
	actTap    = "pulse:tap:"   // + index; value run:question:value
	actForm   = "pulse:form"   // value run[:token]; "Answer the rest" / "Answer"
	actChange = "pulse:change" // value run:token
	viewForm  = "pulse:answer"
	input     = "v" // action id of every input in the form
)

func markdown(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

// date renders t with Slack's date token, which every reader sees in
// their own time zone: one DM is rendered for a whole fan-out. The
// fallback uses loc; the words around the token are in l.
func dateIn(l *i18n.Lang, t time.Time, loc *time.Location) string {
	return l.SlackDate(t, loc)
}

// invitation is the DM a run sends: the first question as one-tap buttons
// and a button for the form with the rest, in the reader's language l.
// The survey's own texts (title, intro, questions) are as configured.
func invitation(run surveys.Run, loc *time.Location, reminder bool, l *i18n.Lang) bot.Message {
	var blocks []slack.Block
	closes := dateIn(l, run.ClosesAt, loc)
	text := l.T(i18n.PulseInviteText, i18n.Data{"Title": run.Title})
	if reminder {
		text = l.T(i18n.PulseReminderText, i18n.Data{"Title": run.Title, "Closes": closes})
		blocks = append(blocks, slack.NewSectionBlock(markdown(
			l.T(i18n.PulseReminderBody, i18n.Data{"Title": bot.Escape(run.Title), "Closes": closes})), nil, nil))
	} else {
		blocks = append(blocks, slack.NewHeaderBlock(plain(bot.Truncate(run.Title, 150))))
		if run.Intro != "" {
			blocks = append(blocks, slack.NewSectionBlock(markdown(run.Intro), nil, nil))
		}
	}
	q := run.Questions[0]
	more, taps := l.T(i18n.PulseAnswerRest), true
	if buttons := tapButtons(run, q); buttons != nil {
		blocks = append(blocks, slack.NewSectionBlock(markdown(questionLine(run, 0)), nil, nil), buttons)
		if hint := scaleHint(q, l); hint != "" {
			blocks = append(blocks, slack.NewContextBlock("", markdown(bot.Escape(hint))))
		}
	} else {
		more, taps = l.T(i18n.PulseAnswer), false
	}
	if len(run.Questions) > 1 || !taps {
		blocks = append(blocks, slack.NewActionBlock("pulse:more",
			slack.NewButtonBlockElement(actForm, strconv.FormatInt(run.ID, 10), plain(more))))
	}
	blocks = append(blocks, slack.NewContextBlock("", markdown(privacyNote(run, loc, l))))
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
		els = append(els, slack.NewButtonBlockElement(actTap+strconv.Itoa(i), value, plain(label)))
	}
	return slack.NewActionBlock("pulse:q1", els...)
}

// scaleHint names the ends of a scale or NPS question, as plain text.
func scaleHint(q surveys.Question, l *i18n.Lang) string {
	switch {
	case q.Kind == surveys.Scale && len(q.Labels) == 5:
		return fmt.Sprintf("1 = %s · 5 = %s", q.Labels[0], q.Labels[4])
	case q.Kind == surveys.NPS && len(q.Labels) == 2:
		return fmt.Sprintf("0 = %s · 10 = %s", q.Labels[0], q.Labels[1])
	case q.Kind == surveys.NPS:
		return l.T(i18n.PulseNPSHint)
	}
	return ""
}

func privacyNote(run surveys.Run, loc *time.Location, l *i18n.Lang) string {
	who := l.N(i18n.PulsePrivacyAnonymous, run.MinGroupSize)
	if !run.Anonymous {
		who = l.T(i18n.PulsePrivacyNamed)
	}
	return l.T(i18n.PulseOpenUntil, i18n.Data{"Privacy": who, "Closes": dateIn(l, run.ClosesAt, loc)})
}

// thankYou replaces the DM once someone has answered: their answers, and
// buttons to answer the rest or change them while the run is open.
func thankYou(rc surveys.Receipt, loc *time.Location, l *i18n.Lang) bot.Message {
	run := rc.Run
	var lines []string
	for _, a := range rc.Answers {
		q, ok := run.Question(a.QuestionID)
		if !ok {
			continue
		}
		lines = append(lines, fmt.Sprintf("• %s — *%s*", bot.Escape(bot.Truncate(q.Text, 120)), answerText(q, a)))
	}
	head, text := thankYouHead(rc, l)
	blocks := []slack.Block{slack.NewSectionBlock(markdown(head), nil, nil)}
	if len(lines) > 0 {
		blocks = append(blocks, slack.NewSectionBlock(markdown(bot.TruncateMrkdwn(strings.Join(lines, "\n"), 2900)), nil, nil))
	}
	value := fmt.Sprintf("%d:%s", run.ID, rc.Token)
	var buttons []slack.BlockElement
	if len(rc.Remaining) > 0 {
		buttons = append(buttons, slack.NewButtonBlockElement(actForm, value, plain(l.T(i18n.PulseAnswerRest))).WithStyle(slack.StylePrimary))
	}
	buttons = append(buttons, slack.NewButtonBlockElement(actChange, value, plain(l.T(i18n.PulseChange))))
	blocks = append(blocks,
		slack.NewActionBlock("pulse:after", buttons...),
		slack.NewContextBlock("", markdown(l.T(i18n.PulseChangeUntil, i18n.Data{"Closes": dateIn(l, run.ClosesAt, loc)}))))
	return bot.Message{Text: text, Blocks: blocks, ReplaceOriginal: true}
}

// thankYouHead thanks someone who is done — every question that needs an
// answer has one — and otherwise says how far they are, so that one tap
// of four does not read as finished.
func thankYouHead(rc surveys.Receipt, l *i18n.Lang) (mrkdwn, text string) {
	title := rc.Run.Title
	required := 0
	for _, q := range rc.Remaining {
		if !q.IsOptional() {
			required++
		}
	}
	if required == 0 {
		return l.T(i18n.PulseThanks, i18n.Data{"Title": bot.Escape(title)}), l.T(i18n.PulseThanksText, i18n.Data{"Title": title})
	}
	n, of := len(rc.Answers), len(rc.Run.Questions)
	return l.N(i18n.PulseSaved, of, i18n.Data{"N": l.Int(n), "Title": bot.Escape(title)}),
		l.N(i18n.PulseSavedText, of, i18n.Data{"N": l.Int(n), "Title": title})
}

// answerText shows an answer as its label; free text is escaped and cut.
func answerText(q surveys.Question, a surveys.Answer) string {
	if q.Kind == surveys.Text {
		return bot.Escape(bot.Truncate(strings.Join(strings.Fields(a.Text), " "), 200))
	}
	return bot.Escape(q.Label(a.Value))
}

// closedNote replaces a DM whose buttons were used after the window.
func closedNote(err *surveys.ClosedError, loc *time.Location, l *i18n.Lang) bot.Message {
	text := l.T(i18n.PulseClosed, i18n.Data{"Closed": dateIn(l, err.ClosedAt, loc)})
	return bot.Message{Text: text, Blocks: []slack.Block{slack.NewSectionBlock(markdown(text), nil, nil)}, ReplaceOriginal: true}
}

// alreadyNote replaces a DM (e.g. the reminder) used by someone who has
// answered through another message.
func alreadyNote(l *i18n.Lang) bot.Message {
	text := l.T(i18n.PulseAlready)
	return bot.Message{Text: text, Blocks: []slack.Block{slack.NewSectionBlock(markdown(text), nil, nil)}, ReplaceOriginal: true}
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
func answerForm(rc surveys.Receipt, meta formMeta, loc *time.Location, l *i18n.Lang) slack.ModalViewRequest {
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
		title = l.T(i18n.PulseFormTitle)
		blocks = append(blocks, slack.NewSectionBlock(markdown("*"+bot.Escape(bot.Truncate(run.Title, 2000))+"*"), nil, nil))
	}
	if run.Intro != "" && rc.Token == "" {
		blocks = append(blocks, slack.NewSectionBlock(markdown(run.Intro), nil, nil))
	}
	for _, q := range run.Questions {
		a, answered := given[q.ID]
		if answered && !meta.Change {
			continue // "Answer the rest" leaves the answered ones alone
		}
		blocks = append(blocks, questionInput(q, a, answered, l))
	}
	blocks = append(blocks, slack.NewContextBlock("", markdown(privacyNote(run, loc, l))))
	md, _ := json.Marshal(meta)
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewForm, PrivateMetadata: string(md),
		Title: plain(title), Submit: plain(l.T(i18n.PulseFormSend)), Close: plain(l.T(i18n.PulseFormCancel)),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

func blockID(q surveys.Question) string { return "pulse:q:" + q.ID }

// questionInput renders one question as a form input, prefilled with a.
func questionInput(q surveys.Question, a surveys.Answer, prefill bool, l *i18n.Lang) *slack.InputBlock {
	var el slack.BlockElement
	switch q.Kind {
	case surveys.Text:
		in := slack.NewPlainTextInputBlockElement(plain(l.T(i18n.PulseFormOptional)), input)
		in.Multiline, in.MaxLength = true, surveys.MaxTextLength
		if prefill {
			in.InitialValue = a.Text
		}
		el = in
	default:
		var opts []*slack.OptionBlockObject
		var initial *slack.OptionBlockObject
		for _, v := range q.Values() {
			o := slack.NewOptionBlockObject(strconv.Itoa(v), plain(bot.Truncate(q.Label(v), 75)), nil)
			opts = append(opts, o)
			if prefill && a.Value == v {
				initial = o
			}
		}
		if len(opts) <= 10 {
			rb := slack.NewRadioButtonsBlockElement(input, opts...)
			rb.InitialOption = initial
			el = rb
		} else {
			sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(l.T(i18n.PulseFormPickOne)), input, opts...)
			sel.InitialOption = initial
			el = sel
		}
	}
	var hint *slack.TextBlockObject
	if h := scaleHint(q, l); h != "" {
		hint = plain(h)
	}
	in := slack.NewInputBlock(blockID(q), plain(bot.Truncate(q.Text, 2000)), hint, el)
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
		st, ok := view.State.Values[blockID(q)][input]
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
