package surveys

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
)

// Config configures a Service.
type Config struct {
	Surveys  []Survey
	Teams    []Team
	Store    Store
	Dir      Directory
	Notifier Notifier
	Planner  Planner         // nil: everyone is asked when a run starts
	Clock    clockwork.Clock // nil: the real clock
	// TeamTTL is how long resolved team memberships are reused; user
	// groups are a Tier 2 method. Default 10 minutes.
	TeamTTL time.Duration
}

// Service runs the surveys: it starts runs, takes answers, sends the
// reminder, closes runs and reports results.
type Service struct {
	store    Store
	dir      Directory
	notifier Notifier
	planner  Planner
	clock    clockwork.Clock
	surveys  []Survey
	teams    []Team
	teamTTL  time.Duration

	mu          sync.Mutex
	teamOf      map[string]string // user → team id
	teamFetched time.Time
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Clock == nil {
		cfg.Clock = clockwork.NewRealClock()
	}
	if cfg.TeamTTL == 0 {
		cfg.TeamTTL = 10 * time.Minute
	}
	return &Service{
		store: cfg.Store, dir: cfg.Dir, notifier: cfg.Notifier, planner: cfg.Planner, clock: cfg.Clock,
		surveys: cfg.Surveys, teams: cfg.Teams, teamTTL: cfg.TeamTTL,
	}
}

// Surveys returns the configured surveys in configuration order.
func (s *Service) Surveys() []Survey { return slices.Clone(s.surveys) }

// Survey returns a configured survey.
func (s *Service) Survey(id string) (Survey, error) {
	for _, sv := range s.surveys {
		if sv.ID == id {
			return sv, nil
		}
	}
	return Survey{}, &UnknownSurveyError{ID: id}
}

// TeamName returns a team's display name ("" for no team).
func (s *Service) TeamName(id string) string {
	for _, t := range s.teams {
		if t.ID == id {
			if t.Name != "" {
				return t.Name
			}
			return t.ID
		}
	}
	return id
}

// Now returns the service's time.
func (s *Service) Now() time.Time { return s.clock.Now() }

// StartScheduled is the body of a survey's cron job: it starts the run of
// the occurrence now belongs to, once, however many replicas or retries
// call it, and skips weeks that EveryWeeks leaves out.
func (s *Service) StartScheduled(ctx context.Context, surveyID string) (Run, bool, error) {
	sv, err := s.Survey(surveyID)
	if err != nil {
		return Run{}, false, err
	}
	occ := sv.Occurrence(s.clock.Now())
	if !sv.InWeek(occ) {
		return Run{}, false, nil
	}
	run, err := s.start(ctx, sv, "cron:"+occ.Format(time.RFC3339), "schedule")
	if errors.Is(err, ErrDuplicateRun) {
		return run, false, nil
	}
	return run, err == nil, err
}

// StartNow starts a run by hand (`/pulse send`).
func (s *Service) StartNow(ctx context.Context, surveyID, by string) (Run, error) {
	sv, err := s.Survey(surveyID)
	if err != nil {
		return Run{}, err
	}
	return s.start(ctx, sv, "manual:"+newToken()[:16], by)
}

// start resolves the audience, stores the run with its ledger and queues
// the invitations. A run whose invitations could not be queued is retried
// by Tick, so a crash between the two steps loses nothing.
func (s *Service) start(ctx context.Context, sv Survey, occurrence, by string) (Run, error) {
	users, err := s.audience(ctx, sv.Audience)
	if err != nil {
		return Run{}, err
	}
	if len(users) == 0 {
		return Run{}, &EmptyAudienceError{Survey: sv.ID}
	}
	now := s.clock.Now().UTC()
	people := s.participants(ctx, sv, users)
	first, last := s.plan(ctx, sv, people, now)
	run := Run{
		SurveyID: sv.ID, Occurrence: occurrence, Snapshot: sv.snapshot(), State: Open, StartedBy: by,
		StartedAt: now, ClosesAt: last.Add(sv.Window), Audience: len(users),
	}
	if sv.Reminder > 0 {
		run.RemindAt = first.Add(sv.Reminder)
	}
	created, err := s.store.CreateRun(ctx, run, people)
	if errors.Is(err, ErrRunOpen) && created.ID != 0 && !created.IsOpenAt(now) {
		// The open run is past its window but the tick has not closed it
		// yet: close it now and try again.
		if err := s.closeRun(ctx, created); err != nil {
			return Run{}, err
		}
		created, err = s.store.CreateRun(ctx, run, people)
	}
	switch {
	case errors.Is(err, ErrRunOpen):
		return created, &OpenRunError{Survey: sv.ID, Run: created}
	case err != nil:
		return created, err
	}
	if err := s.invite(ctx, created); err != nil {
		return created, fmt.Errorf("surveys: run %d started, invitations will be retried: %w", created.ID, err)
	}
	return created, nil
}

