package people

import (
	"context"
	"fmt"
	"time"
)

// Refresh lists the whole workspace from Slack and stores the listing for
// every replica. The scheduled job that calls it runs on one replica at a
// time; concurrent calls in one process share one listing. The listing
// already held answers until the new one is complete.
func (d *Directory) Refresh(ctx context.Context) error {
	_, err, _ := d.calls.Do("list", func() (any, error) { return nil, d.list(ctx) })
	return err
}

// list lists, stores and caches the workspace.
func (d *Directory) list(ctx context.Context) error {
	if d.src == nil {
		return errNoSource
	}
	start := d.now()
	var all []Person
	err := d.src.List(ctx, func(page []Person) error {
		all = append(all, page...)
		return nil
	})
	if err != nil {
		d.log.Warn("people: listing the workspace failed; looking people up one by one meanwhile", err)
		return fmt.Errorf("people: listing the workspace: %w", err)
	}
	since := start.UnixNano()
	for _, p := range all {
		d.rememberListed(p, since)
	}
	d.held(start)
	stored := d.now()
	if err := d.store.ReplacePeople(ctx, all, start); err != nil {
		d.log.Warn("people: cannot store the listing; only this replica holds it", err, "people", len(all))
		return fmt.Errorf("people: storing the listing: %w", err)
	}
	d.log.Info("people: listed and stored the workspace", "people", len(all),
		"listing_took", stored.Sub(start), "storing_took", d.now().Sub(stored))
	return nil
}

// loadBatch is how many people the reading of the stored listing hands
// at a time to the goroutine filling the cache.
const loadBatch = 1000

// load reads the stored listing, begun at listedAt, into the cache. The
// database is read and the cache filled at the same time (by two
// goroutines), since each takes about half of the time.
func (d *Directory) load(ctx context.Context, listedAt time.Time) error {
	start := d.now()
	since := start.UnixNano()
	batches := make(chan []Person, 4)
	filled := make(chan int)
	go func() {
		n := 0
		for batch := range batches {
			for _, p := range batch {
				d.rememberListed(p, since)
			}
			n += len(batch)
		}
		filled <- n
	}()
	batch := make([]Person, 0, loadBatch)
	err := d.store.EachPerson(ctx, func(p Person) {
		batch = append(batch, p)
		if len(batch) == loadBatch {
			batches <- batch
			batch = make([]Person, 0, loadBatch)
		}
	})
	batches <- batch
	close(batches)
	n := <-filled
	if err != nil {
		return fmt.Errorf("people: reading the stored listing: %w", err)
	}
	d.held(listedAt)
	d.log.Info("people: read the stored listing", "people", n, "listed_at", listedAt, "took", d.now().Sub(start))
	return nil
}

// held records that the cache holds the listing begun at listedAt.
func (d *Directory) held(listedAt time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if listedAt.After(d.loadedAt) {
		d.loadedAt = listedAt
	}
}

// WaitListing returns once the directory holds a listing of the
// workspace (starting one if none was ever stored), or ctx ends: a caller
// about to ask about many people at once (planning a survey over their
// zones) reads them from the listing rather than one users.info each.
func (d *Directory) WaitListing(ctx context.Context) error {
	if done := d.catchUp(true); done != nil {
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// catchUp starts, unless one is under way or was made less than
// checkEvery ago, a look at the stored listing: a newer one than the
// cache holds is read into it, so replicas follow the one that listed.
// With mayList, and while no listing has ever been stored, the look
// lists the workspace itself (at most once per checkEvery). It returns a
// channel closed when the look under way ends, or nil when none is.
func (d *Directory) catchUp(mayList bool) <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.syncing != nil {
		return d.syncing
	}
	now := d.now()
	look := d.checked.IsZero() || now.Sub(d.checked) >= checkEvery
	list := mayList && d.loadedAt.IsZero() && (d.tried.IsZero() || now.Sub(d.tried) >= checkEvery)
	if !look && !list {
		return nil
	}
	if list {
		d.tried = now
	}
	done := make(chan struct{})
	d.syncing = done
	d.wg.Add(1)
	// The look outlives the caller that started it: every send of a
	// survey may be waiting for it.
	go d.sync(list, done)
	return done
}

func (d *Directory) sync(list bool, done chan struct{}) {
	defer d.wg.Done()
	ctx, cancel := context.WithTimeout(d.base, listTimeout)
	defer cancel()
	err := d.follow(ctx, list)
	if err != nil {
		d.log.Warn("people: cannot catch up with the stored listing", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.checked, d.syncing = d.now(), nil
	close(done)
}

// follow reads a stored listing newer than the one held, or lists the
// workspace when none was ever stored and list is set (and the claim, if
// any, is won).
func (d *Directory) follow(ctx context.Context, list bool) error {
	listedAt, err := d.store.ListedAt(ctx)
	if err != nil {
		return err
	}
	d.mu.Lock()
	newer := listedAt.After(d.loadedAt)
	d.mu.Unlock()
	switch {
	case newer:
		return d.load(ctx, listedAt)
	case !listedAt.IsZero() || !list:
		return nil
	}
	if d.claim != nil {
		// One claim per listTimeout: the replica that wins lists (and
		// retries a failed listing) while the others wait for it.
		attempt := d.now().UTC().Truncate(listTimeout)
		if !attempt.Equal(d.won) {
			won, err := d.claim(ctx, attempt)
			if err != nil || !won {
				return err
			}
			d.won = attempt
		}
	}
	return d.Refresh(ctx)
}
