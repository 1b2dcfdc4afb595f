package config

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// The configuration reference in docs/configuration.md is generated from
// Settings, so it cannot drift from the flags the binaries take. Only the
// part between the markers is generated; the prose around it is written by
// hand.
var updateDocs = flag.Bool("update", false, "rewrite the generated settings table in docs/configuration.md")

const (
	settingsBegin = "<!-- settings:begin -->"
	settingsEnd   = "<!-- settings:end -->"
)

// TestConfigurationReference fails when docs/configuration.md's table is not
// what Settings renders; go test ./config -update (or EHC_UPDATE_DOCS=1)
// rewrites it.
func TestConfigurationReference(t *testing.T) {
	path := filepath.Join("..", "docs", "configuration.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the configuration reference: %v", err)
	}
	begin, end := bytes.Index(doc, []byte(settingsBegin)), bytes.Index(doc, []byte(settingsEnd))
	if begin < 0 || end < begin {
		t.Fatalf("%s has no %s … %s section for the settings table", path, settingsBegin, settingsEnd)
	}
	var want bytes.Buffer
	want.Write(doc[:begin+len(settingsBegin)])
	want.WriteString("\n" + settingsTable())
	want.Write(doc[end:])
	if bytes.Equal(doc, want.Bytes()) {
		return
	}
	if *updateDocs || os.Getenv("EHC_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, want.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote the settings table in %s", path)
		return
	}
	t.Errorf("%s does not match config.Settings: run go test ./config -update (or EHC_UPDATE_DOCS=1) and commit it", path)
}

// settingsTable renders Settings as a markdown table.
func settingsTable() string {
	var b strings.Builder
	b.WriteString("| environment variable | flag | default | meaning |\n| --- | --- | --- | --- |\n")
	for _, s := range Settings {
		def := "none"
		if s.Default != "" {
			def = "`" + s.Default + "`"
		}
		fmt.Fprintf(&b, "| `%s` | `-%s` | %s | %s |\n", s.Env, s.Flag, cell(def), cell(s.Usage))
	}
	return b.String()
}

// cell makes text with `code spans` (a usage's placeholder, as flag's help
// shows it) safe in a table cell: a pipe would end the cell, and outside
// code "<address>" would be taken for HTML and vanish.
func cell(text string) string {
	parts := strings.Split(strings.ReplaceAll(text, "\n", " "), "`")
	for i := range parts {
		if i%2 == 0 { // outside code
			parts[i] = strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(parts[i])
		}
		parts[i] = strings.ReplaceAll(parts[i], "|", `\|`)
	}
	return strings.Join(parts, "`")
}

// mdLink is an inline markdown link; its target has no spaces.
var mdLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// TestDocsLinksResolve checks every relative link in README.md and docs/*.md
// names a file that exists (and a heading in it, for a #fragment), and that
// the README links to every document in docs/.
func TestDocsLinksResolve(t *testing.T) {
	readme := filepath.Join("..", "README.md")
	docs, err := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	if err != nil || len(docs) == 0 {
		t.Fatalf("no docs/*.md found (%v)", err)
	}
	fromReadme := map[string]bool{}
	for _, file := range append([]string{readme}, docs...) {
		text, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range prose(string(text)) {
			for _, m := range mdLink.FindAllStringSubmatch(line, -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				path, fragment, _ := strings.Cut(target, "#")
				dest := file
				if path != "" {
					dest = filepath.Join(filepath.Dir(file), path)
				}
				if _, err := os.Stat(dest); err != nil {
					t.Errorf("%s: link (%s): %v", file, target, err)
					continue
				}
				if file == readme {
					fromReadme[filepath.Clean(dest)] = true
				}
				if fragment != "" && strings.HasSuffix(dest, ".md") && !anchors(t, dest)[fragment] {
					t.Errorf("%s: link (%s): %s has no heading #%s", file, target, dest, fragment)
				}
			}
		}
	}
	for _, doc := range docs {
		if !fromReadme[filepath.Clean(doc)] {
			t.Errorf("README.md does not link to %s", doc)
		}
	}
}

// prose is a markdown file's lines outside fenced code blocks.
func prose(text string) []string {
	var lines []string
	fenced := false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if !fenced {
			lines = append(lines, line)
		}
	}
	return lines
}

// anchors are the fragments GitHub gives a file's headings: lower case,
// spaces as hyphens, punctuation dropped, repeats numbered.
func anchors(t *testing.T, file string) map[string]bool {
	t.Helper()
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	out := map[string]bool{}
	for _, line := range prose(string(text)) {
		heading, ok := strings.CutPrefix(strings.TrimLeft(line, "#"), " ")
		if !ok || !strings.HasPrefix(line, "#") {
			continue
		}
		var b strings.Builder
		for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
			switch {
			case r == ' ':
				b.WriteByte('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		slug := b.String()
		if n := seen[slug]; n > 0 {
			out[fmt.Sprintf("%s-%d", slug, n)] = true
		} else {
			out[slug] = true
		}
		seen[slug]++
	}
	return out
}
