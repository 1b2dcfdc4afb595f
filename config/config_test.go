package config

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"flag"
	"io"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/contrib/envconfig"

	"github.com/ehc-send/ehc/codec"
)

// load runs Load on a fresh flag set with the given environment.
func load(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return Load(fs, args, func(k string) string {
		if k == "TEMPORAL_CONFIG_FILE" && env[k] == "" {
			// Not the user's own temporal.toml: the default path holds it.
			return filepath.Join(t.TempDir(), "none.toml")
		}
		return env[k]
	})
}

func TestLoadDefaults(t *testing.T) {
	c, err := load(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		TemporalAddress:  "127.0.0.1:7233",
		Namespace:        "default",
		TaskQueue:        "ehc-assessments",
		ReminderLeads:    []int{14, 7},
		EscalationEvery:  7,
		ConsultDays:      15,
		UnderFiveMonths:  6,
		TransferLeadDays: 84,
		ResponseDays:     30,
		Board:            Board{EnglandPctTenths: 464, DelayPerMonth: 100, LostEducationPerTerm: 1500},
		LogLevel:         "info",
		DatabaseURL:      "postgres://postgres@127.0.0.1:5432/ehc?sslmode=disable",
		Mail:             defaultMail(),
		Codec:            Codec{Addr: "127.0.0.1:8234", UIOrigins: []string{"http://127.0.0.1:8233", "http://localhost:8233"}},
		Tuning:           Tuning{StickyCacheSize: 2000},
		Demo:             Demo{WeekSeconds: 10},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load() = %+v, want %+v", c, want)
	}
	if !reflect.DeepEqual(Default(), want) {
		t.Errorf("Default() = %+v, want %+v", Default(), want)
	}
}

func TestLoadNilGetenv(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	c, err := Load(fs, nil, nil)
	if err != nil || c.TemporalAddress != DefaultTemporalAddress {
		t.Fatalf("Load(nil getenv) = %+v, %v", c, err)
	}
}

