package config

// OfficeHours configures office-hours slots. Owned by the office-hours
// feature; see README "Office hours".
type OfficeHours struct{}

func (o *OfficeHours) validate(v *validator, path string) {}
