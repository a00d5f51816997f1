package ladder

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/clip"
	"github.com/clvkit/clvkit/internal/guard"
)

// Situation is what a trigger reads of a customer as of a time.
type Situation struct {
	// Customer is the customer's non-empty ID.
	Customer string
	// Rung is the customer's rung on the ladder (0 is the bottom).
	Rung int
	// Purchases in any order; those after AsOf are ignored.
	Purchases []clv.Purchase
	// ContractEnd is when the customer's contract expired, if they had one.
	ContractEnd time.Time
	// AsOf is the time the triggers look from (non-zero); actions are due
	// then or later.
	AsOf time.Time
	// Location is where triggers read calendar days by the SDK's one rule
	// (clv.CalendarDay): their windows of the last Days days and the days
	// since a contract expired. nil means UTC.
	Location *time.Location
}

// Action is what a trigger asks for: a message, with an incentive, due at a
// time, with the reason.
type Action struct {
	Customer, Trigger  string
	Message, Incentive string
	// Category names the category to feature (LargePurchase's related items).
	Category string
	Due      time.Time
	Reason   clv.Explanation
}

// Trigger is a rule over a customer's purchases. Fire must be pure: the same
// situation (in any purchase order) gives the same result. A trigger with a
// Validate() error method (the three of this package have one) is
// validated by the package's Fire before it runs. A trigger's actions
// carry its own rule in their Reason; the three of this package use
// RuleSmallBaskets, RuleLargePurchase and RuleExpiredInactive.
type Trigger interface {
	Name() string
	Fire(c Situation) (Action, bool)
}

// The rules of the package's triggers: "trigger/" and the trigger's name.
const (
	RuleSmallBaskets    clv.Rule = "trigger/small-baskets"
	RuleLargePurchase   clv.Rule = "trigger/large-purchase"
	RuleExpiredInactive clv.Rule = "trigger/expired-inactive"
)

// recent returns the purchases made by c.AsOf on its last days calendar
// days (AsOf's day and the days−1 before it, in c.Location), sorted by time
// then amount then product, so that triggers never depend on input order.
func recent(c Situation, days int) []clv.Purchase {
	today := clv.CalendarDay(c.AsOf, c.Location)
	var out []clv.Purchase
	for _, p := range c.Purchases {
		if !p.Time.After(c.AsOf) && today-clv.CalendarDay(p.Time, c.Location) < int64(days) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b clv.Purchase) int {
		if x := a.Time.Compare(b.Time); x != 0 {
			return x
		}
		if x := a.Amount.Cmp(b.Amount); x != 0 {
			return x
		}
		return cmp.Or(cmp.Compare(a.Product, b.Product), cmp.Compare(a.Category, b.Category))
	})
	return out
}

// SmallBaskets fires when a customer made at least MinCount purchases (at
// least one) on the last Days calendar days and all were below MaxAmount:
// an offer nudging a larger basket. Days and MinCount are ≥ 0,
// MaxAmount is money ≥ 0.
type SmallBaskets struct {
	Days      int
	MaxAmount decimal.Decimal
	MinCount  int
	Message   string
	Incentive string
}

// Name returns "small-baskets".
func (SmallBaskets) Name() string { return "small-baskets" }

// Validate reports a negative Days, MinCount or MaxAmount.
func (t SmallBaskets) Validate() error {
	switch {
	case t.Days < 0:
		return fmt.Errorf("%w: small-baskets: Days %d is negative", ErrInvalidConfig, t.Days)
	case t.MinCount < 0:
		return fmt.Errorf("%w: small-baskets: MinCount %d is negative", ErrInvalidConfig, t.MinCount)
	case t.MaxAmount.Sign() < 0:
		return fmt.Errorf("%w: small-baskets: MaxAmount %s is negative", ErrInvalidConfig, clip.Decimal(t.MaxAmount))
	}
	return nil
}

