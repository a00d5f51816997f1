package clv

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/clvkit/clvkit/internal/clip"
	"github.com/clvkit/clvkit/internal/guard"
	"github.com/clvkit/clvkit/internal/parallel"
)

// IntervalOptions configures intervals that reflect parameter uncertainty.
// The zero value means the documented defaults.
type IntervalOptions struct {
	// Level is the nominal coverage of each interval, in (0, 1); zero means
	// 0.9 (from the 5th to the 95th percentile).
	Level float64
	// Draws is the number of parameter draws, 2 to MaxDraws; zero means
	// 500. The work is proportional to draws × customers; memory to draws
	// (customers are taken a few hundred at a time, at most about 16 MB of
	// values per worker).
	Draws int
	// Seed seeds the draws: the same seed gives the same intervals, bit for
	// bit, however many workers compute them.
	Seed uint64
}

// MaxDraws bounds IntervalOptions.Draws.
const MaxDraws = 100_000

// Interval is a range of plausible values of a quantity: the (1−Level)/2
// and (1+Level)/2 quantiles of its values over the parameter draws.
type Interval struct {
	Low, High float64
}

// PredictionInterval is one customer's intervals.
type PredictionInterval struct {
	ID                                  string
	ProbabilityAlive, ExpectedPurchases Interval
}

// PredictionIntervals are the intervals of PredictIntervals.
type PredictionIntervals struct {
	// Level is the nominal coverage.
	Level float64
	// Replaced counts draws replaced because a model drawn could not give
	// a value it certifies for some customer (see PredictIntervals).
	Replaced int
	// Customers holds one entry per summary, in input order.
	Customers []PredictionInterval
	// AliveCustomers is the interval of Σ P(alive) over the customers, the
	// expected number still alive; ExpectedPurchases that of the
	// portfolio's expected purchases over the horizon. A portfolio total is
	// computed per draw before taking quantiles: it is not the sum of the
	// customers' bounds.
	AliveCustomers, ExpectedPurchases Interval
}

func (o IntervalOptions) check() (IntervalOptions, error) {
	if o.Level == 0 {
		o.Level = 0.9
	}
	if o.Draws == 0 {
		o.Draws = 500
	}
	if !(o.Level > 0 && o.Level < 1) {
		return o, fmt.Errorf("%w: interval level %v, want a number in (0, 1)", ErrInvalidOptions, o.Level)
	}
	if o.Draws < 2 || o.Draws > MaxDraws {
		return o, fmt.Errorf("%w: %d draws, want 2 to %d", ErrInvalidOptions, o.Draws, MaxDraws)
	}
	return o, nil
}

