package storage

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/platformbot/platformbot/ideas"
)

// ideaRow is the live model of the ideas table.
type ideaRow struct {
	ID         int64 `gorm:"primaryKey"`
	Title      string
	Problem    string
	Affected   string
	Link       string
	Author     string
	AuthorTeam string
	Status     string
	Reason     string
	StatusBy   string
	StatusAt   *time.Time
	MergedInto *int64
	Votes      int
	Version    int64
	Channel    string
	TS         string `gorm:"column:ts"`
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (ideaRow) TableName() string { return "ideas" }

// ideaVoteRow is the live model of the idea_votes table.
type ideaVoteRow struct {
	IdeaID    int64  `gorm:"primaryKey;autoIncrement:false"`
	UserID    string `gorm:"primaryKey"`
	Team      string
	CreatedAt time.Time
}

func (ideaVoteRow) TableName() string { return "idea_votes" }

func (r ideaRow) domain() ideas.Idea {
	i := ideas.Idea{
		ID: r.ID, Title: r.Title, Problem: r.Problem, Affected: r.Affected, Link: r.Link,
		Author: r.Author, AuthorTeam: r.AuthorTeam, Status: ideas.Status(r.Status), Reason: r.Reason,
		StatusBy: r.StatusBy, Votes: r.Votes, Version: r.Version, Channel: r.Channel, TS: r.TS,
		CreatedAt: r.CreatedAt.UTC(),
	}
	if r.StatusAt != nil {
		i.StatusAt = r.StatusAt.UTC()
	}
	if r.MergedInto != nil {
		i.MergedInto = *r.MergedInto
	}
	return i
}

// IdeaStore implements ideas.Store.
type IdeaStore struct{ db *DB }

// NewIdeaStore returns the idea board's store.
func NewIdeaStore(db *DB) *IdeaStore { return &IdeaStore{db: db} }

var _ ideas.Store = (*IdeaStore)(nil)

// Create inserts a new idea.
func (s *IdeaStore) Create(ctx context.Context, i ideas.Idea) (_ ideas.Idea, err error) {
	defer ideaWrap(&err, "IdeaStore.Create")
	now := i.CreatedAt.UTC()
	row := ideaRow{
		Title: i.Title, Problem: i.Problem, Affected: i.Affected, Link: i.Link, Author: i.Author,
		AuthorTeam: i.AuthorTeam, Status: string(ideas.Open), Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return ideas.Idea{}, err
	}
	return row.domain(), nil
}

// Idea returns one idea.
func (s *IdeaStore) Idea(ctx context.Context, id int64) (_ ideas.Idea, err error) {
	defer ideaWrap(&err, "IdeaStore.Idea(%d)", id)
	var row ideaRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return ideas.Idea{}, notFoundAs(err, ideas.ErrNotFound)
	}
	return row.domain(), nil
}

// lockIdea reads an idea and, on PostgreSQL, locks its row until the
// transaction ends: every change to an idea's votes or status takes this
// lock first, so they apply one after the other and a vote never lands on
// an idea that a concurrent merge or decision has just closed. SQLite's
// single connection serialises the transactions anyway.
func lockIdea(tx *gorm.DB, id int64) (ideaRow, error) {
	var row ideaRow
	err := tx.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(&row).Error
	return row, notFoundAs(err, ideas.ErrNotFound)
}

func notFoundAs(err, sentinel error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return sentinel
	}
	return err
}

// AddVote inserts the vote unless the person has one (the primary key
// decides, so concurrent double clicks count once) and recounts.
func (s *IdeaStore) AddVote(ctx context.Context, id int64, v ideas.Vote) (_ ideas.Idea, added bool, err error) {
	defer ideaWrap(&err, "IdeaStore.AddVote(%d, %s)", id, v.User)
	var row ideaRow
	err = s.db.Transact(ctx, func(tx *gorm.DB) error {
		var err error
		if row, err = lockIdea(tx, id); err != nil {
			return err
		}
		if !ideas.Status(row.Status).Votable() {
			return &ideas.ClosedError{Idea: row.domain()}
		}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).
			Create(&ideaVoteRow{IdeaID: id, UserID: v.User, Team: v.Team, CreatedAt: v.At.UTC()})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		added = true
		return recount(tx, &row, v.At)
	})
	return row.domain(), added, err
}

