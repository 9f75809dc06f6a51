package main

import (
	"context"
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
// empty, and sends nothing (the events are recorded as delivered).
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
