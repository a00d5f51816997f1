package rundle

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func ints(vs ...int64) []decimal.Decimal {
	out := make([]decimal.Decimal, len(vs))
	for i, v := range vs {
		out[i] = decimal.NewFromInt(v)
	}
	return out
}

func intMarket(costs []int64, rs ...[]int64) Market {
	m := Market{Costs: ints(costs...)}
	for b, r := range rs {
		m.Buyers = append(m.Buyers, Buyer{ID: string(rune('A' + b)), Reservation: ints(r...)})
	}
	return m
}

func prices(p Pricing) string {
	s := ""
	for _, v := range p.Separate {
		if v == nil {
			s += "- "
		} else {
			s += v.String() + " "
		}
	}
	if p.Bundle == nil {
		return s + "-"
	}
	return s + p.Bundle.String()
}

var unitTick = OptimizeOptions{Tick: decimal.NewFromInt(1)}

// Defects the optimisers once had (pricing below cost, missed mixed-bundle
// optima), each with the optimum found by hand and by the brute force
// below.
func TestOptimizersRegressions(t *testing.T) {
	// Separate selling sold good 2 at 1 against a cost of 3 (profit 2).
	m := intMarket([]int64{3, 3}, []int64{9, 1}, []int64{4, 1})
	s, err := m.OptimizeSeparate()
	if err != nil || !s.Profit.Equal(decimal.NewFromInt(6)) || prices(s.Pricing) != "9 - -" || !s.Exact {
		t.Errorf("separate: %s at %s, %v", s.Profit, prices(s.Pricing), err)
	}
	// Pure bundling sold below cost (−4).
	m = intMarket([]int64{3, 3}, []int64{1, 1})
	p, err := m.OptimizePure()
	if err != nil || !p.Profit.IsZero() || p.Pricing.Bundle != nil || p.BundlesSold != 0 {
		t.Errorf("pure: %s at %s, %v", p.Profit, prices(p.Pricing), err)
	}
	// Mixed bundling missed the bundle price p₁ + r₂ (27 instead of 28).
	m = intMarket([]int64{0, 0}, []int64{8, 0}, []int64{0, 5}, []int64{10, 2}, []int64{1, 8})
	x, err := m.OptimizeMixed(unitTick)
	if err != nil || !x.Profit.Equal(decimal.NewFromInt(28)) || !x.Exact {
		t.Errorf("mixed: %s at %s, %v", x.Profit, prices(x.Pricing), err)
	}
	if o, _ := m.Evaluate(Pricing{Separate: []*decimal.Decimal{ptr(d("8")), ptr(d("5"))}, Bundle: ptr(d("10"))}); !o.Profit.Equal(d("28")) {
		t.Errorf("(8, 5, 10) earns %s", o.Profit)
	}
	// Three goods: a grid search found 57 where the optimiser found 56.
	m = intMarket([]int64{0, 1, 1}, []int64{8, 8, 8}, []int64{10, 9, 4}, []int64{5, 3, 3}, []int64{9, 2, 9})
	x, err = m.OptimizeMixed(unitTick)
	if err != nil || !x.Profit.Equal(decimal.NewFromInt(57)) {
		t.Errorf("three goods: %s at %s, %v", x.Profit, prices(x.Pricing), err)
	}
	// Three goods whose only optimum has prices that are no sum or
	// difference of reservation prices: 7 = (15 − 1 − 0)/2 (search.go).
	m = intMarket([]int64{2, 2, 2}, []int64{8, 8, 0}, []int64{8, 0, 8}, []int64{0, 8, 8}, []int64{5, 5, 5})
	x, err = m.OptimizeMixed(unitTick)
	if err != nil || !x.Profit.Equal(decimal.NewFromInt(39)) || prices(x.Pricing) != "7 7 7 15" {
		t.Errorf("triangle: %s at %s, %v", x.Profit, prices(x.Pricing), err)
	}
	if best, at := bruteForce(m, false); best != 39 || prices(at) != "7 7 7 15" {
		t.Errorf("brute force on the triangle: %d at %s", best, prices(at))
	}
}

