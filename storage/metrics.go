package storage

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/platformbot/platformbot/metrics"
)

// Metrics stores deployments, incidents, commits, bot activity and digest
// claims, and answers the report queries (metrics_stats.go). It implements
// metrics.Ingester and metrics.Store.
type Metrics struct {
	db         *DB
	window     time.Duration // incident attribution window
	production []string      // production environment names, lower-case
	now        func() time.Time
	// portableMedians makes PostgreSQL use the window-function medians too;
	// tests set it to check that both forms agree.
	portableMedians bool
	// rawOnly makes reports read the raw tables, never the rollups; tests
	// set it to compare both.
	rawOnly bool
	ready   atomic.Bool // the rollups match this store's settings
	// inlineLimit is the size up to which a samples blob is read whole
	// (metrics_rollup_read.go); tests lower it to read every day in two.
	inlineLimit int
}

// MetricsOptions configure a Metrics store.
type MetricsOptions struct {
	AttributionWindow      time.Duration
	ProductionEnvironments []string
	Now                    func() time.Time // nil: time.Now
}

// NewMetrics returns the metrics store.
func NewMetrics(db *DB, opt MetricsOptions) *Metrics {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if len(opt.ProductionEnvironments) == 0 {
		opt.ProductionEnvironments = []string{"production"}
	}
	return &Metrics{db: db, window: opt.AttributionWindow, production: opt.ProductionEnvironments, now: opt.Now,
		inlineLimit: defaultInlineLimit}
}

// Incident attribution kinds, stored in incidents.attribution.
const (
	attrGiven    = "given"    // the sender named the deployment
	attrWindow   = "window"   // latest production deployment of the service within the window
	attrNone     = "none"     // unattributed
	attrExcluded = "excluded" // not deployment-caused
)

