package bot

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeClock is a settable clock for the limiters and the user cache.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestLimitersSpacePostsPerChannel(t *testing.T) {
	clk := newFakeClock()
	l := newLimiters(nil, clk.now)
	delay := func(channel string) time.Duration {
		d, _ := l.reserve("chat.postMessage", channel, clk.now())
		return d
	}
	// Default: a burst of 3, then one per second.
	for i := range 3 {
		if d := delay("C1"); d != 0 {
			t.Fatalf("burst post %d delayed %s", i, d)
		}
	}
	if d := delay("C1"); d != time.Second {
		t.Fatalf("4th post delayed %s, want 1s", d)
	}
	if d := delay("C1"); d != 2*time.Second {
		t.Fatalf("5th post delayed %s, want 2s", d)
	}
	if d := delay("C2"); d != 0 {
		t.Fatalf("another channel delayed %s", d)
	}
	clk.advance(2 * time.Second)
	if d := delay("C1"); d != time.Second {
		t.Fatalf("after 2s, post delayed %s, want 1s", d)
	}
}

func TestLimitersWorkspaceLimit(t *testing.T) {
	clk := newFakeClock()
	l := newLimiters(nil, clk.now)
	// 600/min with a burst of 20 across channels: the 21st waits 100 ms.
	for i := range 20 {
		if d, _ := l.reserve("chat.postMessage", fmt.Sprintf("C%d", i), clk.now()); d != 0 {
			t.Fatalf("post %d delayed %s", i, d)
		}
	}
	if d, _ := l.reserve("chat.postMessage", "C99", clk.now()); d != 100*time.Millisecond {
		t.Fatalf("21st post delayed %s, want 100ms", d)
	}
}

func TestLimitersTiersAndOverrides(t *testing.T) {
	clk := newFakeClock()
	l := newLimiters(map[string]Limit{"users.info": {}, "custom.method": {PerMinute: 6, Burst: 1}}, clk.now)
	drain := func(method string, n int) time.Duration {
		var d time.Duration
		for range n {
			d, _ = l.reserve(method, "", clk.now())
		}
		return d
	}
	// usergroups.users.list is Tier 2 (20/min, burst 2): the 3rd call waits 3 s.
	if d := drain("usergroups.users.list", 3); d != 3*time.Second {
		t.Errorf("Tier 2 third call delayed %s, want 3s", d)
	}
	// chat.update is Tier 3 (50/min, burst 3): the 4th call waits 1.2 s.
	if d := drain("chat.update", 4); d != 1200*time.Millisecond {
		t.Errorf("Tier 3 fourth call delayed %s, want 1.2s", d)
	}
	if d := drain("users.info", 1000); d != 0 {
		t.Errorf("disabled limit delayed %s", d)
	}
	if d := drain("custom.method", 2); d != 10*time.Second {
		t.Errorf("override delayed %s, want 10s", d)
	}
	if d := drain("unknown.method", 1000); d != 0 {
		t.Errorf("unlisted method delayed %s", d)
	}
}

func TestLimitersCancelReturnsTokens(t *testing.T) {
	clk := newFakeClock()
	l := newLimiters(map[string]Limit{"m": {PerMinute: 60, Burst: 1}}, clk.now)
	l.reserve("m", "", clk.now())
	d, cancel := l.reserve("m", "", clk.now())
	if d != time.Second {
		t.Fatalf("delay %s, want 1s", d)
	}
	cancel() // the caller gave up: the next one should not queue behind it
	if d, _ := l.reserve("m", "", clk.now()); d != time.Second {
		t.Fatalf("after cancel, delay %s, want 1s", d)
	}
}

func TestLimitersEvictIdleChannels(t *testing.T) {
	clk := newFakeClock()
	l := newLimiters(nil, clk.now)
	for i := range 100 {
		l.reserve("chat.postMessage", fmt.Sprintf("C%d", i), clk.now())
	}
	clk.advance(channelIdleSweep)
	l.reserve("chat.postMessage", "C0", clk.now()) // triggers the sweep
	l.mu.Lock()
	n := len(l.channels)
	l.mu.Unlock()
	if n != 1 {
		t.Fatalf("%d channel limiters kept after a sweep, want 1", n)
	}
	// An evicted limiter was full, so a fresh one behaves the same.
	for range 2 {
		if d, _ := l.reserve("chat.postMessage", "C5", clk.now()); d != 0 {
			t.Fatalf("fresh limiter delayed %s", d)
		}
	}
}

func TestLimitersBlock(t *testing.T) {
	clk := newFakeClock()
	l := newLimiters(nil, clk.now)
	l.block("chat.update", 2*time.Second)
	l.block("chat.update", time.Second) // shorter: does not shorten the block
	if d := l.blockedFor("chat.update", clk.now()); d != 2*time.Second {
		t.Fatalf("blocked for %s, want 2s", d)
	}
	if d := l.blockedFor("chat.postMessage", clk.now()); d != 0 {
		t.Fatalf("other method blocked for %s", d)
	}
	clk.advance(2 * time.Second)
	if d := l.blockedFor("chat.update", clk.now()); d != 0 {
		t.Fatalf("still blocked for %s after it passed", d)
	}
}

func TestLimitersWaitFailsFastPastDeadline(t *testing.T) {
	l := newLimiters(map[string]Limit{"m": {PerMinute: 1, Burst: 1}}, time.Now)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := l.wait(ctx, "m", ""); err != nil {
		t.Fatal(err)
	}
	err := l.wait(ctx, "m", "")
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v, want DeadlineExceeded and ErrUnavailable", err)
	}
	if ctx.Err() != nil {
		t.Fatal("wait slept until the deadline instead of failing fast")
	}
}

