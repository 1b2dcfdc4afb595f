// Command ehc-codec is the codec server: it lets the Temporal UI (and the
// temporal CLI's --codec-endpoint) show the encrypted payloads of EHC
// workflows decrypted, for those who hold its token. It only wires things
// together: configuration from flags and the environment (see package
// config: the payload keys, EHC_CODEC_ADDR, EHC_CODEC_TOKEN and
// EHC_CODEC_UI_ORIGINS), codec.Handler, and an HTTP server until SIGINT or
// SIGTERM.
//
// It logs no request: a request's path can hold the token and its body
// children's data.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ehc-send/ehc/config"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ehc-codec:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := config.FromCommandLine()
	if err != nil {
		return err
	}
	if cfg.Codec.Token == "" {
		return errors.New("EHC_CODEC_TOKEN is required (or -codec-token): the codec server decrypts children's data for whoever calls it, so it never runs open")
	}
	pc, err := cfg.PayloadCodec()
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.SlogLevel()}))

	ln, err := net.Listen("tcp", cfg.Codec.Addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("%s (EHC_CODEC_ADDR) is already in use: another ehc-codec may be running; stop it or set another address", cfg.Codec.Addr)
		}
		return fmt.Errorf("listening on %s (EHC_CODEC_ADDR): %w", cfg.Codec.Addr, err)
	}
	srv := &http.Server{
		Handler:           pc.Handler(cfg.Codec.Token, cfg.Codec.UIOrigins),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	logger.Info("ehc-codec listening", "addr", ln.Addr().String(), "keys", len(cfg.Codec.Keys),
		"ui_origins", cfg.Codec.UIOrigins, "endpoints", "POST /encode, /decode (Authorization: Bearer) or /TOKEN/encode, /TOKEN/decode")

	select {
	case err := <-served:
		return fmt.Errorf("serving on %s: %w", cfg.Codec.Addr, err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("stopping: %w", err)
	}
	logger.Info("ehc-codec stopped")
	return nil
}
