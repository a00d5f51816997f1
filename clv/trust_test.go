package clv

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"gonum.org/v1/gonum/stat/distuv"
)

// Regression tests for numbers that were once wrong with no error. The
// exact values are in the 50-digit reference tables (reference_test.go);
// here each case is checked to the digits its report gave.

func within(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if !(math.Abs(got-want) <= tol) {
		t.Errorf("%s = %v, want %v ± %v", what, got, want, tol)
	}
}

func TestExpectationsOutsideCDNOW(t *testing.T) {
	m := BGNBD{R: 100, Alpha: 100, A: 0.79, B: 2.4}
	within(t, "BG/NBD r=100 E[X(260)|x=0,T=10]", m.ExpectedPurchases(Summary{T: 10}, 260), 18.57, 0.005)
	within(t, "BG/NBD r=100 E[X(260)] new", m.ExpectedPurchasesNew(260), 19.16, 0.005)
	m2 := BGNBD{R: 289.455, Alpha: 0.657136, A: 0.347989, B: 0.118993}
	within(t, "BG/NBD r=289 E[X(260)]", m2.ExpectedPurchases(Summary{T: 0.1527}, 260), 636.70, 0.005)
	for _, v := range []float64{
		BGNBD{R: 10, Alpha: 0.1, A: 1000, B: 10}.ExpectedPurchasesNew(1),
		MBGNBD{R: 1000, Alpha: 0.1, A: 10, B: 10}.ExpectedPurchasesNew(2.5),
	} {
		if !(v >= 0) || math.IsInf(v, 0) {
			t.Errorf("expectation %v, want finite and non-negative", v)
		}
	}
	mb := MBGNBD{R: 0.021488, Alpha: 0.126661, A: 281.53, B: 0.69344}
	within(t, "MBG/NBD large a", mb.ExpectedPurchases(Summary{T: 0.5193}, 39), 2.018e-4, 5e-7)
}

func TestParetoAliveWhereSeriesIsSlow(t *testing.T) {
	m := ParetoNBD{R: 0.0264362, Alpha: 0.000442711, S: 5.37679, Beta: 7084.8}
	within(t, "Pareto/NBD P(alive)", m.ProbabilityAlive(Summary{T: 4098.97}), 0.0822, 5e-5)
}

func TestAliveAtLongHorizon(t *testing.T) {
	m := BGNBD{R: 0.24, Alpha: 1e-5, A: 0.79, B: 2.4}
	within(t, "BG/NBD P(alive at 39), tiny alpha", m.ProbabilityAliveAt(Summary{}, 39), 0.0452, 5e-5)
	// Large r: a probability, never negative, and not increasing in t.
	big := BGNBD{R: 5000, Alpha: 10, A: 0.8, B: 2.5}
	prev := 1.0
	for _, tt := range []float64{0.1, 1, 10, 100, 1000, 1e4, 1e5} {
		p := big.ProbabilityAliveAt(Summary{Frequency: 3, Recency: 2, T: 5}, tt)
		if !(p >= 0 && p <= prev) {
			t.Errorf("P(alive at T+%v) = %v after %v", tt, p, prev)
		}
		prev = p
	}
}

func TestDERTLargeShape(t *testing.T) {
	for _, m := range []ParetoNBD{{R: 1, Alpha: 1, S: 300, Beta: 300}, {R: 1000, Alpha: 1, S: 1000, Beta: 1}} {
		for _, delta := range []float64{1e-4, 0.01, 0.1} {
			d, err := m.DERT(Summary{Frequency: 2, Recency: 3, T: 5}, delta)
			// {1000, 1, 1000, 1}: dropout rates near 1000 per unit, so
			// P(alive) and DERT underflow to 0; they must not be NaN.
			if err != nil || !(d >= 0) || math.IsInf(d, 0) {
				t.Errorf("%+v DERT(%v) = %v, %v", m, delta, d, err)
			}
		}
	}
}

func TestDELSmallDiscount(t *testing.T) {
	d, err := SBG{Alpha: 0.668, Beta: 3.806}.DEL(1e-6)
	if err != nil {
		t.Fatal(err)
	}
	within(t, "sBG DEL(1e-6)", d, 616.29, 0.005)
}

func TestPredictRefusesNonFinite(t *testing.T) {
	ss := []Summary{{ID: "c1", Frequency: 2, Recency: 3, T: 5}}
	for _, m := range []TransactionModel{
		BGNBD{R: 1e308, Alpha: 1e308, A: 1e308, B: 1e308},
		BGNBD{R: 5e-324, Alpha: 5e-324, A: 5e-324, B: 5e-324},
		ParetoNBD{R: 1e308, Alpha: 5e-324, S: 1e308, Beta: 5e-324},
		MBGNBD{R: 1e308, Alpha: 5e-324, A: 5e-324, B: 1e308},
	} {
		ps, err := Predict(m, ss, 10)
		if err == nil {
			for _, p := range ps {
				if !finiteIn(p.ProbabilityAlive, 0, 1) || !finiteIn(p.ExpectedPurchases, 0, math.MaxFloat64) {
					t.Errorf("%+v: prediction %+v with no error", m, p)
				}
			}
			continue
		}
		if !errors.Is(err, ErrInaccurate) || !strings.Contains(err.Error(), `"c1"`) {
			t.Errorf("%+v: error %v, want ErrInaccurate naming the customer", m, err)
		}
	}
}

