package ladder

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/internal/guard"
	gen "github.com/clvkit/clvkit/internal/hostile"
)

// Generators of hostile inputs: the shared ones of internal/hostile, with
// this package's ranges.

var (
	longID   = gen.LongID
	genFloat = gen.Float
	genDec   = gen.Decimal
	genLoc   = gen.Loc
)

func genDecimal(t *rapid.T, label string) decimal.Decimal { return genDec(t, label) }

func genInt(t *rapid.T, label string) int { return gen.Int(t, label, -5, 400, 100_001) }

func genTime(t *rapid.T, label string) time.Time { return gen.Time(t, label, base, 800) }

var base = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)

func genPurchases(t *rapid.T, customer string) []clv.Purchase {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) clv.Purchase {
		who := customer
		if rapid.IntRange(0, 9).Draw(t, "stranger") == 0 {
			who = rapid.SampledFrom([]string{"", "other", longID}).Draw(t, "who")
		}
		return clv.Purchase{Transaction: clv.Transaction{Customer: who, Time: genTime(t, "time"), Amount: genDecimal(t, "amount")},
			Product: rapid.SampledFrom([]string{"", "card", "loan"}).Draw(t, "product"), Category: rapid.SampledFrom([]string{"", "a"}).Draw(t, "category")}
	}), 0, 8).Draw(t, "purchases")
}

// genChain draws a chain that is often valid (rows normalised, lost
// absorbing) and sometimes anything at all.
func genHostileChain(t *rapid.T) Chain {
	n := rapid.IntRange(0, 5).Draw(t, "states")
	c := Chain{P: make([][]float64, n)}
	valid := rapid.IntRange(0, 3).Draw(t, "valid") > 0
	for i := range n {
		row := make([]float64, n)
		sum := 0.0
		for j := range row {
			if valid {
				row[j] = rapid.Float64Range(0, 1).Draw(t, "p")
			} else {
				row[j] = genFloat(t, "p")
			}
			sum += row[j]
		}
		if valid {
			if i == n-1 {
				clear(row)
				row[i] = 1
			} else if sum > 0 {
				for j := range row {
					row[j] /= sum
				}
			} else {
				row[n-1] = 1
			}
		}
		c.P[i] = row
	}
	if rapid.Bool().Draw(t, "rewards") {
		for range rapid.IntRange(n-1, n+1).Draw(t, "nR") {
			c.R = append(c.R, genDecimal(t, "R"))
		}
	}
	return c
}

func checkErr(t *rapid.T, fn string, err error) {
	if !errors.Is(err, ErrInvalidInput) && !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("%s: error wraps no sentinel: %v", fn, err)
	}
	if strings.Contains(err.Error(), strings.Repeat("x", 41)) {
		t.Fatalf("%s: error echoes a long value whole: %v", fn, err)
	}
}

func sum(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s
}

