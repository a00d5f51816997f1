package clv

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/internal/parallel"

	"github.com/clvkit/clvkit/internal/clip"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// ErrNotConverged reports a fit that did not reach a maximum of the
// likelihood. The error is a *ConvergenceError carrying the best point found.
var ErrNotConverged = errors.New("clv: fit did not converge")

// FitOptions configures maximum-likelihood fitting. The zero value means the
// documented defaults.
type FitOptions struct {
	// Penalty is an L2 penalty on the parameters, as Python lifetimes'
	// penalizer_coef: the fit minimises −LL/N + Penalty·Σ θ², where θ are the
	// model's parameters and N the number of customers. Zero (the default)
	// is plain maximum likelihood.
	Penalty float64
	// MaxIterations bounds the optimiser's major iterations per attempt;
	// zero means 1000.
	MaxIterations int
	// Start is the starting point in the model's parameter order (its
	// Description's Params); nil means the model's default.
	Start []float64
	// Progress, when non-nil, is called after each major iteration.
	Progress func(FitProgress)
	// Unit is the time unit of the data, recorded on the fitted BG/NBD,
	// MBG/NBD or Pareto/NBD model (the zero value is UnitDay). Summaries
	// carry their unit but patterns do not, so say it here: Predict refuses
	// summaries in another unit than the model's.
	Unit Unit
	// CovariatePenalty is an L2 penalty on the covariate coefficients of a
	// model with covariates (FitBGNBDCovariates, FitParetoNBDCovariates): the
	// fit minimises −LL/N + Penalty·Σ θ² + CovariatePenalty·Σ γ², shrinking
	// effects the data barely support towards zero. Zero (the default) is
	// plain maximum likelihood; Penalty then applies to the base parameters
	// only.
	CovariatePenalty float64
	// Workers is the number of goroutines evaluating the likelihood; zero
	// means runtime.GOMAXPROCS(0). Results do not depend on it: partial sums
	// are combined in a fixed order.
	Workers int
}

// FitProgress is what FitOptions.Progress receives.
type FitProgress struct {
	Iteration     int
	LogLikelihood float64
	Params        []float64
}

// FitReport describes a fit.
type FitReport struct {
	// Model is the model's name ("bgnbd", "mbgnbd", "pnbd", ...).
	Model string `json:"model"`
	// LogLikelihood is the full log-likelihood (all constants) at the
	// estimate, without the penalty.
	LogLikelihood float64 `json:"log_likelihood"`
	// N is the number of customers (the total weight of the patterns).
	N float64 `json:"n"`
	// Patterns is the number of distinct patterns the fit ran on.
	Patterns int `json:"patterns"`
	// Excluded counts customers left out of the fit by the model's
	// definition (Gamma-Gamma: those without repeat purchases and those
	// whose mean repeat spend is 0); ExcludedBy counts them by reason.
	Excluded   int            `json:"excluded,omitempty"`
	ExcludedBy map[string]int `json:"excluded_by,omitempty"`
	// Iterations and Evaluations count the optimiser's major iterations and
	// likelihood evaluations (passes over the patterns) over all attempts
	// on all the patterns; a large fit's warm start on a sample of them
	// (see the package documentation) is not counted.
	Iterations  int `json:"iterations"`
	Evaluations int `json:"evaluations"`
	// Converged reports that the optimiser stopped at a point where the
	// gradient vanishes and that the point is an interior estimate the data
	// identify (see Boundary).
	Converged bool `json:"converged"`
	// Boundary, when not empty, says why the estimate is not one to act on
	// although the optimiser stopped: a parameter ran to the edge of the
	// parameter space (beyond 1e8 or below 1e−8), the likelihood is flat
	// or not concave there (no standard errors), or a parameter is not
	// identified (its standard error exceeds 10 on the log scale: the data
	// cannot tell it from e^±10 times its value), with what about the data
	// causes it where that is known. Converged is then false and the fit
	// returns a *ConvergenceError that wraps ErrBoundary.
	Boundary string `json:"boundary,omitempty"`
	// StdErrors are the asymptotic standard errors from the inverse of the
	// observed information (the Hessian of −LL) at the estimate, by
	// parameter name (a covariate coefficient as "group.covariate", e.g.
	// "purchase.first_spend"); nil when the Hessian is not positive
	// definite.
	StdErrors map[string]float64 `json:"std_errors,omitempty"`
	// Covariance is that inverse, the asymptotic covariance matrix of the
	// estimates in their natural units, with rows and columns in the order
	// of CovarianceOf; nil with StdErrors. Intervals that reflect parameter
	// uncertainty (PredictIntervals, LifetimeValueIntervals) read it.
	Covariance   [][]float64 `json:"covariance,omitempty"`
	CovarianceOf []string    `json:"covariance_of,omitempty"`
	// AIC and BIC are Akaike's and Schwarz's information criteria.
	AIC float64 `json:"aic"`
	BIC float64 `json:"bic"`
}

