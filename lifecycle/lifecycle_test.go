package lifecycle

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/clvkit/clvkit/clv"
)

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func tx(id, d string, amount int64) clv.Transaction {
	return clv.Transaction{Customer: id, Time: date(d), Amount: decimal.NewFromInt(amount)}
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func TestPhases(t *testing.T) {
	log := []clv.Transaction{
		tx("new", "2024-06-20", 10),
		tx("active", "2024-01-01", 10), tx("active", "2024-06-01", 10),
		tx("atrisk", "2024-01-01", 10), tx("atrisk", "2024-04-15", 10),
		tx("lapsed", "2023-12-01", 10), tx("lapsed", "2024-02-01", 10),
		tx("churned", "2023-01-01", 10),
		tx("back", "2023-01-01", 10), tx("back", "2023-10-01", 10), tx("back", "2024-06-25", 10),
		tx("future", "2024-08-01", 10),
	}
	hs, err := Histories(slices.Values(log), []string{"prospect", "active"}, date("2024-07-01"), nil)
	if err != nil {
		t.Fatal(err)
	}
	as, err := PhaseRules{}.AssignAll(hs)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Phase{}
	for _, a := range as {
		got[a.ID] = a.Phase
	}
	want := map[string]Phase{"new": Newcomer, "active": Active, "atrisk": AtRisk, "lapsed": Lapsed, "churned": Churned,
		"back": Reactivated, "prospect": Prospect}
	for id, p := range want {
		if got[id] != p {
			t.Errorf("%s: phase %v, want %v", id, got[id], p)
		}
	}
	if _, ok := got["future"]; ok {
		t.Error("a customer whose first purchase is after the as-of date has a phase")
	}
	for _, a := range as {
		if a.ID == "atrisk" && a.Reason.String() != "phase/at-risk: days since last purchase=77 (>= 60: yes)" {
			t.Errorf("reason: %s", a.Reason)
		}
	}
}

func TestPhaseRulesWithModel(t *testing.T) {
	hs, _ := Histories(slices.Values([]clv.Transaction{
		tx("a", "2024-01-01", 1), tx("a", "2024-01-05", 1), tx("a", "2024-01-09", 1), tx("a", "2024-01-13", 1), tx("a", "2024-02-20", 1),
	}), nil, date("2024-03-10"), nil)
	// A fast buyer quiet for 19 days: recency alone says Active, the model
	// says at risk.
	m := clv.BGNBD{R: 2, Alpha: 8, A: 1, B: 3}
	rec, _ := PhaseRules{}.Assign(hs[0])
	mod, err := PhaseRules{Model: m, AtRiskAlive: 0.9}.Assign(hs[0])
	if err != nil {
		t.Fatal(err)
	}
	if rec.Phase != Active || mod.Phase != AtRisk || mod.Reason.Rule != RulePhaseAtRiskModel {
		t.Errorf("recency only %v, with model %v (%s)", rec.Phase, mod.Phase, mod.Reason)
	}
	if _, err := (PhaseRules{AtRiskDays: 200}).Assign(hs[0]); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("at-risk after lapsed accepted: %v", err)
	}
}

// aliveOnly is a model lifecycle never fits: it gives P(alive) and nothing
// else.
type aliveOnly float64

func (p aliveOnly) ProbabilityAlive(clv.Summary) float64 { return float64(p) }

// dailyBGBB is a BG/BB over daily opportunities, read from a summary in
// days: the adapter that makes it an AliveModel.
type dailyBGBB struct{ clv.BGBB }

func (m dailyBGBB) ProbabilityAlive(s clv.Summary) float64 {
	return m.BGBB.ProbabilityAlive(clv.BGBBPattern{Frequency: s.Frequency, Recency: int(s.Recency), Periods: int(s.T)}, 0)
}

