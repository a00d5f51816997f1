package clv

import (
	"context"
	"math"
	"testing"

	"pgregory.net/rapid"
)

func TestSBGPublished(t *testing.T) {
	regular := []float64{1000, 631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173}
	highEnd := []float64{1000, 869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394}
	for _, c := range []struct {
		name        string
		alive       []float64
		alpha, beta float64
		s12, del    float64
	}{
		{"regular", regular, 0.704, 1.182, 0.1700, 3.6949},
		{"high end", highEnd, 0.668, 3.806, 0.3780, 5.9223},
	} {
		obs, err := CohortObservations(c.alive[:8]) // fit on years 1-7
		if err != nil {
			t.Fatal(err)
		}
		m, _, err := FitSBG(context.Background(), obs, FitOptions{})
		if err != nil {
			t.Fatal(err)
		}
		near(t, c.name+" alpha", m.Alpha, c.alpha, 2e-3)
		near(t, c.name+" beta", m.Beta, c.beta, 2e-3)
		near(t, c.name+" S(12)", m.Survival(12), c.s12, 1e-3)
		del, err := m.DEL(0.10)
		if err != nil {
			t.Fatal(err)
		}
		near(t, c.name+" DEL", del, c.del, 1e-4)
		derl, _ := m.DERL(0.10, 1)
		near(t, c.name+" DERL(1) = (DEL-1)(1+d)", derl, (del-1)*1.1, 1e-12)
	}
	// Fader & Hardie's DERL figures; the second segment's parameters are
	// printed to two significant figures, which moves its DERL by up to 0.01.
	for _, c := range []struct {
		m    SBG
		want []float64
		tol  float64
	}{
		{SBG{Alpha: 3.80, Beta: 15.20}, []float64{3.31, 3.45, 3.59, 3.72, 3.84}, 0.006},
		{SBG{Alpha: 0.067, Beta: 0.267}, []float64{7.68, 9.46, 9.86, 10.06, 10.19}, 0.012},
	} {
		for k, want := range c.want {
			got, err := c.m.DERL(0.10, k+1)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-want) > c.tol {
				t.Errorf("%+v DERL after %d renewals = %.4f, want %.2f", c.m, k+1, got, want)
			}
		}
	}
}

func TestPropSBG(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := func(name string) float64 { return math.Exp(rapid.Float64Range(-3, 3).Draw(t, name)) }
		m := SBG{Alpha: p("alpha"), Beta: p("beta")}
		d := rapid.Float64Range(0.001, 1).Draw(t, "d")
		prevS, prevR := 1.0, 0.0
		total := 0.0
		for k := 1; k <= 40; k++ {
			s, r := m.Survival(k), m.RetentionRate(k)
			if s > prevS*(1+1e-12) || r < prevR*(1-1e-12) || r <= 0 || r >= 1 {
				t.Fatalf("%+v t=%d: S %v after %v, r %v after %v", m, k, s, prevS, r, prevR)
			}
			near(t, "S(t)/S(t-1)", s/prevS, r, 1e-9)
			total += m.ChurnProbability(k)
			if math.Abs(s-(1-total)) > 1e-12 { // absolute: 1 − Σ cancels when S is small
				t.Fatalf("%+v: S(%d) = %v, 1 − Σ P(T≤t) = %v", m, k, s, 1-total)
			}
			prevS, prevR = s, r
		}
		del, err := m.DEL(d)
		if err != nil {
			t.Fatal(err)
		}
		derl, err := m.DERL(d, 1)
		if err != nil {
			t.Fatal(err)
		}
		near(t, "DERL(1) = (DEL-1)(1+d)", derl, (del-1)*(1+d), 1e-9)
	})
}

func TestPropSBGAndGammaGammaGradients(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := func(name string) float64 { return math.Exp(rapid.Float64Range(-2, 2).Draw(t, name)) }
		checks := []struct {
			f   func(p []float64, g []float64) float64
			par []float64
		}{
			{func(q, g []float64) float64 {
				o := SBGObservation{Periods: 7, Churned: true, Weight: 1}
				ll, da, db := SBG{Alpha: q[0], Beta: q[1]}.logLik(o)
				if g != nil {
					g[0], g[1] = da, db
				}
				return ll
			}, []float64{p("a"), p("b")}},
			{func(q, g []float64) float64 {
				return GammaGamma{P: q[0], Q: q[1], Gamma: q[2]}.logLik(SpendObservation{Frequency: 3, Mean: 21.5, Weight: 1}, g)
			}, []float64{p("p"), p("q"), p("g")}},
		}
		for _, c := range checks {
			g := make([]float64, len(c.par))
			c.f(c.par, g)
			for j := range c.par {
				step := 1e-6 * c.par[j]
				q := append([]float64(nil), c.par...)
				q[j] += step
				up := c.f(q, nil)
				q[j] -= 2 * step
				down := c.f(q, nil)
				if fd := (up - down) / (2 * step); math.Abs(fd-g[j]) > 1e-5*math.Max(1, math.Abs(fd)) {
					t.Fatalf("%v: d/dp%d analytic %v, finite difference %v", c.par, j, g[j], fd)
				}
			}
		}
	})
}