// ConvergenceError is returned when a fit fails to converge or ends at a
// boundary estimate. Params is the best point found, in the model's
// parameter order; Boundary reports that the optimiser stopped but the
// estimate is at the edge of the parameter space or not identified, and
// Reason says why.
type ConvergenceError struct {
	Model    string
	Params   []float64
	Report   FitReport
	Reason   string
	Boundary bool
}

// Error implements error. Numbers are cut to 40 characters.
func (e *ConvergenceError) Error() string {
	params := make([]string, len(e.Params))
	for i, p := range e.Params {
		params[i] = clip.Float(p)
	}
	what := "did not converge"
	if e.Boundary {
		what = "ended at a boundary estimate"
	}
	return fmt.Sprintf("clv: %s fit %s after %d iterations (%s); best log-likelihood %s at [%s]",
		e.Model, what, e.Report.Iterations, e.Reason, clip.Value(fmt.Sprintf("%.6f", e.Report.LogLikelihood)), strings.Join(params, " "))
}

// Unwrap returns ErrNotConverged, and ErrBoundary for a boundary estimate.
func (e *ConvergenceError) Unwrap() []error {
	if e.Boundary {
		return []error{ErrNotConverged, ErrBoundary}
	}
	return []error{ErrNotConverged}
}

// likelihood is what a model contributes to fitting: at natural parameters
// p, prepare computes what is shared by all patterns (tables over distinct
// values) and returns an evaluator for blocks of patterns.
type likelihood interface {
	prepare(p []float64, grad bool, workers int) evaluator
	len() int
}

// evaluator returns the weighted log-likelihood of the patterns in [lo, hi)
// and adds its gradient into grad when grad is non-nil.
type evaluator interface {
	block(lo, hi int, grad []float64) float64
}

// hessianLikelihood is a likelihood that can also give its Hessian: its
// evaluator's blockHessian returns the weighted log-likelihood of the
// patterns in [lo, hi) and adds its gradient into grad and its Hessian in
// the natural parameters into hess (k×k, row-major, both triangles). The
// fit then runs Newton's method, one pass over the patterns per
// iteration, and takes standard errors from the exact Hessian.
type hessianLikelihood interface {
	likelihood
	prepareHessian(p []float64, workers int) hessianEvaluator
}

type hessianEvaluator interface {
	blockHessian(lo, hi int, grad, hess []float64) float64
}

// blockSize fixes how patterns are split among goroutines, so that sums are
// added in the same order whatever the number of workers.
const blockSize = 2048

// totalLogLik evaluates the whole log-likelihood and its gradient in
// parallel blocks.
func totalLogLik(lk likelihood, p []float64, grad []float64, workers int) float64 {
	ev := lk.prepare(p, grad != nil, workers)
	return sumBlocks(lk.len(), workers, grad, func(lo, hi int, acc []float64) float64 { return ev.block(lo, hi, acc) })
}

// totalLogLikHessian is totalLogLik that also adds the Hessian (k×k,
// row-major) into hess.
func totalLogLikHessian(lk hessianLikelihood, p, grad, hess []float64, workers int) float64 {
	k := len(p)
	ev := lk.prepareHessian(p, workers)
	acc := make([]float64, k+k*k)
	ll := sumBlocks(lk.len(), workers, acc, func(lo, hi int, acc []float64) float64 {
		return ev.blockHessian(lo, hi, acc[:k], acc[k:])
	})
	for i, v := range acc[:k] {
		grad[i] += v
	}
	for i, v := range acc[k:] {
		hess[i] += v
	}
	return ll
}

