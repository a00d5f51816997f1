package lifecycle

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/clvkit/clvkit/clv"
	gen "github.com/clvkit/clvkit/internal/hostile"
)

// Generators of hostile inputs: the shared ones of internal/hostile, with
// this package's ranges.

var (
	longID   = gen.LongID
	genFloat = gen.Float
	genDec   = gen.Decimal
	genLoc   = gen.Loc
)

func genDecimal(t *rapid.T, label string) decimal.Decimal { return genDec(t, label) }

func genInt(t *rapid.T, label string) int { return gen.Int(t, label, -5, 1000) }

func genTime(t *rapid.T, label string) time.Time { return gen.Time(t, label, base, 400) }

func genID(t *rapid.T, label string) string {
	return rapid.OneOf(rapid.SampledFrom([]string{"", "a", "b", "c", "c17", longID, "é\x00", "a"}), rapid.String()).Draw(t, label)
}

func genProb(t *rapid.T, label string) float64 {
	return rapid.OneOf(rapid.Float64Range(0, 1), rapid.Custom(func(t *rapid.T) float64 { return genFloat(t, "f") })).Draw(t, label)
}

var base = time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)

func genTransactions(t *rapid.T) []clv.Transaction {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) clv.Transaction {
		return clv.Transaction{Customer: rapid.SampledFrom([]string{"a", "b", "c", "", longID}).Draw(t, "customer"),
			Time: genTime(t, "time"), Amount: genDecimal(t, "amount")}
	}), 0, 12).Draw(t, "txs")
}

func genHostileHistory(t *rapid.T) History {
	if rapid.Bool().Draw(t, "hand-built") {
		return History{ID: genID(t, "id"), AsOf: genTime(t, "asOf"), First: genTime(t, "first"), Last: genTime(t, "last"),
			BeforeLast: genTime(t, "beforeLast"), Purchases: genInt(t, "purchases"), Spend: genDecimal(t, "spend"),
			Summary:  clv.Summary{ID: genID(t, "sid"), Frequency: genInt(t, "x"), Recency: genFloat(t, "tx"), T: genFloat(t, "T")},
			Location: genLoc(t)}
	}
	hs, err := Histories(slices.Values(genTransactions(t)), nil, base, genLoc(t))
	if err != nil || len(hs) == 0 {
		return History{ID: "p", AsOf: base}
	}
	return rapid.SampledFrom(hs).Draw(t, "history")
}

func genModel(t *rapid.T) clv.TransactionModel {
	switch rapid.IntRange(0, 4).Draw(t, "model") {
	case 0:
		return nil
	case 1:
		return (*clv.BGNBD)(nil)
	case 2:
		return clv.BGNBD{R: genFloat(t, "r"), Alpha: genFloat(t, "alpha"), A: genFloat(t, "a"), B: genFloat(t, "b")}
	case 3:
		return clv.ParetoNBD{R: 0.55, Alpha: 10.6, S: 0.61, Beta: 11.7}
	}
	return clv.BGNBD{R: 0.24, Alpha: 4.41, A: 0.79, B: 2.43}
}

func genValues(t *rapid.T) []clv.CustomerValue {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) clv.CustomerValue {
		return clv.CustomerValue{ID: rapid.SampledFrom([]string{"a", "b", "c", "d", "", longID}).Draw(t, "id"), Value: genDecimal(t, "value")}
	}), 0, 8).Draw(t, "values")
}

func genHostileOffers(t *rapid.T) []Offer {
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Offer {
		o := Offer{ID: rapid.SampledFrom([]string{"o1", "o2", "o3", "", longID}).Draw(t, "offer"),
			Kind: OfferKind(rapid.IntRange(0, 7).Draw(t, "kind")), Product: rapid.SampledFrom([]string{"", "a", "b"}).Draw(t, "product"),
			MarginChange: genDecimal(t, "margin"), Cost: genDecimal(t, "cost"),
			AcceptWith: genProb(t, "with"), AcceptWithout: genProb(t, "without"), MinChurnRisk: genProb(t, "minRisk")}
		if rapid.Bool().Draw(t, "effect") {
			v := genProb(t, "reduction")
			o.ChurnReduction = &v
		}
		if rapid.Bool().Draw(t, "phases") {
			o.Phases = []Phase{Phase(rapid.IntRange(0, 9).Draw(t, "phase"))}
		}
		o.Partner = rapid.Bool().Draw(t, "partner")
		o.Channels = rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Channel {
			ch := Channel{Name: rapid.SampledFrom([]string{"", "web", "phone", longID}).Draw(t, "channel"), Cost: genDecimal(t, "contact")}
			if rapid.Bool().Draw(t, "measured") {
				v := genProb(t, "accept")
				ch.AcceptWith = &v
			}
			return ch
		}), 0, 3).Draw(t, "channels")
		return o
	}), 0, 5).Draw(t, "catalogue")
}

