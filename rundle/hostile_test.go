package rundle

import (
	"math"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// Hostile inputs: every exported function of the package, called with
// generated values that include NaN, ±Inf, negative, huge and tiny amounts,
// empty and nil slices and duplicate IDs, must not panic, and must return
// either an error or a result satisfying its documented invariants.

var hostileMoney = rapid.SampledFrom([]decimal.Decimal{
	decimal.Zero, decimal.NewFromInt(1), decimal.NewFromInt(3), decimal.NewFromInt(7), decimal.NewFromInt(20),
	decimal.NewFromInt(-1), decimal.RequireFromString("0.01"), decimal.RequireFromString("0.005"),
	decimal.RequireFromString("10.05"), decimal.RequireFromString("1e-20"), decimal.RequireFromString("-1e30"),
	decimal.RequireFromString("123456789012345678901234567890"), decimal.RequireFromString("1e400"),
	decimal.RequireFromString("9223372036854775807"), decimal.RequireFromString("0.00"),
})

var hostileFloat = rapid.SampledFrom([]float64{
	math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1), -1, 0.5, 1, 2, 0.05, 0.999,
	1e-300, 1e300, math.MaxFloat64, math.SmallestNonzeroFloat64, 5e-7,
})

var hostileInt = rapid.SampledFrom([]int{-1 << 62, -1, 0, 1, 2, 3, 17, 1 << 40, math.MaxInt})

// saneMoney is a valid amount: on the default cent grid mostly, whole
// units sometimes.
var saneMoney = rapid.Custom(func(t *rapid.T) decimal.Decimal {
	return decimal.New(rapid.Int64Range(0, 40).Draw(t, "units"), -rapid.Int32Range(0, 2).Draw(t, "places"))
})

func genHostileMarket(t *rapid.T) Market {
	if rapid.Bool().Draw(t, "sane") {
		// Valid, so that the optimisers' success paths are reached.
		k := rapid.IntRange(1, 3).Draw(t, "k")
		m := Market{Costs: make([]decimal.Decimal, k)}
		for i := range m.Costs {
			m.Costs[i] = saneMoney.Draw(t, "cost")
		}
		for b := range rapid.IntRange(0, map[int]int{1: 6, 2: 5, 3: 3}[k]).Draw(t, "buyers") {
			r := make([]decimal.Decimal, k)
			for i := range r {
				r[i] = saneMoney.Draw(t, "r")
			}
			m.Buyers = append(m.Buyers, Buyer{ID: string(rune('a' + b)), Reservation: r})
		}
		return m
	}
	k := rapid.IntRange(0, 4).Draw(t, "k")
	if rapid.IntRange(0, 30).Draw(t, "many") == 0 {
		k = 17
	}
	var m Market
	if k > 0 || rapid.Bool().Draw(t, "nilCosts") {
		m.Costs = make([]decimal.Decimal, k)
	}
	for i := range m.Costs {
		m.Costs[i] = hostileMoney.Draw(t, "cost")
	}
	for range rapid.IntRange(0, 4).Draw(t, "buyers") {
		n := k
		switch rapid.IntRange(0, 10).Draw(t, "shape") {
		case 0:
			n = -1 // nil
		case 1:
			n = k + 1
		}
		b := Buyer{ID: rapid.SampledFrom([]string{"a", "b", "c", "d", ""}).Draw(t, "id")}
		if n >= 0 {
			b.Reservation = make([]decimal.Decimal, n)
			for i := range b.Reservation {
				b.Reservation[i] = hostileMoney.Draw(t, "r")
			}
		}
		m.Buyers = append(m.Buyers, b)
	}
	return m
}

func genHostilePricing(t *rapid.T, k int, money *rapid.Generator[decimal.Decimal]) Pricing {
	n := k
	if rapid.IntRange(0, 10).Draw(t, "mismatch") == 0 {
		n = k + 1
	}
	p := Pricing{Separate: make([]*decimal.Decimal, n)}
	for i := range p.Separate {
		if rapid.Bool().Draw(t, "offered") {
			p.Separate[i] = ptr(money.Draw(t, "price"))
		}
	}
	if rapid.Bool().Draw(t, "bundle") {
		p.Bundle = ptr(money.Draw(t, "bundlePrice"))
	}
	return p
}

