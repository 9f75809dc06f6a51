package selfservice

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/domain"
	"github.com/platformbot/platformbot/i18n"
	ss "github.com/platformbot/platformbot/selfservice"
)

// FieldBlock is the block id of a field's input; the domain keys its
// errors by field id, the modal by block id.
func FieldBlock(fieldID string) string { return "f_" + fieldID }

// requestModal is the request form: a type picker (dispatch_action, so
// that picking a type swaps in its fields through views.update) and, once
// a type is chosen, its description, approval note and fields, in l. The
// chosen type id travels in private_metadata. Titles, descriptions, labels
// and hints of the catalog are shown as configured.
func requestModal(l *i18n.Lang, types []*ss.Type, chosen *ss.Type) slack.ModalViewRequest {
	options := make([]*slack.OptionBlockObject, len(types))
	var initial *slack.OptionBlockObject
	for i, t := range types {
		options[i] = slack.NewOptionBlockObject(t.ID, plain(bot.Truncate(t.Title, 75)), nil)
		if chosen != nil && t.ID == chosen.ID {
			initial = options[i]
		}
	}
	picker := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(l.T(i18n.SelfServiceChoose)), actPick, options...)
	picker.InitialOption = initial
	pick := slack.NewInputBlock(TypeBlock, plain(l.T(i18n.SelfServiceFormWhat)), nil, picker)
	pick.DispatchAction = true
	blocks := []slack.Block{pick}
	meta, submit := "", l.T(i18n.SelfServiceFormNext)
	if chosen != nil {
		meta, submit = chosen.ID, l.T(i18n.SelfServiceFormSubmit)
		blocks = append(blocks, typeIntro(l, chosen))
		for _, f := range chosen.Fields {
			blocks = append(blocks, fieldInput(l, f))
		}
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: ViewRequest, PrivateMetadata: meta,
		Title: plain(l.T(i18n.SelfServiceFormTitle)), Submit: plain(submit), Close: plain(l.T(i18n.SelfServiceFormCancel)),
		Blocks: slack.Blocks{BlockSet: blocks},
	}
}

// typeIntro says what the type is and what happens after submitting.
func typeIntro(l *i18n.Lang, t *ss.Type) slack.Block {
	var parts []string
	if d := strings.TrimSpace(t.Description); d != "" {
		parts = append(parts, bot.Escape(d))
	}
	parts = append(parts, policyText(l, t))
	return contextBlock(strings.Join(parts, "\n"))
}

// policyText explains approval and fulfilment in one line, in l.
func policyText(l *i18n.Lang, t *ss.Type) string {
	p := t.Policy(false)
	var who string
	switch p.Kind {
	case ss.ApprovalNone:
		who = l.T(i18n.SelfServicePolicyNone)
	case ss.ApprovalUserGroup:
		who = l.N(i18n.SelfServicePolicyGroup, max(p.Required, 1), i18n.Data{"Group": p.UserGroup})
	default:
		who = l.N(i18n.SelfServicePolicyTeam, max(p.Required, 1))
	}
	how := l.T(i18n.SelfServiceFulfilManual)
	if t.Automation.Enabled() {
		how = l.T(i18n.SelfServiceFulfilAutomatic)
	}
	text := l.T(i18n.SelfServicePolicy, i18n.Data{"Who": who, "How": how})
	for _, f := range t.Fields {
		if len(f.Standard) > 0 {
			text += " " + l.T(i18n.SelfServicePolicyNonstandard)
			break
		}
	}
	return text
}

// fieldInput renders one catalog field as an input block; the label and
// hint are the catalog's, the words the bot adds to the hint are in l.
func fieldInput(l *i18n.Lang, f ss.Field) *slack.InputBlock {
	hint := f.Hint
	if f.PatternHint != "" && !strings.Contains(hint, f.PatternHint) {
		hint = strings.TrimSpace(hint + " " + l.T(i18n.SelfServiceHintUse, i18n.Data{"Hint": f.PatternHint}))
	}
	if r := rangeHint(l, f); r != "" {
		hint = strings.TrimSpace(hint + " " + r)
	}
	var hintObj *slack.TextBlockObject
	if hint != "" {
		hintObj = plain(bot.Truncate(hint, 2000))
	}
	in := slack.NewInputBlock(FieldBlock(f.ID), plain(bot.Truncate(f.Label, 2000)), hintObj, element(l, f))
	in.Optional = !f.Required
	return in
}

