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
// a given tenure on (sequential value: month 3 adds this, year 2 that). Names
// identify benefits in results and must be unique within a rundle.
type Benefit struct {
	Name string
	Kind Kind
	// ValuePerPeriod is what a member perceives it to be worth per period;
	// CostPerPeriod what it costs us per member per period: money, at least
	// zero.
	ValuePerPeriod, CostPerPeriod decimal.Decimal
	// From is the first period of membership it is delivered in (1 = from
	// the start; 0 also means 1; negative is an error).
	From int
	// ChurnReduction is the share by which it cuts a member's churn
	// probability in every period it is delivered, in [−1, 1): 0.1 turns a
	// 20% churn into 18%; a negative value raises churn (a churn raised
	// past 100% ends every membership). It is an input (from an experiment
	// or a model), never guessed.
	ChurnReduction float64
}

// Rundle is a recurring bundle: a subscription at Price per period whose
// benefits keep adding value (Amazon Prime is the example), with
// retention from a shifted-beta-geometric model fitted on members.
//
// A member subscribed in period t churns at its end with probability
// min(1, κ_t·α/(α+β+t−1)): the sBG's aggregate churn (1 − r_t, r_t its
// retention rate) times κ_t, the product of (1 − ChurnReduction) over the
// benefits delivered in period t. Payments are at the start of each
// period and discounted at DiscountRate per period.
type Rundle struct {
	Name string
	// Price is the fee per period: money, at least zero.
	Price    decimal.Decimal
	Benefits []Benefit
	// Retention is the members' churn model without any benefit effects.
	Retention clv.SBG
	// DiscountRate per period, finite and > 0.
	DiscountRate float64
}

func (r Rundle) validate() error {
	if r.Price.Sign() < 0 {
		return fmt.Errorf("%w: rundle %q: negative price %s", ErrInvalidConfig, r.Name, r.Price)
	}
	if err := r.Retention.Validate(); err != nil {
		return fmt.Errorf("%w: rundle %q: %w", ErrInvalidConfig, r.Name, err)
	}
	if !(r.DiscountRate > 0) || math.IsInf(r.DiscountRate, 0) {
		return fmt.Errorf("%w: rundle %q: discount rate %v, want a finite positive number", ErrInvalidConfig, r.Name, r.DiscountRate)
	}
	seen := make(map[string]bool, len(r.Benefits))
	for _, b := range r.Benefits {
		switch {
		case seen[b.Name]:
			return fmt.Errorf("%w: rundle %q: duplicate benefit name %q", ErrInvalidConfig, r.Name, b.Name)
		case b.ValuePerPeriod.Sign() < 0:
			return fmt.Errorf("%w: rundle %q: benefit %q: negative value per period %s", ErrInvalidConfig, r.Name, b.Name, b.ValuePerPeriod)
		case b.CostPerPeriod.Sign() < 0:
			return fmt.Errorf("%w: rundle %q: benefit %q: negative cost per period %s", ErrInvalidConfig, r.Name, b.Name, b.CostPerPeriod)
		case b.From < 0:
			return fmt.Errorf("%w: rundle %q: benefit %q: negative start period %d", ErrInvalidConfig, r.Name, b.Name, b.From)
		case !(b.ChurnReduction >= -1 && b.ChurnReduction < 1):
			return fmt.Errorf("%w: rundle %q: benefit %q: churn reduction %v outside [−1, 1)", ErrInvalidConfig, r.Name, b.Name, b.ChurnReduction)
		}
		seen[b.Name] = true
	}
	return nil
}

func (b Benefit) activeIn(period int) bool { return period >= max(b.From, 1) }

// steady returns the first period from which the same benefits are
// delivered for ever.
func (r Rundle) steady() int {
	k := 1
	for _, b := range r.Benefits {
		k = max(k, b.From)
	}
	return k
}

