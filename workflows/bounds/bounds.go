// Package bounds is the one check every statutory process and the CLI
// apply to what people type: a length in characters, valid UTF-8, no
// control characters (but line breaks in free text), and the case
// reference's form, and a step's date. It depends on statute alone, so every
// process shares it.
package bounds

import (
	"fmt"
	"regexp"
	"unicode"
	"unicode/utf8"
)

// Line refuses a single-line value (a name, an ID) longer than max
// characters, not UTF-8, or holding any control character: no line break,
// tab or escape, so it cannot break a table row, a log line or a header.
// what names the field: "--caseworker", or "the caseworker ID".
func Line(what, v string, max int) error { return check(what, v, max, false) }

// Text is Line for free text (reasons and notes), which may have line
// breaks (\n) but no other control character.
func Text(what, v string, max int) error { return check(what, v, max, true) }

func check(what, v string, max int, multiline bool) error {
	if n := utf8.RuneCountInString(v); n > max {
		return fmt.Errorf("%s is %d characters; the limit is %d", what, n, max)
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("%s is not valid UTF-8 text", what)
	}
	for _, r := range v {
		if !IsControl(r) || (multiline && r == '\n') {
			continue
		}
		if multiline {
			return fmt.Errorf("%s contains %s: it may have line breaks but no other control characters", what, describeControl(r))
		}
		return fmt.Errorf("%s contains %s: it must be a single line without control characters", what, describeControl(r))
	}
	return nil
}

// IsControl is a control character (C0, DEL or C1) or a Unicode line or
// paragraph separator.
func IsControl(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }

func describeControl(r rune) string {
	switch r {
	case '\n':
		return "a line break (U+000A)"
	case '\r':
		return "a carriage return (U+000D)"
	case '\t':
		return "a tab (U+0009)"
	case '\u2028':
		return "a line separator (U+2028)"
	case '\u2029':
		return "a paragraph separator (U+2029)"
	}
	return fmt.Sprintf("a control character (U+%04X)", r)
}

var caseRefPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{1,39}$`)

// CaseRef rejects references that could not be a workflow ID or that look
// like free text (where a name might creep in).
func CaseRef(ref string) error {
	if !caseRefPattern.MatchString(ref) {
		return fmt.Errorf("case reference %q must be 2-40 letters, digits or hyphens, starting with a letter or digit", ref)
	}
	return nil
}
