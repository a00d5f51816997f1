package ladder

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/clvkit/clvkit/clv"
)

// pc is Pfeifer & Carraway's example: recency states 1..4 and lost; a
// purchase brings 40, marketing costs 4 a period.
func pc() Chain {
	return Chain{
		P: [][]float64{
			{.30, .70, 0, 0, 0},
			{.20, 0, .80, 0, 0},
			{.15, 0, 0, .85, 0},
			{.05, 0, 0, 0, .95},
			{0, 0, 0, 0, 1},
		},
		R: []decimal.Decimal{decimal.NewFromInt(36), decimal.NewFromInt(-4), decimal.NewFromInt(-4), decimal.NewFromInt(-4), decimal.Zero},
	}
}

func approx(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %v, want %v", what, got, want)
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > tol {
			t.Errorf("%s = %v, want %v", what, got, want)
			return
		}
	}
}

func TestPfeiferCarraway(t *testing.T) {
	c := pc()
	v, err := c.Value(0.2)
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "V", v, []float64{52.3196, 5.5538, 1.2508, -1.8200, 0}, 5e-5)
	pol, err := c.ImprovePolicy(0.2, nil)
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "V after stopping marketing to state 4", pol.Values, []float64{53.1494, 6.6207, 2.6437, 0, 0}, 5e-5)
	if !slices.Equal(pol.Marketed, []bool{true, true, true, false, false}) {
		t.Errorf("marketed %v", pol.Marketed)
	}
	periods, err := c.PeriodsBeforeLoss()
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "periods before loss", periods, []float64{6.0504, 4.6218, 3.0147, 1.3025}, 5e-5)
	dist, err := c.Project([]float64{1, 0, 0, 0, 0}, 2)
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "distribution after two periods", dist, []float64{.23, .21, .56, 0, 0}, 1e-12)
	long, err := c.LongRun(0)
	if err != nil {
		t.Fatal(err)
	}
	approx(t, "long run", long, []float64{0, 0, 0, 0, 1}, 1e-9)
	// The finite-horizon value tends to the infinite one.
	far, _ := c.ValueOver(0.2, 400)
	approx(t, "V over 400 periods", far, v, 1e-9)
	one, _ := c.ValueOver(0.2, 1)
	approx(t, "V over 1 period", one, []float64{36, -4, -4, -4, 0}, 0)
}

func TestEstimateRecoversChain(t *testing.T) {
	truth := pc()
	rng := rand.New(rand.NewPCG(1, 2))
	paths := make([][]int, 20000)
	for i := range paths {
		s := rng.IntN(4)
		p := []int{s}
		for range 23 {
			if s == NoRung {
				p = append(p, NoRung)
				continue
			}
			u, acc := rng.Float64(), 0.0
			next := 4
			for j, pr := range truth.P[s] {
				acc += pr
				if u < acc {
					next = j
					break
				}
			}
			if next == 4 {
				next = NoRung
			}
			s = next
			p = append(p, s)
		}
		paths[i] = p
	}
	e, err := Estimate(slices.Values(paths), 4, EstimateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		for j := range 5 {
			if p := truth.P[i][j]; p < e.Low[i][j]-1e-12 || p > e.High[i][j]+1e-12 {
				t.Errorf("P[%d][%d] = %v outside its interval [%v, %v] (estimate %v)", i, j, p, e.Low[i][j], e.High[i][j], e.Chain.P[i][j])
			}
		}
	}
	rates, err := e.Rates()
	if err != nil {
		t.Fatal(err)
	}
	// Here a higher index is a staler recency state: only state 4 never
	// moves to a higher index.
	if !rates[0].Climbers || rates[3].Climbers || math.Abs(rates[3].Lost-0.95) > 0.02 || math.Abs(rates[0].Up-0.7) > 0.02 {
		t.Errorf("rates %+v", rates)
	}
	if _, err := Estimate(slices.Values([][]int{{0, 7}}), 4, EstimateOptions{}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("state out of range: %v", err)
	}
}

