// Command ladder works through the customer ladder on a retailer's
// recency states, with Pfeifer & Carraway's Markov-chain numbers: what each
// state is worth, where to stop marketing, how long customers stay, then a
// migration goal, trigger-based messages and rewards for climbing. Its
// second part runs a shop's ladder on two and a half years of purchases:
// the span of history behind the migration estimate, each customer's
// potential value (buying like the customers one rung above) and the
// loyalty points paid for climbing, with the programme's liability.
package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ladder"
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
	return shop(w)
}

// shop runs a three-rung ladder on a generated purchase log: the history
// behind the estimate, potential values, and ladder rewards in points.
func shop(w io.Writer) error {
	end := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	log := purchases(end)
	l, err := ladder.NewLadder([]ladder.Rung{
		{Name: "bronze"},
		{Name: "silver", MinSpend: decimal.NewFromInt(400), MinPurchases: 4},
		{Name: "gold", MinSpend: decimal.NewFromInt(1500), MinPurchases: 12},
	}, ladder.LadderOptions{WindowDays: 365, GraceDays: 60})
	if err != nil {
		return err
	}
	names := []string{"bronze", "silver", "gold"}

	// 1. At least two years of history: quarter ends from 2023-03-31.
	var snaps []time.Time
	for q := time.Date(2023, 4, 1, 0, 0, 0, 0, time.UTC); !q.After(end.AddDate(0, 0, 1)); q = q.AddDate(0, 3, 0) {
		snaps = append(snaps, q.AddDate(0, 0, -1))
	}
	ids, paths, err := l.Paths(slices.Values(log), snaps, ladder.PathOptions{LostAfterDays: 180})
	if err != nil {
		return err
	}
	est, err := ladder.Estimate(slices.Values(paths), len(names), ladder.EstimateOptions{Smoothing: 0.5, Snapshots: snaps, MinYears: 2})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nA shop's ladder, %d customers. History behind the migration estimate: %s\n", len(ids), est.History)
	fmt.Fprint(w, "  customers per quarter (lost):")
	for _, p := range est.History.Periods {
		fmt.Fprintf(w, " %d (%d)", p.Customers, p.Lost)
	}
	fmt.Fprintln(w)
	for i, row := range est.Chain.P[:len(names)] {
		fmt.Fprintf(w, "  %-7s stays %.2f, climbs %.2f, is lost %.2f a quarter\n", names[i], row[i], sumAbove(row[:len(names)], i), row[len(names)])
	}

	// 2. Current and potential value: lifetime value over the next year from
	// BG/NBD and Gamma-Gamma (CDNOW's published parameters here; fit your own
	// with clv.FitBGNBD and clv.FitGammaGamma), potential from the rung above.
	txs := make([]clv.Transaction, len(log))
	for i, p := range log {
		txs[i] = p.Transaction
	}
	sums, err := clv.Summarize(slices.Values(txs), clv.SummaryOptions{End: end, Unit: clv.UnitWeek})
	if err != nil {
		return err
	}
	values, err := clv.LifetimeValue(clv.BGNBD{R: 0.242593, Alpha: 4.413532, A: 0.792886, B: 2.425752, Unit: clv.UnitWeek},
		clv.GammaGamma{P: 6.248803, Q: 3.744588, Gamma: 15.447747}, sums, clv.ValueOptions{Steps: 52, StepLength: 1, DiscountRate: 0.002, Margin: 0.3})
	if err != nil {
		return err
	}
	valueOf := make(map[string]decimal.Decimal, len(values))
	for _, v := range values {
		valueOf[v.ID] = v.Value
	}
	base := make([]ladder.RungValue, len(ids))
	for i, id := range ids {
		base[i] = ladder.RungValue{Customer: id, Rung: paths[i][len(paths[i])-1], Value: valueOf[id]}
	}
	pot, err := l.PotentialValues(base, ladder.PotentialOptions{MinCustomers: 20})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nPotential value: lifetime value if the customer bought like the median customer one rung above")
	for _, b := range pot.Rungs {
		fmt.Fprintf(w, "  %-7s %3d customers, median value %s\n", names[b.Rung], b.Customers, b.Value.StringFixed(2))
	}
	lost := len(ids) - pot.Rungs[0].Customers - pot.Rungs[1].Customers - pot.Rungs[2].Customers
	fmt.Fprintf(w, "  lost    %3d customers, measured against bronze (what winning them back is worth)\n", lost)
	total := decimal.Zero
	for _, c := range pot.Customers {
		total = total.Add(c.Gap)
	}
	fmt.Fprintf(w, "  total gap to develop: %s; the five largest:\n", total.StringFixed(2))
	for _, c := range pot.ByGap()[:5] {
		fmt.Fprintf(w, "    %s  %-6s current %7s potential %7s gap %7s\n", c.Customer, rungName(names, c.Rung), c.Current.StringFixed(2), c.Potential.StringFixed(2), c.Gap.StringFixed(2))
	}

	// 3. Rewards for climbing, paid in points that expire after two years.
	byID := make(map[string][]int, len(ids))
	offset := make(map[string]int, len(ids)) // the snapshot a customer's path starts at
	for i, id := range ids {
		byID[id] = paths[i]
		offset[id] = len(snaps) - len(paths[i])
	}
	grants, err := ladder.RewardMoves(ladder.Moves(byID), []ladder.Reward{
		{From: 0, To: 1, Points: 500, Cost: decimal.NewFromInt(2)},
		{From: 1, To: 2, Points: 2000, Benefit: "gold welcome gift", Cost: decimal.NewFromInt(15)},
	})
	if err != nil {
		return err
	}
	events, err := ladder.GrantEvents(grants, func(g ladder.Grant) time.Time { return snaps[offset[g.Customer]+g.Period] })
	if err != nil {
		return err
	}
	ledger, err := ladder.NewLedger(ladder.LedgerOptions{ExpiryMonths: 24})
	if err != nil {
		return err
	}
	if err := ledger.Post(events...); err != nil {
		return err
	}
	before := len(ledger.Events())
	if err := ledger.Post(events...); err != nil { // a retried run posts nothing twice
		return err
	}
	li, err := ledger.Liability(end, decimal.RequireFromString("0.01"), 0.25)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nLadder rewards: %d climbs rewarded, %d points events (%d after posting them again)\n", len(grants), before, len(ledger.Events()))
	fmt.Fprintf(w, "  outstanding on %s: %d points held by %d customers\n", end.Format(time.DateOnly), li.Points, li.Customers)
	fmt.Fprintf(w, "  liability at $0.01 a point, 25%% breakage: $%s (%s)\n", li.Amount.StringFixed(2), li.Reason)
	top := pot.ByGap()[0]
	held, err := ledger.Balance(top.Customer, end)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "  %s, the largest gap, holds %d points\n", top.Customer, held)
	return nil
}