// keep returns κ_t, the factor the benefits delivered in period t apply to
// churn.
func (r Rundle) keep(t int) float64 {
	k := 1.0
	for _, b := range r.Benefits {
		if b.activeIn(t) {
			k *= 1 - b.ChurnReduction
		}
	}
	return k
}

// churn returns the probability that a member subscribed in period t ≥ 1
// leaves at its end.
func (r Rundle) churn(t int) float64 {
	a, b := r.Retention.Alpha, r.Retention.Beta
	return math.Min(1, r.keep(t)*a/(a+b+float64(t)-1))
}

// Limits of the lifetime sums.
const (
	// maxHeadPeriods and maxTailPeriods bound the periods summed one at a
	// time before and after the benefits settle (see sum).
	maxHeadPeriods = 1_000_000
	maxTailPeriods = 10_000_000
	// sumTolerance is the most, in money, a sum may leave out.
	sumTolerance = 1e-7
	// maxTimelinePeriods bounds Timeline.
	maxTimelinePeriods = 100_000
	// maxPayments bounds ResidualValue's payments: period numbers stay
	// exact in float64.
	maxPayments = 1 << 50
)

// sum returns Σ_{t>k} P(subscribed in t | subscribed in k)·(1+d)^−(t−k−1)·w(t)
// for k ≥ 0 (k = 0: a new member, subscribed in period 1), where |w| ≤
// wmax and w is constant from period steady() on.
//
// Periods before then are added one at a time. From then on κ_t is a
// constant κ, churn is κα/(α+β+t−1), and survival from period s is an sBG
// with parameters κα and α+β+s−1−κα, so the rest is w times that sBG's
// discounted lifetime ₂F₁(1, β'; α'+β'; 1/(1+d)) (clv.SBG.DEL). Where DEL
// cannot certify its value (α' below 0.05, say) the periods are added one
// at a time until the discount alone bounds what is left: survival is at
// most 1, so the rest from period t is at most
// (1+d)^−(t−k−1)·wmax·(1+d)/d, and the sum stops once that is below
// sumTolerance. The same bound stops the head early when the benefits
// settle too late to matter. More than maxHeadPeriods periods to add
// before the benefits settle, or maxTailPeriods after, is an error. A
// member who cannot be subscribed in period k (a churn of 100% before) has
// a sum of zero.
func (r Rundle) sum(k int, w func(t int) float64, wmax float64) (float64, error) {
	if math.IsNaN(wmax) || math.IsInf(wmax, 0) {
		return 0, fmt.Errorf("%w: rundle %q: amounts too large for float64", ErrInvalidInput, r.Name)
	}
	if wmax == 0 {
		return 0, nil
	}
	d := r.DiscountRate
	// Churn falls within each stretch of constant benefits, so a churn of
	// 100% before k shows at the start of a stretch.
	starts := []int{1}
	for _, b := range r.Benefits {
		starts = append(starts, max(b.From, 1))
	}
	for _, s := range starts {
		if s < k && r.churn(s) >= 1 {
			return 0, nil
		}
	}
	alive, disc, q := 1.0, 1.0, 1/(1+d)
	if k >= 1 {
		alive = 1 - r.churn(k)
	}
	// The rest is negligible from period first+horizon on.
	horizon := max(0, math.Ceil(math.Log(wmax*(1+d)/(d*sumTolerance))/math.Log1p(d)))
	steady, first := r.steady(), k+1
	end := max(steady, first)
	if float64(end-first) > horizon {
		end = first + int(horizon) // horizon < end−first, so it fits an int
	}
	if end-first > maxHeadPeriods {
		return 0, fmt.Errorf("%w: rundle %q: benefits settle in period %d, more than %d periods to sum at discount rate %v", ErrInvalidConfig, r.Name, steady, maxHeadPeriods, d)
	}
	var total float64
	t := first
	for ; t < end; t++ {
		if alive == 0 {
			return total, nil
		}
		total += alive * disc * w(t)
		alive *= 1 - r.churn(t)
		disc *= q
	}
	if t < steady || alive == 0 { // stopped early: the rest is below sumTolerance
		return total, nil
	}
	kappa, wt := r.keep(t), w(t)
	a, b := r.Retention.Alpha, r.Retention.Beta
	if r.churn(t) >= 1 {
		return total + alive*disc*wt, nil
	}
	tail, err := clv.SBG{Alpha: kappa * a, Beta: a + b + float64(t) - 1 - kappa*a}.DEL(d)
	if err == nil {
		return total + alive*disc*wt*tail, nil
	}
	// One period at a time, churn κα/(α+β+t−1) < 1 from here on.
	stop := float64(first) + horizon
	for n := 0; float64(t) < stop; n++ {
		if n == maxTailPeriods {
			return 0, fmt.Errorf("%w: rundle %q: lifetime from period %d: %w; and more than %d periods to sum at discount rate %v", ErrInvalidConfig, r.Name, t, err, maxTailPeriods, d)
		}
		total += alive * disc * wt
		alive *= 1 - kappa*a/(a+b+float64(t)-1)
		disc *= q
		t++
	}
	return total, nil
}

