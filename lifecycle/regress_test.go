package lifecycle

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
)

// Regression tests for defects found in review: the SDK's calendar-day
// convention not followed, and panics on hostile input.

// SubscriptionChurn counts payments as clv.SBG.DERL counts renewals: one
// payment gives α/(α+β), 0.3733 for the Regular cohort (1000 → 631), not
// the 0.2439 of two payments it used to return.
func TestSubscriptionChurnCountsTheFirstPayment(t *testing.T) {
	regular := clv.SBG{Alpha: 0.704, Beta: 1.182}
	one, err := SubscriptionChurn(regular, 1)
	if err != nil || math.Abs(one-0.3733) > 5e-5 {
		t.Errorf("churn after one payment %v %v, want 0.3733", one, err)
	}
	two, _ := SubscriptionChurn(regular, 2)
	if math.Abs(two-0.2439) > 5e-5 {
		t.Errorf("churn after two payments %v, want 0.2439", two)
	}
	if _, err := SubscriptionChurn(regular, 0); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("zero payments accepted: %v", err)
	}
	// The same counting as DERL: DERL(k) = r_k (1 + DERL(k+1)/(1+d)), so
	// the probability of the next payment after k is DERL(k)/(1 + DERL(k+1)/(1+d)).
	const d = 0.1
	for k := 1; k <= 12; k++ {
		a, _ := regular.DERL(d, k)
		b, _ := regular.DERL(d, k+1)
		churn, err := SubscriptionChurn(regular, k)
		if err != nil || math.Abs((1-churn)-a/(1+b/(1+d))) > 1e-9 || math.Abs(churn-(1-regular.RetentionRate(k))) > 1e-12 {
			t.Errorf("after %d payments: churn %v, DERL says %v", k, churn, 1-a/(1+b/(1+d)))
		}
	}
}

// A purchase at 23:30 −05:00 is on January 1 in New York and January 2 in
// UTC, by clv.CalendarDay, whatever the time's own zone.
func TestHistoriesReadDaysInTheirLocation(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	late := time.Date(2024, 1, 1, 23, 30, 0, 0, time.FixedZone("-05:00", -5*3600))
	early := time.Date(2024, 1, 1, 1, 0, 0, 0, time.UTC) // Dec 31 in New York
	txs := []clv.Transaction{{Customer: "a", Time: late, Amount: decimal.NewFromInt(1)}, {Customer: "a", Time: early, Amount: decimal.NewFromInt(1)}}
	asOf := time.Date(2024, 1, 10, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		loc                  *time.Location
		last, first          string
		purchases, sinceLast int
	}{{ny, "2024-01-01", "2023-12-31", 2, 9}, {nil, "2024-01-02", "2024-01-01", 2, 8}} {
		hs, err := Histories(slices.Values(txs), nil, asOf, c.loc)
		if err != nil {
			t.Fatal(err)
		}
		h := hs[0]
		if got := h.Last.Format(time.DateOnly); got != c.last || h.First.Format(time.DateOnly) != c.first ||
			h.Purchases != c.purchases || h.DaysSinceLast() != c.sinceLast {
			t.Errorf("in %v: first %s last %s, %d purchase days, %d days since: want %s, %s, %d, %d",
				c.loc, h.First.Format(time.DateOnly), got, h.Purchases, h.DaysSinceLast(), c.first, c.last, c.purchases, c.sinceLast)
		}
		if clv.CalendarDay(h.Last, h.Location) != clv.CalendarDay(late, c.loc) {
			t.Errorf("in %v: Last reads back on another day", c.loc)
		}
	}
	// A hand-built history is read in its Location: 23:30 on the 9th in New
	// York is the 10th in UTC.
	h := History{ID: "h", AsOf: time.Date(2024, 1, 10, 4, 30, 0, 0, time.UTC), First: late, Last: late, Purchases: 1}
	if h.DaysSinceLast() != 8 {
		t.Errorf("UTC: %d days since last, want 8", h.DaysSinceLast())
	}
	h.Location = ny
	if h.DaysSinceLast() != 8 {
		t.Errorf("New York: %d days since last, want 8", h.DaysSinceLast())
	}
	// Quiet dates are read in the policy's location too.
	p := ContactPolicy{QuietDates: []time.Time{late}, Location: ny}
	kept, _, err := p.Apply([]Decision{{Customer: "a", Offer: Offer{ID: "o"}}}, nil, time.Date(2024, 1, 1, 12, 0, 0, 0, ny))
	if err != nil || len(kept) != 0 {
		t.Errorf("a quiet date in New York let a contact through: %v %v", kept, err)
	}
}

