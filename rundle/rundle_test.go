package rundle

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/clvkit/clvkit/clv"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func buyers(rs ...[2]string) []Buyer {
	out := make([]Buyer, len(rs))
	for i, r := range rs {
		out[i] = Buyer{ID: string(rune('A' + i)), Reservation: []decimal.Decimal{d(r[0]), d(r[1])}}
	}
	return out
}

// Adams & Yellen style example (REFERENCES.md).
func ay() Market {
	return Market{Costs: []decimal.Decimal{d("20"), d("30")}, Buyers: buyers([2]string{"10", "90"}, [2]string{"50", "50"}, [2]string{"60", "40"}, [2]string{"90", "10"})}
}

func opera() Market {
	return Market{Costs: []decimal.Decimal{decimal.Zero, decimal.Zero}, Buyers: buyers([2]string{"85", "15"}, [2]string{"60", "60"}, [2]string{"50", "70"}, [2]string{"10", "90"})}
}

func TestBundlingOracles(t *testing.T) {
	for _, c := range []struct {
		name             string
		m                Market
		sep, pure, mixed string
		tick             string
		mixedPrices      [3]string
	}{
		{"Adams & Yellen", ay(), "150", "200", "229.90", "0.05", [3]string{"89.95", "89.95", "100"}},
		{"opera", opera(), "330", "400", "415", "0.05", [3]string{"85", "90", "120"}},
	} {
		s, err := c.m.OptimizeSeparate()
		if err != nil {
			t.Fatal(err)
		}
		p, _ := c.m.OptimizePure()
		m, err := c.m.OptimizeMixed(OptimizeOptions{Tick: d(c.tick)})
		if err != nil {
			t.Fatal(err)
		}
		if !s.Profit.Equal(d(c.sep)) || !p.Profit.Equal(d(c.pure)) || !m.Profit.Equal(d(c.mixed)) {
			t.Errorf("%s: separate %s pure %s mixed %s, want %s %s %s", c.name, s.Profit, p.Profit, m.Profit, c.sep, c.pure, c.mixed)
		}
		// The published prices earn the published profit.
		o, _ := c.m.Evaluate(Pricing{Separate: []*decimal.Decimal{ptr(d(c.mixedPrices[0])), ptr(d(c.mixedPrices[1]))}, Bundle: ptr(d(c.mixedPrices[2]))})
		if !o.Profit.Equal(d(c.mixed)) {
			t.Errorf("%s: published mixed prices earn %s", c.name, o.Profit)
		}
	}
	// A cent tick gets closer to the supremum of 230 without reaching it.
	m, _ := ay().OptimizeMixed(OptimizeOptions{})
	if !m.Profit.Equal(d("229.98")) {
		t.Errorf("mixed at a cent tick: %s", m.Profit)
	}
	sep, _ := ay().OptimizeSeparate()
	if !sep.Pricing.Separate[0].Equal(d("50")) || !sep.Pricing.Separate[1].Equal(d("90")) {
		t.Errorf("separate prices %s %s", sep.Pricing.Separate[0], sep.Pricing.Separate[1])
	}
}

func TestTieRule(t *testing.T) {
	m := Market{Costs: []decimal.Decimal{d("1"), d("1")}, Buyers: buyers([2]string{"50", "50"})}
	// Indifferent between the bundle, both singles and nothing: buys, and
	// takes the bundle.
	o, _ := m.Evaluate(Pricing{Separate: []*decimal.Decimal{ptr(d("50")), ptr(d("50"))}, Bundle: ptr(d("100"))})
	if !o.Choices[0].Bundle || o.BundlesSold != 1 {
		t.Errorf("choice %+v", o.Choices[0])
	}
	// Indifferent between one single and nothing: buys it.
	o, _ = m.Evaluate(Pricing{Separate: []*decimal.Decimal{ptr(d("50")), nil}})
	if !slices.Equal(o.Choices[0].Items, []int{0}) {
		t.Errorf("choice %+v", o.Choices[0])
	}
}