func TestAliveModel(t *testing.T) {
	hs, _ := Histories(slices.Values([]clv.Transaction{tx("a", "2024-01-01", 1), tx("a", "2024-02-20", 1)}), nil, date("2024-03-10"), nil)
	a, err := PhaseRules{Model: aliveOnly(0.01)}.Assign(hs[0])
	if err != nil || a.Phase != Churned || a.Reason.Rule != RulePhaseChurnedModel {
		t.Errorf("P(alive) 0.01: %v %s, %v; want churned by the model", a.Phase, a.Reason, err)
	}
	bb := dailyBGBB{clv.BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.78}}
	if a, err := (PhaseRules{Model: bb}).Assign(hs[0]); err != nil || a.Reason.Rule == "" {
		t.Errorf("BG/BB: %v, %v", a, err)
	}
	if _, err := (PhaseRules{Model: dailyBGBB{clv.BGBB{Alpha: -1}}}).Assign(hs[0]); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("invalid BG/BB accepted: %v", err)
	}
	if p, err := ChurnProbability(aliveOnly(0.25), hs[0].Summary); err != nil || p != 0.75 {
		t.Errorf("ChurnProbability = %v, %v; want 0.75", p, err)
	}
	if _, err := ChurnProbability(aliveOnly(math.NaN()), hs[0].Summary); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("NaN P(alive): %v", err)
	}
}

// TestOfferRules checks that each offer kind's rule is "offer/" and the
// kind's name.
func TestOfferRules(t *testing.T) {
	for k := range OfferKind(len(kindNames)) {
		if want := clv.Rule("offer/" + k.String()); kindRules[k] != want {
			t.Errorf("%v: rule %q, want %q", k, kindRules[k], want)
		}
	}
}

func TestChanges(t *testing.T) {
	before := []Assignment{{ID: "a", Phase: Active}, {ID: "b", Phase: Newcomer}, {ID: "c", Phase: Lapsed}}
	after := []Assignment{{ID: "a", Phase: AtRisk}, {ID: "b", Phase: Newcomer}, {ID: "d", Phase: Newcomer}}
	got, err := Changes(before, after)
	if err != nil {
		t.Fatal(err)
	}
	want := []PhaseChange{{"a", Active, AtRisk}, {"c", Lapsed, Prospect}, {"d", Prospect, Newcomer}}
	if !slices.Equal(got, want) {
		t.Errorf("changes %v, want %v", got, want)
	}
}

func genHistories(t *rapid.T) []History {
	n := rapid.IntRange(1, 60).Draw(t, "n")
	asOf := date("2024-07-01")
	out := make([]History, n)
	for i := range out {
		h := History{ID: fmt.Sprintf("c%03d", i), AsOf: asOf}
		if rapid.IntRange(0, 9).Draw(t, "prospect") > 0 {
			tenure := rapid.IntRange(0, 900).Draw(t, "tenure")
			since := rapid.IntRange(0, tenure).Draw(t, "since")
			h.First = asOf.AddDate(0, 0, -tenure)
			h.Last = asOf.AddDate(0, 0, -since)
			h.Purchases = 1
			if h.Last.After(h.First) {
				h.Purchases = rapid.IntRange(2, 30).Draw(t, "purchases")
				gap := rapid.IntRange(1, tenure-since).Draw(t, "gap")
				h.BeforeLast = h.Last.AddDate(0, 0, -gap)
			}
			h.Spend = decimal.New(rapid.Int64Range(0, 1e6).Draw(t, "spend"), -2)
			h.Summary = clv.Summary{ID: h.ID, Frequency: h.Purchases - 1, T: float64(tenure)}
			if h.Purchases > 1 {
				h.Summary.Recency = float64(tenure - since)
			}
		}
		out[i] = h
	}
	return out
}

func TestPropOnePhaseOneSegment(t *testing.T) {
	segs, err := NewSegmentMap(5, DefaultSegments())
	if err != nil {
		t.Fatal(err)
	}
	rapid.Check(t, func(t *rapid.T) {
		hs := genHistories(t)
		as, err := PhaseRules{Model: clv.BGNBD{R: 0.5, Alpha: 20, A: 0.8, B: 2.4}}.AssignAll(hs)
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != len(hs) {
			t.Fatalf("%d assignments for %d customers", len(as), len(hs))
		}
		for i, a := range as {
			if a.ID != hs[i].ID || a.Phase > Reactivated || a.Reason.Rule == "" {
				t.Fatalf("assignment %+v", a)
			}
			if (a.Phase == Prospect) != hs[i].First.IsZero() {
				t.Fatalf("%s: prospect status and phase %v disagree", a.ID, a.Phase)
			}
		}
		scores, err := ScoreRFM(hs, RFMOptions{Classes: 5})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range scores {
			if _, _, err := segs.Segment(s); err != nil {
				t.Fatalf("no segment for %+v: %v", s, err)
			}
		}
	})
}

