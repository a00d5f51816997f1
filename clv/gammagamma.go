package clv

import (
	"cmp"
	"context"
	"fmt"
	"math"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/internal/clip"
)

// GammaGamma is the Gamma-Gamma model of spend per transaction (Fader,
// Hardie & Lee 2005, "RFM and CLV", Journal of Marketing Research 42; Hardie's
// note 025): a customer's spends are Gamma(P, ν) with ν ~ Gamma(Q, Gamma)
// across customers, independent of how often they buy. The population mean
// spend is P·Gamma/(Q−1), which exists only for Q > 1.
type GammaGamma struct {
	P, Q, Gamma float64
}

// ggModel describes Gamma-Gamma: its name and its parameters in order.
var ggModel = Description{Name: "gg", Title: "Gamma-Gamma", Params: []string{"p", "q", "gamma"},
	build: func(p []float64) Model { return GammaGamma{P: p[0], Q: p[1], Gamma: p[2]} }}

func (m GammaGamma) vector() []float64 { return []float64{m.P, m.Q, m.Gamma} }

// Name returns "gg".
func (GammaGamma) Name() string { return ggModel.Name }

// Params returns p, q and gamma.
func (m GammaGamma) Params() map[string]float64 { return ggModel.paramMap(m.vector()) }

// Validate reports whether all parameters are finite and positive. A model
// with Q ≤ 1 is valid to hold (a fit may end there) but has no mean spend;
// the spend methods report it.
func (m GammaGamma) Validate() error { return ggModel.validate(m.vector()) }

func (m GammaGamma) checkMean() error {
	if err := m.Validate(); err != nil {
		return err
	}
	if m.Q <= 1 {
		return fmt.Errorf("%w: Gamma-Gamma q = %v ≤ 1: the mean spend is infinite, so no expected spend exists", ErrInvalidParams, m.Q)
	}
	return nil
}

// PopulationMeanSpend returns p·γ/(q−1), the mean spend per transaction
// across customers, or an error when q ≤ 1.
func (m GammaGamma) PopulationMeanSpend() (float64, error) {
	if err := m.checkMean(); err != nil {
		return 0, err
	}
	return m.P * m.Gamma / (m.Q - 1), nil
}

// ConditionalSpend returns the expected spend per transaction of a customer
// with x repeat transactions of mean spend mean:
//
//	(q−1)/(px+q−1) · pγ/(q−1) + px/(px+q−1) · mean,
//
// a weighted mean of the population mean and the customer's own. With x = 0
// it is the population mean. It fails for q ≤ 1 and for a negative,
// non-finite x or mean.
func (m GammaGamma) ConditionalSpend(x int, mean float64) (float64, error) {
	if err := m.checkMean(); err != nil {
		return 0, err
	}
	if x < 0 || !(mean >= 0) || math.IsInf(mean, 0) {
		return 0, fmt.Errorf("%w: Gamma-Gamma needs x ≥ 0 and a finite mean spend ≥ 0, got x=%d mean=%v", ErrInvalidSummary, x, mean)
	}
	px := m.P * float64(x)
	w := px / (px + m.Q - 1)
	return (1-w)*m.P*m.Gamma/(m.Q-1) + w*mean, nil
}

// SpendModel gives a customer's expected spend per purchase. GammaGamma
// and FixedSpend implement it, so lifetime value takes either.
type SpendModel interface {
	SpendPerPurchase(s Summary) (decimal.Decimal, error)
}

// SpendPerPurchase returns the conditional expected spend for the customer's
// frequency and mean spend (see ConditionalSpend), in the currency's units,
// unrounded.
func (m GammaGamma) SpendPerPurchase(s Summary) (decimal.Decimal, error) {
	v, err := m.spendFloat(s)
	if err != nil {
		return decimal.Decimal{}, err
	}
	return decimal.NewFromFloat(v), nil
}

// spendFloat is SpendPerPurchase in float64, for LifetimeValue's hot loop.
func (m GammaGamma) spendFloat(s Summary) (float64, error) {
	v, err := m.ConditionalSpend(s.Frequency, s.MonetaryValue.InexactFloat64())
	if err != nil {
		return 0, fmt.Errorf("customer %q: %w", s.ID, err)
	}
	return v, nil
}

// FixedSpend is a spend model that gives every customer the same amount per
// purchase: a known average order value, or a margin per purchase.
type FixedSpend struct {
	Amount decimal.Decimal
}

// SpendPerPurchase returns Amount, or an error when it is negative.
func (f FixedSpend) SpendPerPurchase(Summary) (decimal.Decimal, error) {
	if f.Amount.Sign() < 0 {
		return decimal.Decimal{}, fmt.Errorf("%w: negative fixed spend %s", ErrInvalidParams, f.Amount)
	}
	return f.Amount, nil
}

// Reasons for leaving a customer out of a Gamma-Gamma fit, the keys of
// FitReport.ExcludedBy.
const (
	ExcludedOneTimeBuyer = "no repeat purchases"
	ExcludedZeroSpend    = "zero mean repeat spend"
)

// SpendObservation is what the Gamma-Gamma fit reads from a customer:
// Frequency repeat transactions with mean spend Mean, counted by Weight.
type SpendObservation struct {
	Frequency int
	Mean      float64
	Weight    float64
}

