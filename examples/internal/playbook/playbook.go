// Package playbook is the example programs' shared business configuration
// for the customer view (examples/customers and examples/service).
package playbook

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit"
	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ladder"
	"github.com/clvkit/clvkit/lifecycle"
	"github.com/clvkit/clvkit/pesca"
)

// Options is a small shop's configuration of the customer view: a
// three-rung ladder on purchase days in the last year, an offer catalogue
// (win-back, upgrade, cross-sell, retention) and one initiative per
// P.E.S.C.A. perspective, with lifetime value at 1% a month. The example
// programs share it; edit it for your own business.
func Options(end time.Time, loc *time.Location, u clv.Unit) (clvkit.Options, error) {
	d := decimal.NewFromInt
	l, err := ladder.NewLadder([]ladder.Rung{
		{Name: "occasional"},
		{Name: "regular", MinPurchases: 3},
		{Name: "best", MinPurchases: 6, MinSpend: d(300)},
	}, ladder.LadderOptions{WindowDays: 365, GraceDays: 60})
	if err != nil {
		return clvkit.Options{}, err
	}
	offers := []lifecycle.Offer{
		{ID: "win-back", Kind: lifecycle.WinBack, MarginChange: d(25), Cost: d(5), AcceptWith: 0.15, AcceptWithout: 0.03,
			Phases: []lifecycle.Phase{lifecycle.AtRisk, lifecycle.Lapsed}},
		{ID: "upgrade-premium", Kind: lifecycle.Upgrade, Product: "premium", MarginChange: d(60), Cost: d(3),
			AcceptWith: 0.10, AcceptWithout: 0.02, Segments: []string{"Champions", "Loyal"}},
		{ID: "cross-sell-accessory", Kind: lifecycle.CrossSell, Product: "accessory", MarginChange: d(15), Cost: d(1),
			AcceptWith: 0.08, AcceptWithout: 0.03, Phases: []lifecycle.Phase{lifecycle.Newcomer, lifecycle.Active}},
		{ID: "thank-you-credit", Kind: lifecycle.Retention, MarginChange: d(-5), Cost: d(2),
			AcceptWith: 0.9, AcceptWithout: 0.8, MinChurnRisk: 0.5},
	}
	planner := &pesca.Planner{Horizon: 90, Initiatives: []pesca.Initiative{
		{ID: "welcome-series", Perspective: pesca.Content, Name: "welcome e-mails", Anchor: pesca.FirstPurchase, OffsetDays: 1, WindowDays: 30, ExpectedValue: d(3)},
		{ID: "early-access", Perspective: pesca.Experience, Name: "early access to new releases", Rungs: []int{1, 2}, Anchor: pesca.LastPurchase, OffsetDays: 14, ExpectedValue: d(6), Cost: d(1)},
		{ID: "care-call", Perspective: pesca.Service, Name: "care call", Rungs: []int{2}, Anchor: pesca.LastPurchase, OffsetDays: 30, ExpectedValue: d(9), Cost: d(4)},
		{ID: "partner-perk", Perspective: pesca.Allies, Name: "partner discount", Segments: []string{"Champions", "Loyal", "Potential loyalist"}, Anchor: pesca.LastPurchase, OffsetDays: 7, ExpectedValue: d(4)},
	}}
	return clvkit.Options{End: end, Location: loc, Unit: u, Ladder: l, Offers: offers, Planner: planner,
		Value: clv.ValueOptions{DiscountRate: 0.01}}, nil
}
