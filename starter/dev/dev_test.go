package dev

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/ehc-send/ehc/codec"
	"github.com/ehc-send/ehc/register/registertest"
	"github.com/ehc-send/ehc/workflows/assessment"
	"github.com/ehc-send/ehc/workflows/search"
)

func TestSearchAttributeFlags(t *testing.T) {
	keys := search.Attributes()
	args, err := searchAttributeFlags(keys)
	if err != nil {
		t.Fatal(err)
	}
	if len(args) != 2*len(keys) {
		t.Fatalf("%d keys gave %q", len(keys), args)
	}
	for i, k := range keys {
		if args[2*i] != "--search-attribute" || !strings.HasPrefix(args[2*i+1], k.GetName()+"=") {
			t.Errorf("key %s gave %q %q", k.GetName(), args[2*i], args[2*i+1])
		}
	}
	// The CLI's names for the types, as `temporal server start-dev --help`
	// gives them.
	for _, want := range []string{"EhcCaseRef=Keyword", "EhcNextDeadline=Datetime", "EhcOverdue=Bool"} {
		if !slices.Contains(args, want) {
			t.Errorf("no %s in %q", want, args)
		}
	}
}

func TestEnsureSecrets(t *testing.T) {
	dir := t.TempDir()
	keys, tokenFile := filepath.Join(dir, "codec-keys"), filepath.Join(dir, "codec-token")
	var said bytes.Buffer
	say := func(f string, a ...any) { fmt.Fprintf(&said, f+"\n", a...) }
	token, err := ensureSecrets(keys, tokenFile, say)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(said.String(), "made a payload encryption key") || !strings.Contains(said.String(), "made a codec server token") {
		t.Errorf("said %q", said.String())
	}
	if len(token) != 64 || !tokenChars.MatchString(token) {
		t.Errorf("token %q", token)
	}
	if _, err := codec.LoadKeys("", "", keys, "key file"); err != nil {
		t.Errorf("the key file made does not load: %v", err)
	}
	first, _ := os.ReadFile(keys)

	// Made once and kept; only this user may read them, whatever they were.
	if err := os.Chmod(keys, 0o644); err != nil {
		t.Fatal(err)
	}
	said.Reset()
	again, err := ensureSecrets(keys, tokenFile, say)
	if err != nil {
		t.Fatal(err)
	}
	if now, _ := os.ReadFile(keys); again != token || !bytes.Equal(now, first) || said.Len() != 0 {
		t.Errorf("second run: token %q (was %q), keys changed %v, said %q", again, token, !bytes.Equal(now, first), said.String())
	}
	for _, f := range []string{keys, tokenFile} {
		if fi, err := os.Stat(f); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want mode 0600", f, fi.Mode(), err)
		}
	}

	if err := os.WriteFile(tokenFile, []byte("not/a token?\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ensureSecrets(keys, tokenFile, say); err == nil || !strings.Contains(err.Error(), "delete it to get a new one") {
		t.Errorf("a token unfit for a URL: %v", err)
	}
}

