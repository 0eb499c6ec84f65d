package main

// Why this file exists: FerretDB v1 (SQLite backend) keeps each collection in a table with
// one JSON column, `_ferretdb_sjson`, and gives it the unique index `_id_` on the
// expression `_ferretdb_sjson->"_id"` (metadata/registry.go, indexesCreate). But the
// queries it sends for a filter that is exactly `{_id: value}` (find, and the update and
// delete by `_id` that follow it) compare `_ferretdb_sjson->'$._id'` (metadata.IDColumn,
// collection.go). SQLite uses an expression index only for the very same expression, so
// every `_id` lookup scanned the whole table: its cost grew with the collection. We add,
// beside FerretDB's own index, one on exactly the expression its queries use. FerretDB
// does not know this index (it lists only the indexes in its metadata), dropping the
// collection drops it with the table, and it is made again for a table made again.

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB uses; registered as "sqlite"
)

// idIndexSuffix names our index after its table, as FerretDB names its own (`<table>_<index name>`);
// a MongoDB index name containing this would be very odd.
const idIndexSuffix = "__gatehouse_id_path"

// The expression FerretDB's `_id` queries compare (metadata.IDColumn); the index must use it verbatim.
const idExpression = `_ferretdb_sjson->'$._id'`

// ensureIDIndexes gives every collection table of every database file under dir the index
// on idExpression. Errors are logged, not returned: without the index FerretDB is slower,
// not wrong.
func ensureIDIndexes(ctx context.Context, dir string, logger *slog.Logger) {
	files, err := filepath.Glob(filepath.Join(dir, "*.sqlite"))
	if err != nil {
		logger.WarnContext(ctx, "listing database files for _id indexes", slog.String("error", err.Error()))
		return
	}
	for _, file := range files {
		if err := ensureIDIndexesIn(ctx, file, logger); err != nil {
			if ctx.Err() != nil {
				return // stopping: not a fault
			}
			logger.WarnContext(ctx, "creating _id indexes", slog.String("file", file), slog.String("error", err.Error()))
		}
	}
}

func ensureIDIndexesIn(ctx context.Context, file string, logger *slog.Logger) error {
	// mode=rw: never create a file FerretDB has just dropped. The connection is opened and
	// closed at each sweep, never kept: FerretDB removes a dropped database's file after
	// closing its own connections, and a connection of ours kept open on it would keep its
	// WAL alive past the drop (Gatehouse itself never drops a database of the embedded one).
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	rows, err := db.QueryContext(ctx, `SELECT table_name FROM _ferretdb_collections
		WHERE NOT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = table_name || ?)`, idIndexSuffix)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return nil // a database FerretDB is creating right now; the next sweep sees it
		}
		return err
	}
	var tables []string
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, table)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	for _, table := range tables {
		started := time.Now()
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (%s)`, table+idIndexSuffix, table, idExpression)
		if _, err := db.ExecContext(ctx, q); err != nil {
			if strings.Contains(err.Error(), "no such table") {
				continue // dropped meanwhile
			}
			return err
		}
		logger.DebugContext(ctx, "created _id index", slog.String("file", filepath.Base(file)), slog.String("table", table),
			slog.Duration("took", time.Since(started)))
	}
	return nil
}

// sweepIDIndexes runs ensureIDIndexes every `every` until ctx ends. Collections are made
// lazily (the first insert or createIndex), after FerretDB has started, so one sweep at
// start is not enough; until the next sweep a new collection is small and scanning it costs little.
func sweepIDIndexes(ctx context.Context, dir string, every time.Duration, logger *slog.Logger) {
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			ensureIDIndexes(ctx, dir, logger)
		}
	}
}
