package storage

var selfServiceMigrations = []migration{}