func TestLoadEnvironment(t *testing.T) {
	env := map[string]string{
		"TEMPORAL_ADDRESS":                  "temporal.example.gov.uk:7233",
		"TEMPORAL_NAMESPACE":                "send-prod",
		"EHC_TASK_QUEUE":                    "ehc-prod",
		"TEMPORAL_API_KEY":                  "secret",
		"TEMPORAL_TLS_CLIENT_CERT_PATH":     "/etc/ehc/client.pem",
		"TEMPORAL_TLS_CLIENT_KEY_PATH":      "/etc/ehc/client.key",
		"TEMPORAL_TLS_SERVER_CA_CERT_PATH":  "/etc/ehc/ca.pem",
		"TEMPORAL_TLS_SERVER_NAME":          "temporal.internal",
		"EHC_REMINDER_LEADS":                " 7, 21 ,14 ",
		"EHC_ESCALATION_EVERY_DAYS":         "3",
		"EHC_CONSULTATION_DAYS":             "10",
		"EHC_REVIEW_UNDER_FIVE_MONTHS":      "4",
		"EHC_TRANSFER_LEAD_DAYS":            "100",
		"EHC_APPEAL_RESPONSE_WORKING_DAYS":  "25",
		"EHC_LOG_LEVEL":                     "DEBUG",
		"DATABASE_URL":                      "postgres://ehc:pw@db.internal:5432/ehc",
		"SENDGRID_API_KEY":                  "SG.key",
		"EHC_MAIL_FROM":                     "Oakshire SEND <send@oakshire.gov.uk>",
		"EHC_SENDGRID_EU":                   "true",
		"EHC_SENDGRID_SANDBOX":              "1",
		"EHC_SENDGRID_TIMEOUT":              "5s",
		"EHC_SENDGRID_TEMPLATES":            "family.final_plan=d-123",
		"EHC_SENDGRID_WEBHOOK_KEY":          "MFkw",
		"EHC_WEBHOOK_ADDR":                  "0.0.0.0:9000",
		"EHC_CODEC_KEYS":                    "k2=" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)),
		"EHC_CODEC_ADDR":                    "0.0.0.0:8234",
		"EHC_CODEC_TOKEN":                   "tok",
		"EHC_CODEC_UI_ORIGINS":              "https://temporal.oakshire.gov.uk",
		"EHC_MAX_CONCURRENT_ACTIVITIES":     "50",
		"EHC_MAX_CONCURRENT_WORKFLOW_TASKS": "20",
		"EHC_METRICS_ADDR":                  "0.0.0.0:9464",
	}
	c, err := load(t, env)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		TemporalAddress: "temporal.example.gov.uk:7233",
		Namespace:       "send-prod",
		TaskQueue:       "ehc-prod",
		APIKey:          "secret",
		TLSCertFile:     "/etc/ehc/client.pem",
		TLSKeyFile:      "/etc/ehc/client.key",
		TLSCAFile:       "/etc/ehc/ca.pem",
		TLSServerName:   "temporal.internal",
		Temporal: envconfig.ClientConfigProfile{Address: "temporal.example.gov.uk:7233", Namespace: "send-prod", APIKey: "secret",
			TLS: &envconfig.ClientConfigTLS{ClientCertPath: "/etc/ehc/client.pem", ClientKeyPath: "/etc/ehc/client.key",
				ServerCACertPath: "/etc/ehc/ca.pem", ServerName: "temporal.internal"}},
		ReminderLeads:    []int{21, 14, 7},
		EscalationEvery:  3,
		ConsultDays:      10,
		UnderFiveMonths:  4,
		TransferLeadDays: 100,
		ResponseDays:     25,
		Board:            Board{EnglandPctTenths: 464, DelayPerMonth: 100, LostEducationPerTerm: 1500},
		LogLevel:         "debug",
		DatabaseURL:      "postgres://ehc:pw@db.internal:5432/ehc",
		Mail: Mail{SendGridAPIKey: "SG.key", From: "Oakshire SEND <send@oakshire.gov.uk>", BaseURL: "https://api.sendgrid.com",
			EU: true, Sandbox: true, Timeout: 5 * time.Second, Templates: map[string]string{"family.final_plan": "d-123"},
			WebhookKey: "MFkw", WebhookAddr: "0.0.0.0:9000"},
		Codec: Codec{Keys: []codec.Key{{ID: "k2", Secret: bytes.Repeat([]byte{7}, 32)}}, Addr: "0.0.0.0:8234", Token: "tok",
			UIOrigins: []string{"https://temporal.oakshire.gov.uk"}},
		Tuning: Tuning{MaxConcurrentActivities: 50, MaxConcurrentWorkflowTasks: 20, MetricsAddr: "0.0.0.0:9464", StickyCacheSize: DefaultStickyCacheSize},
		Demo:   Demo{WeekSeconds: 10},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("Load() = %+v, want %+v", c, want)
	}
}

func TestFlagsOverrideEnvironment(t *testing.T) {
	env := map[string]string{
		"TEMPORAL_ADDRESS":   "env:7233",
		"TEMPORAL_NAMESPACE": "env-ns",
		"EHC_REMINDER_LEADS": "14,x", // invalid, but the flag wins
		"EHC_LOG_LEVEL":      "warn",
	}
	c, err := load(t, env, "-address", "flag:7233", "-reminder-leads=28", "-consultation-days", "20", "rest", "-x")
	if err != nil {
		t.Fatal(err)
	}
	if c.TemporalAddress != "flag:7233" || c.Namespace != "env-ns" || !reflect.DeepEqual(c.ReminderLeads, []int{28}) ||
		c.ConsultDays != 20 || c.LogLevel != "warn" {
		t.Errorf("Load() = %+v", c)
	}
}

