package letters

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestCheckEmail(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"sam@example.org", ""},
		{"senco@hill.example.sch.uk", ""},
		{"a.b+tag@sub-domain.example.co", ""},
		{"x@xn--p1ai.xn--p1ai", ""},
		{"", "no email address"},
		{"a@b", `email address "a***@b" has no real domain: want a dot in the domain and a top-level domain of 2 or more letters, like name@example.org`},
		{"a@localhost", `email address "a***@localhost" has no real domain: want a dot in the domain and a top-level domain of 2 or more letters, like name@example.org`},
		{"a@example.c", `email address "a***@example.c" has no real domain: want a dot in the domain and a top-level domain of 2 or more letters, like name@example.org`},
		{"a@example.123", `email address "a***@example.123" has no real domain: want a dot in the domain and a top-level domain of 2 or more letters, like name@example.org`},
		{"a@example..org", `email address "a***@example..org" is not a bare address`},
		{"a@-x.org", `email address "a***@-x.org" has no real domain: want a dot in the domain and a top-level domain of 2 or more letters, like name@example.org`},
		{"a@[192.0.2.1]", `email address "a***@[192.0.2.1]" has no real domain: want a dot in the domain and a top-level domain of 2 or more letters, like name@example.org`},
		{"a b@example.org", `email address "a***@example.org" is not a bare address`},
		{"a@example.org\n", `email address "a***@example.org\n" is not a bare address`},
		{"Sam <sam@example.org>", `email address "S***@example.org>" is not a bare address`},
		{strings.Repeat("e", 250) + "@example.org", "email address is 262 characters; the limit is 254"},
	} {
		got := ""
		if err := CheckEmail(c.in); err != nil {
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("CheckEmail(%.40q):\n got %q\nwant %q", c.in, got, c.want)
		}
	}
	if err := CheckEmail("a@b"); !errors.Is(err, ErrEmailDomain) {
		t.Errorf("a@b: %v does not wrap ErrEmailDomain", err)
	}
}

// FuzzCheckEmail: an address CheckEmail accepts is one line, within the
// limit, without spaces, and has a domain with a dot and a lettered TLD.
func FuzzCheckEmail(f *testing.F) {
	for _, s := range []string{"sam@example.org", "a@b", "a@b.c", "a@b.co", "\"a b\"@example.org", "a@example.org\r\n", "a@[::1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if CheckEmail(s) != nil {
			return
		}
		if utf8.RuneCountInString(s) > MaxEmail || !utf8.ValidString(s) ||
			strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
			t.Fatalf("%q accepted", s)
		}
		domain := s[strings.LastIndexByte(s, '@')+1:]
		dot := strings.LastIndexByte(domain, '.')
		if dot <= 0 || utf8.RuneCountInString(domain[dot+1:]) < 2 {
			t.Fatalf("%q accepted: its domain %q is not a real one", s, domain)
		}
	})
}