func TestPropRFMOrderAndTies(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		hs := genHistories(t)
		k := rapid.IntRange(2, 10).Draw(t, "k")
		a, err := ScoreRFM(hs, RFMOptions{Classes: k})
		if err != nil {
			t.Fatal(err)
		}
		b, err := ScoreRFM(rapid.Permutation(hs).Draw(t, "perm"), RFMOptions{Classes: k})
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]RFMScore{}
		for _, s := range a {
			byID[s.ID] = s
		}
		for _, s := range b {
			if byID[s.ID] != s {
				t.Fatalf("order changed %s: %+v vs %+v", s.ID, byID[s.ID], s)
			}
		}
		for _, x := range a {
			if x.R < 1 || x.R > k || x.F < 1 || x.F > k || x.M < 1 || x.M > k {
				t.Fatalf("score out of range: %+v", x)
			}
			for _, y := range a {
				if x.DaysSinceLast == y.DaysSinceLast && x.R != y.R || x.Purchases == y.Purchases && x.F != y.F ||
					x.Spend.Equal(y.Spend) && x.M != y.M {
					t.Fatalf("ties scored apart: %+v %+v", x, y)
				}
				if x.DaysSinceLast < y.DaysSinceLast && x.R < y.R {
					t.Fatalf("more recent scored lower: %+v %+v", x, y)
				}
			}
		}
	})
}

func TestSegmentMapRejectsGapsAndOverlaps(t *testing.T) {
	segs := DefaultSegments()
	if _, err := NewSegmentMap(5, segs[1:]); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("gap accepted: %v", err)
	}
	over := append(slices.Clone(segs), Segment{Name: "Extra", R: Range{5, 5}, F: Range{5, 5}, M: Range{1, 1}})
	if _, err := NewSegmentMap(5, over); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("overlap accepted: %v", err)
	}
	rapid.Check(t, func(t *rapid.T) {
		// Random boxes: accepted exactly when they tile the cube.
		k := rapid.IntRange(2, 4).Draw(t, "k")
		n := rapid.IntRange(1, 6).Draw(t, "n")
		var ss []Segment
		cover := map[[3]int]int{}
		for i := range n {
			rg := func(label string) Range {
				lo := rapid.IntRange(1, k).Draw(t, label+"lo")
				return Range{lo, rapid.IntRange(lo, k).Draw(t, label+"hi")}
			}
			s := Segment{Name: fmt.Sprint(i), R: rg("r"), F: rg("f"), M: rg("m")}
			ss = append(ss, s)
			for r := s.R.Lo; r <= s.R.Hi; r++ {
				for f := s.F.Lo; f <= s.F.Hi; f++ {
					for m := s.M.Lo; m <= s.M.Hi; m++ {
						cover[[3]int{r, f, m}]++
					}
				}
			}
		}
		tiles := len(cover) == k*k*k
		for _, c := range cover {
			tiles = tiles && c == 1
		}
		_, err := NewSegmentMap(k, ss)
		if (err == nil) != tiles {
			t.Fatalf("tiles=%v but NewSegmentMap err=%v", tiles, err)
		}
	})
}

