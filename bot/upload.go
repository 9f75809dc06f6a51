package bot

import (
	"bytes"
	"context"
	"errors"

	"github.com/slack-go/slack"
)

// File is a file to share in a channel, optionally in a thread.
type File struct {
	Channel        string // a conversation id (C…, G…, D…)
	ThreadTS       string // share it as a reply in this message's thread
	Filename       string // e.g. "deployments.png"
	Title          string
	AltText        string // describes an image for screen readers
	InitialComment string // a message posted with the file
	Data           []byte
}

// Uploader shares files. It is separate from Slack because few features
// upload, and a port with one method is easy to provide: API implements it
// with Slack's upload flow, the console by writing the file to a folder.
type Uploader interface {
	UploadFile(ctx context.Context, f File) (fileID string, err error)
}

var _ Uploader = (*API)(nil)

// uploadMethod labels the POST of a file's bytes to the URL that
// files.getUploadURLExternal returned; it is not a Web API method, so it
// has no rate limit of its own, but it is retried and counted like one.
const uploadMethod = "files.upload_url"

// UploadFile shares f with Slack's current upload flow:
// files.getUploadURLExternal, a POST of the bytes to the URL it returns,
// then files.completeUploadExternal, which shares the file in the channel
// (thread). Each step is paced and retried on its own, so a 5xx on the
// last step does not upload the bytes again. A flow that fails after its
// first step leaves an unshared file behind, which nobody sees.
func (a *API) UploadFile(ctx context.Context, f File) (string, error) {
	if f.Filename == "" || len(f.Data) == 0 {
		return "", errors.New("slack files.getUploadURLExternal: a file needs a name and content")
	}
	var u *slack.GetUploadURLExternalResponse
	err := a.call(ctx, "files.getUploadURLExternal", "", func(ctx context.Context) (err error) {
		u, err = a.client.GetUploadURLExternalContext(ctx, slack.GetUploadURLExternalParameters{
			FileName: f.Filename, FileSize: len(f.Data), AltTxt: f.AltText,
		})
		return err
	})
	if err != nil {
		return "", err
	}
	err = a.call(ctx, uploadMethod, "", func(ctx context.Context) error {
		return a.client.UploadToURL(ctx, slack.UploadToURLParameters{
			UploadURL: u.UploadURL, Filename: f.Filename, Reader: bytes.NewReader(f.Data),
		})
	})
	if err != nil {
		return "", err
	}
	title := f.Title
	if title == "" {
		title = f.Filename
	}
	err = a.call(ctx, "files.completeUploadExternal", "", func(ctx context.Context) error {
		_, err := a.client.CompleteUploadExternalContext(ctx, slack.CompleteUploadExternalParameters{
			Files: []slack.FileSummary{{ID: u.FileID, Title: title}}, Channel: f.Channel,
			ThreadTimestamp: f.ThreadTS, InitialComment: f.InitialComment,
		})
		return err
	})
	if err != nil {
		return "", err
	}
	return u.FileID, nil
}
