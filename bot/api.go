package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/slack-go/slack"
)

// APIConfig configures API.
type APIConfig struct {
	BotToken string
	// AppToken (xapp-…) is only needed by the Socket Mode runtime, which
	// builds its socketmode client on Client() and opens connections with it.
	AppToken string
	// APIURL is the Web API base URL, e.g. https://slack.com/api/ or a
	// test server; a missing trailing "/" is added. Empty means Slack's.
	APIURL     string
	HTTPClient *http.Client // optional; default has a 30 s timeout
	Log        zerolog.Logger
	Metrics    *Metrics // may be nil
	// MaxRetries bounds the retries after a 429, 5xx or network error: 0
	// means the default of 3, a negative value means no retries.
	MaxRetries int
	// Limits override per-method client-side rate limits (per minute):
	// the workspace's budget from the configuration, or tests' and
	// benchmarks' values; see defaultLimits and PerChannelLimitKey. With
	// several replicas each process gets a share (ShareLimits).
	Limits map[string]Limit
}

// API implements the Slack port with slack-go. It paces calls to Slack's
// rate-limit tiers on the client side, honours Retry-After across all
// callers of a method and retries transient failures, so that handlers and
// jobs can call it freely. It caches nothing: users, groups and channel
// members are cached by the directory of people (see WithPeople).
type API struct {
	client      *slack.Client
	http        *http.Client
	log         zerolog.Logger
	metrics     *Metrics
	maxRetries  int
	limits      *limiters
	backoffBase time.Duration // first 5xx/network backoff; tests shorten it
	dms         sync.Map      // user id → the D… id of the app's DM with them
}

var _ Slack = (*API)(nil)

const (
	defaultMaxRetries = 3
	backoffCap        = 10 * time.Second
	respondMethod     = "response_url" // metrics label for Respond
	idleSlackConns    = 128            // kept-alive connections to Slack's API
)

// NewAPI returns an API for the bot token in cfg.
func NewAPI(cfg APIConfig) *API {
	hc := cfg.HTTPClient
	if hc == nil {
		// slack-go's default client has no timeout: a stuck connection
		// would hold a handler (and its rate-limit token) forever. The
		// default transport keeps 2 idle connections per host: with more
		// calls in flight (a fan-out, a burst of clicks) nearly every call
		// would open a new TLS connection to Slack.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConns, tr.MaxIdleConnsPerHost = idleSlackConns, idleSlackConns
		hc = &http.Client{Timeout: 30 * time.Second, Transport: tr}
	}
	opts := []slack.Option{slack.OptionHTTPClient(hc)}
	if u := cfg.APIURL; u != "" {
		if !strings.HasSuffix(u, "/") {
			u += "/" // slack-go appends the method name as is
		}
		opts = append(opts, slack.OptionAPIURL(u))
	}
	if cfg.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(cfg.AppToken))
	}
	retries := cfg.MaxRetries
	switch {
	case retries == 0:
		retries = defaultMaxRetries
	case retries < 0:
		retries = 0
	}
	return &API{
		client:      slack.New(cfg.BotToken, opts...),
		http:        hc,
		log:         cfg.Log,
		metrics:     cfg.Metrics,
		maxRetries:  retries,
		limits:      newLimiters(cfg.Limits, time.Now),
		backoffBase: 500 * time.Millisecond,
	}
}

// Client returns the underlying slack-go client; the Socket Mode runtime
// builds its socketmode client on it. Calls made through it directly bypass
// the rate limiting and retries of API.
func (a *API) Client() *slack.Client { return a.client }

// ShareLimits divides the workspace-wide rate limits (every per-method
// limit, the configured ones included) among replicas processes, because
// Slack's limits are per workspace however many replicas call it. The
// replica heartbeat calls it as replicas come and go; it reports whether
// the share changed. Per-channel chat.postMessage limits are not divided.
func (a *API) ShareLimits(replicas int) bool { return a.limits.share(replicas) }

// PostMessage posts msg to channel. A user id as channel posts into the
// app's DM with that user, which saves a (Tier 3) conversations.open.
func (a *API) PostMessage(ctx context.Context, channel string, msg Message) (string, error) {
	var ts, posted string
	err := a.call(ctx, "chat.postMessage", channel, func(ctx context.Context) (err error) {
		posted, ts, err = a.client.PostMessageContext(ctx, channel, msgOptions(msg, false)...)
		return err
	})
	if err == nil && isUserID(channel) && posted != "" {
		a.dms.Store(channel, posted)
	}
	return ts, err
}

// isUserID reports whether id names a user rather than a conversation.
func isUserID(id string) bool { return strings.HasPrefix(id, "U") || strings.HasPrefix(id, "W") }