func TestNoPanicOnNil(t *testing.T) {
	s := clv.Summary{ID: "c", Frequency: 2, Recency: 30, T: 40}
	if _, err := ChurnProbability(nil, s); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("nil model: %v", err)
	}
	if _, err := ChurnProbability((*clv.BGNBD)(nil), s); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("nil *BGNBD: %v", err)
	}
	if _, err := (PhaseRules{Model: (*clv.ParetoNBD)(nil)}).AssignAll(nil); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("nil *ParetoNBD in PhaseRules: %v", err)
	}
	if _, err := Histories(nil, []string{"p"}, time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC), nil); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("nil sequence: %v", err)
	}
	var m *SegmentMap
	if _, _, err := m.Segment(RFMScore{ID: "c", R: 1, F: 1, M: 1}); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("nil SegmentMap: %v", err)
	}
	if _, _, err := (&SegmentMap{}).Segment(RFMScore{ID: "c", R: 1, F: 1, M: 1}); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("zero SegmentMap: %v", err)
	}
}

func TestDuplicateIDsRejected(t *testing.T) {
	d := decimal.NewFromInt
	named := func(err error, id string) bool {
		return err != nil && strings.Contains(err.Error(), `"`+id+`"`)
	}
	// a:10, b:−5, a:3 used to leave the top tier empty.
	vs := []clv.CustomerValue{{ID: "a", Value: d(10)}, {ID: "b", Value: d(-5)}, {ID: "a", Value: d(3)}}
	if _, err := AssignTiers(vs, []Tier{{"top", 0.34}, {"rest", 1}}); !named(err, "a") || !errors.Is(err, ErrInvalidInput) {
		t.Errorf("AssignTiers: %v", err)
	}
	if _, _, err := ValuableFew(vs, 0.5); !named(err, "a") {
		t.Errorf("ValuableFew: %v", err)
	}
	if _, err := Concentration(vs); !named(err, "a") {
		t.Errorf("Concentration: %v", err)
	}
	asOf := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	h := History{ID: "c17", AsOf: asOf, First: asOf, Last: asOf, Purchases: 1}
	if _, err := ScoreRFM([]History{h, h}, RFMOptions{Classes: 5}); !named(err, "c17") {
		t.Errorf("ScoreRFM: %v", err)
	}
	cat := catalogue()
	cat = append(cat, cat[1])
	c := Customer{ID: "ana", Phase: Active, ChurnRisk: 0.1}
	if _, _, err := Decide(c, cat, decimal.Zero); !named(err, "insurance") || !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("Decide: %v", err)
	}
	if _, err := DecideAll([]Customer{c, c}, catalogue(), decimal.Zero); !named(err, "ana") {
		t.Errorf("DecideAll: %v", err)
	}
	if _, err := Changes([]Assignment{{ID: "x"}, {ID: "x", Phase: Newcomer}}, nil); !named(err, "x") {
		t.Errorf("Changes: %v", err)
	}
}