// sumBlocks adds up f over blocks of blockSize patterns of n, on workers
// goroutines, and adds what the blocks accumulate into acc (a gradient, a
// Hessian; nil for none). Each block accumulates into its own zeroed
// vector, and the blocks' values and vectors are summed in block order, so
// the result is the same bits whatever the number of workers.
func sumBlocks(n, workers int, acc []float64, f func(lo, hi int, acc []float64) float64) float64 {
	blocks := (n + blockSize - 1) / blockSize
	lls := make([]float64, blocks)
	var accs [][]float64
	if acc != nil {
		accs = make([][]float64, blocks)
	}
	run := func(b int) {
		var a []float64
		if acc != nil {
			a = make([]float64, len(acc))
			accs[b] = a
		}
		lls[b] = f(b*blockSize, min((b+1)*blockSize, n), a)
	}
	if blocks <= 1 || workers <= 1 {
		for b := range blocks {
			run(b)
		}
	} else {
		parallel.For(workers, blocks, run)
	}
	ll := 0.0
	for b := range blocks {
		ll += lls[b]
		if acc != nil {
			for j, v := range accs[b] {
				acc[j] += v
			}
		}
	}
	return ll
}

// fitSpec describes one model for the generic fitter.
type fitSpec struct {
	desc  *Description
	start []float64
	lk    likelihood
	n     float64 // total weight
	// hint, when not nil, says what about the data makes an estimate run to
	// the boundary ("" when nothing is known).
	hint func() string
	// params names the parameters when they are not desc.Params (a model
	// with covariates: desc.Params, then the coefficients).
	params []string
	// free is the number of trailing parameters that may take any real
	// value (covariate coefficients); the others are positive and fitted on
	// the log scale.
	free int
	// scale, for each free parameter, is the standard deviation of its
	// covariate: an effect whose standard error times it exceeds
	// boundaryLogSE is not identified.
	scale []float64
	// sub, when not nil, returns the same model's spec over every step-th
	// pattern, for a warm start (see warmStartPatterns).
	sub func(step int) fitSpec
}

// A fit of at least warmStartPatterns distinct patterns without a given
// start, of a model that offers a sample (fitSpec.sub: those fitted by
// Newton's method, whose convergence from a nearby start is quadratic),
// first fits a systematic sample of about warmSample of them (every step-th
// in canonical order) and starts from that estimate: Newton's method then
// needs three passes over all the patterns (1M customers) instead of eight. The
// estimate is the same maximum, to the optimiser's tolerance; if the
// sample's fit fails, the fit starts from the default.
//
// They are variables only so that tests can exercise the warm start on
// small data.
var (
	warmStartPatterns = 100_000
	warmSample        = 25_000
)

// subsample returns every step-th of ps and their total weight.
func subsample(ps []Pattern, step int) ([]Pattern, float64) {
	out := make([]Pattern, 0, len(ps)/step+1)
	n := 0.0
	for i := 0; i < len(ps); i += step {
		out = append(out, ps[i])
		n += ps[i].Weight
	}
	return out, n
}

// names returns the parameter names.
func (s fitSpec) names() []string {
	if s.params != nil {
		return s.params
	}
	return s.desc.Params
}

// positive is the number of positive (log-scale) parameters.
func (s fitSpec) positive() int { return len(s.names()) - s.free }