// audience merges the explicit users, user groups and channel members,
// removing duplicates while keeping a stable order.
func (s *Service) audience(ctx context.Context, a Audience) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	add := func(ids []string) {
		for _, id := range ids {
			if id != "" && !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	add(a.Users)
	for _, g := range a.UserGroups {
		m, err := s.dir.UserGroupMembers(ctx, g)
		if err != nil {
			return nil, fmt.Errorf("surveys: members of user group %s: %w", g, err)
		}
		add(m)
	}
	for _, ch := range a.Channels {
		m, err := s.dir.ChannelMembers(ctx, ch)
		if err != nil {
			return nil, fmt.Errorf("surveys: members of channel %s: %w", ch, err)
		}
		add(m)
	}
	return out, nil
}

// plan sets when each participant is asked (see Planner) and returns the
// first and the last of those times.
func (s *Service) plan(ctx context.Context, sv Survey, people []Participant, now time.Time) (first, last time.Time) {
	first, last = now, now
	if s.planner == nil {
		return first, last
	}
	users := make([]string, len(people))
	for i, p := range people {
		users[i] = p.UserID
	}
	at := s.planner.Plan(ctx, users, now, sv.Schedule)
	for i, p := range people {
		t := now
		if planned, ok := at[p.UserID]; ok && planned.After(now) {
			t = planned.UTC()
			people[i].AskedAt = t
		}
		if i == 0 || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	return first, last
}

// participants builds the ledger rows. A person's team is recorded only when
// the team has at least the minimum group size among the audience, so that
// the team never narrows an answer down to fewer people than that.
func (s *Service) participants(ctx context.Context, sv Survey, users []string) []Participant {
	teamOf := s.teamMap(ctx)
	sizes := map[string]int{}
	for _, u := range users {
		sizes[teamOf[u]]++
	}
	out := make([]Participant, len(users))
	for i, u := range users {
		team := teamOf[u]
		if sizes[team] < sv.MinGroupSize {
			team = ""
		}
		out[i] = Participant{UserID: u, Team: team}
	}
	return out
}

// teamMap returns user → team id from the configured teams (first team
// wins), cached for TeamTTL. A failing lookup leaves people teamless rather
// than failing the run: the breakdown is a nicety, the survey is not.
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
		if t.UserGroup == "" {
			continue
		}
		members, err := s.dir.UserGroupMembers(ctx, t.UserGroup)
		if err != nil {
			continue
		}
		for _, u := range members {
			set(u, t.ID)
		}
	}
	s.teamOf, s.teamFetched = m, s.clock.Now()
	return m
}

// invite queues the invitations of a run and records that it did.
func (s *Service) invite(ctx context.Context, run Run) error {
	people, err := s.store.Invitees(ctx, run.ID)
	if err != nil {
		return err
	}
	invitees := make([]Invitee, len(people))
	for i, p := range people {
		invitees[i] = run.invitee(p, false)
	}
	if err := s.notifier.Invite(ctx, run, invitees); err != nil {
		return err
	}
	return s.store.MarkInvited(ctx, run.ID)
}

// newToken returns 128 random bits as hex: a response token that cannot be
// guessed or derived from anything about the person.
func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
