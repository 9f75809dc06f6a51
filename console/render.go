package console

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/platformbot/platformbot/bot"
	"github.com/slack-go/slack"
)

const divider = "────────────────────────────────────────"

func header(s string) string { return "── " + s + " ──\n" }

// surface is where rendered elements live: a message, or a view (modal or
// App Home). Clicks are dispatched with its context.
type surface struct {
	channel   string
	ts        string
	ephemeral bool
	msg       bot.Message
	viewID    string
}

func (s *surface) slackMessage() slack.Message {
	var m slack.Message
	m.Type, m.Channel, m.Text, m.Timestamp = "message", s.channel, s.msg.Text, s.ts
	m.Blocks = slack.Blocks{BlockSet: s.msg.Blocks}
	return m
}

// clickable is one numbered element (or one option of a select) of the
// latest rendering.
type clickable struct {
	blockID string
	field   field
	option  *slack.OptionBlockObject // the option this number chooses
	on      *surface
}

// addClick numbers an element. Numbering restarts with the first rendering
// after each line typed at the main prompt, and the previous numbers are
// then forgotten, so a number always means one element. c.mu is held.
func (c *Console) addClick(cl *clickable) int {
	if c.clickTurn != c.turn || c.clicks == nil {
		c.clicks, c.nclick, c.clickTurn = map[int]*clickable{}, 0, c.turn
	}
	c.nclick++
	c.clicks[c.nclick] = cl
	return c.nclick
}

// renderer writes blocks as text, numbering what can be clicked. The
// console's mutex is held while it runs.
type renderer struct {
	c     *Console
	on    *surface
	state map[string]map[string]slack.BlockAction // a modal's input values
	b     strings.Builder
}

func (r *renderer) line(s string) {
	r.b.WriteString(r.c.readable(s))
	r.b.WriteByte('\n')
}

// mrkdwnToken matches Slack's angle-bracket tokens: dates, mentions,
// channels and links.
var mrkdwnToken = regexp.MustCompile(`<([^<>|]*)(?:\|([^<>]*))?>`)

// readable shows mrkdwn tokens the way Slack would: a date in the reader's
// time zone (named, since a terminal has no zone setting to imply it),
// <@U1> as @U1, a link as its label, and escaped characters plain. c.mu is
// held.
func (c *Console) readable(s string) string {
	s = mrkdwnToken.ReplaceAllStringFunc(s, func(tok string) string {
		m := mrkdwnToken.FindStringSubmatch(tok)
		target, label := m[1], m[2]
		switch {
		case strings.HasPrefix(target, "!date^"):
			if d, ok := c.date(target); ok {
				return d
			}
			return label
		case strings.HasPrefix(target, "@"), strings.HasPrefix(target, "#"):
			if label != "" {
				return target[:1] + label
			}
			return target
		case strings.HasPrefix(target, "!"):
			return "@" + strings.TrimPrefix(target, "!")
		case label != "":
			return label + " (" + target + ")"
		}
		return target
	})
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&").Replace(s)
}

func (r *renderer) message(msg bot.Message) {
	switch {
	case len(msg.Blocks) > 0:
		r.blocks(msg.Blocks)
	case msg.Text != "":
		r.line(msg.Text)
	default:
		r.line("(empty message)")
	}
}

func (r *renderer) blocks(bs []slack.Block) {
	for _, b := range bs {
		if b != nil {
			r.block(b)
		}
	}
}