// maximize fits spec by maximum likelihood over log-parameters: with
// Newton's method on the exact Hessian when the likelihood gives one, and
// otherwise (or when Newton's method ends at a point that is not
// stationary) BFGS on analytic gradients, then Nelder–Mead from the best
// point, then BFGS again. Convergence means the infinity norm of the
// gradient of −LL/N in log-parameters is below 1e-5 at the estimate.
func maximize(ctx context.Context, spec fitSpec, opts FitOptions) ([]float64, FitReport, error) {
	names := spec.names()
	k, kp := len(names), spec.positive()
	rep := FitReport{Model: spec.desc.Name, N: spec.n, Patterns: spec.lk.len()}
	if opts.Penalty < 0 || math.IsNaN(opts.Penalty) || math.IsInf(opts.Penalty, 0) {
		return nil, rep, fmt.Errorf("%w: penalty %v, want a finite non-negative number", ErrInvalidOptions, opts.Penalty)
	}
	if opts.CovariatePenalty < 0 || math.IsNaN(opts.CovariatePenalty) || math.IsInf(opts.CovariatePenalty, 0) {
		return nil, rep, fmt.Errorf("%w: covariate penalty %v, want a finite non-negative number", ErrInvalidOptions, opts.CovariatePenalty)
	}
	if opts.CovariatePenalty != 0 && spec.free == 0 {
		return nil, rep, fmt.Errorf("%w: a covariate penalty for a %s fit without covariates", ErrInvalidOptions, spec.desc.Title)
	}
	start := spec.start
	if opts.Start != nil {
		if len(opts.Start) != k {
			return nil, rep, fmt.Errorf("%w: %d start values for %d parameters", ErrInvalidOptions, len(opts.Start), k)
		}
		if err := spec.desc.validate(opts.Start[:kp]); err != nil {
			return nil, rep, fmt.Errorf("%w: start: %w", ErrInvalidOptions, err)
		}
		for i, v := range opts.Start[kp:] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, rep, fmt.Errorf("%w: start: %s = %v, want a finite number", ErrInvalidOptions, names[kp+i], v)
			}
		}
		start = opts.Start
	}
	if opts.Start == nil && spec.sub != nil && spec.lk.len() >= warmStartPatterns {
		sub := spec.sub(spec.lk.len() / warmSample)
		sub.sub = nil
		subOpts := opts
		subOpts.Progress = nil
		est, _, err := maximize(ctx, sub, subOpts)
		if ctx.Err() != nil {
			return nil, rep, ctx.Err()
		}
		if err == nil {
			start = est
		}
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	maxIter := opts.MaxIterations
	if maxIter <= 0 {
		maxIter = 1000
	}
	p := make([]float64, k)
	g := make([]float64, k)
	// natural writes the natural parameters of θ into out.
	natural := func(theta, out []float64) {
		for i, t := range theta {
			out[i] = t
			if i < kp {
				out[i] = math.Exp(t)
			}
		}
	}
	toP := func(theta []float64) { natural(theta, p) }
	// penalty is the penalty term of the objective at natural parameters.
	penalty := func(p []float64) float64 {
		return opts.Penalty*sumSq(p[:kp]) + opts.CovariatePenalty*sumSq(p[kp:])
	}
	// objective: −LL/N + penalty·Σp², in θ = ln p. The gradient-based
	// methods ask for the gradient (and Newton's method for the Hessian) at
	// every point whose value they ask for, right after it: one pass over
	// the patterns gives all of them (the log-likelihood is the same bits
	// either way), kept for those next calls.
	hl, hasHess := spec.lk.(hessianLikelihood)
	h := make([]float64, k*k)
	withGrad, withHess := false, false
	var cached gradCache
	// d is ∂p/∂θ: p for a log-scale parameter, 1 for a free one.
	d := func(i int) float64 {
		if i < kp {
			return p[i]
		}
		return 1
	}
	problem := optimize.Problem{
		Func: func(theta []float64) float64 {
			toP(theta)
			rep.Evaluations++
			var ll float64
			switch {
			case withHess:
				clear(g)
				clear(h)
				ll = totalLogLikHessian(hl, p, g, h, workers)
				cached.store(theta, ll, g, h)
			case withGrad:
				clear(g)
				ll = totalLogLik(spec.lk, p, g, workers)
				cached.store(theta, ll, g, nil)
			default:
				ll = totalLogLik(spec.lk, p, nil, workers)
			}
			v := -ll/spec.n + penalty(p)
			if math.IsNaN(v) {
				return math.Inf(1)
			}
			return v
		},
		Grad: func(grad, theta []float64) {
			toP(theta)
			if !cached.load(theta, g, nil) {
				clear(g)
				totalLogLik(spec.lk, p, g, workers)
			}
			for i := range grad {
				if i < kp {
					grad[i] = -p[i]*g[i]/spec.n + 2*opts.Penalty*p[i]*p[i]
				} else {
					grad[i] = -g[i]/spec.n + 2*opts.CovariatePenalty*p[i]
				}
			}
		},
	}
	if hasHess {
		// ∂²f/∂θᵢ∂θⱼ = dᵢdⱼ ∂²f/∂pᵢ∂pⱼ, plus pᵢ ∂f/∂pᵢ on the diagonal of a
		// log-scale parameter, for f = −LL/N + penalties.
		problem.Hess = func(hess *mat.SymDense, theta []float64) {
			toP(theta)
			if !cached.load(theta, g, h) {
				clear(g)
				clear(h)
				ll := totalLogLikHessian(hl, p, g, h, workers)
				cached.store(theta, ll, g, h)
			}
			finite := true
			for i := range k {
				for j := i; j < k; j++ {
					v := -d(i) * d(j) * h[i*k+j] / spec.n
					if i == j && i < kp {
						v += -p[i]*g[i]/spec.n + 4*opts.Penalty*p[i]*p[i]
					} else if i == j {
						v += 2 * opts.CovariatePenalty
					}
					finite = finite && !math.IsNaN(v) && !math.IsInf(v, 0)
					hess.SetSym(i, j, v)
				}
			}
			if !finite {
				// Beyond float64 (a parameter near 0 or +Inf): a gradient
				// step, and the line search, instead.
				for i := range k {
					for j := i; j < k; j++ {
						hess.SetSym(i, j, 0)
					}
					hess.SetSym(i, i, 1)
				}
			}
		}
	}
	best := make([]float64, k)
	for i, s := range start {
		best[i] = s
		if i < kp {
			best[i] = math.Log(s)
		}
	}
	bestF := math.Inf(1)
	lastReason := "not started"
	rec := &recorder{ctx: ctx, progress: opts.Progress, rep: &rep, toLL: func(f float64, theta []float64) (float64, []float64) {
		pp := make([]float64, k)
		natural(theta, pp)
		return -(f - penalty(pp)) * spec.n, pp
	}}
	// decrement is the Newton decrement at a location Newton's method has
	// just evaluated, from the Hessian kept with it.
	hTheta := mat.NewSymDense(k, nil)
	decrement := func(loc *optimize.Location) (float64, bool) {
		if !withHess || cached.hess == nil || !slices.Equal(cached.theta, loc.X) || len(loc.Gradient) != k {
			return 0, false
		}
		problem.Hess(hTheta, loc.X) // from the cache
		var chol mat.Cholesky
		var step mat.VecDense
		grad := mat.NewVecDense(k, slices.Clone(loc.Gradient))
		if !chol.Factorize(hTheta) || chol.SolveVecTo(&step, grad) != nil {
			return 0, false
		}
		dec := mat.Dot(grad, &step)
		return dec, dec >= 0
	}
	methods := []optimize.Method{&optimize.BFGS{Linesearcher: &boundedLinesearch{}}, &optimize.NelderMead{}, &optimize.BFGS{Linesearcher: &boundedLinesearch{}}}
	if hasHess {
		// Newton's method converges in a third of BFGS's passes over the
		// patterns; the others remain for when it does not.
		methods = append([]optimize.Method{&optimize.Newton{Linesearcher: &boundedLinesearch{}}}, methods...)
	}
	converged := false
	for _, method := range methods {
		_, withGrad = method.(*optimize.BFGS)
		_, withHess = method.(*optimize.Newton)
		settings := &optimize.Settings{
			GradientThreshold: 1e-9,
			MajorIterations:   maxIter,
			Converger:         &newtonConverge{optimize.FunctionConverge{Absolute: 1e-13, Relative: 1e-13, Iterations: 50}, decrement},
			Recorder:          rec,
		}
		res, err := optimize.Minimize(problem, best, settings, method)
		if ctx.Err() != nil {
			return nil, rep, ctx.Err()
		}
		if res != nil && res.F < bestF && !math.IsInf(res.F, 0) {
			bestF = res.F
			copy(best, res.X)
		}
		switch {
		case err != nil:
			lastReason = err.Error()
		case res != nil:
			lastReason = res.Status.String()
		}
		// Whatever the optimiser's own status (a line search can fail on
		// rounding noise right at the optimum), the fit has converged when the
		// gradient at the best point vanishes.
		if !math.IsInf(bestF, 0) && gradOK(problem, best) {
			converged = true
			break
		}
	}
	toP(best)
	est := append([]float64(nil), p...)
	// The optimisers usually end where they last evaluated: the
	// log-likelihood (the same bits with or without derivatives) and, after
	// Newton's method, the Hessian for the standard errors are kept from
	// that pass.
	var atBest []float64
	if cached.theta != nil && slices.Equal(cached.theta, best) {
		rep.LogLikelihood = cached.ll
		atBest = cached.hess
	} else {
		rep.LogLikelihood = totalLogLik(spec.lk, est, nil, workers)
	}
	rep.Converged = converged
	rep.AIC = 2*float64(k) - 2*rep.LogLikelihood
	rep.BIC = float64(k)*math.Log(spec.n) - 2*rep.LogLikelihood
	rep.StdErrors, rep.Covariance = stdErrors(spec, est, workers, atBest)
	if rep.Covariance != nil {
		rep.CovarianceOf = slices.Clone(names)
	}
	if !converged {
		return est, rep, &ConvergenceError{Model: spec.desc.Name, Params: est, Report: rep, Reason: lastReason}
	}
	if why := boundaryReason(spec, est, rep.StdErrors, opts.Penalty, opts.CovariatePenalty); why != "" {
		rep.Converged = false
		rep.Boundary = why
		return est, rep, &ConvergenceError{Model: spec.desc.Name, Params: est, Report: rep, Reason: why, Boundary: true}
	}
	return est, rep, nil
}

