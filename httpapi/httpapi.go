// Package httpapi is platformbot's HTTP server: health and readiness
// probes, Prometheus metrics, and the routes features mount on it (the
// ingest API, automation callbacks).
package httpapi

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/rs/zerolog"
)

// Check reports whether a dependency is ready; nil means ready.
type Check func(ctx context.Context) error

// Server serves /healthz, /readyz, /metrics and mounted routes.
type Server struct {
	mux    *http.ServeMux
	log    zerolog.Logger
	mu     sync.Mutex
	checks map[string]Check
	srv    *http.Server
	ln     net.Listener
	routes []string // patterns in the order they were mounted
}

// New returns a server whose /metrics serves gatherer.
func New(log zerolog.Logger, gatherer prometheus.Gatherer) *Server {
	s := &Server{mux: http.NewServeMux(), log: log, checks: map[string]Check{}}
	s.Handle("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}))
	s.Handle("GET /readyz", http.HandlerFunc(s.readyz))
	s.Handle("GET /metrics", promhttp.HandlerFor(gatherer, promhttp.HandlerOpts{}))
	return s
}

// Handle mounts a route, using Go 1.22 patterns ("POST /api/v1/…").
func (s *Server) Handle(pattern string, h http.Handler) {
	s.mux.Handle(pattern, h)
	s.mu.Lock()
	s.routes = append(s.routes, pattern)
	s.mu.Unlock()
}

// Routes returns the patterns mounted so far, so that the API description
// (api/openapi.yaml) can be checked against what the server really serves.
func (s *Server) Routes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.routes)
}

// AddCheck adds a readiness check.
func (s *Server) AddCheck(name string, c Check) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checks[name] = c
}

// ServeHTTP makes the server usable with httptest.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	s.mu.Lock()
	names := make([]string, 0, len(s.checks))
	for n := range s.checks {
		names = append(names, n)
	}
	checks := s.checks
	s.mu.Unlock()
	sort.Strings(names)
	status, code := map[string]string{}, http.StatusOK
	for _, n := range names {
		if err := checks[n](ctx); err != nil {
			status[n], code = err.Error(), http.StatusServiceUnavailable
		} else {
			status[n] = "ok"
		}
	}
	WriteJSON(w, code, status)
}

// Start listens on addr (":0" picks a port) and serves in the background.
func (s *Server) Start(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.ln = ln
	s.srv = &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := s.srv.Serve(ln); err != nil && err != http.ErrServerClosed {
			s.log.Error().Err(err).Msg("http server stopped")
		}
	}()
	return nil
}

// Addr returns the listening address, once started.
func (s *Server) Addr() string {
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Shutdown stops accepting requests and waits for in-flight ones.
func (s *Server) Shutdown(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	return s.srv.Shutdown(ctx)
}

// WriteJSON writes v as JSON with the status code.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// Error writes {"error": msg, "field": field} with the status code; field
// names the offending JSON field when there is one.
func Error(w http.ResponseWriter, code int, field, msg string) {
	body := map[string]string{"error": msg}
	if field != "" {
		body["field"] = field
	}
	WriteJSON(w, code, body)
}
