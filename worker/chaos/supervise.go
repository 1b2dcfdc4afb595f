package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// interval is a stretch of real time.
type interval struct{ from, to time.Time }

// supervisor runs the worker as a separate process, kills it with SIGKILL
// when told, and restarts it whenever it is gone, as a platform would.
type supervisor struct {
	bin string
	env []string
	log *os.File

	mu        sync.Mutex
	cmd       *exec.Cmd
	exited    chan struct{}
	starts    int
	kills     int
	crashes   int // exits nobody asked for (e.g. PostgreSQL refused at start-up)
	downSince time.Time
	down      []interval // no worker able to take tasks
	stopping  bool
}

// upAfter is how long a new worker process must live to count as up: one
// that exits sooner (start-up refused) leaves the worker down.
const upAfter = 10 * time.Second

func (s *supervisor) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.startLocked()
}

func (s *supervisor) startLocked() error {
	s.starts++
	fmt.Fprintf(s.log, "\n=== chaos: worker start %d at %s\n", s.starts, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(s.bin)
	cmd.Env, cmd.Stdout, cmd.Stderr = s.env, s.log, s.log
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the worker: %w", err)
	}
	started := time.Now()
	exited := make(chan struct{})
	s.cmd, s.exited = cmd, exited
	go func() {
		err := cmd.Wait()
		s.mu.Lock()
		defer s.mu.Unlock()
		close(exited)
		if s.cmd != cmd || s.stopping {
			return // killed on purpose: kill restarts it
		}
		s.crashes++
		fmt.Fprintf(s.log, "\n=== chaos: worker exited by itself (%v); restarting in 2s\n", err)
		if s.downSince.IsZero() {
			s.downSince = time.Now()
		}
		s.cmd = nil
		time.AfterFunc(2*time.Second, func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if s.cmd == nil && !s.stopping {
				_ = s.startLocked()
			}
		})
	}()
	time.AfterFunc(upAfter, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		select {
		case <-exited:
			return
		default:
		}
		if !s.downSince.IsZero() {
			s.down = append(s.down, interval{s.downSince, started})
			s.downSince = time.Time{}
		}
	})
	return nil
}

// kill sends the worker SIGKILL, waits for it to go, and restarts it after
// pause.
func (s *supervisor) kill(pause time.Duration) error {
	// A worker down already (restarting after a crash) is killed once it
	// is back, so every kill planned happens.
	s.mu.Lock()
	for wait := 0; s.cmd == nil && !s.stopping && wait < 120; wait++ {
		s.mu.Unlock()
		time.Sleep(500 * time.Millisecond)
		s.mu.Lock()
	}
	cmd, exited := s.cmd, s.exited
	if cmd == nil {
		s.mu.Unlock()
		return errors.New("the worker did not come back within a minute to be killed")
	}
	s.cmd = nil
	s.kills++
	if s.downSince.IsZero() {
		s.downSince = time.Now()
	}
	fmt.Fprintf(s.log, "\n=== chaos: kill -9 of worker pid %d at %s; restart in %s\n", cmd.Process.Pid, time.Now().Format(time.RFC3339Nano), pause)
	_ = cmd.Process.Signal(syscall.SIGKILL)
	s.mu.Unlock()
	<-exited
	time.Sleep(pause)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping || s.cmd != nil {
		return nil
	}
	return s.startLocked()
}

// stop ends the worker (SIGTERM, then SIGKILL) and closes the down record.
func (s *supervisor) stop() {
	s.mu.Lock()
	s.stopping = true
	cmd, exited := s.cmd, s.exited
	if !s.downSince.IsZero() {
		s.down = append(s.down, interval{s.downSince, time.Now()})
		s.downSince = time.Time{}
	}
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(40 * time.Second):
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-exited
	}
}

// downTotal is how long, in all, no worker was able to take tasks.
func (s *supervisor) downTotal() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var d time.Duration
	for _, iv := range s.down {
		d += iv.to.Sub(iv.from)
	}
	return d
}

func (s *supervisor) counts() (kills, crashes, starts int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kills, s.crashes, s.starts
}