func genHostileCustomer(t *rapid.T) Customer {
	c := Customer{ID: rapid.SampledFrom([]string{"c1", "c2", "", longID}).Draw(t, "customer"), Phase: Phase(rapid.IntRange(0, 9).Draw(t, "phase")),
		Products: rapid.SliceOfN(rapid.SampledFrom([]string{"a", "b"}), 0, 2).Draw(t, "held"),
		Value:    genDecimal(t, "value"), ChurnRisk: genProb(t, "risk"),
		FirstChannel: rapid.SampledFrom([]string{"", "web", longID}).Draw(t, "first"), DataSharingConsent: rapid.Bool().Draw(t, "consent")}
	if rapid.Bool().Draw(t, "potentialKnown") {
		p := genDecimal(t, "potential")
		c.PotentialValue = &p
	}
	return c
}

// checkErr asserts that an error wraps one of the package's sentinels (or
// clv's) and echoes no more than 40 characters of any one user value.
func checkErr(t *rapid.T, fn string, err error) {
	if !errors.Is(err, ErrInvalidInput) && !errors.Is(err, ErrInvalidConfig) {
		t.Fatalf("%s: error wraps no sentinel: %v", fn, err)
	}
	if strings.Contains(err.Error(), strings.Repeat("x", 41)) {
		t.Fatalf("%s: error echoes a long value whole: %v", fn, err)
	}
}

func nonNegative(t *rapid.T, fn string, d decimal.Decimal) {
	if d.Sign() < 0 {
		t.Fatalf("%s: negative money %s", fn, d)
	}
}

