package ladder

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

func named(err error, what string) bool { return err != nil && strings.Contains(err.Error(), what) }

// Place used the time's own zone although its doc said UTC: a purchase at
// 23:30 −05:00 on January 1 counted on January 1 whatever the caller asked.
// Days now follow clv.CalendarDay in the location Place is given.
func TestPlaceReadsDaysInItsLocation(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	l, err := NewLadder([]Rung{{Name: "none"}, {Name: "buyer", MinPurchases: 1}}, LadderOptions{WindowDays: 1})
	if err != nil {
		t.Fatal(err)
	}
	late := time.Date(2024, 1, 1, 23, 30, 0, 0, time.FixedZone("-05:00", -5*3600))
	a := Activity{Customer: "c", Purchases: []clv.Purchase{{Transaction: clv.Transaction{Customer: "c", Time: late, Amount: decimal.NewFromInt(5)}}}}
	for _, c := range []struct {
		asOf time.Time
		loc  *time.Location
		rung int
	}{
		{time.Date(2024, 1, 1, 23, 59, 0, 0, ny), ny, 1},        // January 1 in New York: bought that day
		{time.Date(2024, 1, 1, 23, 59, 0, 0, time.UTC), nil, 0}, // January 1 in UTC: bought the next day (the old code said the 1st)
		{time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), nil, 1},   // January 2 in UTC
		{time.Date(2024, 1, 1, 12, 0, 0, 0, ny), ny, 1},         // Place reads days: a purchase later the same day counts
		{time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC), ny, 1},   // 07:00 on January 1 in New York, whatever asOf's zone
	} {
		p, err := l.Place(a, nil, c.asOf, c.loc)
		if err != nil || p.Rung != c.rung {
			t.Errorf("as of %v in %v: rung %d %v, want %d", c.asOf, c.loc, p.Rung, err, c.rung)
		}
	}
	// The grace period counts calendar days in the same location.
	l2, _ := NewLadder([]Rung{{Name: "none"}, {Name: "buyer", MinPurchases: 1}}, LadderOptions{WindowDays: 1, GraceDays: 2})
	below := time.Date(2024, 3, 1, 23, 0, 0, 0, ny) // March 2 in UTC
	p, err := l2.Place(Activity{Customer: "c"}, &Standing{Rung: 1, BelowSince: below}, time.Date(2024, 3, 3, 12, 0, 0, 0, ny), ny)
	if err != nil || p.Rung != 0 || p.Reason.Rule != RuleDemoted {
		t.Errorf("two days below in New York: %+v %v, want demoted", p, err)
	}
	p, err = l2.Place(Activity{Customer: "c"}, &Standing{Rung: 1, BelowSince: below}, time.Date(2024, 3, 3, 12, 0, 0, 0, ny), nil)
	if err != nil || p.Rung != 1 || p.Reason.Rule != RuleGrace {
		t.Errorf("one day below in UTC: %+v %v, want grace", p, err)
	}
}

func TestNoPanicOnNilOrZero(t *testing.T) {
	var l *Ladder
	if _, err := l.Place(Activity{Customer: "c"}, nil, time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC), nil); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("nil Ladder: %v", err)
	}
	if _, err := (&Ladder{}).Place(Activity{Customer: "c"}, nil, time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC), nil); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("zero Ladder: %v", err)
	}
	if l.Rungs() != nil {
		t.Error("nil Ladder has rungs")
	}
	if _, err := Estimate(nil, 3, EstimateOptions{}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("nil paths: %v", err)
	}
	if _, err := (Estimated{}).Rates(); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("zero Estimated: %v", err)
	}
	for _, tr := range []Trigger{nil, (*SmallBaskets)(nil)} {
		if _, err := Fire([]Trigger{tr}, nil); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("nil trigger %#v: %v", tr, err)
		}
	}
	if _, err := (Chain{}).Value(0.1); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("zero Chain: %v", err)
	}
	// A period count that would run for ever is refused at once.
	if _, err := pc().Project([]float64{1, 0, 0, 0, 0}, math.MaxInt); !named(err, "periods") {
		t.Errorf("huge periods: %v", err)
	}
}

// Z was not validated: NaN gave NaN intervals and −3 gave Low > High.
func TestEstimateZ(t *testing.T) {
	paths := slices.Values([][]int{{0, 1, 1, 0, NoRung}, {1, 1, 0}})
	for _, z := range []float64{math.NaN(), -3, math.Inf(1), 101} {
		if _, err := Estimate(paths, 2, EstimateOptions{Z: z}); !errors.Is(err, ErrInvalidConfig) || !named(err, "Z") {
			t.Errorf("Z = %v: %v", z, err)
		}
	}
	e, err := Estimate(paths, 2, EstimateOptions{Z: 2.576})
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range e.Low {
		for j := range row {
			if !(0 <= e.Low[i][j] && e.Low[i][j] <= e.High[i][j] && e.High[i][j] <= 1) {
				t.Errorf("interval [%v, %v]", e.Low[i][j], e.High[i][j])
			}
		}
	}
	// A smoothing so large that the row sum overflows still gives rows of 1.
	e, err = Estimate(paths, 2, EstimateOptions{Smoothing: 1e308})
	if err != nil || e.Chain.Validate() != nil {
		t.Errorf("huge smoothing: %v %v", err, e.Chain.Validate())
	}
}

