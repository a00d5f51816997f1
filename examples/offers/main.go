// Command offers works through the lifecycle programme's premise: every
// customer can be more profitable if the business manages their lifecycle
// with actions fitted to their phase — cross-sell, upgrade, downgrade for a
// customer in trouble, retention, and the article's other levers: raising
// purchase frequency, extending tenure past the expected lifetime and, with
// the customer's consent, sharing data with non-competing partners — ranked
// by expected value with the reasons, each made through the channel that
// pays best. An ARD plan then weighs acquisition campaigns against the
// retention and development offers within one budget, and a contact policy
// filters what the plan sends.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/lifecycle"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "offers:", err)
		os.Exit(1)
	}
}

func d(v int64) decimal.Decimal { return decimal.NewFromInt(v) }

func p(v float64) *float64 { return &v }

func run(w io.Writer) error {
	measured := 0.30 // churn reduction of the basic plan, measured in a holdout test
	feeHoliday := 0.25
	catalogue := []lifecycle.Offer{
		// The upgrade can be made at the branch, by phone or by e-mail:
		// the branch converts best, telemarketing costs a quarter as much.
		{ID: "gold-card", Kind: lifecycle.Upgrade, Product: "gold card", Requires: []string{"classic card"}, MarginChange: d(120), Cost: d(3),
			AcceptWith: 0.12, AcceptWithout: 0.02, Phases: []lifecycle.Phase{lifecycle.Active, lifecycle.Newcomer},
			Channels: []lifecycle.Channel{
				{Name: "branch", Cost: d(8), AcceptWith: p(0.15)},
				{Name: "phone", Cost: d(2), AcceptWith: p(0.11)},
				{Name: "email", Cost: decimal.RequireFromString("0.10"), AcceptWith: p(0.04)},
			}},
		// Nobody has measured the insurance by channel: each customer is
		// offered it where they first bought.
		{ID: "travel-insurance", Kind: lifecycle.CrossSell, Product: "travel insurance", Category: "insurance", MarginChange: d(60), Cost: d(1),
			AcceptWith: 0.10, AcceptWithout: 0.04,
			Channels: []lifecycle.Channel{{Name: "branch", Cost: d(4)}, {Name: "phone", Cost: d(1)}, {Name: "app", Cost: decimal.RequireFromString("0.05")}}},
		{ID: "partner-car-rental", Kind: lifecycle.CrossSell, Product: "car rental", Partner: true, MarginChange: d(15), Cost: d(1),
			AcceptWith: 0.08, AcceptWithout: 0.02},
		{ID: "double-points", Kind: lifecycle.RaiseFrequency, MarginChange: d(90), Cost: d(4), AcceptWith: 0.25, AcceptWithout: 0.05,
			Phases: []lifecycle.Phase{lifecycle.Active, lifecycle.Newcomer}},
		{ID: "renewal-bonus", Kind: lifecycle.ExtendTenure, MarginChange: d(150), Cost: d(10), AcceptWith: 0.4, AcceptWithout: 0.2,
			Segments: []string{"Champions", "Loyal"}},
		{ID: "partner-travel-deals", Kind: lifecycle.DataSharing, Partner: true, MarginChange: d(12), AcceptWith: 0.5,
			ChurnReduction: p(-0.002)}, // the partner's mailings add a little churn
		{ID: "fee-holiday", Kind: lifecycle.Retention, MarginChange: d(-15), Cost: d(1), AcceptWith: 0.7, AcceptWithout: 0.1,
			ChurnReduction: &feeHoliday, MinChurnRisk: 0.3},
		{ID: "basic-plan", Kind: lifecycle.Downgrade, Product: "basic plan", MarginChange: d(-40), AcceptWith: 0.3, AcceptWithout: 0.01,
			ChurnReduction: &measured, MinChurnRisk: 0.5},
		{ID: "basic-plan-untested", Kind: lifecycle.Downgrade, Product: "basic plan", MarginChange: d(-40), AcceptWith: 0.3, AcceptWithout: 0.01,
			MinChurnRisk: 0.5},
		{ID: "refer-a-friend", Kind: lifecycle.Referral, MarginChange: d(35), Cost: d(3), AcceptWith: 0.09, AcceptWithout: 0.02,
			Segments: []string{"Champions", "Loyal"}},
	}
	// Potential value: what each customer would be worth buying like the
	// customers one rung above them (the ladder package computes it).
	anaPotential, coraPotential := d(1500), d(340)
	customers := []lifecycle.Customer{
		{ID: "ana", Phase: lifecycle.Active, Segment: "Champions", Products: []string{"classic card"}, Value: d(1200), ChurnRisk: 0.05,
			PotentialValue: &anaPotential, FirstChannel: "branch", DataSharingConsent: true},
		{ID: "ben", Phase: lifecycle.AtRisk, Segment: "At risk", Products: []string{"classic card", "premium plan"}, Value: d(800), ChurnRisk: 0.6,
			FirstChannel: "phone"},
		{ID: "cora", Phase: lifecycle.Newcomer, Segment: "New", Products: []string{"classic card"}, Value: d(300), ChurnRisk: 0.2,
			PotentialValue: &coraPotential, FirstChannel: "app", DataSharingConsent: true},
	}
	var offers []lifecycle.Decision
	for _, c := range customers {
		chosen, rejected, err := lifecycle.Decide(c, catalogue, decimal.Zero)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s (%s, %s, churn risk %.2f, value %s%s, first bought via %s, data-sharing consent %v)\n",
			c.ID, c.Phase, c.Segment, c.ChurnRisk, c.Value, potential(c), c.FirstChannel, c.DataSharingConsent)
		for _, dd := range chosen {
			via := ""
			if dd.Channel != "" {
				via = " via " + dd.Channel
			}
			fmt.Fprintf(w, "  %-20s EV %7s%s  %s\n", dd.Offer.ID, dd.ExpectedValue.StringFixed(2), via, dd.Reason)
		}
		for _, dd := range rejected {
			last := dd.Reason.Facts[len(dd.Reason.Facts)-1]
			fmt.Fprintf(w, "  not %-16s (%s = %s, wanted %s)\n", dd.Offer.ID, last.Name, last.Value, last.Test())
		}
		offers = append(offers, chosen...)
	}

	// ARD: acquisition campaigns compete with the offers above for one
	// budget. A new customer's lifetime value comes from a fitted BG/NBD
	// model (weeks) and a mean margin of 35 a purchase: the first
	// purchase's margin plus the discounted repeat purchases of three
	// years.
	model := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426, Unit: clv.UnitWeek}
	repeat, err := clv.LifetimeValue(model, clv.FixedSpend{Amount: d(35)}, []clv.Summary{{ID: "new", Unit: clv.UnitWeek}},
		clv.ValueOptions{Steps: 36, StepLength: 52.0 / 12, DiscountRate: 0.01})
	if err != nil {
		return err
	}
	ltv := repeat[0].Value.Add(d(35))
	campaigns := []lifecycle.Campaign{
		{ID: "street-team", Channel: "street", CAC: d(80), Customers: 12, LTV: ltv},
		{ID: "targeted-telemarketing", Channel: "phone", CAC: d(20), Customers: 5, LTV: ltv},
	}
	budget := d(110)
	plan, err := lifecycle.PlanARD(budget, campaigns, offers, lifecycle.ARDOptions{MinLTVToCAC: 3})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nARD plan for a budget of %s (a new customer is worth %s; %s, exact %v):\n", budget, ltv, plan.Method, plan.Exact)
	for _, a := range plan.Chosen {
		fmt.Fprintf(w, "  do   %-11s %-22s %-4s %-6s cost %6s  return %7s\n", a.Lever, a.ID, a.Customer, a.Channel, a.Cost.StringFixed(2), a.Return.StringFixed(2))
	}
	for _, a := range plan.Left {
		var why []string
		for _, f := range a.Reason.Facts {
			if !f.Held && f.Op != "" {
				why = append(why, fmt.Sprintf("%s = %s, wanted %s", f.Name, f.Value, f.Test()))
			}
		}
		fmt.Fprintf(w, "  skip %-11s %-22s %-4s (%s)\n", a.Lever, a.ID, a.Customer, strings.Join(why, "; "))
	}
	fmt.Fprintf(w, "  spend %s of %s for an expected return of %s:", plan.Cost.StringFixed(2), budget, plan.Return.StringFixed(2))
	var split []string
	for _, s := range plan.Split {
		split = append(split, fmt.Sprintf(" %s %.0f%%", s.Lever, 100*s.BudgetShare))
	}
	fmt.Fprintln(w, strings.Join(split, ","))

	// The plan's offers go through the contact policy.
	var send []lifecycle.Decision
	for _, a := range plan.Chosen {
		if a.Decision != nil {
			send = append(send, *a.Decision)
		}
	}
	policy := lifecycle.ContactPolicy{MaxPerWindow: 1, Window: 14 * 24 * time.Hour, Cooldown: 30 * 24 * time.Hour,
		QuietFrom: 21 * time.Hour, QuietTo: 8 * time.Hour}
	now := time.Date(2026, 3, 10, 11, 0, 0, 0, time.UTC)
	past := []lifecycle.Contact{{Customer: "cora", Offer: "welcome", Time: now.AddDate(0, 0, -3)}}
	kept, blocked, err := policy.Apply(send, past, now)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nAfter the contact policy (1 contact per 14 days, 30-day cooldown, quiet 21:00-08:00):")
	for _, dd := range kept {
		fmt.Fprintf(w, "  send %s to %s%s\n", dd.Offer.ID, dd.Customer, viaChannel(dd))
	}
	for _, dd := range blocked {
		f := dd.Reason.Facts[len(dd.Reason.Facts)-1]
		fmt.Fprintf(w, "  hold %s for %s (%s %s, wanted %s)\n", dd.Offer.ID, dd.Customer, f.Name, f.Value, f.Test())
	}
	return nil
}

func potential(c lifecycle.Customer) string {
	if c.PotentialValue == nil {
		return ""
	}
	return ", potential " + c.PotentialValue.String()
}

func viaChannel(dd lifecycle.Decision) string {
	if dd.Channel == "" {
		return ""
	}
	return " via " + dd.Channel
}
