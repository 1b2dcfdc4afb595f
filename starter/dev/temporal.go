package dev

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"

	"github.com/ehc-send/ehc/workflows/search"
)

// namespace is the dev server's, where the stack's cases run.
const namespace = "default"

// The dev server is started here, not with the SDK's testsuite.DevServer:
// that keeps its process to itself, so its death could not be noticed, its
// Stop waits without bound, and a server that never answers is left
// running. The stack needs all three.

// startTemporal starts the pinned CLI's dev server, with its state in the
// data directory and its UI decoding through the codec server, and waits
// until it answers with every search attribute the workflows set. A server
// already answering at the address is used instead; then server is nil.
func (s *stack) startTemporal(ctx context.Context, token string) (server *proc, err error) {
	if c, err := dial(ctx, s.address()); err == nil {
		defer c.Close()
		s.say("a Temporal server is already answering at %s; using it", s.address())
		if err := checkSearchAttributes(ctx, c, s.address()); err != nil {
			return nil, err
		}
		s.say("its UI decodes payloads only if it was started with --ui-codec-endpoint http://%s/$(cat %s)", s.codecAddr(), s.token)
		return nil, nil
	} else if ctx.Err() != nil {
		return nil, ctx.Err()
	}

	attrs, err := searchAttributeFlags(search.Attributes())
	if err != nil {
		return nil, err
	}
	args := append([]string{"server", "start-dev",
		"--ip", ip, "--port", strconv.Itoa(s.Port), "--ui-port", strconv.Itoa(s.UIPort),
		"--ui-codec-endpoint", "http://" + s.codecAddr() + "/" + token,
		"--db-filename", filepath.Join(s.Data, "temporal.db"),
		"--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal",
		"--dynamic-config-value", "matching.useNewMatcher=true", // task priority (assessment.BulkPriority)
		"--log-level", "warn",
	}, attrs...)
	s.say("starting the Temporal dev server at %s (UI %s, log %s)", s.address(), s.uiURL(), s.serverLog)
	server, err = s.start("the Temporal dev server", serverGrace, s.serverLog, false, s.baseEnv(), s.TemporalCLI, args...)
	if err != nil {
		return nil, err
	}
	server.tailLines = 20

	var c client.Client
	err = waitUntil(ctx, server, 500*time.Millisecond, time.Minute, func() bool {
		var dialErr error
		c, dialErr = dial(ctx, s.address())
		return dialErr == nil
	})
	switch {
	case errors.Is(err, errExited):
		s.say("the dev server exited (%v); the end of %s:", server.err, s.serverLog)
		tail(s.Stderr, s.serverLog, server.tailLines)
		return nil, fmt.Errorf("the Temporal dev server exited: %v", server.err)
	case errors.Is(err, errTimeout):
		s.say("the dev server did not answer within a minute; the end of %s:", s.serverLog)
		tail(s.Stderr, s.serverLog, server.tailLines)
		return nil, errors.New("the Temporal dev server did not answer within a minute")
	case err != nil:
		return nil, err
	}
	defer c.Close()
	if err := s.addSearchAttributes(ctx, c); err != nil {
		return nil, err
	}
	s.say("dev server ready; its UI decodes payloads through the codec server")
	return server, nil
}

// searchAttributeFlags are the CLI's --search-attribute flags registering
// keys, each as Name=Type.
func searchAttributeFlags(keys []temporal.SearchAttributeKey) ([]string, error) {
	var args []string
	for _, k := range keys {
		t := k.GetValueType()
		if _, known := enumspb.IndexedValueType_name[int32(t)]; !known || t == enumspb.INDEXED_VALUE_TYPE_UNSPECIFIED {
			return nil, fmt.Errorf("search attribute %s has no type the dev server knows (%v)", k.GetName(), t)
		}
		args = append(args, "--search-attribute", k.GetName()+"="+t.String()) // String is the CLI's name: Keyword, Bool, Datetime
	}
	return args, nil
}

// lackingSearchAttributes lists the search attributes the workflows set
// that the server lacks, or has with another type.
func lackingSearchAttributes(ctx context.Context, c client.Client) ([]temporal.SearchAttributeKey, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return nil, fmt.Errorf("listing the Temporal server's search attributes: %w", err)
	}
	var lacking []temporal.SearchAttributeKey
	for _, k := range search.Attributes() {
		if t, ok := resp.GetCustomAttributes()[k.GetName()]; !ok || t != k.GetValueType() {
			lacking = append(lacking, k)
		}
	}
	return lacking, nil
}

// checkSearchAttributes fails unless a server not ours has every search
// attribute the workflows set, saying how to register what it lacks.
func checkSearchAttributes(ctx context.Context, c client.Client, address string) error {
	lacking, err := lackingSearchAttributes(ctx, c)
	if err != nil || len(lacking) == 0 {
		return err
	}
	var names, fix []string
	for _, k := range lacking {
		names = append(names, k.GetName()+" ("+k.GetValueType().String()+")")
		fix = append(fix, fmt.Sprintf("  temporal operator search-attribute create --address %s --namespace %s --name %s --type %s",
			address, namespace, k.GetName(), k.GetValueType()))
	}
	return fmt.Errorf("it lacks the EHC search attributes %s; stop it, or register them:\n%s",
		strings.Join(names, ", "), strings.Join(fix, "\n"))
}

// addSearchAttributes registers on our own dev server what its state
// lacks: the CLI registers its --search-attribute flags only when it makes
// the namespace, so state from before a search attribute was added lacks it.
func (s *stack) addSearchAttributes(ctx context.Context, c client.Client) error {
	lacking, err := lackingSearchAttributes(ctx, c)
	if err != nil || len(lacking) == 0 {
		return err
	}
	req := &operatorservice.AddSearchAttributesRequest{Namespace: namespace, SearchAttributes: map[string]enumspb.IndexedValueType{}}
	var names []string
	for _, k := range lacking {
		req.SearchAttributes[k.GetName()] = k.GetValueType()
		names = append(names, k.GetName())
	}
	s.say("registering the search attributes %s, which the dev server's state lacks", strings.Join(names, ", "))
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := c.OperatorService().AddSearchAttributes(ctx, req); err != nil {
		return fmt.Errorf("registering the search attributes %s: %w", strings.Join(names, ", "), err)
	}
	return nil
}

// dial connects to the Temporal server at address if it answers within two
// seconds. Each attempt has a connection of its own: one that has failed
// waits longer and longer before it tries again.
func dial(ctx context.Context, address string) (client.Client, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	c, err := client.DialContext(ctx, client.Options{HostPort: address, Namespace: namespace,
		Logger: log.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		return nil, err
	}
	if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

var (
	errExited  = errors.New("exited")
	errTimeout = errors.New("timed out")
)

// waitUntil asks ready every interval until it holds; it gives up when p
// exits (errExited), ctx ends, or limit passes (errTimeout).
func waitUntil(ctx context.Context, p *proc, every, limit time.Duration, ready func() bool) error {
	deadline := time.Now().Add(limit)
	for !ready() {
		if time.Now().After(deadline) {
			return errTimeout
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-p.done:
			return errExited
		case <-time.After(every):
		}
	}
	return nil
}