// deploymentRow is the live model of the deployments table.
type deploymentRow struct {
	ID            string `gorm:"primaryKey"`
	Source        string
	Service       string
	Team          string
	Environment   string
	Status        string
	CommitSHA     string `gorm:"column:commit_sha"`
	CommitAt      *time.Time
	StartedAt     time.Time
	FinishedAt    time.Time
	Unplanned     bool
	LeadTimeS     *int64 `gorm:"column:lead_time_s"`
	Incidents     int
	OpenIncidents int
	RecoveryS     *int64 `gorm:"column:recovery_s"`
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

func (deploymentRow) TableName() string { return "deployments" }

// incidentRow is the live model of the incidents table.
type incidentRow struct {
	ID                  string `gorm:"primaryKey"`
	Source              string
	Service             string
	Team                string
	Title               string
	OpenedAt            time.Time
	ResolvedAt          *time.Time
	DeploymentID        string
	NotDeploymentCaused bool
	Attribution         string
	CauseDeploymentID   *string
	RestoreS            *int64 `gorm:"column:restore_s"`
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

func (incidentRow) TableName() string { return "incidents" }

type commitRow struct {
	SHA         string `gorm:"column:sha;primaryKey"`
	CommittedAt time.Time
}

func (commitRow) TableName() string { return "commits" }

type webhookDeliveryRow struct {
	Source     string `gorm:"primaryKey"`
	DeliveryID string `gorm:"primaryKey"`
	ReceivedAt time.Time
}

func (webhookDeliveryRow) TableName() string { return "webhook_deliveries" }

// upsertChunk keeps multi-row statements well under both databases'
// parameter limits.
const upsertChunk = 500

// Ingest stores a batch in one transaction: nothing is stored if any part
// fails, and a webhook delivery seen before stores nothing again. The
// rollups change in the same transaction.
func (s *Metrics) Ingest(ctx context.Context, b metrics.Batch) (res metrics.IngestResult, err error) {
	defer metricsWrap(&err, "Metrics.Ingest")
	// An id given twice in one batch is one item: the later one wins, as
	// if it had been sent afterwards, and it is counted once.
	n := len(b.Deployments) + len(b.Incidents) + len(b.Commits)
	b.Deployments = lastByID(b.Deployments, func(d metrics.Deployment) string { return d.ID })
	b.Incidents = lastByID(b.Incidents, func(i metrics.Incident) string { return i.ID })
	b.Commits = lastByID(b.Commits, func(c metrics.Commit) string { return c.SHA })
	repeated := n - len(b.Deployments) - len(b.Incidents) - len(b.Commits)
	err = s.transact(ctx, func(tx *gorm.DB) error {
		res = metrics.IngestResult{}
		if b.Delivery != nil {
			fresh, err := s.claimDelivery(tx, *b.Delivery)
			if err != nil || !fresh {
				res.Duplicate = !fresh
				return err
			}
		}
		tr := s.track()
		if err := s.upsertCommits(tx, tr, b.Commits); err != nil {
			return err
		}
		if err := s.upsertDeployments(tx, tr, b.Deployments); err != nil {
			return err
		}
		if err := s.upsertIncidents(tx, tr, b.Incidents); err != nil {
			return err
		}
		if err := tr.flush(tx); err != nil {
			return err
		}
		res.Commits, res.Deployments, res.Incidents, res.Repeated = len(b.Commits), len(b.Deployments), len(b.Incidents), repeated
		return nil
	})
	return res, err
}

// transact runs fn in a transaction, again when PostgreSQL aborted it to
// break a deadlock: ingests that touch the same deployments and incidents
// lock them in an order that depends on what they hold (attribution finds
// the deployments to blame as it goes), and the database picks one to
// abort. fn must start from scratch each time.
func (s *Metrics) transact(ctx context.Context, fn func(tx *gorm.DB) error) error {
	for attempt := 1; ; attempt++ {
		err := s.db.Transact(ctx, fn)
		var pgErr *pgconn.PgError
		if attempt == 8 || !errors.As(err, &pgErr) || pgErr.Code != "40P01" {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Duration(attempt) * time.Duration(5+rand.IntN(20)) * time.Millisecond):
		}
	}
}

// claimDelivery records a webhook delivery and reports whether it is new.
func (s *Metrics) claimDelivery(tx *gorm.DB, d metrics.WebhookDelivery) (bool, error) {
	r := tx.Clauses(clause.OnConflict{DoNothing: true}).
		Create(&webhookDeliveryRow{Source: d.Source, DeliveryID: d.ID, ReceivedAt: s.now().UTC()})
	return r.RowsAffected == 1, r.Error
}

// ForgetDeliveriesBefore deletes delivery ids older than t; senders stop
// redelivering after hours, so a week of memory is plenty.
func (s *Metrics) ForgetDeliveriesBefore(ctx context.Context, t time.Time) error {
	if err := s.db.WithContext(ctx).Where("received_at < ?", t.UTC()).Delete(&webhookDeliveryRow{}).Error; err != nil {
		return fmt.Errorf("storage: forget webhook deliveries before %s: %w", t.UTC().Format(time.RFC3339), err)
	}
	return nil
}

// upsertCommits stores commit times and gives deployments of those shas
// that had none their commit time and lead time.
func (s *Metrics) upsertCommits(tx *gorm.DB, tr *rollupTracker, commits []metrics.Commit) error {
	if len(commits) == 0 {
		return nil
	}
	bySHA := map[string]time.Time{}
	for _, c := range commits {
		bySHA[c.SHA] = c.At.UTC()
	}
	rows := make([]commitRow, 0, len(bySHA))
	for sha, at := range bySHA {
		rows = append(rows, commitRow{SHA: sha, CommittedAt: at})
	}
	slices.SortFunc(rows, func(a, b commitRow) int { return compareStrings(a.SHA, b.SHA) })
	err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "sha"}}, DoUpdates: clause.AssignmentColumns([]string{"committed_at"})}).
		CreateInBatches(rows, upsertChunk).Error
	if err != nil {
		return err
	}
	for chunk := range slices.Chunk(rows, upsertChunk) {
		shas := make([]string, len(chunk))
		for i, r := range chunk {
			shas[i] = r.SHA
		}
		var deps []deploymentRow
		if err := tx.Select("id", "commit_sha", "finished_at").Where("commit_sha IN ? AND commit_at IS NULL", shas).Find(&deps).Error; err != nil {
			return err
		}
		deps = slices.DeleteFunc(deps, func(d deploymentRow) bool {
			return bySHA[d.CommitSHA].After(d.FinishedAt) // not the commit this deployment shipped
		})
		ids := make([]string, len(deps))
		for i, d := range deps {
			ids[i] = d.ID
		}
		if _, err := tr.lockDeployments(tx, ids); err != nil {
			return err
		}
		for _, d := range deps {
			at := bySHA[d.CommitSHA]
			lead := int64(d.FinishedAt.Sub(at) / time.Second)
			if err := tx.Model(&deploymentRow{}).Where("id = ?", d.ID).
				Updates(map[string]any{"commit_at": at, "lead_time_s": lead}).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// upsertDeployments inserts or updates deployments by id, then redoes the
// attribution of incidents the new deployments may change.
func (s *Metrics) upsertDeployments(tx *gorm.DB, tr *rollupTracker, deps []metrics.Deployment) error {
	if len(deps) == 0 {
		return nil
	}
	if err := s.fillCommitTimes(tx, deps); err != nil {
		return err
	}
	ids := make([]string, len(deps))
	for i, d := range deps {
		ids[i] = d.ID
	}
	cur, err := tr.lockDeployments(tx, ids)
	if err != nil {
		return err
	}
	now := s.now().UTC()
	rows := make([]deploymentRow, len(deps))
	for i, d := range deps {
		rows[i] = deploymentRow{
			ID: d.ID, Source: d.Source, Service: d.Service, Team: d.Team, Environment: d.Environment,
			Status: d.Status, CommitSHA: d.CommitSHA, StartedAt: d.StartedAt.UTC(), FinishedAt: d.FinishedAt.UTC(),
			Unplanned: d.Unplanned, CreatedAt: now, UpdatedAt: now,
		}
		if !d.CommitAt.IsZero() {
			at := d.CommitAt.UTC()
			lead := int64(d.FinishedAt.Sub(at) / time.Second)
			rows[i].CommitAt, rows[i].LeadTimeS = &at, &lead
		}
	}
	if isPostgres(tx) {
		err = pgUpsertDeployments(tx, tr, rows, cur)
	} else {
		// One writer at a time: the rows that did not exist are this
		// transaction's.
		for _, r := range rows {
			if _, ok := cur[r.ID]; !ok {
				tr.depOurs[r.ID] = true
			}
		}
		err = tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "id"}},
			DoUpdates: clause.AssignmentColumns(deploymentUpdates),
		}).CreateInBatches(rows, upsertChunk).Error
	}
	if err != nil {
		return err
	}
	return s.reattributeAround(tx, tr, rows)
}