// choose is Evaluate's tie rule written out independently over whole
// numbers: the option of largest surplus; ties to more components, then
// the bundle over the same components bought separately, then the subset
// enumerated first. It returns the seller's margin on the buyer.
func choose(r, cost, sep []int64, bundle int64) int64 {
	k := len(r)
	bestS, bestN, bestM := int64(0), 0, int64(0)
	for set := 1; set < 1<<k; set++ {
		var s, mg int64
		n, ok := 0, true
		for i := range k {
			if set&(1<<i) == 0 {
				continue
			}
			if sep[i] < 0 {
				ok = false
				break
			}
			s += r[i] - sep[i]
			mg += sep[i] - cost[i]
			n++
		}
		if ok && (s > bestS || (s == bestS && n > bestN)) {
			bestS, bestN, bestM = s, n, mg
		}
	}
	if bundle >= 0 {
		var s, c int64
		for i := range k {
			s += r[i]
			c += cost[i]
		}
		if s -= bundle; s > bestS || (s == bestS && k >= bestN) {
			bestM = bundle - c
		}
	}
	return bestM
}

// bruteForce tries every whole-number pricing from the costs (zero with
// belowCost) to one above the largest reservation price (the bundle: the
// largest valuation), plus not offered, and returns the best profit and the
// lowest-priced pricing earning it (components in order, then the bundle).
func bruteForce(m Market, belowCost bool) (int64, Pricing) {
	k := len(m.Costs)
	cost := make([]int64, k)
	var total, maxR int64
	hi := make([]int64, k)
	for i, c := range m.Costs {
		cost[i] = c.IntPart()
		total += cost[i]
	}
	rs := make([][]int64, len(m.Buyers))
	for b, buyer := range m.Buyers {
		rs[b] = make([]int64, k)
		var s int64
		for i, v := range buyer.Reservation {
			rs[b][i] = v.IntPart()
			hi[i] = max(hi[i], rs[b][i]+1)
			s += rs[b][i]
		}
		maxR = max(maxR, s)
	}
	lo := func(c int64) int64 {
		if belowCost {
			return 0
		}
		return c
	}
	// Values in ascending order with −1 (not offered) last, so that the
	// first pricing of the best profit met in enumeration order is the
	// lowest-priced one.
	axis := func(from, to int64) []int64 {
		var out []int64
		for v := from; v <= to; v++ {
			out = append(out, v)
		}
		return append(out, -1)
	}
	axes := make([][]int64, k+1)
	for i := range k {
		axes[i] = axis(lo(cost[i]), max(hi[i], lo(cost[i])))
	}
	axes[k] = axis(lo(total), max(maxR+1, lo(total)))
	best, bestAt := int64(-1<<62), []int64(nil)
	idx := make([]int, k+1)
	sep := make([]int64, k)
	for {
		for i := range k {
			sep[i] = axes[i][idx[i]]
		}
		pb := axes[k][idx[k]]
		var v int64
		for _, r := range rs {
			v += choose(r, cost, sep, pb)
		}
		if v > best {
			best, bestAt = v, append(slices.Clone(sep), pb)
		}
		// Odometer, component 0 slowest and the bundle fastest: the
		// enumeration is lexicographic in (p₁, …, p_k, bundle).
		j := k
		for j >= 0 {
			idx[j]++
			if idx[j] < len(axes[j]) {
				break
			}
			idx[j] = 0
			j--
		}
		if j < 0 {
			break
		}
	}
	out := Pricing{Separate: make([]*decimal.Decimal, k)}
	for i := range k {
		if bestAt[i] >= 0 {
			out.Separate[i] = ptr(decimal.NewFromInt(bestAt[i]))
		}
	}
	if bestAt[k] >= 0 {
		out.Bundle = ptr(decimal.NewFromInt(bestAt[k]))
	}
	return best, out
}

func genIntMarket(t *rapid.T, k int) Market {
	n := rapid.IntRange(1, map[int]int{1: 6, 2: 5, 3: 4}[k]).Draw(t, "buyers")
	hi := rapid.Int64Range(1, 8).Draw(t, "range")
	costs := make([]int64, k)
	for i := range costs {
		costs[i] = rapid.Int64Range(0, 4).Draw(t, "cost")
	}
	var rs [][]int64
	for range n {
		r := make([]int64, k)
		for i := range r {
			r[i] = rapid.Int64Range(0, hi).Draw(t, "r")
		}
		rs = append(rs, r)
	}
	return intMarket(costs, rs...)
}

