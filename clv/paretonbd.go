package clv

import (
	"context"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/clvkit/clvkit/internal/parallel"
)

// ParetoNBD is the Pareto/NBD model (Schmittlein, Morrison & Colombo 1987):
// while alive a customer buys as a Poisson process with rate
// λ ~ Gamma(R, Alpha); their unobserved lifetime is exponential with rate
// μ ~ Gamma(S, Beta). Alpha and Beta are in the data's time unit.
type ParetoNBD struct {
	// R and Alpha are the shape and scale of the gamma distribution of
	// purchase rates λ; S and Beta those of dropout rates μ. Alpha and Beta
	// are in the model's Unit. All are positive.
	R, Alpha, S, Beta float64
	// Unit is the time unit of Alpha and Beta and of every time a method takes or
	// returns (ages, recencies, horizons); the zero value is UnitDay.
	// Predict, LifetimeValue and the other functions that take summaries
	// refuse summaries in another unit; In converts the model exactly.
	Unit Unit
}

// pnbdModel describes Pareto/NBD: its name and its parameters in order.
var pnbdModel = Description{Name: "pnbd", Title: "Pareto/NBD", Params: []string{"r", "alpha", "s", "beta"},
	build: func(p []float64) Model { return ParetoNBD{R: p[0], Alpha: p[1], S: p[2], Beta: p[3]} }}

func (m ParetoNBD) vector() []float64 { return []float64{m.R, m.Alpha, m.S, m.Beta} }

// Name returns "pnbd".
func (ParetoNBD) Name() string { return pnbdModel.Name }

// Params returns r, alpha, s and beta.
func (m ParetoNBD) Params() map[string]float64 { return pnbdModel.paramMap(m.vector()) }

// Validate reports whether all parameters are finite and positive and the
// unit is known.
func (m ParetoNBD) Validate() error { return validateWithUnit(&pnbdModel, m.vector(), m.Unit) }

// TimeUnit returns the model's time unit.
func (m ParetoNBD) TimeUnit() Unit { return m.Unit }

// In returns the same model measured in unit u: both time scales, Alpha and
// Beta, are multiplied by the ratio of the units' lengths.
func (m ParetoNBD) In(u Unit) ParetoNBD {
	m.Alpha, m.Beta, m.Unit = rescale(m.Alpha, m.Unit, u), rescale(m.Beta, m.Unit, u), u
	return m
}

// pnbdTerms holds the pieces of the Pareto/NBD likelihood of one customer
// (Hardie's note 008), in logs:
//
//	L = Γ(r+x)α^r β^s/Γ(r) · [e^{l0} + s/(r+s+x)·(e^{l1} − e^{l2})]
//
// where e^{l0} = (α+T)^−(r+x) (β+T)^−s is the "alive at T" term and
// e^{l1}, e^{l2} are the ₂F₁ terms at τ = t_x and τ = T. The branch on
// α ≥ β or α < β keeps z = |α−β|/(max(α,β)+τ) in [0, 1); Euler's
// transformation then turns ₂F₁(r+s+x, s+1 or r+x; r+s+x+1; z) into
// (1−z)^{c−a−b}·₂F₁(1, r+x or s+1; r+s+x+1; z), a series of positive terms
// that converges even at z = 1, and the power of (1−z) folds into the
// factors (α+τ), (β+τ). α = β gives z = 0 in either branch, and t_x = T
// gives l1 = l2 exactly.
type pnbdTerms struct {
	l0, l1, l2 float64
	// derivatives of l0, l1, l2 with respect to (r, α, s, β)
	d0, d1, d2 [4]float64
}

// tau returns ln of the ₂F₁ term at τ and its gradient.
func (m ParetoNBD) tau(x, tau float64, grad bool) (float64, [4]float64) {
	r, a, s, b := m.R, m.Alpha, m.S, m.Beta
	c := r + s + x + 1
	var d [4]float64
	if a >= b {
		z := (a - b) / (a + tau)
		f, fb, fc, fz := hyp1(r+x, c, z)
		l := math.Log(f) - (r+x)*math.Log(a+tau) - s*math.Log(b+tau)
		if grad {
			d[0] = (fb+fc)/f - math.Log(a+tau)
			d[1] = fz*(b+tau)/((a+tau)*(a+tau))/f - (r+x)/(a+tau)
			d[2] = fc/f - math.Log(b+tau)
			d[3] = -fz/(a+tau)/f - s/(b+tau)
		}
		return l, d
	}
	z := (b - a) / (b + tau)
	f, fb, fc, fz := hyp1(s+1, c, z)
	l := math.Log(f) - (r+x-1)*math.Log(a+tau) - (s+1)*math.Log(b+tau)
	if grad {
		d[0] = fc/f - math.Log(a+tau)
		d[1] = -fz/(b+tau)/f - (r+x-1)/(a+tau)
		d[2] = (fb+fc)/f - math.Log(b+tau)
		d[3] = fz*(a+tau)/((b+tau)*(b+tau))/f - (s+1)/(b+tau)
	}
	return l, d
}

