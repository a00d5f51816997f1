package clv

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

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
	// even (banker's rounding, unbiased over a portfolio); zero means 0.01.
	RoundTo decimal.Decimal
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

// roundMoney converts v to a decimal rounded half to even to a multiple of
// unit. The number rounded is v's shortest decimal representation (what
// strconv prints and decimal.NewFromFloat gives), so 2.675 rounds to 2.68.
// Powers of ten take an integer path; other units use exact decimal quotient
// and remainder (no package-wide division precision is read).
func roundMoney(v float64, unit decimal.Decimal) (decimal.Decimal, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return decimal.Decimal{}, fmt.Errorf("%w: non-finite money value %v", ErrInvalidParams, v)
	}
	if unit.Equal(decimal.New(1, unit.Exponent())) {
		if d, ok := roundPow10(v, -unit.Exponent()); ok {
			return d, nil
		}
	}
	return roundUnit(v, unit), nil
}

// roundUnit is roundMoney for any unit, in decimal arithmetic.
func roundUnit(v float64, unit decimal.Decimal) decimal.Decimal {
	q, r := decimal.NewFromFloat(v).QuoRem(unit, 0)
	switch c := r.Abs().Mul(decimal.NewFromInt(2)).Cmp(unit); {
	case c > 0, c == 0 && q.Mod(decimal.NewFromInt(2)).Sign() != 0:
		if r.Sign() < 0 {
			q = q.Sub(decimal.NewFromInt(1))
		} else {
			q = q.Add(decimal.NewFromInt(1))
		}
	}
	return q.Mul(unit)
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
	if m == nil || spend == nil {
		return nil, fmt.Errorf("%w: LifetimeValue needs a transaction model and a spend model, got %v and %v", ErrInvalidParams, m, spend)
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
			disc, total := discountedPurchases(func(t float64) float64 { return m.ExpectedPurchases(s, t) }, o)
			if !finiteIn(disc, 0, math.MaxFloat64) || !finiteIn(total, 0, math.MaxFloat64) {
				return 0, 0, inaccurate(m, s, "expected purchases over the value horizon")
			}
			return disc, total, nil
		})
	}
	// One alive-curve per distinct (x, T); day-resolution data has far fewer
	// of them than customers.
	keys, which, first, err := groupByXT(summaries)
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
			return fmt.Errorf("summary %d (customer %q): spend %v, discounted purchases %v: %w", i, s.ID, spf, disc, ErrInvalidParams)
		}
		out[i] = CustomerValue{ID: s.ID, SpendPerPurchase: rs, ExpectedPurchases: total, Value: rv}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// roundPow10 rounds the shortest decimal form of v half to even to places
// decimal places, in integer arithmetic. It reports false when the result
// would not fit in an int64 coefficient.
func roundPow10(v float64, places int32) (decimal.Decimal, bool) {
	if places < 0 || places > 18 {
		return decimal.Decimal{}, false
	}
	var buf [32]byte
	b := strconv.AppendFloat(buf[:0], v, 'e', -1, 64) // [-]d[.ddd]e±xx
	neg := b[0] == '-'
	if neg {
		b = b[1:]
	}
	e := bytes.IndexByte(b, 'e')
	exp, err := strconv.Atoi(string(b[e+1:]))
	if err != nil {
		return decimal.Decimal{}, false
	}
	var digits []byte
	for _, c := range b[:e] {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	// v = 0.d1d2d3… × 10^(exp+1); keep the digits before position
	// exp+1+places and round on the rest.
	keep := exp + 1 + int(places)
	if keep > 18 {
		return decimal.Decimal{}, false
	}
	var q int64
	for i := 0; i < keep && i < len(digits); i++ {
		q = q*10 + int64(digits[i]-'0')
	}
	for i := len(digits); i < keep; i++ {
		q *= 10
	}
	if keep >= 0 && keep < len(digits) {
		first := digits[keep]
		rest := false
		for _, c := range digits[keep+1:] {
			if c != '0' {
				rest = true
				break
			}
		}
		if first > '5' || (first == '5' && (rest || q%2 == 1)) {
			q++
		}
	} else if keep < 0 {
		q = 0 // |v| < half a unit
	}
	if neg {
		q = -q
	}
	return decimal.New(q, -places), true
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
	// Mean is Total divided by Customers, rounded half away from zero to 10
	// decimal places (zero for no customers).
	Mean decimal.Decimal
}

// SummarizeValues totals customer values.
func SummarizeValues(vs []CustomerValue) Portfolio {
	p := Portfolio{Customers: len(vs)}
	for _, v := range vs {
		p.Total = p.Total.Add(v.Value)
	}
	if len(vs) > 0 {
		p.Mean = p.Total.DivRound(decimal.NewFromInt(int64(len(vs))), 10)
	}
	return p
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