func TestEconomicsOracles(t *testing.T) {
	ltv, err := SubscriptionLTV(dec("200"), 0.8, 0.02)
	if err != nil || !ltv.Equal(dec("8000")) {
		t.Errorf("SaaS LTV %s %v, want 8000", ltv, err)
	}
	ue, err := LTVToCAC([]Acquisition{{Name: "paid search", LTV: ltv, CAC: dec("1000"), MarginPerPeriod: dec("160")}}, LTVToCACOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ue[0].Ratio != 8 || ue[0].PaybackPeriods != 6.25 || !ue[0].Healthy {
		t.Errorf("unit economics %+v", ue[0])
	}
	for timing, want := range map[Timing]string{PaidAtStart: "366.67", PaidAtStartFirstExcluded: "266.67", PaidAtEnd: "333.33"} {
		v, err := RetentionValue(dec("100"), 0.8, 0.1, timing)
		if err != nil || !v.Equal(dec(want)) {
			t.Errorf("%v: %s %v, want %s", timing, v, err, want)
		}
	}
	if mm, _ := MarginMultiple(0.8, 0.1); fmt.Sprintf("%.2f", mm) != "2.67" {
		t.Errorf("margin multiple %v", mm)
	}
	year, _ := UndiscountedValue(dec("300"), 24, 1)
	five, _ := UndiscountedValue(dec("300"), 24, 5)
	if !year.Equal(dec("7200")) || !five.Equal(dec("36000")) {
		t.Errorf("hotel: %s a year, %s over five", year, five)
	}
	if _, err := RetentionValue(dec("1"), 1.2, 0.1, PaidAtEnd); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("retention above 1: %v", err)
	}
}

func TestValuableFewAndTiers(t *testing.T) {
	vs := []clv.CustomerValue{{ID: "a", Value: dec("50")}, {ID: "b", Value: dec("30")}, {ID: "c", Value: dec("10")},
		{ID: "d", Value: dec("10")}, {ID: "e", Value: dec("0")}}
	few, share, err := ValuableFew(vs, 0.8)
	if err != nil || len(few) != 2 || share != 0.8 {
		t.Errorf("valuable few %v share %v %v", few, share, err)
	}
	curve, err := Concentration(vs)
	if err != nil || len(curve) != 6 || curve[1].ValueShare != 0.5 || curve[5].ValueShare != 1 {
		t.Errorf("curve %v", curve)
	}
	tiers, err := AssignTiers(vs, []Tier{{"gold", 0.2}, {"silver", 0.6}, {"bronze", 1}})
	if err != nil || tiers["a"] != "gold" || tiers["b"] != "silver" || tiers["c"] != "silver" || tiers["d"] != "bronze" {
		t.Errorf("tiers %v %v", tiers, err)
	}
}

func ptr(v float64) *float64 { return &v }

func catalogue() []Offer {
	return []Offer{
		{ID: "card-gold", Kind: Upgrade, Product: "gold card", Requires: []string{"classic card"}, MarginChange: dec("120"),
			Cost: dec("5"), AcceptWith: 0.12, AcceptWithout: 0.02, Phases: []Phase{Active, Newcomer}},
		{ID: "insurance", Kind: CrossSell, Product: "travel insurance", Category: "insurance", MarginChange: dec("60"),
			Cost: dec("2"), AcceptWith: 0.10, AcceptWithout: 0.04},
		{ID: "fee-holiday", Kind: Retention, MarginChange: dec("-15"), Cost: dec("1"), AcceptWith: 0.7, AcceptWithout: 0.1,
			ChurnReduction: ptr(0.25), MinChurnRisk: 0.3},
		{ID: "basic-plan", Kind: Downgrade, Product: "basic plan", MarginChange: dec("-40"), AcceptWith: 0.3, AcceptWithout: 0.01},
		{ID: "refer", Kind: Referral, MarginChange: dec("20"), Cost: dec("3"), AcceptWith: 0.05, AcceptWithout: 0.05},
	}
}

func TestDecide(t *testing.T) {
	c := Customer{ID: "ana", Phase: Active, Products: []string{"classic card"}, Value: dec("800"), ChurnRisk: 0.4}
	chosen, rejected, err := Decide(c, catalogue(), decimal.Zero)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range chosen {
		ids = append(ids, d.Offer.ID+"="+d.ExpectedValue.String())
	}
	// fee-holiday: 0.6 × (−15 + 0.25 × 800) − 1 = 110; card-gold 0.1 × 120 − 5 = 7; insurance 0.06 × 60 − 2 = 1.6.
	if want := []string{"fee-holiday=110", "card-gold=7", "insurance=1.6"}; !slices.Equal(ids, want) {
		t.Errorf("chosen %v, want %v", ids, want)
	}
	why := map[string]string{}
	for _, d := range rejected {
		why[d.Offer.ID] = d.Reason.Facts[len(d.Reason.Facts)-1].Name
	}
	if why["basic-plan"] != "effect on churn known" || why["refer"] != "expected value" {
		t.Errorf("rejections %v", why)
	}
	sum := decimal.Zero
	for _, term := range chosen[0].Reason.Terms {
		sum = sum.Add(term.Amount)
	}
	if !sum.Equal(chosen[0].ExpectedValue) {
		t.Errorf("terms add to %s, EV %s", sum, chosen[0].ExpectedValue)
	}
	// With a measured churn effect the downgrade becomes a candidate.
	cat := catalogue()
	cat[3].ChurnReduction = ptr(0.3)
	chosen, _, _ = Decide(c, cat, decimal.Zero)
	found := false
	for _, d := range chosen {
		found = found || d.Offer.ID == "basic-plan"
	}
	if !found {
		t.Error("downgrade with a measured churn effect not recommended")
	}
}

