// Command offers works through the lifecycle programme's premise: every
// customer can be more profitable if the business manages their lifecycle
// with actions fitted to their phase — cross-sell, upgrade, downgrade for a
// customer in trouble, retention — ranked by expected value with the
// reasons, and filtered by a contact policy.
package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/clvkit/clvkit/lifecycle"
	"github.com/shopspring/decimal"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "offers:", err)
		os.Exit(1)
	}
}

func d(v int64) decimal.Decimal { return decimal.NewFromInt(v) }

func run(w io.Writer) error {
	measured := 0.30 // churn reduction of the basic plan, measured in a holdout test
	feeHoliday := 0.25
	catalogue := []lifecycle.Offer{
		{ID: "gold-card", Kind: lifecycle.Upgrade, Product: "gold card", Requires: []string{"classic card"}, MarginChange: d(120), Cost: d(5),
			AcceptWith: 0.12, AcceptWithout: 0.02, Phases: []lifecycle.Phase{lifecycle.Active, lifecycle.Newcomer}},
		{ID: "travel-insurance", Kind: lifecycle.CrossSell, Product: "travel insurance", Category: "insurance", MarginChange: d(60), Cost: d(2),
			AcceptWith: 0.10, AcceptWithout: 0.04},
		{ID: "partner-car-rental", Kind: lifecycle.CrossSell, Product: "car rental", Partner: true, MarginChange: d(15), Cost: d(1),
			AcceptWith: 0.08, AcceptWithout: 0.02},
		{ID: "fee-holiday", Kind: lifecycle.Retention, MarginChange: d(-15), Cost: d(1), AcceptWith: 0.7, AcceptWithout: 0.1,
			ChurnReduction: &feeHoliday, MinChurnRisk: 0.3},
		{ID: "basic-plan", Kind: lifecycle.Downgrade, Product: "basic plan", MarginChange: d(-40), AcceptWith: 0.3, AcceptWithout: 0.01,
			ChurnReduction: &measured, MinChurnRisk: 0.5},
		{ID: "basic-plan-untested", Kind: lifecycle.Downgrade, Product: "basic plan", MarginChange: d(-40), AcceptWith: 0.3, AcceptWithout: 0.01,
			MinChurnRisk: 0.5},
		{ID: "refer-a-friend", Kind: lifecycle.Referral, MarginChange: d(35), Cost: d(3), AcceptWith: 0.09, AcceptWithout: 0.02,
			Segments: []string{"Champions", "Loyal"}},
	}
	customers := []lifecycle.Customer{
		{ID: "ana", Phase: lifecycle.Active, Segment: "Champions", Products: []string{"classic card"}, Value: d(1200), ChurnRisk: 0.05},
		{ID: "ben", Phase: lifecycle.AtRisk, Segment: "At risk", Products: []string{"classic card", "premium plan"}, Value: d(800), ChurnRisk: 0.6},
		{ID: "cora", Phase: lifecycle.Newcomer, Segment: "New", Products: []string{"classic card"}, Value: d(300), ChurnRisk: 0.2},
	}
	var all []lifecycle.Decision
	for _, c := range customers {
		chosen, rejected, err := lifecycle.Decide(c, catalogue, decimal.Zero)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s (%s, %s, churn risk %.2f, value %s)\n", c.ID, c.Phase, c.Segment, c.ChurnRisk, c.Value)
		for _, dd := range chosen {
			fmt.Fprintf(w, "  %-20s EV %7s  %s\n", dd.Offer.ID, dd.ExpectedValue.StringFixed(2), dd.Reason)
		}
		for _, dd := range rejected {
			last := dd.Reason.Facts[len(dd.Reason.Facts)-1]
			fmt.Fprintf(w, "  not %-16s (%s = %s, wanted %s)\n", dd.Offer.ID, last.Name, last.Value, last.Test())
		}
		if len(chosen) > 0 {
			all = append(all, chosen[0])
		}
	}
	policy := lifecycle.ContactPolicy{MaxPerWindow: 1, Window: 14 * 24 * time.Hour, Cooldown: 30 * 24 * time.Hour,
		QuietFrom: 21 * time.Hour, QuietTo: 8 * time.Hour}
	now := time.Date(2026, 3, 10, 11, 0, 0, 0, time.UTC)
	past := []lifecycle.Contact{{Customer: "cora", Offer: "welcome", Time: now.AddDate(0, 0, -3)}}
	kept, blocked, err := policy.Apply(all, past, now)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nAfter the contact policy (1 contact per 14 days, 30-day cooldown, quiet 21:00-08:00):")
	for _, dd := range kept {
		fmt.Fprintf(w, "  send %s to %s\n", dd.Offer.ID, dd.Customer)
	}
	for _, dd := range blocked {
		f := dd.Reason.Facts[len(dd.Reason.Facts)-1]
		fmt.Fprintf(w, "  hold %s for %s (%s %s, wanted %s)\n", dd.Offer.ID, dd.Customer, f.Name, f.Value, f.Test())
	}
	return nil
}
