package previews

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Config configures a Service.
type Config struct {
	// Configured are the previews of the configuration file; Sync writes
	// them to the store.
	Configured []Preview
	Teams      []Team
	Store      Store
	Dir        Directory
	Notifier   Notifier
	Clock      clockwork.Clock // nil: the real clock
	// Location is the zone dates are read in (the configured timezone).
	Location *time.Location
	// TeamTTL is how long resolved team memberships are reused; user
	// groups are a Tier 2 method. Default 10 minutes.
	TeamTTL time.Duration
}

// Service runs preview programs.
type Service struct {
	store      Store
	dir        Directory
	notifier   Notifier
	clock      clockwork.Clock
	loc        *time.Location
	configured []Preview
	teams      []Team
	teamTTL    time.Duration

	mu          sync.Mutex
	teamOf      map[string]string
	teamFetched time.Time
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.TeamTTL == 0 {
		cfg.TeamTTL = 10 * time.Minute
	}
	return &Service{
		store: cfg.Store, dir: cfg.Dir, notifier: cfg.Notifier, clock: cfg.Clock, loc: cfg.Location,
		configured: cfg.Configured, teams: cfg.Teams, teamTTL: cfg.TeamTTL,
	}
}

// Now returns the service's time.
func (s *Service) Now() time.Time { return s.clock.Now() }

// Location returns the zone preview dates are in.
func (s *Service) Location() *time.Location { return s.loc }

// Sync writes the configured previews to the store, so that seats are
// counted against the configured cap however many replicas run. A preview
// removed from the file keeps its row and its history.
func (s *Service) Sync(ctx context.Context) error {
	for _, p := range s.configured {
		p.Source = Configured
		if err := s.store.SavePreview(ctx, p); err != nil {
			return fmt.Errorf("previews: sync %s: %w", p.ID, err)
		}
	}
	return nil
}

// Preview returns a preview by id, with its automation flag from the
// configuration.
func (s *Service) Preview(ctx context.Context, id string) (Preview, error) {
	p, err := s.store.Preview(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return p, &UnknownPreviewError{ID: id}
	}
	if err != nil {
		return p, err
	}
	return s.withConfig(p), nil
}

// withConfig sets what only the configuration knows: whether the preview
// has an automation now.
func (s *Service) withConfig(p Preview) Preview {
	p.Automation = false
	for _, c := range s.configured {
		if c.ID == p.ID {
			p.Automation = c.Automation
		}
	}
	return p
}

// Listing is a preview with its seats, for `/preview list`.
type Listing struct {
	Preview
	Counts
}

// List returns the previews that have not ended, soonest end first, then
// the ones that ended in the last 30 days.
func (s *Service) List(ctx context.Context) ([]Listing, error) {
	all, err := s.store.Previews(ctx)
	if err != nil {
		return nil, err
	}
	counts, err := s.store.Counts(ctx)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	var open, ended []Listing
	for _, p := range all {
		l := Listing{Preview: s.withConfig(p), Counts: counts[p.ID]}
		switch {
		case !p.HasEnded(now):
			open = append(open, l)
		case now.Sub(p.EndAt) < 30*24*time.Hour:
			ended = append(ended, l)
		}
	}
	slices.SortStableFunc(open, func(a, b Listing) int { return a.EndAt.Compare(b.EndAt) })
	return append(open, ended...), nil
}

// Membership is a person's place in a preview.
type Membership struct {
	Preview     Preview
	Participant Participant
	// Already is set when a join changed nothing.
	Already bool
	// Was is the person's state before a leave.
	Was State
}

// Join gives the user a seat or a place on the waitlist. Getting a seat
// queues the preview's automation; people promoted meanwhile are told.
func (s *Service) Join(ctx context.Context, previewID, userID string) (Membership, error) {
	p, err := s.Preview(ctx, previewID)
	if err != nil {
		return Membership{}, err
	}
	now := s.clock.Now().UTC()
	if p.HasEnded(now) {
		return Membership{Preview: p}, &EndedError{Preview: p}
	}
	ch, err := s.store.Join(ctx, JoinRequest{
		PreviewID: p.ID, UserID: userID, Team: s.teamOfUser(ctx, userID), Automation: p.Automation, At: now,
	})
	if err != nil {
		return Membership{Preview: p}, err
	}
	m := Membership{Preview: p, Participant: ch.Participant, Already: ch.Already}
	if !ch.Already && ch.Participant.State == Active && p.Automation {
		if err := s.notifier.Automation(ctx, p, ch.Participant, Join); err != nil {
			return m, &LaterError{Err: err}
		}
	}
	return m, s.promoted(ctx, p, ch.Promoted)
}

