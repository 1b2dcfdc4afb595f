// Command pgurl prints, as bash assignments, the server a PostgreSQL
// connection string names: scripts/ensure-postgres.sh runs it (go run)
// so the string is read by pgx, not by shell.
package main

import (
	"fmt"
	"os"

	"github.com/ehc-send/ehc/starter/dev"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: pgurl CONNECTION-STRING")
		os.Exit(2)
	}
	d, err := dev.ParseDatabase(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Print(d.Shell())
}
