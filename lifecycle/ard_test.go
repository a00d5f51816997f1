package lifecycle

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/clvkit/clvkit/clv"
)

// genItems draws a small knapsack: up to maxN items with costs and returns
// drawn from small ranges (so that ties are common), spread over a few
// customers, and a budget.
func genItems(t *rapid.T, maxN int) ([]*candidate, int64) {
	n := rapid.IntRange(0, maxN).Draw(t, "n")
	items := make([]*candidate, n)
	for k := range items {
		c := &candidate{eligible: true}
		c.group = [2]string{"o", rapid.SampledFrom([]string{"a", "b", "c", "d", "e", "f"}).Draw(t, "customer")}
		if rapid.IntRange(0, 3).Draw(t, "campaign") == 0 {
			c.group = [2]string{"c", fmt.Sprint(k)}
		}
		c.cost = rapid.Int64Range(0, 12).Draw(t, "cost") * rapid.SampledFrom([]int64{1, 5, 100}).Draw(t, "unit")
		c.ret = rapid.Int64Range(1, 30).Draw(t, "ret")
		c.gap = rapid.Int64Range(-5, 5).Draw(t, "gap")
		items[k] = c
	}
	return items, rapid.Int64Range(0, 600).Draw(t, "budget")
}

// bruteForce returns the best score over every subset of items with at most
// one item per group and a cost within B.
func bruteForce(items []*candidate, B int64) score {
	var best score
	for mask := 0; mask < 1<<len(items); mask++ {
		var s score
		groups := map[[2]string]bool{}
		ok := true
		for k, c := range items {
			if mask&(1<<k) == 0 {
				continue
			}
			if groups[c.group] {
				ok = false
				break
			}
			groups[c.group] = true
			s = s.plus(c)
		}
		if ok && s.cost <= B && s.better(best) {
			best = s
		}
	}
	return best
}

// checkSolution checks that a solution is feasible and that its score is
// the sum of its items.
func checkSolution(t *rapid.T, name string, items []*candidate, B int64, sol solution) {
	var s score
	groups := map[[2]string]bool{}
	for _, k := range sol.chosen {
		c := items[k]
		if groups[c.group] {
			t.Fatalf("%s: two items of group %v", name, c.group)
		}
		groups[c.group] = true
		s = s.plus(c)
	}
	if s != sol.score || s.cost > B {
		t.Fatalf("%s: score %+v for items totalling %+v within %d", name, sol.score, s, B)
	}
}

// TestPropARDExact: enumeration and dynamic programming find the brute
// force's best score — return, then cost, then gap — on every problem of up
// to 14 items; the greedy approximation never beats it and its bound never
// falls below it.
func TestPropARDExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		items, B := genItems(t, 14)
		want := bruteForce(items, B)
		for _, m := range []ARDMethod{ARDEnumeration, ARDDynamicProgramming, autoMethod} {
			sol := solve(items, B, m)
			checkSolution(t, m.String(), items, B, sol)
			if sol.score != want || !sol.exact || sol.bound != want.ret {
				t.Fatalf("%v: %+v (exact %v, bound %d), brute force %+v", m, sol.score, sol.exact, sol.bound, want)
			}
		}
		g := solve(items, B, ARDGreedy)
		checkSolution(t, "greedy", items, B, g)
		if g.exact || g.score.better(want) || g.bound < want.ret {
			t.Fatalf("greedy %+v bound %d against the optimum %+v", g.score, g.bound, want)
		}
		// With one item per group, the classic guarantee: at least half
		// the optimum.
		groups, _ := grouping(items)
		if len(groups) == len(items) && 2*g.score.ret < want.ret {
			t.Fatalf("greedy %d below half the optimum %d", g.score.ret, want.ret)
		}
	})
}

// TestPropARDLarger: on problems too large to enumerate, the dynamic
// programme is at least as good as the greedy fill and within its bound.
func TestPropARDLarger(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(20, 120).Draw(t, "n")
		items := make([]*candidate, n)
		for k := range items {
			items[k] = &candidate{eligible: true, group: [2]string{"o", fmt.Sprint(rapid.IntRange(0, n/2).Draw(t, "customer"))},
				cost: rapid.Int64Range(1, 400).Draw(t, "cost"), ret: rapid.Int64Range(1, 5000).Draw(t, "ret")}
		}
		B := rapid.Int64Range(0, 3000).Draw(t, "budget")
		dp := solve(items, B, ARDDynamicProgramming)
		g := solve(items, B, ARDGreedy)
		checkSolution(t, "dp", items, B, dp)
		checkSolution(t, "greedy", items, B, g)
		if g.score.better(dp.score) || dp.score.ret > g.bound {
			t.Fatalf("dp %+v, greedy %+v with bound %d", dp.score, g.score, g.bound)
		}
	})
}

