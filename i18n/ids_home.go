package i18n

// The App Home tab's own words, around the features' sections; the
// catalogs are catalog/home.en.yaml and catalog/home.de.yaml.
const (
	HomeIntro       ID = "home.intro"
	HomeUnavailable ID = "home.unavailable"
)
