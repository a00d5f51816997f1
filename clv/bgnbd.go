package clv

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// BGNBD is the beta-geometric/negative binomial distribution model of
// repeat buying (Fader, Hardie & Lee 2005, "Counting your customers the easy
// way", Marketing Science 24(2)). While alive a customer buys as a Poisson
// process with rate λ ~ Gamma(R, Alpha); after each repeat purchase they drop
// out with probability p ~ Beta(A, B).
//
// Alpha is in the data's time unit; all methods take times in that unit. The
// zero value is not valid; fit one with FitBGNBD or set all four parameters.
type BGNBD struct {
	// R and Alpha are the shape and scale of the gamma distribution of
	// purchase rates λ (Alpha in the model's Unit); A and B are the beta
	// parameters of the dropout probability p after each purchase. All are
	// positive.
	R, Alpha, A, B float64
	// Unit is the time unit of Alpha and of every time a method takes or
	// returns (ages, recencies, horizons); the zero value is UnitDay.
	// Predict, LifetimeValue and the other functions that take summaries
	// refuse summaries in another unit; In converts the model exactly.
	Unit Unit
}

// bgnbdModel describes BG/NBD: its name and its parameters in order.
var bgnbdModel = Description{Name: "bgnbd", Title: "BG/NBD", Params: []string{"r", "alpha", "a", "b"},
	build: func(p []float64) Model { return BGNBD{R: p[0], Alpha: p[1], A: p[2], B: p[3]} }}

func (m BGNBD) vector() []float64 { return []float64{m.R, m.Alpha, m.A, m.B} }

// Name returns "bgnbd".
func (BGNBD) Name() string { return bgnbdModel.Name }

// Params returns r, alpha, a and b.
func (m BGNBD) Params() map[string]float64 { return bgnbdModel.paramMap(m.vector()) }

// Validate reports whether all parameters are finite and positive and the
// unit is known.
func (m BGNBD) Validate() error { return validateWithUnit(&bgnbdModel, m.vector(), m.Unit) }

// TimeUnit returns the model's time unit.
func (m BGNBD) TimeUnit() Unit { return m.Unit }

// In returns the same model measured in unit u: Alpha, a time scale, is
// multiplied by the ratio of the units' lengths (a weekly Alpha of 4.4 is
// 30.8 days); R, A and B have no unit.
func (m BGNBD) In(u Unit) BGNBD {
	m.Alpha, m.Unit = rescale(m.Alpha, m.Unit, u), u
	return m
}

// bgProcess is a customer known to be alive at time 0, buying at rate
// λ ~ Gamma(r, alpha) and dropping out after each purchase with
// p ~ Beta(a, b). A new BG/NBD customer is one; the future of any BG/NBD or
// MBG/NBD customer who is alive is one with updated parameters (the
// posterior of λ and p given the history factorises), which is how the
// conditional quantities below reduce to the new-customer formulas.
type bgProcess struct{ r, alpha, a, b float64 }

// fastTol is the relative error bound a fast series must certify for its
// value to be used; otherwise the value is computed by quadrature.
const fastTol = 1e-12

// expected returns E[X(t)] = (a+b−1)/(a−1)·[1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))]
// (FHL 2005 eq. 7). The fast path is its Pfaff-transformed series, used when
// its error bound certifies fastTol; it cancels when r ≫ a+b, when a is large
// or when a+b < 1, and then the value comes from the integral over the
// dropout probability p ~ Beta(a, b) of an alive customer's expected count
// given p, E[X(t) | p] = (1 − (1 + p·t/α)^(−r))/p (λ integrated out):
//
//	E[X(t)] = ∫₀¹ Beta(p; a, b)·(1 − (1 + p·t/α)^(−r))/p dp,
//
// a positive integrand, computed by tanh-sinh quadrature in log space. It
// returns NaN only if neither method reaches its accuracy.
func (p bgProcess) expected(t float64) float64 {
	if t <= 0 {
		return 0
	}
	y := t / p.alpha
	if g, rel := oneMinusHypOverB(p.r, p.a-1, p.a+p.b-1, y); rel <= fastTol {
		return (p.a + p.b - 1) * g
	}
	r := p.r
	// (1 − (1+qy)^(−r))/q behaves like (1+qy)^(−r) times q^0 for small qy
	// and like q^(−1) for large: split at the critical points of both forms.
	splits := append(mixtureCriticalPoints(p.a, p.b, r, y), mixtureCriticalPoints(p.a-1, p.b, 0, y)...)
	splits = append(splits, math.Expm1(1/r)/y)
	l, ok := betaLogExpect(p.a, p.b, splits, func(q, _ float64) float64 {
		return lnOneMinusPowOver(r, q, y)
	})
	if !ok {
		return math.NaN()
	}
	return math.Exp(l)
}

