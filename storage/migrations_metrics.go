package storage

var metricsMigrations = []migration{}
