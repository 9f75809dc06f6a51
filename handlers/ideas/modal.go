package ideas

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/i18n"
	dom "github.com/platformbot/platformbot/ideas"
)

// Callback ids of the modals and the action id of their inputs.
const (
	viewSubmit  = "ideas_submit"
	viewStatus  = "ideas_status"
	viewMerge   = "ideas_merge"
	valueAction = "v"
)

// block is the block id of a domain field's input: the domain keys its
// errors by field, the modal by block.
func block(field string) string { return "idea_" + field }

// fieldErrors turns the domain's errors by field into the modal's, in
// the submitter's language l.
func fieldErrors(l *i18n.Lang, fe dom.FieldErrors) bot.FieldErrors {
	out := bot.FieldErrors{}
	for f, e := range fe {
		out[block(f)] = reasonText(l, e)
	}
	return out
}

func textInput(field, label, placeholder string, multiline, optional bool, minLen, maxLen int, hint string) *slack.InputBlock {
	e := slack.NewPlainTextInputBlockElement(nil, valueAction)
	if placeholder != "" {
		e.Placeholder = plain(placeholder)
	}
	e.Multiline, e.MinLength, e.MaxLength = multiline, minLen, maxLen
	var h *slack.TextBlockObject
	if hint != "" {
		h = plain(hint)
	}
	in := slack.NewInputBlock(block(field), plain(label), h, e)
	in.Optional = optional
	return in
}

// submitModal is the idea form, in l. title prefills the title (from
// `/platform idea Some title`).
func submitModal(l *i18n.Lang, title, channel string) slack.ModalViewRequest {
	t := textInput(dom.FieldTitle, l.T(i18n.IdeasFormTitleLabel), l.T(i18n.IdeasFormTitlePlaceholder), false, false, dom.MinTitle, dom.MaxTitle, "")
	t.Element.(*slack.PlainTextInputBlockElement).InitialValue = bot.Truncate(strings.TrimSpace(title), dom.MaxTitle)
	intro := l.T(i18n.IdeasFormIntro)
	if channel != "" {
		intro = l.T(i18n.IdeasFormIntroChannel, i18n.Data{"Channel": "<#" + channel + ">"})
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewSubmit, Title: plain(l.T(i18n.IdeasFormTitle)),
		Submit: plain(l.T(i18n.IdeasFormSubmit)), Close: plain(l.T(i18n.IdeasFormCancel)),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			contextBlock(intro),
			t,
			textInput(dom.FieldProblem, l.T(i18n.IdeasFormProblem), l.T(i18n.IdeasFormProblemPlaceholder), true, false, dom.MinProblem, dom.MaxProblem, ""),
			textInput(dom.FieldAffected, l.T(i18n.IdeasFormAffected), l.T(i18n.IdeasFormAffectedPlaceholder), true, false, dom.MinAffected, dom.MaxAffected, ""),
			textInput(dom.FieldLink, l.T(i18n.IdeasFormLink), "https://…", false, true, 0, dom.MaxLink, l.T(i18n.IdeasFormLinkHint)),
		}},
	}
}

// value reads one text input of a submitted view.
func value(v *slack.View, field string) string {
	if v == nil || v.State == nil {
		return ""
	}
	a := v.State.Values[block(field)][valueAction]
	if a.SelectedOption.Value != "" {
		return a.SelectedOption.Value
	}
	return a.Value
}

func draftOf(v *slack.View) dom.Draft {
	return dom.Draft{Title: value(v, dom.FieldTitle), Problem: value(v, dom.FieldProblem),
		Affected: value(v, dom.FieldAffected), Link: value(v, dom.FieldLink)}
}

// statusModal asks an admin, in their language l, for an idea's new
// status and the reason.
func statusModal(l *i18n.Lang, i dom.Idea) slack.ModalViewRequest {
	options := make([]*slack.OptionBlockObject, len(dom.Statuses))
	var initial *slack.OptionBlockObject
	for k, st := range dom.Statuses {
		options[k] = slack.NewOptionBlockObject(string(st), plain(statusLabel(l, st)), nil)
		if st == i.Status {
			initial = options[k]
		}
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain(l.T(i18n.IdeasFormChoose)), valueAction, options...)
	sel.InitialOption = initial
	reason := textInput(dom.FieldReason, l.T(i18n.IdeasFormReason), "", true, true, 0, dom.MaxReason, l.T(i18n.IdeasFormReasonHint))
	reason.Element.(*slack.PlainTextInputBlockElement).InitialValue = i.Reason
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewStatus, PrivateMetadata: strconv.FormatInt(i.ID, 10),
		Title:  plain(bot.Truncate(l.T(i18n.IdeasStatusHeading, i18n.Data{"ID": i.ID}), 24)),
		Submit: plain(l.T(i18n.IdeasFormSave)), Close: plain(l.T(i18n.IdeasFormCancel)),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			section(fmt.Sprintf("*%s*\n%s · %s", title(i), votesText(l, i.Votes), statusText(l, i.Status))),
			slack.NewInputBlock(block(dom.FieldStatus), plain(l.T(i18n.IdeasFormStatus)), nil, sel),
			reason,
		}},
	}
}

// mergeModal asks an admin, in their language l, which idea a duplicate
// merges into.
func mergeModal(l *i18n.Lang, i dom.Idea) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewMerge, PrivateMetadata: strconv.FormatInt(i.ID, 10),
		Title:  plain(bot.Truncate(l.T(i18n.IdeasFormMergeTitle, i18n.Data{"ID": i.ID}), 24)),
		Submit: plain(l.T(i18n.IdeasFormMerge)), Close: plain(l.T(i18n.IdeasFormCancel)),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			section(l.T(i18n.IdeasFormMergeIntro, i18n.Data{"Title": title(i), "Votes": votesText(l, i.Votes)})),
			textInput(dom.FieldInto, l.T(i18n.IdeasFormMergeInto), l.T(i18n.IdeasFormMergePlaceholder), false, false, 1, 12, ""),
		}},
	}
}

// doneView replaces a modal once it did its work; l is the submitter's
// language.
func doneView(l *i18n.Lang, heading, text string) *slack.ModalViewRequest {
	return &slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewSubmit + ":done", Title: plain(bot.Truncate(heading, 24)), Close: plain(l.T(i18n.IdeasFormDone)),
		Blocks: slack.Blocks{BlockSet: []slack.Block{section(text)}},
	}
}

// parseID reads "12" or "#12".
func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	return id, err == nil && id > 0
}