func checkMarket(t *rapid.T) {
	m := genHostileMarket(t)
	k := len(m.Costs)
	if o, err := m.Evaluate(genHostilePricing(t, k, hostileMoney)); err == nil {
		if !o.Profit.Equal(o.Revenue.Sub(o.Cost)) || len(o.Choices) != len(m.Buyers) {
			t.Fatalf("evaluate: %+v", o)
		}
		for _, c := range o.Choices {
			if c.Surplus.Sign() < 0 {
				t.Fatalf("negative surplus %+v", c)
			}
		}
	}
	// The optimisers against pricings of their own kind: on the grid of
	// small multiples of the tick, at or above cost.
	opts := OptimizeOptions{
		Tick:           rapid.SampledFrom([]decimal.Decimal{decimal.Zero, decimal.NewFromInt(1), decimal.RequireFromString("0.005"), decimal.NewFromInt(-1), decimal.RequireFromString("1e-20")}).Draw(t, "tick"),
		MaxEvaluations: rapid.SampledFrom([]int{-1, 1, 1000, 1_000_000}).Draw(t, "maxEval"),
		AllowBelowCost: rapid.Bool().Draw(t, "belowCost"),
		Approximate:    rapid.Bool().Draw(t, "approximate"),
	}
	tick := opts.Tick
	if tick.IsZero() {
		tick = decimal.New(1, -2)
	}
	gridPrice := rapid.Custom(func(t *rapid.T) decimal.Decimal {
		return tick.Mul(decimal.NewFromInt(rapid.Int64Range(0, 2500).Draw(t, "ticks")))
	})
	atLeastCost := func(p Pricing) bool {
		total := decimal.Zero
		for i, c := range m.Costs {
			total = total.Add(c)
			if i < len(p.Separate) && p.Separate[i] != nil && p.Separate[i].LessThan(c) {
				return false
			}
		}
		return p.Bundle == nil || !p.Bundle.LessThan(total)
	}
	sep, errS := m.OptimizeSeparate()
	pure, errP := m.OptimizePure()
	if errS == nil {
		assertNoLossSale(t, m, sep)
		p := genHostilePricing(t, k, gridPrice)
		p.Bundle = nil
		if o, err := m.Evaluate(p); err == nil && atLeastCost(p) && o.Profit.GreaterThan(sep.Profit) {
			t.Fatalf("separate optimum %s beaten by %s at %s", sep.Profit, o.Profit, prices(p))
		}
	}
	if errP == nil {
		assertNoLossSale(t, m, pure)
		p := Pricing{Separate: make([]*decimal.Decimal, k), Bundle: ptr(gridPrice.Draw(t, "pure"))}
		if o, err := m.Evaluate(p); err == nil && o.Profit.GreaterThan(pure.Profit) {
			t.Fatalf("pure optimum %s beaten by %s at %s", pure.Profit, o.Profit, prices(p))
		}
	}
	x, err := m.OptimizeMixed(opts)
	if err != nil {
		return
	}
	if errS != nil || errP != nil {
		t.Fatalf("mixed succeeded where separate (%v) or pure (%v) failed", errS, errP)
	}
	if !opts.AllowBelowCost {
		assertNoLossSale(t, m, x)
	}
	if x.Exact {
		if x.Profit.LessThan(sep.Profit) || x.Profit.LessThan(pure.Profit) {
			t.Fatalf("exact mixed %s below separate %s or pure %s", x.Profit, sep.Profit, pure.Profit)
		}
		for range 3 {
			p := genHostilePricing(t, k, gridPrice)
			if !opts.AllowBelowCost && !atLeastCost(p) {
				continue
			}
			if o, err := m.Evaluate(p); err == nil && o.Profit.GreaterThan(x.Profit) {
				t.Fatalf("exact mixed optimum %s at %s beaten by %s at %s", x.Profit, prices(x.Pricing), o.Profit, prices(p))
			}
		}
	} else if x.Profit.LessThan(sep.Profit) || x.Profit.LessThan(pure.Profit) {
		t.Fatalf("approximate mixed %s below separate %s or pure %s", x.Profit, sep.Profit, pure.Profit)
	}
}

func genHostileBenefit(t *rapid.T) Benefit {
	return Benefit{
		Name:           rapid.SampledFrom([]string{"a", "b", "c", ""}).Draw(t, "name"),
		Kind:           Kind(rapid.IntRange(0, 255).Draw(t, "kind")),
		ValuePerPeriod: hostileMoney.Draw(t, "value"),
		CostPerPeriod:  hostileMoney.Draw(t, "costPer"),
		From:           rapid.SampledFrom([]int{-1, 0, 1, 3, 12, 1 << 40, math.MaxInt}).Draw(t, "from"),
		ChurnReduction: rapid.SampledFrom([]float64{math.NaN(), -1, -0.5, 0, 0.2, 0.999, 1, math.Inf(1)}).Draw(t, "cut"),
	}
}

