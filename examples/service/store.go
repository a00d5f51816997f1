package main

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Advisory lock keys (any constants unique to this service). Ingests hold
// ingestLock shared for their whole transaction; a refit takes it
// exclusively for a moment to read a watermark below which every
// transaction has committed. migrateLock serialises instances starting at
// once.
const (
	ingestLock  = 0x636c766b_01
	migrateLock = 0x636c766b_02
)

// Store is the service's PostgreSQL database. Every statement is a
// constant with parameters; nothing from a request is ever spliced into SQL.
type Store struct {
	pool *pgxpool.Pool
}

// OpenStore connects to the database and applies the embedded migrations
// that it has not applied yet.
func OpenStore(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("-db: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	s := &Store{pool: pool}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the pool.
func (s *Store) Close() { s.pool.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// migrate applies the migrations/NNNN_name.sql not applied yet, in order,
// recording each, in one transaction under an advisory lock: instances
// starting at once wait for each other, and a crash leaves none half done.
func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrateLock); err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		for _, name := range names {
			base := strings.TrimPrefix(name, "migrations/")
			num, _, _ := strings.Cut(base, "_")
			version, err := strconv.Atoi(num)
			if err != nil {
				return fmt.Errorf("migration %s: name must start with a number", base)
			}
			var done bool
			if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)", version).Scan(&done); err != nil {
				return fmt.Errorf("migration %s: %w", base, err)
			}
			if done {
				continue
			}
			body, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			// No arguments: pgx sends the file with the simple protocol,
			// which runs several statements.
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", base, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", version, base); err != nil {
				return fmt.Errorf("migration %s: %w", base, err)
			}
		}
		return nil
	})
}

// Ingest stores a batch in one transaction: all of it or, on any error,
// none. Rows whose transaction_id is already stored (or repeated within
// the batch) are counted as duplicates and not stored again.
func (s *Store) Ingest(ctx context.Context, rows []row) (inserted, duplicates int64, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock_shared($1)", ingestLock); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE incoming (
			seq integer, customer_id text, time timestamptz, amount numeric,
			product text, channel text, transaction_id text) ON COMMIT DROP`); err != nil {
			return err
		}
		src := pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
			r := rows[i]
			var tid any
			if r.transactionID != "" {
				tid = r.transactionID
			}
			amount := pgtype.Numeric{Int: r.amount.Coefficient(), Exp: r.amount.Exponent(), Valid: true}
			return []any{int32(i), r.customer, r.time, amount, r.product, r.channel, tid}, nil
		})
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"incoming"},
			[]string{"seq", "customer_id", "time", "amount", "product", "channel", "transaction_id"}, src); err != nil {
			return err
		}
		// In transaction_id order: batches sharing IDs then wait for each
		// other in one order, never in a cycle (a deadlock).
		tag, err := tx.Exec(ctx, `INSERT INTO transactions (customer_id, time, amount, product, channel, transaction_id)
			SELECT customer_id, time, amount, product, channel, transaction_id FROM incoming
			ORDER BY transaction_id, seq
			ON CONFLICT (transaction_id) DO NOTHING`)
		if err != nil {
			return err
		}
		inserted = tag.RowsAffected()
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return inserted, int64(len(rows)) - inserted, nil
}

// Watermark returns the largest transaction ID such that every transaction
// with an ID up to it has committed or rolled back: it waits for the
// ingests in flight, and later ones draw larger IDs.
func (s *Store) Watermark(ctx context.Context) (int64, error) {
	var id int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", ingestLock); err != nil {
			return err
		}
		return tx.QueryRow(ctx, "SELECT coalesce(max(id), 0) FROM transactions").Scan(&id)
	})
	return id, err
}

// Purchases returns the transactions with an ID up to through and a time
// before before, in ID order.
func (s *Store) Purchases(ctx context.Context, through int64, before time.Time) ([]clv.Purchase, error) {
	rows, err := s.pool.Query(ctx, `SELECT customer_id, time, amount::text, product, channel
		FROM transactions WHERE id <= $1 AND time < $2 ORDER BY id`, through, before)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ps []clv.Purchase
	for rows.Next() {
		var p clv.Purchase
		var amount string
		if err := rows.Scan(&p.Customer, &p.Time, &amount, &p.Product, &p.Channel); err != nil {
			return nil, err
		}
		if p.Amount, err = decimal.NewFromString(amount); err != nil {
			return nil, fmt.Errorf("stored amount %q: %w", amount, err)
		}
		p.Time = p.Time.UTC()
		ps = append(ps, p)
	}
	return ps, rows.Err()
}

// ModelRecord is one stored version of the models.
type ModelRecord struct {
	Version      int64
	AsOf         string // YYYY-MM-DD
	Unit         clv.Unit
	ThroughID    int64
	Customers    int
	Transactions int64
	// Purchase and Spend are clv.MarshalModel's JSON, with fit reports.
	Purchase, Spend json.RawMessage
	FittedAt        time.Time
}

// SaveModel stores rec as a new version and returns it with its version
// and time.
func (s *Store) SaveModel(ctx context.Context, rec ModelRecord) (ModelRecord, error) {
	err := s.pool.QueryRow(ctx, `INSERT INTO models (as_of, unit, through_id, customers, transactions, purchase, spend)
		VALUES ($1::date, $2, $3, $4, $5, $6::json, $7::json) RETURNING version, fitted_at`,
		rec.AsOf, rec.Unit.String(), rec.ThroughID, rec.Customers, rec.Transactions, string(rec.Purchase), string(rec.Spend),
	).Scan(&rec.Version, &rec.FittedAt)
	rec.FittedAt = rec.FittedAt.UTC()
	return rec, err
}

// errNoModel reports that no model has been fitted yet.
var errNoModel = errors.New("no model fitted yet: POST /v1/refit")

// CurrentModel returns the latest version, or errNoModel.
func (s *Store) CurrentModel(ctx context.Context) (ModelRecord, error) {
	var rec ModelRecord
	var unit, purchase, spend string
	err := s.pool.QueryRow(ctx, `SELECT version, as_of::text, unit, through_id, customers, transactions,
		purchase::text, spend::text, fitted_at FROM models ORDER BY version DESC LIMIT 1`).Scan(
		&rec.Version, &rec.AsOf, &unit, &rec.ThroughID, &rec.Customers, &rec.Transactions, &purchase, &spend, &rec.FittedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return ModelRecord{}, errNoModel
	}
	if err != nil {
		return ModelRecord{}, err
	}
	if rec.Unit, err = clv.ParseUnit(unit); err != nil {
		return ModelRecord{}, fmt.Errorf("model version %d: %w", rec.Version, err)
	}
	rec.Purchase, rec.Spend, rec.FittedAt = json.RawMessage(purchase), json.RawMessage(spend), rec.FittedAt.UTC()
	return rec, nil
}
