package clv

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/clvkit/clvkit/internal/clip"
	"github.com/clvkit/clvkit/internal/guard"

	"github.com/clvkit/clvkit/internal/parallel"

	"github.com/shopspring/decimal"
)

// ValueOptions configures customer lifetime value. The zero value of every
// field but Steps and StepLength is a documented default.
type ValueOptions struct {
	// Steps is the number of future steps valued (required, 1 to
	// MaxValueSteps).
	Steps int
	// StepLength is the length of one step in the model's time unit
	// (required, > 0). With weekly summaries, a month is 4.345 weeks in
	// Python lifetimes' convention (30.415 days) or DaysPerMonth/7 = 4.348
	// weeks as UnitMonth measures it; say which you mean.
	StepLength float64
	// DiscountRate is the discount rate per step. With discrete discounting
	// (the default) step i's value is divided by (1+DiscountRate)^i; with
	// Continuous it is multiplied by e^(−DiscountRate·i), a continuously
	// compounded rate per step. Zero means no discounting.
	DiscountRate float64
	// Continuous selects continuous discounting.
	Continuous bool
	// Margin is the share of spend kept as profit, in (0, 1]; zero means 1
	// (value in revenue).
	Margin float64
	// RoundTo is the unit to which each customer's value is rounded, half to
	// even (banker's rounding, unbiased over a portfolio), as Money rounds to
	// the cent; zero means 0.01.
	RoundTo decimal.Decimal
}

// Validate reports options LifetimeValue would refuse, with the same error.
func (o ValueOptions) Validate() error {
	_, err := o.check()
	return err
}

func (o ValueOptions) check() (ValueOptions, error) {
	switch {
	case o.Steps < 1 || o.Steps > MaxValueSteps:
		return o, fmt.Errorf("%w: value: %d steps, want 1 to %d", ErrInvalidOptions, o.Steps, MaxValueSteps)
	case !(o.StepLength > 0) || o.StepLength*float64(o.Steps) > MaxHorizon:
		return o, fmt.Errorf("%w: value: step length %v, want a positive number with steps × step length ≤ %g", ErrInvalidOptions, o.StepLength, MaxHorizon)
	case !(o.DiscountRate >= 0) || math.IsInf(o.DiscountRate, 0):
		return o, fmt.Errorf("%w: value: discount rate %v, want a finite non-negative number", ErrInvalidOptions, o.DiscountRate)
	case !(o.Margin >= 0 && o.Margin <= 1):
		return o, fmt.Errorf("%w: value: margin %v, want a share in (0, 1] (or 0 for 1)", ErrInvalidOptions, o.Margin)
	case o.RoundTo.Sign() < 0:
		return o, fmt.Errorf("%w: value: rounding unit %s is negative", ErrInvalidOptions, o.RoundTo)
	}
	if o.Margin == 0 {
		o.Margin = 1
	}
	if o.RoundTo.Sign() == 0 {
		o.RoundTo = decimal.New(1, -2)
	}
	return o, nil
}

// CustomerValue is one customer's lifetime value.
type CustomerValue struct {
	ID string
	// SpendPerPurchase is the spend model's expected spend per purchase,
	// rounded like Value.
	SpendPerPurchase decimal.Decimal
	// ExpectedPurchases is the undiscounted expected number of purchases
	// over the whole horizon.
	ExpectedPurchases float64
	// Value is the discounted lifetime value over the horizon, after margin,
	// rounded once to the rounding unit.
	Value decimal.Decimal
}

// discountedPurchases returns Σ_{i=1..N} (E[X(i·L)] − E[X((i−1)·L)])·disc_i
// and the undiscounted total E[X(N·L)].
func discountedPurchases(expected func(t float64) float64, o ValueOptions) (float64, float64) {
	prev, total := 0.0, 0.0
	for i := 1; i <= o.Steps; i++ {
		cur := expected(float64(i) * o.StepLength)
		var disc float64
		if o.Continuous {
			disc = math.Exp(-o.DiscountRate * float64(i))
		} else {
			disc = math.Pow(1+o.DiscountRate, -float64(i))
		}
		total += (cur - prev) * disc
		prev = cur
	}
	return total, prev
}

// aliveCurver is implemented by the package's models: aliveCurve returns
// t ↦ E[X(T, T+t) | alive at T], which depends on the history only through
// (x, T) — the posterior of an alive customer does not involve t_x — so
// LifetimeValue computes it once per distinct (x, T) and scales it by each
// customer's P(alive).
type aliveCurver interface {
	aliveCurve(x int, T float64) func(t float64) float64
}

