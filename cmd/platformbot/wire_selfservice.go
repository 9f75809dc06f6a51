package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/handlers/home"
	hselfservice "github.com/platformbot/platformbot/handlers/selfservice"
	"github.com/platformbot/platformbot/httpapi"
	"github.com/platformbot/platformbot/i18n"
	"github.com/platformbot/platformbot/outbox/webhook"
	"github.com/platformbot/platformbot/schedule"
	"github.com/platformbot/platformbot/selfservice"
	"github.com/platformbot/platformbot/storage"
)

// wireSelfService registers the feature's routes, home section, jobs,
// HTTP routes and kinds of send. What follows a change (triage messages,
// DMs, alerts, the automation call) is queued in the outbox right after
// it; a job every minute hands over what a crashed process left.
func (m *Main) wireSelfService(ctx context.Context) error {
	catalog, err := selfservice.NewCatalog(selfServiceCatalog(m.Config.Catalog))
	if err != nil {
		return err
	}
	people := &hselfservice.People{Admins: m.Admins, People: m.People}
	svc := &selfservice.Service{Store: storage.NewSelfServiceStore(m.DB), Catalog: catalog, People: people, Clock: m.Clock, Location: m.Config.Location(),
		OnNotifyError: func(_ context.Context, err error) {
			m.Log.Warn().Err(err).Msg("self-service: follow-up not queued yet; the hand-over job retries it (the change itself is saved)")
		}}
	h := &hselfservice.Handler{
		Svc: svc, Slack: m.Slack, Outbox: m.Outbox, Command: m.Config.Slack.Commands.Platform, TriageChannel: m.Config.Slack.TriageChannel,
		Webhooks: &webhook.Client{Hooks: automationHooks(m.Config.Catalog), Now: m.Clock.Now},
		Location: m.Config.Location(), Clock: m.Clock, Log: m.Log, Languages: m.Language,
	}
	svc.Notifier = h

	h.Register(m.Router)
	m.Home.Add(home.Section{Name: "Requests", NameID: i18n.HomeSectionRequests, Order: 10, Render: h.HomeSection})
	m.HTTP.Handle("POST /api/v1/requests/{id}/status", httpapi.RequestStatus(svc))
	if err := m.Scheduler.Add(schedule.Job{Name: "selfservice-handover", Every: time.Minute, Run: svc.HandOver}); err != nil {
		return err
	}
	return m.Scheduler.Add(schedule.Job{Name: "selfservice-sla", Every: 5 * time.Minute, Run: svc.NudgeOverdue})
}

// selfServiceCatalog turns the validated config into the domain's request
// types. A type's automation is the hook named after the type (see
// automationHooks).
func selfServiceCatalog(types []config.RequestType) []selfservice.Type {
	out := make([]selfservice.Type, 0, len(types))
	for _, rt := range types {
		t := selfservice.Type{
			ID: rt.ID, Title: rt.Title, Description: rt.Description, ManualMinutes: rt.ManualMinutes, SLA: rt.SLA.D(),
			Approval: selfservice.Approval{Policy: rt.Approval.Policy, UserGroup: rt.Approval.UserGroup, Required: rt.Approval.Required},
		}
		if rt.Automation.Enabled() {
			t.Automation = selfservice.Automation{Hook: rt.ID, CallbackToken: rt.Automation.CallbackToken()}
		}
		for _, f := range rt.Fields {
			sf := selfservice.Field{
				ID: f.ID, Label: f.Label, Type: f.Type, Required: f.Required, Hint: f.Hint, Default: f.Default,
				Standard: f.Standard, Pattern: f.Pattern, PatternHint: f.PatternHint, Min: f.Min, Max: f.Max, Decimal: f.Decimal,
			}
			for _, o := range f.Options {
				sf.Options = append(sf.Options, selfservice.Option{Value: o.Value, Label: o.Label})
			}
			t.Fields = append(t.Fields, sf)
		}
		out = append(out, t)
	}
	return out
}