// A codec port already taken stops the stack before anything starts.
func TestRunRefusesATakenCodecPort(t *testing.T) {
	bin := t.TempDir()
	for _, name := range []string{"temporal", "ehc", "ehc-worker", "ehc-codec"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	o := Options{Data: t.TempDir(), Bin: bin, TemporalCLI: filepath.Join(bin, "temporal"),
		Port: 1, UIPort: 2, CodecPort: ln.Addr().(*net.TCPAddr).Port}
	o.started = func(name string, _ int) { t.Errorf("%s started", name) }
	err = Run(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "already listens on "+ln.Addr().String()) {
		t.Errorf("Run: %v", err)
	}
}

// The real stack, built from this checkout, on free ports and a data
// directory of its own: it comes up whole, Ctrl-C stops every part of it in
// order; run again on the same state it carries on, and when the worker
// dies everything stops and Run fails.
func TestStack(t *testing.T) {
	cli := os.Getenv("EHC_TEMPORAL_CLI")
	if cli == "" {
		t.Fatal("EHC_TEMPORAL_CLI is not set: make test sets it to the pinned Temporal CLI (bin/temporal)")
	}
	bin := t.TempDir()
	for _, b := range []struct{ out, pkg string }{{"ehc", "./starter"}, {"ehc-worker", "./worker"}, {"ehc-codec", "./codecserver"}} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(bin, b.out), b.pkg)
		cmd.Dir = "../.." // the module's root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b.pkg, err, out)
		}
	}
	t.Setenv("DATABASE_URL", registertest.URL(t))
	t.Setenv("SENDGRID_API_KEY", "")
	ports := freePorts(t, 4)
	feedback := fmt.Sprintf("127.0.0.1:%d", ports[3])
	t.Setenv("EHC_WEBHOOK_ADDR", feedback)
	t.Setenv("EHC_FEEDBACK_URL", "")
	o := Options{Data: filepath.Join(t.TempDir(), ".data"), Bin: bin, TemporalCLI: cli,
		Port: ports[0], UIPort: ports[1], CodecPort: ports[2]}

	r := startStack(t, o)
	c, err := dial(context.Background(), r.address())
	if err != nil {
		t.Fatalf("the dev server does not answer: %v\n%s", err, r.stderr.String())
	}
	checkSearchAttributesRegistered(t, c)
	if strings.Contains(r.stderr.String(), "registering the search attributes") {
		t.Errorf("the dev server's flags did not register every search attribute:\n%s", r.stderr.String())
	}
	token, err := os.ReadFile(filepath.Join(o.Data, "codec-token"))
	if err != nil {
		t.Fatal(err)
	}
	checkCodecServer(t, o, strings.TrimSpace(string(token)))
	checkUICodecEndpoint(t, o, strings.TrimSpace(string(token)))
	waitForDemoCase(t, c) // the demo driver started it and the worker ran it
	checkFeedbackPage(t, feedback)
	for _, f := range []string{"codec-keys", "codec-token", "temporal.db", "temporal.log", "worker.log", "codec.log"} {
		if _, err := os.Stat(filepath.Join(o.Data, f)); err != nil {
			t.Errorf("the data directory lacks %s: %v", f, err)
		}
	}
	keys, _ := os.ReadFile(filepath.Join(o.Data, "codec-keys"))
	c.Close()

	// Ctrl-C: every part stops, last started first, and Run succeeds.
	r.cancel()
	if err := r.wait(t); err != nil {
		t.Errorf("Run after Ctrl-C: %v\n%s", err, r.stderr.String())
	}
	r.checkGone(t)
	order := []string{"stopping the demo driver", "stopping the worker", "stopping the Temporal dev server", "stopping the codec server"}
	last := -1
	for _, s := range order {
		i := strings.Index(r.stderr.String(), s)
		if i < 0 || i < last {
			t.Errorf("want %q, in this order:\n%s", order, r.stderr.String())
			break
		}
		last = i
	}

	// Ctrl-C to the command itself, as make run has it: bin/ehc dev on the
	// same state carries on, and SIGINT stops every part of it.
	interruptCommand(t, o)

	// Again on the same state: the same key, the demo case carries on.
	r = startStack(t, o)
	if now, _ := os.ReadFile(filepath.Join(o.Data, "codec-keys")); !bytes.Equal(now, keys) || strings.Contains(r.stderr.String(), "made a") {
		t.Errorf("the second run made new secrets:\n%s", r.stderr.String())
	}
	c2, err := dial(context.Background(), r.address())
	if err != nil {
		t.Fatalf("the dev server does not answer again: %v", err)
	}
	waitForDemoCase(t, c2)
	c2.Close()

	// The worker dies: the rest stops, and Run says so.
	if err := syscall.Kill(r.pid("the worker"), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := r.wait(t); err == nil || !strings.Contains(err.Error(), "the worker stopped") {
		t.Errorf("Run after the worker died: %v", err)
	}
	r.checkGone(t)
	for _, s := range []string{"the worker stopped (signal: killed); stopping the rest", "stopping the Temporal dev server", "stopping the codec server"} {
		if !strings.Contains(r.stderr.String(), s) {
			t.Errorf("stderr lacks %q:\n%s", s, r.stderr.String())
		}
	}
}

