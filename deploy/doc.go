// Package deploy holds the checks of the deployment kit: the Helm chart in
// helm/platformbot (linted, rendered and strictly decoded into the
// Kubernetes API types with Helm's Go library) and the repository's
// compose.yaml (loaded with the Compose specification's Go library). It is
// a module of its own so that Helm's and Kubernetes' modules stay out of
// the bot's go.mod; `(cd deploy && go test ./...)` runs it, and .ci/run
// does. The dashboard and alert rules beside it are checked by the main
// module (cmd/platformbot), against the metrics the bot really exports.
package deploy
