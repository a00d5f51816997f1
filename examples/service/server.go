package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/clvkit/clvkit/clv"
)

// Server serves the HTTP API on a Store. Its customer view is an immutable
// snapshot swapped atomically after each successful refit.
type Server struct {
	store  *Store
	log    *slog.Logger
	token  [sha256.Size]byte // SHA-256 of the write token
	loc    *time.Location
	limits Limits

	snap   atomic.Pointer[snapshot]
	refits chan struct{} // one refit at a time
}

// ServerOptions configures a Server; zero fields mean defaults.
type ServerOptions struct {
	// Location is the zone in which dates and calendar days are read;
	// nil means UTC.
	Location *time.Location
	Limits   Limits
	// Log receives the service's logs; nil discards them.
	Log *slog.Logger
}

// NewServer returns a server on store whose writes require token.
func NewServer(store *Store, token string, opts ServerOptions) *Server {
	s := &Server{store: store, log: opts.Log, token: sha256.Sum256([]byte(token)), loc: opts.Location,
		limits: opts.Limits.withDefaults(), refits: make(chan struct{}, 1)}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.loc == nil {
		s.loc = time.UTC
	}
	return s
}

// Load builds the customer view of the current model version, if any, as
// it was built when that version was fitted.
func (s *Server) Load(ctx context.Context) error {
	rec, err := s.store.CurrentModel(ctx)
	if errors.Is(err, errNoModel) {
		s.log.Info("no model yet; POST /v1/refit to fit one")
		return nil
	}
	if err != nil {
		return err
	}
	end, err := time.ParseInLocation(time.DateOnly, rec.AsOf, s.loc)
	if err != nil {
		return err
	}
	ps, err := s.store.Purchases(ctx, rec.ThroughID, end.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	snap, err := buildSnapshot(ctx, rec, ps, s.loc)
	if err != nil {
		return err
	}
	s.snap.Store(snap)
	s.log.Info("model loaded", "version", rec.Version, "as_of", rec.AsOf, "unit", rec.Unit.String(), "customers", len(snap.base.Customers))
	return nil
}

// Handler returns the API's routes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/transactions", s.writer(s.postTransactions))
	mux.HandleFunc("POST /v1/refit", s.writer(s.postRefit))
	mux.HandleFunc("GET /v1/models/current", s.getModel)
	mux.HandleFunc("GET /v1/customers/{id}", s.getCustomer)
	mux.HandleFunc("GET /v1/customers", s.listCustomers)
	mux.HandleFunc("GET /healthz", s.healthz)
	return mux
}

// writer lets the request through only with the write token, compared in
// constant time (of hashes, so not even the token's length leaks); the
// body is not read otherwise.
func (s *Server) writer(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		sum := sha256.Sum256([]byte(tok))
		if subtle.ConstantTimeCompare(sum[:], s.token[:]) != 1 || !ok {
			s.log.Warn("unauthorized write", "path", r.URL.Path, "remote", r.RemoteAddr)
			w.Header().Set("WWW-Authenticate", `Bearer realm="clvkit"`)
			w.Header().Set("Connection", "close")
			writeError(w, http.StatusUnauthorized, "missing or wrong bearer token")
			return
		}
		h(w, r)
	}
}

