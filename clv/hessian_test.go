package clv

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"pgregory.net/rapid"
)

// TestBGHessian checks the analytic Hessian of the BG/NBD and MBG/NBD
// likelihoods against central differences of their analytic gradients,
// over patterns with many and few purchases, short and long ages, and
// parameters from e^−3 to e^3 — including patterns whose softplus term
// saturates either way.
func TestBGHessian(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		shift := float64(rapid.IntRange(0, 1).Draw(t, "shift"))
		pos := func(name string) float64 { return math.Exp(rapid.Float64Range(-3, 3).Draw(t, name)) }
		p := []float64{pos("r"), pos("alpha"), pos("a"), pos("b")}
		n := rapid.IntRange(1, 6).Draw(t, "patterns")
		ps := make([]Pattern, n)
		for i := range ps {
			x := rapid.IntRange(0, 60).Draw(t, "x")
			T := rapid.Float64Range(0.1, 400).Draw(t, "T")
			tx := 0.0
			if x > 0 {
				tx = T * rapid.Float64Range(0, 1).Draw(t, "tx/T")
			}
			ps[i] = Pattern{Frequency: x, Recency: tx, T: T, Weight: rapid.Float64Range(0.5, 3).Draw(t, "w")}
		}
		lk := bgLik{newPatternData(ps), shift}
		g := make([]float64, 4)
		h := make([]float64, 16)
		ll := totalLogLikHessian(lk, p, g, h, 1)
		// The Hessian pass gives the same log-likelihood and gradient.
		g0 := make([]float64, 4)
		if ll0 := totalLogLik(lk, p, g0, 1); ll0 != ll {
			t.Fatalf("log-likelihood %v with the Hessian, %v without", ll, ll0)
		}
		for i := range g {
			if g[i] != g0[i] {
				t.Fatalf("gradient %v with the Hessian, %v without", g, g0)
			}
		}
		for j := range 4 {
			step := 1e-6 * p[j]
			q := append([]float64(nil), p...)
			gp, gm := make([]float64, 4), make([]float64, 4)
			q[j] = p[j] + step
			totalLogLik(lk, q, gp, 1)
			q[j] = p[j] - step
			totalLogLik(lk, q, gm, 1)
			for i := range 4 {
				fd := (gp[i] - gm[i]) / (2 * step)
				// Differences of a gradient whose terms are as large as
				// |g|/p lose digits in proportion; the scale bounds that.
				scale := math.Max(math.Abs(h[4*i+j]), 1e-3/(p[i]*p[j]))
				for _, v := range []float64{g[i] / p[j], g[j] / p[i]} {
					scale = math.Max(scale, math.Abs(v))
				}
				if math.Abs(h[4*i+j]-fd) > 2e-5*scale {
					t.Fatalf("H[%d][%d] = %.12g, central difference of the gradient %.12g (p = %v)", i, j, h[4*i+j], fd, p)
				}
				if h[4*i+j] != h[4*j+i] {
					t.Fatalf("H not symmetric at %d,%d", i, j)
				}
			}
		}
	})
}

// TestNewtonFitsMatchBFGS fits BG/NBD and MBG/NBD to the CDNOW summaries
// with Newton's method (the default for these models) and checks the
// estimate against the gradient-only path (BFGS, standard errors by
// central differences of the gradient), to the precision of either.
func TestNewtonFitsMatchBFGS(t *testing.T) {
	data := Compress(cdnow(t))
	for _, shift := range []float64{0, 1} {
		t.Run(fmt.Sprint("shift=", shift), func(t *testing.T) {
			desc := &bgnbdModel
			if shift == 1 {
				desc = &mbgnbdModel
			}
			ps, n, err := preparePatterns(data)
			if err != nil {
				t.Fatal(err)
			}
			d := newPatternData(ps)
			start := []float64{1, defaultStart(d, n) / 4, 1, 1}
			newton, nrep, err := maximize(context.Background(), fitSpec{desc: desc, start: start, lk: bgLik{d, shift}, n: n}, FitOptions{})
			if err != nil {
				t.Fatal(err)
			}
			bfgs, brep, err := maximize(context.Background(), fitSpec{desc: desc, start: start, lk: gradientOnly{bgLik{d, shift}}, n: n}, FitOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for i := range newton {
				near(t, desc.Params[i], newton[i], bfgs[i], 1e-6)
				near(t, "se "+desc.Params[i], nrep.StdErrors[desc.Params[i]], brep.StdErrors[desc.Params[i]], 1e-5)
			}
			near(t, "log-likelihood", nrep.LogLikelihood, brep.LogLikelihood, 1e-12)
			if nrep.Evaluations >= brep.Evaluations {
				t.Errorf("Newton took %d evaluations, BFGS %d", nrep.Evaluations, brep.Evaluations)
			}
		})
	}
}

// gradientOnly hides a likelihood's Hessian from the fitter.
type gradientOnly struct{ likelihood }

// TestWarmStartSameMaximum fits BG/NBD and MBG/NBD with and without the
// warm start from a systematic sample (lowered here to 2,000
// patterns and a 500-pattern sample): both reach the same maximum, and the
// warm start takes no more passes over all the patterns (on 1M customers
// it takes half as many; see BenchmarkFit).
func TestWarmStartSameMaximum(t *testing.T) {
	defer func(p, s int) { warmStartPatterns, warmSample = p, s }(warmStartPatterns, warmSample)
	warmStartPatterns, warmSample = 2_000, 500
	rng := rand.New(rand.NewPCG(7, 11))
	T := make([]float64, 6000)
	for i := range T {
		T[i] = 1 + 51*rng.Float64()
	}
	var ps []Pattern
	for _, s := range (BGNBD{R: 0.3, Alpha: 5, A: 0.9, B: 2.5}).Simulate(rng, T) {
		ps = append(ps, Pattern{Frequency: s.Frequency, Recency: s.Recency, T: s.T, Weight: 1})
	}
	if n := len(CompressPatterns(ps)); n < warmStartPatterns {
		t.Fatalf("only %d distinct patterns", n)
	}
	type fit func(opts FitOptions) ([]float64, FitReport, error)
	for name, f := range map[string]fit{
		"bgnbd": func(o FitOptions) ([]float64, FitReport, error) {
			m, rep, err := FitBGNBD(context.Background(), ps, o)
			return []float64{m.R, m.Alpha, m.A, m.B}, rep, err
		},
		"mbgnbd": func(o FitOptions) ([]float64, FitReport, error) {
			m, rep, err := FitMBGNBD(context.Background(), ps, o)
			return []float64{m.R, m.Alpha, m.A, m.B}, rep, err
		},
	} {
		warm, wrep, err := f(FitOptions{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// An explicit start skips the warm start: the default one.
		ps2, n, _ := preparePatterns(ps)
		d := newPatternData(ps2)
		start := []float64{1, defaultStart(d, n) / 4, 1, 1}
		cold, crep, err := f(FitOptions{Start: start})
		if err != nil {
			t.Fatalf("%s cold: %v", name, err)
		}
		for i := range warm {
			near(t, fmt.Sprintf("%s param %d", name, i), warm[i], cold[i], 1e-6)
		}
		near(t, name+" log-likelihood", wrep.LogLikelihood, crep.LogLikelihood, 1e-12)
		if wrep.Evaluations > crep.Evaluations {
			t.Errorf("%s: %d passes with the warm start, %d without", name, wrep.Evaluations, crep.Evaluations)
		}
	}
}
