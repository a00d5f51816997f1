// Command ladder works through the customer ladder on a retailer's
// recency states, with Pfeifer & Carraway's Markov-chain numbers: what each
// state is worth, where to stop marketing, how long customers stay, then a
// migration goal, trigger-based messages and rewards for climbing.
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ladder"
	"github.com/shopspring/decimal"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ladder:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	// States: bought last period (1), 2, 3, 4 periods ago, lost. A purchase
	// brings a margin of 40; every marketed customer costs 4 a period.
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
	names := []string{"recency 1", "recency 2", "recency 3", "recency 4", "lost"}
	v, err := c.Value(0.2)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "Expected discounted value per state (d = 20%):")
	for i, x := range v {
		fmt.Fprintf(w, "  %-10s %9.4f\n", names[i], x)
	}
	pol, err := c.ImprovePolicy(0.2, nil)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "After stopping marketing where the value is negative:")
	for i, x := range pol.Values {
		fmt.Fprintf(w, "  %-10s %9.4f  marketed %v\n", names[i], x, pol.Marketed[i])
	}
	t, err := c.PeriodsBeforeLoss()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Expected periods before a customer is lost: %.4f\n", t)
	d, err := c.Project([]float64{1000, 0, 0, 0, 0}, 2)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "1000 customers who just bought, two periods later: %.0f\n", d)

	// A migration goal and triggers.
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	goal := ladder.ShareGoal{Name: "move 10% of silver to gold by 2026-06-30", From: 1, To: 2, Share: 0.10, Start: start,
		Deadline: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)}
	baseline, current := map[string]int{}, map[string]int{}
	for i := range 200 {
		id := fmt.Sprintf("s%03d", i)
		baseline[id] = 1
		current[id] = 1
		if i < 12 {
			current[id] = 2
		}
	}
	p, err := goal.Progress(baseline, current, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nGoal %q: %.0f%% moved, progress %.2f against a pace of %.2f: on track %v\n", goal.Name, 100*p.Achieved, p.Progress, p.Expected, p.OnTrack)
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	buy := func(id string, daysAgo int, amount int64, category string) clv.Purchase {
		return clv.Purchase{Transaction: clv.Transaction{Customer: id, Time: asOf.AddDate(0, 0, -daysAgo), Amount: decimal.NewFromInt(amount)}, Category: category}
	}
	acts, err := ladder.Fire([]ladder.Trigger{
		ladder.SmallBaskets{Days: 60, MaxAmount: decimal.NewFromInt(20), MinCount: 3, Message: "spend 50 and get 10 off", Incentive: "10 off 50"},
		ladder.LargePurchase{Days: 7, MinAmount: decimal.NewFromInt(500), Message: "complete your set"},
		ladder.ExpiredInactive{MinRung: 2, AfterDays: 30, Message: "we miss you", Incentive: "a month free"},
	}, []ladder.Situation{
		{Customer: "ana", AsOf: asOf, Purchases: []clv.Purchase{buy("ana", 5, 12, "snacks"), buy("ana", 20, 9, "snacks"), buy("ana", 40, 15, "drinks")}},
		{Customer: "ben", AsOf: asOf, Purchases: []clv.Purchase{buy("ben", 2, 850, "furniture")}},
		{Customer: "cora", Rung: 2, AsOf: asOf, ContractEnd: asOf.AddDate(0, 0, -45), Purchases: []clv.Purchase{buy("cora", 60, 300, "services")}},
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nTrigger-based messages:")
	for _, a := range acts {
		fmt.Fprintf(w, "  %-5s %-17s %-24s due %s  (%s)\n", a.Customer, a.Trigger, a.Message, a.Due.Format(time.DateOnly), a.Reason)
	}
	grants, err := ladder.RewardMoves([]ladder.Move{{Customer: "dan", Period: 3, From: 1, To: 2}, {Customer: "eve", Period: 3, From: 2, To: 1}},
		[]ladder.Reward{{From: 1, To: 2, Points: 500, Benefit: "gold welcome gift", Cost: decimal.NewFromInt(15)}})
	if err != nil {
		return err
	}
	for _, g := range grants {
		fmt.Fprintf(w, "Reward for %s: %d points and a %s (cost %s)\n", g.Customer, g.Reward.Points, g.Reward.Benefit, g.Reward.Cost)
	}
	return nil
}