type errorBody struct {
	Error  string `json:"error"`
	Row    int    `json:"row,omitempty"`
	Column string `json:"column,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: msg})
}

// ingestResult is the answer to POST /v1/transactions.
type ingestResult struct {
	Inserted   int64 `json:"inserted"`
	Duplicates int64 `json:"duplicates"`
}

func (s *Server) postTransactions(w http.ResponseWriter, r *http.Request) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var parse func(io.Reader, parser, Limits) ([]row, error)
	switch ct {
	case "text/csv":
		parse = parseCSV
	case "application/json":
		parse = parseJSON
	default:
		writeError(w, http.StatusUnsupportedMediaType, "Content-Type must be text/csv or application/json")
		return
	}
	if r.ContentLength > s.limits.MaxBody {
		w.Header().Set("Connection", "close")
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body of %d bytes is over the limit of %d", r.ContentLength, s.limits.MaxBody))
		return
	}
	body := http.MaxBytesReader(w, r.Body, s.limits.MaxBody)
	rows, err := parse(body, parser{loc: s.loc}, s.limits)
	var me *http.MaxBytesError
	var pe *clv.ParseError
	switch {
	case errors.As(err, &me):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body is over the limit of %d bytes", me.Limit))
		return
	case errors.Is(err, errTooManyRows):
		w.Header().Set("Connection", "close")
		writeError(w, http.StatusRequestEntityTooLarge, err.Error())
		return
	case errors.As(err, &pe):
		if errors.Is(err, errRowTooLong) {
			w.Header().Set("Connection", "close")
		}
		writeJSON(w, http.StatusBadRequest, errorBody{Error: "nothing stored: " + pe.Error(), Row: pe.Row, Column: pe.Column})
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, "nothing stored: "+err.Error())
		return
	}
	s.log.Debug("storing batch", "rows", len(rows))
	ins, dup, err := s.store.Ingest(r.Context(), rows)
	if err != nil {
		s.log.Error("ingest failed", "rows", len(rows), "err", err)
		writeError(w, http.StatusInternalServerError, "nothing stored: the database failed; retry the whole batch")
		return
	}
	s.log.Info("ingested", "rows", len(rows), "inserted", ins, "duplicates", dup)
	writeJSON(w, http.StatusOK, ingestResult{Inserted: ins, Duplicates: dup})
}

// fitError is a refit whose fit did not converge, with its report.
type fitError struct {
	Error          string         `json:"error"`
	Model          string         `json:"model"`
	Report         *clv.FitReport `json:"report,omitempty"`
	CurrentVersion int64          `json:"current_version"`
}

func (s *Server) postRefit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	asOf, err := time.ParseInLocation(time.DateOnly, q.Get("as_of"), s.loc)
	if err != nil {
		writeError(w, http.StatusBadRequest, "as_of must be YYYY-MM-DD")
		return
	}
	unit := clv.UnitWeek
	if u := q.Get("unit"); u != "" {
		if unit, err = clv.ParseUnit(u); err != nil {
			writeError(w, http.StatusBadRequest, "unit must be day, week or month")
			return
		}
	}
	select {
	case s.refits <- struct{}{}:
		defer func() { <-s.refits }()
	case <-r.Context().Done():
		return
	}
	snap, ferr, err := s.refit(r.Context(), asOf, unit)
	switch {
	case ferr != nil:
		if cur := s.snap.Load(); cur != nil {
			ferr.CurrentVersion = cur.rec.Version
		}
		s.log.Warn("refit: fit not accepted", "as_of", asOf.Format(time.DateOnly), "model", ferr.Model, "err", ferr.Error)
		writeJSON(w, http.StatusUnprocessableEntity, ferr)
	case err != nil:
		s.log.Error("refit failed", "as_of", asOf.Format(time.DateOnly), "err", err)
		writeError(w, http.StatusInternalServerError, "refit failed; the current model stays")
	default:
		s.log.Info("refit", "version", snap.rec.Version, "as_of", snap.rec.AsOf, "unit", unit.String(),
			"customers", snap.rec.Customers, "transactions", snap.rec.Transactions)
		writeJSON(w, http.StatusOK, snap.modelView())
	}
}

// refit fits BG/NBD and Gamma-Gamma on the transactions stored as of asOf,
// builds their customer view, stores the models as a new version and only
// then makes the view current. A fit that does not converge (or ends at a
// boundary) comes back as a *fitError and changes nothing.
func (s *Server) refit(ctx context.Context, asOf time.Time, unit clv.Unit) (*snapshot, *fitError, error) {
	through, err := s.store.Watermark(ctx)
	if err != nil {
		return nil, nil, err
	}
	ps, err := s.store.Purchases(ctx, through, asOf.AddDate(0, 0, 1))
	if err != nil {
		return nil, nil, err
	}
	if len(ps) == 0 {
		return nil, &fitError{Error: "no transactions up to " + asOf.Format(time.DateOnly)}, nil
	}
	txs := func(yield func(clv.Transaction) bool) {
		for _, p := range ps {
			if !yield(p.Transaction) {
				return
			}
		}
	}
	summaries, err := clv.Summarize(txs, clv.SummaryOptions{End: asOf, Location: s.loc, Unit: unit})
	if err != nil {
		return nil, nil, err
	}
	bg, bgRep, err := clv.FitBGNBD(ctx, clv.Compress(summaries), clv.FitOptions{Unit: unit})
	if err != nil {
		fe, err := notConverged(ctx, "bgnbd", bgRep, err)
		return nil, fe, err
	}
	gg, ggRep, err := clv.FitGammaGamma(ctx, clv.SpendObservations(summaries), clv.FitOptions{})
	if err != nil {
		fe, err := notConverged(ctx, "gg", ggRep, err)
		return nil, fe, err
	}
	rec := ModelRecord{AsOf: asOf.Format(time.DateOnly), Unit: unit, ThroughID: through,
		Customers: len(summaries), Transactions: int64(len(ps))}
	if rec.Purchase, err = clv.MarshalModel(bg, &bgRep); err != nil {
		return nil, nil, err
	}
	if rec.Spend, err = clv.MarshalModel(gg, &ggRep); err != nil {
		return nil, nil, err
	}
	snap, err := buildSnapshot(ctx, rec, ps, s.loc)
	if err != nil {
		return nil, nil, err
	}
	if snap.rec, err = s.store.SaveModel(ctx, rec); err != nil {
		return nil, nil, err
	}
	s.snap.Store(snap)
	return snap, nil, nil
}

// notConverged reports a failed fit with its report (the one inside a
// *clv.ConvergenceError when there is one), unless the request was
// cancelled.
func notConverged(ctx context.Context, model string, rep clv.FitReport, err error) (*fitError, error) {
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var ce *clv.ConvergenceError
	if errors.As(err, &ce) {
		rep = ce.Report
	}
	fe := &fitError{Error: err.Error(), Model: model}
	if rep.Model != "" {
		fe.Report = &rep
	}
	return fe, nil
}

func (s *Server) current(w http.ResponseWriter) *snapshot {
	snap := s.snap.Load()
	if snap == nil {
		writeError(w, http.StatusServiceUnavailable, errNoModel.Error())
	}
	return snap
}

func (s *Server) getModel(w http.ResponseWriter, r *http.Request) {
	if snap := s.current(w); snap != nil {
		writeJSON(w, http.StatusOK, snap.modelView())
	}
}

func (s *Server) getCustomer(w http.ResponseWriter, r *http.Request) {
	snap := s.current(w)
	if snap == nil {
		return
	}
	c, ok := snap.base.Customer(r.PathValue("id"))
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no customer %q as of %s (model version %d)", r.PathValue("id"), snap.rec.AsOf, snap.rec.Version))
		return
	}
	writeJSON(w, http.StatusOK, snap.customerView(c))
}

// maxList is the most customers GET /v1/customers returns.
const maxList = 1000

type customerList struct {
	ModelVersion int64          `json:"model_version"`
	AsOf         string         `json:"as_of"`
	Order        string         `json:"order"`
	Customers    []customerView `json:"customers"`
}

func (s *Server) listCustomers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if o := q.Get("order"); o != "" && o != "clv" {
		writeError(w, http.StatusBadRequest, "order must be clv")
		return
	}
	limit := 10
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > maxList {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("limit must be 1 to %d", maxList))
			return
		}
		limit = n
	}
	snap := s.current(w)
	if snap == nil {
		return
	}
	writeJSON(w, http.StatusOK, customerList{ModelVersion: snap.rec.Version, AsOf: snap.rec.AsOf, Order: "clv", Customers: snap.top(limit)})
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	body := map[string]any{"status": "ok", "database": "ok"}
	if snap := s.snap.Load(); snap != nil {
		body["model_version"] = snap.rec.Version
	}
	status := http.StatusOK
	if err := s.store.Ping(ctx); err != nil {
		body["status"], body["database"] = "unavailable", err.Error()
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, body)
}
