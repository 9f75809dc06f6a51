package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/platformbot/platformbot/config"
	"github.com/platformbot/platformbot/handlers"
	"github.com/platformbot/platformbot/httpapi"
	"github.com/platformbot/platformbot/schedule"
	"github.com/platformbot/platformbot/selfservice"
	"github.com/platformbot/platformbot/storage"
)

// wireSelfService registers the feature's routes, home section, jobs and
// HTTP routes. Work that follows a transition (notifications, webhooks)
// runs in the dispatcher after the ack: woken at once by the service, and
// every minute by a job that also picks up what a previous process left.
func (m *Main) wireSelfService(ctx context.Context) error {
	catalog, err := selfservice.NewCatalog(m.Config.Catalog)
	if err != nil {
		return err
	}
	people := &handlers.SelfServicePeople{Admins: m.Admins, Slack: m.Slack, Teams: m.Config.Teams, Now: m.Clock.Now}
	svc := &selfservice.Service{Store: storage.NewSelfServiceStore(m.DB), Catalog: catalog, People: people, Clock: m.Clock, Location: m.Config.Location()}
	h := &handlers.SelfService{
		Svc: svc, Slack: m.Slack, Command: m.Config.Slack.Commands.Platform, TriageChannel: m.Config.Slack.TriageChannel,
		Location: m.Config.Location(), Clock: m.Clock, Log: m.Log,
	}
	d := &selfservice.Dispatcher{Service: svc, Messenger: h, Webhooks: &selfservice.Webhooks{}, Log: m.Log}
	svc.Wake = d.Wake
	m.settlers = append(m.settlers, func(ctx context.Context) error {
		err := d.Pass(ctx) // waits for a pass under way, then delivers what is left
		d.Wait()
		return err
	})
	stop := d.Start(context.WithoutCancel(ctx))
	m.closers = append(m.closers, func() error { stop(); return nil })

	h.Register(m.Router)
	m.Home.Add(h.HomeSection())
	m.HTTP.Handle("POST /api/v1/requests/{id}/status", httpapi.RequestStatus(svc))
	if err := m.Scheduler.Add(schedule.Job{Name: "selfservice-dispatch", Every: time.Minute, Run: d.Pass}); err != nil {
		return err
	}
	return m.Scheduler.Add(schedule.Job{Name: "selfservice-sla", Every: 5 * time.Minute, Run: d.NudgeOverdue})
}

// seedSelfService adds sample requests for `console --demo`: a few done
// ones (rated, some with no human step) and open ones waiting for the
// platform team. It does nothing when requests exist or the catalog is
// empty, and sends nothing (the events are recorded as delivered). The
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
	catalog, err := selfservice.NewCatalog(m.Config.Catalog)
	if err != nil {
		return err
	}
	people := &handlers.SelfServicePeople{Slack: m.Slack, Teams: m.Config.Teams, Now: m.Clock.Now}
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

// events records the request's history, marked delivered so that the
// demo starts quiet.
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
	if sla := t.SLA(); sla > 0 {
		r.SLADueAt = r.CreatedAt.Add(sla)
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