// hostile calls every exported function of the package with generated,
// often hostile, inputs: none may panic, and each returns an error or a
// result that keeps its documented invariants.
func hostile(t *rapid.T) {
	// Chains.
	c := genHostileChain(t)
	n := c.States()
	valid := c.Validate() == nil
	if !valid {
		checkErr(t, "Validate", c.Validate())
	}
	counts := rapid.SliceOfN(rapid.OneOf(rapid.Float64Range(0, 1000), rapid.Custom(func(t *rapid.T) float64 { return genFloat(t, "count") })), n, n).Draw(t, "counts")
	if rapid.IntRange(0, 9).Draw(t, "wrongLength") == 0 {
		counts = append(counts, 1)
	}
	if proj, err := c.Project(counts, genInt(t, "periods")); err != nil {
		checkErr(t, "Project", err)
	} else if total := sum(counts); math.Abs(sum(proj)-total) > 1e-9*math.Max(1, total) || slices.ContainsFunc(proj, func(v float64) bool { return !(v >= 0) }) {
		t.Fatalf("projection %v of %v", proj, counts)
	}
	if lr, err := c.LongRun(genInt(t, "from")); err != nil {
		checkErr(t, "LongRun", err)
	} else if math.Abs(sum(lr)-1) > 1e-9 {
		t.Fatalf("long run %v", lr)
	}
	if pbl, err := c.PeriodsBeforeLoss(); err != nil {
		checkErr(t, "PeriodsBeforeLoss", err)
	} else {
		for _, v := range pbl {
			if !(v >= 1-1e-6) || math.IsInf(v, 0) {
				t.Fatalf("periods before loss %v", pbl)
			}
		}
	}
	d := rapid.OneOf(rapid.Float64Range(0.01, 0.5), rapid.Custom(func(t *rapid.T) float64 { return genFloat(t, "d") })).Draw(t, "discount")
	v, err := c.Value(d)
	if err != nil {
		checkErr(t, "Value", err)
	} else if slices.ContainsFunc(v, func(x float64) bool { return !guard.Finite(x) }) {
		t.Fatalf("values %v", v)
	}
	if vo, err := c.ValueOver(d, genInt(t, "horizon")); err != nil {
		checkErr(t, "ValueOver", err)
	} else if slices.ContainsFunc(vo, func(x float64) bool { return !guard.Finite(x) }) {
		t.Fatalf("values over a horizon %v", vo)
	}
	var noMarket *Chain
	if rapid.Bool().Draw(t, "noMarket") {
		nm := genHostileChain(t)
		noMarket = &nm
	}
	if pol, err := c.ImprovePolicy(d, noMarket); err != nil {
		checkErr(t, "ImprovePolicy", err)
	} else {
		for j, m := range pol.Marketed {
			if m && pol.Values[j] < -1e-9 {
				t.Fatalf("marketed state %d with value %v", j, pol.Values[j])
			}
		}
		if noMarket == nil && v != nil && sum(pol.Values) < sum(v)-1e-9*math.Max(1, math.Abs(sum(v))) {
			t.Fatalf("policy improvement lowered the total: %v → %v", sum(v), sum(pol.Values))
		}
	}

	// Estimation.
	rungs := rapid.OneOf(rapid.IntRange(1, 4), rapid.SampledFrom([]int{0, -1, 1001, math.MaxInt})).Draw(t, "rungs")
	paths := rapid.SliceOfN(rapid.SliceOfN(rapid.OneOf(rapid.IntRange(-1, 3), rapid.SampledFrom([]int{-2, 4, math.MinInt, math.MaxInt})), 0, 6), 0, 8).Draw(t, "paths")
	var seq func(func([]int) bool)
	if rapid.IntRange(0, 9).Draw(t, "nilPaths") > 0 {
		seq = slices.Values(paths)
	}
	opts := EstimateOptions{Smoothing: rapid.OneOf(rapid.Float64Range(0, 2), rapid.Custom(func(t *rapid.T) float64 { return genFloat(t, "s") })).Draw(t, "smoothing"),
		Z: rapid.OneOf(rapid.Just(0.0), rapid.Custom(func(t *rapid.T) float64 { return genFloat(t, "z") })).Draw(t, "z")}
	if rapid.Bool().Draw(t, "snapshots") {
		opts.Snapshots = rapid.SliceOfN(rapid.Custom(func(t *rapid.T) time.Time { return genTime(t, "snap") }), 0, 8).Draw(t, "snaps")
		if rapid.Bool().Draw(t, "sortedSnaps") {
			slices.SortFunc(opts.Snapshots, time.Time.Compare)
		}
		opts.MinYears, opts.Location = genInt(t, "minYears"), genLoc(t)
	}
	e, err := Estimate(seq, rungs, opts)
	if err != nil {
		checkErr(t, "Estimate", err)
	} else {
		seen, total := 0, 0
		for _, p := range e.History.Periods {
			seen += p.Customers
		}
		for _, p := range paths {
			total += len(p)
		}
		if len(opts.Snapshots) > 0 && seen != total || opts.MinYears > 0 && e.History.Months < 12*opts.MinYears {
			t.Fatalf("history %+v for %d path periods, MinYears %d", e.History, total, opts.MinYears)
		}
		if err := e.Chain.Validate(); err != nil {
			t.Fatalf("estimated chain invalid: %v", err)
		}
		for i, row := range e.Counts {
			total := sum(row)
			for j, k := range row {
				lo, hi := e.Low[i][j], e.High[i][j]
				if !(0 <= lo && lo <= hi && hi <= 1) || total > 0 && (k/total < lo-1e-9 || k/total > hi+1e-9) {
					t.Fatalf("interval [%v, %v] for %v of %v", lo, hi, k, total)
				}
			}
		}
	}
	if rapid.Bool().Draw(t, "handBuiltEstimate") {
		e = Estimated{Chain: c}
		if rapid.Bool().Draw(t, "counts") {
			e.Counts = [][]float64{{1}}
		}
	}
	if rates, err := e.Rates(); err != nil {
		checkErr(t, "Rates", err)
	} else {
		for _, r := range rates {
			if math.Abs(r.Up+r.Stay+r.Down+r.Lost-1) > 1e-9 {
				t.Fatalf("rates %+v", r)
			}
		}
	}
	ids := []string{"a", "b", "", longID}
	byCustomer := map[string][]int{}
	for i, p := range paths {
		byCustomer[ids[i%len(ids)]] = p
	}
	moves := Moves(byCustomer)
	for i, m := range moves {
		if m.From == m.To || i > 0 && cmp.Or(cmp.Compare(moves[i-1].Customer, m.Customer), cmp.Compare(moves[i-1].Period, m.Period)) >= 0 {
			t.Fatalf("moves %v", moves)
		}
	}
	moves = append(moves, rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Move {
		return Move{Customer: rapid.SampledFrom(ids).Draw(t, "who"), Period: genInt(t, "period"), From: genInt(t, "from"), To: genInt(t, "to")}
	}), 0, 3).Draw(t, "moreMoves")...)
	events := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) TriggerEvent {
		return TriggerEvent{Customer: rapid.SampledFrom(ids).Draw(t, "who"), Period: rapid.IntRange(-1, 6).Draw(t, "period"), Trigger: rapid.SampledFrom([]string{"t1", "t2"}).Draw(t, "trigger")}
	}), 0, 6).Draw(t, "events")
	if pre, err := Precursors(moves, events); err != nil {
		checkErr(t, "Precursors", err)
	} else {
		for i, p := range pre {
			if p.Count < 1 || i > 0 && cmp.Or(cmp.Compare(pre[i-1].From, p.From), cmp.Compare(pre[i-1].To, p.To), cmp.Compare(pre[i-1].Trigger, p.Trigger)) >= 0 {
				t.Fatalf("precursors %v", pre)
			}
		}
	}

	// Rungs and placement.
	var l *Ladder
	rs := []Rung{{Name: "bronze"}, {Name: "silver", MinSpend: decimal.NewFromInt(500), MinPurchases: 3}, {Name: "gold", MinSpend: decimal.NewFromInt(2000), MinPurchases: 6, MinProducts: 2}}
	switch rapid.IntRange(0, 3).Draw(t, "ladder") {
	case 0:
		l = &Ladder{}
	case 1:
		rs = rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Rung {
			return Rung{Name: rapid.SampledFrom([]string{"", "x", "y", longID}).Draw(t, "name"), MinSpend: genDecimal(t, "minSpend"),
				MinPurchases: genInt(t, "minPurchases"), MinValue: genDecimal(t, "minValue"), MinProducts: genInt(t, "minProducts")}
		}), 0, 3).Draw(t, "rungList")
		fallthrough
	case 2:
		if l, err = NewLadder(rs, LadderOptions{WindowDays: genInt(t, "window"), GraceDays: genInt(t, "grace")}); err != nil {
			checkErr(t, "NewLadder", err)
		}
	}
	_ = l.Rungs()
	customer := rapid.SampledFrom(ids).Draw(t, "customer")
	a := Activity{Customer: customer, Purchases: genPurchases(t, customer), Value: genDecimal(t, "value")}
	var prev *Standing
	if rapid.Bool().Draw(t, "prev") {
		prev = &Standing{Rung: genInt(t, "prevRung"), BelowSince: genTime(t, "below")}
	}
	if p, err := l.Place(a, prev, genTime(t, "asOf"), genLoc(t)); err != nil {
		checkErr(t, "Place", err)
	} else if p.Rung < 0 || p.Rung >= len(l.Rungs()) || p.Qualified > p.Rung || p.Standing.Rung != p.Rung || (p.Rung != p.Qualified) != (p.Reason.Rule == RuleGrace) {
		t.Fatalf("placement %+v", p)
	}

	// Goals.
	rungMap := func(label string) map[string]int {
		return rapid.MapOfN(rapid.SampledFrom(ids), rapid.IntRange(-1, 3), 0, 4).Draw(t, label)
	}
	g := ShareGoal{Name: rapid.SampledFrom(ids).Draw(t, "goal"), From: genInt(t, "gFrom"), To: genInt(t, "gTo"), Share: genFloat(t, "share"),
		Start: genTime(t, "start"), Deadline: genTime(t, "deadline")}
	if rapid.Bool().Draw(t, "validGoal") {
		g = ShareGoal{Name: "g", From: 1, To: 2, Share: 0.1, Start: base, Deadline: base.AddDate(0, 6, 0)}
	}
	progress := func(fn string, p GoalProgress, err error) {
		if err != nil {
			checkErr(t, fn, err)
		} else if !(p.Progress >= 0 && p.Progress <= 1 && p.Expected >= 0 && p.Expected <= 1 && p.Achieved >= 0) {
			t.Fatalf("%s: progress %+v", fn, p)
		}
	}
	p, err := g.Progress(rungMap("baseline"), rungMap("current"), genTime(t, "goalAsOf"))
	progress("ShareGoal.Progress", p, err)
	contracts := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Contract {
		return Contract{Customer: rapid.SampledFrom(ids).Draw(t, "who"), Rung: rapid.IntRange(-1, 3).Draw(t, "rung"), End: genTime(t, "end"),
			LastActivity: genTime(t, "last"), Contacted: genTime(t, "contacted")}
	}), 0, 4).Draw(t, "contracts")
	p, err = RecontactGoal{Name: "r", MinRung: genInt(t, "minRung"), AfterDays: genInt(t, "after"), Location: genLoc(t)}.Progress(contracts, genTime(t, "rAsOf"))
	progress("RecontactGoal.Progress", p, err)

	// Triggers.
	triggers := []Trigger{
		SmallBaskets{Days: genInt(t, "sbDays"), MaxAmount: genDecimal(t, "max"), MinCount: genInt(t, "minCount")},
		LargePurchase{Days: genInt(t, "lpDays"), MinAmount: genDecimal(t, "min")},
		ExpiredInactive{MinRung: genInt(t, "eiRung"), AfterDays: genInt(t, "eiAfter")},
	}
	for _, tr := range triggers {
		if tr.Name() == "" {
			t.Fatal("trigger without a name")
		}
		if err := tr.(interface{ Validate() error }).Validate(); err != nil {
			checkErr(t, "Validate", err)
		}
	}
	triggers = rapid.SliceOfN(rapid.SampledFrom(append(triggers, nil, (*SmallBaskets)(nil))), 0, 4).Draw(t, "triggers")
	contexts := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Situation {
		who := rapid.SampledFrom(ids).Draw(t, "who")
		return Situation{Customer: who, Rung: genInt(t, "rung"), Purchases: genPurchases(t, who), ContractEnd: genTime(t, "end"), AsOf: genTime(t, "asOf"), Location: genLoc(t)}
	}), 0, 3).Draw(t, "contexts")
	for _, c := range contexts {
		for _, tr := range triggers {
			if tr != nil && tr != Trigger((*SmallBaskets)(nil)) {
				tr.Fire(c)
			}
		}
	}
	if acts, err := Fire(triggers, contexts); err != nil {
		checkErr(t, "Fire", err)
	} else {
		for i, a := range acts {
			if i > 0 && cmp.Or(cmp.Compare(acts[i-1].Customer, a.Customer), cmp.Compare(acts[i-1].Trigger, a.Trigger)) >= 0 {
				t.Fatalf("actions not sorted or repeated: %v", acts)
			}
		}
	}

	// Plans and rewards.
	rewards := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Reward {
		return Reward{From: rapid.IntRange(-1, 4).Draw(t, "from"), To: rapid.IntRange(-1, 4).Draw(t, "to"), Points: genInt(t, "points"), Cost: genDecimal(t, "cost")}
	}), 0, 3).Draw(t, "rewards")
	if grants, err := RewardMoves(moves, rewards); err != nil {
		checkErr(t, "RewardMoves", err)
	} else {
		for _, g := range grants {
			if g.Reward.To <= g.Reward.From {
				t.Fatalf("grant for a move down: %+v", g)
			}
		}
	}
	plans := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Plan {
		pl := Plan{Rung: rapid.IntRange(-1, 4).Draw(t, "rung"), Cost: genDecimal(t, "cost")}
		if rapid.Bool().Draw(t, "row") && n > 0 {
			pl.Row = c.P[rapid.IntRange(0, n-1).Draw(t, "rowOf")]
		}
		return pl
	}), 0, 3).Draw(t, "plans")
	values := v
	if values == nil || rapid.Bool().Draw(t, "hostileValues") {
		values = rapid.SliceOfN(rapid.Custom(func(t *rapid.T) float64 { return genFloat(t, "value") }), n, n).Draw(t, "values")
	}
	if r, err := PricePlans(c, plans, rewards, counts, values, d); err != nil {
		checkErr(t, "Return", err)
	} else if r.IncentiveCost.Sign() < 0 || r.RewardCost.Sign() < 0 || !r.Net.Equal(r.ValueGained.Sub(r.IncentiveCost).Sub(r.RewardCost)) {
		t.Fatalf("plan return %+v", r)
	}
}

func TestPropHostile(t *testing.T) { rapid.Check(t, hostile) }

func FuzzHostile(f *testing.F) { f.Fuzz(rapid.MakeFuzz(hostile)) }
