package rundle

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/clvkit/clvkit/clv"
	"github.com/shopspring/decimal"
)

// Sentinel errors of the package.
var (
	// ErrInvalidInput reports bad data: negative prices, mismatched lengths.
	ErrInvalidInput = errors.New("rundle: invalid input")
	// ErrInvalidConfig reports an inconsistent bundle, pricing or rundle.
	ErrInvalidConfig = errors.New("rundle: invalid configuration")
)

// Kind is what a component or benefit is, in seed 000's vocabulary.
type Kind uint8

// Kinds of components and benefits.
const (
	Product Kind = iota
	Service
	Content
	Experience
	PartnerBenefit
)

var kindNames = [...]string{"product", "service", "content", "experience", "partner benefit"}

// String returns the kind's name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Component is an item that can be sold alone or in a bundle.
type Component struct {
	Name string
	Kind Kind
	// Price is the standalone price, Cost the unit cost, PerceivedValue what
	// a typical customer thinks it is worth.
	Price, Cost, PerceivedValue decimal.Decimal
}

// Bundle is a set of components sold together at one price.
type Bundle struct {
	Name       string
	Components []Component
	Price      decimal.Decimal
}

// BundleFigures are a bundle's plain economics.
type BundleFigures struct {
	// Standalone is the sum of the components' prices; Saving is Standalone
	// minus the bundle price, SavingShare that as a share of Standalone.
	Standalone, Saving decimal.Decimal
	SavingShare        float64
	// Cost is the sum of unit costs; Margin the bundle price minus Cost,
	// MarginShare that as a share of the price.
	Cost, Margin decimal.Decimal
	MarginShare  float64
	// PerceivedValue is the sum of the components' perceived values;
	// ValueRatio that over the bundle price.
	PerceivedValue decimal.Decimal
	ValueRatio     float64
}

// Figures computes a bundle's saving, margin and perceived value.
func (b Bundle) Figures() (BundleFigures, error) {
	if len(b.Components) == 0 || b.Price.Sign() <= 0 {
		return BundleFigures{}, fmt.Errorf("%w: bundle %q needs components and a positive price", ErrInvalidConfig, b.Name)
	}
	var f BundleFigures
	for _, c := range b.Components {
		if c.Price.Sign() < 0 || c.Cost.Sign() < 0 || c.PerceivedValue.Sign() < 0 {
			return BundleFigures{}, fmt.Errorf("%w: component %q has a negative amount", ErrInvalidInput, c.Name)
		}
		f.Standalone = f.Standalone.Add(c.Price)
		f.Cost = f.Cost.Add(c.Cost)
		f.PerceivedValue = f.PerceivedValue.Add(c.PerceivedValue)
	}
	f.Saving = f.Standalone.Sub(b.Price)
	if f.Standalone.Sign() > 0 {
		f.SavingShare = f.Saving.InexactFloat64() / f.Standalone.InexactFloat64()
	}
	f.Margin = b.Price.Sub(f.Cost)
	f.MarginShare = f.Margin.InexactFloat64() / b.Price.InexactFloat64()
	f.ValueRatio = f.PerceivedValue.InexactFloat64() / b.Price.InexactFloat64()
	return f, nil
}

// Buyer holds one customer's reservation prices, one per component: the
// most they would pay for it alone. A bundle is worth the sum to them
// (additive valuations, as in Adams & Yellen 1976).
type Buyer struct {
	ID          string
	Reservation []decimal.Decimal
}

// Pricing is a price list: Separate[i] is component i's price alone (nil:
// not sold alone) and Bundle the price of all components together (nil: no
// bundle). Separate prices only is separate selling; a bundle only is pure
// bundling; both is mixed bundling.
type Pricing struct {
	Separate []*decimal.Decimal
	Bundle   *decimal.Decimal
}

// Choice is what a buyer does under a pricing.
type Choice struct {
	Buyer string
	// Items are the components bought separately, in component order.
	Items []int
	// Bundle reports that the buyer bought the bundle.
	Bundle  bool
	Paid    decimal.Decimal
	Surplus decimal.Decimal
}

// Outcome is what a pricing earns over a set of buyers.
type Outcome struct {
	Pricing                  Pricing
	Revenue, Cost, Profit    decimal.Decimal
	ConsumerSurplus          decimal.Decimal
	Choices                  []Choice
	BundlesSold, SinglesSold int
	Reason                   clv.Explanation
}

// Market is a set of components with unit costs and the buyers'
// reservation prices.
type Market struct {
	Costs  []decimal.Decimal
	Buyers []Buyer
}