// ownModel returns m as one of the package's models whose estimates
// intervals can draw — BG/NBD, MBG/NBD, Pareto/NBD (with or without
// covariates) and Gamma-Gamma — dereferencing a pointer to one.
func ownModel(m Model) (Model, error) {
	if guard.IsNil(m) {
		return nil, fmt.Errorf("%w: nil model", ErrInvalidParams)
	}
	switch mm := m.(type) {
	case *BGNBD:
		m = *mm
	case *MBGNBD:
		m = *mm
	case *ParetoNBD:
		m = *mm
	case *GammaGamma:
		m = *mm
	case *BGNBDCovariates:
		m = *mm
	case *ParetoNBDCovariates:
		m = *mm
	}
	switch m.(type) {
	case BGNBD, MBGNBD, ParetoNBD, GammaGamma, BGNBDCovariates, ParetoNBDCovariates:
	default:
		return nil, fmt.Errorf("%w: intervals are for the package's BG/NBD, MBG/NBD and Pareto/NBD models (with or without covariates) and Gamma-Gamma, not a %T", ErrInvalidParams, m)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// paramVector returns a model's parameters and coefficients by the names a
// fit report uses, and whether each is positive (fitted on the log scale).
func paramVector(m Model) (names []string, vals []float64, positive []bool) {
	base := m.Params()
	d, _ := Describe(m.Name())
	for _, n := range d.Params {
		names, vals, positive = append(names, n), append(vals, base[n]), append(positive, true)
	}
	if cm, ok := m.(CovariateModel); ok {
		for _, g := range cm.Groups() {
			c := cm.Coefficients(g)
			for _, n := range cm.Covariates() {
				names, vals, positive = append(names, g+"."+n), append(vals, c[n]), append(positive, false)
			}
		}
	}
	return names, vals, positive
}

// withParams returns a model of m's kind (and unit) with the given values,
// in paramVector's order; m is one ownModel accepts.
func withParams(m Model, vals []float64) (Model, error) {
	d, _ := Describe(m.Name())
	k := len(d.Params)
	base, err := NewModel(m.Name(), d.paramMap(vals[:k]))
	if err != nil {
		return nil, err
	}
	coefs := func(n, g int) []float64 { return slices.Clone(vals[k+g*n : k+(g+1)*n]) }
	switch mm := m.(type) {
	case BGNBD, MBGNBD, ParetoNBD:
		return withUnit(base, mm.(TransactionModel).TimeUnit())
	case BGNBDCovariates:
		b := base.(BGNBD)
		b.Unit = mm.Base.Unit
		n := len(mm.Names)
		return BGNBDCovariates{Base: b, Names: mm.Names, Purchase: coefs(n, 0), DropoutA: coefs(n, 1), DropoutB: coefs(n, 2)}, nil
	case ParetoNBDCovariates:
		b := base.(ParetoNBD)
		b.Unit = mm.Base.Unit
		n := len(mm.Names)
		return ParetoNBDCovariates{Base: b, Names: mm.Names, Purchase: coefs(n, 0), Dropout: coefs(n, 1)}, nil
	}
	return base, nil
}

// drawer draws models from the asymptotic normal distribution of the
// estimates of a model — the positive parameters on the log scale,
// coefficients as they are — with the covariance of its fit report.
type drawer struct {
	m        Model
	seed     uint64
	center   []float64
	positive []bool
	l        mat.TriDense
}

// newDrawer checks rep against m: the same model, a covariance of its
// parameters that is square, symmetric, finite and positive definite.
func newDrawer(m Model, rep *FitReport, seed uint64) (*drawer, error) {
	m, err := ownModel(m)
	if err != nil {
		return nil, err
	}
	names, vals, positive := paramVector(m)
	k := len(names)
	switch {
	case rep == nil || rep.Covariance == nil:
		return nil, fmt.Errorf("%w: the %s fit report has no covariance matrix (a fit without standard errors, or a report from before they were kept): intervals need one", ErrInvalidParams, m.Name())
	case rep.Model != "" && rep.Model != m.Name():
		return nil, fmt.Errorf("%w: a %s fit report for a %s model", ErrInvalidParams, clip.Quote(rep.Model), m.Name())
	case !slices.Equal(rep.CovarianceOf, names):
		return nil, fmt.Errorf("%w: the fit report's covariance is of %s, the model's parameters are %s", ErrInvalidParams,
			clip.Value(strings.Join(rep.CovarianceOf, ",")), clip.Value(strings.Join(names, ",")))
	case len(rep.Covariance) != k:
		return nil, fmt.Errorf("%w: the covariance has %d rows for %d parameters", ErrInvalidParams, len(rep.Covariance), k)
	}
	c := rep.Covariance
	for i := range k {
		if len(c[i]) != k {
			return nil, fmt.Errorf("%w: covariance row %d has %d entries, want %d", ErrInvalidParams, i, len(c[i]), k)
		}
		for j := range k {
			if v := c[i][j]; math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%w: covariance entry (%d, %d) = %v", ErrInvalidParams, i, j, v)
			}
		}
	}
	cov := mat.NewSymDense(k, nil)
	for i := range k {
		for j := i; j < k; j++ {
			if d := math.Abs(c[i][j] - c[j][i]); d > 1e-9*math.Sqrt(math.Abs(c[i][i]*c[j][j])) {
				return nil, fmt.Errorf("%w: the covariance is not symmetric: entries (%d, %d) and (%d, %d) are %v and %v", ErrInvalidParams, i, j, j, i, c[i][j], c[j][i])
			}
			v := c[i][j]
			if positive[i] {
				v /= vals[i]
			}
			if positive[j] {
				v /= vals[j]
			}
			cov.SetSym(i, j, v)
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(cov) {
		return nil, fmt.Errorf("%w: the fit report's covariance matrix is not positive definite", ErrInvalidParams)
	}
	dr := &drawer{m: m, seed: seed, positive: positive, center: make([]float64, k)}
	chol.LTo(&dr.l)
	for i, v := range vals {
		dr.center[i] = v
		if positive[i] {
			dr.center[i] = math.Log(v)
		}
	}
	return dr, nil
}

// customers returns each customer's model under the draw of stream d.
func (dr *drawer) customers(d int, summaries []Summary, cov *Covariates) (func(int) (TransactionModel, error), error) {
	dm, err := dr.draw(d)
	if err != nil {
		return nil, err
	}
	return customerModels(dm, summaries, cov)
}

// draw returns the model of random stream d, derived from the seed and d
// alone, or an error when its parameters leave the model's domain.
func (dr *drawer) draw(d int) (Model, error) {
	k := len(dr.center)
	rng := rand.New(rand.NewPCG(dr.seed, uint64(d)))
	u := make([]float64, k)
	for i := range u {
		u[i] = rng.NormFloat64()
	}
	p := make([]float64, k)
	for i := range k {
		v := dr.center[i]
		for j := 0; j <= i; j++ {
			v += dr.l.At(i, j) * u[j]
		}
		if dr.positive[i] {
			v = math.Exp(v)
		}
		p[i] = v
	}
	return withParams(dr.m, p)
}

// quantile returns the q-quantile of sorted values, interpolating linearly
// between order statistics (Hyndman & Fan's type 7, R's default).
func quantile(sorted []float64, q float64) float64 {
	h := q * float64(len(sorted)-1)
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-lo)*(sorted[i+1]-sorted[i])
}

// intervalOf sorts vs and returns its interval at level.
func intervalOf(vs []float64, level float64) Interval {
	slices.Sort(vs)
	return Interval{Low: quantile(vs, (1-level)/2), High: quantile(vs, (1+level)/2)}
}

// drawBudget bounds the values of one chunk of customers, per worker.
const drawBudget = 1 << 21

// evalFunc writes customer i's quantities under one draw into out.
type evalFunc func(i int, out []float64) error

// overDraws evaluates q quantities per customer under every draw and
// returns each customer's intervals (q per customer), the intervals of the
// q portfolio totals, and the draws that failed for some customer (in
// order) with the first such error, by customer then draw. Customers are
// taken in chunks small enough for drawBudget values, in parallel; a
// chunk's totals are added in chunk order as chunks finish, so results do
// not depend on scheduling and memory does not grow with customers.
func overDraws(ctx context.Context, n, q int, level float64, evals []evalFunc) ([][]Interval, []Interval, []int, error) {
	draws := len(evals)
	chunk := min(512, max(1, drawBudget/(q*draws)))
	chunks := (n + chunk - 1) / chunk
	per := make([][]Interval, n)
	totals := make([]float64, q*draws)
	var mu sync.Mutex
	pending := map[int][]float64{}
	next := 0
	failed := make([]bool, draws)
	firstAt, firstErr := [2]int{n, draws}, error(nil)
	err := parallel.Each(chunks, 1, func(c int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		lo, hi := c*chunk, min((c+1)*chunk, n)
		vals := make([]float64, (hi-lo)*q*draws) // [(i−lo)*q+k][d]
		out := make([]float64, q)
		sums := make([]float64, q*draws)
		var bad []int
		at, why := [2]int{n, draws}, error(nil)
		for d, eval := range evals {
			for i := lo; i < hi; i++ {
				if err := eval(i, out); err != nil {
					if len(bad) == 0 || bad[len(bad)-1] != d {
						bad = append(bad, d)
					}
					if i < at[0] || i == at[0] && d < at[1] {
						at, why = [2]int{i, d}, err
					}
					continue
				}
				for k, v := range out {
					vals[((i-lo)*q+k)*draws+d] = v
					sums[k*draws+d] += v
				}
			}
		}
		if len(bad) == 0 {
			for i := lo; i < hi; i++ {
				per[i] = make([]Interval, q)
				for k := range q {
					per[i][k] = intervalOf(vals[((i-lo)*q+k)*draws:((i-lo)*q+k+1)*draws], level)
				}
			}
		}
		mu.Lock()
		defer mu.Unlock()
		for _, d := range bad {
			failed[d] = true
		}
		if why != nil && (at[0] < firstAt[0] || at[0] == firstAt[0] && at[1] < firstAt[1]) {
			firstAt, firstErr = at, why
		}
		pending[c] = sums
		for s, ok := pending[next]; ok; s, ok = pending[next] {
			for j, v := range s {
				totals[j] += v
			}
			delete(pending, next)
			next++
		}
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	var bad []int
	for d, f := range failed {
		if f {
			bad = append(bad, d)
		}
	}
	if len(bad) > 0 {
		return nil, nil, bad, firstErr
	}
	out := make([]Interval, q)
	for k := range q {
		out[k] = intervalOf(totals[k*draws:(k+1)*draws], level)
	}
	return per, out, nil, nil
}

// intervals runs overDraws on the draws build makes from random streams
// 0, 1, …, Draws−1. A draw whose model leaves its domain, or cannot give a
// value it certifies for some customer, is replaced by the next unused
// stream, and the whole evaluation repeated; more than a tenth of the draws
// replaced (at least two) is an error naming the first failure. It returns
// the intervals and the number of draws replaced.
func intervals(ctx context.Context, n, q int, o IntervalOptions, build func(stream int) (evalFunc, error)) ([][]Interval, []Interval, int, error) {
	limit := max(2, o.Draws/10)
	streams := make([]int, o.Draws)
	for d := range streams {
		streams[d] = d
	}
	next, replaced := o.Draws, 0
	tooMany := func(err error) error {
		return fmt.Errorf("%w: %d of %d parameter draws give models that cannot value every customer (the estimates are too uncertain, or too near the edge of the models' domain, for intervals); the first: %w",
			ErrInaccurate, replaced, o.Draws, err)
	}
	evals := make([]evalFunc, o.Draws)
	for d := range evals {
		for {
			e, err := build(streams[d])
			if err == nil {
				evals[d] = e
				break
			}
			if replaced++; replaced > limit {
				return nil, nil, 0, tooMany(fmt.Errorf("draw %d: %w", streams[d], err))
			}
			streams[d], next = next, next+1
		}
	}
	for {
		per, totals, bad, err := overDraws(ctx, n, q, o.Level, evals)
		if bad == nil {
			return per, totals, replaced, err
		}
		for _, d := range bad {
			for {
				if replaced++; replaced > limit {
					return nil, nil, 0, tooMany(err)
				}
				streams[d], next = next, next+1
				e, berr := build(streams[d])
				if berr == nil {
					evals[d] = e
					break
				}
			}
		}
	}
}

// PredictIntervals returns intervals for each customer's P(alive) and
// expected purchases over the horizon t (in the model's unit), and for the
// portfolio's totals, that reflect the uncertainty of the estimates: models
// are drawn from the asymptotic normal distribution of the estimates — the
// base parameters on the log scale, so draws stay positive; covariate
// coefficients as they are — with the covariance of rep (the fit's report,
// see FitReport.Covariance), and each interval spans the central Level of a
// quantity's values over the draws. The point estimates are Predict's (or
// PredictCovariates').
//
// m is a BG/NBD, MBG/NBD or Pareto/NBD model with cov nil, or one with
// covariates and the customers' covariates in cov. Intervals describe what
// the data leave uncertain about the parameters, not the randomness of a
// customer's future purchases. Draws use random streams derived from
// opts.Seed, so results are reproducible. A draw whose model cannot give a
// value it certifies for some customer (far outside the region the fit
// supports) is replaced by a fresh one and counted in Replaced: intervals
// are then of the draws the models can value; more than a tenth replaced is
// an error wrapping ErrInaccurate. Summaries and covariates are checked
// before any draw; ctx cancels the work.
func PredictIntervals(ctx context.Context, m Model, rep *FitReport, summaries []Summary, cov *Covariates, t float64, opts IntervalOptions) (PredictionIntervals, error) {
	o, err := opts.check()
	if err != nil {
		return PredictionIntervals{}, err
	}
	if err := checkHorizon("horizon", t); err != nil {
		return PredictionIntervals{}, err
	}
	dr, err := newDrawer(m, rep, o.Seed)
	if err != nil {
		return PredictionIntervals{}, err
	}
	if err := checkCustomers(dr.m, summaries, cov); err != nil {
		return PredictionIntervals{}, err
	}
	per, totals, replaced, err := intervals(ctx, len(summaries), 2, o, func(stream int) (evalFunc, error) {
		modelOf, err := dr.customers(stream, summaries, cov)
		if err != nil {
			return nil, err
		}
		return func(i int, out []float64) error {
			c, err := modelOf(i)
			if err != nil {
				return fmt.Errorf("draw %d: %w", stream, err)
			}
			s := summaries[i]
			p := Prediction{ID: s.ID, ProbabilityAlive: c.ProbabilityAlive(s), ExpectedPurchases: c.ExpectedPurchases(s, t)}
			if err := checkPrediction(c, s, p); err != nil {
				return fmt.Errorf("draw %d: %w", stream, err)
			}
			out[0], out[1] = p.ProbabilityAlive, p.ExpectedPurchases
			return nil
		}, nil
	})
	if err != nil {
		return PredictionIntervals{}, err
	}
	res := PredictionIntervals{Level: o.Level, Replaced: replaced, Customers: make([]PredictionInterval, len(summaries)),
		AliveCustomers: totals[0], ExpectedPurchases: totals[1]}
	for i, s := range summaries {
		res.Customers[i] = PredictionInterval{ID: s.ID, ProbabilityAlive: per[i][0], ExpectedPurchases: per[i][1]}
	}
	return res, nil
}

// checkCustomers checks the summaries, their unit and, for a model with
// covariates, the covariates, before any draw is made.
func checkCustomers(m Model, summaries []Summary, cov *Covariates) error {
	modelOf, err := customerModels(m, summaries, cov)
	if err != nil {
		return err
	}
	for i := range summaries {
		if _, err := checkedCustomer(modelOf, summaries, i); err != nil {
			return err
		}
	}
	return nil
}

// checkedCustomer validates summary i and returns its customer's model,
// in the summary's unit.
func checkedCustomer(modelOf func(int) (TransactionModel, error), summaries []Summary, i int) (TransactionModel, error) {
	s := summaries[i]
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("summary %d: %w", i, err)
	}
	c, err := modelOf(i)
	if err != nil {
		return nil, err
	}
	if err := checkUnit(c, s); err != nil {
		return nil, fmt.Errorf("summary %d: %w", i, err)
	}
	return c, nil
}

// ValueInterval is one customer's lifetime-value interval, in money units
// before rounding.
type ValueInterval struct {
	ID    string
	Value Interval
}

// ValueIntervals are the intervals of LifetimeValueIntervals.
type ValueIntervals struct {
	Level float64
	// Replaced counts draws replaced, as in PredictionIntervals.
	Replaced int
	// Customers holds one entry per summary, in input order.
	Customers []ValueInterval
	// Total is the interval of the portfolio's total value.
	Total Interval
}

// LifetimeValueIntervals returns intervals for each customer's lifetime
// value (as LifetimeValue defines it, with opts) and for the portfolio's
// total, reflecting the uncertainty of both models' estimates: the
// transaction model m (with covariates cov, or nil) is drawn with the
// covariance of rep, and the spend model — a GammaGamma — with that of
// spendRep; a nil spendRep treats the spend model as known (any
// SpendModel, a FixedSpend say). The two fits are taken as independent. A
// draw is replaced as PredictIntervals replaces it (a Gamma-Gamma draw with
// q ≤ 1, whose mean spend is infinite, is one). Bounds are float64 money,
// not rounded: they describe uncertainty, and are not amounts to book.
func LifetimeValueIntervals(ctx context.Context, m Model, rep *FitReport, spend SpendModel, spendRep *FitReport, summaries []Summary, cov *Covariates, opts ValueOptions, iopts IntervalOptions) (ValueIntervals, error) {
	o, err := opts.check()
	if err != nil {
		return ValueIntervals{}, err
	}
	io, err := iopts.check()
	if err != nil {
		return ValueIntervals{}, err
	}
	if guard.IsNil(spend) {
		return ValueIntervals{}, fmt.Errorf("%w: LifetimeValueIntervals needs a spend model", ErrInvalidParams)
	}
	dr, err := newDrawer(m, rep, io.Seed)
	if err != nil {
		return ValueIntervals{}, err
	}
	var spendDr *drawer
	if spendRep != nil {
		if _, ok := spend.(GammaGamma); !ok {
			if p, ok := spend.(*GammaGamma); !ok || p == nil {
				return ValueIntervals{}, fmt.Errorf("%w: a spend report for a %T: only a GammaGamma's parameters are drawn", ErrInvalidParams, spend)
			}
		}
		// A stream apart from the transaction model's.
		if spendDr, err = newDrawer(spend.(Model), spendRep, io.Seed^0x5eed5eed5eed5eed); err != nil {
			return ValueIntervals{}, fmt.Errorf("spend model: %w", err)
		}
	}
	if err := checkCustomers(dr.m, summaries, cov); err != nil {
		return ValueIntervals{}, err
	}
	per, totals, replaced, err := intervals(ctx, len(summaries), 1, io, func(stream int) (evalFunc, error) {
		modelOf, err := dr.customers(stream, summaries, cov)
		if err != nil {
			return nil, err
		}
		sp := spend
		if spendDr != nil {
			ds, err := spendDr.draw(stream)
			if err != nil {
				return nil, fmt.Errorf("spend model: %w", err)
			}
			if err := ds.(GammaGamma).checkMean(); err != nil {
				return nil, fmt.Errorf("spend model: %w", err)
			}
			sp = ds.(GammaGamma)
		}
		return func(i int, out []float64) error {
			c, err := modelOf(i)
			if err != nil {
				return fmt.Errorf("draw %d: %w", stream, err)
			}
			v, err := customerValue(c, sp, summaries[i], o)
			if err != nil {
				return fmt.Errorf("draw %d: summary %d: %w", stream, i, err)
			}
			out[0] = v
			return nil
		}, nil
	})
	if err != nil {
		return ValueIntervals{}, err
	}
	res := ValueIntervals{Level: io.Level, Replaced: replaced, Customers: make([]ValueInterval, len(summaries)), Total: totals[0]}
	for i, s := range summaries {
		res.Customers[i] = ValueInterval{ID: s.ID, Value: per[i][0]}
	}
	return res, nil
}

// customerValue returns one customer's unrounded lifetime value under model
// c (margin × spend × discounted purchases).
func customerValue(c TransactionModel, spend SpendModel, s Summary, o ValueOptions) (float64, error) {
	disc, _, err := purchasesOf(c, s, o)
	if err != nil {
		return 0, err
	}
	spf, err := spendOf(spend, s)
	if err != nil {
		return 0, err
	}
	return o.Margin * spf * disc, nil
}

// purchasesOf returns one customer's discounted expected purchases over the
// value horizon and the undiscounted total, checked. The package's models
// give an alive customer's curve, scaled by P(alive); any other model is
// asked for its expectations step by step.
func purchasesOf(c TransactionModel, s Summary, o ValueOptions) (disc, total float64, err error) {
	if err := checkUnit(c, s); err != nil {
		return 0, 0, err
	}
	if ac, ok := c.(aliveCurver); ok {
		pa := c.ProbabilityAlive(s)
		if !finiteIn(pa, 0, 1) {
			return 0, 0, inaccurate(c, s, "P(alive)")
		}
		disc, total = discountedPurchases(ac.aliveCurve(s.Frequency, s.T), o)
		disc, total = pa*disc, pa*total
	} else {
		disc, total = discountedPurchases(func(t float64) float64 { return c.ExpectedPurchases(s, t) }, o)
	}
	if !finiteIn(disc, 0, math.MaxFloat64) || !finiteIn(total, 0, math.MaxFloat64) {
		return 0, 0, inaccurate(c, s, "expected purchases over the value horizon")
	}
	return disc, total, nil
}

// LifetimeValueCovariates is LifetimeValue for a model with covariates:
// customer i (summaries[i]) has the model m.For(cov.Values[i]).
func LifetimeValueCovariates(m CovariateModel, spend SpendModel, summaries []Summary, cov Covariates, opts ValueOptions) ([]CustomerValue, error) {
	if guard.IsNil(spend) {
		return nil, fmt.Errorf("%w: LifetimeValueCovariates needs a spend model", ErrInvalidParams)
	}
	o, err := opts.check()
	if err != nil {
		return nil, err
	}
	if err := validModel(m); err != nil {
		return nil, err
	}
	modelOf, err := customerModels(m, summaries, &cov)
	if err != nil {
		return nil, err
	}
	return valueAll(spend, summaries, o, func(i int, s Summary) (float64, float64, error) {
		if err := s.Validate(); err != nil {
			return 0, 0, err
		}
		c, err := modelOf(i)
		if err != nil {
			return 0, 0, err
		}
		return purchasesOf(c, s, o)
	})
}
