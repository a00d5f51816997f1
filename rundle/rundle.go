package rundle

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/clv"
	"github.com/shopspring/decimal"
)

// Benefit is something a rundle delivers to its members every period from
// a given tenure on (seed 000's sequential value: month 3 adds X).
type Benefit struct {
	Name string
	Kind Kind
	// ValuePerPeriod is what a member perceives it to be worth per period;
	// CostPerPeriod what it costs us per member per period.
	ValuePerPeriod, CostPerPeriod decimal.Decimal
	// From is the first period of membership it is delivered in (1 = from
	// the start; 0 also means 1).
	From int
	// ChurnReduction is the share by which it cuts a member's churn
	// probability in every period it is delivered, in [−1, 1): 0.1 turns a
	// 20% churn into 18%; a negative value raises churn. It is an input
	// (from an experiment or a model), never guessed.
	ChurnReduction float64
}

// Rundle is a recurring bundle: a subscription at Price per period whose
// benefits keep adding value (Amazon Prime is the seed's example), with
// retention from a shifted-beta-geometric model fitted on members.
type Rundle struct {
	Name     string
	Price    decimal.Decimal
	Benefits []Benefit
	// Retention is the members' churn model without any benefit effects.
	Retention clv.SBG
	// DiscountRate per period, > 0.
	DiscountRate float64
}

func (r Rundle) validate() error {
	if r.Price.Sign() < 0 {
		return fmt.Errorf("%w: rundle %q: negative price", ErrInvalidConfig, r.Name)
	}
	if err := r.Retention.Validate(); err != nil {
		return fmt.Errorf("%w: rundle %q: %w", ErrInvalidConfig, r.Name, err)
	}
	if !(r.DiscountRate > 0) || math.IsInf(r.DiscountRate, 0) {
		return fmt.Errorf("%w: rundle %q: discount rate %v, want a finite positive number", ErrInvalidConfig, r.Name, r.DiscountRate)
	}
	for _, b := range r.Benefits {
		if b.ValuePerPeriod.Sign() < 0 || b.CostPerPeriod.Sign() < 0 || b.From < 0 || !(b.ChurnReduction >= -1 && b.ChurnReduction < 1) {
			return fmt.Errorf("%w: rundle %q: benefit %q: negative amount or period, or churn reduction outside [−1, 1)", ErrInvalidConfig, r.Name, b.Name)
		}
	}
	return nil
}

func (b Benefit) activeIn(period int) bool { return period >= max(b.From, 1) }

// maxPeriods bounds the lifetime sums; with a positive discount rate they
// converge long before (the loop stops when the remaining discounted
// survival is below 1e−15 of the sum).
const maxPeriods = 100_000

// path walks a member's periods from the first, calling f with the period
// (1-based), the probability of paying for it (subscribed at its start) and
// its discount factor; it returns early when f returns false.
func (r Rundle) path(f func(period int, alive, disc float64) bool) {
	alive, disc := 1.0, 1.0
	for t := 1; t <= maxPeriods; t++ {
		if !f(t, alive, disc) || alive*disc < 1e-17 {
			return
		}
		keep := 1.0
		for _, b := range r.Benefits {
			if b.activeIn(t) {
				keep *= 1 - b.ChurnReduction
			}
		}
		churn := (1 - r.Retention.RetentionRate(t)) * keep
		alive *= 1 - math.Min(1, churn)
		disc /= 1 + r.DiscountRate
	}
}

func (r Rundle) margin(period int) (price, cost, value float64) {
	price = r.Price.InexactFloat64()
	for _, b := range r.Benefits {
		if b.activeIn(period) {
			cost += b.CostPerPeriod.InexactFloat64()
			value += b.ValuePerPeriod.InexactFloat64()
		}
	}
	return price, cost, value
}

// ltvFrom returns the expected discounted margin from period k+1 on of a
// member who has paid for k periods (k = 0: a new member), with payments at
// the start of each period, conditioned on having paid for period k and
// discounted to the start of period k+1 (so the next payment counts in
// full): Σ_{p>k} P(subscribed at p)·margin_p·(1+d)^−(p−1) / (P(subscribed
// at k)·(1+d)^−k).
func (r Rundle) ltvFrom(k int) float64 {
	var v float64
	aliveK, discNext := 1.0, 1.0
	r.path(func(t int, alive, disc float64) bool {
		switch {
		case t == k:
			aliveK = alive
		case t == k+1:
			discNext = disc
		}
		if t > k {
			p, c, _ := r.margin(t)
			v += alive * disc * (p - c)
		}
		return true
	})
	if aliveK == 0 {
		return 0
	}
	return v / (aliveK * discNext)
}

// LifetimeValue is the expected discounted margin of a new member: Σ over
// periods of P(subscribed) × (price − costs of the benefits delivered) ×
// discount, payments at the start of each period. With no benefits and a
// price of 1 it is the sBG's DEL. Rounded once to the cent, half to even.
func (r Rundle) LifetimeValue() (decimal.Decimal, error) {
	if err := r.validate(); err != nil {
		return decimal.Decimal{}, err
	}
	return cent(r.ltvFrom(0))
}

