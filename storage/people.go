package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/platformbot/platformbot/people"
)

// directoryPerson is the live model of the directory_people table.
type directoryPerson struct {
	ID       string `gorm:"primaryKey"`
	Name     string
	RealName string
	TZ       string
	TZOffset int
	Locale   string
	IsBot    bool
	Deleted  bool
	AsOf     time.Time
}

// directoryListing is the live model of the directory_listings table.
type directoryListing struct {
	ID       int `gorm:"primaryKey;autoIncrement:false"`
	ListedAt time.Time
	People   int
}

// listingRow is the id of directory_listings' one row.
const listingRow = 1

// peopleBatch is how many people one INSERT carries: 9 columns each stays
// well under both databases' limits on bound parameters.
const peopleBatch = 1000

// PeopleStore implements people.Store: the workspace's listing, shared by
// every replica.
type PeopleStore struct{ db *DB }

var _ people.Store = (*PeopleStore)(nil)

// NewPeopleStore returns the directory of people stored in db.
func NewPeopleStore(db *DB) *PeopleStore { return &PeopleStore{db: db} }

// storedTime is how times are written: UTC (SQLite compares them as text) at
// PostgreSQL's precision, so that what is read back equals what was
// written on both.
func storedTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func rowOf(p people.Person, asOf time.Time) directoryPerson {
	return directoryPerson{
		ID: p.ID, Name: p.Name, RealName: p.RealName, TZ: p.TZ, TZOffset: p.TZOffset, Locale: p.Locale,
		IsBot: p.IsBot, Deleted: p.Deleted, AsOf: asOf,
	}
}

func (r directoryPerson) person() people.Person {
	return people.Person{
		ID: r.ID, Name: r.Name, RealName: r.RealName, TZ: r.TZ, TZOffset: r.TZOffset, Locale: r.Locale,
		IsBot: r.IsBot, Deleted: r.Deleted,
	}
}

// upsertNewer inserts rows, or updates the stored ones unless they are as
// of a later time (an event that arrived while a listing was under way).
var upsertNewer = clause.OnConflict{
	Columns:   []clause.Column{{Name: "id"}},
	DoUpdates: clause.AssignmentColumns([]string{"name", "real_name", "tz", "tz_offset", "locale", "is_bot", "deleted", "as_of"}),
	Where:     clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "directory_people.as_of <= excluded.as_of"}}},
}

// ReplacePeople stores a listing begun at listedAt in one transaction, so
// that readers see the old listing or the new one: everyone in it is
// saved unless stored as of later, and whoever is stored as of earlier and
// not in it is removed.
func (s *PeopleStore) ReplacePeople(ctx context.Context, ps []people.Person, listedAt time.Time) error {
	at := storedTime(listedAt)
	err := s.db.Transact(ctx, func(tx *gorm.DB) error {
		rows := make([]directoryPerson, 0, min(len(ps), peopleBatch))
		for start := 0; start < len(ps); start += peopleBatch {
			rows = rows[:0]
			for _, p := range ps[start:min(start+peopleBatch, len(ps))] {
				rows = append(rows, rowOf(p, at))
			}
			if err := tx.Clauses(upsertNewer).Create(&rows).Error; err != nil {
				return err
			}
		}
		if err := tx.Where("as_of < ?", at).Delete(&directoryPerson{}).Error; err != nil {
			return err
		}
		return tx.Clauses(clause.OnConflict{UpdateAll: true}).Create(&directoryListing{ID: listingRow, ListedAt: at, People: len(ps)}).Error
	})
	if err != nil {
		return fmt.Errorf("storage: PeopleStore.ReplacePeople(%d people): %w", len(ps), err)
	}
	return nil
}

// SavePerson stores one person as of at, unless stored as of later.
func (s *PeopleStore) SavePerson(ctx context.Context, p people.Person, at time.Time) error {
	row := rowOf(p, storedTime(at))
	if err := s.db.WithContext(ctx).Clauses(upsertNewer).Create(&row).Error; err != nil {
		return fmt.Errorf("storage: PeopleStore.SavePerson(%s): %w", p.ID, err)
	}
	return nil
}

// Person returns one stored person.
func (s *PeopleStore) Person(ctx context.Context, id string) (people.Person, bool, error) {
	var rows []directoryPerson
	if err := s.db.WithContext(ctx).Where("id = ?", id).Limit(1).Find(&rows).Error; err != nil {
		return people.Person{}, false, fmt.Errorf("storage: PeopleStore.Person(%s): %w", id, err)
	}
	if len(rows) == 0 {
		return people.Person{}, false, nil
	}
	return rows[0].person(), true, nil
}

// EachPerson streams every stored person to fn, one row at a time: a
// replica starting cold reads the whole listing without holding it twice.
// Zones and locales, a few dozen values for the whole workspace, are read
// into one string each rather than one per person.
func (s *PeopleStore) EachPerson(ctx context.Context, fn func(people.Person)) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("storage: PeopleStore.EachPerson: %w", err)
		}
	}()
	rows, err := s.db.WithContext(ctx).Model(&directoryPerson{}).
		Select("id", "name", "real_name", "tz", "tz_offset", "locale", "is_bot", "deleted").Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	shared := map[string]string{}
	same := func(b sql.RawBytes) string {
		if v, ok := shared[string(b)]; ok {
			return v
		}
		v := string(b)
		shared[v] = v
		return v
	}
	var tz, locale sql.RawBytes
	for rows.Next() {
		var p people.Person
		if err := rows.Scan(&p.ID, &p.Name, &p.RealName, &tz, &p.TZOffset, &locale, &p.IsBot, &p.Deleted); err != nil {
			return err
		}
		p.TZ, p.Locale = same(tz), same(locale)
		fn(p)
	}
	return rows.Err()
}

// ListedAt returns when the stored listing was begun (zero: never).
func (s *PeopleStore) ListedAt(ctx context.Context) (time.Time, error) {
	var rows []directoryListing
	if err := s.db.WithContext(ctx).Where("id = ?", listingRow).Limit(1).Find(&rows).Error; err != nil {
		return time.Time{}, fmt.Errorf("storage: PeopleStore.ListedAt: %w", err)
	}
	if len(rows) == 0 {
		return time.Time{}, nil
	}
	return rows[0].ListedAt.UTC(), nil
}