func TestCallerFlagsAndRemainingArgs(t *testing.T) {
	fs := flag.NewFlagSet("ehc", flag.ContinueOnError)
	caseRef := fs.String("case", "", "case reference")
	_, err := Load(fs, []string{"-case", "ABC-1", "-namespace", "n", "status", "--json"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if *caseRef != "ABC-1" || !reflect.DeepEqual(fs.Args(), []string{"status", "--json"}) {
		t.Errorf("case = %q, args = %q", *caseRef, fs.Args())
	}
}

func TestHelp(t *testing.T) {
	fs := flag.NewFlagSet("ehc-worker", flag.ContinueOnError)
	var out bytes.Buffer
	fs.SetOutput(&out)
	_, err := Load(fs, []string{"-h"}, nil)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("Load(-h) error = %v, want flag.ErrHelp", err)
	}
	for _, s := range Settings {
		if !strings.Contains(out.String(), "-"+s.Flag) {
			t.Errorf("help does not mention -%s:\n%s", s.Flag, out.String())
		}
	}
}

func TestLoadRejects(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"address without port (env)", map[string]string{"TEMPORAL_ADDRESS": "localhost"}, nil,
			`TEMPORAL_ADDRESS: "localhost" has no port; want host:port, e.g. 127.0.0.1:7233`},
		{"address without port (flag)", nil, []string{"-address", "temporal.example.gov.uk"},
			`-address: "temporal.example.gov.uk" has no port; want host:port, e.g. 127.0.0.1:7233`},
		{"address without host", map[string]string{"TEMPORAL_ADDRESS": ":7233"}, nil,
			`TEMPORAL_ADDRESS: ":7233" has no host; want host:port, e.g. 127.0.0.1:7233`},
		{"address with bad port", map[string]string{"TEMPORAL_ADDRESS": "localhost:http"}, nil,
			`TEMPORAL_ADDRESS: "localhost:http" has no valid port (1-65535)`},
		{"address with port out of range", map[string]string{"TEMPORAL_ADDRESS": "localhost:70000"}, nil,
			`TEMPORAL_ADDRESS: "localhost:70000" has no valid port (1-65535)`},
		{"address malformed", map[string]string{"TEMPORAL_ADDRESS": "a:b:c"}, nil,
			`TEMPORAL_ADDRESS: "a:b:c" is not host:port, e.g. 127.0.0.1:7233`},
		{"address empty (flag)", nil, []string{"-address="},
			`-address: must not be empty; want host:port, e.g. 127.0.0.1:7233`},
		{"namespace empty", nil, []string{"-namespace", ""},
			`-namespace: must not be empty`},
		{"task queue empty", nil, []string{"-task-queue", " "},
			`-task-queue: must not be empty`},
		{"mail from not an address", map[string]string{"EHC_MAIL_FROM": "SEND team"}, nil,
			`EHC_MAIL_FROM: "SEND team" is not "Name <address>" or an address`},
		{"sendgrid base URL not http", nil, []string{"-sendgrid-base-url", "api.sendgrid.com"},
			`-sendgrid-base-url: "api.sendgrid.com" is not an http(s) URL`},
		{"sendgrid eu not a bool", map[string]string{"EHC_SENDGRID_EU": "yes please"}, nil,
			`EHC_SENDGRID_EU: "yes please" is not true or false`},
		{"sendgrid timeout not a duration", map[string]string{"EHC_SENDGRID_TIMEOUT": "10"}, nil,
			`EHC_SENDGRID_TIMEOUT: "10" is not a duration such as 10s`},
		{"sendgrid timeout too long", map[string]string{"EHC_SENDGRID_TIMEOUT": "1h"}, nil,
			`EHC_SENDGRID_TIMEOUT: 1h0m0s: must be more than 0 and at most 2m`},
		{"sendgrid template not an ID", map[string]string{"EHC_SENDGRID_TEMPLATES": "family.final_plan=123"}, nil,
			`EHC_SENDGRID_TEMPLATES: "family.final_plan=123" is not template=d-id`},
		{"feedback URL without a key", map[string]string{"EHC_FEEDBACK_URL": "https://ehc.example.gov.uk"}, nil,
			`EHC_FEEDBACK_KEY: missing: EHC_FEEDBACK_URL needs a key to sign the links (32 random bytes, base64: openssl rand -base64 32)`},
		{"feedback key too short", map[string]string{"EHC_FEEDBACK_URL": "https://ehc.example.gov.uk", "EHC_FEEDBACK_KEY": "c2hvcnQ="}, nil,
			`EHC_FEEDBACK_KEY: is 5 bytes; want at least 32`},
		{"feedback key not base64", map[string]string{"EHC_FEEDBACK_URL": "https://ehc.example.gov.uk", "EHC_FEEDBACK_KEY": "not base64!"}, nil,
			`EHC_FEEDBACK_KEY: is not base64`},
		{"feedback URL not http", map[string]string{"EHC_FEEDBACK_URL": "ehc.example.gov.uk", "EHC_FEEDBACK_KEY": feedbackKey}, nil,
			`EHC_FEEDBACK_URL: "ehc.example.gov.uk" is not an http(s) URL without a query`},
		{"feedback address without port", map[string]string{"EHC_FEEDBACK_URL": "https://ehc.example.gov.uk", "EHC_FEEDBACK_KEY": feedbackKey, "EHC_WEBHOOK_ADDR": "localhost"}, nil,
			`EHC_WEBHOOK_ADDR: "localhost" has no port; want host:port, e.g. 127.0.0.1:8089`},
		{"webhook address without port", map[string]string{"EHC_SENDGRID_WEBHOOK_KEY": "MFkw", "EHC_WEBHOOK_ADDR": "localhost"}, nil,
			`EHC_WEBHOOK_ADDR: "localhost" has no port; want host:port, e.g. 127.0.0.1:8089`},
		{"codec key not base64", map[string]string{"EHC_CODEC_KEYS": "k1=not*base64"}, nil,
			`EHC_CODEC_KEYS: key "k1" is not base64`},
		{"codec key too short", map[string]string{"EHC_CODEC_KEYS": "k1=c2hvcnQ="}, nil,
			`EHC_CODEC_KEYS: key "k1" is 5 bytes; AES-256 needs 32`},
		{"codec key file missing", nil, []string{"-codec-keys-file", "/nonexistent/keys"},
			`-codec-keys-file: open /nonexistent/keys: no such file or directory`},
		{"compressed clock outside demo mode", map[string]string{"EHC_DEMO_WEEK_SECONDS": "5"}, nil,
			`EHC_DEMO_WEEK_SECONDS: a compressed statutory clock is for demonstration and training only: set EHC_DEMO=true, or leave it unset`},
		{"demo week not a number", map[string]string{"EHC_DEMO": "true", "EHC_DEMO_WEEK_SECONDS": "fast"}, nil,
			`EHC_DEMO_WEEK_SECONDS: "fast" is not a whole number of seconds from 1 to 604800`},
		{"demo with real mail", map[string]string{"SENDGRID_API_KEY": "SG.x"}, []string{"-demo", "true"},
			`-demo: demonstration mode is refused with production mail settings (SENDGRID_API_KEY without EHC_SENDGRID_SANDBOX=true): its cases are fictional and must not be mailed`},
		{"concurrency negative", nil, []string{"-max-concurrent-activities", "-1"},
			`-max-concurrent-activities: "-1" is not a whole number from 0 to 10000`},
		{"metrics address without port", map[string]string{"EHC_METRICS_ADDR": "localhost"}, nil,
			`EHC_METRICS_ADDR: "localhost" has no port; want host:port`},
		{"cert without key", map[string]string{"TEMPORAL_TLS_CLIENT_CERT_PATH": "client.pem"}, nil,
			`TEMPORAL_TLS_CLIENT_CERT_PATH: set without TEMPORAL_TLS_CLIENT_KEY_PATH (-tls-key); a client certificate needs its private key`},
		{"key without cert", nil, []string{"-tls-key", "client.key"},
			`-tls-key: set without TEMPORAL_TLS_CLIENT_CERT_PATH (-tls-cert); a private key needs its client certificate`},
		{"leads not numbers", map[string]string{"EHC_REMINDER_LEADS": "14,x"}, nil,
			`EHC_REMINDER_LEADS: "14,x" is not a list of whole days (e.g. "14,7")`},
		{"leads fractional", nil, []string{"-reminder-leads", "7.5"},
			`-reminder-leads: "7.5" is not a list of whole days (e.g. "14,7")`},
		{"leads empty (flag)", nil, []string{"-reminder-leads", ""},
			`-reminder-leads: "" is not a list of whole days (e.g. "14,7")`},
		{"leads trailing comma", map[string]string{"EHC_REMINDER_LEADS": "14,"}, nil,
			`EHC_REMINDER_LEADS: "14," is not a list of whole days (e.g. "14,7")`},
		{"lead zero", map[string]string{"EHC_REMINDER_LEADS": "14,0"}, nil,
			`EHC_REMINDER_LEADS: "14,0": a lead of 0 days is not at least 1 day`},
		{"lead negative", map[string]string{"EHC_REMINDER_LEADS": "-7"}, nil,
			`EHC_REMINDER_LEADS: "-7": a lead of -7 days is not at least 1 day`},
		{"lead of the whole timetable", map[string]string{"EHC_REMINDER_LEADS": "140,7"}, nil,
			`EHC_REMINDER_LEADS: "140,7": a lead of 140 days is not shorter than the 140-day (20-week) timetable`},
		{"lead beyond the timetable", nil, []string{"-reminder-leads", "7,365"},
			`-reminder-leads: "7,365": a lead of 365 days is not shorter than the 140-day (20-week) timetable`},
		{"lead twice", map[string]string{"EHC_REMINDER_LEADS": "7,14,7"}, nil,
			`EHC_REMINDER_LEADS: "7,14,7": 7 days is given twice`},
		{"escalation not a number", map[string]string{"EHC_ESCALATION_EVERY_DAYS": "weekly"}, nil,
			`EHC_ESCALATION_EVERY_DAYS: "weekly" is not a whole number of days`},
		{"escalation zero", map[string]string{"EHC_ESCALATION_EVERY_DAYS": "0"}, nil,
			`EHC_ESCALATION_EVERY_DAYS: 0 days: must be at least 1 day`},
		{"escalation negative (flag)", nil, []string{"-escalation-every-days", "-1"},
			`-escalation-every-days: -1 days: must be at least 1 day`},
		{"consultation not a number", nil, []string{"-consultation-days", "15d"},
			`-consultation-days: "15d" is not a whole number of days`},
		{"consultation zero", map[string]string{"EHC_CONSULTATION_DAYS": "0"}, nil,
			`EHC_CONSULTATION_DAYS: 0 days: must be at least 1 day`},
		{"consultation negative", map[string]string{"EHC_CONSULTATION_DAYS": "-15"}, nil,
			`EHC_CONSULTATION_DAYS: -15 days: must be at least 1 day`},
		{"under-five interval over a year", map[string]string{"EHC_REVIEW_UNDER_FIVE_MONTHS": "13"}, nil,
			`EHC_REVIEW_UNDER_FIVE_MONTHS: 13 months: must be 1 to 12`},
		{"transfer lead not a number", nil, []string{"-transfer-lead-days", "12w"},
			`-transfer-lead-days: "12w" is not a whole number of days`},
		{"transfer lead zero", map[string]string{"EHC_TRANSFER_LEAD_DAYS": "0"}, nil,
			`EHC_TRANSFER_LEAD_DAYS: 0 days: must be 1 to 180`},
		{"log level", map[string]string{"EHC_LOG_LEVEL": "verbose"}, nil,
			`EHC_LOG_LEVEL: "verbose" is not a log level: debug, info, warn or error`},
		{"every bad setting at once", map[string]string{"TEMPORAL_ADDRESS": "localhost", "EHC_CONSULTATION_DAYS": "0"}, nil,
			"TEMPORAL_ADDRESS: \"localhost\" has no port; want host:port, e.g. 127.0.0.1:7233\n" +
				"EHC_CONSULTATION_DAYS: 0 days: must be at least 1 day"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := load(t, tt.env, tt.args...)
			if err == nil {
				t.Fatalf("Load() = %+v, want error %q", c, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("Load() error\n got: %s\nwant: %s", err, tt.want)
			}
			if !reflect.DeepEqual(c, Config{}) {
				t.Errorf("Load() returned %+v with its error, want the zero Config", c)
			}
		})
	}
}

