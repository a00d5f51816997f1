package clv

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
)

// randomAmount draws amounts the way money reaches Money: a mix of cents
// with exact half-cent ties, values across many magnitudes, and negatives.
func randomAmount(rng *rand.Rand) float64 {
	switch rng.IntN(3) {
	case 0:
		return float64(rng.Int64N(2e9)-1e9) / 1000 // many exact ties at 2 places
	case 1:
		return (rng.Float64()*2 - 1) * math.Pow(10, float64(rng.IntN(16)-4))
	default:
		return rng.NormFloat64() * 1e4
	}
}

// TestRoundPow10IsRoundBank checks the claim of roundPow10's comment: on 2
// million random amounts (100,000 with -short), the integer path gives what
// decimal.NewFromFloat(v).RoundBank(2) gives, to the exponent.
func TestRoundPow10IsRoundBank(t *testing.T) {
	n := 2_000_000
	if testing.Short() {
		n = 100_000
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range n {
		v := randomAmount(rng)
		got, ok := roundPow10(v, 2)
		want := decimal.NewFromFloat(v).RoundBank(2)
		if !ok || got.Cmp(want) != 0 || got.Exponent() != want.Exponent() {
			t.Fatalf("roundPow10(%v, 2) = %s, %v; RoundBank gives %s", v, got, ok, want)
		}
	}
}

func TestMoney(t *testing.T) {
	for v, want := range map[float64]string{2.675: "2.68", 0.125: "0.12", -0.375: "-0.38", 1e-9: "0", 123456.785: "123456.78"} {
		if got, ok := Money(v); !ok || got.String() != want {
			t.Errorf("Money(%v) = %s, %v; want %s", v, got, ok, want)
		}
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, ok := Money(v); ok {
			t.Errorf("Money(%v) accepted", v)
		}
	}
	if got := RoundMoney(decimal.RequireFromString("0.125")); got.String() != "0.12" {
		t.Errorf("RoundMoney(0.125) = %s, want 0.12", got)
	}
}

// BenchmarkRoundCent compares roundPow10 with decimal's own rounding of the
// same shortest decimal form: about half the time, one allocation instead
// of seven.
func BenchmarkRoundCent(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	vs := make([]float64, 4096)
	for i := range vs {
		vs[i] = randomAmount(rng)
	}
	b.Run("roundPow10", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			roundPow10(vs[i%len(vs)], 2)
		}
	})
	b.Run("RoundBank", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			decimal.NewFromFloat(vs[i%len(vs)]).RoundBank(2)
		}
	})
}