// ResidualValue is the expected discounted margin still to come from a
// member who has paid for `payments` periods, counting the next payment
// undiscounted. With no benefits and a price of 1 it is the sBG's DERL.
func (r Rundle) ResidualValue(payments int) (decimal.Decimal, error) {
	if err := r.validate(); err != nil {
		return decimal.Decimal{}, err
	}
	if payments < 1 {
		return decimal.Decimal{}, fmt.Errorf("%w: payments %d, want at least 1", ErrInvalidInput, payments)
	}
	return cent(r.ltvFrom(payments))
}

func cent(v float64) (decimal.Decimal, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return decimal.Decimal{}, fmt.Errorf("%w: non-finite value %v", ErrInvalidInput, v)
	}
	return decimal.NewFromFloat(v).RoundBank(2), nil
}

// PeriodValue is a member's value against price in one period.
type PeriodValue struct {
	Period int
	// PerceivedValue sums the benefits delivered; Ratio is it over Price.
	Price, PerceivedValue decimal.Decimal
	Ratio                 float64
	// Benefits names the benefits delivered, in catalogue order.
	Benefits []string
	// Subscribed is the probability that a new member is still subscribed.
	Subscribed float64
}

// Timeline returns the first n periods of membership: price, perceived
// value and the share of members still subscribed.
func (r Rundle) Timeline(n int) ([]PeriodValue, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	out := make([]PeriodValue, 0, n)
	r.path(func(t int, alive, _ float64) bool {
		if t > n {
			return false
		}
		pv := PeriodValue{Period: t, Price: r.Price, Subscribed: alive}
		for _, b := range r.Benefits {
			if b.activeIn(t) {
				pv.PerceivedValue = pv.PerceivedValue.Add(b.ValuePerPeriod)
				pv.Benefits = append(pv.Benefits, b.Name)
			}
		}
		if r.Price.Sign() > 0 {
			pv.Ratio = pv.PerceivedValue.InexactFloat64() / r.Price.InexactFloat64()
		}
		out = append(out, pv)
		return true
	})
	return out, nil
}

// BenefitEffect is what adding a benefit does to a rundle.
type BenefitEffect struct {
	Benefit string
	// ValueToMember is the expected discounted perceived value the benefit
	// delivers to a new member over their membership.
	ValueToMember decimal.Decimal
	// CostToUs is its expected discounted cost over the membership.
	CostToUs decimal.Decimal
	// RetentionEffect is the change in lifetime value from longer (or
	// shorter) memberships, at the other benefits' margins.
	RetentionEffect decimal.Decimal
	// LifetimeValueChange is RetentionEffect − CostToUs.
	LifetimeValueChange decimal.Decimal
	Reason              clv.Explanation
}

// AddBenefit values adding b to the rundle. Note that a benefit that cuts
// churn raises lifetime value only while the margin per period is
// positive: when the benefits already cost more than the price, keeping
// members longer loses money.
func (r Rundle) AddBenefit(b Benefit) (BenefitEffect, error) {
	with := r
	with.Benefits = append(slices.Clone(r.Benefits), b)
	if err := with.validate(); err != nil {
		return BenefitEffect{}, err
	}
	var value, cost float64
	with.path(func(t int, alive, disc float64) bool {
		if b.activeIn(t) {
			value += alive * disc * b.ValuePerPeriod.InexactFloat64()
			cost += alive * disc * b.CostPerPeriod.InexactFloat64()
		}
		return true
	})
	change := with.ltvFrom(0) - r.ltvFrom(0)
	e := BenefitEffect{Benefit: b.Name}
	var err error
	if e.ValueToMember, err = cent(value); err != nil {
		return e, err
	}
	if e.CostToUs, err = cent(cost); err != nil {
		return e, err
	}
	if e.RetentionEffect, err = cent(change + cost); err != nil {
		return e, err
	}
	e.LifetimeValueChange = e.RetentionEffect.Sub(e.CostToUs)
	e.Reason = clv.Explanation{Rule: "rundle/add-benefit", Terms: []clv.Term{
		{Name: "retention effect", Amount: e.RetentionEffect}, {Name: "cost to us", Amount: e.CostToUs.Neg()},
	}}
	return e, nil
}

// Selection is a set of benefits chosen by BestBenefits.
type Selection struct {
	Benefits      []string
	CostPerPeriod decimal.Decimal
	LifetimeValue decimal.Decimal
	// Exact reports an exhaustive search (up to 16 candidates); otherwise
	// the greedy heuristic was used.
	Exact  bool
	Reason clv.Explanation
}

