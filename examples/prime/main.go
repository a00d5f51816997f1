// Command prime designs a rundle like Amazon Prime: a yearly
// membership that keeps adding shipping, video, music, books, pharmacy and
// grocery benefits, so that the value a member perceives far exceeds the
// price. It also shows why a plain bundle is a different thing, with Adams
// & Yellen's pricing example.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/rundle"
	"github.com/shopspring/decimal"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "prime:", err)
		os.Exit(1)
	}
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func run(w io.Writer) error {
	// A bundle: the obvious combination at an acceptable saving.
	m := rundle.Market{
		Costs: []decimal.Decimal{d("20"), d("30")},
		Buyers: []rundle.Buyer{
			{ID: "A", Reservation: []decimal.Decimal{d("10"), d("90")}},
			{ID: "B", Reservation: []decimal.Decimal{d("50"), d("50")}},
			{ID: "C", Reservation: []decimal.Decimal{d("60"), d("40")}},
			{ID: "D", Reservation: []decimal.Decimal{d("90"), d("10")}},
		},
	}
	sep, err := m.OptimizeSeparate()
	if err != nil {
		return err
	}
	pure, err := m.OptimizePure()
	if err != nil {
		return err
	}
	mixed, err := m.OptimizeMixed(rundle.OptimizeOptions{Tick: d("0.05")})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "Bundling two products (Adams & Yellen):")
	fmt.Fprintf(w, "  sold separately (%s): profit %s\n", sep.Pricing, sep.Profit.StringFixed(2))
	fmt.Fprintf(w, "  pure bundle (%s): profit %s\n", pure.Pricing, pure.Profit.StringFixed(2))
	fmt.Fprintf(w, "  mixed (%s): profit %s\n", mixed.Pricing, mixed.Profit.StringFixed(2))

	// A rundle: a subscription that keeps delivering.
	prime := rundle.Rundle{
		Name:         "prime-like",
		Price:        d("139"),
		Retention:    clv.SBG{Alpha: 0.668, Beta: 3.806}, // Fader & Hardie's high-end segment
		DiscountRate: 0.10,
		Benefits: []rundle.Benefit{
			{Name: "free fast shipping", Kind: rundle.KindService, ValuePerPeriod: d("120"), CostPerPeriod: d("45"), ChurnReduction: 0.20},
			{Name: "video", Kind: rundle.KindContent, ValuePerPeriod: d("96"), CostPerPeriod: d("30"), ChurnReduction: 0.10},
		},
	}
	ltv, err := prime.LifetimeValue()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nRundle %q at %s a year: lifetime value of a new member %s\n", prime.Name, prime.Price, ltv)
	candidates := []rundle.Benefit{
		{Name: "music", Kind: rundle.KindContent, ValuePerPeriod: d("60"), CostPerPeriod: d("12"), ChurnReduction: 0.03},
		{Name: "books", Kind: rundle.KindContent, ValuePerPeriod: d("40"), CostPerPeriod: d("8"), ChurnReduction: 0.02},
		// Partners (P.E.S.C.A.'s allies) fund most of their benefits.
		{Name: "pharmacy discounts", Kind: rundle.KindPartnerBenefit, ValuePerPeriod: d("40"), CostPerPeriod: d("1"), From: 2, ChurnReduction: 0.10},
		{Name: "grocery discounts", Kind: rundle.KindPartnerBenefit, ValuePerPeriod: d("80"), CostPerPeriod: d("4"), From: 3, ChurnReduction: 0.15},
		{Name: "early access events", Kind: rundle.KindExperience, ValuePerPeriod: d("25"), CostPerPeriod: d("6"), ChurnReduction: 0.01},
	}
	fmt.Fprintln(w, "Adding one benefit at a time:")
	for _, b := range candidates {
		e, err := prime.AddBenefit(b)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-20s value to member %7s, cost to us %6s, retention effect %6s, lifetime value change %7s\n",
			b.Name, e.ValueToMember.StringFixed(2), e.CostToUs.StringFixed(2), e.RetentionEffect.StringFixed(2), e.LifetimeValueChange.StringFixed(2))
	}
	best, err := prime.BestBenefits(candidates, d("25"))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Best set within 25 a year of extra cost: %v (cost %s) → LTV %s\n", best.Benefits, best.CostPerPeriod, best.LifetimeValue)
	for _, b := range candidates {
		for _, n := range best.Benefits {
			if b.Name == n {
				prime.Benefits = append(prime.Benefits, b)
			}
		}
	}
	tl, err := prime.Timeline(5)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "Perceived value against price, year by year:")
	for _, p := range tl {
		fmt.Fprintf(w, "  year %d: %s of value for %s (%.1fx), %.0f%% of members still in\n", p.Period, p.PerceivedValue, p.Price, p.Ratio, 100*p.Subscribed)
	}
	conv, err := prime.CompareConversion([]clv.CustomerValue{{ID: "a", Value: d("80")}, {ID: "b", Value: d("140")}, {ID: "c", Value: d("35")}, {ID: "d", Value: d("210")}}, 0.3)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "A segment of %d one-off buyers worth %s; as members at 30%% conversion: %s (gain %s)\n", conv.Customers, conv.AsBuyers, conv.AsMembers.StringFixed(2), conv.Gain.StringFixed(2))
	return nil
}
