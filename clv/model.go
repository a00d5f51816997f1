package clv

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/clvkit/clvkit/internal/guard"

	"github.com/clvkit/clvkit/internal/clip"
	"github.com/clvkit/clvkit/internal/parallel"
)

// TransactionModel is a fitted model of repeat purchasing in a
// non-contractual setting. BGNBD, MBGNBD and ParetoNBD implement it, so that
// lifecycle phases, ladders and lifetime value accept any of them.
//
// Methods take a customer's Summary (only Frequency, Recency and T are read)
// and times in the model's unit. The summary must be valid (see
// Summary.Validate; Predict checks it for you); results for invalid
// summaries are unspecified. Every method returns its value to 1e−10
// relative over the documented domain (see the package doc), or NaN when it
// cannot compute it to that accuracy; Predict, LifetimeValue and the other
// functions that return errors turn a NaN into ErrInaccurate.
type TransactionModel interface {
	Model
	// LogLikelihood returns the log-likelihood of the summary.
	LogLikelihood(s Summary) float64
	// ProbabilityAlive returns P(alive at T | history).
	ProbabilityAlive(s Summary) float64
	// ProbabilityAliveAt returns P(alive at T+t | history).
	ProbabilityAliveAt(s Summary, t float64) float64
	// ExpectedPurchases returns the expected number of purchases in
	// (T, T+t] given the history.
	ExpectedPurchases(s Summary, t float64) float64
	// ExpectedPurchasesNew returns the expected number of repeat purchases in
	// (0, t] of a customer who has just made their first purchase.
	ExpectedPurchasesNew(t float64) float64
	// ProbabilityPurchasesNew returns P(X(t) = n) for a new customer.
	ProbabilityPurchasesNew(n int, t float64) float64
	// ProbabilityPurchases returns P(X(T, T+t) = n | history).
	ProbabilityPurchases(s Summary, n int, t float64) float64
	// Simulate draws one summary per age in T, using rng.
	Simulate(rng *rand.Rand, T []float64) []Summary
	// TimeUnit returns the unit of the model's time parameters and of every
	// time its methods take.
	TimeUnit() Unit
}

// Model is what every fitted model of the package has: a short name, its
// parameters by name and a check of their domain. MarshalModel and
// UnmarshalModel persist any Model.
type Model interface {
	// Name returns the model's short name: "bgnbd", "mbgnbd", "pnbd",
	// "bgbb", "sbg" or "gg".
	Name() string
	// Params returns the parameters by name, as in the JSON form.
	Params() map[string]float64
	// Validate reports whether the parameters are in the model's domain.
	Validate() error
}

var (
	_ Model            = BGBB{}
	_ Model            = SBG{}
	_ Model            = GammaGamma{}
	_ TransactionModel = BGNBD{}
	_ TransactionModel = MBGNBD{}
	_ TransactionModel = ParetoNBD{}
)

// modelVersion is the version of the JSON form written by MarshalModel.
const modelVersion = 1

// modelJSON is the persisted form of a model: small, versioned, and the
// same shape clvtool fit prints.
type modelJSON struct {
	Version int                `json:"version"`
	Model   string             `json:"model"`
	Params  map[string]float64 `json:"params"`
	Unit    string             `json:"unit,omitempty"`
	// Covariates holds a CovariateModel's coefficients by group, then by
	// covariate; CovariateOrder the order in which For takes covariates.
	Covariates     map[string]map[string]float64 `json:"covariates,omitempty"`
	CovariateOrder []string                      `json:"covariate_order,omitempty"`
	*FitReport
}

