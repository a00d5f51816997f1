package clv

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/clvkit/clvkit/internal/guard"

	"github.com/clvkit/clvkit/internal/clip"
)

// HoldoutOptions configures EvaluateHoldout; the zero value means the
// defaults.
type HoldoutOptions struct {
	// MaxFrequency caps the calibration-frequency classes of the
	// conditional-expectation table: customers with more repeat purchases
	// share the last class ("7+" by default, as in FHL 2005 figure 4).
	MaxFrequency int
}

// HoldoutRow is one customer's predicted and actual holdout purchases.
type HoldoutRow struct {
	ID        string
	Predicted float64
	Actual    float64
}

// FrequencyClass is a row of the conditional-expectation table: customers
// with a given calibration frequency (the last class gathers all above the
// cap), their mean actual and mean predicted holdout purchases.
type FrequencyClass struct {
	Frequency     int
	AndAbove      bool
	Customers     int
	MeanActual    float64
	MeanPredicted float64
}

// HoldoutMetrics summarise how far predictions are from outcomes.
type HoldoutMetrics struct {
	// MAE, RMSE and Bias (mean predicted − actual) are per customer;
	// Correlation is Pearson's between predicted and actual (0 when either
	// does not vary).
	MAE, RMSE, Bias, Correlation float64
	// TotalPredicted and TotalActual are the sums over customers.
	TotalPredicted, TotalActual float64
}

// Metrics computes HoldoutMetrics over rows; all zero for no rows.
func Metrics(rows []HoldoutRow) HoldoutMetrics {
	var m HoldoutMetrics
	if len(rows) == 0 {
		return m
	}
	var sumP, sumA, sumPP, sumAA, sumPA, sumAbs, sumSq float64
	for _, r := range rows {
		p, a := r.Predicted, r.Actual
		sumP += p
		sumA += a
		sumPP += p * p
		sumAA += a * a
		sumPA += p * a
		sumAbs += math.Abs(p - a)
		sumSq += (p - a) * (p - a)
	}
	n := float64(len(rows))
	m.MAE, m.RMSE, m.Bias = sumAbs/n, math.Sqrt(sumSq/n), (sumP-sumA)/n
	m.TotalPredicted, m.TotalActual = sumP, sumA
	mp, ma := sumP/n, sumA/n
	cov := sumPA/n - mp*ma
	vp, va := sumPP/n-mp*mp, sumAA/n-ma*ma
	if vp > 0 && va > 0 {
		m.Correlation = math.Max(-1, math.Min(1, cov/math.Sqrt(vp*va)))
	}
	return m
}

// HoldoutReport compares a model's predictions with what customers did in a
// holdout period.
type HoldoutReport struct {
	Rows []HoldoutRow
	HoldoutMetrics
	ByFrequency []FrequencyClass
}

// EvaluateHoldout predicts each customer's holdout purchases from their
// calibration summary over their holdout duration and compares them with
// the actual holdout frequency.
func EvaluateHoldout(m TransactionModel, split []SplitSummary, opts HoldoutOptions) (HoldoutReport, error) {
	var rep HoldoutReport
	if guard.IsNil(m) {
		return rep, fmt.Errorf("%w: EvaluateHoldout: nil model", ErrInvalidParams)
	}
	if err := m.Validate(); err != nil {
		return rep, err
	}
	if len(split) == 0 {
		return rep, fmt.Errorf("%w: no customers to evaluate", ErrNoData)
	}
	maxF := opts.MaxFrequency
	if maxF <= 0 {
		maxF = 7
	}
	classes := make([]FrequencyClass, maxF+1)
	for f := range classes {
		classes[f].Frequency = f
	}
	classes[maxF].AndAbove = true
	for i, sp := range split {
		if err := sp.Calibration.Validate(); err != nil {
			return rep, fmt.Errorf("customer %d: %w", i, err)
		}
		if err := checkUnit(m, sp.Calibration); err != nil {
			return rep, fmt.Errorf("customer %d: %w", i, err)
		}
		if sp.FrequencyHoldout < 0 || checkHorizon("holdout duration", sp.DurationHoldout) != nil {
			return rep, fmt.Errorf("%w: customer %d (%q): holdout frequency %d, duration %v (want at most %g)", ErrInvalidSummary, i, clip.Value(sp.Calibration.ID), sp.FrequencyHoldout, sp.DurationHoldout, MaxHorizon)
		}
		p := m.ExpectedPurchases(sp.Calibration, sp.DurationHoldout)
		if !finiteIn(p, 0, math.MaxFloat64) {
			return rep, fmt.Errorf("customer %d: %w", i, inaccurate(m, sp.Calibration, fmt.Sprintf("expected purchases in the next %v", sp.DurationHoldout)))
		}
		a := float64(sp.FrequencyHoldout)
		rep.Rows = append(rep.Rows, HoldoutRow{ID: sp.Calibration.ID, Predicted: p, Actual: a})
		c := &classes[min(sp.Calibration.Frequency, maxF)]
		c.Customers++
		c.MeanActual += a
		c.MeanPredicted += p
	}
	rep.HoldoutMetrics = Metrics(rep.Rows)
	for i := range classes {
		if c := &classes[i]; c.Customers > 0 {
			c.MeanActual /= float64(c.Customers)
			c.MeanPredicted /= float64(c.Customers)
		}
	}
	rep.ByFrequency = slices.DeleteFunc(classes, func(c FrequencyClass) bool { return c.Customers == 0 })
	return rep, nil
}

