package officehours

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/handlers/internal/handlertest"
)

// newGermanHarness is the harness with devBerlin, devTokyo and berlinHost
// writing in German (their Slack locale) and everyone else in English.
func newGermanHarness(t *testing.T) *harness {
	t.Helper()
	langs := handlertest.NewLanguages(map[string]string{devBerlin: "de-DE", berlinHost: "de-AT", devTokyo: "de-CH", devNY: "en-US"})
	return newHarnessIn(t, langs.Chooser())
}

// TestOfficeHoursListInGerman: the free slots, their day headings, buttons,
// footer and fallback text are in the asker's language; an English asker
// in the same workspace still reads English.
func TestOfficeHoursListInGerman(t *testing.T) {
	o := newGermanHarness(t)
	reply := o.Command(devBerlin, "list")
	wantContains(t, msgText(reply.Message), "Freie Sprechstunden-Termine", "*Mo. 1. Juni*", "16:00–16:30 bei <@UHOSTNYC01>", "Buchen",
		"*Di. 2. Juni*", "Zeiten in deiner Zeitzone (Europe/Berlin). `/officehours book` zeigt alle freien Termine in einem Formular")
	if want := "12 freie Sprechstunden-Termine, der erste am Mo. 1. Juni, 16:00–16:30"; reply.Text != want {
		t.Errorf("fallback text = %q, want %q", reply.Text, want)
	}
	golden(t, "list_berlin_de", reply.Blocks)

	en := msgText(o.Command(devNY, "list").Message)
	wantContains(t, en, "Free office-hours slots", "*Mon 1 Jun*", "10:00–10:30 with <@UHOSTNYC01>")
	if strings.Contains(en, "Termin") {
		t.Errorf("the English asker got German:\n%s", en)
	}
}