func TestDegenerateFitsAreReported(t *testing.T) {
	ctx := context.Background()
	for name, ps := range map[string][]Pattern{
		"at most one repeat purchase": {{0, 0, 4, 1}, {1, 1, 4, 1}},
		"all of age 0":                {{0, 0, 0, 5}},
		"all one-time buyers":         {{0, 0, 4, 3}, {0, 0, 10, 5}, {0, 0, 7, 2}},
		"buying every period":         {{9, 9, 9, 3}, {4, 4, 4, 5}, {7, 7, 7, 2}, {2, 2, 2, 2}},
	} {
		_, rep, err := FitBGNBD(ctx, ps, FitOptions{})
		if !errors.Is(err, ErrNotConverged) || rep.Converged {
			t.Errorf("BG/NBD on %s: converged %v, error %v", name, rep.Converged, err)
		}
		if errors.Is(err, ErrBoundary) && rep.Boundary == "" {
			t.Errorf("BG/NBD on %s: boundary error without a reason in the report", name)
		}
	}
	_, rep, err := FitBGNBD(ctx, []Pattern{{Frequency: 0, Recency: 0, T: 4, Weight: 1}, {Frequency: 1, Recency: 1, T: 4, Weight: 1}}, FitOptions{})
	if !errors.Is(err, ErrBoundary) || !strings.Contains(rep.Boundary, "at most one repeat purchase") {
		t.Errorf("two customers: %v; boundary %q", err, rep.Boundary)
	}
}

func TestFitsIgnoreInputOrder(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 8))
	T := make([]float64, 2000)
	for i := range T {
		T[i] = float64(rng.IntN(300)+1) / 7
	}
	ps := make([]Pattern, 0, len(T))
	for _, s := range (BGNBD{R: 0.3, Alpha: 4, A: 0.8, B: 2.4}).Simulate(rng, T) {
		// Non-integer weights make the order of addition visible.
		ps = append(ps, Pattern{Frequency: s.Frequency, Recency: s.Recency, T: s.T, Weight: 0.1 + rng.Float64()})
	}
	a, ra, errA := FitBGNBD(ctx, ps, FitOptions{})
	shuffled := slices.Clone(ps)
	rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	b, rb, errB := FitBGNBD(ctx, shuffled, FitOptions{})
	if errA != nil || errB != nil || a != b || ra.LogLikelihood != rb.LogLikelihood {
		t.Errorf("BG/NBD: %+v (%v) vs shuffled %+v (%v)", a, errA, b, errB)
	}
	// Spend from the Gamma-Gamma model itself: ν ~ Gamma(q, γ), the mean of
	// x purchases ~ Gamma(p·x, ν·x).
	obs := make([]SpendObservation, 500)
	for i := range obs {
		x := 1 + rng.IntN(5)
		nu := distuv.Gamma{Alpha: 3.7, Beta: 15, Src: rng}.Rand()
		mean := distuv.Gamma{Alpha: 6 * float64(x), Beta: nu * float64(x), Src: rng}.Rand()
		obs[i] = SpendObservation{Frequency: x, Mean: mean, Weight: 1}
	}
	g1, _, err1 := FitGammaGamma(ctx, obs, FitOptions{})
	rng.Shuffle(len(obs), func(i, j int) { obs[i], obs[j] = obs[j], obs[i] })
	g2, _, err2 := FitGammaGamma(ctx, obs, FitOptions{})
	if err1 != nil || err2 != nil || g1 != g2 {
		t.Errorf("Gamma-Gamma: %+v (%v) vs shuffled %+v (%v)", g1, err1, g2, err2)
	}
}

func TestWorkLimits(t *testing.T) {
	m := BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4}
	ss := []Summary{{ID: "a", Frequency: 1, Recency: 1, T: 2}}
	if _, err := Predict(m, ss, 1e18); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("horizon 1e18: %v", err)
	}
	if _, err := LifetimeValue(m, FixedSpend{Amount: decimal.NewFromInt(10)}, ss, ValueOptions{Steps: 1_000_000, StepLength: 1}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("a million steps: %v", err)
	}
	s, err := NewSummarizer(SummaryOptions{End: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Add(Transaction{Customer: "a", Time: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Amount: decimal.NewFromInt(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Tracking(m, 1e-6); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("tracking step 1e-6: %v", err)
	}
}

func TestNilAndZeroValues(t *testing.T) {
	ss := []Summary{{ID: "a", Frequency: 1, Recency: 1, T: 2}}
	if _, err := Predict(nil, ss, 1); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("Predict(nil): %v", err)
	}
	if _, err := LifetimeValue(nil, nil, ss, ValueOptions{Steps: 1, StepLength: 1}); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("LifetimeValue(nil, nil): %v", err)
	}
	if _, err := MarshalModel(nil, nil); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("MarshalModel(nil): %v", err)
	}
	if _, err := EvaluateHoldout(nil, nil, HoldoutOptions{}); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("EvaluateHoldout(nil): %v", err)
	}
	var zero Summarizer
	if err := zero.Add(Transaction{Customer: "a", Time: time.Now(), Amount: decimal.NewFromInt(1)}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("zero Summarizer Add: %v", err)
	}
	s, _ := NewSummarizer(SummaryOptions{End: time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)})
	if err := s.Merge(nil); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("Merge(nil): %v", err)
	}
	if _, err := s.Tracking(nil, 1); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("Tracking(nil): %v", err)
	}
	if got := (BGNBD{R: 0.24, Alpha: 4.4, A: 0.79, B: 2.4}).Simulate(nil, []float64{1, 2}); len(got) != 2 {
		t.Errorf("Simulate with a nil source: %v", got)
	}
	if got := (BGNBD{R: -1, Alpha: 4.4, A: 0.79, B: 2.4}).Simulate(nil, []float64{1}); got != nil {
		t.Errorf("Simulate with invalid parameters: %v", got)
	}
	if got := (SBG{Alpha: 0.5, Beta: 1e6}).Simulate(nil, 3); len(got) != 3 {
		t.Errorf("sBG Simulate with tiny churn: %v", got)
	}
}
