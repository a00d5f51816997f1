package clv

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/shopspring/decimal"
)

// A model converted to another unit gives the same answers for the same
// customer measured in that unit.
func TestModelInOtherUnit(t *testing.T) {
	week := Summary{ID: "c", Frequency: 3, Recency: 20, T: 30, Unit: UnitWeek}
	day := Summary{ID: "c", Frequency: 3, Recency: 140, T: 210, Unit: UnitDay}
	for _, m := range []TransactionModel{
		BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4, Unit: UnitWeek},
		MBGNBD{R: 0.52, Alpha: 6.2, A: 0.89, B: 1.6, Unit: UnitWeek},
		ParetoNBD{R: 0.55, Alpha: 10.6, S: 0.61, Beta: 11.7, Unit: UnitWeek},
	} {
		d, err := InUnit(m, UnitDay)
		if err != nil {
			t.Fatal(err)
		}
		if d.TimeUnit() != UnitDay {
			t.Errorf("%s: unit %v", m.Name(), d.TimeUnit())
		}
		near(t, m.Name()+" P(alive)", d.ProbabilityAlive(day), m.ProbabilityAlive(week), 1e-13)
		near(t, m.Name()+" E[X]", d.ExpectedPurchases(day, 7*13), m.ExpectedPurchases(week, 13), 1e-12)
		back, _ := InUnit(d, UnitWeek)
		near(t, m.Name()+" round trip", back.ProbabilityAlive(week), m.ProbabilityAlive(week), 1e-15)
		// The wrong unit is an error, never a silently wrong answer.
		if _, err := Predict(m, []Summary{day}, 13); !errors.Is(err, ErrInvalidSummary) {
			t.Errorf("%s: daily summary to a weekly model: %v", m.Name(), err)
		}
		if _, err := LifetimeValue(m, FixedSpend{Amount: decimal.NewFromInt(1)}, []Summary{day}, ValueOptions{Steps: 1, StepLength: 1}); !errors.Is(err, ErrInvalidSummary) {
			t.Errorf("%s: LifetimeValue in the wrong unit: %v", m.Name(), err)
		}
		// The unit travels in the JSON form.
		b, err := MarshalModel(m, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := UnmarshalModel(b)
		if err != nil || got.(TransactionModel).TimeUnit() != UnitWeek {
			t.Errorf("%s: JSON %s read back as %v (%v)", m.Name(), b, got, err)
		}
	}
	if _, _, err := UnmarshalModel([]byte(`{"model":"bgnbd","params":{"r":1,"alpha":1,"a":1,"b":1},"unit":"fortnight"}`)); err == nil {
		t.Error("unknown unit accepted")
	}
	if _, err := InUnit(nil, UnitDay); err == nil {
		t.Error("InUnit(nil)")
	}
}

// Fitting the same customers measured in days and in weeks gives the same
// model once converted.
func TestFitsInEitherUnitAgree(t *testing.T) {
	truth := BGNBD{R: 0.3, Alpha: 28, A: 0.8, B: 2.4, Unit: UnitDay}
	T := make([]float64, 3000)
	for i := range T {
		T[i] = float64(28 + i%336)
	}
	days := truth.Simulate(nil, T)
	weeks := make([]Summary, len(days))
	for i, s := range days {
		weeks[i] = Summary{ID: s.ID, Frequency: s.Frequency, Recency: s.Recency / 7, T: s.T / 7, Unit: UnitWeek}
	}
	ctx := context.Background()
	md, _, err := FitBGNBD(ctx, Compress(days), FitOptions{Unit: UnitDay})
	if err != nil {
		t.Fatal(err)
	}
	mw, _, err := FitBGNBD(ctx, Compress(weeks), FitOptions{Unit: UnitWeek})
	if err != nil {
		t.Fatal(err)
	}
	conv := mw.In(UnitDay)
	worst := 0.0
	for _, s := range days {
		worst = math.Max(worst, math.Abs(conv.ProbabilityAlive(s)-md.ProbabilityAlive(s)))
	}
	if worst > 1e-5 {
		t.Errorf("P(alive) from the weekly fit differs from the daily fit by %g", worst)
	}
}
