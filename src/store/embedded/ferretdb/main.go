// Command gatehouse-ferretdb runs FerretDB v1 with its SQLite backend as the embedded
// MongoDB-compatible database of Gatehouse. It is started by the Node process (see
// ../startEmbeddedDatabase.ts), prints one line `READY <mongodb uri>` once it accepts
// connections, and exits when its standard input closes, so it never outlives the
// process that started it. Beside FerretDB it keeps an index that makes `_id` lookups
// use one (idIndexes.go) and sets SQLite's synchronous mode (sqlitePragmas.go).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on (port 0 picks a free port)")
	dataDir := flag.String("data", "data/db", "directory of the SQLite files")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn or error")
	synchronous := flag.String("synchronous", "normal", "SQLite synchronous mode: normal (sync at WAL checkpoints) or full (sync at every commit)")
	indexEvery := flag.Duration("index-every", 5*time.Second, "how often to give new collections their _id index")
	flag.Parse()

	if err := run(*listen, *dataDir, *logLevel, *synchronous, *indexEvery); err != nil {
		fmt.Fprintf(os.Stderr, "gatehouse-ferretdb: %s\n", err)
		os.Exit(1)
	}
}

func run(listen, dataDir, logLevel, synchronous string, indexEvery time.Duration) error {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return fmt.Errorf("data directory %q: %w", dataDir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return fmt.Errorf("data directory %q: %w", abs, err)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("log level %q: %w", logLevel, err)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	syncPragma, err := synchronousPragma(synchronous)
	if err != nil {
		return err
	}
	if indexEvery <= 0 {
		return fmt.Errorf("index-every %s: must be positive", indexEvery)
	}
	logConnectionPragmas(logger)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// Before FerretDB opens the files: the collections of earlier runs are indexed (a first
	// run over a large existing database takes a moment here) before anyone queries them.
	ensureIDIndexes(ctx, abs, logger)

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/?_pragma=" + syncPragma,
	})
	if err != nil {
		return err
	}
	go sweepIDIndexes(ctx, abs, indexEvery, logger)

	// The parent holds our stdin open; when it goes away (even by SIGKILL) we stop too.
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()

	fmt.Printf("READY %s\n", f.MongoDBURI())
	<-done
	return nil
}