// rangeHint states a number or date field's bounds up front, so that
// people do not learn them from an error.
func rangeHint(l *i18n.Lang, f ss.Field) string {
	if f.Type == ss.FieldDate {
		return dateRange(l, f)
	}
	if f.Type != ss.FieldNumber {
		return ""
	}
	n := func(x *float64) string { return l.Number(*x, 6) }
	switch {
	case f.Min != nil && f.Max != nil:
		return l.T(i18n.SelfServiceRangeFromTo, i18n.Data{"Min": n(f.Min), "Max": n(f.Max)})
	case f.Min != nil:
		return l.T(i18n.SelfServiceRangeAtLeast, i18n.Data{"Min": n(f.Min)})
	case f.Max != nil:
		return l.T(i18n.SelfServiceRangeAtMost, i18n.Data{"Max": n(f.Max)})
	}
	return ""
}

// dateRange describes the dates a field accepts in days from today ("Today
// or a later date.", "A date from today to 90 days from today."), in l.
func dateRange(l *i18n.Lang, f ss.Field) string {
	lo, hi := ss.DateBounds(f)
	day := func(n int) string {
		switch {
		case n == 0:
			return l.T(i18n.SelfServiceDayToday)
		case n == 1:
			return l.T(i18n.SelfServiceDayTomorrow)
		case n > 0:
			return l.N(i18n.SelfServiceDaysFromToday, n)
		}
		return l.N(i18n.SelfServiceDaysAgo, -n)
	}
	switch {
	case lo != nil && hi != nil:
		return capitalize(l.T(i18n.SelfServiceDatesFromTo, i18n.Data{"From": day(*lo), "To": day(*hi)}))
	case lo != nil:
		return capitalize(l.T(i18n.SelfServiceDatesLater, i18n.Data{"From": day(*lo)}))
	case hi != nil:
		return capitalize(l.T(i18n.SelfServiceDatesEarlier, i18n.Data{"To": day(*hi)}))
	}
	return ""
}

func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

func defaultValue(f ss.Field) string {
	if len(f.Default) == 0 {
		return ""
	}
	return f.Default[0]
}

// element returns the input element of a field kind, with its default.
func element(l *i18n.Lang, f ss.Field) slack.BlockElement {
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
		return selectElement(l, f)
	case ss.FieldUser:
		e := slack.NewOptionsSelectBlockElement(slack.OptTypeUser, plain(l.T(i18n.SelfServiceChoosePerson)), ValueAction)
		e.InitialUser = def
		return e
	case ss.FieldChannel:
		e := slack.NewOptionsSelectBlockElement(slack.OptTypeChannels, plain(l.T(i18n.SelfServiceChooseChannel)), ValueAction)
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

func selectElement(l *i18n.Lang, f ss.Field) slack.BlockElement {
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
		e := slack.NewOptionsMultiSelectBlockElement(slack.MultiOptTypeStatic, plain(l.T(i18n.SelfServiceChoose)), ValueAction, options...)
		e.InitialOptions = initial
		if f.Max != nil && *f.Max >= 1 {
			n := int(*f.Max)
			e.MaxSelectedItems = &n
		}
		return e
	}
	e := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(l.T(i18n.SelfServiceChoose)), ValueAction, options...)
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

// fieldErrors words the domain's errors by field id as the modal's by
// block id, in l.
func fieldErrors(l *i18n.Lang, fe ss.FieldErrors) bot.FieldErrors {
	out := bot.FieldErrors{}
	for id, e := range fe {
		out[FieldBlock(id)] = fieldMessage(l, e)
	}
	return out
}

// fieldMessages word the reasons of the domain's field errors
// (selfservice.FieldReasons).
var fieldMessages = map[string]i18n.ID{
	ss.ReasonRequired:    i18n.SelfServiceInvalidRequired,
	ss.ReasonOneOnly:     i18n.SelfServiceInvalidOne,
	ss.ReasonPerson:      i18n.SelfServiceInvalidPerson,
	ss.ReasonChannel:     i18n.SelfServiceInvalidChannel,
	ss.ReasonDate:        i18n.SelfServiceInvalidDate,
	ss.ReasonDateRange:   i18n.SelfServiceInvalidDateRange,
	ss.ReasonTextMin:     i18n.SelfServiceInvalidTextMin,
	ss.ReasonTextMax:     i18n.SelfServiceInvalidTextMax,
	ss.ReasonPattern:     i18n.SelfServiceInvalidPattern,
	ss.ReasonNumber:      i18n.SelfServiceInvalidNumber,
	ss.ReasonWhole:       i18n.SelfServiceInvalidWhole,
	ss.ReasonNumberRange: i18n.SelfServiceInvalidNumberRange,
	ss.ReasonNumberMin:   i18n.SelfServiceInvalidNumberMin,
	ss.ReasonNumberMax:   i18n.SelfServiceInvalidNumberMax,
	ss.ReasonChoice:      i18n.SelfServiceInvalidChoice,
	ss.ReasonTwice:       i18n.SelfServiceInvalidTwice,
	ss.ReasonPickMin:     i18n.SelfServiceInvalidPickMin,
	ss.ReasonPickMax:     i18n.SelfServiceInvalidPickMax,
	ss.ReasonWhyMissing:  i18n.SelfServiceRejectReasonRequired,
}