// deploymentUpdates are the columns a re-posted deployment overwrites; the
// others are kept (created_at) or follow from incidents.
var deploymentUpdates = []string{"source", "service", "team", "environment", "status",
	"commit_sha", "commit_at", "started_at", "finished_at", "unplanned", "lead_time_s", "updated_at"}

// fillCommitTimes gives deployments without a commit time the time of
// their sha, when a push event told us.
func (s *Metrics) fillCommitTimes(tx *gorm.DB, deps []metrics.Deployment) error {
	var shas []string
	for _, d := range deps {
		if d.CommitAt.IsZero() && d.CommitSHA != "" {
			shas = append(shas, d.CommitSHA)
		}
	}
	known := map[string]time.Time{}
	for chunk := range slices.Chunk(shas, upsertChunk) {
		var rows []commitRow
		if err := tx.Where("sha IN ?", chunk).Find(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			known[r.SHA] = r.CommittedAt
		}
	}
	for i, d := range deps {
		if at, ok := known[d.CommitSHA]; ok && d.CommitAt.IsZero() && !at.After(d.FinishedAt) {
			deps[i].CommitAt = at
		}
	}
	return nil
}

// lastByID keeps the last item of each id, in first-seen order: one
// statement may not update the same row twice.
func lastByID[T any](xs []T, id func(T) string) []T {
	pos := map[string]int{}
	var out []T
	for _, x := range xs {
		if i, ok := pos[id(x)]; ok {
			out[i] = x
			continue
		}
		pos[id(x)] = len(out)
		out = append(out, x)
	}
	return out
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// metricsWrap prefixes an error with the method it came from, keeping it
// errors.Is-able.
func metricsWrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("storage."+format+": %w", append(args, *errp)...)
	}
}