func TestBackoffBounded(t *testing.T) {
	a := &API{backoffBase: 500 * time.Millisecond}
	for attempt := range 100 {
		d := a.backoff(attempt)
		if d <= 0 || d > backoffCap {
			t.Fatalf("backoff(%d) = %s, want in (0, %s]", attempt, d, backoffCap)
		}
	}
	if d := a.backoff(0); d < 250*time.Millisecond || d > 500*time.Millisecond {
		t.Fatalf("backoff(0) = %s, want 250ms..500ms", d)
	}
}

// TestLimitersShareDividesWorkspaceBudget: with n replicas each process
// gets 1/n of a method's rate and burst, and the per-channel limit stays
// whole.
func TestLimitersShareDividesWorkspaceBudget(t *testing.T) {
	for _, tc := range []struct {
		name     string
		replicas int
		burst    int
		spacing  time.Duration
	}{
		{"one replica", 1, 20, 100 * time.Millisecond},
		{"zero counts as one", 0, 20, 100 * time.Millisecond},
		{"two replicas", 2, 10, 200 * time.Millisecond},
		{"three replicas", 3, 6, 300 * time.Millisecond},
		{"more replicas than burst", 40, 1, 4 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock()
			l := newLimiters(nil, clk.now)
			l.share(tc.replicas)
			burst := 0
			var d time.Duration
			for i := 0; d == 0; i++ {
				d, _ = l.reserve("chat.postMessage", fmt.Sprintf("C%d", i), clk.now())
				if d == 0 {
					burst++
				}
			}
			if burst != tc.burst || d != tc.spacing {
				t.Errorf("burst %d then a wait of %s, want %d then %s", burst, d, tc.burst, tc.spacing)
			}
			clk.advance(time.Hour)
			for i := range 3 { // per channel: still 3 at once, then 1/s
				if d, _ := l.reserve("chat.postMessage", "CSAME", clk.now()); i < min(3, tc.burst) && d != 0 {
					t.Errorf("post %d to one channel delayed %s", i, d)
				}
			}
		})
	}
}

// TestLimitersShareStaysWithinBudget: whatever the number of replicas, what
// they may send together in a minute is at most the budget plus its burst.
func TestLimitersShareStaysWithinBudget(t *testing.T) {
	const perMinute, burst = 600, 20
	for n := 1; n <= 7; n++ {
		clk := newFakeClock()
		total := 0
		for range n {
			l := newLimiters(map[string]Limit{"chat.postMessage": {PerMinute: perMinute, Burst: burst}}, clk.now)
			l.share(n)
			for i := 0; ; i++ {
				d, _ := l.reserve("chat.postMessage", fmt.Sprintf("C%d", i), clk.now())
				if d > time.Minute {
					break
				}
				total++
			}
		}
		if total > perMinute+burst || total < perMinute*9/10 {
			t.Errorf("%d replicas may send %d in a minute, want between %d and %d", n, total, perMinute*9/10, perMinute+burst)
		}
	}
}

// TestLimitersShareChanges: share reports changes and restores the whole
// budget when the other replicas are gone.
func TestLimitersShareChanges(t *testing.T) {
	clk := newFakeClock()
	l := newLimiters(map[string]Limit{"m": {PerMinute: 60, Burst: 1}}, clk.now)
	steps := []struct {
		replicas int
		changed  bool
		spacing  time.Duration
	}{
		{1, false, time.Second},
		{3, true, 3 * time.Second},
		{3, false, 3 * time.Second},
		{1, true, time.Second},
	}
	for _, s := range steps {
		if got := l.share(s.replicas); got != s.changed {
			t.Errorf("share(%d) = %v, want %v", s.replicas, got, s.changed)
		}
		clk.advance(time.Hour) // refill
		l.reserve("m", "", clk.now())
		if d, _ := l.reserve("m", "", clk.now()); d != s.spacing {
			t.Errorf("after share(%d): second call waits %s, want %s", s.replicas, d, s.spacing)
		}
	}
}

// TestLimitersResumeAfterBlockWithoutBurst: once a Retry-After block ends,
// calls resume at the sustained rate; the tokens that accrued during the
// block are not spent in a burst into a limit that has only just reset.
func TestLimitersResumeAfterBlockWithoutBurst(t *testing.T) {
	clk := newFakeClock()
	l := newLimiters(nil, clk.now) // chat.postMessage: 600/min, burst 20
	l.block("chat.postMessage", time.Second)
	clk.advance(time.Second)
	var got []time.Duration
	for i := range 3 {
		d, _ := l.reserve("chat.postMessage", fmt.Sprintf("C%d", i), clk.now())
		got = append(got, d)
	}
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("delays after the block mismatch (-want +got):\n%s", diff)
	}
}

// TestLimitersWaitHonoursABlockSetWhileQueued: a caller already waiting
// for its turn when another caller's 429 sets a Retry-After block does not
// go out before the block ends.
func TestLimitersWaitHonoursABlockSetWhileQueued(t *testing.T) {
	l := newLimiters(map[string]Limit{"m": {PerMinute: 600, Burst: 1}}, time.Now)
	ctx := context.Background()
	if err := l.wait(ctx, "m", ""); err != nil {
		t.Fatal(err)
	}
	done := make(chan time.Duration)
	go func() {
		if err := l.wait(ctx, "m", ""); err != nil { // queued for ~100 ms
			t.Error(err)
		}
		done <- l.blockedFor("m", time.Now())
	}()
	for l.methods["m"].TokensAt(time.Now()) > -0.5 { // until it has its turn
		time.Sleep(time.Millisecond)
	}
	l.block("m", 300*time.Millisecond) // while the call above waits for it
	if left := <-done; left > 0 {
		t.Errorf("the queued call went out %s before the Retry-After block ended", left)
	}
}
