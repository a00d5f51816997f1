package pesca_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/lifecycle"
	"github.com/clvkit/clvkit/pesca"
)

func ExampleBaskets_Rules() {
	b := pesca.NewBaskets()
	_ = b.Add("Milk", "Onion", "Nutmeg", "Kidney Beans", "Eggs", "Yogurt")
	_ = b.Add("Dill", "Onion", "Nutmeg", "Kidney Beans", "Eggs", "Yogurt")
	_ = b.Add("Milk", "Apple", "Kidney Beans", "Eggs")
	_ = b.Add("Milk", "Unicorn", "Corn", "Kidney Beans", "Yogurt")
	_ = b.Add("Corn", "Onion", "Onion", "Kidney Beans", "Ice cream", "Eggs")
	rules, _ := b.Rules(0.6, 0.7)
	fmt.Println(len(rules), "rules")
	for _, r := range rules[len(rules)-3:] {
		fmt.Printf("%v → %v: support %.2f confidence %.2f lift %.2f leverage %.2f conviction %.2f\n",
			r.Antecedent, r.Consequent, r.Support, r.Confidence, r.Lift, r.Leverage, r.Conviction)
	}
	// Output:
	// 12 rules
	// [Eggs] → [Kidney Beans Onion]: support 0.60 confidence 0.75 lift 1.25 leverage 0.12 conviction 1.60
	// [Eggs] → [Onion]: support 0.60 confidence 0.75 lift 1.25 leverage 0.12 conviction 1.60
	// [Eggs Kidney Beans] → [Onion]: support 0.60 confidence 0.75 lift 1.25 leverage 0.12 conviction 1.60
}

func ExampleSequences_Next() {
	s := pesca.NewSequences()
	day := func(m int) time.Time { return time.Date(2024, time.Month(m), 1, 0, 0, 0, 0, time.UTC) }
	for i, order := range [][]string{{"iPhone", "Watch", "iPad", "MacBook"}, {"iPhone", "Watch", "iPad"}, {"iPhone", "Watch"}, {"iPhone", "iPad"}} {
		var ps []clv.Purchase
		for m, p := range order {
			ps = append(ps, clv.Purchase{Transaction: clv.Transaction{Customer: fmt.Sprint(i), Time: day(m + 1)}, Product: p})
		}
		_ = s.AddCustomer(ps, nil)
	}
	for _, t := range s.Next([]string{"iPhone", "Watch"}, 2) {
		fmt.Printf("%s after %s: confidence %.2f, lift %.2f\n", t.To, t.From, t.Confidence, t.Lift)
	}
	// Output:
	// iPad after iPhone: confidence 0.75, lift 1.00
	// MacBook after Watch: confidence 0.33, lift 1.33
}

func ExamplePlanner_Plan() {
	d := decimal.NewFromInt
	planner := pesca.Planner{Initiatives: []pesca.Initiative{
		{ID: "welcome", Perspective: pesca.Experience, Name: "welcome sequence", Anchor: pesca.FirstPurchase, OffsetDays: 1, WindowDays: 14, ExpectedValue: d(5), Cost: d(1)},
		{ID: "watch", Perspective: pesca.Product, Name: "offer the Watch", Product: "Watch", Requires: []string{"iPhone"},
			Anchor: pesca.ProductPurchase, AfterProduct: "iPhone", OffsetDays: 30, ExpectedValue: d(60), Cost: d(5)},
		{ID: "setup-call", Perspective: pesca.Service, Name: "set-up call", Anchor: pesca.LastPurchase, OffsetDays: 7, Channel: "phone", ExpectedValue: d(8), Cost: d(3)},
		{ID: "care-plan", Perspective: pesca.Allies, Name: "partner insurance", Anchor: pesca.ProductPurchase, AfterProduct: "iPhone", OffsetDays: 10, ExpectedValue: d(12)},
	}}
	ana := pesca.Profile{ID: "ana", Phase: lifecycle.Newcomer, Purchases: []clv.Purchase{{
		Transaction: clv.Transaction{Customer: "ana", Time: time.Date(2024, 6, 20, 0, 0, 0, 0, time.UTC), Amount: d(999)},
		Product:     "iPhone", Channel: "web"}}}
	plan, _ := planner.Plan(ana, time.Date(2024, 6, 22, 0, 0, 0, 0, time.UTC))
	for _, s := range plan.Steps {
		fmt.Printf("%s %-10s %-18s via %-5s EV %s\n", s.When.Format(time.DateOnly), s.Initiative.Perspective, s.Initiative.Name, s.Channel, s.ExpectedValue)
	}
	fmt.Println("nothing planned for:", plan.Missing)
	// Output:
	// 2024-06-22 experience welcome sequence   via web   EV 4
	// 2024-06-27 service    set-up call        via phone EV 5
	// 2024-06-30 allies     partner insurance  via web   EV 12
	// 2024-07-20 product    offer the Watch    via web   EV 55
	// nothing planned for: [content]
}
