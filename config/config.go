// Package config is the one place the caseworker CLI and the worker read
// their settings: where Temporal is, how to authenticate to it, which task
// queue the assessments run on, and how cases are chased.
//
// Every setting has an environment variable and a flag; a flag given on the
// command line wins over the environment, which wins over the default. An
// invalid setting is an error that names the variable or flag it came from,
// so an operator can fix it without reading code.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"

	"go.temporal.io/sdk/contrib/envconfig"
)

// Config is everything the CLI and the worker need to know at start.
type Config struct {
	TemporalAddress string // host:port of the Temporal frontend
	Namespace       string
	TaskQueue       string
	APIKey          string // Temporal Cloud API key; never logged
	TLSCertFile     string // client certificate (mTLS), PEM
	TLSKeyFile      string // its private key, PEM
	TLSCAFile       string // CA bundle to trust instead of the system pool, PEM
	TLSServerName   string // overrides the name checked in the server's certificate
	// Temporal is the client profile loaded from Temporal's configuration
	// file and TEMPORAL_* variables (envconfig), for what the fields above
	// do not hold (TLS data, gRPC metadata, the authority); the fields above
	// win over it.
	Temporal envconfig.ClientConfigProfile
	// Deprecated says which deprecated names were used and what replaces
	// them; the binaries warn of each at start-up.
	Deprecated []string

	ReminderLeads   []int // days before a due date to remind; descending, distinct
	EscalationEvery int   // days between escalations while a deadline is missed
	ConsultDays     int   // days a school has to answer a consultation

	// Plans in force: the review interval while a child is under 5 (CoP
	// 9.178) and how long before a phase transfer's amend-by date (reg 18)
	// its review is due.
	UnderFiveMonths  int
	TransferLeadDays int
	ResponseDays     int // working days for the authority's response to an appeal, unless the tribunal directs otherwise

	Board Board // the board report's reference figure and the Ombudsman's rates

	// TermDatesFile is the authority's school closures (from,to,name
	// lines), for the holiday forecast; empty: England's usual summers.
	TermDatesFile string

	// The LA's partners told of each request (reg 4(2)) and of a refusal or
	// a decision not to issue (reg 5(2), 10(3)), unless a case names its own.
	HealthBodyEmail string // the ICB's SEND contact (DCO)
	SocialCareEmail string // children's social care's SEND contact

	LogLevel string // debug, info, warn or error

	DatabaseURL string // the case register (PostgreSQL); may hold a password, never logged

	Mail   Mail
	Codec  Codec
	Tuning Tuning
	Demo   Demo
}

// Defaults.
const (
	DefaultTemporalAddress = "127.0.0.1:7233"
	DefaultNamespace       = "default"
	DefaultTaskQueue       = "ehc-assessments"
	DefaultEscalationEvery = 7
	DefaultConsultDays     = 15 // SEND Code of Practice 9.83
	DefaultUnderFiveMonths = 6  // CoP 9.178: every 3 to 6 months
	DefaultTransferLead    = 84 // 12 weeks: the review in the autumn term before a 15 February deadline
	DefaultResponseDays    = 30 // the tribunal's usual time for the authority's response (HESC Rules r.21)
	DefaultLogLevel        = "info"
	// DefaultDatabaseURL is the local stack's database: the server on
	// 127.0.0.1:5432 (make run and make test start it where it is not running).
	DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/ehc?sslmode=disable"
)

// Board is what ehc report --html compares the authority with: England's
// latest 20-week figure, and the sums the Local Government and Social Care
// Ombudsman usually asks for (../shared/statute.md, "Scale and stakes").
type Board struct {
	EnglandPctTenths     int // England's share of new plans within 20 weeks, excluding exceptions, in tenths of a percent
	DelayPerMonth        int // pounds for each month a family waits past a statutory date
	LostEducationPerTerm int // pounds for each term of education lost
}

