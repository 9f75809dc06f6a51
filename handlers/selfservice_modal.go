package handlers

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/selfservice"
)

// ssFieldBlock is the block id of a field's input; the domain keys its
// errors by field id, the modal by block id.
func ssFieldBlock(fieldID string) string { return "f_" + fieldID }

// ssRequestModal is the request form: a type picker (dispatch_action, so
// that picking a type swaps in its fields through views.update) and, once
// a type is chosen, its description, approval note and fields. The chosen
// type id travels in private_metadata.
func ssRequestModal(types []*selfservice.Type, chosen *selfservice.Type) slack.ModalViewRequest {
	options := make([]*slack.OptionBlockObject, len(types))
	var initial *slack.OptionBlockObject
	for i, t := range types {
		options[i] = slack.NewOptionBlockObject(t.ID, ssPlain(bot.Truncate(t.Title, 75)), nil)
		if chosen != nil && t.ID == chosen.ID {
			initial = options[i]
		}
	}
	picker := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, ssPlain("Choose…"), ssActPick, options...)
	picker.InitialOption = initial
	pick := slack.NewInputBlock(ssTypeBlock, ssPlain("What do you need?"), nil, picker)
	pick.DispatchAction = true
	blocks := []slack.Block{pick}
	meta, submit := "", "Next"
	if chosen != nil {
		meta, submit = chosen.ID, "Submit"
		blocks = append(blocks, ssTypeIntro(chosen))
		for _, f := range chosen.Fields {
			blocks = append(blocks, ssFieldInput(f))
		}
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: ssViewRequest, PrivateMetadata: meta,
		Title: ssPlain("New request"), Submit: ssPlain(submit), Close: ssPlain("Cancel"),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// ssTypeIntro says what the type is and what happens after submitting.
func ssTypeIntro(t *selfservice.Type) slack.Block {
	var parts []string
	if d := strings.TrimSpace(t.Description); d != "" {
		parts = append(parts, bot.Escape(d))
	}
	parts = append(parts, ssPolicyText(t))
	return ssContext(strings.Join(parts, "\n"))
}

// ssPolicyText explains approval and fulfilment in one line.
func ssPolicyText(t *selfservice.Type) string {
	p := t.Policy(false)
	n := "an approval"
	if p.Required > 1 {
		n = fmt.Sprintf("%d approvals", p.Required)
	}
	var who string
	switch p.Kind {
	case selfservice.ApprovalNone:
		who = "No approval needed"
	case selfservice.ApprovalUserGroup:
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

// ssFieldInput renders one catalog field as an input block.
func ssFieldInput(f selfservice.Field) *slack.InputBlock {
	hint := f.Hint
	if f.PatternHint != "" && !strings.Contains(hint, f.PatternHint) {
		hint = strings.TrimSpace(hint + " Use " + f.PatternHint + ".")
	}
	if r := ssRangeHint(f); r != "" {
		hint = strings.TrimSpace(hint + " " + r)
	}
	var hintObj *slack.TextBlockObject
	if hint != "" {
		hintObj = ssPlain(bot.Truncate(hint, 2000))
	}
	in := slack.NewInputBlock(ssFieldBlock(f.ID), ssPlain(bot.Truncate(f.Label, 2000)), hintObj, ssElement(f))
	in.Optional = !f.Required
	return in
}

// ssRangeHint states a number or date field's bounds up front, so that
// people do not learn them from an error.
func ssRangeHint(f selfservice.Field) string {
	if f.Type == selfservice.FieldDate {
		return ssCapitalize(selfservice.DateRange(f, time.Time{})) + "."
	}
	if f.Type != selfservice.FieldNumber {
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

func ssCapitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func ssDefault(f selfservice.Field) string {
	if len(f.Default) == 0 {
		return ""
	}
	return f.Default[0]
}

// ssElement returns the input element of a field kind, with its default.
func ssElement(f selfservice.Field) slack.BlockElement {
	def := ssDefault(f)
	switch f.Type {
	case selfservice.FieldNumber:
		e := slack.NewNumberInputBlockElement(nil, ssValueAction, f.Decimal)
		e.InitialValue = def
		if f.Min != nil {
			e.MinValue = strconv.FormatFloat(*f.Min, 'f', -1, 64)
		}
		if f.Max != nil {
			e.MaxValue = strconv.FormatFloat(*f.Max, 'f', -1, 64)
		}
		return e
	case selfservice.FieldSelect, selfservice.FieldMultiSelect:
		return ssSelect(f)
	case selfservice.FieldUser:
		e := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, ssPlain("Choose a person"), ssValueAction)
		e.InitialUser = def
		return e
	case selfservice.FieldChannel:
		e := slack.NewOptionsSelectBlockElement(slack.OptTypeChannels, ssPlain("Choose a channel"), ssValueAction)
		e.InitialChannel = def
		return e
	case selfservice.FieldDate:
		e := slack.NewDatePickerBlockElement(ssValueAction)
		e.InitialDate = def
		return e
	}
	e := slack.NewPlainTextInputBlockElement(nil, ssValueAction)
	e.Multiline = f.Type == selfservice.FieldTextarea
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

func ssSelect(f selfservice.Field) slack.BlockElement {
	options := make([]*slack.OptionBlockObject, len(f.Options))
	var initial []*slack.OptionBlockObject
	for i, o := range f.Options {
		text := o.Text()
		if len(f.Standard) > 0 && !slices.Contains(f.Standard, o.Value) {
			text = bot.Truncate("⚠ "+text, 75)
		}
		options[i] = slack.NewOptionBlockObject(o.Value, ssPlain(text), nil)
		if slices.Contains(f.Default, o.Value) {
			initial = append(initial, options[i])
		}
	}
	if f.Type == selfservice.FieldMultiSelect {
		e := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, ssPlain("Choose…"), ssValueAction, options...)
		e.InitialOptions = initial
		if f.Max != nil && *f.Max >= 1 {
			n := int(*f.Max)
			e.MaxSelectedItems = &n
		}
		return e
	}
	e := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, ssPlain("Choose…"), ssValueAction, options...)
	if len(initial) > 0 {
		e.InitialOption = initial[0]
	}
	return e
}

// ssChosenType returns the type picked in a submitted or dispatched view:
// the picker's value, else the type the form was built for.
func ssChosenType(v *slack.View) string {
	if v == nil {
		return ""
	}
	if v.State != nil {
		if a, ok := v.State.Values[ssTypeBlock][ssActPick]; ok && a.SelectedOption.Value != "" {
			return a.SelectedOption.Value
		}
	}
	return v.PrivateMetadata
}

// ssInput reads the form's answers by field id from the view state,
// whatever element produced them.
func ssInput(v *slack.View, t *selfservice.Type) selfservice.Input {
	in := selfservice.Input{}
	if v == nil || v.State == nil {
		return in
	}
	for _, f := range t.Fields {
		a, ok := v.State.Values[ssFieldBlock(f.ID)][ssValueAction]
		if !ok {
			continue
		}
		in[f.ID] = ssActionValues(a)
	}
	return in
}

func ssActionValues(a slack.BlockAction) []string {
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

// ssFieldErrors turns the domain's errors by field id into the modal's by
// block id.
func ssFieldErrors(fe selfservice.FieldErrors) bot.FieldErrors {
	out := bot.FieldErrors{}
	for id, msg := range fe {
		out[ssFieldBlock(id)] = msg
	}
	return out
}

// ssSubmittedView replaces the form once the request is filed.
func ssSubmittedView(r *selfservice.Request, command string) *slack.ModalViewRequest {
	next := "It needs no approval."
	if r.State == selfservice.PendingApproval {
		next = "It is waiting for approval."
		if r.Exception {
			next = "It is an *exception* (a non-standard choice), so it is waiting for approval."
		}
	}
	text := fmt.Sprintf(":white_check_mark: %s is filed. %s I'll keep you posted in a DM; `%s status %s` shows where it is.",
		ssTitle(r), next, command, r.Ref())
	return &slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: ssViewRequest + ":done", Title: ssPlain("Request " + r.Ref()),
		Close: ssPlain("Done"), Blocks: slack.Blocks{BlockSet: []slack.Block{ssSection(text)}},
	}
}

// ssRejectModal asks an approver for the reason of a rejection.
func ssRejectModal(r *selfservice.Request) slack.ModalViewRequest {
	reason := slack.NewPlainTextInputBlockElement(ssPlain("The requester reads this."), ssValueAction)
	reason.Multiline = true
	reason.MaxLength = 1000
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: ssViewReject, PrivateMetadata: fmt.Sprint(r.ID),
		Title: ssPlain(bot.Truncate("Reject "+r.Ref(), 24)), Submit: ssPlain("Reject"), Close: ssPlain("Cancel"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			ssSection(fmt.Sprintf("%s for <@%s>", ssTitle(r), r.Requester)),
			slack.NewInputBlock(ssReasonBlock, ssPlain("Why?"), nil, reason),
		}},
	}
}
