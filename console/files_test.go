package console_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/console"
)

// TestUploadWritesFile: an upload lands in FilesDir and its path is printed.
func TestUploadWritesFile(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	c := console.New(console.Options{Out: &out, FilesDir: dir})
	up, ok := c.Slack().(bot.Uploader)
	if !ok {
		t.Fatal("the console's Slack port does not upload")
	}
	id, err := up.UploadFile(t.Context(), bot.File{Channel: "C0REPORT1", ThreadTS: "1.000002", Filename: "../chart.png", Title: "Chart", Data: []byte("png")})
	if err != nil || id == "" {
		t.Fatal(id, err)
	}
	path := filepath.Join(dir, "chart.png")
	if data, err := os.ReadFile(path); err != nil || string(data) != "png" {
		t.Errorf("file = %q, %v", data, err)
	}
	if got := out.String(); !strings.Contains(got, "file shared in #C0REPORT1 (in the thread of 1.000002)") || !strings.Contains(got, "Chart: "+path+" (3 bytes)") {
		t.Errorf("output:\n%s", got)
	}
	if _, err := up.UploadFile(t.Context(), bot.File{Channel: "C1", Filename: "x.png"}); err == nil {
		t.Error("an empty upload was accepted")
	}
}