// The exact search matches an exhaustive grid search, on random markets of
// small whole-number reservation prices and costs.
func TestPropMixedMatchesBruteForce(t *testing.T) {
	for _, k := range []int{1, 2, 3} {
		for _, below := range []bool{false, true} {
			t.Run(fmt.Sprintf("k=%d/belowCost=%v", k, below), func(t *testing.T) {
				rapid.Check(t, func(t *rapid.T) {
					m := genIntMarket(t, k)
					x, err := m.OptimizeMixed(OptimizeOptions{Tick: decimal.NewFromInt(1), AllowBelowCost: below})
					if err != nil {
						t.Fatal(err)
					}
					best, at := bruteForce(m, below)
					if !x.Profit.Equal(decimal.NewFromInt(best)) {
						t.Fatalf("optimiser %s at %s, brute force %d at %s", x.Profit, prices(x.Pricing), best, prices(at))
					}
					if !below {
						assertNoLossSale(t, m, x)
					}
				})
			})
		}
	}
}

// The separate and pure optimisers match a grid search over their own
// domains, and the mixed optimum is at least both.
func TestPropSeparatePureMatchBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		k := rapid.IntRange(1, 3).Draw(t, "k")
		m := genIntMarket(t, k)
		s, err := m.OptimizeSeparate()
		if err != nil {
			t.Fatal(err)
		}
		p, err := m.OptimizePure()
		if err != nil {
			t.Fatal(err)
		}
		var bestS, bestP int64 = -1 << 62, -1 << 62
		cost := make([]int64, k)
		for i := range k {
			cost[i] = m.Costs[i].IntPart()
		}
		// Every bundle price from 0 (below cost too) to 30, above every
		// valuation, or not offered.
		for v := int64(-1); v <= 30; v++ {
			var total int64
			for _, b := range m.Buyers {
				r := make([]int64, k)
				for i := range k {
					r[i] = b.Reservation[i].IntPart()
				}
				total += choose(r, cost, slices.Repeat([]int64{-1}, k), v)
			}
			bestP = max(bestP, total)
		}
		// Separate: components are independent without a bundle; every
		// price from 0 to 10, or not offered (profit 0).
		bestS = 0
		for i := range k {
			best := int64(0)
			for v := int64(0); v <= 10; v++ {
				var total int64
				for _, b := range m.Buyers {
					if b.Reservation[i].IntPart() >= v {
						total += v - cost[i]
					}
				}
				best = max(best, total)
			}
			bestS += best
		}
		if !s.Profit.Equal(decimal.NewFromInt(bestS)) || !p.Profit.Equal(decimal.NewFromInt(bestP)) {
			t.Fatalf("separate %s (want %d), pure %s (want %d)", s.Profit, bestS, p.Profit, bestP)
		}
		assertNoLossSale(t, m, s)
		assertNoLossSale(t, m, p)
		x, err := m.OptimizeMixed(unitTick)
		if err != nil {
			t.Fatal(err)
		}
		if x.Profit.LessThan(s.Profit) || x.Profit.LessThan(p.Profit) {
			t.Fatalf("mixed %s below separate %s or pure %s", x.Profit, s.Profit, p.Profit)
		}
	})
}

// assertNoLossSale checks that every offered price is at least its cost,
// so no sale loses money.
func assertNoLossSale(t interface{ Fatalf(string, ...any) }, m Market, o Outcome) {
	total := decimal.Zero
	for i, c := range m.Costs {
		total = total.Add(c)
		if s := o.Pricing.Separate[i]; s != nil && s.LessThan(c) {
			t.Fatalf("component %d priced %s below its cost %s", i, s, c)
		}
	}
	if b := o.Pricing.Bundle; b != nil && b.LessThan(total) {
		t.Fatalf("bundle priced %s below its cost %s", b, total)
	}
	for _, c := range o.Choices {
		if c.Bundle && c.Paid.LessThan(total) {
			t.Fatalf("bundle sold at a loss: %+v", c)
		}
	}
}