// Board defaults: England's 46.4% for calendar 2024 (DfE, "Education,
// health and care plans", June 2025); £100 a month of delay (LGSCO
// 23 013 824, Essex); about £1,500 a term of lost education (LGSCO
// 24 015 110, Lancashire).
const (
	DefaultEnglandPctTenths     = 464
	DefaultDelayPerMonth        = 100
	DefaultLostEducationPerTerm = 1500
)

// DefaultReminderLeads returns the default reminder leads, 14 and 7 days.
func DefaultReminderLeads() []int { return []int{14, 7} }

// timetableDays is the whole statutory timetable, 20 weeks from Day 1
// (reg 13(2)): a reminder this far ahead of any due date would come before
// the request itself.
const timetableDays = 20 * 7

// Setting describes one setting: its environment variable, its flag, its
// default and what it means. Settings lists them all, for help and docs.
type Setting struct {
	Env     string
	Flag    string // without the leading dash
	Default string
	Usage   string
}

// Environment variables.
const (
	envAddress         = "TEMPORAL_ADDRESS"
	envNamespace       = "TEMPORAL_NAMESPACE"
	envTaskQueue       = "EHC_TASK_QUEUE"
	envAPIKey          = "TEMPORAL_API_KEY"
	envTLSCert         = "TEMPORAL_TLS_CLIENT_CERT_PATH"
	envTLSKey          = "TEMPORAL_TLS_CLIENT_KEY_PATH"
	envTLSCA           = "TEMPORAL_TLS_SERVER_CA_CERT_PATH"
	envTLSServerName   = "TEMPORAL_TLS_SERVER_NAME"
	envConfigFile      = "TEMPORAL_CONFIG_FILE"
	envProfile         = "TEMPORAL_PROFILE"
	envReminderLeads   = "EHC_REMINDER_LEADS"
	envEscalationEvery = "EHC_ESCALATION_EVERY_DAYS"
	envConsultDays     = "EHC_CONSULTATION_DAYS"
	envUnderFive       = "EHC_REVIEW_UNDER_FIVE_MONTHS"
	envTransferLead    = "EHC_TRANSFER_LEAD_DAYS"
	envResponseDays    = "EHC_APPEAL_RESPONSE_WORKING_DAYS"
	envEnglandPct      = "EHC_ENGLAND_20_WEEK_PCT_TENTHS"
	envDelayPerMonth   = "EHC_OMBUDSMAN_DELAY_PER_MONTH"
	envLostEducation   = "EHC_OMBUDSMAN_LOST_EDUCATION_PER_TERM"
	envTermDates       = "EHC_TERM_DATES_FILE"
	envHealthBody      = "EHC_HEALTH_BODY_EMAIL"
	envSocialCare      = "EHC_SOCIAL_CARE_EMAIL"
	envLogLevel        = "EHC_LOG_LEVEL"
	envDatabaseURL     = "DATABASE_URL"
)

