package rundle

import "github.com/shopspring/decimal"

// OptimizeOptions configures the price searches.
type OptimizeOptions struct {
	// Tick is the smallest price step; zero means 0.01. Besides every
	// breakpoint the reservation prices define, the searches try a tick
	// below it: a buyer who would tie between two options is pushed to the
	// one the seller prefers. The supremum of mixed-bundling profit is
	// often approached only as the tick shrinks (Adams & Yellen's example
	// earns 229.90 with a tick of 0.05 and 229.98 with 0.01, never 230).
	Tick decimal.Decimal
	// MaxEvaluations bounds the exact search of mixed prices; zero means
	// 2,000,000. Beyond it, or with more than three components, the search
	// is coordinate ascent (see OptimizeMixed).
	MaxEvaluations int
}

func (o OptimizeOptions) tick() decimal.Decimal {
	if o.Tick.Sign() <= 0 {
		return decimal.New(1, -2)
	}
	return o.Tick
}

func ptr(d decimal.Decimal) *decimal.Decimal { return &d }

// reservations returns every buyer's reservation for component i, or for
// the bundle when i < 0.
func (m Market) reservations(i int) []decimal.Decimal {
	out := make([]decimal.Decimal, len(m.Buyers))
	for b, buyer := range m.Buyers {
		if i >= 0 {
			out[b] = buyer.Reservation[i]
			continue
		}
		for _, r := range buyer.Reservation {
			out[b] = out[b].Add(r)
		}
	}
	return out
}

// better reports whether a beats b: higher profit, then (for a
// deterministic answer) the lower prices, compared component by component.
func better(a, b Outcome) bool {
	if c := a.Profit.Cmp(b.Profit); c != 0 {
		return c > 0
	}
	return lessPricing(a.Pricing, b.Pricing)
}

func lessPricing(a, b Pricing) bool {
	val := func(p *decimal.Decimal) decimal.Decimal {
		if p == nil {
			return decimal.NewFromInt(1 << 62)
		}
		return *p
	}
	for i := range a.Separate {
		if c := val(a.Separate[i]).Cmp(val(b.Separate[i])); c != 0 {
			return c < 0
		}
	}
	return val(a.Bundle).LessThan(val(b.Bundle))
}

// OptimizeSeparate finds the profit-maximising separate prices. Without a
// bundle each component's sales depend on its own price only, so each is
// optimised alone over its reservation prices (buyers buy when
// indifferent, so a reservation price itself is the best price in its
// range): exact for any number of components.
func (m Market) OptimizeSeparate() (Outcome, error) {
	if err := m.validate(); err != nil {
		return Outcome{}, err
	}
	k := len(m.Costs)
	p := Pricing{Separate: make([]*decimal.Decimal, k)}
	for i := range k {
		var bestP *decimal.Decimal
		bestProfit := decimal.Zero
		for _, c := range candidates(m.reservations(i), decimal.Zero) {
			profit := decimal.Zero
			for _, b := range m.Buyers {
				if !b.Reservation[i].LessThan(c) {
					profit = profit.Add(c.Sub(m.Costs[i]))
				}
			}
			if bestP == nil || profit.GreaterThan(bestProfit) {
				bestP, bestProfit = ptr(c), profit
			}
		}
		if bestP == nil { // no buyers
			bestP = ptr(m.Costs[i])
		}
		p.Separate[i] = bestP
	}
	return m.Evaluate(p)
}

// OptimizePure finds the profit-maximising price of the bundle alone: exact,
// over the buyers' bundle valuations.
func (m Market) OptimizePure() (Outcome, error) {
	if err := m.validate(); err != nil {
		return Outcome{}, err
	}
	sep := make([]*decimal.Decimal, len(m.Costs))
	var best Outcome
	found := false
	for _, c := range candidates(m.reservations(-1), decimal.Zero) {
		o, err := m.Evaluate(Pricing{Separate: sep, Bundle: ptr(c)})
		if err != nil {
			return Outcome{}, err
		}
		if !found || better(o, best) {
			best, found = o, true
		}
	}
	if !found {
		return m.Evaluate(Pricing{Separate: sep, Bundle: ptr(decimal.Zero)})
	}
	return best, nil
}