// SpendObservations converts summaries for FitGammaGamma, one observation
// per summary.
func SpendObservations(ss []Summary) []SpendObservation {
	obs := make([]SpendObservation, len(ss))
	for i, s := range ss {
		obs[i] = SpendObservation{Frequency: s.Frequency, Mean: s.MonetaryValue.InexactFloat64(), Weight: 1}
	}
	return obs
}

// logLik is the log density of the mean spend z̄ of x transactions:
// ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln z̄ + px ln x − (px+q) ln(γ+x z̄).
func (m GammaGamma) logLik(o SpendObservation, grad []float64) float64 {
	x := float64(o.Frequency)
	px := m.P * x
	lnZ, lnX, lnGXZ := math.Log(o.Mean), math.Log(x), math.Log(m.Gamma+x*o.Mean)
	ll := lgamma(px+m.Q) - lgamma(px) - lgamma(m.Q) + m.Q*math.Log(m.Gamma) + (px-1)*lnZ + px*lnX - (px+m.Q)*lnGXZ
	if grad != nil {
		psi := digamma(px + m.Q)
		grad[0] += o.Weight * x * (psi - digamma(px) + lnZ + lnX - lnGXZ)
		grad[1] += o.Weight * (psi - digamma(m.Q) + math.Log(m.Gamma) - lnGXZ)
		grad[2] += o.Weight * (m.Q/m.Gamma - (px+m.Q)/(m.Gamma+x*o.Mean))
	}
	return ll
}

// LogLikelihood returns the log-likelihood of one repeat buyer's mean spend.
func (m GammaGamma) LogLikelihood(o SpendObservation) float64 { return m.logLik(o, nil) }

type ggLik struct{ obs []SpendObservation }

func (l ggLik) len() int { return len(l.obs) }

func (l ggLik) prepare(p []float64, _ bool, _ int) evaluator {
	return ggEval{l, ggModel.build(p).(GammaGamma)}
}

type ggEval struct {
	ggLik
	m GammaGamma
}

func (e ggEval) block(lo, hi int, grad []float64) float64 {
	ll := 0.0
	for _, o := range e.obs[lo:hi] {
		ll += o.Weight * e.m.logLik(o, grad)
	}
	return ll
}

// FitGammaGamma fits a Gamma-Gamma model by maximum likelihood to repeat
// buyers' mean spends (see SpendObservations). Two kinds of customer are
// left out and counted in FitReport.Excluded and FitReport.ExcludedBy: those
// without repeat purchases (Frequency 0: the model describes repeat spend,
// and their monetary value is 0 by convention) and repeat buyers whose mean
// spend is exactly 0 (free orders: the model has no density at zero spend).
// Every other observation needs a positive, finite mean. The fit does not
// depend on the order of obs. A fit whose q ends at or below 1 is returned,
// but its spend methods report that it has no mean.
func FitGammaGamma(ctx context.Context, obs []SpendObservation, opts FitOptions) (GammaGamma, FitReport, error) {
	var kept []SpendObservation
	excludedBy := map[string]int{}
	for i, o := range obs {
		if o.Frequency == 0 {
			excludedBy[ExcludedOneTimeBuyer]++
			continue
		}
		if o.Frequency >= 1 && o.Mean == 0 && o.Weight >= 0 && !math.IsInf(o.Weight, 0) {
			excludedBy[ExcludedZeroSpend]++
			continue
		}
		if o.Frequency < 1 || !(o.Mean > 0) || math.IsInf(o.Mean, 0) || math.IsNaN(o.Weight) || math.IsInf(o.Weight, 0) || o.Weight < 0 {
			return GammaGamma{}, FitReport{Model: ggModel.Name}, fmt.Errorf(
				"%w: spend observation %d: frequency %d, mean %s, weight %s (want frequency ≥ 0, a finite non-negative mean and a finite non-negative weight)",
				ErrInvalidSummary, i, o.Frequency, clip.Float(o.Mean), clip.Float(o.Weight))
		}
		if o.Weight > 0 {
			kept = append(kept, o)
		}
	}
	excluded := excludedBy[ExcludedOneTimeBuyer] + excludedBy[ExcludedZeroSpend]
	if len(excludedBy) == 0 {
		excludedBy = nil
	}
	if len(kept) == 0 {
		return GammaGamma{}, FitReport{Model: ggModel.Name, Excluded: excluded, ExcludedBy: excludedBy}, fmt.Errorf("%w: no repeat buyers with positive weight and positive spend (%d left out)", ErrNoData, excluded)
	}
	kept, n := canonical(kept, func(a, b SpendObservation) int {
		if c := cmp.Compare(a.Frequency, b.Frequency); c != 0 {
			return c
		}
		return cmp.Compare(a.Mean, b.Mean)
	}, func(o SpendObservation) float64 { return o.Weight }, func(o *SpendObservation, w float64) { o.Weight += w }, nil)
	meanZ := 0.0
	for _, o := range kept {
		meanZ += o.Weight * o.Mean
	}
	// Start at p = 1, q = 2, γ = mean spend, whose population mean is the
	// sample mean.
	start := []float64{1, 2, meanZ / n}
	p, rep, err := maximize(ctx, fitSpec{desc: &ggModel, start: start, lk: ggLik{kept}, n: n}, opts)
	rep.Excluded, rep.ExcludedBy = excluded, excludedBy
	if ce, ok := err.(*ConvergenceError); ok {
		ce.Report.Excluded, ce.Report.ExcludedBy = excluded, excludedBy
	}
	if p == nil {
		return GammaGamma{}, rep, err
	}
	return ggModel.build(p).(GammaGamma), rep, err
}