// pmf returns P(X(t) = n) (FHL 2005 eq. 8): alive throughout with n
// purchases, or dropped out after the n-th purchase, which came before t.
func (p bgProcess) pmf(n int, t float64) float64 {
	if n < 0 {
		return 0
	}
	x := float64(n)
	lnb := lbeta(p.a, p.b)
	// Negative binomial pmf of n purchases in (0, t], with
	// ln(α/(α+t)) and ln(t/(α+t)) taken from log1p for precision.
	lnNB := lgamma(p.r+x) - lgamma(p.r) - lgamma(x+1) - p.r*math.Log1p(t/p.alpha)
	if n > 0 {
		lnNB -= x * math.Log1p(p.alpha/t)
	}
	v := math.Exp(lbeta(p.a, p.b+x) - lnb + lnNB)
	if n > 0 && t > 0 {
		// P(N(t) ≥ n) = I_z(n, r), z = t/(α+t).
		v += math.Exp(lbeta(p.a+1, p.b+x-1)-lnb) * regIncBeta(x, p.r, t/(p.alpha+t), p.alpha/(p.alpha+t))
	}
	return v
}

// survival returns P(still alive at t), i.e. no dropout after any purchase
// in (0, t]: Σₙ P(N(t)=n)·B(a, b+n)/B(a, b) = q^a·₂F₁(a+b−r, a; a+b; 1−q)
// with q = α/(α+t) (Euler's transformation of the direct sum). The series is
// used when its error bound certifies fastTol; it cancels when r > a+b, and
// then the value is the integral over p ~ Beta(a, b) of the probability of
// no dropout given p, whose dropout time is exponential with rate λp:
//
//	S(t) = ∫₀¹ Beta(p; a, b)·(1 + p·t/α)^(−r) dp = ₂F₁(r, a; a+b; −t/α).
func (p bgProcess) survival(t float64) float64 {
	if t <= 0 {
		return 1
	}
	q := p.alpha / (p.alpha + t)
	z := t / (p.alpha + t)
	// ₂F₁(a+b−r, a; a+b; z) = 1 + a·S with S from hypRatio.
	s, errS := hypRatio(p.a, p.a+p.b-p.r, p.a+p.b, z)
	f := 1 + p.a*s
	if (p.a*errS+4*eps*(1+p.a*math.Abs(s)))/math.Abs(f) <= fastTol {
		return math.Exp(p.a*math.Log(q)) * f
	}
	y := t / p.alpha
	r := p.r
	splits := append(mixtureCriticalPoints(p.a, p.b, r, y), math.Expm1(1/r)/y)
	l, ok := betaLogExpect(p.a, p.b, splits, func(q, _ float64) float64 {
		return -r * math.Log1p(q*y)
	})
	if !ok {
		return math.NaN()
	}
	return math.Exp(l)
}

// mixtureCriticalPoints returns the points of (0, 1) where the log of
// p^(a−1) (1−p)^(b−1) (1+py)^(−r) is stationary, the peaks and troughs of
// the integrands above, so that quadrature can split there. Multiplying
// its derivative by p(1−p)(1+py) leaves the quadratic
//
//	y(r−a−b+2)·p² + ((a−1)(y−1) − (b−1) − ry)·p + (a−1) = 0,
//
// solved without cancellation.
func mixtureCriticalPoints(a, b, r, y float64) []float64 {
	c2 := y * (r - a - b + 2)
	c1 := (a-1)*(y-1) - (b - 1) - r*y
	c0 := a - 1
	var roots []float64
	switch {
	case c2 == 0 && c1 != 0:
		roots = []float64{-c0 / c1}
	case c2 != 0:
		d := c1*c1 - 4*c2*c0
		if d < 0 {
			return nil
		}
		q := -(c1 + math.Copysign(math.Sqrt(d), c1)) / 2
		roots = []float64{q / c2}
		if q != 0 {
			roots = append(roots, c0/q)
		}
	}
	out := roots[:0]
	for _, p := range roots {
		if p > 0 && p < 1 {
			out = append(out, p)
		}
	}
	return out
}