func TestBadNumbersNamed(t *testing.T) {
	d := decimal.NewFromInt
	day := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name, field string
		err         error
	}{
		{"RetentionValue margin", "margin", second(RetentionValue(d(-1), 0.8, 0.1, PaidAtEnd))},
		{"RetentionValue NaN", "retention", second(RetentionValue(d(1), math.NaN(), 0.1, PaidAtEnd))},
		{"RetentionValue Inf", "discount", second(RetentionValue(d(1), 0.5, math.Inf(1), PaidAtEnd))},
		{"MarginMultiple Inf", "discount", second(MarginMultiple(0.5, math.Inf(1)))},
		{"UndiscountedValue", "amount", second(UndiscountedValue(d(-300), 24, 5))},
		{"SubscriptionLTV", "ARPA", second(SubscriptionLTV(d(-200), 0.8, 0.02))},
		{"SubscriptionLTV churn", "churn", second(SubscriptionLTV(d(200), 0.8, math.NaN()))},
		{"LTVToCAC", "MarginPerPeriod", second(LTVToCAC([]Acquisition{{Name: "web", LTV: d(1), CAC: d(1), MarginPerPeriod: d(-1)}}, LTVToCACOptions{}))},
		{"Decide", "AcceptWith", third(Decide(Customer{ID: "c", ChurnRisk: 0.1}, []Offer{{ID: "o", AcceptWith: math.NaN()}}, decimal.Zero))},
		{"Decide cost", "Cost", third(Decide(Customer{ID: "c", ChurnRisk: 0.1}, []Offer{{ID: "o", Cost: d(-1)}}, decimal.Zero))},
		{"Decide risk", "ChurnRisk", third(Decide(Customer{ID: "c", ChurnRisk: math.NaN()}, nil, decimal.Zero))},
		{"History spend", "Spend", History{ID: "c", AsOf: day, First: day, Last: day, Purchases: 1, Spend: d(-1)}.Validate()},
		{"ContactPolicy", "QuietFrom", third(ContactPolicy{QuietFrom: 25 * time.Hour}.Apply(nil, nil, day))},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.field) {
			t.Errorf("%s: %v, want an error naming %s", c.name, c.err, c.field)
		}
	}
	// Echoed IDs are cut to 40 characters.
	long := strings.Repeat("y", 500)
	_, _, err := Decide(Customer{ID: long, ChurnRisk: 2}, nil, decimal.Zero)
	if err == nil || strings.Contains(err.Error(), strings.Repeat("y", 41)) || !strings.Contains(err.Error(), strings.Repeat("y", 40)+"…") {
		t.Errorf("long ID echoed: %.80v", err)
	}
}

func second[T any](_ T, err error) error { return err }

func third[T, U any](_ T, _ U, err error) error { return err }

// A weekly model gives the same phases and churn risk as the same model in
// days: lifecycle converts it rather than misreading days as weeks.
func TestModelsInAnyUnit(t *testing.T) {
	week := clv.BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4, Unit: clv.UnitWeek}
	day := week.In(clv.UnitDay)
	s := clv.Summary{ID: "c", Frequency: 3, Recency: 100, T: 200}
	cw, err1 := ChurnProbability(week, s)
	cd, err2 := ChurnProbability(day, s)
	if err1 != nil || err2 != nil || math.Abs(cw-cd) > 1e-12 {
		t.Errorf("churn: weekly model %v (%v), daily %v (%v)", cw, err1, cd, err2)
	}
	h := History{ID: "c", AsOf: time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC),
		First: time.Date(2023, 12, 14, 0, 0, 0, 0, time.UTC), Last: time.Date(2024, 3, 23, 0, 0, 0, 0, time.UTC),
		Purchases: 4, Summary: s}
	aw, err1 := PhaseRules{Model: week}.Assign(h)
	ad, err2 := PhaseRules{Model: day}.Assign(h)
	if err1 != nil || err2 != nil || aw.Phase != ad.Phase {
		t.Errorf("phase: weekly %v (%v), daily %v (%v)", aw.Phase, err1, ad.Phase, err2)
	}
}