// RemoveVote deletes the person's vote, if any, and recounts.
func (s *IdeaStore) RemoveVote(ctx context.Context, id int64, user string, at time.Time) (_ ideas.Idea, removed bool, err error) {
	defer ideaWrap(&err, "IdeaStore.RemoveVote(%d, %s)", id, user)
	var row ideaRow
	err = s.db.Transact(ctx, func(tx *gorm.DB) error {
		var err error
		if row, err = lockIdea(tx, id); err != nil {
			return err
		}
		if !ideas.Status(row.Status).Votable() {
			return &ideas.ClosedError{Idea: row.domain()}
		}
		res := tx.Where("idea_id = ? AND user_id = ?", id, user).Delete(&ideaVoteRow{})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		removed = true
		return recount(tx, &row, at)
	})
	return row.domain(), removed, err
}

// recount sets the idea's vote count from its votes and bumps its
// version; the caller holds the idea's lock.
func recount(tx *gorm.DB, row *ideaRow, at time.Time) error {
	var n int64
	if err := tx.Model(&ideaVoteRow{}).Where("idea_id = ?", row.ID).Count(&n).Error; err != nil {
		return err
	}
	row.Votes, row.Version, row.UpdatedAt = int(n), row.Version+1, at.UTC()
	return tx.Model(&ideaRow{}).Where("id = ?", row.ID).
		Updates(map[string]any{"votes": row.Votes, "version": row.Version, "updated_at": row.UpdatedAt}).Error
}

// SetStatus changes the status under the idea's lock and, for a decided
// status, reads the voters in the same transaction: votes are refused
// from then on, so the list is final.
func (s *IdeaStore) SetStatus(ctx context.Context, id int64, c ideas.Change) (_ ideas.Idea, voters []string, changed bool, err error) {
	defer ideaWrap(&err, "IdeaStore.SetStatus(%d, %s)", id, c.Status)
	var row ideaRow
	err = s.db.Transact(ctx, func(tx *gorm.DB) error {
		var err error
		if row, err = lockIdea(tx, id); err != nil {
			return err
		}
		if ideas.Status(row.Status) == ideas.Merged {
			return &ideas.ClosedError{Idea: row.domain()}
		}
		if row.Status == string(c.Status) && row.Reason == c.Reason {
			return nil
		}
		at := c.At.UTC()
		row.Status, row.Reason, row.StatusBy, row.StatusAt = string(c.Status), c.Reason, c.By, &at
		row.Version++
		row.UpdatedAt = at
		err = tx.Model(&ideaRow{}).Where("id = ?", id).Updates(map[string]any{
			"status": row.Status, "reason": row.Reason, "status_by": row.StatusBy, "status_at": at,
			"version": row.Version, "updated_at": at,
		}).Error
		if err != nil {
			return err
		}
		changed = true
		if !c.Status.Decided() {
			return nil
		}
		return tx.Model(&ideaVoteRow{}).Where("idea_id = ?", id).Order("created_at, user_id").Pluck("user_id", &voters).Error
	})
	return row.domain(), voters, changed, err
}