// lnOneMinusPowOver returns ln[(1 − (1+q·y)^(−r))/q] for q, y, r > 0,
// accurate as q·y → 0, where it tends to ln(r·y).
func lnOneMinusPowOver(r, q, y float64) float64 {
	qy := q * y
	if qy < 1e-280 {
		// The limit, with relative error O(r·q·y); also where q·y underflows.
		return math.Log(r) + math.Log(y)
	}
	return math.Log(-math.Expm1(-r*math.Log1p(qy))) - math.Log(q)
}

// simulate draws one customer's (x, t_x) over (0, T].
func (p bgProcess) simulate(rng *rand.Rand, T float64, dropAtStart bool) (int, float64) {
	lambda := distuv.Gamma{Alpha: p.r, Beta: p.alpha, Src: rng}.Rand()
	q := distuv.Beta{Alpha: p.a, Beta: p.b, Src: rng}.Rand()
	if dropAtStart && rng.Float64() < q {
		return 0, 0
	}
	x, tx, t := 0, 0.0, 0.0
	for x < maxSimPurchases {
		t += rng.ExpFloat64() / lambda
		if t > T {
			return x, tx
		}
		x, tx = x+1, t
		if rng.Float64() < q {
			return x, tx
		}
	}
	return -1, 0
}

func (m BGNBD) process() bgProcess { return bgProcess{r: m.R, alpha: m.Alpha, a: m.A, b: m.B} }

// posterior returns the process of an alive customer after (x, t_x, T).
func (m BGNBD) posterior(x int, T float64) bgProcess {
	return bgProcess{r: m.R + float64(x), alpha: m.Alpha + T, a: m.A, b: m.B + float64(x)}
}

// logOdds returns ln[P(dead)/P(alive)] given the history, or −Inf when x = 0
// (a BG/NBD customer cannot drop out before a repeat purchase).
func (m BGNBD) logOdds(x int, tx, T float64) float64 {
	if x == 0 {
		return math.Inf(-1)
	}
	xf := float64(x)
	return math.Log(m.A/(m.B+xf-1)) + (m.R+xf)*(math.Log(m.Alpha+T)-math.Log(m.Alpha+tx))
}

// LogLikelihood returns the log-likelihood of one customer's (x, t_x, T),
// with all constants (FHL 2005 eq. 6), in the form of Hardie's note 027
// where every power term is at most 1:
//
//	ln L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b) − (r+x) ln(α+T)
//	       + ln(1 + [x>0]·a/(b+x−1)·((α+T)/(α+t_x))^(r+x)).
func (m BGNBD) LogLikelihood(s Summary) float64 {
	x := float64(s.Frequency)
	ll := lgamma(m.R+x) - lgamma(m.R) + m.R*math.Log(m.Alpha) + lbeta(m.A, m.B+x) - lbeta(m.A, m.B) -
		(m.R+x)*math.Log(m.Alpha+s.T)
	if s.Frequency > 0 {
		ll += log1pexp(m.logOdds(s.Frequency, s.Recency, s.T))
	}
	return ll
}

// ProbabilityAlive returns P(alive at T | x, t_x, T) (FHL 2005 eq. 11). It is
// exactly 1 for a customer without repeat purchases: a property of the
// model, which MBGNBD does not share.
func (m BGNBD) ProbabilityAlive(s Summary) float64 {
	if s.Frequency == 0 {
		return 1
	}
	return sigmoid(-m.logOdds(s.Frequency, s.Recency, s.T))
}

// ProbabilityAliveAt returns P(alive at T+t | x, t_x, T): alive now and no
// dropout after any purchase in (T, T+t].
func (m BGNBD) ProbabilityAliveAt(s Summary, t float64) float64 {
	return m.ProbabilityAlive(s) * m.posterior(s.Frequency, s.T).survival(t)
}

// ExpectedPurchases returns E[X(T, T+t) | x, t_x, T], the expected number of
// purchases in the next t (FHL 2005 eq. 10). The Gaussian hypergeometric
// function is used in its Pfaff-transformed form, finite for every x.
func (m BGNBD) ExpectedPurchases(s Summary, t float64) float64 {
	return m.ProbabilityAlive(s) * m.posterior(s.Frequency, s.T).expected(t)
}

// ExpectedPurchasesNew returns E[X(t)] for a customer who has just made their
// first purchase (FHL 2005 eq. 7).
func (m BGNBD) ExpectedPurchasesNew(t float64) float64 { return m.process().expected(t) }

