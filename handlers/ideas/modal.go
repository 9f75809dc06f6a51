package ideas

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
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

// fieldErrors turns the domain's errors by field into the modal's.
func fieldErrors(fe dom.FieldErrors) bot.FieldErrors {
	out := bot.FieldErrors{}
	for f, msg := range fe {
		out[block(f)] = msg
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

// submitModal is the idea form. title prefills the title (from
// `/platform idea Some title`).
func submitModal(title, channel string) slack.ModalViewRequest {
	t := textInput(dom.FieldTitle, "Title", "e.g. Preview environments for every pull request", false, false, dom.MinTitle, dom.MaxTitle, "")
	t.Element.(*slack.PlainTextInputBlockElement).InitialValue = bot.Truncate(strings.TrimSpace(title), dom.MaxTitle)
	where := "It is posted to the request board, where people vote for it and discuss it in its thread."
	if channel != "" {
		where = fmt.Sprintf("It is posted to <#%s>, where people vote for it and discuss it in its thread.", channel)
	}
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewSubmit, Title: plain("Submit an idea"),
		Submit: plain("Submit"), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			contextBlock("Ask the platform team for something: a tool, a feature, a fix. " + where),
			t,
			textInput(dom.FieldProblem, "What problem does it solve?", "What is slow, hard or impossible today?", true, false, dom.MinProblem, dom.MaxProblem, ""),
			textInput(dom.FieldAffected, "Who is affected?", "e.g. every team deploying to Kubernetes, about 60 people", true, false, dom.MinAffected, dom.MaxAffected, ""),
			textInput(dom.FieldLink, "Link", "https://…", false, true, 0, dom.MaxLink, "An issue, a doc or a thread with more detail."),
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

// statusModal asks an admin for an idea's new status and the reason.
func statusModal(i dom.Idea) slack.ModalViewRequest {
	options := make([]*slack.OptionBlockObject, len(dom.Statuses))
	var initial *slack.OptionBlockObject
	for k, st := range dom.Statuses {
		options[k] = slack.NewOptionBlockObject(string(st), plain(st.Label()), nil)
		if st == i.Status {
			initial = options[k]
		}
	}
	sel := slack.NewOptionsSelectBlockElement(slack.OptTypeStatic, plain("Choose…"), valueAction, options...)
	sel.InitialOption = initial
	reason := textInput(dom.FieldReason, "Reason or note", "", true, true, 0, dom.MaxReason,
		"Required when declining: every voter reads it. Shipped and declined ideas DM each voter once.")
	reason.Element.(*slack.PlainTextInputBlockElement).InitialValue = i.Reason
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewStatus, PrivateMetadata: strconv.FormatInt(i.ID, 10),
		Title: plain(bot.Truncate(fmt.Sprintf("Status of #%d", i.ID), 24)), Submit: plain("Save"), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			section(fmt.Sprintf("*%s*\n%s · %s", title(i), votesText(i.Votes), statusText(i.Status))),
			slack.NewInputBlock(block(dom.FieldStatus), plain("Status"), nil, sel),
			reason,
		}},
	}
}

// mergeModal asks an admin which idea a duplicate merges into.
func mergeModal(i dom.Idea) slack.ModalViewRequest {
	return slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewMerge, PrivateMetadata: strconv.FormatInt(i.ID, 10),
		Title: plain(bot.Truncate(fmt.Sprintf("Merge #%d", i.ID), 24)), Submit: plain("Merge"), Close: plain("Cancel"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{
			section(fmt.Sprintf("*%s* (%s) is a duplicate of another idea: its votes move there, nobody counts twice, and its message then points at the other idea.",
				title(i), votesText(i.Votes))),
			textInput(dom.FieldInto, "Merge into idea number", "e.g. 7", false, false, 1, 12, ""),
		}},
	}
}

// doneView replaces a modal once it did its work.
func doneView(heading, text string) *slack.ModalViewRequest {
	return &slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: viewSubmit + ":done", Title: plain(bot.Truncate(heading, 24)), Close: plain("Done"),
		Blocks: slack.Blocks{BlockSet: []slack.Block{section(text)}},
	}
}

// parseID reads "12" or "#12".
func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	return id, err == nil && id > 0
}
