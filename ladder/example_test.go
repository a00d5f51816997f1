package ladder_test

import (
	"fmt"
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