// margin returns the price less the costs of the benefits delivered in
// period t, and a bound on its size in any period.
func (r Rundle) margin() (func(t int) float64, float64) {
	price := r.Price.InexactFloat64()
	bound := price
	costs := make([]float64, len(r.Benefits))
	for i, b := range r.Benefits {
		costs[i] = b.CostPerPeriod.InexactFloat64()
		bound += costs[i]
	}
	return func(t int) float64 {
		m := price
		for i, b := range r.Benefits {
			if b.activeIn(t) {
				m -= costs[i]
			}
		}
		return m
	}, bound
}

// ltvFrom returns the expected discounted margin from period k+1 on of a
// member who has paid for k periods (k = 0: a new member), discounted to the
// start of period k+1 (so the next payment counts in full).
func (r Rundle) ltvFrom(k int) (float64, error) {
	w, bound := r.margin()
	return r.sum(k, w, bound)
}

// LifetimeValue is the expected discounted margin of a new member: Σ over
// periods of P(subscribed) × (price − costs of the benefits delivered) ×
// discount, payments at the start of each period, with no truncation: once
// the benefits settle the infinite rest is the sBG's ₂F₁ closed form (see
// Rundle.sum), or summed with a bound on what is left below 1e−7. With no
// benefits and a price of 1 it is the sBG's DEL. Rounded once to the cent,
// half to even. It returns an error for an invalid rundle (naming the
// field), for amounts too large for float64, and when the sum would need
// more than 1,000,000 periods before the benefits settle or 10,000,000
// after (benefits that start very late, or a very small discount rate
// where the closed form cannot be certified).
func (r Rundle) LifetimeValue() (decimal.Decimal, error) {
	if err := r.validate(); err != nil {
		return decimal.Decimal{}, err
	}
	v, err := r.ltvFrom(0)
	if err != nil {
		return decimal.Decimal{}, err
	}
	return cent(v)
}

// ResidualValue is the expected discounted margin still to come from a
// member who has paid for `payments` periods (1 to 2⁵⁰), counting the
// next payment undiscounted. With no benefits and a price of 1 it is the
// sBG's DERL. It is zero when no member can have made that many payments
// (a benefit raised churn to 100% before). Errors as LifetimeValue.
func (r Rundle) ResidualValue(payments int) (decimal.Decimal, error) {
	if err := r.validate(); err != nil {
		return decimal.Decimal{}, err
	}
	if payments < 1 || payments > maxPayments {
		return decimal.Decimal{}, fmt.Errorf("%w: payments %d, want 1 to %d", ErrInvalidInput, payments, maxPayments)
	}
	v, err := r.ltvFrom(payments)
	if err != nil {
		return decimal.Decimal{}, err
	}
	return cent(v)
}

