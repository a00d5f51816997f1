// Package hostile generates the inputs a careless or malicious caller can
// pass to an exported function — NaN, ±Inf, signed zeros, huge and tiny
// numbers, money with 400-digit exponents, zero times, far-off instants in
// awkward time zones — mixed with ordinary values so that calls also get
// past validation. The packages' hostile-input property tests (rapid, also
// run as fuzz targets) share these generators.
package hostile

import (
	"math"
	"strings"
	"time"
	_ "time/tzdata" // the zones below must exist on every machine

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// LongID is an identifier longer than any error message may echo.
var LongID = strings.Repeat("x", 100)

// Float draws a float64 that is often NaN, ±Inf, ±0, ±1e308, the smallest
// subnormal or 1+ulp, and otherwise any value.
func Float(t *rapid.T, label string) float64 {
	return rapid.OneOf(
		rapid.SampledFrom([]float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), 1, -1, 0.5, 0.2, 0.1, 0.05, 1e308, -1e308, 5e-324, 1 + 1e-16}),
		rapid.Float64Range(-2, 2), rapid.Float64()).Draw(t, label)
}

// Decimal draws money: zero, −1, ±10⁴⁰⁰, a cent, 10⁻³⁰, any int64
// coefficient with an exponent in [−30, 30], or whole cents up to 10,000.
func Decimal(t *rapid.T, label string) decimal.Decimal {
	return rapid.OneOf(
		rapid.SampledFrom([]decimal.Decimal{decimal.Zero, decimal.NewFromInt(-1), decimal.New(1, 400), decimal.New(-1, 400), decimal.New(1, -2), decimal.New(1, -30)}),
		rapid.Custom(func(t *rapid.T) decimal.Decimal {
			return decimal.New(rapid.Int64().Draw(t, "coef"), rapid.Int32Range(-30, 30).Draw(t, "exp"))
		}),
		rapid.Custom(func(t *rapid.T) decimal.Decimal { return decimal.New(rapid.Int64Range(0, 1e6).Draw(t, "cents"), -2) })).Draw(t, label)
}

// Int draws an int in [lo, hi], or one of the extremes, −1, 0, 1 and the
// caller's extra values (limits just past a documented maximum).
func Int(t *rapid.T, label string, lo, hi int, extra ...int) int {
	special := append([]int{math.MinInt, math.MaxInt, -1, 0, 1}, extra...)
	return rapid.OneOf(rapid.IntRange(lo, hi), rapid.SampledFrom(special)).Draw(t, label)
}

// Zones are locations with awkward offsets and transitions: nil (UTC by
// the SDK's rule), UTC, ±14 and −12 hours, New York, Apia (which skipped
// 2011-12-30) and São Paulo (midnight daylight-saving changes).
var Zones = func() []*time.Location {
	out := []*time.Location{nil, time.UTC, time.FixedZone("+14", 14*3600), time.FixedZone("-12", -12*3600)}
	for _, z := range []string{"America/New_York", "Pacific/Apia", "America/Sao_Paulo"} {
		if loc, err := time.LoadLocation(z); err == nil {
			out = append(out, loc)
		}
	}
	return out
}()

// Loc draws one of Zones.
func Loc(t *rapid.T) *time.Location { return rapid.SampledFrom(Zones).Draw(t, "loc") }

// Time draws the zero time, an instant up to daysBefore days before base
// (or 30 days after it) shown in one of Zones, or any second of ±30,000
// years.
func Time(t *rapid.T, label string, base time.Time, daysBefore int64) time.Time {
	return rapid.OneOf(
		rapid.Just(time.Time{}),
		rapid.Custom(func(t *rapid.T) time.Time {
			loc := Loc(t)
			if loc == nil {
				loc = time.UTC
			}
			return base.Add(time.Duration(rapid.Int64Range(-daysBefore*24, 30*24).Draw(t, "hours")) * time.Hour).In(loc)
		}),
		rapid.Custom(func(t *rapid.T) time.Time { return time.Unix(rapid.Int64Range(-1e12, 1e12).Draw(t, "unix"), 0) })).Draw(t, label)
}