func (r *renderer) block(b slack.Block) {
	if s, ok := as[slack.SectionBlock](b); ok {
		r.section(s)
	} else if h, ok := as[slack.HeaderBlock](b); ok {
		r.line("# " + txt(h.Text))
	} else if _, ok := as[slack.DividerBlock](b); ok {
		r.line(divider)
	} else if cx, ok := as[slack.ContextBlock](b); ok {
		var parts []string
		for _, el := range cx.ContextElements.Elements {
			if t, ok := as[slack.TextBlockObject](el); ok {
				parts = append(parts, t.Text)
			} else if im, ok := as[slack.ImageBlockElement](el); ok {
				parts = append(parts, "("+im.AltText+")")
			}
		}
		r.line("  " + strings.Join(parts, "  "))
	} else if a, ok := as[slack.ActionBlock](b); ok && a.Elements != nil {
		var parts []string
		for _, el := range a.Elements.ElementSet {
			parts = append(parts, r.element(a.BlockID, el))
		}
		r.line(strings.Join(parts, "  "))
	} else if im, ok := as[slack.ImageBlock](b); ok {
		alt := im.AltText
		if t := txt(im.Title); t != "" {
			alt = t + " — " + alt
		}
		r.line("[image: " + alt + "]")
	} else if in, ok := as[slack.InputBlock](b); ok {
		r.input(in)
	} else if md, ok := as[slack.MarkdownBlock](b); ok {
		r.line(md.Text)
	} else if rt, ok := as[slack.RichTextBlock](b); ok {
		r.line(richText(rt))
	} else {
		r.line("[" + string(b.BlockType()) + " block]")
	}
}

func (r *renderer) section(s *slack.SectionBlock) {
	text, acc := txt(s.Text), ""
	if el := accessoryElement(s.Accessory); el != nil {
		acc = r.element(s.BlockID, el)
	}
	inline := text != "" && acc != "" && !strings.Contains(text, "\n")
	switch {
	case inline:
		r.line(text + "  " + acc)
	case text != "":
		r.line(text)
	}
	for _, f := range s.Fields {
		r.line("  " + strings.ReplaceAll(txt(f), "\n", " "))
	}
	if acc != "" && !inline {
		r.line("  " + acc)
	}
}

// input shows a modal's input block with its current value; the value
// itself is asked for afterwards.
func (r *renderer) input(in *slack.InputBlock) {
	f := fieldOf(in.Element)
	label := txt(in.Label)
	if in.Optional {
		label += " (optional)"
	}
	val := summary(r.state[in.BlockID][f.actionID])
	switch {
	case f.typ == "file_input":
		val = "‹file uploads are not available in the console›"
	case val == "" && f.label != "":
		val = "‹" + f.label + "›"
	case val == "":
		val = "‹empty›"
	}
	r.line(label + ": " + val)
	if h := txt(in.Hint); h != "" {
		r.line("  " + h)
	}
}

