package lifecycle_test

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/lifecycle"
)

// Offers the lifecycle article lists besides cross-sell and upgrade:
// raising purchase frequency, extending tenure past the expected lifetime,
// and sharing data with a non-competing partner, which needs the customer's
// recorded consent.
func ExampleDecide_newKinds() {
	catalogue := []lifecycle.Offer{
		{ID: "double-points", Kind: lifecycle.RaiseFrequency, MarginChange: decimal.NewFromInt(90), Cost: decimal.NewFromInt(4),
			AcceptWith: 0.25, AcceptWithout: 0.05},
		{ID: "renewal-bonus", Kind: lifecycle.ExtendTenure, MarginChange: decimal.NewFromInt(150), Cost: decimal.NewFromInt(10),
			AcceptWith: 0.4, AcceptWithout: 0.2},
		{ID: "airline-miles", Kind: lifecycle.DataSharing, Partner: true, MarginChange: decimal.NewFromInt(12),
			AcceptWith: 0.5, AcceptWithout: 0},
	}
	potential := decimal.NewFromInt(860)
	ana := lifecycle.Customer{ID: "ana", Phase: lifecycle.Active, Value: decimal.NewFromInt(800), PotentialValue: &potential, ChurnRisk: 0.1}
	chosen, rejected, _ := lifecycle.Decide(ana, catalogue, decimal.Zero)
	for _, d := range chosen {
		fmt.Printf("%s: EV %s\n  %s\n", d.Offer.ID, d.ExpectedValue, d.Reason)
	}
	for _, d := range rejected {
		fmt.Printf("not %s: %s\n", d.Offer.ID, d.Reason)
	}
	// Output:
	// renewal-bonus: EV 20
	//   offer/extend-tenure: phase=active (!= prospect: yes), uplift=0.2; uplift × margin change 30, uplift × churn value saved 0, cost -10
	// double-points: EV 8
	//   offer/raise-frequency: phase=active (!= prospect: yes), potential value gap=60, uplift=0.2; uplift × margin change capped at the potential value gap 60 12, uplift × churn value saved 0, cost -4
	// not airline-miles: offer/data-sharing: consents to sharing data with partners=false (= true: no)
}

// An offer made through several channels: the branch converts best, but
// telemarketing costs a quarter as much and e-mail almost nothing; the
// decision takes the channel with the highest expected value and says why.
func ExampleChannel() {
	branch, phone, email := 0.14, 0.10, 0.03
	upgrade := lifecycle.Offer{ID: "gold-card", Kind: lifecycle.Upgrade, Product: "gold card", MarginChange: decimal.NewFromInt(120),
		Cost: decimal.NewFromInt(2), AcceptWith: 0.12, AcceptWithout: 0.02,
		Channels: []lifecycle.Channel{
			{Name: "branch", Cost: decimal.NewFromInt(8), AcceptWith: &branch},
			{Name: "phone", Cost: decimal.NewFromInt(2), AcceptWith: &phone},
			{Name: "email", Cost: decimal.RequireFromString("0.05"), AcceptWith: &email},
		}}
	ben := lifecycle.Customer{ID: "ben", Phase: lifecycle.Active, Value: decimal.NewFromInt(500), ChurnRisk: 0.1, FirstChannel: "branch"}
	chosen, _, _ := lifecycle.Decide(ben, []lifecycle.Offer{upgrade}, decimal.Zero)
	d := chosen[0]
	fmt.Printf("%s via %s: EV %s, cost %s\n", d.Offer.ID, d.Channel, d.ExpectedValue, d.Cost)
	for _, f := range d.Reason.Facts {
		fmt.Printf("  %s = %s\n", f.Name, f.Value)
	}
	// Without measured acceptance by channel, the channel of the first
	// purchase.
	for i := range upgrade.Channels {
		upgrade.Channels[i].AcceptWith = nil
	}
	chosen, _, _ = lifecycle.Decide(ben, []lifecycle.Offer{upgrade}, decimal.Zero)
	fmt.Printf("%s via %s: EV %s\n", chosen[0].Offer.ID, chosen[0].Channel, chosen[0].ExpectedValue)
	// Output:
	// gold-card via phone: EV 5.6, cost 4
	//   holds gold card = false
	//   expected value via branch = 4.4
	//   expected value via email = -0.85
	//   expected value via phone = 5.6
	//   first-purchase channel = branch
	//   channel acceptance measured = true
	//   channel = phone
	//   channel chosen by = highest expected value
	//   uplift = 0.08
	// gold-card via branch: EV 2
}