func TestDuplicatesRejected(t *testing.T) {
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	ctx := Situation{Customer: "c17", AsOf: asOf}
	if _, err := Fire(triggers(), []Situation{ctx, ctx}); !named(err, `"c17"`) {
		t.Errorf("a customer twice in Fire: %v", err)
	}
	if _, err := Fire([]Trigger{LargePurchase{Days: 1}, LargePurchase{Days: 7}}, nil); !named(err, `"large-purchase"`) {
		t.Errorf("a trigger name twice: %v", err)
	}
	if _, err := NewLadder([]Rung{{Name: "a"}, {Name: "a", MinPurchases: 1}}, LadderOptions{}); !named(err, `"a"`) {
		t.Errorf("a rung name twice: %v", err)
	}
	c := pc()
	v, _ := c.Value(0.2)
	counts := []float64{1, 1, 1, 1, 0}
	plan := Plan{Rung: 1, Cost: decimal.NewFromInt(1)}
	if _, err := PricePlans(c, []Plan{plan, plan}, nil, counts, v, 0.2); !named(err, "rung 1") {
		t.Errorf("two plans for a rung: %v", err)
	}
	reward := Reward{From: 1, To: 2, Cost: decimal.NewFromInt(1)}
	if _, err := PricePlans(c, nil, []Reward{reward, reward}, counts, v, 0.2); !named(err, "1 → 2") {
		t.Errorf("two rewards for a move: %v", err)
	}
	if _, err := RewardMoves(nil, []Reward{reward, reward}); !named(err, "1 → 2") {
		t.Errorf("two rewards for a move: %v", err)
	}
	if _, err := (RecontactGoal{AfterDays: 30}).Progress([]Contract{{Customer: "x"}, {Customer: "x"}}, asOf); !named(err, `"x"`) {
		t.Errorf("a contract twice: %v", err)
	}
	if _, err := Precursors([]Move{{Customer: "m", Period: 2, From: 0, To: 1}, {Customer: "m", Period: 2, From: 1, To: 0}}, nil); !named(err, `"m"`) {
		t.Errorf("two moves into one period: %v", err)
	}
	// An event repeated counts once.
	pre, err := Precursors([]Move{{Customer: "m", Period: 2, From: 0, To: 1}}, []TriggerEvent{{"m", 1, "t"}, {"m", 1, "t"}})
	if err != nil || len(pre) != 1 || pre[0].Count != 1 {
		t.Errorf("repeated event: %v %v", pre, err)
	}
}

func TestBadNumbersNamed(t *testing.T) {
	c := pc()
	v, _ := c.Value(0.2)
	neg := decimal.NewFromInt(-1)
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	for _, x := range []struct {
		name, field string
		err         error
	}{
		{"plan cost", "Cost", second(PricePlans(c, []Plan{{Rung: 1, Cost: neg}}, nil, []float64{1, 1, 1, 1, 0}, v, 0.2))},
		{"reward cost", "Cost", second(RewardMoves(nil, []Reward{{From: 0, To: 1, Cost: neg}}))},
		{"NaN count", "counts[2]", second(PricePlans(c, nil, nil, []float64{1, 1, math.NaN(), 1, 0}, v, 0.2))},
		{"Inf value", "values[0]", second(PricePlans(c, nil, nil, []float64{1, 1, 1, 1, 0}, []float64{math.Inf(1), 0, 0, 0, 0}, 0.2))},
		{"project count", "counts[0]", second(c.Project([]float64{-1, 0, 0, 0, 0}, 1))},
		{"small baskets", "MaxAmount", second(Fire([]Trigger{SmallBaskets{Days: 7, MaxAmount: neg}}, nil))},
		{"large purchase", "Days", second(Fire([]Trigger{LargePurchase{Days: -1}}, nil))},
		{"purchase amount", "negative amount", second(Fire(nil, []Situation{{Customer: "c", AsOf: asOf,
			Purchases: []clv.Purchase{{Transaction: clv.Transaction{Customer: "c", Time: asOf, Amount: neg}}}}}))},
		{"goal share", "Share", second(ShareGoal{From: 0, To: 1, Share: math.NaN(), Start: asOf, Deadline: asOf.AddDate(1, 0, 0)}.Progress(nil, nil, asOf))},
		{"lost reward", "R[4]", second(Chain{P: c.P, R: []decimal.Decimal{neg, neg, neg, neg, neg}}.ImprovePolicy(0.2, nil))},
	} {
		if !named(x.err, x.field) {
			t.Errorf("%s: %v, want an error naming %s", x.name, x.err, x.field)
		}
	}
	long := strings.Repeat("y", 300)
	_, err := Fire(nil, []Situation{{Customer: long}})
	if err == nil || strings.Contains(err.Error(), strings.Repeat("y", 41)) {
		t.Errorf("long ID echoed whole: %.80v", err)
	}
}

func second[T any](_ T, err error) error { return err }
