package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/glebarez/sqlite"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// migration is one versioned schema change. Each migration declares frozen
// copies of the structs it creates (never the live models), so that old
// migrations keep meaning the same thing as the models evolve; gorm's
// migrator then writes the right DDL for PostgreSQL and SQLite alike.
//
// Version ranges keep features apart: 1–99 foundation (10–19 the directory
// of people), 100–199 self-service, 200–299 office hours, 300–399 surveys,
// 400–499 metrics, 500– replicas, 600–699 preview programs, 700–799 the
// idea board, 850–899 the languages people chose.
type migration struct {
	version int64
	name    string
	up      func(tx *gorm.DB) error
}

// allMigrations lists every migration; order is by version.
func allMigrations() []migration {
	all := slices.Concat(foundationMigrations, peopleMigrations, selfServiceMigrations, officeHoursMigrations, surveyMigrations, metricsMigrations, ideaMigrations, previewMigrations, rollupMigrations, languageMigrations)
	slices.SortFunc(all, func(a, b migration) int { return int(a.version - b.version) })
	return all
}

// Migrate applies pending migrations. On PostgreSQL a session advisory lock
// (held on one pinned connection by goose) makes replicas that start at the
// same time apply each migration once, in order.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("storage: migrate: %w", err)
	}
	return nil
}

// SchemaVersion returns the newest applied migration version.
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	p, err := db.provider()
	if err != nil {
		return 0, err
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: schema version: %w", err)
	}
	return v, nil
}

// PendingMigrations reports how many migrations are not applied yet.
func (db *DB) PendingMigrations(ctx context.Context) (int, error) {
	p, err := db.provider()
	if err != nil {
		return 0, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return 0, fmt.Errorf("storage: migration status: %w", err)
	}
	n := 0
	for _, s := range st {
		if s.State == goose.StatePending {
			n++
		}
	}
	return n, nil
}

func (db *DB) provider() (*goose.Provider, error) {
	opts := []goose.ProviderOption{goose.WithAllowOutofOrder(true), goose.WithDisableGlobalRegistry(true)}
	dialect := goose.DialectSQLite3
	if db.Dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	var gms []*goose.Migration
	for _, m := range allMigrations() {
		up := m.up
		gms = append(gms, goose.NewGoMigration(m.version, &goose.GoFunc{
			RunTx: func(ctx context.Context, tx *sql.Tx) error {
				g, err := db.gormOn(tx)
				if err != nil {
					return err
				}
				return up(g.WithContext(ctx))
			},
		}, nil))
	}
	opts = append(opts, goose.WithGoMigrations(gms...))
	return goose.NewProvider(dialect, db.sql, nil, opts...)
}

// gormOn wraps a transaction in a gorm session of the right dialect.
func (db *DB) gormOn(tx *sql.Tx) (*gorm.DB, error) {
	var d gorm.Dialector = sqlite.Dialector{Conn: tx}
	if db.Dialect == Postgres {
		d = postgres.New(postgres.Config{Conn: tx})
	}
	return gorm.Open(d, &gorm.Config{SkipDefaultTransaction: true, Logger: logger.Discard, TranslateError: true})
}
