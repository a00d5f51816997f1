package clv

import (
	"fmt"
	"math"
)

// hyperUss returns Tricomi's confluent hypergeometric function U(s, s; z)
// for s > 0, z > 0, from its integral
//
//	U(s, s; z) = 1/Γ(s) ∫₀^∞ e^{−zt} t^{s−1} (1+t)^{−1} dt,
//
// substituted t = e^v and summed by the trapezoidal rule with step h = 0.2.
// The integrand is analytic and bounded in the strip |Im v| < π/2, so the
// rule's error is about e^{−π²/h} ≈ 4e−22; it decays like e^{sv} on the left and
// double-exponentially on the right, so the sum stops once terms no longer
// matter. (gonum has no U; its incomplete gamma functions cover only
// positive parameters, while U(s, s; z) = e^z Γ(1−s, z) needs 1−s ≤ 0.)
func hyperUss(s, z float64) float64 {
	const h = 0.2
	logf := func(v float64) float64 { return s*v - z*math.Exp(v) - log1pexp(v) }
	sum := math.Exp(logf(0))
	for dir := -1.0; dir <= 1; dir += 2 {
		for k := 1; k < 1_000_000; k++ {
			v := dir * float64(k) * h
			term := math.Exp(logf(v))
			sum += term
			// Decreasing away from the peak and negligible: done.
			slope := s - z*math.Exp(v) - sigmoid(v)
			if term < 1e-18*sum && slope*dir < 0 {
				break
			}
		}
	}
	return h * sum / math.Exp(lgamma(s))
}

// DERT returns the discounted expected residual transactions of a customer
// (Fader, Hardie & Lee 2005, "RFM and CLV", eq. 2): the expected number of
// future purchases, each discounted continuously at rate delta per model
// time unit, over an unbounded horizon:
//
//	DERT = P(alive) · (r+x)/(α+T) · (β+T)^s δ^(s−1) U(s, s; δ(β+T)).
//
// Multiplied by margin × spend per purchase it is the customer's residual
// lifetime value. A yearly rate of 10% is δ = ln(1.1)/52 per week.
func (m ParetoNBD) DERT(s Summary, delta float64) (float64, error) {
	if err := m.Validate(); err != nil {
		return 0, err
	}
	if !(delta > 0) || math.IsInf(delta, 0) {
		return 0, fmt.Errorf("%w: DERT needs a finite positive continuous discount rate, got %v", ErrInvalidOptions, delta)
	}
	if err := s.Validate(); err != nil {
		return 0, err
	}
	x := float64(s.Frequency)
	bt := m.Beta + s.T
	lv := m.S*math.Log(bt) + (m.S-1)*math.Log(delta) + math.Log(hyperUss(m.S, delta*bt))
	return m.ProbabilityAlive(s) * (m.R + x) / (m.Alpha + s.T) * math.Exp(lv), nil
}

// LifetimeValueDERT values customers over an unbounded horizon with the
// Pareto/NBD's DERT: value = margin × spend × DERT(delta), rounded once as
// LifetimeValue rounds. Steps, StepLength, DiscountRate and Continuous of
// opts are not used; Margin and RoundTo are.
func LifetimeValueDERT(m ParetoNBD, spend SpendModel, summaries []Summary, delta float64, opts ValueOptions) ([]CustomerValue, error) {
	opts.Steps, opts.StepLength, opts.DiscountRate, opts.Continuous = 1, 1, 0, false
	o, err := opts.check()
	if err != nil {
		return nil, err
	}
	if _, err := m.DERT(Summary{T: 1}, delta); err != nil {
		return nil, err
	}
	return valueAll(spend, summaries, o, func(_ int, s Summary) (float64, float64, error) {
		d, err := m.DERT(s, delta)
		return d, d, err
	})
}
