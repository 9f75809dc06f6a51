package storage_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/platformbot/platformbot/storage"
)

func TestIsUnavailable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// Nothing listens on port 1: a real connection error from pgx.
	_, err := storage.Open(ctx, "postgres://postgres@127.0.0.1:1/test?sslmode=disable&connect_timeout=2", storage.Options{})
	if err == nil {
		t.Fatal("Open of a closed port succeeded")
	}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", err, true},
		{"wrapped", fmt.Errorf("selfservice: list: %w", err), true},
		{"deadline", context.DeadlineExceeded, true},
		{"plain bug", errors.New("column does not exist"), false},
		{"nil", nil, false},
	} {
		if got := storage.IsUnavailable(tc.err); got != tc.want {
			t.Errorf("%s: IsUnavailable(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