func genDecisions(t *rapid.T) []Decision {
	n := rapid.IntRange(0, 9).Draw(t, "decisions")
	var out []Decision
	seen := map[[2]string]bool{}
	for range n {
		d := Decision{Customer: rapid.SampledFrom([]string{"ana", "ben", "cora", "dan"}).Draw(t, "customer"),
			Offer:         Offer{ID: rapid.SampledFrom([]string{"o1", "o2", "o3"}).Draw(t, "offer"), Kind: OfferKind(rapid.IntRange(0, len(kindNames)-1).Draw(t, "kind"))},
			ExpectedValue: decimal.New(rapid.Int64Range(-2000, 20000).Draw(t, "ev"), -3),
			Cost:          decimal.New(rapid.Int64Range(0, 40).Draw(t, "cost"), -1)}
		if rapid.Bool().Draw(t, "gapKnown") {
			g := decimal.New(rapid.Int64Range(-100, 500).Draw(t, "gap"), 0)
			d.PotentialGap = &g
		}
		if key := [2]string{d.Customer, d.Offer.ID}; !seen[key] {
			seen[key] = true
			out = append(out, d)
		}
	}
	return out
}

func genCampaigns(t *rapid.T) []Campaign {
	n := rapid.IntRange(0, 4).Draw(t, "campaigns")
	out := make([]Campaign, n)
	for i := range out {
		out[i] = Campaign{ID: fmt.Sprintf("k%d", i), Channel: "street",
			CAC:       decimal.New(rapid.Int64Range(1, 50).Draw(t, "cac"), 0),
			Customers: float64(rapid.IntRange(0, 5).Draw(t, "customers")) / 2,
			LTV:       decimal.New(rapid.Int64Range(-10, 200).Draw(t, "ltv"), 0)}
	}
	return out
}

// TestPropPlanARD checks the plan's invariants against the brute force:
// within the budget, the best total return, every candidate either chosen
// or left with a reason, at most one offer per customer, terms that add up,
// a split that adds up, and no dependence on the input's order.
func TestPropPlanARD(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		campaigns, decisions := genCampaigns(t), genDecisions(t)
		budget := decimal.New(rapid.Int64Range(0, 3000).Draw(t, "budget"), -1)
		opts := ARDOptions{MinLTVToCAC: rapid.SampledFrom([]float64{0, 1, 3}).Draw(t, "min"), ManyPerCustomer: rapid.Bool().Draw(t, "many")}
		p, err := PlanARD(budget, campaigns, decisions, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Exact || p.Method == ARDGreedy || !p.Gap().IsZero() {
			t.Fatalf("a small plan is not exact: %v", p.Method)
		}
		if p.Cost.GreaterThan(budget) || len(p.Chosen)+len(p.Left) != len(campaigns)+len(decisions) {
			t.Fatalf("cost %s of %s, %d + %d actions", p.Cost, budget, len(p.Chosen), len(p.Left))
		}
		// The brute force over the candidates as PlanARD sees them.
		var items []*candidate
		var cost, ret, perLever decimal.Decimal
		customers := map[string]int{}
		for _, a := range p.Chosen {
			if a.Return.Sign() <= 0 {
				t.Fatalf("%s chosen with return %s", a.ID, a.Return)
			}
			cost, ret = cost.Add(a.Cost), ret.Add(a.Return)
			if a.Customer != "" {
				customers[a.Customer]++
			}
			sum := decimal.Zero
			for _, term := range a.Reason.Terms {
				sum = sum.Add(term.Amount)
			}
			if !sum.Equal(a.Return) || a.Reason.Rule != leverRules[a.Lever] {
				t.Fatalf("%s: terms add to %s, return %s, rule %s", a.ID, sum, a.Return, a.Reason.Rule)
			}
		}
		for id, n := range customers {
			if n > 1 && !opts.ManyPerCustomer {
				t.Fatalf("%d offers to %s", n, id)
			}
		}
		for _, s := range p.Split {
			perLever = perLever.Add(s.Cost)
		}
		if !cost.Equal(p.Cost) || !ret.Equal(p.Return) || !perLever.Equal(p.Cost) {
			t.Fatalf("totals %s/%s, plan %s/%s, split %s", cost, ret, p.Cost, p.Return, perLever)
		}
		for _, a := range p.Left {
			if !slices.ContainsFunc(a.Reason.Facts, func(f clv.Fact) bool { return !f.Held && f.Op != "" }) {
				t.Fatalf("%s left out without a reason: %v", a.ID, a.Reason)
			}
		}
		cands, _ := candidates(campaigns, decisions, opts)
		scale, err := toUnits(cands)
		if err != nil {
			t.Fatal(err)
		}
		for i := range cands {
			if cands[i].eligible {
				items = append(items, &cands[i])
			}
		}
		if len(items) <= 16 {
			want := bruteForce(items, budgetUnits(items, budget, scale))
			if got := decimal.New(want.ret, -2); !got.Equal(p.Return) {
				t.Fatalf("plan return %s, brute force %s", p.Return, got)
			}
		}
		// The input's order does not matter.
		q, err := PlanARD(budget, rapid.Permutation(campaigns).Draw(t, "c"), rapid.Permutation(decisions).Draw(t, "d"), opts)
		if err != nil || planString(q) != planString(p) {
			t.Fatalf("order changed the plan:\n%s\n%s", planString(p), planString(q))
		}
	})
}