// Fire implements Trigger.
func (t SmallBaskets) Fire(c Situation) (Action, bool) {
	ps := recent(c, t.Days)
	if len(ps) < max(t.MinCount, 1) {
		return Action{}, false
	}
	largest := ps[0].Amount
	for _, p := range ps {
		if p.Amount.GreaterThan(largest) {
			largest = p.Amount
		}
	}
	if !largest.LessThan(t.MaxAmount) {
		return Action{}, false
	}
	return Action{Customer: c.Customer, Trigger: t.Name(), Message: t.Message, Incentive: t.Incentive, Due: c.AsOf,
		Reason: clv.Explanation{Rule: RuleSmallBaskets, Facts: []clv.Fact{
			{Name: "purchases in " + strconv.Itoa(t.Days) + " days", Value: strconv.Itoa(len(ps)), Op: clv.OpAtLeast, Limit: strconv.Itoa(t.MinCount), Held: true},
			{Name: "largest basket", Value: largest.String(), Op: clv.OpLess, Limit: t.MaxAmount.String(), Held: true},
		}}}, true
}

// LargePurchase fires when a purchase on the last Days calendar days is at
// least MinAmount, and features the category of the latest such purchase:
// show items related to it. Days is ≥ 0, MinAmount money ≥ 0.
type LargePurchase struct {
	Days      int
	MinAmount decimal.Decimal
	Message   string
}

// Name returns "large-purchase".
func (LargePurchase) Name() string { return "large-purchase" }

// Validate reports a negative Days or MinAmount.
func (t LargePurchase) Validate() error {
	switch {
	case t.Days < 0:
		return fmt.Errorf("%w: large-purchase: Days %d is negative", ErrInvalidConfig, t.Days)
	case t.MinAmount.Sign() < 0:
		return fmt.Errorf("%w: large-purchase: MinAmount %s is negative", ErrInvalidConfig, clip.Decimal(t.MinAmount))
	}
	return nil
}

// Fire implements Trigger.
func (t LargePurchase) Fire(c Situation) (Action, bool) {
	ps := recent(c, t.Days)
	var big *clv.Purchase
	for i := range ps {
		if !ps[i].Amount.LessThan(t.MinAmount) {
			big = &ps[i] // the latest large one wins
		}
	}
	if big == nil {
		return Action{}, false
	}
	return Action{Customer: c.Customer, Trigger: t.Name(), Message: t.Message, Category: big.Category, Due: c.AsOf,
		Reason: clv.Explanation{Rule: RuleLargePurchase, Facts: []clv.Fact{
			{Name: "purchase on " + big.Time.In(orUTC(c.Location)).Format(time.DateOnly), Value: big.Amount.String(), Op: clv.OpAtLeast, Limit: t.MinAmount.String(), Held: true},
			{Name: "category", Value: big.Category},
		}}}, true
}

// ExpiredInactive fires for a customer on MinRung or above whose contract
// expired and who has not bought since, once AfterDays calendar days have
// passed from the expiry day (in the situation's Location): re-contact them
// (say, 30 days after expiry). The action is due at the start of
// that day. MinRung and AfterDays are ≥ 0.
type ExpiredInactive struct {
	MinRung   int
	AfterDays int
	Message   string
	Incentive string
}

// Name returns "expired-inactive".
func (ExpiredInactive) Name() string { return "expired-inactive" }

// Validate reports a negative MinRung or AfterDays.
func (t ExpiredInactive) Validate() error {
	switch {
	case t.MinRung < 0:
		return fmt.Errorf("%w: expired-inactive: MinRung %d is negative", ErrInvalidConfig, t.MinRung)
	case t.AfterDays < 0:
		return fmt.Errorf("%w: expired-inactive: AfterDays %d is negative", ErrInvalidConfig, t.AfterDays)
	}
	return nil
}

