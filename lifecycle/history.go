package lifecycle

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
)

// Sentinel errors of the package; errors wrap them for errors.Is.
var (
	// ErrInvalidInput reports bad data: an empty or repeated ID, an
	// inconsistent history, a negative amount, a probability outside [0, 1].
	ErrInvalidInput = errors.New("lifecycle: invalid input")
	// ErrInvalidConfig reports rules, maps, catalogues or policies that are
	// inconsistent.
	ErrInvalidConfig = errors.New("lifecycle: invalid configuration")
)

// History is what the package knows of one customer as of a date: when they
// first and last bought, the purchase day before the last one, how many
// purchase days and how much spend. A customer with a zero First has never
// bought (a prospect).
//
// Every date in a History is read as a calendar day in Location by the
// SDK's one rule (clv.CalendarDay): the hour and the time's own zone never
// matter. Histories fills them with the start of each day in its location
// (clv.DayStart).
type History struct {
	ID string
	// AsOf is the date the history describes; later purchases are not in it.
	AsOf time.Time
	// First and Last are the first and last purchase days; BeforeLast is the
	// purchase day before Last, zero with fewer than two purchase days.
	First, Last, BeforeLast time.Time
	// Purchases counts distinct purchase days.
	Purchases int
	// Spend is the total spend up to AsOf, in the log's currency; never
	// negative.
	Spend decimal.Decimal
	// Summary is the customer's clv summary as of AsOf in days, for models.
	Summary clv.Summary
	// Location is where the dates above are read as calendar days; nil
	// means UTC. Histories sets it to the location it was given.
	Location *time.Location
}

// Validate reports whether h is consistent: a non-empty ID, a non-zero
// AsOf, First ≤ Last ≤ AsOf and First ≤ BeforeLast < Last as calendar days
// in h.Location, at least one purchase day for a buyer (two with a
// BeforeLast), none and no spend for a prospect, and a non-negative Spend.
func (h History) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: customer %s: %s", ErrInvalidInput, clip.Quote(h.ID), fmt.Sprintf(format, args...))
	}
	day := func(t time.Time) int64 { return clv.CalendarDay(t, h.Location) }
	switch {
	case h.ID == "":
		return fmt.Errorf("%w: history with an empty customer ID", ErrInvalidInput)
	case h.AsOf.IsZero():
		return bad("zero AsOf")
	case h.Purchases < 0:
		return bad("Purchases %d is negative", h.Purchases)
	case h.Spend.Sign() < 0:
		return bad("negative Spend %s", clip.Decimal(h.Spend))
	case h.First.IsZero():
		if h.Purchases != 0 || !h.Last.IsZero() || !h.BeforeLast.IsZero() || h.Spend.Sign() != 0 {
			return bad("a prospect (zero First) with Purchases, Last, BeforeLast or Spend")
		}
		return nil
	case h.Last.IsZero():
		return bad("a First without a Last")
	case day(h.Last) < day(h.First) || day(h.AsOf) < day(h.Last):
		return bad("purchase days out of order: want First ≤ Last ≤ AsOf")
	case !h.BeforeLast.IsZero() && (day(h.BeforeLast) < day(h.First) || day(h.BeforeLast) >= day(h.Last)):
		return bad("BeforeLast is outside [First, Last)")
	case h.Purchases < 1:
		return bad("a buyer with Purchases %d", h.Purchases)
	case !h.BeforeLast.IsZero() && h.Purchases < 2:
		return bad("a BeforeLast with Purchases %d (want at least 2)", h.Purchases)
	}
	return nil
}

// DaysSinceLast returns the whole calendar days from the last purchase to
// AsOf, read in h.Location (clv.DaysBetween), or −1 for a prospect.
func (h History) DaysSinceLast() int {
	if h.First.IsZero() {
		return -1
	}
	return int(clv.DaysBetween(h.Last, h.AsOf, h.Location))
}

// TenureDays returns the whole calendar days from the first purchase to
// AsOf, read in h.Location (clv.DaysBetween), or −1 for a prospect.
func (h History) TenureDays() int {
	if h.First.IsZero() {
		return -1
	}
	return int(clv.DaysBetween(h.First, h.AsOf, h.Location))
}

// Histories builds one history per customer from transactions in any
// order, as of the calendar day of asOf in loc (nil means UTC; days follow
// clv.CalendarDay): transactions on later days are ignored. Prospects are
// customers listed in prospects with no purchase by asOf; a prospect listed
// twice gets one history. The result is sorted by ID, each history carrying
// loc as its Location and its dates as the start of each day in loc.
func Histories(txs iter.Seq[clv.Transaction], prospects []string, asOf time.Time, loc *time.Location) ([]History, error) {
	if txs == nil {
		return nil, fmt.Errorf("%w: nil transaction sequence (pass an empty one for prospects only)", ErrInvalidInput)
	}
	if loc == nil {
		loc = time.UTC
	}
	if asOf.IsZero() {
		return nil, fmt.Errorf("%w: zero as-of date", ErrInvalidConfig)
	}
	end := clv.CalendarDay(asOf, loc)
	type state struct {
		days  []int64 // distinct purchase days, sorted
		spend decimal.Decimal
	}
	byID := map[string]*state{}
	i := 0
	for t := range txs {
		if err := checkTransaction(t); err != nil {
			return nil, fmt.Errorf("transaction %d: %w", i, err)
		}
		i++
		d := clv.CalendarDay(t.Time, loc)
		if d > end {
			continue
		}
		s := byID[t.Customer]
		if s == nil {
			s = &state{}
			byID[t.Customer] = s
		}
		if k, found := slices.BinarySearch(s.days, d); !found {
			s.days = slices.Insert(s.days, k, d)
		}
		s.spend = s.spend.Add(t.Amount)
	}
	asOfDate := clv.DayStart(end, loc)
	out := make([]History, 0, len(byID)+len(prospects))
	for id, s := range byID {
		n := len(s.days)
		first, last := s.days[0], s.days[n-1]
		h := History{ID: id, AsOf: asOfDate, First: clv.DayStart(first, loc), Last: clv.DayStart(last, loc),
			Purchases: n, Spend: s.spend, Location: loc}
		if n > 1 {
			h.BeforeLast = clv.DayStart(s.days[n-2], loc)
		}
		h.Summary = clv.Summary{ID: id, Frequency: n - 1, Recency: float64(last - first), T: float64(end - first), Unit: clv.UnitDay}
		out = append(out, h)
	}
	for i, id := range prospects {
		if id == "" {
			return nil, fmt.Errorf("%w: prospect %d: empty ID", ErrInvalidInput, i)
		}
		if _, ok := byID[id]; !ok {
			out = append(out, History{ID: id, AsOf: asOfDate, Location: loc})
			byID[id] = nil
		}
	}
	slices.SortFunc(out, func(a, b History) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}
