package main

import "context"

// wireSelfService registers the feature's routes, home section, jobs and HTTP routes.
func (m *Main) wireSelfService(ctx context.Context) error { return nil }

// seedSelfService adds sample data for `console --demo`.
func (m *Main) seedSelfService(ctx context.Context) error { return nil }
