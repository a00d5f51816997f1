package ladder_test

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ladder"
)

// Pfeifer & Carraway's recency chain: a purchase brings 40, marketing costs 4.
func ExampleChain_Value() {
	c := ladder.Chain{
		P: [][]float64{
			{.30, .70, 0, 0, 0},
			{.20, 0, .80, 0, 0},
			{.15, 0, 0, .85, 0},
			{.05, 0, 0, 0, .95},
			{0, 0, 0, 0, 1},
		},
		R: []decimal.Decimal{decimal.NewFromInt(36), decimal.NewFromInt(-4), decimal.NewFromInt(-4), decimal.NewFromInt(-4), decimal.Zero},
	}
	v, _ := c.Value(0.2)
	fmt.Printf("V = %.4f\n", v)
	pol, _ := c.ImprovePolicy(0.2, nil)
	fmt.Printf("stop marketing where V < 0: marketed %v, V = %.4f\n", pol.Marketed[:4], pol.Values)
	t, _ := c.PeriodsBeforeLoss()
	fmt.Printf("periods before loss %.4f\n", t)
	// Output:
	// V = [52.3196 5.5538 1.2508 -1.8200 0.0000]
	// stop marketing where V < 0: marketed [true true true false], V = [53.1494 6.6207 2.6437 0.0000 0.0000]
	// periods before loss [6.0504 4.6218 3.0147 1.3025]
}

func ExampleLadder_Place() {
	l, _ := ladder.NewLadder([]ladder.Rung{
		{Name: "bronze"},
		{Name: "silver", MinSpend: decimal.NewFromInt(500), MinPurchases: 3},
		{Name: "gold", MinSpend: decimal.NewFromInt(2000), MinPurchases: 6, MinProducts: 2},
	}, ladder.LadderOptions{WindowDays: 365, GraceDays: 60})
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	buy := func(d string, amount int64, product string) clv.Purchase {
		return clv.Purchase{Transaction: clv.Transaction{Customer: "ana", Time: day(d), Amount: decimal.NewFromInt(amount)}, Product: product}
	}
	a := ladder.Activity{Customer: "ana", Purchases: []clv.Purchase{buy("2026-01-10", 400, "card"), buy("2026-03-10", 400, "card"), buy("2026-05-10", 400, "loan")}}
	p, _ := l.Place(a, nil, day("2026-06-30"), nil)
	fmt.Println(l.Rungs()[p.Rung].Name, "-", p.Reason)
	// Output:
	// silver - ladder/qualified: spend in window=1200, purchase days in window=3, predicted value=0, products=2, qualifies for=silver
}

func ExampleFire() {
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	big := clv.Purchase{Transaction: clv.Transaction{Customer: "ben", Time: asOf.AddDate(0, 0, -2), Amount: decimal.NewFromInt(900)}, Category: "computers"}
	acts, _ := ladder.Fire([]ladder.Trigger{
		ladder.LargePurchase{Days: 7, MinAmount: decimal.NewFromInt(500), Message: "complete your setup"},
		ladder.ExpiredInactive{MinRung: 2, AfterDays: 30, Message: "we miss you"},
	}, []ladder.Situation{
		{Customer: "ben", AsOf: asOf, Purchases: []clv.Purchase{big}},
		{Customer: "cora", Rung: 2, AsOf: asOf, ContractEnd: asOf.AddDate(0, 0, -45)},
	})
	for _, a := range acts {
		fmt.Printf("%s: %s (%s) due %s\n", a.Customer, a.Message, a.Trigger, a.Due.Format(time.DateOnly))
	}
	// Output:
	// ben: complete your setup (large-purchase) due 2026-06-30
	// cora: we miss you (expired-inactive) due 2026-06-15
}

