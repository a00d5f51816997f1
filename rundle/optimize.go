package rundle

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/clvkit/clvkit/clv"
	"github.com/shopspring/decimal"
)

// ErrNotExact reports that OptimizeMixed has no exact search for a market:
// more than three components, or more evaluations than
// OptimizeOptions.MaxEvaluations allows (a *SearchCostError). Set
// OptimizeOptions.Approximate to get coordinate ascent instead.
var ErrNotExact = errors.New("rundle: no exact search within limits")

// SearchCostError is returned, wrapping ErrNotExact, when the exact mixed
// search would score more pricings than allowed.
type SearchCostError struct {
	Components, Buyers int
	// Evaluations is the search's bound on the pricings it would score;
	// MaxEvaluations the limit it exceeds.
	Evaluations    float64
	MaxEvaluations int
}

func (e *SearchCostError) Error() string {
	return fmt.Sprintf("%v: exact mixed search over %d components and %d buyers scores up to %.3g pricings, more than MaxEvaluations %d",
		ErrNotExact, e.Components, e.Buyers, e.Evaluations, e.MaxEvaluations)
}

// Unwrap returns ErrNotExact.
func (e *SearchCostError) Unwrap() error { return ErrNotExact }

// OptimizeOptions configures OptimizeMixed. The zero value asks for an exact
// search on a cent grid that never sells below cost.
type OptimizeOptions struct {
	// Tick is the price grid, in money: prices are whole multiples of it,
	// and so must be every reservation price and cost (an error names the
	// first that is not). Zero means 0.01; negative is an error. Under the
	// tie rule the best price is often one tick below a point where a buyer
	// would switch options, so the optimum depends on the grid (Adams &
	// Yellen's example earns 229.90 with a tick of 0.05 and 229.98 with
	// 0.01; the supremum 230 is never attained).
	Tick decimal.Decimal
	// MaxEvaluations bounds the pricings the exact search may score (see
	// OptimizeMixed for its cost). Zero means 1,000,000,000 (about ten
	// seconds on one core); negative is an error. Beyond it OptimizeMixed
	// returns a *SearchCostError, or with Approximate a local optimum.
	MaxEvaluations int
	// AllowBelowCost lets the search price a component below its unit cost,
	// or the bundle below the sum of the costs. By default every price is
	// at least its cost, so no sale loses money. With one or two
	// components that loses nothing: raising every price below cost to the
	// cost never lowers profit (a buyer who switches leaves a loss-making
	// option for the bundle, now at or above cost and dearer than both
	// components bought separately, or for fewer components). With three
	// that argument fails (a buyer may switch to a bundle whose third
	// component they value below its cost), so a loss leader is not ruled
	// out, though none was seen in thousands of random markets.
	AllowBelowCost bool
	// Approximate allows coordinate ascent where no exact search is
	// possible (more than three components, or past MaxEvaluations): from
	// the better of the separate and pure optima, each price in turn is set
	// to its best value given the others until a whole round gains
	// nothing. The result is a local optimum, never worse than separate or
	// pure selling, with Outcome.Exact false.
	Approximate bool
}

// resolve returns the tick and evaluation limit the options mean.
func (o OptimizeOptions) resolve() (decimal.Decimal, int, error) {
	tick := o.Tick
	switch tick.Sign() {
	case 0:
		tick = decimal.New(1, -2)
	case -1:
		return tick, 0, fmt.Errorf("%w: tick %s, want a positive amount", ErrInvalidConfig, tick)
	}
	switch {
	case o.MaxEvaluations < 0:
		return tick, 0, fmt.Errorf("%w: MaxEvaluations %d, want zero (the default) or more", ErrInvalidConfig, o.MaxEvaluations)
	case o.MaxEvaluations == 0:
		return tick, 1_000_000_000, nil
	}
	return tick, o.MaxEvaluations, nil
}

func ptr(d decimal.Decimal) *decimal.Decimal { return &d }

// OptimizeSeparate finds the profit-maximising prices for selling each
// component alone, with no bundle. Without a bundle a buyer buys component
// i exactly when its price is at most their reservation price for it, so
// each component is priced on its own; its sales fall only at reservation
// prices and profit rises with the price in between, so the best price is a
// reservation price (or the component is not offered). Only prices at or
// above the component's cost are tried, so no sale loses money. The result
// is exact over all prices for any number of components; the search sorts
// each component's reservation prices, O(k·n log n) for k components and n
// buyers. Among prices of equal profit the lowest wins; a component that
// cannot be sold at or above cost is not offered (nil price, profit 0).
func (m Market) OptimizeSeparate() (Outcome, error) {
	if err := m.validate(); err != nil {
		return Outcome{}, err
	}
	p := Pricing{Separate: make([]*decimal.Decimal, len(m.Costs))}
	for i, c := range m.Costs {
		vals := make([]decimal.Decimal, len(m.Buyers))
		for b, buyer := range m.Buyers {
			vals[b] = buyer.Reservation[i]
		}
		p.Separate[i] = bestPostedPrice(vals, c)
	}
	out, err := m.Evaluate(p)
	out.Exact = err == nil
	out.Reason.Rule = RuleSeparateExact
	return out, err
}

