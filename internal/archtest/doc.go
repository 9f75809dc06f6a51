// Package archtest holds the test that keeps the layering true: storage
// never reaches Slack, and the domain packages reach neither Slack, the
// database, HTTP nor the logger (see the README's architecture section);
// and the feature packages under handlers/ do not import each other.
// It has no code of its own.
package archtest
