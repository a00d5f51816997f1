package clv

import (
	"context"
	"math"
	"testing"

	"pgregory.net/rapid"
)

func TestBGBBDonations(t *testing.T) {
	m, rep, err := FitBGBB(context.Background(), donations(t), FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	near(t, "alpha", m.Alpha, 1.2035, 1e-3)
	near(t, "beta", m.Beta, 0.7497, 1e-3)
	near(t, "gamma", m.Gamma, 0.6567, 1e-3)
	near(t, "delta", m.Delta, 2.7834, 1e-3)
	near(t, "LL", rep.LogLikelihood, -33225.58, 1e-6)
	if rep.N != 11104 || rep.Patterns != 22 {
		t.Errorf("report %+v", rep)
	}
	// FHS 2010: expected transactions of a new donor over 1..11 opportunities.
	for n, want := range []float64{0.4985, 0.9233, 1.2969, 1.6323, 1.9381, 2.2202, 2.4826, 2.7285, 2.9603, 3.1798, 3.3887} {
		near(t, "E[X(n)]", m.ExpectedPurchasesNew(n+1), want, 2e-4)
	}
}

func TestPropBGBB(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := func(name string) float64 { return math.Exp(rapid.Float64Range(-2.5, 2.5).Draw(t, name)) }
		m := BGBB{Alpha: p("alpha"), Beta: p("beta"), Gamma: p("gamma"), Delta: p("delta")}
		if rapid.Bool().Draw(t, "gamma1") {
			m.Gamma = 1 // the expectation's removable singularity
		}
		n := rapid.IntRange(0, 30).Draw(t, "n")
		x := rapid.IntRange(0, n).Draw(t, "x")
		tx := 0
		if x > 0 {
			tx = rapid.IntRange(x, n).Draw(t, "tx")
		}
		h := BGBBPattern{Frequency: x, Recency: tx, Periods: n, Weight: 1}
		more := rapid.IntRange(0, 20).Draw(t, "m")
		pa, pm := m.ProbabilityAlive(h, 0), m.ProbabilityAlive(h, more)
		if !(pa >= 0 && pa <= 1 && pm <= pa*(1+1e-12) && pm >= 0) {
			t.Fatalf("%+v %+v: P(alive) %v, after %d more %v", m, h, pa, more, pm)
		}
		e1, e2 := m.ExpectedPurchases(h, more), m.ExpectedPurchases(h, more+1)
		if !(e1 >= 0 && e2 >= e1 && e1 <= float64(more)+1e-9) || !finite(e2) {
			t.Fatalf("%+v %+v: E(%d) = %v, E(%d) = %v", m, h, more, e1, more+1, e2)
		}
		// The new-customer pmf sums to 1 and its mean is the expectation.
		total, mean := 0.0, 0.0
		for k := 0; k <= n; k++ {
			v := m.ProbabilityPurchasesNew(k, n)
			total += v
			mean += float64(k) * v
		}
		near(t, "Σ pmf", total, 1, 1e-9)
		if e := m.ExpectedPurchasesNew(n); math.Abs(mean-e) > 1e-9*math.Max(1, e) {
			t.Fatalf("%+v n=%d: pmf mean %v, E %v", m, n, mean, e)
		}
		// Gradient against finite differences.
		g := make([]float64, 4)
		par := []float64{m.Alpha, m.Beta, m.Gamma, m.Delta}
		m.logLik(x, tx, n, 1, g)
		for j := range 4 {
			step := 1e-6 * par[j]
			q := append([]float64(nil), par...)
			q[j] += step
			up, _ := BGBB{Alpha: q[0], Beta: q[1], Gamma: q[2], Delta: q[3]}.logLik(x, tx, n, 0, nil)
			q[j] -= 2 * step
			down, _ := BGBB{Alpha: q[0], Beta: q[1], Gamma: q[2], Delta: q[3]}.logLik(x, tx, n, 0, nil)
			if fd := (up - down) / (2 * step); math.Abs(fd-g[j]) > 1e-5*math.Max(1, math.Abs(fd)) {
				t.Fatalf("%+v %+v: d/dp%d analytic %v, finite difference %v", m, h, j, g[j], fd)
			}
		}
	})
}
