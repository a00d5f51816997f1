package clv

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// BGBB is the beta-geometric/beta-Bernoulli model of Fader, Hardie & Shang
// (2010, Marketing Science 29(6)) for discrete transaction opportunities:
// events, annual donations, yearly renewals. While alive, a customer
// transacts at each opportunity with probability p ~ Beta(Alpha, Beta); at
// the start of each opportunity they die with probability θ ~ Beta(Gamma,
// Delta).
type BGBB struct {
	Alpha, Beta, Gamma, Delta float64
}

// BGBBPattern is a set of customers with the same history over Periods
// transaction opportunities: Frequency transactions, the last in opportunity
// Recency (0 when there were none), counted by Weight.
type BGBBPattern struct {
	Frequency, Recency, Periods int
	Weight                      float64
}

// bgbbModel describes BG/BB: its name and its parameters in order.
var bgbbModel = Description{Name: "bgbb", Title: "BG/BB", Params: []string{"alpha", "beta", "gamma", "delta"},
	build: func(p []float64) Model { return BGBB{Alpha: p[0], Beta: p[1], Gamma: p[2], Delta: p[3]} }}

func (m BGBB) vector() []float64 { return []float64{m.Alpha, m.Beta, m.Gamma, m.Delta} }

// Name returns "bgbb".
func (BGBB) Name() string { return bgbbModel.Name }

// Params returns alpha, beta, gamma and delta.
func (m BGBB) Params() map[string]float64 { return bgbbModel.paramMap(m.vector()) }

// Validate reports whether all parameters are finite and positive.
func (m BGBB) Validate() error { return bgbbModel.validate(m.vector()) }

// Validate reports whether p is a possible history: 0 ≤ Frequency ≤
// Recency ≤ Periods, Recency = 0 exactly when Frequency = 0, and a finite
// non-negative weight.
func (p BGBBPattern) Validate() error {
	bad := func(msg string) error {
		return fmt.Errorf("%w: BG/BB pattern (x=%d, t_x=%d, n=%d): %s", ErrInvalidSummary, p.Frequency, p.Recency, p.Periods, msg)
	}
	switch {
	case p.Frequency < 0 || p.Recency < 0 || p.Periods < 0:
		return bad("negative count")
	case p.Recency > p.Periods:
		return bad("recency after the last opportunity")
	case p.Frequency > p.Recency:
		return bad("more transactions than opportunities up to the last one")
	case (p.Frequency == 0) != (p.Recency == 0):
		return bad("recency must be 0 exactly when frequency is 0")
	case math.IsNaN(p.Weight) || math.IsInf(p.Weight, 0) || p.Weight < 0:
		return bad("weight is not a finite non-negative number")
	}
	return nil
}

// bgbbTerm is one term of the likelihood in logs with its gradient.
type bgbbTerm struct {
	l float64
	d [4]float64
}

// lbetaRatio returns ln B(a+u, b+v) − ln B(a, b) and its derivatives with
// respect to a and b.
func lbetaRatio(a, b, u, v float64) (float64, float64, float64) {
	l := lbeta(a+u, b+v) - lbeta(a, b)
	s, s0 := digamma(a+b+u+v), digamma(a+b)
	return l, digamma(a+u) - s - digamma(a) + s0, digamma(b+v) - s - digamma(b) + s0
}

// terms returns the log-likelihood's terms (FHS 2010 eq. 5): alive through
// all n opportunities, or alive through t_x+i and dead at the next, for
// i = 0 … n−t_x−1.
func (m BGBB) terms(x, tx, n int, grad bool) []bgbbTerm {
	xf, txf, nf := float64(x), float64(tx), float64(n)
	out := make([]bgbbTerm, 0, n-tx+1)
	add := func(pu, pv, du, dv float64) {
		var t bgbbTerm
		var da, db, dg, dd float64
		if grad {
			var l1, l2 float64
			l1, da, db = lbetaRatio(m.Alpha, m.Beta, pu, pv)
			l2, dg, dd = lbetaRatio(m.Gamma, m.Delta, du, dv)
			t.l = l1 + l2
		} else {
			t.l = lbeta(m.Alpha+pu, m.Beta+pv) - lbeta(m.Alpha, m.Beta) + lbeta(m.Gamma+du, m.Delta+dv) - lbeta(m.Gamma, m.Delta)
		}
		t.d = [4]float64{da, db, dg, dd}
		out = append(out, t)
	}
	add(xf, nf-xf, 0, nf)
	for i := 0; i < n-tx; i++ {
		fi := float64(i)
		add(xf, txf-xf+fi, 1, txf+fi)
	}
	return out
}

