package email

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/ehc-send/ehc/activities/letters"
)

// A fake SendGrid v3 mail/send: it checks what the real API checks first
// (path, bearer key, JSON), records the mail and answers as scripted.

const testKey = "SG.test-key.not-a-secret"

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

type reply struct {
	status int
	header map[string]string
	body   string
	hang   bool // answer nothing until the client gives up
}

type addr struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// sentMail is the v3 JSON as SendGrid reads it.
type sentMail struct {
	From             addr   `json:"from"`
	Subject          string `json:"subject"`
	Personalizations []struct {
		To                  []addr            `json:"to"`
		Cc                  []addr            `json:"cc"`
		DynamicTemplateData map[string]string `json:"dynamic_template_data"`
	} `json:"personalizations"`
	ReplyTo      *addr                          `json:"reply_to"`
	Content      []struct{ Type, Value string } `json:"content"`
	TemplateID   string                         `json:"template_id"`
	CustomArgs   map[string]string              `json:"custom_args"`
	Categories   []string                       `json:"categories"`
	MailSettings map[string]struct {
		Enable bool `json:"enable"`
	} `json:"mail_settings"`
	TrackingSettings map[string]struct {
		Enable     *bool `json:"enable"`
		EnableText *bool `json:"enable_text"`
	} `json:"tracking_settings"`
}

type fakeSendGrid struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	script   []reply
	got      []sentMail
	hosts    []string
	accepted int
}

func newFake(t *testing.T, script ...reply) *fakeSendGrid {
	f := &fakeSendGrid{t: t, script: script}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSendGrid) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"errors":[{"field":null,"message":%q,"help":null}]}`, msg)
	}
	if r.Method != http.MethodPost || r.URL.Path != "/v3/mail/send" {
		f.t.Errorf("request %s %s", r.Method, r.URL.Path)
		fail(http.StatusNotFound, "not found")
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+testKey {
		fail(http.StatusUnauthorized, "The provided authorization grant is invalid, expired, or revoked")
		return
	}
	var m sentMail
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil || r.Header.Get("Content-Type") != "application/json" {
		f.t.Errorf("body not JSON: %v", err)
		fail(http.StatusBadRequest, "Bad Request")
		return
	}
	f.mu.Lock()
	f.got = append(f.got, m)
	f.hosts = append(f.hosts, r.Host)
	rep := reply{status: http.StatusAccepted}
	if len(f.script) > 0 {
		rep, f.script = f.script[0], f.script[1:]
	}
	if rep.status/100 == 2 {
		f.accepted++
	}
	n := len(f.got)
	f.mu.Unlock()

	if rep.hang {
		<-r.Context().Done()
		return
	}
	w.Header().Set("X-Message-Id", "msg-"+strconv.Itoa(n))
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(rep.status)
	io.WriteString(w, rep.body)
}

func (f *fakeSendGrid) counts() (requests, accepted int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.got), f.accepted
}

func (f *fakeSendGrid) last() sentMail {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.got) == 0 {
		f.t.Fatal("no request reached the fake")
	}
	return f.got[len(f.got)-1]
}

const caseRef = "EHC-2026-0042"

var (
	family     = letters.Recipient{Role: letters.RoleFamily, Name: "Alice Parent", Email: "family@example.org"}
	caseworker = letters.Recipient{Role: letters.RoleCaseworker, Name: "Carol Caseworker", Email: "carol@la.example.gov.uk"}
)

// full is a notification with every fact a template could use, as in the
// activities package's own tests.
func full(tpl letters.Template) letters.Notification {
	n := letters.Example(tpl) // every fact any template may use
	n.Key = caseRef + "/" + string(tpl) + "/1"
	n.CaseRef = caseRef
	n.To, n.Cc, n.Caseworker = []letters.Recipient{family}, []letters.Recipient{caseworker}, caseworker
	return n
}

func render(t *testing.T, tpl letters.Template) letters.Message {
	t.Helper()
	m, err := letters.Render(full(tpl))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// templates reads the Template constants from the activities package, so a
// template added there is sent here too.
func templates(t *testing.T) []letters.Template {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../activities/letters/notification.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []letters.Template
	ast.Inspect(f, func(n ast.Node) bool {
		if vs, ok := n.(*ast.ValueSpec); ok {
			if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "Template" {
				for _, v := range vs.Values {
					s, _ := strconv.Unquote(v.(*ast.BasicLit).Value)
					out = append(out, letters.Template(s))
				}
			}
		}
		return true
	})
	if len(out) < 16 {
		t.Fatalf("found only %d templates", len(out))
	}
	return out
}

func newTransport(t *testing.T, o Options) *Transport {
	t.Helper()
	if o.APIKey == "" {
		o.APIKey = testKey
	}
	if o.From.Email == "" {
		o.From = Address{Name: "Oakshire SEND", Email: "send@oakshire.example.gov.uk"}
	}
	tr, err := NewTransport(o)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}