func (m Market) validate() error {
	if len(m.Costs) == 0 {
		return fmt.Errorf("%w: no components", ErrInvalidConfig)
	}
	for i, c := range m.Costs {
		if c.Sign() < 0 {
			return fmt.Errorf("%w: component %d has a negative cost", ErrInvalidInput, i)
		}
	}
	for _, b := range m.Buyers {
		if len(b.Reservation) != len(m.Costs) {
			return fmt.Errorf("%w: buyer %q has %d reservation prices for %d components", ErrInvalidInput, b.ID, len(b.Reservation), len(m.Costs))
		}
		for _, r := range b.Reservation {
			if r.Sign() < 0 {
				return fmt.Errorf("%w: buyer %q has a negative reservation price", ErrInvalidInput, b.ID)
			}
		}
	}
	return nil
}

// Evaluate lets every buyer pick the option with the largest surplus
// (reservation minus price) among: nothing, any set of components sold
// separately, and the bundle. The tie rule, applied in this order: a buyer
// indifferent between buying and not buys (surplus 0 is enough); between
// options of equal surplus they take the one with more components; between
// a bundle and the same components bought separately, the bundle; then the
// set whose component indices come first. Results do not depend on the
// order of buyers (choices follow the input).
func (m Market) Evaluate(p Pricing) (Outcome, error) {
	if err := m.validate(); err != nil {
		return Outcome{}, err
	}
	k := len(m.Costs)
	if len(p.Separate) != k {
		return Outcome{}, fmt.Errorf("%w: %d separate prices for %d components", ErrInvalidConfig, len(p.Separate), k)
	}
	for i, s := range p.Separate {
		if s != nil && s.Sign() < 0 {
			return Outcome{}, fmt.Errorf("%w: component %d has a negative price", ErrInvalidConfig, i)
		}
	}
	if p.Bundle != nil && p.Bundle.Sign() < 0 {
		return Outcome{}, fmt.Errorf("%w: negative bundle price", ErrInvalidConfig)
	}
	if k > 16 {
		return Outcome{}, fmt.Errorf("%w: %d components; evaluation enumerates subsets and allows at most 16", ErrInvalidConfig, k)
	}
	if out, ok := m.evaluateInt(p); ok {
		return out, nil
	}
	return m.evaluateDecimal(p), nil
}

// evaluateDecimal is Evaluate in decimal arithmetic, for amounts that do not
// fit evaluateInt's integers.
func (m Market) evaluateDecimal(p Pricing) Outcome {
	k := len(m.Costs)
	bundleCost := decimal.Zero
	for _, c := range m.Costs {
		bundleCost = bundleCost.Add(c)
	}
	out := Outcome{Pricing: p, Choices: make([]Choice, len(m.Buyers))}
	for bi, b := range m.Buyers {
		best := Choice{Buyer: b.ID} // nothing: surplus 0
		bestN := 0
		for set := 1; set < 1<<k; set++ {
			paid, value, ok := decimal.Zero, decimal.Zero, true
			var items []int
			for i := range k {
				if set&(1<<i) == 0 {
					continue
				}
				if p.Separate[i] == nil {
					ok = false
					break
				}
				paid = paid.Add(*p.Separate[i])
				value = value.Add(b.Reservation[i])
				items = append(items, i)
			}
			if !ok {
				continue
			}
			s := value.Sub(paid)
			if c := s.Cmp(best.Surplus); c > 0 || (c == 0 && len(items) > bestN) {
				best, bestN = Choice{Buyer: b.ID, Items: items, Paid: paid, Surplus: s}, len(items)
			}
		}
		if p.Bundle != nil {
			value := decimal.Zero
			for _, r := range b.Reservation {
				value = value.Add(r)
			}
			s := value.Sub(*p.Bundle)
			if c := s.Cmp(best.Surplus); c > 0 || (c == 0 && k >= bestN) {
				best = Choice{Buyer: b.ID, Bundle: true, Paid: *p.Bundle, Surplus: s}
			}
		}
		if best.Surplus.Sign() < 0 { // cannot happen: nothing has surplus 0
			best = Choice{Buyer: b.ID}
		}
		out.Choices[bi] = best
		out.Revenue = out.Revenue.Add(best.Paid)
		out.ConsumerSurplus = out.ConsumerSurplus.Add(best.Surplus)
		if best.Bundle {
			out.BundlesSold++
			out.Cost = out.Cost.Add(bundleCost)
		}
		for _, i := range best.Items {
			out.SinglesSold++
			out.Cost = out.Cost.Add(m.Costs[i])
		}
	}
	return finish(out)
}

func finish(out Outcome) Outcome {
	out.Profit = out.Revenue.Sub(out.Cost)
	out.Reason = clv.Explanation{Rule: "bundle/evaluate", Terms: []clv.Term{
		{Name: "revenue", Amount: out.Revenue}, {Name: "unit costs", Amount: out.Cost.Neg()},
	}}
	return out
}

