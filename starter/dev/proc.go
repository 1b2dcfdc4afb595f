package dev

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

// proc is one child process of the stack.
type proc struct {
	name      string        // "the worker": what messages call it
	grace     time.Duration // between SIGTERM and SIGKILL
	log       string        // its log file, "" if it writes to ours
	tailLines int           // how much of its log a failure shows
	cmd       *exec.Cmd
	done      chan struct{} // closed once it has exited and been reaped
	err       error         // how it exited (cmd.Wait); read after done
}

// start runs bin with args as a child named name. Its output goes to the
// file log (appended to if appendLog, else made afresh), or with no log to
// the stack's own stdout and stderr through a pipe: on Linux a child has a
// process group of its own (sysProcAttr), and one outside the terminal's
// foreground group must not write to the terminal itself. Its input is
// /dev/null.
func (s *stack) start(name string, grace time.Duration, log string, appendLog bool, env []string, bin string, args ...string) (*proc, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.SysProcAttr = sysProcAttr()
	cmd.WaitDelay = 2 * time.Second // a pipe held open by a grandchild does not hold up Wait
	p := &proc{name: name, grace: grace, log: log, tailLines: 5, cmd: cmd, done: make(chan struct{})}
	if log != "" {
		flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if appendLog {
			flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
		}
		f, err := os.OpenFile(log, flags, 0o600)
		if err != nil {
			return nil, err
		}
		defer f.Close() // the child has its own copy once started
		cmd.Stdout, cmd.Stderr = f, f
	} else {
		// Not an *os.File, so exec copies through a pipe.
		cmd.Stdout, cmd.Stderr = struct{ io.Writer }{s.Stdout}, struct{ io.Writer }{s.Stderr}
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	s.procs = append(s.procs, p)
	if s.started != nil {
		s.started(name, cmd.Process.Pid)
	}
	return p, nil
}

// exited says whether p has exited.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop sends p SIGTERM and waits for it to exit, for its grace at most;
// then it kills it. Being killed, or exiting with a failure, is an error.
func (p *proc) stop(say func(string, ...any)) error {
	if p.exited() {
		return nil // it stopped by itself, and that has been reported
	}
	say("stopping %s", p.name)
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	timer := time.NewTimer(p.grace)
	defer timer.Stop()
	select {
	case <-p.done:
		if p.err != nil && !terminated(p.err) {
			say("%s exited with %v while stopping", p.name, p.err)
			return fmt.Errorf("%s exited with %v while stopping", p.name, p.err)
		}
		return nil
	case <-timer.C:
	}
	say("%s did not stop in %s; killing it", p.name, p.grace)
	_ = p.cmd.Process.Kill()
	<-p.done
	return fmt.Errorf("%s did not stop in %s and was killed", p.name, p.grace)
}

// terminated says whether err is a process's death by SIGTERM: what a
// child that does not catch it does, and no failure.
func terminated(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGTERM
}

// tail writes the last n lines of the file at path to w.
func tail(w io.Writer, path string, n int) {
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintf(w, "  (%v)\n", err)
		return
	}
	defer f.Close()
	const most = 64 << 10 // the logs are appended to for ever
	if fi, err := f.Stat(); err == nil && fi.Size() > most {
		_, _ = f.Seek(fi.Size()-most, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	lines := strings.Split(string(bytes.TrimRight(b, "\n")), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}

// dropEnv is env without the variables named.
func dropEnv(env []string, names ...string) []string {
	var out []string
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); !slices.Contains(names, k) {
			out = append(out, kv)
		}
	}
	return out
}
