package storage

var officeHoursMigrations = []migration{}