func planString(p ARDPlan) string {
	var b strings.Builder
	for _, a := range p.Chosen {
		fmt.Fprintf(&b, "+%s/%s %s\n", a.Customer, a.ID, a.Reason)
	}
	for _, a := range p.Left {
		fmt.Fprintf(&b, "-%s/%s %s\n", a.Customer, a.ID, a.Reason)
	}
	fmt.Fprintf(&b, "%s %s %s %v", p.Cost, p.Return, p.Bound, p.Split)
	return b.String()
}

// TestPlanARDTieBreaks: equal returns go to the cheaper plan, then to the
// larger potential-value gap.
func TestPlanARDTieBreaks(t *testing.T) {
	g := func(s string) *decimal.Decimal { return decp(s) }
	ds := []Decision{
		{Customer: "ben", Offer: Offer{ID: "premium", Kind: Upgrade}, ExpectedValue: dec("50"), Cost: dec("25"), PotentialGap: g("600")},
		{Customer: "cora", Offer: Offer{ID: "premium", Kind: Upgrade}, ExpectedValue: dec("50"), Cost: dec("25"), PotentialGap: g("900")},
		{Customer: "dan", Offer: Offer{ID: "premium", Kind: Upgrade}, ExpectedValue: dec("50"), Cost: dec("30")},
	}
	p, err := PlanARD(dec("30"), nil, ds, ARDOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Chosen) != 1 || p.Chosen[0].Customer != "cora" {
		t.Fatalf("chose %v, want cora (the larger gap)", p.Chosen)
	}
	ds[1].PotentialGap = nil
	p, _ = PlanARD(dec("30"), nil, ds, ARDOptions{})
	if len(p.Chosen) != 1 || p.Chosen[0].Customer != "ben" {
		t.Fatalf("chose %v, want ben", p.Chosen)
	}
}

