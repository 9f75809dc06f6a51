package fakeslack

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// UploadMethod names, in Calls, the POST of a file's bytes to the upload
// URL (not a Web API method).
const UploadMethod = "upload"

// File is a file uploaded the v2 way: files.getUploadURLExternal, a POST to
// the returned upload URL, then files.completeUploadExternal.
type File struct {
	ID, Name, Title string
	Length          int    // as announced to files.getUploadURLExternal
	Data            []byte // as POSTed to the upload URL
	Completed       bool
	Channel         string // channel_id, or the channels list, comma separated
	ThreadTS        string
	InitialComment  string
}

// Files returns every file announced, in order.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]File, 0, len(s.fileOrder))
	for _, id := range s.fileOrder {
		f := *s.files[id]
		f.Data = slices.Clone(f.Data)
		out = append(out, f)
	}
	return out
}

func (s *Server) filesGetUploadURLExternal(p params) (map[string]any, error) {
	name := p.str("filename")
	length, err := strconv.Atoi(p.str("length"))
	if name == "" || err != nil || length <= 0 {
		return nil, slackError("invalid_arguments")
	}
	id := s.nextID("F")
	s.mu.Lock()
	s.files[id] = &File{ID: id, Name: name, Length: length}
	s.fileOrder = append(s.fileOrder, id)
	s.mu.Unlock()
	// Same scheme and host as the API URL: slack-go only sends the token to
	// https Slack hosts or the API URL, and refuses any other upload URL.
	return map[string]any{"upload_url": s.http.URL + "/upload/" + id, "file_id": id}, nil
}

// handleUpload takes the file body, multipart (as slack-go sends it, field
// "file") or raw.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	var data []byte
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		var part io.ReadCloser
		if part, _, err = r.FormFile("file"); err == nil {
			data, err = io.ReadAll(part)
			_ = part.Close()
		}
	} else {
		data, err = io.ReadAll(r.Body)
	}
	if err != nil {
		http.Error(w, "bad upload: "+err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	f, ok := s.files[r.PathValue("file")]
	if ok {
		f.Data = data
	}
	s.mu.Unlock()
	s.recordCall(Call{Method: UploadMethod, Header: r.Header.Clone(), At: time.Now(), Status: http.StatusOK})
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = fmt.Fprintf(w, "OK - %d", len(data))
}

func (s *Server) filesCompleteUploadExternal(p params) (map[string]any, error) {
	raw, err := p.json("files")
	var files []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err != nil || raw == nil || json.Unmarshal(raw, &files) != nil || len(files) == 0 {
		return nil, slackError("invalid_arguments")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, in := range files {
		if f, ok := s.files[in.ID]; !ok || f.Data == nil {
			return nil, slackError("file_not_found")
		}
	}
	channel, thread := cmp.Or(p.str("channel_id"), p.str("channels")), p.str("thread_ts")
	if thread != "" && p.str("channel_id") != "" && s.findMessageLocked(channel, thread) < 0 {
		return nil, slackError("invalid_thread_ts") // (?) the exact error is unconfirmed
	}
	out := make([]map[string]string, 0, len(files))
	var ids []string
	for _, in := range files {
		f := s.files[in.ID]
		f.Title = cmp.Or(in.Title, f.Name)
		f.Completed = true
		f.Channel, f.ThreadTS = channel, thread
		f.InitialComment = p.str("initial_comment")
		out = append(out, map[string]string{"id": f.ID, "title": f.Title})
		ids = append(ids, f.ID)
	}
	// Sharing in one channel posts the files as a message there, in the
	// thread if one was named, as Slack does.
	if ch := p.str("channel_id"); ch != "" {
		s.messages = append(s.messages, &Message{Channel: s.canonChannelLocked(ch), TS: s.nextTS(), ThreadTS: thread,
			Text: p.str("initial_comment"), Files: ids})
	}
	s.notifyLocked()
	return map[string]any{"files": out}, nil
}

// ResponseURL returns a response_url on this server. POSTs to it are
// recorded under id (see Responses). Like Slack's, it accepts 5 posts; the
// 6th gets HTTP 404 {"ok":false,"error":"used_url"} (the exact error is
// unconfirmed).
func (s *Server) ResponseURL(id string) string {
	return s.http.URL + "/response/" + url.PathEscape(id)
}

// Responses returns the JSON bodies posted to ResponseURL(id), in order.
func (s *Server) Responses(id string) []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.responses[id])
}

// WaitResponses waits until ResponseURL(id) received at least n posts.
func (s *Server) WaitResponses(ctx context.Context, id string, n int) ([]json.RawMessage, error) {
	var out []json.RawMessage
	err := s.waitFor(ctx, func() bool {
		out = slices.Clone(s.responses[id])
		return len(out) >= n
	})
	return out, err
}

const maxResponseURLPosts = 5

func (s *Server) handleResponseURL(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil || !json.Valid(body) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"ok":false,"error":"invalid_payload"}`)
		return
	}
	id := r.PathValue("id")
	s.mu.Lock()
	used := len(s.responses[id]) >= maxResponseURLPosts
	if !used {
		s.responses[id] = append(s.responses[id], json.RawMessage(body))
		s.notifyLocked()
	}
	s.mu.Unlock()
	if used {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"ok":false,"error":"used_url"}`)
		return
	}
	writeJSON(w, map[string]any{"ok": true})
}