// interruptCommand runs bin/ehc dev with o's flags until the demo case
// carries on, sends it SIGINT, and fails unless it exits 0 with every child
// of it gone.
func interruptCommand(t *testing.T, o Options) {
	t.Helper()
	cmd := exec.Command(filepath.Join(o.Bin, "ehc"), "dev", "--data", o.Data, "--bin", o.Bin, "--temporal-cli", o.TemporalCLI,
		"--port", strconv.Itoa(o.Port), "--ui-port", strconv.Itoa(o.UIPort), "--codec-port", strconv.Itoa(o.CodecPort))
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); close(exited) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-exited }) // a no-op once it has exited
	var children []int
	for deadline := time.Now().Add(3 * time.Minute); len(children) < 4; time.Sleep(250 * time.Millisecond) {
		select {
		case err := <-exited:
			t.Fatalf("bin/ehc dev exited (%v) before its 4 children had started:\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("bin/ehc dev: %d children after 3 minutes:\n%s", len(children), out.String())
		}
		children = childPIDs(t, cmd.Process.Pid)
	}
	c, err := dial(context.Background(), fmt.Sprintf("127.0.0.1:%d", o.Port))
	if err != nil {
		t.Fatalf("the dev server does not answer: %v\n%s", err, out.String())
	}
	defer c.Close()
	waitForDemoCase(t, c)

	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("bin/ehc dev after SIGINT: %v\n%s", err, out.String())
		}
	case <-time.After(2 * time.Minute):
		t.Fatalf("bin/ehc dev had not exited 2 minutes after SIGINT:\n%s", out.String())
	}
	for _, pid := range children {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("child %d of bin/ehc dev is still there: kill 0 gave %v", pid, err)
		}
	}
}

// childPIDs are the processes whose parent is pid (Linux /proc).
func childPIDs(t *testing.T, pid int) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var kids []int
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // not a process, or gone
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(pid) {
			k, _ := strconv.Atoi(e.Name())
			kids = append(kids, k)
		}
	}
	return kids
}

// run is one Run of the stack in the background.
type run struct {
	o      Options
	cancel context.CancelFunc
	done   chan error
	stderr *syncBuffer

	mu   sync.Mutex
	pids map[string]int
}

// startStack runs the stack until its demo driver has started.
func startStack(t *testing.T, o Options) *run {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &run{o: o, cancel: cancel, done: make(chan error, 1), stderr: &syncBuffer{}, pids: map[string]int{}}
	demo := make(chan struct{})
	o.Stdout, o.Stderr = &syncBuffer{}, r.stderr
	o.started = func(name string, pid int) {
		r.mu.Lock()
		r.pids[name] = pid
		r.mu.Unlock()
		if name == "the demo driver" {
			close(demo)
		}
	}
	go func() { r.done <- Run(ctx, o) }()
	t.Cleanup(func() { cancel(); <-r.done }) // whatever happens, nothing is left running
	select {
	case <-demo:
		return r
	case err := <-r.done:
		r.done <- err
		t.Fatalf("Run ended before the demo started: %v\n%s", err, r.stderr.String())
	case <-time.After(3 * time.Minute):
		t.Fatalf("the demo had not started in 3 minutes:\n%s", r.stderr.String())
	}
	return nil
}

func (r *run) address() string { return "127.0.0.1:" + strconv.Itoa(r.o.Port) }

func (r *run) pid(name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pids[name]
}

// wait returns Run's error, once it has returned.
func (r *run) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		r.done <- err // for the cleanup
		return err
	case <-time.After(2 * time.Minute):
		t.Fatalf("Run had not returned in 2 minutes:\n%s", r.stderr.String())
		return nil
	}
}

