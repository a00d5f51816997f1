package ladder

import (
	"fmt"
	"strconv"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/shopspring/decimal"
)

// Rung is a step of the ladder with its qualification rules: a customer
// qualifies when every minimum is met. The bottom rung should have no
// minimums, so that every customer has a rung.
type Rung struct {
	Name string
	// MinSpend is the spend within the ladder's window.
	MinSpend decimal.Decimal
	// MinPurchases counts purchase days within the window.
	MinPurchases int
	// MinValue is the predicted lifetime value (from clv).
	MinValue decimal.Decimal
	// MinProducts counts distinct products held (product usage).
	MinProducts int
}

// Ladder is an ordered set of rungs, lowest first.
type Ladder struct {
	rungs  []Rung
	window int
	grace  int
}

// NewLadder validates rungs (lowest first, every minimum non-decreasing up
// the ladder, the bottom rung open to all) with a qualification window of
// windowDays (spend and purchases are counted over the last windowDays
// days; 0 means 365) and a demotion grace of graceDays (a customer who no
// longer qualifies keeps their rung this many days before moving down).
func NewLadder(rungs []Rung, windowDays, graceDays int) (*Ladder, error) {
	if len(rungs) == 0 {
		return nil, fmt.Errorf("%w: a ladder needs rungs", ErrInvalidConfig)
	}
	if windowDays == 0 {
		windowDays = 365
	}
	if windowDays < 0 || graceDays < 0 {
		return nil, fmt.Errorf("%w: negative window or grace", ErrInvalidConfig)
	}
	b := rungs[0]
	if b.MinSpend.Sign() != 0 || b.MinPurchases != 0 || b.MinValue.Sign() != 0 || b.MinProducts != 0 {
		return nil, fmt.Errorf("%w: the bottom rung %q must have no minimums", ErrInvalidConfig, b.Name)
	}
	for i := 1; i < len(rungs); i++ {
		a, c := rungs[i-1], rungs[i]
		if c.MinSpend.LessThan(a.MinSpend) || c.MinPurchases < a.MinPurchases || c.MinValue.LessThan(a.MinValue) || c.MinProducts < a.MinProducts {
			return nil, fmt.Errorf("%w: rung %q asks less than the rung %q below it", ErrInvalidConfig, c.Name, a.Name)
		}
		if c.MinSpend.Equal(a.MinSpend) && c.MinPurchases == a.MinPurchases && c.MinValue.Equal(a.MinValue) && c.MinProducts == a.MinProducts {
			return nil, fmt.Errorf("%w: rungs %q and %q have the same rules", ErrInvalidConfig, a.Name, c.Name)
		}
	}
	return &Ladder{rungs: append([]Rung(nil), rungs...), window: windowDays, grace: graceDays}, nil
}

// Rungs returns the rungs, lowest first.
func (l *Ladder) Rungs() []Rung { return append([]Rung(nil), l.rungs...) }

// Activity is what placement reads of a customer: their purchases (any
// order; those after the as-of date are ignored) and their predicted value.
type Activity struct {
	Customer  string
	Purchases []clv.Purchase
	Value     decimal.Decimal
}

// Standing is where a customer stood after a placement; pass it to the
// next placement so the grace period can apply.
type Standing struct {
	Rung int
	// BelowSince is when the customer stopped qualifying for Rung; zero while
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

func calendarDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Place assigns a customer to a rung as of asOf (a calendar date, UTC). The
// rules give the highest rung whose minimums the customer meets; if that is
// below prev's rung, the customer keeps prev's rung until graceDays have
// passed since they stopped qualifying. prev may be nil for a first
// placement.
func (l *Ladder) Place(a Activity, prev *Standing, asOf time.Time) (Placement, error) {
	if a.Customer == "" {
		return Placement{}, fmt.Errorf("%w: empty customer ID", ErrInvalidInput)
	}
	if prev != nil && (prev.Rung < 0 || prev.Rung >= len(l.rungs)) {
		return Placement{}, fmt.Errorf("%w: customer %q: previous rung %d out of range", ErrInvalidInput, a.Customer, prev.Rung)
	}
	end := calendarDay(asOf)
	start := end.AddDate(0, 0, -l.window+1)
	spend := decimal.Zero
	days := map[time.Time]bool{}
	products := map[string]bool{}
	for i, p := range a.Purchases {
		if err := p.Validate(); err != nil {
			return Placement{}, fmt.Errorf("%w: customer %q, purchase %d: %w", ErrInvalidInput, a.Customer, i, err)
		}
		d := calendarDay(p.Time)
		if d.After(end) {
			continue
		}
		if p.Product != "" {
			products[p.Product] = true
		}
		if d.Before(start) {
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
	rule := "ladder/qualified"
	if prev != nil && q < prev.Rung {
		below := prev.BelowSince
		if below.IsZero() {
			below = end
		}
		held := int(end.Sub(below).Hours() / 24)
		grace := clv.Fact{Name: "days below " + l.rungs[prev.Rung].Name, Value: strconv.Itoa(held),
			Test: "< " + strconv.Itoa(l.grace) + " days of grace", Held: held < l.grace}
		facts = append(facts, grace)
		if grace.Held {
			pl.Rung, pl.Standing = prev.Rung, Standing{Rung: prev.Rung, BelowSince: below}
			rule = "ladder/grace"
		} else {
			rule = "ladder/demoted"
		}
	}
	pl.Reason = clv.Explanation{Rule: rule, Facts: facts}
	return pl, nil
}