// combine assembles the log-likelihood from its terms; lg is
// ln Γ(r+x) − ln Γ(r) and dg its r-derivative ψ(r+x) − ψ(r).
func (m ParetoNBD) combine(x float64, p pnbdTerms, lg, dg, w float64, grad []float64) (ll, lnAlive float64) {
	k := m.S / (m.R + m.S + x)
	// D/e^{l1} = e^{l0−l1} + k·(1 − e^{l2−l1}); the integral part is ≥ 0.
	e0 := math.Exp(p.l0 - p.l1)
	diff := -math.Expm1(p.l2 - p.l1)
	if diff < 0 {
		diff = 0
	}
	e2 := math.Exp(p.l2 - p.l1)
	d := e0 + k*diff
	lnD := p.l1 + math.Log(d)
	ll = lg + m.R*math.Log(m.Alpha) + m.S*math.Log(m.Beta) + lnD
	lnAlive = p.l0 - lnD
	if grad != nil {
		rsx := m.R + m.S + x
		dk := [4]float64{-m.S / (rsx * rsx), 0, (m.R + x) / (rsx * rsx), 0}
		base := [4]float64{dg + math.Log(m.Alpha), m.R / m.Alpha, math.Log(m.Beta), m.S / m.Beta}
		for j := range 4 {
			dD := e0*p.d0[j] + dk[j]*diff + k*(p.d1[j]-e2*p.d2[j])
			grad[j] += w * (base[j] + dD/d)
		}
	}
	return ll, lnAlive
}

// lnOdds returns ln R, the log-odds that a customer with history
// (x, t_x, T) has died, R = P(dead)/P(alive) (Hardie's note 009):
//
//	R = s·∫_{t_x}^{T} ((α+T)/(α+u))^(r+x) ((β+T)/(β+u))^s (β+u)^(−1) du,
//
// the ratio of the "died at u ∈ (t_x, T]" part of the likelihood to its
// "alive at T" part. It is −Inf when t_x = T. The fast path is the ₂F₁ form of
// the likelihood (pnbdTerms) with its error bound; where that series would
// converge too slowly (z near 1: α and β far apart relative to t_x) or the
// difference of its two terms cancels beyond fastTol, the integral itself is
// computed by tanh-sinh quadrature: its integrand is positive and decreasing,
// so the sum has no cancellation. NaN means neither method reached its
// accuracy.
func (m ParetoNBD) lnOdds(x, tx, T float64) float64 {
	if tx >= T {
		return math.Inf(-1)
	}
	if l, ok := m.lnOddsSeries(x, tx, T); ok {
		return l
	}
	rx, s := m.R+x, m.S
	l, ok := logIntegral(tx, T, nil, func(u, _, dhi float64) float64 {
		return rx*math.Log1p(dhi/(m.Alpha+u)) + s*math.Log1p(dhi/(m.Beta+u)) - math.Log(m.Beta+u)
	})
	if !ok {
		return math.NaN()
	}
	return math.Log(s) + l
}

// lnOddsSeries is lnOdds from the ₂F₁ terms when their error bound keeps
// the relative error of P(alive) and of the likelihood below fastTol.
func (m ParetoNBD) lnOddsSeries(x, tx, T float64) (float64, bool) {
	l1, e1 := m.tauValue(x, tx)
	l2, e2 := m.tauValue(x, T)
	l0 := -(m.R+x)*math.Log(m.Alpha+T) - m.S*math.Log(m.Beta+T)
	e0 := 4 * eps * ((m.R+x)*math.Abs(math.Log(m.Alpha+T)) + m.S*math.Abs(math.Log(m.Beta+T)))
	// R = s/(r+s+x)·e^{l1−l0}·(1 − e^{l2−l1}).
	diff := -math.Expm1(l2 - l1)
	if !(diff > 0) {
		return 0, false
	}
	errDiff := (e1 + e2) * math.Exp(l2-l1) / diff
	lnR := math.Log(m.S/(m.R+m.S+x)) + l1 - l0 + math.Log(diff)
	// Written so that a NaN bound (∞·0 when a series did not converge)
	// fails the test.
	if !(e0+e1+errDiff+8*eps <= fastTol) || math.IsNaN(lnR) {
		return 0, false
	}
	return lnR, true
}

