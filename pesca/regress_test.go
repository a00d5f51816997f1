package pesca

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clvkit/clvkit/clv"
	"github.com/clvkit/clvkit/lifecycle"
)

// Regression tests for defects found in review: the SDK's calendar-day
// convention not followed, and panics on hostile input.

func named(err error, what string) bool { return err != nil && strings.Contains(err.Error(), what) }

// The zero values panicked on their nil maps.
func TestZeroValuesUsable(t *testing.T) {
	var b Baskets
	if err := b.Add("a", "b"); err != nil || b.Len() != 1 {
		t.Errorf("zero Baskets: Add %v, Len %d", err, b.Len())
	}
	if err := b.Merge(&b); err != nil || b.Len() != 2 {
		t.Errorf("b.Merge(&b): %v, Len %d, want 2", err, b.Len())
	}
	if sets, err := b.Frequent(0.5, 0); err != nil || len(sets) != 3 || sets[2].Count != 2 {
		t.Errorf("itemsets after doubling %v %v", sets, err)
	}
	var q Sequences
	ps := []clv.Purchase{buy("c", "2024-01-01", "iPhone", "", 1), buy("c", "2024-02-01", "Watch", "", 1)}
	if err := q.AddCustomer(ps, nil); err != nil || len(q.Transitions()) != 1 {
		t.Errorf("zero Sequences: %v %v", err, q.Transitions())
	}
	var other Sequences
	if err := other.Merge(&q); err != nil || len(other.Next([]string{"iPhone"}, 0)) != 1 {
		t.Errorf("merge into a zero Sequences: %v", err)
	}
	if err := q.Merge(&q); err != nil || q.Paths(0)[0].Customers != 2 {
		t.Errorf("q.Merge(&q): %v %v", err, q.Paths(0))
	}
}

func TestNilArguments(t *testing.T) {
	if err := NewBaskets().Merge(nil); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("Baskets.Merge(nil): %v", err)
	}
	if err := NewSequences().Merge(nil); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("Sequences.Merge(nil): %v", err)
	}
	var b *Baskets
	var s *Sequences
	if b.Len() != 0 || s.Transitions() != nil || s.Next([]string{"a"}, 1) != nil || s.Paths(1) != nil {
		t.Error("a nil pointer does not read as empty")
	}
	if rules, err := b.Rules(0.5, 0.5); err != nil || rules != nil {
		t.Errorf("rules of nil Baskets: %v %v", rules, err)
	}
	// An unknown anchor indexed past an array.
	_, err := Planner{Initiatives: []Initiative{{ID: "x", Anchor: 7}}}.Plan(Profile{ID: "c"}, time.Date(2024, 6, 25, 0, 0, 0, 0, time.UTC))
	if !errors.Is(err, ErrInvalidConfig) || !named(err, "Anchor") {
		t.Errorf("unknown anchor: %v", err)
	}
}

// Sequences and plans truncated days in UTC; they now read them in the
// location given, by clv.CalendarDay.
func TestSequencesAndPlansReadDaysInTheirLocation(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	iphone := clv.Purchase{Transaction: clv.Transaction{Customer: "c", Time: at("2024-01-01T23:30:00-05:00")}, Product: "iPhone"} // Jan 2 in UTC
	watch := clv.Purchase{Transaction: clv.Transaction{Customer: "c", Time: at("2024-01-02T12:00:00Z")}, Product: "Watch"}        // Jan 2 in both
	for _, c := range []struct {
		loc  *time.Location
		want int
	}{{ny, 1}, {nil, 0}} {
		var s Sequences
		if err := s.AddCustomer([]clv.Purchase{iphone, watch}, c.loc); err != nil {
			t.Fatal(err)
		}
		if got := len(s.Transitions()); got != c.want {
			t.Errorf("in %v: %d transitions, want %d", c.loc, got, c.want)
		}
	}
	p := Planner{Location: ny, Initiatives: []Initiative{{ID: "thanks", Perspective: Experience, Anchor: FirstPurchase, OffsetDays: 1}}}
	plan, err := p.Plan(Profile{ID: "c", Purchases: []clv.Purchase{iphone}}, at("2024-01-01T23:45:00-05:00"))
	if err != nil || len(plan.Steps) != 1 || plan.Steps[0].When.Format(time.RFC3339) != "2024-01-02T00:00:00-05:00" ||
		plan.AsOf.Format(time.RFC3339) != "2024-01-01T00:00:00-05:00" {
		t.Errorf("plan in New York: %+v %v", plan, err)
	}
	p.Location = nil
	if plan, err := p.Plan(Profile{ID: "c", Purchases: []clv.Purchase{iphone}}, at("2024-01-01T23:45:00-05:00")); err != nil ||
		plan.Steps[0].When.Format(time.RFC3339) != "2024-01-03T00:00:00Z" {
		t.Errorf("plan in UTC: %+v %v", plan, err)
	}
}

