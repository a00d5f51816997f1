package clv

import (
	"fmt"
	"math"
)

// logHyperUss returns ln U(s, s; z), Tricomi's confluent hypergeometric
// function, for s > 0, z > 0, from its integral
//
//	U(s, s; z) = 1/Γ(s) ∫₀^∞ e^{−zt} t^{s−1} (1+t)^{−1} dt,
//
// substituted t = e^v and summed by the trapezoidal rule around the peak v*
// of the integrand e^{sv − z e^v}/(1+e^v). The integrand is analytic in a
// strip about the real axis, so the rule's error falls like e^{−2πd/h}
// (Trefethen & Weideman 2014); its growth inside the strip is bounded when
// h is a quarter of the peak's width 1/√(z e^{v*} + σ(1−σ)), so the step is
// the smaller of that and 0.2 (whose error is about e^{−π²/0.2} ≈ 4e−22).
// Summing e^{logf(v) − logf(v*)} keeps every term at most 1, so large s
// (Γ(300) overflows) and large or tiny z stay finite. The sum stops on each
// side once a term no longer matters. (gonum has no U; its incomplete gamma
// functions cover only positive parameters, while U(s, s; z) = e^z Γ(1−s, z)
// needs 1−s ≤ 0.) NaN means the sum did not end within a million terms.
func logHyperUss(s, z float64) float64 {
	logf := func(v float64) float64 { return s*v - z*math.Exp(v) - log1pexp(v) }
	// The slope s − z e^v − σ(v) decreases from s to −∞; it is negative at
	// ln(s/z) and positive below ln(s/(z+1)), since σ(v) ≤ e^v.
	lo, hi := math.Log(s/(z+1))-1, math.Log(s/z)
	for range 100 {
		mid := (lo + hi) / 2
		if mid == lo || mid == hi {
			break
		}
		if s-z*math.Exp(mid)-sigmoid(mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	peak := (lo + hi) / 2
	sg := sigmoid(peak)
	width := 1 / math.Sqrt(z*math.Exp(peak)+sg*(1-sg))
	h := math.Min(0.2, width/4)
	top := logf(peak)
	sum := 1.0
	for dir := -1.0; dir <= 1; dir += 2 {
		done := false
		for k := 1; k < 1_000_000; k++ {
			term := math.Exp(logf(peak+dir*float64(k)*h) - top)
			sum += term
			if term < 1e-18*sum {
				done = true
				break
			}
		}
		if !done {
			return math.NaN()
		}
	}
	return math.Log(h) + top + math.Log(sum) - lgamma(s)
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
	if err := checkUnit(m, s); err != nil {
		return 0, err
	}
	x := float64(s.Frequency)
	bt := m.Beta + s.T
	lv := m.S*math.Log(bt) + (m.S-1)*math.Log(delta) + logHyperUss(m.S, delta*bt)
	d := m.ProbabilityAlive(s) * (m.R + x) / (m.Alpha + s.T) * math.Exp(lv)
	if math.IsNaN(d) || math.IsInf(d, 0) {
		return 0, inaccurate(m, s, fmt.Sprintf("DERT at delta %v", delta))
	}
	return d, nil
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
	if _, err := m.DERT(Summary{T: 1, Unit: m.Unit}, delta); err != nil {
		return nil, err
	}
	return valueAll(spend, summaries, o, func(_ int, s Summary) (float64, float64, error) {
		d, err := m.DERT(s, delta)
		return d, d, err
	})
}