// element renders an interactive element inline and numbers it.
func (r *renderer) element(blockID string, el slack.BlockElement) string {
	if el == nil {
		return ""
	}
	f := fieldOf(el)
	switch f.kind() {
	case kindButton:
		n := r.c.addClick(&clickable{blockID: blockID, field: f, on: r.on})
		s := fmt.Sprintf("[%d] %s", n, f.label)
		if f.url != "" {
			s += " <" + f.url + ">"
		}
		return s
	case kindOptions:
		var parts []string
		if f.label != "" {
			parts = append(parts, f.label)
		}
		chosen := summary(f.initial)
		for _, o := range f.options {
			n := r.c.addClick(&clickable{blockID: blockID, field: f, option: o, on: r.on})
			s := fmt.Sprintf("[%d] %s", n, optText(o))
			if chosen != "" && strings.Contains(", "+chosen+", ", ", "+optText(o)+", ") {
				s += " ✓"
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, "  ")
	case kindAsk:
		n := r.c.addClick(&clickable{blockID: blockID, field: f, on: r.on})
		label := f.label
		if label == "" {
			label = strings.ReplaceAll(f.typ, "_", " ")
		}
		if cur := summary(f.initial); cur != "" {
			label += " (" + cur + ")"
		}
		return fmt.Sprintf("[%d] %s", n, label)
	}
	if f.typ == "image" {
		return "(" + f.label + ")"
	}
	return "[" + f.typ + "]"
}

func accessoryElement(a *slack.Accessory) slack.BlockElement {
	switch {
	case a == nil:
	case a.ImageElement != nil:
		return a.ImageElement
	case a.ButtonElement != nil:
		return a.ButtonElement
	case a.OverflowElement != nil:
		return a.OverflowElement
	case a.DatePickerElement != nil:
		return a.DatePickerElement
	case a.TimePickerElement != nil:
		return a.TimePickerElement
	case a.PlainTextInputElement != nil:
		return a.PlainTextInputElement
	case a.RichTextInputElement != nil:
		return a.RichTextInputElement
	case a.RadioButtonsElement != nil:
		return a.RadioButtonsElement
	case a.SelectElement != nil:
		return a.SelectElement
	case a.MultiSelectElement != nil:
		return a.MultiSelectElement
	case a.CheckboxGroupsBlockElement != nil:
		return a.CheckboxGroupsBlockElement
	case a.WorkflowButtonElement != nil:
		return a.WorkflowButtonElement
	case a.UnknownElement != nil:
		return a.UnknownElement
	}
	return nil
}

// richText flattens a rich_text block to mrkdwn-like text.
func richText(b *slack.RichTextBlock) string {
	var out []string
	for _, el := range b.Elements {
		if s, ok := as[slack.RichTextSection](el); ok {
			out = append(out, richSection(s.Elements))
		} else if l, ok := as[slack.RichTextList](el); ok {
			for _, item := range l.Elements {
				if s, ok := as[slack.RichTextSection](item); ok {
					out = append(out, strings.Repeat("  ", l.Indent)+"• "+richSection(s.Elements))
				}
			}
		} else if q, ok := as[slack.RichTextQuote](el); ok {
			out = append(out, "> "+richSection(q.Elements))
		} else if p, ok := as[slack.RichTextPreformatted](el); ok {
			out = append(out, "```"+richSection(p.Elements)+"```")
		}
	}
	return strings.Join(out, "\n")
}

func richSection(els []slack.RichTextSectionElement) string {
	var b strings.Builder
	for _, el := range els {
		if t, ok := as[slack.RichTextSectionTextElement](el); ok {
			b.WriteString(t.Text)
		} else if l, ok := as[slack.RichTextSectionLinkElement](el); ok {
			if l.Text != "" {
				b.WriteString("<" + l.URL + "|" + l.Text + ">")
			} else {
				b.WriteString("<" + l.URL + ">")
			}
		} else if u, ok := as[slack.RichTextSectionUserElement](el); ok {
			b.WriteString("<@" + u.UserID + ">")
		} else if ch, ok := as[slack.RichTextSectionChannelElement](el); ok {
			b.WriteString("<#" + ch.ChannelID + ">")
		} else if e, ok := as[slack.RichTextSectionEmojiElement](el); ok {
			b.WriteString(":" + e.Name + ":")
		}
	}
	return b.String()
}

// show renders a message on a surface under a header line. c.mu is held.
func (c *Console) show(head string, s *surface) {
	r := &renderer{c: c, on: s}
	r.message(s.msg)
	c.write(header(head) + r.b.String())
}

// renderModal shows the top modal. c.mu is held.
func (c *Console) renderModal(m *modal) {
	r := &renderer{c: c, on: &surface{viewID: m.view.ID}, state: m.values}
	r.blocks(m.view.Blocks.BlockSet)
	head := "modal"
	switch {
	case m.back:
		head = "back to modal"
	case m.rev > 0:
		head = "modal updated"
	}
	c.write(header(head+": "+txt(m.view.Title)) + r.b.String())
	m.shown, m.back = m.rev, false
}

// where names a channel for headers: user ids are DMs.
func where(channel string) string {
	switch {
	case strings.HasPrefix(channel, "U"), strings.HasPrefix(channel, "W"):
		return "@" + channel + " (DM)"
	case strings.HasPrefix(channel, "D"):
		return channel + " (DM)"
	}
	return "#" + channel
}