// logLik returns ln L and, when grad is non-nil, adds w times its gradient.
// It also returns ln of the first ("alive throughout") term.
func (m BGBB) logLik(x, tx, n int, w float64, grad []float64) (float64, float64) {
	ts := m.terms(x, tx, n, grad != nil)
	mx := math.Inf(-1)
	for _, t := range ts {
		mx = math.Max(mx, t.l)
	}
	sum := 0.0
	for _, t := range ts {
		sum += math.Exp(t.l - mx)
	}
	ll := mx + math.Log(sum)
	if grad != nil {
		for _, t := range ts {
			wt := w * math.Exp(t.l-ll)
			for j := range 4 {
				grad[j] += wt * t.d[j]
			}
		}
	}
	return ll, ts[0].l
}

// LogLikelihood returns the log-likelihood of a history (FHS 2010 eq. 5),
// summed as a log-sum-exp.
func (m BGBB) LogLikelihood(p BGBBPattern) float64 {
	ll, _ := m.logLik(p.Frequency, p.Recency, p.Periods, 0, nil)
	return ll
}

// ProbabilityAlive returns the probability that the customer is alive at
// opportunity n+m, i.e. survives m more opportunities (FHS 2010 eq. 11 for
// m = 1; m = 0 is alive at the last observed opportunity).
func (m BGBB) ProbabilityAlive(p BGBBPattern, more int) float64 {
	ll, _ := m.logLik(p.Frequency, p.Recency, p.Periods, 0, nil)
	xf, nf := float64(p.Frequency), float64(p.Periods)
	l := lbeta(m.Alpha+xf, m.Beta+nf-xf) - lbeta(m.Alpha, m.Beta) + lbeta(m.Gamma, m.Delta+nf+float64(more)) - lbeta(m.Gamma, m.Delta)
	return math.Min(1, math.Exp(l-ll))
}

// survivalSum returns (1 − Π_{j=0}^{m−1} (1+δ+n+j)/(γ+δ+n+j))/(γ−1), the
// factor the expectations share. The product is exp(Δ) with
// Δ = −Σ log1p(u_j), u_j = (γ−1)/(1+δ+n+j), so that γ = 1 is its limit
// Σ 1/(1+δ+n+j) rather than 0/0.
func (m BGBB) survivalSum(n, more int) float64 {
	g1 := m.Gamma - 1
	delta := 0.0 // Δ/(γ−1)
	for j := range more {
		c := 1 + m.Delta + float64(n+j)
		u := g1 / c
		r := 1.0 // log1p(u)/u
		if u != 0 {
			r = math.Log1p(u) / u
		}
		delta -= r / c
	}
	d := delta * g1
	e := 1.0 // expm1(d)/d
	if d != 0 {
		e = math.Expm1(d) / d
	}
	return -e * delta
}

// ExpectedPurchases returns the expected number of transactions in the next
// m opportunities given the history (FHS 2010 eq. 13).
func (m BGBB) ExpectedPurchases(p BGBBPattern, more int) float64 {
	if more <= 0 {
		return 0
	}
	ll, _ := m.logLik(p.Frequency, p.Recency, p.Periods, 0, nil)
	xf, nf := float64(p.Frequency), float64(p.Periods)
	l := lbeta(m.Alpha+xf+1, m.Beta+nf-xf) - lbeta(m.Alpha, m.Beta) + math.Log(m.Delta) +
		lgamma(m.Gamma+m.Delta) - lgamma(1+m.Delta) + lgamma(1+m.Delta+nf) - lgamma(m.Gamma+m.Delta+nf) - ll
	return math.Exp(l) * m.survivalSum(p.Periods, more)
}

// ExpectedPurchasesNew returns the expected number of transactions of a new
// customer over n opportunities (FHS 2010 eq. 9):
// α/(α+β)·δ/(γ−1)·[1 − Γ(γ+δ)Γ(1+δ+n)/(Γ(γ+δ+n)Γ(1+δ))].
func (m BGBB) ExpectedPurchasesNew(n int) float64 {
	return m.Alpha / (m.Alpha + m.Beta) * m.Delta * m.survivalSum(0, n)
}