func ExampleShareGoal_Progress() {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g := ladder.ShareGoal{Name: "10% of silver to gold", From: 1, To: 2, Share: 0.10, Start: start, Deadline: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)}
	baseline := map[string]int{"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 1, "g": 1, "h": 1, "i": 1, "j": 1, "k": 2}
	current := map[string]int{"a": 2, "b": 1, "c": 0}
	p, _ := g.Progress(baseline, current, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	fmt.Printf("achieved %.0f%% of silver, progress %.2f, pace %.2f, on track %v\n", 100*p.Achieved, p.Progress, p.Expected, p.OnTrack)
	// Output:
	// achieved 10% of silver, progress 1.00, pace 0.50, on track true
}

// Potential value: what each customer would be worth buying like the
// customers one rung above (the median of their values), and the gap.
func ExampleLadder_PotentialValues() {
	l, _ := ladder.NewLadder([]ladder.Rung{
		{Name: "bronze"},
		{Name: "silver", MinPurchases: 3},
		{Name: "gold", MinPurchases: 6},
	}, ladder.LadderOptions{})
	d := decimal.RequireFromString
	p, _ := l.PotentialValues([]ladder.RungValue{
		{Customer: "ana", Rung: 0, Value: d("120")},
		{Customer: "ben", Rung: 0, Value: d("80")},
		{Customer: "cora", Rung: 1, Value: d("400")},
		{Customer: "dan", Rung: 1, Value: d("650")},
		{Customer: "eve", Rung: 1, Value: d("520")},
		{Customer: "fay", Rung: 2, Value: d("2100")},
	}, ladder.PotentialOptions{MinCustomers: 2})
	for _, c := range p.ByGap() {
		fmt.Printf("%-4s current %5s potential %5s gap %4s  %s\n", c.Customer, c.Current, c.Potential, c.Gap, c.Reason.Rule)
	}
	// Output:
	// ben  current    80 potential   520 gap  440  ladder/potential
	// ana  current   120 potential   520 gap  400  ladder/potential
	// cora current   400 potential   400 gap    0  ladder/potential-too-few
	// dan  current   650 potential   650 gap    0  ladder/potential-too-few
	// eve  current   520 potential   520 gap    0  ladder/potential-too-few
	// fay  current  2100 potential  2100 gap    0  ladder/potential-top
}

// A loyalty ledger: points expire 12 months after they were earned, are
// spent oldest first, and a redemption beyond the balance is refused.
func ExampleLedger() {
	l, _ := ladder.NewLedger(ladder.LedgerOptions{ExpiryMonths: 12})
	day := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	err := l.Post(
		ladder.PointsEvent{ID: "stay-1", Customer: "ana", Time: day("2025-02-10"), Kind: ladder.Earn, Points: 600, Reason: "2 nights"},
		ladder.PointsEvent{ID: "stay-2", Customer: "ana", Time: day("2025-09-01"), Kind: ladder.Earn, Points: 900, Reason: "3 nights"},
		ladder.PointsEvent{ID: "spa", Customer: "ana", Time: day("2025-10-01"), Kind: ladder.Redeem, Points: 1000, Reason: "spa voucher"},
	)
	fmt.Println("posted:", err)
	err = l.Post(ladder.PointsEvent{ID: "suite", Customer: "ana", Time: day("2025-10-02"), Kind: ladder.Redeem, Points: 800})
	fmt.Println("refused:", errors.Is(err, ladder.ErrInsufficientPoints))
	entries, _ := l.Entries("ana", day("2026-12-31"))
	for _, e := range entries {
		fmt.Printf("%s %-14s %-6s %4d → %4d\n", e.Time.Format(time.DateOnly), e.ID, e.Kind, e.Points, e.Balance)
	}
	li, _ := l.Liability(day("2026-03-01"), decimal.RequireFromString("0.01"), 0.2)
	fmt.Println("liability on 2026-03-01:", li.Points, "points →", li.Amount.StringFixed(2))
	// Output:
	// posted: <nil>
	// refused: true
	// 2025-02-10 stay-1         earn    600 →  600
	// 2025-09-01 stay-2         earn    900 → 1500
	// 2025-10-01 spa            redeem 1000 →  500
	// 2026-09-01 expire/stay-2  expire  500 →    0
	// liability on 2026-03-01: 500 points → 4.00
}

// Ladder rewards as points: the events' IDs come from the grants, so
// posting the same grants again changes nothing.
func ExampleGrantEvents() {
	moves := ladder.Moves(map[string][]int{"ana": {0, 1, 2}, "ben": {1, 0}})
	grants, _ := ladder.RewardMoves(moves, []ladder.Reward{{From: 0, To: 1, Points: 200}, {From: 1, To: 2, Points: 500, Benefit: "lounge access"}})
	quarter := func(g ladder.Grant) time.Time {
		return time.Date(2025, time.Month(3*g.Period+1), 1, 0, 0, 0, 0, time.UTC)
	}
	events, _ := ladder.GrantEvents(grants, quarter)
	l, _ := ladder.NewLedger(ladder.LedgerOptions{})
	fmt.Println(l.Post(events...), l.Post(events...))
	for _, e := range events {
		fmt.Printf("%s %s %d (%s)\n", e.ID, e.Time.Format(time.DateOnly), e.Points, e.Reason)
	}
	b, _ := l.Balance("ana", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	fmt.Println("ana's balance:", b)
	// Output:
	// <nil> <nil>
	// ladder-reward "ana" 0>1 period 1 2025-04-01 200 (ladder reward 0→1)
	// ladder-reward "ana" 1>2 period 2 2025-07-01 500 (ladder reward 1→2: lounge access)
	// ana's balance: 700
}

// The span of history behind an estimate: the ladder article asks for at
// least two years, and MinYears makes less an error.
func ExampleEstimate_history() {
	var snaps []time.Time
	for q := range 9 { // quarter ends, 2023-06-30 to 2025-06-30
		snaps = append(snaps, time.Date(2023, time.Month(7+3*q), 0, 0, 0, 0, 0, time.UTC))
	}
	paths := [][]int{{0, 0, 1, 1, 1, 2, 2, 2, 2}, {0, 1, 1, 0, 0}, {1, 1, ladder.NoRung}}
	e, err := ladder.Estimate(slices.Values(paths), 3, ladder.EstimateOptions{Snapshots: snaps, MinYears: 2})
	fmt.Println(e.History, err)
	for _, p := range e.History.Periods[len(e.History.Periods)-3:] {
		fmt.Printf("  %s: %d customers (%d lost)\n", p.At.Format(time.DateOnly), p.Customers, p.Lost)
	}
	lastYear := [][]int{paths[0][4:], paths[1], paths[2]} // the last five quarter ends
	_, err = ladder.Estimate(slices.Values(lastYear), 3, ladder.EstimateOptions{Snapshots: snaps, MinYears: 2})
	fmt.Println(err)
	// Output:
	// 2 years (2023-06-30 to 2025-06-30, 731 days, 9 snapshots) <nil>
	//   2024-12-31: 3 customers (0 lost)
	//   2025-03-31: 3 customers (0 lost)
	//   2025-06-30: 3 customers (1 lost)
	// ladder: invalid input: history too short: 1 year (2024-06-30 to 2025-06-30, 365 days, 5 snapshots), less than the 2 years EstimateOptions.MinYears asks
}