// tauValue returns the ₂F₁ term of the likelihood at τ (see tau) and a
// bound on its absolute error.
func (m ParetoNBD) tauValue(x, tau float64) (float64, float64) {
	r, a, s, b := m.R, m.Alpha, m.S, m.Beta
	c := r + s + x + 1
	var f, rel, pa, pb float64
	if a >= b {
		f, rel = hyp1Value(r+x, c, (a-b)/(a+tau))
		pa, pb = r+x, s
	} else {
		f, rel = hyp1Value(s+1, c, (b-a)/(b+tau))
		pa, pb = r+x-1, s+1
	}
	la, lb := math.Log(a+tau), math.Log(b+tau)
	l := math.Log(f) - pa*la - pb*lb
	return l, rel + 4*eps*(math.Abs(math.Log(f))+math.Abs(pa*la)+math.Abs(pb*lb))
}

// LogLikelihood returns the log-likelihood of one customer's (x, t_x, T) with
// all constants (Hardie's note 008):
//
//	ln L = ln Γ(r+x) − ln Γ(r) + r ln α + s ln β − (r+x) ln(α+T) − s ln(β+T) + ln(1 + R)
//
// with R the odds of having died computed as in ProbabilityAlive. NaN means
// the value cannot be computed to the documented accuracy.
func (m ParetoNBD) LogLikelihood(s Summary) float64 {
	x := float64(s.Frequency)
	l0 := -(m.R+x)*math.Log(m.Alpha+s.T) - m.S*math.Log(m.Beta+s.T)
	return lgamma(m.R+x) - lgamma(m.R) + m.R*math.Log(m.Alpha) + m.S*math.Log(m.Beta) + l0 +
		log1pexp(m.lnOdds(x, s.Recency, s.T))
}

// ProbabilityAlive returns P(alive at T | x, t_x, T) = 1/(1 + R) (Hardie's
// note 009), with R the odds of having died (see lnOdds for how it is
// computed where the ₂F₁ series fails). NaN means it cannot be computed to
// the documented accuracy.
func (m ParetoNBD) ProbabilityAlive(s Summary) float64 {
	return sigmoid(-m.lnOdds(float64(s.Frequency), s.Recency, s.T))
}

// ProbabilityAliveAt returns P(alive at T+t | x, t_x, T): alive now, and the
// posterior dropout rate μ ~ Gamma(s, β+T) of an alive customer leaves them
// alive t longer with probability ((β+T)/(β+T+t))^s.
func (m ParetoNBD) ProbabilityAliveAt(s Summary, t float64) float64 {
	return m.ProbabilityAlive(s) * math.Exp(-m.S*math.Log1p(t/(m.Beta+s.T)))
}

// expectedAlive returns E[X(t)] for an alive customer whose posteriors are
// λ ~ Gamma(r, α), μ ~ Gamma(s, β): r β/(α (s−1))·[1 − (β/(β+t))^(s−1)],
// with its limit r β/α·ln(1 + t/β) at s = 1.
func expectedAlive(r, alpha, s, beta, t float64) float64 {
	if t <= 0 {
		return 0
	}
	l := math.Log1p(t / beta)
	f := l
	if s != 1 {
		f = -math.Expm1(-(s-1)*l) / (s - 1)
	}
	return r * beta / alpha * f
}

// ExpectedPurchases returns E[X(T, T+t) | x, t_x, T] (Hardie's note 009):
// P(alive)·(r+x)(β+T)/((α+T)(s−1))·[1 − ((β+T)/(β+T+t))^(s−1)].
func (m ParetoNBD) ExpectedPurchases(s Summary, t float64) float64 {
	x := float64(s.Frequency)
	return m.ProbabilityAlive(s) * expectedAlive(m.R+x, m.Alpha+s.T, m.S, m.Beta+s.T, t)
}

// ExpectedPurchasesNew returns E[X(t)] for a new customer.
func (m ParetoNBD) ExpectedPurchasesNew(t float64) float64 {
	return expectedAlive(m.R, m.Alpha, m.S, m.Beta, t)
}