func TestOptimizeMixedLimits(t *testing.T) {
	four := Market{Costs: ints(1, 1, 1, 1), Buyers: []Buyer{
		{ID: "a", Reservation: ints(5, 1, 3, 2)}, {ID: "b", Reservation: ints(2, 6, 1, 4)}, {ID: "c", Reservation: ints(3, 3, 3, 3)}}}
	if _, err := four.OptimizeMixed(unitTick); !errors.Is(err, ErrNotExact) {
		t.Errorf("four components: %v, want ErrNotExact", err)
	}
	x, err := four.OptimizeMixed(OptimizeOptions{Tick: decimal.NewFromInt(1), Approximate: true})
	if err != nil || x.Exact || x.Reason.Rule != "bundle/mixed-coordinate-ascent" {
		t.Fatalf("approximate: %+v, %v", x, err)
	}
	s, _ := four.OptimizeSeparate()
	p, _ := four.OptimizePure()
	if x.Profit.LessThan(s.Profit) || x.Profit.LessThan(p.Profit) {
		t.Errorf("approximate %s below separate %s or pure %s", x.Profit, s.Profit, p.Profit)
	}
	assertNoLossSale(t, four, x)

	m := ay()
	_, err = m.OptimizeMixed(OptimizeOptions{MaxEvaluations: 10})
	var cost *SearchCostError
	if !errors.As(err, &cost) || !errors.Is(err, ErrNotExact) || cost.Buyers != 4 || cost.Components != 2 || cost.Evaluations <= 10 || cost.MaxEvaluations != 10 ||
		!strings.Contains(err.Error(), "more than MaxEvaluations 10") {
		t.Errorf("budget: %v", err)
	}
	x, err = m.OptimizeMixed(OptimizeOptions{MaxEvaluations: 10, Tick: d("0.05"), Approximate: true})
	if err != nil || x.Exact || x.Profit.LessThan(d("200")) {
		t.Errorf("approximate within a tiny budget: %s, %v", x.Profit, err)
	}
	for _, o := range []OptimizeOptions{{Tick: d("-0.01")}, {MaxEvaluations: -1}, {Tick: d("0.07")}} {
		if _, err := m.OptimizeMixed(o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
	// Amounts off the cent grid need a finer tick.
	m.Buyers[0].Reservation[0] = d("10.005")
	if _, err := m.OptimizeMixed(OptimizeOptions{}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("off-grid reservation: %v", err)
	}
	if x, err := m.OptimizeMixed(OptimizeOptions{Tick: d("0.005")}); err != nil || !x.Exact {
		t.Errorf("finer tick: %v", err)
	}
	// No buyers: nothing offered, nothing earned.
	x, err = Market{Costs: ints(1, 2)}.OptimizeMixed(OptimizeOptions{})
	if err != nil || !x.Profit.IsZero() || x.Pricing.Bundle != nil || x.Pricing.Separate[0] != nil {
		t.Errorf("empty market: %+v, %v", x, err)
	}
}

// benchMarket returns n buyers with reservation prices drawn uniformly from
// 0.00 to 100.00 (on the default cent grid, nearly all distinct: the
// search's worst case) and costs 10, 20 and 15.
func benchMarket(n, k int, seed uint64) Market {
	rng := rand.New(rand.NewPCG(seed, 7))
	m := Market{Costs: ints(10, 20, 15)[:k]}
	for b := range n {
		r := make([]decimal.Decimal, k)
		for i := range r {
			r[i] = decimal.New(rng.Int64N(10001), -2)
		}
		m.Buyers = append(m.Buyers, Buyer{ID: fmt.Sprint(b), Reservation: r})
	}
	return m
}

func BenchmarkOptimizeMixed(b *testing.B) {
	for _, c := range []struct{ k, n int }{{1, 100}, {1, 1000}, {1, 10000}, {2, 100}, {2, 300}, {2, 1000}, {2, 10000}, {3, 3}, {3, 6}} {
		m := benchMarket(c.n, c.k, 1)
		opts := OptimizeOptions{MaxEvaluations: 1 << 62}
		p, _ := newProblem(m, decimal.New(1, -2), false)
		if cost, _ := p.exactCost(); cost > 2e11 {
			b.Run(fmt.Sprintf("k=%d/buyers=%d", c.k, c.n), func(b *testing.B) {
				b.Skipf("about %.2g evaluations: not feasible", cost)
			})
			continue
		}
		b.Run(fmt.Sprintf("k=%d/buyers=%d", c.k, c.n), func(b *testing.B) {
			for b.Loop() {
				if _, err := m.OptimizeMixed(opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Evaluate's integer path scaled amounts below 10¹² by up to 10⁹ into
// int64 and could wrap around; such markets now take the decimal path.
func TestEvaluateLargeAmountsAtFineScale(t *testing.T) {
	m := Market{Costs: []decimal.Decimal{d("1")}, Buyers: []Buyer{{ID: "a", Reservation: []decimal.Decimal{d("99999999999.123456789")}}}}
	p := Pricing{Separate: []*decimal.Decimal{ptr(d("99999999999.123456789"))}}
	o, err := m.Evaluate(p)
	if err != nil || !o.Profit.Equal(d("99999999998.123456789")) || !o.Profit.Equal(m.evaluateDecimal(p).Profit) {
		t.Errorf("profit %s, %v", o.Profit, err)
	}
}