// Settings lists every setting in the order docs/configuration.md documents them.
var Settings = []Setting{
	{envConfigFile, "config-file", "", "Temporal's client configuration `file` (TOML, as the temporal CLI reads; default: temporalio/temporal.toml in the user's config directory, if it exists)"},
	{envProfile, "profile", "", "the `profile` to use from that file (default: default)"},
	{envAddress, "address", DefaultTemporalAddress, "Temporal frontend `host:port`"},
	{envNamespace, "namespace", DefaultNamespace, "Temporal `namespace`"},
	{envTaskQueue, "task-queue", DefaultTaskQueue, "task `queue` the assessment workflows run on"},
	{envAPIKey, "api-key", "", "Temporal Cloud API `key` (turns TLS on; prefer the environment variable, flags show in process lists)"},
	{envTLSCert, "tls-cert", "", "client certificate `file` (PEM) for mTLS; needs -tls-key"},
	{envTLSKey, "tls-key", "", "client private key `file` (PEM) for mTLS; needs -tls-cert"},
	{envTLSCA, "tls-ca", "", "CA certificate `file` (PEM) to trust instead of the system roots"},
	{envTLSServerName, "tls-server-name", "", "server `name` to verify in the server's certificate"},
	{envReminderLeads, "reminder-leads", "14,7", "comma-separated `days` before each due date to send reminders"},
	{envEscalationEvery, "escalation-every-days", strconv.Itoa(DefaultEscalationEvery), "`days` between escalations to the SEND manager while a deadline is missed"},
	{envConsultDays, "consultation-days", strconv.Itoa(DefaultConsultDays), "`days` a school has to answer a consultation on a draft plan (CoP 9.83)"},
	{envUnderFive, "review-under-five-months", strconv.Itoa(DefaultUnderFiveMonths), "`months` between a plan's reviews while the child is under 5 (CoP 9.178: 3 to 6), 1 to 12"},
	{envTransferLead, "transfer-lead-days", strconv.Itoa(DefaultTransferLead), "`days` before a phase transfer's amend-by date (reg 18) its review is due at the latest, 1 to 180"},
	{envResponseDays, "appeal-response-working-days", strconv.Itoa(DefaultResponseDays), "`working days` from an appeal to the authority's response, unless the tribunal directs otherwise (HESC Rules r.21), 1 to 120"},
	{envEnglandPct, "england-20-week-pct-tenths", strconv.Itoa(DefaultEnglandPctTenths), "England's share of new plans issued within 20 weeks, excluding exceptions, in `tenths` of a percent, the board report's reference line (default: 46.4% for 2024, DfE \"Education, health and care plans\" 2025), 0 to 1000"},
	{envDelayPerMonth, "ombudsman-delay-per-month", strconv.Itoa(DefaultDelayPerMonth), "`pounds` the Ombudsman usually asks for each month a family waits past a statutory date, for the board report's estimate (default: LGSCO 23 013 824), 0 to 10000"},
	{envTermDates, "term-dates-file", "", "the authority's school holidays, a CSV `file` of from,to,name lines (the first and last days closed), for the holiday forecast (default: England's usual summer, 23 July to 2 September)"},
	{envLostEducation, "ombudsman-lost-education-per-term", strconv.Itoa(DefaultLostEducationPerTerm), "`pounds` the Ombudsman usually asks for each term of education lost, for the board report's estimate (default: LGSCO 24 015 110), 0 to 50000"},
	{envHealthBody, "health-body-email", "", "`email` of the health body's SEND contact (the ICB's DCO), told of each request (reg 4(2)) and of a refusal or decision not to issue (reg 5(2), 10(3))"},
	{envSocialCare, "social-care-email", "", "`email` of children's social care's SEND contact, told of each request (reg 4(2))"},
	{envLogLevel, "log-level", DefaultLogLevel, "log `level`: debug, info, warn or error"},
	{envDatabaseURL, "database-url", DefaultDatabaseURL, "PostgreSQL `URL` of the case register (its database is created if missing)"},
}

func init() {
	for _, group := range [][]Setting{mailSettings, codecSettings, tuningSettings, demoSettings} {
		Settings = append(Settings, group...)
	}
}

// Default returns the configuration with every setting at its default.
func Default() Config {
	return Config{
		TemporalAddress:  DefaultTemporalAddress,
		Namespace:        DefaultNamespace,
		TaskQueue:        DefaultTaskQueue,
		ReminderLeads:    DefaultReminderLeads(),
		EscalationEvery:  DefaultEscalationEvery,
		ConsultDays:      DefaultConsultDays,
		UnderFiveMonths:  DefaultUnderFiveMonths,
		TransferLeadDays: DefaultTransferLead,
		ResponseDays:     DefaultResponseDays,
		Board:            Board{EnglandPctTenths: DefaultEnglandPctTenths, DelayPerMonth: DefaultDelayPerMonth, LostEducationPerTerm: DefaultLostEducationPerTerm},
		LogLevel:         DefaultLogLevel,
		DatabaseURL:      DefaultDatabaseURL,
		Mail:             defaultMail(),
		Codec:            Codec{Addr: "127.0.0.1:8234", UIOrigins: []string{"http://127.0.0.1:8233", "http://localhost:8233"}},
		Tuning:           Tuning{StickyCacheSize: DefaultStickyCacheSize},
		Demo:             Demo{WeekSeconds: defaultWeekSeconds},
	}
}

