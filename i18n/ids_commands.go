package i18n

// The one-line summaries of the slash commands in the help
// (handlers.RegisterCommands).
const (
	CommandsPlatform    ID = "commands.platform"
	CommandsOfficeHours ID = "commands.officehours"
	CommandsPulse       ID = "commands.pulse"
	CommandsPreview     ID = "commands.preview"
)
