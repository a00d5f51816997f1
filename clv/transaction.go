package clv

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/internal/clip"
)

// Transaction is one purchase: who bought, when, and for how much. It is the
// event every package of the SDK consumes.
//
// Amount is money in the log's currency. A zero amount is a valid purchase
// occasion (a free item still counts as a visit); negative amounts (refunds)
// are rejected by the summariser: net them against their purchase, or drop
// them, before summarising.
type Transaction struct {
	Customer string
	Time     time.Time
	Amount   decimal.Decimal
}

// Purchase is a Transaction with what was bought, for the packages that
// reason about products (ladder triggers, pesca sequences). It wraps the one
// transaction type rather than forking it.
type Purchase struct {
	Transaction
	// Product and Category name what was bought; either may be empty.
	Product, Category string
	// Channel is where it was bought (store, web, app, phone…); may be empty.
	Channel string
}

// Validate reports whether t can be summarised.
func (t Transaction) Validate() error {
	switch {
	case t.Customer == "":
		return fmt.Errorf("%w: empty customer ID", ErrInvalidTransaction)
	case t.Time.IsZero():
		return fmt.Errorf("%w: customer %s: zero time", ErrInvalidTransaction, clip.Quote(t.Customer))
	case t.Amount.Sign() < 0:
		return fmt.Errorf("%w: customer %s at %s: negative amount %s (refunds are not purchases)",
			ErrInvalidTransaction, clip.Quote(t.Customer), t.Time.Format(time.RFC3339), clip.Decimal(t.Amount))
	}
	return nil
}

// civilDay returns the number of days from 1970-01-01 to the calendar date
// of t in loc: the SDK's one rule, CalendarDay.
func civilDay(t time.Time, loc *time.Location) int64 { return CalendarDay(t, loc) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// daysFromCivil returns the day number of a proleptic Gregorian date
// (Howard Hinnant's algorithm).
func daysFromCivil(y int64, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := int64((153*mp+2)/5 + d - 1)
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y int64, m, d int) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// periodStart returns the day number of the first day of the period that
// contains day.
func (p Period) periodStart(day int64) int64 {
	switch p {
	case PeriodWeek:
		// 1970-01-01 was a Thursday; Monday-based weeks start 3 days earlier.
		return floorDiv(day+3, 7)*7 - 3
	case PeriodMonth:
		y, m, _ := civilFromDays(day)
		return daysFromCivil(y, m, 1)
	default:
		return day
	}
}
