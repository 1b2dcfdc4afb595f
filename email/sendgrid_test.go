package email

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/activities"
	"github.com/ehc-send/ehc/activities/letters"
)

func TestEveryTemplateIsSentAsSendGridExpects(t *testing.T) {
	f := newFake(t)
	tr := newTransport(t, Options{BaseURL: f.srv.URL})
	for _, tpl := range templates(t) {
		t.Run(string(tpl), func(t *testing.T) {
			m := render(t, tpl)
			d, err := tr.Deliver(context.Background(), m)
			if err != nil {
				t.Fatal(err)
			}
			if d.Key != m.Key || !strings.HasPrefix(d.MessageID, "msg-") || d.Duplicate {
				t.Errorf("delivery = %+v", d)
			}
			got := f.last()
			if got.From != (addr{"Oakshire SEND", "send@oakshire.example.gov.uk"}) {
				t.Errorf("from = %+v", got.From)
			}
			if len(got.Personalizations) != 1 {
				t.Fatalf("%d personalizations", len(got.Personalizations))
			}
			p := got.Personalizations[0]
			if !slices.Equal(p.To, []addr{{family.Name, family.Email}}) || !slices.Equal(p.Cc, []addr{{caseworker.Name, caseworker.Email}}) {
				t.Errorf("to = %+v, cc = %+v", p.To, p.Cc)
			}
			if got.Subject != m.Subject || !strings.Contains(got.Subject, caseRef) {
				t.Errorf("subject %q: want %q with the case reference", got.Subject, m.Subject)
			}
			// Names go in the envelope only; the contract carries no child's.
			if strings.Contains(got.Subject, "Alice") || strings.Contains(got.Subject, "Carol") {
				t.Errorf("subject names someone: %q", got.Subject)
			}
			if len(got.Content) != 2 || got.Content[0].Type != "text/plain" || got.Content[0].Value != m.Text ||
				got.Content[1].Type != "text/html" || got.Content[1].Value != m.HTML {
				t.Errorf("content = %+v", got.Content)
			}
			if got.ReplyTo == nil || *got.ReplyTo != (addr{caseworker.Name, caseworker.Email}) {
				t.Errorf("reply_to = %+v; want the caseworker, so replies reach them", got.ReplyTo)
			}
			if got.CustomArgs["outbox_key"] != m.Key || got.CustomArgs["case_ref"] != caseRef {
				t.Errorf("custom_args = %v", got.CustomArgs)
			}
			if !slices.Equal(got.Categories, []string{string(tpl)}) {
				t.Errorf("categories = %v", got.Categories)
			}
			if got.TemplateID != "" || got.MailSettings != nil {
				t.Errorf("template_id %q, mail_settings %v: want neither", got.TemplateID, got.MailSettings)
			}
			// No open pixel and no rewritten links, whatever the account says.
			open, click := got.TrackingSettings["open_tracking"], got.TrackingSettings["click_tracking"]
			if open.Enable == nil || *open.Enable || click.Enable == nil || *click.Enable || click.EnableText == nil || *click.EnableText {
				t.Errorf("tracking_settings = %+v; want open and click tracking off", got.TrackingSettings)
			}
		})
	}
}

func TestDynamicTemplateAndSandbox(t *testing.T) {
	const id = "d-0123456789abcdef0123456789abcdef"
	f := newFake(t)
	tr := newTransport(t, Options{BaseURL: f.srv.URL, Sandbox: true,
		Templates: map[letters.Template]string{letters.FamilyFinalPlan: id}})
	m := render(t, letters.FamilyFinalPlan)
	if _, err := tr.Deliver(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := f.last()
	want := map[string]string{"subject": m.Subject, "text": m.Text, "html": m.HTML, "case_ref": caseRef, "template": "family.final_plan"}
	if got.TemplateID != id || len(got.Content) != 0 || got.Subject != "" {
		t.Errorf("template_id %q, content %v, subject %q: want the template alone", got.TemplateID, got.Content, got.Subject)
	}
	if dt := got.Personalizations[0].DynamicTemplateData; len(dt) != len(want) || !mapsEqual(dt, want) {
		t.Errorf("dynamic_template_data = %v", dt)
	}
	if !got.MailSettings["sandbox_mode"].Enable {
		t.Errorf("mail_settings = %v: want sandbox_mode enabled", got.MailSettings)
	}
	// A template without an ID keeps our own content.
	if _, err := tr.Deliver(context.Background(), render(t, letters.FamilyWithdrawn)); err != nil {
		t.Fatal(err)
	}
	if got := f.last(); got.TemplateID != "" || len(got.Content) != 2 {
		t.Errorf("family.withdrawn: template_id %q, %d contents", got.TemplateID, len(got.Content))
	}
}

func mapsEqual(a, b map[string]string) bool {
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

// SetDataResidency replaces the host with SendGrid's own, so the test lets
// the client dial the fake whatever it asks for and records the Host it
// asked for, over TLS as the real hosts need.
func TestHostGlobalOrEU(t *testing.T) {
	for _, tc := range []struct {
		eu   bool
		want string
	}{{false, "api.sendgrid.com"}, {true, "api.eu.sendgrid.com"}} {
		f := &fakeSendGrid{t: t}
		f.srv = httptest.NewTLSServer(f)
		t.Cleanup(f.srv.Close)
		tr := newTransport(t, Options{EU: tc.eu})
		roots := x509.NewCertPool()
		roots.AddCert(f.srv.Certificate())
		tr.client.HTTPClient.Transport = &http.Transport{
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, f.srv.Listener.Addr().String())
			},
			TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: "example.com"}, // the fake's certificate
		}
		if _, err := tr.Deliver(context.Background(), render(t, letters.FamilyWithdrawn)); err != nil {
			t.Fatal(err)
		}
		if f.hosts[0] != tc.want {
			t.Errorf("EU %v: request went to %s, want %s", tc.eu, f.hosts[0], tc.want)
		}
	}
}

