package ladder

import (
	"fmt"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
)

// Rung is a step of the ladder with its qualification rules: a customer
// qualifies when every minimum is met. The bottom rung should have no
// minimums, so that every customer has a rung.
type Rung struct {
	Name string
	// MinSpend is the spend within the ladder's window (money, ≥ 0).
	MinSpend decimal.Decimal
	// MinPurchases counts purchase days within the window (≥ 0).
	MinPurchases int
	// MinValue is the predicted lifetime value (money, from clv, ≥ 0).
	MinValue decimal.Decimal
	// MinProducts counts distinct products held (product usage, ≥ 0).
	MinProducts int
}

// Ladder is an ordered set of rungs, lowest first. Build one with
// NewLadder: the zero value and a nil *Ladder have no rungs, and Place
// reports an error for them. A Ladder is immutable and safe for concurrent
// use.
type Ladder struct {
	rungs  []Rung
	window int
	grace  int
}

// LadderOptions configures a Ladder's placement rules.
type LadderOptions struct {
	// WindowDays is the qualification window in calendar days: spend and
	// purchase days are counted over the last WindowDays days, the as-of
	// day included. It is ≥ 0; zero means 365.
	WindowDays int
	// GraceDays is the demotion grace in calendar days: a customer who no
	// longer qualifies for their rung keeps it this many days before moving
	// down. It is ≥ 0; zero means no grace (demotion at once).
	GraceDays int
}

// NewLadder validates rungs (lowest first, every minimum non-decreasing up
// the ladder, the bottom rung open to all, no two rungs with the same name
// or the same rules) and the options, and returns the ladder.
func NewLadder(rungs []Rung, opts LadderOptions) (*Ladder, error) {
	if len(rungs) == 0 {
		return nil, fmt.Errorf("%w: a ladder needs rungs", ErrInvalidConfig)
	}
	windowDays, graceDays := opts.WindowDays, opts.GraceDays
	if windowDays == 0 {
		windowDays = 365
	}
	if windowDays < 0 {
		return nil, fmt.Errorf("%w: WindowDays %d is negative", ErrInvalidConfig, windowDays)
	}
	if graceDays < 0 {
		return nil, fmt.Errorf("%w: GraceDays %d is negative", ErrInvalidConfig, graceDays)
	}
	b := rungs[0]
	if b.MinSpend.Sign() != 0 || b.MinPurchases != 0 || b.MinValue.Sign() != 0 || b.MinProducts != 0 {
		return nil, fmt.Errorf("%w: the bottom rung %s must have no minimums", ErrInvalidConfig, clip.Quote(b.Name))
	}
	names := map[string]bool{b.Name: true}
	for i := 1; i < len(rungs); i++ {
		a, c := rungs[i-1], rungs[i]
		if names[c.Name] {
			return nil, fmt.Errorf("%w: rung %d: name %s is used twice", ErrInvalidConfig, i, clip.Quote(c.Name))
		}
		names[c.Name] = true
		if c.MinSpend.LessThan(a.MinSpend) || c.MinPurchases < a.MinPurchases || c.MinValue.LessThan(a.MinValue) || c.MinProducts < a.MinProducts {
			return nil, fmt.Errorf("%w: rung %s asks less than the rung %s below it", ErrInvalidConfig, clip.Quote(c.Name), clip.Quote(a.Name))
		}
		if c.MinSpend.Equal(a.MinSpend) && c.MinPurchases == a.MinPurchases && c.MinValue.Equal(a.MinValue) && c.MinProducts == a.MinProducts {
			return nil, fmt.Errorf("%w: rungs %s and %s have the same rules", ErrInvalidConfig, clip.Quote(a.Name), clip.Quote(c.Name))
		}
	}
	return &Ladder{rungs: append([]Rung(nil), rungs...), window: windowDays, grace: graceDays}, nil
}

// Rungs returns a copy of the rungs, lowest first (none for a nil or zero
// Ladder).
func (l *Ladder) Rungs() []Rung {
	if l == nil {
		return nil
	}
	return append([]Rung(nil), l.rungs...)
}

// Activity is what placement reads of a customer: their purchases (any
// order; those on days after the as-of date are ignored; each must be the
// customer's own) and their predicted value (money, from clv; a negative
// value, net of costs, qualifies for no minimum above zero).
type Activity struct {
	Customer  string
	Purchases []clv.Purchase
	Value     decimal.Decimal
}

// Standing is where a customer stood after a placement; pass it to the
// next placement so the grace period can apply.
type Standing struct {
	Rung int
	// BelowSince is the calendar day the customer stopped qualifying for
	// Rung, as the start of that day in the placement's location; zero while
	// they qualify.
	BelowSince time.Time
}

// Placement is a customer's rung as of a date, with the reason.
type Placement struct {
	Customer string
	Rung     int
	// Qualified is the highest rung the rules alone give.
	Qualified int
	Standing  Standing
	Reason    clv.Explanation
}

