package rundle_test

import (
	"fmt"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/rundle"
	"github.com/shopspring/decimal"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// Adams & Yellen's opera example: separate tickets, a season ticket only,
// or both.
func ExampleMarket_OptimizeMixed() {
	m := rundle.Market{
		Costs: []decimal.Decimal{decimal.Zero, decimal.Zero},
		Buyers: []rundle.Buyer{
			{ID: "A", Reservation: []decimal.Decimal{d("85"), d("15")}},
			{ID: "B", Reservation: []decimal.Decimal{d("60"), d("60")}},
			{ID: "C", Reservation: []decimal.Decimal{d("50"), d("70")}},
			{ID: "D", Reservation: []decimal.Decimal{d("10"), d("90")}},
		},
	}
	sep, _ := m.OptimizeSeparate()
	pure, _ := m.OptimizePure()
	mixed, _ := m.OptimizeMixed(rundle.OptimizeOptions{Tick: d("0.05")})
	fmt.Println("separate:", sep.Profit, "at", *sep.Pricing.Separate[0], *sep.Pricing.Separate[1])
	fmt.Println("pure bundle:", pure.Profit, "at", *pure.Pricing.Bundle)
	fmt.Println("mixed:", mixed.Profit, "at", *mixed.Pricing.Separate[0], *mixed.Pricing.Separate[1], *mixed.Pricing.Bundle)
	// Output:
	// separate: 330 at 50 60
	// pure bundle: 400 at 100
	// mixed: 415 at 85 90 120
}

// A Prime-like rundle: a yearly fee, shipping from the start, video and
// music, pharmacy discounts from the second year.
func ExampleRundle() {
	prime := rundle.Rundle{
		Name:         "prime",
		Price:        d("139"),
		Retention:    clv.SBG{Alpha: 0.668, Beta: 3.806},
		DiscountRate: 0.10,
		Benefits: []rundle.Benefit{
			{Name: "free shipping", Kind: rundle.KindService, ValuePerPeriod: d("120"), CostPerPeriod: d("45"), ChurnReduction: 0.20},
			{Name: "video", Kind: rundle.KindContent, ValuePerPeriod: d("96"), CostPerPeriod: d("30"), ChurnReduction: 0.10},
			{Name: "music", Kind: rundle.KindContent, ValuePerPeriod: d("60"), CostPerPeriod: d("12")},
		},
	}
	pharmacy := rundle.Benefit{Name: "pharmacy", Kind: rundle.KindPartnerBenefit, ValuePerPeriod: d("40"), CostPerPeriod: d("5"),
		From: 2, ChurnReduction: 0.05}
	ltv, _ := prime.LifetimeValue()
	fmt.Println("lifetime value of a new member:", ltv)
	tl, _ := prime.Timeline(3)
	for _, p := range tl {
		fmt.Printf("year %d: value %s for %s (%.1fx), %.0f%% still members\n", p.Period, p.PerceivedValue, p.Price, p.Ratio, 100*p.Subscribed)
	}
	e, _ := prime.AddBenefit(pharmacy)
	fmt.Printf("adding pharmacy: +%s retention, -%s cost, net %s\n", e.RetentionEffect, e.CostToUs, e.LifetimeValueChange)
	// Output:
	// lifetime value of a new member: 361.48
	// year 1: value 276 for 139 (2.0x), 100% still members
	// year 2: value 276 for 139 (2.0x), 89% still members
	// year 3: value 276 for 139 (2.0x), 81% still members
	// adding pharmacy: +5.89 retention, -30.32 cost, net -24.43
}