// fieldMessage words a field error of the domain in l, by its reason (a
// test checks that every reason has words); one without words keeps the
// domain's English message.
func fieldMessage(l *i18n.Lang, e *domain.Error) string {
	return i18n.Worded(l, fieldMessages, e.Reason, fieldData(l, e), e.Message)
}

// fieldData is a field error's params as the data of its message in l:
// numbers grouped, a picked value quoted, a range of dates worded.
func fieldData(l *i18n.Lang, e *domain.Error) i18n.Data {
	data := i18n.Data{}
	for k, v := range e.Params {
		switch v := v.(type) {
		case int:
			data[k] = l.Int(v)
		case float64:
			data[k] = l.Number(v, 6)
		default:
			data[k] = v
		}
	}
	if v, ok := e.Params["Value"].(string); ok {
		data["Value"] = strconv.Quote(v)
	}
	if e.Reason == ss.ReasonDateRange {
		data["Range"] = dateRangeText(l, e.Params)
	}
	return data
}

// dateRangeText words the dates a field allows, From and/or To, in l.
func dateRangeText(l *i18n.Lang, p map[string]any) string {
	from, hasFrom := p["From"]
	to, hasTo := p["To"]
	switch {
	case hasFrom && hasTo:
		return l.T(i18n.SelfServiceRangeDates, i18n.Data{"From": from, "To": to})
	case hasFrom:
		return l.T(i18n.SelfServiceRangeLater, i18n.Data{"From": from})
	}
	return l.T(i18n.SelfServiceRangeEarlier, i18n.Data{"To": to})
}

// submittedView replaces the form once the request is filed, in l.
func submittedView(l *i18n.Lang, r *ss.Request, command string) *slack.ModalViewRequest {
	next := l.T(i18n.SelfServiceFiledNoApproval)
	if r.State == ss.PendingApproval {
		next = l.T(i18n.SelfServiceFiledPending)
		if r.Exception {
			next = l.T(i18n.SelfServiceFiledException)
		}
	}
	text := l.T(i18n.SelfServiceFiled, i18n.Data{"Title": requestTitleIn(l, r), "Next": next, "Command": command, "Ref": r.Ref()})
	return &slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: ViewRequest + ":done", Title: plain(bot.Truncate(l.T(i18n.SelfServiceFiledTitle, i18n.Data{"Ref": r.Ref()}), 24)),
		Close: plain(l.T(i18n.SelfServiceFiledClose)), Blocks: slack.Blocks{BlockSet: []slack.Block{section(text)}},
	}
}

// rejectModal asks an approver for the reason of a rejection, in l.
func rejectModal(l *i18n.Lang, r *ss.Request) slack.ModalViewRequest {
	reason := slack.NewPlainTextInputBlockElement(plain(l.T(i18n.SelfServiceRejectPlaceholder)), ValueAction)
	reason.Multiline = true
	reason.MaxLength = 1000
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: ViewReject, PrivateMetadata: fmt.Sprint(r.ID),
		Title:  plain(bot.Truncate(l.T(i18n.SelfServiceRejectTitle, i18n.Data{"Ref": r.Ref()}), 24)),
		Submit: plain(l.T(i18n.SelfServiceRejectSubmit)), Close: plain(l.T(i18n.SelfServiceFormCancel)),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			section(l.T(i18n.SelfServiceRejectFor, i18n.Data{"Title": requestTitleIn(l, r), "User": r.Requester})),
			slack.NewInputBlock(ReasonBlock, plain(l.T(i18n.SelfServiceRejectWhy)), nil, reason),
		}},
	}
}
