package bot_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/internal/fakeslack"
)

// TestUploadFile: the three steps of Slack's upload flow, in order, and
// the file shared in the thread; a 5xx on the last step retries only that
// step; Slack's refusals are Slack errors.
func TestUploadFile(t *testing.T) {
	fake := fakeslack.New()
	t.Cleanup(fake.Close)
	api := bot.NewAPI(bot.APIConfig{BotToken: fakeslack.BotToken, APIURL: fake.APIURL(), Log: zerolog.Nop()})
	ctx := context.Background()
	parent, err := api.PostMessage(ctx, "C0REPORT1", bot.Text("the report"))
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 100)
	fake.FailNext("files.completeUploadExternal", 1, 503, 0)
	id, err := api.UploadFile(ctx, bot.File{Channel: "C0REPORT1", ThreadTS: parent, Filename: "chart.png", Title: "Chart", AltText: "a chart", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	var methods []string
	for _, c := range fake.Calls("") {
		if c.Method != "chat.postMessage" {
			methods = append(methods, c.Method)
		}
	}
	want := []string{"files.getUploadURLExternal", fakeslack.UploadMethod, "files.completeUploadExternal", "files.completeUploadExternal"}
	if len(methods) != len(want) {
		t.Fatalf("calls = %v, want %v", methods, want)
	}
	for i := range want {
		if methods[i] != want[i] {
			t.Fatalf("calls = %v, want %v", methods, want)
		}
	}
	files := fake.Files()
	if len(files) != 1 || files[0].ID != id || !bytes.Equal(files[0].Data, data) || files[0].Title != "Chart" ||
		files[0].Channel != "C0REPORT1" || files[0].ThreadTS != parent || !files[0].Completed {
		t.Errorf("files = %+v", files)
	}
	msgs := fake.Messages("C0REPORT1")
	if len(msgs) != 2 || msgs[1].ThreadTS != parent || len(msgs[1].Files) != 1 || msgs[1].Files[0] != id {
		t.Errorf("messages = %+v", msgs)
	}

	fake.SetError("files.getUploadURLExternal", "not_authed")
	_, err = api.UploadFile(ctx, bot.File{Channel: "C0REPORT1", Filename: "x.png", Data: data})
	var se slack.SlackErrorResponse
	if !errors.As(err, &se) || se.Err != "not_authed" {
		t.Errorf("refused upload: %v", err)
	}
	if _, err := api.UploadFile(ctx, bot.File{Channel: "C0REPORT1", Filename: "x.png"}); err == nil {
		t.Error("an empty file was uploaded")
	}
}