// TrackingPoint is one point of the tracking plot: cumulative repeat
// purchases from the start of the log to Time (in the unit, counted from the
// first purchase in the log), actual and as the model expects.
type TrackingPoint struct {
	Time     float64
	Actual   float64
	Expected float64
}

// Tracking returns the cumulative repeat purchases of the summarised
// customers, actual and expected under m, at every step from the first
// purchase in the log to the observation end (Fader, Hardie & Lee 2005,
// figure 2). The expectation for a customer at time τ is m's new-customer
// expectation over the time since their first purchase; step is in the
// summariser's unit.
func (s *Summarizer) Tracking(m TransactionModel, step float64) ([]TrackingPoint, error) {
	if guard.IsNil(m) {
		return nil, fmt.Errorf("%w: Tracking: nil model", ErrInvalidParams)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if !(step > 0) || math.IsInf(step, 0) {
		return nil, fmt.Errorf("%w: tracking step %v, want a finite positive number", ErrInvalidOptions, step)
	}
	if s != nil && s.opts.Unit != m.TimeUnit() {
		return nil, fmt.Errorf("%w: summarizer in %ss, %s model in %ss (convert the model with InUnit)", ErrInvalidOptions, s.opts.Unit, m.Name(), m.TimeUnit())
	}
	if s == nil || len(s.customers) == 0 {
		return nil, fmt.Errorf("%w: no customers", ErrNoData)
	}
	// Customers are grouped by first purchase day, and all repeat purchase
	// periods pooled and sorted, so the cost grows with distinct first days
	// per step, not customers.
	days := s.opts.Unit.Days()
	firsts := map[int32]float64{}
	var repeats []int32
	for i := range s.customers {
		c := &s.customers[i]
		firsts[c.periods[0]]++
		repeats = append(repeats, c.periods[1:]...)
	}
	slices.Sort(repeats)
	firstDays := slices.Sorted(maps.Keys(firsts))
	start := int64(firstDays[0])
	span := float64(s.endDay-start) / days
	if span/step > MaxTrackingPoints {
		return nil, fmt.Errorf("%w: tracking step %v over %v units gives more than %d points", ErrInvalidOptions, step, span, MaxTrackingPoints)
	}
	var out []TrackingPoint
	for k := 1; ; k++ {
		tau := math.Min(float64(k)*step, span)
		limit := float64(start) + tau*days // day number
		n, _ := slices.BinarySearch(repeats, int32(math.Floor(limit))+1)
		pt := TrackingPoint{Time: tau, Actual: float64(n)}
		for _, d := range firstDays {
			if float64(d) > limit {
				break
			}
			e := m.ExpectedPurchasesNew((limit - float64(d)) / days)
			if !finiteIn(e, 0, math.MaxFloat64) {
				return nil, fmt.Errorf("%w: %s %s: expected purchases of a new customer over %v units", ErrInaccurate, m.Name(), paramText(m), (limit-float64(d))/days)
			}
			pt.Expected += firsts[d] * e
		}
		out = append(out, pt)
		if tau >= span {
			return out, nil
		}
	}
}
