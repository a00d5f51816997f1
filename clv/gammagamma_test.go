package clv

import (
	"context"
	"errors"
	"math"
	"os"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func TestGammaGammaCDNOW(t *testing.T) {
	ss := cdnow(t)
	m, rep, err := FitGammaGamma(context.Background(), SpendObservations(ss), FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.N != 946 || rep.Excluded != 2357-946 {
		t.Errorf("fit on %v repeat buyers, %d excluded; want 946 and %d", rep.N, rep.Excluded, 2357-946)
	}
	near(t, "p", m.P, 6.248803, 1e-3)
	near(t, "q", m.Q, 3.744588, 1e-3)
	near(t, "gamma", m.Gamma, 15.447747, 1e-3)
	near(t, "LL", rep.LogLikelihood, -4055.9232, 1e-5)
	// The published spends are for the first ten CDNOW customers, with their
	// exact mean spends (the summary file rounds them to cents), so they are
	// summarised here from the transaction log; customers without repeat
	// purchases get the population mean.
	f, err := os.Open("../testdata/cdnow_sample.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := NewCSVReader(f, CSVOptions{Customer: "customer_id", Time: "date", Amount: "amount"})
	if err != nil {
		t.Fatal(err)
	}
	exact, err := Summarize(r.Transactions(), SummaryOptions{End: day("1997-09-30"), Unit: UnitWeek})
	if err != nil || r.Err() != nil {
		t.Fatal(err, r.Err())
	}
	var got []float64
	for _, s := range exact[:10] {
		v, err := m.SpendPerPurchase(s)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v.InexactFloat64())
	}
	for i, want := range []float64{24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17} {
		if math.Abs(got[i]-want) > 0.005 {
			t.Errorf("expected spend of customer %d = %.4f, want %.2f", i+1, got[i], want)
		}
	}
}

func TestPropGammaGammaSpendBetweenMeans(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := GammaGamma{P: rapid.Float64Range(0.1, 20).Draw(t, "p"), Q: rapid.Float64Range(1.01, 20).Draw(t, "q"), Gamma: rapid.Float64Range(0.1, 100).Draw(t, "gamma")}
		x := rapid.IntRange(0, 500).Draw(t, "x")
		mean := rapid.Float64Range(0.01, 1000).Draw(t, "mean")
		pop, err := m.PopulationMeanSpend()
		if err != nil {
			t.Fatal(err)
		}
		v, err := m.ConditionalSpend(x, mean)
		if err != nil {
			t.Fatal(err)
		}
		lo, hi := math.Min(pop, mean), math.Max(pop, mean)
		if v < lo*(1-1e-12) || v > hi*(1+1e-12) {
			t.Fatalf("%+v x=%d mean=%v: spend %v outside [%v, %v]", m, x, mean, v, lo, hi)
		}
	})
}

func TestGammaGammaQAtMostOne(t *testing.T) {
	m := GammaGamma{P: 2, Q: 0.9, Gamma: 10}
	if _, err := m.PopulationMeanSpend(); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("q<=1 population mean: %v", err)
	}
	if _, err := m.SpendPerPurchase(Summary{Frequency: 2, Recency: 1, T: 2, MonetaryValue: decimal.NewFromInt(5)}); !errors.Is(err, ErrInvalidParams) {
		t.Errorf("q<=1 spend: %v", err)
	}
	// A repeat buyer whose orders were all free is left out and counted,
	// like a one-time buyer; with nobody else there is nothing to fit.
	_, rep, err := FitGammaGamma(context.Background(), []SpendObservation{{Frequency: 2, Mean: 0, Weight: 1}, {Frequency: 0, Weight: 1}}, FitOptions{})
	if !errors.Is(err, ErrNoData) || rep.Excluded != 2 || rep.ExcludedBy[ExcludedZeroSpend] != 1 || rep.ExcludedBy[ExcludedOneTimeBuyer] != 1 {
		t.Errorf("zero mean spend: %v, report %+v", err, rep)
	}
	if _, _, err := FitGammaGamma(context.Background(), []SpendObservation{{Frequency: 2, Mean: -1, Weight: 1}}, FitOptions{}); !errors.Is(err, ErrInvalidSummary) {
		t.Errorf("negative mean spend: %v", err)
	}
}