func genMarket(t *rapid.T) Market {
	k := rapid.IntRange(1, 3).Draw(t, "components")
	n := rapid.IntRange(1, 4).Draw(t, "buyers")
	m := Market{Costs: make([]decimal.Decimal, k)}
	for i := range k {
		m.Costs[i] = decimal.NewFromInt(rapid.Int64Range(0, 30).Draw(t, "cost"))
	}
	for b := range n {
		r := make([]decimal.Decimal, k)
		for i := range k {
			r[i] = decimal.NewFromInt(rapid.Int64Range(0, 100).Draw(t, "r"))
		}
		m.Buyers = append(m.Buyers, Buyer{ID: fmt.Sprint(b), Reservation: r})
	}
	return m
}

func TestPropMixedAtLeastBest(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := genMarket(t)
		s, err := m.OptimizeSeparate()
		if err != nil {
			t.Fatal(err)
		}
		p, _ := m.OptimizePure()
		x, err := m.OptimizeMixed(OptimizeOptions{Tick: decimal.NewFromInt(1)})
		if err != nil {
			t.Fatal(err)
		}
		if x.Profit.LessThan(s.Profit) || x.Profit.LessThan(p.Profit) {
			t.Fatalf("mixed %s < separate %s or pure %s", x.Profit, s.Profit, p.Profit)
		}
		// Order of buyers does not change the outcome.
		shuffled := Market{Costs: m.Costs, Buyers: rapid.Permutation(m.Buyers).Draw(t, "perm")}
		y, _ := shuffled.OptimizeMixed(OptimizeOptions{Tick: decimal.NewFromInt(1)})
		if !y.Profit.Equal(x.Profit) {
			t.Fatalf("buyer order changed the optimum: %s vs %s", x.Profit, y.Profit)
		}
		// Order of components does not change the profit of a pricing.
		perm := rapid.Permutation(rapid.SliceOfN(rapid.Just(0), len(m.Costs), len(m.Costs)).Draw(t, "z"))
		_ = perm
		if len(m.Costs) == 2 {
			sw := Market{Costs: []decimal.Decimal{m.Costs[1], m.Costs[0]}}
			for _, b := range m.Buyers {
				sw.Buyers = append(sw.Buyers, Buyer{ID: b.ID, Reservation: []decimal.Decimal{b.Reservation[1], b.Reservation[0]}})
			}
			z, _ := sw.OptimizeMixed(OptimizeOptions{Tick: decimal.NewFromInt(1)})
			if !z.Profit.Equal(x.Profit) {
				t.Fatalf("component order changed the optimum: %s vs %s", x.Profit, z.Profit)
			}
		}
		// The tie rule: nobody ends with negative surplus, and a buyer never
		// picks fewer components than an option of equal surplus offers.
		for _, c := range x.Choices {
			if c.Surplus.Sign() < 0 {
				t.Fatalf("negative surplus %+v", c)
			}
		}
	})
}

// prime is a Prime-like rundle on the high-end sBG segment, yearly.
func prime() Rundle {
	return Rundle{Name: "prime", Price: d("139"), Retention: clv.SBG{Alpha: 0.668, Beta: 3.806}, DiscountRate: 0.10}
}

func TestRundleMatchesSBG(t *testing.T) {
	r := Rundle{Price: decimal.NewFromInt(1), Retention: clv.SBG{Alpha: 0.704, Beta: 1.182}, DiscountRate: 0.10}
	ltv, err := r.LifetimeValue()
	if err != nil {
		t.Fatal(err)
	}
	del, _ := r.Retention.DEL(0.10)
	if math.Abs(ltv.InexactFloat64()-del) > 0.005 || math.Abs(del-3.6949) > 5e-4 {
		t.Errorf("rundle LTV %s, sBG DEL %v, published 3.6949", ltv, del)
	}
	// Larger prices keep the cents: DEL × 1000.
	r.Price = decimal.NewFromInt(1000)
	ltv, _ = r.LifetimeValue()
	if math.Abs(ltv.InexactFloat64()-1000*del) > 0.01 {
		t.Errorf("LTV at 1000 = %s, want %.2f", ltv, 1000*del)
	}
	for _, c := range []struct {
		m    clv.SBG
		want []float64
	}{{clv.SBG{Alpha: 3.80, Beta: 15.20}, []float64{3.31, 3.45, 3.59, 3.72, 3.84}}} {
		r := Rundle{Price: decimal.NewFromInt(100), Retention: c.m, DiscountRate: 0.10}
		for k, want := range c.want {
			v, err := r.ResidualValue(k + 1)
			if err != nil {
				t.Fatal(err)
			}
			exact, _ := c.m.DERL(0.10, k+1)
			if math.Abs(v.InexactFloat64()-100*exact) > 0.01 || math.Abs(exact-want) > 0.006 {
				t.Errorf("residual after %d payments %s, sBG DERL %.4f, published %.2f", k+1, v, exact, want)
			}
		}
	}
}

