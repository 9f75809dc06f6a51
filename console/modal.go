package console

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/platformbot/platformbot/bot"
	"github.com/slack-go/slack"
)

// errCancel is returned by prompts when the user types "cancel".
var errCancel = errors.New("cancelled")

// modal is an open modal view and the user's input to it, which is kept
// across views.update like Slack keeps it (same block and action id).
type modal struct {
	view    slack.View
	values  map[string]map[string]slack.BlockAction // view state: block → action → value
	done    map[string]bool                         // input blocks answered
	errs    map[string]string                       // submission errors to show at the re-prompt
	rev     int                                     // bumped by every update
	shown   int                                     // rev last rendered, -1 for none
	back    bool                                    // shown again after a pushed view closed
	confirm bool                                    // ask before submitting
}

func newModal(id, hash, team string, req slack.ModalViewRequest) *modal {
	m := &modal{shown: -1, done: map[string]bool{}, errs: map[string]string{}}
	m.set(id, hash, team, req)
	return m
}

// set installs a view, keeping the values of inputs that are still there.
func (m *modal) set(id, hash, team string, req slack.ModalViewRequest) {
	req.Blocks.BlockSet = slices.Clone(req.Blocks.BlockSet)
	for i, b := range req.Blocks.BlockSet {
		if in, ok := as[slack.InputBlock](b); ok && in.BlockID == "" {
			cp := *in
			cp.BlockID = "input-" + strconv.Itoa(i) // Slack makes up an id too
			req.Blocks.BlockSet[i] = &cp
		}
	}
	m.view = slack.View{
		ID: id, TeamID: team, Type: slack.VTModal, Title: req.Title, Close: req.Close, Submit: req.Submit,
		Blocks: req.Blocks, PrivateMetadata: req.PrivateMetadata, CallbackID: req.CallbackID, Hash: hash,
		ClearOnClose: req.ClearOnClose, NotifyOnClose: req.NotifyOnClose, ExternalID: req.ExternalID,
		AppID: "ACONSOLE", BotID: "BCONSOLE",
	}
	old := m.values
	m.values = map[string]map[string]slack.BlockAction{}
	for _, in := range m.inputs() {
		f := fieldOf(in.Element)
		v, ok := old[in.BlockID][f.actionID]
		if !ok {
			v = f.initial
			delete(m.done, in.BlockID)
		}
		m.values[in.BlockID] = map[string]slack.BlockAction{f.actionID: v}
	}
}

func (m *modal) inputs() []*slack.InputBlock {
	var out []*slack.InputBlock
	for _, b := range m.view.Blocks.BlockSet {
		if in, ok := as[slack.InputBlock](b); ok {
			out = append(out, in)
		}
	}
	return out
}

// next returns the first input block still to be answered.
func (m *modal) next() *slack.InputBlock {
	for _, in := range m.inputs() {
		if !m.done[in.BlockID] && fieldOf(in.Element).typ != "file_input" {
			return in
		}
	}
	return nil
}

// interactive reports whether the modal waits for input; one with neither
// inputs nor a submit button is only shown.
func (m *modal) interactive() bool { return m.view.Submit != nil || len(m.inputs()) > 0 }

// clickable reports whether the modal has elements besides its inputs.
func (m *modal) clickable() bool {
	for _, b := range m.view.Blocks.BlockSet {
		if a, ok := as[slack.ActionBlock](b); ok && a.Elements != nil && len(a.Elements.ElementSet) > 0 {
			return true
		}
		if s, ok := as[slack.SectionBlock](b); ok && fieldOf(accessoryElement(s.Accessory)).kind() != kindNone {
			return true
		}
	}
	return false
}

// snapshot returns the view with its state, as Slack sends it.
func (m *modal) snapshot() slack.View {
	v := m.view
	v.State = &slack.ViewState{Values: map[string]map[string]slack.BlockAction{}}
	for b, acts := range m.values {
		v.State.Values[b] = maps.Clone(acts)
	}
	return v
}