// Load registers a flag for every setting on fs, parses args with it and
// resolves each setting: the flag if given, else the environment variable
// (read with getenv; empty means unset), else the default.
//
// A caller with flags of its own registers them on fs before calling Load;
// what follows the flags is left in fs.Args(). A parse error, including
// flag.ErrHelp, is returned as fs reports it (a flag.ExitOnError set, such
// as flag.CommandLine, exits instead). Every invalid setting is reported,
// each on its own line, naming the variable or flag it came from.
func Load(fs *flag.FlagSet, args []string, getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	values := make(map[string]*string, len(Settings))
	for _, s := range Settings {
		values[s.Env] = fs.String(s.Flag, s.Default, s.Usage+"; env "+s.Env)
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	given := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })

	r := resolver{values: make(map[string]value, len(Settings))}
	pick := func(env string) string { // a flag given, else the environment
		for _, s := range Settings {
			if s.Env == env && given[s.Flag] {
				return strings.TrimSpace(*values[env])
			}
		}
		return strings.TrimSpace(getenv(env))
	}
	getenv, deprecated := withAliases(getenv)
	profile, err := loadProfile(getenv, pick(envConfigFile), pick(envProfile))
	if err != nil {
		return Config{}, err
	}
	getenv = profile.over(getenv)
	for _, s := range Settings {
		v := value{raw: s.Default, source: s.Env}
		if given[s.Flag] {
			v.raw, v.source = strings.TrimSpace(*values[s.Env]), "-"+s.Flag
		} else if env := strings.TrimSpace(getenv(s.Env)); env != "" {
			v.raw = env
		}
		r.values[s.Env] = v
	}

	c := Config{
		Temporal:         profile.ClientConfigProfile,
		Deprecated:       deprecated,
		TemporalAddress:  r.address(envAddress),
		Namespace:        r.nonEmpty(envNamespace),
		TaskQueue:        r.nonEmpty(envTaskQueue),
		APIKey:           r.str(envAPIKey),
		TLSCertFile:      r.str(envTLSCert),
		TLSKeyFile:       r.str(envTLSKey),
		TLSCAFile:        r.str(envTLSCA),
		TLSServerName:    r.str(envTLSServerName),
		ReminderLeads:    r.leads(envReminderLeads),
		EscalationEvery:  r.days(envEscalationEvery),
		ConsultDays:      r.days(envConsultDays),
		UnderFiveMonths:  r.within(envUnderFive, 1, 12, "months"),
		TransferLeadDays: r.within(envTransferLead, 1, 180, "days"),
		ResponseDays:     r.within(envResponseDays, 1, 120, "working days"),
		Board: Board{EnglandPctTenths: r.within(envEnglandPct, 0, 1000, "tenths of a percent"),
			DelayPerMonth: r.within(envDelayPerMonth, 0, 10000, "pounds"), LostEducationPerTerm: r.within(envLostEducation, 0, 50000, "pounds")},
		TermDatesFile:   r.str(envTermDates),
		HealthBodyEmail: r.email(envHealthBody),
		SocialCareEmail: r.email(envSocialCare),
		LogLevel:        r.logLevel(envLogLevel),
		DatabaseURL:     r.nonEmpty(envDatabaseURL),
		Mail:            r.mail(),
		Codec:           r.codec(),
		Tuning:          r.tuning(),
		Demo:            r.demo(),
	}
	if c.TLSCertFile != "" && c.TLSKeyFile == "" {
		r.fail(envTLSCert, "set without %s; a client certificate needs its private key", both(envTLSKey))
	}
	if c.TLSKeyFile != "" && c.TLSCertFile == "" {
		r.fail(envTLSKey, "set without %s; a private key needs its client certificate", both(envTLSCert))
	}
	if err := errors.Join(r.errs...); err != nil {
		return Config{}, err
	}
	return c, nil
}

