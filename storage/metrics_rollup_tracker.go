package storage

import (
	"maps"
	"slices"

	"gorm.io/gorm"
)

// rollupTracker follows the raw rows one transaction changes. Rows are
// noted under a row lock (FOR UPDATE on PostgreSQL, in id order): the
// state noted is then the one this transaction changes, not one that a
// concurrent ingest is about to replace, so two ingests touching the same
// deployment (two incidents blamed on it, say) each apply their own
// difference. A row that did not exist cannot be locked: inserts go first
// with ON CONFLICT DO NOTHING, and a row noted absent that exists when it
// is locked again, not inserted by this transaction, was inserted by a
// concurrent one: it is noted again, locked, before it is changed.
type rollupTracker struct {
	s    *Metrics
	deps map[string]*depFacts // before this transaction changed them; nil: absent
	incs map[string]*incFacts
	// depOurs and incOurs are the rows this transaction inserted.
	depOurs, incOurs map[string]bool
	// depNow holds what the statement that last changed a deployment
	// returned of it, so that the flush reads again only the others
	// (depDirty).
	depNow   map[string]depFacts
	depDirty map[string]bool
}

func (s *Metrics) track() *rollupTracker {
	return &rollupTracker{s: s, deps: map[string]*depFacts{}, incs: map[string]*incFacts{},
		depOurs: map[string]bool{}, incOurs: map[string]bool{}, depNow: map[string]depFacts{}, depDirty: map[string]bool{}}
}

// note records the state of a row just locked (nil: it does not exist)
// unless the transaction noted it before, when the row was absent and has
// since been inserted by someone else.
func note[F any](noted map[string]*F, ours map[string]bool, id string, cur *F) {
	before, seen := noted[id]
	if !seen || (before == nil && cur != nil && !ours[id]) {
		noted[id] = cur
	}
}

// lockDeployments locks the deployments of ids that exist, notes their
// state (see note) and returns it; ids absent from the map do not exist.
func (t *rollupTracker) lockDeployments(tx *gorm.DB, ids []string) (map[string]depFacts, error) {
	cur, err := loadDepFacts(tx, ids, true)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		t.depDirty[id] = true
		var f *depFacts
		if c, ok := cur[id]; ok {
			f = &c
		}
		note(t.deps, t.depOurs, id, f)
	}
	return cur, nil
}

// settled records a deployment's state as the statement that changed it
// returned it.
func (t *rollupTracker) settled(f depFacts) {
	t.depNow[f.ID] = f
	delete(t.depDirty, f.ID)
}

// lockIncidents is lockDeployments for incidents.
func (t *rollupTracker) lockIncidents(tx *gorm.DB, ids []string) error {
	cur, err := loadIncFacts(tx, "i.id", ids, true)
	if err != nil {
		return err
	}
	for _, id := range ids {
		var f *incFacts
		if c, ok := cur[id]; ok {
			f = &c
		}
		note(t.incs, t.incOurs, id, f)
	}
	return nil
}

// notedAbsent reports whether the incident was noted as not existing.
func (t *rollupTracker) notedAbsent(id string) bool {
	before, seen := t.incs[id]
	return seen && before == nil
}

// namingNew notes the incidents that name a deployment this transaction
// creates: they counted as naming an unknown deployment, and no longer
// do, though no statement of theirs changes.
func (t *rollupTracker) namingNew(tx *gorm.DB, incs []incidentRow) error {
	var ids []string
	for _, in := range incs {
		before, tracked := t.deps[in.DeploymentID]
		if _, seen := t.incs[in.ID]; in.DeploymentID != "" && tracked && before == nil && !seen {
			ids = append(ids, in.ID)
		}
	}
	cur, err := loadIncFacts(tx, "i.id", ids, true)
	if err != nil {
		return err
	}
	for id, f := range cur {
		f.Unknown = f.Attribution == attrGiven // before the deployment came
		t.incs[id] = &f
	}
	return nil
}

// flush reads what the noted rows contribute now and applies the
// difference to the rollups.
func (t *rollupTracker) flush(tx *gorm.DB) error {
	deps, incs := rollupDeltas{}, rollupDeltas{}
	var reload []string
	for id := range t.deps {
		if _, known := t.depNow[id]; !known || t.depDirty[id] {
			reload = append(reload, id)
		}
	}
	slices.Sort(reload)
	after, err := loadDepFacts(tx, reload, false)
	if err != nil {
		return err
	}
	for id, f := range t.depNow {
		if _, ok := after[id]; !ok && !t.depDirty[id] {
			after[id] = f
		}
	}
	for id, before := range t.deps {
		now, ok := after[id]
		if ok && before != nil && now == *before {
			continue
		}
		var nowp *depFacts
		if ok {
			nowp = &now
		}
		if err := t.s.deployment(deps, before, -1); err != nil {
			return err
		}
		if err := t.s.deployment(deps, nowp, 1); err != nil {
			return err
		}
	}
	incAfter, err := loadIncFacts(tx, "i.id", slices.Sorted(maps.Keys(t.incs)), false)
	if err != nil {
		return err
	}
	for id, before := range t.incs {
		now, ok := incAfter[id]
		if ok && before != nil && now == *before {
			continue
		}
		var nowp *incFacts
		if ok {
			nowp = &now
		}
		if err := incident(incs, before, -1); err != nil {
			return err
		}
		if err := incident(incs, nowp, 1); err != nil {
			return err
		}
	}
	*t = *t.s.track()
	if err := applyDeltas(tx, deploymentRollups, deps); err != nil {
		return err
	}
	return applyDeltas(tx, incidentRollups, incs)
}