// gradCache keeps the log-likelihood and its gradient, and its Hessian
// when it was computed, at the last point whose value was computed.
type gradCache struct {
	theta, grad, hess []float64
	ll                float64
}

// store keeps ll, grad and hess (nil for none) computed at theta.
func (c *gradCache) store(theta []float64, ll float64, grad, hess []float64) {
	c.ll = ll
	c.theta = append(c.theta[:0], theta...)
	c.grad = append(c.grad[:0], grad...)
	c.hess = append(c.hess[:0], hess...)
	if hess == nil {
		c.hess = nil
	}
}

// load copies the cached gradient into grad, and the Hessian into hess
// unless hess is nil, when theta is, bit for bit, the point they were
// computed at.
func (c *gradCache) load(theta, grad, hess []float64) bool {
	if c.theta == nil || !slices.Equal(c.theta, theta) || hess != nil && c.hess == nil {
		return false
	}
	copy(grad, c.grad)
	copy(hess, c.hess)
	return true
}

// newtonConverge is FunctionConverge that also stops where the objective
// is within its own rounding of the minimum, by the Newton decrement
// λ² = gᵀH⁻¹g (f − f* ≈ λ²/2 for the quadratic model Newton's method
// minimises): when λ²/2 is below 4ε|f|, another step could not lower f in
// float64. decrement returns λ² at a location, and false where it is not
// known without another pass over the patterns or H is not positive
// definite.
type newtonConverge struct {
	optimize.FunctionConverge
	decrement func(loc *optimize.Location) (float64, bool)
}