// TestPlanARDBeyondExact: a problem beyond the exact limits comes back as a
// greedy plan with a bound that is close on an easy instance.
func TestPlanARDBeyondExact(t *testing.T) {
	var ds []Decision
	for i := range 5000 {
		ds = append(ds, Decision{Customer: fmt.Sprintf("c%05d", i), Offer: Offer{ID: "o", Kind: OfferKind(i % len(kindNames))},
			ExpectedValue: decimal.New(int64(1000+(i*7919)%50000), -2), Cost: decimal.New(int64(100+(i*104729)%2000), -2)})
	}
	p, err := PlanARD(dec("10000.00"), nil, ds, ARDOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Exact || p.Method != ARDGreedy || p.Cost.GreaterThan(p.Budget) || p.Bound.LessThan(p.Return) {
		t.Fatalf("method %v exact %v cost %s bound %s return %s", p.Method, p.Exact, p.Cost, p.Bound, p.Return)
	}
	// The greedy fill of many small items leaves at most one item's return
	// on the table.
	if p.Gap().GreaterThan(dec("500")) {
		t.Errorf("gap %s on an easy instance", p.Gap())
	}
	// Same size, whole-unit costs and a smaller budget: exact by dynamic
	// programming.
	for i := range ds[:700] {
		ds[i].Cost = ds[i].Cost.Round(0)
	}
	p, err = PlanARD(dec("5000"), nil, ds[:700], ARDOptions{})
	if err != nil || !p.Exact || p.Method != ARDDynamicProgramming {
		t.Fatalf("%v %v %v", p.Method, p.Exact, err)
	}
}

func TestPlanARDErrors(t *testing.T) {
	d := decimal.NewFromInt
	ok := Decision{Customer: "c", Offer: Offer{ID: "o"}, ExpectedValue: d(5), Cost: d(1)}
	for _, c := range []struct {
		name      string
		budget    decimal.Decimal
		campaigns []Campaign
		decisions []Decision
		opts      ARDOptions
		want      string
		sentinel  error
	}{
		{"negative budget", d(-1), nil, nil, ARDOptions{}, "negative budget -1", ErrInvalidInput},
		{"NaN threshold", d(1), nil, nil, ARDOptions{MinLTVToCAC: math.NaN()}, "MinLTVToCAC NaN", ErrInvalidConfig},
		{"empty campaign ID", d(1), []Campaign{{CAC: d(1)}}, nil, ARDOptions{}, "campaign 0: empty ID", ErrInvalidInput},
		{"zero CAC", d(1), []Campaign{{ID: "street"}}, nil, ARDOptions{}, `campaign 0 ("street"): CAC 0`, ErrInvalidInput},
		{"NaN customers", d(1), []Campaign{{ID: "street", CAC: d(1), Customers: math.NaN()}}, nil, ARDOptions{}, "Customers NaN", ErrInvalidInput},
		{"infinite customers", d(1), []Campaign{{ID: "street", CAC: d(1), Customers: math.Inf(1)}}, nil, ARDOptions{}, "Customers +Inf", ErrInvalidInput},
		{"repeated campaign", d(1), []Campaign{{ID: "s", CAC: d(1)}, {ID: "s", CAC: d(1)}}, nil, ARDOptions{}, `campaign 1 ("s"): appears twice`, ErrInvalidInput},
		{"no customer", d(1), nil, []Decision{{Offer: Offer{ID: "o"}}}, ARDOptions{}, "empty customer", ErrInvalidInput},
		{"no offer", d(1), nil, []Decision{{Customer: "c"}}, ARDOptions{}, "empty offer ID", ErrInvalidInput},
		{"unknown kind", d(1), nil, []Decision{{Customer: "c", Offer: Offer{ID: "o", Kind: 99}}}, ARDOptions{}, "unknown offer kind", ErrInvalidInput},
		{"negative cost", d(1), nil, []Decision{{Customer: "c", Offer: Offer{ID: "o"}, Cost: d(-3)}}, ARDOptions{}, "negative Cost -3", ErrInvalidInput},
		{"repeated decision", d(1), nil, []Decision{ok, ok}, ARDOptions{}, `decision 1 (customer "c", offer "o"): appears twice`, ErrInvalidInput},
		{"cost too fine", d(1), nil, []Decision{{Customer: "c", Offer: Offer{ID: "o"}, ExpectedValue: d(1), Cost: decimal.New(1, -30)}}, ARDOptions{}, "more than 12 decimal places", ErrInvalidInput},
		{"cost too large", d(1), nil, []Decision{{Customer: "c", Offer: Offer{ID: "o"}, ExpectedValue: d(1), Cost: decimal.New(1, 400)}}, ARDOptions{}, "too large", ErrInvalidInput},
		{"return too large", d(1), nil, []Decision{{Customer: "c", Offer: Offer{ID: "o"}, ExpectedValue: decimal.New(1, 400), Cost: d(1)}}, ARDOptions{}, "too large", ErrInvalidInput},
		{"long IDs cut", d(1), nil, []Decision{{Customer: longID, Offer: Offer{ID: "o"}, Cost: d(-1)}}, ARDOptions{}, strings.Repeat("x", 40) + "…", ErrInvalidInput},
	} {
		_, err := PlanARD(c.budget, c.campaigns, c.decisions, c.opts)
		if !errors.Is(err, c.sentinel) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), strings.Repeat("x", 41)) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	// Nothing to plan, or a budget beyond any amount: a plan, no error.
	if p, err := PlanARD(decimal.New(1, 400), nil, nil, ARDOptions{}); err != nil || len(p.Chosen) != 0 || !p.Exact || !p.Return.IsZero() {
		t.Errorf("empty plan: %+v %v", p, err)
	}
	if p, err := PlanARD(decimal.New(1, 400), nil, []Decision{ok}, ARDOptions{}); err != nil || len(p.Chosen) != 1 {
		t.Errorf("huge budget: %+v %v", p, err)
	}
}

