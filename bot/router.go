package bot

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/platformbot/platformbot/i18n"
)

// Handler handles one request. It returns the reply to show (nil for none)
// or an error, which the Errors middleware turns into a reply.
type Handler func(ctx context.Context, req *Request) (*Reply, error)

// Middleware wraps a handler.
type Middleware func(Handler) Handler

// Router dispatches requests by key: slash commands by name (then by
// subcommand through a Command table), block actions by action_id prefix,
// views by callback_id and events by type. Features register their routes;
// the Socket Mode runtime, the console and tests all serve the same Router.
type Router struct {
	commands   map[string]*Command
	cmdOrder   []string
	actions    []prefixRoute
	views      map[string]Handler
	viewClosed map[string]Handler
	events     map[string]Handler
	chain      []Middleware
	auth       Authorizer

	// Built on first use and dropped by every change to the routes, so
	// that serving neither wraps the middleware nor renders help again for
	// each request. help is by language code.
	served atomic.Pointer[Handler]
	helpMu sync.Mutex
	help   map[string]string
}

type prefixRoute struct {
	prefix string
	h      Handler
}

// NewRouter returns a router whose requests pass through the middleware in
// the order given (the first one is outermost).
func NewRouter(auth Authorizer, chain ...Middleware) *Router {
	return &Router{
		commands:   map[string]*Command{},
		views:      map[string]Handler{},
		viewClosed: map[string]Handler{},
		events:     map[string]Handler{},
		chain:      chain,
		auth:       auth,
	}
}

// Use appends middleware to the chain (innermost last). Call it while
// wiring, before the router serves.
func (r *Router) Use(mw ...Middleware) {
	r.chain = append(r.chain, mw...)
	r.served.Store(nil)
}

// Command returns the command table for a slash command, creating it on
// first use so that several features can add subcommands to one command.
func (r *Router) Command(name, summary string) *Command {
	r.dropHelp()
	if c, ok := r.commands[name]; ok {
		if summary != "" {
			c.Summary = summary
		}
		return c
	}
	c := &Command{Name: name, Summary: summary, router: r}
	r.commands[name] = c
	r.cmdOrder = append(r.cmdOrder, name)
	return c
}

// Action routes block actions whose action_id starts with prefix. The
// longest matching prefix wins, so "ss:approve" can override "ss:".
func (r *Router) Action(prefix string, h Handler) {
	r.actions = append(r.actions, prefixRoute{prefix, h})
	sort.SliceStable(r.actions, func(i, j int) bool { return len(r.actions[i].prefix) > len(r.actions[j].prefix) })
}

// ViewSubmission routes view_submission payloads by callback_id.
func (r *Router) ViewSubmission(callbackID string, h Handler) { r.views[callbackID] = h }

// ViewClosed routes view_closed payloads by callback_id.
func (r *Router) ViewClosed(callbackID string, h Handler) { r.viewClosed[callbackID] = h }

// Event routes Events API events by type, e.g. "app_home_opened".
func (r *Router) Event(eventType string, h Handler) { r.events[eventType] = h }

// Serve runs the request through the middleware chain to its route.
func (r *Router) Serve(ctx context.Context, req *Request) (*Reply, error) {
	if h := r.served.Load(); h != nil {
		return (*h)(ctx, req)
	}
	h := Handler(r.route)
	for i := len(r.chain) - 1; i >= 0; i-- {
		h = r.chain[i](h)
	}
	r.served.Store(&h)
	return h(ctx, req)
}

func (r *Router) route(ctx context.Context, req *Request) (*Reply, error) {
	switch req.Kind {
	case KindCommand:
		if c, ok := r.commands[req.Command]; ok {
			return c.serve(ctx, req)
		}
		l := req.L()
		return Say(l.T(i18n.BotUnknownCommand, i18n.Data{"Command": Escape(req.Command)}) + "\n\n" + r.HelpIn(l)), nil
	case KindAction:
		for _, a := range r.actions {
			if strings.HasPrefix(req.ActionID, a.prefix) {
				return a.h(ctx, req)
			}
		}
	case KindViewSubmission:
		if h, ok := r.views[req.CallbackID]; ok {
			return h(ctx, req)
		}
	case KindViewClosed:
		if h, ok := r.viewClosed[req.CallbackID]; ok {
			return h(ctx, req)
		}
		return nil, nil // closing a modal needs no answer
	case KindEvent:
		if h, ok := r.events[req.EventType]; ok {
			return h(ctx, req)
		}
		return nil, nil // events we did not subscribe to are ignored
	}
	return nil, fmt.Errorf("bot: no route for %s %q", req.Kind, req.Route())
}

// Help renders the help of every registered command in English.
func (r *Router) Help() string { return r.HelpIn(nil) }