// Leave takes the user out of the preview (or off its waitlist). Leaving a
// seat calls the automation to turn the feature off and promotes the next
// person waiting.
func (s *Service) Leave(ctx context.Context, previewID, userID string) (Membership, error) {
	p, err := s.Preview(ctx, previewID)
	if err != nil {
		return Membership{}, err
	}
	ch, err := s.store.Leave(ctx, p.ID, userID, p.Automation, s.clock.Now().UTC())
	if errors.Is(err, ErrNotIn) {
		return Membership{Preview: p}, &NotInError{Preview: p}
	}
	if err != nil {
		return Membership{Preview: p}, err
	}
	m := Membership{Preview: p, Participant: ch.Participant, Was: ch.Before}
	if ch.Before == Active && ch.Participant.Automation == AutomationLeaving {
		if err := s.notifier.Automation(ctx, p, ch.Participant, Leave); err != nil {
			return m, &LaterError{Err: err}
		}
	}
	return m, s.promoted(ctx, p, ch.Promoted)
}

// promoted tells the people promoted from the waitlist and turns the
// feature on for them. What fails here is retried by Tick (the rows say
// what is owed).
func (s *Service) promoted(ctx context.Context, p Preview, people []Participant) error {
	var errs []error
	for _, part := range people {
		if err := s.notifier.Promoted(ctx, p, part); err != nil {
			errs = append(errs, err)
		} else if err := s.store.ClearNotice(ctx, p.ID, part.UserID, part.Generation); err != nil {
			errs = append(errs, err)
		}
		if p.Automation && part.Automation == AutomationPending {
			if err := s.notifier.Automation(ctx, p, part, Join); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		return &LaterError{Err: errors.Join(errs...)}
	}
	return nil
}

// Mine returns the running previews the user is in or waiting for.
func (s *Service) Mine(ctx context.Context, userID string) ([]Membership, error) {
	rows, err := s.store.Memberships(ctx, userID)
	if err != nil {
		return nil, err
	}
	var out []Membership
	for _, r := range rows {
		p, err := s.Preview(ctx, r.PreviewID)
		if err != nil {
			return nil, err
		}
		if !p.HasEnded(s.clock.Now()) {
			out = append(out, Membership{Preview: p, Participant: r})
		}
	}
	slices.SortStableFunc(out, func(a, b Membership) int { return a.Preview.EndAt.Compare(b.Preview.EndAt) })
	return out, nil
}

// Announce queues the preview's announcement, once a day.
func (s *Service) Announce(ctx context.Context, previewID string) (Preview, error) {
	p, err := s.Preview(ctx, previewID)
	if err != nil {
		return p, err
	}
	now := s.clock.Now()
	if p.HasEnded(now) {
		return p, &EndedError{Preview: p}
	}
	day := now.In(s.loc).Format(time.DateOnly)
	fresh, err := s.notifier.Announce(ctx, p, day)
	if err != nil {
		return p, err
	}
	if !fresh {
		return p, &AnnouncedError{Preview: p, Day: day}
	}
	return p, nil
}

// AutomationDone records the receiver's answer to an automation call:
// join calls enable, leave calls disable. Calls of an older generation
// (the person left and joined again since) change nothing.
func (s *Service) AutomationDone(ctx context.Context, previewID, userID string, generation int, action Action) error {
	from, to := []AutomationState{AutomationPending}, AutomationEnabled
	if action == Leave {
		from, to = []AutomationState{AutomationLeaving}, AutomationDisabled
	}
	_, err := s.store.SetAutomation(ctx, previewID, userID, generation, from, to)
	return err
}

// AutomationFailed records that the outbox gave up on an automation call.
func (s *Service) AutomationFailed(ctx context.Context, previewID, userID string, generation int, action Action) (bool, error) {
	from := []AutomationState{AutomationPending}
	if action == Leave {
		from = []AutomationState{AutomationLeaving}
	}
	return s.store.SetAutomation(ctx, previewID, userID, generation, from, AutomationFailed)
}

// Participant returns one person's row, for deciding about a send.
func (s *Service) Participant(ctx context.Context, previewID, userID string) (Participant, error) {
	return s.store.Participant(ctx, previewID, userID)
}

// teamOfUser returns the user's team id ("" for none).
func (s *Service) teamOfUser(ctx context.Context, userID string) string {
	return s.teamMap(ctx)[userID]
}

// teamMap returns user → team id from the configured teams (first team
// wins), cached for TeamTTL. A failing lookup leaves people teamless
// rather than failing the join: the breakdown is a nicety.
func (s *Service) teamMap(ctx context.Context) map[string]string {
	if len(s.teams) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.teamOf != nil && s.clock.Since(s.teamFetched) < s.teamTTL {
		return s.teamOf
	}
	m := map[string]string{}
	set := func(u, team string) {
		if _, ok := m[u]; !ok {
			m[u] = team
		}
	}
	for _, t := range s.teams {
		for _, u := range t.Users {
			set(u, t.ID)
		}
		if t.UserGroup == "" || s.dir == nil {
			continue
		}
		if members, err := s.dir.UserGroupMembers(ctx, t.UserGroup); err == nil {
			for _, u := range members {
				set(u, t.ID)
			}
		}
	}
	s.teamOf, s.teamFetched = m, s.clock.Now()
	return m
}

// TeamName returns a team's display name ("No team" for "").
func (s *Service) TeamName(id string) string {
	if id == "" {
		return "No team"
	}
	for _, t := range s.teams {
		if t.ID == id && t.Name != "" {
			return t.Name
		}
	}
	return id
}
