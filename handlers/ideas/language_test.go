package ideas

import (
	"testing"

	"github.com/platformbot/platformbot/i18n"
	dom "github.com/platformbot/platformbot/ideas"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// TestBoardInChannelLanguage: the board message, its updates and the
// status notes in its thread are in the board channel's configured
// language, else the default one.
func TestBoardInChannelLanguage(t *testing.T) {
	german := []string{
		"*#1 · Faster CI caches*\n:ballot_box_with_check: *2 Stimmen* · :new: Neu",
		"*Problem*", "*Wer ist betroffen*", "Eingereicht von <@UWEB1> (Web) · <!date^",
		"|30. Nov. 2026>", "Dafür stimmen", "Stimme zurückziehen", "Status setzen… (Plattform-Team)",
		":speech_balloon: Diskutiere sie im Thread dieser Nachricht.",
	}
	for _, tc := range []struct {
		name       string
		cfg        i18n.ChooserConfig
		board      []string
		note, text string
	}{
		{"channel configured de", i18n.ChooserConfig{Default: "en", Channels: map[string]string{testChannel: "de"}}, german,
			"Status: :rocket: *Ausgeliefert* (gesetzt von <@UADMIN>): In CI v42\nAlle 2 Personen, die dafür gestimmt haben, haben eine DM bekommen.",
			"Idee #1 hat jetzt den Status „Ausgeliefert“"},
		{"unconfigured channel, default de", i18n.ChooserConfig{Default: "de", Channels: map[string]string{"C0ELSEWHERE": "en"}}, german,
			"Status: :rocket: *Ausgeliefert*", "Idee #1 hat jetzt den Status „Ausgeliefert“"},
		{"unconfigured channel, default en", i18n.ChooserConfig{Channels: map[string]string{"C0ELSEWHERE": "de"}},
			[]string{"*#1 · Faster CI caches*\n:ballot_box_with_check: *2 votes* · :new: New", "Submitted by <@UWEB1> (Web)", "Unvote"},
			"Status: :rocket: *Shipped* (set by <@UADMIN>): In CI v42\nEach of the 2 voters got a DM.", "Idea #1 is now Shipped"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, storagetest.SQLite(t), dom.ByVotes)
			h.board.Languages = i18n.NewChooser(tc.cfg)
			i := h.file("UWEB1", "Faster CI caches")
			h.click("UAPI1", actVote, "1")
			h.click("UWEB2", actVote, "1")
			h.drain()
			board := h.slack.message(i.TS)
			wantIn(t, "board", flat(board), tc.board...)
			if tc.name == "channel configured de" {
				golden(t, "idea_board_de", board)
			}
			h.command(testAdmin, "ideas status 1 shipped In CI v42")
			h.drain()
			var note string
			for _, p := range h.slack.to(testChannel) {
				if p.Msg.ThreadTS == i.TS {
					note = flat(p.Msg)
				}
			}
			wantIn(t, "thread note", note, tc.note, tc.text)
		})
	}
}