func TestLoadAccepts(t *testing.T) {
	tests := []struct {
		name  string
		env   map[string]string
		check func(Config) bool
	}{
		{"IPv6 address", map[string]string{"TEMPORAL_ADDRESS": "[::1]:7233"},
			func(c Config) bool { return c.TemporalAddress == "[::1]:7233" }},
		{"dns resolver address", map[string]string{"TEMPORAL_ADDRESS": "dns:///temporal.example.gov.uk:7233"},
			func(c Config) bool { return c.TemporalAddress == "dns:///temporal.example.gov.uk:7233" }},
		{"cloud address", map[string]string{"TEMPORAL_ADDRESS": "ns.acct.tmprl.cloud:7233"},
			func(c Config) bool { return c.TemporalAddress == "ns.acct.tmprl.cloud:7233" }},
		{"longest lead", map[string]string{"EHC_REMINDER_LEADS": "139"},
			func(c Config) bool { return reflect.DeepEqual(c.ReminderLeads, []int{139}) }},
		{"CA alone", map[string]string{"TEMPORAL_TLS_SERVER_CA_CERT_PATH": "ca.pem"},
			func(c Config) bool { return c.TLSCAFile == "ca.pem" }},
		{"blank environment means unset", map[string]string{"TEMPORAL_NAMESPACE": "  "},
			func(c Config) bool { return c.Namespace == "default" }},
		{"feedback links", map[string]string{"EHC_FEEDBACK_URL": "https://ehc.example.gov.uk", "EHC_FEEDBACK_KEY": feedbackKey},
			func(c Config) bool {
				return c.Mail.FeedbackURL == "https://ehc.example.gov.uk" && bytes.Equal(c.Mail.FeedbackKey, bytes.Repeat([]byte{7}, 32))
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := load(t, tt.env)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(c) {
				t.Errorf("Load() = %+v", c)
			}
		})
	}
}

