package selfservice

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	ss "github.com/platformbot/platformbot/selfservice"
)

// FieldBlock is the block id of a field's input; the domain keys its
// errors by field id, the modal by block id.
func FieldBlock(fieldID string) string { return "f_" + fieldID }

// requestModal is the request form: a type picker (dispatch_action, so
// that picking a type swaps in its fields through views.update) and, once
// a type is chosen, its description, approval note and fields. The chosen
// type id travels in private_metadata.
func requestModal(types []*ss.Type, chosen *ss.Type) slack.ModalViewRequest {
	options := make([]*slack.OptionBlockObject, len(types))
	var initial *slack.OptionBlockObject
	for i, t := range types {
		options[i] = slack.NewOptionBlockObject(t.ID, plain(bot.Truncate(t.Title, 75)), nil)
		if chosen != nil && t.ID == chosen.ID {
			initial = options[i]
		}
	}
	picker := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose…"), actPick, options...)
	picker.InitialOption = initial
	pick := slack.NewInputBlock(TypeBlock, plain("What do you need?"), nil, picker)
	pick.DispatchAction = true
	blocks := []slack.Block{pick}
	meta, submit := "", "Next"
	if chosen != nil {
		meta, submit = chosen.ID, "Submit"
		blocks = append(blocks, typeIntro(chosen))
		for _, f := range chosen.Fields {
			blocks = append(blocks, fieldInput(f))
		}
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: ViewRequest, PrivateMetadata: meta,
		Title: plain("New request"), Submit: plain(submit), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// typeIntro says what the type is and what happens after submitting.
func typeIntro(t *ss.Type) slack.Block {
	var parts []string
	if d := strings.TrimSpace(t.Description); d != "" {
		parts = append(parts, bot.Escape(d))
	}
	parts = append(parts, policyText(t))
	return contextBlock(strings.Join(parts, "\n"))
}

// policyText explains approval and fulfilment in one line.
func policyText(t *ss.Type) string {
	p := t.Policy(false)
	n := "an approval"
	if p.Required > 1 {
		n = fmt.Sprintf("%d approvals", p.Required)
	}
	var who string
	switch p.Kind {
	case ss.ApprovalNone:
		who = "No approval needed"
	case ss.ApprovalUserGroup:
		who = fmt.Sprintf("Needs %s from <!subteam^%s>", n, p.UserGroup)
	default:
		who = fmt.Sprintf("Needs %s from the platform team", n)
	}
	how := "fulfilled by the platform team"
	if t.Automation.Enabled() {
		how = "fulfilled automatically"
	}
	text := who + "; " + how + "."
	for _, f := range t.Fields {
		if len(f.Standard) > 0 {
			text += " Non-standard choices (marked ⚠) are exceptions and always need approval."
			break
		}
	}
	return text
}

// fieldInput renders one catalog field as an input block.
func fieldInput(f ss.Field) *slack.InputBlock {
	hint := f.Hint
	if f.PatternHint != "" && !strings.Contains(hint, f.PatternHint) {
		hint = strings.TrimSpace(hint + " Use " + f.PatternHint + ".")
	}
	if r := rangeHint(f); r != "" {
		hint = strings.TrimSpace(hint + " " + r)
	}
	var hintObj *slack.TextBlockObject
	if hint != "" {
		hintObj = plain(bot.Truncate(hint, 2000))
	}
	in := slack.NewInputBlock(FieldBlock(f.ID), plain(bot.Truncate(f.Label, 2000)), hintObj, element(f))
	in.Optional = !f.Required
	return in
}

// rangeHint states a number or date field's bounds up front, so that
// people do not learn them from an error.
func rangeHint(f ss.Field) string {
	if f.Type == ss.FieldDate {
		return capitalize(ss.DateRange(f, time.Time{})) + "."
	}
	if f.Type != ss.FieldNumber {
		return ""
	}
	n := func(x *float64) string { return strconv.FormatFloat(*x, 'f', -1, 64) }
	switch {
	case f.Min != nil && f.Max != nil:
		return fmt.Sprintf("From %s to %s.", n(f.Min), n(f.Max))
	case f.Min != nil:
		return fmt.Sprintf("At least %s.", n(f.Min))
	case f.Max != nil:
		return fmt.Sprintf("At most %s.", n(f.Max))
	}
	return ""
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func defaultValue(f ss.Field) string {
	if len(f.Default) == 0 {
		return ""
	}
	return f.Default[0]
}

// element returns the input element of a field kind, with its default.
func element(f ss.Field) slack.BlockElement {
	def := defaultValue(f)
	switch f.Type {
	case ss.FieldNumber:
		e := slack.NewNumberInputBlockElement(nil, ValueAction, f.Decimal)
		e.InitialValue = def
		if f.Min != nil {
			e.MinValue = strconv.FormatFloat(*f.Min, 'f', -1, 64)
		}
		if f.Max != nil {
			e.MaxValue = strconv.FormatFloat(*f.Max, 'f', -1, 64)
		}
		return e
	case ss.FieldSelect, ss.FieldMultiSelect:
		return selectElement(f)
	case ss.FieldUser:
		e := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain("Choose a person"), ValueAction)
		e.InitialUser = def
		return e
	case ss.FieldChannel:
		e := slack.NewOptionsSelectBlockElement(slack.OptTypeChannels, plain("Choose a channel"), ValueAction)
		e.InitialChannel = def
		return e
	case ss.FieldDate:
		e := slack.NewDatePickerBlockElement(ValueAction)
		e.InitialDate = def
		return e
	}
	e := slack.NewPlainTextInputBlockElement(nil, ValueAction)
	e.Multiline = f.Type == ss.FieldTextarea
	e.InitialValue = def
	// Slack caps both at 3,000; the domain still checks the configured bounds.
	if f.Min != nil {
		e.MinLength = min(int(*f.Min), 3000)
	}
	if f.Max != nil {
		e.MaxLength = min(int(*f.Max), 3000)
	}
	return e
}

func selectElement(f ss.Field) slack.BlockElement {
	options := make([]*slack.OptionBlockObject, len(f.Options))
	var initial []*slack.OptionBlockObject
	for i, o := range f.Options {
		text := o.Text()
		if len(f.Standard) > 0 && !slices.Contains(f.Standard, o.Value) {
			text = bot.Truncate("⚠ "+text, 75)
		}
		options[i] = slack.NewOptionBlockObject(o.Value, plain(text), nil)
		if slices.Contains(f.Default, o.Value) {
			initial = append(initial, options[i])
		}
	}
	if f.Type == ss.FieldMultiSelect {
		e := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, plain("Choose…"), ValueAction, options...)
		e.InitialOptions = initial
		if f.Max != nil && *f.Max >= 1 {
			n := int(*f.Max)
			e.MaxSelectedItems = &n
		}
		return e
	}
	e := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose…"), ValueAction, options...)
	if len(initial) > 0 {
		e.InitialOption = initial[0]
	}
	return e
}

// chosenType returns the type picked in a submitted or dispatched view:
// the picker's value, else the type the form was built for.
func chosenType(v *slack.View) string {
	if v == nil {
		return ""
	}
	if v.State != nil {
		if a, ok := v.State.Values[TypeBlock][actPick]; ok && a.SelectedOption.Value != "" {
			return a.SelectedOption.Value
		}
	}
	return v.PrivateMetadata
}

// input reads the form's answers by field id from the view state,
// whatever element produced them.
func input(v *slack.View, t *ss.Type) ss.Input {
	in := ss.Input{}
	if v == nil || v.State == nil {
		return in
	}
	for _, f := range t.Fields {
		a, ok := v.State.Values[FieldBlock(f.ID)][ValueAction]
		if !ok {
			continue
		}
		in[f.ID] = actionValues(a)
	}
	return in
}

func actionValues(a slack.BlockAction) []string {
	var out []string
	for _, s := range []string{a.Value, a.SelectedOption.Value, a.SelectedUser, a.SelectedChannel, a.SelectedConversation, a.SelectedDate} {
		if s != "" {
			out = append(out, s)
		}
	}
	for _, o := range a.SelectedOptions {
		out = append(out, o.Value)
	}
	out = append(out, a.SelectedUsers...)
	out = append(out, a.SelectedChannels...)
	return out
}

// fieldErrors turns the domain's errors by field id into the modal's by
// block id.
func fieldErrors(fe ss.FieldErrors) bot.FieldErrors {
	out := bot.FieldErrors{}
	for id, msg := range fe {
		out[FieldBlock(id)] = msg
	}
	return out
}

// submittedView replaces the form once the request is filed.
func submittedView(r *ss.Request, command string) *slack.ModalViewRequest {
	next := "It needs no approval."
	if r.State == ss.PendingApproval {
		next = "It is waiting for approval."
		if r.Exception {
			next = "It is an *exception* (a non-standard choice), so it is waiting for approval."
		}
	}
	text := fmt.Sprintf(":white_check_mark: %s is filed. %s I'll keep you posted in a DM; `%s status %s` shows where it is.",
		requestTitle(r), next, command, r.Ref())
	return &slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: ViewRequest + ":done", Title: plain("Request " + r.Ref()),
		Close: plain("Done"), Blocks: slack.Blocks{BlockSet: []slack.Block{section(text)}},
	}
}

// rejectModal asks an approver for the reason of a rejection.
func rejectModal(r *ss.Request) slack.ModalViewRequest {
	reason := slack.NewPlainTextInputBlockElement(plain("The requester reads this."), ValueAction)
	reason.Multiline = true
	reason.MaxLength = 1000
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: ViewReject, PrivateMetadata: fmt.Sprint(r.ID),
		Title: plain(bot.Truncate("Reject "+r.Ref(), 24)), Submit: plain("Reject"), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			section(fmt.Sprintf("%s for <@%s>", requestTitle(r), r.Requester)),
			slack.NewInputBlock(ReasonBlock, plain("Why?"), nil, reason),
		}},
	}
}