// Converged implements optimize.Converger.
func (c *newtonConverge) Converged(loc *optimize.Location) optimize.Status {
	if dec, ok := c.decrement(loc); ok && dec/2 <= 4*epsilon*math.Abs(loc.F) {
		return optimize.FunctionConvergence
	}
	return c.FunctionConverge.Converged(loc)
}

// epsilon is the float64 machine epsilon, 2^−52.
const epsilon = 0x1p-52

// maxLinesearch bounds the evaluations of one line search. A search that
// has not found a step by then is searching rounding noise (right at the
// optimum, where the log-likelihood no longer changes in float64); the
// fit then ends, and the gradient test decides whether it converged.
const maxLinesearch = 10

// boundedLinesearch is gonum's Bisection (the default of BFGS and Newton)
// with at most maxLinesearch evaluations.
type boundedLinesearch struct {
	optimize.Bisection
	n int
}

// Init implements optimize.Linesearcher.
func (b *boundedLinesearch) Init(f, g, step float64) optimize.Operation {
	b.n = 0
	return b.Bisection.Init(f, g, step)
}

// Iterate implements optimize.Linesearcher.
func (b *boundedLinesearch) Iterate(f, g float64) (optimize.Operation, float64, error) {
	if b.n++; b.n > maxLinesearch {
		return optimize.NoOperation, 0, optimize.ErrLinesearcherFailure
	}
	return b.Bisection.Iterate(f, g)
}

