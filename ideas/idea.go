// Package ideas is the platform team's request board: anyone submits an
// idea (a feature request), people vote for it — one vote per person,
// enforced by the store — admins move it through a status, and the board
// ranks ideas by votes, optionally weighted by the teams that asked, so
// the product manager can weigh competing requests in the open.
//
// The package knows nothing of Slack or SQL. It declares the Store it
// needs (storage implements it), the Notifier that queues the board
// message, its updates and the voters' DMs (the handlers render and hand
// them to the outbox), and the Teams directory that says who is in which
// team and how big each team is.
package ideas

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/platformbot/platformbot/domain"
)

// Status is where an idea stands.
type Status string

// Statuses, in the order an idea usually goes through them. Merged is set
// only by Merge: the idea lives on in another one.
const (
	Open        Status = "open"
	UnderReview Status = "under_review"
	Planned     Status = "planned"
	InProgress  Status = "in_progress"
	Shipped     Status = "shipped"
	Declined    Status = "declined"
	Merged      Status = "merged"
)

// Statuses are the statuses an admin can set, in display order.
var Statuses = []Status{Open, UnderReview, Planned, InProgress, Shipped, Declined}

// ActiveStatuses are the statuses that still take votes.
var ActiveStatuses = []Status{Open, UnderReview, Planned, InProgress}

// Label is the status as people read it.
func (s Status) Label() string {
	switch s {
	case Open:
		return "New"
	case UnderReview:
		return "Under review"
	case Planned:
		return "Planned"
	case InProgress:
		return "In progress"
	case Shipped:
		return "Shipped"
	case Declined:
		return "Declined"
	case Merged:
		return "Merged"
	}
	return string(s)
}

// Votable reports whether ideas in this status take (and give back)
// votes: a shipped, declined or merged idea keeps the votes it had, so
// that the people told about the decision are the ones who asked.
func (s Status) Votable() bool { return slices.Contains(ActiveStatuses, s) }

// Decided reports whether reaching this status tells every voter by DM.
func (s Status) Decided() bool { return s == Shipped || s == Declined }

// ParseStatus reads a status as people type it: "in progress",
// "in-progress", "in_progress", "inprogress" and "review" all work.
func ParseStatus(s string) (Status, bool) {
	k := strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToLower(strings.TrimSpace(s)))
	switch k {
	case "open", "new", "reopen":
		return Open, true
	case "underreview", "review", "reviewing":
		return UnderReview, true
	case "planned", "plan":
		return Planned, true
	case "inprogress", "progress", "started", "doing":
		return InProgress, true
	case "shipped", "ship", "done", "released":
		return Shipped, true
	case "declined", "decline", "rejected", "wontdo":
		return Declined, true
	}
	return "", false
}

// Idea is one request on the board.
type Idea struct {
	ID       int64
	Title    string
	Problem  string // what hurts today
	Affected string // who is affected, in the author's words
	Link     string // optional http(s) link (an issue, a doc)
	Author   string // Slack user id
	// AuthorTeam is the author's team when the idea was submitted; like
	// votes, an idea keeps the team it was filed under.
	AuthorTeam string
	Status     Status
	// Reason explains a decline (required then); for other statuses it is
	// an optional note from the admin.
	Reason     string
	StatusBy   string // admin who set the status; "" while Open
	StatusAt   time.Time
	MergedInto int64 // for Merged: the idea it lives on in
	Votes      int
	// Version grows with every change the board message shows (a vote, a
	// status, a merge), so that an update of the message can tell whether
	// a newer one is on its way.
	Version   int64
	Channel   string // the board message, once posted
	TS        string
	CreatedAt time.Time
}

// Posted reports whether the idea's board message exists.
func (i Idea) Posted() bool { return i.Channel != "" && i.TS != "" }

// Vote is one person's vote, with the team they were in when they voted.
type Vote struct {
	User string
	Team string
	At   time.Time
}

// Limits of the submission form, in characters.
const (
	MinTitle    = 5
	MaxTitle    = 120
	MinProblem  = 10
	MaxProblem  = 2000
	MinAffected = 3
	MaxAffected = 500
	MaxLink     = 500
	MaxReason   = 500
)

// Draft is a submission as typed in the form.
type Draft struct {
	Title, Problem, Affected, Link string
}

// Form field ids, the keys of FieldErrors.
const (
	FieldTitle    = "title"
	FieldProblem  = "problem"
	FieldAffected = "affected"
	FieldLink     = "link"
	FieldReason   = "reason"
	FieldStatus   = "status"
	FieldInto     = "into"
)

// Clean trims every field.
func (d Draft) Clean() Draft {
	return Draft{
		Title: strings.TrimSpace(d.Title), Problem: strings.TrimSpace(d.Problem),
		Affected: strings.TrimSpace(d.Affected), Link: strings.TrimSpace(d.Link),
	}
}

// Validate checks a cleaned draft and returns the problems by field, or
// nil. Slack's form enforces the lengths too, but the console, old
// clients and hand-made payloads do not.
func (d Draft) Validate() FieldErrors {
	fe := FieldErrors{}
	lengthOK(fe, FieldTitle, d.Title, MinTitle, MaxTitle, fieldError(ReasonTitleMissing, nil, "Give the idea a title."))
	lengthOK(fe, FieldProblem, d.Problem, MinProblem, MaxProblem, fieldError(ReasonProblemMissing, nil, "Describe the problem."))
	lengthOK(fe, FieldAffected, d.Affected, MinAffected, MaxAffected, fieldError(ReasonAffectedMissing, nil, "Say who is affected."))
	if d.Link != "" {
		if problem := checkLink(d.Link); problem != nil {
			fe[FieldLink] = problem
		}
	}
	if len(fe) == 0 {
		return nil
	}
	return fe
}

func lengthOK(fe FieldErrors, field, v string, lo, hi int, missing *domain.Error) {
	n := utf8.RuneCountInString(v)
	switch {
	case n == 0:
		fe[field] = missing
	case n < lo:
		fe[field] = fieldError(ReasonTooShort, map[string]any{"Min": lo}, "Use at least %d characters.", lo)
	case n > hi:
		fe[field] = fieldError(ReasonTooLong, map[string]any{"Max": hi, "Count": n}, "Use at most %d characters (this has %d).", hi, n)
	}
}

// checkLink accepts absolute http and https URLs with a host and nothing
// Slack would read as markup.
func checkLink(s string) *domain.Error {
	if utf8.RuneCountInString(s) > MaxLink {
		return fieldError(ReasonLinkTooLong, map[string]any{"Max": MaxLink}, "Use a link of at most %d characters.", MaxLink)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fieldError(ReasonLinkScheme, nil, "Use a web link starting with https:// (or http://).")
	}
	if strings.ContainsAny(s, "<>| \t\n") {
		return fieldError(ReasonLinkChars, nil, "The link must not contain spaces, <, > or |.")
	}
	return nil
}