// ProbabilityPurchasesNew returns P(X(t) = n) for a new customer (FHL 2005
// eq. 8).
func (m BGNBD) ProbabilityPurchasesNew(n int, t float64) float64 { return m.process().pmf(n, t) }

// ProbabilityPurchases returns P(X(T, T+t) = n | x, t_x, T): a customer who
// is dead makes none; one who is alive behaves as a new customer with the
// posterior parameters (r+x, α+T, a, b+x).
func (m BGNBD) ProbabilityPurchases(s Summary, n int, t float64) float64 {
	return aliveOrNone(m.ProbabilityAlive(s), m.posterior(s.Frequency, s.T).pmf(n, t), n)
}

// Simulate draws one summary per age in T (in the model's unit) from the
// model, using rng (nil means a fixed seed, so results are reproducible).
// Summaries get IDs "0", "1", ... and the model's unit. It returns nil
// when the parameters are invalid, an age is negative, not finite or beyond
// MaxHorizon, or a customer would make more than maxSimPurchases purchases
// (simulation is for realistic parameters).
func (m BGNBD) Simulate(rng *rand.Rand, T []float64) []Summary {
	rng = simRand(rng)
	return simulateWith(m, T, m.Unit, func(T float64) (int, float64) { return m.process().simulate(rng, T, false) })
}

// aliveOrNone mixes a pmf: with probability alive the customer's count is
// n with probability pAlive, otherwise they are gone and make none.
func aliveOrNone(alive, pAlive float64, n int) float64 {
	v := alive * pAlive
	if n == 0 {
		v += 1 - alive
	}
	return v
}

// maxSimPurchases bounds one simulated customer's purchases.
const maxSimPurchases = 10_000_000

// simRand returns rng, or a generator with a fixed seed when it is nil.
func simRand(rng *rand.Rand) *rand.Rand {
	if rng == nil {
		return rand.New(rand.NewPCG(1, 2))
	}
	return rng
}

// simulateWith draws one summary per age; draw returns x < 0 when a customer
// exceeds maxSimPurchases, and then, as for invalid parameters or ages, the
// result is nil.
func simulateWith(m Model, T []float64, unit Unit, draw func(T float64) (int, float64)) []Summary {
	if m.Validate() != nil || !unit.IsValid() {
		return nil
	}
	for _, t := range T {
		if checkHorizon("age", t) != nil {
			return nil
		}
	}
	out := make([]Summary, len(T))
	for i, t := range T {
		x, tx := draw(t)
		if x < 0 {
			return nil
		}
		out[i] = Summary{ID: fmt.Sprint(i), Frequency: x, Recency: tx, T: t, Unit: unit}
	}
	return out
}

func (m BGNBD) aliveCurve(x int, T float64) func(float64) float64 { return m.posterior(x, T).expected }

// bgLik is the BG/NBD (shift 0) or MBG/NBD (shift 1) likelihood. With
// β′ = b + x + shift it is
//
//	ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, β′) − ln B(a, b) − (r+x) ln(α+T)
//	+ ln(1 + a/(β′−1)·((α+T)/(α+t_x))^(r+x)),
//
// the last term only for x > 0 under BG/NBD.
type bgLik struct {
	*patternData
	shift float64
}

// xTerms are the per-distinct-frequency parts of the likelihood, its
// gradient and its Hessian.
type xTerms struct {
	lg, dr     float64 // ln Γ(r+x) − ln Γ(r) and its r-derivative
	lb, da, db float64 // ln B(a, β′) − ln B(a, b) and its a-, b-derivatives
	lnOdds     float64 // ln(a/(β′−1))
	invOdds    float64 // 1/(β′−1)
	// Second derivatives (with the Hessian only): ∂²/∂r² of lg, and
	// ∂²/∂a² (= ∂²/∂a∂b) and ∂²/∂b² of lb.
	drr, daa, dbb float64
}

// timeTerms holds ln(α+τ) and 1/(α+τ) for a distinct age or recency τ.
type timeTerms struct{ ln, inv float64 }

func timeTable(alpha float64, u []float64) []timeTerms {
	out := make([]timeTerms, len(u))
	for i, v := range u {
		out[i] = timeTerms{math.Log(alpha + v), 1 / (alpha + v)}
	}
	return out
}

