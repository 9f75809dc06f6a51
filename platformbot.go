// Package platformbot holds what belongs to the whole repository rather than
// to one package: the built-in example configuration.
package platformbot

import _ "embed"

// ExampleConfig is platformbot.example.yaml, used when no config file exists
// so that `platformbot console` works out of the box.
//
//go:embed platformbot.example.yaml
var ExampleConfig []byte
