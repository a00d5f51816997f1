package rundle

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
)

// Sentinel errors of the package.
var (
	// ErrInvalidInput reports bad data: negative prices, mismatched
	// lengths, duplicate IDs, amounts off the price grid.
	ErrInvalidInput = errors.New("rundle: invalid input")
	// ErrInvalidConfig reports an inconsistent bundle, pricing, option or
	// rundle.
	ErrInvalidConfig = errors.New("rundle: invalid configuration")
)

// maxComponents bounds the components of a Market: Evaluate enumerates the
// subsets of components a buyer may buy separately.
const maxComponents = 16

// Kind is what a component or benefit is: a rundle keeps adding products,
// services, content and experiences, and partners' benefits. (pesca's
// Perspective names overlap — its Product, Service, Content and Experience
// are the perspectives a plan is made from, not kinds of items.)
type Kind uint8

// Kinds of components and benefits.
const (
	KindProduct Kind = iota
	KindService
	KindContent
	KindExperience
	KindPartnerBenefit
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
	// a typical customer thinks it is worth: money, each at least zero.
	Price, Cost, PerceivedValue decimal.Decimal
}

// Bundle is a set of components sold together at one price. Components may
// repeat (two of the same item); Price is money, above zero.
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

// Figures computes a bundle's saving, margin and perceived value. It returns
// an error when the bundle has no components, a price that is not
// positive, a component with a negative amount (naming it), or amounts too
// large for the float64 shares.
func (b Bundle) Figures() (BundleFigures, error) {
	if len(b.Components) == 0 || b.Price.Sign() <= 0 {
		return BundleFigures{}, fmt.Errorf("%w: bundle %q needs components and a positive price", ErrInvalidConfig, b.Name)
	}
	var f BundleFigures
	for i, c := range b.Components {
		for _, a := range []struct {
			name string
			v    decimal.Decimal
		}{{"price", c.Price}, {"cost", c.Cost}, {"perceived value", c.PerceivedValue}} {
			if a.v.Sign() < 0 {
				return BundleFigures{}, fmt.Errorf("%w: bundle %q: component %d (%q) has a negative %s %s", ErrInvalidInput, b.Name, i, c.Name, a.name, a.v)
			}
		}
		f.Standalone = f.Standalone.Add(c.Price)
		f.Cost = f.Cost.Add(c.Cost)
		f.PerceivedValue = f.PerceivedValue.Add(c.PerceivedValue)
	}
	f.Saving = f.Standalone.Sub(b.Price)
	f.Margin = b.Price.Sub(f.Cost)
	// Shares as decimal quotients (rounded to 18 places, no package-wide
	// precision read), converted once.
	share := func(num, den decimal.Decimal) float64 { return num.DivRound(den, 18).InexactFloat64() }
	if f.Standalone.Sign() > 0 {
		f.SavingShare = share(f.Saving, f.Standalone)
	}
	f.MarginShare = share(f.Margin, b.Price)
	f.ValueRatio = share(f.PerceivedValue, b.Price)
	for _, v := range []float64{f.SavingShare, f.MarginShare, f.ValueRatio} {
		if math.IsInf(v, 0) || math.IsNaN(v) {
			return BundleFigures{}, fmt.Errorf("%w: bundle %q: amounts too far apart for float64 shares", ErrInvalidInput, b.Name)
		}
	}
	return f, nil
}

// Buyer holds one customer's reservation prices, one per component: the
// most they would pay for it alone, money at least zero. A bundle is worth
// the sum to them (additive valuations, as in Adams & Yellen 1976). IDs
// must be unique within a Market.
type Buyer struct {
	ID          string
	Reservation []decimal.Decimal
}

// Pricing is a price list: Separate[i] is component i's price alone (nil:
// not sold alone) and Bundle the price of all components together (nil: no
// bundle), money at least zero. Separate prices only is separate selling; a
// bundle only is pure bundling; both is mixed bundling.
type Pricing struct {
	Separate []*decimal.Decimal
	Bundle   *decimal.Decimal
}