func genPaths(t *rapid.T, rungs int) [][]int {
	return rapid.SliceOfN(rapid.SliceOfN(rapid.IntRange(-1, rungs-1), 1, 12), 0, 40).Draw(t, "paths")
}

func TestPropEstimateRows(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rungs := rapid.IntRange(1, 5).Draw(t, "rungs")
		paths := genPaths(t, rungs)
		e, err := Estimate(slices.Values(paths), rungs, EstimateOptions{Smoothing: rapid.Float64Range(0, 2).Draw(t, "alpha")})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Chain.Validate(); err != nil {
			t.Fatalf("estimated chain invalid: %v", err)
		}
		counts := make([]float64, rungs+1)
		for i := range counts {
			counts[i] = float64(rapid.IntRange(0, 1000).Draw(t, "n"))
		}
		total := 0.0
		for _, c := range counts {
			total += c
		}
		proj, _ := e.Chain.Project(counts, rapid.IntRange(0, 10).Draw(t, "periods"))
		got := 0.0
		for _, c := range proj {
			got += c
		}
		if math.Abs(got-total) > 1e-9*math.Max(1, total) {
			t.Fatalf("projection changed the number of customers: %v → %v", total, got)
		}
		for i, row := range e.Low {
			for j := range row {
				if e.Low[i][j] > e.High[i][j] || e.Low[i][j] < 0 || e.High[i][j] > 1 {
					t.Fatalf("interval [%v, %v]", e.Low[i][j], e.High[i][j])
				}
			}
		}
	})
}

func genChain(t *rapid.T) Chain {
	n := rapid.IntRange(2, 6).Draw(t, "states")
	c := Chain{P: make([][]float64, n), R: make([]decimal.Decimal, n)}
	for i := range n {
		row := make([]float64, n)
		if i == n-1 {
			row[i] = 1
		} else {
			s := 0.0
			for j := range n {
				row[j] = rapid.Float64Range(0, 1).Draw(t, "w")
				s += row[j]
			}
			row[n-1] += 0.05 // every rung can be lost
			s += 0.05
			for j := range n {
				row[j] /= s
			}
			c.R[i] = decimal.New(rapid.Int64Range(-5000, 5000).Draw(t, "r"), -2)
		}
		c.P[i] = row
	}
	return c
}

func TestPropValue(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := genChain(t)
		d := rapid.Float64Range(0.01, 0.5).Draw(t, "d")
		v, err := c.Value(d)
		if err != nil {
			t.Fatal(err)
		}
		// Value is monotone in rewards.
		i := rapid.IntRange(0, c.States()-2).Draw(t, "i")
		richer := Chain{P: c.P, R: slices.Clone(c.R)}
		richer.R[i] = richer.R[i].Add(decimal.NewFromInt(rapid.Int64Range(1, 100).Draw(t, "bonus")))
		v2, _ := richer.Value(d)
		for j := range v {
			if v2[j] < v[j]-1e-9 {
				t.Fatalf("raising R[%d] lowered V[%d]: %v → %v", i, j, v[j], v2[j])
			}
		}
		// Policy improvement never lowers the total value.
		pol, err := c.ImprovePolicy(d, nil)
		if err != nil {
			t.Fatal(err)
		}
		before, after := 0.0, 0.0
		for j := range v {
			before += v[j]
			after += pol.Values[j]
			if pol.Marketed[j] && pol.Values[j] < -1e-9 {
				t.Fatalf("marketed state %d still negative: %v", j, pol.Values[j])
			}
		}
		if after < before-1e-9 {
			t.Fatalf("policy improvement lowered the total: %v → %v", before, after)
		}
	})
}