func checkRundle(t *rapid.T) {
	r := Rundle{
		Name:         "r",
		Price:        hostileMoney.Draw(t, "price"),
		Retention:    clv.SBG{Alpha: hostileFloat.Draw(t, "alpha"), Beta: hostileFloat.Draw(t, "beta")},
		DiscountRate: hostileFloat.Draw(t, "discount"),
	}
	if rapid.Bool().Draw(t, "plausible") {
		// Often valid, so that the success paths are reached.
		r.Retention = clv.SBG{Alpha: rapid.Float64Range(0.1, 5).Draw(t, "a"), Beta: rapid.Float64Range(0.1, 20).Draw(t, "b")}
		r.DiscountRate = rapid.SampledFrom([]float64{0.01, 0.1, 1, 1e-9}).Draw(t, "d")
	}
	for range rapid.IntRange(0, 3).Draw(t, "benefits") {
		r.Benefits = append(r.Benefits, genHostileBenefit(t))
	}
	// |margin| ≤ wmax, survival ≤ 1: any lifetime sum is at most
	// wmax·(1+d)/d in size.
	wmax := r.Price.InexactFloat64()
	for _, b := range r.Benefits {
		wmax += b.CostPerPeriod.InexactFloat64()
	}
	bound := wmax*(1+r.DiscountRate)/r.DiscountRate + 0.01
	if v, err := r.LifetimeValue(); err == nil && math.Abs(v.InexactFloat64()) > bound {
		t.Fatalf("lifetime value %s beyond %v", v, bound)
	}
	if v, err := r.ResidualValue(hostileInt.Draw(t, "payments")); err == nil && math.Abs(v.InexactFloat64()) > bound {
		t.Fatalf("residual value %s beyond %v", v, bound)
	}
	n := rapid.SampledFrom([]int{-1, 0, 3, maxTimelinePeriods + 1}).Draw(t, "n")
	if tl, err := r.Timeline(n); err == nil {
		if len(tl) != n {
			t.Fatalf("timeline of %d periods for %d", len(tl), n)
		}
		for i, p := range tl {
			if p.Period != i+1 || !(p.Subscribed >= 0 && p.Subscribed <= 1) || (i > 0 && p.Subscribed > tl[i-1].Subscribed) {
				t.Fatalf("timeline %+v", tl)
			}
		}
	}
	if e, err := r.AddBenefit(genHostileBenefit(t)); err == nil {
		if !e.LifetimeValueChange.Equal(e.RetentionEffect.Sub(e.CostToUs)) || e.ValueToMember.Sign() < 0 || e.CostToUs.Sign() < 0 {
			t.Fatalf("benefit effect %+v", e)
		}
	}
	var cands []Benefit
	for range rapid.IntRange(0, 3).Draw(t, "candidates") {
		b := genHostileBenefit(t)
		b.From = min(b.From, 40) // keep the subsets' sums short
		cands = append(cands, b)
	}
	budget := hostileMoney.Draw(t, "budget")
	if sel, err := r.BestBenefits(cands, budget); err == nil {
		if sel.CostPerPeriod.GreaterThan(budget) || !sel.Exact {
			t.Fatalf("selection %+v within %s", sel, budget)
		}
		for _, name := range sel.Benefits {
			if !slices.ContainsFunc(cands, func(b Benefit) bool { return b.Name == name }) {
				t.Fatalf("selected %q, not a candidate", name)
			}
		}
	}
	var values []clv.CustomerValue
	for range rapid.IntRange(0, 3).Draw(t, "customers") {
		values = append(values, clv.CustomerValue{ID: rapid.SampledFrom([]string{"x", "y", "z"}).Draw(t, "cid"), Value: hostileMoney.Draw(t, "clv")})
	}
	if c, err := r.CompareConversion(values, hostileFloat.Draw(t, "rate")); err == nil {
		if c.Customers != len(values) || !c.Gain.Equal(c.AsMembers.Sub(c.AsBuyers)) {
			t.Fatalf("conversion %+v", c)
		}
	}
}

func checkBundle(t *rapid.T) {
	b := Bundle{Name: "b", Price: hostileMoney.Draw(t, "price")}
	for range rapid.IntRange(0, 3).Draw(t, "components") {
		b.Components = append(b.Components, Component{Name: "c", Kind: Kind(rapid.IntRange(0, 255).Draw(t, "kind")),
			Price: hostileMoney.Draw(t, "p"), Cost: hostileMoney.Draw(t, "c"), PerceivedValue: hostileMoney.Draw(t, "v")})
	}
	for _, c := range b.Components {
		_ = c.Kind.String()
	}
	f, err := b.Figures()
	if err != nil {
		return
	}
	if !f.Margin.Equal(b.Price.Sub(f.Cost)) || !f.Saving.Equal(f.Standalone.Sub(b.Price)) || f.Cost.Sign() < 0 ||
		math.IsNaN(f.SavingShare) || math.IsNaN(f.MarginShare) || math.IsNaN(f.ValueRatio) || f.SavingShare > 1 || f.MarginShare > 1 {
		t.Fatalf("figures %+v", f)
	}
}

func TestHostileMarket(t *testing.T) { rapid.Check(t, checkMarket) }
func TestHostileRundle(t *testing.T) { rapid.Check(t, checkRundle) }
func TestHostileBundle(t *testing.T) { rapid.Check(t, checkBundle) }

func FuzzHostileMarket(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkMarket)) }
func FuzzHostileRundle(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkRundle)) }
func FuzzHostileBundle(f *testing.F) { f.Fuzz(rapid.MakeFuzz(checkBundle)) }
