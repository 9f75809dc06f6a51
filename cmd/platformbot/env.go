package main

import (
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
)

// Env is the process environment platformbot reads, validated once.
type Env struct {
	AppToken    string // SLACK_APP_TOKEN, xapp-…
	BotToken    string // SLACK_BOT_TOKEN, xoxb-…
	APIURL      string // SLACK_API_URL, ends with "/"
	DatabaseURL string
	ConfigPath  string // PLATFORMBOT_CONFIG; "" means platformbot.yaml or the built-in example
	HTTPAddr    string
	LogLevel    zerolog.Level
	LogFormat   string // json | console (human-readable text)
}

// envError is a one-line message naming the variable and what is expected.
type envError struct{ name, msg string }

func (e *envError) Error() string { return e.name + ": " + e.msg }

// readEnv reads the environment; needSlack requires the Slack tokens (run).
func readEnv(getenv func(string) string, needSlack bool) (Env, error) {
	e := Env{
		AppToken:    getenv("SLACK_APP_TOKEN"),
		BotToken:    getenv("SLACK_BOT_TOKEN"),
		APIURL:      getenv("SLACK_API_URL"),
		DatabaseURL: getenv("DATABASE_URL"),
		ConfigPath:  getenv("PLATFORMBOT_CONFIG"),
		HTTPAddr:    getenv("HTTP_ADDR"),
		LogFormat:   getenv("LOG_FORMAT"),
	}
	if needSlack {
		switch {
		case e.AppToken == "":
			return e, &envError{"SLACK_APP_TOKEN", "is required: an app-level token (xapp-…) with the connections:write scope"}
		case !strings.HasPrefix(e.AppToken, "xapp-"):
			return e, &envError{"SLACK_APP_TOKEN", "must be an app-level token starting with xapp-"}
		case e.BotToken == "":
			return e, &envError{"SLACK_BOT_TOKEN", "is required: the bot token (xoxb-…) from OAuth & Permissions"}
		case !strings.HasPrefix(e.BotToken, "xoxb-"):
			return e, &envError{"SLACK_BOT_TOKEN", "must be a bot token starting with xoxb-"}
		}
	}
	if e.APIURL == "" {
		e.APIURL = "https://slack.com/api/"
	}
	if u, err := url.Parse(e.APIURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return e, &envError{"SLACK_API_URL", "must be an http(s) URL such as https://slack.com/api/"}
	}
	if !strings.HasSuffix(e.APIURL, "/") {
		e.APIURL += "/" // slack-go appends method names to it
	}
	if e.HTTPAddr == "" {
		e.HTTPAddr = ":8080"
	}
	lvl := getenv("LOG_LEVEL")
	if lvl == "" {
		lvl = "info"
	}
	var err error
	if e.LogLevel, err = zerolog.ParseLevel(strings.ToLower(lvl)); err != nil || lvl == "" {
		return e, &envError{"LOG_LEVEL", fmt.Sprintf("unknown level %q (use debug, info, warn or error)", lvl)}
	}
	if e.LogFormat, err = logFormat(e.LogFormat, stderrIsTerminal()); err != nil {
		return e, err
	}
	return e, nil
}

// logFormat resolves LOG_FORMAT: text ("console" is the same) for a person
// at a terminal, JSON for a log collector; unset, it is text when stderr is
// a terminal and JSON otherwise.
func logFormat(setting string, terminal bool) (string, error) {
	switch strings.ToLower(setting) {
	case "":
		if terminal {
			return "console", nil
		}
		return "json", nil
	case "json":
		return "json", nil
	case "text", "console":
		return "console", nil
	}
	return "", &envError{"LOG_FORMAT", fmt.Sprintf("unknown format %q (use text or json)", setting)}
}

func stderrIsTerminal() bool {
	fd := os.Stderr.Fd()
	return isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd)
}

// newLogger builds the process logger. Tokens are never logged: they live
// only in Env and the Slack clients.
func newLogger(e Env) zerolog.Logger {
	var l zerolog.Logger
	if e.LogFormat == "console" {
		l = zerolog.New(zerolog.ConsoleWriter{Out: os.Stderr})
	} else {
		l = zerolog.New(os.Stderr)
	}
	return l.Level(e.LogLevel).With().Timestamp().Str("service", "platformbot").Logger()
}