// The rules of the optimisers: which search priced the outcome.
const (
	// RuleSeparateExact: OptimizeSeparate's exact search over every
	// reservation price.
	RuleSeparateExact clv.Rule = "bundle/separate-exact"
	// RulePureExact: OptimizePure's exact search over every bundle
	// valuation.
	RulePureExact clv.Rule = "bundle/pure-exact"
	// RuleMixedExact: OptimizeMixed's exact search over the tick grid.
	RuleMixedExact clv.Rule = "bundle/mixed-exact"
	// RuleMixedCoordinateAscent: OptimizeMixed's local optimum by coordinate
	// ascent (OptimizeOptions.Approximate), not certified.
	RuleMixedCoordinateAscent clv.Rule = "bundle/mixed-coordinate-ascent"
)

// OptimizePure finds the profit-maximising price of the bundle of all
// components, none sold alone. A buyer buys it exactly when the price is at
// most the sum of their reservation prices, so the best price is one of
// those sums at or above the bundle's cost (the sum of unit costs): exact,
// O(n log n). Ties go to the lower price; when no buyer values the bundle
// at its cost it is not offered (nil price, profit 0).
func (m Market) OptimizePure() (Outcome, error) {
	if err := m.validate(); err != nil {
		return Outcome{}, err
	}
	total := decimal.Zero
	for _, c := range m.Costs {
		total = total.Add(c)
	}
	vals := make([]decimal.Decimal, len(m.Buyers))
	for b, buyer := range m.Buyers {
		for _, r := range buyer.Reservation {
			vals[b] = vals[b].Add(r)
		}
	}
	out, err := m.Evaluate(Pricing{Separate: make([]*decimal.Decimal, len(m.Costs)), Bundle: bestPostedPrice(vals, total)})
	out.Exact = err == nil
	out.Reason.Rule = RulePureExact
	return out, err
}

// bestPostedPrice returns the price among vals at or above cost that
// maximises (price − cost) × #{v ≥ price}, the lowest among ties, or nil
// when none is at or above cost.
func bestPostedPrice(vals []decimal.Decimal, cost decimal.Decimal) *decimal.Decimal {
	sorted := slices.Clone(vals)
	slices.SortFunc(sorted, func(a, b decimal.Decimal) int { return b.Cmp(a) })
	var best *decimal.Decimal
	bestProfit := decimal.Zero
	for j := 0; j < len(sorted); {
		v := sorted[j]
		for j < len(sorted) && sorted[j].Equal(v) {
			j++
		}
		if v.LessThan(cost) {
			break
		}
		// Descending, so ≥ keeps the lowest price among ties.
		if profit := v.Sub(cost).Mul(decimal.NewFromInt(int64(j))); best == nil || profit.GreaterThanOrEqual(bestProfit) {
			best, bestProfit = ptr(v), profit
		}
	}
	return best
}

