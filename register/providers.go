package register

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ehc-send/ehc/activities/letters"
	"github.com/ehc-send/ehc/statute"
)

// Provider is one entry in the advice-provider directory: an organisation
// asked for one kind of advice (reg 6(1)), where to ask it, and whom to copy
// when its advice is overdue. At most one provider of each kind is the
// default, asked when a caseworker names no one else.
type Provider struct {
	ID              int64              `json:"id"`
	Kind            statute.AdviceKind `json:"kind"`
	Organisation    string             `json:"organisation"`
	Email           string             `json:"email"`
	EscalationEmail string             `json:"escalation_email"`
	Default         bool               `json:"default"`
}

// ErrNoProvider is what DefaultProvider and FindProvider's errors wrap when
// the directory has no such provider: test for it with errors.Is.
var ErrNoProvider = errors.New("no such advice provider in the directory")

// ErrDuplicateProvider is what AddProvider's error wraps when the directory
// already has a provider of that kind and organisation.
var ErrDuplicateProvider = errors.New("advice provider already exists")

// providerError is a message of its own that still matches a sentinel.
type providerError struct {
	msg      string
	sentinel error
}

func (e *providerError) Error() string        { return e.msg }
func (e *providerError) Is(target error) bool { return target == e.sentinel }

// providersLock serialises writes to the directory, so two writers making
// different providers the default of one kind cannot collide on the
// one-default index.
const providersLock = 0x65686370 // "ehcp"

// providerColumns is the CSV header ImportProviders wants.
var providerColumns = []string{"kind", "organisation", "email", "escalation_email", "default"}

// MaxOrganisation is the longest organisation name the directory takes, in
// characters; assessment.MaxProviderName is this, so a provider the
// directory holds is never refused when a case asks it for advice.
const MaxOrganisation = 200

// maxEmail is letters.MaxEmail, which this package sits below.
const maxEmail = 254

// checkProviderEmail accepts what letters.CheckEmail does: a bare
// address with a real domain, so a notice to the provider cannot be refused
// later (register_test checks the two agree).
func checkProviderEmail(field, v string) error {
	if v == "" {
		return fmt.Errorf("%s is missing", field)
	}
	if n := utf8.RuneCountInString(v); n > maxEmail {
		return fmt.Errorf("%s is %d characters; the limit is %d", field, n, maxEmail)
	}
	if !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return fmt.Errorf("%s %q is not a bare email address (like name@example.org)", field, v)
	}
	if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
		return fmt.Errorf("%s %q is not a bare email address (like name@example.org)", field, v)
	}
	if !letters.RealEmailDomain(v[strings.LastIndexByte(v, '@')+1:]) {
		return fmt.Errorf("%s %q has no real domain: want a dot in the domain and a top-level domain of 2 or more letters, like name@example.org", field, v)
	}
	return nil
}

// normalise trims p's text and checks every field.
func (p *Provider) normalise() error {
	k, err := statute.ParseAdviceKind(strings.ToLower(strings.TrimSpace(string(p.Kind))))
	if err != nil {
		return err
	}
	p.Kind = k
	p.Organisation = strings.TrimSpace(p.Organisation)
	p.Email = strings.TrimSpace(p.Email)
	p.EscalationEmail = strings.TrimSpace(p.EscalationEmail)
	if p.Organisation == "" {
		return errors.New("organisation is missing")
	}
	if n := utf8.RuneCountInString(p.Organisation); n > MaxOrganisation {
		return fmt.Errorf("organisation is %d characters; the limit is %d", n, MaxOrganisation)
	}
	if !utf8.ValidString(p.Organisation) {
		return errors.New("organisation is not valid UTF-8 text")
	}
	// As assessment.CheckLine: no C0 or C1 control, no line or paragraph separator.
	if strings.ContainsFunc(p.Organisation, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }) {
		return fmt.Errorf("organisation %q has a control character", p.Organisation)
	}
	if err := checkProviderEmail("email", p.Email); err != nil {
		return err
	}
	if p.EscalationEmail != "" {
		if err := checkProviderEmail("escalation_email", p.EscalationEmail); err != nil {
			return err
		}
	}
	return nil
}

func duplicateProvider(k statute.AdviceKind, organisation string) error {
	return &providerError{
		msg:      fmt.Sprintf("a %s provider named %q already exists", k, organisation),
		sentinel: ErrDuplicateProvider,
	}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// AddProvider adds p to the directory and returns it with its ID. Making
// it the default un-defaults the previous default of its kind in the same
// transaction. A provider of the same kind and organisation is an error
// wrapping ErrDuplicateProvider.
func (s *Store) AddProvider(ctx context.Context, p Provider) (Provider, error) {
	if err := p.normalise(); err != nil {
		return Provider{}, err
	}
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "select pg_advisory_xact_lock($1)", providersLock); err != nil {
			return err
		}
		if p.Default {
			if _, err := tx.Exec(ctx, "update advice_providers set is_default = false where kind = $1 and is_default",
				string(p.Kind)); err != nil {
				return err
			}
		}
		return tx.QueryRow(ctx, `insert into advice_providers (kind, organisation, email, escalation_email, is_default)
			values ($1, $2, $3, $4, $5) returning id`,
			string(p.Kind), p.Organisation, p.Email, nullable(p.EscalationEmail), p.Default).Scan(&p.ID)
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "advice_providers_kind_organisation_key" {
		return Provider{}, duplicateProvider(p.Kind, p.Organisation)
	}
	if err != nil {
		return Provider{}, fmt.Errorf("adding %s provider %q: %w", p.Kind, p.Organisation, err)
	}
	return p, nil
}

