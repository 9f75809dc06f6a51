package i18n

// The App Home tab's own words, around the features' sections; the
// catalogs are catalog/home.en.yaml and catalog/home.de.yaml.
const (
	HomeIntro       ID = "home.intro"
	HomeUnavailable ID = "home.unavailable"
)

// The sections' names, in the note when one fails.
const (
	HomeSectionRequests ID = "home.section_requests"
	HomeSectionPreviews ID = "home.section_previews"
	HomeSectionPulse    ID = "home.section_pulse"
	HomeSectionIdeas    ID = "home.section_ideas"
	HomeSectionMetrics  ID = "home.section_metrics"
)
