package main

import (
	"context"
	"time"

	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/handlers"
	"github.com/platformbot/platformbot/httpapi"
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
	people := &handlers.SelfServicePeople{Admins: m.Admins, People: m.People}
	svc := &selfservice.Service{Store: storage.NewSelfServiceStore(m.DB), Catalog: catalog, People: people, Clock: m.Clock,
		OnNotifyError: func(_ context.Context, err error) {
			m.Log.Warn().Err(err).Msg("self-service: follow-up not queued yet; the hand-over job retries it (the change itself is saved)")
		}}
	h := &handlers.SelfService{
		Svc: svc, Slack: m.Slack, Outbox: m.Outbox, Command: m.Config.Slack.Commands.Platform, TriageChannel: m.Config.Slack.TriageChannel,
		Webhooks: &webhook.Client{Hooks: automationHooks(m.Config.Catalog), Now: m.Clock.Now},
		Location: m.Config.Location(), Clock: m.Clock, Log: m.Log,
	}
	svc.Notifier = h

	h.Register(m.Router)
	m.Home.Add(h.HomeSection())
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
// empty, and sends nothing (the events are recorded as sent).
func (m *Main) seedSelfService(ctx context.Context) error {
	if len(m.Config.Catalog) == 0 {
		return nil
	}
	store := storage.NewSelfServiceStore(m.DB)
	var n int64
	if err := m.DB.WithContext(ctx).Table("selfservice_requests").Count(&n).Error; err != nil || n > 0 {
		return err
	}
	now := m.Clock.Now().UTC()
	for i, s := range demoRequests(m.Config.Catalog, now) {
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

// demoRequests builds sample requests from the first catalog types.
func demoRequests(types []config.RequestType, now time.Time) []demoRequest {
	var out []demoRequest
	for i, t := range types[:min(3, len(types))] {
		created := now.Add(-time.Duration(72-i*20) * time.Hour)
		needs := t.Approval.Policy != "" && t.Approval.Policy != config.ApprovalNone
		done := demoRequest{r: demoBase(t, "UCONSOLE", created), rating: 5 - i}
		done.r.State, done.r.NeedsApproval, done.r.HumanStep = selfservice.Done, needs, needs || !t.Automation.Enabled()
		done.r.DoneAt, done.r.ClosedAt, done.r.UpdatedAt = created.Add(3*time.Minute), created.Add(3*time.Minute), created.Add(3*time.Minute)
		if needs {
			done.r.ApprovalsRequired, done.r.Approvals = 1, 1
			done.r.DecidedBy, done.r.DecidedAt = demoAdmin, created.Add(time.Minute)
		}
		out = append(out, done)
		if !needs {
			continue
		}
		for j, who := range []string{"UDEV000002", "UCONSOLE"} { // someone else's for the queue, one of yours
			open := demoRequest{r: demoBase(t, who, now.Add(-time.Duration(5+i-3*j)*time.Hour))}
			open.r.State, open.r.NeedsApproval, open.r.ApprovalsRequired = selfservice.PendingApproval, true, max(1, t.Approval.Required)
			if t.SLA > 0 {
				open.r.SLADueAt = open.r.CreatedAt.Add(t.SLA.D())
			}
			out = append(out, open)
		}
	}
	return out
}

func demoBase(t config.RequestType, requester string, created time.Time) *selfservice.Request {
	r := &selfservice.Request{
		Type: t.ID, TypeTitle: t.Title, Requester: requester, HasAutomation: t.Automation.Enabled(),
		ManualMinutes: t.ManualMinutes, CreatedAt: created, UpdatedAt: created,
	}
	for _, f := range t.Fields {
		v := selfservice.FieldValue{ID: f.ID, Label: f.Label, Kind: f.Type, Values: append([]string(nil), f.Default...)}
		if len(v.Values) == 0 && len(f.Options) > 0 {
			v.Values = []string{f.Options[0].Value}
		}
		if len(v.Values) == 0 && (f.Type == config.FieldText || f.Type == config.FieldTextarea) {
			v.Values = []string{"demo"}
		}
		for _, val := range v.Values {
			for _, o := range f.Options {
				if o.Value == val {
					v.Texts = append(v.Texts, o.Text())
				}
			}
		}
		r.Fields = append(r.Fields, v)
	}
	return r
}
