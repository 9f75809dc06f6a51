package main

import "context"

// wireOfficeHours registers the feature's routes, home section, jobs and HTTP routes.
func (m *Main) wireOfficeHours(ctx context.Context) error { return nil }

// seedOfficeHours adds sample data for `console --demo`.
func (m *Main) seedOfficeHours(ctx context.Context) error { return nil }