// OptimizeMixed finds profit-maximising prices for the components alone and
// the bundle together. For up to three components it is exact over the
// grid of breakpoints: for each bundle price among the bundle valuations
// (and a tick below), each component price among its reservation prices,
// the bundle price minus the other components' valuations of each buyer
// (where a buyer switches between the bundle and a single), and a tick
// below each. With more components, or when that grid exceeds
// MaxEvaluations, it is coordinate ascent over the same candidates from
// the better of the separate and pure optima, until no single price
// improves (a local optimum). Either way it starts from — so never earns
// less than — the separate and pure optima.
func (m Market) OptimizeMixed(opts OptimizeOptions) (Outcome, error) {
	sep, err := m.OptimizeSeparate()
	if err != nil {
		return Outcome{}, err
	}
	pure, err := m.OptimizePure()
	if err != nil {
		return Outcome{}, err
	}
	best := sep
	if better(pure, best) {
		best = pure
	}
	k := len(m.Costs)
	tick := opts.tick()
	maxEval := opts.MaxEvaluations
	if maxEval <= 0 {
		maxEval = 2_000_000
	}
	bundleCands := candidates(m.reservations(-1), tick)
	compCands := func(i int, pb decimal.Decimal) []decimal.Decimal {
		vals := m.reservations(i)
		for _, b := range m.Buyers {
			rest := decimal.Zero
			for j, r := range b.Reservation {
				if j != i {
					rest = rest.Add(r)
				}
			}
			if v := pb.Sub(rest); v.Sign() > 0 {
				vals = append(vals, v)
			}
		}
		return candidates(vals, tick)
	}
	size := len(bundleCands)
	for i := range k {
		size *= len(compCands(i, decimal.Zero)) + len(m.Buyers)*2
	}
	try := func(p Pricing) error {
		o, err := m.Evaluate(p)
		if err != nil {
			return err
		}
		if better(o, best) {
			best = o
		}
		return nil
	}
	if k <= 3 && size*max(len(m.Buyers), 1) <= maxEval*8 {
		for _, pb := range bundleCands {
			lists := make([][]decimal.Decimal, k)
			for i := range k {
				lists[i] = compCands(i, pb)
			}
			idx := make([]int, k)
			for {
				p := Pricing{Separate: make([]*decimal.Decimal, k), Bundle: ptr(pb)}
				for i := range k {
					p.Separate[i] = ptr(lists[i][idx[i]])
				}
				if err := try(p); err != nil {
					return Outcome{}, err
				}
				j := 0
				for j < k {
					idx[j]++
					if idx[j] < len(lists[j]) {
						break
					}
					idx[j] = 0
					j++
				}
				if j == k {
					break
				}
			}
		}
		best.Reason.Rule = "bundle/mixed-exact"
		return best, nil
	}
	// Coordinate ascent from the best start, completing missing prices.
	cur := best.Pricing
	cur.Separate = append([]*decimal.Decimal(nil), cur.Separate...)
	high := decimal.Zero
	for _, v := range m.reservations(-1) {
		high = decimal.Max(high, v)
	}
	high = high.Add(decimal.NewFromInt(1))
	for i := range cur.Separate {
		if cur.Separate[i] == nil {
			cur.Separate[i] = ptr(high)
		}
	}
	if cur.Bundle == nil {
		cur.Bundle = ptr(high)
	}
	for round := 0; round < 1000; round++ {
		improved := false
		for i := -1; i < k; i++ {
			var cands []decimal.Decimal
			if i < 0 {
				cands = bundleCands
			} else {
				cands = compCands(i, *cur.Bundle)
			}
			for _, c := range cands {
				p := Pricing{Separate: append([]*decimal.Decimal(nil), cur.Separate...), Bundle: cur.Bundle}
				if i < 0 {
					p.Bundle = ptr(c)
				} else {
					p.Separate[i] = ptr(c)
				}
				o, err := m.Evaluate(p)
				if err != nil {
					return Outcome{}, err
				}
				if o.Profit.GreaterThan(best.Profit) {
					best, cur, improved = o, p, true
				}
			}
		}
		if !improved {
			break
		}
	}
	best.Reason.Rule = "bundle/mixed-coordinate-ascent"
	return best, nil
}
