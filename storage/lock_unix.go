package storage

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// ErrLocked is returned when another platformbot process already uses the
// same SQLite file: SQLite cannot be shared by replicas, and two schedulers on
// one file would send every survey twice.
var ErrLocked = errors.New("storage: the SQLite database is in use by another platformbot process; run one replica on SQLite, or use PostgreSQL (DATABASE_URL=postgres://…) for several")

// lockFile takes an exclusive, non-blocking flock on the database file
// itself. SQLite locks with fcntl, which on Linux is independent of flock, so
// the two do not interfere; the kernel drops the flock when the process
// dies, so a crash never leaves a stale lock.
func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("storage: lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, ErrLocked
		}
		return nil, fmt.Errorf("storage: lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
