package bot

import (
	"context"
	"errors"
	"sync"
)

type deferKey struct{}

type deferred struct {
	mu  sync.Mutex
	fns []func(context.Context) error
}

// Defer schedules fn to run once the request being handled has been acked
// and answered, so that slow side effects deep in a call — DMs to other
// people, say — never hold up the ack. Outside a request (a scheduled job,
// a test) fn runs at once and its error is returned.
func Defer(ctx context.Context, fn func(context.Context) error) error {
	d, ok := ctx.Value(deferKey{}).(*deferred)
	if !ok {
		return fn(ctx)
	}
	d.mu.Lock()
	d.fns = append(d.fns, fn)
	d.mu.Unlock()
	return nil
}

// WithDeferral returns a context whose Defer calls are collected, and a
// function that runs them in order and joins their errors. The runtime and
// the console call it around each request.
func WithDeferral(ctx context.Context) (context.Context, func(context.Context) error) {
	d := &deferred{}
	return context.WithValue(ctx, deferKey{}, d), func(ctx context.Context) error {
		d.mu.Lock()
		fns := d.fns
		d.fns = nil
		d.mu.Unlock()
		var errs []error
		for _, fn := range fns {
			errs = append(errs, fn(ctx))
		}
		return errors.Join(errs...)
	}
}
