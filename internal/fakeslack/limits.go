package fakeslack

import (
	"math"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// limits holds the per-method faults: injected failures, rate limits and
// Slack errors. Slack rate-limits per method and workspace, so one bucket per
// method models it.
type limits struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	fails   map[string]*failure
	errs    map[string]string
	limited map[string]int // 429s sent
	random  map[string]*randomFailure
}

type failure struct{ n, status, retryAfter int }

// randomFailure answers a fraction of a method's calls with status.
type randomFailure struct {
	fraction           float64
	status, retryAfter int
}

// bucket is a token bucket refilled continuously at rate tokens per second.
type bucket struct {
	rate, burst, tokens float64
	last                time.Time
}

// take spends a token, or reports how long until one is available.
func (b *bucket) take(now time.Time) (bool, time.Duration) {
	b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}

// verdict is what the fault layer decided for one call. status 0 means the
// call goes through (possibly to answer slackErr).
type verdict struct {
	status     int
	retryAfter int // seconds; 0 means no Retry-After header
	slackErr   string
}

func (l *limits) init() {
	l.buckets = make(map[string]*bucket)
	l.fails = make(map[string]*failure)
	l.errs = make(map[string]string)
	l.limited = make(map[string]int)
	l.random = make(map[string]*randomFailure)
}

// check applies, in order, FailNext, FailRandomly, the rate limit and
// SetError.
func (l *limits) check(method string, now time.Time) verdict {
	l.mu.Lock()
	defer l.mu.Unlock()
	if f := l.fails[method]; f != nil {
		f.n--
		if f.n <= 0 {
			delete(l.fails, method)
		}
		if f.status == http.StatusTooManyRequests {
			l.limited[method]++
		}
		return verdict{status: f.status, retryAfter: f.retryAfter}
	}
	if f := l.random[method]; f != nil && rand.Float64() < f.fraction {
		if f.status == http.StatusTooManyRequests {
			l.limited[method]++
		}
		return verdict{status: f.status, retryAfter: f.retryAfter}
	}
	if b := l.buckets[method]; b != nil {
		if ok, wait := b.take(now); !ok {
			l.limited[method]++
			// Slack sends whole seconds; never 0, which would invite a busy loop.
			return verdict{status: http.StatusTooManyRequests, retryAfter: max(1, int(math.Ceil(wait.Seconds())))}
		}
	}
	return verdict{slackErr: l.errs[method]}
}

// SetRateLimit limits method to perMinute calls per minute with bursts of up
// to burst calls (token bucket, starting full). Calls over the limit get HTTP
// 429 with Retry-After: the whole seconds until a token is back (at least 1).
// perMinute <= 0 removes the limit.
func (s *Server) SetRateLimit(method string, perMinute int, burst int) {
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	if perMinute <= 0 {
		delete(s.limits.buckets, method)
		return
	}
	b := float64(max(burst, 1))
	s.limits.buckets[method] = &bucket{rate: float64(perMinute) / 60, burst: b, tokens: b, last: time.Now()}
}

// FailNext makes the next n calls to method answer HTTP status. A 429 carries
// "Retry-After: retryAfter" when retryAfter > 0 (slack-go turns it into
// *slack.RateLimitedError); without it slack-go returns slack.StatusCodeError,
// as it does for 5xx. Injected 429s count in RateLimited.
func (s *Server) FailNext(method string, n int, status int, retryAfter int) {
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	if n <= 0 {
		delete(s.limits.fails, method)
		return
	}
	s.limits.fails[method] = &failure{n: n, status: status, retryAfter: retryAfter}
}

// FailRandomly makes each call to method answer HTTP status with probability
// fraction, independently of the others, until cleared with a fraction <= 0:
// a steady background of faults (e.g. 5% of chat.postMessage answered 429)
// rather than FailNext's burst. retryAfter works as in FailNext; injected
// 429s count in RateLimited.
func (s *Server) FailRandomly(method string, fraction float64, status int, retryAfter int) {
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	if fraction <= 0 {
		delete(s.limits.random, method)
		return
	}
	s.limits.random[method] = &randomFailure{fraction: fraction, status: status, retryAfter: retryAfter}
}

// SetError makes every call to method answer {"ok":false,"error":slackErr}
// with HTTP 200, until cleared with "".
func (s *Server) SetError(method string, slackErr string) {
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	if slackErr == "" {
		delete(s.limits.errs, method)
		return
	}
	s.limits.errs[method] = slackErr
}

// RateLimited is the number of 429 answers sent for method.
func (s *Server) RateLimited(method string) int {
	s.limits.mu.Lock()
	defer s.limits.mu.Unlock()
	return s.limits.limited[method]
}