// scaled converts every amount to an int64 count of 10^−scale units, the
// smallest scale that holds them all exactly, when that scale is at most 9
// and every amount below 10^12: then sums of up to 16 of them cannot
// overflow.
func (m Market) scaled(p Pricing) (costs []int64, res [][]int64, sep []int64, bundle int64, scale int32, ok bool) {
	vals := append([]decimal.Decimal(nil), m.Costs...)
	for _, b := range m.Buyers {
		vals = append(vals, b.Reservation...)
	}
	for _, s := range p.Separate {
		if s != nil {
			vals = append(vals, *s)
		}
	}
	if p.Bundle != nil {
		vals = append(vals, *p.Bundle)
	}
	for _, v := range vals {
		scale = max(scale, -v.Exponent())
	}
	if scale > 9 {
		return nil, nil, nil, 0, 0, false
	}
	limit := decimal.New(1, 12)
	conv := func(v decimal.Decimal) (int64, bool) {
		if v.Abs().GreaterThanOrEqual(limit) {
			return 0, false
		}
		return v.Shift(scale).IntPart(), true
	}
	costs = make([]int64, len(m.Costs))
	for i, c := range m.Costs {
		if costs[i], ok = conv(c); !ok {
			return
		}
	}
	res = make([][]int64, len(m.Buyers))
	for b, buyer := range m.Buyers {
		res[b] = make([]int64, len(buyer.Reservation))
		for i, r := range buyer.Reservation {
			if res[b][i], ok = conv(r); !ok {
				return
			}
		}
	}
	sep = make([]int64, len(p.Separate))
	for i, s := range p.Separate {
		sep[i] = -1
		if s != nil {
			if sep[i], ok = conv(*s); !ok {
				return
			}
		}
	}
	bundle = -1
	if p.Bundle != nil {
		if bundle, ok = conv(*p.Bundle); !ok {
			return
		}
	}
	return costs, res, sep, bundle, scale, true
}

// evaluateInt is Evaluate in exact int64 arithmetic, with the same rules in
// the same order as evaluateDecimal.
func (m Market) evaluateInt(p Pricing) (Outcome, bool) {
	costs, res, sep, bundle, scale, ok := m.scaled(p)
	if !ok {
		return Outcome{}, false
	}
	k := len(costs)
	var bundleCost int64
	for _, c := range costs {
		bundleCost += c
	}
	dec := func(v int64) decimal.Decimal { return decimal.New(v, -scale) }
	var revenue, cost, surplusSum int64
	out := Outcome{Pricing: p, Choices: make([]Choice, len(m.Buyers))}
	for bi, r := range res {
		bestSet, bestN := 0, 0
		var bestSurplus, bestPaid int64
		bestBundle := false
		for set := 1; set < 1<<k; set++ {
			var paid, value int64
			n, ok := 0, true
			for i := range k {
				if set&(1<<i) == 0 {
					continue
				}
				if sep[i] < 0 {
					ok = false
					break
				}
				paid += sep[i]
				value += r[i]
				n++
			}
			if !ok {
				continue
			}
			s := value - paid
			if s > bestSurplus || (s == bestSurplus && n > bestN) {
				bestSet, bestN, bestSurplus, bestPaid = set, n, s, paid
			}
		}
		if bundle >= 0 {
			var value int64
			for _, v := range r {
				value += v
			}
			if s := value - bundle; s > bestSurplus || (s == bestSurplus && k >= bestN) {
				bestBundle, bestSet, bestSurplus, bestPaid = true, 0, s, bundle
			}
		}
		c := Choice{Buyer: m.Buyers[bi].ID, Bundle: bestBundle, Paid: dec(bestPaid), Surplus: dec(bestSurplus)}
		if bestBundle {
			out.BundlesSold++
			cost += bundleCost
		}
		for i := range k {
			if bestSet&(1<<i) != 0 {
				c.Items = append(c.Items, i)
				out.SinglesSold++
				cost += costs[i]
			}
		}
		revenue += bestPaid
		surplusSum += bestSurplus
		out.Choices[bi] = c
	}
	out.Revenue, out.Cost, out.ConsumerSurplus = dec(revenue), dec(cost), dec(surplusSum)
	return finish(out), true
}

// candidates returns the distinct values of vals and each minus tick (when
// not negative), ascending.
func candidates(vals []decimal.Decimal, tick decimal.Decimal) []decimal.Decimal {
	var out []decimal.Decimal
	for _, v := range vals {
		out = append(out, v)
		if w := v.Sub(tick); w.Sign() >= 0 {
			out = append(out, w)
		}
	}
	slices.SortFunc(out, func(a, b decimal.Decimal) int { return a.Cmp(b) })
	return slices.CompactFunc(out, func(a, b decimal.Decimal) bool { return a.Equal(b) })
}
