package slacksend

import (
	"context"

	"github.com/platformbot/platformbot/bot"
	"github.com/platformbot/platformbot/outbox"
)

// Upload is the payload of a file upload send: the file's bytes travel in
// the pending send itself (base64 in its JSON), so that the upload needs
// nothing but the row to be retried after a crash.
type Upload struct {
	Channel        string `json:"channel"`
	ThreadTS       string `json:"thread_ts,omitempty"`
	Filename       string `json:"filename"`
	Title          string `json:"title,omitempty"`
	AltText        string `json:"alt_text,omitempty"`
	InitialComment string `json:"initial_comment,omitempty"`
	Data           []byte `json:"data"`
}

// NewUpload returns a send of kind that shares f in its channel (thread).
func NewUpload(kind, key string, f bot.File) (outbox.Send, error) {
	return outbox.NewSend(kind, key, f.Channel, Upload{
		Channel: f.Channel, ThreadTS: f.ThreadTS, Filename: f.Filename, Title: f.Title,
		AltText: f.AltText, InitialComment: f.InitialComment, Data: f.Data,
	})
}

// File returns the file an Upload carries.
func (u Upload) File() bot.File {
	return bot.File{Channel: u.Channel, ThreadTS: u.ThreadTS, Filename: u.Filename, Title: u.Title,
		AltText: u.AltText, InitialComment: u.InitialComment, Data: u.Data}
}

// Uploads returns the deliverer of Upload payloads; its ref is the file id.
// An upload that follows a post (outbox.Send.After) without a thread of its
// own is shared in that post's thread.
func Uploads(u bot.Uploader) outbox.Deliverer {
	return func(ctx context.Context, s outbox.Send) (string, error) {
		var up Upload
		if err := s.Decode(&up); err != nil {
			return "", err
		}
		if up.ThreadTS == "" {
			up.ThreadTS = s.AfterRef
		}
		id, err := u.UploadFile(ctx, up.File())
		return id, Classify(err)
	}
}