// BestBenefits chooses, from candidates, the set of benefits to add to the
// rundle that maximises a new member's lifetime value with a total cost per
// period (each benefit's CostPerPeriod, once delivered) within budget.
// Up to 16 candidates it tries every subset; beyond, it adds benefits
// greedily, each time the one with the largest lifetime-value gain per unit
// of cost (gain itself for free ones) that fits, while the gain is
// positive. Ties prefer fewer benefits, then names in order.
func (r Rundle) BestBenefits(candidates []Benefit, budget decimal.Decimal) (Selection, error) {
	if err := r.validate(); err != nil {
		return Selection{}, err
	}
	if budget.Sign() < 0 {
		return Selection{}, fmt.Errorf("%w: negative budget", ErrInvalidInput)
	}
	cands := slices.Clone(candidates)
	slices.SortStableFunc(cands, func(a, b Benefit) int { return strings.Compare(a.Name, b.Name) })
	eval := func(set []Benefit) (float64, decimal.Decimal, error) {
		with := r
		with.Benefits = append(slices.Clone(r.Benefits), set...)
		if err := with.validate(); err != nil {
			return 0, decimal.Zero, err
		}
		cost := decimal.Zero
		for _, b := range set {
			cost = cost.Add(b.CostPerPeriod)
		}
		return with.ltvFrom(0), cost, nil
	}
	names := func(set []Benefit) []string {
		out := make([]string, len(set))
		for i, b := range set {
			out[i] = b.Name
		}
		return out
	}
	bestV, _, err := eval(nil)
	if err != nil {
		return Selection{}, err
	}
	var best []Benefit
	sel := Selection{Exact: len(cands) <= 16}
	if sel.Exact {
		for mask := 1; mask < 1<<len(cands); mask++ {
			var set []Benefit
			for i := range cands {
				if mask&(1<<i) != 0 {
					set = append(set, cands[i])
				}
			}
			v, cost, err := eval(set)
			if err != nil {
				return Selection{}, err
			}
			if cost.GreaterThan(budget) {
				continue
			}
			if v > bestV+1e-9 || (math.Abs(v-bestV) <= 1e-9 && len(set) < len(best)) {
				bestV, best = v, set
			}
		}
	} else {
		left := budget
		used := make([]bool, len(cands))
		for {
			pick, pickScore := -1, 0.0
			for i, b := range cands {
				if used[i] || b.CostPerPeriod.GreaterThan(left) {
					continue
				}
				v, _, err := eval(append(slices.Clone(best), b))
				if err != nil {
					return Selection{}, err
				}
				gain := v - bestV
				if gain <= 1e-9 {
					continue
				}
				score := gain
				if c := b.CostPerPeriod.InexactFloat64(); c > 0 {
					score = gain / c
				} else {
					score = math.Inf(1)
				}
				if pick < 0 || score > pickScore {
					pick, pickScore = i, score
				}
			}
			if pick < 0 {
				break
			}
			used[pick] = true
			best = append(best, cands[pick])
			left = left.Sub(cands[pick].CostPerPeriod)
			bestV, _, _ = eval(best)
		}
	}
	sel.Benefits = names(best)
	for _, b := range best {
		sel.CostPerPeriod = sel.CostPerPeriod.Add(b.CostPerPeriod)
	}
	if sel.LifetimeValue, err = cent(bestV); err != nil {
		return Selection{}, err
	}
	sel.Reason = clv.Explanation{Rule: "rundle/best-benefits", Facts: []clv.Fact{
		{Name: "cost per period", Value: sel.CostPerPeriod.String(), Test: "<= " + budget.String(), Held: true},
	}}
	return sel, nil
}

// Conversion compares a segment's value as one-off buyers with its value
// if some become members.
type Conversion struct {
	Customers int
	// AsBuyers is the sum of the customers' non-contractual lifetime values.
	AsBuyers decimal.Decimal
	// AsMembers assumes each customer converts with the given rate, a
	// converted customer's value becoming the rundle's lifetime value and
	// the others' staying as they are: Σ (1−c)·CLVᵢ + c·LTV.
	AsMembers decimal.Decimal
	// Gain is AsMembers − AsBuyers.
	Gain decimal.Decimal
}

// CompareConversion values a segment (customer values from
// clv.LifetimeValue) as buyers and as rundle members at conversion rate c.
func (r Rundle) CompareConversion(values []clv.CustomerValue, c float64) (Conversion, error) {
	if !(c >= 0 && c <= 1) {
		return Conversion{}, fmt.Errorf("%w: conversion rate %v outside [0, 1]", ErrInvalidInput, c)
	}
	ltv, err := r.LifetimeValue()
	if err != nil {
		return Conversion{}, err
	}
	out := Conversion{Customers: len(values)}
	for _, v := range values {
		out.AsBuyers = out.AsBuyers.Add(v.Value)
	}
	rate := decimal.NewFromFloat(c)
	n := decimal.NewFromInt(int64(len(values)))
	out.AsMembers = out.AsBuyers.Mul(decimal.NewFromInt(1).Sub(rate)).Add(ltv.Mul(rate).Mul(n)).RoundBank(2)
	out.Gain = out.AsMembers.Sub(out.AsBuyers)
	return out, nil
}
