package bot

import (
	"context"
	"errors"
	"testing"
)

func TestDefer(t *testing.T) {
	var order []string
	step := func(name string, err error) func(context.Context) error {
		return func(context.Context) error { order = append(order, name); return err }
	}
	if err := Defer(context.Background(), step("now", errors.New("sent at once"))); err == nil || len(order) != 1 {
		t.Fatalf("outside a request Defer must run at once and return the error; got %v, %v", err, order)
	}
	order = nil
	ctx, run := WithDeferral(context.Background())
	Defer(ctx, step("first", nil))
	Defer(ctx, step("second", errors.New("boom")))
	if len(order) != 0 {
		t.Fatalf("deferred work ran early: %v", order)
	}
	if err := run(context.Background()); err == nil || err.Error() != "boom" {
		t.Fatalf("run error = %v, want boom", err)
	}
	if len(order) != 2 || order[0] != "first" || order[1] != "second" {
		t.Fatalf("order = %v", order)
	}
	if err := run(context.Background()); err != nil || len(order) != 2 {
		t.Fatal("deferred work ran twice")
	}
}
