// Package console runs the bot on a terminal. It serves the same Router and
// handlers as Socket Mode, so every feature can be tried without Slack:
// slash commands are typed, messages and Block Kit are printed as text,
// clickable elements are numbered and clicked by typing the number, and
// modals are filled in field by field.
//
// The console reads lines, so it works with a pipe as well as a terminal,
// and it prints no colours.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/platformbot/platformbot/bot"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// Options configure a Console.
type Options struct {
	// Router serves the requests; it may be set later with SetRouter,
	// because handlers are built with Console.Slack before the Router.
	Router *bot.Router
	In     io.Reader // lines typed by the user; nil reads nothing
	Out    io.Writer // everything the bot shows; nil discards

	UserID    string // the acting user, "UCONSOLE" if empty
	ChannelID string // the channel commands are typed in, "CCONSOLE" if empty
	TeamID    string // "TCONSOLE" if empty

	// Users answer users.info; unknown ids get a default user in TZ.
	Users map[string]bot.User
	// TZ is the IANA time zone of users not in Users ("" is UTC). Slack's
	// date tokens are shown in the acting user's zone, as Slack shows them.
	TZ string
	// Now is the clock for "today" and "tomorrow" in dates; nil is
	// time.Now.
	Now func() time.Time
	// UserGroups and Channels are the members of user groups and channels.
	UserGroups map[string][]string
	Channels   map[string][]string

	// FilesDir is where uploaded files are written; "" means a folder
	// "platformbot-console-files" in the system's temporary directory.
	FilesDir string
	// Settle blocks until the work started by the lines read so far has
	// finished: DMs queued in the outbox, notifications sent after a
	// request changes state, DM updates after an answer. When the input is
	// not a terminal the console calls it before reading each line, so a
	// piped script sees the survey DM before its next line is read (and
	// before the console exits); a `wait` line calls it explicitly. nil
	// settles at once.
	Settle func(context.Context) error
}

// settleLimit bounds one wait for background work: a console script must
// not hang on a send that keeps failing.
const settleLimit = 10 * time.Second

// Console is the bot on a terminal. Create it with New.
type Console struct {
	opts  Options
	out   io.Writer
	echo  bool // write the lines read, when they do not come from a terminal
	lines <-chan input

	mu        sync.Mutex
	router    *bot.Router
	after     []func(context.Context) error // follow-ups of replies shown this turn
	user      string
	channel   string
	counters  map[string]int
	trigger   string // the one trigger_id that may open a view
	clicks    map[int]*clickable
	nclick    int
	turn      int // lines typed at the main prompt
	clickTurn int // turn the numbering belongs to
	modals    []*modal
	// hold > 0 while a request is served: what the bot posts meanwhile
	// (a DM from a background sender, say) waits in held and is shown
	// after the request's reply, so a session reads the same every time.
	// direct lets the reply itself through.
	hold     int
	held     []string
	direct   bool
	messages map[string]*surface // channel/ts → message, for updates
	targets  map[string]*surface // response_url → message it answers
	homes    map[string]*slack.View
}

type input struct {
	text string
	err  error
}

// New returns a console; opts.Router may be nil until SetRouter.
func New(opts Options) *Console {
	if opts.UserID == "" {
		opts.UserID = "UCONSOLE"
	}
	if opts.ChannelID == "" {
		opts.ChannelID = "CCONSOLE"
	}
	if opts.TeamID == "" {
		opts.TeamID = "TCONSOLE"
	}
	if opts.In == nil {
		opts.In = strings.NewReader("")
	}
	if _, err := time.LoadLocation(opts.TZ); err != nil {
		opts.TZ = "UTC"
	}
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	return &Console{
		opts: opts, out: opts.Out, echo: !isTerminal(opts.In), router: opts.Router,
		user: opts.UserID, channel: opts.ChannelID, counters: map[string]int{},
		messages: map[string]*surface{}, targets: map[string]*surface{}, homes: map[string]*slack.View{},
	}
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// SetRouter sets the Router the console serves.
func (c *Console) SetRouter(r *bot.Router) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.router = r
}

