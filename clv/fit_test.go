package clv

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// TestFitRecoversSimulated fits each model to data simulated from known
// parameters and checks every estimate lies within four standard errors.
func TestFitRecoversSimulated(t *testing.T) {
	if testing.Short() {
		t.Skip("fits 20 000 simulated customers per model")
	}
	rng := rand.New(rand.NewPCG(7, 11))
	T := make([]float64, 20000)
	for i := range T {
		T[i] = float64(rng.IntN(365)+1) / 7
	}
	ctx := context.Background()
	truth := map[string][]float64{
		"bgnbd":  {0.4, 5, 0.8, 2.5},
		"mbgnbd": {0.5, 6, 0.9, 1.6},
		"pnbd":   {0.6, 10, 0.7, 12},
	}
	for name, p := range truth {
		var sim []Summary
		var fitted []float64
		var rep FitReport
		var err error
		switch name {
		case "bgnbd":
			sim = BGNBD{R: p[0], Alpha: p[1], A: p[2], B: p[3]}.Simulate(rng, T)
			var f BGNBD
			f, rep, err = FitBGNBD(ctx, Compress(sim), FitOptions{})
			fitted = []float64{f.R, f.Alpha, f.A, f.B}
		case "mbgnbd":
			sim = MBGNBD{R: p[0], Alpha: p[1], A: p[2], B: p[3]}.Simulate(rng, T)
			var f MBGNBD
			f, rep, err = FitMBGNBD(ctx, Compress(sim), FitOptions{})
			fitted = []float64{f.R, f.Alpha, f.A, f.B}
		case "pnbd":
			sim = ParetoNBD{R: p[0], Alpha: p[1], S: p[2], Beta: p[3]}.Simulate(rng, T)
			var f ParetoNBD
			f, rep, err = FitParetoNBD(ctx, Compress(sim), FitOptions{})
			fitted = []float64{f.R, f.Alpha, f.S, f.Beta}
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		d, err := Describe(name)
		if err != nil {
			t.Fatal(err)
		}
		for j, n := range d.Params {
			se := rep.StdErrors[n]
			if !(se > 0) || math.Abs(fitted[j]-p[j]) > 4*se {
				t.Errorf("%s %s: fitted %v, true %v, SE %v", name, n, fitted[j], p[j], se)
			}
		}
	}
}

func TestFitCompressedEqualsExpanded(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	T := make([]float64, 3000)
	for i := range T {
		T[i] = float64(rng.IntN(365)+1) / 7
	}
	sim := BGNBD{R: 0.4, Alpha: 3, A: 0.8, B: 2.5}.Simulate(rng, T)
	ones := make([]Pattern, len(sim))
	for i, s := range sim {
		ones[i] = Pattern{Frequency: s.Frequency, Recency: s.Recency, T: s.T, Weight: 1}
	}
	ctx := context.Background()
	a, ra, err := FitBGNBD(ctx, Compress(sim), FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, rb, err := FitBGNBD(ctx, ones, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// A fit merges identical histories itself (in canonical order), so
	// compressed and expanded data give the same fit, bit for bit.
	if ra.Patterns != rb.Patterns || ra.Patterns >= len(ones) {
		t.Errorf("patterns: compressed %d, expanded %d, customers %d", ra.Patterns, rb.Patterns, len(ones))
	}
	if a != b || ra.LogLikelihood != rb.LogLikelihood {
		t.Errorf("compressed fit %+v (LL %v) != expanded fit %+v (LL %v)", a, ra.LogLikelihood, b, rb.LogLikelihood)
	}
}

func TestFitErrorsAndOptions(t *testing.T) {
	ctx := context.Background()
	if _, _, err := FitBGNBD(ctx, nil, FitOptions{}); !errors.Is(err, ErrNoData) {
		t.Errorf("empty data: %v", err)
	}
	if _, _, err := FitParetoNBD(ctx, []Pattern{{Frequency: 1, Recency: 5, T: 3, Weight: 1}}, FitOptions{}); !errors.Is(err, ErrInvalidSummary) {
		t.Errorf("recency > T: %v", err)
	}
	data := Compress(cdnow(t))
	if _, _, err := FitBGNBD(ctx, data, FitOptions{Penalty: -1}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("negative penalty: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := FitBGNBD(cancelled, data, FitOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	var iters int
	_, rep, err := FitBGNBD(ctx, data, FitOptions{MaxIterations: 2, Progress: func(p FitProgress) { iters = p.Iteration }})
	var ce *ConvergenceError
	if !errors.As(err, &ce) || !errors.Is(err, ErrNotConverged) || len(ce.Params) != 4 || rep.Converged {
		t.Errorf("2 iterations: err %v, report %+v", err, rep)
	}
	if iters == 0 {
		t.Error("progress callback never called")
	}
	// A penalty shrinks the parameters towards zero.
	free, _, _ := FitBGNBD(ctx, data, FitOptions{})
	pen, _, err := FitBGNBD(ctx, data, FitOptions{Penalty: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	if sumSq([]float64{pen.R, pen.Alpha, pen.A, pen.B}) >= sumSq([]float64{free.R, free.Alpha, free.A, free.B}) {
		t.Errorf("penalty did not shrink: %+v vs %+v", pen, free)
	}
	// Results do not depend on the number of workers.
	big := make([]Pattern, 0, 3*blockSize)
	for i := range 3 * blockSize {
		big = append(big, Pattern{Frequency: i % 7, Recency: float64(i%7) * 0.5, T: 10 + float64(i%13), Weight: 1})
	}
	one, _, _ := FitBGNBD(ctx, big, FitOptions{Workers: 1})
	two, _, _ := FitBGNBD(ctx, big, FitOptions{Workers: 2})
	if one != two {
		t.Errorf("workers changed the result: %+v vs %+v", one, two)
	}
}