// TestOfficeHoursBookingInGerman: the booking form, its inline errors and
// the view that replaces it once booked are in the booker's language.
func TestOfficeHoursBookingInGerman(t *testing.T) {
	o := newGermanHarness(t)
	key := slotKey(berlinHost, tue1200Z)
	o.Click(devBerlin, actBook, key)
	form := o.slack.LastView(t)
	golden(t, "book_form_de", form)
	if form.Title.Text != "Sprechstunde buchen" || form.Submit.Text != "Buchen" || form.Close.Text != "Abbrechen" {
		t.Errorf("form %q / %q / %q, want German", form.Title.Text, form.Submit.Text, form.Close.Text)
	}
	slot := form.Blocks.BlockSet[0].(*slack.InputBlock)
	sel := slot.Element.(*slack.SelectBlockElement)
	if slot.Label.Text != "Termin" || slot.Hint.Text != "Zeiten in deiner Zeitzone (Europe/Berlin)" || sel.Placeholder.Text != "Wähle einen Termin" {
		t.Errorf("slot field %q / %q / %q, want German", slot.Label.Text, slot.Hint.Text, sel.Placeholder.Text)
	}
	if sel.InitialOption == nil || sel.InitialOption.Text.Text != "Di. 2. Juni, 14:00–14:30 bei Real UHOSTBER01" {
		t.Errorf("preselected option = %+v, want the clicked slot in German", sel.InitialOption)
	}
	wantContains(t, blocksText(form.Blocks.BlockSet), "Worüber möchtest du sprechen?", "z. B. Unsere Deployments")

	for _, tc := range []struct {
		name  string
		setup func(o *harness)
		key   string
		topic string
		want  map[string]string
	}{
		{name: "no slot picked", topic: "x", want: map[string]string{"slot": "Bitte wähle einen Termin."}},
		{name: "topic required", key: key, topic: " ", want: map[string]string{"topic": "Bitte sag in ein paar Worten, worüber du sprechen möchtest."}},
		{name: "too soon", key: slotKey(newYorkHost, mon1400Z), topic: "x",
			setup: func(o *harness) { o.clock.Advance(6*time.Hour + 30*time.Minute) },
			want:  map[string]string{"slot": "Dieser Termin beginnt zu bald: Termine müssen mindestens 1 Stunde vorher gebucht werden."}},
		{name: "weekly limit", key: key, topic: "x",
			setup: func(o *harness) { o.book(devBerlin, newYorkHost, mon1400Z, "t") },
			want: map[string]string{"slot": "Du hast in der Woche vom Mo. 1. Juni schon 1 Sprechstunden-Buchung, mehr darf eine Person nicht haben. " +
				"Sag mit `/officehours mine` eine ab, um eine andere zu buchen."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := newGermanHarness(t)
			if tc.setup != nil {
				tc.setup(o)
			}
			reply := o.Submit(devBerlin, ViewBook, "", bookValues(tc.key, tc.topic))
			if diff := cmp.Diff(tc.want, reply.ViewErrors); diff != "" {
				t.Errorf("view errors mismatch (-want +got):\n%s", diff)
			}
		})
	}

	reply := o.Submit(devBerlin, ViewBook, "", bookValues(key, "Kafka"))
	v := reply.ViewUpdate
	if v == nil || v.Title.Text != "Gebucht" || v.Close.Text != "Fertig" {
		t.Fatalf("submission reply = %+v, want the German booked view", reply)
	}
	golden(t, "booked_de", v)
	wantContains(t, blocksText(v.Blocks.BlockSet), ":white_check_mark: Gebucht: Sprechstunde mit <@UHOSTBER01> am *Di. 2. Juni, 14:00–14:30* (Europe/Berlin).",
		"Ich habe dir und deinem Gastgeber eine DM geschickt und erinnere euch beide 15 Minuten vorher.")

	// The slot is gone: a second Book click says so, in German.
	o.Click(devBerlin, actBook, key)
	wantContains(t, blocksText(o.slack.LastView(t).Blocks.BlockSet), ":hourglass: Leider hat gerade jemand anderes diesen Termin gebucht. Wähle einen anderen:")
	taken := o.Submit(devTokyo, ViewBook, "", bookValues(key, "again"))
	if taken.ViewUpdate == nil {
		t.Fatalf("reply = %+v, want the form again", taken)
	}
	wantContains(t, blocksText(taken.ViewUpdate.Blocks.BlockSet), "Hier sind die nächsten freien Termine:")
}

// TestOfficeHoursMineAndCancelInGerman: /officehours mine, cancel and their
// refusals answer in the asker's language.
func TestOfficeHoursMineAndCancelInGerman(t *testing.T) {
	o := newGermanHarness(t)
	o.book(devBerlin, newYorkHost, mon1400Z, "IAM")
	mine := o.Command(devBerlin, "mine")
	if mine.Text != "Du hast 1 kommende Sprechstunden-Buchung." {
		t.Errorf("mine fallback = %q", mine.Text)
	}
	wantContains(t, msgText(mine.Message), "Deine kommenden Sprechstunden", "*Mo. 1. Juni, 16:00–16:30* bei <@UHOSTNYC01>\n_IAM_  `#1`",
		"Absagen", "Absagen geht auch mit `/officehours cancel ID`.")

	for _, tc := range []struct {
		user, text, want string
	}{
		{devBerlin, "cancel", "Aufruf: `/officehours cancel ID`, mit der Nummer, die `/officehours mine` neben jeder Buchung zeigt."},
		{devBerlin, "cancel abc", `"abc" ist keine Buchungsnummer`},
		{devBerlin, "cancel 99", "Ich finde diese Buchung nicht. `/officehours mine` listet deine."},
		{devBerlin, "today", "Du bietest keine Sprechstunden an."},
		{devNY, "cancel 1", ":no_entry: Only the person who booked and the host can do that."},
	} {
		if got := o.Command(tc.user, tc.text).Text; !strings.Contains(got, tc.want) {
			t.Errorf("%s %q = %q, want %q", tc.user, tc.text, got, tc.want)
		}
	}
	wantContains(t, o.Click(devBerlin, actCancel, "1").Text, ":wastebasket: Buchung `#1` am Mo. 1. Juni, 16:00–16:30 abgesagt. Ich habe <@UHOSTNYC01> Bescheid gegeben.")
	if got := o.Command(devBerlin, "cancel 1").Text; got != "Diese Buchung wurde schon abgesagt." {
		t.Errorf("second cancel = %q", got)
	}
	wantContains(t, o.Command(devBerlin, "mine").Text, "Du hast keine kommenden Sprechstunden. `/officehours list` zeigt die freien Termine.")
	wantContains(t, o.Command(devBerlin, "help").Text, "die nächsten freien Termine, in deiner Zeitzone",
		"für Gastgeber: deine Buchungen heute und morgen (auch `/officehours` allein)")
}

