package i18n

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const importPath = "github.com/platformbot/platformbot/i18n"

// idConsts reads ids.go and every feature's ids_*.go: constant name →
// message ID.
func idConsts(t *testing.T) map[string]string {
	t.Helper()
	files, err := filepath.Glob("ids*.go")
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]string{}
	for _, name := range files {
		addIDConsts(t, name, consts)
	}
	return consts
}

func addIDConsts(t *testing.T, name string, consts map[string]string) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok {
					t.Fatalf("%s: %s is not a string literal", name, n.Name)
				}
				v, _ := strconv.Unquote(lit.Value)
				if _, dup := consts[n.Name]; dup {
					t.Errorf("%s: %s is declared twice", name, n.Name)
				}
				consts[n.Name] = v
			}
		}
	}
}

// codeUse is what the module's Go code (tests left out) does with IDs.
type codeUse struct {
	used map[string]bool // constant names referenced
	raw  []string        // places that name a message by a string
}

// scanCode walks the module's non-test Go files for references to the ID
// constants, and for messages named by a raw string (T("…"), ID("…")).
func scanCode(t *testing.T, root string, consts map[string]string) codeUse {
	t.Helper()
	use := codeUse{used: map[string]bool{}}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			if path != root {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		inPkg := f.Name.Name == "i18n" && filepath.Base(filepath.Dir(path)) == "i18n"
		if inPkg && filepath.Base(path) == "ids.go" {
			return nil
		}
		name := ""
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); p == importPath {
				name = "i18n"
				if imp.Name != nil {
					name = imp.Name.Name
				}
			}
		}
		if !inPkg && name == "" {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if x, ok := n.X.(*ast.Ident); ok && x.Name == name && consts[n.Sel.Name] != "" {
					use.used[n.Sel.Name] = true
				}
			case *ast.Ident:
				if inPkg && consts[n.Name] != "" {
					use.used[n.Name] = true
				}
			case *ast.CallExpr:
				if len(n.Args) == 0 {
					return true
				}
				lit, isLit := n.Args[0].(*ast.BasicLit)
				if !isLit || lit.Kind != token.STRING {
					return true
				}
				fun := ""
				switch f := n.Fun.(type) {
				case *ast.SelectorExpr:
					fun = f.Sel.Name
				case *ast.Ident:
					fun = f.Name
				}
				if fun == "T" || fun == "N" || fun == "ID" || fun == "Refuse" {
					use.raw = append(use.raw, fmt.Sprintf("%s: %s(%s)", fset.Position(n.Pos()), fun, lit.Value))
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return use
}

// mismatches compares code and catalogs: IDs used and missing from a
// catalog, in a catalog and unused, declared and unused.
func mismatches(consts map[string]string, used map[string]bool, catalogs map[string][]string) []string {
	var out []string
	for _, name := range slices.Sorted(mapsKeys(consts)) {
		if !used[name] {
			out = append(out, fmt.Sprintf("%s (%q) is declared in ids.go and used nowhere", name, consts[name]))
		}
	}
	usedIDs := map[string]string{}
	for name := range used {
		usedIDs[consts[name]] = name
	}
	for _, code := range slices.Sorted(mapsKeys(catalogs)) {
		have := map[string]bool{}
		for _, id := range catalogs[code] {
			have[id] = true
			if usedIDs[id] == "" {
				out = append(out, fmt.Sprintf("catalog %s: %q is used nowhere in the code", code, id))
			}
		}
		for _, id := range slices.Sorted(mapsKeys(usedIDs)) {
			if !have[id] {
				out = append(out, fmt.Sprintf("catalog %s: %q (%s) is used in the code and missing", code, id, usedIDs[id]))
			}
		}
	}
	return out
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func catalogIDs(t *testing.T) map[string][]string {
	t.Helper()
	c := MustBuiltin()
	out := map[string][]string{}
	for _, code := range Languages() {
		ids, err := c.messageIDs(code)
		if err != nil {
			t.Fatal(err)
		}
		out[code] = ids
	}
	return out
}

func TestCatalogsMatchCode(t *testing.T) {
	consts := idConsts(t)
	use := scanCode(t, "..", consts)
	for _, r := range use.raw {
		t.Errorf("a message is named by a string, not an ID constant: %s", r)
	}
	for _, m := range mismatches(consts, use.used, catalogIDs(t)) {
		t.Error(m)
	}
	if got := Languages(); !slices.Contains(got, "de") || !slices.Contains(got, "en") {
		t.Errorf("Languages() = %v, want de and en among them", got)
	}
}

// TestMismatchesFails shows that the check above can fail, both ways.
func TestMismatchesFails(t *testing.T) {
	consts := map[string]string{"A": "a", "B": "b", "C": "c"}
	used := map[string]bool{"A": true, "B": true}
	got := mismatches(consts, used, map[string][]string{"en": {"a", "b", "z"}, "de": {"a"}})
	want := []string{
		`C ("c") is declared in ids.go and used nowhere`,
		`catalog de: "b" (B) is used in the code and missing`,
		`catalog en: "z" is used nowhere in the code`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// rawCatalog reads a catalog as YAML: ID → a string, or a map of plural
// forms.
func rawCatalog(t *testing.T, code string) map[string]any {
	t.Helper()
	raw, err := rawMessages(code)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

var placeholderRe = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

// placeholders returns the template fields of a message, all forms joined.
func placeholders(v any) []string {
	var texts []string
	switch v := v.(type) {
	case string:
		texts = []string{v}
	case map[string]any:
		for _, f := range v {
			if s, ok := f.(string); ok {
				texts = append(texts, s)
			}
		}
	}
	seen := map[string]bool{}
	for _, s := range texts {
		for _, m := range placeholderRe.FindAllStringSubmatch(s, -1) {
			seen[m[1]] = true
		}
	}
	return slices.Sorted(mapsKeys(seen))
}

// TestCatalogsAgree checks that every translation has the fields and the
// plural forms of the English message: a German message that drops
// {{.Title}} would lose the survey's name.
func TestCatalogsAgree(t *testing.T) {
	en := rawCatalog(t, English)
	for _, code := range Languages() {
		if code == English {
			continue
		}
		other := rawCatalog(t, code)
		for id, v := range en {
			tv, ok := other[id]
			if !ok {
				continue // TestCatalogsMatchCode reports it
			}
			if diff := cmp.Diff(placeholders(v), placeholders(tv)); diff != "" {
				t.Errorf("%s %s: placeholders differ from English (-en +%s):\n%s", code, id, code, diff)
			}
			_, enPlural := v.(map[string]any)
			forms, plural := tv.(map[string]any)
			if enPlural != plural {
				t.Errorf("%s %s: plural in one catalog and not in the other", code, id)
			}
			if plural && (forms["one"] == nil || forms["other"] == nil) {
				t.Errorf("%s %s: needs the forms one and other, has %v", code, id, forms)
			}
		}
	}
}

// TestGoldenGerman renders every message of the German catalog, plural
// ones with 1, 2 and 1000, to testdata/de.golden (go test -update
// rewrites it), so that a reviewer reads the German as people get it.
func TestGoldenGerman(t *testing.T) {
	de := MustBuiltin().langs["de"]
	raw := rawCatalog(t, English)
	var b strings.Builder
	for _, id := range slices.Sorted(mapsKeys(raw)) {
		data := Data{}
		for _, p := range placeholders(raw[id]) {
			data[p] = "‹" + p + "›"
		}
		if _, plural := raw[id].(map[string]any); plural {
			for _, n := range []int{1, 2, 1000} {
				fmt.Fprintf(&b, "%s [%d]: %s\n", id, n, de.N(ID(id), n, data))
			}
			continue
		}
		fmt.Fprintf(&b, "%s: %s\n", id, de.T(ID(id), data))
	}
	golden(t, "testdata/de.golden", b.String())
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./i18n -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}
