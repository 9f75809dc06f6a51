package storage

var surveyMigrations = []migration{}
