package config

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// docIndex knows where every key and value of a file is, so that a problem
// yaml.v3 reports only by line ("line 3: cannot unmarshal !!seq into
// string") gets the key path and the value written there.
type docIndex struct {
	lines  map[string]int        // path → line of its key (or item)
	values map[string]*yaml.Node // path → value node
	order  []string              // paths in document order
	keys   map[int][]string      // line → paths whose key is on it
}

func newDocIndex(root *yaml.Node) *docIndex {
	ix := &docIndex{lines: map[string]int{}, values: map[string]*yaml.Node{}, keys: map[int][]string{}}
	ix.walk(root, "")
	return ix
}

func (ix *docIndex) walk(n *yaml.Node, path string) {
	if n.Kind == yaml.DocumentNode {
		for _, c := range n.Content {
			ix.walk(c, path)
		}
		return
	}
	if path != "" {
		if _, ok := ix.lines[path]; !ok {
			ix.lines[path] = n.Line
		}
		ix.values[path] = n
		ix.order = append(ix.order, path)
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			p := k.Value
			if path != "" {
				p = path + "." + k.Value
			}
			ix.lines[p] = k.Line
			ix.keys[k.Line] = append(ix.keys[k.Line], p)
			ix.walk(n.Content[i+1], p)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			ix.walk(c, fmt.Sprintf("%s[%d]", path, i))
		}
	}
}

// valueAt returns the path of the first value on line whose tag is tag
// (!!seq, !!str…) and, for a scalar, whose text is text ("" matches any).
func (ix *docIndex) valueAt(line int, tag, text string) (string, *yaml.Node) {
	for _, p := range ix.order {
		n := ix.values[p]
		if n.Line == line && n.ShortTag() == tag && (text == "" || n.Kind != yaml.ScalarNode || n.Value == text) {
			return p, n
		}
	}
	return "", nil
}

// keyAt returns the path of key name on line.
func (ix *docIndex) keyAt(line int, name string) string {
	for _, p := range ix.keys[line] {
		if p == name || strings.HasSuffix(p, "."+name) {
			return p
		}
	}
	return ""
}

var (
	yamlLineRe     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownFieldRe = regexp.MustCompile(`^field (\S+) not found in type config\.(\S+)$`)
	wrongTypeRe    = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `(.*)`)? into (.+)$")
	// badValueRe is how our own UnmarshalYAML methods report a value:
	// "!!TAG `VALUE` is not …" (see typeError).
	badValueRe = regexp.MustCompile("^!!(\\w+) `(.*)` (is not .*)$")
)

// typeError is the error an UnmarshalYAML method returns for a value it
// cannot take; yaml.v3 collects it with the other problems and goes on.
func typeError(n *yaml.Node, what string) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s `%s` is not %s", n.Line, n.ShortTag(), nodeText(n), what)}}
}

// yamlProblems turns yaml.v3's errors (which embed "line N:") into
// Problems with the key path and the offending value; ix may be nil (a
// syntax error leaves no document to look in).
func yamlProblems(err error, ix *docIndex) []Problem {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var out []Problem
	for _, m := range msgs {
		sm := yamlLineRe.FindStringSubmatch(m)
		if sm == nil {
			out = append(out, Problem{Msg: strings.TrimPrefix(m, "yaml: ")})
			continue
		}
		line, _ := strconv.Atoi(sm[1])
		p := Problem{Line: line, Msg: sm[2]}
		if ix != nil {
			p = explain(p, ix)
		}
		out = append(out, p)
	}
	return out
}

