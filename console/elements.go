package console

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
)

// as returns v as a *T whether it holds a T or a *T: handlers build blocks
// both ways, and decoded JSON yields pointers.
func as[T any](v any) (*T, bool) {
	switch x := v.(type) {
	case *T:
		return x, x != nil
	case T:
		return &x, true
	}
	return nil, false
}

// txt returns a text object's text, "" for nil.
func txt(t *slack.TextBlockObject) string {
	if t == nil {
		return ""
	}
	return t.Text
}

func optText(o *slack.OptionBlockObject) string {
	if o == nil {
		return ""
	}
	if t := txt(o.Text); t != "" {
		return t
	}
	return o.Value
}

// How a console user operates an element.
const (
	kindNone    = iota // shown, not operable (images, unknown elements)
	kindButton         // clicked as a whole
	kindOptions        // each option is clicked or chosen by number
	kindAsk            // the value is typed: dates, user ids, text
)

// field is a block element flattened to what the console needs to show it,
// prompt for it and report its value the way Slack does.
type field struct {
	typ      string
	actionID string
	label    string // button text or placeholder
	options  []*slack.OptionBlockObject
	multi    bool
	initial  slack.BlockAction // the element's initial value, as view state
	value    string            // button value
	url      string
	confirm  *slack.ConfirmationBlockObject

	multiline      bool
	minLen, maxLen int
	decimal        bool
	minVal, maxVal string
}

func flatten(opts []*slack.OptionBlockObject, groups []*slack.OptionGroupBlockObject) []*slack.OptionBlockObject {
	out := append([]*slack.OptionBlockObject(nil), opts...)
	for _, g := range groups {
		if g != nil {
			out = append(out, g.Options...)
		}
	}
	return out
}

func fieldOf(el slack.BlockElement) field {
	var f field
	if el == nil {
		return f
	}
	f.typ = string(el.ElementType())
	if e, ok := as[slack.ButtonBlockElement](el); ok {
		f.typ, f.actionID, f.label, f.value, f.url, f.confirm = "button", e.ActionID, txt(e.Text), e.Value, e.URL, e.Confirm
	} else if e, ok := as[slack.IconButtonBlockElement](el); ok {
		f.typ, f.actionID, f.label, f.value, f.confirm = "button", e.ActionID, txt(e.Text), e.Value, e.Confirm
	} else if e, ok := as[slack.SelectBlockElement](el); ok {
		f.actionID, f.label, f.confirm = e.ActionID, txt(e.Placeholder), e.Confirm
		f.options = flatten(e.Options, e.OptionGroups)
		if e.InitialOption != nil {
			f.initial.SelectedOption = *e.InitialOption
		}
		f.initial.SelectedUser, f.initial.SelectedChannel = e.InitialUser, e.InitialChannel
		f.initial.SelectedConversation = e.InitialConversation
	} else if e, ok := as[slack.MultiSelectBlockElement](el); ok {
		f.actionID, f.label, f.confirm, f.multi = e.ActionID, txt(e.Placeholder), e.Confirm, true
		f.options = flatten(e.Options, e.OptionGroups)
		for _, o := range e.InitialOptions {
			f.initial.SelectedOptions = append(f.initial.SelectedOptions, *o)
		}
		f.initial.SelectedUsers, f.initial.SelectedChannels = e.InitialUsers, e.InitialChannels
		f.initial.SelectedConversations = e.InitialConversations
	} else if e, ok := as[slack.OverflowBlockElement](el); ok {
		f.actionID, f.options, f.confirm, f.label = e.ActionID, e.Options, e.Confirm, "⋯"
	} else if e, ok := as[slack.RadioButtonsBlockElement](el); ok {
		f.actionID, f.options, f.confirm = e.ActionID, e.Options, e.Confirm
		if e.InitialOption != nil {
			f.initial.SelectedOption = *e.InitialOption
		}
	} else if e, ok := as[slack.CheckboxGroupsBlockElement](el); ok {
		f.actionID, f.options, f.confirm, f.multi = e.ActionID, e.Options, e.Confirm, true
		for _, o := range e.InitialOptions {
			f.initial.SelectedOptions = append(f.initial.SelectedOptions, *o)
		}
	} else if e, ok := as[slack.DatePickerBlockElement](el); ok {
		f.actionID, f.label, f.confirm, f.initial.SelectedDate = e.ActionID, txt(e.Placeholder), e.Confirm, e.InitialDate
	} else if e, ok := as[slack.TimePickerBlockElement](el); ok {
		f.actionID, f.label, f.confirm, f.initial.SelectedTime = e.ActionID, txt(e.Placeholder), e.Confirm, e.InitialTime
	} else if e, ok := as[slack.DateTimePickerBlockElement](el); ok {
		f.actionID, f.confirm, f.initial.SelectedDateTime = e.ActionID, e.Confirm, e.InitialDateTime
	} else if e, ok := as[slack.PlainTextInputBlockElement](el); ok {
		f.actionID, f.label, f.initial.Value = e.ActionID, txt(e.Placeholder), e.InitialValue
		f.multiline, f.minLen, f.maxLen = e.Multiline, e.MinLength, e.MaxLength
	} else if e, ok := as[slack.EmailTextInputBlockElement](el); ok {
		f.actionID, f.label, f.initial.Value = e.ActionID, txt(e.Placeholder), e.InitialValue
	} else if e, ok := as[slack.URLTextInputBlockElement](el); ok {
		f.actionID, f.label, f.initial.Value = e.ActionID, txt(e.Placeholder), e.InitialValue
	} else if e, ok := as[slack.NumberInputBlockElement](el); ok {
		f.actionID, f.label, f.initial.Value = e.ActionID, txt(e.Placeholder), e.InitialValue
		f.decimal, f.minVal, f.maxVal = e.IsDecimalAllowed, e.MinValue, e.MaxValue
	} else if e, ok := as[slack.RichTextInputBlockElement](el); ok {
		f.actionID, f.label = e.ActionID, txt(e.Placeholder)
		if e.InitialValue != nil {
			f.initial.RichTextValue = *e.InitialValue
		}
	} else if e, ok := as[slack.ImageBlockElement](el); ok {
		f.typ, f.label = "image", e.AltText
	} else if e, ok := as[slack.FileInputBlockElement](el); ok {
		f.actionID = e.ActionID
	}
	f.initial.Type = slack.ActionType(f.typ)
	return f
}