// Merge moves dup's votes to into in one transaction that holds both
// ideas' locks (taken in id order, so two merges cannot deadlock).
func (s *IdeaStore) Merge(ctx context.Context, dup, into int64, by string, at time.Time) (_ ideas.MergeResult, err error) {
	defer ideaWrap(&err, "IdeaStore.Merge(%d into %d)", dup, into)
	at = at.UTC()
	var res ideas.MergeResult
	err = s.db.Transact(ctx, func(tx *gorm.DB) error {
		rows := map[int64]ideaRow{}
		for _, id := range []int64{min(dup, into), max(dup, into)} {
			row, err := lockIdea(tx, id)
			if err != nil {
				return err
			}
			rows[id] = row
		}
		d, in := rows[dup], rows[into]
		switch {
		case ideas.Status(d.Status) == ideas.Merged:
			return &ideas.ClosedError{Idea: d.domain()}
		case ideas.Status(in.Status) == ideas.Merged || ideas.Status(in.Status).Decided():
			return &ideas.ClosedError{Idea: in.domain()}
		}
		moved, err := moveVotes(tx, dup, into)
		if err != nil {
			return err
		}
		res.Moved = moved
		if err := tx.Model(&ideaRow{}).Where("merged_into = ?", dup).Update("merged_into", into).Error; err != nil {
			return err
		}
		d.Status, d.MergedInto, d.StatusBy, d.StatusAt, d.Votes, d.Version, d.UpdatedAt = string(ideas.Merged), &into, by, &at, 0, d.Version+1, at
		err = tx.Model(&ideaRow{}).Where("id = ?", dup).Updates(map[string]any{
			"status": d.Status, "merged_into": into, "status_by": by, "status_at": at, "votes": 0,
			"version": d.Version, "updated_at": at,
		}).Error
		if err != nil {
			return err
		}
		if err := recount(tx, &in, at); err != nil {
			return err
		}
		res.Dup, res.Into = d.domain(), in.domain()
		return nil
	})
	return res, err
}

// moveVotes copies dup's votes to into, skipping people who voted for
// into already (the primary key), deletes dup's, and returns how many
// moved.
func moveVotes(tx *gorm.DB, dup, into int64) (int, error) {
	// The WHERE keeps SQLite from reading ON CONFLICT as part of a join.
	res := tx.Exec(`INSERT INTO idea_votes (idea_id, user_id, team, created_at)
		SELECT ?, user_id, team, created_at FROM idea_votes WHERE idea_id = ?
		ON CONFLICT DO NOTHING`, into, dup)
	if res.Error != nil {
		return 0, res.Error
	}
	if err := tx.Where("idea_id = ?", dup).Delete(&ideaVoteRow{}).Error; err != nil {
		return 0, err
	}
	return int(res.RowsAffected), nil
}

// SetMessage records the board message.
func (s *IdeaStore) SetMessage(ctx context.Context, id int64, channel, ts string) (_ ideas.Idea, err error) {
	defer ideaWrap(&err, "IdeaStore.SetMessage(%d)", id)
	res := s.db.WithContext(ctx).Model(&ideaRow{}).Where("id = ?", id).Updates(map[string]any{"channel": channel, "ts": ts})
	if res.Error != nil {
		return ideas.Idea{}, res.Error
	}
	if res.RowsAffected == 0 {
		return ideas.Idea{}, ideas.ErrNotFound
	}
	return s.Idea(ctx, id)
}

// List returns the ideas that match f.
func (s *IdeaStore) List(ctx context.Context, f ideas.Filter) (_ []ideas.Idea, err error) {
	defer ideaWrap(&err, "IdeaStore.List")
	q := s.db.WithContext(ctx).Model(&ideaRow{})
	if len(f.Statuses) > 0 {
		q = q.Where("status IN ?", statusStrings(f.Statuses))
	} else {
		q = q.Where("status <> ?", string(ideas.Merged))
	}
	if f.Person != "" {
		q = q.Where("(author = ? OR id IN (SELECT idea_id FROM idea_votes WHERE user_id = ?))", f.Person, f.Person)
	}
	if f.Newest {
		q = q.Order("created_at DESC, id DESC")
	} else {
		q = q.Order("id")
	}
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	var rows []ideaRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]ideas.Idea, len(rows))
	for k, r := range rows {
		out[k] = r.domain()
	}
	return out, nil
}

func statusStrings(st []ideas.Status) []string {
	out := make([]string, len(st))
	for k, s := range st {
		out[k] = string(s)
	}
	return out
}

