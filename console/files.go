package console

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/platformbot/platformbot/bot"
)

var _ bot.Uploader = port{}

// UploadFile writes the file to Options.FilesDir (a folder under the
// system's temporary directory by default) and prints where it went, so
// that a chart the bot would share in Slack can be opened from the
// terminal. A file of the same name is replaced.
func (p port) UploadFile(_ context.Context, f bot.File) (string, error) {
	c := p.c
	c.mu.Lock()
	defer c.mu.Unlock()
	if f.Filename == "" || len(f.Data) == 0 {
		return "", fmt.Errorf("console: files.getUploadURLExternal: invalid_arguments: a file needs a name and content")
	}
	dir := c.opts.FilesDir
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "platformbot-console-files")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("console: upload: %w", err)
	}
	path := filepath.Join(dir, filepath.Base(f.Filename))
	if err := os.WriteFile(path, f.Data, 0o644); err != nil {
		return "", fmt.Errorf("console: upload: %w", err)
	}
	id := c.newID("F")
	in := where(f.Channel)
	if f.ThreadTS != "" {
		in += " (in the thread of " + f.ThreadTS + ")"
	}
	title := f.Title
	if title == "" {
		title = f.Filename
	}
	c.write(header("file shared in "+in) + fmt.Sprintf("%s: %s (%d bytes)\n", title, path, len(f.Data)))
	return id, nil
}