func TestPropGoalProgress(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		base, cur := map[string]int{}, map[string]int{}
		for i := range rapid.IntRange(0, 50).Draw(t, "n") {
			id := fmt.Sprint(i)
			base[id] = rapid.IntRange(0, 3).Draw(t, "b")
			if rapid.Bool().Draw(t, "still") {
				cur[id] = rapid.IntRange(0, 3).Draw(t, "c")
			}
		}
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		g := ShareGoal{Name: "silver to gold", From: 1, To: 2, Share: rapid.Float64Range(0.01, 1).Draw(t, "share"),
			Start: start, Deadline: start.AddDate(0, 6, 0)}
		p, err := g.Progress(base, cur, start.AddDate(0, 0, rapid.IntRange(-30, 400).Draw(t, "day")))
		if err != nil {
			t.Fatal(err)
		}
		if p.Progress < 0 || p.Progress > 1 || p.Expected < 0 || p.Expected > 1 || p.Achieved < 0 || p.Achieved > 1 {
			t.Fatalf("progress out of [0, 1]: %+v", p)
		}
	})
}

func purchase(id, day string, amount int64, product, category string) clv.Purchase {
	tm, _ := time.Parse(time.DateOnly, day)
	return clv.Purchase{Transaction: clv.Transaction{Customer: id, Time: tm, Amount: decimal.NewFromInt(amount)}, Product: product, Category: category}
}

func triggers() []Trigger {
	return []Trigger{
		SmallBaskets{Days: 60, MaxAmount: decimal.NewFromInt(20), MinCount: 3, Message: "spend 50, get 10 off"},
		LargePurchase{Days: 7, MinAmount: decimal.NewFromInt(500), Message: "complete your setup"},
		ExpiredInactive{MinRung: 2, AfterDays: 30, Message: "we miss you", Incentive: "a free month"},
	}
}

func TestTriggers(t *testing.T) {
	asOf, _ := time.Parse(time.DateOnly, "2026-06-30")
	end, _ := time.Parse(time.DateOnly, "2026-05-15")
	ctxs := []Situation{
		{Customer: "small", AsOf: asOf, Purchases: []clv.Purchase{purchase("small", "2026-06-01", 12, "", ""), purchase("small", "2026-06-10", 8, "", ""), purchase("small", "2026-06-20", 15, "", "")}},
		{Customer: "big", AsOf: asOf, Purchases: []clv.Purchase{purchase("big", "2026-06-28", 900, "laptop", "computers")}},
		{Customer: "expired", Rung: 3, AsOf: asOf, ContractEnd: end, Purchases: []clv.Purchase{purchase("expired", "2026-05-01", 300, "", "")}},
		{Customer: "renewed", Rung: 3, AsOf: asOf, ContractEnd: end, Purchases: []clv.Purchase{purchase("renewed", "2026-05-20", 300, "", "")}},
	}
	acts, err := Fire(triggers(), ctxs)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range acts {
		got = append(got, a.Customer+":"+a.Trigger+":"+a.Category+":"+a.Due.Format(time.DateOnly))
	}
	want := []string{"big:large-purchase:computers:2026-06-30", "expired:expired-inactive::2026-06-14", "small:small-baskets::2026-06-30"}
	if !slices.Equal(got, want) {
		t.Errorf("actions %v, want %v", got, want)
	}
}

func TestPropTriggersOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
		var ctxs []Situation
		for i := range rapid.IntRange(1, 6).Draw(t, "customers") {
			id := fmt.Sprint("c", i)
			var ps []clv.Purchase
			for range rapid.IntRange(0, 8).Draw(t, "purchases") {
				ps = append(ps, clv.Purchase{Transaction: clv.Transaction{Customer: id,
					Time:   asOf.AddDate(0, 0, -rapid.IntRange(0, 90).Draw(t, "ago")),
					Amount: decimal.NewFromInt(rapid.Int64Range(1, 1000).Draw(t, "amount"))},
					Category: rapid.SampledFrom([]string{"a", "b"}).Draw(t, "cat")})
			}
			c := Situation{Customer: id, Rung: rapid.IntRange(0, 3).Draw(t, "rung"), AsOf: asOf, Purchases: ps}
			if rapid.Bool().Draw(t, "contract") {
				c.ContractEnd = asOf.AddDate(0, 0, -rapid.IntRange(0, 90).Draw(t, "end"))
			}
			ctxs = append(ctxs, c)
		}
		a, err := Fire(triggers(), ctxs)
		if err != nil {
			t.Fatal(err)
		}
		shuffled := rapid.Permutation(ctxs).Draw(t, "perm")
		for i := range shuffled {
			shuffled[i].Purchases = rapid.Permutation(shuffled[i].Purchases).Draw(t, "pperm")
		}
		b, _ := Fire(triggers(), shuffled)
		if len(a) != len(b) {
			t.Fatalf("%d vs %d actions", len(a), len(b))
		}
		for i := range a {
			if a[i].Customer != b[i].Customer || a[i].Trigger != b[i].Trigger || a[i].Category != b[i].Category ||
				!a[i].Due.Equal(b[i].Due) || a[i].Reason.String() != b[i].Reason.String() {
				t.Fatalf("order changed action %d: %+v vs %+v", i, a[i], b[i])
			}
		}
	})
}

