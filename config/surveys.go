package config

// Survey is one pulse survey. Owned by the surveys feature; see README
// "Pulse surveys".
type Survey struct {
	ID string `yaml:"id"`
}

func (c *Config) validateSurveys(v *validator) {}