// String lists what is offered and at what price, leaving out what is not:
// "component 1 at 50, component 2 at 90", "bundle at 100", or "nothing
// offered".
func (p Pricing) String() string {
	var parts []string
	for i, d := range p.Separate {
		if d != nil {
			parts = append(parts, fmt.Sprintf("component %d at %s", i+1, d))
		}
	}
	if p.Bundle != nil {
		parts = append(parts, "bundle at "+p.Bundle.String())
	}
	if len(parts) == 0 {
		return "nothing offered"
	}
	return strings.Join(parts, ", ")
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

// Outcome is what a pricing earns over a set of buyers. Profit is Revenue
// minus Cost (the unit costs of what was sold); ConsumerSurplus sums the
// buyers' surpluses.
type Outcome struct {
	Pricing                  Pricing
	Revenue, Cost, Profit    decimal.Decimal
	ConsumerSurplus          decimal.Decimal
	Choices                  []Choice
	BundlesSold, SinglesSold int
	// Exact reports that an optimiser proved Pricing optimal over its
	// domain (see each optimiser); false from Evaluate and from approximate
	// searches.
	Exact  bool
	Reason clv.Explanation
}

// Market is a set of components with unit costs (money, at least zero, at
// most 16 components) and the buyers' reservation prices. A market with no
// buyers is valid and earns nothing.
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
			return fmt.Errorf("%w: component %d has a negative cost %s", ErrInvalidInput, i, c)
		}
	}
	seen := make(map[string]bool, len(m.Buyers))
	for _, b := range m.Buyers {
		if seen[b.ID] {
			return fmt.Errorf("%w: duplicate buyer ID %q", ErrInvalidInput, b.ID)
		}
		seen[b.ID] = true
		if len(b.Reservation) != len(m.Costs) {
			return fmt.Errorf("%w: buyer %q has %d reservation prices for %d components", ErrInvalidInput, b.ID, len(b.Reservation), len(m.Costs))
		}
		for i, r := range b.Reservation {
			if r.Sign() < 0 {
				return fmt.Errorf("%w: buyer %q has a negative reservation price %s for component %d", ErrInvalidInput, b.ID, r, i)
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
// order of buyers (choices follow the input). Prices need not be on any
// grid and may be below cost. It returns an error, naming the field, for an
// invalid market (no components, more than 16, negative amounts, duplicate
// buyer IDs, reservation counts that do not match) or pricing (a length
// that does not match, negative prices).
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
			return Outcome{}, fmt.Errorf("%w: component %d has a negative price %s", ErrInvalidConfig, i, s)
		}
	}
	if p.Bundle != nil && p.Bundle.Sign() < 0 {
		return Outcome{}, fmt.Errorf("%w: negative bundle price %s", ErrInvalidConfig, p.Bundle)
	}
	if k > maxComponents {
		return Outcome{}, fmt.Errorf("%w: %d components; evaluation enumerates subsets and allows at most %d", ErrInvalidConfig, k, maxComponents)
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

// RuleEvaluate is Market.Evaluate's rule: each buyer takes the option with
// the largest surplus (see Evaluate for the tie rule), and profit is revenue
// less unit costs.
const RuleEvaluate clv.Rule = "bundle/evaluate"

func finish(out Outcome) Outcome {
	out.Profit = out.Revenue.Sub(out.Cost)
	out.Reason = clv.Explanation{Rule: RuleEvaluate, Terms: []clv.Term{
		{Name: "revenue", Amount: out.Revenue}, {Name: "unit costs", Amount: out.Cost.Neg()},
	}}
	return out
}

// scaled converts every amount to an int64 count of 10^−scale units, the
// smallest scale that holds them all exactly, when that scale is at most 9
// and the largest count times (k+2)(n+1) stays below 2⁶²: then no sum of
// prices over buyers can overflow.
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
		if !v.IsZero() {
			scale = max(scale, -v.Exponent())
		}
	}
	if scale > 9 {
		return nil, nil, nil, 0, 0, false
	}
	limit := decimal.NewFromInt(math.MaxInt64 / 4 / int64(len(m.Costs)+2) / int64(len(m.Buyers)+1))
	conv := func(v decimal.Decimal) (int64, bool) {
		s := v.Shift(scale)
		if s.Abs().GreaterThanOrEqual(limit) {
			return 0, false
		}
		return s.IntPart(), true
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
