package surveys

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzSnapshot has one question of each kind.
var fuzzSnapshot = Snapshot{Title: "Pulse", Questions: []Question{
	{ID: "sat", Kind: Scale, Text: "How satisfied are you?", Labels: []string{"1", "2", "3", "4", "5"}},
	{ID: "nps", Kind: NPS, Text: "Recommend?"},
	{ID: "tool", Kind: Choice, Text: "Which tool?", Options: []string{"CI", "CD", "Docs"}},
	{ID: "why", Kind: Text, Text: "Anything else?"},
}}

// FuzzCheckAnswers feeds arbitrary answers (as a tap, a form or a stale
// button would send them) to the validation: it must not panic; a refusal
// is an InputError naming the question with a message for the person; what
// it accepts is in range, one answer per question in survey order, free
// text trimmed, non-empty and within MaxTextLength.
func FuzzCheckAnswers(f *testing.F) {
	f.Add("sat", 4, "", "why", 0, "  ok  ")
	f.Add("nps", 11, "", "tool", -1, "")
	f.Add("tool", 2, "x", "tool", 0, "")
	f.Add("why", 3, strings.Repeat("é", 2001), "sat", 1, "")
	f.Add("gone", 1, "", "sat", 1, "")
	f.Add("sat", 5, "", "sat", 1, "\t")
	f.Fuzz(func(t *testing.T, q1 string, v1 int, t1, q2 string, v2 int, t2 string) {
		in := []Answer{{QuestionID: q1, Value: v1, Text: t1}, {QuestionID: q2, Value: v2, Text: t2}}
		out, err := checkAnswers(fuzzSnapshot, in)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Msg == "" || ie.Why == "" || (ie.Question != q1 && ie.Question != q2) {
				t.Fatalf("refusal %v (%T) does not name one of %q, %q", err, err, q1, q2)
			}
			return
		}
		last := -1
		for _, a := range out {
			i := indexOf(a.QuestionID)
			if i <= last {
				t.Fatalf("answers %+v are not one per question in survey order", out)
			}
			last = i
			q := fuzzSnapshot.Questions[i]
			if q.Kind == Text {
				if a.Text == "" || a.Text != strings.TrimSpace(a.Text) || utf8.RuneCountInString(a.Text) > MaxTextLength || a.Value != 0 {
					t.Fatalf("accepted text answer %+v", a)
				}
				continue
			}
			vals := q.Values()
			if a.Value < vals[0] || a.Value > vals[len(vals)-1] || a.Text != "" {
				t.Fatalf("accepted %+v for a %s question", a, q.Kind)
			}
		}
	})
}

func indexOf(id string) int {
	for i, q := range fuzzSnapshot.Questions {
		if q.ID == id {
			return i
		}
	}
	return -1
}