// cent converts an amount computed in float64 to money by the SDK's
// rounding policy (clv.Money).
func cent(v float64) (decimal.Decimal, error) {
	d, ok := clv.Money(v)
	if !ok {
		return decimal.Decimal{}, fmt.Errorf("%w: non-finite value %v", ErrInvalidInput, v)
	}
	return d, nil
}

// PeriodValue is a member's value against price in one period.
type PeriodValue struct {
	Period int
	// PerceivedValue sums the benefits delivered; Ratio is it over Price
	// (zero when the price is zero).
	Price, PerceivedValue decimal.Decimal
	Ratio                 float64
	// Benefits names the benefits delivered, in catalogue order.
	Benefits []string
	// Subscribed is the probability that a new member is still subscribed,
	// in [0, 1] and non-increasing.
	Subscribed float64
}

// Timeline returns the first n periods of membership (n from 0 to
// 100,000): price, perceived value and the share of members still
// subscribed. Other n, or an invalid rundle, is an error.
func (r Rundle) Timeline(n int) ([]PeriodValue, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	if n < 0 || n > maxTimelinePeriods {
		return nil, fmt.Errorf("%w: timeline of %d periods, want 0 to %d", ErrInvalidInput, n, maxTimelinePeriods)
	}
	out := make([]PeriodValue, 0, n)
	alive := 1.0
	for t := 1; t <= n; t++ {
		pv := PeriodValue{Period: t, Price: r.Price, Subscribed: alive}
		for _, b := range r.Benefits {
			if b.activeIn(t) {
				pv.PerceivedValue = pv.PerceivedValue.Add(b.ValuePerPeriod)
				pv.Benefits = append(pv.Benefits, b.Name)
			}
		}
		if r.Price.Sign() > 0 {
			pv.Ratio = pv.PerceivedValue.DivRound(r.Price, 18).InexactFloat64()
		}
		out = append(out, pv)
		alive *= 1 - r.churn(t)
	}
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

// The rules of benefit design.
const (
	// RuleAddBenefit: a benefit's effect on lifetime value is its retention
	// effect less its cost to us.
	RuleAddBenefit clv.Rule = "rundle/add-benefit"
	// RuleBestBenefits: the chosen set maximises a new member's lifetime
	// value with a cost per period within the budget.
	RuleBestBenefits clv.Rule = "rundle/best-benefits"
)

// AddBenefit values adding b to the rundle. Note that a benefit that cuts
// churn raises lifetime value only while the margin per period is
// positive: when the benefits already cost more than the price, keeping
// members longer loses money. Errors as LifetimeValue, and for a benefit
// whose name the rundle already has.
func (r Rundle) AddBenefit(b Benefit) (BenefitEffect, error) {
	with := r
	with.Benefits = append(slices.Clone(r.Benefits), b)
	if err := with.validate(); err != nil {
		return BenefitEffect{}, err
	}
	val, cst := b.ValuePerPeriod.InexactFloat64(), b.CostPerPeriod.InexactFloat64()
	value, err := with.sum(0, func(t int) float64 {
		if b.activeIn(t) {
			return val
		}
		return 0
	}, val)
	if err != nil {
		return BenefitEffect{}, err
	}
	cost, err := with.sum(0, func(t int) float64 {
		if b.activeIn(t) {
			return cst
		}
		return 0
	}, cst)
	if err != nil {
		return BenefitEffect{}, err
	}
	ltvWith, err := with.ltvFrom(0)
	if err != nil {
		return BenefitEffect{}, err
	}
	ltv, err := r.ltvFrom(0)
	if err != nil {
		return BenefitEffect{}, err
	}
	e := BenefitEffect{Benefit: b.Name}
	if e.ValueToMember, err = cent(value); err != nil {
		return BenefitEffect{}, err
	}
	if e.CostToUs, err = cent(cost); err != nil {
		return BenefitEffect{}, err
	}
	if e.RetentionEffect, err = cent(ltvWith - ltv + cost); err != nil {
		return BenefitEffect{}, err
	}
	e.LifetimeValueChange = e.RetentionEffect.Sub(e.CostToUs)
	e.Reason = clv.Explanation{Rule: RuleAddBenefit, Terms: []clv.Term{
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
// period (each benefit's CostPerPeriod, once delivered) within budget
// (money, at least zero). Up to 16 candidates it tries every subset;
// beyond, it adds benefits greedily, each time the one with the largest
// lifetime-value gain per unit of cost (gain itself for free ones) that
// fits, while the gain is positive. Ties prefer fewer benefits, then names
// in order. Candidates must have names unique among themselves and the
// rundle's benefits; errors otherwise as LifetimeValue.
func (r Rundle) BestBenefits(candidates []Benefit, budget decimal.Decimal) (Selection, error) {
	if err := r.validate(); err != nil {
		return Selection{}, err
	}
	if budget.Sign() < 0 {
		return Selection{}, fmt.Errorf("%w: negative budget %s", ErrInvalidInput, budget)
	}
	all := r
	all.Benefits = append(slices.Clone(r.Benefits), candidates...)
	if err := all.validate(); err != nil {
		return Selection{}, err
	}
	cands := slices.Clone(candidates)
	slices.SortStableFunc(cands, func(a, b Benefit) int { return strings.Compare(a.Name, b.Name) })
	eval := func(set []Benefit) (float64, decimal.Decimal, error) {
		with := r
		with.Benefits = append(slices.Clone(r.Benefits), set...)
		cost := decimal.Zero
		for _, b := range set {
			cost = cost.Add(b.CostPerPeriod)
		}
		v, err := with.ltvFrom(0)
		return v, cost, err
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
				score := math.Inf(1)
				if c := b.CostPerPeriod.InexactFloat64(); c > 0 {
					score = gain / c
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
			if bestV, _, err = eval(best); err != nil {
				return Selection{}, err
			}
		}
	}
	sel.Benefits = names(best)
	for _, b := range best {
		sel.CostPerPeriod = sel.CostPerPeriod.Add(b.CostPerPeriod)
	}
	if sel.LifetimeValue, err = cent(bestV); err != nil {
		return Selection{}, err
	}
	sel.Reason = clv.Explanation{Rule: RuleBestBenefits, Facts: []clv.Fact{
		{Name: "cost per period", Value: sel.CostPerPeriod.String(), Op: clv.OpAtMost, Limit: budget.String(), Held: true},
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
	// the others' staying as they are: Σ (1−c)·CLVᵢ + c·LTV, rounded to the
	// cent (half to even).
	AsMembers decimal.Decimal
	// Gain is AsMembers − AsBuyers.
	Gain decimal.Decimal
}

// CompareConversion values a segment (customer values from
// clv.LifetimeValue; a value may be negative, a customer who costs more
// than they bring) as buyers and as rundle members at conversion rate c in
// [0, 1]. An empty segment is worth zero either way. It returns an error
// for c outside [0, 1] or NaN, a duplicate customer ID (naming it), and as
// LifetimeValue.
func (r Rundle) CompareConversion(values []clv.CustomerValue, c float64) (Conversion, error) {
	if !(c >= 0 && c <= 1) {
		return Conversion{}, fmt.Errorf("%w: conversion rate %v outside [0, 1]", ErrInvalidInput, c)
	}
	seen := make(map[string]bool, len(values))
	for _, v := range values {
		if seen[v.ID] {
			return Conversion{}, fmt.Errorf("%w: duplicate customer ID %q", ErrInvalidInput, v.ID)
		}
		seen[v.ID] = true
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
	out.AsMembers = clv.RoundMoney(out.AsBuyers.Mul(decimal.NewFromInt(1).Sub(rate)).Add(ltv.Mul(rate).Mul(n)))
	out.Gain = out.AsMembers.Sub(out.AsBuyers)
	return out, nil
}
