package commands

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ehc-send/ehc/config"
	"github.com/ehc-send/ehc/register"
	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// providersSub is one of ehc providers' own subcommands.
type providersSub struct {
	name     string
	synopsis string
	summary  string
	run      func(ctx context.Context, e *Env, args []string) error
}

var providersSubs []providersSub

func init() {
	providersSubs = []providersSub{
		{"add", "--kind K --organisation N --email E [--escalation-email E] [--default]",
			"add a provider to the directory; --default makes it the one asked for its kind, in place of the previous default", cmdProvidersAdd},
		{"list", "[--kind K] [--json]", "list the directory, by kind then organisation", cmdProvidersList},
		{"import", "FILE.csv", "add or update providers from a CSV file, all or nothing", cmdProvidersImport},
	}
}

func providersSubNames() string {
	names := make([]string, len(providersSubs))
	for i, s := range providersSubs {
		names[i] = s.name
	}
	return strings.Join(names, "|")
}

// cmdProviders dispatches ehc providers add|list|import.
func cmdProviders(ctx context.Context, e *Env, args []string) error {
	if len(args) == 0 {
		return usagef("missing subcommand: ehc providers %s", providersSubNames())
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		providersUsage(e.Stderr)
		return flag.ErrHelp
	}
	for _, s := range providersSubs {
		if s.name == args[0] {
			return s.run(ctx, e, args[1:])
		}
	}
	return usagef("unknown subcommand %q: ehc providers %s", args[0], providersSubNames())
}

// providersUsage is ehc help providers.
func providersUsage(w io.Writer) {
	fmt.Fprint(w, "Usage:\n")
	for _, s := range providersSubs {
		fmt.Fprintf(w, "  ehc providers %s %s\n", s.name, s.synopsis)
	}
	fmt.Fprintf(w, `
The advice-provider directory says who is asked for each kind of advice
(reg 6(1)):
  %s
request-advice asks the kind's default provider when no provider is named,
and copies the provider's escalation email on overdue notices.

The CSV file for import has the header line
  kind,organisation,email,escalation_email,default
with default true, yes, false, no or empty (no). A row whose kind and
organisation are already in the directory updates them, so a corrected file
can be imported again; a file with any bad row imports nothing.

Every subcommand takes --database-url (env DATABASE_URL).
Run 'ehc providers SUBCOMMAND -h' for its flags.
`, adviceKindsList())
}

// parseProvidersFlags parses one subcommand's flags with the settings, so
// --database-url and DATABASE_URL name the register.
func parseProvidersFlags(e *Env, fs *flag.FlagSet, sub string, args []string) (config.Config, error) {
	stderr := e.Stderr
	cfg, err := config.Load(fs, args, e.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		for _, s := range providersSubs {
			if s.name == sub {
				fmt.Fprintf(stderr, "Usage: ehc providers %s %s\n\n%s.\n\nFlags:\n", s.name, s.synopsis, cli.Sentence(s.summary))
			}
		}
		fs.SetOutput(stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		return config.Config{}, flag.ErrHelp
	}
	if err != nil {
		return config.Config{}, &usageError{msg: err.Error()}
	}
	return cfg, nil
}

func cmdProvidersAdd(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("providers add")
	kind := fs.String("kind", "", "kind of advice (reg 6(1)): "+adviceKindsList())
	organisation := fs.String("organisation", "", "`name` of the organisation or service asked")
	email := fs.String("email", "", "`address` advice is asked at")
	escalation := fs.String("escalation-email", "", "`address` copied when advice is overdue (optional)")
	isDefault := fs.Bool("default", false, "make it the provider asked for its kind when a caseworker names none")
	cfg, err := parseProvidersFlags(e, fs, "add", args)
	if err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	k, err := parseKind(*kind)
	if err != nil {
		return err
	}
	if err := requiredBounded("organisation", *organisation, assessment.CheckProviderName); err != nil {
		return err
	}
	if err := checkEmail("email", *email); err != nil {
		return err
	}
	if *escalation != "" {
		if err := checkEmail("escalation-email", *escalation); err != nil {
			return err
		}
	}
	return e.onRegister(ctx, cfg, func(st *register.Store) error {
		p, err := st.AddProvider(ctx, register.Provider{Kind: k, Organisation: *organisation, Email: *email,
			EscalationEmail: *escalation, Default: *isDefault})
		if err != nil {
			return err
		}
		msg := fmt.Sprintf("Added %s provider %s <%s>", p.Kind, p.Organisation, p.Email)
		if p.EscalationEmail != "" {
			msg += fmt.Sprintf(", escalating to <%s>", p.EscalationEmail)
		}
		if p.Default {
			msg += fmt.Sprintf("; it is the default for %s", p.Kind.Title())
		}
		_, err = fmt.Fprintln(e.Stdout, msg+".")
		return err
	})
}

func cmdProvidersList(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("providers list")
	kind := fs.String("kind", "", "only this kind of advice: "+adviceKindsList())
	asJSON := fs.Bool("json", false, "print JSON for scripts")
	cfg, err := parseProvidersFlags(e, fs, "list", args)
	if err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	var k statute.AdviceKind
	if *kind != "" {
		if k, err = parseKind(*kind); err != nil {
			return err
		}
	}
	return e.onRegister(ctx, cfg, func(st *register.Store) error {
		ps, err := st.ListProviders(ctx, k)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.Stdout, ps)
		}
		return printProviders(e.Stdout, ps, k)
	})
}

// printProviders lays the directory out as a table.
func printProviders(w io.Writer, ps []register.Provider, k statute.AdviceKind) error {
	if len(ps) == 0 {
		what := "advice providers"
		if k != "" {
			what = string(k) + " providers"
		}
		_, err := fmt.Fprintf(w, "No %s in the directory: add one with 'ehc providers add' or 'ehc providers import FILE.csv'.\n", what)
		return err
	}
	tw := cli.NewTable(w)
	fmt.Fprint(tw, "KIND\tORGANISATION\tEMAIL\tESCALATION\tDEFAULT\n")
	for _, p := range ps {
		def := ""
		if p.Default {
			def = "default"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Kind, p.Organisation, p.Email, dash(p.EscalationEmail), def)
	}
	return tw.Flush()
}

func cmdProvidersImport(ctx context.Context, e *Env, args []string) error {
	fs := newFlagSet("providers import")
	file, rest := splitRef(args)
	cfg, err := parseProvidersFlags(e, fs, "import", rest)
	if err != nil {
		return err
	}
	extra := fs.Args()
	if file == "" && len(extra) > 0 {
		file, extra = extra[0], extra[1:]
	}
	if len(extra) > 0 {
		return usagef("unexpected argument %q", extra[0])
	}
	if file == "" {
		return usagef("missing file: ehc providers import FILE.csv")
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("cannot read the providers file: %w", err)
	}
	defer f.Close()
	return e.onRegister(ctx, cfg, func(st *register.Store) error {
		n, err := st.ImportProviders(ctx, f)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		noun := "providers"
		if n == 1 {
			noun = "provider"
		}
		_, err = fmt.Fprintf(e.Stdout, "imported %d %s\n", n, noun)
		return err
	})
}
