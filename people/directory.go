package people

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
	"unique"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"golang.org/x/sync/singleflight"
)

// Defaults of Options.
const (
	defaultSize         = 250_000
	defaultFresh        = 15 * time.Minute
	defaultMembersFresh = 5 * time.Minute
)

const (
	// keep is how long an entry stays in the cache at all: past Fresh it
	// is read again before use, but while the store and Slack fail it
	// still answers ("stale beats nothing") until keep has passed.
	keep = 24 * time.Hour
	// missingFresh is how long "Slack does not know them" is believed:
	// asking again at once for an unknown id only spends users.info calls.
	missingFresh = time.Minute
	// checkEvery is how often a replica looks at the stored listing's
	// time (one small query), and how long after a failed first listing
	// it is tried again (users.list is Tier 2).
	checkEvery = time.Minute
	// callTimeout bounds a shared call to Slack made for a caller without
	// a deadline.
	callTimeout = time.Minute
	// listTimeout bounds one listing: 100,000 people are 100 pages of
	// users.list, 5 minutes at its 20 a minute, longer when replicas
	// share that budget.
	listTimeout = 20 * time.Minute
)

// Options configure a Directory. Source and Store are needed; the rest
// have defaults.
type Options struct {
	Source Source
	// Store holds the listing every replica reads. nil means a store in
	// memory: nothing is shared (the console, tests).
	Store Store
	// Teams are the configured teams, in config order.
	Teams []Team
	Now   func() time.Time // default time.Now
	Log   Logger           // default: no logging
	// Claim, if set, decides which replica lists the workspace on demand
	// while no listing has ever been stored (a survey needs one before
	// the scheduled refresh has run): only the caller that wins attempt
	// (a 20-minute bucket) lists, the others read the stored listing once
	// it is there. nil lists on every replica that needs it.
	Claim func(ctx context.Context, attempt time.Time) (bool, error)
	// Size bounds the people in the cache; it should exceed the
	// workspace so that the whole listing fits (default 250,000).
	Size int
	// Fresh is how long a cached person is used before being read again
	// from the store (default 15 minutes): it bounds how long a change
	// that another replica's event stored goes unseen here.
	Fresh time.Duration
	// MembersFresh is how long user group and channel members are used
	// before Slack is asked again (default 5 minutes).
	MembersFresh time.Duration
}

// Directory answers who people are, which groups and channels they are in
// and which team they belong to. It is safe for concurrent use. Concurrent
// misses for one key make one call (singleflight), and no lock is held
// while Slack or the store is asked.
type Directory struct {
	src                 Source
	store               Store
	teams               []Team
	now                 func() time.Time
	log                 Logger
	claim               func(ctx context.Context, attempt time.Time) (bool, error)
	fresh, membersFresh time.Duration

	people  *expirable.LRU[string, cached]
	members *expirable.LRU[string, memberList]
	calls   singleflight.Group // "person:ID", "group:ID", "channel:ID", "list"

	base context.Context // background work; Close cancels it
	stop context.CancelFunc
	wg   sync.WaitGroup

	mu       sync.Mutex    // guards what follows
	loadedAt time.Time     // ListedAt of the listing held here (zero: none yet)
	checked  time.Time     // when the stored listing's time was last read
	tried    time.Time     // when a listing was last tried on demand
	won      time.Time     // the on-demand listing attempt this replica claimed (only sync uses it)
	syncing  chan struct{} // closed when the look under way ends; nil if none
}

// cached is one person in the cache.
type cached struct {
	Person
	at      int64 // when read from the store or Slack, in the directory's clock (Unix ns)
	missing bool  // Slack does not know them
}

