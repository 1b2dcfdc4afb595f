package dev

import (
	"os/exec"
	"testing"
)

// What ensure-postgres.sh learns of DATABASE_URL is what pgx reads in it:
// percent-decoding, keyword form, IPv6, several hosts, a socket.
func TestParseDatabase(t *testing.T) {
	t.Setenv("PGUSER", "fallback")
	t.Setenv("PGPASSWORD", "")
	t.Setenv("PGHOST", "")
	t.Setenv("PGPORT", "")
	for _, tt := range []struct {
		in   string
		want Database
	}{
		{"postgres://postgres@127.0.0.1:5432/ehc?sslmode=disable", Database{"127.0.0.1", 5432, "postgres", ""}},
		{"postgres://ehc:p%40ss%27w@localhost/ehc", Database{"localhost", 5432, "ehc", "p@ss'w"}},
		{"host=db.internal port=6543 user=ehc password='a b' dbname=ehc", Database{"db.internal", 6543, "ehc", "a b"}},
		{"postgresql://[::1]:5433/ehc?user=u", Database{"::1", 5433, "u", ""}},
		{"postgres://a.example,b.example/ehc", Database{"?", 5432, "fallback", ""}},
		{"postgres:///ehc?host=/var/run/postgresql", Database{"", 5432, "fallback", ""}},
	} {
		got, err := ParseDatabase(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseDatabase(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
	if _, err := ParseDatabase("postgres://u@h:notaport/db"); err == nil {
		t.Error("a bad port was accepted")
	}
}

// The assignments survive bash, quotes and all.
func TestDatabaseShell(t *testing.T) {
	d := Database{Host: "h", Port: 5432, User: "o'neil", Password: `$(rm -rf /) "x"`}
	out, err := exec.Command("bash", "-c", d.Shell()+`printf '%s|%s|%s|%s' "$url_host" "$url_port" "$url_user" "$url_password"`).CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v: %s", err, out)
	}
	if want := `h|5432|o'neil|$(rm -rf /) "x"`; string(out) != want {
		t.Errorf("bash read %q; want %q", out, want)
	}
}
