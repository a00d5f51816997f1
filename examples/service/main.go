// Command service is clvkit behind HTTP on PostgreSQL: a small,
// production-shaped program to copy. It stores transactions, fits BG/NBD
// and Gamma-Gamma on them on request, keeps every model version with its
// fit report, and answers per customer what they are worth, whether they
// are still alive, where they are in their life with us and what to offer
// them.
//
// Usage:
//
//	CLVKIT_TOKEN=… go run . -db postgres://user@host/db -addr 127.0.0.1:8080
//	    [-tz ZONE] [-max-body BYTES] [-max-rows N] [-max-row-bytes BYTES] [-log-level debug|info|warn]
//
// The write token comes from CLVKIT_TOKEN (or -token, which other users of
// the machine can read in the process list); the service refuses to start
// without one of at least 16 characters. Schema migrations are embedded and
// applied at start.
//
// Endpoints:
//
//	POST /v1/transactions                    text/csv or JSON array; bearer token; {"inserted":N,"duplicates":M}
//	POST /v1/refit?as_of=YYYY-MM-DD&unit=week bearer token; fits and stores a new model version
//	GET  /v1/models/current                  the current models, clvtool's JSON under "purchase" and "spend"
//	GET  /v1/customers/{id}                  the customer view as of the model's date
//	GET  /v1/customers?order=clv&limit=N     the N most valuable customers
//	GET  /healthz                            the database answers
//
// A batch is stored whole or not at all; a row whose transaction_id is
// already stored counts as a duplicate and is not stored twice, so a client
// that lost an answer sends the batch again. The customer view is an
// immutable snapshot of one model version, swapped atomically after a
// refit: a reader sees the old version or the new one, never a mix.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "service:", err)
		}
		os.Exit(2)
	}
}

// minToken is the shortest write token accepted.
const minToken = 16

// run serves until ctx is done, then shuts down gracefully.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("service", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dsn := fs.String("db", "", "PostgreSQL connection string, postgres://… or key=value (required)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	token := fs.String("token", "", "write token (default $CLVKIT_TOKEN)")
	tz := fs.String("tz", "UTC", "IANA time zone of dates and calendar days")
	maxBody := fs.Int64("max-body", 64<<20, "largest request body in bytes")
	maxRows := fs.Int("max-rows", 1_000_000, "most transactions in one batch")
	maxRowBytes := fs.Int("max-row-bytes", 4<<10, "longest CSV row or JSON element in bytes")
	level := fs.String("log-level", "info", "log level: debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dsn == "" {
		return errors.New("-db is required")
	}
	if *token == "" {
		*token = getenv("CLVKIT_TOKEN")
	}
	if len(*token) < minToken {
		return fmt.Errorf("no write token of at least %d characters: set CLVKIT_TOKEN (or -token)", minToken)
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return fmt.Errorf("-tz: %w", err)
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lv}))

	store, err := OpenStore(ctx, *dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	srv := NewServer(store, *token, ServerOptions{Location: loc, Log: log,
		Limits: Limits{MaxBody: *maxBody, MaxRows: *maxRows, MaxRowBytes: *maxRowBytes}})
	if err := srv.Load(ctx); err != nil {
		return fmt.Errorf("loading the current model: %w", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // a large batch on a slow link
		WriteTimeout:      10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("listening", "addr", ln.Addr().String())
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return hs.Shutdown(sctx)
}