// explain rewrites one of yaml.v3's messages for a person.
func explain(p Problem, ix *docIndex) Problem {
	if m := unknownFieldRe.FindStringSubmatch(p.Msg); m != nil {
		p.Path = ix.keyAt(p.Line, m[1])
		p.Msg = fmt.Sprintf("unknown key %q", m[1])
		if s := nearestKey(m[1], knownKeys(m[2])); s != "" {
			p.Msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return p
	}
	if m := wrongTypeRe.FindStringSubmatch(p.Msg); m != nil {
		path, n := ix.valueAt(p.Line, "!!"+m[1], m[2])
		p.Path = path
		p.Msg = fmt.Sprintf("%s is %s, expected %s", shown(n, m[2]), tagName(m[1]), goTypeName(m[3]))
		return p
	}
	if m := badValueRe.FindStringSubmatch(p.Msg); m != nil {
		path, n := ix.valueAt(p.Line, "!!"+m[1], m[2])
		p.Path = path
		p.Msg = shown(n, m[2]) + " " + m[3]
	}
	return p
}

// shown is the offending value as written: quoted text, or a list or
// mapping in flow style, cut to 60 characters.
func shown(n *yaml.Node, fallback string) string {
	if n == nil {
		return strconv.Quote(fallback)
	}
	if n.Kind == yaml.ScalarNode {
		return strconv.Quote(truncate(n.Value, 60))
	}
	return truncate(nodeText(n), 60)
}

// scalarText is a scalar's text as written (quoted), "" for anything else.
func scalarText(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode || n.Value == "" {
		return ""
	}
	return strconv.Quote(truncate(n.Value, 60))
}

// nodeText renders a node on one line: a scalar's text, a list or mapping
// in flow style.
func nodeText(n *yaml.Node) string {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value
	case yaml.SequenceNode:
		items := make([]string, len(n.Content))
		for i, c := range n.Content {
			items[i] = nodeText(c)
		}
		return "[" + strings.Join(items, ", ") + "]"
	case yaml.MappingNode:
		var items []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			items = append(items, nodeText(n.Content[i])+": "+nodeText(n.Content[i+1]))
		}
		return "{" + strings.Join(items, ", ") + "}"
	case yaml.AliasNode:
		return "*" + n.Value
	}
	return ""
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func tagName(tag string) string {
	switch tag {
	case "str":
		return "text"
	case "int", "float":
		return "a number"
	case "bool":
		return "true/false"
	case "seq":
		return "a list"
	case "map":
		return "a mapping"
	case "null":
		return "empty"
	case "timestamp":
		return "a date"
	}
	return "a " + tag
}

func goTypeName(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"), t == "config.StringList":
		return "a list"
	case strings.HasPrefix(t, "map["), strings.HasPrefix(t, "config."):
		return "a mapping"
	case t == "int", t == "int64":
		return "a whole number"
	case t == "float64", t == "*float64":
		return "a number"
	case t == "bool", t == "*bool":
		return "true or false"
	case t == "string":
		return "text (one value)"
	case t == "time.Duration", t == "config.Duration":
		return "a duration like 72h or 30m"
	}
	return t
}

// knownKeys returns the YAML keys of the config struct type named
// typeName ("Slack", "RequestType"…), found from Config by reflection so
// that suggestions follow the code.
func knownKeys(typeName string) []string {
	var keys []string
	seen := map[reflect.Type]bool{}
	var visit func(t reflect.Type)
	visit = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "" || name == "-" {
				if f.Anonymous {
					visit(f.Type)
				}
				continue
			}
			if t.Name() == typeName {
				keys = append(keys, name)
			}
			visit(f.Type)
		}
	}
	visit(reflect.TypeFor[Config]())
	return keys
}

// nearestKey returns the known key closest to key, if it is close enough
// to be a typo: at most a third of its letters differ (at least 2), or it
// is the same once case, "_" and "-" are ignored (officehours →
// office_hours).
func nearestKey(key string, known []string) string {
	norm := func(s string) string { return strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(s)) }
	best, bestD := "", max(2, len([]rune(key))/3)+1
	for _, k := range known {
		d := levenshtein(key, k)
		if norm(k) == norm(key) {
			d = 0
		}
		if d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// levenshtein is the edit distance between a and b (insertions,
// deletions and substitutions of one character).
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev, cur := make([]int, len(rb)+1), make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// sortProblems orders problems by line, those without a line last.
func sortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		switch {
		case a.Line == b.Line:
			return 0
		case a.Line == 0:
			return 1
		case b.Line == 0:
			return -1
		}
		return a.Line - b.Line
	})
}