// TestCampaignReason checks a campaign's figures: 6 × (180 − 20) = 960,
// LTV:CAC 9, and the rounding term when the expectation is fractional.
func TestCampaignReason(t *testing.T) {
	p, err := PlanARD(dec("1000"), []Campaign{
		{ID: "tele", CAC: dec("20"), Customers: 6, LTV: dec("180")},
		{ID: "frac", CAC: dec("3"), Customers: 1.5, LTV: dec("10.005")},
	}, nil, ARDOptions{MinLTVToCAC: 3})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range p.Chosen {
		got[a.ID] = a.Cost.String() + " " + a.Return.String() + " | " + a.Reason.String()
	}
	want := map[string]string{
		"tele": "120 960 | ard/acquisition: expected customers=6, LTV=180, CAC=20, LTV:CAC=9.00 (>= 3: yes), expected return=960 (> 0: yes), return per unit of cost=8, in the plan within the budget=true; expected customers × LTV 1080, acquisition cost -120",
		// 1.5 × 10.005 − 4.5 = 10.5075 → 10.51.
		"frac": "4.5 10.51 | ard/acquisition: expected customers=1.5, LTV=10.005, CAC=3, LTV:CAC=3.33 (>= 3: yes), expected return=10.51 (> 0: yes), return per unit of cost=2.3356, in the plan within the budget=true; expected customers × LTV 15.0075, acquisition cost -4.5, rounding to the cent 0.0025",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s:\n got %s\nwant %s", id, got[id], w)
		}
	}
	var _ clv.Rule = RuleARDAcquisition
	if s := (ARDMethod(9)).String(); s != "ARDMethod(9)" || Lever(7).String() != "Lever(7)" {
		t.Errorf("names %q", s)
	}
}

func FuzzPlanARD(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(func(t *rapid.T) {
		campaigns := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Campaign {
			return Campaign{ID: genID(t, "id"), CAC: genDecimal(t, "cac"), Customers: genFloat(t, "customers"), LTV: genDecimal(t, "ltv")}
		}), 0, 3).Draw(t, "campaigns")
		decisions := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Decision {
			d := Decision{Customer: genID(t, "customer"), Offer: Offer{ID: genID(t, "offer"), Kind: OfferKind(rapid.IntRange(0, 12).Draw(t, "kind"))},
				ExpectedValue: genDecimal(t, "ev"), Cost: genDecimal(t, "cost")}
			if rapid.Bool().Draw(t, "gap") {
				g := genDecimal(t, "gapValue")
				d.PotentialGap = &g
			}
			return d
		}), 0, 6).Draw(t, "decisions")
		budget := genDecimal(t, "budget")
		p, err := PlanARD(budget, campaigns, decisions, ARDOptions{MinLTVToCAC: genFloat(t, "min"), ManyPerCustomer: rapid.Bool().Draw(t, "many")})
		if err != nil {
			checkErr(t, "PlanARD", err)
			return
		}
		if p.Cost.GreaterThan(budget) || p.Bound.LessThan(p.Return) || len(p.Chosen)+len(p.Left) != len(campaigns)+len(decisions) {
			t.Fatalf("plan %+v", p)
		}
		if !slices.IsSortedFunc(p.Chosen, func(a, b Action) int { return int(a.Lever) - int(b.Lever) }) {
			t.Fatal("chosen not by lever")
		}
	}))
}

// BenchmarkPlanARD shows how planning grows with the candidates: small
// problems are enumerated or solved by dynamic programming, large ones by
// the greedy fill (n log n).
func BenchmarkPlanARD(b *testing.B) {
	for _, c := range []struct {
		n      int
		budget string
		cents  bool
	}{{12, "50", false}, {500, "2000", false}, {10_000, "10000.00", true}, {100_000, "100000.00", true}} {
		ds := make([]Decision, c.n)
		for i := range ds {
			cost := decimal.New(int64(1+(i*104729)%20), 0)
			if c.cents {
				cost = decimal.New(int64(100+(i*104729)%2000), -2)
			}
			ds[i] = Decision{Customer: fmt.Sprintf("c%06d", i/2), Offer: Offer{ID: fmt.Sprint("o", i%2), Kind: OfferKind(i % len(kindNames))},
				ExpectedValue: decimal.New(int64(1000+(i*7919)%50000), -2), Cost: cost}
		}
		budget := dec(c.budget)
		b.Run(fmt.Sprintf("candidates=%d", c.n), func(b *testing.B) {
			for b.Loop() {
				p, err := PlanARD(budget, nil, ds, ARDOptions{})
				if err != nil || len(p.Chosen) == 0 {
					b.Fatal(err)
				}
			}
		})
	}
}
