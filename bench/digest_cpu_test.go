package bench

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// The machine the figures come from is shared, so wall-clock rates move
// with what else runs. CPU seconds (this process, and the PostgreSQL
// backends of this benchmark's connections, found by their
// application_name) move much less; they are printed beside the rates
// when PostgreSQL runs on the same host.

const benchAppName = "platformbot_bench"

// appName is the application_name of the benchmark's connections: its
// own per schema, so that two benchmarks running at once on other
// schemas do not count each other's backends.
func appName(schema string) string {
	if schema == benchAppName {
		return benchAppName
	}
	return benchAppName + ":" + schema
}

// cpuMark is the CPU time used so far.
type cpuMark struct {
	e               *benchEnv
	postgres, goCPU float64
}

func (e *benchEnv) startCPU(ctx context.Context) cpuMark {
	pg, self := e.cpuSeconds(ctx)
	return cpuMark{e, pg, self}
}

// print reports the CPU time since the mark per 1,000 of n items (per
// run when n is 1,000 × runs).
func (m cpuMark) print(ctx context.Context, what string, n int) {
	pg, self := m.e.cpuSeconds(ctx)
	if pg == 0 {
		return // PostgreSQL is elsewhere
	}
	k := float64(n) / 1000
	fmt.Printf("%s CPU: PostgreSQL %.1f s, Go %.1f s (%.0f ms + %.0f ms per 1,000)\n",
		what, pg-m.postgres, self-m.goCPU, (pg-m.postgres)/k*1000, (self-m.goCPU)/k*1000)
}

// cpuSeconds returns the CPU seconds of the benchmark's backends (0 when
// they cannot be read) and of this process.
func (e *benchEnv) cpuSeconds(ctx context.Context) (postgres, self float64) {
	var pids []int
	e.db.Gorm.WithContext(ctx).Raw("SELECT pid FROM pg_stat_activity WHERE application_name = ?", appName(e.o.schema)).Scan(&pids)
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndex(s, ")")+2:]) // from field 3, state
		user, _ := strconv.Atoi(f[11])
		sys, _ := strconv.Atoi(f[12])
		postgres += float64(user+sys) / 100 // clock ticks
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		self = float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
	}
	return postgres, self
}