// The rules of Ladder.Place.
const (
	// RuleQualified: the customer is on the highest rung whose minimums
	// they meet.
	RuleQualified clv.Rule = "ladder/qualified"
	// RuleGrace: the customer no longer qualifies for their rung but keeps
	// it through the grace period.
	RuleGrace clv.Rule = "ladder/grace"
	// RuleDemoted: the grace period is over; the customer moves down to the
	// rung they qualify for.
	RuleDemoted clv.Rule = "ladder/demoted"
)

// Place assigns a customer to a rung as of the calendar day of asOf in loc
// (nil means UTC; days follow the SDK's one rule, clv.CalendarDay, so the
// hour and the times' own zones never matter). Spend and purchase days
// count over the window: the as-of day and the WindowDays−1 days before it;
// products count over every purchase up to the as-of day. The rules give
// the highest rung whose minimums the customer meets; if that is below
// prev's rung, the customer keeps prev's rung until GraceDays calendar days
// have passed since they stopped qualifying (prev.BelowSince, read in loc).
// prev may be nil for a first placement; use the same loc for a customer's
// successive placements.
func (l *Ladder) Place(a Activity, prev *Standing, asOf time.Time, loc *time.Location) (Placement, error) {
	if l == nil || len(l.rungs) == 0 {
		return Placement{}, fmt.Errorf("%w: nil or zero Ladder (build one with NewLadder)", ErrInvalidConfig)
	}
	if a.Customer == "" {
		return Placement{}, fmt.Errorf("%w: activity with an empty customer ID", ErrInvalidInput)
	}
	if asOf.IsZero() {
		return Placement{}, fmt.Errorf("%w: customer %s: zero as-of time", ErrInvalidInput, clip.Quote(a.Customer))
	}
	end := clv.CalendarDay(asOf, loc)
	if prev != nil {
		if prev.Rung < 0 || prev.Rung >= len(l.rungs) {
			return Placement{}, fmt.Errorf("%w: customer %s: previous Rung %d outside 0..%d", ErrInvalidInput, clip.Quote(a.Customer), prev.Rung, len(l.rungs)-1)
		}
		if !prev.BelowSince.IsZero() && clv.CalendarDay(prev.BelowSince, loc) > end {
			return Placement{}, fmt.Errorf("%w: customer %s: previous BelowSince %s is after the as-of day", ErrInvalidInput,
				clip.Quote(a.Customer), prev.BelowSince.In(orUTC(loc)).Format(time.DateOnly))
		}
	}
	spend := decimal.Zero
	days := map[int64]bool{}
	products := map[string]bool{}
	for i, p := range a.Purchases {
		if err := checkPurchase(p); err != nil {
			return Placement{}, fmt.Errorf("customer %s, purchase %d: %w", clip.Quote(a.Customer), i, err)
		}
		if p.Customer != a.Customer {
			return Placement{}, fmt.Errorf("%w: customer %s, purchase %d: bought by customer %s", ErrInvalidInput, clip.Quote(a.Customer), i, clip.Quote(p.Customer))
		}
		d := clv.CalendarDay(p.Time, loc)
		if d > end {
			continue
		}
		if p.Product != "" {
			products[p.Product] = true
		}
		if end-d >= int64(l.window) {
			continue
		}
		spend = spend.Add(p.Amount)
		days[d] = true
	}
	q := 0
	for i := len(l.rungs) - 1; i > 0; i-- {
		r := l.rungs[i]
		if !spend.LessThan(r.MinSpend) && len(days) >= r.MinPurchases && !a.Value.LessThan(r.MinValue) && len(products) >= r.MinProducts {
			q = i
			break
		}
	}
	pl := Placement{Customer: a.Customer, Rung: q, Qualified: q, Standing: Standing{Rung: q}}
	facts := []clv.Fact{
		{Name: "spend in window", Value: spend.String()},
		{Name: "purchase days in window", Value: strconv.Itoa(len(days))},
		{Name: "predicted value", Value: a.Value.String()},
		{Name: "products", Value: strconv.Itoa(len(products))},
		{Name: "qualifies for", Value: l.rungs[q].Name},
	}
	rule := RuleQualified
	if prev != nil && q < prev.Rung {
		below := end
		if !prev.BelowSince.IsZero() {
			below = clv.CalendarDay(prev.BelowSince, loc)
		}
		held := end - below
		grace := clv.Fact{Name: "days below " + l.rungs[prev.Rung].Name, Value: strconv.FormatInt(held, 10),
			Op: clv.OpLess, Limit: strconv.Itoa(l.grace), Held: held < int64(l.grace)}
		facts = append(facts, grace)
		if grace.Held {
			pl.Rung, pl.Standing = prev.Rung, Standing{Rung: prev.Rung, BelowSince: clv.DayStart(below, loc)}
			rule = RuleGrace
		} else {
			rule = RuleDemoted
		}
	}
	pl.Reason = clv.Explanation{Rule: rule, Facts: facts}
	return pl, nil
}