// automationHooks finds a request type's automation webhook by the type's
// id, with its configured limits. The secret is read when the call is
// made.
func automationHooks(types []config.RequestType) func(name string) (webhook.Hook, bool) {
	byID := map[string]config.Automation{}
	for _, rt := range types {
		if rt.Automation.Enabled() {
			byID[rt.ID] = rt.Automation
		}
	}
	return func(name string) (webhook.Hook, bool) {
		a, ok := byID[name]
		if !ok {
			return webhook.Hook{}, false
		}
		h := webhook.Hook{URL: a.URL, Secret: a.Secret(), Timeout: a.Timeout.D(), Attempts: a.Attempts, Backoff: a.Backoff.D()}
		if h.Timeout <= 0 {
			h.Timeout = config.DefaultAutomationTimeout
		}
		if h.Attempts <= 0 {
			h.Attempts = config.DefaultAutomationAttempts
		}
		if h.Backoff <= 0 {
			h.Backoff = config.DefaultAutomationBackoff
		}
		return h, true
	}
}

// seedSelfService adds sample requests for `console --demo`: a few done
// ones (rated, some with no human step) and open ones waiting for the
// platform team. It does nothing when requests exist or the catalog is
// empty, and sends nothing (the events are recorded as sent). The
// requests go through the same rules as real ones: their answers are
// validated by the catalog and they carry the requester's team.
func (m *Main) seedSelfService(ctx context.Context) error {
	if len(m.Config.Catalog) == 0 {
		return nil
	}
	store := storage.NewSelfServiceStore(m.DB)
	var n int64
	if err := m.DB.WithContext(ctx).Table("selfservice_requests").Count(&n).Error; err != nil || n > 0 {
		return err
	}
	catalog, err := selfservice.NewCatalog(selfServiceCatalog(m.Config.Catalog))
	if err != nil {
		return err
	}
	people := &hselfservice.People{People: m.People}
	now := m.Clock.Now().UTC()
	seeds, err := demoRequests(ctx, catalog, people, now.In(m.Config.Location()))
	if err != nil {
		return err
	}
	for i, s := range seeds {
		if err := store.CreateRequest(ctx, s.r, s.events()); err != nil {
			return err
		}
		if s.rating > 0 {
			if err := store.Rate(ctx, s.r.ID, s.r.Requester, s.rating, now.Add(-time.Duration(i)*time.Hour)); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoAdmin is the admin of the built-in example configuration.
const demoAdmin = "UADMIN0001"

type demoRequest struct {
	r      *selfservice.Request
	rating int
}

// events records the request's history, marked sent so that the demo
// starts quiet.
func (d demoRequest) events() []selfservice.Event {
	r := d.r
	ev := func(at time.Time, actor string, from, to selfservice.State) selfservice.Event {
		return selfservice.Event{Kind: selfservice.EventTransition, At: at, Actor: actor, From: from, To: to, Silent: true}
	}
	evs := []selfservice.Event{ev(r.CreatedAt, r.Requester, "", selfservice.Submitted)}
	from := selfservice.Submitted
	if r.NeedsApproval {
		evs = append(evs, ev(r.CreatedAt, "", from, selfservice.PendingApproval))
		from = selfservice.PendingApproval
	}
	if r.State == selfservice.Done {
		finisher := demoAdmin
		if r.HasAutomation {
			finisher = selfservice.ActorAutomation
		}
		evs = append(evs, ev(r.CreatedAt.Add(time.Minute), r.DecidedBy, from, selfservice.Approved),
			ev(r.DoneAt, finisher, selfservice.Approved, selfservice.Done))
	}
	return evs
}

// demoRequests builds sample requests of the first catalog types; now is
// in the configured zone (the demo users' today).
func demoRequests(ctx context.Context, catalog *selfservice.Catalog, people selfservice.People, now time.Time) ([]demoRequest, error) {
	types := catalog.Types()
	var out []demoRequest
	for i, t := range types[:min(3, len(types))] {
		created := now.Add(-time.Duration(72-i*20) * time.Hour)
		base := func(requester string, at time.Time) (*selfservice.Request, error) {
			return demoBase(ctx, t, people, requester, at)
		}
		policy := t.Policy(false)
		needs := policy.Needed()
		r, err := base("UCONSOLE", created)
		if err != nil {
			return nil, err
		}
		done := demoRequest{r: r, rating: 5 - i}
		done.r.State, done.r.HumanStep = selfservice.Done, needs || !t.Automation.Enabled()
		done.r.DoneAt, done.r.ClosedAt, done.r.UpdatedAt = created.Add(3*time.Minute), created.Add(3*time.Minute), created.Add(3*time.Minute)
		if needs {
			done.r.Approvals = done.r.ApprovalsRequired
			done.r.DecidedBy, done.r.DecidedAt = demoAdmin, created.Add(time.Minute)
		}
		out = append(out, done)
		if !needs {
			continue
		}
		for j, who := range []string{"UDEV000002", "UCONSOLE"} { // someone else's for the queue, one of yours
			r, err := base(who, now.Add(-time.Duration(5+i-3*j)*time.Hour))
			if err != nil {
				return nil, err
			}
			r.State = selfservice.PendingApproval
			out = append(out, demoRequest{r: r})
		}
	}
	return out, nil
}

// demoBase files a request of type t as the form would: answers made up
// per field kind and validated by the catalog, the requester's team, the
// policy, the SLA. A made-up answer the catalog refuses is an error: the
// demo must show what real input gives.
func demoBase(ctx context.Context, t *selfservice.Type, people selfservice.People, requester string, created time.Time) (*selfservice.Request, error) {
	values, err := t.Validate(demoInput(t, requester, created), created)
	if err != nil {
		return nil, fmt.Errorf("demo request of type %s: %w", t.ID, err)
	}
	team, err := people.TeamOf(ctx, requester)
	if err != nil {
		return nil, err
	}
	exception := selfservice.IsException(values)
	policy := t.Policy(exception)
	r := &selfservice.Request{
		Type: t.ID, TypeTitle: t.Title, Requester: requester, Team: team, Fields: values, Exception: exception,
		NeedsApproval: policy.Needed(), ApprovalsRequired: policy.Required,
		HasAutomation: t.Automation.Enabled(), ManualMinutes: t.ManualMinutes, CreatedAt: created.UTC(), UpdatedAt: created.UTC(),
	}
	if t.SLA > 0 {
		r.SLADueAt = r.CreatedAt.Add(t.SLA)
	}
	return r, nil
}

// demoInput makes up an answer for every field: its default, else its
// first option, else something of its kind within its bounds.
func demoInput(t *selfservice.Type, requester string, today time.Time) selfservice.Input {
	in := selfservice.Input{}
	for _, f := range t.Fields {
		v := append([]string(nil), f.Default...)
		switch {
		case len(v) > 0:
		case len(f.Options) > 0:
			v = []string{f.Options[0].Value}
		case f.Type == config.FieldDate:
			lo, hi := selfservice.DateBounds(f)
			days := 30
			if hi != nil {
				days = min(days, *hi)
			}
			if lo != nil {
				days = max(days, *lo)
			}
			v = []string{today.AddDate(0, 0, days).Format(time.DateOnly)}
		case f.Type == config.FieldNumber && f.Min != nil:
			v = []string{strconv.FormatFloat(*f.Min, 'f', -1, 64)}
		case f.Type == config.FieldNumber:
			v = []string{"1"}
		case f.Type == config.FieldUser:
			v = []string{requester}
		case f.Type == config.FieldChannel:
			v = []string{"CCONSOLE"}
		case f.Type == config.FieldText, f.Type == config.FieldTextarea:
			v = []string{"demo-" + t.ID}
			if f.Type == config.FieldTextarea {
				v = []string{"Demo request: sample data for the console."}
			}
		}
		if len(v) > 0 {
			in[f.ID] = v
		}
	}
	return in
}
