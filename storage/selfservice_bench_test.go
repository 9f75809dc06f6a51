package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/platformbot/platformbot/metrics"
	"github.com/platformbot/platformbot/selfservice"
	"github.com/platformbot/platformbot/storage"
	"github.com/platformbot/platformbot/storage/storagetest"
)

// BenchmarkSelfServiceFigures measures the digest query over a quarter
// with 10,000 requests (a large platform team's volume), most of them done.
func BenchmarkSelfServiceFigures(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			db := benchDB(b, name)
			st := storage.NewSelfServiceStore(db)
			ctx := context.Background()
			const n = 10000
			for i := range n {
				created := t0.Add(-time.Duration(i) * 13 * time.Minute)
				r := &selfservice.Request{Type: fmt.Sprintf("type-%d", i%8), TypeTitle: "T", Requester: "UREQ00001", Team: "web",
					State: selfservice.Approved, ManualMinutes: 30, CreatedAt: created, UpdatedAt: created, Exception: i%10 == 0}
				if err := st.CreateRequest(ctx, r, nil); err != nil {
					b.Fatal(err)
				}
				if i%5 != 0 {
					st.Transition(ctx, r.ID, selfservice.Transition{From: []selfservice.State{selfservice.Approved}, To: selfservice.Done,
						At: created.Add(time.Duration(i%60) * time.Minute), Human: i%3 == 0})
				}
			}
			w := metrics.Window{From: t0.Add(-91 * 24 * time.Hour), To: t0.Add(time.Hour)}
			b.ResetTimer()
			for b.Loop() {
				f, err := st.SelfServiceFigures(ctx, w)
				if err != nil || f.Requests != n {
					b.Fatalf("figures = %+v, %v", f, err)
				}
			}
		})
	}
}

// BenchmarkSelfServiceApprove measures one approval (the atomic claim, the
// unique insert and the transition with its audit row).
func BenchmarkSelfServiceApprove(b *testing.B) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			db := benchDB(b, name)
			st := storage.NewSelfServiceStore(db)
			ctx := context.Background()
			ids := make([]int64, 0, b.N)
			for range b.N {
				r := &selfservice.Request{Type: "t", TypeTitle: "T", Requester: "UREQ00001", State: selfservice.PendingApproval,
					NeedsApproval: true, ApprovalsRequired: 1, CreatedAt: t0, UpdatedAt: t0}
				if err := st.CreateRequest(ctx, r, nil); err != nil {
					b.Fatal(err)
				}
				ids = append(ids, r.ID)
			}
			b.ResetTimer()
			for i := range b.N {
				if out, err := st.Approve(ctx, ids[i], "UAPPROVE1", t0); err != nil || !out.Transitioned {
					b.Fatalf("approve = %+v, %v", out, err)
				}
			}
		})
	}
}

func benchDB(b *testing.B, name string) *storage.DB {
	if name == "sqlite" {
		return storagetest.SQLite(b)
	}
	return storagetest.Postgres(b) // skips without TEST_DATABASE_URL
}