// idChunk bounds the ids bound in one IN list (PostgreSQL takes at most
// 65,535 parameters per statement).
const idChunk = 1000

// Asks counts each idea's votes by team and adds its authors' teams.
func (s *IdeaStore) Asks(ctx context.Context, ids []int64) (_ map[int64][]ideas.Ask, err error) {
	defer ideaWrap(&err, "IdeaStore.Asks")
	byIdea := map[int64]map[string]*ideas.Ask{}
	ask := func(id int64, team string) *ideas.Ask {
		if byIdea[id] == nil {
			byIdea[id] = map[string]*ideas.Ask{}
		}
		if byIdea[id][team] == nil {
			byIdea[id][team] = &ideas.Ask{Team: team}
		}
		return byIdea[id][team]
	}
	for chunk := range slices.Chunk(ids, idChunk) {
		var counts []struct {
			IdeaID int64
			Team   string
			Votes  int
		}
		err := s.db.WithContext(ctx).Model(&ideaVoteRow{}).Select("idea_id, team, COUNT(*) AS votes").
			Where("idea_id IN ?", chunk).Group("idea_id, team").Scan(&counts).Error
		if err != nil {
			return nil, err
		}
		for _, c := range counts {
			ask(c.IdeaID, c.Team).Votes = c.Votes
		}
		var authors []ideaRow
		err = s.db.WithContext(ctx).Select("id, merged_into, author_team").
			Where("author_team <> '' AND (id IN ? OR merged_into IN ?)", chunk, chunk).Find(&authors).Error
		if err != nil {
			return nil, err
		}
		in := map[int64]bool{}
		for _, id := range chunk {
			in[id] = true
		}
		for _, a := range authors {
			id := a.ID
			if !in[id] && a.MergedInto != nil {
				id = *a.MergedInto
			}
			ask(id, a.AuthorTeam).Author = true
		}
	}
	out := make(map[int64][]ideas.Ask, len(byIdea))
	for id, teams := range byIdea {
		for _, a := range teams {
			out[id] = append(out[id], *a)
		}
		slices.SortFunc(out[id], func(a, b ideas.Ask) int { return strings.Compare(a.Team, b.Team) })
	}
	return out, nil
}

// Voted returns which of ids user voted for.
func (s *IdeaStore) Voted(ctx context.Context, user string, ids []int64) (_ map[int64]bool, err error) {
	defer ideaWrap(&err, "IdeaStore.Voted(%s)", user)
	out := map[int64]bool{}
	for chunk := range slices.Chunk(ids, idChunk) {
		var voted []int64
		err := s.db.WithContext(ctx).Model(&ideaVoteRow{}).Where("user_id = ? AND idea_id IN ?", user, chunk).Pluck("idea_id", &voted).Error
		if err != nil {
			return nil, err
		}
		for _, id := range voted {
			out[id] = true
		}
	}
	return out, nil
}

// Unposted returns open ideas whose board message was never recorded.
func (s *IdeaStore) Unposted(ctx context.Context, before time.Time) (_ []ideas.Idea, err error) {
	defer ideaWrap(&err, "IdeaStore.Unposted")
	var rows []ideaRow
	err = s.db.WithContext(ctx).Where("ts = '' AND status IN ? AND created_at < ?", statusStrings(ideas.ActiveStatuses), before.UTC()).
		Order("id").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]ideas.Idea, len(rows))
	for k, r := range rows {
		out[k] = r.domain()
	}
	return out, nil
}

// ideaWrap adds the call to storage errors; the domain's sentinels and
// user-facing errors stay errors.Is-able through %w.
func ideaWrap(errp *error, format string, args ...any) {
	if *errp == nil || errors.Is(*errp, ideas.ErrNotFound) {
		return
	}
	var ce *ideas.ClosedError
	if errors.As(*errp, &ce) {
		return
	}
	*errp = fmt.Errorf("storage: "+format+": %w", append(args, *errp)...)
}