// OptimizeMixed finds profit-maximising prices for every component alone and
// for the bundle of all of them, buyers choosing under Evaluate's tie rule.
//
// It is exact for up to three components: no pricing whose prices are
// multiples of opts.Tick, each at least its cost (unless AllowBelowCost),
// earns more. Components or the bundle may come out not offered (nil).
// Among optimal pricings found, the lower prices win (components in order,
// then the bundle), so the result does not depend on the order of buyers.
//
// The search (proof in search.go) rests on demand being piecewise constant:
// between the prices where some buyer switches options profit is linear
// and rises with every price, so an optimum sits where raising any price by
// a tick would change a choice. Each step is a sweep: all prices fixed but
// one, every price where a buyer would switch scored in O(n) for n buyers.
// With P the reservation prices, the pricings scored are at most:
//
//   - One component: bundle-price sweeps at each component price in P, and
//     component-price sweeps at each bundle valuation: about 4n².
//   - Two components: bundle prices swept at every pair of component
//     prices in P; component prices swept at bundle prices r₁ + min(r₂, p₂)
//     and min(r₁, p₁) + r₂ (a buyer indifferent between one component and
//     the bundle) and, at each bundle valuation R, at R − r − 1 tick (just
//     short of a buyer's switch to the bundle): about 8n³ (3·10⁶ scored in
//     72 ms for 100 buyers, 65 s for 1000 on one core).
//   - Three components: the optima are not all sums and differences of
//     reservation prices (an optimal price can be half of one: see
//     search.go), so every tick price of the component with the fewest (G
//     of them) is tried, and the other two are solved as above with O(n³)
//     sweeps: about 4·G·n⁴.
//
// When that count exceeds opts.MaxEvaluations, or with more than three
// components, it returns an error wrapping ErrNotExact, unless
// opts.Approximate asks for coordinate ascent (see OptimizeOptions). The
// outcome reports Exact and, in Reason, the evaluations made.
func (m Market) OptimizeMixed(opts OptimizeOptions) (Outcome, error) {
	if err := m.validate(); err != nil {
		return Outcome{}, err
	}
	tick, limit, err := opts.resolve()
	if err != nil {
		return Outcome{}, err
	}
	k := len(m.Costs)
	if k > maxComponents {
		return Outcome{}, fmt.Errorf("%w: %d components; evaluation enumerates subsets and allows at most %d", ErrInvalidConfig, k, maxComponents)
	}
	p, err := newProblem(m, tick, opts.AllowBelowCost)
	if err != nil {
		return Outcome{}, err
	}
	exact := false
	if k <= 3 {
		cost, _ := p.exactCost()
		if cost <= float64(limit) {
			p.exact()
			exact = true
		} else if !opts.Approximate {
			return Outcome{}, &SearchCostError{Components: k, Buyers: len(m.Buyers), Evaluations: cost, MaxEvaluations: limit}
		}
	} else if !opts.Approximate {
		return Outcome{}, fmt.Errorf("%w: %d components; the exact mixed search handles at most 3 (set Approximate for coordinate ascent)", ErrNotExact, k)
	}
	if !exact {
		sep, err := m.OptimizeSeparate()
		if err != nil {
			return Outcome{}, err
		}
		pure, err := m.OptimizePure()
		if err != nil {
			return Outcome{}, err
		}
		start := make([]int64, k+1)
		copy(start, p.top)
		from := sep
		if better(pure, sep) {
			from = pure
		}
		// Both optima price at reservation prices (multiples of the tick)
		// at or above cost, so they convert exactly.
		if from.Pricing.Bundle != nil {
			start[0] = toTicks(*from.Pricing.Bundle, tick)
		}
		for i, s := range from.Pricing.Separate {
			if s != nil {
				start[1+i] = toTicks(*s, tick)
			}
		}
		p.ascend(start, float64(limit))
	}
	price := func(c int) *decimal.Decimal {
		if p.best[c] >= p.top[c] {
			return nil
		}
		return ptr(decimal.NewFromInt(p.best[c]).Mul(tick))
	}
	pr := Pricing{Separate: make([]*decimal.Decimal, k), Bundle: price(0)}
	for i := range k {
		pr.Separate[i] = price(1 + i)
	}
	out, err := m.Evaluate(pr)
	if err != nil {
		return Outcome{}, err
	}
	out.Exact = exact
	out.Reason.Rule = RuleMixedExact
	if !exact {
		out.Reason.Rule = RuleMixedCoordinateAscent
	}
	out.Reason.Facts = append(out.Reason.Facts,
		clv.Fact{Name: "tick", Value: tick.String()},
		clv.Fact{Name: "evaluations", Value: strconv.FormatInt(p.evals, 10)})
	return out, nil
}

// toTicks returns v in whole ticks; v is one newProblem accepted.
func toTicks(v, tick decimal.Decimal) int64 {
	q, _ := v.QuoRem(tick, 0)
	return q.IntPart()
}

// better reports whether a beats b: higher profit, then the lower prices,
// component by component and then the bundle, not offered counting as the
// highest price.
func better(a, b Outcome) bool {
	if c := a.Profit.Cmp(b.Profit); c != 0 {
		return c > 0
	}
	cmpPrice := func(x, y *decimal.Decimal) int {
		switch {
		case x == nil && y == nil:
			return 0
		case x == nil:
			return 1
		case y == nil:
			return -1
		}
		return x.Cmp(*y)
	}
	for i := range min(len(a.Pricing.Separate), len(b.Pricing.Separate)) {
		if c := cmpPrice(a.Pricing.Separate[i], b.Pricing.Separate[i]); c != 0 {
			return c < 0
		}
	}
	return cmpPrice(a.Pricing.Bundle, b.Pricing.Bundle) < 0
}