func (l bgLik) tables(p []float64, hess bool) []xTerms {
	r, a, b := p[0], p[2], p[3]
	lgr, psr := lgamma(r), digamma(r)
	lbab, psab, psb := lbeta(a, b), digamma(a+b), digamma(b)
	var tgr, tgab, tgb float64
	if hess {
		tgr, tgab, tgb = trigamma(r), trigamma(a+b), trigamma(b)
	}
	out := make([]xTerms, len(l.ux))
	for j, x := range l.ux {
		bp := b + x + l.shift
		psabx := digamma(a + bp)
		out[j] = xTerms{
			lg: lgamma(r+x) - lgr, dr: digamma(r+x) - psr,
			lb: lbeta(a, bp) - lbab, da: psab - psabx, db: digamma(bp) - psabx - psb + psab,
			lnOdds: math.Log(a / (bp - 1)), invOdds: 1 / (bp - 1),
		}
		if hess {
			tgabx := trigamma(a + bp)
			out[j].drr = trigamma(r+x) - tgr
			out[j].daa = tgab - tgabx
			out[j].dbb = trigamma(bp) - tgabx - tgb + tgab
		}
	}
	return out
}

type bgEval struct {
	bgLik
	p       []float64
	tab     []xTerms
	tT, ttx []timeTerms
}

func (l bgLik) prepare(p []float64, _ bool, _ int) evaluator { return l.eval(p, false) }

func (l bgLik) prepareHessian(p []float64, _ int) hessianEvaluator { return l.eval(p, true) }

func (l bgLik) eval(p []float64, hess bool) bgEval {
	e := bgEval{bgLik: l, p: p, tab: l.tables(p, hess), tT: timeTable(p[1], l.uT)}
	if l.tableTx() {
		e.ttx = timeTable(p[1], l.utx)
	}
	return e
}

func (e bgEval) block(lo, hi int, grad []float64) float64 { return e.blockHessian(lo, hi, grad, nil) }

// blockHessian computes the log-likelihood of patterns [lo, hi), adding
// its gradient into grad when grad is not nil, and its Hessian into hess
// (4×4, row-major) when hess is not nil as well. With the softplus term
// S = ln(1 + e^z), ∇S = σ∇z and ∇²S = σ(1−σ)∇z∇zᵀ + σ∇²z, σ = e^z/(1+e^z).
func (e bgEval) blockHessian(lo, hi int, grad, hess []float64) float64 {
	l, tab, tT, ttx := e.bgLik, e.tab, e.tT, e.ttx
	r, alpha, a := e.p[0], e.p[1], e.p[2]
	lnAlpha := math.Log(alpha)
	ll := 0.0
	var g0, g1, g2, g3 float64
	// Hessian sums: sw is the total weight; the h's are the upper
	// triangle of Σ w ∇²v without the terms constant in a block.
	var sw, h00, h01, h02, h03, h11, h12, h13, h22, h23, h33 float64
	for i := lo; i < hi; i++ {
		x, w := l.x[i], l.w[i]
		t := &tab[l.xi[i]]
		at := tT[l.Ti[i]]
		v := t.lg + r*lnAlpha + t.lb - (r+x)*at.ln
		var sig, dlog, e float64
		var atx timeTerms
		if x > 0 || l.shift > 0 {
			if ttx != nil {
				atx = ttx[l.txi[i]]
			} else {
				atx = timeTerms{math.Log(alpha + l.tx[i]), 1 / (alpha + l.tx[i])}
			}
			// ln(1 + e^z) and its derivative e^z/(1 + e^z) from one exp.
			// With e in (0, 1], ln(1+e) is within 2.3e-16 of ln1p(e) in
			// absolute terms, which is all a sum of log-likelihoods needs,
			// and half the cost.
			dlog = at.ln - atx.ln
			z := t.lnOdds + (r+x)*dlog
			e = math.Exp(-math.Abs(z))
			v += math.Max(z, 0) + math.Log(1+e)
			if z >= 0 {
				sig = 1 / (1 + e)
			} else {
				sig = e / (1 + e)
			}
		}
		ll += w * v
		if grad == nil {
			continue
		}
		g0 += w * (t.dr + lnAlpha - at.ln)
		g1 += w * (r/alpha - (r+x)*at.inv)
		g2 += w * t.da
		g3 += w * t.db
		di := at.inv - atx.inv
		if sig != 0 {
			g0 += w * sig * dlog
			g1 += w * sig * (r + x) * di
			g2 += w * sig / a
			g3 -= w * sig * t.invOdds
		}
		if hess == nil {
			continue
		}
		sw += w
		h00 += w * t.drr
		h01 -= w * at.inv
		h11 += w * (r + x) * at.inv * at.inv
		h22 += w * t.daa
		h23 += w * t.daa
		h33 += w * t.dbb
		if sig != 0 {
			// ∇z = (dlog, (r+x)·di, 1/a, −1/(β′−1)); the non-zero second
			// derivatives of z are ∂²z/∂r∂α = di, ∂²z/∂α² =
			// (r+x)(1/(α+t_x)² − 1/(α+T)²), ∂²z/∂a² = −1/a² and
			// ∂²z/∂b² = 1/(β′−1)².
			ws2 := w * e / ((1 + e) * (1 + e)) // w σ(1−σ)
			ws := w * sig
			zr, zal, za, zb := dlog, (r+x)*di, 1/a, -t.invOdds
			h00 += ws2 * zr * zr
			h01 += ws2*zr*zal + ws*di
			h02 += ws2 * zr * za
			h03 += ws2 * zr * zb
			h11 += ws2*zal*zal + ws*(r+x)*(atx.inv*atx.inv-at.inv*at.inv)
			h12 += ws2 * zal * za
			h13 += ws2 * zal * zb
			h22 += ws2*za*za - ws*za*za
			h23 += ws2 * za * zb
			h33 += ws2*zb*zb + ws*zb*zb
		}
	}
	if grad != nil {
		grad[0] += g0
		grad[1] += g1
		grad[2] += g2
		grad[3] += g3
	}
	if hess != nil {
		// The terms constant per pattern: ∂²/∂r∂α of r ln α is 1/α, and
		// ∂²/∂α² of it −r/α².
		h01 += sw / alpha
		h11 -= sw * r / (alpha * alpha)
		up := [4][4]float64{{h00, h01, h02, h03}, {0, h11, h12, h13}, {0, 0, h22, h23}, {0, 0, 0, h33}}
		for i := range 4 {
			for j := i; j < 4; j++ {
				hess[4*i+j] += up[i][j]
				if j != i {
					hess[4*j+i] += up[i][j]
				}
			}
		}
	}
	return ll
}

