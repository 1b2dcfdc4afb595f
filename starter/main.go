// Command ehc is the caseworker's command line for EHC needs assessments
// (package commands). main only wires: the real clock, environment,
// Temporal, case register and terminal, and Ctrl-C to stop.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ehc-send/ehc/starter/commands"
	"github.com/ehc-send/ehc/starter/dev"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := &commands.Env{
		Now:          time.Now,
		Getenv:       os.Getenv,
		Stdout:       os.Stdout,
		Stderr:       os.Stderr,
		Dial:         commands.DialTemporal,
		OpenRegister: commands.OpenRegister,
		Dev:          dev.Run,
	}
	code := commands.Run(ctx, env, os.Args[1:])
	stop()
	os.Exit(code)
}
