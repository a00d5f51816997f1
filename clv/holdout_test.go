package clv

import (
	"context"
	"math"
	"os"
	"testing"

	"pgregory.net/rapid"
)

func TestPropHoldoutMetricsPerfect(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		vals := rapid.SliceOfN(rapid.Float64Range(0, 50), 1, 40).Draw(t, "v")
		rows := make([]HoldoutRow, len(vals))
		for i, v := range vals {
			rows[i] = HoldoutRow{Predicted: v, Actual: v}
		}
		m := Metrics(rows)
		if m.MAE != 0 || m.RMSE != 0 || m.Bias != 0 || m.TotalPredicted != m.TotalActual {
			t.Fatalf("perfect prediction: %+v", m)
		}
	})
}

func TestEvaluateHoldoutAndTracking(t *testing.T) {
	f, err := os.Open("../testdata/cdnow_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := NewCSVReader(f, CSVOptions{Customer: "customer_id", Time: "date", Amount: "amount"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSummarizer(SummaryOptions{End: day("1998-06-30"), CalibrationEnd: day("1997-09-30"), Unit: UnitWeek})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddAll(r.Transactions()); err != nil || r.Err() != nil {
		t.Fatal(err, r.Err())
	}
	split, err := s.Split()
	if err != nil {
		t.Fatal(err)
	}
	cal := make([]Summary, len(split))
	for i, sp := range split {
		cal[i] = sp.Calibration
	}
	m, _, err := FitBGNBD(context.Background(), Compress(cal), FitOptions{Unit: UnitWeek})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := EvaluateHoldout(m, split, HoldoutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// FHL 2005: the model tracks the holdout well in aggregate.
	if rel := math.Abs(rep.TotalPredicted-rep.TotalActual) / rep.TotalActual; rel > 0.15 || rep.Correlation < 0.5 {
		t.Errorf("holdout: predicted %v, actual %v, correlation %v", rep.TotalPredicted, rep.TotalActual, rep.Correlation)
	}
	if len(rep.ByFrequency) != 8 || !rep.ByFrequency[7].AndAbove || rep.ByFrequency[0].Customers == 0 {
		t.Errorf("classes %+v", rep.ByFrequency)
	}
	n := 0
	for _, c := range rep.ByFrequency {
		n += c.Customers
	}
	if n != len(split) {
		t.Errorf("classes hold %d customers, want %d", n, len(split))
	}
	// Tracking: the last point's actual is every repeat purchase, and its
	// expectation is Σ E[X(T_i)] over customers.
	pts, err := s.Tracking(m, 1)
	if err != nil {
		t.Fatal(err)
	}
	last := pts[len(pts)-1]
	wantActual, wantExpected := 0.0, 0.0
	for _, c := range s.Summaries() {
		wantActual += float64(c.Frequency)
		wantExpected += m.ExpectedPurchasesNew(c.T)
	}
	near(t, "tracking actual", last.Actual, wantActual, 1e-12)
	near(t, "tracking expected", last.Expected, wantExpected, 1e-9)
	for i := 1; i < len(pts); i++ {
		if pts[i].Actual < pts[i-1].Actual || pts[i].Expected < pts[i-1].Expected || pts[i].Time <= pts[i-1].Time {
			t.Fatalf("tracking not cumulative at %d: %+v then %+v", i, pts[i-1], pts[i])
		}
	}
}