// checkGone fails unless all four children were started and are gone.
func (r *run) checkGone(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, name := range []string{"the codec server", "the Temporal dev server", "the worker", "the demo driver"} {
		pid, ok := r.pids[name]
		if !ok {
			t.Errorf("%s was never started", name)
			continue
		}
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("%s (pid %d) is still there: kill 0 gave %v", name, pid, err)
		}
	}
}

func checkSearchAttributesRegistered(t *testing.T, c client.Client) {
	t.Helper()
	resp, err := c.OperatorService().ListSearchAttributes(context.Background(), &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range search.Attributes() {
		if got, ok := resp.GetCustomAttributes()[k.GetName()]; !ok || got != k.GetValueType() {
			t.Errorf("search attribute %s: registered %v (%v), want %v", k.GetName(), ok, got, k.GetValueType())
		}
	}
}

// checkCodecServer: it decodes for the token only, and lets the UI's
// origin call it.
func checkCodecServer(t *testing.T, o Options, token string) {
	t.Helper()
	base := fmt.Sprintf("http://127.0.0.1:%d/", o.CodecPort)
	for _, c := range []struct {
		what, path string
		want       int
	}{{"the token", token + "/decode", http.StatusOK}, {"another token", "wrong-token/decode", http.StatusUnauthorized}} {
		resp, err := http.Post(base+c.path, "application/json", strings.NewReader(`{"payloads":[]}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("decode with %s: %s, want %d", c.what, resp.Status, c.want)
		}
	}
	origin := fmt.Sprintf("http://localhost:%d", o.UIPort)
	req, _ := http.NewRequest(http.MethodOptions, base+token+"/decode", nil)
	req.Header.Set("Origin", origin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != origin {
		t.Errorf("preflight from the UI's origin %s: %s, allowed %q", origin, resp.Status, resp.Header.Get("Access-Control-Allow-Origin"))
	}
}

// checkUICodecEndpoint: the dev server's UI decodes through the codec
// server, the token in the endpoint's path.
func checkUICodecEndpoint(t *testing.T, o Options, token string) {
	t.Helper()
	want := fmt.Sprintf("http://127.0.0.1:%d/%s", o.CodecPort, token)
	var got string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/api/v1/settings", o.UIPort))
		if err != nil {
			continue
		}
		var settings struct{ Codec struct{ Endpoint string } }
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if json.Unmarshal(b, &settings) == nil && settings.Codec.Endpoint != "" {
			got = settings.Codec.Endpoint
			break
		}
	}
	if got != want {
		t.Errorf("the UI's codec endpoint is %q, want the codec server with its token", got)
	}
}

// waitForDemoCase waits until the demo case DEMO-1 exists and a workflow
// task of it has completed: the demo driver reached the dev server, and the
// worker ran the case with the stack's key.
func waitForDemoCase(t *testing.T, c client.Client) {
	t.Helper()
	id := assessment.WorkflowID("DEMO-1")
	var last error
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(time.Second) {
		it := c.GetWorkflowHistory(context.Background(), id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				last = err
				break
			}
			switch e.GetEventType() {
			case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
				return
			case enumspb.EVENT_TYPE_WORKFLOW_TASK_FAILED:
				last = fmt.Errorf("a workflow task failed: %v", e.GetWorkflowTaskFailedEventAttributes().GetCause())
			}
		}
	}
	t.Fatalf("%s: no workflow task completed in 2 minutes (%v)", id, last)
}

// freePorts are n distinct loopback ports nothing listens on.
// checkFeedbackPage: the demo's letters ask families the feedback question,
// so the worker serves its page; a link it did not sign is refused.
func checkFeedbackPage(t *testing.T, addr string) {
	t.Helper()
	r, err := http.Get("http://" + addr + "/feedback?t=not.signed&a=4")
	if err != nil {
		t.Errorf("the worker does not serve the feedback page: %v", err)
		return
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "not one we sent") {
		t.Errorf("an unsigned feedback link: %d\n%s", r.StatusCode, b)
	}
}

func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close() // held until all are chosen, so they differ
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports
}

// syncBuffer is a bytes.Buffer that a child's output and a test may use at
// once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
