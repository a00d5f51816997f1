package clv

import (
	"fmt"
	"math"
)

// Limits on the work one call may ask for. Each is far beyond any sensible
// use and exists so that a typo (a horizon of 1e18, a million steps) is an
// error in microseconds rather than minutes of computing.
const (
	// MaxHorizon is the longest horizon, in the model's time unit, that
	// Predict, the holdout evaluation and the tracking plot accept: 10⁶
	// (19,000 years of weeks, 2,700 years of days). The documented accuracy
	// covers horizons up to 10⁵.
	MaxHorizon = 1e6
	// MaxValueSteps is the most steps LifetimeValue values: 10,000 (833 years
	// of monthly steps). Use LifetimeValueDERT for an unbounded horizon.
	MaxValueSteps = 10_000
	// MaxTrackingPoints is the most points Summarizer.Tracking returns.
	MaxTrackingPoints = 100_000
	// MaxOpportunities is the most future opportunities (BG/BB) or periods
	// any discrete-time method accepts: 10⁶.
	MaxOpportunities = 1_000_000
	// MaxNumberLength is the longest numeric field, in bytes, that a reader
	// parses: 64. Decimal parsing is quadratic in the number of digits, so
	// a 10-million-digit amount would take minutes; no real amount, count or
	// time has more than a few dozen characters.
	MaxNumberLength = 64
)

// checkHorizon reports a horizon that is negative, not finite or beyond
// MaxHorizon.
func checkHorizon(what string, t float64) error {
	if !(t >= 0) || math.IsInf(t, 0) || t > MaxHorizon {
		return fmt.Errorf("%w: %s %v, want a finite number in [0, %g]", ErrInvalidOptions, what, t, MaxHorizon)
	}
	return nil
}