// A tiny minimum support made every combination of items "frequent"
// (a minimum count of 0), 2^items of them.
func TestTinySupportBounded(t *testing.T) {
	b := NewBaskets()
	for i := range 40 {
		if err := b.Add(fmt.Sprint("item", i)); err != nil {
			t.Fatal(err)
		}
	}
	sets, err := b.Frequent(5e-324, 0)
	if err != nil || len(sets) != 40 {
		t.Errorf("%d itemsets %v, want the 40 single items", len(sets), err)
	}
	items := make([]string, 30)
	for i := range items {
		items[i] = fmt.Sprint("item", i)
	}
	_ = b.Add(items...)
	if _, err := b.Rules(5e-324, 0); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("a 30-item basket at any support: %v, want an error", err)
	}
}

func TestDuplicatesAndBadNumbers(t *testing.T) {
	asOf := time.Date(2024, 6, 25, 0, 0, 0, 0, time.UTC)
	p := Planner{Initiatives: initiatives()}
	if _, _, err := p.PlanAll([]Profile{{ID: "c17"}, {ID: "c17"}}, asOf); !named(err, `"c17"`) {
		t.Errorf("a profile twice: %v", err)
	}
	dup := Planner{Initiatives: append(initiatives(), initiatives()[0])}
	if _, err := dup.Plan(Profile{ID: "c"}, asOf); !named(err, `"welcome"`) {
		t.Errorf("an initiative twice: %v", err)
	}
	neg := decimal.NewFromInt(-1)
	for _, c := range []struct {
		name, field string
		err         error
	}{
		{"expected value", "ExpectedValue", second(Planner{Initiatives: []Initiative{{ID: "x", ExpectedValue: neg}}}.Plan(Profile{ID: "c"}, asOf))},
		{"category spend", "CategorySpend", second(p.Plan(Profile{ID: "c", CategorySpend: neg}, asOf))},
		{"offset", "OffsetDays", second(Planner{Initiatives: []Initiative{{ID: "x", OffsetDays: math.MaxInt}}}.Plan(Profile{ID: "c"}, asOf))},
		{"horizon", "Horizon", second(Planner{Horizon: -1}.Plan(Profile{ID: "c"}, asOf))},
		{"phase", "Phase", second(p.Plan(Profile{ID: "c", Phase: lifecycle.Phase(42)}, asOf))},
		{"max length", "maxLen", second(NewBaskets().Frequent(0.5, -1))},
		{"purchase", "negative amount", second(p.Plan(Profile{ID: "c", Purchases: []clv.Purchase{{Transaction: clv.Transaction{Customer: "c", Time: asOf, Amount: neg}}}}, asOf))},
		{"another customer's purchase", `"d"`, new(Sequences).AddCustomer([]clv.Purchase{buy("c", "2024-01-01", "a", "", 1), buy("d", "2024-01-01", "b", "", 1)}, nil)},
	} {
		if !named(c.err, c.field) {
			t.Errorf("%s: %v, want an error naming %s", c.name, c.err, c.field)
		}
	}
	long := strings.Repeat("y", 300)
	if err := NewBaskets().Add(long + "\x00"); err == nil || strings.Contains(err.Error(), strings.Repeat("y", 41)) {
		t.Errorf("long item echoed whole: %.80v", err)
	}
}

func second[T any](_ T, err error) error { return err }