// pmfAlive returns P(X(t) = n) for a customer alive at 0 with the given
// parameters: alive at t with n purchases, or dropped out at ω ≤ t with n
// purchases before ω:
//
//	(β/(β+t))^s NB(n; r, α/(α+t))
//	  + Γ(r+n) α^r s β^s/(Γ(r) n!) ∫₀ᵗ ω^n (α+ω)^−(r+n) (β+ω)^−(s+1) dω.
//
// The integral is computed in log space by tanh-sinh quadrature, split at
// the stationary points of its integrand (roots of the quadratic
// −(r+s+1)ω² + (nα − rβ − (s+1)α)ω + nαβ), where it peaks. NaN means it did
// not converge.
func pmfAlive(r, alpha, s, beta float64, n int, t float64) float64 {
	x := float64(n)
	lc := lgamma(r+x) - lgamma(r) - lgamma(x+1)
	alive := -s*math.Log1p(t/beta) + lc - r*math.Log1p(t/alpha)
	if n > 0 {
		alive -= x * math.Log1p(alpha/t)
	}
	if t <= 0 {
		return math.Exp(alive)
	}
	var splits []float64
	c2, c1, c0 := -(r + s + 1), x*alpha-r*beta-(s+1)*alpha, x*alpha*beta
	if d := c1*c1 - 4*c2*c0; d >= 0 {
		q := -(c1 + math.Copysign(math.Sqrt(d), c1)) / 2
		splits = append(splits, q/c2)
		if q != 0 {
			splits = append(splits, c0/q)
		}
	}
	li, ok := logIntegral(0, t, splits, func(w, _, _ float64) float64 {
		if w <= 0 {
			if n > 0 {
				return math.Inf(-1)
			}
			return -r*math.Log(alpha) - (s+1)*math.Log(beta)
		}
		lw := 0.0
		if n > 0 {
			lw = -x * math.Log1p(alpha/w)
		}
		return lw - r*math.Log(alpha+w) - (s+1)*math.Log(beta+w)
	})
	if !ok {
		return math.NaN()
	}
	acc := newLogAcc()
	acc.add(alive)
	acc.add(li + lc + math.Log(s) + r*math.Log(alpha) + s*math.Log(beta))
	return math.Exp(acc.log())
}

// ProbabilityPurchasesNew returns P(X(t) = n) for a new customer.
func (m ParetoNBD) ProbabilityPurchasesNew(n int, t float64) float64 {
	if n < 0 {
		return 0
	}
	return pmfAlive(m.R, m.Alpha, m.S, m.Beta, n, t)
}

// ProbabilityPurchases returns P(X(T, T+t) = n | x, t_x, T): none if dead;
// if alive, the new-customer pmf with posterior (r+x, α+T, s, β+T).
func (m ParetoNBD) ProbabilityPurchases(s Summary, n int, t float64) float64 {
	if n < 0 {
		return 0
	}
	return aliveOrNone(m.ProbabilityAlive(s), pmfAlive(m.R+float64(s.Frequency), m.Alpha+s.T, m.S, m.Beta+s.T, n, t), n)
}

// Simulate draws one summary per age in T from the model, as
// BGNBD.Simulate does.
func (m ParetoNBD) Simulate(rng *rand.Rand, T []float64) []Summary {
	rng = simRand(rng)
	return simulateWith(m, T, m.Unit, func(T float64) (int, float64) {
		lambda := distuv.Gamma{Alpha: m.R, Beta: m.Alpha, Src: rng}.Rand()
		mu := distuv.Gamma{Alpha: m.S, Beta: m.Beta, Src: rng}.Rand()
		end := math.Min(T, rng.ExpFloat64()/mu)
		x, tx, t := 0, 0.0, 0.0
		for x < maxSimPurchases {
			t += rng.ExpFloat64() / lambda
			if t > end {
				return x, tx
			}
			x, tx = x+1, t
		}
		return -1, 0
	})
}

func (m ParetoNBD) aliveCurve(x int, T float64) func(float64) float64 {
	xf := float64(x)
	return func(t float64) float64 { return expectedAlive(m.R+xf, m.Alpha+T, m.S, m.Beta+T, t) }
}

// pnbdLik is the Pareto/NBD likelihood. Its ₂F₁ terms depend on a
// pattern's (x, τ) only, for τ = t_x and τ = T, so they are computed once per
// distinct pair per evaluation and shared by the patterns.
type pnbdLik struct {
	*patternData
	pairX, pairTau []float64 // distinct (x, τ) pairs
	p1, p2         []int32   // each pattern's (x, t_x) and (x, T) pair
}