func TestSlogLevel(t *testing.T) {
	for level, want := range map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo,
		"warn": slog.LevelWarn, "error": slog.LevelError, "": slog.LevelInfo} {
		if got := (Config{LogLevel: level}).SlogLevel(); got != want {
			t.Errorf("SlogLevel(%q) = %v, want %v", level, got, want)
		}
	}
}

var feedbackKey = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))

func TestLogValueRedactsAPIKey(t *testing.T) {
	var out bytes.Buffer
	c := Default()
	c.APIKey = "very-secret-key"
	c.Mail.FeedbackKey = []byte("very-secret-feedback-key-32-bytes")
	slog.New(slog.NewJSONHandler(&out, nil)).Info("config", "config", c)
	if strings.Contains(out.String(), "very-secret") || strings.Contains(out.String(), base64.StdEncoding.EncodeToString(c.Mail.FeedbackKey)) {
		t.Errorf("the API key was logged: %s", out.String())
	}
	if !strings.Contains(out.String(), `"api_key":"[redacted]"`) || !strings.Contains(out.String(), `"namespace":"default"`) {
		t.Errorf("unexpected log: %s", out.String())
	}
}

// keyed is the default configuration with a payload key, as every client needs.
func keyed() Config {
	c := Default()
	c.Codec.Keys = []codec.Key{{ID: "t1", Secret: bytes.Repeat([]byte{1}, 32)}}
	return c
}