// dmChannel returns the D… id of the app's DM with user: chat.postMessage
// accepts a user id, but chat.update needs the conversation id.
func (a *API) dmChannel(ctx context.Context, user string) (string, error) {
	if ch, ok := a.dms.Load(user); ok {
		return ch.(string), nil
	}
	var id string
	err := a.call(ctx, "conversations.open", "", func(ctx context.Context) error {
		ch, _, _, err := a.client.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}, ReturnIM: true})
		if err == nil {
			id = ch.ID
		}
		return err
	})
	if err != nil {
		return "", err
	}
	a.dms.Store(user, id)
	return id, nil
}

// PostEphemeral shows msg to user only, in channel.
func (a *API) PostEphemeral(ctx context.Context, channel, user string, msg Message) error {
	return a.call(ctx, "chat.postEphemeral", "", func(ctx context.Context) error {
		_, err := a.client.PostEphemeralContext(ctx, channel, user, msgOptions(msg, false)...)
		return err
	})
}

// UpdateMessage replaces the message at ts with msg, blocks included: a
// text-only msg clears the old blocks rather than leaving them stale.
func (a *API) UpdateMessage(ctx context.Context, channel, ts string, msg Message) error {
	if isUserID(channel) {
		dm, err := a.dmChannel(ctx, channel)
		if err != nil {
			return err
		}
		channel = dm
	}
	return a.call(ctx, "chat.update", "", func(ctx context.Context) error {
		_, _, _, err := a.client.UpdateMessageContext(ctx, channel, ts, msgOptions(msg, true)...)
		return err
	})
}

func msgOptions(msg Message, replaceBlocks bool) []slack.MsgOption {
	opts := []slack.MsgOption{slack.MsgOptionText(msg.Text, false)}
	if len(msg.Blocks) > 0 || replaceBlocks {
		opts = append(opts, slack.MsgOptionBlocks(msg.Blocks...))
	}
	if msg.ThreadTS != "" {
		opts = append(opts, slack.MsgOptionTS(msg.ThreadTS))
	}
	return opts
}

// respondBody is what a response_url accepts.
type respondBody struct {
	Text            string        `json:"text"`
	Blocks          []slack.Block `json:"blocks,omitempty"`
	ResponseType    string        `json:"response_type"`
	ReplaceOriginal bool          `json:"replace_original"`
}

// Respond posts msg to an interaction's response_url. Slack's method tiers
// do not apply (the URL allows 5 uses in 30 minutes), so it is not paced,
// but 5xx and network errors are retried like any other call. The bot token
// is not sent: the URL itself is the credential, and so it is kept out of
// errors too.
func (a *API) Respond(ctx context.Context, responseURL string, msg Message) error {
	rt := "ephemeral"
	if msg.InChannel {
		rt = "in_channel"
	}
	body, err := json.Marshal(respondBody{Text: msg.Text, Blocks: msg.Blocks, ResponseType: rt, ReplaceOriginal: msg.ReplaceOriginal})
	if err != nil {
		return fmt.Errorf("slack %s: encode: %w", respondMethod, err)
	}
	return a.call(ctx, respondMethod, "", func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(body))
		if err != nil {
			return errors.New("invalid response_url")
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := a.http.Do(req)
		if err != nil {
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err // drop the URL
			}
			return transportError{err}
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		if resp.StatusCode != http.StatusOK {
			if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && resp.StatusCode == http.StatusTooManyRequests {
				return &slack.RateLimitedError{RetryAfter: time.Duration(secs) * time.Second}
			}
			if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
				return slack.StatusCodeError{Code: resp.StatusCode, Status: resp.Status}
			}
			// e.g. 404 "expired_url", 410 "used_url".
			return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(data)))
		}
		var r slack.SlackResponse // Slack answers "ok" as text or JSON.
		if json.Unmarshal(data, &r) == nil && !r.Ok && r.Error != "" {
			return slack.SlackErrorResponse{Err: r.Error}
		}
		return nil
	})
}

// OpenView opens a modal; call it before any slow work (trigger ids last 3 s).
func (a *API) OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) (View, error) {
	return a.view(ctx, "views.open", func(ctx context.Context) (*slack.ViewResponse, error) {
		return a.client.OpenViewContext(ctx, triggerID, view)
	})
}

// UpdateView replaces a modal; a non-empty hash makes Slack refuse the
// update ("hash_conflict") if the view changed meanwhile.
func (a *API) UpdateView(ctx context.Context, viewID, hash string, view slack.ModalViewRequest) (View, error) {
	return a.view(ctx, "views.update", func(ctx context.Context) (*slack.ViewResponse, error) {
		return a.client.UpdateViewContext(ctx, view, "", hash, viewID)
	})
}

