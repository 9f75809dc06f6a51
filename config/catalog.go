package config

// RequestType is one entry of the self-service catalog. Owned by the
// self-service feature; see README "Self-service catalog".
type RequestType struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
}

func (c *Config) validateCatalog(v *validator) {}
