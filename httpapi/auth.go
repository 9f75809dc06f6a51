package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// BearerAuth lets a request through only with "Authorization: Bearer
// <token>". token is read per request so a rotated env var takes effect; an
// empty token disables the route (503) rather than accepting anyone. The
// comparison hashes both sides first so that it takes the same time whatever
// the length or prefix of the guess.
func BearerAuth(token func() string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		want := token()
		if want == "" {
			Error(w, http.StatusServiceUnavailable, "", "this endpoint is disabled: its token environment variable is not set")
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !Equal(got, want) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="platformbot"`)
			Error(w, http.StatusUnauthorized, "", "missing or invalid bearer token")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Equal compares two secrets in constant time.
func Equal(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1
}