const providerSelect = `select id, kind, organisation, email, coalesce(escalation_email, ''), is_default from advice_providers`

func scanProvider(row pgx.Row) (Provider, error) {
	var p Provider
	var kind string
	err := row.Scan(&p.ID, &kind, &p.Organisation, &p.Email, &p.EscalationEmail, &p.Default)
	p.Kind = statute.AdviceKind(kind)
	return p, err
}

// ListProviders lists the directory, or one kind of it when kind is not
// "", ordered by kind then organisation.
func (s *Store) ListProviders(ctx context.Context, kind statute.AdviceKind) ([]Provider, error) {
	q, args := providerSelect, []any{}
	if kind != "" {
		k, err := statute.ParseAdviceKind(string(kind))
		if err != nil {
			return nil, err
		}
		q, args = q+" where kind = $1", []any{string(k)}
	}
	rows, err := s.Pool.Query(ctx, q+" order by kind, organisation", args...)
	if err != nil {
		return nil, fmt.Errorf("listing advice providers: %w", err)
	}
	out := []Provider{}
	for rows.Next() {
		p, err := scanProvider(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("listing advice providers: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing advice providers: %w", err)
	}
	return out, nil
}

// DefaultProvider is the default provider of kind. When there is none the
// error wraps ErrNoProvider and says how to add one.
func (s *Store) DefaultProvider(ctx context.Context, kind statute.AdviceKind) (Provider, error) {
	k, err := statute.ParseAdviceKind(string(kind))
	if err != nil {
		return Provider{}, err
	}
	p, err := scanProvider(s.Pool.QueryRow(ctx, providerSelect+" where kind = $1 and is_default", string(k)))
	if errors.Is(err, pgx.ErrNoRows) {
		return Provider{}, &providerError{
			msg: fmt.Sprintf("the advice-provider directory has no default %s provider: add one with "+
				"'ehc providers add --kind %s --organisation NAME --email EMAIL --default' (or 'ehc providers import FILE.csv'), "+
				"or name the provider for this case", k, k),
			sentinel: ErrNoProvider,
		}
	}
	if err != nil {
		return Provider{}, fmt.Errorf("reading the default %s provider: %w", k, err)
	}
	return p, nil
}

// FindProvider is the provider of kind named organisation: the one named
// exactly, or else the one named so but for case. When there is none the
// error wraps ErrNoProvider.
func (s *Store) FindProvider(ctx context.Context, kind statute.AdviceKind, organisation string) (Provider, error) {
	k, err := statute.ParseAdviceKind(string(kind))
	if err != nil {
		return Provider{}, err
	}
	organisation = strings.TrimSpace(organisation)
	p, err := scanProvider(s.Pool.QueryRow(ctx, providerSelect+` where kind = $1 and lower(organisation) = lower($2)
		order by organisation = $2 desc, organisation limit 1`, string(k), organisation))
	if errors.Is(err, pgx.ErrNoRows) {
		return Provider{}, &providerError{
			msg:      fmt.Sprintf("the advice-provider directory has no %s provider named %q", k, organisation),
			sentinel: ErrNoProvider,
		}
	}
	if err != nil {
		return Provider{}, fmt.Errorf("reading %s provider %q: %w", k, organisation, err)
	}
	return p, nil
}

// importRow is one provider read from a CSV file, with the line it began on.
type importRow struct {
	line int
	p    Provider
}

// maxImportProblems bounds how many bad rows one error lists.
const maxImportProblems = 20

// ImportProviders reads a CSV file of providers, with the header
// kind,organisation,email,escalation_email,default (columns in any order;
// default is true, false, yes, no or empty, which means no), and writes it
// in one transaction: a row whose kind and organisation are already in the
// directory updates that provider, so a corrected file can be imported
// again. A provider the file makes the default of its kind replaces the
// previous default. Any bad row writes nothing: the error names every bad
// row by its line in the file (the header is line 1) and what is wrong. It
// returns how many providers the file added or updated.
func (s *Store) ImportProviders(ctx context.Context, r io.Reader) (int, error) {
	rows, err := readProviders(r)
	if err != nil {
		return 0, err
	}
	if len(rows) == 0 {
		return 0, nil
	}
	var defaultKinds []string
	for _, row := range rows {
		if row.p.Default {
			defaultKinds = append(defaultKinds, string(row.p.Kind))
		}
	}
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "select pg_advisory_xact_lock($1)", providersLock); err != nil {
			return err
		}
		if len(defaultKinds) > 0 {
			if _, err := tx.Exec(ctx, "update advice_providers set is_default = false where kind = any($1) and is_default",
				defaultKinds); err != nil {
				return err
			}
		}
		for _, row := range rows {
			p := row.p
			if _, err := tx.Exec(ctx, `insert into advice_providers (kind, organisation, email, escalation_email, is_default)
				values ($1, $2, $3, $4, $5)
				on conflict (kind, organisation) do update set
					email = excluded.email,
					escalation_email = excluded.escalation_email,
					is_default = excluded.is_default`,
				string(p.Kind), p.Organisation, p.Email, nullable(p.EscalationEmail), p.Default); err != nil {
				return fmt.Errorf("line %d: %w", row.line, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("importing advice providers: %w; nothing was imported", err)
	}
	return len(rows), nil
}

// readProviders reads and checks the whole file before anything is
// written, collecting every bad row.
func readProviders(r io.Reader) ([]importRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // counted here, to say which columns are wanted
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("the file is empty: want a header line %s; nothing was imported", strings.Join(providerColumns, ","))
	}
	if err != nil {
		return nil, errors.New(csvProblem(err) + "; nothing was imported")
	}
	col, err := providerHeader(header)
	if err != nil {
		return nil, err
	}

	var (
		rows     []importRow
		problems []string
		seen     = map[[2]string]int{}                // kind, organisation -> line
		defaults = map[statute.AdviceKind]importRow{} // kind -> its default's row
	)
	problem := func(line int, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("line %d: ", line)+fmt.Sprintf(format, args...))
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// A malformed quote leaves the rest of the file unreadable.
			problems = append(problems, csvProblem(err))
			break
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue // a spreadsheet's empty row: ,,,,
		}
		if len(rec) != len(providerColumns) {
			problem(line, "%d columns, want %d (%s)", len(rec), len(providerColumns), strings.Join(providerColumns, ","))
			continue
		}
		p := Provider{
			Kind:            statute.AdviceKind(rec[col["kind"]]),
			Organisation:    rec[col["organisation"]],
			Email:           rec[col["email"]],
			EscalationEmail: rec[col["escalation_email"]],
		}
		def := strings.ToLower(strings.TrimSpace(rec[col["default"]]))
		switch def {
		case "true", "yes":
			p.Default = true
		case "false", "no", "":
		default:
			problem(line, "default %q must be true, false, yes, no or empty", rec[col["default"]])
			continue
		}
		if err := p.normalise(); err != nil {
			problem(line, "%v", err)
			continue
		}
		key := [2]string{string(p.Kind), p.Organisation}
		if first, ok := seen[key]; ok {
			problem(line, "the %s provider %q is already on line %d", p.Kind, p.Organisation, first)
			continue
		}
		seen[key] = line
		if p.Default {
			if d, ok := defaults[p.Kind]; ok {
				problem(line, "%q is a second default %s provider: line %d makes %q the default, and a kind has one",
					p.Organisation, p.Kind, d.line, d.p.Organisation)
				continue
			}
			defaults[p.Kind] = importRow{line: line, p: p}
		}
		rows = append(rows, importRow{line: line, p: p})
	}
	switch n := len(problems); {
	case n == 1:
		return nil, fmt.Errorf("%s; nothing was imported", problems[0])
	case n > maxImportProblems:
		problems = append(problems[:maxImportProblems], fmt.Sprintf("and %d more", n-maxImportProblems))
		fallthrough
	case n > 1:
		return nil, fmt.Errorf("%d rows have problems; nothing was imported:\n  %s", n, strings.Join(problems, "\n  "))
	}
	return rows, nil
}