func TestAddBenefitAndTimeline(t *testing.T) {
	r := prime()
	video := Benefit{Name: "video", Kind: KindContent, ValuePerPeriod: d("96"), CostPerPeriod: d("30"), ChurnReduction: 0.15}
	e, err := r.AddBenefit(video)
	if err != nil {
		t.Fatal(err)
	}
	if !e.LifetimeValueChange.Equal(e.RetentionEffect.Sub(e.CostToUs)) || e.RetentionEffect.Sign() <= 0 || e.ValueToMember.LessThanOrEqual(e.CostToUs) {
		t.Errorf("effect %+v", e)
	}
	base, _ := r.LifetimeValue()
	r.Benefits = append(r.Benefits, video)
	with, _ := r.LifetimeValue()
	if diff := with.Sub(base).Sub(e.LifetimeValueChange).Abs(); diff.GreaterThan(d("0.02")) {
		t.Errorf("LTV %s → %s but the effect says %s", base, with, e.LifetimeValueChange)
	}
	r.Benefits = append(r.Benefits, Benefit{Name: "pharmacy", Kind: KindPartnerBenefit, ValuePerPeriod: d("40"), From: 3})
	tl, err := r.Timeline(4)
	if err != nil {
		t.Fatal(err)
	}
	if len(tl) != 4 || !tl[1].PerceivedValue.Equal(d("96")) || !tl[2].PerceivedValue.Equal(d("136")) || tl[3].Subscribed >= tl[0].Subscribed {
		t.Errorf("timeline %+v", tl)
	}
}

func TestPropFreeBenefitNeverHurts(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := Rundle{Price: decimal.NewFromInt(rapid.Int64Range(1, 500).Draw(t, "price")),
			Retention:    clv.SBG{Alpha: rapid.Float64Range(0.1, 5).Draw(t, "a"), Beta: rapid.Float64Range(0.1, 20).Draw(t, "b")},
			DiscountRate: rapid.Float64Range(0.01, 0.5).Draw(t, "d")}
		// Existing benefits cost at most the price together: with a negative
		// margin per period, keeping members longer loses money, and a free
		// benefit that cuts churn then rightly lowers the lifetime value.
		for i := range rapid.IntRange(0, 3).Draw(t, "existing") {
			r.Benefits = append(r.Benefits, Benefit{Name: fmt.Sprint("x", i), CostPerPeriod: r.Price.Div(decimal.NewFromInt(3)).Floor(),
				ChurnReduction: rapid.Float64Range(-0.3, 0.5).Draw(t, "e"), From: rapid.IntRange(0, 5).Draw(t, "from")})
		}
		e, err := r.AddBenefit(Benefit{Name: "free", ValuePerPeriod: d("10"), ChurnReduction: rapid.Float64Range(0, 0.9).Draw(t, "cut"),
			From: rapid.IntRange(0, 10).Draw(t, "start")})
		if err != nil {
			t.Fatal(err)
		}
		if e.LifetimeValueChange.LessThan(d("-0.01")) {
			t.Fatalf("a free benefit that does not raise churn lowered LTV by %s", e.LifetimeValueChange)
		}
	})
}