func genOffers(t *rapid.T) []Offer {
	n := rapid.IntRange(1, 12).Draw(t, "offers")
	out := make([]Offer, n)
	for i := range out {
		o := Offer{ID: fmt.Sprintf("o%02d", i), Kind: OfferKind(rapid.IntRange(0, len(kindNames)-1).Draw(t, "kind")),
			Product:      rapid.SampledFrom([]string{"", "a", "b", "c"}).Draw(t, "product"),
			MarginChange: decimal.New(rapid.Int64Range(-5000, 20000).Draw(t, "margin"), -2),
			Cost:         decimal.New(rapid.Int64Range(0, 1000).Draw(t, "cost"), -2),
			AcceptWith:   rapid.Float64Range(0, 1).Draw(t, "with"), AcceptWithout: rapid.Float64Range(0, 1).Draw(t, "without")}
		o.Partner = o.Kind == DataSharing
		if rapid.Bool().Draw(t, "effect") {
			o.ChurnReduction = ptr(rapid.Float64Range(-0.2, 0.8).Draw(t, "reduction"))
		}
		if rapid.Bool().Draw(t, "phases") {
			o.Phases = []Phase{Phase(rapid.IntRange(0, 6).Draw(t, "phase"))}
		}
		o.Channels = genChannels(t)
		out[i] = o
	}
	return out
}

// genChannels draws up to three channels with distinct names, costs in
// cents (often equal, to exercise the tie rules) and acceptance measured or
// not.
func genChannels(t *rapid.T) []Channel {
	names := rapid.SliceOfNDistinct(rapid.SampledFrom([]string{"phone", "store", "web"}), 0, 3, func(s string) string { return s }).Draw(t, "channels")
	out := make([]Channel, len(names))
	for i, name := range names {
		out[i] = Channel{Name: name, Cost: decimal.New(rapid.SampledFrom([]int64{0, 50, 200}).Draw(t, "contact"), -2)}
		if rapid.Bool().Draw(t, "measured") {
			out[i].AcceptWith = ptr(rapid.SampledFrom([]float64{0, 0.1, 0.35, 1}).Draw(t, "accept"))
		}
	}
	return out
}

func genCustomer(t *rapid.T) Customer {
	c := Customer{ID: "c", Phase: Phase(rapid.IntRange(0, 6).Draw(t, "phase")),
		Products: rapid.SliceOfDistinct(rapid.SampledFrom([]string{"a", "b", "c"}), func(s string) string { return s }).Draw(t, "held"),
		Value:    decimal.New(rapid.Int64Range(0, 1e6).Draw(t, "value"), -2), ChurnRisk: rapid.Float64Range(0, 1).Draw(t, "risk"),
		FirstChannel:       rapid.SampledFrom([]string{"", "phone", "store", "web", "app"}).Draw(t, "first"),
		DataSharingConsent: rapid.Bool().Draw(t, "consent")}
	if rapid.Bool().Draw(t, "potentialKnown") {
		p := decimal.New(rapid.Int64Range(0, 2e6).Draw(t, "potential"), -2)
		c.PotentialValue = &p
	}
	return c
}

func TestPropDecideInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, cat := genCustomer(t), genOffers(t)
		a, _, err := Decide(c, cat, decimal.Zero)
		if err != nil {
			t.Fatal(err)
		}
		twin := c
		twin.ID = "twin"
		all, err := DecideAll([]Customer{c, twin}, cat, decimal.Zero)
		if err != nil || len(all[1]) != len(a) {
			t.Fatalf("DecideAll disagrees with Decide: %v", err)
		}
		for i := range a {
			if all[1][i].Offer.ID != a[i].Offer.ID || !all[1][i].ExpectedValue.Equal(a[i].ExpectedValue) ||
				all[1][i].Reason.String() != a[i].Reason.String() || all[0][i].Reason.String() != a[i].Reason.String() {
				t.Fatalf("DecideAll's fast path disagrees with Decide at %d: %v vs %v", i, all[1][i].Reason, a[i].Reason)
			}
		}
		b, _, _ := Decide(c, rapid.Permutation(cat).Draw(t, "perm"), decimal.Zero)
		if len(a) != len(b) {
			t.Fatalf("catalogue order changed the ranking: %d vs %d", len(a), len(b))
		}
		for i := range a {
			if a[i].Offer.ID != b[i].Offer.ID || !a[i].ExpectedValue.Equal(b[i].ExpectedValue) {
				t.Fatalf("catalogue order changed the ranking at %d", i)
			}
			if a[i].Offer.Kind == Downgrade && a[i].Offer.ChurnReduction == nil {
				t.Fatalf("downgrade without a churn effect recommended")
			}
		}
		// EV is linear in the margin through one channel: EV(2m) − EV(m) =
		// EV(m) − EV(0). (Through several it is the best of linear
		// functions, which is convex.)
		o := cat[0]
		o.Phases, o.Product, o.Kind, o.Channels = nil, "", Referral, o.Channels[:min(1, len(o.Channels))]
		ev := func(m decimal.Decimal) decimal.Decimal {
			o.MarginChange = m
			p, err := prepare([]Offer{o})
			if err != nil {
				t.Fatal(err)
			}
			d, _ := evaluate(c, &p[0], true)
			return d.ExpectedValue
		}
		m := o.MarginChange
		if !ev(m.Mul(decimal.NewFromInt(2))).Sub(ev(m)).Equal(ev(m).Sub(ev(decimal.Zero))) {
			t.Fatalf("EV not linear in margin")
		}
	})
}

func TestPropContactPolicy(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := ContactPolicy{MaxPerWindow: rapid.IntRange(1, 3).Draw(t, "max"), Window: 7 * 24 * time.Hour,
			Cooldown:  time.Duration(rapid.IntRange(0, 30).Draw(t, "cooldownDays")) * 24 * time.Hour,
			QuietFrom: 21 * time.Hour, QuietTo: 8 * time.Hour}
		now := date("2024-07-01").Add(time.Duration(rapid.IntRange(0, 47).Draw(t, "hour")) * time.Hour)
		var past []Contact
		for i := range rapid.IntRange(0, 6).Draw(t, "past") {
			past = append(past, Contact{Customer: rapid.SampledFrom([]string{"x", "y"}).Draw(t, "who"),
				Offer: fmt.Sprintf("o%02d", rapid.IntRange(0, 3).Draw(t, "offer")),
				Time:  now.Add(-time.Duration(rapid.IntRange(1, 40*24).Draw(t, "ago")) * time.Hour)})
			_ = i
		}
		var ds []Decision
		for range rapid.IntRange(0, 8).Draw(t, "decisions") {
			ds = append(ds, Decision{Customer: rapid.SampledFrom([]string{"x", "y"}).Draw(t, "cust"),
				Offer: Offer{ID: fmt.Sprintf("o%02d", rapid.IntRange(0, 3).Draw(t, "o"))}})
		}
		kept, blocked, err := p.Apply(ds, past, now)
		if err != nil {
			t.Fatal(err)
		}
		if len(kept)+len(blocked) != len(ds) {
			t.Fatalf("%d kept + %d blocked != %d", len(kept), len(blocked), len(ds))
		}
		// Replay: every kept contact respects caps, cooldown and quiet hours.
		h := now.Hour()
		if len(kept) > 0 && (h >= 21 || h < 8) {
			t.Fatalf("contact in quiet hours at %v", now)
		}
		all := slices.Clone(past)
		for _, d := range kept {
			n := 0
			for _, c := range all {
				if c.Customer == d.Customer && now.Sub(c.Time) < p.Window {
					n++
				}
				if c.Customer == d.Customer && c.Offer == d.Offer.ID && now.Sub(c.Time) < p.Cooldown {
					t.Fatalf("cooldown broken for %s/%s", d.Customer, d.Offer.ID)
				}
			}
			if n >= p.MaxPerWindow {
				t.Fatalf("cap broken for %s: %d earlier contacts", d.Customer, n)
			}
			all = append(all, Contact{Customer: d.Customer, Offer: d.Offer.ID, Time: now})
		}
		k2, _, _ := p.Apply(ds, past, now)
		if len(k2) != len(kept) {
			t.Fatal("same input, different decisions")
		}
	})
}

