package main

import "context"

// wireSurveys registers the feature's routes, home section, jobs and HTTP routes.
func (m *Main) wireSurveys(ctx context.Context) error { return nil }

// seedSurveys adds sample data for `console --demo`.
func (m *Main) seedSurveys(ctx context.Context) error { return nil }
