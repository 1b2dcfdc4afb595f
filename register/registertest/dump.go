package registertest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Dump is every value in every column of every table of the register's
// database, as text, one "table.column: value" line each, but for the
// tables named in except. It lists tables and columns from the catalogue,
// so a table or column added later is read too. bytea is shown with its
// printable bytes as they are (encode(…, 'escape')), so a value kept in
// clear inside a binary column shows; an encrypted one does not.
func Dump(t testing.TB, pool *pgxpool.Pool, except ...string) string {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, `select table_name, column_name, data_type from information_schema.columns
		where table_schema = 'public' order by table_name, ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	type column struct{ table, name, kind string }
	var cols []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.table, &c.name, &c.kind); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	skip := map[string]bool{}
	for _, e := range except {
		skip[e] = true
	}
	var b strings.Builder
	tables := map[string]bool{}
	for _, c := range cols {
		if skip[c.table] {
			continue
		}
		tables[c.table] = true
		expr := pgx.Identifier{c.name}.Sanitize() + "::text"
		if c.kind == "bytea" {
			expr = "encode(" + pgx.Identifier{c.name}.Sanitize() + ", 'escape')"
		}
		vals, err := pool.Query(ctx, "select "+expr+" from "+pgx.Identifier{c.table}.Sanitize()+" where "+pgx.Identifier{c.name}.Sanitize()+" is not null")
		if err != nil {
			t.Fatalf("reading %s.%s: %v", c.table, c.name, err)
		}
		for vals.Next() {
			var v string
			if err := vals.Scan(&v); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s.%s: %s\n", c.table, c.name, v)
		}
		if err := vals.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if len(tables) == 0 {
		t.Fatal("Dump found no tables: the check would pass on anything")
	}
	return b.String()
}