// hostile calls every exported function of the package with generated,
// often hostile, inputs: none may panic, and each returns an error or a
// result that keeps its documented invariants.
func hostile(t *rapid.T) {
	for _, k := range []OfferKind{CrossSell, Referral, DataSharing, OfferKind(rapid.IntRange(0, 255).Draw(t, "kindValue"))} {
		if k.String() == "" || k.Lever().String() == "" {
			t.Fatal("empty OfferKind or Lever name")
		}
	}
	if Lever(rapid.IntRange(0, 255).Draw(t, "leverValue")).String() == "" || ARDMethod(rapid.IntRange(0, 255).Draw(t, "methodValue")).String() == "" {
		t.Fatal("empty Lever or ARDMethod name")
	}
	monthLoc := genLoc(t)
	m := MonthOf(genTime(t, "monthOf"), monthLoc)
	if m.String() == "" || MonthOf(m.Start(monthLoc), monthLoc) != m {
		t.Fatalf("month %v does not start in itself", m)
	}
	if Phase(rapid.IntRange(0, 255).Draw(t, "phaseValue")).String() == "" || Timing(rapid.IntRange(0, 255).Draw(t, "timingValue")).String() == "" {
		t.Fatal("empty name")
	}
	if len(Phases()) != 7 || len(DefaultSegments()) == 0 {
		t.Fatal("Phases or DefaultSegments")
	}

	// Histories and phases.
	var txs func(func(clv.Transaction) bool)
	if rapid.Bool().Draw(t, "nonNilSeq") {
		txs = slices.Values(genTransactions(t))
	}
	prospects := rapid.SliceOfN(rapid.SampledFrom([]string{"p", "a", "", longID}), 0, 3).Draw(t, "prospects")
	loc := genLoc(t)
	hs, err := Histories(txs, prospects, genTime(t, "asOf"), loc)
	if err != nil {
		checkErr(t, "Histories", err)
	} else {
		for i, h := range hs {
			if err := h.Validate(); err != nil {
				t.Fatalf("Histories returned an invalid history: %v", err)
			}
			if i > 0 && hs[i-1].ID >= h.ID {
				t.Fatal("histories not sorted by unique ID")
			}
			if h.First.IsZero() != (h.DaysSinceLast() == -1) || h.DaysSinceLast() > h.TenureDays() {
				t.Fatalf("days since last %d, tenure %d", h.DaysSinceLast(), h.TenureDays())
			}
			if !h.First.IsZero() {
				if err := h.Summary.Validate(); err != nil {
					t.Fatalf("Histories returned an invalid summary: %v", err)
				}
			}
		}
	}
	hs = append(hs, rapid.SliceOfN(rapid.Custom(genHostileHistory), 0, 4).Draw(t, "more")...)
	for _, h := range hs {
		if err := h.Validate(); err != nil {
			checkErr(t, "Validate", err)
		}
		_, _ = h.DaysSinceLast(), h.TenureDays()
	}
	rules := PhaseRules{NewDays: genInt(t, "new"), AtRiskDays: rapid.SampledFrom([]int{0, 60, -1}).Draw(t, "atRisk"),
		AtRiskAlive: genProb(t, "atRiskAlive"), Model: genModel(t)}
	as, err := rules.AssignAll(hs)
	if err != nil {
		checkErr(t, "AssignAll", err)
	} else {
		for i, a := range as {
			if a.ID != hs[i].ID || int(a.Phase) >= len(phaseNames) || a.Reason.Rule == "" || (a.Phase == Prospect) != hs[i].First.IsZero() {
				t.Fatalf("assignment %+v for %+v", a, hs[i])
			}
			one, err := rules.Assign(hs[i])
			if err != nil || one.Phase != a.Phase || one.Reason.String() != a.Reason.String() {
				t.Fatalf("Assign and AssignAll disagree: %v %v", one, err)
			}
		}
	}
	if len(hs) > 0 {
		if _, err := rules.Assign(hs[0]); err != nil {
			checkErr(t, "Assign", err)
		}
	}
	gen := func(label string) []Assignment {
		return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Assignment {
			return Assignment{ID: rapid.SampledFrom([]string{"a", "b", "c", longID}).Draw(t, "id"), Phase: Phase(rapid.IntRange(0, 8).Draw(t, "phase"))}
		}), 0, 5).Draw(t, label)
	}
	changes, err := Changes(gen("before"), gen("after"))
	if err != nil {
		checkErr(t, "Changes", err)
	}
	for i, c := range changes {
		if c.From == c.To || (i > 0 && changes[i-1].ID >= c.ID) {
			t.Fatalf("changes %v", changes)
		}
	}

	// RFM and segments.
	k := rapid.SampledFrom([]int{0, 1, 2, 5, 101, -3, math.MaxInt}).Draw(t, "k")
	scores, err := ScoreRFM(hs, RFMOptions{Classes: k})
	if err != nil {
		checkErr(t, "ScoreRFM", err)
	} else {
		if k == 0 {
			k = 5
		}
		for _, s := range scores {
			if s.R < 1 || s.R > k || s.F < 1 || s.F > k || s.M < 1 || s.M > k {
				t.Fatalf("score %+v outside 1..%d", s, k)
			}
		}
	}
	var segs *SegmentMap
	switch rapid.IntRange(0, 3).Draw(t, "segmentMap") {
	case 0:
		segs = &SegmentMap{}
	case 1:
		segs, err = NewSegmentMap(5, DefaultSegments())
	case 2:
		segs, err = NewSegmentMap(genInt(t, "segK"), rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Segment {
			r := func() Range { return Range{genInt(t, "lo"), genInt(t, "hi")} }
			return Segment{Name: genID(t, "name"), R: r(), F: r(), M: r()}
		}), 0, 3).Draw(t, "segments"))
	}
	if err != nil {
		checkErr(t, "NewSegmentMap", err)
		segs = nil
	}
	score := RFMScore{ID: genID(t, "scoreID"), R: genInt(t, "R"), F: genInt(t, "F"), M: genInt(t, "M")}
	if len(scores) > 0 && rapid.Bool().Draw(t, "realScore") {
		score = scores[0]
	}
	if name, why, err := segs.Segment(score); err != nil {
		checkErr(t, "Segment", err)
	} else if why.Rule != RuleRFMSegment {
		t.Fatalf("segment %q with reason %v", name, why)
	}

	// Economics.
	timing := Timing(rapid.IntRange(0, 4).Draw(t, "timing"))
	if v, err := RetentionValue(genDecimal(t, "m"), genProb(t, "r"), genFloat(t, "d"), timing); err != nil {
		checkErr(t, "RetentionValue", err)
	} else {
		nonNegative(t, "RetentionValue", v)
	}
	if v, err := MarginMultiple(genProb(t, "r"), genFloat(t, "i")); err != nil {
		checkErr(t, "MarginMultiple", err)
	} else if !(v >= 0) || math.IsInf(v, 0) {
		t.Fatalf("margin multiple %v", v)
	}
	if v, err := UndiscountedValue(genDecimal(t, "amount"), genFloat(t, "perYear"), genFloat(t, "years")); err != nil {
		checkErr(t, "UndiscountedValue", err)
	} else {
		nonNegative(t, "UndiscountedValue", v)
	}
	if v, err := SubscriptionLTV(genDecimal(t, "arpa"), genProb(t, "margin"), genProb(t, "churn")); err != nil {
		checkErr(t, "SubscriptionLTV", err)
	} else {
		nonNegative(t, "SubscriptionLTV", v)
	}
	groups := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Acquisition {
		return Acquisition{Name: genID(t, "group"), LTV: genDecimal(t, "ltv"), CAC: genDecimal(t, "cac"), MarginPerPeriod: genDecimal(t, "mpp")}
	}), 0, 3).Draw(t, "groups")
	threshold := genFloat(t, "threshold")
	if ue, err := LTVToCAC(groups, LTVToCACOptions{Threshold: threshold}); err != nil {
		checkErr(t, "LTVToCAC", err)
	} else {
		if threshold == 0 {
			threshold = 3
		}
		for _, u := range ue {
			if !(u.Ratio >= 0) || u.Healthy != (u.Ratio >= threshold) || !(u.PaybackPeriods >= 0) {
				t.Fatalf("unit economics %+v", u)
			}
		}
	}
	vs := genValues(t)
	if few, share, err := ValuableFew(vs, genProb(t, "share")); err != nil {
		checkErr(t, "ValuableFew", err)
	} else {
		if !(share >= 0 && share <= 1) {
			t.Fatalf("share %v", share)
		}
		for i, v := range few {
			if v.Value.Sign() <= 0 && share < 1 || i > 0 && few[i-1].Value.LessThan(v.Value) {
				t.Fatalf("valuable few %v", few)
			}
		}
	}
	if curve, err := Concentration(vs); err != nil {
		checkErr(t, "Concentration", err)
	} else {
		if len(curve) != len(vs)+1 {
			t.Fatalf("%d points for %d values", len(curve), len(vs))
		}
		for i := 1; i < len(curve); i++ {
			if curve[i].ValueShare < curve[i-1].ValueShare || curve[i].ValueShare > 1 || curve[i].CustomerShare <= curve[i-1].CustomerShare {
				t.Fatalf("curve %v", curve)
			}
		}
	}
	tiers := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Tier { return Tier{Name: genID(t, "tier"), Share: genProb(t, "tierShare")} }), 0, 3).Draw(t, "tiers")
	if rapid.Bool().Draw(t, "validTiers") {
		tiers = []Tier{{"gold", 0.2}, {"rest", 1}}
	}
	if m, err := AssignTiers(vs, tiers); err != nil {
		checkErr(t, "AssignTiers", err)
	} else {
		if len(m) != len(vs) {
			t.Fatalf("%d tiers for %d customers", len(m), len(vs))
		}
		for _, v := range vs {
			if !slices.ContainsFunc(tiers, func(x Tier) bool { return x.Name == m[v.ID] }) {
				t.Fatalf("customer %q in no tier", v.ID)
			}
		}
	}
	s := clv.Summary{ID: genID(t, "summaryID"), Frequency: genInt(t, "x"), Recency: genFloat(t, "tx"), T: genFloat(t, "T")}
	if rapid.Bool().Draw(t, "validSummary") {
		s = clv.Summary{ID: "c", Frequency: 2, Recency: 30, T: 40}
	}
	if p, err := ChurnProbability(genModel(t), s); err != nil {
		checkErr(t, "ChurnProbability", err)
	} else if !(p >= 0 && p <= 1) {
		t.Fatalf("churn probability %v", p)
	}
	sbg := clv.SBG{Alpha: genFloat(t, "sbgAlpha"), Beta: genFloat(t, "sbgBeta")}
	if p, err := SubscriptionChurn(sbg, genInt(t, "payments")); err != nil {
		checkErr(t, "SubscriptionChurn", err)
	} else if !(p >= 0 && p <= 1) {
		t.Fatalf("subscription churn %v", p)
	}

	// Decisions and contact policy.
	cat := genHostileOffers(t)
	minEV := genDecimal(t, "minEV")
	chosen, rejected, err := Decide(genHostileCustomer(t), cat, minEV)
	if err != nil {
		checkErr(t, "Decide", err)
	} else {
		if len(chosen)+len(rejected) != len(cat) {
			t.Fatalf("%d + %d decisions for %d offers", len(chosen), len(rejected), len(cat))
		}
		for i, d := range chosen {
			sum := decimal.Zero
			for _, term := range d.Reason.Terms {
				sum = sum.Add(term.Amount)
			}
			if !d.ExpectedValue.GreaterThan(minEV) || !sum.Equal(d.ExpectedValue) || i > 0 && chosen[i-1].ExpectedValue.LessThan(d.ExpectedValue) {
				t.Fatalf("decision %+v", d)
			}
		}
	}
	customers := rapid.SliceOfN(rapid.Custom(genHostileCustomer), 0, 3).Draw(t, "customers")
	all, err := DecideAll(customers, cat, minEV)
	if err != nil {
		checkErr(t, "DecideAll", err)
	} else if len(all) != len(customers) {
		t.Fatalf("%d decision lists for %d customers", len(all), len(customers))
	}
	policy := ContactPolicy{MaxPerWindow: genInt(t, "max"), Window: time.Duration(genInt(t, "window")) * time.Hour,
		Cooldown: time.Duration(genInt(t, "cooldown")) * time.Hour, QuietFrom: time.Duration(rapid.Int64Range(-1, 25).Draw(t, "from")) * time.Hour,
		QuietTo: time.Duration(rapid.Int64Range(-1, 25).Draw(t, "to")) * time.Hour, QuietDates: []time.Time{genTime(t, "quiet")},
		Location: genLoc(t)}
	past := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Contact {
		return Contact{Customer: rapid.SampledFrom([]string{"c1", "c2"}).Draw(t, "who"), Offer: rapid.SampledFrom([]string{"o1", "o2"}).Draw(t, "what"), Time: genTime(t, "when")}
	}), 0, 4).Draw(t, "past")
	decisions := append(chosen, rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Decision {
		return Decision{Customer: rapid.SampledFrom([]string{"c1", "c2"}).Draw(t, "who"), Offer: Offer{ID: rapid.SampledFrom([]string{"o1", "o2"}).Draw(t, "what")}}
	}), 0, 4).Draw(t, "decisions")...)
	kept, blocked, err := policy.Apply(decisions, past, genTime(t, "now"))
	if err != nil {
		checkErr(t, "Apply", err)
	} else if len(kept)+len(blocked) != len(decisions) {
		t.Fatalf("%d kept + %d blocked of %d", len(kept), len(blocked), len(decisions))
	}

	// The ARD plan, on the decisions above and hostile campaigns.
	campaigns := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Campaign {
		return Campaign{ID: genID(t, "campaign"), CAC: genDecimal(t, "cac"), Customers: genFloat(t, "expected"), LTV: genDecimal(t, "ltv")}
	}), 0, 3).Draw(t, "campaigns")
	budget := genDecimal(t, "budget")
	if plan, err := PlanARD(budget, campaigns, decisions, ARDOptions{MinLTVToCAC: genFloat(t, "minLTVCAC")}); err != nil {
		checkErr(t, "PlanARD", err)
	} else if plan.Cost.GreaterThan(budget) || plan.Gap().Sign() < 0 || len(plan.Chosen)+len(plan.Left) != len(campaigns)+len(decisions) {
		t.Fatalf("plan %+v", plan)
	}

	// Cohorts.
	cb, err := NewCohortBuilder(CohortOptions{End: genTime(t, "cohortEnd"), Location: genLoc(t), Margin: genFloat(t, "cohortMargin")})
	if err != nil {
		checkErr(t, "NewCohortBuilder", err)
		cb = &CohortBuilder{}
	}
	if err := cb.AddAll(slices.Values(genTransactions(t))); err != nil {
		checkErr(t, "AddAll", err)
	}
	if err := cb.Merge(cb); err != nil {
		checkErr(t, "Merge", err)
	}
	if r, err := cb.Report(map[Month]decimal.Decimal{m: genDecimal(t, "spend")}); err != nil {
		checkErr(t, "Report", err)
	} else {
		for _, p := range r.RetentionCurve() {
			if !(p.Retention >= 0 && p.Retention <= 1) {
				t.Fatalf("retention %v", p.Retention)
			}
		}
	}
}

func TestPropHostile(t *testing.T) { rapid.Check(t, hostile) }

func FuzzHostile(f *testing.F) { f.Fuzz(rapid.MakeFuzz(hostile)) }