func TestBestBenefits(t *testing.T) {
	r := prime()
	cands := []Benefit{
		{Name: "video", ValuePerPeriod: d("96"), CostPerPeriod: d("30"), ChurnReduction: 0.15},
		{Name: "music", ValuePerPeriod: d("60"), CostPerPeriod: d("25"), ChurnReduction: 0.02},
		{Name: "shipping", ValuePerPeriod: d("120"), CostPerPeriod: d("40"), ChurnReduction: 0.30},
		{Name: "photos", ValuePerPeriod: d("10"), CostPerPeriod: d("1"), ChurnReduction: 0.01},
	}
	sel, err := r.BestBenefits(cands, d("71"))
	if err != nil {
		t.Fatal(err)
	}
	// Check against brute force by hand: every subset within budget.
	best := decimal.Zero
	for mask := 0; mask < 16; mask++ {
		rr := r
		cost := decimal.Zero
		for i := range cands {
			if mask&(1<<i) != 0 {
				rr.Benefits = append(rr.Benefits, cands[i])
				cost = cost.Add(cands[i].CostPerPeriod)
			}
		}
		if cost.GreaterThan(d("71")) {
			continue
		}
		v, _ := rr.LifetimeValue()
		best = decimal.Max(best, v)
	}
	if !sel.Exact || !sel.LifetimeValue.Equal(best) || sel.CostPerPeriod.GreaterThan(d("71")) {
		t.Errorf("selection %+v, brute force best %s", sel, best)
	}
	conv, err := r.CompareConversion([]clv.CustomerValue{{ID: "a", Value: d("100")}, {ID: "b", Value: d("300")}}, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	ltv, _ := r.LifetimeValue()
	want := d("400").Mul(d("0.75")).Add(ltv.Mul(d("0.5")))
	if !conv.AsMembers.Equal(want.RoundBank(2)) || !conv.AsBuyers.Equal(d("400")) {
		t.Errorf("conversion %+v, want members %s", conv, want)
	}
}

func FuzzEvaluate(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(func(t *rapid.T) {
		m := genMarket(t)
		k := len(m.Costs)
		p := Pricing{Separate: make([]*decimal.Decimal, k)}
		for i := range k {
			if rapid.Bool().Draw(t, "sold") {
				p.Separate[i] = ptr(decimal.NewFromInt(rapid.Int64Range(-5, 120).Draw(t, "p")))
			}
		}
		if rapid.Bool().Draw(t, "bundle") {
			p.Bundle = ptr(decimal.NewFromInt(rapid.Int64Range(-5, 300).Draw(t, "pb")))
		}
		o, err := m.Evaluate(p)
		if err != nil {
			return
		}
		if !o.Profit.Equal(o.Revenue.Sub(o.Cost)) || len(o.Choices) != len(m.Buyers) {
			t.Fatalf("outcome %+v", o)
		}
		// The integer fast path and the decimal path agree.
		slow := m.evaluateDecimal(p)
		if !slow.Profit.Equal(o.Profit) || !slow.ConsumerSurplus.Equal(o.ConsumerSurplus) || slow.BundlesSold != o.BundlesSold {
			t.Fatalf("int path %s/%s, decimal path %s/%s", o.Profit, o.ConsumerSurplus, slow.Profit, slow.ConsumerSurplus)
		}
	}))
}

func TestBundleFigures(t *testing.T) {
	b := Bundle{Name: "breakfast", Price: d("8"), Components: []Component{
		{Name: "coffee", Kind: KindProduct, Price: d("3"), Cost: d("0.5"), PerceivedValue: d("4")},
		{Name: "donut", Kind: KindProduct, Price: d("2.5"), Cost: d("0.6"), PerceivedValue: d("3")},
		{Name: "newspaper", Kind: KindContent, Price: d("3.5"), Cost: d("1.9"), PerceivedValue: d("2")},
	}}
	f, err := b.Figures()
	if err != nil {
		t.Fatal(err)
	}
	if !f.Standalone.Equal(d("9")) || !f.Saving.Equal(d("1")) || !f.Cost.Equal(d("3")) || !f.Margin.Equal(d("5")) ||
		!f.PerceivedValue.Equal(d("9")) || math.Abs(f.SavingShare-1.0/9) > 1e-12 || math.Abs(f.MarginShare-0.625) > 1e-12 || f.ValueRatio != 1.125 {
		t.Errorf("figures %+v", f)
	}
	if _, err := (Bundle{Name: "empty", Price: d("1")}).Figures(); err == nil {
		t.Error("empty bundle accepted")
	}
}