func (c *Console) top() *modal {
	if len(c.modals) == 0 {
		return nil
	}
	return c.modals[len(c.modals)-1]
}

func (c *Console) modalByID(id string) *modal {
	for _, m := range c.modals {
		if m.view.ID == id {
			return m
		}
	}
	return nil
}

// driveModals shows the top modal and asks for its inputs until no modal
// waits for the user any more.
func (c *Console) driveModals(ctx context.Context) error {
	for {
		c.mu.Lock()
		m := c.top()
		if m != nil && m.shown != m.rev {
			c.renderModal(m)
		}
		if m == nil || !m.interactive() {
			c.mu.Unlock()
			return nil
		}
		in := m.next()
		confirm := m.confirm || len(m.inputs()) == 0 || m.clickable()
		c.mu.Unlock()
		var err error
		switch {
		case in != nil:
			err = c.fill(ctx, m, in)
		case confirm:
			err = c.confirmModal(ctx, m)
		default:
			err = c.submit(ctx, m)
		}
		if errors.Is(err, errCancel) {
			err = c.closeModal(ctx, m, false)
		}
		if err != nil {
			return err
		}
	}
}

// fill asks for one input and, for dispatch_action inputs, sends the
// block action the way Slack does when the value changes.
func (c *Console) fill(ctx context.Context, m *modal, in *slack.InputBlock) error {
	f := fieldOf(in.Element)
	c.mu.Lock()
	cur := m.values[in.BlockID][f.actionID]
	var b strings.Builder
	b.WriteString(txt(in.Label))
	if in.Optional {
		b.WriteString(" (optional)")
	}
	if h := txt(in.Hint); h != "" {
		b.WriteString(" — " + h)
	}
	b.WriteString("\n")
	if e := m.errs[in.BlockID]; e != "" {
		b.WriteString("  ! " + e + "\n")
	}
	for i, o := range f.options {
		fmt.Fprintf(&b, "  %s) %s\n", f.choiceNumber(i), optText(o))
	}
	c.write(b.String())
	c.mu.Unlock()
	var hints []string
	if h := f.how(); h != "" {
		hints = append(hints, h)
	}
	if d := summary(cur); d != "" {
		hints = append(hints, "Enter keeps "+d)
	}
	p := "  » "
	if len(hints) > 0 {
		p = "  (" + strings.Join(hints, "; ") + ") » "
	}
	for {
		line, err := c.ask(ctx, p)
		if err != nil {
			return err
		}
		a, msg := cur, ""
		switch {
		case line == "" && summary(cur) == "" && !in.Optional, line == "-" && !in.Optional:
			msg = "this field is required"
		case line == "-":
			a = slack.BlockAction{Type: slack.ActionType(f.typ)}
		case line != "":
			a, msg = f.parse(line)
		}
		if msg != "" {
			c.printf("  %s\n", msg)
			continue
		}
		c.mu.Lock()
		if _, ok := m.values[in.BlockID]; ok { // else the view changed meanwhile
			m.values[in.BlockID] = map[string]slack.BlockAction{f.actionID: a}
		}
		m.done[in.BlockID] = true
		delete(m.errs, in.BlockID)
		viewID := m.view.ID
		c.mu.Unlock()
		if in.DispatchAction && line != "" { // Slack dispatches when the value is entered
			a.ActionID, a.BlockID = f.actionID, in.BlockID
			return c.act(ctx, &surface{viewID: viewID}, a)
		}
		return nil
	}
}

