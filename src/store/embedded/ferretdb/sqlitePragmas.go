package main

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"modernc.org/sqlite"
)

// synchronousPragma is the `_pragma` query parameter of the SQLite URL for -synchronous.
// FerretDB adds busy_timeout, journal_mode(wal) and auto_vacuum(none) itself
// (metadata/pool/uri.go) and keeps the parameters we give for every database file it opens.
// In WAL mode, NORMAL syncs at checkpoints, not at each commit: a power cut (not a crash
// of the process) can lose the last commits, never corrupt the file. FULL syncs every commit.
func synchronousPragma(synchronous string) (string, error) {
	switch synchronous {
	case "normal", "full":
		return "synchronous(" + synchronous + ")", nil
	default:
		return "", fmt.Errorf("synchronous %q: must be normal or full", synchronous)
	}
}

// logConnectionPragmas logs, at debug level, the journal mode and synchronous setting of
// every SQLite connection FerretDB opens, so that what the URL asked for can be seen to hold.
func logConnectionPragmas(logger *slog.Logger) {
	if !logger.Enabled(context.Background(), slog.LevelDebug) {
		return
	}
	sqlite.RegisterConnectionHook(func(conn sqlite.ExecQuerierContext, dsn string) error {
		if strings.Contains(dsn, "mode=rw") {
			return nil // one of our short index sweeps (idIndexes.go), not a connection of FerretDB
		}
		journal, err := pragma(conn, "journal_mode")
		if err != nil {
			return err
		}
		synchronous, err := pragma(conn, "synchronous")
		if err != nil {
			return err
		}
		logger.Debug("sqlite connection", slog.String("dsn", dsn), slog.String("journal_mode", journal),
			slog.String("synchronous", synchronous))
		return nil
	})
}

// pragma reads one PRAGMA on a raw driver connection; synchronous comes back as a number (1 NORMAL, 2 FULL).
func pragma(conn sqlite.ExecQuerierContext, name string) (string, error) {
	rows, err := conn.QueryContext(context.Background(), "PRAGMA "+name, nil)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	values := make([]driver.Value, len(rows.Columns()))
	if err := rows.Next(values); err != nil && err != io.EOF {
		return "", err
	}
	return fmt.Sprint(values[0]), nil
}
