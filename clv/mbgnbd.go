package clv

import (
	"context"
	"math"
	"math/rand/v2"
)

// MBGNBD is the modified BG/NBD of Batislam, Denizel & Filiztekin (2007):
// customers may also drop out right after their first purchase, so a
// customer with no repeat purchases is not certainly alive, unlike under
// BG/NBD. Parameters as in BGNBD.
type MBGNBD struct {
	// R, Alpha, A and B are as in BGNBD.
	R, Alpha, A, B float64
	// Unit is the time unit of Alpha and of every time a method takes or
	// returns (ages, recencies, horizons); the zero value is UnitDay.
	// Predict, LifetimeValue and the other functions that take summaries
	// refuse summaries in another unit; In converts the model exactly.
	Unit Unit
}

// mbgnbdModel describes MBG/NBD: its name and its parameters in order.
var mbgnbdModel = Description{Name: "mbgnbd", Title: "MBG/NBD", Params: []string{"r", "alpha", "a", "b"},
	build: func(p []float64) Model { return MBGNBD{R: p[0], Alpha: p[1], A: p[2], B: p[3]} }}

func (m MBGNBD) vector() []float64 { return []float64{m.R, m.Alpha, m.A, m.B} }

// Name returns "mbgnbd".
func (MBGNBD) Name() string { return mbgnbdModel.Name }

// Params returns r, alpha, a and b.
func (m MBGNBD) Params() map[string]float64 { return mbgnbdModel.paramMap(m.vector()) }

// Validate reports whether all parameters are finite and positive and the
// unit is known.
func (m MBGNBD) Validate() error { return validateWithUnit(&mbgnbdModel, m.vector(), m.Unit) }

// TimeUnit returns the model's time unit.
func (m MBGNBD) TimeUnit() Unit { return m.Unit }

// In returns the same model measured in unit u (Alpha rescaled, as
// BGNBD.In).
func (m MBGNBD) In(u Unit) MBGNBD {
	m.Alpha, m.Unit = rescale(m.Alpha, m.Unit, u), u
	return m
}

func (m MBGNBD) logOdds(x int, tx, T float64) float64 {
	xf := float64(x)
	return math.Log(m.A/(m.B+xf)) + (m.R+xf)*(math.Log(m.Alpha+T)-math.Log(m.Alpha+tx))
}

// posterior returns the process of an alive customer after (x, t_x, T): the
// first purchase's dropout chance is behind them, so p's posterior is
// Beta(a, b+x+1).
func (m MBGNBD) posterior(x int, T float64) bgProcess {
	return bgProcess{r: m.R + float64(x), alpha: m.Alpha + T, a: m.A, b: m.B + float64(x) + 1}
}

// LogLikelihood returns the log-likelihood of one customer's (x, t_x, T)
// (Batislam et al. 2007), in the same stable form as BGNBD's:
//
//	ln L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x+1) − ln B(a, b) − (r+x) ln(α+T)
//	       + ln(1 + a/(b+x)·((α+T)/(α+t_x))^(r+x)).
func (m MBGNBD) LogLikelihood(s Summary) float64 {
	x := float64(s.Frequency)
	return lgamma(m.R+x) - lgamma(m.R) + m.R*math.Log(m.Alpha) + lbeta(m.A, m.B+x+1) - lbeta(m.A, m.B) -
		(m.R+x)*math.Log(m.Alpha+s.T) + log1pexp(m.logOdds(s.Frequency, s.Recency, s.T))
}

// ProbabilityAlive returns P(alive at T | x, t_x, T), below 1 even for
// customers without repeat purchases.
func (m MBGNBD) ProbabilityAlive(s Summary) float64 {
	return sigmoid(-m.logOdds(s.Frequency, s.Recency, s.T))
}

// ProbabilityAliveAt returns P(alive at T+t | x, t_x, T).
func (m MBGNBD) ProbabilityAliveAt(s Summary, t float64) float64 {
	return m.ProbabilityAlive(s) * m.posterior(s.Frequency, s.T).survival(t)
}

// ExpectedPurchases returns E[X(T, T+t) | x, t_x, T] (Batislam et al. 2007).
func (m MBGNBD) ExpectedPurchases(s Summary, t float64) float64 {
	return m.ProbabilityAlive(s) * m.posterior(s.Frequency, s.T).expected(t)
}

// newAlive is the probability that a new customer survives the dropout
// chance right after their first purchase, E[1−p] = b/(a+b); after it they
// behave as a BG/NBD customer with p ~ Beta(a, b+1).
func (m MBGNBD) newAlive() (float64, bgProcess) {
	return m.B / (m.A + m.B), bgProcess{r: m.R, alpha: m.Alpha, a: m.A, b: m.B + 1}
}

// ExpectedPurchasesNew returns E[X(t)] for a new customer:
// b/(a−1)·[1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))].
func (m MBGNBD) ExpectedPurchasesNew(t float64) float64 {
	w, p := m.newAlive()
	return w * p.expected(t)
}

// ProbabilityPurchasesNew returns P(X(t) = n) for a new customer.
func (m MBGNBD) ProbabilityPurchasesNew(n int, t float64) float64 {
	w, p := m.newAlive()
	return aliveOrNone(w, p.pmf(n, t), n)
}

// ProbabilityPurchases returns P(X(T, T+t) = n | x, t_x, T).
func (m MBGNBD) ProbabilityPurchases(s Summary, n int, t float64) float64 {
	return aliveOrNone(m.ProbabilityAlive(s), m.posterior(s.Frequency, s.T).pmf(n, t), n)
}

// Simulate draws one summary per age in T from the model, as
// BGNBD.Simulate does.
func (m MBGNBD) Simulate(rng *rand.Rand, T []float64) []Summary {
	rng = simRand(rng)
	return simulateWith(m, T, m.Unit, func(T float64) (int, float64) {
		return bgProcess{r: m.R, alpha: m.Alpha, a: m.A, b: m.B}.simulate(rng, T, true)
	})
}

func (m MBGNBD) aliveCurve(x int, T float64) func(float64) float64 { return m.posterior(x, T).expected }

// FitMBGNBD fits an MBG/NBD model by maximum likelihood to weighted patterns.
func FitMBGNBD(ctx context.Context, data []Pattern, opts FitOptions) (MBGNBD, FitReport, error) {
	p, rep, err := fitBG(ctx, data, opts, &mbgnbdModel, 1)
	if p == nil {
		return MBGNBD{}, rep, err
	}
	m := mbgnbdModel.build(p).(MBGNBD)
	m.Unit = opts.Unit
	return m, rep, err
}