// Fire implements Trigger.
func (t ExpiredInactive) Fire(c Situation) (Action, bool) {
	if c.ContractEnd.IsZero() || c.Rung < t.MinRung || c.ContractEnd.After(c.AsOf) {
		return Action{}, false
	}
	for _, p := range c.Purchases {
		if p.Time.After(c.ContractEnd) && !p.Time.After(c.AsOf) {
			return Action{}, false
		}
	}
	since := clv.DaysBetween(c.ContractEnd, c.AsOf, c.Location)
	if since < int64(t.AfterDays) {
		return Action{}, false
	}
	due := clv.DayStart(clv.CalendarDay(c.ContractEnd, c.Location)+int64(t.AfterDays), c.Location)
	return Action{Customer: c.Customer, Trigger: t.Name(), Message: t.Message, Incentive: t.Incentive, Due: due,
		Reason: clv.Explanation{Rule: RuleExpiredInactive, Facts: []clv.Fact{
			{Name: "rung", Value: strconv.Itoa(c.Rung), Op: clv.OpAtLeast, Limit: strconv.Itoa(t.MinRung), Held: true},
			{Name: "contract ended", Value: c.ContractEnd.In(orUTC(c.Location)).Format(time.DateOnly)},
			{Name: "purchases since", Value: "0"},
			{Name: "days since expiry", Value: strconv.FormatInt(since, 10), Op: clv.OpAtLeast, Limit: strconv.Itoa(t.AfterDays), Held: true},
		}}}, true
}

// Fire runs every trigger on every situation and returns the actions sorted
// by customer, then trigger name: the same inputs in any order give the
// same actions. Triggers must be non-nil with distinct names, and those
// with a Validate method valid; situations need a customer ID (each
// customer once), a non-zero AsOf and valid purchases of their own.
// Anything else is an error naming the trigger or customer.
func Fire(triggers []Trigger, situations []Situation) ([]Action, error) {
	names := make(map[string]bool, len(triggers))
	for i, t := range triggers {
		if guard.IsNil(t) {
			return nil, fmt.Errorf("%w: trigger %d is nil", ErrInvalidConfig, i)
		}
		if v, ok := t.(interface{ Validate() error }); ok {
			if err := v.Validate(); err != nil {
				return nil, fmt.Errorf("trigger %d: %w", i, err)
			}
		}
		if names[t.Name()] {
			return nil, fmt.Errorf("%w: trigger %d: name %s is used twice", ErrInvalidConfig, i, clip.Quote(t.Name()))
		}
		names[t.Name()] = true
	}
	seen := make(map[string]bool, len(situations))
	var out []Action
	for i, c := range situations {
		switch {
		case c.Customer == "":
			return nil, fmt.Errorf("%w: situation %d: empty customer ID", ErrInvalidInput, i)
		case seen[c.Customer]:
			return nil, fmt.Errorf("%w: situation %d: customer %s appears twice", ErrInvalidInput, i, clip.Quote(c.Customer))
		case c.AsOf.IsZero():
			return nil, fmt.Errorf("%w: situation %d: customer %s: zero AsOf", ErrInvalidInput, i, clip.Quote(c.Customer))
		}
		seen[c.Customer] = true
		for j, p := range c.Purchases {
			if err := checkPurchase(p); err != nil {
				return nil, fmt.Errorf("situation %d: customer %s, purchase %d: %w", i, clip.Quote(c.Customer), j, err)
			}
			if p.Customer != c.Customer {
				return nil, fmt.Errorf("%w: situation %d: customer %s, purchase %d: bought by customer %s", ErrInvalidInput, i, clip.Quote(c.Customer), j, clip.Quote(p.Customer))
			}
		}
		for _, t := range triggers {
			if a, ok := t.Fire(c); ok {
				out = append(out, a)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Action) int {
		return cmp.Or(cmp.Compare(a.Customer, b.Customer), cmp.Compare(a.Trigger, b.Trigger))
	})
	return out, nil
}