// value is one setting's raw text and where it came from.
type value struct {
	raw    string
	source string // "-flag" or "ENV_VAR", to name in errors
}

type resolver struct {
	values map[string]value // by environment variable
	errs   []error
}

func (r *resolver) fail(i string, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("%s: %s", r.values[i].source, fmt.Sprintf(format, args...)))
}

func (r *resolver) str(i string) string { return r.values[i].raw }

func (r *resolver) nonEmpty(i string) string {
	v := r.values[i].raw
	if v == "" {
		r.fail(i, "must not be empty")
	}
	return v
}

func (r *resolver) address(i string) string {
	v := r.values[i].raw
	eg := ""
	if d := settingDefault(i); d != "" {
		eg = ", e.g. " + d
	}
	hostPort := strings.TrimPrefix(v, "dns:///") // gRPC's DNS resolver, as the SDK allows
	host, port, err := net.SplitHostPort(hostPort)
	switch {
	case v == "":
		r.fail(i, "must not be empty; want host:port%s", eg)
	case err != nil && strings.Contains(err.Error(), "missing port"):
		r.fail(i, "%q has no port; want host:port%s", v, eg)
	case err != nil:
		r.fail(i, "%q is not host:port%s", v, eg)
	case host == "":
		r.fail(i, "%q has no host; want host:port%s", v, eg)
	default:
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			r.fail(i, "%q has no valid port (1-65535)", v)
		}
	}
	return v
}

func (r *resolver) days(i string) int {
	v := r.values[i].raw
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		r.fail(i, "%q is not a whole number of days", v)
	case n < 1:
		r.fail(i, "%d days: must be at least 1 day", n)
	}
	return n
}

// within is a whole number of unit from lo to hi.
func (r *resolver) within(i string, lo, hi int, unit string) int {
	v := r.values[i].raw
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		r.fail(i, "%q is not a whole number of %s", v, unit)
	case n < lo || n > hi:
		r.fail(i, "%d %s: must be %d to %d", n, unit, lo, hi)
	}
	return n
}

func (r *resolver) leads(i string) []int {
	v := r.values[i].raw
	var leads []int
	for _, part := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil {
			r.fail(i, "%q is not a list of whole days (e.g. \"14,7\")", v)
			return nil
		}
		leads = append(leads, n)
	}
	for _, n := range leads {
		switch {
		case n < 1:
			r.fail(i, "%q: a lead of %d days is not at least 1 day", v, n)
			return nil
		case n >= timetableDays:
			r.fail(i, "%q: a lead of %d days is not shorter than the %d-day (20-week) timetable", v, n, timetableDays)
			return nil
		}
	}
	slices.SortFunc(leads, func(a, b int) int { return b - a })
	for j := 1; j < len(leads); j++ {
		if leads[j] == leads[j-1] {
			r.fail(i, "%q: %d days is given twice", v, leads[j])
			return nil
		}
	}
	return leads
}

var logLevels = map[string]slog.Level{
	"debug": slog.LevelDebug,
	"info":  slog.LevelInfo,
	"warn":  slog.LevelWarn,
	"error": slog.LevelError,
}

func (r *resolver) logLevel(i string) string {
	v := strings.ToLower(r.values[i].raw)
	if _, ok := logLevels[v]; !ok {
		r.fail(i, "%q is not a log level: debug, info, warn or error", r.values[i].raw)
	}
	return v
}

