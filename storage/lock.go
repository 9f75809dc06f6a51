package storage

import (
	"errors"
	"fmt"

	"github.com/gofrs/flock"
)

// ErrLocked is returned when another platformbot process already uses the
// same SQLite file: SQLite cannot be shared by replicas, and two schedulers on
// one file would send every survey twice.
var ErrLocked = errors.New("storage: the SQLite database is in use by another platformbot process; run one replica on SQLite, or use PostgreSQL (DATABASE_URL=postgres://…) for several")

// lockFile takes an exclusive, non-blocking lock on a file beside the
// database (PATH.lock), with flock on Unix and LockFileEx on Windows. A file
// of its own keeps the lock clear of SQLite's own locks on the database
// file (on Windows both are byte-range locks). The operating system drops
// the lock when the process dies, so a crash never leaves a stale lock; the
// empty file itself stays.
func lockFile(path string) (func(), error) {
	l := flock.New(path + ".lock")
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("storage: lock %s: %w", path, err)
	}
	if !ok {
		return nil, ErrLocked
	}
	return func() { _ = l.Unlock() }, nil
}