func TestStatuses(t *testing.T) {
	sendgridSays := func(msg string) string {
		return `{"errors":[{"field":"personalizations.0.to.0.email","message":"` + msg + `","help":null}]}`
	}
	reset := time.Now().Add(30 * time.Second).Unix()
	cases := []struct {
		name      string
		reply     reply
		errType   string
		retryable bool
		delay     [2]time.Duration // for 429
		message   string
	}{
		{"429 until reset", reply{status: 429, header: map[string]string{"X-RateLimit-Reset": strconv.FormatInt(reset, 10)}},
			RateLimited, true, [2]time.Duration{28 * time.Second, 30 * time.Second}, "rate limit"},
		{"429 reset passed", reply{status: 429, header: map[string]string{"X-RateLimit-Reset": "1000"}},
			RateLimited, true, [2]time.Duration{time.Second, time.Second}, "rate limit"},
		{"429 reset far off", reply{status: 429, header: map[string]string{"X-RateLimit-Reset": strconv.FormatInt(reset+7200, 10)}},
			RateLimited, true, [2]time.Duration{maxRateDelay, maxRateDelay}, "rate limit"},
		{"500", reply{status: 500, body: `{"errors":[{"message":"internal error"}]}`}, Unavailable, true, [2]time.Duration{}, "500 Internal Server Error: internal error"},
		{"503 not JSON", reply{status: 503, body: "<html>family@example.org</html>"}, Unavailable, true, [2]time.Duration{}, "503 Service Unavailable"},
		{"400", reply{status: 400, body: sendgridSays("Does not contain a valid address: family@example.org")}, Rejected, false, [2]time.Duration{},
			"400 Bad Request: personalizations.0.to.0.email: Does not contain a valid address: f***@example.org"},
		// 401/403 are the key or the sender, not the letter: held, retried a minute on.
		{"403", reply{status: 403, body: sendgridSays("The from address does not match a verified Sender Identity")}, KeyRefused, true,
			[2]time.Duration{activities.RefusedRetryDelay, activities.RefusedRetryDelay}, "(403): the API key is wrong or lacks Mail Send permission, or the sender (EHC_MAIL_FROM) is not a verified Sender Identity; letters are held pending until it is fixed: personalizations.0.to.0.email: The from address does not match a verified Sender Identity"},
		{"413", reply{status: 413, body: sendgridSays("too large")}, Rejected, false, [2]time.Duration{}, "413 Request Entity Too Large"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, tc.reply)
			tr := newTransport(t, Options{BaseURL: f.srv.URL})
			_, err := tr.Deliver(context.Background(), render(t, letters.FamilyFinalPlan))
			checkErr(t, err, tc.errType, tc.retryable, tc.message)
			var ae *temporal.ApplicationError
			if errors.As(err, &ae) && (tc.errType == RateLimited || tc.errType == KeyRefused) {
				if d := ae.NextRetryDelay(); d < tc.delay[0] || d > tc.delay[1] {
					t.Errorf("NextRetryDelay %s, want %s..%s", d, tc.delay[0], tc.delay[1])
				}
			}
		})
	}
}

func checkErr(t *testing.T, err error, errType string, retryable bool, message string) {
	t.Helper()
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T): want an ApplicationError", err, err)
	}
	if ae.Type() != errType || ae.NonRetryable() == retryable || !strings.Contains(ae.Error(), message) {
		t.Errorf("error %q type %s non-retryable %v: want %s, retryable %v, containing %q",
			ae.Error(), ae.Type(), ae.NonRetryable(), errType, retryable, message)
	}
	for _, secret := range []string{"family@example.org", testKey, "wrong-key"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error reveals %q: %s", secret, err)
		}
	}
}