// HelpIn renders the help of every registered command in l (nil:
// English). The text is kept until a command or subcommand is added; set
// a Command's fields while wiring, before the router serves.
func (r *Router) HelpIn(l *i18n.Lang) string {
	if l == nil {
		l = i18n.Fallback()
	}
	r.helpMu.Lock()
	defer r.helpMu.Unlock()
	if h, ok := r.help[l.Code()]; ok {
		return h
	}
	var b strings.Builder
	b.WriteString(l.T(i18n.BotIntro) + "\n")
	for _, name := range r.cmdOrder {
		b.WriteString("\n")
		b.WriteString(r.commands[name].HelpIn(l))
	}
	h := b.String()
	if r.help == nil {
		r.help = map[string]string{}
	}
	r.help[l.Code()] = h
	return h
}

func (r *Router) dropHelp() {
	r.helpMu.Lock()
	r.help = nil
	r.helpMu.Unlock()
}

// Commands returns the registered slash command names in registration order.
func (r *Router) Commands() []string { return append([]string(nil), r.cmdOrder...) }

// Command is a slash command's table of subcommands. The same table
// dispatches and writes the help, so the two cannot drift apart.
type Command struct {
	Name    string
	Summary string
	// SummaryID, if set, is the Summary's message in the catalogs.
	SummaryID i18n.ID
	subs      []Subcommand
	// Default runs when the command is used with no subcommand; help if nil.
	Default Handler
	router  *Router
}

// Subcommand is one row of a command table.
type Subcommand struct {
	Name    string
	Aliases []string
	Usage   string // argument synopsis, e.g. "[type]"; none: it takes no arguments
	Help    string // one line
	// HelpID, if set, is Help's message in the catalogs, with HelpData.
	HelpID   i18n.ID
	HelpData i18n.Data
	Admin    bool // platform team only
	// Form marks a subcommand that opens a modal, which Slack allows only
	// with the trigger_id of a slash command or a click: typed in a DM it
	// is refused with a pointer to the slash command.
	Form bool
	Run  Handler
}

// Add appends subcommands to the table.
func (c *Command) Add(subs ...Subcommand) *Command {
	c.subs = append(c.subs, subs...)
	if c.router != nil {
		c.router.dropHelp()
	}
	return c
}

func (c *Command) find(name string) (Subcommand, bool) {
	name = strings.ToLower(name)
	for _, s := range c.subs {
		if s.Name == name {
			return s, true
		}
		for _, a := range s.Aliases {
			if a == name {
				return s, true
			}
		}
	}
	return Subcommand{}, false
}

func (c *Command) serve(ctx context.Context, req *Request) (*Reply, error) {
	words := strings.Fields(req.Text)
	if len(words) == 0 {
		if c.Default != nil {
			return c.Default(ctx, req)
		}
		return Say(c.router.HelpIn(req.L())), nil
	}
	if strings.EqualFold(words[0], "help") {
		if _, ok := c.find("help"); !ok {
			return Say(c.router.HelpIn(req.L())), nil
		}
	}
	sub, ok := c.find(words[0])
	if !ok {
		l := req.L()
		return Say(l.T(i18n.BotUnknownSubcommand, i18n.Data{"Command": c.Name, "Word": Escape(words[0])}) + "\n\n" + c.router.HelpIn(l)), nil
	}
	req.Subcommand = sub.Name
	if sub.Admin {
		if err := requireAdmin(ctx, c.router.auth, req.UserID); err != nil {
			return nil, err
		}
	}
	req.Args = words[1:]
	if sub.Form && req.TriggerID == "" {
		return nil, Refuse(i18n.BotFormOnly, i18n.Data{"Command": c.Name + " " + sub.Name})
	}
	if sub.Usage == "" && len(req.Args) > 0 {
		// A subcommand without a synopsis takes no arguments: saying so
		// beats silently ignoring "book nonsense".
		return nil, Refuse(i18n.BotNoArguments, i18n.Data{"Command": c.Name + " " + sub.Name,
			"Text": Escape(Truncate(strings.Join(req.Args, " "), 80))})
	}
	return sub.Run(ctx, req)
}

// Help renders the command's table in English.
func (c *Command) Help() string { return c.HelpIn(i18n.Fallback()) }

// HelpIn renders the command's table in l; a summary or line without a
// message ID stays as written.
func (c *Command) HelpIn(l *i18n.Lang) string {
	var b strings.Builder
	summary := c.Summary
	if c.SummaryID != "" {
		summary = l.T(c.SummaryID)
	}
	fmt.Fprintf(&b, "*%s* — %s\n", c.Name, summary)
	for _, s := range c.subs {
		usage := strings.TrimSpace(c.Name + " " + s.Name + " " + s.Usage)
		note := ""
		if s.Admin {
			note = l.T(i18n.BotAdminNote)
		}
		help := s.Help
		if s.HelpID != "" {
			help = l.T(s.HelpID, s.HelpData)
		}
		fmt.Fprintf(&b, "• `%s` — %s%s\n", usage, help, note)
	}
	return b.String()
}
