package selfservice

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
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

// fieldErrors turns the domain's errors by field id into the modal's by
// block id, in l.
func fieldErrors(l *i18n.Lang, fe ss.FieldErrors) bot.FieldErrors {
	out := bot.FieldErrors{}
	for id, msg := range fe {
		out[FieldBlock(id)] = fieldMessage(l, msg)
	}
	return out
}

// fixedChecks are the domain's validation messages without details.
var fixedChecks = map[string]i18n.ID{
	"Please fill this in.":          i18n.SelfServiceInvalidRequired,
	"Pick only one.":                i18n.SelfServiceInvalidOne,
	"Pick a person.":                i18n.SelfServiceInvalidPerson,
	"Pick a channel.":               i18n.SelfServiceInvalidChannel,
	"Enter a date like 2026-01-31.": i18n.SelfServiceInvalidDate,
	"Enter a number.":               i18n.SelfServiceInvalidNumber,
	"Enter a whole number.":         i18n.SelfServiceInvalidWhole,
	"Tell the requester why.":       i18n.SelfServiceRejectReasonRequired,
}

// detailedChecks are the domain's validation messages with details, by
// their shape; data turns the details into the message's data in l.
var detailedChecks = []struct {
	re   *regexp.Regexp
	id   i18n.ID
	data func(l *i18n.Lang, m []string) i18n.Data
}{
	{regexp.MustCompile(`^Use at least (\d+) characters\.$`), i18n.SelfServiceInvalidTextMin,
		func(l *i18n.Lang, m []string) i18n.Data { return i18n.Data{"Min": integer(l, m[1])} }},
	{regexp.MustCompile(`^Use at most (\d+) characters \(this is (\d+)\)\.$`), i18n.SelfServiceInvalidTextMax,
		func(l *i18n.Lang, m []string) i18n.Data {
			return i18n.Data{"Max": integer(l, m[1]), "Count": integer(l, m[2])}
		}},
	{regexp.MustCompile(`^Enter a number from (\S+) to (\S+)\.$`), i18n.SelfServiceInvalidNumberRange,
		func(l *i18n.Lang, m []string) i18n.Data {
			return i18n.Data{"Min": decimal(l, m[1]), "Max": decimal(l, m[2])}
		}},
	{regexp.MustCompile(`^Enter at least (\S+)\.$`), i18n.SelfServiceInvalidNumberMin,
		func(l *i18n.Lang, m []string) i18n.Data { return i18n.Data{"Min": decimal(l, m[1])} }},
	{regexp.MustCompile(`^Enter at most (\S+)\.$`), i18n.SelfServiceInvalidNumberMax,
		func(l *i18n.Lang, m []string) i18n.Data { return i18n.Data{"Max": decimal(l, m[1])} }},
	{regexp.MustCompile(`^(".*") is not one of the choices\.$`), i18n.SelfServiceInvalidChoice,
		func(_ *i18n.Lang, m []string) i18n.Data { return i18n.Data{"Value": m[1]} }},
	{regexp.MustCompile(`^(".*") is picked twice\.$`), i18n.SelfServiceInvalidTwice,
		func(_ *i18n.Lang, m []string) i18n.Data { return i18n.Data{"Value": m[1]} }},
	{regexp.MustCompile(`^Pick at least (\d+)\.$`), i18n.SelfServiceInvalidPickMin,
		func(l *i18n.Lang, m []string) i18n.Data { return i18n.Data{"Min": integer(l, m[1])} }},
	{regexp.MustCompile(`^Pick at most (\d+)\.$`), i18n.SelfServiceInvalidPickMax,
		func(l *i18n.Lang, m []string) i18n.Data { return i18n.Data{"Max": integer(l, m[1])} }},
	{regexp.MustCompile(`^Pick a date from (\S+) to (\S+)\.$`), i18n.SelfServiceInvalidDateRange,
		func(l *i18n.Lang, m []string) i18n.Data {
			return i18n.Data{"Range": l.T(i18n.SelfServiceRangeDates, i18n.Data{"From": m[1], "To": m[2]})}
		}},
	{regexp.MustCompile(`^Pick (\S+) or a later date\.$`), i18n.SelfServiceInvalidDateRange,
		func(l *i18n.Lang, m []string) i18n.Data {
			return i18n.Data{"Range": l.T(i18n.SelfServiceRangeLater, i18n.Data{"From": m[1]})}
		}},
	{regexp.MustCompile(`^Pick (\S+) or an earlier date\.$`), i18n.SelfServiceInvalidDateRange,
		func(l *i18n.Lang, m []string) i18n.Data {
			return i18n.Data{"Range": l.T(i18n.SelfServiceRangeEarlier, i18n.Data{"To": m[1]})}
		}},
	// last: the pattern hint is the catalog's own words
	{regexp.MustCompile(`^Use (.+)\.$`), i18n.SelfServiceInvalidPattern,
		func(_ *i18n.Lang, m []string) i18n.Data { return i18n.Data{"Hint": m[1]} }},
}

// fieldMessage is a validation message of the domain, which words its
// checks in English, in l: each is recognised by its shape (a test checks
// every check the domain makes); one not recognised is shown as it is.
func fieldMessage(l *i18n.Lang, msg string) string {
	if id, ok := fixedChecks[msg]; ok {
		return l.T(id)
	}
	for _, c := range detailedChecks {
		if m := c.re.FindStringSubmatch(msg); m != nil {
			return l.T(c.id, c.data(l, m))
		}
	}
	return msg
}

func integer(l *i18n.Lang, s string) string {
	n, err := strconv.Atoi(s)
	if err != nil {
		return s
	}
	return l.Int(n)
}

func decimal(l *i18n.Lang, s string) string {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return l.Number(x, 6)
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