// TestOfficeHoursHostDayInGerman: a German host's day, blocking a slot and
// marking a no-show.
func TestOfficeHoursHostDayInGerman(t *testing.T) {
	o := newGermanHarness(t)
	o.clock.Advance(24 * time.Hour) // Tuesday 09:00 Berlin
	o.book(devNY, berlinHost, tue1200Z, "Kafka quotas")
	day := o.Command(berlinHost, "")
	golden(t, "host_day_de", day.Blocks)
	if day.Text != "Du hast heute und morgen 1 Sprechstunden-Buchung." {
		t.Errorf("fallback = %q", day.Text)
	}
	wantContains(t, msgText(day.Message), "Deine Sprechstunden heute und morgen", "*Di. 2. Juni, 14:00–14:30* — <@UDEVNYC001> hat deine Sprechstunde gebucht",
		"*Noch frei*", "14:30–15:00, dein Termin", "Blockieren")

	k1430 := slotKey(berlinHost, tue1200Z.Add(30*time.Minute))
	wantContains(t, o.Click(berlinHost, actBlock, k1430).Text, ":no_entry_sign: Di. 2. Juni, 14:30–15:00 ist blockiert")
	wantContains(t, o.Click(berlinHost, actBlock, k1430).Text, "Dieser Termin ist schon gebucht oder blockiert.")
	wantContains(t, o.Click(berlinHost, actNoShow, "1").Text, "Die Sprechstunde hat noch nicht begonnen; markiere „nicht erschienen“")
	wantContains(t, msgText(o.Command(berlinHost, "mine").Message), "— blockiert", "Freigeben")

	o.clock.Advance(5*time.Hour + 5*time.Minute) // 14:05 Berlin
	wantContains(t, msgText(o.Command(berlinHost, "").Message), "Nicht erschienen")
	wantContains(t, o.Click(berlinHost, actNoShow, "1").Text, ":ghost: <@UDEVNYC001> ist als nicht erschienen markiert (Di. 2. Juni, 14:00–14:30).")
	wantContains(t, o.Click(berlinHost, actCancel, "2").Text, "Di. 2. Juni, 14:30–15:00 ist wieder freigegeben")
}

// TestOfficeHoursHomeSectionInGerman: the App Home section is rendered in
// the viewing user's language.
func TestOfficeHoursHomeSectionInGerman(t *testing.T) {
	o := newGermanHarness(t)
	o.book(devBerlin, newYorkHost, mon1400Z, "IAM")
	blocks, err := o.h.HomeSection(context.Background(), devBerlin)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "home_berlin_de", blocks)
	wantContains(t, blocksText(blocks), "Sprechstunden", "*Deine kommenden Sprechstunden*", "*Mo. 1. Juni, 16:00–16:30* bei <@UHOSTNYC01>",
		"*Nächste freie Termine*", "*Di. 2. Juni*", "Zeiten in deiner Zeitzone (Europe/Berlin). `/officehours list` zeigt mehr.")
	en, err := o.h.HomeSection(context.Background(), devNY)
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, blocksText(en), "Office hours", "*Next free slots*", "Times in your time zone (America/New_York).")
}