// Slack returns the Slack port to build handlers with: it prints what the
// bot sends and feeds modals to the console.
func (c *Console) Slack() bot.Slack { return port{c} }

// Run reads and serves lines until the input ends or the user types quit,
// then returns nil; a modal still open at the end of the input is closed.
// It returns ctx.Err() when ctx is done, or the error reading the input.
func (c *Console) Run(ctx context.Context) error {
	done := make(chan struct{})
	defer close(done)
	c.lines = readLines(c.opts.In, done)
	c.printf("platformbot console — you are %s in %s. Type help for usage.\n", c.opts.UserID, where(c.opts.ChannelID))
	for {
		err := c.driveModals(ctx)
		c.runAfter(ctx)
		var line string
		if err == nil {
			line, err = c.prompt(ctx, "> ")
		}
		if err == nil {
			c.mu.Lock()
			c.turn++
			c.mu.Unlock()
			var quit bool
			quit, err = c.handle(ctx, strings.TrimSpace(line))
			c.runAfter(ctx)
			if quit {
				return nil
			}
		}
		if errors.Is(err, io.EOF) {
			c.mu.Lock()
			m := c.top()
			c.mu.Unlock()
			if m != nil {
				return c.closeModal(ctx, m, true)
			}
			return nil
		}
		if err != nil && !errors.Is(err, errCancel) {
			return err
		}
	}
}

func readLines(r io.Reader, done <-chan struct{}) <-chan input {
	ch := make(chan input)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			select {
			case ch <- input{text: strings.TrimSuffix(sc.Text(), "\r")}:
			case <-done:
				return
			}
		}
		if err := sc.Err(); err != nil {
			select {
			case ch <- input{err: fmt.Errorf("console: reading input: %w", err)}:
			case <-done:
			}
		}
	}()
	return ch
}

// settle waits for the background work of what was typed so far.
func (c *Console) settle(ctx context.Context) {
	if c.opts.Settle == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, settleLimit)
	defer cancel()
	if err := c.opts.Settle(ctx); err != nil && ctx.Err() == nil {
		c.printf("error: waiting for background work: %v\n", err)
	}
}

// prompt prints p and reads a line. Reading from a pipe or a file, it
// first lets the work of the previous lines settle, so that a script reads
// the same output every time.
func (c *Console) prompt(ctx context.Context, p string) (string, error) {
	if c.echo {
		c.settle(ctx)
	}
	c.printf("%s", p)
	return c.readLine(ctx)
}

// scriptComment matches a comment at the end of a scripted line: two
// spaces or a tab, then "# " — so that the README's commented walkthroughs
// run as written, while "#12" or "C#" in an answer stay.
var scriptComment = regexp.MustCompile(`(?:\s{2,}|\t)#(?:\s.*)?$`)

// uncomment drops a scripted line's comment; a line that is only a comment
// reads as nothing at all (ok is false).
func uncomment(line string) (string, bool) {
	if t := strings.TrimSpace(line); strings.HasPrefix(t, "# ") || t == "#" {
		return "", false
	}
	return scriptComment.ReplaceAllString(line, ""), true
}

func (c *Console) readLine(ctx context.Context) (string, error) {
	for {
		line, err := c.readRaw(ctx)
		if err != nil {
			return line, err
		}
		if line, ok := uncomment(line); ok {
			return line, nil
		}
	}
}

func (c *Console) readRaw(ctx context.Context) (string, error) {
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case in, ok := <-c.lines:
		switch {
		case !ok:
			c.printf("\n")
			return "", io.EOF
		case in.err != nil:
			return "", in.err
		}
		if c.echo {
			c.printf("%s\n", in.text)
		}
		return in.text, nil
	}
}

// ask prompts and reads an answer; "cancel" returns errCancel.
func (c *Console) ask(ctx context.Context, p string) (string, error) {
	line, err := c.prompt(ctx, p)
	line = strings.TrimSpace(line)
	if err == nil && strings.EqualFold(line, "cancel") {
		return "", errCancel
	}
	return line, err
}