// Weighing acquisition, retention and development against one budget: two
// acquisition campaigns (street teams cost four times what targeted
// telemarketing does), a retention offer and two development offers.
func ExamplePlanARD() {
	newCustomerLTV := decimal.NewFromInt(180) // clv.LifetimeValue of a new customer, say
	campaigns := []lifecycle.Campaign{
		{ID: "street-team", Channel: "street", CAC: decimal.NewFromInt(80), Customers: 10, LTV: newCustomerLTV},
		{ID: "telemarketing", Channel: "phone", CAC: decimal.NewFromInt(20), Customers: 6, LTV: newCustomerLTV},
	}
	effect := 0.3
	catalogue := []lifecycle.Offer{
		{ID: "fee-holiday", Kind: lifecycle.Retention, MarginChange: decimal.NewFromInt(-20), Cost: decimal.NewFromInt(15),
			AcceptWith: 0.6, AcceptWithout: 0.1, ChurnReduction: &effect, MinChurnRisk: 0.4},
		{ID: "premium", Kind: lifecycle.Upgrade, Product: "premium", MarginChange: decimal.NewFromInt(300), Cost: decimal.NewFromInt(25),
			AcceptWith: 0.3, AcceptWithout: 0.05},
	}
	p1, p2 := decimal.NewFromInt(1500), decimal.NewFromInt(1400)
	customers := []lifecycle.Customer{
		{ID: "ana", Phase: lifecycle.AtRisk, Value: decimal.NewFromInt(2000), ChurnRisk: 0.6},
		{ID: "ben", Phase: lifecycle.Active, Value: decimal.NewFromInt(900), PotentialValue: &p1, ChurnRisk: 0.1},
		{ID: "cora", Phase: lifecycle.Active, Value: decimal.NewFromInt(1000), PotentialValue: &p2, ChurnRisk: 0.1},
	}
	all, _ := lifecycle.DecideAll(customers, catalogue, decimal.Zero)
	var decisions []lifecycle.Decision
	for _, ds := range all {
		decisions = append(decisions, ds...)
	}
	plan, err := lifecycle.PlanARD(decimal.NewFromInt(170), campaigns, decisions, lifecycle.ARDOptions{MinLTVToCAC: 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("budget %s: spend %s, expected return %s (%s, exact %v)\n", plan.Budget, plan.Cost, plan.Return, plan.Method, plan.Exact)
	for _, a := range plan.Chosen {
		fmt.Printf("  do   %-11s %-13s %-4s cost %3s return %6s\n", a.Lever, a.ID, a.Customer, a.Cost, a.Return)
	}
	for _, a := range plan.Left {
		fmt.Printf("  skip %-11s %-13s %-4s", a.Lever, a.ID, a.Customer)
		for _, f := range a.Reason.Facts {
			if !f.Held && f.Op != "" {
				fmt.Printf(" (%s %s, wanted %s)", f.Name, f.Value, f.Test())
			}
		}
		fmt.Println()
	}
	for _, s := range plan.Split {
		fmt.Printf("  %-11s %d actions, cost %3s (%2.0f%%), return %s\n", s.Lever, s.Actions, s.Cost, 100*s.BudgetShare, s.Return)
	}
	// Output:
	// budget 170: spend 160, expected return 1285 (enumeration, exact true)
	//   do   acquisition telemarketing      cost 120 return    960
	//   do   retention   fee-holiday   ana  cost  15 return    275
	//   do   development premium       ben  cost  25 return     50
	//   skip acquisition street-team        (LTV:CAC 2.25, wanted >= 3)
	//   skip development premium       ana  (other offer to this customer in the plan fee-holiday, wanted = none) (cost against the budget left 25, wanted <= 10)
	//   skip development premium       cora (cost against the budget left 25, wanted <= 10)
	//   acquisition 1 actions, cost 120 (75%), return 960
	//   retention   1 actions, cost  15 ( 9%), return 275
	//   development 1 actions, cost  25 (16%), return 50
}

// A cohort report by acquisition month: retention, repeat rate and value
// per customer by months since the first purchase, and LTV:CAC when the
// acquisition spend is known.
func ExampleCohortBuilder() {
	b, _ := lifecycle.NewCohortBuilder(lifecycle.CohortOptions{End: day("2024-03-31")})
	log := []clv.Transaction{
		{Customer: "ana", Time: day("2024-01-05"), Amount: decimal.NewFromInt(40)},
		{Customer: "ana", Time: day("2024-02-11"), Amount: decimal.NewFromInt(25)},
		{Customer: "ana", Time: day("2024-03-02"), Amount: decimal.NewFromInt(30)},
		{Customer: "ben", Time: day("2024-01-20"), Amount: decimal.NewFromInt(60)},
		{Customer: "cora", Time: day("2024-02-03"), Amount: decimal.NewFromInt(20)},
		{Customer: "cora", Time: day("2024-02-24"), Amount: decimal.NewFromInt(20)},
	}
	if err := b.AddAll(slices.Values(log)); err != nil {
		fmt.Println(err)
		return
	}
	jan := lifecycle.MonthOf(day("2024-01-01"), nil)
	r, _ := b.Report(map[lifecycle.Month]decimal.Decimal{jan: decimal.NewFromInt(50)})
	for _, c := range r.Cohorts {
		fmt.Printf("cohort %s: %d customers\n", c.Month, c.Customers)
		for _, p := range c.Periods {
			fmt.Printf("  month %d: active %d, retention %.2f, repeat %.2f, revenue %s, value/customer %s, LTV:CAC %.2f\n",
				p.Age, p.Active, p.Retention, p.RepeatRate, p.Revenue, p.ValuePerCustomer.Round(2), p.LTVToCAC)
		}
	}
	for _, pt := range r.RetentionCurve() {
		fmt.Printf("age %d: %.0f%% of %d customers\n", pt.Age, 100*pt.Retention, pt.Customers)
	}
	// Output:
	// cohort 2024-01: 2 customers
	//   month 0: active 2, retention 1.00, repeat 0.00, revenue 100, value/customer 50, LTV:CAC 2.00
	//   month 1: active 1, retention 0.50, repeat 0.50, revenue 25, value/customer 62.5, LTV:CAC 2.50
	//   month 2: active 1, retention 0.50, repeat 0.50, revenue 30, value/customer 77.5, LTV:CAC 3.10
	// cohort 2024-02: 1 customers
	//   month 0: active 1, retention 1.00, repeat 1.00, revenue 40, value/customer 40, LTV:CAC 0.00
	//   month 1: active 0, retention 0.00, repeat 1.00, revenue 0, value/customer 40, LTV:CAC 0.00
	// age 0: 100% of 3 customers
	// age 1: 33% of 3 customers
	// age 2: 50% of 2 customers
}