func sumAbove(row []float64, i int) float64 {
	s := 0.0
	for _, p := range row[i+1:] {
		s += p
	}
	return s
}

func rungName(names []string, r int) string {
	if r == ladder.NoRung {
		return "lost"
	}
	return names[r]
}

// purchases generates a shop's log up to end: 400 customers who start
// between 2023 and 2025, occasional, regular or frequent buyers, some of
// whom stop buying. The seed is fixed, so the output never changes.
func purchases(end time.Time) []clv.Purchase {
	rng := rand.New(rand.NewPCG(2025, 6))
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	span := int(end.Sub(start).Hours() / 24)
	var out []clv.Purchase
	for i := range 400 {
		id := fmt.Sprintf("c%03d", i)
		gap, basket := []float64{75, 28, 9}[i%3], []float64{35, 60, 90}[i%3]
		day := rng.IntN(span)
		stop := day + 90 + rng.IntN(2*span)
		for day <= span && day <= stop {
			amount := decimal.NewFromFloat(basket * (0.5 + rng.Float64())).Round(2)
			out = append(out, clv.Purchase{Transaction: clv.Transaction{Customer: id, Time: start.AddDate(0, 0, day).Add(11 * time.Hour), Amount: amount}})
			day += 1 + int(rng.ExpFloat64()*gap)
		}
	}
	return out
}