func (f field) kind() int {
	switch f.typ {
	case "button":
		return kindButton
	case "static_select", "multi_static_select", "overflow", "radio_buttons", "checkboxes":
		return kindOptions
	case "image", "file_input", "":
		return kindNone
	}
	if strings.HasPrefix(f.typ, "multi_") || strings.HasSuffix(f.typ, "_select") ||
		strings.HasSuffix(f.typ, "picker") || strings.HasSuffix(f.typ, "_input") {
		return kindAsk
	}
	return kindNone
}

// how describes the expected answer, for prompts.
func (f field) how() string {
	switch f.typ {
	case "static_select", "radio_buttons":
		return f.choiceRange()
	case "multi_static_select", "checkboxes":
		return "numbers, e.g. 1 3"
	case "users_select":
		return "user id"
	case "multi_users_select":
		return "user ids"
	case "channels_select", "conversations_select":
		return "channel id"
	case "multi_channels_select", "multi_conversations_select":
		return "channel ids"
	case "multi_external_select":
		return "values, comma-separated"
	case "datepicker":
		return "YYYY-MM-DD"
	case "timepicker":
		return "HH:MM"
	case "datetimepicker":
		return "YYYY-MM-DD HH:MM, UTC"
	case "number_input":
		return "number"
	case "email_text_input":
		return "email"
	case "url_text_input":
		return "URL"
	case "plain_text_input":
		if f.multiline {
			return `\n for a new line`
		}
	}
	return ""
}

func trimID(s, sigil string) string {
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(s, "<"), sigil), ">")
}

func ids(s, sigil string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, trimID(w, sigil))
	}
	return out
}

// numberedByValue reports whether the options are numbers shown as
// themselves (0–10, or "1 · Very poor"): then each is chosen by its own
// number rather than its position, so that typing 9 on a 0–10 scale picks
// 9, not the ninth option (8).
func (f field) numberedByValue() bool {
	if len(f.options) == 0 {
		return false
	}
	for _, o := range f.options {
		if _, err := strconv.Atoi(o.Value); err != nil {
			return false
		}
		if t := optText(o); t != o.Value && !strings.HasPrefix(t, o.Value+" ") {
			return false
		}
	}
	return true
}

// choiceNumber is the number the user types to choose option i.
func (f field) choiceNumber(i int) string {
	if f.numberedByValue() {
		return f.options[i].Value
	}
	return strconv.Itoa(i + 1)
}

// choiceRange describes the numbers that choose an option, e.g. "1-5".
func (f field) choiceRange() string {
	if len(f.options) == 0 {
		return "none"
	}
	return f.choiceNumber(0) + "-" + f.choiceNumber(len(f.options)-1)
}

// pick finds the option the user meant by number, value or text.
func (f field) pick(s string) (*slack.OptionBlockObject, bool) {
	if f.numberedByValue() {
		for _, o := range f.options {
			if o.Value == s {
				return o, true
			}
		}
	} else if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(f.options) {
		return f.options[n-1], true
	}
	for _, o := range f.options {
		if strings.EqualFold(o.Value, s) || strings.EqualFold(optText(o), s) {
			return o, true
		}
	}
	return nil, false
}