// providerHeader maps each wanted column to its index in header.
func providerHeader(header []string) (map[string]int, error) {
	want := strings.Join(providerColumns, ",")
	col := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) // a spreadsheet's byte-order mark
		if _, dup := col[h]; dup {
			return nil, fmt.Errorf("line 1: the header names column %q twice: want %s; nothing was imported", h, want)
		}
		col[h] = i
	}
	var missing, unknown []string
	for _, c := range providerColumns {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	for _, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		known := false
		for _, c := range providerColumns {
			known = known || h == c
		}
		if !known {
			unknown = append(unknown, fmt.Sprintf("%q", h))
		}
	}
	if len(missing) > 0 || len(unknown) > 0 {
		msg := "line 1: the header must be " + want
		if len(missing) > 0 {
			msg += "; missing " + strings.Join(missing, ", ")
		}
		if len(unknown) > 0 {
			msg += "; unknown " + strings.Join(unknown, ", ")
		}
		return nil, errors.New(msg + "; nothing was imported")
	}
	return col, nil
}

// csvProblem names the line of a file that is not CSV at all.
func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("line %d: not valid CSV: %v", pe.Line, pe.Err)
	}
	return fmt.Sprintf("reading the file: %v", err)
}

// blank is a row with nothing in it.
func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}