// write shows s, or holds it back while a request is served. c.mu is held.
func (c *Console) write(s string) {
	if c.hold > 0 && !c.direct {
		c.held = append(c.held, s)
		return
	}
	_, _ = io.WriteString(c.out, s)
}

// showReply shows a request's reply ahead of what was held back while it
// was served, then lets that through. c.mu is held.
func (c *Console) showReply(fn func()) {
	c.direct = true
	fn()
	c.direct = false
	c.hold--
	if c.hold == 0 {
		for _, s := range c.held {
			_, _ = io.WriteString(c.out, s)
		}
		c.held = nil
	}
}

func (c *Console) printf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.out, format, args...)
}

func (c *Console) handle(ctx context.Context, line string) (quit bool, err error) {
	if line == "" {
		return false, nil
	}
	if strings.HasPrefix(line, "/") {
		return false, c.command(ctx, line)
	}
	if n, err := strconv.Atoi(line); err == nil {
		return false, c.click(ctx, n)
	}
	word, arg, _ := strings.Cut(line, " ")
	arg = strings.TrimSpace(arg)
	switch strings.ToLower(word) {
	case "help", "?":
		c.help()
	case "quit", "exit":
		return true, nil
	case "wait":
		c.settle(ctx)
	case "home":
		return false, c.home(ctx)
	case "as", "in":
		word = strings.ToLower(word)
		if re, example := idPattern(word); !re.MatchString(arg) {
			c.printf("usage: %s ID, e.g. %s %s (%q is not a Slack %s id)\n", word, word, example, arg, map[string]string{"as": "user", "in": "channel"}[word])
			break
		}
		c.mu.Lock()
		if word == "as" {
			c.user = arg
		} else {
			c.channel = arg
		}
		c.write(fmt.Sprintf("you are now %s in %s\n", c.user, where(c.channel)))
		c.mu.Unlock()
	case "cancel", "close":
		c.mu.Lock()
		m := c.top()
		c.mu.Unlock()
		if m == nil {
			c.printf("no modal is open\n")
			break
		}
		return false, c.closeModal(ctx, m, false)
	default:
		c.printf("unknown input %q: type a /command, the number of an element, or help\n", line)
	}
	return false, nil
}

var (
	userIDRe    = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	channelIDRe = regexp.MustCompile(`^[CGD][A-Z0-9]{2,}$`)
)

// idPattern is what `as` (a user id) and `in` (a channel id) accept, and an
// example: ids are capitals and digits, so "as alice" is a mistake.
func idPattern(word string) (*regexp.Regexp, string) {
	if word == "as" {
		return userIDRe, "U0123ABCD"
	}
	return channelIDRe, "C0123ABCD"
}

func (c *Console) help() {
	c.mu.Lock()
	defer c.mu.Unlock()
	var cmds []string
	if c.router != nil {
		cmds = c.router.Commands()
	}
	c.write(fmt.Sprintf(`/command text   run a slash command (commands: %s)
3               click element [3] of the latest output
home            open your App Home
as U0123ABCD    act as another user (now %s)
in C0123ABCD    type commands in another channel (now %s)
cancel          close the open modal
wait            wait for DMs and posts still on their way (a pipe waits anyway)
# text          a comment (also after two spaces at the end of a line)
help, quit      this help; leave (so does end of input)
In a modal, answer each field in turn: Enter keeps the value shown,
- clears an optional field, a number picks an option, cancel closes it.
`, strings.Join(cmds, ", "), c.user, where(c.channel)))
}

// request starts a request from the acting user, with a fresh trigger_id.
// c.mu is held.
func (c *Console) request(kind bot.Kind) *bot.Request {
	c.trigger = c.newID("console-trigger-")
	return &bot.Request{
		Kind: kind, EnvelopeID: c.newID("console-envelope-"), TeamID: c.opts.TeamID,
		UserID: c.user, ChannelID: c.channel, TriggerID: c.trigger,
	}
}

