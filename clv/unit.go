package clv

import (
	"fmt"
	"strings"
)

// Unit is the time unit in which recency, age (T) and model horizons are
// measured. Elapsed time is always counted in whole calendar days first (so
// daylight-saving changes never produce fractional days) and then divided by
// the unit's length in days.
//
// The zero value is UnitDay.
type Unit uint8

// Time units.
const (
	// UnitDay is one calendar day.
	UnitDay Unit = iota
	// UnitWeek is 7 days, measured continuously: 3 days are 3/7 = 0.4286 weeks.
	UnitWeek
	// UnitMonth is the mean Gregorian month, 365.25/12 = 30.4375 days. It is
	// not a calendar month: 1 February to 1 March is 28/30.4375 months.
	// Python lifetimes' CLV helper instead uses 4.345 weeks (30.415 days);
	// the difference is 0.07 %, and is why this package states its unit.
	UnitMonth
)

// DaysPerMonth is the length of UnitMonth in days: the mean Gregorian month.
const DaysPerMonth = 365.25 / 12

// Days returns the unit's length in days.
func (u Unit) Days() float64 {
	switch u {
	case UnitWeek:
		return 7
	case UnitMonth:
		return DaysPerMonth
	default:
		return 1
	}
}

// IsValid reports whether u is one of the defined units.
func (u Unit) IsValid() bool { return u <= UnitMonth }

// String returns "day", "week" or "month".
func (u Unit) String() string {
	switch u {
	case UnitDay:
		return "day"
	case UnitWeek:
		return "week"
	case UnitMonth:
		return "month"
	default:
		return fmt.Sprintf("Unit(%d)", uint8(u))
	}
}

// ParseUnit parses "day", "week" or "month" (case-insensitive).
func ParseUnit(s string) (Unit, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "day", "days", "d":
		return UnitDay, nil
	case "week", "weeks", "w":
		return UnitWeek, nil
	case "month", "months", "m":
		return UnitMonth, nil
	}
	return 0, fmt.Errorf("%w: unknown time unit %q (want day, week or month)", ErrInvalidOptions, s)
}

// Period is the aggregation period of a transaction log: all purchases of a
// customer within one period count as one purchase occasion and their amounts
// add up. Periods are calendar periods in the summariser's location.
//
// The zero value is PeriodDay.
type Period uint8

// Aggregation periods.
const (
	// PeriodDay is a calendar day.
	PeriodDay Period = iota
	// PeriodWeek is a calendar week starting on Monday (ISO 8601).
	PeriodWeek
	// PeriodMonth is a calendar month.
	PeriodMonth
)

// IsValid reports whether p is one of the defined periods.
func (p Period) IsValid() bool { return p <= PeriodMonth }

// String returns "day", "week" or "month".
func (p Period) String() string {
	switch p {
	case PeriodDay:
		return "day"
	case PeriodWeek:
		return "week"
	case PeriodMonth:
		return "month"
	default:
		return fmt.Sprintf("Period(%d)", uint8(p))
	}
}

// ParsePeriod parses "day", "week" or "month" (case-insensitive).
func ParsePeriod(s string) (Period, error) {
	u, err := ParseUnit(s)
	if err != nil {
		return 0, fmt.Errorf("%w: unknown aggregation period %q (want day, week or month)", ErrInvalidOptions, s)
	}
	return Period(u), nil
}
