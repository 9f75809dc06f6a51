package bot

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/rs/zerolog"

	"github.com/platformbot/platformbot/i18n"
)

// ChainConfig configures the standard middleware chain.
type ChainConfig struct {
	Log     zerolog.Logger
	Metrics *Metrics // may be nil
	Timeout time.Duration
	// Unavailable reports whether an error means a dependency (the
	// database) is down; the user is then asked to retry in a minute.
	Unavailable func(error) bool
}

// Chain is the standard middleware order, outermost first: turn errors into
// replies and log each request, recover panics, bound the run time.
func Chain(c ChainConfig) []Middleware {
	return []Middleware{Errors(c.Log, c.Metrics, c.Unavailable), Recover(), Timeout(c.Timeout)}
}

// Errors logs every request with its outcome and turns errors into replies:
// user-facing errors are shown as they are; a dependency that is down gets
// "temporarily unavailable"; anything else becomes "something went wrong
// (ref X)" for the user and one error line with the same ref.
func Errors(log zerolog.Logger, m *Metrics, unavailable func(error) bool) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, req *Request) (*Reply, error) {
			start := time.Now()
			reply, err := next(ctx, req)
			elapsed := time.Since(start)
			outcome := "ok"
			ev := log.Debug()
			if err != nil {
				var internal bool
				var ref string
				reply, internal, ref = errorReply(req, err, unavailable)
				outcome = "refused"
				ev = log.Info()
				if internal {
					outcome = "error"
					ev = log.Error().Str("ref", ref)
					var p *panicError
					if errors.As(err, &p) {
						ev = ev.Bytes("stack", p.stack)
					}
					if m != nil {
						m.HandlerErrors.WithLabelValues(req.Route()).Inc()
					}
				}
				ev = ev.Err(err)
			}
			m.handlerSeconds(req.Kind, elapsed.Seconds())
			if ev.Enabled() {
				ev.Str("envelope_id", req.EnvelopeID).Str("type", string(req.Kind)).
					Str("team", req.TeamID).Str("user", req.UserID).Str("route", req.Route()).
					Dur("duration", elapsed).Str("outcome", outcome).Msg("request")
			}
			return reply, nil
		}
	}
}

type panicError struct {
	value any
	stack []byte
}

func (p *panicError) Error() string { return fmt.Sprintf("panic: %v", p.value) }

// Recover turns a panic in a handler into an error carrying the stack, so one
// bad handler never ends the bot.
func Recover() Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, req *Request) (reply *Reply, err error) {
			defer func() {
				if v := recover(); v != nil {
					reply, err = nil, &panicError{value: v, stack: debug.Stack()}
				}
			}()
			return next(ctx, req)
		}
	}
}

// Timeout bounds a handler's run time; follow-up work that needs longer
// belongs in a scheduled job or the pending-send queue.
func Timeout(d time.Duration) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, req *Request) (*Reply, error) {
			if d <= 0 {
				return next(ctx, req)
			}
			ctx, cancel := context.WithTimeout(ctx, d)
			defer cancel()
			return next(ctx, req)
		}
	}
}

// Language sets each request's Lang to the asker's language, chosen once
// per request: their stored choice, else their Slack locale, else the
// default. Put it inside Errors, so that refusals are worded in it too.
func Language(ch *i18n.Chooser) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, req *Request) (*Reply, error) {
			if req.Lang == nil && ch != nil {
				if req.UserID == "" {
					req.Lang = ch.Default()
				} else {
					req.Lang = ch.User(ctx, req.UserID)
				}
			}
			return next(ctx, req)
		}
	}
}