// LifetimeValue returns each customer's discounted lifetime value over the
// horizon, in input order:
//
//	value = margin × spend × Σ_{i=1..N} (E[X(i·L) | history] − E[X((i−1)·L) | history]) × disc_i
//
// where spend comes from the spend model, E[X(t) | history] is the
// transaction model's expected purchases in (T, T+t], L is the step length
// and disc_i the discount factor of step i. The maths is float64; each value
// is converted to money and rounded once at the end. Summaries are
// validated; errors name the customer.
func LifetimeValue(m TransactionModel, spend SpendModel, summaries []Summary, opts ValueOptions) ([]CustomerValue, error) {
	if guard.IsNil(m) || guard.IsNil(spend) {
		return nil, fmt.Errorf("%w: LifetimeValue needs a transaction model and a spend model, got %T and %T", ErrInvalidParams, m, spend)
	}
	o, err := opts.check()
	if err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	ac, ok := m.(aliveCurver)
	if !ok {
		return valueAll(spend, summaries, o, func(_ int, s Summary) (float64, float64, error) {
			if err := s.Validate(); err != nil {
				return 0, 0, err
			}
			return purchasesOf(m, s, o)
		})
	}
	// One alive-curve per distinct (x, T); day-resolution data has far fewer
	// of them than customers.
	keys, which, first, err := groupByXT(m, summaries)
	if err != nil {
		return nil, err
	}
	disc, total := make([]float64, len(keys)), make([]float64, len(keys))
	err = parallel.Each(len(keys), 256, func(j int) error {
		disc[j], total[j] = discountedPurchases(ac.aliveCurve(keys[j].x, keys[j].T), o)
		if !finiteIn(disc[j], 0, math.MaxFloat64) || !finiteIn(total[j], 0, math.MaxFloat64) {
			return inaccurate(m, summaries[first[j]], "expected purchases of an alive customer over the value horizon")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return valueAll(spend, summaries, o, func(i int, s Summary) (float64, float64, error) {
		pa := m.ProbabilityAlive(s)
		if !finiteIn(pa, 0, 1) {
			return 0, 0, inaccurate(m, s, "P(alive)")
		}
		return pa * disc[which[i]], pa * total[which[i]], nil
	})
}

// valueAll values every customer in parallel: purchases gives the
// discounted and the undiscounted expected purchases of one customer, and
// value = margin × spend × discounted purchases, rounded once.
func valueAll(spend SpendModel, summaries []Summary, o ValueOptions, purchases func(i int, s Summary) (disc, total float64, err error)) ([]CustomerValue, error) {
	out := make([]CustomerValue, len(summaries))
	err := parallel.Each(len(summaries), 2048, func(i int) error {
		s := summaries[i]
		disc, total, err := purchases(i, s)
		if err != nil {
			return fmt.Errorf("summary %d: %w", i, err)
		}
		spf, err := spendOf(spend, s)
		if err != nil {
			return fmt.Errorf("summary %d: %w", i, err)
		}
		rs, err1 := roundMoney(spf, o.RoundTo)
		rv, err2 := roundMoney(o.Margin*spf*disc, o.RoundTo)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("summary %d (customer %s): spend %v, discounted purchases %v: %w", i, clip.Quote(s.ID), spf, disc, ErrInvalidParams)
		}
		out[i] = CustomerValue{ID: s.ID, SpendPerPurchase: rs, ExpectedPurchases: total, Value: rv}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// spendOf returns the spend per purchase as float64, skipping the decimal
// round trip for the package's own spend models.
func spendOf(m SpendModel, s Summary) (float64, error) {
	switch sm := m.(type) {
	case GammaGamma:
		return sm.spendFloat(s)
	case FixedSpend:
		if sm.Amount.Sign() < 0 {
			break
		}
		return sm.Amount.InexactFloat64(), nil
	}
	d, err := m.SpendPerPurchase(s)
	if err != nil {
		return 0, err
	}
	return d.InexactFloat64(), nil
}

// Portfolio totals a set of customer values.
type Portfolio struct {
	Customers int
	// Total is the sum of the rounded customer values (decimal addition is
	// exact, so it reconciles with the rows).
	Total decimal.Decimal
	// Mean is Total divided by Customers, rounded half away from zero to
	// MonetaryScale decimal places, as every mean of money is (zero for no
	// customers).
	Mean decimal.Decimal
}

// SummarizeValues totals customer values.
func SummarizeValues(vs []CustomerValue) Portfolio {
	var total exactSum
	for _, v := range vs {
		total.add(v.Value)
	}
	return Portfolio{Customers: len(vs), Total: total.value(), Mean: total.mean(len(vs))}
}

// RankByValue returns the values sorted from the most to the least valuable,
// ties broken by ID ascending so that the order never depends on the input's.
// The input is not modified.
func RankByValue(vs []CustomerValue) []CustomerValue {
	out := slices.Clone(vs)
	slices.SortFunc(out, func(a, b CustomerValue) int {
		if c := b.Value.Cmp(a.Value); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}
