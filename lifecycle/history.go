package lifecycle

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/shopspring/decimal"
)

// Sentinel errors of the package; errors wrap them for errors.Is.
var (
	// ErrInvalidInput reports bad data: an empty ID, an inconsistent
	// history, a negative amount.
	ErrInvalidInput = errors.New("lifecycle: invalid input")
	// ErrInvalidConfig reports rules, maps, catalogues or policies that are
	// inconsistent.
	ErrInvalidConfig = errors.New("lifecycle: invalid configuration")
)

// History is what the package knows of one customer as of a date: when they
// first and last bought, the purchase day before the last one, how many
// purchase days and how much spend. A customer with a zero First has never
// bought (a prospect).
type History struct {
	ID string
	// AsOf is the date the history describes; later purchases are not in it.
	AsOf time.Time
	// First and Last are the first and last purchase days; BeforeLast is the
	// purchase day before Last, zero with fewer than two purchase days.
	First, Last, BeforeLast time.Time
	// Purchases counts distinct purchase days.
	Purchases int
	// Spend is the total spend up to AsOf.
	Spend decimal.Decimal
	// Summary is the customer's clv summary as of AsOf in days, for models.
	Summary clv.Summary
}

// Validate reports whether h is consistent.
func (h History) Validate() error {
	bad := func(msg string) error { return fmt.Errorf("%w: customer %q: %s", ErrInvalidInput, h.ID, msg) }
	switch {
	case h.ID == "":
		return fmt.Errorf("%w: empty customer ID", ErrInvalidInput)
	case h.AsOf.IsZero():
		return bad("zero as-of date")
	case h.First.IsZero():
		if h.Purchases != 0 || !h.Last.IsZero() {
			return bad("purchases without a first purchase day")
		}
		return nil
	case h.Last.Before(h.First) || h.AsOf.Before(h.Last):
		return bad("purchase days out of order (first ≤ last ≤ as-of)")
	case !h.BeforeLast.IsZero() && (h.BeforeLast.Before(h.First) || !h.BeforeLast.Before(h.Last)):
		return bad("the purchase before the last is outside [first, last)")
	case h.Purchases < 1:
		return bad("a buyer with no purchase days")
	case h.Spend.Sign() < 0:
		return bad("negative spend")
	}
	return nil
}

// DaysSinceLast returns the whole calendar days from the last purchase to
// AsOf, or −1 for a prospect.
func (h History) DaysSinceLast() int {
	if h.First.IsZero() {
		return -1
	}
	return days(h.Last, h.AsOf)
}

// TenureDays returns the whole calendar days from the first purchase to
// AsOf, or −1 for a prospect.
func (h History) TenureDays() int {
	if h.First.IsZero() {
		return -1
	}
	return days(h.First, h.AsOf)
}

// days counts calendar days from a to b; both are dates at midnight UTC.
func days(a, b time.Time) int { return int((b.Unix() - a.Unix() + 43200) / 86400) }

// dateOf returns the calendar date of t in loc as midnight UTC, so that day
// counts never depend on daylight saving.
func dateOf(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Histories builds one history per customer from transactions in any
// order, as of the calendar day asOf in loc (nil means UTC): transactions
// after it are ignored. Prospects are customers listed in prospects with no
// purchase by asOf. The result is sorted by ID.
func Histories(txs iter.Seq[clv.Transaction], prospects []string, asOf time.Time, loc *time.Location) ([]History, error) {
	if loc == nil {
		loc = time.UTC
	}
	if asOf.IsZero() {
		return nil, fmt.Errorf("%w: zero as-of date", ErrInvalidConfig)
	}
	end := dateOf(asOf, loc)
	type state struct {
		days  []time.Time
		spend decimal.Decimal
	}
	byID := map[string]*state{}
	i := 0
	for t := range txs {
		if err := t.Validate(); err != nil {
			return nil, fmt.Errorf("%w: transaction %d: %w", ErrInvalidInput, i, err)
		}
		i++
		d := dateOf(t.Time, loc)
		if d.After(end) {
			continue
		}
		s := byID[t.Customer]
		if s == nil {
			s = &state{}
			byID[t.Customer] = s
		}
		if k, found := slices.BinarySearchFunc(s.days, d, time.Time.Compare); !found {
			s.days = slices.Insert(s.days, k, d)
		}
		s.spend = s.spend.Add(t.Amount)
	}
	out := make([]History, 0, len(byID)+len(prospects))
	for id, s := range byID {
		h := History{ID: id, AsOf: end, First: s.days[0], Last: s.days[len(s.days)-1], Purchases: len(s.days), Spend: s.spend}
		if n := len(s.days); n > 1 {
			h.BeforeLast = s.days[n-2]
		}
		h.Summary = clv.Summary{ID: id, Frequency: h.Purchases - 1, Recency: float64(days(h.First, h.Last)),
			T: float64(days(h.First, end)), Unit: clv.UnitDay}
		out = append(out, h)
	}
	for _, id := range prospects {
		if id == "" {
			return nil, fmt.Errorf("%w: empty prospect ID", ErrInvalidInput)
		}
		if _, ok := byID[id]; !ok {
			out = append(out, History{ID: id, AsOf: end})
			byID[id] = nil
		}
	}
	slices.SortFunc(out, func(a, b History) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}