func newPnbdLik(d *patternData) pnbdLik {
	l := pnbdLik{patternData: d, p1: make([]int32, d.len()), p2: make([]int32, d.len())}
	type key struct{ x, tau float64 }
	seen := map[key]int32{}
	pair := func(x, tau float64) int32 {
		k := key{x, tau}
		j, ok := seen[k]
		if !ok {
			j = int32(len(l.pairX))
			seen[k] = j
			l.pairX = append(l.pairX, x)
			l.pairTau = append(l.pairTau, tau)
		}
		return j
	}
	for i := range d.x {
		l.p1[i] = pair(d.x[i], d.tx[i])
		l.p2[i] = pair(d.x[i], d.T[i])
	}
	return l
}

type pnbdEval struct {
	pnbdLik
	m      ParetoNBD
	l      []float64
	d      [][4]float64
	lg, dg []float64 // per distinct x
	lnA    []float64 // ln(α+T) per distinct age T
	lnB    []float64 // ln(β+T) per distinct age T
}

func (l pnbdLik) prepare(p []float64, grad bool, workers int) evaluator {
	e := pnbdEval{pnbdLik: l, m: pnbdModel.build(p).(ParetoNBD)}
	e.l = make([]float64, len(l.pairX))
	if grad {
		e.d = make([][4]float64, len(l.pairX))
	}
	// The ₂F₁ series of the distinct (x, τ) pairs are most of the work:
	// they are summed in parallel, each into its own slot.
	pairs := len(l.pairX)
	parallel.For(workers, (pairs+blockSize-1)/blockSize, func(b int) {
		for j := b * blockSize; j < min((b+1)*blockSize, pairs); j++ {
			var d [4]float64
			e.l[j], d = e.m.tau(l.pairX[j], l.pairTau[j], grad)
			if grad {
				e.d[j] = d
			}
		}
	})
	e.lg = make([]float64, len(l.ux))
	e.dg = make([]float64, len(l.ux))
	lgr, psr := lgamma(e.m.R), digamma(e.m.R)
	for j, x := range l.ux {
		e.lg[j] = lgamma(e.m.R+x) - lgr
		if grad {
			e.dg[j] = digamma(e.m.R+x) - psr
		}
	}
	e.lnA, e.lnB = make([]float64, len(l.uT)), make([]float64, len(l.uT))
	for j, T := range l.uT {
		e.lnA[j], e.lnB[j] = math.Log(e.m.Alpha+T), math.Log(e.m.Beta+T)
	}
	return e
}

func (e pnbdEval) block(lo, hi int, grad []float64) float64 {
	m := e.m
	ll := 0.0
	for i := lo; i < hi; i++ {
		x, T := e.x[i], e.T[i]
		lnA, lnB := e.lnA[e.Ti[i]], e.lnB[e.Ti[i]]
		var t pnbdTerms
		t.l0 = -(m.R+x)*lnA - m.S*lnB
		t.l1, t.l2 = e.l[e.p1[i]], e.l[e.p2[i]]
		if grad != nil {
			t.d0 = [4]float64{-lnA, -(m.R + x) / (m.Alpha + T), -lnB, -m.S / (m.Beta + T)}
			t.d1, t.d2 = e.d[e.p1[i]], e.d[e.p2[i]]
		}
		xi := e.xi[i]
		v, _ := m.combine(x, t, e.lg[xi], e.dg[xi], e.w[i], grad)
		ll += e.w[i] * v
	}
	return ll
}

// FitParetoNBD fits a Pareto/NBD model by maximum likelihood to weighted
// patterns.
func FitParetoNBD(ctx context.Context, data []Pattern, opts FitOptions) (ParetoNBD, FitReport, error) {
	ps, n, err := preparePatterns(data)
	if err != nil {
		return ParetoNBD{}, FitReport{Model: pnbdModel.Name}, err
	}
	d := newPatternData(ps)
	s := defaultStart(d, n) / 4
	// No warm start from a sample: BFGS rebuilds its curvature from
	// scratch, so starting near the maximum saves it few passes.
	p, rep, err := maximize(ctx, fitSpec{desc: &pnbdModel, start: []float64{1, s, 1, s}, lk: newPnbdLik(d), n: n, hint: patternHint(ps, n)}, opts)
	if p == nil {
		return ParetoNBD{}, rep, err
	}
	m := pnbdModel.build(p).(ParetoNBD)
	m.Unit = opts.Unit
	return m, rep, err
}