// PushView pushes a modal onto the open stack.
func (a *API) PushView(ctx context.Context, triggerID string, view slack.ModalViewRequest) (View, error) {
	return a.view(ctx, "views.push", func(ctx context.Context) (*slack.ViewResponse, error) {
		return a.client.PushViewContext(ctx, triggerID, view)
	})
}

func (a *API) view(ctx context.Context, method string, fn func(context.Context) (*slack.ViewResponse, error)) (View, error) {
	var v View
	err := a.call(ctx, method, "", func(ctx context.Context) error {
		resp, err := fn(ctx)
		if err == nil && resp != nil {
			v = View{ID: resp.ID, Hash: resp.Hash}
		}
		return err
	})
	return v, err
}

// PublishHome publishes the user's App Home tab.
func (a *API) PublishHome(ctx context.Context, userID string, view slack.HomeTabViewRequest) error {
	return a.call(ctx, "views.publish", "", func(ctx context.Context) error {
		_, err := a.client.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: userID, View: view})
		return err
	})
}

// UserInfo returns a user (users.info, with their locale). It is not
// cached here: the directory of people caches it for every replica.
func (a *API) UserInfo(ctx context.Context, userID string) (User, error) {
	var u *slack.User
	err := a.call(ctx, "users.info", "", func(ctx context.Context) (err error) {
		u, err = a.client.GetUserInfoContext(ctx, userID, slack.GetUserInfoOptionIncludeLocale(true))
		return err
	})
	if err != nil {
		return User{}, err
	}
	return userFrom(u), nil
}

func userFrom(u *slack.User) User {
	return User{
		ID: u.ID, Name: u.Name, RealName: u.RealName,
		TZ: u.TZ, TZOffset: u.TZOffset, Locale: u.Locale,
		IsBot: u.IsBot, Deleted: u.Deleted, IsAdmin: u.IsAdmin,
	}
}

// usersPageSize is users.list's largest page: the method is Tier 2 (20
// calls a minute), so fewer, larger pages list a workspace sooner.
const usersPageSize = 1000

