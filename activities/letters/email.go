package letters

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxEmail is the longest email address taken, in characters: RFC 5321's
// 254, the most a mail server takes in a forward path.
const MaxEmail = 254

// ErrEmailDomain is what CheckEmail's error wraps when an address is
// well-formed but its domain is not one mail could be delivered to (a@b).
var ErrEmailDomain = errors.New("no real domain: want a dot in the domain and a top-level domain of 2 or more letters, like name@example.org")

// CheckEmail rejects anything but a bare address with a real domain, so a
// step naming a recipient can be refused before a notice to them is lost.
func CheckEmail(s string) error {
	if s == "" {
		return errors.New("no email address")
	}
	if n := utf8.RuneCountInString(s); n > MaxEmail {
		return fmt.Errorf("email address is %d characters; the limit is %d", n, MaxEmail)
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return fmt.Errorf("email address %q is not a bare address", MaskEmail(s))
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
		return fmt.Errorf("email address %q is not a bare address", MaskEmail(s))
	}
	if !RealEmailDomain(s[strings.LastIndexByte(s, '@')+1:]) {
		return fmt.Errorf("email address %q has %w", MaskEmail(s), ErrEmailDomain)
	}
	return nil
}

// checkDeliverable is the rule at delivery: a bare address. It is looser
// than CheckEmail, which judges what a person types, so a case begun under
// an older rule still has its letters sent.
func checkDeliverable(s string) error {
	if s == "" {
		return errors.New("no email address")
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
		return fmt.Errorf("email address %q is not a bare address", MaskEmail(s))
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// MaskEmail keeps the first character of the local part and the domain:
// "family@example.org" becomes "f***@example.org".
func MaskEmail(email string) string {
	at := strings.LastIndexByte(email, '@')
	if at <= 0 {
		return "***"
	}
	r, _ := utf8.DecodeRuneInString(email)
	return string(r) + "***" + email[at:]
}

// RealEmailDomain reports whether domain could receive mail: two or more
// dot-separated labels of letters, digits and inner hyphens, the last (the
// top-level domain) 2 or more letters, or an internationalised one
// (xn--...). It refuses "b" in a@b, "localhost" and "[192.0.2.1]". It is
// CheckEmail's rule and the provider directory's.
func RealEmailDomain(domain string) bool {
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || utf8.RuneCountInString(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' ||
			strings.ContainsFunc(l, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' }) {
			return false
		}
	}
	tld := labels[len(labels)-1]
	if strings.HasPrefix(strings.ToLower(tld), "xn--") {
		return len(tld) > 4
	}
	return utf8.RuneCountInString(tld) >= 2 && !strings.ContainsFunc(tld, func(r rune) bool { return !unicode.IsLetter(r) })
}