func TestClientOptionsNeedAKey(t *testing.T) {
	_, err := Default().ClientOptions(nil)
	if err == nil || !strings.Contains(err.Error(), "no payload encryption key: set EHC_CODEC_KEYS (-codec-keys) or EHC_CODEC_KEYS_FILE (-codec-keys-file)") {
		t.Errorf("ClientOptions without a key: %v", err)
	}
	opts, err := keyed().ClientOptions(nil)
	if err != nil || opts.DataConverter == nil {
		t.Errorf("ClientOptions with a key: converter %v, %v", opts.DataConverter, err)
	}
}

func TestClientOptionsPlain(t *testing.T) {
	opts, err := keyed().ClientOptions(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if opts.HostPort != "127.0.0.1:7233" || opts.Namespace != "default" {
		t.Errorf("HostPort, Namespace = %q, %q", opts.HostPort, opts.Namespace)
	}
	if opts.Logger == nil {
		t.Error("Logger not set")
	}
	if opts.Credentials != nil || opts.ConnectionOptions.TLS != nil {
		t.Errorf("Credentials, TLS = %v, %v; want none for a local dev server", opts.Credentials, opts.ConnectionOptions.TLS)
	}
	if opts, _ := keyed().ClientOptions(nil); opts.Logger != nil {
		t.Error("Logger set from a nil slog.Logger")
	}
}

func TestClientOptionsAPIKey(t *testing.T) {
	c := keyed()
	c.APIKey = "key"
	opts, err := c.ClientOptions(nil)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Credentials == nil {
		t.Error("no credentials for an API key")
	}
	if tc := opts.ConnectionOptions.TLS; tc == nil || tc.RootCAs != nil || len(tc.Certificates) > 0 || tc.MinVersion != tls.VersionTLS12 {
		t.Errorf("TLS %+v; want it on with an API key, trusting the system roots, TLS 1.2 at least", tc)
	}
}

func TestClientOptionsTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := writeSelfSigned(t, dir)
	c := keyed()
	c.TLSCertFile, c.TLSKeyFile, c.TLSCAFile, c.TLSServerName = certFile, keyFile, certFile, "temporal.internal"
	opts, err := c.ClientOptions(nil)
	if err != nil {
		t.Fatal(err)
	}
	tc := opts.ConnectionOptions.TLS
	if tc == nil {
		t.Fatal("TLS not set")
	}
	if len(tc.Certificates) != 1 || tc.RootCAs == nil || tc.ServerName != "temporal.internal" {
		t.Errorf("TLS = %d certificates, RootCAs %v, ServerName %q", len(tc.Certificates), tc.RootCAs != nil, tc.ServerName)
	}

	// The server name alone turns TLS on with the system roots.
	c = keyed()
	c.TLSServerName = "temporal.internal"
	if opts, err := c.ClientOptions(nil); err != nil || opts.ConnectionOptions.TLS == nil || opts.ConnectionOptions.TLS.RootCAs != nil {
		t.Errorf("server name alone: TLS = %+v, %v", opts.ConnectionOptions.TLS, err)
	}
}