// New returns a directory. Its cache's janitor goroutines (one per cache,
// from golang-lru) live as long as the process.
func New(opt Options) *Directory {
	d := &Directory{
		src: opt.Source, store: opt.Store, teams: opt.Teams, now: opt.Now, log: opt.Log, claim: opt.Claim,
		fresh: opt.Fresh, membersFresh: opt.MembersFresh,
	}
	if d.store == nil {
		d.store = NewMemStore()
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.log == nil {
		d.log = nopLogger{}
	}
	if d.fresh <= 0 {
		d.fresh = defaultFresh
	}
	if d.membersFresh <= 0 {
		d.membersFresh = defaultMembersFresh
	}
	size := opt.Size
	if size <= 0 {
		size = defaultSize
	}
	d.people = expirable.NewLRU[string, cached](size, nil, keep)
	d.members = expirable.NewLRU[string, memberList](1000, nil, keep)
	d.base, d.stop = context.WithCancel(context.Background())
	return d
}

// Start reads the stored listing in the background, so that a replica
// starting cold answers from it at once; while none was ever stored, one
// replica (by claim) lists the workspace now, so that the first survey
// finds everyone's zone and locale without waiting for it.
func (d *Directory) Start() { d.catchUp(true) }

// Close stops the background work and waits for it.
func (d *Directory) Close() {
	d.stop()
	d.wg.Wait()
}

// Person returns someone's profile: from the cache, else from the stored
// listing, else from Slack (users.info, stored for the other replicas).
// It returns an error wrapping ErrNotFound when Slack does not know them,
// and ErrBusy when ctx ends before Slack answers.
func (d *Directory) Person(ctx context.Context, id string) (Person, error) {
	d.catchUp(false)
	c, err := d.person(ctx, id, nil)
	if err != nil {
		return Person{}, err
	}
	if c.missing {
		return Person{}, fmt.Errorf("people: %s: %w", id, ErrNotFound)
	}
	return c.Person, nil
}

// Fresh returns someone's profile if the cache holds it and it is fresh,
// without asking the store or Slack: the cheap path of a lookup made for
// every request (which language to answer in); on false, use Person.
func (d *Directory) Fresh(id string) (Person, bool) {
	c, ok := d.people.Get(id)
	if !ok || c.missing || !d.isFresh(c) {
		return Person{}, false
	}
	return c.Person, true
}

// Known returns what the directory holds about someone, without asking
// Slack or the database (stale entries included).
func (d *Directory) Known(id string) (Person, bool) {
	c, ok := d.people.Peek(id)
	if !ok || c.missing {
		return Person{}, false
	}
	return c.Person, true
}

// CanBeAsked reports whether someone may be sent a question: not a bot,
// not deactivated, known to Slack. It is what a survey's fan-out asks
// about each person, so it answers from the listing: while no listing has
// ever been stored it starts one (see Options.Claim), and meanwhile looks
// each person up alone, so that a small survey does not wait for a
// listing of a large workspace; a lookup still waiting when the listing
// arrives gives way to it. A caller whose deadline passes while waiting
// gets ErrBusy.
func (d *Directory) CanBeAsked(ctx context.Context, id string) (bool, error) {
	listing := d.catchUp(true)
	for {
		c, err := d.person(ctx, id, listing)
		if errors.Is(err, errListed) {
			listing = nil // the listing (or the stored one) answers now
			continue
		}
		if err != nil {
			return false, err
		}
		return !c.missing && c.CanBeAsked(), nil
	}
}

// errListed ends a lookup that a listing overtook.
var errListed = errors.New("people: the listing arrived first")

// person reads the cache, and on a miss (or a stale entry) fetches the
// person once for all concurrent callers. When listing is not nil, a
// lookup in Slack still under way when it closes gives way (errListed).
// A stale entry answers when the fetch fails.
func (d *Directory) person(ctx context.Context, id string, listing <-chan struct{}) (cached, error) {
	c, ok := d.people.Get(id)
	if ok && d.isFresh(c) {
		return c, nil
	}
	got, err := shared(ctx, &d.calls, "person:"+id, func(ctx context.Context) (cached, error) {
		return d.fetch(ctx, id, listing)
	})
	switch {
	case err == nil || errors.Is(err, errListed):
		return got, err
	case ok && !c.missing:
		d.log.Warn("people: cannot refresh a person; using what was known", err, "user", id)
		return c, nil
	case ctx.Err() != nil || errors.Is(err, context.DeadlineExceeded):
		return cached{}, fmt.Errorf("people: looking up %s: %w: %w", id, ErrBusy, err)
	}
	return cached{}, fmt.Errorf("people: looking up %s: %w", id, err)
}

// fetch reads one person from the store, else asks Slack and stores the
// answer. It runs once per id at a time, under a context of its own.
func (d *Directory) fetch(ctx context.Context, id string, listing <-chan struct{}) (cached, error) {
	asOf := d.now().UnixNano()
	p, ok, err := d.store.Person(ctx, id)
	if err != nil {
		d.log.Warn("people: cannot read the stored listing; asking Slack", err, "user", id)
	}
	if ok {
		return d.remember(p, asOf), nil
	}
	if d.src == nil {
		return cached{}, errNoSource
	}
	if listing != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		go func() {
			select {
			case <-listing:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	p, err = d.src.Lookup(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound):
		c := cached{Person: Person{ID: id}, at: d.now().UnixNano(), missing: true}
		d.people.Add(id, c)
		return c, nil
	case err != nil && listing != nil && isClosed(listing):
		return cached{}, errListed
	case err != nil:
		return cached{}, err
	}
	if err := d.store.SavePerson(ctx, p, d.now()); err != nil {
		d.log.Warn("people: cannot store a looked-up person", err, "user", id)
	}
	return d.remember(p, asOf), nil
}

// Update records what Slack said about someone in an event (user_change,
// team_join): in the stored listing for every replica, and here. Events
// carry no locale, so the known one is kept.
func (d *Directory) Update(ctx context.Context, p Person) error {
	if p.ID == "" {
		return errors.New("people: Update: a person without an id")
	}
	if p.Locale == "" {
		if c, ok := d.people.Peek(p.ID); ok {
			p.Locale = c.Locale
		} else if old, ok, err := d.store.Person(ctx, p.ID); err == nil && ok {
			p.Locale = old.Locale
		}
	}
	d.remember(p, d.now().UnixNano())
	if err := d.store.SavePerson(ctx, p, d.now()); err != nil {
		return fmt.Errorf("people: Update(%s): %w", p.ID, err)
	}
	return nil
}

// remember caches p as read at asOf (when the read began: data read
// slowly is no fresher for it). Zones and locales are interned: a
// workspace has a few dozen of each, and a listing would otherwise hold a
// copy per person.
func (d *Directory) remember(p Person, asOf int64) cached {
	p.TZ, p.Locale = intern(p.TZ), intern(p.Locale)
	c := cached{Person: p, at: asOf}
	d.people.Add(p.ID, c)
	return c
}

// rememberListed caches p from a listing or a load begun at since,
// unless the cache already holds something read after since (an event, a
// lookup), which is newer.
func (d *Directory) rememberListed(p Person, since int64) {
	if c, ok := d.people.Peek(p.ID); ok && c.at > since {
		return
	}
	d.remember(p, since)
}

func (d *Directory) isFresh(c cached) bool {
	fresh := d.fresh
	if c.missing {
		fresh = missingFresh
	}
	return d.now().UnixNano()-c.at < int64(fresh)
}

func intern(s string) string {
	if s == "" {
		return ""
	}
	return unique.Make(s).Value()
}

func isClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// shared runs fn once for all concurrent callers of key. fn gets a
// context of its own that keeps the first caller's deadline (or
// callTimeout) but not its cancellation, so that one impatient caller does
// not fail the others; each caller stops waiting when its own ctx ends.
// A caller that joined another's call which ran out of that caller's
// time, while its own has not, starts another.
func shared[T any](ctx context.Context, g *singleflight.Group, key string, fn func(context.Context) (T, error)) (T, error) {
	for {
		mine := false
		ch := g.DoChan(key, func() (any, error) {
			mine = true
			fctx, cancel := detach(ctx, callTimeout)
			defer cancel()
			v, err := fn(fctx)
			return v, err
		})
		select {
		case r := <-ch:
			if !mine && errors.Is(r.Err, context.DeadlineExceeded) && ctx.Err() == nil {
				continue
			}
			v, _ := r.Val.(T)
			return v, r.Err
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	}
}

// detach returns a context without ctx's cancellation, ending at ctx's
// deadline or after d when ctx has none.
func detach(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	base := context.WithoutCancel(ctx)
	if dl, ok := ctx.Deadline(); ok {
		return context.WithDeadline(base, dl)
	}
	return context.WithTimeout(base, d)
}