func TestLadderPlacement(t *testing.T) {
	l, err := NewLadder([]Rung{{Name: "bronze"}, {Name: "silver", MinSpend: decimal.NewFromInt(500), MinPurchases: 3},
		{Name: "gold", MinSpend: decimal.NewFromInt(2000), MinPurchases: 6, MinProducts: 2}}, LadderOptions{WindowDays: 365, GraceDays: 60})
	if err != nil {
		t.Fatal(err)
	}
	asOf, _ := time.Parse(time.DateOnly, "2026-06-30")
	ps := []clv.Purchase{purchase("a", "2026-01-10", 400, "card", ""), purchase("a", "2026-03-10", 400, "card", ""),
		purchase("a", "2026-05-10", 400, "loan", "")}
	p, err := l.Place(Activity{Customer: "a", Purchases: ps}, nil, asOf, nil)
	if err != nil || p.Rung != 1 || p.Reason.Rule != RuleQualified {
		t.Fatalf("placement %+v %v", p, err)
	}
	// A year later with no purchases: below silver, within grace, then demoted.
	later := asOf.AddDate(1, 0, 0)
	p2, _ := l.Place(Activity{Customer: "a", Purchases: ps}, &Standing{Rung: 1}, later, nil)
	p3, _ := l.Place(Activity{Customer: "a", Purchases: ps}, &p2.Standing, later.AddDate(0, 0, 61), nil)
	if p2.Rung != 1 || p2.Reason.Rule != RuleGrace || p3.Rung != 0 || p3.Reason.Rule != RuleDemoted {
		t.Errorf("grace %+v then %+v", p2, p3)
	}
	if _, err := NewLadder([]Rung{{Name: "x"}, {Name: "y", MinPurchases: 3}, {Name: "z", MinPurchases: 2}}, LadderOptions{}); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("decreasing rules accepted: %v", err)
	}
}