// interaction is the payload part common to interactions. c.mu is held.
func (c *Console) interaction(typ slack.InteractionType, trigger string) *slack.InteractionCallback {
	name := strings.ToLower(c.user)
	if u, ok := c.opts.Users[c.user]; ok && u.Name != "" {
		name = u.Name
	}
	return &slack.InteractionCallback{
		Type: typ, TriggerID: trigger, APIAppID: "ACONSOLE", Team: slack.Team{ID: c.opts.TeamID},
		User: slack.User{ID: c.user, TeamID: c.opts.TeamID, Name: name},
	}
}

func (c *Console) newID(prefix string) string { // c.mu is held
	c.counters[prefix]++
	return prefix + strconv.Itoa(c.counters[prefix])
}

// newTS returns a unique message timestamp. c.mu is held.
func (c *Console) newTS() string {
	c.counters["ts"]++
	return fmt.Sprintf("%d.%06d", time.Now().Unix(), c.counters["ts"]%1000000)
}

// newURL returns a response_url answering the message on s. c.mu is held.
func (c *Console) newURL(s *surface) string {
	u := c.newID("console://response/")
	c.targets[u] = s
	return u
}

// dispatch serves a request; errors are printed, not returned. The caller
// shows the reply with showReply, which ends the hold it starts.
func (c *Console) dispatch(ctx context.Context, req *bot.Request) *bot.Reply {
	c.mu.Lock()
	r := c.router
	c.hold++
	c.mu.Unlock()
	if r == nil {
		c.printf("error: no router: call SetRouter before Run\n")
		return nil
	}
	ctx, runDeferred := bot.WithDeferral(ctx)
	reply, err := r.Serve(ctx, req)
	c.mu.Lock()
	c.after = append(c.after, runDeferred)
	if reply != nil && reply.After != nil {
		c.after = append(c.after, reply.After)
	}
	c.mu.Unlock()
	if err != nil {
		c.printf("error: %v\n", err)
		return nil
	}
	return reply
}

// runAfter runs the follow-up work of the replies just shown, as the
// runtime does once a reply has been acked.
func (c *Console) runAfter(ctx context.Context) {
	c.mu.Lock()
	fns := c.after
	c.after = nil
	c.mu.Unlock()
	for _, fn := range fns {
		if err := fn(ctx); err != nil {
			c.printf("error: %v\n", err)
		}
	}
}

// answer shows a handler's reply, which the runtime sends to responseURL,
// then what was posted while the handler ran.
func (c *Console) answer(responseURL string, reply *bot.Reply) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.showReply(func() {
		if reply != nil && (reply.Text != "" || len(reply.Blocks) > 0) {
			c.reply(responseURL, reply.Message)
		}
	})
}

func (c *Console) command(ctx context.Context, line string) error {
	cmd, text, _ := strings.Cut(line, " ")
	c.mu.Lock()
	req := c.request(bot.KindCommand)
	req.Command, req.Text = cmd, strings.TrimSpace(text)
	req.ResponseURL = c.newURL(&surface{channel: c.channel})
	c.mu.Unlock()
	c.answer(req.ResponseURL, c.dispatch(ctx, req))
	return nil
}

// home opens the App Home tab: Slack sends app_home_opened.
func (c *Console) home(ctx context.Context) error {
	c.mu.Lock()
	req := c.request(bot.KindEvent)
	req.TriggerID, c.trigger = "", ""
	ev := &slackevents.AppHomeOpenedEvent{Type: "app_home_opened", User: c.user, Channel: "D" + c.user, Tab: "home", EventTimeStamp: c.newTS()}
	var before string
	if v := c.homes[c.user]; v != nil {
		cp := *v
		ev.View, before = &cp, v.Hash
	}
	req.EventType, req.EventID, req.Event, req.ChannelID = ev.Type, c.newID("EvCONSOLE"), ev, ev.Channel
	c.mu.Unlock()
	c.answer("", c.dispatch(ctx, req))
	c.mu.Lock()
	defer c.mu.Unlock()
	if v := c.homes[c.user]; v == nil || v.Hash == before {
		c.write("(the bot published no App Home for " + c.user + ")\n")
	}
	return nil
}
