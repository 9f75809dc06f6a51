package main

import "context"

// wireMetrics registers the feature's routes, home section, jobs and HTTP routes.
func (m *Main) wireMetrics(ctx context.Context) error { return nil }

// seedMetrics adds sample data for `console --demo`.
func (m *Main) seedMetrics(ctx context.Context) error { return nil }