// FitBGNBD fits a BG/NBD model by maximum likelihood to weighted patterns
// (see Compress). A fit that does not converge returns the best point found
// with a *ConvergenceError.
func FitBGNBD(ctx context.Context, data []Pattern, opts FitOptions) (BGNBD, FitReport, error) {
	p, rep, err := fitBG(ctx, data, opts, &bgnbdModel, 0)
	if p == nil {
		return BGNBD{}, rep, err
	}
	m := bgnbdModel.build(p).(BGNBD)
	m.Unit = opts.Unit
	return m, rep, err
}

func fitBG(ctx context.Context, data []Pattern, opts FitOptions, desc *Description, shift float64) ([]float64, FitReport, error) {
	ps, n, err := preparePatterns(data)
	if err != nil {
		return nil, FitReport{Model: desc.Name}, err
	}
	spec := func(ps []Pattern, n float64) fitSpec {
		d := newPatternData(ps)
		return fitSpec{desc: desc, start: []float64{1, defaultStart(d, n) / 4, 1, 1}, lk: bgLik{d, shift}, n: n}
	}
	full := spec(ps, n)
	full.hint = patternHint(ps, n)
	full.sub = func(step int) fitSpec { return spec(subsample(ps, step)) }
	return maximize(ctx, full, opts)
}

// patternHint returns what about the patterns can make a BG/NBD, MBG/NBD or
// Pareto/NBD estimate run to the boundary.
func patternHint(ps []Pattern, n float64) func() string {
	return func() string {
		maxX, maxT := 0, 0.0
		for _, p := range ps {
			maxX, maxT = max(maxX, p.Frequency), max(maxT, p.T)
		}
		switch {
		case maxT == 0:
			return fmt.Sprintf("all %v customers have age T = 0: there is no time in which to observe purchases", n)
		case maxX == 0:
			return fmt.Sprintf("none of the %v customers made a repeat purchase: the purchase rate and the dropout are not identified", n)
		case maxX == 1:
			return fmt.Sprintf("all %v customers made at most one repeat purchase: the dropout process is not identified", n)
		case len(ps) < 4:
			return fmt.Sprintf("only %d distinct customer histories for 4 parameters", len(ps))
		}
		return ""
	}
}