// Limits beyond which an estimate is a boundary solution (see
// FitReport.Boundary).
const (
	boundaryHigh  = 1e8
	boundaryLow   = 1e-8
	boundaryLogSE = 10
	// boundaryEffect bounds |γ|·sd(z) for a covariate coefficient γ.
	boundaryEffect = 700
)

// boundaryReason says why a stationary point is not an estimate to act on,
// or returns "". The standard-error test is skipped for penalised fits,
// whose penalty, not the data, keeps the parameters finite.
func boundaryReason(spec fitSpec, est []float64, se map[string]float64, penalty, covPenalty float64) string {
	var why []string
	names, kp := spec.names(), spec.positive()
	for i, p := range est[:kp] {
		if p > boundaryHigh || p < boundaryLow {
			why = append(why, fmt.Sprintf("%s = %.4g ran to the edge of the parameter space", names[i], p))
		}
	}
	for i, g := range est[kp:] {
		// A coefficient this large scales a parameter by more than e^±700
		// for a customer one standard deviation from the mean: beyond
		// float64.
		if math.Abs(g)*spec.scale[i] > boundaryEffect {
			why = append(why, fmt.Sprintf("%s = %.4g ran to the edge of the parameter space", names[kp+i], g))
		}
	}
	// A penalty, not the data, keeps what it penalises finite: the checks
	// of identification are skipped for those parameters only.
	if len(why) == 0 && (penalty == 0 || covPenalty == 0 && spec.free > 0) {
		if se == nil {
			why = append(why, "the likelihood is flat or not concave at the estimate (no standard errors)")
		} else {
			for i, p := range est[:kp] {
				if v := se[names[i]] / p; v > boundaryLogSE && penalty == 0 {
					why = append(why, fmt.Sprintf("%s = %.4g is not identified by the data (standard error %.3g times its value)", names[i], p, v))
				}
			}
			for i, g := range est[kp:] {
				if covPenalty != 0 {
					break
				}
				if v := se[names[kp+i]] * spec.scale[i]; v > boundaryLogSE {
					why = append(why, fmt.Sprintf("%s = %.4g is not identified by the data (standard error %.3g per standard deviation of the covariate)", names[kp+i], g, v))
				}
			}
		}
	}
	if len(why) == 0 {
		return ""
	}
	if spec.hint != nil {
		if h := spec.hint(); h != "" {
			why = append(why, h)
		}
	}
	return strings.Join(why, "; ")
}

func gradOK(problem optimize.Problem, theta []float64) bool {
	g := make([]float64, len(theta))
	problem.Grad(g, theta)
	for _, v := range g {
		if !(math.Abs(v) < 1e-5) {
			return false
		}
	}
	return true
}

func sumSq(p []float64) float64 {
	s := 0.0
	for _, v := range p {
		s += v * v
	}
	return s
}