// settingDefault is a setting's default, to give as an example.
func settingDefault(env string) string {
	for _, s := range Settings {
		if s.Env == env {
			return s.Default
		}
	}
	return ""
}

// both names a setting by its variable and its flag.
func both(env string) string {
	for _, s := range Settings {
		if s.Env == env {
			return fmt.Sprintf("%s (-%s)", s.Env, s.Flag)
		}
	}
	return env
}

// SlogLevel is LogLevel as a slog.Level; info if LogLevel is not one.
func (c Config) SlogLevel() slog.Level {
	if l, ok := logLevels[strings.ToLower(c.LogLevel)]; ok {
		return l
	}
	return slog.LevelInfo
}

// LogValue lets the configuration be logged whole: the API key is redacted.
func (c Config) LogValue() slog.Value {
	apiKey := ""
	if c.APIKey != "" {
		apiKey = "[redacted]"
	}
	return slog.GroupValue(
		slog.String("temporal_address", c.TemporalAddress),
		slog.String("namespace", c.Namespace),
		slog.String("task_queue", c.TaskQueue),
		slog.String("api_key", apiKey),
		slog.String("tls_cert", c.TLSCertFile),
		slog.String("tls_key", c.TLSKeyFile),
		slog.String("tls_ca", c.TLSCAFile),
		slog.String("tls_server_name", c.TLSServerName),
		slog.Any("reminder_leads_days", c.ReminderLeads),
		slog.Int("escalation_every_days", c.EscalationEvery),
		slog.Int("consultation_days", c.ConsultDays),
		slog.Int("review_under_five_months", c.UnderFiveMonths),
		slog.Int("transfer_lead_days", c.TransferLeadDays),
		slog.Int("appeal_response_working_days", c.ResponseDays),
		slog.String("log_level", c.LogLevel),
		slog.String("database_url", RedactURL(c.DatabaseURL)),
		slog.Bool("sendgrid", c.Mail.SendGridAPIKey != ""),
		slog.String("mail_from", c.Mail.From),
		slog.Bool("sendgrid_eu", c.Mail.EU),
		slog.Bool("sendgrid_sandbox", c.Mail.Sandbox),
		slog.Bool("sendgrid_webhook", c.Mail.WebhookKey != ""),
		slog.String("feedback_url", c.Mail.FeedbackURL),
		slog.Int("codec_keys", len(c.Codec.Keys)),
		slog.Int("max_concurrent_activities", c.Tuning.MaxConcurrentActivities),
		slog.Int("max_concurrent_workflow_tasks", c.Tuning.MaxConcurrentWorkflowTasks),
		slog.String("metrics_addr", c.Tuning.MetricsAddr),
		slog.Int("pollers", c.Tuning.Pollers), // 0: autoscaling
		slog.Int("sticky_cache_size", c.Tuning.StickyCacheSize),
		slog.Bool("demo", c.Demo.Enabled),
	)
}

// RedactURL hides a password in a URL-form connection string; any other form
// is hidden whole, as it may carry one too.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return "[redacted]"
	}
	return u.Redacted()
}

// FromCommandLine loads a server binary's settings from its flags and the
// environment; such a binary takes flags only, so a stray argument (a
// mistyped flag) is an error rather than ignored.
func FromCommandLine() (Config, error) {
	cfg, err := Load(flag.CommandLine, os.Args[1:], os.Getenv)
	if err != nil {
		return Config{}, err
	}
	if flag.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected arguments %q: only flags are taken (-h lists them)", flag.Args())
	}
	return cfg, nil
}

// email is an optional email address: empty, or one mail can be sent to.
func (r *resolver) email(i string) string {
	v := r.str(i)
	if v == "" {
		return ""
	}
	if a, err := mail.ParseAddress(v); err != nil || a.Address != v || !strings.Contains(v[strings.LastIndex(v, "@")+1:], ".") {
		r.fail(i, "%q is not an email address like name@example.org", v)
	}
	return v
}