// Users lists every user of the workspace (users.list, following the
// cursor): one Tier 2 call per 1,000 people, where asking users.info about
// each of them costs one Tier 4 call per person.
func (a *API) Users(ctx context.Context) ([]User, error) {
	var all []User
	err := a.UserPages(ctx, func(page []User) error {
		all = append(all, page...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return all, nil
}

// UserPages lists the workspace like Users, handing each page of up to
// 1,000 people (with their locales) to page as it arrives.
func (a *API) UserPages(ctx context.Context, page func([]User) error) error {
	p := a.client.GetUsersPaginated(slack.GetUsersOptionLimit(usersPageSize), slack.GetUsersOptionIncludeLocale(true))
	for range maxMemberPages {
		err := a.call(ctx, "users.list", "", func(ctx context.Context) (err error) {
			next, err := p.Next(ctx)
			if err == nil {
				p = next
			}
			return err
		})
		if err != nil {
			return err
		}
		users := make([]User, len(p.Users))
		for i := range p.Users {
			users[i] = userFrom(&p.Users[i])
		}
		if err := page(users); err != nil {
			return err
		}
		if p.Cursor == "" {
			return nil
		}
	}
	return fmt.Errorf("slack users.list: more than %d pages", maxMemberPages)
}

// UserGroupMembers returns the user ids in a user group (usergroups.users.list).
func (a *API) UserGroupMembers(ctx context.Context, groupID string) ([]string, error) {
	var users []string
	err := a.call(ctx, "usergroups.users.list", "", func(ctx context.Context) (err error) {
		users, err = a.client.GetUserGroupMembersContext(ctx, groupID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return users, nil
}

// maxMemberPages stops a cursor loop that Slack never ends (200k members
// or users).
const maxMemberPages = 200

// ChannelMembers returns all member ids of a channel, following the cursor.
func (a *API) ChannelMembers(ctx context.Context, channelID string) ([]string, error) {
	var all []string
	params := &slack.GetUsersInConversationParameters{ChannelID: channelID, Limit: 1000}
	for range maxMemberPages {
		var page []string
		var next string
		err := a.call(ctx, "conversations.members", "", func(ctx context.Context) (err error) {
			page, next, err = a.client.GetUsersInConversationContext(ctx, params)
			return err
		})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == "" {
			return all, nil
		}
		params.Cursor = next
	}
	return nil, fmt.Errorf("slack conversations.members: more than %d pages", maxMemberPages)
}

// transportError marks a failure to talk to Slack at all (connection
// refused, reset, timeout): worth retrying like a 5xx.
type transportError struct{ err error }

func (e transportError) Error() string { return e.err.Error() }
func (e transportError) Unwrap() error { return e.err }

// Statuses of SlackCalls. Transport failures count as 5xx: either way
// Slack was not reachable.
const (
	statusOK    = "ok"
	statusError = "error"
	status429   = "429"
	status5xx   = "5xx"
)

// classify says how a call ended and, for a 429, how long Slack asked us to
// wait (0 if it did not say).
func classify(err error) (status string, retryAfter time.Duration) {
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	var te transportError
	var ue *url.Error
	var ne net.Error
	switch {
	case err == nil:
		return statusOK, 0
	case errors.As(err, &rl):
		return status429, rl.RetryAfter
	case errors.As(err, &sc) && sc.Code == http.StatusTooManyRequests:
		return status429, 0
	case errors.As(err, &sc) && sc.Code >= 500:
		return status5xx, 0
	case errors.As(err, &te), errors.As(err, &ue), errors.As(err, &ne), errors.Is(err, io.ErrUnexpectedEOF):
		return status5xx, 0
	default:
		return statusError, 0
	}
}

// call runs fn, one HTTP call to method, after the rate limiters allow it,
// and retries it on 429 (after Retry-After, which also holds back every
// other caller of method), 5xx and network errors (with exponential
// backoff) up to maxRetries times. Slack's own errors ("ok":false) are not
// retried: they would fail the same way again. Every attempt is counted in
// SlackCalls. Errors name the method and never contain the token.
func (a *API) call(ctx context.Context, method, channel string, fn func(context.Context) error) error {
	for attempt := 0; ; attempt++ {
		if err := a.limits.wait(ctx, method, channel); err != nil {
			return fmt.Errorf("slack %s: %w", method, err)
		}
		err := request(ctx, fn)
		status, retryAfter := classify(err)
		if status != statusOK && ctx.Err() != nil {
			// The caller gave up (the error wraps ctx's): not Slack's
			// fault, and nothing to retry. An http.Client timeout, by
			// contrast, leaves ctx alone and is retried.
			status = statusError
		}
		a.record(method, status)
		switch {
		case status == statusOK:
			return nil
		case status == statusError:
			return fmt.Errorf("slack %s: %w", method, err)
		case attempt >= a.maxRetries && status == status429:
			return fmt.Errorf("slack %s: %w after %d attempts: %w", method, ErrRateLimited, attempt+1, err)
		case attempt >= a.maxRetries:
			return fmt.Errorf("slack %s: %w after %d attempts: %w", method, ErrUnavailable, attempt+1, err)
		}
		wait := retryAfter
		if wait <= 0 {
			wait = a.backoff(attempt)
		}
		a.log.Warn().Err(err).Str("method", method).Str("status", status).Int("attempt", attempt+1).
			Dur("retry_in", wait).Msg("slack call failed; retrying")
		if status == status429 && method != respondMethod {
			// Everyone waits: the retry below goes through limits.wait too.
			a.limits.block(method, wait)
			continue
		}
		if serr := sleepCtx(ctx, time.Now(), wait); serr != nil {
			return fmt.Errorf("slack %s: %w after %d attempts (%w): %w", method, ErrUnavailable, attempt+1, serr, err)
		}
	}
}

// requestTimeout bounds one request once it is on its way to Slack.
const requestTimeout = 30 * time.Second

// request runs fn, one request, on a context that ctx's deadline does not
// cut short. ctx's deadline is a budget for getting a turn (limiters,
// Retry-After, retries); a request already sent may be acted on by Slack
// whatever becomes of it, and a caller that saw it fail would repeat it —
// a post, say, that was already made (a survey DM sent twice). So the
// request finishes, bounded by requestTimeout; only an explicit cancel of
// ctx (the caller no longer wants the answer) abandons it.
func request(ctx context.Context, fn func(context.Context) error) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), requestTimeout)
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		if errors.Is(ctx.Err(), context.Canceled) {
			cancel()
		}
	})
	defer stop()
	return fn(rctx)
}

// backoff returns the wait before retry attempt+1: exponential, capped,
// with jitter so that callers that failed together don't retry together.
func (a *API) backoff(attempt int) time.Duration {
	d := a.backoffBase << min(attempt, 16)
	if d <= 0 || d > backoffCap {
		d = backoffCap
	}
	return d/2 + rand.N(d/2+1)
}

func (a *API) record(method, status string) {
	if a.metrics != nil && a.metrics.SlackCalls != nil {
		a.metrics.SlackCalls.WithLabelValues(method, status).Inc()
	}
}

// TeamDND returns the Do Not Disturb status of users (dnd.teamInfo, a
// Tier 2 method: ask about up to 50 users a call).
func (a *API) TeamDND(ctx context.Context, users []string) (map[string]slack.DNDStatus, error) {
	var out map[string]slack.DNDStatus
	err := a.call(ctx, "dnd.teamInfo", "", func(ctx context.Context) (err error) {
		out, err = a.client.GetDNDTeamInfoContext(ctx, users)
		return err
	})
	return out, err
}
