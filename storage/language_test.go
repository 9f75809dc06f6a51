package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// TestLanguageStore: a choice is stored, changed, listed and removed.
func TestLanguageStore(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		st := storage.NewLanguageStore(db)
		at := time.Date(2026, 12, 4, 23, 0, 0, 0, time.UTC)
		if code, ok, err := st.LanguageChoice(ctx, "U1"); err != nil || ok || code != "" {
			t.Fatalf("before any choice: %q, %v, %v", code, ok, err)
		}
		for _, c := range []struct{ user, code string }{{"U1", "de"}, {"U2", "en"}, {"U1", "en"}, {"U3", "de"}} {
			if err := st.SetLanguageChoice(ctx, c.user, c.code, at); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.SetLanguageChoice(ctx, "U3", "", at); err != nil {
			t.Fatal(err)
		}
		if err := st.SetLanguageChoice(ctx, "UNONE", "", at); err != nil {
			t.Fatalf("removing a choice never made: %v", err)
		}
		if code, ok, err := st.LanguageChoice(ctx, "U1"); err != nil || !ok || code != "en" {
			t.Errorf("U1 = %q, %v, %v; want en (changed)", code, ok, err)
		}
		all, err := st.LanguageChoices(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(map[string]string{"U1": "en", "U2": "en"}, all); diff != "" {
			t.Errorf("choices mismatch (-want +got):\n%s", diff)
		}
	})
}