func TestClientOptionsRejects(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := writeSelfSigned(t, dir)
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pem")
	tests := []struct {
		name             string
		cert, key, ca    string
		wantPrefix, want string
	}{
		{name: "cert without key", cert: certFile,
			want: "TEMPORAL_TLS_CLIENT_CERT_PATH (-tls-cert): set without TEMPORAL_TLS_CLIENT_KEY_PATH (-tls-key); a client certificate needs its private key"},
		{name: "key without cert", key: keyFile,
			want: "TEMPORAL_TLS_CLIENT_KEY_PATH (-tls-key): set without TEMPORAL_TLS_CLIENT_CERT_PATH (-tls-cert); a private key needs its client certificate"},
		{name: "missing cert", cert: missing, key: keyFile,
			wantPrefix: "TEMPORAL_TLS_CLIENT_CERT_PATH (-tls-cert) and TEMPORAL_TLS_CLIENT_KEY_PATH (-tls-key): open " + missing},
		{name: "key that is not a key", cert: certFile, key: notPEM,
			wantPrefix: "TEMPORAL_TLS_CLIENT_CERT_PATH (-tls-cert) and TEMPORAL_TLS_CLIENT_KEY_PATH (-tls-key): "},
		{name: "missing CA", ca: missing,
			wantPrefix: "TEMPORAL_TLS_SERVER_CA_CERT_PATH (-tls-ca): open " + missing},
		{name: "CA that is not PEM", ca: notPEM,
			want: "TEMPORAL_TLS_SERVER_CA_CERT_PATH (-tls-ca): " + notPEM + " holds no PEM certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := keyed()
			c.TLSCertFile, c.TLSKeyFile, c.TLSCAFile = tt.cert, tt.key, tt.ca
			_, err := c.ClientOptions(nil)
			switch {
			case err == nil:
				t.Fatal("ClientOptions() succeeded")
			case tt.want != "" && err.Error() != tt.want:
				t.Errorf("error\n got: %s\nwant: %s", err, tt.want)
			case tt.wantPrefix != "" && !strings.HasPrefix(err.Error(), tt.wantPrefix):
				t.Errorf("error\n got: %s\nwant prefix: %s", err, tt.wantPrefix)
			}
		})
	}
}

// writeSelfSigned writes a self-signed certificate and its key as PEM.
func writeSelfSigned(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "temporal.internal"},
		DNSNames:              []string{"temporal.internal"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}