// stdErrors returns standard errors and the covariance matrix from the
// observed information: the Hessian of −LL in the natural parameters,
// exact when the likelihood gives it and otherwise by central differences
// of the analytic gradient, inverted by Cholesky. It returns nil when the
// Hessian is not positive definite. hess, when not nil, is the Hessian of
// LL at p, already computed.
func stdErrors(spec fitSpec, p []float64, workers int, hess []float64) (map[string]float64, [][]float64) {
	k := len(p)
	h := mat.NewSymDense(k, nil)
	hl, ok := spec.lk.(hessianLikelihood)
	if ok && hess == nil {
		hess = make([]float64, k*k)
		totalLogLikHessian(hl, p, make([]float64, k), hess, workers)
	}
	if hess != nil {
		for i := range k {
			for j := i; j < k; j++ {
				h.SetSym(i, j, -hess[i*k+j])
			}
		}
	} else {
		gp := make([]float64, k)
		gm := make([]float64, k)
		q := make([]float64, k)
		cols := make([][]float64, k)
		for j := range k {
			step := 1e-5 * math.Max(math.Abs(p[j]), 1e-3)
			copy(q, p)
			q[j] = p[j] + step
			clear(gp)
			totalLogLik(spec.lk, q, gp, workers)
			q[j] = p[j] - step
			clear(gm)
			totalLogLik(spec.lk, q, gm, workers)
			cols[j] = make([]float64, k)
			for i := range k {
				cols[j][i] = -(gp[i] - gm[i]) / (2 * step)
			}
		}
		for i := range k {
			for j := i; j < k; j++ {
				h.SetSym(i, j, (cols[j][i]+cols[i][j])/2)
			}
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(h) {
		return nil, nil
	}
	var inv mat.SymDense
	if err := chol.InverseTo(&inv); err != nil {
		return nil, nil
	}
	names := spec.names()
	out := make(map[string]float64, k)
	cov := make([][]float64, k)
	for i, name := range names {
		v := inv.At(i, i)
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, nil
		}
		out[name] = math.Sqrt(v)
		cov[i] = make([]float64, k)
		for j := range k {
			cov[i][j] = inv.At(i, j)
			if math.IsNaN(cov[i][j]) || math.IsInf(cov[i][j], 0) {
				return nil, nil
			}
		}
	}
	return out, cov
}

// recorder counts iterations, reports progress and stops on cancellation.
type recorder struct {
	ctx      context.Context
	progress func(FitProgress)
	rep      *FitReport
	toLL     func(f float64, theta []float64) (float64, []float64)
}

// Init implements optimize.Recorder.
func (r *recorder) Init() error { return nil }

// Record implements optimize.Recorder: it counts major iterations, reports
// progress and stops the optimiser when the context is done.
func (r *recorder) Record(loc *optimize.Location, op optimize.Operation, _ *optimize.Stats) error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	if op == optimize.MajorIteration {
		r.rep.Iterations++
		if r.progress != nil {
			ll, p := r.toLL(loc.F, loc.X)
			r.progress(FitProgress{Iteration: r.rep.Iterations, LogLikelihood: ll, Params: p})
		}
	}
	return nil
}

// orderPatterns is comparePatterns, then the weight: canonical's order,
// for valid patterns of positive weight without −0. Their numbers are
// non-negative and not NaN, and the bits of such floats order as the
// floats do: integer comparisons, which sort faster.
func orderPatterns(a, b Pattern) int {
	if a.Frequency != b.Frequency {
		return cmp.Compare(a.Frequency, b.Frequency)
	}
	if x, y := math.Float64bits(a.Recency), math.Float64bits(b.Recency); x != y {
		return cmp.Compare(x, y)
	}
	if x, y := math.Float64bits(a.T), math.Float64bits(b.T); x != y {
		return cmp.Compare(x, y)
	}
	return cmp.Compare(math.Float64bits(a.Weight), math.Float64bits(b.Weight))
}

// preparePatterns validates patterns and drops those with zero weight. It
// returns the kept patterns in canonical order, identical ones merged, and
// their total weight, so that a fit does not depend on the order of its
// input, bit for bit (see canonical).
func preparePatterns(data []Pattern) ([]Pattern, float64, error) {
	kept, _, err := keepPositive(data, "pattern", Pattern.Validate, func(p Pattern) float64 { return p.Weight })
	if err != nil {
		return nil, 0, err
	}
	// −0 equals +0 but its bits sort apart: make it +0 (which changes no
	// likelihood) so that orderPatterns applies.
	if i := slices.IndexFunc(kept, negZero); i >= 0 {
		kept = slices.Clone(kept)
		for j := i; j < len(kept); j++ {
			kept[j].Recency += 0
			kept[j].T += 0
		}
	}
	kept, n := canonical(kept, comparePatterns, func(p Pattern) float64 { return p.Weight }, func(p *Pattern, w float64) { p.Weight += w }, orderPatterns)
	return kept, n, nil
}

// negZero reports a recency or age of −0.
func negZero(p Pattern) bool {
	return p.Recency == 0 && math.Signbit(p.Recency) || p.T == 0 && math.Signbit(p.T)
}
