package clv

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

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
	// 500. The work is proportional to draws × customers.
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
// in paramVector's order.
func withParams(m Model, vals []float64) (Model, error) {
	d, _ := Describe(m.Name())
	k := len(d.Params)
	base, err := NewModel(m.Name(), d.paramMap(vals[:k]))
	if err != nil {
		return nil, err
	}
	if tm, ok := m.(TransactionModel); ok {
		return withUnit(base, tm.TimeUnit())
	}
	switch mm := m.(type) {
	case BGNBDCovariates:
		b := base.(BGNBD)
		b.Unit = mm.Base.Unit
		n := len(mm.Names)
		return BGNBDCovariates{Base: b, Names: mm.Names, Purchase: vals[k : k+n], DropoutA: vals[k+n : k+2*n], DropoutB: vals[k+2*n : k+3*n]}, nil
	case ParetoNBDCovariates:
		b := base.(ParetoNBD)
		b.Unit = mm.Base.Unit
		n := len(mm.Names)
		return ParetoNBDCovariates{Base: b, Names: mm.Names, Purchase: vals[k : k+n], Dropout: vals[k+n : k+2*n]}, nil
	}
	return base, nil
}

// drawModels draws models from the asymptotic normal distribution of the
// estimates of m — the positive parameters on the log scale, coefficients as
// they are — with the covariance of rep (see FitReport.Covariance). Draw d
// uses its own random stream, derived from seed and d.
func drawModels(m Model, rep *FitReport, draws int, seed uint64) ([]Model, error) {
	if guard.IsNil(m) {
		return nil, fmt.Errorf("%w: nil model", ErrInvalidParams)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	names, vals, positive := paramVector(m)
	if rep == nil || rep.Covariance == nil {
		return nil, fmt.Errorf("%w: the %s fit report has no covariance matrix (a fit without standard errors, or a report from before they were kept): intervals need one", ErrInvalidParams, m.Name())
	}
	if !slices.Equal(rep.CovarianceOf, names) {
		return nil, fmt.Errorf("%w: the fit report's covariance is of %s, the model's parameters are %s", ErrInvalidParams,
			clip.Value(strings.Join(rep.CovarianceOf, ",")), clip.Value(strings.Join(names, ",")))
	}
	k := len(names)
	cov := mat.NewSymDense(k, nil)
	for i := range k {
		if len(rep.Covariance[i]) != k {
			return nil, fmt.Errorf("%w: covariance row %d has %d entries, want %d", ErrInvalidParams, i, len(rep.Covariance[i]), k)
		}
		for j := range k {
			v := rep.Covariance[i][j]
			if positive[i] {
				v /= vals[i]
			}
			if positive[j] {
				v /= vals[j]
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%w: covariance entry (%d, %d) = %v", ErrInvalidParams, i, j, rep.Covariance[i][j])
			}
			if j >= i {
				cov.SetSym(i, j, v)
			}
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(cov) {
		return nil, fmt.Errorf("%w: the fit report's covariance matrix is not positive definite", ErrInvalidParams)
	}
	var l mat.TriDense
	chol.LTo(&l)
	center := make([]float64, k)
	for i, v := range vals {
		center[i] = v
		if positive[i] {
			center[i] = math.Log(v)
		}
	}
	out := make([]Model, draws)
	u := make([]float64, k)
	p := make([]float64, k)
	for d := range draws {
		rng := rand.New(rand.NewPCG(seed, uint64(d)))
		for i := range u {
			u[i] = rng.NormFloat64()
		}
		for i := range k {
			v := center[i]
			for j := 0; j <= i; j++ {
				v += l.At(i, j) * u[j]
			}
			if positive[i] {
				v = math.Exp(v)
			}
			p[i] = v
		}
		dm, err := withParams(m, slices.Clone(p))
		if err != nil {
			return nil, fmt.Errorf("draw %d: %w", d, err)
		}
		out[d] = dm
	}
	return out, nil
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

// drawChunk is the number of customers whose draws are held at once.
const drawChunk = 512

// overDraws evaluates q quantities per customer for every draw: eval(d, i,
// out) writes customer i's quantities under draw d into out. It returns
// each customer's intervals (q per customer) and the intervals of the q
// portfolio totals. Customers are taken in chunks, in parallel; totals are
// added chunk by chunk in order, so results do not depend on scheduling.
func overDraws(n, draws, q int, level float64, eval func(d, i int, out []float64) error) ([][]Interval, []Interval, error) {
	chunks := (n + drawChunk - 1) / drawChunk
	per := make([][]Interval, n)
	partial := make([][]float64, chunks) // partial[c][k*draws+d]
	err := parallel.Each(chunks, 1, func(c int) error {
		lo, hi := c*drawChunk, min((c+1)*drawChunk, n)
		vals := make([]float64, (hi-lo)*q*draws) // [(i−lo)*q+k][d]
		out := make([]float64, q)
		sums := make([]float64, q*draws)
		for d := range draws {
			for i := lo; i < hi; i++ {
				if err := eval(d, i, out); err != nil {
					return err
				}
				for k, v := range out {
					vals[((i-lo)*q+k)*draws+d] = v
					sums[k*draws+d] += v
				}
			}
		}
		for i := lo; i < hi; i++ {
			per[i] = make([]Interval, q)
			for k := range q {
				per[i][k] = intervalOf(vals[((i-lo)*q+k)*draws:((i-lo)*q+k+1)*draws], level)
			}
		}
		partial[c] = sums
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	totals := make([]Interval, q)
	for k := range q {
		t := make([]float64, draws)
		for _, sums := range partial {
			for d := range draws {
				t[d] += sums[k*draws+d]
			}
		}
		totals[k] = intervalOf(t, level)
	}
	return per, totals, nil
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
// m is a TransactionModel with cov nil, or a CovariateModel with the
// customers' covariates in cov. Intervals describe what the data leave
// uncertain about the parameters, not the randomness of a customer's
// future purchases. Draws use random streams derived from opts.Seed, so
// results are reproducible.
func PredictIntervals(m Model, rep *FitReport, summaries []Summary, cov *Covariates, t float64, opts IntervalOptions) (PredictionIntervals, error) {
	o, err := opts.check()
	if err != nil {
		return PredictionIntervals{}, err
	}
	if err := checkHorizon("horizon", t); err != nil {
		return PredictionIntervals{}, err
	}
	models, err := drawModels(m, rep, o.Draws, o.Seed)
	if err != nil {
		return PredictionIntervals{}, err
	}
	if _, err := customerModels(m, summaries, cov); err != nil {
		return PredictionIntervals{}, err
	}
	for i, s := range summaries {
		if err := s.Validate(); err != nil {
			return PredictionIntervals{}, fmt.Errorf("summary %d: %w", i, err)
		}
	}
	of := make([]func(int) (TransactionModel, error), len(models))
	for d, dm := range models {
		of[d], _ = customerModels(dm, summaries, cov)
	}
	per, totals, err := overDraws(len(summaries), o.Draws, 2, o.Level, func(d, i int, out []float64) error {
		c, err := of[d](i)
		if err != nil {
			return fmt.Errorf("draw %d: %w", d, err)
		}
		s := summaries[i]
		if err := checkUnit(c, s); err != nil {
			return fmt.Errorf("summary %d: %w", i, err)
		}
		p := Prediction{ID: s.ID, ProbabilityAlive: c.ProbabilityAlive(s), ExpectedPurchases: c.ExpectedPurchases(s, t)}
		if err := checkPrediction(c, s, p); err != nil {
			return fmt.Errorf("draw %d: %w", d, err)
		}
		out[0], out[1] = p.ProbabilityAlive, p.ExpectedPurchases
		return nil
	})
	if err != nil {
		return PredictionIntervals{}, err
	}
	res := PredictionIntervals{Level: o.Level, Customers: make([]PredictionInterval, len(summaries)),
		AliveCustomers: totals[0], ExpectedPurchases: totals[1]}
	for i, s := range summaries {
		res.Customers[i] = PredictionInterval{ID: s.ID, ProbabilityAlive: per[i][0], ExpectedPurchases: per[i][1]}
	}
	return res, nil
}

// ValueInterval is one customer's lifetime-value interval, in money units
// before rounding.
type ValueInterval struct {
	ID    string
	Value Interval
}

// ValueIntervals are the intervals of LifetimeValueIntervals.
type ValueIntervals struct {
	Level     float64
	Customers []ValueInterval
	// Total is the interval of the portfolio's total value.
	Total Interval
}

// LifetimeValueIntervals returns intervals for each customer's lifetime
// value (as LifetimeValue defines it, with opts) and for the portfolio's
// total, reflecting the uncertainty of both models' estimates: the
// transaction model m (with covariates cov, or nil) is drawn with the
// covariance of rep, and the spend model with that of spendRep — nil treats
// the spend model as known (a FixedSpend, say). The two fits are taken as
// independent. Bounds are float64 money, not rounded: they describe
// uncertainty, and are not amounts to book.
func LifetimeValueIntervals(m Model, rep *FitReport, spend SpendModel, spendRep *FitReport, summaries []Summary, cov *Covariates, opts ValueOptions, iopts IntervalOptions) (ValueIntervals, error) {
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
	models, err := drawModels(m, rep, io.Draws, io.Seed)
	if err != nil {
		return ValueIntervals{}, err
	}
	spends := make([]SpendModel, io.Draws)
	for d := range spends {
		spends[d] = spend
	}
	if spendRep != nil {
		sm, ok := spend.(Model)
		if !ok {
			return ValueIntervals{}, fmt.Errorf("%w: a spend report for a %T, which has no parameters to draw", ErrInvalidParams, spend)
		}
		// A stream apart from the transaction model's.
		ds, err := drawModels(sm, spendRep, io.Draws, io.Seed^0x5eed5eed5eed5eed)
		if err != nil {
			return ValueIntervals{}, fmt.Errorf("spend model: %w", err)
		}
		for d, dm := range ds {
			spends[d] = dm.(SpendModel)
		}
	}
	if _, err := customerModels(m, summaries, cov); err != nil {
		return ValueIntervals{}, err
	}
	for i, s := range summaries {
		if err := s.Validate(); err != nil {
			return ValueIntervals{}, fmt.Errorf("summary %d: %w", i, err)
		}
	}
	of := make([]func(int) (TransactionModel, error), len(models))
	for d, dm := range models {
		of[d], _ = customerModels(dm, summaries, cov)
	}
	per, totals, err := overDraws(len(summaries), io.Draws, 1, io.Level, func(d, i int, out []float64) error {
		c, err := of[d](i)
		if err != nil {
			return fmt.Errorf("draw %d: %w", d, err)
		}
		v, err := customerValue(c, spends[d], summaries[i], o)
		if err != nil {
			return fmt.Errorf("draw %d: summary %d: %w", d, i, err)
		}
		out[0] = v
		return nil
	})
	if err != nil {
		return ValueIntervals{}, err
	}
	res := ValueIntervals{Level: io.Level, Customers: make([]ValueInterval, len(summaries)), Total: totals[0]}
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