// MarshalModel returns the JSON form of m and, when report is non-nil, its
// fit report:
//
//	{"version": 1, "model": "bgnbd", "params": {"r": …, "alpha": …, "a": …, "b": …},
//	 "log_likelihood": …, "n": …, "converged": true, "iterations": …, "std_errors": {…}, …}
//
// Numbers are written with full precision, so UnmarshalModel gives back the
// same model bit for bit. Transaction models also write their "unit"
// ("day", "week" or "month"); a JSON object without one is read as days. A
// CovariateModel writes its base parameters as "params" and its
// coefficients by group and covariate, with the covariates' order:
//
//	"covariates": {"purchase": {"first_spend": 0.21, …}, "dropout": {…}},
//	"covariate_order": ["first_spend", …]
//
// and UnmarshalModel gives it back (a JSON object written by hand may leave
// out the order: the covariates are then taken in sorted order).
func MarshalModel(m Model, report *FitReport) ([]byte, error) {
	if guard.IsNil(m) {
		return nil, fmt.Errorf("%w: MarshalModel: nil model", ErrInvalidParams)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	var rep *FitReport
	if report != nil {
		r := *report
		r.Model = ""
		rep = &r
	}
	out := modelJSON{Version: modelVersion, Model: m.Name(), Params: m.Params(), FitReport: rep}
	if tm, ok := m.(TransactionModel); ok {
		out.Unit = tm.TimeUnit().String()
	}
	if cm, ok := m.(CovariateModel); ok {
		out.Unit = cm.TimeUnit().String()
		out.CovariateOrder = cm.Covariates()
		out.Covariates = map[string]map[string]float64{}
		for _, g := range cm.Groups() {
			out.Covariates[g] = cm.Coefficients(g)
		}
	}
	return json.Marshal(out)
}

// UnmarshalModel reads a model written by MarshalModel (or any JSON object
// with "model" and "params"; "version", when present, must be 1). It
// returns the fit report when the object has one.
func UnmarshalModel(data []byte) (Model, *FitReport, error) {
	var raw struct {
		Version        *int                          `json:"version"`
		Model          string                        `json:"model"`
		Params         map[string]float64            `json:"params"`
		Unit           string                        `json:"unit"`
		Covariates     map[string]map[string]float64 `json:"covariates"`
		CovariateOrder []string                      `json:"covariate_order"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, nil, fmt.Errorf("%w: model JSON: %w", ErrInvalidParams, err)
	}
	if raw.Version != nil && *raw.Version != modelVersion {
		return nil, nil, fmt.Errorf("%w: model JSON version %d, this package reads version %d", ErrInvalidParams, *raw.Version, modelVersion)
	}
	m, err := NewModel(raw.Model, raw.Params)
	if err != nil {
		return nil, nil, err
	}
	if raw.Unit != "" {
		u, err := ParseUnit(raw.Unit)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: model JSON: %w", ErrInvalidParams, err)
		}
		if m, err = withUnit(m, u); err != nil {
			return nil, nil, err
		}
	}
	if raw.Covariates != nil {
		if m, err = covariateModel(m, raw.Covariates, raw.CovariateOrder); err != nil {
			return nil, nil, err
		}
	} else if raw.CovariateOrder != nil {
		return nil, nil, fmt.Errorf("%w: model JSON: covariate_order without covariates", ErrInvalidParams)
	}
	var rep FitReport
	if err := json.Unmarshal(data, &rep); err != nil {
		return nil, nil, fmt.Errorf("%w: model JSON report: %w", ErrInvalidParams, err)
	}
	if rep.N == 0 && rep.Iterations == 0 && rep.LogLikelihood == 0 && rep.Covariance == nil && rep.StdErrors == nil {
		return m, nil, nil
	}
	rep.Model = m.Name()
	return m, &rep, nil
}

// covariateModel returns base with the coefficients of a model JSON's
// "covariates", in the order of order (sorted names when it is empty).
func covariateModel(base Model, coefs map[string]map[string]float64, order []string) (Model, error) {
	var groups []string
	switch base.(type) {
	case BGNBD:
		groups = BGNBDCovariates{}.Groups()
	case ParetoNBD:
		groups = ParetoNBDCovariates{}.Groups()
	default:
		return nil, fmt.Errorf("%w: model JSON: a %s model has no covariates", ErrInvalidParams, base.Name())
	}
	for g := range coefs {
		if !slices.Contains(groups, g) {
			return nil, fmt.Errorf("%w: model JSON: unknown covariate group %s for %s (want %v)", ErrInvalidParams, clip.Quote(g), base.Name(), groups)
		}
	}
	names := slices.Clone(order)
	if len(names) == 0 {
		for n := range coefs[groups[0]] {
			names = append(names, n)
		}
		slices.Sort(names)
	}
	vecs := make([][]float64, len(groups))
	for gi, g := range groups {
		c, ok := coefs[g]
		if !ok || len(c) != len(names) {
			return nil, fmt.Errorf("%w: model JSON: covariate group %q must have a coefficient for each of %v", ErrInvalidParams, g, clip.Value(fmt.Sprint(names)))
		}
		for _, n := range names {
			v, ok := c[n]
			if !ok {
				return nil, fmt.Errorf("%w: model JSON: covariate group %q has no coefficient for %s", ErrInvalidParams, g, clip.Quote(n))
			}
			vecs[gi] = append(vecs[gi], v)
		}
	}
	var m Model
	switch b := base.(type) {
	case BGNBD:
		m = BGNBDCovariates{Base: b, Names: names, Purchase: vecs[0], DropoutA: vecs[1], DropoutB: vecs[2]}
	case ParetoNBD:
		m = ParetoNBDCovariates{Base: b, Names: names, Purchase: vecs[0], Dropout: vecs[1]}
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// NewModel returns the model with the given name (see Models) and
// parameters, checking that every parameter is present, known and valid.
func NewModel(name string, params map[string]float64) (Model, error) {
	d, err := Describe(name)
	if err != nil {
		return nil, err
	}
	v := make([]float64, len(d.Params))
	for i, n := range d.Params {
		p, ok := params[n]
		if !ok {
			return nil, fmt.Errorf("%w: %s: missing parameter %q", ErrInvalidParams, name, n)
		}
		v[i] = p
	}
	for k := range params {
		if !slices.Contains(d.Params, k) {
			return nil, fmt.Errorf("%w: %s: unknown parameter %q", ErrInvalidParams, name, clip.Value(k))
		}
	}
	m := d.build(v)
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// Prediction is one customer's forecast from a TransactionModel.
type Prediction struct {
	ID string
	// ProbabilityAlive is P(alive at T | history).
	ProbabilityAlive float64
	// ExpectedPurchases is the expected number of purchases in (T, T+t].
	ExpectedPurchases float64
}

// Predict validates the model and every summary, then returns one
// prediction per summary, in input order, for the horizon t (in the model's
// unit, at most MaxHorizon). An invalid summary is reported with its index
// (the first, if there are several). Every number returned is checked: a
// probability outside [0, 1] or an expectation that is negative or not
// finite is never returned; where a model cannot compute a value to its
// documented accuracy the error wraps ErrInaccurate and names the model, its
// parameters and the customer. The expectation of an alive customer depends
// on the history only through (x, T), so for the package's models it is
// computed once per distinct pair; any other TransactionModel is evaluated
// customer by customer, with the same results. The work is spread over runtime.GOMAXPROCS(0) goroutines; each
// prediction is computed independently, so the result does not depend on
// how it is split.
func Predict(m TransactionModel, summaries []Summary, t float64) ([]Prediction, error) {
	if guard.IsNil(m) {
		return nil, fmt.Errorf("%w: Predict: nil model", ErrInvalidParams)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if err := checkHorizon("horizon", t); err != nil {
		return nil, err
	}
	out := make([]Prediction, len(summaries))
	ac, ok := m.(aliveCurver)
	if !ok {
		err := parallel.Each(len(summaries), 4096, func(i int) error {
			s := summaries[i]
			if err := s.Validate(); err != nil {
				return fmt.Errorf("summary %d: %w", i, err)
			}
			if err := checkUnit(m, s); err != nil {
				return fmt.Errorf("summary %d: %w", i, err)
			}
			out[i] = Prediction{ID: s.ID, ProbabilityAlive: m.ProbabilityAlive(s), ExpectedPurchases: m.ExpectedPurchases(s, t)}
			return checkPrediction(m, s, out[i])
		})
		if err != nil {
			return nil, err
		}
		return out, nil
	}
	keys, which, first, err := groupByXT(m, summaries)
	if err != nil {
		return nil, err
	}
	alive := make([]float64, len(keys))
	err = parallel.Each(len(keys), 256, func(j int) error {
		alive[j] = ac.aliveCurve(keys[j].x, keys[j].T)(t)
		if !finiteIn(alive[j], 0, math.MaxFloat64) {
			return inaccurate(m, summaries[first[j]], fmt.Sprintf("expected purchases of an alive customer in the next %v", t))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = parallel.Each(len(summaries), 4096, func(i int) error {
		s := summaries[i]
		pa := m.ProbabilityAlive(s)
		out[i] = Prediction{ID: s.ID, ProbabilityAlive: pa, ExpectedPurchases: pa * alive[which[i]]}
		return checkPrediction(m, s, out[i])
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkPrediction reports a prediction whose numbers are out of range.
func checkPrediction(m Model, s Summary, p Prediction) error {
	if !finiteIn(p.ProbabilityAlive, 0, 1) {
		return inaccurate(m, s, "P(alive)")
	}
	if !finiteIn(p.ExpectedPurchases, 0, math.MaxFloat64) {
		return inaccurate(m, s, "expected purchases")
	}
	return nil
}

// xtKey is a customer's (x, T): an alive customer's future depends on their
// history only through it, so expectations are computed once per key.
type xtKey struct {
	x int
	T float64
}

// groupByXT validates the summaries (and that they are in m's unit) and
// maps each to the index of its (x, T) in keys; first[j] is the first
// summary with key j, the one named when a value for the key cannot be
// computed.
func groupByXT(m TransactionModel, summaries []Summary) (keys []xtKey, which []int32, first []int, err error) {
	index := map[xtKey]int32{}
	which = make([]int32, len(summaries))
	for i, s := range summaries {
		if err := s.Validate(); err != nil {
			return nil, nil, nil, fmt.Errorf("summary %d: %w", i, err)
		}
		if err := checkUnit(m, s); err != nil {
			return nil, nil, nil, fmt.Errorf("summary %d: %w", i, err)
		}
		k := xtKey{s.Frequency, s.T}
		j, seen := index[k]
		if !seen {
			j = int32(len(keys))
			index[k] = j
			keys = append(keys, k)
			first = append(first, i)
		}
		which[i] = j
	}
	return keys, which, first, nil
}

// finiteIn reports whether v is a number in [lo, hi].
func finiteIn(v, lo, hi float64) bool { return v >= lo && v <= hi }
