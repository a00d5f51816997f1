package clv

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/internal/clip"
)

// Summary is a customer's sufficient statistic for the purchase models, in
// the conventions of Python lifetimes so that figures can be compared:
//
//   - Frequency is the number of repeat purchase periods: distinct periods
//     with a purchase, minus one (the first purchase is not a repeat).
//   - Recency is the time from the first to the last purchase period.
//   - T is the customer's age: the time from the first purchase period to the
//     end of observation.
//   - MonetaryValue is the mean spend per repeat purchase period (the first
//     period excluded), zero when Frequency is zero.
//
// Recency and T are in Unit.
type Summary struct {
	ID            string
	Frequency     int
	Recency       float64
	T             float64
	MonetaryValue decimal.Decimal
	Unit          Unit
}

// Validate reports whether s is internally consistent: finite, non-negative
// numbers, Recency ≤ T, Recency = 0 when Frequency = 0, a non-negative
// monetary value that is zero when Frequency is zero, and a known unit.
func (s Summary) Validate() error {
	return validateFRT(s.ID, float64(s.Frequency), s.Recency, s.T, s.MonetaryValue, s.Unit)
}

func validateFRT(id string, x, tx, t float64, m decimal.Decimal, u Unit) error {
	bad := func(format string, args ...any) error {
		if id == "" {
			return fmt.Errorf("%w: %s", ErrInvalidSummary, fmt.Sprintf(format, args...))
		}
		return fmt.Errorf("%w: customer %s: %s", ErrInvalidSummary, clip.Quote(id), fmt.Sprintf(format, args...))
	}
	switch {
	case !u.IsValid():
		return bad("unknown unit %v", u)
	case math.IsNaN(x) || math.IsInf(x, 0) || x < 0 || x != math.Trunc(x):
		return bad("frequency %v is not a non-negative integer", x)
	case math.IsNaN(tx) || math.IsInf(tx, 0) || tx < 0:
		return bad("recency %v is not a finite non-negative number", tx)
	case math.IsNaN(t) || math.IsInf(t, 0) || t < 0:
		return bad("T %v is not a finite non-negative number", t)
	case tx > t:
		return bad("recency %v > T %v", tx, t)
	case x == 0 && tx != 0:
		return bad("recency %v with frequency 0 (a customer without repeat purchases has recency 0)", tx)
	case m.Sign() < 0:
		return bad("negative monetary value %s", clip.Decimal(m))
	case x == 0 && m.Sign() != 0:
		return bad("monetary value %s with frequency 0 (it is the mean of repeat purchases)", clip.Decimal(m))
	}
	return nil
}

// SplitSummary is a customer's calibration summary together with what they
// did in the holdout period that follows it, for checking a model's
// predictions against what happened.
type SplitSummary struct {
	// Calibration summarises purchases up to and including the calibration
	// end; its T runs to the calibration end.
	Calibration Summary
	// FrequencyHoldout is the number of purchase periods after the
	// calibration end, up to and including the observation end.
	FrequencyHoldout int
	// MonetaryValueHoldout is the mean spend per holdout purchase period,
	// zero when FrequencyHoldout is zero.
	MonetaryValueHoldout decimal.Decimal
	// DurationHoldout is the length of the holdout period in the unit.
	DurationHoldout float64
}

// Pattern is a set of customers with identical (Frequency, Recency, T),
// counted by Weight. Likelihood-based fitting runs on patterns, whose number
// grows far more slowly than the number of customers.
type Pattern struct {
	Frequency int
	Recency   float64
	T         float64
	Weight    float64
}

func comparePatterns(a, b Pattern) int {
	if c := cmp.Compare(a.Frequency, b.Frequency); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Recency, b.Recency); c != 0 {
		return c
	}
	return cmp.Compare(a.T, b.T)
}

// Compress groups summaries with identical (Frequency, Recency, T) into
// patterns weighted by their count, sorted by frequency, then recency, then
// T. IDs and monetary values are dropped.
func Compress(summaries []Summary) []Pattern {
	ps := make([]Pattern, len(summaries))
	for i, s := range summaries {
		ps[i] = Pattern{Frequency: s.Frequency, Recency: s.Recency, T: s.T, Weight: 1}
	}
	return CompressPatterns(ps)
}

// CompressPatterns merges patterns with identical (Frequency, Recency, T),
// adding their weights, and returns them sorted as Compress does. Patterns
// with zero weight are dropped. The input is not modified. Grouping is by
// hashing, so the cost grows with the number of patterns and the sort only
// touches the distinct ones.
func CompressPatterns(patterns []Pattern) []Pattern {
	var c PatternCounter
	for _, p := range patterns {
		c.add(p)
	}
	out := c.patterns()
	slices.SortFunc(out, comparePatterns)
	return out
}

// Expand is the inverse of Compress: one summary per unit of weight, in
// pattern order, with empty IDs and the given unit. It fails when a weight
// is not a non-negative integer.
func Expand(patterns []Pattern, unit Unit) ([]Summary, error) {
	n := 0
	for i, p := range patterns {
		if p.Weight < 0 || p.Weight != math.Trunc(p.Weight) || p.Weight > math.MaxInt32 {
			return nil, fmt.Errorf("%w: pattern %d: weight %v is not a whole count", ErrInvalidSummary, i, p.Weight)
		}
		n += int(p.Weight)
	}
	out := make([]Summary, 0, n)
	for _, p := range patterns {
		for range int(p.Weight) {
			out = append(out, Summary{Frequency: p.Frequency, Recency: p.Recency, T: p.T, Unit: unit})
		}
	}
	return out, nil
}

// Validate reports whether p can be used for fitting: a valid
// (Frequency, Recency, T) and a finite, non-negative weight.
func (p Pattern) Validate() error {
	if math.IsNaN(p.Weight) || math.IsInf(p.Weight, 0) || p.Weight < 0 {
		return fmt.Errorf("%w: weight %v is not a finite non-negative number", ErrInvalidSummary, p.Weight)
	}
	return validateFRT("", float64(p.Frequency), p.Recency, p.T, decimal.Zero, UnitDay)
}