func FuzzDecide(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(func(t *rapid.T) {
		c, cat := genCustomer(t), genOffers(t)
		chosen, rejected, err := Decide(c, cat, decimal.Zero)
		if err != nil {
			return
		}
		if len(chosen)+len(rejected) != len(cat) {
			t.Fatalf("%d + %d decisions for %d offers", len(chosen), len(rejected), len(cat))
		}
	}))
}

func FuzzPhasesAndRFM(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(func(t *rapid.T) {
		hs := genHistories(t)
		if _, err := (PhaseRules{}).AssignAll(hs); err != nil {
			t.Fatal(err)
		}
		if _, err := ScoreRFM(hs, RFMOptions{Classes: rapid.IntRange(-3, 120).Draw(t, "k")}); err != nil && !errors.Is(err, ErrInvalidConfig) {
			t.Fatal(err)
		}
	}))
}

func BenchmarkLifecycle(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			asOf := date("2024-07-01")
			hs := make([]History, n)
			for i := range hs {
				tenure := 1 + i%700
				since := (i * 7919) % tenure
				hs[i] = History{ID: fmt.Sprintf("c%07d", i), AsOf: asOf, First: asOf.AddDate(0, 0, -tenure),
					Last: asOf.AddDate(0, 0, -since), Purchases: 1 + i%13, Spend: decimal.New(int64(i%100000), -2)}
				if hs[i].Purchases > 1 && tenure > since {
					hs[i].BeforeLast = hs[i].Last.AddDate(0, 0, -1)
				} else {
					hs[i].Purchases = 1
				}
			}
			segs, _ := NewSegmentMap(5, DefaultSegments())
			cat := catalogue()
			b.ResetTimer()
			for b.Loop() {
				as, err := PhaseRules{}.AssignAll(hs)
				if err != nil {
					b.Fatal(err)
				}
				scores, err := ScoreRFM(hs, RFMOptions{Classes: 5})
				if err != nil {
					b.Fatal(err)
				}
				cs := make([]Customer, len(scores))
				for i, s := range scores {
					seg, _, _ := segs.Segment(s)
					cs[i] = Customer{ID: s.ID, Phase: as[i].Phase, Segment: seg, Products: []string{"classic card"},
						Value: s.Spend, ChurnRisk: 0.2}
				}
				if _, err := DecideAll(cs, cat, decimal.Zero); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestChurnRisk(t *testing.T) {
	m := clv.BGNBD{R: 0.24, Alpha: 4.41, A: 0.79, B: 2.43}
	p, err := ChurnProbability(m, clv.Summary{Frequency: 2, Recency: 30.43, T: 38.86})
	if err != nil || math.Abs(p-(1-m.ProbabilityAlive(clv.Summary{Frequency: 2, Recency: 30.43, T: 38.86}))) > 1e-15 {
		t.Errorf("churn %v %v", p, err)
	}
	if _, err := ChurnProbability(m, clv.Summary{Frequency: 1, Recency: 5, T: 3}); err == nil {
		t.Error("invalid summary accepted")
	}
	s := clv.SBG{Alpha: 0.704, Beta: 1.182}
	c, err := SubscriptionChurn(s, 1)
	if err != nil || math.Abs(c-0.704/(0.704+1.182)) > 1e-12 {
		t.Errorf("churn after the first payment %v %v", c, err)
	}
	later, _ := SubscriptionChurn(s, 10)
	if later >= c {
		t.Errorf("churn does not fall with tenure: %v then %v", c, later)
	}
}