func TestPlanReturnAndRewards(t *testing.T) {
	base := pc()
	v, _ := base.Value(0.2)
	counts := []float64{100, 200, 300, 400, 0}
	// Marketing to state 2 lifts its purchase probability from .20 to .30.
	plans := []Plan{{Rung: 1, Message: "come back", Cost: decimal.NewFromInt(2), Row: []float64{.30, 0, .70, 0, 0}}}
	rewards := []Reward{{From: 1, To: 2, Cost: decimal.NewFromInt(1)}}
	r, err := PricePlans(base, plans, rewards, counts, v, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	// 200 × (0.1 × V1 − 0.1 × V3) / 1.2 = 200 × 0.1 × (52.3196 − 1.2508)/1.2.
	want := 200 * 0.1 * (v[0] - v[2]) / 1.2
	// Rewards: 200 customers × P′(1 → 2) = 0.7 × 1.
	if math.Abs(r.ValueGained.InexactFloat64()-want) > 0.006 || !r.IncentiveCost.Equal(decimal.NewFromInt(400)) || !r.RewardCost.Equal(decimal.NewFromInt(140)) ||
		!r.Net.Equal(r.ValueGained.Sub(r.IncentiveCost).Sub(r.RewardCost)) {
		t.Errorf("return %+v, want value gained %.2f", r, want)
	}
	grants, err := RewardMoves([]Move{{Customer: "x", From: 2, To: 1}, {Customer: "y", From: 1, To: 2}}, []Reward{{From: 1, To: 2, Points: 100}})
	if err != nil || len(grants) != 1 || grants[0].Customer != "y" {
		t.Errorf("grants %+v %v", grants, err)
	}
}

func BenchmarkEstimate(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("customers=%d/periods=24", n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			flat := make([]int, n*24)
			for i := range flat {
				flat[i] = rng.IntN(5) - 1
			}
			paths := func(yield func([]int) bool) {
				for i := range n {
					if !yield(flat[i*24 : (i+1)*24]) {
						return
					}
				}
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := Estimate(paths, 4, EstimateOptions{Smoothing: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func FuzzEstimate(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(func(t *rapid.T) {
		rungs := rapid.IntRange(1, 4).Draw(t, "rungs")
		paths := rapid.SliceOf(rapid.SliceOf(rapid.IntRange(-3, 6))).Draw(t, "paths")
		e, err := Estimate(slices.Values(paths), rungs, EstimateOptions{})
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		if err := e.Chain.Validate(); err != nil {
			t.Fatalf("invalid chain from valid paths: %v", err)
		}
	}))
}

func TestMovesAndPrecursors(t *testing.T) {
	paths := map[string][]int{"a": {0, 0, 1, 2}, "b": {1, 1, NoRung}, "c": {0, 1, 1}}
	moves := Moves(paths)
	want := []Move{{"a", 2, 0, 1}, {"a", 3, 1, 2}, {"b", 2, 1, NoRung}, {"c", 1, 0, 1}}
	if !slices.Equal(moves, want) {
		t.Fatalf("moves %v, want %v", moves, want)
	}
	events := []TriggerEvent{{"a", 1, "small-baskets"}, {"c", 0, "small-baskets"}, {"a", 2, "large-purchase"}, {"b", 1, "expired-inactive"}, {"c", 2, "noise"}}
	got, err := Precursors(moves, events)
	if err != nil {
		t.Fatal(err)
	}
	wantP := []Precursor{{From: 0, To: 1, Trigger: "small-baskets", Count: 2}, {From: 1, To: NoRung, Trigger: "expired-inactive", Count: 1}, {From: 1, To: 2, Trigger: "large-purchase", Count: 1}}
	slices.SortFunc(wantP, func(a, b Precursor) int {
		if a.From != b.From {
			return a.From - b.From
		}
		return a.To - b.To
	})
	if !slices.Equal(got, wantP) {
		t.Errorf("precursors %v, want %v", got, wantP)
	}
}

func TestRecontactGoal(t *testing.T) {
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	end := asOf.AddDate(0, 0, -40)
	cs := []Contract{
		{Customer: "due-contacted", Rung: 2, End: end, LastActivity: end.AddDate(0, 0, -10), Contacted: end.AddDate(0, 0, 31)},
		{Customer: "due-missed", Rung: 3, End: end, LastActivity: end.AddDate(0, -1, 0)},
		{Customer: "contacted-too-early", Rung: 2, End: end, Contacted: end.AddDate(0, 0, 5)},
		{Customer: "renewed", Rung: 2, End: end, LastActivity: end.AddDate(0, 0, 3)},
		{Customer: "low-rung", Rung: 1, End: end},
		{Customer: "not-yet-due", Rung: 2, End: asOf.AddDate(0, 0, -10)},
	}
	p, err := RecontactGoal{Name: "recontact", MinRung: 2, AfterDays: 30}.Progress(cs, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if p.Target != 3 || p.Achieved != 1 || math.Abs(p.Progress-1.0/3) > 1e-12 || p.OnTrack {
		t.Errorf("progress %+v", p)
	}
}

func TestLongRunPeriodic(t *testing.T) {
	// Two rungs swapping forever never settle; lost is unreachable.
	c := Chain{P: [][]float64{{0, 1, 0}, {1, 0, 0}, {0, 0, 1}}}
	if _, err := c.LongRun(0); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("periodic chain: %v", err)
	}
	if _, err := c.PeriodsBeforeLoss(); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("no way to lost: %v", err)
	}
}
