package lifecycle_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/lifecycle"
)

func day(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }

func ExamplePhaseRules_Assign() {
	log := []clv.Transaction{
		{Customer: "ana", Time: day("2024-01-10"), Amount: decimal.NewFromInt(40)},
		{Customer: "ana", Time: day("2024-06-20"), Amount: decimal.NewFromInt(55)},
		{Customer: "ben", Time: day("2023-11-02"), Amount: decimal.NewFromInt(90)},
		{Customer: "ben", Time: day("2024-02-14"), Amount: decimal.NewFromInt(35)},
	}
	hs, err := lifecycle.Histories(slices.Values(log), []string{"cora"}, day("2024-07-01"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, h := range hs {
		a, _ := lifecycle.PhaseRules{}.Assign(h)
		fmt.Printf("%s: %s (%s)\n", a.ID, a.Phase, a.Reason)
	}
	// Output:
	// ana: reactivated (phase/reactivated: days in the gap before the last purchase=162 (>= 120: yes), days since last purchase=11 (< 30: yes))
	// ben: lapsed (phase/lapsed: days since last purchase=138 (>= 120: yes))
	// cora: prospect (phase/prospect: purchases=0)
}

func ExampleScoreRFM() {
	asOf := day("2024-07-01")
	hs := []lifecycle.History{
		{ID: "a", AsOf: asOf, First: day("2023-01-01"), Last: day("2024-06-28"), Purchases: 14, Spend: decimal.NewFromInt(900)},
		{ID: "b", AsOf: asOf, First: day("2024-06-20"), Last: day("2024-06-20"), Purchases: 1, Spend: decimal.NewFromInt(30)},
		{ID: "c", AsOf: asOf, First: day("2022-03-01"), Last: day("2023-02-01"), Purchases: 9, Spend: decimal.NewFromInt(700)},
		{ID: "d", AsOf: asOf, First: day("2023-05-01"), Last: day("2024-03-01"), Purchases: 3, Spend: decimal.NewFromInt(120)},
		{ID: "e", AsOf: asOf, First: day("2022-01-01"), Last: day("2022-02-01"), Purchases: 1, Spend: decimal.NewFromInt(15)},
	}
	scores, _ := lifecycle.ScoreRFM(hs, lifecycle.RFMOptions{Classes: 5})
	segments, err := lifecycle.NewSegmentMap(5, lifecycle.DefaultSegments())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range scores {
		name, _, _ := segments.Segment(s)
		fmt.Printf("%s R%d F%d M%d %s\n", s.ID, s.R, s.F, s.M, name)
	}
	// Output:
	// a R5 F5 M5 Champions
	// b R4 F1 M2 Promising
	// c R2 F4 M4 At risk
	// d R3 F3 M3 Need attention
	// e R1 F1 M1 Lost
}

func ExampleDecide() {
	effect := 0.25
	catalogue := []lifecycle.Offer{
		{ID: "gold-card", Kind: lifecycle.Upgrade, Product: "gold card", Requires: []string{"classic card"},
			MarginChange: decimal.NewFromInt(120), Cost: decimal.NewFromInt(5), AcceptWith: 0.12, AcceptWithout: 0.02},
		{ID: "fee-holiday", Kind: lifecycle.Retention, MarginChange: decimal.NewFromInt(-15), Cost: decimal.NewFromInt(1),
			AcceptWith: 0.7, AcceptWithout: 0.1, ChurnReduction: &effect, MinChurnRisk: 0.3},
		{ID: "basic-plan", Kind: lifecycle.Downgrade, Product: "basic plan", MarginChange: decimal.NewFromInt(-40),
			AcceptWith: 0.3, AcceptWithout: 0.01},
	}
	ana := lifecycle.Customer{ID: "ana", Phase: lifecycle.AtRisk, Products: []string{"classic card"},
		Value: decimal.NewFromInt(800), ChurnRisk: 0.4}
	chosen, rejected, _ := lifecycle.Decide(ana, catalogue, decimal.Zero)
	for _, d := range chosen {
		fmt.Printf("offer %s: EV %s\n  %s\n", d.Offer.ID, d.ExpectedValue, d.Reason)
	}
	for _, d := range rejected {
		fmt.Printf("not %s: %s\n", d.Offer.ID, d.Reason)
	}
	// Output:
	// offer fee-holiday: EV 110
	//   offer/retention: churn risk=0.4000 (>= 0.3: yes), uplift=0.6; uplift × margin change -9, uplift × churn value saved 120, cost -1
	// offer gold-card: EV 7
	//   offer/upgrade: holds classic card=true (= true: yes), holds gold card=false (= false: yes), uplift=0.1; uplift × margin change 12, uplift × churn value saved 0, cost -5
	// not basic-plan: offer/downgrade: holds basic plan=false (= false: yes), effect on churn known=false (= true: no)
}

func ExampleRetentionValue() {
	m := decimal.NewFromInt(100)
	for _, timing := range []lifecycle.Timing{lifecycle.PaidAtStart, lifecycle.PaidAtStartFirstExcluded, lifecycle.PaidAtEnd} {
		v, _ := lifecycle.RetentionValue(m, 0.8, 0.1, timing)
		fmt.Printf("%s: %s\n", timing, v)
	}
	hotel, _ := lifecycle.UndiscountedValue(decimal.NewFromInt(300), 24, 5)
	fmt.Println("hotel guest over five years:", hotel)
	// Output:
	// paid at start: 366.67
	// paid at start, first payment excluded: 266.67
	// paid at end: 333.33
	// hotel guest over five years: 36000
}

func ExampleContactPolicy_Apply() {
	p := lifecycle.ContactPolicy{MaxPerWindow: 1, Window: 7 * 24 * time.Hour, QuietFrom: 21 * time.Hour, QuietTo: 8 * time.Hour}
	now := time.Date(2024, 7, 1, 10, 0, 0, 0, time.UTC)
	past := []lifecycle.Contact{{Customer: "ben", Offer: "x", Time: now.Add(-48 * time.Hour)}}
	ds := []lifecycle.Decision{{Customer: "ana", Offer: lifecycle.Offer{ID: "x"}}, {Customer: "ben", Offer: lifecycle.Offer{ID: "y"}}}
	kept, blocked, _ := p.Apply(ds, past, now)
	fmt.Println("kept:", kept[0].Customer)
	f := blocked[0].Reason.Facts[0]
	fmt.Printf("blocked: %s - %s %s, want %s\n", blocked[0].Customer, f.Name, f.Value, f.Test())
	// Output:
	// kept: ana
	// blocked: ben - contacts in the last 168h0m0s 1, want < 1
}
