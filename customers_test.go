package clvkit

import (
	"context"
	"errors"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/ladder"
	"github.com/clvkit/clvkit/lifecycle"
	"github.com/clvkit/clvkit/pesca"
)

// cdnowPurchases reads the CDNOW sample log (2,357 customers, 1997-98).
func cdnowPurchases(t *testing.T) []clv.Purchase {
	t.Helper()
	f, err := os.Open("testdata/cdnow_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := clv.NewCSVReader(f, clv.CSVOptions{Customer: "customer_id", Time: "date", Amount: "amount"})
	if err != nil {
		t.Fatal(err)
	}
	var out []clv.Purchase
	for p := range r.Purchases() {
		out = append(out, p)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

var cdnowEnd = time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)

// Each column of the base is the owning package's answer for that customer.
func TestBaseColumnsComeFromTheirPackages(t *testing.T) {
	ps := cdnowPurchases(t)
	b, err := Build(context.Background(), slices.Values(ps), Options{End: cdnowEnd, Unit: clv.UnitWeek})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Customers) != 2357 || b.Ignored == 0 || b.PurchaseFit == nil {
		t.Fatalf("%d customers, %d ignored, fit %v", len(b.Customers), b.Ignored, b.PurchaseFit)
	}
	if !slices.IsSortedFunc(b.Customers, func(x, y Customer) int { return strings.Compare(x.ID, y.ID) }) {
		t.Error("customers not in ID order")
	}
	summaries := make([]clv.Summary, len(b.Customers))
	for i, c := range b.Customers {
		summaries[i] = c.Summary
	}
	preds, err := clv.Predict(b.Purchase, summaries, 365.0/7)
	if err != nil {
		t.Fatal(err)
	}
	values, err := clv.LifetimeValue(b.Purchase, b.Spend, summaries, clv.ValueOptions{Steps: 12, StepLength: clv.DaysPerMonth / 7})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range b.Customers {
		if c.ProbabilityAlive != preds[i].ProbabilityAlive || c.ExpectedPurchases != preds[i].ExpectedPurchases {
			t.Fatalf("%s: base %v/%v, Predict %+v", c.ID, c.ProbabilityAlive, c.ExpectedPurchases, preds[i])
		}
		if !c.Value.Equal(values[i].Value) || !c.ExpectedSpend.Equal(values[i].SpendPerPurchase) {
			t.Fatalf("%s: base value %s spend %s, LifetimeValue %+v", c.ID, c.Value, c.ExpectedSpend, values[i])
		}
	}
	// Phases, RFM segments and offers are lifecycle's for the same histories.
	var txs []clv.Transaction
	for _, p := range ps {
		txs = append(txs, p.Transaction)
	}
	hs, err := lifecycle.Histories(slices.Values(txs), nil, cdnowEnd, nil)
	if err != nil {
		t.Fatal(err)
	}
	daily, _ := clv.InUnit(b.Purchase, clv.UnitDay)
	phases, err := lifecycle.PhaseRules{Model: daily}.AssignAll(hs)
	if err != nil {
		t.Fatal(err)
	}
	seg, _ := lifecycle.NewSegmentMap(5, lifecycle.DefaultSegments())
	scores, err := lifecycle.ScoreRFM(hs, lifecycle.RFMOptions{Classes: 5})
	if err != nil {
		t.Fatal(err)
	}
	phaseCount := map[lifecycle.Phase]int{}
	for i, c := range b.Customers {
		name, _, _ := seg.Segment(scores[i])
		if c.Phase != phases[i].Phase || c.Segment != name || c.RFM.R != scores[i].R || c.RFM.F != scores[i].F || c.RFM.M != scores[i].M || !c.RFM.Spend.Equal(scores[i].Spend) {
			t.Fatalf("%s: base %v/%s, lifecycle %v/%s", c.ID, c.Phase, c.Segment, phases[i].Phase, name)
		}
		phaseCount[c.Phase]++
	}
	if len(phaseCount) < 3 {
		t.Errorf("phases %v: the CDNOW cohort should spread over several", phaseCount)
	}
	if c, ok := b.Customer("0001"); !ok || c.Summary.Frequency != 2 {
		t.Errorf("customer 0001: %+v %v", c, ok)
	}
	if _, ok := b.Customer("nobody"); ok {
		t.Error("unknown customer found")
	}
}

// A base summarised in days and one in weeks tell the same story: the
// weekly model converted to days gives the daily base's P(alive).
func TestBaseUnitsAgree(t *testing.T) {
	ps := cdnowPurchases(t)
	ctx := context.Background()
	week, err := Build(ctx, slices.Values(ps), Options{End: cdnowEnd, Unit: clv.UnitWeek})
	if err != nil {
		t.Fatal(err)
	}
	day, err := Build(ctx, slices.Values(ps), Options{End: cdnowEnd, Purchase: week.Purchase, Spend: week.Spend})
	if err != nil {
		t.Fatal(err)
	}
	for i := range week.Customers {
		w, d := week.Customers[i], day.Customers[i]
		if w.Phase != d.Phase || w.Segment != d.Segment {
			t.Fatalf("%s: weekly %v/%s, daily %v/%s", w.ID, w.Phase, w.Segment, d.Phase, d.Segment)
		}
		if math.Abs(w.ProbabilityAlive-d.ProbabilityAlive) > 1e-12 || math.Abs(w.ExpectedPurchases-d.ExpectedPurchases) > 1e-9*max(1, w.ExpectedPurchases) {
			t.Fatalf("%s: weekly %v/%v, daily %v/%v", w.ID, w.ProbabilityAlive, w.ExpectedPurchases, d.ProbabilityAlive, d.ExpectedPurchases)
		}
	}
}

func TestBaseOffers(t *testing.T) {
	ps := cdnowPurchases(t)
	catalogue := []lifecycle.Offer{
		{ID: "win-back", Kind: lifecycle.WinBack, MarginChange: decimal.NewFromInt(25), Cost: decimal.NewFromInt(5),
			AcceptWith: 0.2, AcceptWithout: 0.05, Phases: []lifecycle.Phase{lifecycle.Lapsed, lifecycle.AtRisk}},
		{ID: "vip", Kind: lifecycle.CrossSell, Product: "box set", MarginChange: decimal.NewFromInt(40), Cost: decimal.NewFromInt(2),
			AcceptWith: 0.1, AcceptWithout: 0.02, Segments: []string{"Champions", "Loyal"}},
	}
	b, err := Build(context.Background(), slices.Values(ps), Options{End: cdnowEnd, Unit: clv.UnitWeek, Offers: catalogue})
	if err != nil {
		t.Fatal(err)
	}
	cs := make([]lifecycle.Customer, len(b.Customers))
	for i, c := range b.Customers {
		cs[i] = lifecycle.Customer{ID: c.ID, Phase: c.Phase, Segment: c.Segment, Products: c.Products, Value: c.Value, ChurnRisk: 1 - c.ProbabilityAlive}
	}
	want, err := lifecycle.DecideAll(cs, catalogue, decimal.Zero)
	if err != nil {
		t.Fatal(err)
	}
	offered := 0
	for i, c := range b.Customers {
		if len(c.Offers) != len(want[i]) {
			t.Fatalf("%s: %d offers, DecideAll %d", c.ID, len(c.Offers), len(want[i]))
		}
		for j := range c.Offers {
			if c.Offers[j].Offer.ID != want[i][j].Offer.ID || !c.Offers[j].ExpectedValue.Equal(want[i][j].ExpectedValue) {
				t.Fatalf("%s: offer %d %+v, DecideAll %+v", c.ID, j, c.Offers[j], want[i][j])
			}
		}
		offered += len(c.Offers)
	}
	if offered == 0 {
		t.Error("no customer got an offer")
	}
	catalogue[1].Segments = []string{"Champion"}
	if _, err := Build(context.Background(), slices.Values(ps), Options{End: cdnowEnd, Unit: clv.UnitWeek, Offers: catalogue}); !errors.Is(err, clv.ErrInvalidOptions) || !strings.Contains(err.Error(), `"Champion"`) {
		t.Errorf("misspelt segment: %v", err)
	}
}

// cdnowLadder is a three-rung ladder for the CDNOW log.
func cdnowLadder(t *testing.T) *ladder.Ladder {
	t.Helper()
	l, err := ladder.NewLadder([]ladder.Rung{
		{Name: "occasional"},
		{Name: "regular", MinPurchases: 3},
		{Name: "best", MinPurchases: 6, MinSpend: decimal.NewFromInt(300)},
	}, ladder.LadderOptions{WindowDays: 365})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestBaseRungsAndPlans(t *testing.T) {
	ps := cdnowPurchases(t)
	l := cdnowLadder(t)
	planner := &pesca.Planner{Initiatives: []pesca.Initiative{
		{ID: "thanks", Perspective: pesca.Experience, Name: "thank-you note", Anchor: pesca.LastPurchase, OffsetDays: 7, ExpectedValue: decimal.NewFromInt(2)},
		{ID: "vip-call", Perspective: pesca.Service, Name: "VIP call", Rungs: []int{2}, Anchor: pesca.LastPurchase, OffsetDays: 30, ExpectedValue: decimal.NewFromInt(9)},
	}}
	b, err := Build(context.Background(), slices.Values(ps), Options{End: cdnowEnd, Unit: clv.UnitWeek, Ladder: l, Planner: planner})
	if err != nil {
		t.Fatal(err)
	}
	own := map[string][]clv.Purchase{}
	for _, p := range ps {
		own[p.Customer] = append(own[p.Customer], p)
	}
	rungs := map[int]int{}
	for _, c := range b.Customers {
		pl, err := l.Place(ladder.Activity{Customer: c.ID, Purchases: own[c.ID], Value: c.Value}, nil, cdnowEnd, nil)
		if err != nil || pl.Rung != c.Rung {
			t.Fatalf("%s: base rung %d, Place %d (%v)", c.ID, c.Rung, pl.Rung, err)
		}
		plan, err := planner.Plan(pesca.Profile{ID: c.ID, Phase: c.Phase, Rung: c.Rung, Segment: c.Segment, Purchases: own[c.ID]}, cdnowEnd)
		if err != nil || len(plan.Steps) != len(c.Plan.Steps) {
			t.Fatalf("%s: base plan %d steps, Plan %d (%v)", c.ID, len(c.Plan.Steps), len(plan.Steps), err)
		}
		rungs[c.Rung]++
	}
	if len(rungs) < 2 {
		t.Errorf("rungs %v: CDNOW customers should stand on several", rungs)
	}
	planner.Initiatives[1].Rungs = []int{3}
	if _, err := Build(context.Background(), slices.Values(ps), Options{End: cdnowEnd, Unit: clv.UnitWeek, Ladder: l, Planner: planner}); !errors.Is(err, clv.ErrInvalidOptions) {
		t.Errorf("rung beyond the ladder: %v", err)
	}
}

// The ladder's potential values reach the customer view and cap
// development offers where the rung above is a benchmark; data-sharing
// offers go only to customers who consented.
func TestBasePotentialAndConsent(t *testing.T) {
	ps := cdnowPurchases(t)
	l := cdnowLadder(t)
	catalogue := []lifecycle.Offer{
		{ID: "more-often", Kind: lifecycle.RaiseFrequency, MarginChange: decimal.NewFromInt(1000), AcceptWith: 0.3, AcceptWithout: 0.1},
		{ID: "partner-deals", Kind: lifecycle.DataSharing, Partner: true, MarginChange: decimal.NewFromInt(3), AcceptWith: 0.5},
	}
	consented := []string{"0001", "0002", "0003"}
	b, err := Build(context.Background(), slices.Values(ps), Options{End: cdnowEnd, Unit: clv.UnitWeek, Ladder: l, Offers: catalogue, DataSharingConsent: consented})
	if err != nil {
		t.Fatal(err)
	}
	capped, shared := 0, 0
	for _, c := range b.Customers {
		if c.Potential == nil || c.Potential.Customer != c.ID || c.Potential.Rung != c.Rung || c.Potential.Gap.Sign() < 0 {
			t.Fatalf("%s: potential %+v", c.ID, c.Potential)
		}
		for _, d := range c.Offers {
			switch d.Offer.ID {
			case "partner-deals":
				if !slices.Contains(consented, c.ID) {
					t.Errorf("%s: a data-sharing offer without consent", c.ID)
				}
				shared++
			case "more-often":
				if c.Potential.Benchmarked && d.PotentialGap == nil {
					t.Errorf("%s: benchmarked gap %s not used", c.ID, c.Potential.Gap)
				}
				if d.PotentialGap != nil {
					capped++
				}
			}
		}
	}
	if capped == 0 {
		t.Error("no development offer was measured against a potential-value gap")
	}
	if shared != len(consented) {
		t.Errorf("%d data-sharing offers for %d consenting customers", shared, len(consented))
	}
}
