package clv

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// simulatedCohort returns n summaries simulated from m, with ages spread
// over one year and purchase times rounded to whole days as a daily log
// gives them, in weeks.
func simulatedCohort(m TransactionModel, n int) []Summary {
	rng := rand.New(rand.NewPCG(uint64(n), 42))
	T := make([]float64, n)
	for i := range T {
		T[i] = float64(rng.IntN(365)+1) / 7
	}
	ss := m.Simulate(rng, T)
	for i := range ss {
		d := float64(int(ss[i].Recency*7)) / 7
		ss[i].Recency = d
	}
	return ss
}

var benchSizes = []int{10_000, 100_000, 1_000_000}

func BenchmarkFit(b *testing.B) {
	ctx := context.Background()
	for _, m := range []TransactionModel{BGNBD{R: 0.25, Alpha: 4.4, A: 0.8, B: 2.4}, MBGNBD{R: 0.5, Alpha: 6.2, A: 0.9, B: 1.6}, ParetoNBD{R: 0.55, Alpha: 10.6, S: 0.6, Beta: 11.7}} {
		for _, n := range benchSizes {
			if _, ok := m.(ParetoNBD); ok && n > 100_000 && testing.Short() {
				continue
			}
			b.Run(fmt.Sprintf("%s/customers=%d", m.Name(), n), func(b *testing.B) {
				ss := simulatedCohort(m, n)
				b.ReportAllocs()
				for b.Loop() {
					// Compression is part of the cost of a fit from summaries.
					data := Compress(ss)
					var err error
					switch m.(type) {
					case BGNBD:
						_, _, err = FitBGNBD(ctx, data, FitOptions{})
					case MBGNBD:
						_, _, err = FitMBGNBD(ctx, data, FitOptions{})
					case ParetoNBD:
						_, _, err = FitParetoNBD(ctx, data, FitOptions{})
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkPredict(b *testing.B) {
	for _, m := range []TransactionModel{BGNBD{R: 0.25, Alpha: 4.4, A: 0.8, B: 2.4}, MBGNBD{R: 0.5, Alpha: 6.2, A: 0.9, B: 1.6}, ParetoNBD{R: 0.55, Alpha: 10.6, S: 0.6, Beta: 11.7}} {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/customers=%d", m.Name(), n), func(b *testing.B) {
				ss := simulatedCohort(m, n)
				b.ReportAllocs()
				for b.Loop() {
					if _, err := Predict(m, ss, 39); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkLifetimeValue(b *testing.B) {
	gg := GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.45}
	for _, m := range []TransactionModel{BGNBD{R: 0.25, Alpha: 4.4, A: 0.8, B: 2.4}, ParetoNBD{R: 0.55, Alpha: 10.6, S: 0.6, Beta: 11.7}} {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%s/customers=%d", m.Name(), n), func(b *testing.B) {
				ss := simulatedCohort(m, n)
				for i := range ss {
					if ss[i].Frequency > 0 {
						ss[i].MonetaryValue = decimal.New(int64(1000+i%5000), -2)
					}
				}
				opts := ValueOptions{Steps: 12, StepLength: 4.345, DiscountRate: 0.01}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := LifetimeValue(m, gg, ss, opts); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkFitBGBB(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			ps := BGBB{Alpha: 1.2, Beta: 0.75, Gamma: 0.66, Delta: 2.78}.Simulate(rand.New(rand.NewPCG(1, 2)), n, 6)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := FitBGBB(ctx, ps, FitOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkFitSBG(b *testing.B) {
	ctx := context.Background()
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) {
			life := SBG{Alpha: 0.7, Beta: 1.2}.Simulate(rand.New(rand.NewPCG(1, 2)), n)
			obs := make([]SBGObservation, n)
			for i, l := range life {
				// Observed over 12 periods: churned by then or still there.
				obs[i] = SBGObservation{Periods: min(l, 12), Churned: l <= 12, Weight: 1}
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := FitSBG(ctx, obs, FitOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