// parse turns a typed answer into the element's value as Slack reports it,
// or returns what is wrong with the answer.
func (f field) parse(s string) (slack.BlockAction, string) {
	a := slack.BlockAction{Type: slack.ActionType(f.typ)}
	switch f.typ {
	case "static_select", "radio_buttons", "overflow":
		o, ok := f.pick(s)
		if !ok {
			return a, "choose one of " + f.choiceRange()
		}
		a.SelectedOption = *o
	case "multi_static_select", "checkboxes":
		for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
			o, ok := f.pick(w)
			if !ok {
				return a, fmt.Sprintf("%q is not one of %s", w, f.choiceRange())
			}
			a.SelectedOptions = append(a.SelectedOptions, *o)
		}
	case "external_select":
		a.SelectedOption = *slack.NewOptionBlockObject(s, slack.NewTextBlockObject(slack.PlainTextType, s, false, false), nil)
	case "multi_external_select":
		for _, v := range strings.Split(s, ",") {
			v = strings.TrimSpace(v)
			a.SelectedOptions = append(a.SelectedOptions, *slack.NewOptionBlockObject(v, slack.NewTextBlockObject(slack.PlainTextType, v, false, false), nil))
		}
	case "users_select":
		a.SelectedUser = trimID(s, "@")
	case "multi_users_select":
		a.SelectedUsers = ids(s, "@")
	case "conversations_select":
		a.SelectedConversation = trimID(s, "#")
	case "multi_conversations_select":
		a.SelectedConversations = ids(s, "#")
	case "channels_select":
		a.SelectedChannel = trimID(s, "#")
	case "multi_channels_select":
		a.SelectedChannels = ids(s, "#")
	case "datepicker":
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return a, "enter a date as YYYY-MM-DD"
		}
		a.SelectedDate = s
	case "timepicker":
		if _, err := time.Parse("15:04", s); err != nil {
			return a, "enter a time as HH:MM"
		}
		a.SelectedTime = s
	case "datetimepicker":
		t, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			return a, "enter a date and time as YYYY-MM-DD HH:MM (UTC)"
		}
		a.SelectedDateTime = t.Unix()
	case "rich_text_input":
		a.RichTextValue = *slack.NewRichTextBlock("", slack.NewRichTextSection(slack.NewRichTextSectionTextElement(s, nil)))
	default:
		if msg := f.check(s); msg != "" {
			return a, msg
		}
		if f.multiline {
			s = strings.ReplaceAll(s, `\n`, "\n")
		}
		a.Value = s
	}
	return a, ""
}

// check validates text the way Slack's client does before submitting.
func (f field) check(s string) string {
	switch f.typ {
	case "email_text_input":
		if at := strings.Index(s, "@"); at < 1 || at == len(s)-1 {
			return "enter an email address"
		}
	case "url_text_input":
		if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "enter a URL starting with https://"
		}
	case "number_input":
		n, err := strconv.ParseFloat(s, 64)
		if err != nil || (!f.decimal && strings.ContainsAny(s, ".eE")) {
			return "enter a number"
		}
		if lo, err := strconv.ParseFloat(f.minVal, 64); err == nil && n < lo {
			return "enter at least " + f.minVal
		}
		if hi, err := strconv.ParseFloat(f.maxVal, 64); err == nil && n > hi {
			return "enter at most " + f.maxVal
		}
	case "plain_text_input":
		if n := len([]rune(s)); f.minLen > 0 && n < f.minLen {
			return fmt.Sprintf("enter at least %d characters", f.minLen)
		} else if f.maxLen > 0 && n > f.maxLen {
			return fmt.Sprintf("enter at most %d characters", f.maxLen)
		}
	}
	return ""
}

// summary shows a value as the user would see it in the field.
func summary(a slack.BlockAction) string {
	opts := func(os []slack.OptionBlockObject) string {
		var s []string
		for i := range os {
			s = append(s, optText(&os[i]))
		}
		return strings.Join(s, ", ")
	}
	prefix := func(p string, ids []string) string {
		var s []string
		for _, id := range ids {
			s = append(s, p+id)
		}
		return strings.Join(s, ", ")
	}
	switch {
	case a.Value != "":
		return a.Value
	case a.SelectedOption.Value != "" || a.SelectedOption.Text != nil:
		return optText(&a.SelectedOption)
	case len(a.SelectedOptions) > 0:
		return opts(a.SelectedOptions)
	case a.SelectedUser != "":
		return "@" + a.SelectedUser
	case len(a.SelectedUsers) > 0:
		return prefix("@", a.SelectedUsers)
	case a.SelectedChannel != "" || a.SelectedConversation != "":
		return "#" + a.SelectedChannel + a.SelectedConversation
	case len(a.SelectedChannels)+len(a.SelectedConversations) > 0:
		return prefix("#", slices.Concat(a.SelectedChannels, a.SelectedConversations))
	case a.SelectedDate != "":
		return a.SelectedDate
	case a.SelectedTime != "":
		return a.SelectedTime
	case a.SelectedDateTime != 0:
		return time.Unix(a.SelectedDateTime, 0).UTC().Format("2006-01-02 15:04") + " UTC"
	case len(a.RichTextValue.Elements) > 0:
		return richText(&a.RichTextValue)
	}
	return ""
}