// confirmModal asks before submitting a modal without inputs, one with
// buttons, or one shown again.
func (c *Console) confirmModal(ctx context.Context, m *modal) error {
	c.mu.Lock()
	submit, closeText := txt(m.view.Submit), txt(m.view.Close)
	c.mu.Unlock()
	if submit == "" {
		submit = "Submit"
	}
	if closeText == "" {
		closeText = "Close"
	}
	for {
		line, err := c.ask(ctx, fmt.Sprintf("  (Enter: %s · cancel: %s · or a number) » ", submit, closeText))
		if err != nil {
			return err
		}
		if n, err := strconv.Atoi(line); err == nil {
			return c.click(ctx, n)
		}
		if line != "" {
			c.printf("  press Enter to submit, type cancel to close, or a number to click\n")
			continue
		}
		return c.submit(ctx, m)
	}
}

// submit sends the view_submission and applies the response action.
func (c *Console) submit(ctx context.Context, m *modal) error {
	c.mu.Lock()
	m.confirm = false
	view := m.snapshot()
	req := c.request(bot.KindViewSubmission)
	req.ChannelID, req.CallbackID, req.View = "", view.CallbackID, &view
	ic := c.interaction(slack.InteractionTypeViewSubmission, req.TriggerID)
	ic.View, ic.Hash = view, view.Hash
	req.Interaction = ic
	c.mu.Unlock()

	reply := c.dispatch(ctx, req)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.showReply(func() { c.submitted(m, reply) })
	return nil
}

// submitted applies a view_submission's reply to the modals. c.mu is held.
func (c *Console) submitted(m *modal, reply *bot.Reply) {
	i := c.index(m)
	switch {
	case i < 0: // the handler replaced the modals already
	case reply != nil && len(reply.ViewErrors) > 0:
		c.write(header("please fix: " + txt(m.view.Title)))
		matched := false
		for _, in := range m.inputs() {
			if e, ok := reply.ViewErrors[in.BlockID]; ok {
				c.write("  " + txt(in.Label) + ": " + e + "\n")
				m.errs[in.BlockID], m.done[in.BlockID], matched = e, false, true
			}
		}
		for id, e := range reply.ViewErrors {
			if m.errs[id] == "" {
				c.write("  " + id + ": " + e + "\n")
			}
		}
		m.confirm = !matched
	case reply != nil && reply.ViewUpdate != nil:
		m.set(m.view.ID, c.newID("hash"), c.opts.TeamID, *reply.ViewUpdate)
		m.rev++
	case reply != nil && reply.ViewPush != nil:
		c.modals = append(c.modals, newModal(c.newID("V"), c.newID("hash"), c.opts.TeamID, *reply.ViewPush))
	case reply != nil && reply.ViewClear:
		c.modals = nil
		c.write(header("modal closed"))
	default:
		c.pop(i)
	}
	if reply != nil && (reply.Text != "" || len(reply.Blocks) > 0) {
		c.reply("", reply.Message)
	}
}

func (c *Console) index(m *modal) int {
	for i, x := range c.modals {
		if x == m {
			return i
		}
	}
	return -1
}

// pop closes the modal at i and those above it. c.mu is held.
func (c *Console) pop(i int) {
	c.modals = c.modals[:i]
	c.write(header("modal closed"))
	if t := c.top(); t != nil {
		t.shown, t.back, t.confirm = -1, true, true
	}
}

// closeModal closes m (or all modals) as the user's Close would and sends
// view_closed.
func (c *Console) closeModal(ctx context.Context, m *modal, all bool) error {
	c.mu.Lock()
	i := c.index(m)
	if i < 0 {
		c.mu.Unlock()
		return nil
	}
	view := m.snapshot()
	cleared := all && len(c.modals) > 1
	if all {
		i = 0
	}
	c.pop(i)
	req := c.request(bot.KindViewClosed)
	req.TriggerID, c.trigger = "", "" // view_closed comes without one
	req.ChannelID, req.CallbackID, req.View = "", view.CallbackID, &view
	ic := c.interaction(slack.InteractionTypeViewClosed, req.TriggerID)
	ic.View, ic.IsCleared = view, cleared
	req.Interaction = ic
	c.mu.Unlock()
	c.answer("", c.dispatch(ctx, req))
	return nil
}
