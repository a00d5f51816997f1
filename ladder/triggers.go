package ladder

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/shopspring/decimal"
)

// Context is what a trigger reads of a customer as of a time.
type Context struct {
	Customer string
	Rung     int
	// Purchases in any order; those after AsOf are ignored.
	Purchases []clv.Purchase
	// ContractEnd is when the customer's contract expired, if they had one.
	ContractEnd time.Time
	AsOf        time.Time
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
// context (in any purchase order) gives the same result.
type Trigger interface {
	Name() string
	Fire(c Context) (Action, bool)
}

// recent returns the purchases in (asOf − days, asOf], sorted by time then
// amount then product, so that triggers never depend on input order.
func recent(c Context, days int) []clv.Purchase {
	from := c.AsOf.AddDate(0, 0, -days)
	var out []clv.Purchase
	for _, p := range c.Purchases {
		if p.Time.After(from) && !p.Time.After(c.AsOf) {
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

// SmallBaskets fires when a customer made at least MinCount purchases in
// the last Days days and all were below MaxAmount: an offer nudging a larger
// basket (seed 004).
type SmallBaskets struct {
	Days      int
	MaxAmount decimal.Decimal
	MinCount  int
	Message   string
	Incentive string
}

// Name returns "small-baskets".
func (SmallBaskets) Name() string { return "small-baskets" }

// Fire implements Trigger.
func (t SmallBaskets) Fire(c Context) (Action, bool) {
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
		Reason: clv.Explanation{Rule: "trigger/" + t.Name(), Facts: []clv.Fact{
			{Name: "purchases in " + strconv.Itoa(t.Days) + " days", Value: strconv.Itoa(len(ps)), Test: ">= " + strconv.Itoa(t.MinCount), Held: true},
			{Name: "largest basket", Value: largest.String(), Test: "< " + t.MaxAmount.String(), Held: true},
		}}}, true
}

// LargePurchase fires when the customer's latest purchase in the last Days
// days is at least MinAmount: show items related to its category (seed 004).
type LargePurchase struct {
	Days      int
	MinAmount decimal.Decimal
	Message   string
}

// Name returns "large-purchase".
func (LargePurchase) Name() string { return "large-purchase" }

// Fire implements Trigger.
func (t LargePurchase) Fire(c Context) (Action, bool) {
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
		Reason: clv.Explanation{Rule: "trigger/" + t.Name(), Facts: []clv.Fact{
			{Name: "purchase on " + big.Time.Format(time.DateOnly), Value: big.Amount.String(), Test: ">= " + t.MinAmount.String(), Held: true},
			{Name: "category", Value: big.Category},
		}}}, true
}

// ExpiredInactive fires for a customer on MinRung or above whose contract
// expired and who has not bought since, once AfterDays have passed since
// the expiry: re-contact them (seed 004's 30 days after expiry).
type ExpiredInactive struct {
	MinRung   int
	AfterDays int
	Message   string
	Incentive string
}

// Name returns "expired-inactive".
func (ExpiredInactive) Name() string { return "expired-inactive" }

// Fire implements Trigger.
func (t ExpiredInactive) Fire(c Context) (Action, bool) {
	if c.ContractEnd.IsZero() || c.Rung < t.MinRung || c.ContractEnd.After(c.AsOf) {
		return Action{}, false
	}
	for _, p := range c.Purchases {
		if p.Time.After(c.ContractEnd) && !p.Time.After(c.AsOf) {
			return Action{}, false
		}
	}
	due := c.ContractEnd.AddDate(0, 0, t.AfterDays)
	if due.After(c.AsOf) {
		return Action{}, false
	}
	return Action{Customer: c.Customer, Trigger: t.Name(), Message: t.Message, Incentive: t.Incentive, Due: due,
		Reason: clv.Explanation{Rule: "trigger/" + t.Name(), Facts: []clv.Fact{
			{Name: "rung", Value: strconv.Itoa(c.Rung), Test: ">= " + strconv.Itoa(t.MinRung), Held: true},
			{Name: "contract ended", Value: c.ContractEnd.Format(time.DateOnly)},
			{Name: "purchases since", Value: "0"},
			{Name: "days since expiry", Value: strconv.Itoa(int(c.AsOf.Sub(c.ContractEnd).Hours() / 24)), Test: ">= " + strconv.Itoa(t.AfterDays), Held: true},
		}}}, true
}

// Fire runs every trigger on every context and returns the actions sorted by
// customer, then trigger name: the same inputs in any order give the same
// actions.
func Fire(triggers []Trigger, contexts []Context) ([]Action, error) {
	var out []Action
	for i, c := range contexts {
		if c.Customer == "" || c.AsOf.IsZero() {
			return nil, fmt.Errorf("%w: context %d: empty customer or as-of time", ErrInvalidInput, i)
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