func TestWrongKeyHoldsTheLetter(t *testing.T) {
	f := newFake(t)
	tr := newTransport(t, Options{BaseURL: f.srv.URL, APIKey: "SG.wrong-key"})
	_, err := tr.Deliver(context.Background(), render(t, letters.FamilyFinalPlan))
	checkErr(t, err, KeyRefused, true, "mail refused by SendGrid (401): the API key is wrong or lacks Mail Send permission; letters are held pending until it is fixed: The provided authorization grant is invalid")
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) && ae.NextRetryDelay() != activities.RefusedRetryDelay {
		t.Errorf("NextRetryDelay %s, want %s", ae.NextRetryDelay(), activities.RefusedRetryDelay)
	}
	if !errors.Is(err, activities.ErrMailRefused) {
		t.Errorf("%v does not wrap ErrMailRefused: the Outbox would not hold the letter", err)
	}
}

func TestHangingServerTimesOut(t *testing.T) {
	f := newFake(t, reply{hang: true})
	tr := newTransport(t, Options{BaseURL: f.srv.URL, Timeout: 300 * time.Millisecond})
	start := time.Now()
	_, err := tr.Deliver(context.Background(), render(t, letters.FamilyFinalPlan))
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("gave up after %s, want about 300ms", took)
	}
	// SendGrid read the request and may have taken it: the Outbox must check.
	checkErr(t, err, MaybeSent, true, "no answer from SendGrid after the request was sent, so it may have been accepted")
	if !errors.Is(err, activities.ErrMaybeSent) {
		t.Errorf("%v does not wrap ErrMaybeSent", err)
	}
}

func TestUnreachableIsNotMaybeSent(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close() // nothing listens: the request is never written
	tr := newTransport(t, Options{BaseURL: url})
	_, err = tr.Deliver(context.Background(), render(t, letters.FamilyFinalPlan))
	checkErr(t, err, Unavailable, true, "SendGrid unreachable")
	if errors.Is(err, activities.ErrMaybeSent) {
		t.Errorf("%v: a request never written cannot have been accepted", err)
	}
}

func TestSameKeyIsSentOnce(t *testing.T) {
	f := newFake(t)
	tr := newTransport(t, Options{BaseURL: f.srv.URL})
	m := render(t, letters.FamilyFinalPlan)
	first, err := tr.Deliver(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	again, err := tr.Deliver(context.Background(), m)
	if err != nil || !again.Duplicate || again.MessageID != first.MessageID {
		t.Errorf("second delivery %+v, %v: want a duplicate of %+v", again, err, first)
	}
	if n, _ := f.counts(); n != 1 {
		t.Errorf("SendGrid saw %d requests", n)
	}
}

func TestSameAddressTwiceIsSentOnce(t *testing.T) {
	f := newFake(t)
	tr := newTransport(t, Options{BaseURL: f.srv.URL})
	m := render(t, letters.FamilyFinalPlan)
	m.Cc = append(m.Cc, letters.Recipient{Role: letters.RoleManager, Email: "FAMILY@example.org"})
	if _, err := tr.Deliver(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if p := f.last().Personalizations[0]; len(p.To) != 1 || len(p.Cc) != 1 {
		t.Errorf("to %v, cc %v: want the repeated address once", p.To, p.Cc)
	}
}

func TestNewTransportRejects(t *testing.T) {
	ok := Options{APIKey: testKey, From: Address{Email: "send@oakshire.example.gov.uk"}}
	cases := map[string]func(*Options){
		"no key":              func(o *Options) { o.APIKey = "" },
		"key with newline":    func(o *Options) { o.APIKey += "\n" },
		"no sender":           func(o *Options) { o.From.Email = "" },
		"sender not bare":     func(o *Options) { o.From.Email = "SEND <send@x.org>" },
		"sender name control": func(o *Options) { o.From.Name = "SEND\r\nBcc: x" },
		"base not URL":        func(o *Options) { o.BaseURL = "api.sendgrid.com" },
		"base plain http":     func(o *Options) { o.BaseURL = "http://api.sendgrid.com" },
		"EU with own base":    func(o *Options) { o.EU, o.BaseURL = true, "https://proxy.example.org" },
		"negative timeout":    func(o *Options) { o.Timeout = -time.Second },
		"template ID":         func(o *Options) { o.Templates = map[letters.Template]string{letters.FamilyFinalPlan: "d-123"} },
		"legacy template": func(o *Options) {
			o.Templates = map[letters.Template]string{letters.FamilyFinalPlan: "13b8f94f-bcae-4ec6-b752-70d6cb59f932"}
		},
	}
	for name, edit := range cases {
		o := ok
		edit(&o)
		if _, err := NewTransport(o); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.Contains(err.Error(), testKey) {
			t.Errorf("%s: error reveals the key: %v", name, err)
		}
	}
	for _, edit := range []func(*Options){
		func(*Options) {},
		func(o *Options) { o.EU = true },
		func(o *Options) { o.EU, o.BaseURL = true, "https://api.sendgrid.com" }, // the config default
		func(o *Options) { o.BaseURL = "http://127.0.0.1:8025/" },
	} {
		o := ok
		edit(&o)
		if _, err := NewTransport(o); err != nil {
			t.Errorf("%+v: %v", o, err)
		}
	}
}