// ProbabilityPurchasesNew returns P(X(n) = x) for a new customer over n
// opportunities (FHS 2010 eq. 8).
func (m BGBB) ProbabilityPurchasesNew(x, n int) float64 {
	if x < 0 || x > n {
		return 0
	}
	xf, nf := float64(x), float64(n)
	lc := func(n, k float64) float64 { return lgamma(n+1) - lgamma(k+1) - lgamma(n-k+1) }
	v := math.Exp(lc(nf, xf) + lbeta(m.Alpha+xf, m.Beta+nf-xf) - lbeta(m.Alpha, m.Beta) +
		lbeta(m.Gamma, m.Delta+nf) - lbeta(m.Gamma, m.Delta))
	for i := x; i < n; i++ {
		fi := float64(i)
		v += math.Exp(lc(fi, xf) + lbeta(m.Alpha+xf, m.Beta+fi-xf) - lbeta(m.Alpha, m.Beta) +
			lbeta(m.Gamma+1, m.Delta+fi) - lbeta(m.Gamma, m.Delta))
	}
	return v
}

// Simulate draws one history over n opportunities per customer, using rng
// (nil means a fixed seed). It returns nil when the parameters are invalid,
// customers is negative or n is outside [0, MaxOpportunities].
func (m BGBB) Simulate(rng *rand.Rand, customers, n int) []BGBBPattern {
	if m.Validate() != nil || customers < 0 || n < 0 || n > MaxOpportunities {
		return nil
	}
	rng = simRand(rng)
	out := make([]BGBBPattern, customers)
	for c := range out {
		p := distuv.Beta{Alpha: m.Alpha, Beta: m.Beta, Src: rng}.Rand()
		theta := distuv.Beta{Alpha: m.Gamma, Beta: m.Delta, Src: rng}.Rand()
		x, tx := 0, 0
		for t := 1; t <= n; t++ {
			if rng.Float64() < theta {
				break
			}
			if rng.Float64() < p {
				x, tx = x+1, t
			}
		}
		out[c] = BGBBPattern{Frequency: x, Recency: tx, Periods: n, Weight: 1}
	}
	return out
}

// CompressBGBB merges identical histories, adding their weights, sorted by
// periods, frequency and recency; zero weights are dropped.
func CompressBGBB(ps []BGBBPattern) []BGBBPattern {
	type key struct{ x, tx, n int }
	out := mergeByKey(ps, func(p BGBBPattern) key { return key{p.Frequency, p.Recency, p.Periods} },
		func(p BGBBPattern) float64 { return p.Weight }, func(p *BGBBPattern, w float64) { p.Weight += w })
	slices.SortFunc(out, compareBGBB)
	return out
}

// compareBGBB orders histories by periods, frequency and recency.
func compareBGBB(a, b BGBBPattern) int {
	if a.Periods != b.Periods {
		return cmp.Compare(a.Periods, b.Periods)
	}
	if a.Frequency != b.Frequency {
		return cmp.Compare(a.Frequency, b.Frequency)
	}
	return cmp.Compare(a.Recency, b.Recency)
}

type bgbbLik struct {
	ps []BGBBPattern
}

func (l bgbbLik) len() int { return len(l.ps) }

func (l bgbbLik) prepare(p []float64, _ bool, _ int) evaluator {
	return bgbbEval{l, bgbbModel.build(p).(BGBB)}
}

type bgbbEval struct {
	bgbbLik
	m BGBB
}

func (e bgbbEval) block(lo, hi int, grad []float64) float64 {
	ll := 0.0
	for _, p := range e.ps[lo:hi] {
		v, _ := e.m.logLik(p.Frequency, p.Recency, p.Periods, p.Weight, grad)
		ll += p.Weight * v
	}
	return ll
}

// FitBGBB fits a BG/BB model by maximum likelihood to weighted histories.
func FitBGBB(ctx context.Context, data []BGBBPattern, opts FitOptions) (BGBB, FitReport, error) {
	kept, _, err := keepPositive(data, "pattern", BGBBPattern.Validate, func(p BGBBPattern) float64 { return p.Weight })
	if err != nil {
		return BGBB{}, FitReport{Model: bgbbModel.Name}, err
	}
	kept, n := canonical(kept, compareBGBB, func(p BGBBPattern) float64 { return p.Weight }, func(p *BGBBPattern, w float64) { p.Weight += w }, nil)
	p, rep, err := maximize(ctx, fitSpec{desc: &bgbbModel, start: []float64{1, 1, 1, 1}, lk: bgbbLik{kept}, n: n}, opts)
	if p == nil {
		return BGBB{}, rep, err
	}
	return bgbbModel.build(p).(BGBB), rep, err
}
